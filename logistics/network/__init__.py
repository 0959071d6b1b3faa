"""The 1945 railway network (shipped OSM XML, read with osmnx) and routes mixing rail, road and
cross-country movement.

* :mod:`~logistics.network.osm`: load any ``.osm`` into a metric graph (``load_network``), the
  shipped 1945 railways (``load_railways``), file checks with line numbers (``check_osm``);
* :mod:`~logistics.network.stations`: station table, lookup by any name, nearest station;
* :mod:`~logistics.network.multimodal`: ``route_multimodal`` -> ``MultiRoute`` (legs by mode);
* :mod:`~logistics.network.params`: routing parameters and line facts from ``configs/network``;
* :mod:`~logistics.network.trains`: the wait for a train and the break of gauge (one rule);
* :mod:`~logistics.network.railhold`: which stations an army holds and from when trains use
  them (``rail_hold``, ``reached_stations``);
* :mod:`~logistics.network.railmove`: a formation's rail move (``plan_rail_move`` ->
  ``RailMove``) and the army's moving railhead (``railhead_at`` -> ``Railhead``);
* :mod:`~logistics.network.river`: the navigable rivers (``load_waterways``), a flotilla move
  (``plan_river_move`` -> ``RiverMove``), ferrying at a crossing (``ferry_time_h``) and the
  army's own crossing means there (``own_means_time_h``, ``own_means_t_per_day``).

The rail-restoration, river and ferrying figures these moves use (``configs/norms/movement.yaml``)
are read and checked in one place, :mod:`logistics.army.means_norms` (``load_means_norms``;
``logistics.army.norms.load_norms`` takes them from there too).

The shipped ``railways-1945.osm`` is built from the reference's station lists by
``configs/network/build.py``, which lives beside the data it makes (not in the package).
"""

from __future__ import annotations

from logistics.network.multimodal import MODES, Leg, MultiRoute, route_multimodal
from logistics.network.osm import check_osm, load_network, load_railways
from logistics.network.params import LineInfo, NetworkParams, load_lines, load_params
from logistics.network.railhold import RailHold, rail_hold, reached_stations
from logistics.network.railmove import Railhead, RailMove, plan_rail_move, railhead_at
from logistics.network.river import (RiverMove, ferry_time_h, load_waterways, own_means_t_per_day,
                                     own_means_time_h, plan_river_move, ships_stem_current)
from logistics.network.stations import Station, find_station, nearest_station, station_nodes, station_table

__all__ = [
    "MODES",
    "Leg",
    "MultiRoute",
    "route_multimodal",
    "check_osm",
    "load_network",
    "load_railways",
    "LineInfo",
    "NetworkParams",
    "load_lines",
    "load_params",
    "Station",
    "find_station",
    "nearest_station",
    "station_nodes",
    "station_table",
    "RailHold",
    "rail_hold",
    "reached_stations",
    "RailMove",
    "Railhead",
    "plan_rail_move",
    "railhead_at",
    "RiverMove",
    "plan_river_move",
    "ferry_time_h",
    "own_means_t_per_day",
    "own_means_time_h",
    "ships_stem_current",
    "load_waterways",
]
