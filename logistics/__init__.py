"""logistics: historical GIS logistics on real terrain (Manchuria, August 1945).

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

__all__ = [
    "__version__",
    "LogisticsError",
    "ConfigError",
    "DataError",
    "CRSError",
    "ExtentError",
    "UnknownNameError",
    "NoRouteError",
    "ResourceError",
]
