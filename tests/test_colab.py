"""The Colab path: a fresh environment with TensorFlow but without vaelib (and without
myst-nb, as on Colab) runs the GENERATED reader notebook of chapter 0 (what the Colab
launch button opens: scripts/reader_notebooks.py, made from the book build) top to
bottom, its hidden set-up cell installing vaelib from the repository's git URL. The run
must show every figure of the HTML chapter as an image output. Chapter 0 is the cheapest
chapter that exercises the install path: it imports vaelib and Keras and trains a small
classifier.

The virtual environment is built once from the pins in requirements.txt (minus the book
tooling and vaelib) and kept in .venv-colab-test/ (git-ignored) for later runs. Needs a
book build (``_build``, or the folder in ``READER_BOOK_DIR``); without one the test is
skipped, except under CI (``CI`` set), where it fails. It installs from the package
index, so it is marked ``network``: where the index cannot be reached it is skipped,
except under CI, where it fails (tests/conftest.py).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-colab-test"
DOCNAME = "chapters/00_mnist"
BOOK = Path(os.environ.get("READER_BOOK_DIR", ROOT)).resolve()
# What Colab provides that the chapters need (it has no myst-nb and no vaelib).
COLAB_PACKAGES = (
    "tensorflow-cpu",
    "keras",
    "numpy",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "ipykernel",
)
EXTRA = ("nbclient", "nbformat")  # to run the notebook from the test


def pinned(names):
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)  # pins with environment markers apply on some machines
        if req.marker is None or req.marker.evaluate():
            pins[req.name.lower()] = f"{req.name}{req.specifier}"
    return [pins.get(n, n) for n in names]


def venv_python():
    python = VENV / "bin" / "python"
    wanted = "\n".join(pinned(COLAB_PACKAGES + EXTRA))
    stamp = VENV / "requirements.stamp"
    digest = hashlib.sha256(wanted.encode()).hexdigest()
    if python.exists() and stamp.is_file() and stamp.read_text() == digest:
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            # no byte-compiling of every installed module (TensorFlow has thousands:
            # 12 s of the 40 s install); Python compiles the few the notebook imports
            "--no-compile",
            *wanted.split("\n"),
        ],
        check=True,
    )
    stamp.write_text(digest)
    return python


def snapshot_repo(dest: Path) -> str:
    """A git repository of the working tree's package files: the test's 'GitHub'."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "vaelib", dest / "vaelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    git = [
        "git",
        "-C",
        str(dest),
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.invalid",
    ]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "snapshot"], check=True)
    return f"git+{dest.as_uri()}"


RUNNER = textwrap.dedent("""
    import json, sys, nbformat
    from nbclient import NotebookClient
    path = sys.argv[1]
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": sys.argv[2]}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    images = sum(any(k.startswith("image/") for k in o.get("data", {}))
                 for o in outputs)
    print("CELLS-RUN", len(code))
    print("RESULT", json.dumps({"images": images}))
""")


def reader_notebook(dest: Path) -> Path:
    """Chapter 0's reader notebook, made now from the build by the book's script."""
    if not (BOOK / "_build" / "jupyter_execute" / f"{DOCNAME}.ipynb").is_file():
        reason = f"no book build of {DOCNAME} in {BOOK / '_build'}"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must build the book before this test")
        pytest.skip(reason + " (run jupyter-book build or scripts/preview.py first)")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "reader_notebooks.py"),
            "--book",
            str(BOOK),
            "--out",
            str(dest),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return dest / f"{DOCNAME}.ipynb"


def html_figures() -> int:
    """Figures the HTML chapter shows: its {glue:figure} blocks."""
    nb = json.loads((ROOT / f"{DOCNAME}.ipynb").read_text())
    return sum(
        len(re.findall(r"^\s*(`{3,}|:{3,})\{glue:figure\}", "".join(c["source"]), re.M))
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    )


@pytest.mark.network
def test_colab_runs_the_reader_notebook_and_shows_every_figure(tmp_path):
    notebook = reader_notebook(tmp_path / "reader")
    python = venv_python()
    # Colab's environment: none of ours (PYTHONPATH would find this checkout's vaelib,
    # KERAS_BACKEND a backend Colab does not set).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "KERAS_BACKEND"))
    }
    env["PATH"] = f"{python.parent}:{env.get('PATH', '')}"
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "-q", "-y", "vaelib"],
        capture_output=True,
    )
    # (run from an empty folder: from the repository root, "import vaelib" finds the
    # source)
    probe = subprocess.run(
        [str(python), "-c", "import vaelib"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert probe.returncode != 0, "the Colab-like environment must start without vaelib"
    probe = subprocess.run(
        [str(python), "-c", "import myst_nb"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert probe.returncode != 0, (
        "Colab has no myst-nb; the glue fallback must be exercised"
    )

    repo = tmp_path / "repo"
    repo.mkdir()
    spec = snapshot_repo(repo)
    workdir = tmp_path / "colab"  # Colab opens a lone notebook: no checkout beside it
    workdir.mkdir()
    shutil.copy(notebook, workdir / notebook.name)
    (tmp_path / "run.py").write_text(RUNNER)
    env.update(COLAB_RELEASE_TAG="test", VAELIB_PIP_SPEC=spec)
    result = subprocess.run(
        [
            str(python),
            str(tmp_path / "run.py"),
            str(workdir / notebook.name),
            str(workdir),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "CELLS-RUN" in result.stdout
    ran = json.loads(result.stdout.split("RESULT", 1)[1].strip().splitlines()[0])
    shown = html_figures()
    assert shown > 0, "chapter 0 shows figures in the HTML book"
    assert ran["images"] == shown, (
        f"the HTML chapter shows {shown} figures, the notebook run {ran['images']}"
    )

    where = subprocess.run(
        [str(python), "-c", "import vaelib; print(vaelib.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    ).stdout.strip()
    assert Path(where).is_relative_to(VENV), (
        f"vaelib came from {where}, not from the git install"
    )
    data_file = Path(where).parent / "mnist" / "train-images-idx3-ubyte.gz"
    assert data_file.is_file(), "the git install must ship MNIST as package data"
