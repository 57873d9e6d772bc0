"""Static checks of the book's sources: no stored outputs, the shared set-up cell, the
table of contents, glue names, captions on glued figures, and figure descriptions that
name digits only through computed values."""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import load_script

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


setup_cell = load_script("setup_cell")
cell_times = load_script("cell_times")
reader_notebooks = load_script("reader_notebooks")


def read(path):
    return nbformat.read(path, as_version=4)


def toc_files():
    return reader_notebooks.toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))


def test_there_are_notebooks():
    assert NOTEBOOKS, "chapters/ has no notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_without_outputs(path):
    stale = [
        i
        for i, c in enumerate(read(path).cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert not stale, (
        f"{path.name}: cells {stale} have outputs; run scripts/strip_outputs.py"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_is_the_shared_setup_cell(path):
    nb = read(path)
    assert setup_cell.is_in_sync(nb), f"{path.name}: run python scripts/setup_cell.py"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_setup_cell_uses_the_configured_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    source = setup_cell.cell_source()
    assert f'REPOSITORY = "{config["repository"]["url"].rstrip("/")}"' in source
    assert source.index("TF_CPP_MIN_LOG_LEVEL") < source.index("import vaelib")
    compile(source, "setup-cell", "exec")


def test_every_notebook_is_in_the_toc_and_every_toc_file_exists():
    files = toc_files()
    for name in files:
        candidates = [ROOT / f"{name}{ext}" for ext in (".md", ".ipynb", "")]
        assert any(c.is_file() for c in candidates), (
            f"_toc.yml lists {name}, which does not exist"
        )
    for path in NOTEBOOKS:
        assert f"chapters/{path.stem}" in files, f"{path.name} is not in _toc.yml"


GLUE_REF = re.compile(
    r"\{glue(?::(?:text|figure|math|any|md))?\}`([A-Za-z_][A-Za-z0-9_]*)"
)
GLUE_FIG = re.compile(r"```\{glue(?::figure)?\}\s+([A-Za-z_][A-Za-z0-9_]*)")
GLUE_CALL = re.compile(r"glue\(\s*(f?)[\"']([A-Za-z0-9_{}\[\]\.]+)[\"']")


def glued_name_patterns(code):
    """Names passed to glue(): literal ones, and f-strings as patterns.

    ``f"err_{k}"`` becomes the pattern ``err_.+``.
    """
    patterns = []
    for is_f, name in GLUE_CALL.findall(code):
        if is_f:
            parts = re.split(r"\{[^}]*\}", name)
            patterns.append(re.compile(".+".join(re.escape(p) for p in parts) + "$"))
        else:
            patterns.append(re.compile(re.escape(name) + "$"))
    return patterns


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_glue_references_have_a_glue_call(path):
    nb = read(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    referenced = set(GLUE_REF.findall(markdown)) | set(GLUE_FIG.findall(markdown))
    patterns = glued_name_patterns(code)
    missing = sorted(
        name for name in referenced if not any(p.match(name) for p in patterns)
    )
    assert not missing, f"{path.name}: glued names never computed: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_glued_figures_have_alt_text_and_caption(path):
    nb = read(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for block in re.findall(r"```\{glue:figure\}.*?```", markdown, flags=re.S):
        assert ":alt:" in block, (
            f"{path.name}: glued figure without :alt: text:\n{block}"
        )
        body = [
            ln
            for ln in block.splitlines()[1:-1]
            if ln.strip() and not ln.strip().startswith(":")
        ]
        assert body, f"{path.name}: glued figure without a caption:\n{block}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_are_shown_through_captioned_glue(path):
    """plt.show() would put a figure on the page with no caption and no alt text;
    only an executed solution shows its figure inline, inside its dropdown."""
    nb = read(path)
    in_solutions = cell_times.solution_cells(nb)
    shown = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and i not in in_solutions and "plt.show(" in c.source
    ]
    assert not shown, (
        f"{path.name}: cells {shown} call plt.show(); glue the figure and show it "
        "with a captioned {glue:figure}"
    )


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.stem != "00_mnist"], ids=lambda p: p.name
)
def test_chapters_check_their_claims_and_have_exercises(path):
    nb = read(path)
    hidden_asserts = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and re.search(r"\bassert\b|\bcheck\(", c.source)  # vaelib.claims.check
        and {"remove-cell", "remove-input"} & set(c.metadata.get("tags", []))
    ]
    assert hidden_asserts, f"{path.name}: no hidden cell asserts the prose's claims"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # prose solutions ({solution}) or executed ones ({solution-start}); that each
    # exercise has one, hidden, is checked in tests/test_solutions.py
    assert "{exercise}" in markdown and re.search(r"\{solution(-start)?\}", markdown), (
        f"{path.name}: no exercises with solutions"
    )
    assert ":class: dropdown" in markdown, (
        f"{path.name}: solutions must be hidden (dropdown)"
    )


# A sentence that names the digits a particular run drew ("the 2 and the 5 become
# blobs", "the top row walks 7 -> 9 -> 8") is true of one run only: it must come from a
# computed value (glued, and asserted where it is computed), or hold for any seed.
DIGIT_NAMES = re.compile(
    r"\b(the|a|an|as|like) [0-9]s?\b(?!-)|\b[0-9]s\b"
    r"|\b(zeros|ones|twos|threes|fours|fives|sixes|sevens|eights|nines)\b"
    r"|[0-9] ?(->|→|\\to) ?[0-9]",
    flags=re.I,
)
GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`[^`]*`")
FIGURE_BLOCK = re.compile(r"```\{glue:figure\}.*?```", flags=re.S)


def figure_descriptions(markdown):
    """Each glued figure's caption and alt text, and the paragraph that follows it."""
    for match in FIGURE_BLOCK.finditer(markdown):
        after = markdown[match.end() :].lstrip("\n")
        paragraph = after.split("\n\n", 1)[0] if not after.startswith("```") else ""
        yield match.group(0).split("\n", 1)[1], paragraph


def run_specific_digit_names(text):
    return [m.group(0) for m in DIGIT_NAMES.finditer(GLUE_ROLE.sub("", text))]


def test_digit_name_rule_catches_typed_descriptions_and_allows_glued_ones():
    assert run_specific_digit_names("the 2 and the 5 become 8-like blobs") == [
        "the 2",
        "the 5",
    ]
    assert run_specific_digit_names("twos to the upper right, 7 -> 9") == [
        "twos",
        "7 -> 9",
    ]
    assert run_specific_digit_names("the {glue:text}`blob_digits` become blobs") == []
    assert run_specific_digit_names("a grid of 15 by 15 decoded points") == []
    assert run_specific_digit_names("codes in the 2-D latent space") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figure_descriptions_name_digits_only_through_glue(path):
    nb = read(path)
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block, paragraph in figure_descriptions(cell.source):
            for text in (block, paragraph):
                problems += run_specific_digit_names(text)
    assert not problems, (
        f"{path.name}: figure descriptions name digits by hand {problems}; glue them "
        "from a computed value (vaelib.digits) or say what holds for any seed"
    )


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_setup_cell_imports_tensorflow_only_for_the_tensorflow_backend(backend):
    """On JAX, seeding must not import TensorFlow (2 s a chapter); on TensorFlow it
    still seeds TensorFlow's own generator."""
    pytest.importorskip("jax")
    pytest.importorskip("tensorflow")
    probe = (
        setup_cell.cell_source()
        + "\nkeras.utils.set_random_seed(0)\n"
        + "print('tensorflow' in sys.modules, keras.backend.backend())\n"
    )
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT / "chapters",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[-1] == backend
    assert out[-2] == str(backend == "tensorflow"), out


# What TensorFlow's logs look like in a cell's output: its Python logger
# ("WARNING:tensorflow:..."), or its C++ log (absl's "E0000 00:00:1712345678.123 ...",
# or older TensorFlow's "2024-01-01 00:00:00.000000: E tensorflow/...").
TF_LOG_LINE = re.compile(
    r"^(\w+:tensorflow:|[IWEF]\d{4} \d\d:\d\d:\d\d|\S+ [\d:.]+: [IWEF] )", re.M
)


def test_tf_log_line_pattern():
    for line in (
        "WARNING:tensorflow:5 out of the last 9 calls to <function f> triggered "
        "tf.function retracing.",
        "E0000 00:00:1774441203.701207 1866206 cuda_platform.cc:52] failed call to "
        "cuInit: INTERNAL: CUDA error",
        "2025-05-05 04:14:39.594357: E external/local_xla/xla/stream_executor/cuda/"
        "cuda_platform.cc:51] failed call to cuInit: UNKNOWN ERROR (303)",
    ):
        assert TF_LOG_LINE.search(f"Keras 3 on the tensorflow backend\n{line}\n"), line
    assert not TF_LOG_LINE.search("Keras 3 on the tensorflow backend\nepoch 5: 0.07\n")


def test_setup_cell_keeps_tensorflow_logs_out_of_a_notebook(monkeypatch):
    """The set-up cell in a kernel on TensorFlow, then a function TensorFlow retraces
    for 8 shapes: no TensorFlow log line in either output. (TensorFlow's import sets its
    logger to INFO in a notebook, and chapter 2 showed 'WARNING:tensorflow:5 out of the
    last 9 calls ... triggered tf.function retracing'.)"""
    pytest.importorskip("tensorflow")
    from nbclient import NotebookClient

    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    retrace = (
        "tf = sys.modules['tensorflow']\n"
        "add_one = tf.function(lambda x: x + 1)\n"
        "for n in range(1, 9):\n"
        "    add_one(tf.zeros([n]))\n"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup_cell.cell_source()),
        nbformat.v4.new_code_cell(retrace),
    ]
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "chapters")}},
    ).execute()
    outputs = [o for cell in nb.cells for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs)
    assert "on the tensorflow backend" in text, text
    assert not TF_LOG_LINE.search(text), text
    assert all(o.get("name") == "stdout" for o in outputs), text


@pytest.mark.parametrize(
    "colab, gpu, chosen, level",
    [
        (False, False, None, "2"),
        (True, True, None, "2"),  # Colab's GPU runtime: TensorFlow's errors still show
        (True, False, None, "3"),  # its CPU runtime: no "failed call to cuInit" line
        (True, False, "0", "0"),  # a level the reader chose is kept
    ],
)
def test_setup_cell_hides_tensorflow_errors_only_on_colab_without_a_gpu(
    monkeypatch, colab, gpu, chosen, level
):
    import glob

    head = setup_cell.cell_source().split("\nREPOSITORY = ")[0]
    for name, value in (("COLAB_RELEASE_TAG", colab), ("TF_CPP_MIN_LOG_LEVEL", chosen)):
        if value:
            monkeypatch.setenv(name, "test" if value is True else value)
        else:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(glob, "glob", lambda pattern: ["nvidia0"] if gpu else [])
    exec(compile(head, "setup-cell", "exec"), {})
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == level


# The set-up cell's JAX_AFFECTED: the first jaxlib release that trains wrongly on CPU,
# and the first that is fixed.
JAX_AFFECTED = re.search(
    r'JAX_AFFECTED = \("([\d.]+)", "([\d.]+)"\)', setup_cell.TEMPLATE
).groups()


def run_setup_cell_head(monkeypatch, chosen, jaxlib, tensorflow):
    """The set-up cell up to its vaelib install (no Keras import), with the backend the
    reader chose (None: none), the installed jaxlib's version (None: no jaxlib) and
    TensorFlow's presence faked. Returns the backend it leaves for Keras."""
    import importlib.metadata
    import importlib.util

    if chosen:
        monkeypatch.setenv("KERAS_BACKEND", chosen)
    else:
        monkeypatch.delenv("KERAS_BACKEND", raising=False)
    installed = {"jaxlib": jaxlib is not None, "tensorflow": tensorflow}
    find_spec = importlib.util.find_spec
    head = setup_cell.cell_source().split("\nREPOSITORY = ")[0]
    with monkeypatch.context() as patch:
        patch.setattr(
            importlib.util,
            "find_spec",
            lambda name, *args: (
                (object() if installed[name] else None)
                if name in installed
                else find_spec(name, *args)
            ),
        )
        patch.setattr(importlib.metadata, "version", {"jaxlib": jaxlib}.__getitem__)
        exec(compile(head, "setup-cell", "exec"), {})
    return os.environ.get("KERAS_BACKEND")


@pytest.mark.parametrize(
    "chosen, jaxlib, tensorflow, runs",
    [
        ("jax", "0.7.2", True, "tensorflow"),  # Colab's JAX, chosen: TensorFlow instead
        ("jax", JAX_AFFECTED[0], True, "tensorflow"),
        ("jax", "0.7.0", True, "jax"),  # before the regression
        ("jax", JAX_AFFECTED[1], True, "jax"),  # fixed (the book's own pin)
        (None, JAX_AFFECTED[1], False, "jax"),  # no TensorFlow: JAX, unaffected
        ("jax", "0.4.38", False, "jax"),  # Intel Macs' JAX
        ("tensorflow", "0.7.2", True, "tensorflow"),  # JAX installed, not used
        ("jax", None, True, "jax"),  # no jaxlib: nothing to check (Keras will say)
    ],
)
def test_setup_cell_runs_tensorflow_instead_of_a_jax_that_trains_wrongly(
    monkeypatch, capsys, chosen, jaxlib, tensorflow, runs
):
    """Keras on JAX 0.7.2 (Colab's) reaches 66% test accuracy where TensorFlow and JAX
    0.10.2 reach 90% (an MLP, one epoch of MNIST): the set-up cell runs TensorFlow
    instead of an affected JAX, and says so in one line on stdout, before Keras is
    imported. Otherwise it prints nothing."""
    assert run_setup_cell_head(monkeypatch, chosen, jaxlib, tensorflow) == runs
    out, err = capsys.readouterr()
    assert not err
    if runs == chosen or chosen is None:
        assert out == ""
        return
    assert out.count("\n") == 1, out
    for part in (
        f"JAX {jaxlib} may train Keras models wrongly",
        f"JAX {JAX_AFFECTED[0]} up to {JAX_AFFECTED[1]}, excluded",
        f'pip install -U "jax[cpu]>={JAX_AFFECTED[1]}", then restart the runtime',
        "This page runs on TensorFlow instead.",
    ):
        assert part in out, out


@pytest.mark.parametrize("chosen", ["jax", None])
def test_setup_cell_stops_on_a_jax_that_trains_wrongly_without_tensorflow(
    monkeypatch, capsys, chosen
):
    """No TensorFlow to fall back on (chosen JAX, or JAX because TensorFlow is missing):
    the set-up cell stops, with what to install, before anything trains."""
    with pytest.raises(RuntimeError) as stop:
        run_setup_cell_head(monkeypatch, chosen, "0.7.2", tensorflow=False)
    message = str(stop.value)
    assert message.startswith("JAX 0.7.2 may train Keras models wrongly"), message
    assert f'pip install -U "jax[cpu]>={JAX_AFFECTED[1]}"' in message
    assert message.endswith("or install TensorFlow."), message
    assert capsys.readouterr() == ("", "")
