"""The project's exception types: one root, a few subclasses mixed with builtins.

Every error a user can cause ends in one of these, with a message that states what was
expected, the value seen and how to fix it. Callers may catch either the project type or
the builtin (``except ValueError`` still works for a ``ConfigError``).
"""

from __future__ import annotations

__all__ = [
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


class LogisticsError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(LogisticsError, ValueError):
    """A configuration file or argument is invalid (names file, key, expectation)."""


class DataError(LogisticsError, ValueError):
    """Input data is missing, malformed or unusable (a raster, a CSV, an .osm file)."""


class CRSError(DataError):
    """A raster or vector has no CRS, or one that cannot be used."""


class ExtentError(LogisticsError, ValueError):
    """A point or box lies outside the data extent, or a box is inverted/empty."""


class UnknownNameError(LogisticsError, KeyError):
    """An unknown place, vehicle, axis or scenario name; the message suggests near matches."""

    def __str__(self) -> str:  # KeyError would repr() the message; keep it readable
        return str(self.args[0]) if self.args else ""


class NoRouteError(LogisticsError, ValueError):
    """No path exists between the requested points (says what separates them)."""


class ResourceError(LogisticsError, MemoryError):
    """The job does not fit in memory or a compute resource cannot be reached."""


class OutputError(LogisticsError, OSError):
    """An output path cannot or must not be written: it holds something this tool did not
    write, it is a file or a device, or the disk refused (full, read-only, name too long)."""

    def __str__(self) -> str:  # OSError would prefix "[Errno n]" when given two arguments
        return str(self.args[0]) if self.args else ""
