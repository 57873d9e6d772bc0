"""scripts/bench.py reads myst-nb's records from a build and enforces the limits."""

import pickle
import types
from pathlib import Path

from conftest import load_script

ROOT = Path(__file__).resolve().parents[1]
bench = load_script("bench")


def fake_build(tmp_path, records, toc=("chapters/a", "chapters/b")):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for doc in toc:
        (book / f"{doc}.ipynb").write_text("{}")
    lines = ["format: jb-book", "root: intro", "chapters:"]
    lines += [f"  - file: {doc}" for doc in toc]
    (book / "_toc.yml").write_text("\n".join(lines) + "\n")
    env = types.SimpleNamespace(
        nb_metadata={
            doc: {"exec_data": {"method": "force", "error": None, **rec}}
            for doc, rec in records.items()
        }
    )
    (book / "_build" / ".doctrees").mkdir(parents=True)
    (book / "_build" / ".doctrees" / "environment.pickle").write_bytes(
        pickle.dumps(env)
    )
    return book / "_build"


def ok(seconds):
    return {"runtime": seconds, "succeeded": True}


def test_within_limits_passes(tmp_path, capsys):
    build = fake_build(tmp_path, {"chapters/a": ok(10.0), "chapters/b": ok(20.5)})
    assert bench.main([str(build)]) == 0
    out = capsys.readouterr().out
    assert "a" in out and "30.5" in out and "execution times ok" in out


def test_over_chapter_and_total_limits_fail_and_are_named(tmp_path, capsys):
    build = fake_build(tmp_path, {"chapters/a": ok(61.0), "chapters/b": ok(59.0)})
    assert bench.main([str(build), "--total-limit", "100"]) == 1
    out = capsys.readouterr().out
    assert "a: 61.0 s, over its limit of 60 s" in out
    assert "b: 59.0 s" not in out
    assert "total: 120.0 s, over the limit of 100 s" in out
    assert bench.main([str(build), "--limit", "a=70", "--total-limit", "200"]) == 0


def test_failed_and_missing_notebooks_fail(tmp_path, capsys):
    failed = {"runtime": 3.0, "succeeded": False, "error": "CellExecutionError"}
    build = fake_build(tmp_path, {"chapters/a": failed})
    assert bench.main([str(build)]) == 1
    out = capsys.readouterr().out
    assert "a: execution failed (CellExecutionError)" in out
    assert "b: not executed in this build" in out


def test_cached_notebook_is_not_a_measurement(tmp_path, capsys):
    cached = {"runtime": None, "succeeded": True, "method": "cache"}
    build = fake_build(tmp_path, {"chapters/a": cached, "chapters/b": ok(1.0)})
    assert bench.main([str(build)]) == 1
    assert "a: not executed, taken from the cache" in capsys.readouterr().out


def test_no_build_fails_clearly(tmp_path, capsys):
    assert bench.main([str(tmp_path / "_build")]) == 1
    assert "the book build did not finish" in capsys.readouterr().out


def test_chapters_0_to_5_have_their_own_total(tmp_path, capsys):
    toc = ("chapters/02_x", "chapters/02b_y", "chapters/06_z")
    records = {"chapters/02_x": ok(50.0), "chapters/02b_y": ok(40.0)}
    records["chapters/06_z"] = ok(55.0)
    build = fake_build(tmp_path, records, toc=toc)
    assert bench.main([str(build), "--first-limit", "80"]) == 1
    out = capsys.readouterr().out
    # 02 and 02b count (90 s), chapter 6 does not; the total of 145 s is within 240
    assert "chapters 00-05: 90.0 s, over the limit of 80 s" in out
    assert "total:" not in out
    assert bench.main([str(build), "--first-limit", "90"]) == 0
