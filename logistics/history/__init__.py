"""Modeled advances against documented history: scoring, baseline, calibration, uncertainty.

This folder computes only; its figures, report.md and output folder are drawn and written by
``logistics.report`` (``compare_plots``, ``compare_page``, ``compare_outputs``).

| module | one job |
|---|---|
| ``documented`` | read any documented-advances CSV; every problem listed once, valid fields kept |
| ``events`` | what a row records (arrival, capture, siege end, air landing, approach, forward edge, distance) |
| ``match`` | which formation of the army a row names (English and Russian rules) |
| ``offroute`` | time a place off a formation's route with the cost engine, from its track |
| ``depth`` | depth from the departure line; documented depths that cannot be from it |
| ``score`` | each row on its formation by its event kind: date, depth and route errors; disagreements |
| ``baseline`` | planned rates per kind (``configs/history/planned-rates.yaml``) on two routes, skill |
| ``inputs`` | match a documented file to the scenario configs by ``axis_id``; departure lines |
| ``runs`` | run many scenario evaluations in order, anywhere; a run as an army of formations |
| ``uncertainty`` | seeded Monte Carlo over ``uncertain:`` ranges and the DEM; P10/P50/P90 |
| ``calibrate`` | grid fit of at most three global parameters; leave-one-axis-out |
| ``summary`` | per-axis and overall figures of merit, and their table |
| ``fuel`` | documented fuel states against the matched formation's refills; when the model runs dry |
| ``compare`` | the ``logistics compare`` pipeline (computes only) |
"""
