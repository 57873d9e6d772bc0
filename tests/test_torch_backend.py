"""The book on Keras's third backend, PyTorch: the unit tests and one chapter pass.

Skipped unless torch is installed (CI builds on JAX and tests on TensorFlow; torch is
not in requirements.txt). To run it: ``pip install torch==2.13.0`` (the CPU build from
PyTorch's own index in general), then ``pytest tests/test_torch_backend.py``. Each part
runs in a fresh process with ``KERAS_BACKEND=torch``, since Keras fixes its backend
when it is first imported. The chapter is ``chapters/00_mnist.ipynb`` unless
``TORCH_TEST_CHAPTERS`` names others (space-separated paths from the repository root).
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Not run again on torch: this file, and the Colab test (a TensorFlow-only environment
# that takes minutes to build).
NOT_ON_TORCH = ("test_torch_backend.py", "test_colab.py")
CHAPTERS = os.environ.get("TORCH_TEST_CHAPTERS", "chapters/00_mnist.ipynb").split()

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch is not installed (pip install torch==2.13.0)",
)


def pytest_on_torch(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KERAS_BACKEND="torch")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def last_lines(result: subprocess.CompletedProcess) -> str:
    out = result.stdout.strip().splitlines()[-20:]
    err = result.stderr.strip().splitlines()[-10:]
    return "\n".join(out + ["--- stderr:"] + err)


def check(result: subprocess.CompletedProcess) -> None:
    tail = last_lines(result)
    assert result.returncode == 0, f"pytest on torch failed:\n{tail}"
    assert " passed" in result.stdout, f"nothing ran on torch:\n{tail}"


def test_keras_runs_on_torch():
    result = subprocess.run(
        [sys.executable, "-c", "import keras; print(keras.backend.backend())"],
        env=dict(os.environ, KERAS_BACKEND="torch"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout.strip().splitlines()[-1:] == ["torch"], result.stderr


def test_unit_tests_pass_on_torch():
    ignored = [f"--ignore=tests/{name}" for name in NOT_ON_TORCH]
    check(pytest_on_torch("tests/", *ignored))


# Runs one notebook top to bottom (as the book build does: working directory chapters/)
# and prints what its hidden set-up cell printed: the backend that ran it.
RUNNER = """
import sys
import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
print("SETUP:", "".join(o.get("text", "") for o in nb.cells[0].outputs).strip())
"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_on_torch(chapter):
    path = ROOT / chapter
    assert path.is_file(), f"no such chapter: {chapter}"
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path), str(path.parent)],
        cwd=ROOT,
        env=dict(os.environ, KERAS_BACKEND="torch"),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    tail = last_lines(result)
    assert result.returncode == 0, f"{chapter} failed on torch:\n{tail}"
    assert "on the torch backend" in result.stdout, tail
