"""Safe outputs: a folder or file appears complete or not at all, and never replaces the user's.

The output-folder rule (every command that writes a folder: ``run``, ``route``, ``compare``,
``calibrate``):

* a path that does not exist (or an empty folder) is written;
* a folder this tool wrote before, recognised by its marker file :data:`MARKER` (which lists
  every file written, with its SHA-256), is replaced, and by the command line only with
  ``--overwrite``;
* anything else is refused with an :class:`~logistics.errors.OutputError` that says what is
  there and how to proceed: a folder holding other files (or our files edited since), a file,
  a device, a pipe, a symbolic link, the current folder or one of its parents. A file or a
  device is never replaced, with or without ``--overwrite``.

Writing goes into a temporary sibling ``.<name>.tmp.<pid>.<random>``, which is moved into place
only when complete (``rename``; over an own folder an atomic exchange, ``renameat2
RENAME_EXCHANGE``, where the kernel has it). Two processes writing one path therefore either
both succeed, the last complete result staying, or one fails cleanly. Temporary folders of
runs that were killed (their process no longer exists) are swept on the next write beside them.
An OS failure while writing (disk full, read-only filesystem, name too long) is an
``OutputError`` naming the path, and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from logistics.errors import LogisticsError, OutputError

__all__ = [
    "MARKER",
    "remove_tree",
    "scratch_dir",
    "MIN_FREE_BYTES",
    "check_writable",
    "probe_write",
    "atomic_path",
    "atomic_dir",
    "check_output_dir",
    "check_output_file",
    "check_parent",
    "is_own_dir",
    "sweep",
]

#: Name of the marker file every output folder holds: JSON listing the files written.
MARKER = ".logistics-output"

#: Free space asked for before a command starts work (assumed: a run folder at the default 1 km
#: grid is about 3 MB, a comparison a few MB), so a nearly full disk is said before the work,
#: not after it. Finer grids need more; a disk that fills up while writing is still one error.
MIN_FREE_BYTES = 16 * 2**20

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)\.(?P<pid>\d+)(?:\..*)?$")
_SHOWN = 5  # entries named in a message


def _umask() -> int:
    """The process umask (read without changing it for longer than a call)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------------------------
# what is at a path


def _kind(mode: int) -> str:
    """Words for a file type: 'a file', 'a character device', ..."""
    for test, words in ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"),
                        (stat.S_ISLNK, "a symbolic link"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "a special file"


def _os_error(exc: OSError, path: Path | str, doing: str, fix: str = "") -> OutputError:
    """An OutputError for an OS failure on ``path``, with the usual remedy for its errno."""
    remedies = {
        errno.ENOSPC: "free some space or choose --out on another disk",
        errno.EDQUOT: "free some space (disk quota) or choose --out on another disk",
        errno.EFBIG: "a file grew past the size limit of this filesystem or process; choose "
                     "--out elsewhere",
        errno.EROFS: "choose --out on a writable filesystem",
        errno.EACCES: "give yourself write permission there, or choose --out in a folder you "
                      "can write",
        errno.EPERM: "the folder refuses changes even to root when it is immutable or "
                     "append-only (`lsattr -d` shows an i or a; `chattr -i -a` lifts them), or "
                     "a security policy forbids it; choose --out in a folder you can write",
        errno.ENAMETOOLONG: "the name is too long for the filesystem; choose a shorter --out",
        errno.ENOTDIR: "a part of the path is a file, not a folder; fix the path",
        errno.ELOOP: "too many symbolic links in the path; give the real path",
        errno.EXDEV: "choose --out on the same filesystem as its parent folder",
        errno.EBUSY: "the path is in use (a mount point?); choose another --out",
        errno.EIO: "an input/output error on the disk; check it, or choose another --out",
    }
    # the remedy says what to do, not the reason again ("not permitted" after "Operation not
    # permitted" read as a stutter)
    reason = exc.strerror or str(exc)
    hint = fix or remedies.get(exc.errno or 0, "check the path, or choose another --out")
    return OutputError(f"cannot {doing} {str(path)!r}: {reason} (errno {exc.errno}); {hint}")


#: ASCII control characters (newline, tab, carriage return, ...), refused in output paths.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _lstat(path: Path, doing: str) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a parent is a file: check_parent says which
    except OSError as exc:
        raise _os_error(exc, path, doing) from None


def check_parent(path: str | os.PathLike[str], *, what: str = "--out") -> Path:
    """The nearest existing ancestor of ``path`` must be a folder (not a file or a device).

    ``--out thesis.txt/sub`` fails here, naming ``thesis.txt``. A path holding a control
    character (a newline, a tab) is refused too: GDAL drops them from file names, so the GIS
    outputs would go astray; so is one the locale could not decode (not UTF-8). Returns ``Path(path)``.
    """
    p = Path(path)
    full = os.path.abspath(p)
    odd = _CONTROL.search(full)
    if odd:
        raise OutputError(
            f"{what} {str(p)!r} holds a control character ({odd.group()!r}) in its path (the "
            "GIS writers, GDAL, drop such characters from file names, so the outputs could not "
            "be written there); choose a path without it, e.g. out/run1")
    try:
        full.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of a non-UTF-8 locale (LC_ALL=C)
        raise OutputError(
            f"{what} {str(p)!r}: its path holds characters this system's locale does not "
            "decode (the GIS writers need UTF-8 file names); set a UTF-8 locale (export "
            "LC_ALL=C.UTF-8) or choose a path of plain ASCII letters, e.g. out/run1") from None
    _check_dotdot(p, what)
    for anc in reversed(p.parents if not p.is_absolute() else p.parents[:-1]):
        st = _lstat(anc, f"check {what}")
        if st is None:
            break  # missing from here on: it will be made
        if stat.S_ISDIR(st.st_mode):
            continue
        if stat.S_ISLNK(st.st_mode) and anc.is_dir():
            continue  # a link to a folder higher up (e.g. /tmp -> /private/tmp) is fine
        raise OutputError(
            f"{what} {str(p)!r}: {str(anc)!r} is {_kind(st.st_mode)}, not a folder; "
            "choose an output path inside a folder"
        )
    return p


def _check_dotdot(p: Path, what: str) -> None:
    """A ``..`` right after a folder that does not exist (``--out o/..``, ``new/../x``) is
    refused: the path names nothing until that folder is made, so the checks read it as new,
    the folder was made, and the outputs then went to its parent (the current folder: an
    error after the whole run, and an empty folder left behind)."""
    built = Path(p.anchor)
    for part in p.parts[1 if p.anchor else 0:]:
        if part == ".." and not os.path.lexists(built):
            raise OutputError(
                f"{what} {str(p)!r}: {str(built)!r} does not exist, so '..' after it names no "
                f"folder; fix: give the path without '..', e.g. {what} out/run1")
        built = built / part


def check_writable(folder: str | os.PathLike[str], *, what: str = "--out",
                   option: str | None = None) -> None:
    """The folder that will receive the outputs (or its nearest existing ancestor, where it
    will be made) must be writable, on a filesystem that is not read-only, with at least
    :data:`MIN_FREE_BYTES` free. Said before the work, as an OutputError. ``what`` names the
    path in the message, ``option`` (default ``what``) is how the user chooses another."""
    option = option or what
    anc = Path(os.path.abspath(folder))
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    try:
        fs = os.statvfs(anc)
    except OSError as exc:
        raise _os_error(exc, anc, f"check {what}") from None
    if fs.f_flag & os.ST_RDONLY:
        raise OutputError(f"{what}: {str(anc)!r} is on a read-only filesystem; choose a writable "
                          f"{option}")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: no permission to write into {str(anc)!r}; choose a folder "
                          "you can write")
    probe_write(anc, what=what, option=option)
    free = fs.f_bavail * fs.f_frsize
    if free < MIN_FREE_BYTES:
        raise OutputError(
            f"{what}: only {free / 2**20:.1f} MB free on the filesystem of {str(anc)!r}; the "
            f"outputs need a few MB (at least {MIN_FREE_BYTES // 2**20} MB free is asked): free "
            f"some space or choose {option} on another disk")


def probe_write(folder: str | os.PathLike[str], *, what: str = "--out",
                option: str | None = None) -> None:
    """Create and remove a file in ``folder``: the one proof that the outputs can go there.

    Why a probe: ``os.access`` and the mode bits do not see an immutable or append-only folder
    (``chattr +i``/``+a``), a security policy, or a read-only bind mount, and root passes every
    mode check; such a folder passed the checks, and the run failed only when it moved its
    outputs into place, after all the work. The file is named like a temporary of this
    module (:func:`sweep` removes it if the process is killed between the two steps).
    ``option`` (default ``what``) is how the user chooses another folder."""
    folder = Path(os.path.abspath(folder))
    probe = _free_name(folder, f".logistics-probe.tmp.{os.getpid()}.")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(probe)
        raise _refused(exc, folder, what, option or what) from None


def _storage_less(folder: Path) -> bool:
    """True when ``folder`` is on a file system with no storage (``statvfs``: 0 blocks), as
    ``/proc`` and ``/sys`` are: the kernel's views, which take no file of a user's."""
    try:
        return os.statvfs(folder).f_blocks == 0
    except OSError:
        return False


def _refused(exc: OSError, folder: Path, what: str, option: str) -> OutputError:
    """The OutputError of a probe file ``folder`` refused, with the true reason. Why not the
    errno's text alone: in an existing folder of /proc the OS answers "No such file or
    directory" (errno 2) and in /sys "Permission denied" even to root, which named a folder
    that is there, or a permission nobody can give; that text is said only when it is about
    the folder (a full disk, a read-only or immutable folder, no permission)."""
    where = f"{what}: cannot write into {str(folder)!r}"
    if exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM) and _storage_less(folder):
        return OutputError(
            f"{where}: the system refuses to create files there: it is not a real file system "
            "(it has no storage, as /proc and /sys, which show only what the kernel puts "
            f"there); choose {option} in a folder on a disk, e.g. {option} out/run1")
    if exc.errno == errno.ENOENT and folder.is_dir():
        return OutputError(
            f"{where}: the system refused to create a file in this existing folder (errno 2, "
            "ENOENT: its file system takes no new files there); choose "
            f"{option} in a folder on a disk, e.g. {option} out/run1")
    return OutputError(f"{what}: {_os_error(exc, folder, 'write into')}")


def _entries(folder: Path, *, dirs: bool = False) -> list[str]:
    """Relative names of every file under ``folder`` (links and specials included), sorted;
    with ``dirs`` also the folders, as ``name/``."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = [d for d in dirnames if d not in links]
        for name in filenames + links:
            out.append(os.path.relpath(os.path.join(dirpath, name), folder))
        if dirs:
            out += [os.path.relpath(os.path.join(dirpath, d), folder) + "/" for d in dirnames]
    return sorted(out)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_marker(folder: Path) -> dict | None:
    p = folder / MARKER
    try:
        if not stat.S_ISREG(p.lstat().st_mode) or p.stat().st_size > 1 << 20:
            return None
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != "logistics":
        return None
    files = data.get("files")
    return data if isinstance(files, dict) else None


def _foreign(folder: Path) -> list[str] | None:
    """None when ``folder`` holds exactly what its marker lists (unchanged); else the names of
    entries that logistics did not write or that changed since (empty list: marker broken)."""
    data = _read_marker(folder)
    if data is None:
        return [e for e in _entries(folder, dirs=True) if e != MARKER]
    files: dict = data["files"]
    odd = []
    for rel in _entries(folder, dirs=True):
        if rel == MARKER:
            continue
        if rel.endswith("/"):
            if not any(f.startswith(rel) for f in files):
                odd.append(rel)
            continue
        p = folder / rel
        if rel not in files or not p.is_file() or p.is_symlink():
            odd.append(rel)
        elif _sha256(p) != files[rel]:
            odd.append(f"{rel} (changed since logistics wrote it)")
    return odd or None


def is_own_dir(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a folder this tool wrote and nobody changed since (see MARKER)."""
    p = Path(path)
    try:
        if not stat.S_ISDIR(p.lstat().st_mode):
            return False
    except OSError:
        return False
    return _foreign(p) is None


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _existing(path, what: str, example: str) -> tuple[str, Path, os.stat_result | None]:
    """(the path as typed, as a Path, its lstat or None when nothing is there); the parent
    must be a folder (:func:`check_parent`)."""
    text = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if not isinstance(text, str):  # None, a number, bytes
        raise OutputError(f"{what} must be a path (str or pathlib.Path), got {repr(path)[:80]}; "
                          f"e.g. {what} {example}")
    if not text.strip():
        raise OutputError(f"{what} is empty; give a path, e.g. {what} {example}")
    p = check_parent(Path(text), what=what)
    return text, p, _lstat(p, f"check {what}")


#: Bytes the longest name of a file inside an output folder may take (assumed: the longest
#: today, ``run.fortified_regions.qml``, has 25; a folder run's <axis_id>/ adds one level).
_INNER_NAME_BYTES = 64
#: Bytes a temporary beside an output adds to its name: ``.`` + ``.tmp.`` (or ``.old.``) +
#: the process id (at most 7 digits: Linux's largest pid_max is 4194304) + ``.`` + 8 hex
#: digits (:func:`atomic_dir`, :func:`atomic_path`, :func:`_install`).
_TEMP_EXTRA_BYTES = 1 + 5 + 7 + 1 + 8


def _limit(folder: Path, name: str, default: int) -> int:
    """``os.pathconf(folder, name)``, or ``default`` where the system does not say."""
    try:
        return int(os.pathconf(folder, name))
    except (OSError, ValueError):
        return default


def _check_room(p: Path, what: str, option: str, *, suffix: str = "", inner: int = 0) -> None:
    """The temporary written beside ``p`` (and, ``inner`` > 0, the files inside it) must fit
    the file system's limits on a name and a path. A name of 240 characters passed every
    check, the whole run was done, and writing failed: its temporary's name, 262 bytes, is
    over the 255 a name may have; a path a few bytes under 4096 the same way, deep inside."""
    full = Path(os.path.abspath(p))
    anc = full.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    extra = _TEMP_EXTRA_BYTES + len(os.fsencode(suffix))
    name, name_max = len(os.fsencode(full.name)), _limit(anc, "PC_NAME_MAX", 255)
    if name + extra > name_max:
        raise OutputError(
            f"{what} {_short_path(p)!r}: its name has {name} bytes, and the temporary "
            f"logistics writes beside it until the outputs are complete {name + extra}, over "
            f"this file system's {name_max} bytes a name; choose a shorter name (at most "
            f"{name_max - extra} bytes){_with(what, option)}")
    need = len(os.fsencode(str(full))) + extra + (1 + inner if inner else 0)
    path_max = _limit(anc, "PC_PATH_MAX", 4096)
    if need >= path_max:
        raise OutputError(
            f"{what} {_short_path(p)!r}: its path has {len(os.fsencode(str(full)))} bytes, and "
            f"with the names of the outputs{' inside it' if inner else ''} it would pass this "
            f"file system's {path_max} bytes a path; choose a shorter path (at most "
            f"{path_max - 1 - extra - (1 + inner if inner else 0)} bytes){_with(what, option)}")


def _short_path(p: Path, keep: int = 80) -> str:
    """``p`` as typed, its middle cut when longer than ``keep`` characters."""
    text = str(p)
    return text if len(text) <= keep else f"{text[:keep // 2]}...{text[-keep // 2:]}"


def check_output_dir(path: str | os.PathLike[str], *, overwrite: bool = False,
                     what: str = "--out", flag: str = "--overwrite", writable: bool = True,
                     option: str | None = None) -> Path:
    """Check that a run folder may be written at ``path``; return it as a Path.

    Allowed: a path that does not exist, an empty folder, or (with ``overwrite``) a folder
    this tool wrote. Everything else raises :class:`OutputError` saying what is there and what
    to do. With ``writable`` the place must also take the outputs (:func:`check_writable`).
    Called by the command line before any work, and again (``writable=False``: it will simply
    try) by :func:`atomic_dir`. ``what`` names the path in the messages (``--out``, or "the
    default output folder" when the user gave none); ``option`` (default ``what``) is how the
    user chooses another path.
    """
    p = _check_output_dir(path, overwrite, what, flag, option or what)
    if writable:
        _check_room(p, what, option or what, inner=_INNER_NAME_BYTES)
        check_writable(p.parent, what=what, option=option)
        if p.is_dir():  # an empty or own folder is replaced: it must take changes too
            probe_write(p, what=what)
    return p


def _another(what: str, option: str) -> str:
    """How the user chooses another path: ``choose another --out``, or for a path the user
    did not give (a default), ``give --out another path``."""
    return f"choose another {what}" if option == what else f"give {option} another path"


def _with(what: str, option: str) -> str:
    """`` with --out`` after a fix, for a path the user did not give (a default)."""
    return "" if option == what else f" with {option}"


def _check_not_in_inputs(text: str, p: Path, what: str, option: str) -> None:
    """Refuse an output path inside the folders the tool reads its inputs from (the config and
    raster trees, shipped or set by ``LOGISTICS_CONFIG_DIR``/``LOGISTICS_RASTER_DIR``): outputs
    there mix with the inputs (a later ``logistics run configs/`` or a package build would
    take them along), and inside the package's own source folder (``--out logistics/run1``
    wrote a run among the modules: ``git status``, the package build and its install carry it).

    The one rule: refused inside a tree every command reads (configs, rasters, the package).
    A user's folder of army files (``logistics run cf --out cf/o``) is no such tree: a command
    reads only the army files directly in it (``army.load.army_paths``), never a subfolder, and
    ``--out`` is a new folder or one logistics wrote, so a run's outputs there are never read
    as inputs (a run writes no YAML, so ``schema``'s walk of a configs copy finds none there
    either); refusing them would refuse the common project layout (the army file beside its
    runs). A copy of configs/ is refused once LOGISTICS_CONFIG_DIR names it (it is then read)."""
    from logistics import settings

    inputs_of = "the tool reads its inputs from"
    real = p.resolve()
    for name, folder, role in (
            ("configs", settings.CONFIG_DIR, inputs_of), ("rasters", settings.RASTER_DIR, inputs_of),
            ("configs", settings.SHIPPED_CONFIG_DIR, inputs_of),
            ("rasters", settings.SHIPPED_RASTER_DIR, inputs_of),
            ("package", Path(settings.__file__).parent, "the tool runs from (its source code)")):
        try:
            inputs = Path(folder).resolve()
        except (OSError, RuntimeError):
            continue
        if real == inputs or inputs in real.parents:
            raise OutputError(
                f"{what} {text!r} lies inside the {name} folder {role} ({inputs}); outputs "
                f"there would mix with {'its code' if name == 'package' else 'the inputs'}: "
                f"give a folder outside it, e.g. {option} out/run1")


def _check_output_dir(path, overwrite: bool, what: str, flag: str, option: str) -> Path:
    text, p, st = _existing(path, what, "out/run1")
    _check_not_in_inputs(text, p, what, option)
    if st is None:
        return p
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(
            f"{what} {text!r} is a symbolic link (to {os.readlink(p)!r}); logistics does not "
            f"write through links: give the real folder path, or a new path{_with(what, option)}"
        )
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(
            f"{what} {text!r} is {_kind(st.st_mode)}; logistics writes a folder there and never "
            f"replaces {_kind(st.st_mode)}: choose a path that does not exist yet"
            f"{_with(what, option)}"
        )
    here = Path.cwd().resolve()
    real = p.resolve()
    if real == here or real in here.parents:
        raise OutputError(
            f"{what} {text!r} is the current folder or holds it; give a new folder for the "
            f"outputs, e.g. {option} out/run1"
        )
    try:
        if not any(True for _ in os.scandir(p)):
            return p  # an empty folder: replaced atomically (a rename refuses a non-empty one)
        odd = _foreign(p)
    except OSError as exc:
        raise _os_error(exc, p, f"look into {what}") from None
    if odd is None:
        if overwrite:
            return p
        raise OutputError(
            f"{what} {text!r} holds the outputs of an earlier logistics run; add {flag} to "
            f"replace them, or {_another(what, option)}"
        )
    if _read_marker(p) is not None:
        raise OutputError(
            f"{what} {text!r} holds logistics outputs but also {len(odd)} entr"
            f"{'y' if len(odd) == 1 else 'ies'} logistics did not write ({_names(odd)}); move "
            f"them out and retry (with {flag}), or {_another(what, option)}"
        )
    # a path the user gave gets a new path inside it; a folder derived from --out (a folder
    # run's <--out>/<axis_id>) is not a path --out can name, so its parent is what changes
    fix = (f"choose a new path, e.g. {option} {os.path.join(text, 'run1')!r}, or empty it yourself"
           if option == what else
           f"move it away or empty it yourself, or {_another(what, option)}")
    raise OutputError(
        f"{what} {text!r} is an existing folder that logistics did not write (it holds "
        f"{_names(odd) or 'a broken marker'}); logistics never replaces such a folder: {fix}"
    )


def check_output_file(path: str | os.PathLike[str], *, overwrite: bool = False,
                      ours: Callable[[Path], bool] | None = None, what: str = "--out",
                      flag: str = "--overwrite", option: str | None = None) -> Path:
    """Check that a single output file may be written at ``path``; return it as a Path.

    Allowed: a path that does not exist, or (with ``overwrite``) a regular file that ``ours``
    recognises as written by this tool. Folders, devices, pipes and links are never replaced.
    The place must take the file (:func:`check_writable`). ``what`` and ``option`` as for
    :func:`check_output_dir`.
    """
    option = option or what
    text, p, st = _existing(path, what, "map.png")
    _check_not_in_inputs(text, p, what, option)
    _check_room(p, what, option, suffix=p.suffix)
    if st is None:
        check_writable(p.parent, what=what, option=option)
        return p
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(
            f"{what} {text!r} is {_kind(st.st_mode)}; logistics writes a file there and never "
            f"replaces {_kind(st.st_mode)}: choose a file path that does not exist yet"
            f"{_with(what, option)}"
        )
    mine = ours(p) if ours is not None else False
    if mine and overwrite:
        check_writable(p.parent, what=what, option=option)
        return p
    if mine:
        raise OutputError(f"{what} {text!r} exists (an earlier output of logistics); add {flag} "
                          f"to replace it, or {_another(what, option)}")
    raise OutputError(f"{what} {text!r} is an existing file that logistics did not write; it is "
                      f"never replaced: {_another(what, option)}")


# --------------------------------------------------------------------------------------------
# leftovers of killed runs


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**22  # another user's process (or a pid no kernel hands out)
    return True


def sweep(folder: str | os.PathLike[str], *, wait_s: float = 0.0) -> list[Path]:
    """Remove temporary folders and files of runs killed before they finished, in ``folder``.

    Only entries named like this module's temporaries (``.<name>.tmp.<pid>...``,
    ``.<name>.old.<pid>...``) whose process no longer exists are removed. Returns them.
    ``wait_s``: how long to wait for such entries of this process's own child processes to
    end (the dask workers of a command stopped while they wrote: ``logistics run DIR``),
    looking again every 0.1 s; other processes' are never waited for.
    """
    import time

    deadline = time.monotonic() + wait_s
    removed: list[Path] = []
    while True:
        gone, waiting = _sweep_once(folder)
        removed += gone
        if not waiting or time.monotonic() >= deadline:
            return removed
        time.sleep(0.1)


def _sweep_once(folder: str | os.PathLike[str]) -> tuple[list[Path], bool]:
    """One pass of :func:`sweep`: (the entries removed, whether one of a child process of
    this one is left)."""
    import psutil

    removed, waiting = [], False
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed, waiting
    children = None
    for entry in entries:
        m = _LEFTOVER.match(entry.name)
        if not m or int(m["pid"]) == os.getpid():
            continue
        if _alive(int(m["pid"])):
            if children is None:
                children = {c.pid for c in psutil.Process().children(recursive=True)}
            waiting = waiting or int(m["pid"]) in children
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass  # someone else's, or already gone: leave it
    return removed, waiting


# --------------------------------------------------------------------------------------------
# writing


def _write_marker(folder: Path) -> None:
    """The marker: every file written with its SHA-256 (deterministic: no times, no paths)."""
    files = {rel: _sha256(folder / rel) for rel in _entries(folder) if rel != MARKER}
    data = {"written_by": "logistics", "files": files}
    (folder / MARKER).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")


_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _renameat2(a: Path, b: Path, flags: int) -> bool:
    """Linux renameat2(a, b, flags); False where the kernel, libc or file system lacks it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    r = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), flags)
    if r == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the kernel or libc lacks it."""
    return _renameat2(a, b, _RENAME_EXCHANGE)


def _place_new(tmp: Path, final: Path) -> None:
    """Move the file ``tmp`` onto ``final`` only if nothing is there, atomically (a rename that
    does not replace, else a hard link): a file that appeared at ``final`` while ``tmp`` was
    written (another process's output, the user's) is kept, an :class:`OutputError` raised.
    A check before an ``os.replace`` let two ``logistics map --out m.png`` both succeed, the
    second replacing the first's finished map."""
    appeared = OutputError(f"output file {str(final)!r} appeared while this one was written "
                           "(another logistics process, or yours); it is kept: choose another "
                           "path, or add --overwrite to replace an earlier output")
    try:
        if _renameat2(tmp, final, _RENAME_NOREPLACE):
            return
    except FileExistsError:
        raise appeared from None
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise appeared from None
    except OSError as exc:  # no hard links here (a FAT or SMB share): check, then rename
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(final):
            raise appeared from None
        os.replace(tmp, final)
        return
    os.unlink(tmp)


def _install(tmp: Path, final: Path, overwrite: bool) -> None:
    """Move the complete folder ``tmp`` onto ``final`` under the output-folder rule."""
    try:
        os.rename(tmp, final)  # onto nothing or an empty folder: atomic, refuses anything else
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise
    # something appeared while we worked: replace it only if it is ours, and we may
    if not is_own_dir(final):
        check_output_dir(final, overwrite=overwrite, what="output folder",  # says what it is
                         writable=False)
    if not overwrite:
        raise OutputError(
            f"output folder {str(final)!r} was written by another logistics process while this "
            "one ran; its outputs are kept: add --overwrite to replace them, or choose another "
            "--out")
    if _exchange(tmp, final):
        if _foreign(tmp) is not None and any(os.scandir(tmp)):
            _exchange(tmp, final)  # what came out is not ours (a race): put it back
            raise OutputError(f"{str(final)!r} changed while the outputs were written; nothing "
                              "was replaced: check it and retry")
        return
    old = final.with_name(f".{final.name}.old.{os.getpid()}.{os.urandom(4).hex()}")
    os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        with contextlib.suppress(OSError):
            os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS,
                           errno.ENAMETOOLONG, errno.EIO})


def _is_write_error(exc: OSError, tmp: Path) -> bool:
    """Whether an OSError raised while writing is about the output (not a file being read)."""
    if exc.errno in _WRITE_ERRNOS:
        return True
    names = [str(n) for n in (exc.filename, getattr(exc, "filename2", None)) if n]
    return any(n.startswith(str(tmp)) or Path(n).name.startswith(tmp.name) for n in names)


def _free_name(parent: Path, prefix: str, suffix: str = "") -> Path:
    """A path ``parent/<prefix><random><suffix>`` that does not exist yet (for a temporary)."""
    for _ in range(100):
        path = parent / (prefix + secrets.token_hex(4) + suffix)
        if not os.path.lexists(path):
            return path
    raise OutputError(f"no free temporary name in {str(parent)!r} after 100 tries; remove the "
                      f"folders named {prefix}* there")


@contextlib.contextmanager
def scratch_dir(parent: str | os.PathLike[str], prefix: str) -> Iterator[Path]:
    """A private folder ``parent/<prefix><random>`` (mode 0700), removed whatever happens,
    a stop at the instant it is made included (named before it is made)."""
    folder = _free_name(Path(os.path.abspath(parent)), prefix)
    try:
        os.mkdir(folder, 0o700)
        yield folder
    finally:
        if folder.exists() or folder.is_symlink():
            remove_tree(folder)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; move it into place only if the block succeeds.

    ``path`` must satisfy :func:`check_output_dir` (with ``overwrite``: a folder this tool wrote
    may be replaced; the library default, as re-running a computation into its own folder is
    ordinary; the command line passes its ``--overwrite``). The folder gets the marker file
    :data:`MARKER`. A failed block leaves the previous folder untouched and nothing else behind.
    """
    final = check_output_dir(path, overwrite=overwrite, what="output folder",
                             flag="overwrite=True (--overwrite)", writable=False)
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, parent, "create the folder") from None
    sweep(parent)
    # the name is chosen before the folder is made, so a Ctrl-C or SIGTERM landing the instant
    # it is made (the moment an impatient user sees it appear) still finds it in `finally`;
    # absolute: geopandas expands a leading "~" of a path (a folder named "~" is not home)
    tmp = _free_name(Path(os.path.abspath(parent)), f".{final.name}.tmp.{os.getpid()}.")
    try:
        try:
            os.mkdir(tmp, 0o700)
        except OSError as exc:
            raise _os_error(exc, parent, "write into") from None
        os.chmod(tmp, 0o777 & ~_umask())  # made 0700 until then, as mkdtemp does
        try:
            yield tmp
            _write_marker(tmp)
            _install(tmp, final, overwrite)
        except LogisticsError:
            raise
        except OSError as exc:
            if not _is_write_error(exc, tmp):
                raise
            raise _os_error(exc, final, "write the outputs into") from None
    finally:
        if tmp.exists() or tmp.is_symlink():
            remove_tree(tmp)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    An existing regular file is replaced (unless ``overwrite`` is False); a folder, device,
    pipe or link at ``path`` never is (:class:`OutputError`).

    >>> with atomic_path("out.csv") as tmp:  # doctest: +SKIP
    ...     df.to_csv(tmp)
    """
    final = check_parent(Path(path), what="output file")
    st = _lstat(final, "check the output file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(f"output file {str(final)!r} is {_kind(st.st_mode)}; it is never "
                          "replaced: choose a file path that does not exist yet")
    if st is not None and not overwrite:
        raise OutputError(f"output file {str(final)!r} exists; choose another path")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, final.parent, "create the folder") from None
    sweep(final.parent)
    # named before it is made, as in atomic_dir (a stop at that instant still finds it)
    tmp = _free_name(Path(os.path.abspath(final.parent)), f".{final.name}.tmp.{os.getpid()}.",
                     final.suffix)
    try:
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise _os_error(exc, final.parent, "write into") from None
        os.chmod(tmp, 0o666 & ~_umask())  # made 0600 until then; outputs get ordinary ones
        try:
            yield tmp
            st = _lstat(final, "check the output file")
            if st is not None and not stat.S_ISREG(st.st_mode):
                raise OutputError(f"output file {str(final)!r} became {_kind(st.st_mode)} while "
                                  "it was written; it is never replaced")
            if overwrite:
                os.replace(tmp, final)
            else:
                _place_new(tmp, final)
        except LogisticsError:
            raise
        except OSError as exc:
            if not _is_write_error(exc, tmp):
                raise
            raise _os_error(exc, final, "write") from None
    finally:
        if tmp.exists() or tmp.is_symlink():
            tmp.unlink()


def remove_tree(folder: str | os.PathLike[str], tries: int = 30, pause_s: float = 0.1) -> None:
    """Remove ``folder``, again while a late writer still puts a file in it.

    A dask task cancelled too late to stop may write its tile while the tree is being removed;
    the final rmdir then fails (not empty) and, with errors ignored, the folder stayed behind.
    Once the folder is gone a late write fails (no such directory) instead of leaving debris.
    """
    import time

    folder = Path(folder)
    if folder.is_symlink():  # rmtree refuses a link; the link is ours, not what it points to
        folder.unlink(missing_ok=True)
        return
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(pause_s)
