import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# pytest-xdist runs the tests in two worker processes (pyproject.toml: -n 2 --dist
# loadgroup). A notebook's cells share one kernel and run in order, so every test file
# is one group, kept whole on one worker; chapters 3, 4 and 5 are one group, run in
# that order, so that 4 and 5 reuse chapter 3's training runs (the cache folder above
# is made once, by the main process, and the workers inherit it).
SHARED_RUNS = ("03_", "04_", "05_")
# The longest groups first (on two workers, in seconds: chapters 3-5 about 180, chapter
# 2 part 2 130, the package-index resolutions 145, the layout test 75, ...), so that
# no worker is left running a long one alone at the end; xdist hands the groups out in
# collection order (--no-loadscope-reorder in pyproject.toml).
LONGEST_FIRST = (
    "chapters-3-5",
    "02b_deep_autoencoder.ipynb",
    "test_requirements.py",
    "test_layout.py",
    "06_what_vae_optimises.ipynb",
    "01_generative_modelling.ipynb",
    "02_autoencoders_vs_pca.ipynb",
    "test_colab.py",
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "xdist_group(name): tests that one pytest-xdist worker runs in order"
    )


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (its hook runs first)
def pytest_collection_modifyitems(config, items):
    groups = {}
    for item in items:
        name = item.path.name
        group = "chapters-3-5" if name.startswith(SHARED_RUNS) else name
        item.add_marker(pytest.mark.xdist_group(group))
        groups[item] = group

    def rank(item):
        group = groups[item]
        return (
            LONGEST_FIRST.index(group) if group in LONGEST_FIRST else len(LONGEST_FIRST)
        )

    items.sort(key=rank)  # stable: a notebook's cells keep their order


def headless_chromium(width: int = 1280, height: int = 900, phone: bool = False):
    """Debian's Chromium driven by chromedriver (selenium), or skip; CI must have it.

    ``phone=True`` emulates a phone of that size (``width`` x ``height`` CSS px): a
    mobile viewport (the page's ``<meta name="viewport">`` applies, scrollbars overlay
    the content as on a phone) at 2 device pixels per CSS pixel.
    """
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        chrome = None
    if not (chrome and driver_path):
        if os.environ.get("CI"):
            pytest.fail("CI needs chromium, chromium-driver and selenium (see .ci/run)")
        pytest.skip("no headless Chromium with chromedriver and selenium here")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    flags = (
        "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        f"--window-size={width},{height}"
    )
    for flag in flags.split():
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    if phone:
        metrics = {"width": width, "height": height, "deviceScaleFactor": 2}
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {**metrics, "mobile": True}
        )
    return driver


def built_page(relative: str) -> str:
    """Path of a page of the built book, or skip (fail in CI, which builds first)."""
    path = os.path.join(ROOT, "_build", "html", relative)
    if not os.path.isfile(path):
        if os.environ.get("CI"):
            pytest.fail(f"{relative} is not built: CI builds the book before pytest")
        pytest.skip(f"build the book first (jupyter-book build .): no {relative}")
    return path


def built_book() -> Path:
    """The built book's ``_build/html``, or skip (fail in CI, which builds first)."""
    html = Path(ROOT) / "_build" / "html"
    if not (html / "intro.html").is_file():
        if os.environ.get("CI"):
            pytest.fail("the book is not built: CI builds the book before pytest")
        pytest.skip("build the book first (jupyter-book build .): no _build/html")
    return html


def book_pages(html: Path) -> list[Path]:
    """Every page of the book in ``_toc.yml`` (root, chapters, back matter), built."""
    import yaml

    toc = yaml.safe_load((Path(ROOT) / "_toc.yml").read_text())
    names = load_script("reader_notebooks").toc_files(toc)  # sections included
    pages = [html / f"{name}.html" for name in names]
    missing = [str(p.relative_to(html)) for p in pages if not p.is_file()]
    if missing:
        pytest.fail(f"pages in _toc.yml missing from the build: {missing}")
    return pages


def load_script(name: str):
    """Import ``scripts/<name>.py`` (the scripts are not a package) for testing."""
    path = Path(ROOT) / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return sys.modules[name]
