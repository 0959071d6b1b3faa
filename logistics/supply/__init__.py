"""Fuel sources of a formation: truck columns from railheads, airlift, captured depots, and
the ledger that books what arrives.

| module | one job |
|---|---|
| ``delivery`` | the :class:`Delivery` record every source books; litres from tonnes |
| ``trucks`` | truck columns: convoys cycling between railhead and formation |
| ``turnaround`` | a truck's drive times and fuel between railhead and route, from the cost engine |
| ``airlift`` | fuel flown in over days |
| ``ledger`` | the formation's fuel accounts: tanks, reserve, deliveries, burn |

Captured depots are stops of the advance (``logistics.advance.stops``), booked as a delivery
when the head reaches them.
"""
