"""Helpers for the unit tests, and the tests that need the package index.

The environment every run needs (Keras backend, caches, threads) and the pytest-xdist
groups that keep each notebook whole on one worker are set in the repository root's
conftest.py, which pytest loads whatever it collects (a notebook alone included).
"""

import ast
import importlib.util
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- tests that need the package index ----------------------------------------------
# They carry the mark "network" (pyproject.toml): tests/test_requirements.py's pip
# resolutions and tests/test_colab.py's fresh install. Where the index pip uses cannot
# be reached they are skipped, with the reason, so that pytest passes offline; under CI
# (CI set to anything) they must run, so there they fail instead. One probe decides,
# once per session (with pytest-xdist, once in each worker that runs such a test), and
# only when such a test is about to run. pytest -m "not network" leaves them out.

PROBE_TIMEOUT = 10  # seconds for the probe's one request
_INDEX_PROBLEM = pytest.StashKey[str | None]()


def parse_pip_config(listed: str) -> dict[str, str]:
    """``pip config list``'s lines (``global.index-url='...'``) as a dict."""
    settings = {}
    for line in listed.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            value = value.strip()
        settings[key.strip().replace("_", "-")] = str(value)
    return settings


def pip_settings() -> dict[str, str]:
    """pip's settings from its configuration files and PIP_* variables."""
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return parse_pip_config(listed)


def pip_setting(settings: dict[str, str], name: str) -> str | None:
    """The setting ``pip install`` uses: a PIP_ variable, [install], else [global]."""
    variable = os.environ.get("PIP_" + name.upper().replace("-", "_"))
    if variable:
        return variable
    for section in (":env:", "install", "global"):
        if settings.get(f"{section}.{name}"):
            return settings[f"{section}.{name}"]
    return None


def package_index_url(settings: dict[str, str] | None = None) -> str | None:
    """The package index pip installs from: its configuration, else its default."""
    url = pip_setting(pip_settings() if settings is None else settings, "index-url")
    if url:
        return url
    try:
        from pip._internal.models.index import PyPI  # pip's own default index
    except ImportError:
        return None
    return PyPI.simple_url


def without_credentials(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def probe_index(
    url: str, cert: str | None = None, proxy: str | None = None
) -> str | None:
    """None if the index at ``url`` answers, else why not.

    One request for pip's own project page, which every index serves; any answer below
    500 counts (a gateway's 5xx does not), and so does an index that is a local folder.
    """
    url = without_credentials(url)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        folder = urllib.request.url2pathname(parts.path)
        return None if os.path.isdir(folder) else f"no folder {folder}"
    handlers = []
    if proxy:
        handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
    if parts.scheme == "https":
        cafile = cert if cert and os.path.isfile(cert) else None
        if cafile is None:
            try:
                from pip._vendor import certifi  # the certificates pip trusts

                cafile = certifi.where()
            except ImportError:
                pass
        context = ssl.create_default_context(cafile=cafile)
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        opener.open(url.rstrip("/") + "/pip/", timeout=PROBE_TIMEOUT).close()
    except urllib.error.HTTPError as error:
        error.close()
        return None if error.code < 500 else f"HTTP {error.code}"
    except (OSError, ValueError) as error:  # URLError, timeouts, refused, no DNS
        return str(getattr(error, "reason", None) or error)
    return None


def index_problem() -> str | None:
    """The probe: None if the package index pip uses answers, else why not."""
    settings = pip_settings()
    url = package_index_url(settings)
    if url is None:
        return "cannot tell which package index pip uses"
    cert, proxy = pip_setting(settings, "cert"), pip_setting(settings, "proxy")
    problem = probe_index(url, cert=cert, proxy=proxy)
    return None if problem is None else f"{without_credentials(url)}: {problem}"


def network_verdict(problem: str | None, ci: str | None) -> tuple[str, str] | None:
    """What a test marked network does: None (run), ("skip" or "fail", why).

    ``problem`` is the probe's answer (None: the index answers), ``ci`` the value of CI.
    """
    if problem is None:
        return None
    if ci:
        return "fail", (
            "CI is set, so this test must run, but it needs the package index, "
            f"which cannot be reached ({problem})"
        )
    return "skip", (
        f"needs the package index, which cannot be reached ({problem}); "
        "it runs wherever the index can be reached, and CI requires it"
    )


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures are set up
def pytest_runtest_setup(item):
    if item.get_closest_marker("network") is None:
        return
    stash = item.config.stash
    if _INDEX_PROBLEM not in stash:
        stash[_INDEX_PROBLEM] = index_problem()
    verdict = network_verdict(stash[_INDEX_PROBLEM], os.environ.get("CI"))
    if verdict is None:
        return
    action, reason = verdict
    if action == "fail":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def require_headless_chromium() -> None:
    """Skip unless headless Chromium can start here (chromium, chromedriver, selenium:
    scripts/headless.py); fail instead under CI, which installs them."""
    lacking = load_script("headless").missing()
    if lacking:
        if os.environ.get("CI"):
            pytest.fail(
                "CI needs chromium, chromium-driver and selenium (see .ci/run): "
                + lacking
            )
        pytest.skip(f"no headless Chromium with chromedriver and selenium: {lacking}")


def headless_chromium(width: int = 1280, height: int = 900, phone: bool = False):
    """Debian's Chromium driven by chromedriver (selenium), or skip; CI must have it.

    Started by ``scripts/headless.py``, as the HTML check starts it. ``phone=True``
    emulates a phone of that size (``width`` x ``height`` CSS px): a mobile viewport
    (the page's ``<meta name="viewport">`` applies, scrollbars overlay the content as
    on a phone) at 2 device pixels per CSS pixel.
    """
    require_headless_chromium()
    return load_script("headless").start(width, height, phone=phone)


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
