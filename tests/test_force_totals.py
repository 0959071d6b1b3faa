"""The shipped army files against the sourced force totals: the formations the files resolve to
(men, tanks and SP guns, counted by the resolver as the engine sees them, forward detachments
drawn from their corps) never hold more than the sources give for their front.

Sourced totals (shared/reference, copied here with their citations):
- tanks and SP guns by front, [WIKI-SEED001] table (campaign-facts.md §1): Transbaikal 2,416,
  1st Far Eastern 1,860, 2nd Far Eastern 1,280; per operation ([WIKI-KHINGAN-MUKDEN] etc.):
  2,359 / 1,974 / 917; the Transbaikal Front "2,314 at the start of the operation"
  ([BARYATINSKY-VTV], movement-facts.md §1). The bound is the smallest of each front's figures.
- men by front, [WIKI-SEED001]: 654,040 / 586,589 / 337,096.
- the 5th and 1st Red Banner Armies at Mutanchiang: "1,102 tanks and SP guns" ([WIKI-MUTANCHIANG],
  campaign-facts.md §1).

The army files model only part of each front (the 53rd Army, the front reserves, the Kamchatka
and Sakhalin forces are not axes), so the files' sums are bounds from below, never above.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import pytest

from logistics import settings

ARMOUR_MAX = {"Transbaikal Front": 2314, "1st Far Eastern Front": 1860,
              "2nd Far Eastern Front": 917}
MEN_MAX = {"Transbaikal Front": 654040, "1st Far Eastern Front": 586589,
           "2nd Far Eastern Front": 337096}
MUTANCHIANG_ARMOUR = 1102  # 5th Army + 1st Red Banner Army


@lru_cache(maxsize=1)
def _totals() -> dict[str, dict[str, int]]:
    """{axis_id: {"front", "armour", "men"}} of every shipped army file, as resolved."""
    from logistics.army.fortified import load_fortified
    from logistics.army.load import army_paths, load_army
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations
    from logistics.vehicles import load_vehicle

    norms, rule = load_norms(), load_fortified(None).rule
    tracked: dict[str, bool] = {}
    out = {}
    for path in army_paths(settings.CONFIG_DIR):
        army = load_army(path)
        armour = men = 0
        for u in resolve_formations(army, norms, rule):
            men += u.men
            for v, n in u.classes:
                if v not in tracked:
                    tracked[v] = load_vehicle(v).kind == "tracked"
                armour += n if tracked[v] else 0
        out[army.axis_id] = {"front": army.front, "armour": armour, "men": men}
    return out


def test_every_front_holds_no_more_armour_or_men_than_the_sources_give():
    armour, men = defaultdict(int), defaultdict(int)
    for t in _totals().values():
        armour[t["front"]] += t["armour"]
        men[t["front"]] += t["men"]
    assert set(armour) == set(ARMOUR_MAX)
    for front, cap in ARMOUR_MAX.items():
        assert 0 < armour[front] <= cap, (front, armour[front], cap)
        assert 0 < men[front] <= MEN_MAX[front], (front, men[front], MEN_MAX[front])


def test_the_mutanchiang_armies_hold_the_sourced_armour():
    t = _totals()
    both = t["1FEF-5A"]["armour"] + t["1FEF-1RBA"]["armour"]
    assert both <= MUTANCHIANG_ARMOUR
    assert both == pytest.approx(MUTANCHIANG_ARMOUR, rel=0.05)  # the files split this figure
