"""Execute notebooks and print how long each code cell took (profile before optimising).

    python scripts/cell_times.py chapters/02_autoencoders_vs_pca.ipynb [--top N]

Runs each notebook top to bottom with nbclient (on the backend KERAS_BACKEND names,
from the notebook's folder, as the book build does), then prints the slowest cells, the
total, and how much of it the exercise solutions took: the code cells between a
``{solution-start}`` and its ``{solution-end}`` (issue: solutions add at most 20% to a
chapter). A chapter in several notebooks (02 and 02b: chapter 2, parts 1 and 2) also
gets one line for the whole chapter. Nothing is written back to the notebook.
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


def share_line(label: str, sol: float, rest: float, cells: int | None = None) -> str:
    """How much the solutions add on top of the rest, as a percentage."""
    share = 100 * sol / rest if rest else 0.0
    count = f" ({cells} cells)" if cells is not None else ""
    return (
        f"{label}: {sol:.1f} s{count}, {share:.0f}% on top of the rest "
        f"({rest:.1f} s, kernel start-up included)"
    )


def chapter_of(path: Path) -> str:
    """The chapter a notebook belongs to: its leading digits (02b_... -> 02)."""
    match = re.match(r"\d+", path.name)
    return match.group(0) if match else path.stem


def profile(path: Path, top: int) -> tuple[float, float]:
    """Run one notebook; print its slowest cells; return (total, solutions) seconds."""
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
    print(share_line("solutions", sol, total - sol, len(in_solutions)))
    return total, sol


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=12, help="how many cells to list")
    args = parser.parse_args(argv)
    chapters: dict[str, list[tuple[str, float, float]]] = {}
    for path in args.notebooks:
        total, sol = profile(path.resolve(), args.top)
        chapters.setdefault(chapter_of(path), []).append((path.stem, total, sol))
    for chapter, parts in chapters.items():
        if len(parts) > 1:  # one chapter in several notebooks: its own line
            names = ", ".join(name for name, _, _ in parts)
            sol = sum(s for _, _, s in parts)
            rest = sum(t for _, t, _ in parts) - sol
            print(
                "\n" + share_line(f"chapter {chapter} ({names}): solutions", sol, rest)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
