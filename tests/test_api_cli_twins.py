"""An API function and its command-line twin take the same things (msgs27).

``logistics compare --set NAME=VALUE`` refused the norms figures (``norms/<file>:<key>``) that
``logistics.run(overrides=)`` took; ``logistics.compare`` had no ``overrides=`` at all; and
``load_terrain`` took any positive cell size while ``--resolution-m`` and ``logistics.run``
take ``terrain.grid.RESOLUTION_RANGE_M``. One check serves both doors now; these tests hold
them to it.
"""

from __future__ import annotations

import shutil

from pathlib import Path

import pytest

import logistics
from logistics import settings
from logistics.api import _overrides_arg
from logistics.cli.compare import parse_assignments
from logistics.errors import ConfigError, UnknownNameError

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)
NORMS_KEY = "norms/march:norms.tank_column.max_speed_kmh"  # range 6.6 .. 22.5 km/h


class _Ran(Exception):
    """Raised by a runner standing in for the runs: the overrides passed every check."""


def _never(*args, **kwargs):
    raise _Ran


def _both(overrides: dict[str, float]) -> tuple[str | None, str | None]:
    """What ``compare --set`` and ``logistics.run(overrides=)`` say of ``overrides`` before
    any loading: (the command line's error or None, the API's error or None)."""
    said = []
    for check in (lambda: parse_assignments([f"{k}={v}" for k, v in overrides.items()]),
                  lambda: _overrides_arg(overrides)):
        try:
            check()
            said.append(None)
        except ConfigError as exc:
            said.append(str(exc))
    return said[0], said[1]


@pytest.mark.parametrize("overrides", [
    {"speed_scale": 1.2},
    {NORMS_KEY: 20.0},
    {"norms/movement:rail.railhead_advance.delay_days": 3.0},
    {"norms/formations:standards.tank_corps.vehicles.0.count": 10.0},
    {"fuel.reserve_reach_km": 150.0},
])
def test_compare_set_takes_every_name_run_overrides_takes(overrides):
    """``--set norms/march:...=20`` was "names no figure of any army file" while
    ``logistics.run(overrides=)`` took it (and the fortified rule's own fix proposes
    ``compare --set norms/formations:...``)."""
    assert _both(overrides) == (None, None)
    assert parse_assignments([f"{k}={v}" for k, v in overrides.items()]) == overrides


@pytest.mark.parametrize("overrides, fragment", [
    ({"norms/marhc:norms.tank_column.max_speed_kmh": 20.0}, "did you mean 'norms/march'"),
    ({"norms/march": 20.0}, "not a norms figure; fix: write <file>:<dotted key path>"),
    ({"speedscale": 1.2}, "did you mean 'speed_scale'"),
    ({"speed_scale": 100.0}, "speed_scale must be a number in [0.05, 20]"),
])
def test_compare_set_and_run_overrides_refuse_the_same_names_in_the_same_words(overrides,
                                                                               fragment):
    cli, api = _both(overrides)
    assert cli is not None and api is not None
    assert fragment in cli and fragment in api, (cli, api)
    assert cli.removeprefix("--set: ") == api.removeprefix("overrides: ")


def _one_army(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of one army file (TBF-39A) and a documented file of its rows."""
    configs = tmp_path / "cfg"
    configs.mkdir()
    (configs / "tbf-39a.yaml").write_text((SHIPPED / "tbf-39a.yaml").read_text(
        encoding="utf-8"), encoding="utf-8")
    lines = (SHIPPED / "history" / "documented-advances.csv").read_text(
        encoding="utf-8").splitlines()
    doc = tmp_path / "doc.csv"
    doc.write_text("\n".join([lines[0]] + [ln for ln in lines[1:]
                                           if ln.startswith("TBF-39A,")]) + "\n",
                   encoding="utf-8")
    return configs, doc


def test_a_comparison_takes_a_norms_figure_and_checks_it_before_any_run(tmp_path):
    """A comparison's check of its overrides refused every norms figure ("names no figure of
    any army file"); it takes one now, and one its norms file lacks, or a value the file's
    checks refuse, is said before any run, naming the file (it failed in the first run,
    or in a dask worker)."""
    from logistics.history.compare import compare

    configs, doc = _one_army(tmp_path)
    with pytest.raises(_Ran):  # passed every check: the runs were next
        compare(doc, configs_dir=configs, overrides={NORMS_KEY: 20.0}, runner=_never,
                resolution_m=25000)
    for bad, words in [({NORMS_KEY + "x": 20.0}, "names no figure"),
                       ({NORMS_KEY: -5.0}, "-5 looks like a slipped minus sign")]:
        with pytest.raises(ConfigError) as err:
            compare(doc, configs_dir=configs, overrides=bad, runner=_never,
                    resolution_m=25000)
        msg = str(err.value)
        assert "march.yaml" in msg and words in msg and "fix:" in msg, msg


def _passed_on(monkeypatch, **kwargs) -> dict:
    """The keywords ``logistics.compare(**kwargs)`` hands the comparison (which is not run)."""
    import logistics.history.compare as history_compare

    seen: dict = {}

    def stand_in(*args, **kw):
        seen.update(kw)
        raise _Ran

    monkeypatch.setattr(history_compare, "compare", stand_in)
    with pytest.raises(_Ran):
        logistics.compare(**kwargs)
    return seen


def test_the_api_compare_takes_overrides_as_run_does(monkeypatch):
    """``logistics.compare`` had no ``overrides=`` (a TypeError) though ``logistics.run`` and
    ``compare --set`` take them: checked by the same check before any loading, and passed
    on to every run."""
    with pytest.raises(ConfigError, match="did you mean 'speed_scale'"):
        logistics.compare(overrides={"speedscale": 1.2})
    with pytest.raises(ConfigError, match="must be a dict"):
        logistics.compare(overrides=[("speed_scale", 1.2)])
    seen = _passed_on(monkeypatch, overrides={"speed_scale": 1.2, NORMS_KEY: 20})
    assert seen["overrides"] == {"speed_scale": 1.2, NORMS_KEY: 20.0}


def test_the_api_compare_refuses_a_comparison_with_no_modeled_axis_before_its_runs(
        tmp_path, monkeypatch):
    """``logistics.compare`` said "no axis ... has a scenario" only after its comparison (its
    cluster, rates, baselines and empty runs); ``logistics compare`` says it first: the API
    now reads and checks the inputs first too, and hands them on (not read twice)."""
    import logistics.history.compare as history_compare

    configs, doc = _one_army(tmp_path)
    doc.write_text(doc.read_text(encoding="utf-8").replace("TBF-39A,", "NOPE-1,"),
                   encoding="utf-8")
    ran = []
    monkeypatch.setattr(history_compare, "compare", lambda *a, **kw: ran.append(kw))
    with pytest.raises(ConfigError, match=r"\(NOPE-1\) has a scenario config.*nothing to "):
        logistics.compare(doc, configs_dir=configs, workers=0)
    assert ran == []
    seen = _passed_on(monkeypatch, workers=0)
    assert "TBF-39A" in seen["inputs"].scenarios


@pytest.mark.parametrize("resolution_m", [0.5, 200_000])
def test_load_terrain_takes_the_cell_sizes_the_command_line_takes(resolution_m):
    """``load_terrain`` took any positive size (0.5 m asked for a grid of billions of cells;
    200 km gave one of a few), while ``--resolution-m`` and ``logistics.run`` refuse both."""
    with pytest.raises(ConfigError) as err:
        logistics.load_terrain((119.5, 46.5, 121.5, 47.5), resolution_m=resolution_m)
    msg = str(err.value)
    assert f"resolution_m={resolution_m:g} is outside 1..100000 m" in msg and "fix:" in msg


@pytest.mark.parametrize("kwargs, words", [
    ({"tolerance_km": 0}, "tolerance_km must be a number of km in (0, 1000], got 0"),
    ({"tolerance_km": 5000}, "got 5000; fix: e.g. tolerance_km=15"),
    ({"tolerance_km": "15"}, "got '15'"),
    ({"dem": "srtm"}, "unknown dem 'srtm': choose one of ['etopo5', 'merged']; fix: "
                      "dem='merged' or dem='etopo5'"),
])
def test_the_api_compare_takes_the_tolerance_and_dem_the_command_takes(kwargs, words,
                                                                        monkeypatch):
    """``compare --tolerance-km`` and ``--dem`` had no twin in ``logistics.compare`` (a
    TypeError): taken now, in the command's range and choices, and passed on."""
    with pytest.raises((ConfigError, UnknownNameError)) as err:
        logistics.compare(**kwargs)
    assert words in str(err.value) and "fix:" in str(err.value), str(err.value)
    seen = _passed_on(monkeypatch, tolerance_km=30, dem="etopo5")
    assert (seen["tolerance_km"], seen["dem"]) == (30.0, "etopo5")


def test_the_api_run_refuses_an_unknown_dem_before_any_loading(tmp_path):
    """``logistics.run(dem=...)`` was checked only when the terrain was loaded, after the army
    (a missing army file was said first): now at the door, by the terrain's own check, with
    the fix."""
    with pytest.raises(UnknownNameError, match=r"unknown dem 'srtm'.*fix: dem='merged'"):
        logistics.run(tmp_path / "no-army.yaml", dem="srtm")


def test_the_api_run_takes_no_events_as_the_command_does(monkeypatch):
    """``logistics run --no-events`` (the fortified-region rule left out, a sensitivity run)
    had no twin in ``logistics.run`` (a TypeError): ``events=False`` now, passed to the
    runner; a flag that is no bool is refused (``cost_surface="no"`` computed the surface)."""
    import logistics.runner as runner

    seen = {}

    def stand_in(*args, **kwargs):
        seen.update(kwargs)
        raise _Ran

    monkeypatch.setattr(runner, "run_scenario", stand_in)
    for key in ("events", "cost_surface"):
        with pytest.raises(ConfigError, match=f"{key} must be True or False, got 'no'; fix:"):
            logistics.run(SHIPPED / "tbf-39a.yaml", **{key: "no"})
    with pytest.raises(_Ran):
        logistics.run(SHIPPED / "tbf-39a.yaml", events=False)
    assert (seen["events"], seen["cost_surface"]) == (False, False)


def test_the_api_loads_a_shipped_scenario_by_name_as_the_command_runs_one(tmp_path,
                                                                           monkeypatch):
    """``logistics run tbf-39a`` runs the shipped scenario from any folder; the API said
    "army file 'tbf-39a' does not exist". One lookup serves both now
    (``army.load.army_by_name``); a file of that name in the working folder comes first, and
    a name the configs folder lacks is still refused."""
    from logistics.cli.run import scenario_files

    monkeypatch.chdir(tmp_path)
    for name in ("tbf-39a", "tbf-39a.yaml"):
        assert logistics.load_scenario(name).axis_id == "TBF-39A"
        assert scenario_files(name) == [settings.CONFIG_DIR / "tbf-39a.yaml"]
    with pytest.raises(ConfigError, match="'tbf-39x' is no file here nor a scenario of"):
        logistics.load_scenario("tbf-39x")
    (tmp_path / "tbf-39a.yaml").write_text("axis_id: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="tbf-39a.yaml"):  # the file here, not the shipped one
        logistics.load_scenario("tbf-39a.yaml")


def test_a_name_found_in_no_configs_folder_says_where_it_was_looked_up(tmp_path, monkeypatch):
    """``logistics.run("my-axis")`` said "army file 'my-axis' does not exist; give the path of
    a .yaml file", as if a name were never looked up: it names the configs folder it looked in
    (config_dir=, else settings.CONFIG_DIR), the near names, and how a copy's scenario runs by
    name (config_dir= the copy), as `logistics run NAME` does with LOGISTICS_CONFIG_DIR."""
    copy = tmp_path / "my-configs"
    shutil.copytree(SHIPPED, copy)
    shutil.copy(SHIPPED / "tbf-39a.yaml", copy / "my-axis.yaml")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        logistics.load_scenario("my-axis")
    msg = str(err.value)
    assert f"nor a scenario of the configs folder {settings.CONFIG_DIR}" in msg, msg
    assert "tbf-39a" in msg and "config_dir=" in msg
    with pytest.raises(ConfigError) as err:
        logistics.run("my-axs", config_dir=copy)  # refused before any work
    msg = str(err.value)
    assert f"configs folder {copy} (config_dir)" in msg and "did you mean 'my-axis'?" in msg


def test_the_api_route_takes_another_network_as_the_command_does(tmp_path, monkeypatch):
    """``logistics route --network FILE.osm`` had no twin in ``logistics.route`` (a
    TypeError): ``network=`` is read by the same reader (``network.load_network``) and
    routed on."""
    import logistics.network as network

    with pytest.raises(ConfigError, match="network must be a path"):
        logistics.route("Hailar", "Yakeshi", "zis-5", network=5)
    seen = {}

    def stand_in(*args, **kwargs):
        seen.update(kwargs)
        raise _Ran

    monkeypatch.setattr(network, "load_network", lambda path: f"graph of {Path(path).name}")
    monkeypatch.setattr(network, "route_multimodal", stand_in)
    with pytest.raises(_Ran):
        logistics.route("Hailar", "Yakeshi", "zis-5", network=tmp_path / "lines.osm")
    assert seen["network"] == "graph of lines.osm"


def test_the_api_route_refuses_an_out_folder_as_the_command_does_before_any_work(
        tmp_path, monkeypatch, capsys):
    """``logistics route --out`` writes the route's folder (the cost raster too);
    ``logistics.route`` had no ``out=`` (a TypeError). It takes one now and refuses a
    folder holding other files with the command's own check and words, before routing."""
    import logistics.network as network
    from logistics.cli import main
    from logistics.errors import OutputError

    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    monkeypatch.setattr(network, "route_multimodal", _never)
    with pytest.raises(OutputError) as err:
        logistics.route("Harbin", "Acheng", "zis-5", out=taken)
    assert "notes.txt" in str(err.value) and "overwrite=True" not in str(err.value)
    assert main(["route", "--from", "Harbin", "--to", "Acheng", "--vehicle", "zis-5",
                 "--out", str(taken)]) == 2
    said = capsys.readouterr().err
    same = "is an existing folder that logistics did not write (it holds notes.txt)"
    assert same in str(err.value) and same in said, (str(err.value), said)
    with pytest.raises(ConfigError, match="overwrite must be True or False"):
        logistics.route("Harbin", "Acheng", "zis-5", out=tmp_path / "new", overwrite="yes")
    with pytest.raises(ConfigError, match="out must be a path"):
        logistics.route("Harbin", "Acheng", "zis-5", out=3)
    assert (taken / "notes.txt").read_text() == "mine" and not (tmp_path / "new").exists()


@pytest.mark.slow
def test_the_api_route_writes_the_folder_the_command_writes(tmp_path, capsys):
    """``logistics.route(..., out=)`` and ``logistics route --out``: one writer
    (``report.route_outputs``), the same files with the same bytes, the cost raster among
    them; the API names the files it wrote in ``.attrs["files"]``, the command prints them."""
    from logistics._atomic import MARKER
    from logistics.cli import main
    from logistics.errors import OutputError

    legs = logistics.route("Harbin", "Acheng", "zis-5", mode="cross-country",
                           resolution_m=4000, out=tmp_path / "api")
    files = ["route.geojson", "route.gpkg", "legs.csv", "map.png", "cost.tif"]
    assert legs.attrs["files"] == files and legs.attrs["out"] == tmp_path / "api"
    assert sorted(p.name for p in (tmp_path / "api").iterdir()) == sorted([MARKER, *files])
    assert main(["route", "--from", "Harbin", "--to", "Acheng", "--vehicle", "zis-5", "--mode",
                 "cross-country", "--resolution-m", "4000", "--out", str(tmp_path / "cli")]) == 0
    assert f"wrote {tmp_path / 'cli'}/{', '.join(files)}" in capsys.readouterr().out
    for name in ("route.geojson", "route.gpkg", "legs.csv", "cost.tif"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    # an own folder is replaced only when asked, as --overwrite
    with pytest.raises(OutputError, match="overwrite=True"):
        logistics.route("Harbin", "Acheng", "zis-5", mode="cross-country", resolution_m=4000,
                        out=tmp_path / "api")


@pytest.mark.parametrize("workers, client", [(0, None), (None, None)])
def test_the_api_compare_takes_workers_as_the_command_does(workers, client, monkeypatch):
    """``compare --workers N`` had no twin in ``logistics.compare`` (a TypeError): 0 runs in
    this process, None starts a cluster only for Monte Carlo draws, as the command."""
    seen = _passed_on(monkeypatch, workers=workers)
    assert seen["client"] is client


@pytest.mark.parametrize("workers", [-1, 1.5, "2", True])
def test_the_api_compare_refuses_workers_it_cannot_use(workers):
    with pytest.raises(ConfigError) as err:
        logistics.compare(workers=workers)
    msg = str(err.value)
    assert "workers must be a whole number >= 0" in msg and "fix: e.g. workers=2" in msg, msg


def test_write_comparison_writes_the_folder_the_command_writes(tmp_path):
    """A notebook's comparison could not be written as ``logistics compare --out`` writes it
    (the API had no ``write_comparison``): the same folder, every file or none, a folder this
    tool did not write refused before any work."""
    configs, doc = _one_army(tmp_path)
    comp = logistics.compare(doc, configs_dir=configs, resolution_m=25000, workers=0)
    out = logistics.write_comparison(comp, tmp_path / "cmp", draw_map=False)
    names = {p.name for p in out.iterdir()}
    assert {"comparison.csv", "summary.csv", "comparison.geojson", "comparison.gpkg",
            "comparison.qgz", "problems.csv", "map.html", "report.md"} <= names, names
    assert "map.png" not in names
    # comparison.gpkg: a feature of each layer per row of comparison.csv with that position
    import pandas as pd
    import pyogrio

    table = pd.read_csv(out / "comparison.csv")
    place = table[["lon", "lat"]].notna().all(axis=1)
    model = table[["modeled_lon", "modeled_lat"]].notna().all(axis=1)
    assert len(table) and place.any() and model.any()
    for layer, rows in (("documented", place), ("modeled", model), ("errors", place & model)):
        info = pyogrio.read_info(out / "comparison.gpkg", layer=layer)
        assert info["crs"] == "EPSG:4326" and info["features"] == int(rows.sum()), layer
    back = pyogrio.read_dataframe(out / "comparison.gpkg", layer="documented")
    # comparison.csv's row is documented_row there (row is a reserved word of SQLite)
    assert sorted(back["documented_row"]) == sorted(table.loc[place, "row"])
    with pytest.raises(logistics.OutputError, match="overwrite=True"):
        logistics.write_comparison(comp, out)  # written already: overwrite is the user's call
    assert logistics.write_comparison(comp, out, overwrite=True, draw_map=False) == out
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(logistics.OutputError):
        logistics.write_comparison(comp, mine, overwrite=True)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("kwargs, words", [
    ({"comp": "comparison.csv"}, "write_comparison needs the result of logistics.compare(...)"),
    ({"overwrite": "yes"}, "overwrite must be True or False, got 'yes'"),
    ({"draw_map": 1}, "draw_map must be True or False, got 1"),
    ({"map_resolution_m": 0}, "map_resolution_m must be a positive number of metres, got 0"),
    ({"map_resolution_m": 1e6}, "map_resolution_m=1000000 is outside 1..100000 m"),
])
def test_write_comparison_refuses_what_it_cannot_write(kwargs, words, tmp_path):
    from logistics.history.compare import Comparison

    comp = kwargs.pop("comp", None)
    if comp is None:  # an empty comparison stands for one: the checks come before any writing
        comp = Comparison.__new__(Comparison)
    with pytest.raises(ConfigError) as err:
        logistics.write_comparison(comp, tmp_path / "out", **kwargs)
    assert words in str(err.value) and "fix" in str(err.value), str(err.value)
    assert not (tmp_path / "out").exists()
