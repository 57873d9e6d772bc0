"""scripts/check_html.py must catch the problems it exists to catch."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "check_html", ROOT / "scripts" / "check_html.py"
)
check_html = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_html)

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
        <img src="_images/missing.png"><a href="index.html#nowhere">x</a><a href="#top">ok</a>
        <div class="cell_output"><div class="output stderr"><pre>E0000 oops</pre></div></div>
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
        '<p id="a"><span class="math notranslate nohighlight">\\(x\\)</span></p><a name="b"></a>'
    )
    assert page.math_nodes == 1 and page.ids == {"a", "b"}
