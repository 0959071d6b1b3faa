"""The theatre's context layers for maps and GIS files: 1945 railways and fortified regions in EPSG:4326.

``railway_lines(network)`` turns the network graph (``logistics.network.load_railways``, osmnx)
into one row per line (``ref``) with its name, gauge, whether the reference marks it
unverified, its source and its length; osmnx's ``graph_to_gdfs`` gives the edges and geopandas
dissolves them. ``fortified_regions()`` draws the extents of ``configs/fortified-regions.yaml``
as read by the one reader of that file (``logistics.army.fortified.load_fortified``, the
formations engine's), so a map shows exactly the extents the advance uses.
"""

from __future__ import annotations

from logistics.report.run_layers import LONLAT_CRS

__all__ = ["railway_lines", "fortified_regions", "folder_railways", "context_layers",
           "CONTEXT_LAYERS"]

_RAIL_COLUMNS = ["ref", "name", "gauge", "unverified", "source", "length_km"]


def railway_lines(network=None):
    """The railway lines of ``network`` (None: the shipped 1945 railways) -> GeoDataFrame in
    EPSG:4326, one (multi)line per ``ref`` with ``name``, ``gauge``, ``unverified`` (bool),
    ``source`` and ``length_km`` (the graph's ``length_m`` of each track once, not per
    direction). Stations and road edges are left out."""
    import geopandas as gpd
    import osmnx as ox
    import pandas as pd

    if network is None:
        from logistics.network import load_railways

        network = load_railways()
    edges = ox.graph_to_gdfs(network, nodes=False).reset_index()
    if "mode" in edges:
        edges = edges[edges["mode"] == "rail"]
    if not len(edges):
        return gpd.GeoDataFrame({c: [] for c in _RAIL_COLUMNS}, geometry=[], crs=LONLAT_CRS)
    # each track is stored once per direction: keep one of the pair (u < v; a loop once)
    once = edges[(edges["u"] < edges["v"]) | ((edges["u"] == edges["v"]) & (edges["key"] == 0))]
    once = once.assign(
        ref=once["ref"].fillna("").astype(str),
        unverified=once.get("unverified", pd.Series(index=once.index, dtype=object))
        .astype(str).str.lower().isin(("yes", "true", "1")),
        length_km=pd.to_numeric(once.get("length_m", once.get("length")), errors="coerce") / 1000.0,
    )
    for col in ("name", "gauge", "source"):
        once[col] = once.get(col, pd.Series(index=once.index, dtype=object)).fillna("").astype(str)
    lines = once.dissolve(by="ref", aggfunc={"name": "first", "gauge": "first",
                                             "unverified": "any", "source": "first",
                                             "length_km": "sum"}, sort=True).reset_index()
    lines = lines.to_crs(LONLAT_CRS)
    lines["length_km"] = lines["length_km"].round(3)
    return lines[_RAIL_COLUMNS + ["geometry"]]


def fortified_regions(config_dir=None):
    """The fortified regions and located field positions -> GeoDataFrame in EPSG:4326 with
    ``id``, ``name``, ``kind`` (``fortified region``: besieged by detachments, or ``field
    position``: crossed but not besieged), ``axes`` (comma-separated axis ids), ``status``
    (``sourced`` or ``generic_extent``: the file's placement rule) and the extent polygon."""
    import geopandas as gpd

    from logistics.army.fortified import load_fortified

    regions = load_fortified(config_dir).regions
    return gpd.GeoDataFrame(
        {"id": [r.id for r in regions], "name": [r.name for r in regions],
         "kind": ["fortified region" if r.besieged else "field position" for r in regions],
         "axes": [",".join(r.axes) for r in regions], "status": [r.status for r in regions]},
        geometry=[r.shape for r in regions], crs=LONLAT_CRS)


def folder_railways(config_dir=None):
    """The 1945 railway network of the configs folder ``config_dir`` (the file the advance's
    rail moves read, ``terrain.railways.shipped_railways``); None (:func:`railway_lines`'
    default) when ``config_dir`` is None."""
    if config_dir is None:
        return None
    from logistics.network import load_railways
    from logistics.terrain.railways import shipped_railways

    return load_railways(shipped_railways(config_dir))


#: The context layers a run folder carries (GeoPackage, QGIS project, PNG map), bottom first.
CONTEXT_LAYERS: tuple[str, ...] = ("fortified_regions", "railways_1945")


def context_layers(bbox: tuple[float, float, float, float] | None = None, *,
                   config_dir=None) -> dict:
    """``{"fortified_regions": ..., "railways_1945": ...}``: :func:`fortified_regions` and
    :func:`railway_lines` (the 1945 network) of the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` when None) as multi-part geometries, cut to ``bbox``
    (lon/lat ``(west, south, east, north)``; None: the whole theatre), rows whose geometry
    falls outside dropped (a railway's ``length_km`` stays the whole line's). What a GIS user
    overlays on a run: the extents the advance used and the lines its rail moves and railheads
    follow (a run's: the folder it read)."""
    from shapely.geometry import MultiLineString, MultiPolygon, box

    def multi(g):
        if g.geom_type == "Polygon":
            return MultiPolygon([g])
        if g.geom_type == "LineString":
            return MultiLineString([g])
        return g

    out = {"fortified_regions": fortified_regions(config_dir),
           "railways_1945": railway_lines(folder_railways(config_dir))}
    for name, gdf in out.items():
        if bbox is not None and len(gdf):
            gdf = gdf.clip(box(*bbox))
            keep = ~gdf.geometry.is_empty & gdf.geometry.geom_type.isin(
                ["Polygon", "MultiPolygon", "LineString", "MultiLineString"])
            gdf = gdf[keep]
        gdf = gdf.set_geometry(gdf.geometry.map(multi)).reset_index(drop=True)
        out[name] = gdf
    return out
