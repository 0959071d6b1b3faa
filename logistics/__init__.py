"""logistics: historical GIS logistics on real terrain (Manchuria, August 1945).

The notebook API (``logistics.api``, imported on first use so ``import logistics`` stays
light): ``load_scenario``, ``run``, ``layers`` (a run's GeoDataFrames), ``write_run`` (the
run folder), ``route``, ``sample``, ``vehicle_rates`` (speed and fuel at a place),
``compare`` and ``write_comparison`` (its folder), ``load_terrain`` (xarray with CRS),
``load_vehicle``, ``build_cost_model``, ``accumulate``/``path`` and
``find_costs``/``traceback``. The README's "Python API" section
shows them at work (and the test suite runs it).

The package is laid out as the data flows:
config -> terrain -> cost surface -> accumulated cost -> route -> fuel/supply -> daily advance
-> run -> history comparison -> report. The package map (which module does what, and where to
add a vehicle, a scenario, a formation or a documented-positions file) is logistics/README.md.
"""

from __future__ import annotations

from logistics.errors import (
    ConfigError,
    CRSError,
    DataError,
    ExtentError,
    LogisticsError,
    NoRouteError,
    OutputError,
    ResourceError,
    UnknownNameError,
)

def _version() -> str:
    """The installed distribution's version (pyproject.toml is the one place it is written)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("logistics")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


__version__ = _version()

#: The notebook API, served from ``logistics.api`` on first use.
_API: tuple[str, ...] = ("load_scenario", "run", "layers", "write_run", "route", "sample",
                         "vehicle_rates", "compare", "write_comparison",
                         "load_terrain", "load_vehicle", "build_cost_model", "accumulate",
                         "path", "find_costs", "traceback")


def __getattr__(name: str):
    """Import the notebook API on first use (numba, dask and GDAL load only when needed)."""
    if name in _API:
        import importlib

        return getattr(importlib.import_module("logistics.api"), name)
    raise AttributeError(f"module 'logistics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))


__all__ = [
    *_API,
    "__version__",
    "LogisticsError",
    "ConfigError",
    "DataError",
    "CRSError",
    "ExtentError",
    "UnknownNameError",
    "NoRouteError",
    "ResourceError",
    "OutputError",
]
