"""Terrain and river class codes shared by the terrain builder and the cost engine.

The codes are stored as uint8 rasters (``terrain_class``, ``river_class``); vehicles give a
speed and a rolling resistance per terrain class and a crossing rule per river class.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["TerrainClass", "RiverClass", "BIG_RIVER_CLASSES"]


class TerrainClass(IntEnum):
    """Surface class of a cell (what a vehicle drives on)."""

    NODATA = 0
    STEPPE = 1  #: grassland, open steppe, savanna (IGBP 9-10; shrublands 6-7, see landcover.py)
    FOREST = 2  #: forest of any kind (IGBP 1-5), taiga of the Greater Khingan (IGBP 8 there)
    WETLAND = 3  #: marsh and seasonally flooded floodplain (reconstructed for 1945)
    SAND = 4  #: sand, barren, alkali flats (IGBP 16, 15)
    CROPLAND = 5  #: cultivated fields (IGBP 12, 14)
    URBAN = 6  #: built-up (IGBP 13)
    WATER = 7  #: lake or sea: impassable to every land vehicle


class RiverClass(IntEnum):
    """River crossing class of a cell (from WDBII river levels)."""

    NONE = 0
    MAJOR = 1  #: WDBII levels 0-1: the Amur, the Argun, the Hailar, the Sungari below Jiamusi
    LARGE = 2  #: WDBII level 2: more major rivers (the Ussuri, the Sungari at Harbin, the Nen)
    MEDIUM = 3  #: WDBII levels 3-4: additional and minor permanent rivers
    INTERMITTENT = 4  #: WDBII levels 5-7: intermittent streams
    CANAL = 5  #: WDBII levels 8-10: canals


#: "A major or large river" (codes): the rivers a flotilla sails (WDBII levels 0-2,
#: configs/norms/movement.yaml ``river.navigable_levels``: the Amur, the Argun, the Sungari, the
#: Ussuri, the Nen; rasters/README.md), and so the rivers it ferries the formations it serves
#: across. The one definition of what a ferried formation crosses only where its flotilla is
#: (advance/ferry_sites.py ``ferry_barrier`` bars these classes elsewhere), every such
#: crossing a ferrying where the flotilla sails or on the 1945 frontier, by the flotilla or
#: the crossing site's own means (holds.py ``Holds.ferried_at``: wider than an N2P park's
#: bridge; inland with no flotilla the route's bridge), the river a
#: formation formed ``after_river_crossing`` waits for, and the crossing a way round a fortified
#: region must not make twice (advance/route_choice.py). Smaller rivers (MEDIUM and below) every
#: formation crosses by its own means (ford or bridge, the cost engine's price) wherever its
#: route meets them.
BIG_RIVER_CLASSES: tuple[int, ...] = (int(RiverClass.MAJOR), int(RiverClass.LARGE))
