"""The reader notebooks (scripts/reader_notebooks.py): MyST resolved into Markdown that
Colab and JupyterLab render.

Unit tests of each transformation on small strings, then checks over a real build
(``_build`` of the book, or of the folder in ``READER_BOOK_DIR``, e.g. one made by
scripts/preview.py). Without a build those are skipped, except under CI (``CI`` set),
where a missing build is a failure.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import cell_times  # noqa: E402
import reader_notebooks as rn  # noqa: E402
import setup_cell  # noqa: E402

BASE = "https://vae-book.github.io/autoencoders-to-vaes/"
GLOSSARY = BASE + "appendix/glossary.html"
BIBLIOGRAPHY = BASE + "appendix/bibliography.html"
MYST = ("{glue", "{term}", "{cite", "{numref}", "{ref}", "{doc}", ":::{", "```{")


def context(**kw) -> rn.Context:
    ctx = rn.Context(base_url=BASE, docname="chapters/03_vae")
    ctx.terms = {"latent space": "Latent space", "kl divergence": "KL divergence"}
    ctx.citations = {
        "langr2019gans": ("Langr and Bok", "2019"),
        "lecun1998gradient": ("LeCun et al.", "1998"),
    }
    ctx.titles = {"chapters/05_why_gans": "Why GANs?"}
    for key, value in kw.items():
        setattr(ctx, key, value)
    return ctx


# ----------------------------------------------------------------- configuration


def test_book_url_is_the_github_pages_site_of_the_repository():
    config = {"repository": {"url": "https://github.com/Vae-Book/autoencoders-to-vaes"}}
    assert rn.book_url(config) == BASE
    assert rn.book_url(yaml.safe_load((ROOT / "_config.yml").read_text())) == BASE
    with pytest.raises(ValueError, match="not a GitHub repository"):
        rn.book_url({"repository": {"url": "https://gitlab.com/a/b"}})


def test_launch_buttons_open_the_colab_branch():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["branch"] == "colab"
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"


# ----------------------------------------------------------------- glue values


@pytest.mark.parametrize(
    ("text", "spec", "expected"),
    [
        ("96.93", ".1f", "96.9"),
        ("80.87977040816327", ".0f", "81"),
        ("60000", "", "60000"),
        ("60000", ",", "60,000"),
        ("0.0123", ".1%", "1.2%"),
        ("'2 and 5'", "", "2 and 5"),
        ("'7'", "s", "7"),
        ("3", ".2f", "3.00"),
    ],
)
def test_glued_values_are_formatted_as_myst_nb_formats_them(text, spec, expected):
    assert rn.format_plain_text(text, spec) == expected
    from myst_nb.core.variables import format_plain_text  # the HTML book's formatter

    assert format_plain_text(text, spec) == expected


def test_glue_text_role_is_replaced_by_the_published_value():
    ctx = context(glue={"ae_loss": "101.2345", "n": "784", "digits": "'2 and 5'"})
    text = "Loss {glue:text}`ae_loss:.1f` on {glue:text}`n` pixels; {glue}`digits`."
    assert rn.resolve_inline(text, ctx) == "Loss 101.2 on 784 pixels; 2 and 5."
    assert ctx.problems == []


def test_a_missing_glued_value_is_reported_not_hidden():
    ctx = context(glue={})
    assert rn.resolve_inline("{glue:text}`gone:.2f`", ctx) == "`gone`"
    assert ctx.problems == ["chapters/03_vae: no glued value 'gone'"]


def test_inline_code_and_code_blocks_keep_their_text():
    ctx = context(glue={"x": "1"})
    text = "Write ``{glue:text}`x` `` in the prose; here {glue:text}`x`."
    assert rn.resolve_inline(text, ctx) == (
        "Write ``{glue:text}`x` `` in the prose; here 1."
    )
    block = '```python\nglue("x", 1)  # shown as {glue:text}`x`\n```'
    assert rn.resolve_markdown(block, ctx) == block


# ----------------------------------------------------------------- links


def test_term_links_to_the_glossary_entry():
    ctx = context()
    assert rn.resolve_inline("a {term}`latent space`", ctx) == (
        f"a [latent space]({GLOSSARY}#term-Latent-space)"
    )
    assert rn.resolve_inline("{term}`codes <Latent space>`", ctx) == (
        f"[codes]({GLOSSARY}#term-Latent-space)"
    )
    assert rn.resolve_inline("{term}`KL\ndivergence`", ctx) == (
        f"[KL\ndivergence]({GLOSSARY}#term-KL-divergence)"
    )


def test_glossary_anchor_matches_sphinx():
    assert rn.make_id("term-KL divergence") == "term-KL-divergence"
    assert rn.make_id("term-Evidence lower bound (ELBO)") == (
        "term-Evidence-lower-bound-ELBO"
    )


def test_citations_become_author_year_links():
    ctx = context()
    assert rn.resolve_inline("{cite:t}`langr2019gans` show", ctx) == (
        f"[Langr and Bok (2019)]({BIBLIOGRAPHY}) show"
    )
    assert rn.resolve_inline("data {cite}`lecun1998gradient`", ctx) == (
        f"data ([LeCun et al., 1998]({BIBLIOGRAPHY}))"
    )
    assert rn.resolve_inline("{cite:p}`langr2019gans,lecun1998gradient`", ctx) == (
        f"([Langr and Bok, 2019]({BIBLIOGRAPHY}); [LeCun et al., 1998]({BIBLIOGRAPHY}))"
    )


def test_author_year_text_from_a_bibtex_file(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{one, author = {Bishop, Christopher M.}, title = {T}, year = {2006}}\n"
        "@misc{two, author = {Langr, Jakub and Bok, Vladimir}, title = {T},"
        " year = {2019}}\n"
        "@article{three, author = {LeCun, Yann and Bottou, L{\\'e}on and"
        " Bengio, Yoshua}, title = {T}, year = {1998}}\n"
        '@misc{acc, author = {G{\\"o}del, Kurt}, title = {T}, year = {1931}}\n'
    )
    assert rn.load_citations(bib) == {
        "one": ("Bishop", "2006"),
        "two": ("Langr and Bok", "2019"),
        "three": ("LeCun et al.", "1998"),
        "acc": ("Gödel", "1931"),
    }


def test_numref_ref_and_doc_become_text_with_a_link():
    ctx = context(
        numbers={"fig-ae-latent": "Fig. 3.2", "ex-fit": "Exercise 1"},
        labels={"fig-ae-latent": "chapters/03_vae", "ex-fit": "chapters/05_why_gans"},
        link_texts={"ex-fit": "Exercise 1"},
    )
    page = BASE + "chapters/03_vae.html"
    assert rn.resolve_inline("see {numref}`fig-ae-latent`", ctx) == (
        f"see [Figure 3.2]({page}#fig-ae-latent)"
    )
    assert rn.resolve_inline("{numref}`panel {number} <fig-ae-latent>`", ctx) == (
        f"[panel 3.2]({page}#fig-ae-latent)"
    )
    assert rn.resolve_inline("{ref}`ex-fit`", ctx) == (
        f"[Exercise 1]({BASE}chapters/05_why_gans.html#ex-fit)"
    )
    assert rn.resolve_inline("{doc}`05_why_gans`", ctx) == (
        f"[Why GANs?]({BASE}chapters/05_why_gans.html)"
    )
    assert rn.resolve_inline("{doc}`the last one <../chapters/05_why_gans>`", ctx) == (
        f"[the last one]({BASE}chapters/05_why_gans.html)"
    )


def test_unknown_roles_and_directives_are_reported():
    ctx = context()
    assert rn.resolve_inline("{weird}`x`", ctx) == "x"
    rn.resolve_markdown("```{weird} T\nbody\n```", ctx)
    assert ctx.problems == [
        "chapters/03_vae: unknown role {weird}",
        "chapters/03_vae: unknown directive {weird}",
    ]


# ----------------------------------------------------------------- blocks


def test_colon_admonition_becomes_a_block_quote_with_a_bold_title():
    ctx = context()
    text = (
        "Before.\n\n:::{admonition} Think\n:class: note\nWhy is the "
        "{term}`latent space` 2-D?\n\nTwo lines.\n:::\n\nAfter."
    )
    assert rn.resolve_markdown(text, ctx) == (
        "Before.\n\n> **Think**\n>\n> Why is the "
        f"[latent space]({GLOSSARY}#term-Latent-space) 2-D?\n>\n> Two lines.\n\nAfter."
    )


@pytest.mark.parametrize(
    ("fence", "title"),
    [
        ("```{tip}", "Tip"),
        ("```{warning}", "Warning"),
        ("```{note} Read this", "Read this"),
        ("```{admonition} Learning objectives", "Learning objectives"),
        ("```{dropdown} Details", "Details"),
    ],
)
def test_backtick_admonitions(fence, title):
    text = f"{fence}\n:class: dropdown\n- one\n- two\n```"
    assert rn.resolve_markdown(text, context()) == f"> **{title}**\n>\n> - one\n> - two"


def test_nested_directives_resolve_inside_out():
    text = "::::{admonition} Outer\n```{note}\ninner\n```\n::::"
    assert rn.resolve_markdown(text, context()) == (
        "> **Outer**\n>\n> > **Note**\n> >\n> > inner"
    )


def test_math_blocks_become_double_dollars_and_dollars_stay():
    ctx = context()
    assert rn.resolve_markdown("```{math}\n:label: eq-elbo\na = b\n```", ctx) == (
        "$$\na = b\n$$"
    )
    env = "Text:\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\nafter"
    assert rn.resolve_markdown(env, ctx) == (
        "Text:\n$$\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n$$\nafter"
    )
    dollars = "See\n$$\n\\begin{aligned} x \\end{aligned}\n$$\nand $y$."
    assert rn.resolve_markdown(dollars, ctx) == dollars


def test_targets_and_comments_are_dropped():
    text = "(sec-vae)=\n## The VAE\n% a note to authors\nText."
    assert rn.resolve_markdown(text, context()) == "## The VAE\nText."


def test_exercise_heading_and_collapsed_solution_with_code():
    ctx = context(numbers={"ch5-ex-w": "Exercise 5.1 "}, glue={"m": "0.0312"})
    text = (
        "```{exercise} Unequal weights\n:label: ch5-ex-w\nChange the weights.\n```\n\n"
        "````{solution} ch5-ex-w\n:class: dropdown\nThe mean is 1.\n\n```python\n"
        "w = [0.8, 0.2]\n```\n\nMean {glue:text}`m:.2f`.\n````"
    )
    assert rn.resolve_markdown(text, ctx) == (
        '### <a id="ch5-ex-w"></a>Exercise 5.1 (Unequal weights)\n\n'
        "Change the weights.\n\n<details>\n"
        "<summary>Solution to Exercise 5.1 (Unequal weights)</summary>\n\n"
        "The mean is 1.\n\n```python\nw = [0.8, 0.2]\n```\n\nMean 0.03.\n\n</details>"
    )
    assert ctx.problems == []


def test_exercises_without_a_built_number_are_counted():
    ctx = context()
    text = "```{exercise}\nA.\n```\n\n```{exercise} B\nB.\n```"
    assert rn.resolve_markdown(text, ctx) == (
        "### Exercise 1\n\nA.\n\n### Exercise 2 (B)\n\nB."
    )


def test_a_solution_to_an_unknown_exercise_is_reported():
    ctx = context()
    text = "```{solution} ex-gone\n:class: dropdown\nWhy.\n```"
    assert rn.resolve_markdown(text, ctx) == (
        "<details>\n<summary>Solution to the exercise</summary>\n\nWhy.\n\n</details>"
    )
    assert ctx.problems == [
        "chapters/03_vae: solution to 'ex-gone', no exercise above has that label"
    ]


# ----------------------------------------------------------------- notebooks

FIGURE = (
    "```{{glue:figure}} {name}\n:alt: Rows of digits.\n:name: {label}\n\n"
    "The first {{glue:text}}`n` digits.\n```\n\nInterpretation."
)


def chapter(*cells) -> nbformat.NotebookNode:
    made = []
    for kind, source, tags in cells:
        meta = {"tags": tags} if tags else {}
        if kind == "code":
            cell = nbformat.v4.new_code_cell(source, metadata=meta)
            cell.outputs = [nbformat.v4.new_output("stream", text="old output\n")]
            cell.execution_count = 3
        else:
            cell = nbformat.v4.new_markdown_cell(source, metadata=meta)
        made.append(cell)
    return nbformat.v4.new_notebook(cells=made)


def test_figure_caption_moves_under_the_cell_that_draws_it():
    source = chapter(
        ("code", "# Set-up.\nimport vaelib", ["remove-input"]),
        ("markdown", "# Chapter\n\nIntro {cite:t}`langr2019gans`.", None),
        ("code", 'fig = draw()\nglue("fig_a", fig)\nplt.close(fig)', ["remove-output"]),
        ("code", 'glue("n", 40, display=False)', ["remove-cell"]),
        ("markdown", FIGURE.format(name="fig_a", label="fig-a"), None),
    )
    ctx = context(glue={"n": "40"}, numbers={"fig-a": "Fig. 3.1 "})
    nb = rn.reader_notebook(source, ctx)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["code", "markdown", "code", "markdown", "code", "markdown"]
    assert nb.cells[3].source == (
        '<a id="fig-a"></a>**Figure 3.1.** The first 40 digits.'
    )
    assert nb.cells[5].source == "Interpretation."
    assert NOTE_IN(nb.cells[1].source)
    assert nb.cells[1].source.startswith("# Chapter\n\n> *" + rn.NOTE_MARK)
    assert all(c.outputs == [] and c.execution_count is None for c in code(nb))
    for hidden in (nb.cells[0], nb.cells[4]):  # folded in JupyterLab and in Colab
        assert hidden.metadata["jupyter"] == {"source_hidden": True}
        assert hidden.metadata["cellView"] == "form"
    assert nb.cells[0].source == "#@title Set-up\n# Set-up.\nimport vaelib"
    assert nb.cells[4].source == (
        "#@title Hidden in the book: checks and glued values\n"
        'glue("n", 40, display=False)'
    )
    assert "jupyter" not in nb.cells[2].metadata  # the figure cell stays open
    assert nb.cells[2].source == code(source)[1].source
    assert source.cells[4].source.startswith("```{glue:figure}")  # source untouched
    assert sum(NOTE_IN(c.source) for c in nb.cells if c.cell_type == "markdown") == 1
    nbformat.validate(nb)


def test_the_drawing_cell_is_found_from_the_executed_notebook():
    source = chapter(
        ("markdown", "# T", None),
        ("code", "for name, fig in figs.items():\n    glue(name, fig)", None),
        ("markdown", FIGURE.format(name="fig_b", label="fig-b"), None),
    )
    executed = chapter(*[(c.cell_type, c.source, None) for c in source.cells])
    executed.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBOR", "text/plain": "<Figure>"},
            metadata={"scrapbook": {"name": "fig_b", "mime_prefix": ""}},
        )
    ]
    ctx = context(glue={"n": "9"})
    nb = rn.reader_notebook(source, ctx, executed)
    assert [c.cell_type for c in nb.cells] == [
        "markdown",
        "code",
        "markdown",
        "markdown",
    ]
    assert nb.cells[2].metadata["tags"] == [rn.CAPTION_TAG]
    assert nb.cells[2].source == '<a id="fig-b"></a>The first 9 digits.'
    assert ctx.problems == []
    without = rn.reader_notebook(source, context(glue={"n": "9"}))
    assert [c.cell_type for c in without.cells][-1] == "markdown"


def test_a_figure_nobody_draws_is_reported():
    source = chapter(("markdown", FIGURE.format(name="fig_c", label="fig-c"), None))
    ctx = context(glue={"n": "1"})
    rn.reader_notebook(source, ctx)
    assert ctx.problems == ["chapters/03_vae: no code cell above draws figure 'fig_c'"]


SCRATCH = '# Exercise "Add": your code here. (The solution below runs without it.)'
GATED = (
    (
        "markdown",
        "## Exercises\n\n```{exercise} Add\n:label: ex-add\nAdd 1 and 2.\n```",
        None,
    ),
    ("code", SCRATCH, ["remove-cell", "exercise-scratch"]),
    (
        "markdown",
        "```{solution-start} ex-add\n:class: dropdown\n```\n\nWhy: {glue:text}`s`.",
        None,
    ),
    ("code", "total = 1 + 2\nprint(total)", None),
    ("code", 'glue("s", total, display=False)\nassert total == 3', ["remove-cell"]),
    ("markdown", "Between the cells.", None),
    ("code", "# Check the sum\ntotal", None),
    (
        "markdown",
        "So it is {glue:text}`s`.\n\n```{solution-end}\n```\n\n"
        "```{exercise} Think\n:label: ex-think\nThink.\n```\n\n"
        "```{solution} ex-think\n:class: dropdown\nBecause.\n```",
        None,
    ),
    ("code", "after = 1", None),
    ("markdown", "## Summary", None),
)


def heading_level(cell) -> int:
    """A Markdown cell's level as JupyterLab's collapsing sees it: its highest heading
    (7: no heading)."""
    levels = [len(m) for m in re.findall(r"^(#{1,6}) ", cell.source, re.M)]
    return min(levels, default=7) if cell.cell_type == "markdown" else 7


def folded_under(nb, index: int) -> list[int]:
    """The cells JupyterLab hides when the heading cell at ``index`` is collapsed: those
    after it, up to the next cell with a heading of the same or a higher level."""
    level = heading_level(nb.cells[index])
    end = index + 1
    while end < len(nb.cells) and heading_level(nb.cells[end]) > level:
        end += 1
    return list(range(index + 1, end))


def test_executed_solution_becomes_a_folded_section_after_an_open_scratch_cell():
    ctx = context(glue={"s": "3"}, numbers={"ex-add": "Exercise 3.2 "})
    nb = rn.reader_notebook(chapter(*GATED), ctx)
    assert ctx.problems == []
    cells = nb.cells[1:]  # after the note on the published numbers
    assert [(c.cell_type, c.source.split("\n")[0]) for c in cells] == [
        ("markdown", "## Exercises"),
        ("code", SCRATCH),
        ("markdown", "#### Solution to Exercise 3.2 (Add)"),
        ("code", "#@title Solution code"),
        ("code", "#@title Hidden in the book: checks and glued values"),
        ("markdown", "Between the cells."),
        ("code", "#@title Check the sum"),
        ("markdown", "So it is 3."),
        ("markdown", '### <a id="ex-think"></a>Exercise 2 (Think)'),
        ("code", "after = 1"),
        ("markdown", "## Summary"),
    ]
    exercise, scratch, heading, solution, check, between, last, end = cells[:8]
    assert exercise.source == (
        '## Exercises\n\n### <a id="ex-add"></a>Exercise 3.2 (Add)\n\nAdd 1 and 2.'
    )
    # the learner's cell: open (the HTML removes it), runs as a no-op
    assert scratch.source == SCRATCH and "jupyter" not in scratch.metadata
    assert scratch.metadata["tags"] == ["remove-cell", "exercise-scratch"]
    # the solution: a heading JupyterLab keeps folded, over exactly the solution
    assert heading.source == "#### Solution to Exercise 3.2 (Add)\n\nWhy: 3."
    assert heading.metadata == {rn.COLLAPSED: True}
    assert [nb.cells[i] for i in folded_under(nb, 3)] == cells[3:8]
    for cell in (solution, check, last):  # code folded, outputs left visible
        assert cell.metadata["jupyter"] == {"source_hidden": True}
        assert cell.metadata["cellView"] == "form"
    assert solution.source == "#@title Solution code\ntotal = 1 + 2\nprint(total)"
    assert last.source == "#@title Check the sum\n# Check the sum\ntotal"
    assert end.source == "So it is 3.\n\n" + rn.SOLUTION_END
    assert all(rn.COLLAPSED not in c.metadata for c in cells if c is not heading)
    # after the solution: a prose solution stays <details>, code is open again
    assert cells[8].source.endswith(
        "<details>\n<summary>Solution to Exercise 2 (Think)</summary>\n\nBecause."
        "\n\n</details>"
    )
    assert "jupyter" not in cells[9].metadata
    assert all(rn.CELL_BREAK.strip() not in c.source for c in cells)
    nbformat.validate(nb)


def test_solution_markers_left_open_or_unopened_are_reported():
    start = "```{solution-start} ex-a\n:class: dropdown\n```"
    end = "```{solution-end}\n```"
    exercise = "```{exercise}\n:label: ex-a\nDo.\n```"
    for cells, problem in [
        ([exercise, start, "x = 1"], "{solution-start} ex-a has no {solution-end}"),
        ([exercise, end], "{solution-end} without a start"),
        ([exercise, start, start, end], "{solution-start} ex-a inside the solution"),
    ]:
        ctx = context()
        rn.reader_notebook(
            chapter(
                *[("code" if c == "x = 1" else "markdown", c, None) for c in cells]
            ),
            ctx,
        )
        assert len(ctx.problems) == 1 and problem in ctx.problems[0], ctx.problems


def test_solution_markers_are_not_unknown_directives():
    ctx = context()
    text = (
        "```{exercise}\n:label: ex-a\nDo.\n```\n\n"
        "```{solution-start} ex-a\n:class: dropdown\n```\n\nWhy.\n\n"
        "```{solution-end}\n```\n\nAfter."
    )
    resolved = rn.resolve_markdown(text, ctx)
    assert ctx.problems == []
    assert [p.strip() for p in resolved.split(rn.CELL_BREAK.strip())] == [
        '### <a id="ex-a"></a>Exercise 1\n\nDo.',
        "#### Solution to Exercise 1\n\nWhy.\n\n" + rn.SOLUTION_END,
        "After.",
    ]


def NOTE_IN(text: str) -> bool:
    return rn.NOTE_MARK in text


def code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


# ----------------------------------------------------------------- the set-up cell


def head_commit() -> str:
    """The commit checked out here, as git itself gives it."""
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def install_spec(code: str, environ: dict[str, str]) -> str:
    """What the set-up cell ``code`` asks pip to install on Colab, with ``environ`` as
    the environment: its assignments to REPOSITORY, COMMIT and spec, run in order."""
    names: dict[str, str] = {}
    assignments = [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets]
        in (["REPOSITORY"], ["COMMIT"], ["spec"])
    ]
    for node in sorted(assignments, key=lambda n: n.lineno):
        value = compile(ast.Expression(node.value), "<set-up cell>", "eval")
        names[node.targets[0].id] = eval(
            value, {"os": SimpleNamespace(environ=environ)}, names
        )
    return names["spec"]


def test_setup_cell_installs_the_vaelib_of_the_commit_it_was_built_from():
    commit = rn.build_commit()
    assert commit == head_commit()
    template = setup_cell.cell_source()  # the set-up cell every chapter starts with
    source = chapter(("code", template, ["remove-input"]), ("markdown", "# T", None))
    ctx = context(commit=commit)
    nb = rn.reader_notebook(source, ctx)
    assert ctx.problems == []
    setup = code(nb)[0].source
    repository = setup_cell.repository_url()
    assert install_spec(template, {}) == f"git+{repository}"  # the source: unpinned
    assert install_spec(setup, {}) == f"git+{repository}@{commit}"
    override = {"VAELIB_PIP_SPEC": "vaelib @ file:///somewhere"}
    assert install_spec(setup, override) == override["VAELIB_PIP_SPEC"]
    # only the install changes: the checkout's own vaelib, the rest, stay as they are
    title, _, body = setup.partition("\n")
    assert title.startswith("#@title ")
    changed = [
        line
        for line in difflib.ndiff(template.split("\n"), body.split("\n"))
        if line[:2] in ("- ", "+ ")
    ]
    assert changed == [
        f'+ COMMIT = "{commit}"  # the commit this notebook was built from',
        '-         spec = os.environ.get("VAELIB_PIP_SPEC", "git+" + REPOSITORY)',
        '+         spec = os.environ.get("VAELIB_PIP_SPEC", "git+" + REPOSITORY + "@" '
        "+ COMMIT)",
    ]
    assert source.cells[0].source == template  # the chapter itself is unchanged


def test_a_setup_cell_that_cannot_be_pinned_is_reported():
    ctx = context(commit="0" * 40)
    setup = 'spec = os.environ.get("VAELIB_PIP_SPEC", "vaelib")'
    rn.reader_notebook(chapter(("code", setup, ["remove-input"])), ctx)
    assert len(ctx.problems) == 1
    assert "no set-up cell whose vaelib install could be pinned" in ctx.problems[0]


def test_no_commit_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match=f"no commit checked out in {tmp_path}"):
        rn.build_commit(tmp_path)  # not a git checkout


# ----------------------------------------------------------------- over a real build

BOOK = Path(os.environ.get("READER_BOOK_DIR", ROOT)).resolve()
BUILT = (BOOK / "_build" / "jupyter_execute").is_dir()
NO_BUILD = f"no book build in {BOOK / '_build'} (run jupyter-book build first)"


def require_build():
    if not BUILT:
        if os.environ.get("CI"):
            pytest.fail(NO_BUILD + "; CI must build the book before these tests")
        pytest.skip(NO_BUILD)


@pytest.fixture(scope="module")
def readers(tmp_path_factory):
    require_build()
    out = tmp_path_factory.mktemp("reader")
    assert rn.main(["--book", str(BOOK), "--out", str(out)]) == 0, "problems listed"
    _, chapters = rn.book_context(BOOK)
    return out, chapters


def image_outputs(nb) -> int:
    """Images the run shows outside executed solutions (a solution's figure is shown
    inline, in its dropdown, not through a captioned {glue:figure})."""
    in_solutions = cell_times.solution_cells(nb)
    return sum(
        1
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and index not in in_solutions
        for output in cell.get("outputs", [])
        if any(k.startswith("image/") for k in output.get("data", {}))
    )


def glue_figures(nb) -> int:
    return sum(
        len(re.findall(r"^\s*(`{3,}|:{3,})\{glue:figure\}", c.source, re.M))
        for c in nb.cells
        if c.cell_type == "markdown"
    )


def test_every_chapter_has_a_reader_notebook_without_myst(readers):
    out, chapters = readers
    assert chapters, "no chapter notebooks in _toc.yml"
    for docname in chapters:
        nb = nbformat.read(out / f"{docname}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                found = [m for m in MYST if m in cell.source]
                assert not found, f"{docname}: {found} in\n{cell.source[:300]}"
        assert all(c.get("outputs") == [] for c in code(nb)), docname


def test_every_html_figure_is_drawn_by_the_notebook_and_captioned(readers):
    out, chapters = readers
    counts = {}
    for docname in chapters:
        source = nbformat.read(BOOK / f"{docname}.ipynb", as_version=4)
        html = (BOOK / "_build" / "html" / f"{docname}.html").read_text()
        executed = nbformat.read(
            BOOK / "_build" / "jupyter_execute" / f"{docname}.ipynb", as_version=4
        )
        reader = nbformat.read(out / f"{docname}.ipynb", as_version=4)
        shown = glue_figures(source)
        captions = sum(
            1
            for c in reader.cells
            if c.cell_type == "markdown"
            and rn.CAPTION_TAG in c.metadata.get("tags", [])
        )
        counts[docname] = (
            shown,
            # the live widgets (vaelib.explorer) are figures too, but not images
            html.count("<figure") - html.count('<figure class="vaelib-widget"'),
            image_outputs(executed),
            captions,
        )
    wrong = {d: c for d, c in counts.items() if len(set(c)) != 1}
    assert not wrong, (
        "{glue:figure} blocks, HTML figures, images the run shows, captions: "
        + str(wrong)
    )


def test_every_reader_notebook_installs_the_vaelib_of_this_commit(readers):
    out, chapters = readers
    repository = setup_cell.repository_url()
    for docname in chapters:
        nb = nbformat.read(out / f"{docname}.ipynb", as_version=4)
        (setup,) = [c for c in code(nb) if rn.SETUP_MARK in c.source]
        spec = install_spec(setup.source, {})
        assert spec == f"git+{repository}@{head_commit()}", docname


def test_html_colab_button_opens_the_reader_notebook(readers):
    _, chapters = readers
    config = yaml.safe_load((BOOK / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    for docname in chapters:
        scan = rn.scan_page(BOOK / "_build" / "html" / f"{docname}.html")
        want = (
            f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
            f"{docname}.ipynb"
        )
        assert want in scan.colab, (docname, scan.colab)


def test_glossary_links_point_at_glossary_entries(readers):
    out, chapters = readers
    ctx, _ = rn.book_context(BOOK)
    page = BOOK / "_build" / "html" / f"{ctx.glossary_doc}.html"
    ids = set(rn.scan_page(page).ids)
    url = ctx.url(ctx.glossary_doc) + "#"
    for docname in chapters:
        nb = nbformat.read(out / f"{docname}.ipynb", as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        anchors = re.findall(re.escape(url) + r"([^)\s]+)\)", text)
        missing = sorted(set(anchors) - ids)
        assert not missing, (
            f"{docname}: glossary anchors not in the glossary: {missing}"
        )


def test_book_context_numbers_exercises_and_finds_labels_without_a_build(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "appendix").mkdir()
    (tmp_path / "_config.yml").write_text(
        "repository:\n  url: https://github.com/o/b\nbibtex_bibfiles: []\n"
    )
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/a\n"
        "  - file: appendix/glossary\n"
    )
    (tmp_path / "intro.md").write_text("# Intro\n")
    (tmp_path / "appendix" / "glossary.md").write_text(
        "# Glossary\n\n```{glossary}\nLatent space\n  Where codes live.\n```\n"
    )
    cells = [
        "# Chapter A\n\n```{glue:figure} f\n:name: fig-a\n\nCap.\n```",
        "```{exercise} One\n:label: ex-one\nDo.\n```\n\n"
        "```{exercise}\n:class: x\n:label: ex-two\nDo.\n```",
    ]
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(c) for c in cells]
        ),
        tmp_path / "chapters" / "a.ipynb",
    )
    ctx, chapters = rn.book_context(tmp_path)
    assert chapters == ["chapters/a"]
    assert ctx.base_url == "https://o.github.io/b/"
    assert ctx.titles["chapters/a"] == "Chapter A"
    assert ctx.terms == {"latent space": "Latent space"}
    assert ctx.numbers == {"ex-one": "Exercise 1", "ex-two": "Exercise 2"}
    assert ctx.labels == {
        "ex-one": "chapters/a",
        "ex-two": "chapters/a",
        "fig-a": "chapters/a",
    }
