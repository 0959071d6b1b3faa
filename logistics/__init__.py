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
    OutputError,
    ResourceError,
    UnknownNameError,
)

__version__ = "0.1.0"

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
    "OutputError",
]
