"""Print each page's size for one sitting, and fail a page over its budget.

    python scripts/page_budget.py [_build]

A page is one sitting, about an hour: at most ``WORDS`` words of prose and ``LINES``
lines of visible code, exercise solutions excluded. Counted as the project's house-rule
hook counts them: the words of Markdown cells (a MyST role such as {term}`PCA` counts
as one word); the non-blank lines of code cells not tagged ``remove-cell`` or
``remove-input``; nothing between a ``{solution-start}`` and its ``{solution-end}``.
With a build folder, the table also gives each notebook's execution seconds in that
build (``scripts/bench.py`` reads the same records).

The pages not yet split into one-sitting lessons are listed in ``NOT_YET_SPLIT`` with
the size they had when the budget came in: they may shrink but not grow, and each
leaves the list when it is within budget. Exits 1 if a page is over its budget.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS, LINES = 3500, 300
# Pages over budget when it came in: (words, visible code lines) they may not exceed.
NOT_YET_SPLIT: dict[str, tuple[int, int]] = {
    "01_generative_modelling": (5785, 459),
    "03_vae": (6238, 451),
    "04_latent_space": (5050, 373),
    "05_why_gans": (6877, 521),
}
HIDDEN = {"remove-cell", "remove-input"}
ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
FENCED_SOLUTION = re.compile(r"```\{solution\}.*?```", re.S)


def count(notebook: dict) -> tuple[int, int]:
    """(words of prose, visible code lines) of a notebook, solutions excluded."""
    words = lines = 0
    in_solution = False
    for cell in notebook.get("cells", []):
        src = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            if "{solution-start}" in src:
                in_solution = True
            if in_solution:
                in_solution = "{solution-end}" not in src
                continue
            prose = ROLE.sub("x", FENCED_SOLUTION.sub("", src))
            words += len(WORD.findall(prose))
        elif cell.get("cell_type") == "code" and not in_solution:
            if HIDDEN & set(cell.get("metadata", {}).get("tags", [])):
                continue
            lines += sum(1 for line in src.splitlines() if line.strip())
    return words, lines


def budget(name: str) -> tuple[int, int]:
    """The (words, lines) a page may have."""
    return NOT_YET_SPLIT.get(name, (WORDS, LINES))


def problems(sizes: dict[str, tuple[int, int]]) -> list[str]:
    """What is over budget, and which listed pages may leave NOT_YET_SPLIT."""
    found = []
    for name, (words, lines) in sizes.items():
        max_words, max_lines = budget(name)
        if words > max_words or lines > max_lines:
            found.append(
                f"{name}: {words} words, {lines} visible code lines; "
                f"the budget is {max_words} and {max_lines}"
            )
        elif name in NOT_YET_SPLIT and words <= WORDS and lines <= LINES:
            found.append(f"{name} is within budget: remove it from NOT_YET_SPLIT")
    return found


def seconds(build: Path) -> dict[str, float]:
    """Execution seconds per notebook in a build, or nothing without one."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import read_exec_data

    try:
        records = read_exec_data(build)
    except (FileNotFoundError, OSError, SystemExit):
        return {}
    return {
        name.split("/")[-1]: float(r["runtime"])
        for name, r in records.items()
        if r.get("runtime") is not None
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", type=Path, default=ROOT / "_build")
    args = parser.parse_args(argv)
    sizes = {
        path.stem: count(json.loads(path.read_text()))
        for path in sorted((ROOT / "chapters").glob("*.ipynb"))
    }
    times = seconds(args.build)
    print(f"{'page':28} {'words':>6} {'lines':>6} {'seconds':>8}  budget")
    for name, (words, lines) in sizes.items():
        took = f"{times[name]:8.1f}" if name in times else f"{'-':>8}"
        max_words, max_lines = budget(name)
        note = "" if name not in NOT_YET_SPLIT else "  (not yet split)"
        print(f"{name:28} {words:6d} {lines:6d} {took}  {max_words}/{max_lines}{note}")
    found = problems(sizes)
    for problem in found:
        print(f"over budget: {problem}" if "budget is" in problem else problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
