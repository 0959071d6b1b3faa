"""`logistics calibrate`: fit up to three global parameters; report leave-one-axis-out."""

from __future__ import annotations

import argparse
import math
from functools import partial

from logistics.cli import int_in, names_once, number_of, out_path, warn_coarse
from logistics.cli.compare import add_run_arguments
from logistics.errors import ConfigError

__all__ = ["register", "parse_bounds", "fit_advice", "MAX_GRID_POINTS"]

#: Most parameter combinations of one grid search (points ** parameters): each is a run of
#: every chosen axis, so 1000 already means thousands of runs.
MAX_GRID_POINTS = 1000

#: The parameters fitted by default: ``logistics.history.calibrate.DEFAULT_PARAMS`` (kept
#: here as text so that ``--help`` does not import pandas; a test holds the two equal).
DEFAULT_PARAMS = ("speed_scale", "fuel_scale", "march_hours_scale")

#: The losses a fit may minimise, the first the default: ``logistics.history.calibrate.LOSSES``
#: and ``DEFAULT_LOSS`` (text here for the same reason; a test holds them equal).
LOSS_CHOICES = ("date", "km")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` sub-command."""
    p = sub.add_parser(
        "calibrate",
        help="fit global speed/fuel/march-hours parameters on documented axes (with LOAO)",
        description=(
            "Grid-search at most three GLOBAL parameters (speed_scale, fuel_scale, "
            "march_hours_scale, march_hours_per_day) that minimise the mean absolute date error "
            "(or, with --loss km, km error) on the chosen "
            "documented axes, and report leave-one-axis-out cross-validation (fit without an "
            "axis, score on it) as the honest figure, with every figure of merit of `logistics "
            "compare` nominal, in-sample and leave-one-axis-out. Writes calibration.md, fit.csv, "
            "grid.csv, loao.csv, summary_{nominal,in_sample,loao}.csv, rows.csv."
        ),
    )
    add_run_arguments(p, out_default="out/calibrate")
    p.add_argument("--axes", metavar="A,B,...", default=None,
                   help="axes to fit on (default: every documented axis with a scenario)")
    p.add_argument("--params", metavar="P,Q,...", default=",".join(DEFAULT_PARAMS),
                   help="global parameters to fit, at most three (default: "
                        f"{','.join(DEFAULT_PARAMS)}; march_hours_scale multiplies every "
                        "march norm's hours, march_hours_per_day replaces them all by one "
                        "figure)")
    p.add_argument("--points", metavar="N", type=int_in(2, None), default=3,
                   help="grid points per parameter, bounds included, and a scale's nominal 1 "
                        "when within its bounds (so the fit can keep the configs as written); "
                        f"points ** parameters at most {MAX_GRID_POINTS} (default 3)")
    p.add_argument("--bound", metavar="NAME=LO:HI", action="append", default=[],
                   help="search bounds of a parameter (default: the configs' uncertain: ranges, "
                        "else the documented defaults); repeatable")
    p.add_argument("--loss", choices=LOSS_CHOICES, default=LOSS_CHOICES[0],
                   help="what the fits minimise: 'date', the mean absolute date error in days "
                        "over the dated rows (the same rows at every grid point: a place not "
                        "reached is a censored error at its lower bound), or 'km', the mean "
                        "absolute km error (whose rows can differ between grid points) "
                        "(default: date)")
    p.set_defaults(func=_run)


def parse_bounds(items: list[str]) -> dict[str, tuple[float, float]]:
    """``["speed_scale=0.5:1.5"]`` -> ``{"speed_scale": (0.5, 1.5)}``; ConfigError if malformed."""
    out, bad = {}, []
    for item in items:
        name, _, rng = item.partition("=")
        lo, sep, hi = rng.partition(":")
        try:
            if not sep or not name.strip():
                raise ValueError
            low, high = number_of(lo), number_of(hi)
            if not (math.isfinite(low) and math.isfinite(high) and low <= high):
                raise ValueError
        except ValueError:
            bad.append(item)
            continue
        if name.strip() in out:  # the last would win without a word
            was = out[name.strip()]
            raise ConfigError(f"--bound {name.strip()} given twice ({was[0]:g}:{was[1]:g} and "
                              f"{low:g}:{high:g}); give each parameter's bounds once")
        out[name.strip()] = (low, high)
    if bad:
        raise ConfigError(f"expected NAME=LOW:HIGH with finite LOW <= HIGH, got "
                          f"{', '.join(repr(b[:60]) for b in bad)} (e.g. --bound "
                          "speed_scale=0.5:1.5)")
    return out


def _check_params(text: str, params: list[str]) -> None:
    """``--params`` naming none, more than three or an unknown parameter: refused here, before
    the armies load and the cluster starts (``calibrate`` said so only after both: tens of
    seconds for a typo)."""
    from logistics.errors import did_you_mean
    from logistics.history.calibrate import PARAMETERS

    if not params:
        raise ConfigError(f"--params {text!r} names no parameter; fix: P,Q,... (one to three "
                          f"of {', '.join(PARAMETERS)}), or leave --params out for "
                          f"{','.join(DEFAULT_PARAMS)}")
    unknown = [p for p in params if p not in PARAMETERS]
    if unknown:
        raise ConfigError(f"--params: unknown calibration parameter {unknown[0]!r}"
                          + did_you_mean(unknown[0], list(PARAMETERS), lead="; ")
                          + f"; fix: one to three of {', '.join(PARAMETERS)}")


def _run(args: argparse.Namespace) -> int:
    from logistics import settings
    from logistics._atomic import atomic_dir, check_output_dir
    from logistics.cli.compare import cluster_for
    from logistics.cost.physics import check_vehicles
    from logistics.terrain.layer_files import check_layer_files
    from logistics.history.calibrate import calibrate
    from logistics.history.compare import warn_coarse_armies
    from logistics.history.inputs import load_inputs

    axes = names_once(args.axes, "--axes") if args.axes is not None else None
    if axes == []:  # given, yet naming none: not the default of every axis
        raise ConfigError(f"--axes {args.axes!r} names no axis; give A,B,... (axis ids of the "
                          "documented file), or leave --axes out for every documented axis")
    params = names_once(args.params, "--params")
    _check_params(args.params, params)
    bounds = parse_bounds(args.bound)
    if params and args.points ** min(len(params), 3) > MAX_GRID_POINTS:
        raise ConfigError(f"--points {args.points} with {len(params)} parameter(s) makes "
                          f"{args.points ** min(len(params), 3):,} grid points; at most "
                          f"{MAX_GRID_POINTS} (each is a run of every axis): use fewer points")
    out, named = out_path(args.out, args.default_out)
    check_output_dir(out, overwrite=args.overwrite, **named)  # before the work, not after
    inputs = load_inputs(args.documented, configs_dir=args.configs, axes=axes)
    doc = inputs.documented.table
    chosen = {a: (sc, doc[(doc["axis_id"] == a) & doc["usable"]], inputs.departure_lines.get(a, ()))
              for a, sc in inputs.scenarios.items()}
    if not chosen:
        raise ConfigError(f"no documented axis of {inputs.documented.path} has a scenario in "
                          f"{inputs.configs_dir}: nothing to calibrate")
    warn_coarse_armies([sc for sc, *_ in chosen.values()], args.resolution_m,
                       partial(warn_coarse, "calibrate"))  # before the work
    check_vehicles()  # figures that cannot move a vehicle: before the runs, not NaN in them
    check_layer_files(dem=args.dem)  # a damaged layer: before the runs, not in the first
    with cluster_for(args.workers, True) as client:
        cal = calibrate(chosen, params=params, bounds=bounds or None, points=args.points,
                        client=client, tolerance_km=args.tolerance_km,
                        resolution_m=args.resolution_m, dem=args.dem, seed=args.seed,
                        progress=settings.PROGRESS, loss=args.loss, armies=inputs.armies,
                        unscored=inputs.unscored, warn=partial(warn_coarse, "calibrate"))
    text = cal.report()
    with atomic_dir(out, overwrite=args.overwrite) as tmp:
        (tmp / "calibration.md").write_text(text, encoding="utf-8")
        cal.table.to_csv(tmp / "grid.csv", index=False)
        if cal.loao is not None:
            cal.loao.to_csv(tmp / "loao.csv", index=False)
        for key, summary in cal.summaries.items():
            summary.to_csv(tmp / f"summary_{key}.csv", index=False)
        if cal.rows is not None:
            cal.rows.to_csv(tmp / "rows.csv", index=False)
        cal.fit_table().to_csv(tmp / "fit.csv", index=False)
    print(cal.report(markdown=False), end="")  # the screen's narrow tables; the file keeps Markdown
    print("\n" + fit_advice(cal))
    print(f"wrote {out}/ (calibration.md, fit.csv, grid.csv, loao.csv, summary_*.csv, rows.csv)")
    return 0


def fit_advice(cal) -> str:
    """The closing line: how to use the fit, or, when the fit is the configs' nominal values
    or its honest error in its loss (held out, else in-sample; mean abs days or km) is above
    the configs as written on the same rows, to keep them."""
    from logistics.history.calibrate import NOMINAL_VALUES

    sets = "logistics compare " + " ".join(f"--set {k}={cal.fitted[k]:g}" for k in cal.bounds)
    if all(cal.fitted[k] == NOMINAL_VALUES.get(k) for k in cal.bounds):  # the grid holds it
        return ("keep the configs as written: the fit is their nominal "
                + ", ".join(f"{k} {cal.fitted[k]:g}" for k in cal.bounds) + "; nothing to set")
    days = getattr(cal, "loss", "km") == "date"
    held = cal.loao_mae_date_days if days else cal.loao_mae_km
    held_out = cal.loao is not None and math.isfinite(held)
    key = "mae_date_days" if days else "mae_km"
    fit_err = held if held_out else cal.fitted[key]
    nominal = cal.nominal[key]
    if math.isfinite(fit_err) and math.isfinite(nominal) and fit_err > nominal:
        which = "held-out (leave-one-axis-out)" if held_out else "in-sample"
        unit = (lambda v: f"{v:.2f} days") if days else (lambda v: f"{v:.1f} km")
        return (f"keep the configs as written: the fit's {which} error, {unit(fit_err)}, is "
                f"above their {unit(nominal)} on the same rows; to try the fit anyway: "
                + sets)
    return "use the fit with: " + sets
