"""Everything drawn or written for a reader: maps, plots, pages and output folders.

This folder stands above every stage it draws (no stage imports it):

| module | one job |
|---|---|
| ``basemap`` | the base map: hillshade, rivers, lakes, wetlands, borders, 1945 place names |
| ``daylabels`` | where day labels go on a map without overlapping |
| ``run_plots`` | a run's map, advance and fuel figures |
| ``run_page`` | a run's report.md and the one-screen summary ``logistics run`` prints |
| ``rasters`` | Cloud-Optimised GeoTIFFs (nodata, units, description) and hillshade |
| ``run_layers`` | a run's vector layers as GeoDataFrames (routes, tracks, days, halts, crossings, objectives, documented) |
| ``context_layers`` | the theatre's 1945 railways and fortified regions as GeoDataFrames |
| ``context_draw`` | those two layers drawn on a map's axes, under the routes (run and comparison maps) |
| ``colours`` | the house's colours: one per formation, one per track status |
| ``qgis`` | QML layer styles (single, or categorized by formation and by status) and the QGIS project (.qgz) of a run folder |
| ``gpkg`` | a run's GeoPackage with each layer's QML in ``layer_styles`` |
| ``run_outputs`` | a run's folder (GeoJSON, CSV, COGs, GeoPackage, QGIS project, figures, report), written atomically |
| ``compare_plots`` | the comparison's advance, positions-map and fuel-state figures |
| ``compare_page`` | the comparison's report.md, fuel sections included |
| ``compare_outputs`` | the comparison's folder, written atomically |
| ``route_map`` | a multimodal route and the railway network on the base map |
| ``route_outputs`` | a route's folder (``route --out``, ``logistics.route(out=)``), atomically |
| ``field_names`` | the reserved words of SQL and QGIS expressions no field of ours is named by |
| ``web_map`` | the interactive ``map.html`` of a run or a comparison (folium, Leaflet inlined, offline) |
| ``geojson`` | the one GeoJSON writer of the output folders (RFC 7946) |
| ``references`` | a page finished: its citation keys expanded into references, no absolute paths |
| ``readme_results`` | the README's results block regenerated from compare and calibrate folders |

User text on every figure is drawn as written (``text.parse_math`` off, below).
"""

import matplotlib

#: A user's text on a figure (an army's name or id, a place, ``logistics map --title``) is
#: drawn as written: with mathtext on, two dollar signs round text it cannot parse raised a
#: ParseException after the whole run. No figure of ours writes mathtext.
matplotlib.rcParams["text.parse_math"] = False
