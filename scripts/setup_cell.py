"""Keep the hidden set-up cell of every chapter notebook identical and in sync.

The cell is the first cell of each notebook in chapters/, tagged ``remove-input`` (the
code is hidden; the line it prints, which Keras backend ran the page, is shown). On
Colab (which has TensorFlow but not vaelib) it pip-installs vaelib from the repository
URL set in _config.yml; elsewhere vaelib is already installed (``pip install -r
requirements.txt``), or found in the checkout. It always quiets TensorFlow's start-up
logs before TensorFlow is imported (on Colab without a GPU, its error line about CUDA
too), and its Python warnings once it is imported, keeps a Keras backend the reader
chose (JAX when TensorFlow is missing) unless it is a JAX release that trains wrongly
(``JAX_AFFECTED``: it says so, then runs TensorFlow, or stops where there is none),
provides ``glue`` (a plain display on Colab, which has no myst-nb), keeps Keras from
importing TensorFlow only to seed it when another backend runs, and prints the Keras
version and backend.

    python scripts/setup_cell.py          # rewrite the set-up cell of every notebook
    python scripts/setup_cell.py --check  # exit 1 if any notebook is out of sync
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TAG = "remove-input"  # the code is hidden; the backend line it prints is shown

TEMPLATE = """\
# Set-up (its code is hidden in the book). Runs as is locally, in CI and on Colab.
import glob
import importlib.metadata
import importlib.util
import os
import re
import sys

# The jaxlib releases whose Keras training goes wrong on CPU: from the first up to the
# second, excluded (jax-ml/jax issue 31473; Colab's 0.7.2 is one). Checked below.
JAX_AFFECTED = ("0.7.1", "0.10.2")
ON_COLAB = "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
# Quiet TensorFlow's start-up logs: both are needed, before TensorFlow is imported.
# It reads the level once, as it loads: 3, which hides its C++ errors all session, is
# only for Colab without a GPU (no /dev/nvidia0), to hide "failed call to cuInit" there.
COLAB_CPU = ON_COLAB and not glob.glob("/dev/nvidia[0-9]*")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3" if COLAB_CPU else "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# Keras 3 runs on TensorFlow, JAX or PyTorch. A backend you chose (KERAS_BACKEND) is
# kept; otherwise Keras's default (TensorFlow), or JAX where TensorFlow is missing.
if "KERAS_BACKEND" not in os.environ and not importlib.util.find_spec("tensorflow"):
    os.environ["KERAS_BACKEND"] = "jax"
# An affected JAX trains badly without an error: use TensorFlow instead, or stop here.
if os.environ.get("KERAS_BACKEND") == "jax" and importlib.util.find_spec("jaxlib"):
    jax_version, (low, high) = importlib.metadata.version("jaxlib"), JAX_AFFECTED
    first, fixed, installed = (
        tuple(map(int, re.findall(r"\\d+", v)[:3])) for v in (low, high, jax_version)
    )
    if first <= installed < fixed:
        problem = (
            f"JAX {{jax_version}} may train Keras models wrongly on CPU (a regression "
            f"of JAX {{low}} up to {{high}}, excluded): pip install -U "
            f'"jax[cpu]>={{high}}", then restart the runtime'
        )
        if not importlib.util.find_spec("tensorflow"):
            raise RuntimeError(f"{{problem}}, or install TensorFlow.")
        print(f"{{problem}}. This page runs on TensorFlow instead.")
        os.environ["KERAS_BACKEND"] = "tensorflow"

REPOSITORY = "{url}"
try:
    import vaelib  # noqa: F401
except ImportError:
    if ON_COLAB:
        import subprocess

        spec = os.environ.get("VAELIB_PIP_SPEC", "git+" + REPOSITORY)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    else:  # a checkout without `pip install -e .`: use the package beside chapters/
        sys.path.insert(0, os.path.abspath(".."))
    import vaelib  # noqa: F401

try:
    from myst_nb import glue
except ImportError:  # no myst-nb (Colab, plain Jupyter): glue just shows the value
    from IPython.display import display as _display

    def glue(name, value, display=True):
        if display:
            _display(value)


import keras

# No TensorFlow warnings (tf.function retracing...) in the book; its import resets this.
if "tensorflow" in sys.modules:
    sys.modules["tensorflow"].get_logger().setLevel("ERROR")

# keras.utils.set_random_seed seeds TensorFlow too whenever it is installed, importing
# it (2 s, some 400 MB) even on JAX or PyTorch, where nothing else in the book uses it:
# on those backends, tell Keras it is absent. (A private flag: if a Keras version lacks
# it, nothing changes but the time.)
if keras.backend.backend() != "tensorflow" and "tensorflow" not in sys.modules:
    try:
        from keras.src.utils import module_utils

        module_utils.tensorflow._available = False
    except (ImportError, AttributeError):
        pass

print(f"Keras {{keras.__version__}} on the {{keras.backend.backend()}} backend")
"""


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


def cell_source() -> str:
    return TEMPLATE.format(url=repository_url()).rstrip("\n")


def notebooks() -> list[Path]:
    return sorted(CHAPTERS.glob("*.ipynb"))


def is_in_sync(nb) -> bool:
    if not nb.cells:
        return False
    first = nb.cells[0]
    return (
        first.cell_type == "code"
        and first.source == cell_source()
        and TAG in first.get("metadata", {}).get("tags", [])
    )


def sync(path: Path) -> bool:
    """Write the canonical set-up cell into ``path``; return True if it changed."""
    nb = nbformat.read(path, as_version=4)
    if is_in_sync(nb):
        return False
    cell = nbformat.v4.new_code_cell(cell_source(), metadata={"tags": [TAG]})
    first = nb.cells[0] if nb.cells else None
    if (
        first is not None
        and first.cell_type == "code"
        and "VAELIB_PIP_SPEC" in first.source
    ):
        cell["id"] = nb.cells[0].get("id", cell.get("id"))
        nb.cells[0] = cell
    else:
        nb.cells.insert(0, cell)
    nbformat.write(nb, path)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="only report notebooks out of sync"
    )
    args = parser.parse_args(argv)
    stale = [p for p in notebooks() if not is_in_sync(nbformat.read(p, as_version=4))]
    if args.check:
        for p in stale:
            print(
                f"out of sync: {p.relative_to(ROOT)} (run python scripts/setup_cell.py)"
            )
        return 1 if stale else 0
    for p in stale:
        sync(p)
        print(f"updated {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
