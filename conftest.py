"""What every pytest run here needs, whatever it collects: the unit tests (tests/, whose
own conftest.py holds their helpers), every notebook (chapters/, nbval), or one page
alone (``pytest chapters/00_mnist.ipynb``). pytest loads this file, at the repository
root, for any path it collects; a conftest.py in tests/ is loaded only when tests/ is.

- The environment the notebooks' kernels and the unit tests inherit: a quiet
  TensorFlow, the Keras backend, the training-run cache, JAX's compilation cache and
  XLA level, and one TensorFlow thread per operation under pytest-xdist.
- The pytest-xdist groups (pyproject.toml: ``-n 2 --dist loadgroup``): a notebook's
  cells share one kernel and run in order, so each test file is kept whole on one
  worker, and chapters 3-5 are one group.
"""

import atexit
import importlib.util
import os
import shutil
import tempfile

import pytest

# Keep TensorFlow quiet in the unit tests, as the notebooks' set-up cell does.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# A backend you chose is kept; otherwise TensorFlow, or JAX where TensorFlow is missing
# (Intel Macs, Python 3.14), as the notebooks' set-up cell does.
if "KERAS_BACKEND" not in os.environ:
    os.environ["KERAS_BACKEND"] = (
        "tensorflow" if importlib.util.find_spec("tensorflow") else "jax"
    )

# A claim of the text that does not hold fails the notebook's test (vaelib.claims); in
# a reader's own session it only prints a note. Set to 0 to see the notes instead.
os.environ.setdefault("VAELIB_STRICT_CHECKS", "1")

# Chapters 4 and 5 train the same autoencoder and VAE as chapter 3; with a cache folder,
# vaelib.cache.fit_once lets them reuse chapter 3's identical runs (nbval runs the
# chapters in order). A fresh folder for every test session, so nothing is stale.
if not os.environ.get("VAELIB_FIT_CACHE"):
    _fit_cache = tempfile.mkdtemp(prefix="vaelib-fit-cache-")
    os.environ["VAELIB_FIT_CACHE"] = _fit_cache
    atexit.register(shutil.rmtree, _fit_cache, ignore_errors=True)
# On JAX, the notebooks (and both workers) reuse each other's compiled programs through
# JAX's compilation cache, in the same fresh folder; by default it keeps only programs
# that took over a second to compile, which none of the book's do.
os.environ.setdefault(
    "JAX_COMPILATION_CACHE_DIR", os.path.join(os.environ["VAELIB_FIT_CACHE"], "jax")
)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")
# On JAX, XLA compiles at LLVM's -O1, as in the book build (.ci/run,
# appendix/building.md), unless you set a level yourself.
XLA_LEVEL = "--xla_backend_optimization_level"
if os.environ["KERAS_BACKEND"] == "jax" and XLA_LEVEL not in os.environ.get(
    "XLA_FLAGS", ""
):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {XLA_LEVEL}=1".strip()

# Two xdist workers on two cores: TensorFlow's default, a thread per core for each
# operation in each worker, sets four threads against two cores. One each trained
# chapter 2's deep autoencoder 22% faster, two at once (9.5 against 12.2 s an epoch).
if os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") != "1":
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

# pytest-xdist runs the tests in two worker processes (pyproject.toml: -n 2 --dist
# loadgroup). A notebook's cells share one kernel and run in order, so every test file
# is one group, kept whole on one worker; chapters 3, 4 and 5 are one group, run in
# that order, so that 4 and 5 reuse chapter 3's training runs (the cache folder above
# is made once, by the main process, and the workers inherit it).
SHARED_RUNS = ("03_", "04_", "05_")
SHARED_GROUP = "chapters-3-5"
# The longest groups first (on two workers, in seconds: chapters 3-5 about 180, chapter
# 2 part 2 130, the package-index resolutions 145, the layout test 75, ...), so that
# no worker is left running a long one alone at the end; xdist hands the groups out in
# collection order (--no-loadscope-reorder in pyproject.toml).
LONGEST_FIRST = (
    SHARED_GROUP,
    "02b_deep_autoencoder.ipynb",
    "test_requirements.py",
    "test_layout.py",
    "06_what_vae_optimises.ipynb",
    "01_generative_modelling.ipynb",
    "02_autoencoders_vs_pca.ipynb",
    "test_colab.py",
)


def xdist_group(filename: str) -> str:
    """The pytest-xdist group of a test file's (or a notebook's) tests."""
    return SHARED_GROUP if filename.startswith(SHARED_RUNS) else filename


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "xdist_group(name): tests that one pytest-xdist worker runs in order"
    )


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (its hook runs first)
def pytest_collection_modifyitems(config, items):
    groups = {}
    for item in items:
        group = xdist_group(item.path.name)
        item.add_marker(pytest.mark.xdist_group(group))
        groups[item] = group

    def rank(item):
        group = groups[item]
        return (
            LONGEST_FIRST.index(group) if group in LONGEST_FIRST else len(LONGEST_FIRST)
        )

    items.sort(key=rank)  # stable: a notebook's cells keep their order
