"""The waterways' routing copy kept between sailings (``network/river.py`` ``_routing_graph``):
each sailing adds its two ends to one copy of the graph and takes them off again, and the
full-edge pieces it cuts are kept. A synthetic river with a tributary and a separate river:
sailings one after another on one graph, the one that finds no way among them, equal
sailings on a new graph each time (a stale end or piece would route or cut the next one
wrong). On main every sailing built its own copy, so this passes there too: it guards the
cache, not a fix."""

from __future__ import annotations

from shapely.geometry import LineString

from logistics.network.river import _routing_graph, sail, waterways_from_lines
from tests.test_network_river import NORMS, X0, Y0, _east_low, _ll


def _rivers():
    """A main river 100 km east, a tributary from 40 km north meeting it at km 50 (a bend
    on the way), and a river of its own 60 km south."""
    main = LineString([(X0, Y0), (X0 + 50_000, Y0), (X0 + 100_000, Y0)])
    trib = LineString([(X0 + 30_000, Y0 + 40_000), (X0 + 45_000, Y0 + 20_000),
                       (X0 + 50_000, Y0)])
    south = LineString([(X0, Y0 - 60_000), (X0 + 80_000, Y0 - 60_000)])
    return waterways_from_lines([main, trib, south], [1, 1, 1], elevation=_east_low)


#: (origin, destination) metric points, sailed in this order on one graph
TRIPS = [
    ((X0 + 10_000, Y0 + 1000), (X0 + 90_000, Y0)),           # down the main river
    ((X0 + 40_000, Y0 + 25_000), (X0 + 95_000, Y0 - 1000)),   # tributary, then down
    ((X0 + 90_000, Y0), (X0 + 35_000, Y0 + 35_000)),          # up into the tributary
    ((X0 + 10_000, Y0), (X0 + 40_000, Y0 - 60_000)),          # no way: rivers apart
    ((X0 + 70_000, Y0), (X0 + 5_000, Y0)),                    # up the main river
    ((X0 + 10_000, Y0 + 1000), (X0 + 90_000, Y0)),           # the first again
]


def _same(a, b) -> bool:
    if a.ok != b.ok or a.reason != b.reason:
        return False
    if not a.ok:
        return True
    return (a.km_down, a.km_up, a.out_h, a.back_h) == (b.km_down, b.km_up, b.out_h, b.back_h) \
        and [(list(p.coords), d) for p, d in a.pieces] == [(list(p.coords), d)
                                                          for p, d in b.pieces]


def test_sailings_on_one_graph_equal_sailings_on_a_new_graph_each():
    kept = _rivers()
    nodes = set(kept.nodes)
    results = []
    for a, b in TRIPS:
        once = sail(_ll(*a), _ll(*b), classes=("boat",), waterways=kept, norms=NORMS)
        fresh = sail(_ll(*a), _ll(*b), classes=("boat",), waterways=_rivers(), norms=NORMS)
        assert _same(once, fresh), (a, b)
        results.append(once)
    assert [r.ok for r in results] == [True, True, True, False, True, True]
    assert results[1].km_down > 0 and results[2].km_up > 0  # through the confluence
    h, _ = _routing_graph(kept)
    assert set(h.nodes) == nodes  # every sailing's two ends taken off again
    assert set(kept.nodes) == nodes  # the graph itself never changed
