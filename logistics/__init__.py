"""logistics: historical GIS logistics on real terrain (Manchuria, August 1945).

The package is laid out as the data flows:
config -> terrain -> cost surface -> accumulated cost -> route -> fuel/supply -> daily advance
-> history comparison -> report. See README.md, "Where things live".
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
