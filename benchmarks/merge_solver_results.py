"""Join several `logistics bench` result files into one JSON and one scaling plot.

For a scaling plot 1e5..1e8 when the sizes were run separately (the 1e8 row takes long): each
row keeps its own `load_1m_all`; `meta.runs` lists the runs' meta blocks.

    .venv/bin/python benchmarks/merge_solver_results.py benchmarks/results \\
        benchmarks/results/solver-1e5-1e7.json benchmarks/results/solver-1e8.json
"""

from __future__ import annotations

import json
import sys

from logistics.cost.bench import markdown_table, write_results


def main(out_dir: str, *paths: str) -> None:
    runs = [json.loads(open(p).read()) for p in paths]
    rows = sorted((r for run in runs for r in run["results"]), key=lambda r: r["cells"])
    merged = {"meta": {"runs": [run["meta"] for run in runs], "merged_from": list(paths)},
              "results": rows}
    json_path, png_path = write_results(merged, out_dir, name="solver")
    print(markdown_table(merged))
    print(f"wrote {json_path} and {png_path}")


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
