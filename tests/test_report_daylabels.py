"""Run-map date labels: days at one spot share a label; placed labels never overlap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.errors import DataError
from logistics.report.daylabels import LABEL_OFFSETS, day_spans, place_labels, span_text

AUG = [f"1945-08-{d:02d}" for d in range(9, 27)]


def _texts(spans):
    return [s.text for s in spans]


def test_span_text_names_one_day_a_month_span_and_a_cross_month_span():
    assert span_text("1945-08-09", "1945-08-09") == "09 Aug"
    assert span_text("1945-08-14", "1945-08-20") == "14-20 Aug"
    assert span_text("1945-07-30", "1945-08-02") == "30 Jul-02 Aug"


def test_a_halt_of_several_days_at_one_spot_gets_one_label():
    # moves 100 a day on 9 and 10 Aug, stands at 200 from 10 to 13 Aug, moves on 14 Aug
    x = [100, 200, 200, 200, 200, 300]
    spans = day_spans(x, [0] * 6, AUG[:6], radius=5.0)
    assert _texts(spans) == ["09 Aug", "10-13 Aug", "14 Aug"]
    assert [(s.first, s.last, s.anchor) for s in spans] == [(0, 0, 0), (1, 4, 2), (5, 5, 5)]


def test_a_slow_creep_is_measured_from_the_first_day_of_the_span():
    # 4 a day: each step is within radius 10 of the previous, but day 3 is 12 from day 0
    spans = day_spans([0, 4, 8, 12, 16], [0, 0, 0, 0, 0], AUG[:5], radius=10.0)
    assert _texts(spans) == ["09-11 Aug", "12-13 Aug"]


def test_distance_is_euclidean_in_both_coordinates():
    # (3, 4) is 5 from the origin: inside radius 5, outside radius 4.9
    assert len(day_spans([0, 3], [0, 4], AUG[:2], radius=5.0)) == 1
    assert len(day_spans([0, 3], [0, 4], AUG[:2], radius=4.9)) == 2


def test_no_days_give_no_labels_and_bad_input_is_named():
    assert day_spans([], [], [], radius=1.0) == []
    with pytest.raises(DataError, match="one length"):
        day_spans([0, 1], [0], AUG[:2], radius=1.0)
    with pytest.raises(DataError, match="radius"):
        day_spans([0], [0], AUG[:1], radius=-1.0)


def test_second_label_at_the_same_anchor_moves_to_the_next_offset():
    out = place_labels([(0, 0), (0, 0)], [(20, 7), (20, 7)], gap=4.0)
    assert out[0] == (4.0, 0.0)  # right of the point, baseline on the anchor
    assert out[1] == (4.0, -7.0)  # right of the point, just below it


def test_an_obstacle_on_the_right_sends_the_label_left():
    out = place_labels([(0, 0)], [(20, 7)], [(2, -30, 100, 30)], gap=4.0)
    assert out == [(-24.0, 0.0)]  # right edge 4 left of the anchor


def test_a_label_with_no_free_offset_is_left_out():
    assert place_labels([(0, 0)], [(20, 7)], [(-100, -100, 100, 100)]) == [None]
    with pytest.raises(DataError, match="one size per anchor"):
        place_labels([(0, 0)], [(1, 1), (1, 1)])


_box = st.tuples(st.floats(-50, 50), st.floats(-50, 50), st.floats(1, 30), st.floats(1, 12))


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@given(st.lists(_box, min_size=1, max_size=12), st.lists(_box, max_size=4))
def test_placed_labels_overlap_neither_each_other_nor_obstacles(labels, obs):
    anchors = [(x, y) for x, y, _, _ in labels]
    sizes = [(w, h) for _, _, w, h in labels]
    obstacles = [(x, y, x + w, y + h) for x, y, w, h in obs]
    out = place_labels(anchors, sizes, obstacles)
    boxes = [(ax + ox, ay + oy, ax + ox + w, ay + oy + h)
             for (ax, ay), (w, h), o in zip(anchors, sizes, out) if o is not None
             for ox, oy in [o]]
    for i, a in enumerate(boxes):
        assert not any(_overlap(a, b) for b in obstacles)
        assert not any(_overlap(a, b) for b in boxes[i + 1:])
    assert len(out) == len(labels)
    if not obstacles:  # nothing in the way of the first label's first offset
        assert out[0] == (4.0, LABEL_OFFSETS[0][1] * sizes[0][1])


@given(st.lists(st.floats(0, 100), min_size=1, max_size=18), st.floats(0, 30))
def test_spans_cover_every_day_once_in_order(steps, radius):
    x = np.cumsum(steps)
    spans = day_spans(x, np.zeros_like(x), AUG[:len(x)], radius=radius)
    covered = [i for s in spans for i in range(s.first, s.last + 1)]
    assert covered == list(range(len(x)))
    for s in spans:
        assert s.first <= s.anchor <= s.last
        assert x[s.last] - x[s.first] <= radius + 1e-9
