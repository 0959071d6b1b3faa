"""Process-wide knobs, each with a documented default and an environment override.

Scenario facts live in config files (``configs/``); this module holds only what belongs to the
machine or the installation: where the data lives, the metric CRS, chunk sizes, workers.
Read them as ``from logistics import settings; settings.RASTER_DIR``.

Every environment variable is parsed and checked once, at import. An empty variable counts as
unset. A bad value never becomes a silent default: reading that setting raises
:class:`~logistics.errors.ConfigError` naming the variable, the value and the fix, and
:func:`check` (called first by the command line) raises it for every bad variable at once.

| variable | setting | accepted |
|---|---|---|
| ``LOGISTICS_RASTER_DIR`` | ``RASTER_DIR`` | the path of a folder that exists |
| ``LOGISTICS_CONFIG_DIR`` | ``CONFIG_DIR`` | the path of a folder that exists (a whole configs/) |
| ``LOGISTICS_CACHE_DIR`` | ``CACHE_DIR`` | a folder path (made when missing) |
| ``LOGISTICS_RESOLUTION_M`` | ``DEFAULT_RESOLUTION_M`` | metres, 1 .. 100 000 |
| ``LOGISTICS_CHUNK_CELLS`` | ``CHUNK_CELLS`` | whole number, 16 .. 65 536 |
| ``LOGISTICS_MAX_IN_MEMORY_CELLS`` | ``MAX_IN_MEMORY_CELLS`` | whole number >= 1 |
| ``LOGISTICS_MEMORY_BUDGET_BYTES`` | ``MEMORY_BUDGET_BYTES`` | whole number of bytes >= 1 |
| ``LOGISTICS_N_WORKERS`` | ``N_WORKERS`` | whole number >= 1 |
| ``LOGISTICS_SCHEDULER`` | ``SCHEDULER_ADDRESS`` | ``[tcp://]host:port`` (or tls, ucx, ws, wss, inproc); a bare ``host:port`` is read as ``tcp://host:port``, as dask reads it |
| ``LOGISTICS_PROGRESS`` | ``PROGRESS`` | 1/0, true/false, yes/no, on/off |
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from logistics._numbers import number_of
from logistics.errors import ConfigError

__all__ = [
    "PROJECT_ROOT", "RASTER_DIR", "CONFIG_DIR", "CACHE_DIR", "THEATRE_BBOX", "METRIC_CRS",
    "SHIPPED_RESOLUTION_M", "DEFAULT_RESOLUTION_M", "CHUNK_CELLS", "MAX_IN_MEMORY_CELLS", "N_WORKERS",
    "SCHEDULER_ADDRESS", "PROGRESS", "check", "problems", "configs_folder", "CONFIG_PARTS",
    "army_files_folder", "scheduler_address",
]

#: Problems of environment variables, by the setting they spoil (filled at import).
_PROBLEMS: dict[str, str] = {}


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 60 else raw[:60] + "...")


def _env(setting: str, var: str, parse: Callable[[str], Any], default: Any) -> Any:
    """The parsed value of ``var`` (default when unset or empty); a problem is recorded."""
    raw = os.environ.get(var)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw.strip())
    except ValueError as exc:
        _PROBLEMS[setting] = (
            f"environment variable {var}={_shown(raw)}: {exc}; correct it, or unset it "
            f"(`unset {var}`) for the default"
        )
        return None


def _path(text: str, folder: str = "the folder that holds the files", *,
          must_exist: bool = False) -> Path:
    """A folder variable's path; a file there is refused, naming ``folder`` (what to give)
    as the fix (``LOGISTICS_CONFIG_DIR=README.md`` went on to a misleading note and then
    "README.md/vehicles does not exist"), and so is a folder that does not exist when
    ``must_exist`` (the data folders: ``LOGISTICS_CONFIG_DIR=/no/such`` was "tbf-6gta is
    neither a scenario file nor a folder", the variable unnamed; the cache folder is made)."""
    if "\x00" in text:
        raise ValueError("expected a folder path (it holds a NUL character)")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError(f"it names a file, not a folder; fix: set it to {folder}")
    if must_exist and not path.exists():
        raise ValueError(f"no such folder; fix: set it to {folder}")
    return path


def _raster_path(text: str) -> Path:
    """LOGISTICS_RASTER_DIR: an existing folder path."""
    return _path(text, "a folder of the built rasters (a copy of rasters/, or what "
                       "`python rasters/build.py` writes)", must_exist=True)


def _number(lo: float, hi: float, unit: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            v = number_of(text)
        except ValueError:
            raise ValueError(f"expected a number of {unit}, {lo:g} to {hi:g}") from None
        if not (math.isfinite(v) and lo <= v <= hi):
            raise ValueError(f"expected a number of {unit}, {lo:g} to {hi:g}")
        return v

    return parse


def _whole(lo: int, hi: int | None, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        rng = f"{lo} to {hi}" if hi is not None else f"at least {lo}"
        try:
            v = number_of(text, whole=True)
        except ValueError:
            raise ValueError(f"expected a whole number of {what}, {rng}") from None
        if v < lo or (hi is not None and v > hi):
            raise ValueError(f"expected a whole number of {what}, {rng}")
        return v

    return parse


_SCHEMES = ("tcp", "tls", "ucx", "ws", "wss", "inproc")
_ADDRESS = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)"
                      r"(?::(?P<port>\d{1,5}))?$")


def scheduler_address(text: str) -> str:
    """A dask scheduler address as dask reads it: ``[protocol://]host:port`` (``inproc://``
    without a port), a bare ``host:port`` returned as ``tcp://host:port``; ValueError
    otherwise. The one check of ``LOGISTICS_SCHEDULER`` and of ``get_client(address=)``."""
    m = _ADDRESS.match(text)
    fix = "expected a dask scheduler address like tcp://HOST:8786"
    if not m:
        raise ValueError(fix)
    if m["scheme"] and m["scheme"] not in _SCHEMES:
        raise ValueError(f"{fix} (scheme one of {', '.join(_SCHEMES)})")
    if m["scheme"] != "inproc" and (m["port"] is None or not 1 <= int(m["port"]) <= 65535):
        raise ValueError(f"{fix} (a port 1-65535)")
    return text if m["scheme"] else f"tcp://{text}"  # dask's default protocol, said in messages


def _flag(text: str) -> bool:
    t = text.lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected 1 or 0 (or true/false, yes/no, on/off)")


#: Repository root (the folder holding ``pyproject.toml``); data folders hang off it.
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    """A shipped data folder: ``name/`` of the checkout the package runs from, else the copy a
    non-editable install carries as ``logistics/_name/`` (pyproject.toml's package-dir
    mapping ships it in the wheel)."""
    checkout = PROJECT_ROOT / name
    if (PROJECT_ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / f"_{name}"


#: The sub-folders of a whole configs folder that the readers of a run or a comparison need.
CONFIG_PARTS: tuple[str, ...] = ("history", "norms", "vehicles")
#: Files directly in a configs folder that are data, not army files (``army.load.NOT_ARMIES``).
_CONFIG_DATA_FILES = frozenset({"sources", "fortified-regions"})


def army_files_folder(folder: str | os.PathLike[str]) -> str | None:
    """What makes ``folder``, given as a configs folder, look like a folder of army files
    instead (it lacks some of :data:`CONFIG_PARTS` but holds army files): the readers would
    otherwise fail on the first missing file (``history/planned-rates.yaml`` is missing) with
    no word of the mix-up. None when it has its parts, holds no army file or is no folder."""
    p = Path(folder)
    if not p.is_dir():
        return None
    missing = [f"{d}/" for d in CONFIG_PARTS if not (p / d).is_dir()]
    try:
        armies = sorted(f.name for f in p.iterdir() if f.suffix in (".yaml", ".yml")
                        and f.stem not in _CONFIG_DATA_FILES and f.is_file())
    except OSError:  # unreadable: the reader that needs it says so
        return None
    if not missing or not armies:
        return None
    shown = ", ".join(armies[:3]) + (", ..." if len(armies) > 3 else "")
    return (f"{p} has no {', '.join(missing)} but holds {len(armies)} army file"
            f"{'s' if len(armies) != 1 else ''} ({shown}): it looks like a folder of army "
            "files, not a whole copy of configs/")


def _config_path(text: str) -> Path:
    """LOGISTICS_CONFIG_DIR: a folder path, not a folder of army files only."""
    path = _path(text, "a whole copy of configs/ (cp -r configs my-configs)", must_exist=True)
    problem = army_files_folder(path)
    if problem:
        raise ValueError(f"{problem}; set it to a whole copy of configs/ (cp -r configs "
                         "my-configs) and give the army files to the command (`logistics run "
                         "FOLDER`, `logistics compare --configs FOLDER`)")
    return path


#: The shipped configs and rasters, wherever the package was installed from.
SHIPPED_CONFIG_DIR: Path = _shipped("configs")
SHIPPED_RASTER_DIR: Path = _shipped("rasters")

#: Folder of the shipped rasters and vectors built by ``rasters/build.py``.
RASTER_DIR: Path = _env("RASTER_DIR", "LOGISTICS_RASTER_DIR", _raster_path,
                       SHIPPED_RASTER_DIR)

#: Folder of shipped configs (vehicles, scenarios).
CONFIG_DIR: Path = _env("CONFIG_DIR", "LOGISTICS_CONFIG_DIR", _config_path,
                       SHIPPED_CONFIG_DIR)



def config_dir_path(config_dir: str | os.PathLike[str] | None = None) -> Path:
    """The configs folder ``config_dir`` names, as a Path (:data:`CONFIG_DIR` as set when
    called, when None); a ConfigError when it is no path (``config_dir=5`` was pathlib's
    TypeError out of whichever reader met it first)."""
    if config_dir is None:
        return Path(CONFIG_DIR)
    if not isinstance(config_dir, (str, os.PathLike)):
        from logistics.errors import ConfigError

        raise ConfigError(f"config_dir must be the path of a configs folder (str or "
                          f"pathlib.Path), got {config_dir!r:.80}; fix: e.g. "
                          "config_dir='my-configs' (a copy of configs/), or leave it out")
    return Path(config_dir)


def configs_folder(config_dir: str | os.PathLike[str] | None = None) -> Path:
    """The configs folder ``config_dir`` names (:data:`CONFIG_DIR` as set when called, when
    None), resolved: what two readers of one run are compared by (a plan and its cost models,
    an army and the run given it)."""
    return config_dir_path(config_dir).resolve()


#: Cache folder for derived products (reprojected terrain, cost surfaces).
CACHE_DIR: Path = _env("CACHE_DIR", "LOGISTICS_CACHE_DIR", _path,
                       Path.home() / ".cache" / "logistics")

#: Theatre extent in lon/lat degrees (west, south, east, north): 1945 Manchuria and approaches.
THEATRE_BBOX: tuple[float, float, float, float] = (108.0, 38.0, 136.0, 54.0)

#: The metric CRS of every computation: a Lambert Conformal Conic fitted to the theatre.
#: Conformal, so the map scale at a point is the same in every direction (an anisotropic cost
#: engine needs that), with standard parallels 41 N and 51 N scale error stays within about
#: +-1 % over 38-54 N; central meridian 122 E is the theatre's middle.
METRIC_CRS: str = (
    "+proj=lcc +lat_1=41 +lat_2=51 +lat_0=46 +lon_0=122 +x_0=0 +y_0=0 "
    "+datum=WGS84 +units=m +no_defs"
)

#: The shipped default resolution in metres (what a run uses when nothing else is set).
SHIPPED_RESOLUTION_M: float = 1000.0
#: Default working resolution in metres of the theatre grid (the DEM is 30 arc-seconds).
DEFAULT_RESOLUTION_M: float = _env("DEFAULT_RESOLUTION_M", "LOGISTICS_RESOLUTION_M",
                                   _number(1.0, 100_000.0, "metres"), SHIPPED_RESOLUTION_M)

#: Default dask chunk edge (cells) for lazily opened rasters and chunked solvers.
CHUNK_CELLS: int = _env("CHUNK_CELLS", "LOGISTICS_CHUNK_CELLS", _whole(16, 65_536, "cells"),
                        2048)

#: Largest grid (cells) the in-memory solver accepts before asking for chunks.
MAX_IN_MEMORY_CELLS: int = _env("MAX_IN_MEMORY_CELLS", "LOGISTICS_MAX_IN_MEMORY_CELLS",
                                _whole(1, None, "cells"), 120_000_000)

#: Bytes one in-memory solve may use before ``logistics.cost.accumulate`` takes the chunked
#: solver; None = half the memory available when the solve starts.
MEMORY_BUDGET_BYTES: int | None = _env("MEMORY_BUDGET_BYTES", "LOGISTICS_MEMORY_BUDGET_BYTES",
                                       _whole(1, None, "bytes"), None)

#: Workers for a LocalCluster (dask.distributed); None lets dask choose.
N_WORKERS: int | None = _env("N_WORKERS", "LOGISTICS_N_WORKERS", _whole(1, None, "workers"),
                             None)

#: Address of an existing dask scheduler (e.g. ``tcp://host:8786``; ``host:8786`` is read as
#: that); None starts a LocalCluster.
SCHEDULER_ADDRESS: str | None = _env("SCHEDULER_ADDRESS", "LOGISTICS_SCHEDULER", scheduler_address, None)

#: Show progress bars (tqdm) on long steps; off when not on a terminal or when set to 0.
PROGRESS: bool = _env("PROGRESS", "LOGISTICS_PROGRESS", _flag, True)

def _proj_folders(text: str) -> str:
    """PROJ_DATA / PROJ_LIB: folders (``:``-separated) one of which holds ``proj.db``, PROJ's
    database of coordinate systems; without it every reprojection fails, and GDAL's 'Cannot
    find proj.db' lines came before an error blaming the elevation model."""
    if not any((Path(f) / "proj.db").is_file() for f in text.split(os.pathsep) if f):
        raise ValueError("no proj.db in it (PROJ's database of coordinate systems, which every "
                         "command needs to reproject the rasters; pyproj and rasterio bring "
                         "their own)")
    return text


#: PROJ's own variables, checked only: the libraries read them, a bad one spoils every command.
PROJ_DATA: str | None = _env("PROJ_DATA", "PROJ_DATA", _proj_folders, None)
PROJ_LIB: str | None = _env("PROJ_LIB", "PROJ_LIB", _proj_folders, None)

# a setting whose variable is bad is not defined: reading it goes to __getattr__ and raises
for _name in _PROBLEMS:
    globals().pop(_name, None)


def __getattr__(name: str) -> Any:
    if name in _PROBLEMS:
        raise ConfigError(_PROBLEMS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def problems() -> list[str]:
    """Every problem of the environment variables (empty when all are fine)."""
    return list(_PROBLEMS.values())


def check() -> None:
    """Raise one ConfigError listing every bad environment variable (none: return)."""
    found = problems()
    if len(found) == 1:
        raise ConfigError(found[0])
    if found:
        raise ConfigError(f"{len(found)} bad environment variables:\n  - " + "\n  - ".join(found))
