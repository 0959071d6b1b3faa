"""Where the army's reserve is and who can draw on it (``fuel.reserve_reach_km``).

The reserve (``fuel.carried_refills``) rides on the army's own transport. When the army file
names the formation that carries it (``carrier``), the reserve is where that formation's head
is, placed once an hour, and an element draws on it only within ``reach_km`` (great circle) of
that place: [VELIKAYA-POBEDA] 'Автотранспорт безнадежно отстал', the 6th Guards Tank Army's
motor transport fell hopelessly behind its corps. Without a carrier it is drawn anywhere.

A file may name several carriers: the reserve is then in as many sections, one with each
(the mobile sections of the army's fuel depots, [TYL-1977] 'созданы подвижные отделения
армейских складов горючего'), and an element draws on the sections within its reach, the
nearest first. The first carrier's section keeps the name the whole reserve has with one
(:data:`RESERVE`); the others are named after their carrier (:func:`section_key`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from logistics.geodesy import great_circle_km

__all__ = ["RESERVE", "ReservePlace", "is_reserve", "section_key"]

#: the key of the army's reserve (its first section) among a convoy's expected shares and in
#: deliveries.csv's ``formation_id`` (formation ids are the others)
RESERVE = "(reserve)"


def section_key(k: int, carrier: str) -> str:
    """The key of section ``k`` of the reserve, which rides with ``carrier``: :data:`RESERVE`
    for the first (the whole reserve of a one-carrier army keeps its name), else
    ``(reserve with <carrier>)``."""
    return RESERVE if k == 0 else f"(reserve with {carrier})"


def is_reserve(key: str) -> bool:
    """Whether ``key`` names a section of the reserve (:func:`section_key`)."""
    return key == RESERVE or key.startswith("(reserve with ")


@dataclass
class ReservePlace:
    """The reserve's carrier (a formation id, or None: drawn anywhere), its reach (km) and
    where it is now (``at``: lon, lat in degrees; None until placed); with ``carriers``
    (several), one place per section (``places``), the first carrier's also ``at``."""

    carrier: str | None = None
    reach_km: float = math.inf
    at: tuple[float, float] | None = None
    #: every section's carrier, in the file's order (the first is ``carrier``)
    carriers: tuple[str, ...] = ()
    #: where each section is now (None until placed)
    places: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.carriers and self.carrier is not None:
            self.carriers = (self.carrier,)
        if self.carriers:
            self.carrier = self.carriers[0]
        self.places = [None] * len(self.carriers)

    @property
    def located(self) -> bool:
        """Whether the reserve has a place (a carrier, placed at least once)."""
        return self.carrier is not None and self.at is not None

    def place(self, lon: float, lat: float, k: int = 0) -> None:
        """Put section ``k`` of the reserve at (lon, lat): where its carrier's head is now."""
        where = (float(lon), float(lat))
        if k < len(self.places):
            self.places[k] = where
        if k == 0:
            self.at = where

    def section_km(self, lon: float, lat: float) -> list[float]:
        """Great-circle km from (lon, lat) to each section (inf: not placed yet)."""
        return [float(great_circle_km(lon, lat, *p)) if p is not None else math.inf
                for p in self.places]

    def km_from(self, lon: float, lat: float) -> float:
        """Great-circle km from (lon, lat) to the nearest section of the reserve; 0 when it
        is drawn anywhere."""
        if not self.located:
            return 0.0
        if len(self.places) <= 1:
            return float(great_circle_km(lon, lat, *self.at))
        return min(self.section_km(lon, lat))

    def in_reach(self, lon: float, lat: float) -> bool:
        """Whether an element at (lon, lat) can draw on the reserve (a section of it)."""
        return self.km_from(lon, lat) <= self.reach_km

    def open_at(self, lon: float, lat: float) -> tuple[int, ...]:
        """The sections an element at (lon, lat) can draw on, nearest first: every one when
        the reserve is drawn anywhere."""
        if not self.located:
            return tuple(range(max(len(self.places), 1)))
        if len(self.places) <= 1:
            return (0,) if self.in_reach(lon, lat) else ()
        km = self.section_km(lon, lat)
        return tuple(sorted((k for k, d in enumerate(km) if d <= self.reach_km),
                            key=lambda k: km[k]))
