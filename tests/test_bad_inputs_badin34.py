"""Bad inputs found from outside by helper badin34 (each failed on main)."""

from __future__ import annotations

import shutil
from pathlib import Path

from logistics import settings

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)


# --- schema: an army or vehicle file that is a link to a file shared from outside ----------------

def test_schema_writes_nothing_when_a_scenario_file_is_a_link(tmp_path, capsys):
    # an army file linked from a shared folder: `schema` wrote schema/ and then stopped at the
    # link with the fix of an output path ("choose a file path that does not exist yet")
    from logistics.cli import main

    configs, shared = tmp_path / "configs", tmp_path / "shared"
    shutil.copytree(SHIPPED / "vehicles", configs / "vehicles")
    shared.mkdir()
    (shared / "mine.yaml").write_text(
        (SHIPPED / "tbf-cmg.yaml").read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    (configs / "mine.yaml").symlink_to(shared / "mine.yaml")
    before = (shared / "mine.yaml").read_bytes()
    assert main(["schema", "--configs", str(configs)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(configs / "mine.yaml") in err, err
    assert "symbolic link" in err and "nothing was written" in err and "fix:" in err, err
    assert not (configs / "schema").exists()  # refused before anything was written
    assert (configs / "mine.yaml").is_symlink() and (shared / "mine.yaml").read_bytes() == before
