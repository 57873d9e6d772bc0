"""The pytest-xdist groups (conftest.py at the repository root) keep each notebook's
cells on one worker, and chapters 3-5 together, whatever pytest collects: the whole
suite, or one notebook alone (``pytest chapters/00_mnist.ipynb``), when tests/ and its
conftest.py are not loaded. No notebook runs here: the hook is called on stand-ins, and
a second pytest only collects."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root_conftest(request):
    """The repository root's conftest.py, as this session loaded it."""
    for plugin in request.config.pluginmanager.get_plugins():
        where = getattr(plugin, "__file__", None)
        if where and Path(where).resolve() == ROOT / "conftest.py":
            return plugin
    pytest.fail("pytest did not load the repository root's conftest.py")


class Collected:
    """What the grouping hook reads and writes of a collected test."""

    def __init__(self, path: str, name: str):
        self.path = ROOT / path
        self.name = name
        self.marks = []

    def add_marker(self, mark):
        self.marks.append(mark.mark)

    @property
    def group(self):
        (mark,) = [m for m in self.marks if m.name == "xdist_group"]
        return mark.args[0]


def test_each_file_is_a_group_and_chapters_3_to_5_are_one(root_conftest):
    items = [
        Collected("chapters/00_mnist.ipynb", "Cell 0"),
        Collected("chapters/00_mnist.ipynb", "Cell 1"),
        Collected("chapters/02_autoencoders_vs_pca.ipynb", "Cell 0"),
        Collected("chapters/03_vae.ipynb", "Cell 0"),
        Collected("chapters/03_vae.ipynb", "Cell 1"),
        Collected("chapters/04_latent_space.ipynb", "Cell 0"),
        Collected("chapters/05_why_gans.ipynb", "Cell 0"),
        Collected("chapters/06_what_vae_optimises.ipynb", "Cell 0"),
        Collected("tests/test_data.py", "test_a"),
        Collected("tests/test_requirements.py", "test_b"),
    ]
    root_conftest.pytest_collection_modifyitems(None, items)
    order = [(item.group, item.path.name, item.name) for item in items]
    assert order == [
        # the longest groups first; within a group, the order of collection
        ("chapters-3-5", "03_vae.ipynb", "Cell 0"),
        ("chapters-3-5", "03_vae.ipynb", "Cell 1"),
        ("chapters-3-5", "04_latent_space.ipynb", "Cell 0"),
        ("chapters-3-5", "05_why_gans.ipynb", "Cell 0"),
        ("test_requirements.py", "test_requirements.py", "test_b"),
        ("06_what_vae_optimises.ipynb", "06_what_vae_optimises.ipynb", "Cell 0"),
        ("02_autoencoders_vs_pca.ipynb", "02_autoencoders_vs_pca.ipynb", "Cell 0"),
        ("00_mnist.ipynb", "00_mnist.ipynb", "Cell 0"),
        ("00_mnist.ipynb", "00_mnist.ipynb", "Cell 1"),
        ("test_data.py", "test_data.py", "test_a"),
    ]


# Loaded into the second pytest with -p: prints each collected test's group, and the
# conftest.py files that pytest loaded.
REPORTER = textwrap.dedent("""
    import pytest

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(config, items):
        for item in items:
            groups = [m.args[0] for m in item.iter_markers("xdist_group")]
            print("GROUP", item.nodeid, "=", ",".join(groups))
        for plugin in config.pluginmanager.get_plugins():
            where = getattr(plugin, "__file__", "") or ""
            if where.endswith("conftest.py"):
                print("CONFTEST", where)
""")


def collect(tmp_path: Path, *paths: str) -> tuple[dict[str, str], list[str], list]:
    """pytest's own collection of ``paths``, from the repository root, with the
    options of pyproject.toml (in one process: the groups are set either way)."""
    (tmp_path / "group_reporter.py").write_text(REPORTER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(tmp_path), env.get("PYTHONPATH")])
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"]
        + ["-p", "group_reporter", *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    groups = {}
    order = []
    for line in lines:
        if line.startswith("GROUP "):
            nodeid, _, group = line.removeprefix("GROUP ").rpartition(" = ")
            groups[nodeid] = group
            order.append(nodeid)
    conftests = [
        Path(line.removeprefix("CONFTEST ")).resolve()
        for line in lines
        if line.startswith("CONFTEST ")
    ]
    return groups, order, conftests


def test_one_notebook_alone_is_kept_on_one_worker(tmp_path):
    groups, order, conftests = collect(tmp_path, "chapters/00_mnist.ipynb")
    assert conftests == [ROOT / "conftest.py"], "only the root's conftest.py is loaded"
    assert len(groups) > 1 and all(
        n.startswith("chapters/00_mnist.ipynb::") for n in order
    )
    assert set(groups.values()) == {"00_mnist.ipynb"}, groups


def test_chapters_3_to_5_alone_are_one_group_in_order(tmp_path):
    groups, order, _ = collect(
        tmp_path,
        "chapters/03_vae.ipynb",
        "chapters/00_mnist.ipynb",
        "chapters/05_why_gans.ipynb",
    )
    files = [nodeid.split("::")[0].removeprefix("chapters/") for nodeid in order]
    assert set(files) == {"03_vae.ipynb", "05_why_gans.ipynb", "00_mnist.ipynb"}
    shared = [f for f in files if f != "00_mnist.ipynb"]
    # chapters 3 and 5 together and first (the longest group), 3 before 5
    assert files[: len(shared)] == shared == sorted(shared), files
    assert {groups[n] for n in order if not n.startswith("chapters/00_")} == {
        "chapters-3-5"
    }
    assert {groups[n] for n in order if n.startswith("chapters/00_")} == {
        "00_mnist.ipynb"
    }
