"""Print how long each notebook took to execute in the book build, and check the limits.

    python scripts/bench.py [_build] [--chapter-limit S] [--first-limit S]
                            [--total-limit S] [--limit NAME=S ...]

Nothing is executed again: myst-nb records every notebook's execution (method, run
time, success) while the book builds, in the Sphinx environment the build pickles to
``_build/.doctrees/environment.pickle``; the same records fill the build's own table
(``{nb-exec-table}`` in appendix/building.md). The backend each notebook ran on is read
from the line the hidden set-up cell prints, in ``_build/jupyter_execute``.

Exits 1, and says which, if a notebook of the table of contents was not executed or
failed, if a notebook took longer than its limit, if the notebooks of chapters 0-5
together took longer than theirs, or if all of them together took longer than the
total limit. The limits live in ``LIMITS`` below; the options relax them for
one run (e.g. ``--chapter-limit 120 --total-limit 600`` while chapters are being sped
up).
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_notebooks import toc_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# The limits, in seconds of notebook execution on the build backend (JAX), 2 CPU cores.
LIMITS = {
    "chapter": 60.0,  # every notebook
    "first": 180.0,  # the notebooks of chapters 0-5 together (chapter 2 has two)
    "total": 240.0,  # all notebooks: 180 s for 00-05, and 60 s for chapter 6
}
# The notebooks the "first" limit covers: the six chapters the book started with.
FIRST_CHAPTERS = re.compile(r"0[0-5]")
# A looser limit for one notebook, by name (e.g. "03_vae": 90.0); empty means none.
NOTEBOOK_LIMITS: dict[str, float] = {}

BACKEND_LINE = re.compile(r"Keras \S+ on the (\w+) backend")


def toc_docnames(book: Path) -> list[str]:
    """Docnames of the notebooks in the book's _toc.yml, in reading order."""
    toc_file = book / "_toc.yml"
    if not toc_file.is_file():
        return []
    names = toc_files(yaml.safe_load(toc_file.read_text()))  # sections included
    return [n for n in names if (book / f"{n}.ipynb").is_file()]


def read_exec_data(build: Path) -> dict[str, dict]:
    """Docname -> myst-nb's execution record, from the build's Sphinx environment."""
    pickled = build / ".doctrees" / "environment.pickle"
    if not pickled.is_file():
        raise FileNotFoundError(
            f"{pickled} does not exist: the book build did not finish "
            "(run jupyter-book build . first)"
        )
    with pickled.open("rb") as f:
        env = pickle.load(f)  # the build's own file; needs sphinx and its extensions
    metadata = getattr(env, "nb_metadata", {}) or {}
    return {
        docname: dict(data["exec_data"])
        for docname, data in metadata.items()
        if data.get("exec_data")
    }


def backend_of(build: Path, docname: str) -> str:
    """The Keras backend the executed notebook printed, or '?'."""
    import nbformat

    path = build / "jupyter_execute" / f"{docname}.ipynb"
    if not path.is_file():
        return "?"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells[:3]:
        for out in cell.get("outputs", []):
            found = BACKEND_LINE.search(str(out.get("text", "")))
            if found:
                return found.group(1)
    return "?"


def report(
    build: Path,
    expected: list[str],
    chapter_limit: float,
    total_limit: float,
    backend: str | None = None,
    notebook_limits: dict[str, float] | None = None,
    first_limit: float | None = None,
) -> tuple[list[str], list[str]]:
    """Return (table lines, problems) for the build at ``build``.

    With ``first_limit``, the notebooks of chapters 0-5 (names starting 00-05) must
    also take at most that long together."""
    data = read_exec_data(build)
    per_notebook = {**NOTEBOOK_LIMITS, **(notebook_limits or {})}
    docnames = list(expected) + sorted(set(data) - set(expected))
    if not docnames:
        return [], [f"no executed notebook recorded in {build}"]
    rows, problems, total, first = [], [], 0.0, 0.0
    for doc in docnames:
        name = doc.rsplit("/", 1)[-1]
        limit = per_notebook.get(name, chapter_limit)
        rec = data.get(doc)
        ran_on = backend_of(build, doc) if rec else "-"
        if rec is None:
            seconds, status = None, "NOT EXECUTED"
            problems.append(f"{name}: not executed in this build")
        elif not rec.get("succeeded"):
            seconds, status = rec.get("runtime"), f"FAILED ({rec.get('error')})"
            problems.append(f"{name}: execution failed ({rec.get('error')})")
        else:
            seconds = rec.get("runtime")
            if seconds is None:  # taken from the cache: not timed in this build
                status = f"not timed ({rec.get('method')})"
                problems.append(
                    f"{name}: not executed, taken from the {rec.get('method')}"
                )
            elif seconds > limit:
                status = f"OVER by {seconds - limit:.1f} s"
                problems.append(
                    f"{name}: {seconds:.1f} s, over its limit of {limit:.0f} s"
                )
            else:
                status = "ok"
        if rec is not None and backend and ran_on not in (backend, "?"):
            problems.append(f"{name}: ran on {ran_on}, expected {backend}")
        total += seconds or 0.0
        if FIRST_CHAPTERS.match(name):
            first += seconds or 0.0
        rows.append((name, seconds, limit, ran_on, status))

    width = max(len("notebook"), *(len(r[0]) for r in rows))
    lines = [f"{'notebook':<{width}}  {'seconds':>8}  {'limit':>6}  backend  status"]
    for name, seconds, limit, ran_on, status in rows:
        shown = "-" if seconds is None else f"{seconds:.1f}"
        lines.append(
            f"{name:<{width}}  {shown:>8}  {limit:6.0f}  {ran_on:<7}  {status}"
        )
    if first_limit is not None:
        first_over = first > first_limit
        lines.append(
            f"{'chapters 00-05':<{width}}  {first:8.1f}  {first_limit:6.0f}  {'':<7}  "
            + (f"OVER by {first - first_limit:.1f} s" if first_over else "ok")
        )
        if first_over:
            problems.append(
                f"chapters 00-05: {first:.1f} s, over the limit of {first_limit:.0f} s"
            )
    over = total > total_limit
    lines.append(
        f"{'total':<{width}}  {total:8.1f}  {total_limit:6.0f}  {'':<7}  "
        + (f"OVER by {total - total_limit:.1f} s" if over else "ok")
    )
    if over:
        problems.append(f"total: {total:.1f} s, over the limit of {total_limit:.0f} s")
    return lines, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("build", nargs="?", type=Path, default=ROOT / "_build")
    parser.add_argument("--chapter-limit", type=float, default=LIMITS["chapter"])
    parser.add_argument("--total-limit", type=float, default=LIMITS["total"])
    parser.add_argument("--first-limit", type=float, default=LIMITS["first"])
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="a limit for one notebook, e.g. 03_vae=90",
    )
    parser.add_argument(
        "--backend",
        default=os.environ.get("KERAS_BACKEND"),
        help="fail if a notebook ran on another backend (default: $KERAS_BACKEND)",
    )
    args = parser.parse_args(argv)
    notebook_limits = {}
    for item in args.limit:
        name, _, seconds = item.partition("=")
        try:
            notebook_limits[name] = float(seconds)
        except ValueError:
            parser.error(f"--limit wants NAME=SECONDS, got {item!r}")

    build = args.build.resolve()
    try:
        lines, problems = report(
            build,
            toc_docnames(build.parent),
            args.chapter_limit,
            args.total_limit,
            args.backend,
            notebook_limits,
            args.first_limit,
        )
    except (FileNotFoundError, pickle.UnpicklingError, AttributeError) as exc:
        print(f"execution times: cannot read the build's records: {exc}")
        return 1
    print("Notebook execution in the book build (myst-nb's records, not re-run)")
    print("\n".join(lines))
    print(f"({os.cpu_count()} CPU cores)")
    if problems:
        print(f"execution times FAILED: {len(problems)} problem(s)")
        for p in problems:
            print("  -", p)
        return 1
    print("execution times ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
