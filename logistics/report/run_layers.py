"""A run's vector layers as GeoDataFrames in EPSG:4326: routes, tracks, days, halts, crossings,
objectives.

``run_layers(result)`` is the one place a :class:`~logistics.runner.RunResult` becomes
geometry; the GeoPackage (``report/gpkg``), the interactive map (``report/web_map``) and the
notebook API (``logistics.run``) all read it. It works on both shapes of a result: today's
single column (``track``, ``route_points``, ``daily``) and an army of formations
(``formations``, ``tracks``, ``routes``, ``daily`` with ``formation_id``, ``crossings``; the
contract in ``logistics/README.md``). A one-column result becomes one formation whose id is the
run id.

Layers (each a GeoDataFrame, possibly empty but always with its columns and CRS):

| layer | geometry | one row per |
|---|---|---|
| ``routes`` | LineString | formation: its planned route (``length_km``) |
| ``track_lines`` | LineString | formation: the path it actually moved, start to last step (``start_time``, ``end_time``; ``cum_km``: the farthest it got along its route) |
| ``track`` | Point | formation per hour step, ``time`` (datetime: QGIS's temporal controller plays it); every column of ``tracks.csv`` |
| ``daily`` | Point | formation per date (end-of-day position, ``date``, ``time`` at 24:00) |
| ``halts`` | Point | halt spell (``reason``, ``start_time``, ``end_time``, ``hours``) |
| ``deliveries`` | Point | delivery and formation that took part of it (``delivery_id``, ``litres`` its share; placed at its ``cum_km`` along its route); every column of ``deliveries.csv`` |
| ``crossings`` | Point | river crossing (``river_class``, ``crossing_h``, ``ferry_h``, ``ferry_start`` and ``all_across`` where the run says, ``water_km``, ``far_km``, ``ferried_with_km``) |
| ``documented`` | Point | documented position of the run's axis that has coordinates |
| ``objectives`` | Point | formation and objective, in order (``objective``, ``seq``: 1, 2 ...), where its route reaches it (``cum_km``), ``reached`` (when; empty if never) |

No field is named by a reserved word of SQL or QGIS expressions (``report.field_names``):
``seq``, not ``order``; ``start_time`` and ``end_time``, not ``start`` and ``end``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

__all__ = ["LAYERS", "LONLAT_CRS", "FIELD_TYPES", "DATE_FIELDS", "run_layers", "formation_views", "documented_points",
           "run_config_dir", "formation_order"]

#: Every layer's name, in the order the GeoPackage, the QGIS project and the map draw them
#: (bottom to top).
LAYERS: tuple[str, ...] = ("routes", "track_lines", "track", "daily", "halts", "deliveries",
                           "crossings", "objectives", "documented")

#: The CRS of every vector layer (lon/lat, WGS84): what QGIS, folium and GeoJSON expect.
LONLAT_CRS = "EPSG:4326"


#: The type of every non-text field of the layers, so that a layer with no rows, or a field
#: with no value (a run without halts, crossings or deliveries), is written with the types a
#: full one has (GeoPackage DATETIME, REAL, INTEGER), not as text: runs append into one layer.
FIELD_TYPES: dict[str, str] = {
    "time": "datetime64[ms]", "start_time": "datetime64[ms]", "end_time": "datetime64[ms]",
    "date": "datetime64[ms]", "length_km": "float64", "cum_km": "float64",
    "hours": "float64", "litres": "float64", "delivery_id": "int64", "fuel_l": "float64", "refills_on_hand": "float64",
    "crossing_h": "float64", "ferry_h": "float64", "river_class": "int64",
    "reached": "datetime64[ms]", "seq": "int64",
    "tail_km": "float64", "elements": "int64", "reserve_km": "float64", "offered_l": "float64",
    "truck_fuel_l": "float64", "ferry_start": "datetime64[ms]", "all_across": "datetime64[ms]",
    "water_km": "float64", "far_km": "float64", "ferried_with_km": "float64",
}


#: Fields that hold a calendar day of the army's clock (a day's row, a documented position's
#: date), not an instant: the GeoPackage writes them as DATE, the GeoJSON as ``YYYY-MM-DD``
#: (a datetime at midnight showed a time no one measured).
DATE_FIELDS: tuple[str, ...] = ("date",)


def _gdf(frame: pd.DataFrame, geometry, columns: list[str]):
    import geopandas as gpd

    frame = frame.reset_index(drop=True)
    for c in columns:
        if c not in frame:
            frame[c] = pd.Series(dtype=object)
        kind = FIELD_TYPES.get(c)
        if kind and frame[c].dtype == object and frame[c].isna().all() and (
                kind != "int64" or not len(frame)):  # no value to go by (an int has no NaN)
            frame[c] = frame[c].astype(kind)
    return gpd.GeoDataFrame(frame[columns], geometry=gpd.GeoSeries(list(geometry), dtype="geometry"),
                            crs=LONLAT_CRS)


def formation_views(result) -> dict[str, pd.DataFrame]:
    """The result's per-formation frames in the army contract's shape, whichever shape the
    result has: ``formations`` (``formation_id, name, kind``), ``tracks`` (``formation_id,
    time, cum_km, lon, lat, status, fuel_l``), ``routes`` (``formation_id, cum_km, lon, lat``),
    ``daily`` (``formation_id, date, lon, lat, cum_km, ...``), ``crossings``."""
    sc = result.scenario
    tracks = getattr(result, "tracks", None)
    if tracks is not None and len(tracks):
        forms = result.formations.copy()
        return {"formations": forms, "tracks": tracks, "routes": result.routes,
                "daily": result.daily, "crossings": getattr(result, "crossings", pd.DataFrame())}
    fid = str(getattr(sc, "run_id", None) or sc.axis_id)
    forms = pd.DataFrame([{"formation_id": fid, "name": sc.name,
                           "kind": getattr(getattr(sc, "formation", None), "lead", "")}])
    return {
        "formations": forms,
        "tracks": result.track.assign(formation_id=fid),
        "routes": result.route_points.assign(formation_id=fid),
        "daily": result.daily.assign(formation_id=fid),
        "crossings": _crossings_from_segments(result, fid),
    }


def _crossings_from_segments(result, fid: str) -> pd.DataFrame:
    """Where the one-column route steps onto a river cell (``river_class`` rising from 0),
    timed by the track's km: the crossings a result without a ``crossings`` table made."""
    seg = getattr(result, "segments", None)
    cols = ["formation_id", "time", "cum_km", "lon", "lat", "river_class", "crossing_h", "ferry_h"]
    if seg is None or not len(seg) or "river_class" not in seg:
        return pd.DataFrame(columns=cols)
    rc = seg["river_class"].to_numpy()
    onto = np.flatnonzero((rc[1:] > 0) & (rc[:-1] == 0)) + 1
    if rc.size and rc[0] > 0:
        onto = np.r_[0, onto]
    rows = seg.iloc[onto]
    return pd.DataFrame({
        "formation_id": fid, "time": _time_at_km(result.track, rows["cum_km"].to_numpy(float)),
        "cum_km": rows["cum_km"].to_numpy(float), "lon": rows["lon"].to_numpy(float),
        "lat": rows["lat"].to_numpy(float), "river_class": rows["river_class"].to_numpy(int),
        "crossing_h": np.nan, "ferry_h": np.nan})


def _time_at_km(track: pd.DataFrame, km: np.ndarray) -> list:
    """First track time at which the column had covered ``km`` (NaT where it never did)."""
    cum = track["cum_km"].to_numpy(float)
    idx = np.searchsorted(np.maximum.accumulate(cum), km, side="left") if len(cum) else []
    times = track["time"].to_list()
    return [times[i] if i < len(times) else pd.NaT for i in idx]


def _point_at_km(route: pd.DataFrame, km) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat at ``km`` along a route frame (``cum_km, lon, lat``), linear between points."""
    k = route["cum_km"].to_numpy(float)
    return (np.interp(km, k, route["lon"].to_numpy(float)),
            np.interp(km, k, route["lat"].to_numpy(float)))


def formation_order(layers: dict) -> tuple[str, ...]:
    """The run's formation ids in the order their colours go (``report.colours``): as they
    first appear in the ``routes``, ``track_lines``, ``track`` and ``daily`` layers, the order
    map.html keys them in."""
    ids: list[str] = []
    for name in ("routes", "track_lines", "track", "daily"):
        if name in layers and "formation_id" in layers[name]:
            ids += [str(f) for f in layers[name]["formation_id"]]
    return tuple(dict.fromkeys(ids))


def run_layers(result, *, documented: pd.DataFrame | None = None) -> dict:
    """Every layer of :data:`LAYERS` for ``result`` -> ``{name: GeoDataFrame}`` in EPSG:4326.

    ``documented`` is a documented-positions table (``load_documented(...).usable``); None
    reads the one of the run's configs folder (``result.scenario.config_dir``,
    ``settings.CONFIG_DIR`` when None). Rows of other axes and rows without coordinates are
    left out.
    """
    v = formation_views(result)
    names = dict(zip(v["formations"]["formation_id"], v["formations"].get("name", "")))
    layers: dict = {}

    routes = []
    for fid, r in v["routes"].groupby("formation_id", sort=False):
        if len(r) >= 2:
            routes.append({"formation_id": fid, "name": names.get(fid, ""),
                           "length_km": float(r["cum_km"].iloc[-1]),
                           "geometry": LineString(zip(r["lon"], r["lat"]))})
    layers["routes"] = _gdf(pd.DataFrame(routes), [r.pop("geometry") for r in routes],
                            ["formation_id", "name", "length_km"])

    tr = v["tracks"].copy()
    tr["time"] = pd.to_datetime(tr["time"])
    tr = tr.sort_values(["formation_id", "time"], kind="stable")
    lines = []
    for fid, t in tr.groupby("formation_id", sort=False):
        moved = t.loc[t["cum_km"].diff().fillna(1.0) != 0.0]
        if len(moved) >= 2:
            lines.append({"formation_id": fid, "name": names.get(fid, ""),
                          "start_time": t["time"].iloc[0], "end_time": t["time"].iloc[-1],
                          "cum_km": float(t["cum_km"].max()),
                          "geometry": LineString(zip(moved["lon"], moved["lat"]))})
    layers["track_lines"] = _gdf(pd.DataFrame(lines), [r.pop("geometry") for r in lines],
                                 ["formation_id", "name", "start_time", "end_time", "cum_km"])
    # every column of tracks.csv (tail_km, elements, dry_classes, reserve_km too), the
    # position as the geometry
    cols = ["formation_id", "time"] + [c for c in tr.columns if c not in (
        "formation_id", "time", "lon", "lat")]
    layers["track"] = _gdf(tr, map(Point, zip(tr["lon"], tr["lat"])), cols)

    d = v["daily"].copy()
    d["date"] = pd.to_datetime(d["date"])
    d["time"] = d["date"] + pd.Timedelta(hours=24)  # end of the day, for the temporal controller
    d = d.sort_values(["formation_id", "date"], kind="stable")
    # refills_total and fuel_l_total repeat refills_on_hand and fuel_l (daily.csv keeps both
    # names for the comparison's readers); the layer carries each quantity once
    keep = ["formation_id", "date", "time"] + [c for c in d.columns if c not in (
        "formation_id", "date", "time", "lon", "lat", "refills_total", "fuel_l_total")]
    layers["daily"] = _gdf(d, map(Point, zip(d["lon"], d["lat"])), keep)

    layers["halts"] = _halts(tr, result)

    dl = result.deliveries.copy()
    fid0 = v["formations"]["formation_id"].iloc[0]
    if "formation_id" not in dl:
        dl["formation_id"] = fid0
    dl["time"] = pd.to_datetime(dl["time"])
    if "cum_km" not in dl:  # an army run books a delivery by time: where its formation was then
        tracks: dict[str, tuple] = {}  # each formation's track rows and times, read once
        dl["cum_km"] = [_km_at(v["tracks"], fid, t, fid0, tracks)
                        for fid, t in zip(dl["formation_id"], dl["time"])]
    lon, lat = [], []
    routes: dict[str, pd.DataFrame] = {}  # each formation's route rows, selected once
    for fid, km in zip(dl["formation_id"], dl["cum_km"]):
        fid = _first_formation(fid, fid0)
        if fid not in routes:
            routes[fid] = v["routes"][v["routes"]["formation_id"] == fid]
        r = routes[fid]
        x, y = _point_at_km(r if len(r) else v["routes"], km)
        lon.append(float(x))
        lat.append(float(y))
    first = ["delivery_id", "formation_id", "time", "source", "kind", "litres", "fuel_type",
             "cum_km", "note"]  # then the rest of deliveries.csv's (offered_l, truck_fuel_l)
    layers["deliveries"] = _gdf(dl, map(Point, zip(lon, lat)),
                                first + [c for c in dl.columns if c not in first])

    cr = v["crossings"].copy()
    for c in ("time", "ferry_start", "all_across"):
        if len(cr) and c in cr.columns:
            cr[c] = pd.to_datetime(cr[c])
    layers["crossings"] = _gdf(cr, map(Point, zip(cr.get("lon", []), cr.get("lat", []))),
                               ["formation_id", "time", "cum_km", "river_class", "crossing_h",
                                "ferry_h", "ferry_start", "all_across", "water_km", "far_km",
                                "ferried_with_km"])

    layers["objectives"] = _objectives(result, v["routes"], names)
    layers["documented"] = documented_points(result.scenario.axis_id, documented,
                                             config_dir=run_config_dir(result))
    return layers


def _objectives(result, routes: pd.DataFrame, names: dict):
    """Each formation's objectives in order, placed where its route reaches them (the plan's
    km along the route), with when it did (``result.reached``, kind ``objective``; NaT when
    it never did)."""
    plan = getattr(result, "plan", None)
    reached = getattr(result, "reached", None)
    done: dict[tuple[str, str], pd.Timestamp] = {}
    if reached is not None and len(reached) and {"kind", "formation_id", "name"} <= set(reached):
        for r in reached[reached["kind"] == "objective"].itertuples():
            done.setdefault((str(r.formation_id), str(r.name)), pd.Timestamp(r.time))
    rows, points = [], []
    for fp in (plan.formations if plan is not None else ()):
        fid = fp.unit.id
        r = routes[routes["formation_id"] == fid]
        if not len(r):
            continue
        for seq, (km, name) in enumerate(fp.objectives, start=1):
            x, y = _point_at_km(r, float(km))
            rows.append({"formation_id": fid, "name": names.get(fid, ""), "objective": name,
                         "seq": seq, "cum_km": float(km),
                         "reached": done.get((fid, name), pd.NaT)})
            points.append(Point(float(x), float(y)))
    frame = pd.DataFrame(rows, columns=["formation_id", "name", "objective", "seq", "cum_km",
                                        "reached"])
    frame["reached"] = pd.to_datetime(frame["reached"])
    return _gdf(frame, points, ["formation_id", "name", "objective", "seq", "cum_km", "reached"])


def _first_formation(fid, default: str) -> str:
    """The formation a delivery row went to (the first of a comma-separated list, as results
    written before the deliveries table was tidy had); a section of the army's reserve riding
    with a carrier ("(reserve with <carrier>)", :func:`~logistics.supply.reserve.section_key`):
    that carrier; the headline formation for the reserve's first section ("(reserve)") or
    none."""
    first = str(fid).split(",")[0].strip()
    if first.startswith("(reserve with ") and first.endswith(")"):
        return first[len("(reserve with "):-1]
    return default if not first or first.startswith("(") else first


def _km_at(tracks: pd.DataFrame, fid, time, default: str, kept: dict | None = None) -> float:
    """km along its route of formation ``fid`` (see :func:`_first_formation`) at ``time``: its
    last track row at or before then (its first row before it starts). ``kept``: a dict in
    which the formation's rows and parsed times are kept for the next ask (why: an army's
    deliveries asked it thousands of times, each selecting from every track row and parsing
    its times again, a tenth of writing a run)."""
    fid = _first_formation(fid, default)
    kept = {} if kept is None else kept
    if fid not in kept:
        rows = tracks[tracks["formation_id"] == fid]
        kept[fid] = (rows, pd.to_datetime(rows["time"]))
    t, when = kept[fid]
    if not len(t):
        return 0.0
    before = t[when <= pd.Timestamp(time)]
    return float((before if len(before) else t.head(1))["cum_km"].iloc[-1])


def _halts(tr: pd.DataFrame, result) -> object:
    """Halt spells per formation, by the runner's own spell rule (``runner._halts``, with the
    formation's ``dry`` stops, as the run summary's halts)."""
    from logistics.runner import _halts as spells_of
    from logistics.runner import _stops_of

    reached = getattr(result, "reached", None)
    rows = []
    for fid, t in tr.groupby("formation_id", sort=False):
        start = t["time"].iloc[0] - (t["time"].iloc[1] - t["time"].iloc[0] if len(t) > 1
                                     else pd.Timedelta(hours=1))
        for s in spells_of(t, start, _stops_of(reached, fid, "dry")):
            rows.append({"formation_id": fid, "reason": s["reason"], "start_time": s["start"],
                         "end_time": s["end"],
                         "hours": (s["end"] - s["start"]).total_seconds() / 3600,
                         "cum_km": s["cum_km"], "lon": s["lon"], "lat": s["lat"]})
    frame = pd.DataFrame(rows, columns=["formation_id", "reason", "start_time", "end_time",
                                        "hours", "cum_km", "lon", "lat"])
    return _gdf(frame, map(Point, zip(frame["lon"], frame["lat"])),
                ["formation_id", "reason", "start_time", "end_time", "hours", "cum_km"])


def run_config_dir(result):
    """The configs folder ``result`` was run on (its army's ``config_dir``; None:
    ``settings.CONFIG_DIR``)."""
    return getattr(result.scenario, "config_dir", None)


def documented_points(axis_id: str, documented: pd.DataFrame | None = None, *,
                      config_dir=None):
    """The documented positions of ``axis_id`` that have coordinates, with source and quote
    (``date`` as datetime) -> GeoDataFrame in EPSG:4326 (empty when the axis has none).
    ``documented``: a documented-positions table; None reads the one of the configs folder
    ``config_dir`` (``settings.CONFIG_DIR`` when None)."""
    if documented is None:
        from logistics.history.inputs import configured_documented

        documented = configured_documented(config_dir).usable
    d = documented[(documented["axis_id"] == axis_id)].copy()
    d = d[np.isfinite(pd.to_numeric(d["lat"], errors="coerce"))
          & np.isfinite(pd.to_numeric(d["lon"], errors="coerce"))]
    d["date"] = pd.to_datetime(d["date"])
    cols = ["axis_id", "formation", "date", "place_reached", "source", "quote", "confidence"]
    return _gdf(d, map(Point, zip(d["lon"].astype(float), d["lat"].astype(float))), cols)


def check_drawable(documented, axis_id: str) -> None:
    """A DataError naming the file, the rows and their lat/lon when a documented position of
    ``axis_id`` (``documented``: a :class:`~logistics.history.documented.Documented`) lies
    outside the data extent (``settings.THEATRE_BBOX``): map.png frames every position on the
    base map of that extent, so such a row (a sign or digit slip: 46.6, -121.2) failed the
    write after the whole run, saying only "bbox ... is not inside the data extent". Called
    before the run."""
    from logistics import settings
    from logistics.errors import DataError

    w, s, e, n = settings.THEATRE_BBOX
    d = documented.usable[documented.usable["axis_id"] == axis_id]
    lat = pd.to_numeric(d["lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(d["lon"], errors="coerce").to_numpy(float)
    out = np.isfinite(lat) & np.isfinite(lon) & ~((lon >= w) & (lon <= e) & (lat >= s)
                                                   & (lat <= n))
    if not out.any():
        return
    shown = "; ".join(f"row {int(r)}: lat {la:g}, lon {lo:g}"
                      for r, la, lo in list(zip(d["row"].to_numpy()[out], lat[out], lon[out]))[:5])
    more = f" (and {int(out.sum()) - 5} more)" if out.sum() > 5 else ""
    raise DataError(
        f"{documented.path}: documented position(s) of axis {axis_id} outside the data extent "
        f"{w:g}-{e:g} E, {s:g}-{n:g} N, where the run's maps cannot draw them ({shown}{more}; "
        "a sign or digit slip?); fix: correct the row's lat and lon (decimal degrees, north "
        "and east positive), or leave both empty to keep the row undrawn")
