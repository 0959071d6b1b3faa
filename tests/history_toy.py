"""A toy scenario runner for the history tests: a steady advance due east along 45 N.

It has run_scenario's signature and result shape. Speed is ``base_km_per_day *
speed_scale`` (10 % faster on 'etopo5'), optionally halting for lack of fuel at
``fuel_km / fuel_scale`` km, plus a seeded jitter when ``jitter`` is set, so calibration,
Monte Carlo and the compare pipeline can be checked by hand without terrain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

KM_PER_DEG_LON_45 = 6371.0088 * math.pi / 180 * math.cos(math.radians(45.0))
START = pd.Timestamp("1945-08-09 00:00")


@dataclass(frozen=True)
class Range:
    low: float
    high: float


@dataclass(frozen=True)
class ToyScenario:
    axis_id: str
    base_km_per_day: float = 60.0
    fuel_km: float = math.inf
    jitter: float = 0.0
    days: int = 12
    lon0: float = 120.0
    uncertain: dict = field(default_factory=dict)

    @property
    def start(self):
        return SimpleNamespace(lon=self.lon0, lat=45.0, time=SimpleNamespace(value=START.to_pydatetime()))


def lonlat_at(sc: ToyScenario, km):
    return sc.lon0 + np.asarray(km, float) / KM_PER_DEG_LON_45, 45.0


def toy_runner(scenario: ToyScenario, *, seed=0, overrides=None, dem="merged", resolution_m=None):
    o = dict(overrides or {})
    rate = scenario.base_km_per_day * o.get("speed_scale", 1.0) * (1.1 if dem == "etopo5" else 1.0)
    if scenario.jitter:
        rate *= 1 + scenario.jitter * np.random.default_rng(seed).standard_normal()
    dry_km = scenario.fuel_km / o.get("fuel_scale", 1.0)
    hours = np.arange(scenario.days * 24 + 1)
    cum = np.minimum(rate * hours / 24.0, dry_km)
    lon, lat = lonlat_at(scenario, cum)
    status = np.where(rate * hours / 24.0 > dry_km + 1e-9, "halted: no fuel", "moving")
    track = pd.DataFrame({"time": START + pd.to_timedelta(hours, "h"), "cum_km": cum, "lon": lon,
                          "lat": lat, "status": status})
    km = np.arange(0, 2001, 5.0)
    rlon, rlat = lonlat_at(scenario, km)
    route = pd.DataFrame({"cum_km": km, "lon": rlon, "lat": rlat})
    days = track.iloc[::24].reset_index(drop=True)
    daily = pd.DataFrame({
        "date": days["time"].dt.normalize() - pd.Timedelta(days=1),
        "lon": days["lon"], "lat": days["lat"], "cum_km": days["cum_km"],
        "km_day": days["cum_km"].diff().fillna(0.0),
        "status": np.where(days["cum_km"] >= dry_km - 1e-9, "halted: no fuel", "moving"),
    }).iloc[1:].reset_index(drop=True)
    return SimpleNamespace(track=track, route_points=route, daily=daily, scenario=scenario)
