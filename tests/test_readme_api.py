"""The README's "Python API" section runs as written (a doctest), so it cannot rot."""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Python API\n(.*?)^## ", text, flags=re.S | re.M)
    assert m, "README.md has no '## Python API' section"
    blocks = re.findall(r"```python\n(.*?)```", m.group(1), flags=re.S)
    assert blocks, "the Python API section has no python examples"
    return "\n".join(blocks)


def test_readme_python_api_runs_as_written(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name configs/ as a user in the checkout would
    source = _section()
    test = doctest.DocTestParser().get_doctest(source, {}, "README.md#python-api",
                                               str(ROOT / "README.md"), 0)
    assert len(test.examples) >= 15
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} README examples failed"
    assert os.getcwd() == str(ROOT)
