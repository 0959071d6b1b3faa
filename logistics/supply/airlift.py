"""Fuel flown in: equal daily deliveries over the airlift's days, optionally varied (seeded)."""

from __future__ import annotations

import numpy as np

from logistics.supply.delivery import Delivery

__all__ = ["airlift_deliveries"]


def airlift_deliveries(
    *,
    name: str,
    first_day_h: float,
    n_days: int,
    hour_offset_h: float,
    total_l: float,
    fuel_type: str,
    daily_cv: float,
    rng: np.random.Generator,
) -> list[Delivery]:
    """Equal daily deliveries of ``total_l`` over ``n_days`` (optionally varied by ``daily_cv``).

    ``first_day_h`` is the first day's midnight in hours since H-hour; each day's fuel lands at
    ``hour_offset_h`` after that midnight. With ``daily_cv > 0`` each day's share is scaled by
    a positive random factor (mean 1) and the total is kept.
    """
    if n_days <= 0 or total_l <= 0:
        return []
    weights = np.ones(n_days)
    if daily_cv > 0:
        weights = np.maximum(rng.normal(1.0, daily_cv, n_days), 0.0) + 1e-9
    weights = weights / weights.sum()
    return [
        Delivery(
            time_h=first_day_h + 24.0 * d + hour_offset_h,
            source=name,
            kind="air",
            litres=float(total_l * w),
            fuel_type=fuel_type,
        )
        for d, w in enumerate(weights)
    ]
