"""Train timing rules shared by routes and moves: the wait for a train, a break of gauge.

One place for what :mod:`~logistics.network.multimodal` (``logistics route``) and
:mod:`~logistics.network.railmove` (a formation's rail move in the advance) both charge:

* the **mean wait** for a train at a station is half the interval between trains, 12 h / train
  pairs a day of the best-served line through it (``lines-1945.yaml`` ``trains_per_day`` where
  sourced, else ``network.yaml`` ``rail.default_train_pairs_per_day``, an assumption);
* a **break of gauge** (1,435 <-> 1,520 mm) for troops: detrain, wait for a train of the other
  gauge, entrain (``network.yaml`` ``rail.detrain_h``, ``rail.entrain_h``).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from logistics.network.params import NetworkParams, load_lines
from logistics.network.stations import lines_at

__all__ = ["train_pairs_at", "wait_h", "gauge_break_h"]


def train_pairs_at(graph: nx.MultiDiGraph, node, params: NetworkParams) -> float:
    """Train pairs a day of the best-served line through ``node`` (the lines file beside
    ``params``' network.yaml)."""
    lines = load_lines(Path(params.folder) / "lines-1945.yaml" if params.folder else None)
    pairs = {ref: info.train_pairs_per_day for ref, info in lines.items()
             if info.train_pairs_per_day}
    return max((pairs.get(r, params.default_train_pairs_per_day) for r in lines_at(graph, node)),
               default=params.default_train_pairs_per_day)


def wait_h(graph: nx.MultiDiGraph, node, params: NetworkParams) -> float:
    """Mean hours to wait for a train at ``node``: 12 h / train pairs a day."""
    return 12.0 / train_pairs_at(graph, node, params)


def gauge_break_h(graph: nx.MultiDiGraph, node, params: NetworkParams) -> float:
    """Hours troops lose changing trains at a break of gauge at ``node``."""
    return params.detrain_h + wait_h(graph, node, params) + params.entrain_h
