"""The mark ``network`` (tests/conftest.py): a test that needs the package index runs
where the index answers, is skipped where it cannot be reached, and fails there under CI
(``CI`` set to anything). None of these tests needs the network: the probe is replaced,
or asked about a server on this machine."""

import http.server
import socket
import threading
from types import SimpleNamespace

import conftest
import pytest

REFUSED = "[Errno 111] Connection refused"


def fake_item(marked: bool = True, stash=None):
    """What the hook reads of a test: its mark and its session's stash."""
    mark = pytest.mark.network.mark if marked else None
    return SimpleNamespace(
        config=SimpleNamespace(stash=pytest.Stash() if stash is None else stash),
        get_closest_marker=lambda name: mark if name == "network" else None,
    )


@pytest.fixture
def probe(monkeypatch):
    """Replace the probe by one that answers ``problem``; returns the list of calls."""
    calls = []

    def answer(problem):
        def index_problem():
            calls.append(problem)
            return problem

        monkeypatch.setattr(conftest, "index_problem", index_problem)
        return calls

    return answer


@pytest.mark.parametrize(
    "problem, ci, outcome",
    [
        (None, None, "run"),
        (None, "1", "run"),
        (REFUSED, None, "skip"),
        (REFUSED, "", "skip"),  # CI set but empty counts as unset
        (REFUSED, "1", "fail"),
        (REFUSED, "true", "fail"),
    ],
    ids=[
        "reachable",
        "reachable-CI",
        "unreachable",
        "unreachable-CI-empty",
        "unreachable-CI",
        "unreachable-CI-true",
    ],
)
def test_a_network_test_runs_skips_or_fails(probe, monkeypatch, problem, ci, outcome):
    probe(problem)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    item = fake_item()
    if outcome == "run":
        assert conftest.pytest_runtest_setup(item) is None
        return
    expected = pytest.skip.Exception if outcome == "skip" else pytest.fail.Exception
    with pytest.raises(expected) as raised:
        conftest.pytest_runtest_setup(item)
    reason = str(raised.value)
    assert "package index" in reason and REFUSED in reason, reason
    assert ("CI is set" in reason) == (outcome == "fail"), reason


@pytest.mark.parametrize(
    "problem, ci, verdict",
    [
        (None, None, None),
        (None, "1", None),
        ("down", None, "skip"),
        ("down", "1", "fail"),
    ],
)
def test_the_verdict(problem, ci, verdict):
    answer = conftest.network_verdict(problem, ci)
    assert (answer and answer[0]) == verdict


def test_the_index_is_probed_once_a_session_and_only_for_network_tests(
    probe, monkeypatch
):
    monkeypatch.delenv("CI", raising=False)
    calls = probe(REFUSED)
    stash = pytest.Stash()  # one session
    assert conftest.pytest_runtest_setup(fake_item(marked=False, stash=stash)) is None
    assert calls == []
    for _ in range(3):
        with pytest.raises(pytest.skip.Exception):
            conftest.pytest_runtest_setup(fake_item(stash=stash))
    assert calls == [REFUSED]


def test_the_tests_that_need_the_index_are_marked():
    import test_colab
    import test_requirements

    for test in (
        test_requirements.test_requirements_resolve_on_every_machine,
        test_colab.test_colab_runs_the_reader_notebook_and_shows_every_figure,
    ):
        assert "network" in {mark.name for mark in test.pytestmark}, test.__name__
    offline = test_requirements.test_markers_select_the_promised_backend
    assert "network" not in {mark.name for mark in offline.pytestmark}


# --- the probe itself, against servers on this machine --------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def index_server(monkeypatch):
    """A local HTTP server answering every GET with the given status; its index URL."""
    monkeypatch.setenv("no_proxy", "*")  # straight to this machine, whatever the proxy
    servers = []

    def serve(status: int) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/simple/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [200, 404])
def test_an_index_that_answers_is_reachable(index_server, status):
    assert conftest.probe_index(index_server(status)) is None


def test_a_gateway_error_is_unreachable(index_server):
    assert conftest.probe_index(index_server(503)) == "HTTP 503"


def test_an_index_nothing_listens_on_is_unreachable(monkeypatch):
    monkeypatch.setenv("no_proxy", "*")
    problem = conftest.probe_index(f"http://127.0.0.1:{closed_port()}/simple/")
    assert problem and "refused" in problem.lower(), problem


def test_an_index_in_a_folder(tmp_path):
    assert conftest.probe_index(tmp_path.as_uri()) is None
    assert conftest.probe_index((tmp_path / "missing").as_uri())


def test_credentials_are_left_out_of_what_the_probe_reports():
    url = "https://user:secret@mirror.example.invalid:8443/simple/"
    assert conftest.without_credentials(url) == (
        "https://mirror.example.invalid:8443/simple/"
    )


def test_the_index_is_the_one_pip_is_configured_with(monkeypatch):
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    listed = (
        "global.index-url='https://one.example.invalid/simple'\n"
        "install.index-url='https://two.example.invalid/simple'\n"
        "global.cert='/somewhere/ca.pem'\n"
    )
    settings = conftest.parse_pip_config(listed)
    assert settings["global.cert"] == "/somewhere/ca.pem"
    assert conftest.package_index_url(settings) == "https://two.example.invalid/simple"
    monkeypatch.setenv("PIP_INDEX_URL", "https://three.example.invalid/simple")
    assert (
        conftest.package_index_url(settings) == "https://three.example.invalid/simple"
    )
    monkeypatch.delenv("PIP_INDEX_URL")
    default = conftest.package_index_url({})  # pip's own default index
    assert default and default.startswith("https://"), default
