"""Terrain classes of 1945 from 2019 land cover, the land/water mask and the 1945 wetland rule.

Inputs per cell: the MODIS MCD12C1 2019 IGBP class, the GSHHG land mask (0 sea, 1 land,
2 lake) and a "wetland candidate" flag from :class:`WetlandRule`. The IGBP -> ``TerrainClass``
mapping is the one in the ``TerrainClass`` docstrings, plus two modelling choices named here:

* IGBP 8 (woody savanna, 30-60 % tree cover) -> FOREST, not STEPPE: at 0.05 deg MODIS labels
  the larch taiga of the Greater Khingan and much of the Lesser Khingan as woody savanna (40 of
  the 49 cells round 50.5 N 122 E, 28 of 49 round 48.5 N 128.5 E), which ``TerrainClass.FOREST``
  explicitly covers ("taiga of the Greater Khingan").
* IGBP 6-7 (closed/open shrublands) and 9 (savanna, 10-30 % trees) -> STEPPE: in the theatre
  they are the dry shrub steppe and open parkland of Inner Mongolia, ground a vehicle drives
  over like grassland.
* IGBP 0 (water) where GSHHG says land -> WETLAND: at 0.05 deg such cells are wide river reaches,
  marsh margins and post-1945 reservoirs; GSHHG's finer shoreline decides what is open water.

Sea and lakes from the land mask are WATER whatever the land cover says.

**Named assumption: the 1945 wetlands** (``WetlandRule``). Land cover of 2019 shows the drained
Sanjiang and Songnen marshes as cropland (only 64 IGBP-11 cells in the region, see
shared/reference/data-sources.md "Land cover"), and August 1945 was the flood season: rivers rose
by up to 4 m in Primorye and the Amur region ([EXT] istoriya.info/articles/vov/jap_07.html,
campaign-facts.md section 4) and every river on the Manchurian plain overflowed its banks
([EXT] Zhelvakov memoir, armchairgeneral.com, same section). We therefore call a land cell a
wetland when it lies within ``river_buffer_km`` of a permanent river (WDBII levels 0-4) *and*
its ground is flat and low-lying: local relief (max - min elevation within
``relief_radius_km``) below ``max_relief_m`` and slope below ``max_slope_deg``. Flat valley floors
beside rivers are flagged, terraces and hill slopes are not. The thresholds are judgement, not
measurements or calibration (no 1945 wetland map is available offline); they are fields of the
rule so a sensitivity run can vary them. Urban cells are never reclassified. IGBP 11 (permanent
wetland) is WETLAND in any case.

**Named assumption: the 1945 marshes and forests** (:func:`reconstruct_1945`, data in
``configs/terrain/landcover-1945.yaml``, layers from :mod:`logistics.terrain.landcover1945`). Inside the
Sanjiang marsh regions, 2019 cropland or grassland lying less than ``max_hand_m`` above the
nearest permanent river was marsh (threshold set so the marsh area matches the sourced 1954
figure, 35,270 km2); there this rule supersedes the floodplain ``WetlandRule``. Inside the forest
regions (Heilongjiang's ranges), 2019 cropland or grassland on hill ground (local relief at least
``min_relief_m``) and outside the logging belt along the 1945 railways was forest (threshold set
so Heilongjiang's forest share lands in the sourced 1945 bracket). Forest, urban, water and
existing wetland cells keep their class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logistics.terrain.classes import TerrainClass

__all__ = [
    "IGBP_TO_TERRAIN",
    "WetlandRule",
    "DEFAULT_WETLAND_RULE",
    "classify_terrain",
    "reconstruct_1945",
]

_T = TerrainClass
#: IGBP code (index 0-16) -> TerrainClass code; 255 (fill) and anything else -> NODATA.
IGBP_TO_TERRAIN: np.ndarray = np.full(256, _T.NODATA, dtype=np.uint8)
IGBP_TO_TERRAIN[[1, 2, 3, 4, 5, 8]] = _T.FOREST
IGBP_TO_TERRAIN[[6, 7, 9, 10]] = _T.STEPPE
IGBP_TO_TERRAIN[11] = _T.WETLAND
IGBP_TO_TERRAIN[[12, 14]] = _T.CROPLAND
IGBP_TO_TERRAIN[13] = _T.URBAN
IGBP_TO_TERRAIN[[15, 16]] = _T.SAND
IGBP_TO_TERRAIN[0] = _T.WATER  # re-examined against the land mask in classify_terrain


@dataclass(frozen=True)
class WetlandRule:
    """The 1945 wetland reconstruction (see module docstring): a named modelling assumption."""

    river_buffer_km: float = 5.0  #: distance from a permanent river (km)
    max_relief_m: float = 10.0  #: local relief must be below this (m)
    relief_radius_km: float = 2.0  #: half-width of the relief window (km)
    max_slope_deg: float = 1.0  #: slope must be below this (degrees)
    river_levels: tuple[int, ...] = (0, 1, 2, 3, 4)  #: WDBII levels counted as permanent rivers
    enabled: bool = True  #: False keeps the 2019 land cover (IGBP 11 only)


DEFAULT_WETLAND_RULE = WetlandRule()


def classify_terrain(
    igbp: np.ndarray,
    landmask: np.ndarray,
    elevation_m: np.ndarray,
    wetland_candidate: np.ndarray,
) -> np.ndarray:
    """``TerrainClass`` codes (uint8) per cell; elementwise, so it runs on numpy or dask blocks.

    ``igbp`` uint8 IGBP codes (255 fill); ``landmask`` uint8 (0 sea, 1 land, 2 lake, 255
    unknown); ``elevation_m`` float (NaN = nodata); ``wetland_candidate`` bool from the rule.
    """
    igbp = np.asarray(igbp).astype(np.uint8, copy=False)
    landmask = np.asarray(landmask)
    cls = IGBP_TO_TERRAIN[igbp]
    land = landmask == 1
    cls = np.where((igbp == 0) & land, np.uint8(_T.WETLAND), cls)
    reclass = np.asarray(wetland_candidate, dtype=bool) & land
    reclass &= (cls != _T.URBAN) & (cls != _T.WATER) & (cls != _T.NODATA)
    cls = np.where(reclass, np.uint8(_T.WETLAND), cls)
    cls = np.where(~np.isfinite(elevation_m) & land, np.uint8(_T.NODATA), cls)
    cls = np.where((landmask == 0) | (landmask == 2), np.uint8(_T.WATER), cls)
    return cls.astype(np.uint8)


#: 2019 classes the 1945 rules may replace (what reclamation and clearing made of marsh/forest).
_RECLAIMED = (_T.CROPLAND, _T.STEPPE)


def reconstruct_1945(
    cls: np.ndarray,
    marsh_region: np.ndarray,
    hand_m: np.ndarray,
    forest_region: np.ndarray,
    relief_m: np.ndarray,
    near_railway: np.ndarray,
    *,
    max_hand_m: float,
    min_relief_m: float,
) -> np.ndarray:
    """1945 ``TerrainClass`` codes (uint8) from the classes of :func:`classify_terrain`.

    Elementwise (numpy or dask blocks). A CROPLAND or STEPPE cell becomes WETLAND inside
    ``marsh_region`` where ``hand_m`` (height above the nearest permanent river, m) is below
    ``max_hand_m``; else FOREST inside ``forest_region`` where ``relief_m`` (local relief, m) is
    at least ``min_relief_m`` and ``near_railway`` is False. NaN heights never qualify. Every
    other cell keeps its class.
    """
    cls = np.asarray(cls).astype(np.uint8, copy=False)
    reclaimed = np.isin(cls, np.array(_RECLAIMED, dtype=np.uint8))
    with np.errstate(invalid="ignore"):
        marsh = reclaimed & np.asarray(marsh_region, dtype=bool) & (np.asarray(hand_m) < max_hand_m)
        forest = (reclaimed & ~marsh & np.asarray(forest_region, dtype=bool)
                  & (np.asarray(relief_m) >= min_relief_m) & ~np.asarray(near_railway, dtype=bool))
    out = np.where(marsh, np.uint8(_T.WETLAND), cls)
    out = np.where(forest, np.uint8(_T.FOREST), out)
    return out.astype(np.uint8)
