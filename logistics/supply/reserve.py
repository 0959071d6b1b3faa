"""Where the army's reserve is and who can draw on it (``fuel.reserve_reach_km``).

The reserve (``fuel.carried_refills``) rides on the army's own transport. When the army file
names the formation that carries it (``carrier``), the reserve is where that formation's head
is, placed once an hour, and an element draws on it only within ``reach_km`` (great circle) of
that place: [VELIKAYA-POBEDA] 'Автотранспорт безнадежно отстал', the 6th Guards Tank Army's
motor transport fell hopelessly behind its corps. Without a carrier it is drawn anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from logistics.geodesy import great_circle_km

__all__ = ["ReservePlace"]


@dataclass
class ReservePlace:
    """The reserve's carrier (a formation id, or None: drawn anywhere), its reach (km) and
    where it is now (``at``: lon, lat in degrees; None until placed)."""

    carrier: str | None = None
    reach_km: float = math.inf
    at: tuple[float, float] | None = None

    @property
    def located(self) -> bool:
        """Whether the reserve has a place (a carrier, placed at least once)."""
        return self.carrier is not None and self.at is not None

    def place(self, lon: float, lat: float) -> None:
        """Put the reserve at (lon, lat): where its carrier's head is now."""
        self.at = (float(lon), float(lat))

    def km_from(self, lon: float, lat: float) -> float:
        """Great-circle km from (lon, lat) to the reserve; 0 when it is drawn anywhere."""
        if not self.located:
            return 0.0
        return float(great_circle_km(lon, lat, *self.at))

    def in_reach(self, lon: float, lat: float) -> bool:
        """Whether an element at (lon, lat) can draw on the reserve."""
        return self.km_from(lon, lat) <= self.reach_km
