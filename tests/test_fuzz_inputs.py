"""Fuzz what a user types: shipped configs and CSVs mutated, command lines drawn at random.

For every input the tool must either succeed or end with exit code 2 and one line
``logistics <cmd>: error: ...`` (a config with several problems lists them on indented lines
below it): never a traceback, never a hang, never a file written outside ``--out``, never a
file the user had changed. The examples run in this process where they can (configs and CSVs
are read and validated, command lines are parsed and checked up to their first real work);
the hang and signal cases run in a subprocess with a timeout.

More examples with ``HYPOTHESIS_PROFILE=ci`` (a few hundred in all).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from logistics import settings as lsettings
from logistics.cli import main
from logistics.errors import LogisticsError
from logistics.history.documented import load_documented
from logistics.army.base import Figure
from logistics.army.load import army_figure_paths, army_paths, load_army

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
CI = PROFILE in ("ci", "explore")


def _examples(dev: int, ci: int) -> settings:
    """``ci`` examples in CI, the same ones every run (a red CI must be reproducible, as
    tests/conftest.py rules); ``dev`` new ones on every developer run; ``explore``: ``ci``
    new ones, to hunt (``HYPOTHESIS_PROFILE=explore pytest tests/test_fuzz_inputs.py``)."""
    return settings(max_examples=ci if CI else dev, deadline=None,
                    derandomize=PROFILE == "ci",
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


CONFIGS = army_paths(lsettings.CONFIG_DIR)  # the army files users write
DOCUMENTED = lsettings.CONFIG_DIR / "history" / "documented-advances.csv"
_ERROR = re.compile(r"^logistics [a-z]+: error: ")


# ---- what the user has, and what must not change -----------------------------------------


def _state(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st_ = os.lstat(p)
            key = str(p.relative_to(root))
            if stat.S_ISREG(st_.st_mode):
                out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif stat.S_ISLNK(st_.st_mode):
                out[key] = "link:" + os.readlink(p)
            else:
                out[key] = stat.filemode(st_.st_mode)[0]
    return out


def _sandbox(root: Path) -> Path:
    """A fresh working folder holding the user's files (a thesis, a folder, a pipe, a link)."""
    work = root / f"w{time.monotonic_ns()}"
    work.mkdir()
    (work / "thesis.txt").write_text("the only copy\n")
    (work / "d").mkdir()
    (work / "d" / "notes.txt").write_text("mine\n")
    (work / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\nmine")
    os.mkfifo(work / "pipe")
    (work / "link").symlink_to("d")
    return work


def _one_error(err: str, command: str) -> None:
    from logistics.progress import PREFIX

    # the progress lines of the steps begun before the error (stderr is not a terminal) aside
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(PREFIX)]
    assert "Traceback" not in err, err
    assert lines and _ERROR.match(lines[0]) and lines[0].startswith(f"logistics {command}:"), err
    assert all(ln[:1].isspace() for ln in lines[1:]), err  # continuation lines only
    assert len(err) < 20_000  # never a whole bad value


# ---- configs ---------------------------------------------------------------------------------

_NUMBERS = st.sampled_from([".nan", ".inf", "-.inf", "1e30", "1.0e+30", "true", "false", "~",
                            "-1", "0", "99999999999999999999", "1e400", "abc", "[]", "{}",
                            "0.5", "-0.0", "'12'", "2.5", "1e-300"])
_DATES = st.sampled_from(["1945-02-30", "19450826", "1945-08-26T00:00Z", "9999-12-31",
                          "0001-01-01", "2100-08-26", "1945-13-01", "1945-08-26T24:30",
                          "1945-08-09T00:01+10:00", "'1945-08-26'", "1945-08-26 00:00:00",
                          "yesterday", "1945-08-26", ".nan", "true"])
_TEXTS = st.one_of(
    st.sampled_from(["''", "'../x'", "'/tmp/logistics-fuzz-absolute'", "'a/b'", "'..'", '"\\0"', "~", "123",
                     "true", "[a, b]", "{a: 1}", "'x' ", "'" + "x" * 30000 + "'",
                     "'T-34-85'", "Hailar", "'tbf-6gta'"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40).map(
        lambda t: "'" + t.replace("'", "''") + "'"),
)


def _scalars(text: str):
    out = []

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, [*path, str(k.value)])
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, [*path, str(i)])
        else:
            out.append((path, node))

    walk(yaml.compose(text), [])
    return out


@st.composite
def mutated_config(draw) -> bytes:
    """A shipped config with one typing slip: a value replaced, a line doubled or dropped, the
    file cut short or a few non-UTF-8 bytes in it."""
    text = draw(st.sampled_from(CONFIGS)).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["value", "value", "value", "double", "drop", "cut", "bytes"]))
    if kind == "value":
        path, node = draw(st.sampled_from(_scalars(text)))
        tag = node.tag.rsplit(":", 1)[-1]
        if tag in ("int", "float"):
            new = draw(st.one_of(_NUMBERS, _DATES))
        elif tag == "timestamp" or re.match(r"^\d{4}-\d\d-\d\d", str(node.value)):
            new = draw(st.one_of(_DATES, _NUMBERS))
        else:
            new = draw(st.one_of(_TEXTS, _NUMBERS))
        s, e = node.start_mark.index, node.end_mark.index
        return (text[:s] + new + text[e:]).encode("utf-8", "surrogatepass")
    lines = text.splitlines(keepends=True)
    if kind == "double":
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[: i + 1] + lines[i:]).encode()
    if kind == "drop":
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[:i] + lines[i + 1:]).encode()
    raw = text.encode()
    at = draw(st.integers(0, len(raw)))
    if kind == "cut":
        return raw[:at]
    return raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]


def _check_accepted(sc) -> None:
    """What an army file that passes must hold: finite figures, naive dates, an identifier."""
    for path, fig in army_figure_paths(sc).items():
        assert isinstance(fig, Figure) and not isinstance(fig.value, bool), path
        assert fig.value == fig.value and abs(fig.value) <= 1e9, path
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", sc.axis_id) and ".." not in sc.axis_id
    assert sc.h_hour.value.tzinfo is None and sc.end.value.tzinfo is None
    assert all(s.start.value.tzinfo is None for s in sc.seasons)


@_examples(dev=50, ci=200)
@given(data=mutated_config())
@example(data=(lambda t: t.replace("  value: 1945-08-26\n", "  value: 1945-08-26\n  value: "
                                   "1945-08-20\n", 1).encode())(CONFIGS[0].read_text()))
def test_mutated_configs_load_or_fail_in_one_line(tmp_path_factory, capsys, data):
    work = _sandbox(tmp_path_factory.mktemp("cfg"))
    sc_path = work / "sc.yaml"
    sc_path.write_bytes(data)
    before = _state(work)
    try:
        sc = load_army(sc_path)
    except LogisticsError as exc:
        assert len(str(exc)) < 20_000
        # the command line says it in one error line, before any work, touching nothing
        capsys.readouterr()
        code = main(["run", str(sc_path), "--out", str(work / "o")])
        assert code == 2
        _one_error(capsys.readouterr().err, "run")
    else:
        _check_accepted(sc)
    assert _state(work) == before


# ---- documented CSVs -----------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(["", "nan", "inf", "-1", "1945-02-30", "1945-8-9", "19450809", "120-150",
                     ">450", "250 (up to)", "abc", "1e400", "99", "-91", "TBF-6GTA", "X",
                     '"', "a,b", "\n"]),
    st.text(max_size=20),
)


@st.composite
def mutated_csv(draw) -> bytes:
    """The shipped documented file with cells, columns or bytes changed."""
    rows = DOCUMENTED.read_text(encoding="utf-8").splitlines()
    kind = draw(st.sampled_from(["cell", "cell", "header", "dup", "rows", "bytes", "cut"]))
    if kind == "cell":
        import csv
        import io

        table = list(csv.reader(io.StringIO("\n".join(rows))))
        for _ in range(draw(st.integers(1, 5))):
            r = draw(st.integers(1, len(table) - 1))
            c = draw(st.integers(0, len(table[0]) - 1))
            table[r][c] = draw(_CELLS)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(table)
        return buf.getvalue().encode("utf-8", "surrogatepass")
    if kind == "header":
        head = rows[0].split(",")
        head[draw(st.integers(0, len(head) - 1))] = draw(st.sampled_from(["", "x", "date"]))
        return "\n".join([",".join(head), *rows[1:]]).encode()
    if kind == "dup":
        i = draw(st.integers(0, len(rows[0].split(",")) - 1))
        return "\n".join(ln + "," + (ln.split(",")[i] if ln.count(",") else "")
                         for ln in rows).encode()
    if kind == "rows":
        return "\n".join(rows[: draw(st.integers(0, 3))]).encode()
    raw = "\n".join(rows).encode()
    at = draw(st.integers(0, len(raw)))
    if kind == "cut":
        return raw[:at]
    return raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]


@_examples(dev=40, ci=150)
@given(data=mutated_csv())
def test_mutated_documented_files_read_or_fail_in_one_line(tmp_path_factory, data):
    work = _sandbox(tmp_path_factory.mktemp("csv"))
    doc_path = work / "doc.csv"
    doc_path.write_bytes(data)
    before = _state(work)
    try:
        doc = load_documented(doc_path)
    except LogisticsError as exc:
        assert len(str(exc)) < 20_000
    else:
        # every row is kept, its problems listed; usable rows have an axis and a real date
        assert doc.table["usable"].dtype == bool
        usable = doc.table[doc.table["usable"]]
        assert (usable["axis_id"] != "").all() and usable["date"].notna().all()
        for col in ("lat", "lon", "km_min", "km_max"):
            vals = doc.table[col].dropna()
            assert ((vals.abs() < float("inf"))).all()
    assert _state(work) == before


# ---- command lines ---------------------------------------------------------------------------

_NUM_VALUES = ["nan", "inf", "-inf", "-1", "0", "1e12", "1e-9", "abc", "", "1e400", "2.5", "10",
               "5000", "-0", "99999999999999999999", "0x10", "1_000"]
_OUTS = ["new", "d", "thesis.txt", "thesis.txt/sub", ".", "..", "pipe", "link", "", "n" * 300,
         "figure.png", "d/new", "/proc/self/x"]
#: Per command: its options with values to draw, and a fixed argument that makes it stop with
#: a clean error at its first real work (so a valid draw never starts a long computation).
_COMMANDS = {
    "run": ({"--seed": _NUM_VALUES, "--resolution-m": _NUM_VALUES, "--dem": ["merged", "x"],
             "--out": _OUTS}, ["missing.yaml"], ["--overwrite", "--no-events"]),
    "sample": ({"--resolution-m": _NUM_VALUES, "--season": ["dry", "monsoon"],
                "--dem": ["etopo5", "x"]}, ["Atlantis"], ["--json"]),
    "map": ({"--dpi": _NUM_VALUES, "--resolution-m": _NUM_VALUES, "--out": _OUTS + ["m.png",
             "d.png", "x.svg", ".png"], "--title": ["t", "t" * 5000]},
            ["--bbox", "100,30,101,31"], ["--overwrite", "--no-labels"]),
    "route": ({"--resolution-m": _NUM_VALUES, "--mode": ["any", "air"], "--out": _OUTS,
               "--season": ["wet", "x"]},
              ["--from", "Atlantis", "--to", "Harbin", "--vehicle", "zis-5"], ["--overwrite"]),
    "compare": ({"--tolerance-km": _NUM_VALUES, "--samples": _NUM_VALUES, "--seed": _NUM_VALUES,
                 "--workers": _NUM_VALUES, "--set": ["speed_scale=nan", "x=1", "=", "a=b"],
                 "--map-resolution-m": _NUM_VALUES, "--out": _OUTS, "--resolution-m": _NUM_VALUES},
                ["--documented", "missing.csv"], ["--overwrite", "--no-map"]),
    "calibrate": ({"--points": _NUM_VALUES, "--bound": ["speed_scale=nan:1", "x", "a=2:1"],
                   "--params": ["bogus", "", "speed_scale"], "--out": _OUTS,
                   "--workers": _NUM_VALUES}, ["--documented", "missing.csv"], ["--overwrite"]),
    "bench": ({"--sizes": ["0", "inf", "nan", "abc", "", "400", "1e13"], "--repeat": _NUM_VALUES,
               "--name": ["../x", "/tmp/x", "a/b", "..", "", "ok"], "--out": _OUTS,
               "--seed": _NUM_VALUES}, ["--engines", "nope"], []),
}


@st.composite
def command_line(draw) -> tuple[str, list[str]]:
    name = draw(st.sampled_from(sorted(_COMMANDS)))
    options, stopper, flags = _COMMANDS[name]
    argv = [name, *stopper]
    for opt in draw(st.lists(st.sampled_from(sorted(options)), max_size=4, unique=True)):
        argv += [opt, draw(st.sampled_from(options[opt]))]
    argv += draw(st.lists(st.sampled_from(flags), max_size=len(flags), unique=True)) if flags else []
    return name, argv


@_examples(dev=60, ci=250)
@given(cmd=command_line())
def test_random_command_lines_fail_in_one_line_and_touch_nothing(tmp_path_factory, cmd,
                                                                  monkeypatch, capsys):
    name, argv = cmd
    work = _sandbox(tmp_path_factory.mktemp("cli"))
    monkeypatch.chdir(work)
    before = _state(work)
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, (argv, err)  # every draw holds an argument that stops it cleanly
    _one_error(err, name)
    assert _state(work) == before, argv  # nothing written, moved or removed


# ---- in a subprocess: hangs and signals ------------------------------------------------------


def _cli(args: list[str], cwd: Path, timeout_s: float = 180.0) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "logistics", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout_s,
                          stdin=subprocess.DEVNULL)


def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


_HANGS = {
    "alias bomb": (lambda w: (w / "sc.yaml").write_text(_bomb()), ["run", "sc.yaml"]),
    "config is a pipe": (lambda w: None, ["run", "pipe"]),
    "documented file is a pipe": (lambda w: None, ["compare", "--documented", "pipe",
                                                   "--workers", "0", "--no-map"]),
    "a century-long scenario": (
        lambda w: (w / "sc.yaml").write_text(CONFIGS[0].read_text(encoding="utf-8").replace(
            "value: 1945-08-26", "value: 2100-08-26", 1)), ["run", "sc.yaml"]),
    "500 workers": (lambda w: None, ["compare", "--workers", "500", "--samples", "2",
                                     "--no-map"]),
    "a billion draws": (lambda w: None, ["compare", "--samples", "1000000000", "--no-map"]),
}


@pytest.mark.parametrize("case", sorted(_HANGS))
def test_what_used_to_hang_is_refused_quickly(tmp_path, case):
    prepare, argv = _HANGS[case]
    work = _sandbox(tmp_path)
    prepare(work)
    before = _state(work)
    res = _cli([*argv, "--out", "o"], work, timeout_s=120)  # a hang fails here
    assert res.returncode == 2, res.stderr[-2000:]
    _one_error(res.stderr, argv[0])
    assert _state(work) == before


@pytest.mark.slow
@_examples(dev=2, ci=6)
@given(sig=st.sampled_from([signal.SIGINT, signal.SIGTERM]), delay_s=st.floats(0.5, 25.0))
def test_a_signal_at_any_moment_is_one_line_or_a_complete_run(tmp_path_factory, sig, delay_s):
    work = _sandbox(tmp_path_factory.mktemp("sig"))
    (work / "sc.yaml").write_text((lsettings.CONFIG_DIR / "tbf-cmg.yaml").read_text())
    before = _state(work)
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "logistics", "run", "sc.yaml",
                             "--resolution-m", "10000", "--out", "o"], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        time.sleep(delay_s)
        if proc.poll() is None:
            os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
        _, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    after = _state(work)
    assume(proc.returncode != -sig)  # the signal came before Python could handle any
    if proc.returncode == 0:  # finished first: a complete run folder
        assert (work / "o" / "report.md").is_file()
    else:
        assert proc.returncode in (130, 143), err
        from logistics.progress import PREFIX

        said = "\n".join(ln for ln in err.splitlines() if ln.strip() and not ln.startswith(PREFIX))
        assert said in ("logistics run: cancelled", "logistics run: cancelled (SIGTERM)"), err
        assert not any(k == "o" or k.startswith(("o/", ".o.")) for k in after)
    assert {k: v for k, v in after.items() if k in before} == before
    assert not [k for k in after if re.match(r"^\..*\.(tmp|old)\.", Path(k).name)]
