"""Modeled advances against documented history: scoring, baseline, calibration, uncertainty.

This folder computes only; its figures, report.md and output folder are drawn and written by
``logistics.report`` (``compare_plots``, ``compare_page``, ``compare_outputs``).

| module | one job |
|---|---|
| ``documented`` | read any documented-advances CSV; every problem listed once, valid fields kept |
| ``score`` | date error at documented places, km error at documented dates, source disagreements |
| ``baseline`` | the planned-rate baseline (cited rates in ``configs/history/planned-rates.yaml``), skill |
| ``inputs`` | match a documented file to the scenario configs by ``axis_id`` |
| ``runs`` | run many scenario evaluations in order, in-process or on dask.distributed |
| ``uncertainty`` | seeded Monte Carlo over ``uncertain:`` ranges and the DEM; P10/P50/P90 |
| ``calibrate`` | grid fit of at most three global parameters; leave-one-axis-out |
| ``summary`` | per-axis and overall figures of merit, and their table |
| ``fuel`` | the Khingan fuel question: when the model runs dry vs documented fuel states |
| ``compare`` | the ``logistics compare`` pipeline (computes only) |
"""
