"""scripts/check_html.py must catch the problems it exists to catch."""

from pathlib import Path

import pytest
from conftest import load_script, require_headless_chromium

ROOT = Path(__file__).resolve().parents[1]
check_html = load_script("check_html")

PAGE = """<html><head><script src="_static/mathjax/tex-chtml.js"></script></head><body>
<h1 id="top">Title</h1>{body}</body></html>"""


def build(tmp_path, body):
    html = tmp_path / "html"
    (html / "_static" / "mathjax").mkdir(parents=True)
    (html / "_static" / "mathjax" / "tex-chtml.js").write_text("")
    (html / "index.html").write_text(PAGE.format(body=body))
    return html


def test_reports_missing_files_anchors_and_stderr(tmp_path, capsys):
    html = build(
        tmp_path,
        """
        <img src="_images/missing.png">
        <a href="index.html#nowhere">x</a><a href="#top">ok</a>
        <div class="cell_output"><div class="output stderr">
        <pre>E0000 oops</pre></div></div>
        <pre>Traceback (most recent call last):</pre>""",
    )
    assert check_html.main([str(html)]) == 1
    out = capsys.readouterr().out
    assert "missing _images/missing.png" in out
    assert "anchor #nowhere" in out and "anchor #top" not in out
    assert "class 'stderr'" in out
    assert "Python traceback" in out


def test_parser_counts_maths_and_ids():
    page = check_html.Page()
    page.feed(
        '<p id="a"><span class="math notranslate nohighlight">\\(x\\)</span></p>'
        '<a name="b"></a>'
    )
    assert page.math_nodes == 1 and page.ids == {"a", "b"}


@pytest.fixture
def chromium():
    """The HTML check's browser can start (skip if not; under CI, fail)."""
    require_headless_chromium()


# A code cell and an output as myst-nb writes them, in a text column 400 px wide.
COLUMN = """<style>main {{ width: 400px; }} pre {{ overflow: auto; margin: 0; }}</style>
<main><div class="cell"><div class="cell_input"><pre>{code}</pre></div>
<div class="cell_output"><pre>{output}</pre></div></div></main>"""


def widths(tmp_path, code, output):
    html = build(tmp_path, COLUMN.format(code=code, output=output))
    pages = {html / "index.html": check_html.parse(html / "index.html")}
    return check_html.browser_checks(html, pages)


def test_blocks_that_fit_pass(tmp_path, chromium):
    assert widths(tmp_path, "x = 1", "1") == []


def test_wide_code_and_output_fail_and_are_named(tmp_path, chromium):
    problems = widths(tmp_path, "y = " + "1 + " * 60 + "1", "a" * 30 + "\n" + "b" * 200)
    assert len(problems) == 2
    code, output = problems
    assert code.startswith("index.html: code cell scrolls sideways at 1280 px")
    assert "'y = 1 + 1" in code
    assert output.startswith("index.html: cell output scrolls sideways")
    assert "'" + "a" * 30 + "'" in output  # the block's first line names it


def test_wide_display_equation_fails(tmp_path, chromium):
    # MathJax's output for a display equation that is too long for the column
    wide = '<mjx-container display="true" style="display: block; overflow-x: auto">'
    body = "<style>main { width: 400px; }</style><main>" + wide + "x+" * 300
    html = build(tmp_path, body + "</mjx-container></main>")
    pages = {html / "index.html": check_html.parse(html / "index.html")}
    (problem,) = check_html.browser_checks(html, pages)
    assert problem.startswith("index.html: display equation scrolls sideways")


def test_the_window_is_1280_px_wide_without_a_scrollbar(tmp_path, chromium):
    page = tmp_path / "tall.html"
    page.write_text("<html><body><div style='height: 5000px'>x</div></body></html>")
    driver = check_html.headless.start(1280, 900, scrollbars=False)
    try:
        driver.get(page.as_uri())
        size = driver.execute_script(
            "return [document.documentElement.clientWidth, innerWidth, innerHeight]"
        )
    finally:
        driver.quit()
    assert size == [1280, 1280, 900]  # the whole width is the page's


# MathJax stand-ins: each typesets (or not) the page's maths nodes once started.
MATHJAX = """const started = new Promise((done) => setTimeout(() => {{
  document.querySelectorAll(".math").forEach((m) => {{
    if ({typesets}) m.appendChild(document.createElement("mjx-container"));
  }});
  done();
}}, 300));
window.MathJax = {{startup: {{promise: started}}}};"""


@pytest.mark.parametrize("typesets", [True, False])
def test_maths_must_be_typeset(tmp_path, chromium, typesets):
    html = build(tmp_path, '<p><span class="math">\\(x\\)</span></p>' * 2)
    script = html / "_static" / "mathjax" / "tex-chtml.js"
    script.write_text(MATHJAX.format(typesets=str(typesets).lower()))
    pages = {html / "index.html": check_html.parse(html / "index.html")}
    problems = check_html.browser_checks(html, pages)
    if typesets:  # after the check waits for MathJax's start-up
        assert problems == []
    else:
        assert problems == ["index.html: MathJax typeset 0 of 2 maths nodes"]


def test_a_missing_browser_is_reported_not_a_crash(tmp_path, capsys, monkeypatch):
    html = build(tmp_path, "<p>Text.</p>")
    monkeypatch.setattr(check_html.headless, "find_chromedriver", lambda: None)
    assert check_html.main([str(html)]) == 1
    out = capsys.readouterr().out
    assert "no chromedriver (Debian's chromium-driver): cannot check MathJax" in out
