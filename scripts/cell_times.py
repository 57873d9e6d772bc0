"""Execute notebooks and print how long each code cell took (profile before optimising).

    python scripts/cell_times.py chapters/02_autoencoders_vs_pca.ipynb [--top N]

Runs each notebook top to bottom with nbclient (on the backend KERAS_BACKEND names,
from the notebook's folder, as the book build does), then prints the slowest cells, the
total, and how much of it the exercise solutions took: the code cells between a
``{solution-start}`` and its ``{solution-end}`` (issue: solutions add at most 20% to a
chapter). Nothing is written back to the notebook.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# the opening fence of a gated solution's directive (not a mention in the prose)
MARK = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\{solution-(start|end)\}", re.M)


def solution_cells(nb) -> set[int]:
    """Indices of the code cells inside gated solutions."""
    inside, found = False, set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            # a cell may open and close (prose-only solution) or do one of them
            for match in MARK.finditer(cell.source):
                inside = match.group(1) == "start"
        elif inside:
            found.add(index)
    return found


class TimedClient(NotebookClient):
    """nbclient, recording the wall time of every code cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds: dict[int, float] = {}

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        start = time.perf_counter()
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            if cell.cell_type == "code":  # nbclient passes Markdown cells by too
                self.seconds[cell_index] = time.perf_counter() - start


def first_line(source: str) -> str:
    lines = [ln for ln in source.splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    return text[:60]


def profile(path: Path, top: int) -> float:
    nb = nbformat.read(path, as_version=4)
    client = TimedClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    seconds = client.seconds
    in_solutions = solution_cells(nb)
    print(f"\n{path.name}: {total:.1f} s in all ({len(seconds)} code cells)")
    print(f"{'cell':>5} {'seconds':>8}  first line")
    for index in sorted(seconds, key=seconds.get, reverse=True)[:top]:
        mark = "  [solution]" if index in in_solutions else ""
        line = first_line(nb.cells[index].source)
        print(f"{index:>5} {seconds[index]:>8.2f}  {line}{mark}")
    sol = sum(seconds.get(i, 0.0) for i in in_solutions)
    rest = total - sol
    share = 100 * sol / rest if rest else 0.0
    print(
        f"solutions: {sol:.1f} s ({len(in_solutions)} cells), "
        f"{share:.0f}% on top of the rest ({rest:.1f} s, kernel start-up included)"
    )
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=12, help="how many cells to list")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        profile(path.resolve(), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
