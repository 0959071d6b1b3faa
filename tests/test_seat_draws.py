"""The seat rule of a `movement: motor` formation over its `uncertain:` ranges and on Monte Carlo
draws (army/seat_draws.py, history/uncertainty.py).

Why (mcseats23): a motor formation's men must fit in its own vehicles' seats (army/seats.py),
but Monte Carlo drew its men, its vehicle counts and the men a truck seats (configs/norms/
movement.yaml: studebaker-us6 20, range 16-25; gaz-67b 4, no range) each on its own, unchecked:
tbf-cmg's units drew up to 4,000 men on 200 trucks at 16 a truck, 3,200 seats. A range of the
army file whose corner breaks the rule is refused at load; a draw the norms' ranges make short
is made again.
"""

from __future__ import annotations

from logistics.army.load import load_army
from logistics.army.seat_draws import draw_shortfalls
from logistics.history.uncertainty import draw_jobs
from tests.conftest import army_refused as _refused
from tests.conftest import write_army_yaml as _write
from tests.test_motor_seats import _motor

US6 = "norms/movement:lift.truck.studebaker-us6.men_per_vehicle"


def _ranged(data: dict, **ranges: tuple[float, float]) -> dict:
    """``data`` with ``uncertain:`` ranges of the template formation (``tpl-tb``) added:
    ``men=(low, high)``, ``vehicles_0=(low, high)`` for ``vehicles.0.count``."""
    for key, (low, high) in ranges.items():
        path = f"formations.tpl-tb.{key.replace('_', '.')}" + (".count" if "vehicles" in key else "")
        data["uncertain"][path] = {"low": low, "high": high, "assumed": "test"}
    return data


def test_a_men_range_whose_high_end_outnumbers_the_seats_is_refused(tmp_path):
    # 16 men on 5 gaz-67b (4 seats each [AUTOMOTOMUSEUM]) fit; the range's high end, 30, does
    # not: 30 men on 20 seats, 10 short; `high: 20` alone fixes it
    msg = _refused(tmp_path, _ranged(_motor(16, {"gaz-67b": 5}), men=(10, 30)),
                   "uncertain.formations.tpl-tb.men at its high end 30",
                   "formations.0 (tpl-tb)'s 30 men", "the 20 seats", "5 gaz-67b x 4",
                   "`high: 20` at uncertain.formations.tpl-tb.men", "movement: truck_borne")
    assert msg.count("do not fit") == 1


def test_the_corner_is_men_high_and_vehicles_low_and_each_fix_is_offered_when_it_suffices(tmp_path):
    # value 16 men on 5 gaz-67b = 20 seats; corner 20 men on 3 gaz-67b = 12 seats, 8 short.
    # men alone: high 20 - 8 = 12 would leave out the value 16 (not offered); vehicles alone:
    # low 3 + 8 / 4 = 5 holds the value 5 (offered)
    msg = _refused(tmp_path, _ranged(_motor(16, {"gaz-67b": 5}), men=(10, 20), vehicles_0=(3, 6)),
                   "uncertain.formations.tpl-tb.men at its high end 20",
                   "uncertain.formations.tpl-tb.vehicles.0.count at its low end 3",
                   "(tpl-tb)'s 20 men", "the 12 seats", "3 gaz-67b x 4",
                   "`low: 5` at uncertain.formations.tpl-tb.vehicles.0.count")
    assert "`high:" not in msg


def test_ranges_whose_every_corner_fits_load(tmp_path):
    # 20 men on 5 gaz-67b at the corner: 20 seats, exactly full
    army = load_army(_write(tmp_path, _ranged(_motor(16, {"gaz-67b": 5}), men=(10, 20),
                                              vehicles_0=(5, 8))))
    assert army.uncertain["formations.tpl-tb.men"].high == 20


def test_a_draw_is_checked_with_the_norms_it_draws(tmp_path):
    # 200 men on 10 studebaker-us6: 200 seats at the norms' 20 a truck, 160 at 16, 250 at 25
    army = load_army(_write(tmp_path, _ranged(_motor(150, {"studebaker-us6": 10}),
                                              men=(100, 200))))
    short = draw_shortfalls(army, {"formations.tpl-tb.men": 200, US6: 16})
    assert [(s.formation.id, s.men, s.seats) for s in short] == [("tpl-tb", 200, 160)]
    assert draw_shortfalls(army, {"formations.tpl-tb.men": 200, US6: 25}) == []
    assert draw_shortfalls(army, {"formations.tpl-tb.men": 200}) == []


def test_monte_carlo_makes_a_short_draw_again_and_says_so(tmp_path):
    # every corner of the army's own range fits at 20 a truck (200 on 200), so it loads; drawn
    # with 16-25 a truck, men 100-200 outnumber 10 trucks' seats in about 1 draw in 11
    # (P(men > 10 x round(seats a truck))), so 40 draws make some again
    army = load_army(_write(tmp_path, _ranged(_motor(150, {"studebaker-us6": 10}),
                                              men=(100, 200))))
    jobs = draw_jobs(army, 40, seed=3)
    assert all(draw_shortfalls(army, j.overrides) == [] for j in jobs)
    notes = [j.note for j in jobs if j.note]
    assert notes and all("made again" in n and "tpl-tb" in n for n in notes), notes
    # seeded: the same seed makes the same draws, redraws included
    again = draw_jobs(army, 40, seed=3)
    assert [j.overrides for j in again] == [j.overrides for j in jobs]
