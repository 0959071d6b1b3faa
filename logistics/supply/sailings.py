"""Fuel carried by ships along the navigable rivers: the legs of a river supply source.

A river supply source (``supply.river`` of an army file) is a named part of a flotilla
brigade's ships assigned to carrying fuel. The step loop runs it as truck columns
(:class:`~logistics.supply.trucks.TruckColumn`, ``kind="river"``), one per ship class (each
class sails at its own speed, as in the troops' river moves): the ships load at the port
(``load_h``), sail to the point of the rivers nearest the formation's head, unload (``unload_h``)
and sail back. A leg here is that sailing, timed by the one rule of every river move
(:func:`logistics.network.river.sail`: speeds over the ground from still water x
``operating_speed_factor`` plus or minus the current, averaged over ``sailing_hours_per_day``);
so the column's drivers' day is 24 h (the ships' own day is already in the speeds). A formation
whose head is more than ``river.max_access_km`` from the rivers is out of the ships' reach (the
last kilometres are the formation's own, as for troops landed). Ships burn nothing of the army's
account (as in the river moves: their fuel is the flotilla's), so a leg's ``fuel_l`` is 0.
"""

from __future__ import annotations

import math

import numpy as np

from logistics.supply.trucks import LegFunction, TruckLeg

__all__ = ["river_leg_function", "SHIPS_DAY_H"]

#: The hours a day a river column's "drivers" work for :class:`TruckColumn`'s stretch: 24,
#: because the ships' hours under way (``river.sailing_hours_per_day``) are already in the
#: speeds of :func:`logistics.network.river.sail`.
SHIPS_DAY_H = 24.0


def river_leg_function(port_lonlat: tuple[float, float], cells_lonlat: np.ndarray,
                       ship_class: str, *, norms=None, waterways=None) -> LegFunction:
    """``leg(index, season)``: the sailing of one ship of ``ship_class`` from ``port_lonlat``
    to the rivers' point nearest ``cells_lonlat[index]`` ((n, 2) lon/lat of the plan's route
    cells) and back, in seconds, as a :class:`TruckLeg` (unreachable, with the reason, when
    the cell is beyond ``river.max_access_km`` of the rivers or the ships cannot get there).
    ``norms``: the river norms (None: the shipped file's); cached per cell; the season does not
    change a sailing."""
    from logistics.network.river import sail

    cache: dict[int, TruckLeg] = {}

    def leg(index: int, season: str) -> TruckLeg:
        if index not in cache:
            lon, lat = (float(v) for v in cells_lonlat[index])
            s = sail(port_lonlat, (lon, lat), classes=(ship_class,), waterways=waterways,
                     norms=norms)
            cache[index] = (TruckLeg(out_s=s.out_h[ship_class] * 3600.0,
                                     back_s=s.back_h[ship_class] * 3600.0, fuel_l=0.0)
                            if s.ok else
                            TruckLeg(out_s=math.inf, back_s=math.inf, fuel_l=0.0,
                                     reason=f"no sailing to {lat:.2f} N {lon:.2f} E: {s.reason}"))
        return cache[index]

    return leg
