"""Every config file of the package goes through the one YAML reader (``logistics._yaml``):
a key given twice in the planned rates, the network files, the movement norms or the 1945
land-cover rule is one ConfigError naming the file and both lines, never silently the last one
(PyYAML's ``safe_load`` keeps the last of two equal keys without a word)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from logistics import settings
from logistics._yaml import load_yaml
from logistics.errors import ConfigError
from logistics.history.baseline import load_planned_rates
from logistics.army.means_norms import load_means_norms
from logistics.network.params import load_lines, load_params
from logistics.terrain.landcover1945 import load_landcover_1945

READERS = {
    "history/planned-rates.yaml": load_planned_rates,
    "network/network.yaml": load_params,
    "network/lines-1945.yaml": load_lines,
    "norms/movement.yaml": load_means_norms,
    "terrain/landcover-1945.yaml": load_landcover_1945,
}


@pytest.mark.parametrize("rel", sorted(READERS))
def test_a_key_given_twice_is_one_error_naming_file_and_lines(rel, tmp_path):
    shipped = Path(settings.SHIPPED_CONFIG_DIR) / rel
    path = tmp_path / rel  # beside the files it names (the land cover names ../network/)
    path.parent.mkdir()
    shutil.copyfile(shipped, path)
    if not (tmp_path / "network").exists():
        (tmp_path / "network").symlink_to(shipped.parent.parent / "network")
    READERS[rel](path)  # the shipped text reads as it is
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^([A-Za-z_][\w-]*):", text, re.M)
    assert first, f"{rel}: no top-level key"
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + f"{first.group(1)}: {{}}\n",
                    encoding="utf-8")
    first_line = text[: first.start()].count("\n") + 1
    with pytest.raises(ConfigError) as info:
        READERS[rel](path)
    msg = str(info.value)
    assert str(path) in msg
    assert f"duplicate key {first.group(1)!r}" in msg
    assert f"line {lines + 1}" in msg and f"first at line {first_line}" in msg


@pytest.mark.parametrize("rel", sorted(READERS))
def test_a_missing_file_is_one_error_naming_it(rel, tmp_path):
    path = tmp_path / "nowhere" / Path(rel).name
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        READERS[rel](path)


def test_the_fast_parser_reads_every_shipped_config_as_the_pure_python_one_does():
    """libyaml (the fast path) and PyYAML's own parser under the same rules agree on every
    shipped YAML file, value for value."""
    from logistics import _yaml
    from logistics._textfile import read_text
    from logistics.settings import PROJECT_ROOT

    files = sorted(Path(PROJECT_ROOT, "configs").rglob("*.yaml"))
    assert len(files) > 20
    for f in files:
        text = read_text(f, what="config", max_bytes=_yaml.MAX_BYTES, error=ValueError)
        assert _yaml._parse(text, str(f), _yaml._FastLoader) == \
            _yaml._parse(text, str(f), _yaml._Loader), f


def test_an_error_is_worded_by_the_pure_python_parser(tmp_path):
    """libyaml's message drops the offending character; the reader names it (a tab)."""
    f = tmp_path / "tab.yaml"
    f.write_text("a:\n\t- 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2, column 1: .*'\\t'"):
        load_yaml(f)


def test_an_unquoted_colon_in_a_text_is_named_as_the_likely_cause(tmp_path):
    """``name: Reader try: a cavalry division`` (a newcomer's first army file) read as a
    mapping inside a value; the error said only "mapping values are not allowed here"."""
    f = tmp_path / "colon.yaml"
    f.write_text("axis_id: TRY\nname: Reader try: a cavalry division\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2, column 17: not valid YAML: mapping values "
                       r"are not allowed here; fix the file there \(likely: a text holding ': '"
                       r" \(a colon and a space\) must be quoted"):
        load_yaml(f)


def test_other_yaml_errors_get_no_colon_hint(tmp_path):
    f = tmp_path / "bracket.yaml"
    f.write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML") as err:
        load_yaml(f)
    assert "likely" not in str(err.value)


@pytest.mark.parametrize("value", ["!!bool maybe", '!!int ""', '!!float ""'])
def test_an_explicit_tag_on_a_value_it_cannot_hold_is_one_error_naming_the_line(value, tmp_path):
    # PyYAML's own constructors fail here with KeyError or IndexError (a traceback out of
    # `logistics run`, found by helper breaker26)
    path = tmp_path / "a.yaml"
    path.write_text(f"axis_id: X\nname: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    msg = str(info.value)
    assert str(path) in msg and "line 2, column 7" in msg
    assert "remove the tag or correct the value" in msg


def test_an_explicit_timestamp_tag_is_text_as_every_date(tmp_path):
    # PyYAML's constructor failed with AttributeError on a time without seconds; the schema
    # parses dates (and refuses 'yesterday'), so the tag changes nothing
    path = tmp_path / "a.yaml"
    path.write_text("h_hour: !!timestamp 1945-08-09T00:01\n", encoding="utf-8")
    assert load_yaml(path) == {"h_hour": "1945-08-09T00:01"}


def test_a_tab_is_named_as_the_likely_cause_with_its_fix(tmp_path):
    """A newcomer indenting with the Tab key got only "found character '\\t' that cannot start
    any token; fix the file there": the fix (spaces) was not said."""
    f = tmp_path / "tab.yaml"
    f.write_text("fuel:\n\tin_tanks_refills: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2, column 1: .*\(likely: a tab: YAML indents "
                       r"with spaces only; replace the tab at this line by spaces\)"):
        load_yaml(f)
