"""``pip install -r requirements.txt`` works on every machine of the README's matrix.

For each row of the support matrix (system, CPU, Python version) pip's dry run resolves
requirements.txt for that machine, from binary wheels only, against the package index,
and the resolved set must hold the Keras backend the README promises there. So a pin
that drops a platform or a Python version, or a marker that picks the wrong backend,
fails here and not on a learner's laptop. The rows run in parallel (a thread pool
driving one pip process each).

Two details of pip's dry run for another machine:
- ``--platform`` and ``--python-version`` choose the wheels, but pip evaluates the
  environment markers (``; sys_platform == "darwin"``) of requirements.txt and of every
  dependency against the machine it runs on. Each pip process therefore runs with
  ``packaging.markers.default_environment`` (pip's vendored copy) replaced by the target
  row's values; pip's report echoes that environment, and the test checks it.
- ``-e .`` (vaelib itself) is a source tree, not a wheel: it is replaced by vaelib's own
  dependencies read from pyproject.toml, which are resolved together with the pins.

The resolving pip is fetched from the index too (``PIP_VERSION``, one wheel, run from
the wheel): whatever pip the test environment has, every row is resolved the same way,
and recent pips need about a third of the CPU time of pip 23 for this.

The offline tests check the same matrix without the network: which lines of
requirements.txt apply on each row, and that the README's table states it. The
resolutions need the package index: they are marked ``network`` (tests/conftest.py
skips them where the index cannot be reached, and fails them there under CI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import tomllib
from conftest import package_index_url, pip_setting, pip_settings
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
README = ROOT / "README.md"
TF_PYTHONS = (
    "3.11",
    "3.12",
    "3.13",
)  # the Python versions TensorFlow 2.21 has wheels for
NEWEST_PYTHON = "3.14"  # JAX only
BACKENDS = ("tensorflow-cpu", "tensorflow", "jax")


@dataclass(frozen=True)
class System:
    """One system and CPU, as pip's marker environment and wheel tags see it."""

    system: str  # as the README names it
    cpu: str
    markers: dict  # the PEP 508 environment variables that differ between machines
    platforms: tuple  # pip --platform tags, for the oldest OS release the README lists


def manylinux(arch: str, glibc: int = 28) -> tuple:
    """Wheel tags a Linux with glibc 2.<glibc> accepts (pip does not expand them)."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc, 4, -1)]
    return (
        *tags,
        f"manylinux2014_{arch}",
        f"manylinux2010_{arch}",
        f"manylinux1_{arch}",
    )


LINUX = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux"}
MACOS = {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin"}
WINDOWS = {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows"}
SYSTEMS = {
    "linux-x86_64": System(
        "Linux", "x86_64", {**LINUX, "platform_machine": "x86_64"}, manylinux("x86_64")
    ),
    "linux-aarch64": System(
        "Linux",
        "aarch64",
        {**LINUX, "platform_machine": "aarch64"},
        manylinux("aarch64"),
    ),
    "macos-arm64": System(
        "macOS", "arm64", {**MACOS, "platform_machine": "arm64"}, ("macosx_12_0_arm64",)
    ),
    "macos-x86_64": System(
        "macOS",
        "x86_64",
        {**MACOS, "platform_machine": "x86_64"},
        ("macosx_10_15_x86_64",),
    ),
    "windows-amd64": System(
        "Windows", "x86_64", {**WINDOWS, "platform_machine": "AMD64"}, ("win_amd64",)
    ),
}
# The support matrix: the backend each machine gets on Python 3.11-3.13 and on 3.14
# (None: not supported). The README's table must say the same (test below).
PROMISED = {
    "linux-x86_64": ("tensorflow-cpu", "jax"),
    "linux-aarch64": ("tensorflow", "jax"),
    "macos-arm64": ("tensorflow", "jax"),
    "macos-x86_64": ("jax", None),  # no TensorFlow since 2.16; jaxlib 0.4.38 up to 3.13
    "windows-amd64": ("tensorflow-cpu", "jax"),
}
ROWS = [
    (key, python, backend)
    for key, (older, newest) in PROMISED.items()
    for python, backend in [*((p, older) for p in TF_PYTHONS), (NEWEST_PYTHON, newest)]
    if backend is not None
]
ROW_IDS = [f"{key}-py{python}" for key, python, _ in ROWS]


def marker_environment(key: str, python: str) -> dict:
    env = {
        **default_environment(),
        **SYSTEMS[key].markers,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_version": f"{python}.0",
    }
    return {k: str(v) for k, v in env.items()}


def requirement_lines() -> list[str]:
    """requirements.txt without comments and blank lines (line continuations joined)."""
    text = REQUIREMENTS.read_text().replace("\\\n", "")
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def vaelib_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"])


def applicable_pins(key: str, python: str) -> dict[str, str]:
    """{name: version} of the lines of requirements.txt that apply on this row."""
    env = marker_environment(key, python)
    pins: dict[str, str] = {}
    for line in requirement_lines():
        if line.startswith("-"):
            assert line == "-e .", f"unexpected option line in requirements.txt: {line}"
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", (
            f"requirements.txt pins exactly: {line!r}"
        )
        assert name not in pins, f"{name} pinned twice for {key}, Python {python}"
        pins[name] = specs[0].version
    return pins


# --- offline: which lines apply on each row, and the README says the same ------------


@pytest.mark.parametrize("key, python, backend", ROWS, ids=ROW_IDS)
def test_markers_select_the_promised_backend(key, python, backend):
    pins = applicable_pins(key, python)
    tensorflow = {n for n in ("tensorflow", "tensorflow-cpu") if n in pins}
    assert tensorflow == ({backend} if backend != "jax" else set()), (key, python)
    # JAX (the build backend) everywhere, with a jaxlib of the same release
    assert pins.get("jax") and pins.get("jaxlib") == pins["jax"], pins
    for name in ("keras", "numpy", "scipy", "scikit-learn", "matplotlib", "pytest"):
        assert name in pins, f"{name} missing on {key}, Python {python}"


def test_markers_select_no_backend_where_none_has_wheels():
    """Intel Mac on Python 3.14: no TensorFlow line applies (no wheel; the README says
    it is not supported, and jaxlib 0.4.38 has no 3.14 wheel either)."""
    pins = applicable_pins("macos-x86_64", NEWEST_PYTHON)
    assert not {"tensorflow", "tensorflow-cpu"} & set(pins)
    assert pins["jaxlib"] == "0.4.38"


def readme_matrix() -> dict[tuple[str, str], tuple]:
    """The README's support matrix: {(system, cpu): (package per Python column...)}."""
    text = README.read_text()
    section = text.split("### Supported machines", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[2:] == ["Python " + ", ".join(TF_PYTHONS), "Python " + NEWEST_PYTHON]
    matrix = {}
    for line in rows[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        system, cpu = cells[0].split()[0].strip(","), cells[1].split()[0]
        packages = []
        for cell in cells[2:]:
            found = re.findall(r"`([\w-]+)`", cell)
            packages.append(found[0] if found else None)
        matrix[system, cpu] = tuple(packages)
    return matrix


def test_readme_matrix_matches_the_tested_rows():
    expected = {
        (SYSTEMS[key].system, SYSTEMS[key].cpu): promised
        for key, promised in PROMISED.items()
    }
    assert readme_matrix() == expected


# --- online: pip resolves each row from wheels on the index --------------------------

# Runs pip with the target row's marker environment (see the module docstring); pip
# reports it back in "environment". fast-deps reads a wheel's metadata with HTTP range
# requests instead of downloading it (pip uses the index's metadata files first anyway).
PIP_FOR_TARGET = """
import json, runpy, sys
from pip._vendor.packaging import markers
target = json.loads(sys.argv[1])
markers.default_environment = lambda: dict(target)
args = sys.argv[2:]
try:
    from pip._internal.cli.cmdoptions import use_new_feature
    if "fast-deps" in use_new_feature().choices:
        args.append("--use-feature=fast-deps")
except Exception:
    pass
sys.argv = ["pip", *args]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
"""
PIP_VERSION = "26.3"
ROW_TIMEOUT = 1500  # seconds; generous: on a busy shared machine a row takes minutes
# Settings kept from the caller's pip configuration, its PIP_* variables or files (an
# index mirror, certificates, proxies): the index the probe in tests/conftest.py
# reached. Every other pip setting (local wheel folders, extra indexes, constraints
# files such as a cap on torch) is left out: only the index counts.
PIP_SETTINGS_KEPT = (
    "cert",
    "client-cert",
    "trusted-host",
    "proxy",
    "default-timeout",
    "retries",
)


@cache
def pip_settings_kept() -> dict[str, str]:
    settings = pip_settings()
    kept = {"PIP_INDEX_URL": package_index_url(settings) or ""}
    for name in PIP_SETTINGS_KEPT:
        kept["PIP_" + name.upper().replace("-", "_")] = (
            pip_setting(settings, name) or ""
        )
    return {k: v for k, v in kept.items() if v}


def pip_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        **pip_settings_kept(),
        PIP_CONFIG_FILE=os.devnull,  # pip then reads no configuration file at all
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
    )
    return env


def fetch_pip(folder: Path) -> Path:
    """The wheel of pip PIP_VERSION, downloaded from the index into ``folder``."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(folder),
            f"pip=={PIP_VERSION}",
        ],
        capture_output=True,
        text=True,
        env=pip_environment(),
        timeout=300,
    )
    wheels = sorted(folder.glob(f"pip-{PIP_VERSION}-*.whl"))
    assert done.returncode == 0 and wheels, done.stdout + done.stderr
    return wheels[0]


def resolve(key: str, python: str, workdir: Path, pip_wheel: Path) -> dict:
    """pip's dry run for one row; returns its report and the time it took."""
    requirements = workdir / "requirements.txt"
    lines = [line for line in requirement_lines() if line != "-e ."]
    requirements.write_text("\n".join(lines + vaelib_dependencies()) + "\n")
    report = workdir / "report.json"
    platforms = [arg for tag in SYSTEMS[key].platforms for arg in ("--platform", tag)]
    command = [
        sys.executable,
        "-c",
        PIP_FOR_TARGET,
        json.dumps(marker_environment(key, python)),
        "install",
        "--dry-run",
        "--quiet",
        "--no-cache-dir",
        "--ignore-installed",
        "--target",  # older pips accept --platform only together with --target
        str(workdir / "target"),
        "--only-binary=:all:",
        *platforms,
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--abi",
        "cp" + python.replace(".", ""),
        "--report",
        str(report),
        "-r",
        str(requirements),
    ]
    start = time.monotonic()
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**pip_environment(), "PYTHONPATH": str(pip_wheel)},
        cwd=workdir,
    ) as pip:
        if hasattr(os, "setpriority"):
            # a lower priority: the other pytest worker's notebooks come first, and the
            # 19 pips take the CPU they leave idle
            os.setpriority(os.PRIO_PROCESS, pip.pid, 10)
        try:
            stdout, stderr = pip.communicate(timeout=ROW_TIMEOUT)
        except subprocess.TimeoutExpired:
            pip.kill()
            pip.communicate()
            return {"error": f"pip took over {ROW_TIMEOUT} s", "seconds": ROW_TIMEOUT}
    seconds = time.monotonic() - start
    if pip.returncode != 0:
        return {"error": (stdout + stderr)[-3000:], "seconds": seconds}
    return {"report": json.loads(report.read_text()), "seconds": seconds}


@pytest.fixture(scope="module")
def resolutions(request, tmp_path_factory):
    """Start pip for every selected row at once; each test waits for its own row.

    Only its tests, marked network, use it: where the index cannot be reached they are
    skipped (failed under CI) before it starts (tests/conftest.py).
    """
    wanted = [
        item.callspec.params
        for item in request.session.items
        if getattr(item, "originalname", None)  # nbval's cells have none
        == "test_requirements_resolve_on_every_machine"
    ]
    rows = {(p["key"], p["python"]) for p in wanted}
    base = tmp_path_factory.mktemp("pip-dry-run")
    pip_wheel = fetch_pip(base)
    pool = ThreadPoolExecutor(max_workers=max(1, len(rows)))
    futures = {}
    for key, python in sorted(rows):
        workdir = Path(tempfile.mkdtemp(prefix=f"{key}-{python}-", dir=base))
        futures[key, python] = pool.submit(resolve, key, python, workdir, pip_wheel)
    yield futures
    pool.shutdown(wait=False, cancel_futures=True)


@pytest.mark.network
@pytest.mark.parametrize("key, python, backend", ROWS, ids=ROW_IDS)
def test_requirements_resolve_on_every_machine(resolutions, key, python, backend):
    result = resolutions[key, python].result()
    where = f"{SYSTEMS[key].system} {SYSTEMS[key].cpu}, Python {python}"
    assert "error" not in result, (
        f"pip cannot install requirements.txt on {where}:\n{result.get('error')}"
    )
    report = result["report"]
    assert report["pip_version"] == PIP_VERSION
    # pip evaluated the markers as the target machine would
    environment = report["environment"]
    for name, value in SYSTEMS[key].markers.items():
        assert environment[name] == value, (name, environment)
    assert environment["python_version"] == python
    resolved = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in report["install"]
    }
    # every download is a wheel, and every pin that applies here got its exact version
    for item in report["install"]:
        assert item["download_info"]["url"].endswith(".whl"), item["download_info"]
    for name, version in applicable_pins(key, python).items():
        assert resolved.get(name) == version, (name, version, resolved.get(name))
    # the backend the README promises, and no other TensorFlow
    assert backend in resolved, f"{where}: expected {backend}"
    others = {"tensorflow", "tensorflow-cpu"} - {backend}
    assert not others & set(resolved), f"{where}: {others & set(resolved)}"
    assert "jax" in resolved and "jaxlib" in resolved
    also = "" if backend == "jax" else f" (and jax {resolved['jax']})"
    print(
        f"{where}: {backend} {resolved[backend]}{also}, keras {resolved['keras']}; "
        f"{len(resolved)} packages, {result['seconds']:.0f} s"
    )
