"""Reader notebooks for Colab and Jupyter, generated from the book build.

    python scripts/reader_notebooks.py [--book ROOT] [--out DIR]

Run it after ``jupyter-book build``. For every chapter notebook in ``_toc.yml`` it
writes ``<out>/<chapter>.ipynb`` (default out: ``_build/reader``): the chapter's
cells with their outputs stripped (Colab runs them) and the MyST that only the HTML book
understands resolved into plain Markdown that Colab and JupyterLab render:

- ``{glue:text}`name:fmt``` becomes the value of the published run (read from the
  build's ``_build/jupyter_execute/<chapter>.glue.json``, formatted as myst-nb does);
  one note near the top says so (the learner's own run prints its own numbers);
- a ``{glue:figure}`` block becomes its caption ("**Figure 5.3.** ...", numbered as in
  the HTML), placed in a Markdown cell right after the code cell whose ``glue(...)``
  draws the figure (so it sits under the figure when the notebook runs);
- admonitions (```` ``` ```` and ``:::`` fences) become block quotes with a bold title;
  exercises a "### Exercise N (title)" heading (numbered as in the HTML); prose
  solutions (``{solution}``) ``<details>`` blocks;
- executed solutions (the gated ``{solution-start} label`` ... ``{solution-end}``
  around code cells) become a "#### Solution to Exercise N (title)" heading that opens
  a new Markdown cell marked ``jp-MarkdownHeadingCollapsed`` (JupyterLab folds the
  section, down to the next exercise's heading), their code cells are folded like the
  hidden ones below (outputs stay visible when run), and ``{solution-end}`` a closing
  line; what follows it in the same cell starts a new cell, outside the fold. The
  learner's "your code here" cell before a solution (tag ``exercise-scratch``) is kept
  open, although the HTML removes it;
- ``{term}`` links to the published glossary, ``{cite}``/``{cite:t}``/``{cite:p}`` to
  "Author (year)" text linking to the published bibliography (``references.bib``, read
  with pybtex), ``{numref}``/``{ref}``/``{doc}`` to plain text with a link;
- code cells the HTML hides (``remove-cell``, ``remove-input``: set-up, asserts, glue)
  are kept, since the notebook needs them, but folded (JupyterLab's ``source_hidden``,
  Colab's ``#@title`` form view);
- maths stays ``$...$`` / ``$$...$$``; ```` ```{math} ```` blocks and bare amsmath
  environments become ``$$...$$``; MyST targets ``(label)=`` and ``%`` comments go.
- the set-up cell (scripts/setup_cell.py) installs, on Colab, the vaelib of the commit
  the notebook is built from (``git rev-parse HEAD`` of this checkout, by
  ``build_commit``): ``git+<repository>@<commit>`` instead of the repository's newest
  vaelib, so a notebook saved long ago still gets the vaelib its chapter was written
  for. ``VAELIB_PIP_SPEC`` still overrides it, and a checkout still uses its own
  vaelib. Without a commit (no git, not a checkout, no commit yet) the script stops:
  an unpinned notebook would silently install whatever vaelib is newest.

Why not QuantEcon's sphinx-tojupyter: it is a Sphinx builder that writes notebooks from
the doctree, where myst-nb has already dropped the hidden cells (``remove-cell``,
``remove-input``): the set-up cell that installs vaelib on Colab and the glue/assert
cells would be lost, and glued figures would become links to built images instead of
being drawn by the learner's run. It would also need a second Sphinx build and pulls in
dask, nbdime and jupyter_server. The transform here works on the source cells with
nbformat and a small, tested fence/role parser.

The published book's base URL is derived once, from ``repository.url`` in _config.yml
(GitHub Pages: https://<owner>.github.io/<name>/), by ``book_url``.

The Colab launch buttons open these notebooks on the ``colab`` branch, which
.github/workflows/book.yml updates on every push to main (see the README).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CAPTION_TAG = "figure-caption"  # tag of the Markdown cell holding one caption
SCRATCH_TAG = "exercise-scratch"  # the learner's empty cell before a solution
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
COLLAPSED = "jp-MarkdownHeadingCollapsed"  # JupyterLab: the heading's section folded
# A Markdown cell is cut where an executed solution opens and after it closes (an HTML
# comment, so the text still renders if it is ever left in)
CELL_BREAK = "\n\n<!-- reader-notebooks: new cell -->\n\n"
SOLUTION_HEADING = "#### Solution to "
SOLUTION_END = "*End of the solution.*"
NOTE_MARK = "Numbers in the text are from the run that built the published book"
# The set-up cell's default Colab install (scripts/setup_cell.py), and what it becomes
SETUP_MARK = "VAELIB_PIP_SPEC"  # marks the set-up cell, as setup_cell.sync finds it
UNPINNED = '"git+" + REPOSITORY)'
PINNED = '"git+" + REPOSITORY + "@" + COMMIT)'

ADMONITIONS = {
    "admonition",
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "topic",
    "sidebar",
    "margin",
    "dropdown",
}


# --------------------------------------------------------------------------- config


def book_url(config: dict) -> str:
    """GitHub Pages URL of the published book, from ``repository.url``."""
    url = config["repository"]["url"].rstrip("/")
    parts = urlparse(url).path.strip("/").split("/")
    if "github.com" not in url or len(parts) != 2:
        raise ValueError(f"repository.url is not a GitHub repository: {url}")
    owner, name = parts
    return f"https://{owner.lower()}.github.io/{name}/"


def toc_files(toc: dict) -> list[str]:
    """Every file of a jb-book table of contents, in order (root first)."""
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def build_commit(repo: Path = ROOT) -> str:
    """The full hash of the commit checked out in ``repo`` (``git rev-parse HEAD``).

    Raises RuntimeError, saying why, where there is none: git missing, ``repo`` not a
    git checkout, or a checkout without a commit yet.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "HEAD^{commit}"],
            capture_output=True,
            text=True,
        )
    except OSError as exc:
        raise RuntimeError(f"cannot run git: {exc}") from exc
    commit = done.stdout.strip()
    if done.returncode or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        why = done.stderr.strip() or "git rev-parse HEAD gave no commit"
        raise RuntimeError(f"no commit checked out in {repo}: {why}")
    return commit


def uncommitted_vaelib(repo: Path = ROOT) -> list[str]:
    """Files of the package (vaelib/, pyproject.toml) changed since the last commit."""
    done = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "status",
            "--porcelain",
            "--",
            "vaelib",
            "pyproject.toml",
        ],
        capture_output=True,
        text=True,
    )
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def pin_vaelib(code: str, commit: str) -> str | None:
    """The set-up cell's ``code`` with its Colab install of vaelib pinned to ``commit``.

    ``spec = os.environ.get("VAELIB_PIP_SPEC", "git+" + REPOSITORY)`` gets
    ``+ "@" + COMMIT`` and a line ``COMMIT = "<hash>"`` follows ``REPOSITORY = ...``;
    nothing else changes (the override and the checkout's own vaelib stay). None if the
    code has no such pair of lines to pin.
    """
    lines = code.split("\n")
    repository = [i for i, s in enumerate(lines) if s.startswith("REPOSITORY = ")]
    install = [
        i
        for i, s in enumerate(lines)
        if SETUP_MARK in s and s.rstrip().endswith(UNPINNED)
    ]
    if len(repository) != 1 or len(install) != 1:
        return None
    (at,) = install
    lines[at] = lines[at].rstrip().removesuffix(UNPINNED) + PINNED
    lines.insert(
        repository[0] + 1,
        f'COMMIT = "{commit}"  # the commit this notebook was built from',
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- values


def format_plain_text(text: str, fmt_spec: str) -> str:
    """Format a glued ``text/plain`` value as myst-nb's ``{glue:text}`` does."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    kind = fmt_spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


def make_id(text: str) -> str:
    """Sphinx's id for a string, e.g. "term-KL divergence" -> "term-KL-divergence"."""
    try:
        from sphinx.util.nodes import _make_id
    except ImportError:  # the same rules, without Sphinx's transliteration tables
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        text = re.sub(r"[^a-zA-Z0-9._]+", "-", " ".join(text.split()))
        return re.sub(r"^[-0-9._]+|-+$", "", text)
    return _make_id(text)


def cite_text(entry, key: str) -> tuple[str, str]:
    """("Langr and Bok", "2019") for a pybtex entry."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = []
    for person in people:
        last = " ".join(person.prelast_names + person.last_names)
        names.append(_latex_to_text(last))
    if not names:
        who = key
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return who, entry.fields.get("year", "n.d.")


def _latex_to_text(text: str) -> str:
    accents = {
        "'": "\u0301",
        "`": "\u0300",
        '"': "\u0308",
        "^": "\u0302",
        "~": "\u0303",
    }
    text = re.sub(
        r"\\([\'`\"^~])\{?([A-Za-z])\}?",
        lambda m: unicodedata.normalize("NFC", m.group(2) + accents[m.group(1)]),
        text,
    )
    return text.replace("{", "").replace("}", "")


# --------------------------------------------------------------------------- HTML


class _PageScan(HTMLParser):
    """Ids, caption numbers and internal link texts of one built HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.numbers: dict[str, str] = {}  # element id -> "Fig. 3" / "Exercise 1"
        self.links: dict[str, str] = {}  # href fragment -> link text
        self.colab: list[str] = []
        self._open_ids: list[str | None] = []
        self._caption: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag in ("figure", "div", "table", "section"):
            self._open_ids.append(a.get("id"))
        cls = (a.get("class") or "").split()
        if tag == "span" and "caption-number" in cls:
            self._caption = []
        if tag == "a" and a.get("href"):
            href = a["href"]
            if "colab.research.google.com" in href:
                self.colab.append(href)
            if "reference" in cls and "internal" in cls and "#" in href:
                self._link = (href.split("#", 1)[1], [])

    def handle_endtag(self, tag):
        if tag in ("figure", "div", "table", "section") and self._open_ids:
            self._open_ids.pop()
        if tag == "span" and self._caption is not None:
            owner = next((i for i in reversed(self._open_ids) if i), None)
            if owner and owner not in self.numbers:
                self.numbers[owner] = "".join(self._caption).strip()
            self._caption = None
        if tag == "a" and self._link is not None:
            frag, text = self._link
            self.links.setdefault(frag, " ".join("".join(text).split()))
            self._link = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        if self._link is not None:
            self._link[1].append(data)


def scan_page(path: Path) -> _PageScan:
    scan = _PageScan()
    if path.is_file():
        scan.feed(path.read_text(encoding="utf-8", errors="replace"))
    return scan


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """What the transform needs to know about the book (and, if built, the build)."""

    base_url: str = "https://example.github.io/book/"
    docname: str = "chapters/x"
    glue: dict[str, str] = field(default_factory=dict)  # name -> text/plain
    terms: dict[str, str] = field(default_factory=dict)  # lower-case -> glossary term
    glossary_doc: str = "appendix/glossary"
    bibliography_doc: str = "appendix/bibliography"
    citations: dict[str, tuple[str, str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # label -> docname
    numbers: dict[str, str] = field(default_factory=dict)  # label -> "Fig. 3"
    link_texts: dict[str, str] = field(default_factory=dict)  # label -> text in page
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title
    problems: list[str] = field(default_factory=list)
    exercise_count: int = 0
    exercises: dict[str, str] = field(default_factory=dict)  # label -> "Exercise 1 (T)"
    solution: str | None = None  # label of the executed solution open at this point
    commit: str | None = None  # pin the set-up cell's vaelib install to this commit

    def url(self, docname: str, anchor: str = "") -> str:
        return self.base_url + docname + ".html" + (f"#{anchor}" if anchor else "")

    def resolve_doc(self, target: str) -> str:
        """A {doc} target relative to the current document -> docname."""
        target = target.removesuffix(".md").removesuffix(".ipynb")
        if target.startswith("/"):
            return target.lstrip("/")
        parts = self.docname.split("/")[:-1]
        for piece in target.split("/"):
            if piece == "..":
                parts = parts[:-1]
            elif piece not in (".", ""):
                parts.append(piece)
        return "/".join(parts)


# --------------------------------------------------------------------------- inline

ROLE_OR_CODE = re.compile(
    r"(?P<role>\{(?P<name>[A-Za-z][\w:+.-]*)\}(?P<tick>`+)(?P<body>.+?)(?P=tick))"
    r"|(?P<code>(?P<ctick>`+).+?(?P=ctick))",
    re.S,
)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _split_explicit(body: str) -> tuple[str | None, str]:
    m = EXPLICIT.match(body.strip())
    if m and m.group("text"):
        return m.group("text"), m.group("target").strip()
    return None, body.strip()


def _role(name: str, body: str, ctx: Context) -> str:
    if name in ("glue:text", "glue", "glue:any", "glue:md"):
        key, fmt = body.strip(), ""
        if name == "glue:text" and ":" in key:
            key, fmt = key.rsplit(":", 1)
        if key not in ctx.glue:
            ctx.problems.append(f"{ctx.docname}: no glued value {key!r}")
            return f"`{key}`"
        try:
            return format_plain_text(ctx.glue[key], fmt)
        except (TypeError, ValueError) as exc:
            ctx.problems.append(f"{ctx.docname}: cannot format {key!r}: {exc}")
            return ctx.glue[key]
    if name == "term":
        text, target = _split_explicit(body)
        term = ctx.terms.get(" ".join(target.lower().split()), target)
        link = ctx.url(ctx.glossary_doc, "term-" + make_id(term))
        return f"[{text or target}]({link})"
    if name in (
        "cite",
        "cite:p",
        "cite:t",
        "cite:ps",
        "cite:ts",
        "cite:alp",
        "cite:ct",
    ):
        link = ctx.url(ctx.bibliography_doc)
        parts = []
        for key in (k.strip() for k in body.split(",")):
            who, year = ctx.citations.get(key, (key, ""))
            if key not in ctx.citations:
                ctx.problems.append(f"{ctx.docname}: unknown citation {key!r}")
            if name.startswith(("cite:t", "cite:ct")):
                parts.append(f"[{who} ({year})]({link})")
            else:
                parts.append(f"[{who}, {year}]({link})")
        if name.startswith(("cite:t", "cite:ct")):
            return ", ".join(parts)
        return "(" + "; ".join(parts) + ")"
    if name in ("numref", "ref", "eq"):
        text, label = _split_explicit(body)
        doc = ctx.labels.get(label, ctx.docname)
        number = " ".join(ctx.numbers.get(label, "").split())
        shown = number.replace("Fig.", "Figure")
        if text:
            text = text.replace("{number}", shown.split(" ")[-1] if shown else "")
            text = text.replace("{name}", label)
        elif name == "numref" and shown:
            text = shown
        else:
            text = ctx.link_texts.get(label) or shown or label
            text = text.replace("Fig.", "Figure")
        return f"[{text}]({ctx.url(doc, label)})"
    if name == "doc":
        text, target = _split_explicit(body)
        doc = ctx.resolve_doc(target)
        return f"[{text or ctx.titles.get(doc, target)}]({ctx.url(doc)})"
    if name == "math":
        return f"${body}$"
    if name in ("sub", "subscript"):
        return f"<sub>{body}</sub>"
    if name in ("sup", "superscript"):
        return f"<sup>{body}</sup>"
    if name in ("abbr", "guilabel", "kbd", "file", "samp", "command", "program"):
        return _split_explicit(body)[0] or body
    ctx.problems.append(f"{ctx.docname}: unknown role {{{name}}}")
    return body


def resolve_inline(text: str, ctx: Context) -> str:
    """Replace MyST roles in running text; inline code spans stay as they are."""

    def sub(m: re.Match) -> str:
        if m.group("code"):
            return m.group("code")
        return _role(m.group("name"), m.group("body"), ctx)

    return ROLE_OR_CODE.sub(sub, text)


# --------------------------------------------------------------------------- blocks

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[^}]+)\}\s*(?P<arg>.*)$")
TARGET = re.compile(r"^\s*\([\w:.\-]+\)=\s*$")
BEGIN_ENV = re.compile(r"^\s*\\begin\{(?P<env>[a-zA-Z]+\*?)\}")


@dataclass
class Figure:
    name: str
    caption: str  # resolved Markdown
    label: str


@dataclass
class Directive:
    name: str
    arg: str
    options: dict[str, str]
    body: str


def closing_fence(lines: list[str], start: int, fence: str, pattern=FENCE) -> int:
    """Index of the line that closes the fence ``fence`` opened at ``lines[start]``
    (the same character, at least as long, nothing after it), or ``len(lines)``.
    ``pattern`` matches a fence line, with groups ``fence`` and ``info``."""
    end = start + 1
    while end < len(lines):
        close = pattern.match(lines[end])
        if (
            close
            and close.group("fence")[0] == fence[0]
            and len(close.group("fence")) >= len(fence)
            and not close.group("info").strip()
        ):
            return end
        end += 1
    return end


def _parse_directive(name: str, arg: str, lines: list[str]) -> Directive:
    options: dict[str, str] = {}
    i = 0
    if i < len(lines) and lines[i].strip() == "---":  # YAML options block
        end = next(
            (j for j in range(i + 1, len(lines)) if lines[j].strip() == "---"), None
        )
        if end is not None:
            options = {
                str(k): str(v)
                for k, v in (yaml.safe_load("\n".join(lines[1:end])) or {}).items()
            }
            i = end + 1
    while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
        m = re.match(r"^:([\w-]+):\s*(.*)$", lines[i])
        options[m.group(1)] = m.group(2).strip()
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return Directive(name, arg.strip(), options, "\n".join(lines[i:]))


def _quote(title: str, body: str) -> str:
    inner = f"**{title}**" + (f"\n\n{body.strip()}" if body.strip() else "")
    return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))


def _display_math(body: str) -> str:
    return "$$\n" + body.strip("\n") + "\n$$"


def resolve_markdown(
    text: str, ctx: Context, figures: list[Figure] | None = None
) -> str:
    """Resolve the MyST of one Markdown cell. ``{glue:figure}`` blocks are removed and
    appended to ``figures`` (with their resolved captions) for the caller to place."""
    if figures is None:
        figures = []
    lines = text.split("\n")
    out: list[str] = []
    para: list[str] = []  # running text, resolved inline when a block starts

    def flush():
        if para:
            out.append(resolve_inline("\n".join(para), ctx))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m:
            fence, info = m.group("fence"), m.group("info").strip()
            end = closing_fence(lines, i, fence)
            body = lines[i + 1 : end]
            d = DIRECTIVE.match(info)
            flush()
            if d:
                block = _parse_directive(d.group("name").strip(), d.group("arg"), body)
                out.append(_directive(block, ctx, figures))
            else:  # a plain code block: kept verbatim
                out.append("\n".join(lines[i : end + 1]))
            i = end + 1
            continue
        env = BEGIN_ENV.match(line)
        if env and not _inside_dollars(para):
            name = re.escape(env.group("env"))
            end = i
            while end < len(lines) and not re.search(rf"\\end\{{{name}\}}", lines[end]):
                end += 1
            flush()
            out.append(_display_math("\n".join(lines[i : end + 1])))
            i = end + 1
            continue
        if TARGET.match(line) or re.match(r"^\s*%", line):
            i += 1
            continue
        stripped = line.strip()
        if stripped.startswith("$$"):  # display maths: copied untouched to its $$
            start = i
            if len(stripped) < 4 or "$$" not in stripped[2:]:
                i += 1
                while i < len(lines) and "$$" not in lines[i]:
                    i += 1
            flush()
            out.append("\n".join(lines[start : i + 1]))
            i += 1
            continue
        para.append(line)
        i += 1
    flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def _inside_dollars(para: list[str]) -> bool:
    return "\n".join(para).count("$$") % 2 == 1


def _directive(block: Directive, ctx: Context, figures: list[Figure]) -> str:
    name = block.name
    if name in ("glue:figure", "glue:any", "glue"):
        key = block.arg.split()[0] if block.arg else ""
        caption = resolve_markdown(block.body, ctx) if block.body.strip() else ""
        figures.append(Figure(key, caption, block.options.get("name", "")))
        return ""
    if name in ("math", "latex"):
        return _display_math(block.body)
    if name == "exercise":
        ctx.exercise_count += 1
        label = block.options.get("label", "")
        number = ctx.numbers.get(label) or f"Exercise {ctx.exercise_count}"
        title = " ".join(number.split())
        if block.arg:
            title += f" ({resolve_inline(block.arg, ctx)})"
        if label:
            ctx.exercises[label] = title
        anchor = f'<a id="{label}"></a>' if label else ""
        body = resolve_markdown(block.body, ctx, figures)
        return f"### {anchor}{title}\n\n{body}".strip()
    if name == "solution":
        body = resolve_markdown(block.body, ctx, figures)
        summary = f"Solution to {_solution_to(block, ctx)}"
        return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"
    if name == "solution-start":
        if ctx.solution is not None:
            ctx.problems.append(
                f"{ctx.docname}: {{solution-start}} {block.arg} inside the solution "
                f"to {ctx.solution}"
            )
        ctx.solution = block.arg.split()[0] if block.arg else ""
        return f"{CELL_BREAK}{SOLUTION_HEADING}{_solution_to(block, ctx)}"
    if name == "solution-end":
        if ctx.solution is None:
            ctx.problems.append(f"{ctx.docname}: {{solution-end}} without a start")
        ctx.solution = None
        return f"{SOLUTION_END}{CELL_BREAK}"
    if name in ADMONITIONS or name.startswith("admonition"):
        if name == "admonition" or name == "dropdown":
            title = block.arg or "Note"
        else:
            title = block.arg or name.capitalize()
        body = resolve_markdown(block.body, ctx, figures)
        return _quote(resolve_inline(title, ctx), body)
    if name in ("figure", "image"):
        alt = block.options.get("alt", "")
        src = ctx.base_url + ctx.resolve_doc(block.arg)
        caption = resolve_markdown(block.body, ctx, figures)
        return f"![{alt}]({src})" + (f"\n\n{caption}" if caption else "")
    if name in ("bibliography", "glossary", "tableofcontents", "contents"):
        return f"(see the [published book]({ctx.url(ctx.docname)}))"
    ctx.problems.append(f"{ctx.docname}: unknown directive {{{name}}}")
    return _quote(block.arg or name.capitalize(), resolve_markdown(block.body, ctx))


def _solution_to(block: Directive, ctx: Context) -> str:
    """ "Exercise 2 (Title)": the heading of the exercise a solution names."""
    label = block.arg.split()[0] if block.arg else ""
    if label not in ctx.exercises:
        ctx.problems.append(
            f"{ctx.docname}: solution to {label!r}, no exercise above has that label"
        )
        return "the exercise"
    return ctx.exercises[label]


# --------------------------------------------------------------------------- notebook


def figure_cells(executed: nbformat.NotebookNode | None, source) -> dict[str, int]:
    """Glue name -> index of the code cell that glues it (display=True outputs carry
    their name in ``metadata.scrapbook.name``); the cell's ``glue("name"`` text is the
    fallback when there is no executed notebook."""
    where: dict[str, int] = {}
    if executed is not None and len(executed.cells) == len(source.cells):
        for index, cell in enumerate(executed.cells):
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if name:
                    where.setdefault(name, index)
    for index, cell in enumerate(source.cells):
        if cell.cell_type == "code":
            for name in re.findall(r"\bglue\(\s*[\"']([^\"']+)[\"']", cell.source):
                where.setdefault(name, index)
    return where


def caption_markdown(fig: Figure, ctx: Context) -> str:
    number = " ".join(ctx.numbers.get(fig.label, "").split()).replace("Fig.", "Figure")
    head = f"**{number}.** " if number else ""
    anchor = f'<a id="{fig.label}"></a>' if fig.label else ""
    return f"{anchor}{head}{fig.caption}".strip()


def hidden_title(
    code: str, default: str = "Hidden in the book: checks and glued values"
):
    """The title a folded cell shows: its first comment, or what such cells do."""
    first = code.lstrip().split("\n", 1)[0]
    if first.startswith("#") and not first.startswith("#|"):
        return first.lstrip("# ").rstrip(".")
    return default


def fold(code: str, meta: dict, title: str) -> str:
    """Fold a code cell (not remove it: the notebook needs it): JupyterLab folds
    ``source_hidden`` cells, Colab shows a "form" cell as its ``#@title`` only. Both
    keep showing the cell's outputs."""
    meta["jupyter"] = {"source_hidden": True}
    meta["cellView"] = "form"
    return f"#@title {title}\n{code}"


def markdown_cells(text: str) -> list[nbformat.NotebookNode]:
    """One resolved Markdown cell, cut where an executed solution opens and closes;
    the piece that opens with the solution's heading is folded in JupyterLab."""
    cells = []
    for piece in text.split(CELL_BREAK.strip()):
        piece = piece.strip("\n")
        if piece.strip():
            meta = {COLLAPSED: True} if piece.startswith(SOLUTION_HEADING) else {}
            cells.append(nbformat.v4.new_markdown_cell(piece, metadata=meta))
    return cells


def reader_notebook(source, ctx: Context, executed=None) -> nbformat.NotebookNode:
    """The reader notebook of one chapter (a new notebook; ``source`` is unchanged)."""
    where = figure_cells(executed, source)
    after: dict[int, list[str]] = {}
    cells: list[tuple[int, nbformat.NotebookNode]] = []
    noted = False
    pinned = False
    ctx.solution = None
    for index, cell in enumerate(source.cells):
        if cell.cell_type == "markdown":
            figures: list[Figure] = []
            text = resolve_markdown(cell.source, ctx, figures)
            if not noted and re.search(r"^# ", text, re.M):
                text = re.sub(
                    r"^(# .*)$", r"\1\n\n" + _note(ctx), text, count=1, flags=re.M
                )
                noted = True
            for fig in figures:
                drawn = where.get(fig.name)
                if drawn is None or drawn > index:
                    ctx.problems.append(
                        f"{ctx.docname}: no code cell above draws figure {fig.name!r}"
                    )
                    drawn = index
                after.setdefault(drawn, []).append(caption_markdown(fig, ctx))
            cells += [(index, piece) for piece in markdown_cells(text)]
        elif cell.cell_type == "code":
            tags = list(cell.metadata.get("tags", []))
            meta = {"tags": tags} if tags else {}
            code = cell.source
            if ctx.commit and SETUP_MARK in code:  # the set-up cell
                code = pin_vaelib(code, ctx.commit) or code
                pinned = pinned or code != cell.source
            if SCRATCH_TAG in tags:
                pass  # the learner types here: open, although the HTML removes it
            elif HIDDEN_TAGS & set(tags):
                code = fold(code, meta, hidden_title(code))
            elif ctx.solution is not None:  # a solution's code, shown when opened
                code = fold(code, meta, hidden_title(code, "Solution code"))
            cells.append((index, nbformat.v4.new_code_cell(code, metadata=meta)))
        else:
            cells.append((index, nbformat.v4.new_raw_cell(cell.source)))
    if ctx.solution is not None:
        ctx.problems.append(
            f"{ctx.docname}: {{solution-start}} {ctx.solution} has no {{solution-end}}"
        )
        ctx.solution = None
    if ctx.commit and not pinned:
        ctx.problems.append(
            f"{ctx.docname}: no set-up cell whose vaelib install could be pinned to "
            f'{ctx.commit} (its line \'spec = os.environ.get("{SETUP_MARK}", '
            f"{UNPINNED}' is missing or changed)"
        )
    result = []
    for index, cell in cells:
        result.append(cell)
        for caption in after.pop(index, []):  # under the drawing cell (or in place)
            meta = {"tags": [CAPTION_TAG]}
            result.append(nbformat.v4.new_markdown_cell(caption, metadata=meta))
    if not noted:
        result.insert(0, nbformat.v4.new_markdown_cell(_note(ctx)))
    nb = nbformat.v4.new_notebook(cells=result)
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    return nb


def _note(ctx: Context) -> str:
    return (
        f"> *{NOTE_MARK} ([this chapter online]({ctx.url(ctx.docname)})). "
        "When you run the notebook, the cells print and draw your own run's results, "
        "which can differ a little with the seed, backend and library versions.*"
    )


# --------------------------------------------------------------------------- book


def glossary_terms(path: Path) -> dict[str, str]:
    terms: dict[str, str] = {}
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^(`{3,}|:{3,})\{glossary\}", line):
            inside = True
            continue
        if inside and re.match(r"^(`{3,}|:{3,})\s*$", line):
            inside = False
        elif inside and line.strip() and not line[0].isspace() and not line[0] == ":":
            terms[" ".join(line.lower().split())] = line.strip()
    return terms


def load_citations(bib: Path) -> dict[str, tuple[str, str]]:
    from pybtex.database import parse_file

    data = parse_file(str(bib), bib_format="bibtex")
    return {key: cite_text(entry, key) for key, entry in data.entries.items()}


EXERCISE_LABEL = re.compile(
    r"^(?:`{3,}|:{3,})\{exercise\}[^\n]*\n(?::(?!label:)[\w-]+:[^\n]*\n)*"
    r":label:\s*(\S+)",
    re.M,
)


def _markdown(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def page_title(path: Path) -> str:
    text = _markdown(path)
    m = re.search(r"^# (.+)$", text, re.M)
    return m.group(1).strip() if m else path.stem


def find_source(book: Path, docname: str) -> Path | None:
    for ext in (".ipynb", ".md"):
        if (book / f"{docname}{ext}").is_file():
            return book / f"{docname}{ext}"
    return None


def book_context(book: Path) -> tuple[Context, list[str]]:
    config = yaml.safe_load((book / "_config.yml").read_text())
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    docs = toc_files(toc)
    ctx = Context(base_url=book_url(config))
    html_dir = book / "_build" / "html"
    for doc in docs:
        path = find_source(book, doc)
        if path is None:
            continue
        ctx.titles[doc] = page_title(path)
        text = path.read_text(encoding="utf-8")
        if "{glossary}" in text and path.suffix == ".md":
            ctx.glossary_doc = doc
            ctx.terms = glossary_terms(path)
        if "{bibliography}" in text:
            ctx.bibliography_doc = doc
        scan = scan_page(html_dir / f"{doc}.html")
        for anchor in scan.ids:
            ctx.labels.setdefault(anchor, doc)
        ctx.numbers.update(scan.numbers)
        # labels the source defines (the build's ids above win): exercises are numbered
        # in order within their page, as sphinx-exercise numbers them
        for n, label in enumerate(EXERCISE_LABEL.findall(_markdown(path)), start=1):
            ctx.labels.setdefault(label, doc)
            ctx.numbers.setdefault(label, f"Exercise {n}")
        for label in re.findall(r"^:(?:name|label):\s*(\S+)", _markdown(path), re.M):
            ctx.labels.setdefault(label, doc)
    bibs = config.get("bibtex_bibfiles", [])
    for bib in bibs:
        ctx.citations.update(load_citations(book / bib))
    chapters = [d for d in docs if (book / f"{d}.ipynb").is_file()]
    return ctx, chapters


def load_glue(book: Path, docname: str) -> dict[str, str]:
    """Glued values of the build's executed run: ``<docname>.glue.json`` (myst-nb moves
    display=False glue outputs there) plus any glue output left in the notebook."""
    values: dict[str, str] = {}
    base = book / "_build" / "jupyter_execute" / docname
    store = base.with_suffix(".glue.json")
    if store.is_file():
        for name, output in json.loads(store.read_text()).items():
            data = output.get("data", {})
            if "text/plain" in data:
                values[name] = data["text/plain"]
    executed = base.with_suffix(".ipynb")
    if executed.is_file():
        nb = nbformat.read(executed, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                meta = output.get("metadata", {}).get("scrapbook", {})
                if meta.get("name"):
                    prefix = meta.get("mime_prefix", "")
                    text = output.get("data", {}).get(prefix + "text/plain")
                    if text is not None:
                        values.setdefault(meta["name"], text)
    return values


def build_reader(book: Path, docname: str, ctx: Context) -> nbformat.NotebookNode:
    source = nbformat.read(book / f"{docname}.ipynb", as_version=4)
    executed_path = book / "_build" / "jupyter_execute" / f"{docname}.ipynb"
    executed = (
        nbformat.read(executed_path, as_version=4) if executed_path.is_file() else None
    )
    ctx.docname = docname
    ctx.exercise_count = 0
    ctx.glue = load_glue(book, docname)
    scan = scan_page(book / "_build" / "html" / f"{docname}.html")
    ctx.link_texts = scan.links
    return reader_notebook(source, ctx, executed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=ROOT, help="book root (built)")
    parser.add_argument("--out", type=Path, help="default: <book>/_build/reader")
    args = parser.parse_args(argv)
    book = args.book.resolve()
    out = (args.out or book / "_build" / "reader").resolve()
    if not (book / "_build" / "jupyter_execute").is_dir():
        print(f"no build in {book / '_build'}: run jupyter-book build first")
        return 2
    try:
        commit = build_commit()
    except RuntimeError as exc:
        print(
            f"cannot pin vaelib: {exc}. Each reader notebook installs, on Colab, the "
            "vaelib of the commit it is built from; run this script in a git checkout "
            "of the book with that commit checked out."
        )
        return 2
    changed = uncommitted_vaelib()
    if changed:
        print(
            f"warning: the notebooks install vaelib as of commit {commit}, without "
            f"its changes since: {', '.join(changed)}"
        )
    print(f"the set-up cells install vaelib as of commit {commit} on Colab")
    ctx, chapters = book_context(book)
    ctx.commit = commit
    for docname in chapters:
        nb = build_reader(book, docname, ctx)
        nbformat.validate(nb)
        target = out / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        print(f"{target.relative_to(out.parent)}: {len(nb.cells)} cells")
    for problem in ctx.problems:
        print("problem:", problem)
    return 1 if ctx.problems else 0


if __name__ == "__main__":
    sys.exit(main())
