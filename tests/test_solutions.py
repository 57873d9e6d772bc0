"""Exercises and their solutions (issue 16): every exercise has exactly one solution,
hidden in a dropdown, and solution code is always an executed code cell, never a fenced
block that nothing runs.

An exercise whose solution has code is laid out as (CONTRIBUTING.md, "Executed
solutions"): the ``{exercise}``; a code cell tagged ``remove-cell`` and
``exercise-scratch`` holding only comments (the learner's place to try first); a
Markdown cell opening ``{solution-start} label`` (``:class: dropdown``); the solution's
code cells, at least one visible, and a hidden cell asserting its conclusion; a Markdown
cell ending with ``{solution-end}``. Pen-and-paper exercises keep a prose
``{solution}`` with no code in it.

Three groups of tests: the checker run on every chapter (one test per chapter, listing
each exercise that breaks a rule and why), unit tests proving the checker fails when
it should (small notebooks, one good and many bad), and checks of the built HTML
(skipped without a build, failing under CI): every solution is a collapsed dropdown,
and every executed solution shows a cell's output inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import built_page, load_script

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]

SCRATCH = "exercise-scratch"
HIDDEN = {"remove-cell", "remove-input"}  # what the HTML does not show of a code cell
# A hidden check of a conclusion: an assert, or vaelib.claims.check (chapter 2 on)
CLAIM_CHECK = re.compile(r"\bassert\b|\bcheck\(")

# ---------------------------------------------------------------- parsing Markdown

# Fences may be indented (inside list items); a fence closes on the same character, at
# least as long, with no info string (CommonMark, as MyST reads it).
reader_notebooks = load_script("reader_notebooks")  # its fence parser
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*)$")
DIRECTIVE = reader_notebooks.DIRECTIVE  # "{name} argument", a directive's info string
# A fence that shows no code: its language says it is plain text.
PLAIN = {"text", "txt", "plaintext", "none", "output"}
CODE_DIRECTIVES = {"code-cell", "code-block", "code", "sourcecode", "ipython"}


@dataclass
class Block:
    """A fenced block of one Markdown cell: a directive (``name`` set) or a plain
    fenced block (``name`` empty, ``arg`` its info string)."""

    name: str
    arg: str
    options: dict[str, str]
    inner: list[Block]
    fence: str  # the opening line, to quote in messages

    def is_code(self) -> bool:
        """Does this block show code that is never run?"""
        language = (self.arg.split() or [""])[0].lower()
        if self.name == "code-cell":
            return True
        if self.name in CODE_DIRECTIVES or not self.name:
            return language not in PLAIN  # a bare ``` block counts as code
        return False

    def walk(self):
        for block in self.inner:
            yield block
            yield from block.walk()


def parse_blocks(text: str) -> list[Block]:
    """The top-level fenced blocks of ``text``, each with the blocks nested in it."""
    lines = text.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or (m.group("fence")[0] == ":" and not m.group("info")):
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info").strip()
        end = reader_notebooks.closing_fence(lines, i, fence, FENCE)
        body = lines[i + 1 : end]
        d = DIRECTIVE.match(info)
        if d:
            options, rest = directive_options(body)
            name, arg = d.group("name").strip(), d.group("arg").strip()
        else:
            options, rest, name, arg = {}, body, "", info
        inner = parse_blocks("\n".join(rest)) if d else []
        blocks.append(Block(name, arg, options, inner, lines[i].strip()))
        i = end + 1
    return blocks


def in_order(blocks: list[Block]):
    """Blocks in document order, looking inside admonitions and the like (not inside
    exercises, solutions and code blocks, which are checked whole)."""
    for block in blocks:
        yield block
        if block.name and not block.is_code() and "exercise" not in block.name:
            if not block.name.startswith("solution"):
                yield from in_order(block.inner)


def directive_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """``:key: value`` lines (or a ``---`` YAML block) at the top of a directive."""
    options: dict[str, str] = {}
    i = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), 0)
        for line in body[1:end]:
            key, _, value = line.partition(":")
            options[key.strip()] = value.strip()
        i = end + 1
    while i < len(body):
        m = re.match(r"^:([\w-]+):\s*(.*)$", body[i])
        if not m:
            break
        options[m.group(1)] = m.group(2).strip()
        i += 1
    return options, body[i:]


# ---------------------------------------------------------------- the checker


def comments_only(source: str) -> bool:
    lines = [ln.strip() for ln in source.splitlines() if ln.strip()]
    return bool(lines) and all(ln.startswith("#") for ln in lines)


@dataclass
class Solutions:
    """What a notebook's exercises and solutions look like, and what is wrong."""

    exercises: dict[str, str] = field(default_factory=dict)  # label -> title
    kinds: dict[str, list[str]] = field(default_factory=dict)  # label -> "prose"/...
    problems: list[str] = field(default_factory=list)

    def name(self, label: str) -> str:
        """ "exercise 2 ex-add (Add)": its number in the page, label and title."""
        if label not in self.exercises:
            return f"exercise {label}"
        number = list(self.exercises).index(label) + 1
        title = self.exercises[label]
        return f"exercise {number} {label}" + (f" ({title})" if title else "")


def check_solutions(nb) -> Solutions:
    """Check a notebook's exercises and solutions against the pattern (module doc)."""
    found = Solutions()
    problems = found.problems
    seen: dict[str, int] = {}  # exercise label -> cell index
    scratch: list[int] = []  # cell indices of valid scratch cells outside solutions
    gated: dict | None = None  # the executed solution open at this point
    late: set[str] = set()  # executed solutions opened before their exercise

    def hidden(block: Block, label: str):
        if "dropdown" not in block.options.get("class", "").split():
            problems.append(
                f"{found.name(label)}: its solution is not hidden "
                "(add `:class: dropdown`)"
            )

    def no_code(blocks, label: str, where: str):
        for block in blocks:
            if block.is_code():
                problems.append(
                    f"{found.name(label)}: {where} has a fenced code block "
                    f"({block.fence}) that never runs; make it an executed code cell "
                    "in a gated solution ({solution-start} ... {solution-end})"
                )
            elif block.name == "glue:figure" and where.startswith("the executed"):
                problems.append(
                    f"{found.name(label)}: {where} has a {{glue:figure}}; show the "
                    "solution's figure inline (the cell's output)"
                )

    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            tags = set(cell.metadata.get("tags", []))
            if gated is not None:
                gated["cells"] += 1
                gated["visible"] += not (tags & HIDDEN)
                gated["asserts"] += bool(
                    tags & HIDDEN and CLAIM_CHECK.search(cell.source)
                )
                if SCRATCH in tags:
                    problems.append(
                        f"{found.name(gated['label'])}: a scratch cell (tag {SCRATCH})"
                        " inside its solution; put it before {solution-start}"
                    )
            elif SCRATCH in tags:
                ok = comments_only(cell.source) and "remove-cell" in tags
                if ok:
                    scratch.append(index)
                else:
                    problems.append(
                        f"cell {index}: a scratch cell (tag {SCRATCH}) must hold only "
                        "comments and be tagged remove-cell too"
                    )
            continue
        if cell.cell_type != "markdown":
            continue
        for block in in_order(parse_blocks(cell.source)):
            label = block.arg.split()[0] if block.arg else ""
            if block.name == "exercise":
                label = block.options.get("label", "")
                if not label:
                    problems.append(
                        f"cell {index}: an exercise without a :label: "
                        f"({block.arg or 'no title'}): its solution cannot name it"
                    )
                    continue
                found.exercises[label] = block.arg
                seen[label] = index
                if gated is not None:
                    problems.append(
                        f"{found.name(label)} sits inside the solution to "
                        f"{gated['label']}"
                    )
            elif block.name == "solution":
                found.kinds.setdefault(label, []).append("prose")
                hidden(block, label)
                no_code(block.walk(), label, "its solution")
                if gated is not None:
                    problems.append(
                        f"{found.name(label)}: its solution sits inside the solution "
                        f"to {gated['label']}"
                    )
            elif block.name == "solution-start":
                found.kinds.setdefault(label, []).append("executed")
                hidden(block, label)
                if gated is not None:
                    problems.append(
                        f"{found.name(label)}: {{solution-start}} inside the solution "
                        f"to {gated['label']} (close it with {{solution-end}} first)"
                    )
                if label not in seen:
                    late.add(label)
                elif not any(seen[label] < i < index for i in scratch):
                    problems.append(
                        f"{found.name(label)}: no scratch cell between the exercise "
                        f"and its solution (a code cell tagged remove-cell and "
                        f"{SCRATCH} holding only comments)"
                    )
                gated = {"label": label, "cells": 0, "visible": 0, "asserts": 0}
            elif block.name == "solution-end":
                if gated is None:
                    problems.append(
                        f"cell {index}: {{solution-end}} without a {{solution-start}}"
                    )
                    continue
                name = found.name(gated["label"])
                if not gated["visible"]:
                    problems.append(
                        f"{name}: its executed solution has no visible code cell "
                        "(the learner should see the code and what it prints or draws)"
                    )
                if not gated["asserts"]:
                    problems.append(
                        f"{name}: no hidden cell (remove-cell) in its solution asserts "
                        "the solution's conclusion"
                    )
                gated = None
            elif gated is not None:
                no_code([block], gated["label"], "the executed solution")
    if gated is not None:
        problems.append(
            f"{found.name(gated['label'])}: {{solution-start}} without {{solution-end}}"
        )
    for label in found.exercises:
        count = len(found.kinds.get(label, []))
        if count != 1:
            problems.append(
                f"{found.name(label)}: {count} solutions refer to it (want exactly 1)"
            )
    for label in found.kinds:
        if label not in found.exercises:
            problems.append(f"a solution refers to {label!r}, which no exercise has")
        elif label in late:
            problems.append(
                f"{found.name(label)}: its solution comes before the exercise"
            )
    return found


# ---------------------------------------------------------------- the chapters


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_has_one_hidden_solution_whose_code_is_executed(path):
    problems = check_solutions(nbformat.read(path, as_version=4)).problems
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------- the checker itself


def notebook(*cells) -> nbformat.NotebookNode:
    """Markdown cells from strings, code cells from ("code", source, tags)."""
    made = []
    for cell in cells:
        if isinstance(cell, str):
            made.append(nbformat.v4.new_markdown_cell(cell))
        else:
            _, source, tags = cell
            meta = {"tags": tags} if tags else {}
            made.append(nbformat.v4.new_code_cell(source, metadata=meta))
    return nbformat.v4.new_notebook(cells=made)


EXERCISE = "```{exercise} Add\n:label: ex-add\nAdd 1 and 2 in code.\n```"
SCRATCH_CELL = (
    "code",
    '# Exercise "Add": your code here. (The solution below runs without it.)',
    ["remove-cell", SCRATCH],
)
START = "```{solution-start} ex-add\n:class: dropdown\n```\n\nWhy this answers it."
CODE = ("code", "total = 1 + 2\nprint(total)", None)
ASSERT = (
    "code",
    'glue("ex1_total", total, display=False)\nassert total == 3',
    ["remove-cell"],
)
END = "It prints {glue:text}`ex1_total`.\n\n```{solution-end}\n```"
PROSE = (
    "````{exercise} Think\n:label: ex-think\nWhy?\n\n```text\nan example line\n```\n"
    "````\n\n````{solution} ex-think\n:class: dropdown\nBecause.\n\n```text\n"
    "a plain block\n```\n\n:::{note}\nA note.\n:::\n````"
)
GOOD = [EXERCISE, SCRATCH_CELL, START, CODE, ASSERT, "Between.", CODE, END, PROSE]


def test_a_claims_check_counts_as_the_hidden_check_and_a_comment_does_not():
    checked = ("code", 'check(total == 3, "the sum is three", total)', ["remove-cell"])
    assert check_solutions(notebook(*replace(GOOD, ASSERT, checked))).problems == []
    remark = ("code", "# no check here: recheck(total) later", ["remove-cell"])
    problems = check_solutions(notebook(*replace(GOOD, ASSERT, remark))).problems
    assert any("asserts the solution's conclusion" in p for p in problems)


def test_the_checker_accepts_the_pattern():
    found = check_solutions(notebook(*GOOD))
    assert found.problems == []
    assert found.exercises == {"ex-add": "Add", "ex-think": "Think"}
    assert found.kinds == {"ex-add": ["executed"], "ex-think": ["prose"]}
    # an exercise and its prose solution inside an admonition are found too
    boxed = f"`````{{admonition}} Try this\n{PROSE}\n`````"
    found = check_solutions(notebook(*replace(GOOD, PROSE, boxed)))
    assert found.problems == [] and found.kinds["ex-think"] == ["prose"]
    unhidden = boxed.replace(":class: dropdown\n", "")
    assert check_solutions(notebook(*replace(GOOD, PROSE, unhidden))).problems == [
        "exercise 2 ex-think (Think): its solution is not hidden "
        "(add `:class: dropdown`)"
    ]
    # the options in a YAML block instead of :key: lines
    yaml_start = START.replace(":class: dropdown\n", "---\nclass: dropdown\n---\n")
    assert check_solutions(notebook(*replace(GOOD, START, yaml_start))).problems == []


def replace(cells, old, *new):
    out = []
    for cell in cells:
        out += list(new) if cell is old else [cell]
    return out


FENCED = {
    "python": "```python\nprint(3)\n```",
    "tildes": "~~~python\nprint(3)\n~~~",
    "code-cell": "```{code-cell} ipython3\nprint(3)\n```",
    "code-block": "```{code-block} python\nprint(3)\n```",
    "bare": "```\nprint(3)\n```",
    "indented": "- a list item:\n\n  ```python\n  print(3)\n  ```",
}


@pytest.mark.parametrize("kind", FENCED)
def test_the_checker_rejects_fenced_code_in_a_prose_solution(kind):
    prose = (
        f"```{{exercise}}\n:label: ex-p\nDo.\n```\n\n````{{solution}} ex-p\n"
        f":class: dropdown\nLike this:\n\n{FENCED[kind]}\n````"
    )
    problems = check_solutions(notebook(prose)).problems
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        "exercise 1 ex-p: its solution has a fenced code block"
    )


@pytest.mark.parametrize("kind", FENCED)
@pytest.mark.parametrize("nested", [False, True], ids=["", "in a note"])
def test_the_checker_rejects_fenced_code_in_an_executed_solution(kind, nested):
    fenced = f"````{{note}}\n{FENCED[kind]}\n````" if nested else FENCED[kind]
    cells = replace(GOOD, GOOD[5], f"Between.\n\n{fenced}")
    problems = check_solutions(notebook(*cells)).problems
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        "exercise 1 ex-add (Add): the executed solution has a fenced code block"
    )


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (GOOD[:2], "1 ex-add (Add): 0 solutions refer to it (want exactly 1)"),
        (
            GOOD + ["```{solution} ex-add\n:class: dropdown\nAgain.\n```"],
            "1 ex-add (Add): 2 solutions refer to it (want exactly 1)",
        ),
        (
            GOOD + ["```{solution} ex-gone\n:class: dropdown\nWhy.\n```"],
            "a solution refers to 'ex-gone', which no exercise has",
        ),
        (
            ["```{exercise} Loose\nDo.\n```"],
            "cell 0: an exercise without a :label: (Loose)",
        ),
        (
            replace(GOOD, START, START.replace(":class: dropdown\n", "")),
            "1 ex-add (Add): its solution is not hidden",
        ),
        (
            replace(GOOD, PROSE, PROSE.replace(":class: dropdown\n", "")),
            "2 ex-think (Think): its solution is not hidden",
        ),
        (
            replace(GOOD, END, "It prints 3."),
            "1 ex-add (Add): {solution-start} without {solution-end}",
        ),
        (
            GOOD + ["```{solution-end}\n```"],
            "cell 9: {solution-end} without a {solution-start}",
        ),
        (
            replace(GOOD, GOOD[5], START),
            "{solution-start} inside the solution to ex-add",
        ),
        (
            replace(GOOD, GOOD[5], PROSE),
            "2 ex-think (Think) sits inside the solution to ex-add",
        ),
        (
            [EXERCISE, SCRATCH_CELL, START, ASSERT, END],
            "1 ex-add (Add): its executed solution has no visible code cell",
        ),
        (
            replace(GOOD, ASSERT),
            "1 ex-add (Add): no hidden cell (remove-cell) in its solution asserts",
        ),
        (
            [SCRATCH_CELL, START, CODE, ASSERT, END, EXERCISE],
            "1 ex-add (Add): its solution comes before the exercise",
        ),
        (
            replace(GOOD, SCRATCH_CELL),
            "1 ex-add (Add): no scratch cell between the exercise and its solution",
        ),
        (
            replace(GOOD, SCRATCH_CELL, ("code", "x = 1", ["remove-cell", SCRATCH])),
            "cell 1: a scratch cell (tag exercise-scratch) must hold only comments",
        ),
        (
            replace(GOOD, SCRATCH_CELL, ("code", SCRATCH_CELL[1], [SCRATCH])),
            "cell 1: a scratch cell (tag exercise-scratch) must hold only comments",
        ),
        (
            replace(GOOD, CODE, CODE, SCRATCH_CELL),
            "1 ex-add (Add): a scratch cell (tag exercise-scratch) inside its solution",
        ),
        (
            replace(
                GOOD,
                GOOD[5],
                "```{glue:figure} fig_ex\n:alt: A plot.\n\nA caption.\n```",
            ),
            "1 ex-add (Add): the executed solution has a {glue:figure}",
        ),
    ],
    ids=[
        "no solution",
        "two solutions",
        "unknown label",
        "no label",
        "executed not hidden",
        "prose not hidden",
        "start without end",
        "end without start",
        "nested start",
        "exercise inside a solution",
        "only hidden code",
        "no assert",
        "solution first",
        "no scratch cell",
        "scratch cell with code",
        "scratch cell shown",
        "scratch cell inside",
        "glued figure inside",
    ],
)
def test_the_checker_rejects(cells, problem):
    problems = check_solutions(notebook(*cells)).problems
    assert any(problem in p for p in problems), problems


# ---------------------------------------------------------------- cell_times


cell_times = load_script("cell_times")


def test_solution_cells_are_the_code_cells_between_start_and_end():
    nb = notebook(*GOOD, ("code", "after = 1", None))
    # 3: the solution's code, 4: its hidden assert, 6: more code; not the scratch
    # cell (1) nor the code after the solution (9)
    assert cell_times.solution_cells(nb) == {3, 4, 6}
    mentions = notebook(
        "Write `{solution-start}` in a cell to open a solution.",
        ("code", "x = 1", None),
    )
    assert cell_times.solution_cells(mentions) == set()
    assert cell_times.solution_cells(notebook(PROSE, CODE)) == set()


def test_cell_times_times_code_cells_and_the_solutions_share(tmp_path, capsys):
    path = tmp_path / "tiny.ipynb"
    sleep = ("code", "import time\ntime.sleep(0.3)", None)
    nbformat.write(
        notebook(
            EXERCISE,
            SCRATCH_CELL,
            START,
            sleep,
            ("code", "assert 3", ["remove-cell"]),
            END,
        ),
        path,
    )
    cell_times.profile(path, top=10)
    out = capsys.readouterr().out
    listed = re.findall(r"^\s+(\d+)\s+([\d.]+)  (.*)$", out, re.M)
    assert sorted(int(i) for i, _, _ in listed) == [1, 3, 4]  # code cells only
    seconds = {int(i): float(t) for i, t, _ in listed}
    assert seconds[3] >= 0.3 and seconds[4] < 0.3
    solutions = re.search(r"solutions: ([\d.]+) s \(2 cells\), (\d+)% on top", out)
    assert solutions and float(solutions.group(1)) >= 0.3, out


def test_cell_times_adds_a_line_for_a_chapter_in_two_notebooks(tmp_path, capsys):
    """02 and 02b are one chapter: their solutions' share is also given together."""
    sleep = ("code", "import time\ntime.sleep(0.2)", None)
    part1 = notebook(EXERCISE, SCRATCH_CELL, START, sleep, END, sleep, sleep)
    part2 = notebook(EXERCISE, SCRATCH_CELL, START, sleep, END)
    for name, nb in (("07_a.ipynb", part1), ("07b_b.ipynb", part2)):
        nbformat.write(nb, tmp_path / name)
    other = tmp_path / "08_c.ipynb"
    nbformat.write(notebook(sleep), other)
    assert cell_times.chapter_of(tmp_path / "07b_b.ipynb") == "07"
    cell_times.main([str(tmp_path / "07_a.ipynb"), str(tmp_path / "07b_b.ipynb"),
                     str(other)])  # fmt: skip
    out = capsys.readouterr().out
    line = re.search(
        r"^chapter 07 \(07_a, 07b_b\): solutions: ([\d.]+) s, (\d+)% on top of the "
        r"rest \(([\d.]+) s",
        out,
        re.M,
    )
    assert line, out
    sol, share, rest = float(line.group(1)), int(line.group(2)), float(line.group(3))
    assert sol >= 0.4 and rest >= 0.4, out  # two solution sleeps; two more outside
    # the seconds are printed to 0.1 s and the share to 1%: the share must lie between
    # what the extremes of the rounded seconds give
    low = 100 * (sol - 0.05) / (rest + 0.05) - 0.5
    high = 100 * (sol + 0.05) / (rest - 0.05) + 0.5
    assert low <= share <= high, out
    assert "chapter 08" not in out  # a chapter in one notebook has its own line only


def test_share_line_gives_the_solutions_share_of_the_rest():
    assert cell_times.share_line("solutions", 1.0, 4.0, 3) == (
        "solutions: 1.0 s (3 cells), 25% on top of the rest "
        "(4.0 s, kernel start-up included)"
    )
    assert "0% on top" in cell_times.share_line("chapter 09: solutions", 0.0, 0.0)


# ---------------------------------------------------------------- the built HTML


class _SolutionScan(HTMLParser):
    """The solutions of a built page: the classes of each ``div.solution``, the
    exercise its title links to, and how many executed cells (a ``div.cell`` holding a
    ``div.cell_output``) sit inside it; also any scratch cell the page shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.solutions: list[dict] = []
        self.scratch_shown = 0
        self._divs: list[tuple[str, dict | None]] = []  # ("solution"/"cell"/"", rec)

    def _open(self, kind: str) -> dict | None:
        return next((r for k, r in reversed(self._divs) if k == kind), None)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "a" and "internal" in classes and "#" in (a.get("href") or ""):
            solution = self._open("solution")
            if solution is not None and solution["label"] is None:
                solution["label"] = a["href"].split("#", 1)[1]
        if tag != "div":
            return
        if "solution" in classes:
            record = {"classes": classes, "label": None, "executed": 0}
            self.solutions.append(record)
            self._divs.append(("solution", record))
        elif "cell" in classes:
            self.scratch_shown += f"tag_{SCRATCH}" in classes
            self._divs.append(("cell", {"output": False}))
        else:
            if "cell_output" in classes and self._open("cell") is not None:
                self._open("cell")["output"] = True
            self._divs.append(("", None))

    def handle_endtag(self, tag):
        if tag != "div" or not self._divs:
            return
        kind, record = self._divs.pop()
        solution = self._open("solution")
        if kind == "cell" and record["output"] and solution is not None:
            solution["executed"] += 1


def scan_solutions(html: str) -> _SolutionScan:
    scan = _SolutionScan()
    scan.feed(html)
    scan.close()
    return scan


def html_problems(html: str, found: Solutions) -> list[str]:
    """What is wrong with a built page's solutions, given its source's solutions."""
    scan = scan_solutions(html)
    problems = []
    shown = [s["label"] or "?" for s in scan.solutions]
    if sorted(shown) != sorted(found.kinds):
        problems.append(
            f"the page has solutions to {sorted(shown)}, the source to "
            f"{sorted(found.kinds)} (is the build older than the source?)"
        )
    for solution in scan.solutions:
        name = found.name(solution["label"])
        if "dropdown" not in solution["classes"]:
            problems.append(f"{name}: its solution is not a collapsed dropdown")
        executed = "executed" in found.kinds.get(solution["label"], [])
        if executed and not solution["executed"]:
            problems.append(
                f"{name}: its executed solution shows no cell output in the page"
            )
    if scan.scratch_shown:
        problems.append(f"the page shows {scan.scratch_shown} scratch cell(s)")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_built_solutions_are_collapsed_and_show_their_output(path):
    page = Path(built_page(f"chapters/{path.stem}.html"))
    found = check_solutions(nbformat.read(path, as_version=4))
    problems = html_problems(page.read_text(encoding="utf-8"), found)
    assert not problems, f"{page.name}:\n  " + "\n  ".join(problems)


# What sphinx-exercise 1.2.1 and myst-nb write for an executed solution and a prose
# one (a build of GOOD, trimmed to the elements the scan reads).
BUILT = """
<div class="exercise admonition" id="ex-add"><p class="admonition-title">
<span class="caption-number">Exercise 1 </span> (Add)</p>
<section id="exercise-content"><p>Add 1 and 2 in code.</p></section></div>
<div class="solution dropdown admonition" id="ch-solution-1">
<p class="admonition-title">Solution to<a class="reference internal" href="#ex-add">
 Exercise 1 (Add)</a></p><section id="solution-content"><p>Why this answers it.</p>
<div class="cell docutils container"><div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>print(3)
</pre></div></div></div><div class="cell_output docutils container">
<div class="output stream highlight-myst-ansi notranslate"><div class="highlight"><pre>3
</pre></div></div></div></div>
<p>It prints 3.</p></section></div>
<div class="exercise admonition" id="ex-think"><p class="admonition-title">
<span class="caption-number">Exercise 2 </span> (Think)</p></div>
<div class="solution dropdown admonition" id="ch-solution-3">
<p class="admonition-title">Solution to<a class="reference internal" href="#ex-think">
 Exercise 2 (Think)</a></p><section id="solution-content"><p>Because.</p>
</section></div>
"""


def test_the_html_check_accepts_a_built_page():
    found = check_solutions(notebook(*GOOD))
    scan = scan_solutions(BUILT)
    assert [(s["label"], s["executed"]) for s in scan.solutions] == [
        ("ex-add", 1),
        ("ex-think", 0),
    ]
    assert html_problems(BUILT, found) == []


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        (
            BUILT.replace("solution dropdown admonition", "solution admonition", 1),
            "exercise 1 ex-add (Add): its solution is not a collapsed dropdown",
        ),
        (
            re.sub(
                r'<div class="cell_output.*?</pre></div></div></div>',
                "",
                BUILT,
                count=1,
                flags=re.S,
            ),
            "exercise 1 ex-add (Add): its executed solution shows no cell output",
        ),
        (
            BUILT.replace(
                '<div class="cell docutils container">',
                '</section></div><div class="cell docutils container">',
            ),
            "exercise 1 ex-add (Add): its executed solution shows no cell output",
        ),
        (
            BUILT.replace('href="#ex-think"', 'href="#ex-other"'),
            "the page has solutions to ['ex-add', 'ex-other'], the source to",
        ),
        (
            BUILT + '<div class="cell tag_remove-cell tag_exercise-scratch"></div>',
            "the page shows 1 scratch cell(s)",
        ),
    ],
    ids=["not a dropdown", "no output", "cell outside", "other label", "scratch"],
)
def test_the_html_check_rejects(html, problem):
    problems = html_problems(html, check_solutions(notebook(*GOOD)))
    assert any(problem in p for p in problems), problems
