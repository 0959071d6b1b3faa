"""Vehicle + terrain -> speed and fuel per metre, and the :class:`CostModel` built from them.

One function, :func:`move_rates`, gives the horizontal speed (km/h) and fuel (L per horizontal
km) of a vehicle on a surface at a grade (rise/run, + uphill) in a season; everything else
(the cost table, point rates, the engine fit's speeds) is built on it.

Motor vehicles (tracked, wheeled)
    speed = min(surface cap, power limit, slope safety limit), along the slope, then times
    cos(theta) for the map distance the cost engine counts.

    * surface cap: the vehicle's cited maximum road or cross-country speed (YAML) times a
      per-surface going factor (``GOING``, assumptions named there);
    * power limit: ``eta_d * P >= m g (Crr cos + sin) u + k u^3`` at the speed ``u`` along the
      slope (parameters.md §5), with ``k`` a wheeled vehicle's speed drag (air drag, from its
      top road speed: :func:`speed_drag_n_per_m2s2`; 0 for tracked vehicles);
    * slope safety limit, both directions: ``v <= cap / (1 + (100 |g| / s_crit)^2)``, the
      wheeled-transport relative-speed function catalogued in leastcostpath (LCP,
      parameters.md §3.3), with ``s_crit`` assumed per running gear (``S_CRIT_PCT``). Uphill
      therefore never runs faster than downhill at the same |grade|;
    * impossible (cost ``inf``) beyond the vehicle's ``max_grade_deg`` either way, or when
      adhesion fails on the net force: the move needs a force ``m g (Crr cos + sin)`` along the
      slope (a drive force when positive, a brake force when negative), and the grip is
      ``m g phi cos``, so it is possible only if ``|tan + Crr| <= phi``. A truck that cannot
      move on flat marsh (Crr 0.30 > phi 0.20) cannot move on a gentle descent of it either;
      only a descent steeper than ``Crr - phi`` lets gravity do the work.

    fuel per horizontal km = engine fuel flow / speed. The flow follows the vehicle's Willans
    line (:mod:`logistics.cost.engine`): a zero-load flow plus a share of the full-power flow in
    proportion to the power the move needs, ``(m g (Crr + tan) v + k u^3) / eta_d`` (none when
    gravity does the work: the engine turns at zero load downhill). Both flows are fitted per
    vehicle, in the open, to its documented road and cross-country consumption (:func:`engine`),
    with a specific consumption at full power held to 230-400 g/kWh.

Sub-grid relief
    The grade of a move is the mean grade between two cell centres; a route across a cell of
    rough ground also climbs and descends pitches the grid smooths away. **Assumption** (named):
    on a cell whose relief below the grid has the RMS grade ``s`` (terrain variable
    ``subgrid_grade``, :mod:`logistics.terrain.derive`) the pitches of the way are normally
    distributed about ``g`` with standard deviation ``s``; time and fuel per km are their means,
    by the 3-point Gauss-Hermite rule (a sixth of the way at ``g - 1.73 s``, two thirds at ``g``,
    a sixth at ``g + 1.73 s``). A pitch steeper than the vehicle can take (its grade limit, or
    adhesion) is taken in switchbacks at its limit grade, over a way longer by ``pitch /
    limit``: so grade and traction limits slow and cost, not only forbid. ``s`` is priced in
    bins of ``SUBGRID_STEP`` (table rows ``code + N_CODES * bin``).

Foot and horse
    Tobler's hiking function ``W = 6 exp(-3.5 |S + 0.05|)`` km/h (Wikipedia, parameters.md
    §3.3), x 3/5 off paths (every terrain cell; roads and built-up cells are "on path") and x 5/4
    on horseback, times the same per-surface going factor. The GRASS ``r.walk``
    Aitken-Langmuir time model (parameters.md §3.3, GRASS) is the named alternative
    (``walking="langmuir"``). They burn no fuel.

Season
    ``season="wet"`` switches every surface to its wet entry in ``GOING`` (higher Crr, lower
    adhesion, lower caps) and raises river depths by ``WET_RIVER_RISE_M``. **Assumption**, named
    because no rainfall was measured: heavy rain from 11-12 August in the Greater Khingan that
    spread over central Manchuria and made dirt roads impassable (campaign-facts.md §4, Daines;
    Zavizion; Loza), so the wet tables stand for soaked topsoil and flooded rivers.

Railway embankments
    A cell the terrain's ``railway`` overlay marks (:mod:`logistics.terrain.railways`) holds a
    1945 railway embankment besides its own ground (``terrain_class``). Sources: when all dirt
    roads were washed out, tanks went 4-5 km/h and trucks 5-6 km/h along the embankment over
    about 120 km ([DAINES-TA]); from Tunliao to Mukden the high embankment was the only path even
    for tanks ([ZHEL]). The speeds are read from ``configs/norms/march.yaml`` (``observed.
    washed_out_plain_tracked_kmh``, ``..._wheeled_kmh``, cited there; :func:`embankment_kmh`).

    * a motor vehicle on the embankment runs at the sourced speed of its kind (the surface
      cap), under its own power, slope and grip limits, on the rolling resistance and grip of a
      *dry* dirt road (**assumption**: the raised, drained, ballasted crest is why it stayed
      passable when the roads washed out). No sub-grid relief: the line is graded
      (:func:`embankment_rates`).
    * a 1 km cell holds the embankment *and* the ground beside it, so the column takes whichever
      goes faster: the cell gets the embankment row where the vehicle's own speed on the flat on
      the cell's ground (sub-grid relief included) is below the embankment's, else keeps its
      ground (``build_cost_model``). Routes follow embankments exactly where the fields are
      worse than the embankment for that vehicle (wet marsh for trucks, which cannot move on it
      at all), and a railway never slows a column crossing or running beside it.
    * **the seasons** (rule chosen): the embankment is the same in both (the figure was
      measured on the crest, which the rains did not spoil; it is what made it the only way),
      and the choice above is made on each season's own going. In the dry season the vehicle's
      own physics on firm ground (steppe, fields, forest) is faster than 4-6 km/h for every
      motor vehicle, so the embankment is no better than the ground there and dry routes are
      unchanged; it matters only where even dry ground stops or nearly stops the vehicle (a
      marsh for wheels). An embankment the rains do not spoil cannot be worse in the dry than
      in the wet: ignoring it in the dry would let a truck cross a marsh in the rains but not in
      August's dry days, a wet route faster than the dry one.
    * men and horses: not priced on the embankment (their cells keep their ground). No source
      gives their pace there, and walking it as a path (Tobler on path, 5 km/h against 3 off
      path) would turn every railway into the model's only footpath in both seasons: a change
      to every marching column that the sources here do not support.
    * a river under the line is still paid as any river crossing (the railway bridge is not
      modelled as a road bridge).

Rivers
    A river cell carries an ``enter`` time: a ford when the vehicle's fording depth reaches the
    river class's assumed depth, otherwise waiting for a bridge (N2P ferries: 30-45 min,
    parameters.md §3.4, N2P-3); fuel for it is the idle rate over that time. The kernel's river
    toll charges it once per crossing, however many cells wide the river and whichever
    stencil, and a river entered from another class's cells (a creek beside the Amur) is paid
    in full (:mod:`logistics.cost.model`); :func:`logistics.cost.route.river_crossings` lists a
    path's crossings with their price.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from logistics.cost.engine import BSFC_FULL_G_PER_KWH, Engine, TargetPoint, fit_engine
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.errors import ConfigError, DataError, check_choice
from logistics.terrain.classes import RiverClass, TerrainClass
from logistics.terrain.grid import cellsize_m
from logistics.vehicles import Vehicle, list_vehicles, load_vehicle

__all__ = [
    "SEASONS",
    "SURFACES",
    "GOING",
    "ENERGY_MJ_PER_L",
    "Going",
    "SUBGRID_STEP",
    "SUBGRID_BINS",
    "N_CODES",
    "EMBANKMENT_CODE",
    "embankment_kmh",
    "embankment_rates",
    "tobler_kmh",
    "langmuir_kmh",
    "move_rates",
    "engine",
    "WHEELED_DRY_STEPPE_CRR",
    "WHEELED_WET_SOIL_FACTOR",
    "fit_wheeled_dry_steppe_crr",
    "subgrid_bins",
    "river_crossing",
    "build_cost_model",
    "point_rates",
    "MIN_LEVEL_KMH",
    "FIT_MISS_FACTOR",
    "level_problems",
    "check_vehicles",
]

G_M_S2: float = 9.80665
SEASONS: tuple[str, ...] = ("dry", "wet")
#: Surfaces the physics knows: a (dirt) road, then one per passable TerrainClass.
SURFACES: tuple[str, ...] = ("road", "steppe", "forest", "wetland", "sand", "cropland", "urban")
_ON_PATH = ("road", "urban")
_SURFACE_OF_CLASS: dict[int, str] = {
    int(c): c.name.lower() for c in TerrainClass if c.name.lower() in SURFACES
}
#: Which surface the documented consumptions were measured on (an assumption: cross-country
#: figures are taken as dry, firm, level steppe, the going of the Mongolian approach).
_TARGET_SURFACE = {"road": "road", "cross_country": "steppe"}

#: Fuel energy per litre (lower heating value), MJ/L.
#: diesel: B universal-converter.org/fuels/diesel, "35.66 MJ" (parameters.md §3.2);
#: petrol: C snowdaycalculatornow.com worked example, "44 × 0.74 = 32.56 MJ/L" (parameters.md §3.2).
ENERGY_MJ_PER_L: dict[str, float] = {"diesel": 35.66, "petrol": 32.56}

#: Critical slope (%) of the LCP relative-speed function used as the slope safety limit.
#: Assumption (no vehicle source, parameters.md §3.3 "NRMM not extracted"): tracks keep control
#: on steeper ground than wheels.
S_CRIT_PCT: dict[str, float] = {"tracked": 40.0, "wheeled": 25.0}

# Tobler's hiking function and its multipliers (B WIKI Tobler's hiking function, parameters.md
# §3.3): "For off-path travel, this value should be multiplied by 3/5", "for horseback by 5/4".
TOBLER_OFF_PATH: float = 3.0 / 5.0
TOBLER_HORSEBACK: float = 5.0 / 4.0
# GRASS r.walk defaults (Langmuir 1984): "(0.72, 6.0, 1.9998, -1.9998)", moderate downhill 5-12°.
_LANGMUIR = (0.72, 6.0, 1.9998, -1.9998)


@dataclass(frozen=True)
class Going:
    """How a surface goes for one running gear in one season.

    crr: rolling resistance coefficient; phi: adhesion coefficient; speed_factor: multiplier
    of the vehicle's documented cross-country speed (road speed on roads and built-up cells).
    """

    crr: float
    phi: float
    speed_factor: float


def _g(dry: tuple[float, float, float], wet: tuple[float, float, float]) -> dict[str, Going]:
    return {"dry": Going(*dry), "wet": Going(*wet)}


#: GOING[gear][surface][season]. Sources and assumptions, entry by entry:
#:
#: * wheeled Crr: road/urban 0.02 (ETB "0.02 car tires on tar or asphalt", "on gravel - rolled
#:   new"); dry steppe ``WHEELED_DRY_STEPPE_CRR`` (0.042), **fitted** in the open to the one
#:   documented truck consumption off the road (:func:`fit_wheeled_dry_steppe_crr`, below);
#:   cropland, forest floor 0.08 (CARVILL "Medium Hard Soil 0.08"); sand 0.15
#:   (CARVILL "Sand 0.1 – 0.2", midpoint); wetland 0.30 (ETB "0.2 - 0.4 car tire on loose sand",
#:   midpoint, as a proxy for soft marsh ground: an assumption). Wet: a soil surface (steppe,
#:   cropland, forest floor) takes the step parameters.md §5 suggests for flooded or churned
#:   ground, from "medium-hard soil 0.08" to "sand 0.1-0.2" (0.15), as a factor on its own dry
#:   figure (``WHEELED_WET_SOIL_FACTOR``); marsh stays at "loose sand"; a wet dirt road becomes
#:   medium-hard soil (0.08, assumption).
#: * tracked Crr: NOT FOUND in the corpus (parameters.md §3.1). Assumed 0.04 road, 0.05 steppe
#:   (the illustrative value of parameters.md §5), rising for softer going. Only the ratios
#:   between surfaces matter for fuel (eta absorbs the level): steppe/road = 1.25 sits between
#:   the documented cross-country/road ratios of the T-34-85 (300/235 = 1.28) and the
#:   M4A2(76)W (390.5/330 = 1.18).
#: * adhesion phi: assumed. One anchor: the early T-34 trial slipped at 15-16° on moist mud
#:   (A TA-T34, "Mud with dirt cover, moist … 15-16° Tracks slip"), i.e. phi - Crr ≈ tan 15.5° =
#:   0.28 for tracks on wet soil, used for wet road/steppe/cropland/forest. Dry firm ground is
#:   set so that the vehicles' own grade limits bind (T-34 20°, M4 34°). The handbook phi table
#:   in parameters.md §3.1 has no located source and is not cited.
#: * speed_factor: assumed; slower going in forest (taiga, windfall: sappers built log roads,
#:   SEED-000), marsh, sand and fields; wet = churned, slippery ground.
#: * sand is the same wet and dry: damp sand is firmer, flooded hollows are worse; no source
#:   either way, so the season leaves it alone.
#: Rolling resistance of a wheeled vehicle on dry steppe. **Fitted** (one global parameter, to a
#: source about means, not to any dated position): the Transbaikal Front's ZIS-5s burned on
#: average 0.75 of a 60 L refill per 100 km in August 1945 ([TYL-1977], configs/norms/
#: movement.yaml ``fuel.zis5_refills_per_100km``), about 45 L/100 km, 1.3x their road figure.
#: Taken as the dry-steppe figure, the surface convention every vehicle's cross-country figure
#: follows here (``_TARGET_SURFACE``). The fit (:func:`fit_wheeled_dry_steppe_crr`, checked in
#: tests/test_physics_engine.py) gives 0.042, the firm end of ETB's "0.04 - 0.08 car tire on
#: solid sand, gravel loose worn, soil medium hard" (whose midpoint 0.06 made a ZIS-5 burn 82
#: L/100 km on the steppe, 1.8x what the campaign's trucks burned over every kind of ground).
#: Until December 2026 it was 0.024, below every soil of ETB: the engine was then fitted to the
#: road figure at 51 % of its power (no air drag, :func:`speed_drag_n_per_m2s2`), held at the
#: 400 g/kWh bound, and the steppe had to be made nearly a road for the truck to burn as little
#: as the campaign's trucks did.
WHEELED_DRY_STEPPE_CRR: float = 0.042

#: The wet season's rolling resistance of a wheeled vehicle on a soil surface, as a multiple
#: of its dry one: parameters.md §5's step for flooded or churned ground, from CARVILL "Medium
#: Hard Soil 0.08" to "Sand 0.1 – 0.2" (midpoint 0.15), 0.15 / 0.08. A factor, not the absolute
#: 0.15, because the dry figure it applies to need not be 0.08: the fitted dry steppe above is
#: the steppe's firm ground (0.042), and its wet figure is that ground soaked (0.079), not
#: fresh sand. Until December 2026 the wet steppe kept the absolute 0.15 after the dry figure
#: was refitted from 0.06 to 0.024 (6.25x the dry figure where cropland and forest had 1.9x):
#: a loaded truck on the wet steppe burned 6.6x its road figure (210 L/100 km, a US6 refill
#: lasting 71 km), against "more than double" in the rains and mountains of the Khingan
#: ([DZEN-KHINGAN], movement.yaml ``fuel.refill.mountain_factor``) and 1.3x over the whole
#: front ([TYL-1977]). assumed: the same factor on every soil surface and for every wheeled
#: vehicle (no wet-soil figure of a 1945 truck was found, parameters.md §6).
WHEELED_WET_SOIL_FACTOR: float = 0.15 / 0.08

GOING: dict[str, dict[str, dict[str, Going]]] = {
    "tracked": {
        "road": _g((0.04, 0.75, 1.0), (0.05, 0.33, 0.6)),
        "steppe": _g((0.05, 0.75, 1.0), (0.07, 0.35, 0.7)),
        "cropland": _g((0.055, 0.75, 0.8), (0.08, 0.36, 0.6)),
        "forest": _g((0.06, 0.75, 0.4), (0.08, 0.36, 0.3)),
        "sand": _g((0.08, 0.45, 0.6), (0.08, 0.45, 0.6)),
        "wetland": _g((0.10, 0.35, 0.35), (0.15, 0.30, 0.25)),
        "urban": _g((0.04, 0.75, 0.5), (0.04, 0.60, 0.5)),
    },
    "wheeled": {
        "road": _g((0.02, 0.60, 1.0), (0.08, 0.35, 0.5)),
        "steppe": _g((WHEELED_DRY_STEPPE_CRR, 0.45, 1.0),
                     (WHEELED_DRY_STEPPE_CRR * WHEELED_WET_SOIL_FACTOR, 0.25, 0.5)),
        "cropland": _g((0.08, 0.45, 0.7), (0.08 * WHEELED_WET_SOIL_FACTOR, 0.25, 0.4)),
        "forest": _g((0.08, 0.45, 0.3), (0.08 * WHEELED_WET_SOIL_FACTOR, 0.25, 0.2)),
        "sand": _g((0.15, 0.25, 0.4), (0.15, 0.25, 0.4)),
        "wetland": _g((0.30, 0.20, 0.2), (0.30, 0.15, 0.15)),
        "urban": _g((0.02, 0.65, 0.5), (0.02, 0.50, 0.45)),
    },
    # foot and horse: only speed_factor is used (x Tobler, x 3/5 off path).
    "foot": {
        "road": _g((0, 0, 1.0), (0, 0, 0.9)),
        "steppe": _g((0, 0, 1.0), (0, 0, 0.85)),
        "cropland": _g((0, 0, 0.9), (0, 0, 0.75)),
        "forest": _g((0, 0, 0.8), (0, 0, 0.7)),
        "sand": _g((0, 0, 0.8), (0, 0, 0.8)),
        "wetland": _g((0, 0, 0.5), (0, 0, 0.35)),
        "urban": _g((0, 0, 1.0), (0, 0, 1.0)),
    },
}

#: Assumed August depth (m) at a chosen crossing point, by river class: not found
#: (parameters.md §3.4 and §6). MAJOR rivers (the Amur, the Argun, the Hailar, the Sungari below
#: Jiamusi: terrain/classes.py RiverClass) are never forded; LARGE ones (the Ussuri, the Sungari at
#: Harbin, the Nen) only by a vehicle fording 1.2 m, in the dry season.
RIVER_DEPTH_M: dict[int, float] = {
    int(RiverClass.MAJOR): math.inf,
    int(RiverClass.LARGE): 1.2,
    int(RiverClass.MEDIUM): 0.7,
    int(RiverClass.INTERMITTENT): 0.3,
    int(RiverClass.CANAL): 1.5,
}
#: Assumed rise of every river in the wet season, m: a quarter of the documented maximum
#: ("Уровень рек поднялся на 4 метра", istoriya.info, campaign-facts.md §4, Primorye).
WET_RIVER_RISE_M: float = 1.0
#: Time to wait for a bridge, s: upper end of "около 30-45 минут" for an N2P bridge from ferries
#: (B N2P-3, parameters.md §3.4); the upper end because the park must also be brought up.
BRIDGE_WAIT_S: float = 45 * 60.0
#: Assumed time to ford one river cell, s (bank preparation, entry and exit at walking pace);
#: intermittent streams are mostly dry beds: 2 min. No source (parameters.md §3.4 "not found").
FORD_TIME_S: dict[int, float] = {
    int(RiverClass.LARGE): 600.0,
    int(RiverClass.MEDIUM): 600.0,
    int(RiverClass.INTERMITTENT): 120.0,
    int(RiverClass.CANAL): 600.0,
}


# --------------------------------------------------------------------------------------------
# walking


def tobler_kmh(grade: np.ndarray | float) -> np.ndarray:
    """Tobler's hiking speed (km/h, on path) at grade ``S = dh/dx``: ``6 exp(-3.5 |S + 0.05|)``.

    5.04 km/h on the flat, 6 km/h at S = -0.05; +10° -> 2.72, -10° -> 3.86 km/h.
    """
    return 6.0 * np.exp(-3.5 * np.abs(np.asarray(grade, dtype=float) + 0.05))


def langmuir_kmh(grade: np.ndarray | float) -> np.ndarray:
    """Walking speed (km/h over the map) of the GRASS r.walk Aitken-Langmuir time model.

    Time per horizontal metre: ``a + b g`` uphill, ``a + c g`` on moderate descents (5-12°)
    and ``a + d g`` on steeper ones, with Langmuir's defaults a=0.72, b=6.0, c=1.9998,
    d=-1.9998 (GRASS, parameters.md §3.3).
    """
    g = np.asarray(grade, dtype=float)
    a, b, c, d = _LANGMUIR
    moderate = (g <= -math.tan(math.radians(5))) & (g > -math.tan(math.radians(12)))
    steep = g <= -math.tan(math.radians(12))
    t_s_per_m = a + np.where(g > 0, b * g, 0.0) + np.where(moderate, c * g, 0.0)
    t_s_per_m = t_s_per_m + np.where(steep, d * g, 0.0)
    return 3.6 / t_s_per_m


# --------------------------------------------------------------------------------------------
# the rates


def _going(vehicle: Vehicle, surface: str, season: str) -> tuple[Going, str]:
    """(Going, gear) for the vehicle on the surface; roads use the road running gear."""
    check_choice("surface", surface, SURFACES)
    check_choice("season", season, SEASONS)
    if vehicle.is_motorised:
        gear = vehicle.road_running_gear if surface in _ON_PATH else vehicle.kind
    else:
        gear = "foot"
    return GOING[gear][surface][season], gear


def _grade_limits(v: Vehicle, going: Going) -> tuple[float, float]:
    """(up, down): the steepest grades (tan, >= 0 each way) the vehicle can take on ``going``.

    The vehicle's ``max_grade_deg`` either way; for motor vehicles also adhesion on the net
    force, ``|tan + Crr| <= phi``: up to ``phi - Crr`` climbing, ``phi + Crr`` descending
    (negative ``up``: it cannot even move on the flat).
    """
    steepest = math.tan(math.radians(v.max_grade_deg))
    if not v.is_motorised:
        return steepest, steepest
    return min(steepest, going.phi - going.crr), min(steepest, going.phi + going.crr)


def speed_drag_n_per_m2s2(v: Vehicle) -> float:
    """The resistance of wheeled vehicle ``v`` that grows with the square of its speed (air drag
    and the driveline's speed-dependent losses), ``k`` in ``F = k u^2`` (N per (m/s)^2); 0 for
    any other kind.

    **Assumption** (named; one rule for every wheeled vehicle, no figure fitted): a wheeled
    vehicle's documented top road speed is the speed at which its engine's full power, at the
    wheels, balances its resistance on a level dry road: ``eta_d P = m g Crr_road u + k u^3``
    at ``u = speed_road_kmh``, so ``k`` is what its rolling resistance leaves. Without it a
    GAZ-67B ran 90 km/h on 23 % of its power (its power alone would carry it at 387 km/h) and
    no 1940s petrol engine could burn its documented 18 L/100 km there (the fit missed by 49 %
    at the 400 g/kWh bound). The drag areas it implies, ``k / (rho_air / 2)`` with air at
    1.225 kg/m^3, are 2.2 m^2 (GAZ-67B), 3.6 (Studebaker US6) and 6.8 (ZIS-5, BZ-43): an
    open car's and boxy trucks' drag coefficient of about 0.8-1 times their 2.5-5 m^2 fronts,
    the ZIS-5's high (its gearing and driveline losses at 60 km/h are in it too). Tracked
    vehicles are left at 0: the same rule gives them 13-68 m^2, no front of a tank; their top
    speeds are set by their running gear and governors, not by air drag."""
    if v.kind != "wheeled":
        return 0.0
    u = v.speed_road_kmh / 3.6
    crr = GOING[v.road_running_gear]["road"]["dry"].crr
    return max(v.driveline_efficiency * v.power_w - v.mass_kg * G_M_S2 * crr * u, 0.0) / u ** 3


def _engine_kw(v: Vehicle, crr: float, g, speed_kmh) -> np.ndarray:
    """Power (kW) the engine delivers moving at horizontal ``speed_kmh`` up grade ``g`` (tan):
    ``(m g (Crr + tan) v + k u^3) / eta_d`` (the forces along the slope times the speed along
    it, ``u = v sqrt(1 + tan^2)``; ``k``: :func:`speed_drag_n_per_m2s2`), 0 when gravity does
    the work."""
    g = np.asarray(g, dtype=float)
    v_m_s = np.asarray(speed_kmh) / 3.6
    drag_w = speed_drag_n_per_m2s2(v) * (v_m_s * np.sqrt(1.0 + g * g)) ** 3
    work_w = v.mass_kg * G_M_S2 * (crr + g) * v_m_s + drag_w
    return np.maximum(work_w, 0.0) / v.driveline_efficiency / 1e3


def _point_rates(v: Vehicle, going: Going, gear: str, surface: str, g: np.ndarray,
                 walking: str) -> tuple[np.ndarray, np.ndarray]:
    """(speed_kmh, fuel_l_per_km) at grade ``g`` on smooth ground (see the module docstring)."""
    if not v.is_motorised:
        too_steep = np.abs(g) > math.tan(math.radians(v.max_grade_deg))
        check_choice("walking", walking, WALKING)
        base = tobler_kmh(g) if walking == "tobler" else langmuir_kmh(g)
        path = 1.0 if surface in _ON_PATH else TOBLER_OFF_PATH
        horse = TOBLER_HORSEBACK if v.kind == "horse" else 1.0
        speed = np.where(too_steep, 0.0, base * path * horse * going.speed_factor)
        return speed, np.where(too_steep, np.inf, 0.0)

    speed, impossible = _motor_speed(v, going, gear, surface, g)
    with np.errstate(divide="ignore", invalid="ignore"):
        fuel = _fuel_l_per_km(v, engine(v), going, g, speed)
    return np.where(impossible, 0.0, speed), np.where(impossible, np.inf, fuel)


def _fuel_l_per_km(v: Vehicle, eng: Engine, going: Going, g, speed_kmh) -> np.ndarray:
    """Litres per horizontal km of motor vehicle ``v`` with engine ``eng`` moving at
    ``speed_kmh`` up grade ``g`` (tan) on ``going``: the engine's flow at the power the move
    needs over the speed."""
    return eng.flow_l_per_h(_engine_kw(v, going.crr, g, speed_kmh)) / speed_kmh


def _power_kmh(v: Vehicle, resist) -> np.ndarray:
    """Speed (km/h along the slope) at which the power reaching the ground, ``eta_d P``,
    balances the resistance ``m g resist`` (``resist``: force per unit weight, > 0)."""
    return 3.6 * v.driveline_efficiency * v.power_w / (v.mass_kg * G_M_S2 * resist)


def _power_limit_kmh(v: Vehicle, resist) -> np.ndarray:
    """Speed (km/h along the slope) at which ``eta_d P`` balances the resistance ``m g resist``
    and the speed drag ``k u^2`` (:func:`speed_drag_n_per_m2s2`): the positive root of ``k u^3
    + m g resist u = eta_d P`` (bisection; ``resist`` may be negative then). Without drag, as
    :func:`_power_kmh` where ``resist > 0``, inf elsewhere."""
    resist = np.asarray(resist, dtype=float)
    k = speed_drag_n_per_m2s2(v)
    if k <= 0.0:
        with np.errstate(divide="ignore"):
            return np.where(resist > 0, _power_kmh(v, np.where(resist > 0, resist, 1.0)), np.inf)
    a = v.mass_kg * G_M_S2 * resist
    b = v.driveline_efficiency * v.power_w
    lo = np.zeros_like(a)
    hi = np.full_like(a, np.cbrt(b / k)) + np.sqrt(np.abs(np.minimum(a, 0.0)) / k) + 1.0
    for _ in range(60):  # f(u) = k u^3 + a u - b: one positive root, f < 0 below it
        mid = 0.5 * (lo + hi)
        below = k * mid ** 3 + a * mid < b
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 3.6 * 0.5 * (lo + hi)


def _motor_speed(v: Vehicle, going: Going, gear: str, surface: str,
                 g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal speed km/h, impossible) of a motor vehicle at grade ``g`` (tan)."""
    too_steep = np.abs(g) > math.tan(math.radians(v.max_grade_deg))
    cos, sin = 1.0 / np.sqrt(1.0 + g * g), g / np.sqrt(1.0 + g * g)
    cap_kmh = (v.speed_road_kmh if surface in _ON_PATH else v.speed_cc_kmh) * going.speed_factor
    resist = going.crr * cos + sin  # force per unit weight along the slope
    v_power_kmh = _power_limit_kmh(v, resist)
    v_safe_kmh = cap_kmh / (1.0 + (100.0 * np.abs(g) / S_CRIT_PCT[gear]) ** 2)
    speed = np.minimum(np.minimum(cap_kmh, v_power_kmh), v_safe_kmh) * cos
    # traction on the net force: the drive (or brake) force the move needs, m g (Crr cos + sin),
    # against the grip m g phi cos: |tan + Crr| <= phi. Its sign, not the grade's, says which.
    slips = np.abs(g + going.crr) > going.phi
    return speed, too_steep | slips


def _pitch_rates(v: Vehicle, going: Going, gear: str, surface: str, pitch: np.ndarray,
                 walking: str) -> tuple[np.ndarray, np.ndarray]:
    """(hours, litres) per horizontal km of ground whose grade is ``pitch``, taking a pitch
    steeper than the vehicle can (:func:`_grade_limits`) in switchbacks at its limit grade: the
    way is longer by ``|pitch| / limit``. inf where it cannot move even so."""
    up, down = _grade_limits(v, going)
    lim_up, lim_down = up * (1 - 1e-9), down * (1 - 1e-9)  # stay inside the limits
    over_up, over_down = pitch > lim_up, pitch < -lim_down
    with np.errstate(divide="ignore", invalid="ignore"):
        longer = np.where(over_up, pitch / lim_up, np.where(over_down, -pitch / lim_down, 1.0))
        taken = np.where(over_up, lim_up, np.where(over_down, -lim_down, pitch))
        speed, fuel = _point_rates(v, going, gear, surface, taken, walking)
        hours = np.where((speed > 0) & (longer > 0), longer / speed, np.inf)
        litres = np.where(np.isfinite(hours), longer * fuel, np.inf)
    return hours, litres


#: Sub-grid pitches: the 3-point Gauss-Hermite rule for a normal distribution of pitch grades
#: about the move's grade (offsets in standard deviations, weights): exact for the mean of any
#: polynomial of degree <= 5 in the pitch grade.
_PITCH_OFFSETS: tuple[float, ...] = (-math.sqrt(3.0), 0.0, math.sqrt(3.0))
_PITCH_WEIGHTS: tuple[float, ...] = (1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0)


def move_rates(
    vehicle: Vehicle | str,
    surface: str,
    grade: np.ndarray | float,
    *,
    season: str = "dry",
    walking: str = "tobler",
    subgrid_grade: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(speed_kmh, fuel_l_per_km) over the map at each grade (rise/run, + uphill).

    Speeds are horizontal (map) km/h; fuel is litres per horizontal km. An impossible move
    has speed 0 and fuel ``inf``. Vehicles without fuel have fuel 0. ``subgrid_grade`` (m/m)
    is the ground's relief below the grid (module docstring, "Sub-grid relief"): the way's
    pitches are spread normally about ``grade`` with that standard deviation; the move stays
    impossible where ``grade`` itself is.
    """
    v = load_vehicle(vehicle)
    g = np.asarray(grade, dtype=float)
    going, gear = _going(v, surface, season)
    speed, fuel = _point_rates(v, going, gear, surface, g, walking)
    s = float(subgrid_grade)
    if not (math.isfinite(s) and s >= 0):
        raise ConfigError(f"subgrid_grade must be a finite grade >= 0 (m/m), got {subgrid_grade!r}")
    if s == 0:
        return speed, fuel
    return _relief_rates(v, going, gear, surface, g, s, walking, speed)


def _relief_rates(v: Vehicle, going: Going, gear: str, surface: str, g: np.ndarray, s,
                  walking: str, speed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(speed_kmh, fuel_l_per_km) at grades ``g`` over sub-grid relief ``s`` > 0 (m/m):
    :func:`move_rates`'s mean over the pitches, ``speed`` the smooth ground's at ``g``.
    ``s`` may be an array broadcasting against ``g`` (:func:`_rate_tables` passes every relief
    bin at once, a column against the row of grades: the same numbers element by element,
    one numpy call for all bins instead of one per bin)."""
    hours = np.zeros(np.broadcast_shapes(np.shape(g), np.shape(s)))
    litres = np.zeros(hours.shape)
    for offset, weight in zip(_PITCH_OFFSETS, _PITCH_WEIGHTS):
        h, f = _pitch_rates(v, going, gear, surface, g + offset * s, walking)
        hours, litres = hours + weight * h, litres + weight * f
    ok = (speed > 0) & np.isfinite(hours) & (hours > 0)
    with np.errstate(divide="ignore"):
        return np.where(ok, 1.0 / hours, 0.0), np.where(ok, litres, np.inf)


def fit_wheeled_dry_steppe_crr(vehicle: Vehicle | str, target_l_per_100km: float) -> float:
    """The dry-steppe rolling resistance at which ``vehicle`` burns ``target_l_per_100km`` on
    level steppe at its own speed (bisection on 0.005-0.30; how WHEELED_DRY_STEPPE_CRR was
    fitted). Its adhesion and going factor stay those of ``GOING``."""
    v = load_vehicle(vehicle)
    base, gear = _going(v, "steppe", "dry")
    if gear != "wheeled":
        raise ConfigError(f"{v.name} does not run on wheels off the road (gear {gear!r})")

    def l_per_100km(crr: float) -> float:
        going = Going(crr, base.phi, base.speed_factor)
        return 100.0 * float(_point_rates(v, going, gear, "steppe", np.zeros(1), "tobler")[1][0])

    lo, hi = 0.005, 0.30
    if not l_per_100km(lo) <= target_l_per_100km <= l_per_100km(hi):
        raise ConfigError(f"{v.name} cannot burn {target_l_per_100km} L/100 km on the steppe at "
                          f"any rolling resistance between {lo} and {hi}")
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if l_per_100km(mid) < target_l_per_100km else (lo, mid)
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------------------------
# railway embankments (module docstring, "Railway embankments")

#: The ``observed:`` cap of ``norms/march.yaml`` that holds each motor kind's embankment speed.
_EMBANKMENT_KEYS: dict[str, str] = {
    "tracked": "washed_out_plain_tracked_kmh",  # [DAINES-TA] 'танки шли со скоростью 4–5 км в час'
    "wheeled": "washed_out_plain_wheeled_kmh",  # [DAINES-TA] 'а автомашины – 5–6 км'
}


def embankment_kmh(config_dir: str | Path | None = None) -> dict[str, float]:
    """{"tracked": km/h, "wheeled": km/h}: the sourced column speeds along a railway embankment
    in the rains, the ``observed:`` caps of ``<config_dir>/norms/march.yaml`` (each cited
    there) as :func:`logistics.army.norms.load_norms` reads them: one reader of the file, so
    the cost engine prices the march norms the run's folder holds (``settings.CONFIG_DIR`` by
    default), checked and patched (Monte Carlo draws) as every other figure of it."""
    from logistics.army.norms import load_norms

    norms = load_norms(config_dir)
    caps = {c.id: c.kmh for c in norms.observed}
    out = {}
    for kind, key in _EMBANKMENT_KEYS.items():
        if key not in caps:
            raise ConfigError(f"{norms.files[0]}: observed.{key}: missing (or without value: "
                              f"and applies_to:); fix: give the embankment speed (km/h) of "
                              f"{kind} columns with its cite, as the shipped "
                              "configs/norms/march.yaml does")
        out[kind] = caps[key]
    return out


def embankment_rates(
    vehicle: Vehicle | str, grade: np.ndarray | float, *,
    config_dir: str | Path | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(speed_kmh, fuel_l_per_km) of a motor vehicle along a railway embankment, in either
    season, like :func:`move_rates` (module docstring, "Railway embankments").

    The sourced speed of its kind (:func:`embankment_kmh` of ``config_dir``) under its own
    power, slope and grip limits on dry dirt-road going; fuel from its engine at that speed.
    ``ConfigError`` for men and horses (not priced on the embankment).
    """
    v = load_vehicle(vehicle, config_dir=config_dir)
    if not v.is_motorised:
        raise ConfigError(f"{v.name} ({v.kind}) is not priced on railway embankments: no source "
                          "gives the pace of men or horses there; its cells keep their ground")
    return _embankment_rates(v, grade, embankment_kmh(config_dir)[v.kind])


def _embankment_rates(v: Vehicle, grade: np.ndarray | float, kmh: float
                      ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`embankment_rates` of motor vehicle ``v`` at the embankment speed ``kmh``."""
    road = GOING[v.kind]["road"]["dry"]
    # the surface cap speed_cc x speed_factor is the sourced speed itself
    going = Going(road.crr, road.phi, kmh / v.speed_cc_kmh)
    return _point_rates(v, going, v.kind, "embankment", np.asarray(grade, dtype=float), "tobler")


# --------------------------------------------------------------------------------------------
# the engine


def _target_points(v: Vehicle) -> list[TargetPoint]:
    """Each documented figure of ``v`` with the speed and engine load it is matched at: level,
    dry, on its surface; at its own speed if the source gives one, else at the model's."""
    points = []
    for t in v.fuel_targets:
        surface = _TARGET_SURFACE[t.surface]
        going, gear = _going(v, surface, "dry")
        if t.speed_kmh is not None:
            speed, source = float(t.speed_kmh), "source"
        else:
            speed, source = float(_motor_speed(v, going, gear, surface, np.zeros(()))[0]), "model"
        load = float(_engine_kw(v, going.crr, 0.0, speed)) / (v.power_w / 1000.0)
        points.append(TargetPoint(t, speed, min(load, 1.0), source))
    return points


@functools.lru_cache(maxsize=256)
def _engine_of(v: Vehicle, lender: Vehicle | None) -> Engine:
    return fit_engine(v, _target_points(v), engine(lender) if lender is not None else None)


def engine(vehicle: Vehicle | str) -> Engine:
    """The fitted Willans-line engine of a motor vehicle (:mod:`logistics.cost.engine`)."""
    v = load_vehicle(vehicle)
    if not v.is_motorised:
        raise ConfigError(f"{v.name} has no engine (kind {v.kind!r}); it burns no fuel")
    lender = None
    if not v.fuel_targets and v.calibrate_like is not None:
        lender = load_vehicle(v.calibrate_like.vehicle, config_dir=Path(v.path).parent.parent)
    return _engine_of(v, lender)


#: Slowest speed a motor vehicle must hold on the level, dry road and dry steppe, both on its
#: power and under its speed caps: a man's walking pace (Tobler's function on the level, 5.04
#: km/h). **Assumption**, a physical floor, no source: a motor vehicle slower than the men on
#: foot beside it is a slip of its figures (an efficiency of 1e-300, power in the wrong unit),
#: and towards zero speed its fuel per km (flow / speed) runs to infinity. The slowest shipped
#: vehicle on its power, the IS-2, holds 46 km/h on the level road (capped at its 37).
MIN_LEVEL_KMH: float = float(tobler_kmh(0.0))

#: Furthest a vehicle's fitted engine may miss one of its documented consumptions (model over
#: document, either way). **Assumption**, a plain bound, no source: the engine is held to the
#: specific consumption of a 1940s engine (``BSFC_FULL_G_PER_KWH``), so a figure it misses by
#: more than 4x is no consumption an engine of that power burns: a slip of unit (per km for per
#: 100 km is 100x). The shipped vehicles' fits miss by a few per cent (the GAZ-67B missed by
#: -49 % until its air drag was priced, :func:`speed_drag_n_per_m2s2`), but for the BT-7's
#: range figures (tank volume over range, -51 % and -56 % at its 72 and 50 km/h: README, "Where
#: the model misses its sources").
FIT_MISS_FACTOR: float = 4.0

_LEVEL_SURFACES: dict[str, str] = {"road": "speed_road_kmh", "steppe": "speed_cc_kmh"}


def level_problems(v: Vehicle) -> list[str]:
    """What makes motor vehicle ``v`` unable to move on the level: ``"<keys>: expected ...,
    got ...; fix: ..."`` each (its file's path is the caller's to add). Read once when its file
    is loaded (:func:`logistics.vehicles.load_vehicle_file`), so that figures inside their
    ranges but absurd together are refused there, not met as NaN fuel deep in a run.

    On a dry level road and dry steppe, it must hold ``MIN_LEVEL_KMH`` under its speed cap and
    on its power; a vehicle with its own ``fuel_targets`` must then have a fitted engine whose
    fuel per km there is finite and positive (a borrowed engine, ``calibrate_like``, is held
    inside ``BSFC_FULL_G_PER_KWH`` of its own power: finite whenever the speeds are).
    """
    if not v.is_motorised:
        return []
    out: list[str] = []
    floor = (f"expected at least {MIN_LEVEL_KMH:.1f} km/h on the level (a man's walking pace: "
             "a motor vehicle slower than that is a slip of its figures)")
    level: dict[str, tuple[Going, float]] = {}
    for surface, cap_key in _LEVEL_SURFACES.items():
        going, _ = _going(v, surface, "dry")
        cap_kmh = float(getattr(v, cap_key)) * going.speed_factor
        power_kmh = float(_power_kmh(v, going.crr))
        where = "a dry road" if surface == "road" else "dry steppe"
        if not cap_kmh >= MIN_LEVEL_KMH:
            out.append(f"{cap_key}: {floor}, got {getattr(v, cap_key)!r} km/h as its top speed "
                       f"on {where}; fix: give its documented top speed there in km/h")
        if not power_kmh >= MIN_LEVEL_KMH and not any(p.startswith("power_hp") for p in out):
            out.append(
                f"power_hp, mass_t, driveline_efficiency: {floor}, got {power_kmh:.3g} km/h on "
                f"{where} on its power (driveline_efficiency {v.driveline_efficiency!r} x "
                f"power_hp {v.power_hp!r} against mass_t {v.mass_t!r} on rolling resistance "
                f"{going.crr:g}); fix: check the three figures and their units (power in "
                "metric hp, mass in tonnes, driveline efficiency the share of the engine's "
                "power reaching the ground: 0.6 to 0.7 in the shipped files)")
        level[surface] = (going, min(cap_kmh, power_kmh))
    if out or not v.fuel_targets:
        return out
    fix = ("fix: give each documented consumption in litres per 100 km (not per km), at the "
           "speed_kmh (km/h) its source measured it")
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            eng = _engine_of(v, None)
            fuel = [float(_fuel_l_per_km(v, eng, going, 0.0, kmh))
                    for going, kmh in level.values()]
    except (FloatingPointError, OverflowError, ZeroDivisionError):
        _engine_of.cache_clear()  # no half-fitted engine is kept
        figures = ", ".join(f"{t.surface} {t.l_per_100km!r}" for t in v.fuel_targets)
        return [f"fuel_targets: expected figures an engine can be fitted to, got l_per_100km "
                f"of {figures}: the fit overflows (no finite fuel per km); {fix}"]
    if not all(math.isfinite(f) and f > 0 for f in fuel):
        return [f"fuel_targets: expected a finite, positive fuel per km on the level, got "
                f"{', '.join(f'{f:.3g}' for f in fuel)} L/km; {fix}"]
    for row in eng.table.itertuples():
        ratio = row.model_l_per_100km / row.documented_l_per_100km
        if not 1.0 / FIT_MISS_FACTOR <= ratio <= FIT_MISS_FACTOR:
            out.append(
                f"fuel_targets.{row.surface}.l_per_100km: expected a consumption an engine of "
                f"its power_hp {v.power_hp!r} can burn at {row.speed_kmh:.3g} km/h (within a "
                f"factor {FIT_MISS_FACTOR:g} of the fitted engine's "
                f"{row.model_l_per_100km:.4g}, its specific consumption held to "
                f"{BSFC_FULL_G_PER_KWH[0]:g}-{BSFC_FULL_G_PER_KWH[1]:g} g/kWh), got "
                f"{row.documented_l_per_100km!r}; {fix}")
    return out


_CHECKED: set[tuple] = set()


def check_vehicles(config_dir: str | Path | None = None) -> None:
    """One ConfigError listing every vehicle file of ``config_dir``'s ``vehicles/`` whose
    figures cannot move it (:func:`level_problems`), each with its file, keys, values and fix.
    The vehicle loader (:mod:`logistics.vehicles`, a layer below the physics) checks each
    figure's range; the commands and the runner call this before their work, so that figures
    absurd together are refused there, not met as NaN fuel in it. Once per folder version."""
    from logistics.vehicles import vehicles_dir

    ids = list_vehicles(config_dir=config_dir)  # each file read and checked by its loader
    vehicles = [load_vehicle(v, config_dir=config_dir) for v in ids]
    key = (str(vehicles_dir(config_dir)), tuple(vehicles))
    if key in _CHECKED:
        return
    problems = [f"{v.path}: {p}" for v in vehicles for p in level_problems(v)]
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in the vehicle files:\n  - "
                          + "\n  - ".join(problems))
    _CHECKED.add(key)


# --------------------------------------------------------------------------------------------
# rivers


def river_crossing(
    vehicle: Vehicle | str, river_class: int, *, season: str = "dry"
) -> tuple[float, float]:
    """(time_s, fuel_l) to enter one cell of ``river_class``: ford or wait for a bridge."""
    v = load_vehicle(vehicle)
    check_choice("season", season, SEASONS)
    rc = int(river_class)
    if rc == RiverClass.NONE:
        return 0.0, 0.0
    if rc not in RIVER_DEPTH_M:
        raise DataError(
            f"river_class {rc} is not a RiverClass code (expected one of "
            f"{[int(c) for c in RiverClass]}); rebuild the terrain"
        )
    depth = RIVER_DEPTH_M[rc] + (WET_RIVER_RISE_M if season == "wet" else 0.0)
    time_s = FORD_TIME_S[rc] if v.fording_depth_m >= depth else BRIDGE_WAIT_S
    fuel_l = time_s / 3600.0 * v.idle_fuel_l_per_h if v.is_motorised else 0.0
    return time_s, fuel_l


# --------------------------------------------------------------------------------------------
# the cost model


def _weight(objective: str | float) -> float:
    """Weight of time in the objective: 1 = time, 0 = fuel."""
    if isinstance(objective, str):
        check_choice("objective", objective, ("time", "fuel"))
        return 1.0 if objective == "time" else 0.0
    # numbers.Real: a numpy float32 or int64 weight is one too (np.float32(0.5) was refused as
    # "got np.float32(0.5)"); a bool is no weight
    if isinstance(objective, (bool, np.bool_)) or not isinstance(objective, numbers.Real) or not (
        0.0 <= float(objective) <= 1.0
    ):
        raise ConfigError(
            f"objective must be 'time', 'fuel' or a weight w in [0, 1] "
            f"(w * time_s + (1 - w) * fuel_l), got {objective!r}"
        )
    return float(objective)


def _require(terrain: xr.Dataset, names: tuple[str, ...]) -> None:
    if not isinstance(terrain, xr.Dataset):
        raise DataError(
            f"terrain must be an xarray Dataset (the output of logistics.load_terrain(bbox)), "
            f"got {type(terrain).__name__}")
    missing = [n for n in names if n not in terrain]
    if missing or not {"x", "y"} <= set(terrain.coords):
        raise DataError(
            f"terrain Dataset lacks {missing or 'x/y coords'}; expected the output of "
            "logistics.terrain.load_terrain (variables elevation_m, terrain_class, river_class, "
            "x/y coordinates in metres)"
        )


#: Sub-grid relief is priced in bins of this many m/m of ``subgrid_grade`` ...
SUBGRID_STEP: float = 0.02
#: ... from 0 to ``(SUBGRID_BINS - 1) * SUBGRID_STEP`` = 0.30 (steeper relief is read as 0.30).
SUBGRID_BINS: int = 16
#: Table row of the railway embankment (module docstring): after the TerrainClass
#: codes, so it is a row of the table, never a value of the terrain's ``terrain_class``.
EMBANKMENT_CODE: int = max(int(c) for c in TerrainClass) + 1
#: Table rows per sub-grid bin: one per TerrainClass code and the embankment (bin 0's rows are
#: the codes).
N_CODES: int = EMBANKMENT_CODE + 1


def subgrid_bins(subgrid_grade) -> np.ndarray:
    """Bin (0..SUBGRID_BINS - 1) of each sub-grid grade, to the nearest; NaN -> 0 (none)."""
    s = np.nan_to_num(np.asarray(subgrid_grade, dtype=np.float64), nan=0.0)
    return np.clip(np.rint(s / SUBGRID_STEP), 0, SUBGRID_BINS - 1).astype(np.int64)


#: The walking functions of men and horses (``walking=``).
WALKING: tuple[str, ...] = ("tobler", "langmuir")
#: Most grade steps a cost table may have on each side of level (``grade_max / grade_step``;
#: 200 by default). assumed: a sanity bound, not a prior: at 5000 each table (144 rows of
#: 10,001 grades) takes about 12 MB, and a step of 0.0002 (0.02 % of grade) is far finer than
#: any DEM's grade; a step of 1e-12 asked 14.6 TiB (a MemoryError), 1e-8 GBs and minutes.
MAX_GRADE_STEPS: int = 5000


def check_grades(grade_step, grade_max) -> int:
    """The grade steps on each side of level (``round(grade_max / grade_step)``) when both are
    numbers with ``0 < grade_step < grade_max <= 5`` and at most :data:`MAX_GRADE_STEPS` steps;
    ConfigError with the fix otherwise (a text was a TypeError)."""
    numbers_ok = all(isinstance(g, (int, float, np.number)) and not isinstance(g, bool)
                     and math.isfinite(g) for g in (grade_step, grade_max))
    if not numbers_ok or not 0 < grade_step < grade_max <= 5:
        raise ConfigError(f"need 0 < grade_step < grade_max <= 5, got {grade_step!r:.40}, "
                          f"{grade_max!r:.40}; fix: numbers such as the defaults grade_step=0.005, "
                          "grade_max=1.0 (rise over run)")
    n = int(round(grade_max / grade_step))
    if n > MAX_GRADE_STEPS:
        raise ConfigError(f"grade_step={grade_step:g} makes {n:,} grade steps up to grade_max="
                          f"{grade_max:g}, at most {MAX_GRADE_STEPS:,} (the cost table's columns); "
                          f"fix: grade_step >= {grade_max / MAX_GRADE_STEPS:g} (default 0.005)")
    return n


@functools.lru_cache(maxsize=64)
def _rate_tables(v: Vehicle, n: int, grade_step: float, season: str, walking: str,
                 embankment: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    """(time s/m, fuel L/m) tables, rows ``code + N_CODES * bin``, grades ``-n..n`` steps.

    Row ``code + N_CODES * b`` is TerrainClass ``code`` with sub-grid grade ``b *
    SUBGRID_STEP``; inf for impossible moves and for WATER and NODATA. The EMBANKMENT_CODE
    rows are the embankment (every bin alike: the line is graded; inf for men and horses).
    ``embankment`` is :func:`embankment_kmh` (a key of the cache). Read-only (cached).
    """
    grades = np.arange(-n, n + 1) * grade_step
    time_t = np.full((N_CODES * SUBGRID_BINS, grades.size), np.inf)
    fuel_t = np.full((N_CODES * SUBGRID_BINS, grades.size), np.inf)
    # every relief bin of a surface at once (a column of relief grades against the row of
    # grades): move_rates' numbers, with one numpy pass per surface instead of one per bin
    relief = (np.arange(1, SUBGRID_BINS) * SUBGRID_STEP)[:, None]
    for code, surface in _SURFACE_OF_CLASS.items():
        going, gear = _going(v, surface, season)
        smooth_kmh, smooth_l = _point_rates(v, going, gear, surface, grades, walking)
        rough_kmh, rough_l = _relief_rates(v, going, gear, surface, grades, relief, walking,
                                           smooth_kmh)
        speed = np.vstack([smooth_kmh[None, :], rough_kmh])  # row b: bin b
        fuel = np.vstack([smooth_l[None, :], rough_l])
        with np.errstate(divide="ignore"):
            time_t[code::N_CODES] = np.where(speed > 0, 3.6 / speed, np.inf)
        fuel_t[code::N_CODES] = fuel / 1000.0
    if v.is_motorised:
        speed, fuel = _embankment_rates(v, grades, dict(embankment)[v.kind])
        with np.errstate(divide="ignore"):
            time_t[EMBANKMENT_CODE::N_CODES] = np.where(speed > 0, 3.6 / speed, np.inf)
        fuel_t[EMBANKMENT_CODE::N_CODES] = fuel / 1000.0
    time_t.flags.writeable = False
    fuel_t.flags.writeable = False
    return time_t, fuel_t


def build_cost_model(
    terrain: xr.Dataset,
    vehicle: Vehicle | str,
    *,
    objective: str | float = "time",
    season: str = "dry",
    grade_step: float = 0.005,
    grade_max: float = 1.0,
    walking: str = "tobler",
    config_dir: str | Path | None = None,
) -> CostModel:
    """The CostModel of ``vehicle`` on ``terrain`` for ``objective`` in ``season``; the march
    norms it reads (the embankment speeds) and a vehicle given by name are those of
    ``config_dir`` (``settings.CONFIG_DIR`` by default).

    ``objective``: "time" (seconds), "fuel" (litres) or a weight ``w`` in [0, 1] giving
    ``w * time_s + (1 - w) * fuel_l`` (units "mixed"). Table rows are ``code + N_CODES * bin``:
    the TerrainClass code, and the bin of the cell's ``subgrid_grade`` (:func:`subgrid_bins`;
    0 when the terrain has no such variable, and then the rows are the TerrainClass codes).
    A cell of the terrain's ``railway`` overlay takes the row ``EMBANKMENT_CODE`` where the
    embankment is faster than its ground for this vehicle (module docstring).
    WATER and NODATA cells (and cells without elevation) get class 255 (barrier). Grades run
    from ``-grade_max`` to ``+grade_max`` in ``grade_step`` (rise/run); steeper is impassable.
    River cells carry an ``enter`` cost (:func:`river_crossing`) and their ``river`` class code,
    paid once per crossing of each river by the kernel's river toll.
    """
    v = load_vehicle(vehicle, config_dir=config_dir)
    w = _weight(objective)
    check_choice("season", season, SEASONS)
    if not v.is_motorised and w < 1.0:
        raise ConfigError(
            f"{v.name} burns no fuel, so objective {objective!r} has nothing to minimise; "
            "use objective='time'"
        )
    check_choice("walking", walking, WALKING)  # also for a vehicle that does not walk
    n = check_grades(grade_step, grade_max)
    _require(terrain, ("elevation_m", "terrain_class"))
    on_line = embankment_kmh(config_dir)
    time_t, fuel_t = _rate_tables(v, n, float(grade_step), season, walking,
                                  tuple(on_line.items()))
    with np.errstate(invalid="ignore"):
        table = w * time_t + (1.0 - w) * fuel_t if 0 < w < 1 else (time_t if w == 1 else fuel_t)
    table = np.array(table)  # the model's own (writeable) copy

    elevation = np.asarray(terrain["elevation_m"].values, dtype=np.float32)
    tclass = np.asarray(terrain["terrain_class"].values).astype(np.int64)
    passable = np.isin(tclass, list(_SURFACE_OF_CLASS)) & np.isfinite(elevation)
    if "subgrid_grade" in terrain:
        tclass = tclass + N_CODES * subgrid_bins(terrain["subgrid_grade"].values)
    class_index = np.where(passable, tclass, BARRIER_CLASS).astype(np.uint8)
    embankment = "railway" in terrain and v.is_motorised
    if embankment:
        # the column takes the embankment where it goes faster than the cell's own ground on
        # the flat (column n of the tables is grade 0): module docstring, "Railway embankments"
        own_s_per_m = time_t[np.where(passable, tclass, 0), n]
        on = passable & (np.asarray(terrain["railway"].values) != 0)
        on &= time_t[EMBANKMENT_CODE, n] < own_s_per_m
        class_index[on] = EMBANKMENT_CODE

    enter = river = None
    if "river_class" in terrain:
        rclass = np.asarray(terrain["river_class"].values).astype(np.int64)
        codes = np.flatnonzero(np.bincount(rclass.ravel()))  # the classes present, in order
        lut = np.zeros(int(codes.max()) + 1 if codes.size else 1)
        for c in codes:
            t_s, f_l = river_crossing(v, int(c), season=season)
            lut[c] = w * t_s + (1.0 - w) * f_l
        if lut.any():
            enter = lut[rclass].astype(np.float32)
            river = rclass.astype(np.uint8)  # a step into another class pays it in full

    units = {1.0: "s", 0.0: "L"}.get(w, "mixed")
    attrs = dict(
        vehicle=v.id,
        vehicle_name=v.name,
        objective=objective if isinstance(objective, str) else "mixed",
        time_weight=w,
        fuel_weight=1.0 - w,
        season=season,
        walking=walking if not v.is_motorised else "",
        **(_engine_attrs(engine(v)) if v.is_motorised else {}),
        subgrid_relief="subgrid_grade" in terrain,
        embankment_kmh=on_line if embankment else {},
        physics="logistics.cost.physics (see module docstring for sources and assumptions)",
        terrain=dict(terrain.attrs),
    )
    return CostModel(
        class_index=class_index,
        table=table,
        grade_min=float(-n * grade_step),
        grade_step=float(grade_step),
        cellsize_m=cellsize_m(terrain),
        elevation_m=elevation,
        scale=None,
        enter=enter,
        river=river,
        units=units,
        attrs=attrs,
    )


def _engine_attrs(eng: Engine) -> dict:
    """Provenance of a model's fuel: the fitted Willans line in plain numbers."""
    return dict(engine_zero_load_l_per_h=eng.zero_load_l_per_h,
                engine_full_power_l_per_h=eng.full_power_l_per_h,
                engine_bsfc_full_g_per_kwh=eng.bsfc_full_g_per_kwh, engine_fit=eng.method)


def point_rates(
    terrain: xr.Dataset,
    lon: float,
    lat: float,
    *,
    season: str = "dry",
    vehicles: list[str] | None = None,
    config_dir=None,
) -> pd.DataFrame:
    """Each vehicle's speed and fuel at a point: on the flat, and up/down the local slope.
    ``vehicles``: ids of vehicle files of the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` when None; default: every one of them).

    Columns: vehicle, name, terrain_class, slope_deg, speed_flat_kmh, fuel_flat_l_per_km,
    speed_up_kmh, fuel_up_l_per_km, speed_down_kmh, fuel_down_l_per_km (0 km/h and inf L/km
    where the vehicle cannot move; fuel 0 for foot and horse), with the cell's sub-grid relief
    as the cost model prices it.
    """
    from logistics.terrain import cell_of, to_metric

    check_choice("season", season, SEASONS)
    _require(terrain, ("terrain_class", "slope_deg"))
    x, y = to_metric(lon, lat)
    row, col = cell_of(terrain, float(x), float(y))
    code = int(terrain["terrain_class"].values[row, col])
    slope_deg = float(terrain["slope_deg"].values[row, col])
    surface = _SURFACE_OF_CLASS.get(code)
    g = math.tan(math.radians(slope_deg)) if np.isfinite(slope_deg) else 0.0
    sub = float(subgrid_bins(terrain["subgrid_grade"].values[row, col]) * SUBGRID_STEP
                ) if "subgrid_grade" in terrain else 0.0
    rows = []
    for vid in vehicles or list_vehicles(config_dir=config_dir):
        v = load_vehicle(vid, config_dir=config_dir)
        if surface is None:
            speed, fuel = np.zeros(3), np.full(3, np.inf)
        else:
            speed, fuel = move_rates(v, surface, np.array([0.0, g, -g]), season=season,
                                     subgrid_grade=sub)
        cname = TerrainClass(code).name.lower() if code in set(TerrainClass) else str(code)
        rows.append(
            dict(vehicle=v.id, name=v.name, terrain_class=cname,
                 slope_deg=slope_deg, speed_flat_kmh=speed[0], fuel_flat_l_per_km=fuel[0],
                 speed_up_kmh=speed[1], fuel_up_l_per_km=fuel[1], speed_down_kmh=speed[2],
                 fuel_down_l_per_km=fuel[2])
        )
    return pd.DataFrame(rows)
