"""Give the sidebar's expand/collapse toggles an accessible name.

pydata-sphinx-theme (0.17, under sphinx-book-theme) nests a page's sub-pages in the
sidebar as ``<details>`` whose ``<summary>`` holds only a decorative chevron. A screen
reader then announces an unnamed button, and axe-core reports "summary-name" (serious)
on every page. This extension wraps the theme's ``generate_toctree_html`` and gives each
such ``<summary>`` an ``aria-label`` naming the page whose sections it shows.
"""

from __future__ import annotations

from bs4 import BeautifulSoup


def label_summaries(html):
    """Add ``aria-label`` to every text-less ``<summary>``; same type in as out."""
    soup = BeautifulSoup(html, "html.parser") if isinstance(html, str) else html
    for summary in soup.select("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Show the sections of {title}" if title else "Sections"
    return str(soup) if isinstance(html, str) else soup


def _wrap(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_labels_summaries", False):
        return

    def generate_with_labels(*args, **kwargs):
        return label_summaries(generate(*args, **kwargs))

    generate_with_labels._labels_summaries = True
    context["generate_toctree_html"] = generate_with_labels


def setup(app):
    # after the theme's own html-page-context handler (default priority 500)
    app.connect("html-page-context", _wrap, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
