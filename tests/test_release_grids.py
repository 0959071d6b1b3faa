"""A run's truck legs drop their grids once the run is done (logistics/runner.py
``release_grids``): a run of several armies holds every army's result until they have shared
their breaches, and the legs' accumulated surfaces and cost models were most of it. A leg
function released keeps the legs it priced and prices a new one as before (the same
numbers); on main a leg function had no ``release``. The synthetic Hailar grid of
tests/test_advance_reach.py."""

from __future__ import annotations

import numpy as np

from logistics.cost.models import CostModels
from logistics.supply.turnaround import release_legs, truck_leg_function
from logistics.vehicles import load_vehicle

ROW = 10


def test_a_released_leg_function_prices_the_same_legs_without_its_grids(hailar_terrain):
    ds = hailar_terrain()
    zis = load_vehicle("zis-5")
    cells = np.array([(ROW, c) for c in range(21)], dtype=np.int64)
    railhead = hailar_terrain.lonlat(ds, ROW, 0)
    models = CostModels()
    fresh = truck_leg_function(ds, zis, railhead, cells, stencil=16)
    leg = truck_leg_function(ds, zis, railhead, cells, stencil=16, models=models)
    before = leg(10, "wet")
    assert len(models) > 0
    release_legs(leg)
    assert len(models) == 0  # the cost models' grids are gone
    assert leg(10, "wet") == before  # priced before: kept
    assert leg(15, "wet") == fresh(15, "wet")  # a new one: its surfaces built again
    release_legs(lambda i, s: None)  # a leg with nothing to release (a river's): no error



def test_fuel_priced_after_release_equals_a_fresh_leg(hailar_terrain):
    """A leg's litres are priced when first read (``turnaround._FuelOnRead``): a leg asked
    before the release and read only after it prices on the surfaces built again, the litres
    of a leg function never released; pickled, it is a plain TruckLeg with those litres."""
    import pickle

    from logistics.supply.trucks import TruckLeg

    ds = hailar_terrain()
    zis = load_vehicle("zis-5")
    cells = np.array([(ROW, c) for c in range(21)], dtype=np.int64)
    railhead = hailar_terrain.lonlat(ds, ROW, 0)
    leg = truck_leg_function(ds, zis, railhead, cells, stencil=16, models=CostModels())
    early = leg(12, "dry")  # its hours only, so far
    release_legs(leg)
    fresh = truck_leg_function(ds, zis, railhead, cells, stencil=16)(12, "dry")
    assert early.fuel_l == fresh.fuel_l > 0
    plain = pickle.loads(pickle.dumps(early))
    assert type(plain) is TruckLeg
    assert (plain.out_s, plain.back_s, plain.fuel_l) == (early.out_s, early.back_s, early.fuel_l)


def test_cost_models_keep_the_kernel_inputs_of_their_own_models_only(hailar_terrain):
    """``CostModels.inputs``: a model the cache built is checked once (the same inputs back,
    dropped by ``release``); any other model is checked on each ask (it may be changed)."""
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.physics import build_cost_model
    from logistics.cost.route import evaluate_path

    ds = hailar_terrain()
    models = CostModels()
    own = models.get(ds, "zis-5", objective="fuel", season="wet")
    first = models.inputs(own)
    assert models.inputs(own) is first
    for got, want in zip(first, kernel_inputs(own)):
        assert np.array_equal(got, want) if isinstance(got, np.ndarray) else got == want
    other = build_cost_model(ds, "zis-5", objective="fuel", season="wet")
    assert models.inputs(other) is not models.inputs(other)
    cells = np.array([(ROW, c) for c in range(12)], dtype=np.int64)
    kept = evaluate_path(ds, cells, "zis-5", season="wet", models=models)
    assert kept.equals(evaluate_path(ds, cells, "zis-5", season="wet"))
    models.release()
    assert models.inputs(own) is not first  # released: checked anew
