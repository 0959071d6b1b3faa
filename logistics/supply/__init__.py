"""Fuel sources of an army: truck columns from railheads, airlift, captured depots, and the
one ledger that books what arrives.

| module | one job |
|---|---|
| ``delivery`` | the :class:`Delivery` record every source books (with the formation it is for); litres from tonnes |
| ``trucks`` | truck columns: convoys cycling between railhead and formation |
| ``turnaround`` | a truck's drive times and fuel between railhead and route, from the cost engine |
| ``airlift`` | fuel flown in over days |
| ``ledger`` | the army's one fuel account: reserve per fuel type, the books, sharing a delivery out |
| ``reserve`` | where the army's reserve is (its carrier's head) and who is within its reach |

Captured depots are stops of a formation's route (``logistics.advance.plan``), booked as a
delivery when its head reaches them.
"""
