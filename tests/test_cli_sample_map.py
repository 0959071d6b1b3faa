"""`logistics sample` and `logistics map` end to end on the shipped data."""

from __future__ import annotations

import json

import pytest

from logistics.cli import main


def test_sample_place(capsys):
    assert main(["sample", "Port", "Arthur"]) == 0
    out = capsys.readouterr().out
    assert "Lüshun" in out and "elevation_m" in out and "terrain_class" in out
    assert "GeoNames" in out


def test_sample_json(capsys):
    assert main(["sample", "46.6194,121.2433", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert abs(facts["elevation_m"] - 491) <= 30  # Solun, data-sources.md
    assert facts["dem_source"].startswith("meteva")
    if "vehicles" in facts:  # present once the cost physics provides point_rates
        assert all("vehicle" in row for row in facts["vehicles"])


@pytest.mark.parametrize("args, message", [
    (["sample", "Korokhon"], "no coordinate"),
    (["sample", "Tsitsikhar"], "did you mean"),
    (["sample", "40.0,100.0"], "outside the theatre"),
])
def test_sample_errors(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_map_writes_an_image(tmp_path, capsys):
    out = tmp_path / "theatre.png"
    assert main(["map", "--out", str(out), "--resolution-m", "10000", "--dpi", "50"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert str(out) in capsys.readouterr().out


def test_map_of_a_box(tmp_path):
    out = tmp_path / "khingan.png"
    assert main(["map", "--bbox", "119,46,122,48", "--out", str(out), "--resolution-m", "5000",
                 "--dpi", "50", "--title", "Greater Khingan"]) == 0
    assert out.stat().st_size > 1000


@pytest.mark.parametrize("args, message", [
    (["--bbox", "100,30,101,31"], "108-136 E"),
    (["--bbox", "1,2,3"], "W,S,E,N"),
    (["--bbox", "122,46,119,48"], "inverted"),
])
def test_map_errors_leave_no_file(args, message, tmp_path, capsys):
    out = tmp_path / "bad.png"
    assert main(["map", "--out", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_map_rejects_unknown_format(tmp_path, capsys):
    assert main(["map", "--out", str(tmp_path / "m.txt")]) == 2
    assert ".png" in capsys.readouterr().err
