"""A vehicle's engine as a Willans line: fuel flow against the power it delivers, fitted in the open.

An engine running at its working speed burns fuel even at zero load (friction and pumping), and
each kilowatt more costs about the same extra fuel: the Willans line

    flow (L/h) = zero_load + (full_power - zero_load) * P / P_max,    0 <= P <= P_max,

so a part-loaded engine is inefficient and fuel per km, ``flow / speed``, does *not* follow the
rolling resistance one for one (the old model divided tractive work by an efficiency fitted on
level road, which made a truck on steppe burn 4x its road figure and implied 6 % engines).
``P`` is the power the move needs at the engine, ``m g (Crr + tan) v / eta_d`` plus a wheeled
vehicle's air drag (``logistics.cost.physics.speed_drag_n_per_m2s2``; 0 downhill: the engine
turns at zero load), capped at ``P_max``: the speed physics never asks for more.

Two numbers per vehicle, fitted to its documented consumption (:func:`fit_engine`):

* ``full_power_l_per_h``: the flow at full power, i.e. the specific consumption at full power
  (g/kWh) times ``P_max``. It is held inside ``BSFC_FULL_G_PER_KWH`` = 230-400 g/kWh, the range
  of a 1940s engine (the project's bound, issue 10; no g/kWh figure of a 1945 engine was found,
  parameters.md §3.2 and §6);
* ``zero_load_l_per_h``: the flow at zero load, at least the vehicle's idle flow.

A vehicle with two documented figures (road and cross-country) has both fitted, least squares on
relative errors, with the zero-load share between 0 and ``ZERO_LOAD_MAX_SHARE`` (0.3, a petrol
engine's plausible top, assumed): exact when the physics allows it, else the closest fit inside the
bounds, and the table says by how much it misses (``method`` names the bound it is held at). A
vehicle with one figure has ``zero_load = ZERO_LOAD_SHARE x full_power`` (**assumption**, named
there) and ``full_power`` solved from that figure, then held to the bounds. A vehicle without
figures borrows its lender's specific consumption (litres per kWh, times the file's fuel volume
factor) and zero-load share. Each figure is matched at the speed and load it was measured at: the
speed its source gives (a trial's average speed), else the vehicle's own speed on that going in the
model (**assumption**: a figure without conditions is read as driving at the vehicle's speed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# the fuel densities (cited there) live with the vehicles, read here for the fuel physics
from logistics.vehicles import FUEL_DENSITY_KG_PER_L, FuelTarget, Vehicle

__all__ = [
    "Engine",
    "TargetPoint",
    "fit_engine",
    "FUEL_DENSITY_KG_PER_L",
    "BSFC_FULL_G_PER_KWH",
    "ZERO_LOAD_SHARE",
    "ZERO_LOAD_MAX_SHARE",
]


#: Specific fuel consumption at full power a 1940s engine may have, g/kWh: the bound of issue 10
#: (a bound, not a source: parameters.md §3.2 found no g/kWh figure for a 1945 engine). 230
#: g/kWh is about 36 % of diesel's energy reaching the crankshaft, 400 g/kWh about 24 % of
#: petrol's (``ENERGY_MJ_PER_L`` in physics): a fitted efficiency of 6 % is far outside.
BSFC_FULL_G_PER_KWH: tuple[float, float] = (230.0, 400.0)

#: Zero-load flow as a share of full-power flow, for a vehicle with one documented figure.
#: **Assumption**, no source (parameters.md §6: engine efficiencies not found): a fifth, for the
#: friction and pumping losses of a 1940s engine at working speed. Vehicles with two figures
#: have their own share fitted (table of :func:`fit_engine`).
ZERO_LOAD_SHARE: float = 0.2


@dataclass(frozen=True)
class TargetPoint:
    """Where a documented figure is matched: its speed (km/h) and the engine load share there."""

    target: FuelTarget
    speed_kmh: float
    load_share: float
    speed_from: str  #: "source" (the figure's own speed) or "model" (the vehicle's speed)


@dataclass(frozen=True)
class Engine:
    """The Willans line of one vehicle's engine and how well it reproduces its figures.

    ``table``: one row per documented figure: surface, documented_l_per_100km, speed_kmh,
    speed_from, load_share, model_l_per_100km (this engine at that speed and load), rel_err,
    choice, citation. ``method`` says how the numbers were obtained.
    """

    vehicle_id: str
    fuel_type: str
    power_kw: float
    zero_load_l_per_h: float
    full_power_l_per_h: float
    idle_l_per_h: float
    method: str
    table: pd.DataFrame

    def flow_l_per_h(self, power_kw):
        """Fuel flow (L/h) at engine power ``power_kw`` (clipped to 0..P_max)."""
        share = np.clip(np.asarray(power_kw, dtype=float) / self.power_kw, 0.0, 1.0)
        return self.zero_load_l_per_h + (self.full_power_l_per_h - self.zero_load_l_per_h) * share

    @property
    def bsfc_full_g_per_kwh(self) -> float:
        """Specific fuel consumption at full power, g/kWh."""
        rho = FUEL_DENSITY_KG_PER_L[self.fuel_type]
        return self.full_power_l_per_h * rho * 1000.0 / self.power_kw

    @property
    def zero_load_share(self) -> float:
        """Zero-load flow over full-power flow."""
        return self.zero_load_l_per_h / self.full_power_l_per_h


def _bounds_l_per_h(v: Vehicle) -> tuple[float, float]:
    """Full-power flow (L/h) at the two ends of ``BSFC_FULL_G_PER_KWH``."""
    rho = FUEL_DENSITY_KG_PER_L[v.fuel_type]
    p_kw = v.power_w / 1000.0
    lo, hi = BSFC_FULL_G_PER_KWH
    return lo * p_kw / (rho * 1000.0), hi * p_kw / (rho * 1000.0)


def _l_per_km(zero: float, full: float, p: TargetPoint) -> float:
    return (zero + (full - zero) * p.load_share) / p.speed_kmh


_TABLE_COLUMNS = ("surface", "documented_l_per_100km", "speed_kmh", "speed_from", "load_share",
                  "model_l_per_100km", "rel_err", "choice", "citation")


def _table(points: list[TargetPoint], zero: float, full: float) -> pd.DataFrame:
    rows = []
    for p in points:
        model = _l_per_km(zero, full, p) * 100.0
        rows.append(dict(
            surface=p.target.surface, documented_l_per_100km=p.target.l_per_100km,
            speed_kmh=p.speed_kmh, speed_from=p.speed_from, load_share=p.load_share,
            model_l_per_100km=model, rel_err=model / p.target.l_per_100km - 1.0,
            choice=p.target.choice, citation=p.target.citation,
        ))
    return pd.DataFrame(rows, columns=list(_TABLE_COLUMNS))


#: Largest zero-load share a fit may choose (zero-load flow over full-power flow at the same
#: working speed). **Assumption**, named, no source (parameters.md §3.2 and §6: no g/kWh or
#: part-load figure of a 1945 engine): the zero-load flow is the fuel that overcomes the
#: engine's own friction and pumping at working speed, and a 1940s engine's friction is a
#: fifth to a quarter of the work its cylinders do at full load; a petrol engine, throttled at
#: zero load, pumps against its closed throttle besides, a diesel does not. Plausible range
#: for a petrol engine 0.15-0.3 (a diesel's lower), so 0.3, its top, for every engine: the
#: fitted diesels sit at 0.04-0.13 and the one-figure assumption ``ZERO_LOAD_SHARE`` is 0.2.
#: Until December 2026 it was 0.5 ("less than half", friction below the work it can deliver),
#: which the BT-7's range figures pushed the fit to: 89.5 L/h at zero load for a 450 hp petrol
#: engine whose full-power flow is 179 L/h, charged per hour of every crawl by the engine-hours
#: rule (logistics/advance/pace.py ``engine_hours_fuel_l``). A vehicle whose figures need more
#: misses them, and its table and ``method`` say so.
ZERO_LOAD_MAX_SHARE: float = 0.3
_SHARES = np.linspace(0.0, ZERO_LOAD_MAX_SHARE, 501)


def _fit_full(points: list[TargetPoint], share: float, idle: float, lo: float,
              hi: float) -> tuple[float, float, float]:
    """(sum of squared relative errors, zero-load, full-power flow) for one zero-load share.

    With ``zero = max(idle, share * full)`` the model figure is linear in ``full``; the least
    squares ``full`` is found in closed form, then held to ``[lo, hi]``.
    """
    def model(full: float) -> np.ndarray:
        zero = max(idle, share * full)
        return np.array([_l_per_km(zero, full, p) for p in points])

    docs = np.array([p.target.l_per_100km / 100.0 for p in points])
    full = 0.5 * (lo + hi)
    for _ in range(3):  # the idle floor makes it piecewise linear: settle which piece
        zero = max(idle, share * full)
        base = np.array([_l_per_km(zero if zero == idle else 0.0, 0.0, p) for p in points])
        slope = np.array([_l_per_km(0.0 if zero == idle else share, 1.0, p) for p in points])
        a, b = slope / docs, 1.0 - base / docs  # relative error = a * full - b
        full = min(max(float(a @ b / (a @ a)), lo), hi)
    err = float(np.sum((model(full) / docs - 1.0) ** 2))
    return err, max(idle, share * full), full


def fit_engine(v: Vehicle, points: list[TargetPoint], lender: Engine | None = None) -> Engine:
    """The Willans line of motor vehicle ``v`` from its documented figures (see module doc).

    ``points`` are its fuel targets with the speed and load each is matched at; ``lender`` is
    the fitted engine of the vehicle named by ``calibrate_like`` (when ``points`` is empty).
    """
    lo, hi = _bounds_l_per_h(v)
    idle = float(v.idle_fuel_l_per_h)
    p_kw = v.power_w / 1000.0
    if len(points) >= 2:
        # every zero-load share on a fine grid, each with its best full-power flow: the pair
        # with the least sum of squared relative errors (ties: the smaller share)
        fits = [_fit_full(points, z, idle, lo, hi) for z in _SHARES]
        err, zero, full = min(fits)
        method = (f"fitted to {len(points)} documented figures: zero-load share (0 to "
                  f"{ZERO_LOAD_MAX_SHARE:g}) and full-power flow, least squares on relative errors")
    elif len(points) == 1:
        _, zero, full = _fit_full(points, ZERO_LOAD_SHARE, idle, lo, hi)
        method = (f"fitted to 1 documented figure, zero-load flow {ZERO_LOAD_SHARE:g} of "
                  "full-power flow (assumed)")
    else:
        like = v.calibrate_like
        assert like is not None and lender is not None  # guaranteed by the loader and caller
        l_per_kwh = lender.full_power_l_per_h / lender.power_kw * like.fuel_volume_factor
        full = min(max(l_per_kwh * p_kw, lo), hi)
        zero = max(idle, lender.zero_load_share * full)
        method = (f"borrowed from {lender.vehicle_id}: its litres per kWh x fuel volume factor "
                  f"{like.fuel_volume_factor:g} and its zero-load share")
    if math.isclose(full, hi, rel_tol=1e-9) or math.isclose(full, lo, rel_tol=1e-9):
        method += "; held at the bound of BSFC_FULL_G_PER_KWH"
    if len(points) >= 2 and math.isclose(zero, ZERO_LOAD_MAX_SHARE * full, rel_tol=1e-9):
        method += (f"; zero-load share held at its bound {ZERO_LOAD_MAX_SHARE:g} "
                   "(ZERO_LOAD_MAX_SHARE)")
    return Engine(v.id, v.fuel_type, p_kw, zero, full, idle, method, _table(points, zero, full))
