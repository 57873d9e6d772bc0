"""_ext/accessible_nav.py names the sidebar's expand/collapse toggles (axe-core's
summary-name rule)."""

import importlib.util
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "accessible_nav", ROOT / "_ext" / "accessible_nav.py"
)
accessible_nav = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(accessible_nav)

# the theme's markup for a page with sub-pages, and for a captioned section
NAV = """<ul>
<li class="toctree-l1 has-children"><a class="reference" href="a.html">2. PCA</a>
<details><summary><span class="toctree-toggle" role="presentation"></span></summary>
<ul><li class="toctree-l2"><a href="b.html">2.9. Deep</a></li></ul></details></li>
<li class="has-children"><details><summary><p class="caption">Part</p>
<span class="toctree-toggle"></span></summary><ul></ul></details></li>
</ul>"""


def test_a_chevron_only_summary_is_named_after_its_page():
    out = accessible_nav.label_summaries(NAV)
    assert isinstance(out, str)
    first, second = BeautifulSoup(out, "html.parser").select("summary")
    assert first["aria-label"] == "Show the sections of 2. PCA"
    assert not second.has_attr("aria-label")  # it has visible text already


def test_a_soup_comes_back_as_the_same_soup_labelled():
    soup = BeautifulSoup(NAV, "html.parser")
    assert accessible_nav.label_summaries(soup) is soup
    assert soup.select_one("summary")["aria-label"].endswith("2. PCA")


def test_the_theme_s_function_is_wrapped_once():
    context = {"generate_toctree_html": lambda kind, **kw: NAV}
    accessible_nav._wrap(None, "p", "page.html", context, None)
    wrapped = context["generate_toctree_html"]
    accessible_nav._wrap(None, "p", "page.html", context, None)  # second handler call
    assert context["generate_toctree_html"] is wrapped
    assert 'aria-label="Show the sections of 2. PCA"' in wrapped("sidebar")
