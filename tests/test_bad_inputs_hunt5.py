"""Bad inputs found from outside, fifth pass (helper "badhunt14"): each ends in one clear error.

``LOGISTICS_MEMORY_BUDGET_BYTES`` was read with a bare ``int()`` at import (a traceback before
any command for ``abc``, ``1e9`` or an empty value; 0 and negative budgets were taken).
A documented distance of 400 digits (read as infinity) was a matplotlib traceback out of
`compare`, and one of 1e300 km was scored; a documented row with more cells than the header
has was read with its first cells as pandas' index (every column shifted by the extra cells).
A DEM of elevations the Earth has nowhere (30 000 m, infinity: RuntimeWarnings on stderr) or of one
cell over the whole theatre was taken as terrain; a land cover of codes IGBP has not was
read as nodata everywhere ("no terrain data ... sea or outside the DEM", blaming the DEM).
A flotilla whose route's first port is where it starts (a river path of no length) was a
shapely traceback; a formation listed twice in a flotilla's ``carries`` was taken.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from logistics import settings
from tests.conftest import army_refused as _refused


def _env_without_logistics(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    env.update(extra)
    return env


# --- environment: the in-memory solve's byte budget ------------------------------------------

@pytest.mark.parametrize("value", ["abc", "1e9", "-5", "0", "1.5"])
def test_a_bad_memory_budget_is_one_clean_line_naming_the_variable(value):
    res = subprocess.run([sys.executable, "-m", "logistics", "places", "Hailar"],
                         env=_env_without_logistics(LOGISTICS_MEMORY_BUDGET_BYTES=value),
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("logistics places: error: environment variable "
                                 f"LOGISTICS_MEMORY_BUDGET_BYTES={value!r}")
    assert "whole number of bytes, at least 1" in res.stderr
    assert "unset LOGISTICS_MEMORY_BUDGET_BYTES" in res.stderr


def test_a_good_memory_budget_is_read_and_an_empty_one_is_unset():
    code = "from logistics import settings; print(settings.MEMORY_BUDGET_BYTES)"
    for value, shown in (("1000000", "1000000"), ("", "None"), (" 2048 ", "2048")):
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=_env_without_logistics(LOGISTICS_MEMORY_BUDGET_BYTES=value),
                             timeout=120)
        assert res.stdout.strip() == shown, res.stderr


# --- a user's text drawn on a figure is drawn as written, never parsed as mathtext -------------

#: Two pairs of dollar signs round text matplotlib's mathtext cannot parse: it raised a
#: ParseException (a traceback after the whole run, or out of `logistics map`).
_DOLLARS = r"cost $\frac{1}{0}$ and $$"


def test_a_map_title_with_dollar_signs_is_drawn_as_written(tmp_path, capsys):
    from logistics.cli import main

    out = tmp_path / "m.png"
    code = main(["map", "--bbox", "119,46,121,47.5", "--resolution-m", "20000", "--dpi", "30",
                 "--no-labels", "--title", _DOLLARS, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.is_file() and out.stat().st_size > 0


def test_an_army_name_with_dollar_signs_is_drawn_as_written(tmp_path):
    from tests.test_run_map_layout import _result
    import logistics.report.run_plots as rp

    result = _result()
    result.scenario.name = _DOLLARS
    rp.plot_advance(result, tmp_path / "advance.png")
    rp.plot_map(result, tmp_path / "map.png", basemap=False)
    assert (tmp_path / "advance.png").stat().st_size > 0
    assert (tmp_path / "map.png").stat().st_size > 0


@pytest.mark.parametrize("title, shown", [("a\x1b[31mred", r"'\x1b'"), ("bell\x07", r"'\x07'"),
                                          ("cr\rx", r"'\r'")])
def test_a_map_title_with_a_control_character_is_refused_before_the_work(tmp_path, capsys,
                                                                         title, shown):
    """The font has no glyph for them: matplotlib warned on stderr and drew a box."""
    from logistics.cli import main

    out = tmp_path / "m.png"
    assert main(["map", "--resolution-m", "20000", "--title", title, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("logistics map: error: --title holds a control character")
    assert shown in err and "line break" in err
    assert not out.exists()


def test_a_map_title_of_two_lines_is_drawn(tmp_path, capsys):
    from logistics.cli import main

    out = tmp_path / "m.png"
    code = main(["map", "--bbox", "119,46,121,47.5", "--resolution-m", "20000", "--dpi", "30",
                 "--no-labels", "--title", "first line\nsecond line", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.is_file()


# --- a flotilla's route and load ---------------------------------------------------------------

def _fef15() -> dict:
    return yaml.safe_load((settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml").read_text(
        encoding="utf-8"))


@pytest.mark.parametrize("route, key, place", [
    # its first port is its start (Leninskoye): a river path of no length
    (lambda b: [copy.deepcopy(b["start"])], "route.0", "Leninskoye"),
    # a port given twice in a row
    (lambda b: [b["route"][0], copy.deepcopy(b["route"][0]), b["route"][1]], "route.1", "Fujin"),
])
def test_a_flotilla_port_where_the_brigade_already_is_is_refused(tmp_path, route, key, place):
    data = _fef15()
    brigade = data["flotilla"][0]
    brigade["route"] = route(brigade)
    _refused(tmp_path, data, f"flotilla.0 (1st-river-ship-brigade).{key}", place,
             "where the brigade already is")


def test_a_formation_carried_twice_by_one_brigade_is_refused(tmp_path):
    data = _fef15()
    data["flotilla"][0]["carries"] = ["15a-landing", "15a-landing"]
    _refused(tmp_path, data, "flotilla.0 (1st-river-ship-brigade).carries", "'15a-landing'",
             "twice")


def test_a_river_move_to_where_the_ships_are_is_no_move():
    from logistics.network import plan_river_move
    from logistics.places import resolve

    here = resolve("Fujin")
    lonlat = (float(here.lon), float(here.lat))
    move = plan_river_move(lonlat, lonlat, ships={"monitor-shkval": 1}, men=1, depart_h=0.0)
    assert not move.ok and "same point" in move.reason, move.reason


# --- seasons that can never apply ---------------------------------------------------------------

def _fef39() -> dict:
    return yaml.safe_load((settings.SHIPPED_CONFIG_DIR / "tbf-39a.yaml").read_text(
        encoding="utf-8"))


def test_two_seasons_starting_at_the_same_time_are_refused(tmp_path):
    # the first of the two never applied: the run took the second from its start on
    data = _fef39()
    data["seasons"][1]["start"]["value"] = data["seasons"][0]["start"]["value"]
    _refused(tmp_path, data, "seasons", "start at the same time", "1945-08-09 00:10:00")


def test_a_season_starting_after_the_run_is_refused(tmp_path):
    # the wet season of 39th Army set to 30 September: the run (to 26 August) never reached it
    data = _fef39()
    data["seasons"][1]["start"]["value"] = "1945-09-30T00:00"
    _refused(tmp_path, data, "seasons.1.start (1945-09-30 00:00:00)", "after the run",
             "never apply")


# --- documented-advances: distances beyond any advance, rows wider than the header ---------------

def _documented_file(tmp_path: Path, edit) -> Path:
    import csv
    import io

    text = (settings.SHIPPED_CONFIG_DIR / "history" / "documented-advances.csv").read_text(
        encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [r for r in rows[1:] if r[0] == "TBF-39A"]
    header, body = edit(header, body)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *body])
    path = tmp_path / "doc.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _km(text: str = "", lo: str = "", hi: str = ""):
    def edit(header, body):
        i, j, k = (header.index(c) for c in ("cumulative_km_from_start_documented", "km_min",
                                              "km_max"))
        for r in body:
            r[i], r[j], r[k] = text, lo, hi
        return header, body
    return edit


@pytest.mark.parametrize("edit, column", [
    (_km(text="9" * 400), "cumulative_km_from_start_documented"),  # float(): inf
    (_km(text="1" + "0" * 300), "cumulative_km_from_start_documented"),
    (_km(text="100-1e300".replace("1e300", "1" + "0" * 30)), "cumulative_km_from_start_documented"),
    (_km(lo="1e300", hi="1e301"), "km_min"),
    (_km(lo="10", hi="25000"), "km_max"),
])
def test_a_documented_distance_beyond_any_advance_is_a_row_problem(tmp_path, edit, column):
    from logistics.history.documented import load_documented

    doc = load_documented(_documented_file(tmp_path, edit))
    assert [p.column for p in doc.problems] == [column] * len(doc.table), doc.report()
    assert all("20,000 km" in p.message and p.consequence.endswith("ignored")
               for p in doc.problems)
    assert doc.table["km_min"].isna().all() and doc.table["km_max"].isna().all()
    assert doc.table["usable"].all()  # the row's date and place are still scored


def test_a_documented_distance_of_a_campaign_is_read(tmp_path):
    from logistics.history.documented import load_documented

    doc = load_documented(_documented_file(tmp_path, _km(text="120-19999")))
    assert doc.problems == () and doc.table["km_max"].tolist() == [19999.0] * len(doc.table)


@pytest.mark.parametrize("extra, cells", [(["x", "y", "z"], 21), (["", ""], 20), ([], 17)])
def test_a_documented_row_of_another_width_than_its_header_is_one_problem(tmp_path, extra,
                                                                          cells):
    """A row wider than its header (an unquoted decimal comma, 44,556: 20 or 22 fields for
    18 columns) had its cells shifted into the next columns and was scored on them when the
    cells beyond the header were empty, and refused the whole file when they were not; a
    shorter row ([] below: one cell cut) was read with its cells in the wrong columns."""
    from logistics.history.documented import load_documented

    def edit(header, body):
        body[0] = body[0] + extra if extra else body[0][:-1]
        return header, body

    doc = load_documented(_documented_file(tmp_path, edit))
    (p,) = doc.problems
    assert (p.row, p.consequence) == (2, "row not scored") and p.value == f"{cells} fields"
    for fragment in (f"{cells} fields where the header names 18 columns", "fix: quote",
                     "point as the decimal mark"):
        assert fragment in p.message, p.message
    t = doc.table.set_index("row")
    assert not t.loc[2, "usable"] and t.drop(index=2)["usable"].all()


def test_the_new_users_decimal_commas_are_one_problem_not_a_scored_row(tmp_path):
    from logistics.history.documented import load_documented

    path = tmp_path / "commas.csv"
    from logistics.history.documented import COLUMNS

    path.write_text(",".join(COLUMNS) + "\nTBF-6GTA,Transbaikal Front,fd-5gtc,1945-08-11,Lubei,"
                    "44,556,120,914,,Tamsag-Bulag,47.23,117.28,My notes p.1,they took Lubei,"
                    "medium,,approx_uncertain,,\n", encoding="utf-8")
    doc = load_documented(path)
    assert [(p.row, p.value) for p in doc.problems] == [(2, "20 fields")], doc.report()
    assert not doc.table["usable"].any()


def test_empty_cells_beyond_the_header_are_read_as_nothing_when_the_header_has_them(tmp_path):
    # a spreadsheet's export closes every row, the header too, with empty cells
    from logistics.history.documented import load_documented

    def trailing(header, body):
        return header + ["", ""], [r + ["", ""] for r in body]

    doc = load_documented(_documented_file(tmp_path, trailing))
    plain = load_documented(_documented_file(tmp_path, lambda h, b: (h, b)))
    assert doc.problems == () and doc.table["axis_id"].tolist() == ["TBF-39A"] * len(doc.table)
    assert doc.table.drop(columns="row").equals(plain.table.drop(columns="row"))


# --- a name given twice in a list option ----------------------------------------------------------

@pytest.mark.parametrize("argv, fragments", [
    # the second copy was dropped without a word (bounds: the last one won)
    (["calibrate", "--params", "speed_scale,speed_scale"], ["--params", "'speed_scale'", "once"]),
    (["calibrate", "--params", "speed_scale", "--axes", "TBF-39A,TBF-39A"],
     ["--axes", "'TBF-39A'", "once"]),
    (["calibrate", "--params", "speed_scale", "--bound", "speed_scale=0.5:1",
      "--bound", "speed_scale=1:2"], ["--bound", "speed_scale", "0.5:1", "1:2"]),
    # an empty --axes fitted on every axis, as if it had not been given
    (["calibrate", "--params", "speed_scale", "--axes", ","], ["--axes", "names no axis"]),
    (["bench", "--sizes", "400", "--repeat", "1", "--engines", "ours-aniso8,ours-aniso8"],
     ["--engines", "'ours-aniso8'", "once"]),
])
def test_a_list_option_naming_one_thing_twice_is_refused_before_the_work(tmp_path, capsys,
                                                                        argv, fragments):
    from logistics.cli import main

    out = tmp_path / "o"
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    line = err.splitlines()[0]
    assert line.startswith(f"logistics {argv[0]}: error: "), err
    for fragment in fragments:
        assert fragment in line, line
    assert not out.exists()


# --- a documented date years from the run: the figure's day ticks -----------------------------

def test_day_ticks_follow_what_is_drawn_not_only_the_run(caplog):
    """A documented row dated 1950 on an axis of 1945 asked matplotlib for a tick a day over
    five years: "Locator attempting to generate 2015 ticks" 63 times on stderr."""
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from logistics.report.compare_plots import _day_ticks

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    h, t_end = pd.Timestamp("1945-08-09"), pd.Timestamp("1945-08-26")
    ax.plot([h, t_end], [0, 300])
    ax.plot([pd.Timestamp("1950-08-15")], [250], marker="D")
    _day_ticks(ax, h, t_end)
    with caplog.at_level("WARNING"):
        fig.canvas.draw()
    assert not [r for r in caplog.records if "Locator" in r.getMessage()]
    assert 3 <= len(ax.get_xticks()) <= 20 and len(ax.xaxis.get_minorticklocs()) <= 200


def test_day_ticks_of_a_run_are_still_daily():
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from logistics.report.compare_plots import _day_ticks

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    h, t_end = pd.Timestamp("1945-08-09"), pd.Timestamp("1945-08-26")
    ax.plot([h, t_end], [0, 300])
    _day_ticks(ax, h, t_end)
    fig.canvas.draw()
    # a major tick every 2 days (17 days / 12, rounded up), a minor tick on the days between
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "09 Aug", "11 Aug", "13 Aug", "15 Aug", "17 Aug", "19 Aug", "21 Aug", "23 Aug", "25 Aug"]
    assert len(ax.xaxis.get_minorticklocs()) == 9


# --- a DEM no land can have ---------------------------------------------------------------------

_BOX = (119.5, 47.0, 120.5, 47.6)  # a small box near Solun: a few hundred cells at 5 km


@pytest.fixture()
def spoilt_dem(tmp_path, monkeypatch):
    """``spoil(array_fn, **profile)``: the shipped layers with their DEM rewritten, as
    settings.RASTER_DIR."""
    import shutil

    import numpy as np
    import rasterio

    dst = tmp_path / "rasters"
    shutil.copytree(settings.RASTER_DIR, dst, ignore=shutil.ignore_patterns("*.py", "_cache"))
    monkeypatch.setattr(settings, "RASTER_DIR", dst)
    path = dst / "dem_merged_30s.tif"

    def spoil(array_fn, **over):
        with rasterio.open(path) as src:
            profile, arr = src.profile.copy(), src.read()
        arr = np.asarray(array_fn(arr))
        profile.update(count=arr.shape[0], height=arr.shape[1], width=arr.shape[2],
                       dtype=str(arr.dtype), **over)
        with rasterio.open(path, "w", **profile) as out:
            out.write(arr)
    return spoil


@pytest.mark.parametrize("array_fn, nodata, fragments", [
    (lambda a: np.full(a.shape, 30000, np.int16), -32768, ["30000", "-11000 (the sea floor) to 9000 m"]),
    (lambda a: np.full(a.shape, -30000, np.int16), -32768, ["-30000", "-11000 (the sea floor) to 9000 m"]),
    # at 5 km the cells are box means first: the infinities became holes of nodata
    (lambda a: np.where(np.indices(a.shape)[2] % 7 == 0, np.inf, 300.0).astype(np.float32), None,
     ["infinite values (inf)"]),
])
@pytest.mark.parametrize("resolution_m", [1000, 5000])
def test_a_dem_of_elevations_no_land_has_is_one_data_error(spoilt_dem, array_fn, nodata,
                                                           fragments, resolution_m):
    from logistics.errors import DataError
    from logistics.terrain import load_terrain

    spoilt_dem(array_fn, nodata=nodata)
    with pytest.raises(DataError) as err:
        load_terrain(_BOX, resolution_m=resolution_m)
    msg = str(err.value)
    for f in ("dem_merged_30s.tif", *fragments, "rasters/build.py"):
        assert f in msg, msg


def test_a_dem_of_one_cell_over_the_theatre_is_one_data_error(spoilt_dem):
    from rasterio.transform import from_bounds

    from logistics.errors import DataError
    from logistics.terrain import load_terrain

    spoilt_dem(lambda a: np.full((1, 1, 1), 500, np.int16),
               transform=from_bounds(108, 38, 136, 54, 1, 1))
    with pytest.raises(DataError) as err:
        load_terrain(_BOX, resolution_m=5000)
    msg = str(err.value)
    for f in ("dem_merged_30s.tif", "28", "16", "15 arc-minutes", "rasters/build.py"):
        assert f in msg, msg


def test_a_dem_labelled_with_the_wrong_crs_names_its_file(spoilt_dem):
    """The lon/lat DEM relabelled EPSG:3857 lies within a few hundred metres of 0 E 0 N: every
    point of the theatre read as 'no terrain data at ... (sea or outside the DEM)', naming no
    file. Its own bounds, taken to lon/lat, now say where it lies and ask about its label."""
    from logistics.errors import DataError
    from logistics.terrain import load_terrain

    spoilt_dem(lambda a: a, crs="EPSG:3857")
    with pytest.raises(DataError) as err:
        load_terrain(_BOX, resolution_m=5000)
    msg = str(err.value)
    for f in ("dem_merged_30s.tif", "EPSG:3857", "nowhere on the theatre", "108..136 E",
              "is its CRS label right?", "rasters/build.py"):
        assert f in msg, msg


def test_the_shipped_dems_pass_over_the_whole_theatre_sea_floor_included(spoilt_dem):
    from logistics.terrain import load_terrain

    for dem in ("merged", "etopo5"):  # ETOPO5's file holds the Sea of Japan's floor, -3,718 m
        ds = load_terrain(None, resolution_m=25000, dem=dem)
        assert float(ds["elevation_m"].max()) > 1000  # the Khingan, Changbai: 25 km means


@pytest.fixture()
def spoilt_layers(tmp_path, monkeypatch):
    """``spoil(name, value)``: the shipped layers with the class layer ``name`` set to one
    code everywhere, as settings.RASTER_DIR."""
    import shutil

    import rasterio

    dst = tmp_path / "rasters"
    shutil.copytree(settings.RASTER_DIR, dst, ignore=shutil.ignore_patterns("*.py", "_cache"))
    monkeypatch.setattr(settings, "RASTER_DIR", dst)

    def spoil(name: str, value: int) -> None:
        with rasterio.open(dst / name) as src:
            profile, arr = src.profile.copy(), src.read()
        with rasterio.open(dst / name, "w", **profile) as out:
            out.write(np.full_like(arr, value))
    return spoil


@pytest.mark.parametrize("name, value, fragments", [
    ("landcover_igbp_2019.tif", 200, ["200", "IGBP codes 0-16"]),
    ("landmask_30s.tif", 7, ["7", "0 (sea), 1 (land) or 2 (lake)"]),
])
def test_a_class_layer_of_codes_it_cannot_hold_is_one_data_error(spoilt_layers, name, value,
                                                                 fragments):
    from logistics.errors import DataError
    from logistics.terrain import load_terrain

    spoilt_layers(name, value)
    with pytest.raises(DataError) as err:
        load_terrain(_BOX, resolution_m=5000)
    msg = str(err.value)
    for f in (name, *fragments, "rasters/build.py"):
        assert f in msg, msg


# --- a scheduler address where something answers, but no dask scheduler -------------------------

@pytest.fixture()
def silent_port():
    """A loopback port that accepts connections and never says a word (bounded: the test's)."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    held, stop = [], threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join(5)
    for c in held:
        c.close()
    srv.close()


def test_a_scheduler_address_that_never_answers_is_one_error_in_bounded_time(silent_port):
    """distributed's Client waited for the handshake for ever (a compare hung past 300 s)."""
    import time

    from logistics.cost.cluster import get_client
    from logistics.errors import ResourceError

    t0 = time.monotonic()
    with pytest.raises(ResourceError) as err:
        get_client(f"tcp://127.0.0.1:{silent_port}", timeout_s=2.0)
    assert time.monotonic() - t0 < 30
    msg = str(err.value)
    for f in (f"tcp://127.0.0.1:{silent_port}", "no dask scheduler answered", "2 s",
              "dask scheduler"):
        assert f in msg, msg


# --- an empty path (an unset shell variable: --network "$NET") ----------------------------------

@pytest.mark.parametrize("argv", [
    # the shipped network, silently
    ["route", "--from", "Harbin", "--to", "Mutanchiang", "--vehicle", "zis-5", "--network", ""],
    # the current folder ('.'), silently: its army files were compared
    ["compare", "--configs", " ", "--no-map", "--workers", "0"],
    ["compare", "--documented", "", "--no-map", "--workers", "0"],
    ["calibrate", "--configs", "", "--params", "speed_scale"],
    # the shipped configs folder, silently
    ["schema", "--configs", ""],
    # the current folder for the benchmark's files
    ["bench", "--sizes", "400", "--repeat", "1", "--engines", "ours-aniso8", "--out", ""],
    ["run", "configs/tbf-39a.yaml", "--out", " "],
    ["map", "--out", ""],
])
def test_an_empty_path_option_is_refused_as_written(tmp_path, monkeypatch, capsys, argv):
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    option = next(a for a, b in zip(argv, argv[1:]) if not b.strip())
    assert err.startswith(f"logistics {argv[0]}: error: argument {option}: an empty path"), err
    assert sorted(tmp_path.iterdir()) == before


# --- a home folder that cannot be written ---------------------------------------------------------

def test_a_home_that_cannot_be_written_leaves_stderr_to_the_command(tmp_path):
    """matplotlib, finding no writable config folder, logged two warnings ("mkdir -p failed
    ...", "Matplotlib created a temporary cache directory ...") on stderr of a good map."""
    env = _env_without_logistics(HOME=str(tmp_path / "home-is-a-file"))
    (tmp_path / "home-is-a-file").write_text("not a folder\n")
    for var in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env.pop(var, None)
    out = tmp_path / "m.png"
    res = subprocess.run([sys.executable, "-m", "logistics", "map", "--bbox", "119,46,121,47.5",
                          "--resolution-m", "20000", "--dpi", "30", "--no-labels", "--out",
                          str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert out.is_file()
    assert [ln for ln in res.stderr.splitlines() if not ln.startswith("progress:")] == []


# --- an army of many formations: its figures --------------------------------------------------

def test_figures_of_an_army_of_200_formations_warn_nothing(tmp_path):
    """tight_layout could not fit the legends of 200 formations: two UserWarnings (four lines)
    on stderr of a good run."""
    import warnings

    import pandas as pd

    import logistics.report.run_plots as rp
    from tests.test_run_map_layout import _formation, _result

    result = _result()
    parts = [_formation(f"f{i}", 121.65, 45.6 + i * 0.002, 0.3, 0.05, 10.0 + i % 7,
                        ["moving"] * 4) for i in range(200)]
    result.routes, result.tracks, result.daily = (pd.concat(p, ignore_index=True)
                                                  for p in zip(*parts))
    result.formations = pd.DataFrame({"formation_id": [f"f{i}" for i in range(200)],
                                      "name": [f"F{i}" for i in range(200)], "kind": "corps"})
    result.daily["refills_on_hand"] = 1.0
    result.headline = "f0"
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        rp.plot_advance(result, tmp_path / "advance.png")
        rp.plot_fuel(result, tmp_path / "fuel.png")
    assert (tmp_path / "advance.png").stat().st_size > 0


@pytest.mark.parametrize("argv", [
    ["run", "configs/tbf-39a.yaml", "--out", "-"],
    ["compare", "--no-map", "--workers", "0", "--out", "-"],  # ran the whole comparison
    ["compare", "--documented", "-", "--no-map", "--workers", "0"],
    ["map", "--out", "-"],
])
def test_a_dash_as_a_path_is_refused_as_standard_output_is_no_path(tmp_path, monkeypatch,
                                                                    capsys, argv):
    """`--out -` (the shell idiom for standard output): a whole run or comparison went into a
    folder named '-' (found by helper breaker26)."""
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    option = argv[argv.index("-") - 1]
    assert err.startswith(f"logistics {argv[0]}: error: argument {option}: '-' (standard "
                          "input or output) is no path logistics reads or writes"), err
    assert err.count("\n") == 1 and list(tmp_path.iterdir()) == []
