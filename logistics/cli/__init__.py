"""The ``logistics`` command line: one module per sub-command, registered here.

Each module in this package exposes ``register(subparsers)``, which adds its parser and sets
``func`` (a callable taking the parsed ``argparse.Namespace`` and returning an exit code).

Every error a user can cause ends in one line on stderr, ``logistics <cmd>: error: ...``
(a config file with several problems lists them on indented lines below it), and exit code 2:
the project's own errors, bad arguments (argparse's usage text is not printed; ``--help``
is), bad environment variables (:func:`logistics.settings.check`) and OS failures (disk full,
read-only filesystem). A reader that stops reading early (``logistics sample X | head``) ends
the command quietly with exit code 141, as a shell reports a pipe's writer killed by SIGPIPE.
Ctrl-C (SIGINT) and SIGTERM end in one line ``logistics <cmd>:
cancelled`` and exit 130 (SIGINT) or 143 (SIGTERM); temporary outputs are removed on the way
out. Any other exception is a bug and keeps its traceback.

A coordinate pair or list that begins with a minus sign (``sample -46.62,121.24``, ``route
--from -46.62,121.24``, ``map --bbox -10,40,20,50``) is a value, not an option:
:data:`NEGATIVE_VALUES`. ``--`` before a positional works as in every argparse program.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import io
import os
import re
import select
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path

from logistics import __version__
from logistics._numbers import number_of
from logistics.errors import ConfigError, LogisticsError, did_you_mean
from logistics.terrain.grid import RESOLUTION_RANGE_M

__all__ = ["main", "build_parser", "COMMANDS"]

#: Sub-command modules, in the order ``--help`` lists them (the data flow of the tool).
COMMANDS: tuple[str, ...] = ("places", "sample", "map", "route", "run", "compare", "calibrate",
                             "bench", "schema")

_MAX_LINES = 40  # lines of one error message shown (a config with many problems)
_MAX_CHARS = 4000  # characters of one error message shown
_EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # 141: what a shell reports for `cmd | head`


class _UsageError(Exception):
    """A bad command line, raised by the parsers instead of printing usage and exiting."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


#: What argparse takes as a value although it begins with ``-``: its own rule (one negative
#: number, ``-5``, ``-.5``) and a comma-separated list of numbers whose first is negative
#: (``-46.62,121.24``: LAT,LON south of the equator; ``-10,40,20,50``: a bbox). argparse reads
#: the latter as an unknown option ("expected one argument", "arguments are required"), and
#: it offers no public hook for what looks like a number, so each parser of the command
#: line gets this pattern in argparse's place (no option of ours looks like it).
NEGATIVE_VALUES = re.compile(r"^-\d+$|^-\d*\.\d+$"
                             r"|^-(\d+\.?\d*|\.\d+)(\s*,\s*[-+]?(\d+\.?\d*|\.\d+))+$")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (with a pointer to ``--help``), and which
    reads a leading-minus number list as a value (:data:`NEGATIVE_VALUES`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_VALUES

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(self.prog, message + _choice_hint(message))


def _choice_hint(message: str) -> str:
    """``"; did you mean 'run'?"`` for argparse's "invalid choice: 'rnu' (choose from ...)"
    (a command or an option's value typed with a slip: `logistics rnu`, `--dem merge`), which
    listed the choices but named none; '' for any other message, or no near choice."""
    from logistics.errors import did_you_mean

    m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
    if m is None:
        return ""
    return did_you_mean(m.group(1), re.findall(r"'([^']*)'", m.group(2)), lead="; ")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered sub-command."""
    parser = _Parser(
        prog="logistics",
        description=(
            "Historical GIS logistics: how fast, how far and at what fuel cost an army could "
            "move across real terrain (Manchuria, August 1945), compared with what happened."
        ),
    )
    parser.add_argument("--version", action="version",
                        version=f"logistics {__version__}",
                        help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"logistics.cli.{name}")
        module.register(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str:
    """The sub-command named in ``argv`` (for messages before parsing), or ''."""
    for arg in argv:
        if arg in COMMANDS:
            return arg
        if not arg.startswith("-"):
            return ""
    return ""


def _shorten(text: str) -> str:
    """At most _MAX_LINES lines and _MAX_CHARS characters of an error message."""
    lines = text.splitlines() or [""]
    more = len(lines) - _MAX_LINES
    lines = lines[:_MAX_LINES]
    out = "\n".join(lines)
    if len(out) > _MAX_CHARS:
        out = out[:_MAX_CHARS] + f" ... ({len(text) - _MAX_CHARS} more characters)"
    elif more > 0:
        out += f"\n  ... ({more} more lines)"
    return out


def _say(prefix: str, what: str, message: str) -> None:
    body = _shorten(message.strip() or what)
    first, *rest = body.splitlines() or [""]
    print(f"{prefix}: {what}: {first}", file=sys.stderr)
    for line in rest:
        print(line if line[:1].isspace() else f"  {line}", file=sys.stderr)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so every ``finally`` (temporary outputs) runs."""


class _Signals:
    """The command's own SIGINT/SIGTERM handlers: raise KeyboardInterrupt (``_Terminated``) and
    remember that the user stopped the command, so whatever breaks on the way out (an import
    interrupted half-way, a library cleaning up) is still reported as one "cancelled" line."""

    #: A swallowed interrupt is sent again this many seconds later, at most this many times
    #: (assumed: long enough to leave the finalizer that ate it, short next to a user's wait).
    REDELIVER_S, REDELIVER_MAX = 0.25, 5

    def __init__(self, *, redeliver: bool = False) -> None:
        self.received: int | None = None
        self.swallowed: bool = False
        self.previous: dict[int, object] = {}
        self._previous_hook = None
        self._redeliver = redeliver
        self._redelivered = 0
        self._finished = False

    def _raise(self, signum, frame):  # pragma: no cover - exercised in a subprocess
        self.received = signum
        if self._redeliver:  # the command's own process, which now ends on the user's stop
            _quiet_stop()
        raise _Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()

    def _unraisable(self, args) -> None:
        """``sys.unraisablehook``: an interrupt raised while Python ran a finalizer or a weakref
        callback (a garbage collection at that instant) cannot propagate; Python would print it
        as "Exception ignored in ..." with a traceback and go on. Keep it quiet and remember it
        (the command then says so in one line); anything else goes to the previous hook."""
        if isinstance(args.exc_value, KeyboardInterrupt) and self.received is not None:
            self.swallowed = True
            self._send_again(self.received)
            return
        (self._previous_hook or sys.__unraisablehook__)(args)

    def _send_again(self, signum: int) -> None:
        """In the command's own process, send a swallowed interrupt again a moment later, so
        that it lands outside the finalizer and stops the command (the first never reached
        its code, so no clean-up is under way to be broken). A command under ``main(argv)``
        inside another program is left alone: a late signal there would hit that program."""
        if not self._redeliver or self._redelivered >= self.REDELIVER_MAX:
            return
        self._redelivered += 1

        def again() -> None:
            if not self._finished:
                os.kill(os.getpid(), signum)

        timer = threading.Timer(self.REDELIVER_S, again)
        timer.daemon = True
        timer.start()

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[sig] = signal.signal(sig, self._raise)
            except ValueError:  # not the main thread (an embedding application): leave them
                return
        self._previous_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable

    def finish(self, *, process_ends: bool) -> None:
        """Put the previous handlers back; when the process ends with this command, ignore the
        signals instead: the command's outcome is decided, and a signal during interpreter
        shutdown (Python resets its own handlers then) would otherwise kill a finished run."""
        self._finished = True
        for sig, old in self.previous.items():
            signal.signal(sig, signal.SIG_IGN if process_ends else old)  # type: ignore[arg-type]
        if self._previous_hook is not None and not process_ends:
            sys.unraisablehook = self._previous_hook


def _quiet_stop() -> None:
    """From the user's stop on, dask and the event loops under its client say nothing more.
    Done in the signal handler, before the interrupt is raised: the client's loop thread logs
    what the stop breaks (a wait cut short, its cancel) at once, before any ``except`` of the
    command could silence it."""
    if "distributed" in sys.modules:
        from logistics.cli._cluster import silence_distributed

        silence_distributed()


def _os_message(exc: OSError) -> str:
    names = [str(n) for n in (exc.filename, getattr(exc, "filename2", None)) if n]
    where = f" ({' -> '.join(repr(n) for n in names)})" if names else ""
    return (f"{exc.strerror or exc}{where} (errno {exc.errno}); check the path, its permissions "
            "and the free space")


def _stdout_reader_gone() -> bool:
    """True when standard output is a pipe whose reader has gone (``| head``); standard output
    then points at os.devnull, so the interpreter's last flush does not complain again."""
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        gone = any(ev & select.POLLERR for _, ev in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no descriptor (an embedding app's stream)
        return False
    if gone:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    return gone


def _stdout_fails(exc: OSError) -> bool:
    """True when ``exc`` came out of a ``print(`` of the command's output to a standard output
    that cannot take it (``> /dev/full``; the error names no path); standard output then
    points at os.devnull, so the interpreter's last flush does not fail again on the way out.
    (Every command writes its output with print; flushing again cannot tell: the failed
    text is dropped from the buffer.)"""
    if isinstance(sys.stdout, _ClosedOutput):
        return True
    frames = traceback.extract_tb(exc.__traceback__)
    line = (frames[-1].line or "") if frames else ""
    if not line.startswith("print(") or "file=" in line:  # progress lines go to stderr
        return False
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # an embedding app's stream: leave it
        return True
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
    return True


class _ClosedOutput(io.TextIOBase):
    """Standard output of a process started with it closed (``>&-``): Python makes it None
    and ``print`` then writes nothing without a word (`sample` exited 0, its table lost).
    Writing here fails as on a closed descriptor, and the command says so."""

    def write(self, text: str) -> int:  # noqa: D102 - a stream's method
        raise OSError(errno.EBADF, "Bad file descriptor (standard output is closed)")


def _escape_what_streams_cannot_encode() -> None:
    """Standard output and error in an encoding that lacks a character the command prints
    (PYTHONIOENCODING=ascii, a Latin-1 terminal; names are Russian and Chinese too) write it
    as a backslash escape (``\\u0425``): it raised UnicodeEncodeError, a traceback halfway
    through the listing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # no stream, or not a text file's
            pass


def _quiet_libraries() -> None:
    """matplotlib logs its own troubles on stderr through ``logging`` (no writable config folder
    under HOME: "mkdir -p failed ...", "created a temporary cache directory ..."): its errors
    only, so stderr keeps to the command's progress and its one error line."""
    import logging

    logging.getLogger("matplotlib").setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    signals = _Signals(redeliver=argv is None)
    signals.install()
    if argv is None:  # the command's own process (not one embedding it)
        _quiet_libraries()
        _escape_what_streams_cannot_encode()
        # every figure is drawn on an Agg canvas into a file; a user's MPLBACKEND is never
        # used, and one matplotlib does not know (MPLBACKEND=bogus) failed its import in a
        # ValueError traceback, after the run's work
        os.environ["MPLBACKEND"] = "Agg"
        if sys.stdout is None:  # started with standard output closed (`>&-`)
            sys.stdout = _ClosedOutput()
    try:
        code = _main(list(sys.argv[1:] if argv is None else argv), signals)
    finally:
        signals.finish(process_ends=argv is None)
        if argv is not None and "logistics.cli._cluster" in sys.modules:
            # run in-process: the caller goes on, and dask's later errors are its own
            from logistics.cli._cluster import restore_distributed

            restore_distributed()
    if argv is None and code in _CANCELLED_CODES:
        _end_cancelled(code)
    return code


#: Exit codes of a command the user stopped (SIGINT, SIGTERM: :func:`_cancelled`).
_CANCELLED_CODES = (130, 143)


def _end_cancelled(code: int) -> None:  # pragma: no cover - exercised in a subprocess
    """End the command's own process after a stop, without the interpreter's shutdown: its
    "cancelled" line is said and its temporary outputs are gone (every ``finally`` ran), but a
    stop that landed inside a C extension's import or call can leave a library thread that
    aborts the shutdown ("Fatal Python error: PyThreadState_Get", exit -6: seen once in 6
    SIGTERMs 1.1 s into `run`, tests/test_fuzz_inputs.py). Streams are flushed first."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


def _main(args_list: list[str], signals: _Signals) -> int:
    prefix = f"logistics {_command_of(args_list)}".rstrip()
    try:
        from logistics import settings

        settings.check()
        parser = build_parser()
        args, extra = parser.parse_known_args(args_list)
        if extra:  # argparse's own error names no command ("logistics: error: ...")
            raise _unrecognized(parser, getattr(args, "command", None), extra)
        if not getattr(args, "func", None):
            raise _UsageError("logistics", f"give a command, one of {', '.join(COMMANDS)}")
        prefix = f"logistics {args.command}"
        code = int(args.func(args) or 0)
        if signals.swallowed:
            print(f"{prefix}: the interrupt came while Python was cleaning up and could not stop "
                  "the command; it finished, and what it wrote is complete", file=sys.stderr)
        return code
    except _UsageError as exc:
        _say(exc.prog, "error", f"{exc} (see `{exc.prog} --help`)")
        return 2
    except LogisticsError as exc:
        _say(prefix, "error", exc.command_line or str(exc))
        return 2
    except KeyboardInterrupt as exc:
        return _cancelled(prefix, signal.SIGTERM if isinstance(exc, _Terminated) else
                          signal.SIGINT)
    except MemoryError:
        _say(prefix, "error", "out of memory; try a coarser --resolution-m, a smaller box or "
                              "fewer workers")
        return 2
    except OSError as exc:  # the environment (disk, permissions), not the user's input
        if signals.received is not None:
            return _cancelled(prefix, signals.received)
        if isinstance(exc, BrokenPipeError) and _stdout_reader_gone():
            return _EXIT_BROKEN_PIPE
        if not exc.filename and _stdout_fails(exc):  # `> /dev/full`: it named no path at all
            _say(prefix, "error", f"cannot write to standard output: {exc.strerror or exc} "
                                  f"(errno {exc.errno}); fix: send it where it can be written "
                                  "(a file on a disk with free space, a terminal)")
            return 2
        _say(prefix, "error", _os_message(exc))
        return 2
    except Exception:
        if signals.received is not None:  # a consequence of the interruption, not a bug
            return _cancelled(prefix, signals.received)
        raise


#: What each command takes without an option, for the fix of a word it does not take.
_POSITIONALS: dict[str, str] = {
    "run": ("run takes one config file or a folder (it runs every army file in it): give one, "
            "or a folder holding the files to run"),
    "sample": "sample takes the place first (a name or LAT,LON), then the options",
    "places": "places takes its TEXT first, before the options",
}


def _unrecognized(parser: argparse.ArgumentParser, command: str | None,
                  extra: list[str]) -> _UsageError:
    """The usage error of arguments no parser took, from the command's own parser (argparse's
    comes from the top one: "logistics: error: ...", against the rule that every error names
    its command), with the fix: what the command takes without an option, or the options
    near an unknown one."""
    sub = next((a.choices.get(command) for a in parser._actions
                if isinstance(a, argparse._SubParsersAction)), None) if command else None
    prog = sub.prog if sub is not None else parser.prog
    options = sorted(o for a in (sub or parser)._actions for o in a.option_strings)
    words = [e for i, e in enumerate(extra) if not e.startswith("-")  # not an unknown's value
             and not (i and extra[i - 1].startswith("-") and "=" not in extra[i - 1])]
    flags = [e for e in extra if e.startswith("-")]
    fixes = []
    if words:
        fixes.append(_POSITIONALS.get(command or "", f"{command or 'logistics'} takes no "
                                      "value without its option (e.g. --out DIR)"))
    for flag in flags:
        fixes.append(f"{flag[:40]} is no option of {prog}"
                     + did_you_mean(flag.split("=")[0], options, lead="; "))
    shown = " ".join(e[:80] for e in extra)
    return _UsageError(prog, f"unrecognized arguments: {shown}; fix: {'; '.join(fixes)}")


def _cancelled(prefix: str, signum: int) -> int:
    _quiet_stop()  # a client may still be closing in its own thread
    if signum == signal.SIGTERM:
        print(f"{prefix}: cancelled (SIGTERM)", file=sys.stderr)
        return 143
    print(f"{prefix}: cancelled", file=sys.stderr)
    return 130


def int_in(lo: int, hi: int | None):
    """argparse type factory: a whole number in [lo, hi] (``hi`` None: no upper bound)."""
    rng = f"{lo}..{hi}" if hi is not None else f">= {lo}"

    def parse(text: str) -> int:
        try:
            value = number_of(text, whole=True)
        except ValueError:
            value = None
        if value is None or value < lo or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"expected a whole number {rng}, got {text[:40]!r}")
        return value

    parse.__name__ = "whole number"
    return parse


#: argparse types: an integer >= 1, an integer >= 0, a seed (numpy's range 0 .. 2**32 - 1).
positive_int = int_in(1, None)
non_negative_int = int_in(0, None)
seed = int_in(0, 2**32 - 1)


def float_in(lo: float, hi: float, *, unit: str = "", lo_open: bool = False):
    """argparse type factory: a finite number in [lo, hi] (``lo_open``: lo excluded)."""

    def parse(text: str) -> float:
        try:
            value = number_of(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text[:40]!r}") from None
        ok = value == value and lo <= value <= hi and not (lo_open and value == lo)
        if not ok:
            left = "(" if lo_open else "["
            raise argparse.ArgumentTypeError(
                f"expected a number in {left}{lo:g}, {hi:g}]{' ' + unit if unit else ''}, "
                f"got {text[:40]!r}")
        return value

    parse.__name__ = "number"
    return parse


#: ``--resolution-m`` everywhere: grid cell size in metres, in the range the Python API takes.
resolution_m = float_in(*RESOLUTION_RANGE_M, unit="m")


def warn_coarse(command: str, note: str | None) -> None:
    """On stderr, before the work, the warning for a grid too coarse for what ``command``
    computes (:mod:`logistics.advance.coarse_grid`, one wording for every command; the work
    goes on); nothing when ``note`` is None."""
    if note:
        print(f"logistics {command}: warning: {note}", file=sys.stderr)


def path_text(text: str) -> str:
    """A path option as typed (argparse ``type``); an empty one (an unset shell variable, as
    in ``--network "$NET"``) is refused: read as '.' or as the option left out, it silently
    chose the current folder or the shipped default; so is ``-`` (a whole run or comparison
    went into a folder named '-', where standard output was meant)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"an empty path ({text!r}); give a file or folder, or leave the option out for its "
            "default")
    if text == "-":  # the shell idiom for standard input/output: a folder named '-' was made
        raise argparse.ArgumentTypeError(
            "'-' (standard input or output) is no path logistics reads or writes: its inputs "
            "and outputs are files and folders; give one, e.g. out/run1 (./- for one named '-')")
    return text


def path_value(text: str) -> Path:
    """:func:`path_text` as a Path (argparse ``type``)."""
    return Path(path_text(text))


def out_path(value, default: str, *, kind: str = "output folder") -> tuple[Path, dict]:
    """(the output path, keywords naming it in :func:`logistics._atomic.check_output_dir` and
    ``check_output_file`` messages): ``--out`` as given, else ``default``, named "the default
    output folder" with ``--out`` as the way to choose another (the user gave no ``--out``)."""

    if value is not None:
        return Path(value), {}
    return Path(default), {"what": f"the default {kind}", "option": "--out"}


def add_overwrite(p: argparse.ArgumentParser, what: str = "an output folder") -> None:
    """The ``--overwrite`` flag: replace {what} this tool wrote before (never anything else)."""
    p.add_argument("--overwrite", action="store_true",
                   help=f"replace {what} that logistics wrote before (a folder or file it did "
                        "not write is never replaced)")


def check_identifier(value: str, what: str) -> str:
    """A name that becomes a file name (``--name``): see :func:`logistics.army.base.identifier_problem`."""
    from logistics.army.base import identifier_problem

    problem = identifier_problem(value)
    if problem:
        raise ConfigError(f"{what} {value[:80]!r}: {problem}")
    return value


def names_once(text: str, option: str) -> list[str]:
    """The names of a comma-separated option (``--engines a,b``), stripped, empty ones dropped;
    ConfigError when one is given twice (its second copy would be dropped without a word)."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"{option} names {', '.join(repr(n[:60]) for n in twice)} more than "
                          f"once; name each once")
    return names


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
