"""Shared test set-up: the script folders tests import from, and hypothesis profiles."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The railway builder is a script folder beside its data (configs/network/), not a package;
# its modules import each other by file name, so tests import them the same way.
if str(ROOT / "configs" / "network") not in sys.path:
    sys.path.insert(0, str(ROOT / "configs" / "network"))
