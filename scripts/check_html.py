"""Check the built HTML book (run after ``jupyter-book build``).

    python scripts/check_html.py [_build/html]

1. Every local ``img``/``script`` ``src``, ``link`` ``href`` and ``a`` ``href`` (with
   its ``#anchor``) points to a file, and an id, that exists in the build.
2. No page shows stderr output, an error output or a Python traceback.
3. Every notebook page carries a Colab launch link to its own notebook.
4. MathJax is served locally (no remote MathJax script), and it really typesets:
   headless Chromium renders each page and must produce at least as many
   ``<mjx-container>`` elements as the page has maths nodes.
5. Nothing scrolls sideways: in the same browser, at 1280 px wide, no code cell, output
   (any ``pre``) or display equation is wider than its box. ``tests/test_layout.py``
   runs the same measurement (``measure``, ``MEASURE_JS``) at 1280 px (with a
   scrollbar, so 15 px stricter) and on a 390 px phone, and runs axe-core.

The browser is Debian's ``chromium``, driven by its ``chromedriver`` through selenium,
started by ``scripts/headless.py`` as the tests start it (nothing is downloaded). The
table of contents and ``_config.yml`` are read from the book the HTML was built from
(``_build/html``'s grandparent), so a preview build from ``scripts/preview.py`` can be
checked too. Exits 1 and lists every problem found.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import headless  # noqa: E402
from reader_notebooks import toc_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.classes: list[str] = []
        self.math_nodes = 0
        self.text: list[str] = []
        self.redirect = False  # <meta http-equiv="refresh">: a page that moves on

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.redirect = True
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        cls = a.get("class") or ""
        self.classes.append(cls)
        if "math" in cls.split() and tag in ("span", "div"):
            self.math_nodes += 1
        if tag in ("img", "script") and a.get("src"):
            self.refs.append((tag, a["src"]))
        elif tag == "link" and a.get("href"):
            self.refs.append((tag, a["href"]))
        elif tag == "a" and a.get("href"):
            self.refs.append((tag, a["href"]))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def notebook_pages(book: Path = ROOT) -> list[str]:
    """The notebooks in ``book``'s table of contents (parts or a flat list)."""
    files = toc_files(yaml.safe_load((book / "_toc.yml").read_text()))
    return [f for f in files if (book / f"{f}.ipynb").is_file()]


def book_root(html: Path) -> Path:
    """The book that ``html`` (its _build/html) was built from; else this repository."""
    source = html.parent.parent
    return source if (source / "_toc.yml").is_file() else ROOT


# The browser checks run in this window width (px): a common laptop screen.
WINDOW_WIDTH = 1280
WINDOW_HEIGHT = 900
# Blocks that must fit the text column: code cells and outputs (every ``pre``) and
# display equations (Sphinx's ``div.math`` and MathJax's display containers).
WIDE_SELECTOR = 'pre, div.math, mjx-container[display="true"]'

# Run in each page once it has loaded: wait for MathJax to finish typesetting, open
# every collapsed block (hidden solutions, toggled cells) so that it is measured too,
# then count MathJax's output and list every block wider than its box. This is the one
# measurement of block widths: tests/test_layout.py runs it too (through selenium, at
# 1280 px and on a 390 px phone). For each cut block it also says whether the reader
# can see that it is cut: ``scrolls`` (overflow-x auto or scroll, so the rest can be
# reached) and ``cue`` (it scrolls and shows it: a faded edge, the mask that
# _static/scroll-cue.css puts on cut blocks, or a scrollbar that takes room, as desktop
# browsers draw; phones draw none until one scrolls). ``where`` is the id of the
# nearest enclosing element that has one (a section, a figure, a solution).
MEASURE_JS = """
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const mathjax = () => window.MathJax && MathJax.startup && MathJax.startup.promise;
  const wantsMathjax = document.querySelector('script[src*="mathjax" i]') &&
    document.querySelector(".math");
  for (let i = 0; wantsMathjax && !mathjax() && i < 50; i++) await sleep(100);
  if (mathjax()) await MathJax.startup.promise;
  document.querySelectorAll("details").forEach((d) => (d.open = true));
  document.querySelectorAll(".toggle-hidden").forEach((e) =>
    e.classList.remove("toggle-hidden"));
  if (document.fonts) await document.fonts.ready;
  window.dispatchEvent(new Event("resize"));  // blocks just opened are re-measured
  await sleep(100);
  const sel = SELECTOR;
  const wide = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const outer = el.parentElement && el.parentElement.closest(sel);
    if (outer && wide.some((w) => w.el === outer)) continue;  // reported already
    let kind = "block";
    if (el.closest(".cell_input")) kind = "code cell";
    else if (el.closest(".cell_output")) kind = "cell output";
    else if (el.matches("div.math, mjx-container")) kind = "display equation";
    else if (el.tagName === "PRE") kind = "code block";
    const text = (el.textContent || "").trim().split("\\n")[0].slice(0, 60);
    const css = getComputedStyle(el);
    const scrolls = /auto|scroll/.test(css.overflowX);
    const masked = [css.maskImage, css.webkitMaskImage].some((m) => m && m !== "none");
    const border = parseFloat(css.borderTopWidth) + parseFloat(css.borderBottomWidth);
    const bar = el.offsetHeight - el.clientHeight - border >= 3;
    const cue = scrolls && (masked || bar);
    const where = el.parentElement && el.parentElement.closest("[id]");
    wide.push({el, kind, text, scroll: el.scrollWidth, client: el.clientWidth,
               scrolls, cue, where: where ? where.id : ""});
  }
  return JSON.stringify({
    typeset: document.querySelectorAll("mjx-container").length,
    wide: wide.map(({el, ...rest}) => rest),
  });
})()
""".replace("SELECTOR", json.dumps(WIDE_SELECTOR))


def measure(driver, page: Path) -> dict:
    """Load ``page`` in ``driver`` (selenium); return MathJax's typeset count and the
    too-wide blocks (``MEASURE_JS``: WebDriver waits for its promise)."""
    driver.get(page.as_uri())
    return json.loads(driver.execute_script("return " + MEASURE_JS.strip()))


def browser_checks(html: Path, pages: dict[Path, Page]) -> list[str]:
    """Render every page at WINDOW_WIDTH px: MathJax typesets every maths node, and no
    code block, output or display equation is wider than its box (scrolls sideways)."""
    from selenium.common.exceptions import WebDriverException

    problems: list[str] = []
    wide_pages = 0
    try:
        driver = headless.start(WINDOW_WIDTH, WINDOW_HEIGHT, scrollbars=False)
    except (OSError, RuntimeError, WebDriverException) as exc:
        return [f"headless Chromium did not start: {exc}"]
    try:
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(60)
        for path, page in pages.items():
            rel = path.relative_to(html)
            if page.redirect:  # index.html: its target is measured in its own right
                continue
            try:
                found = measure(driver, path)
            except WebDriverException as exc:  # its message, without the stack trace
                why = exc.msg or type(exc).__name__
                problems.append(f"{rel}: headless Chromium could not render it: {why}")
                continue
            need, typeset = page.math_nodes, found["typeset"]
            if need:
                status = "ok" if typeset >= need else "NOT TYPESET"
                print(
                    f"  mathjax {rel}: {need} maths nodes, {typeset} typeset: {status}"
                )
                if typeset < need:
                    problems.append(
                        f"{rel}: MathJax typeset {typeset} of {need} maths nodes"
                    )
            if found["wide"]:
                wide_pages += 1
                print(f"  width   {rel}: {len(found['wide'])} block(s) too wide")
            for block in found["wide"]:
                problems.append(
                    f"{rel}: {block['kind']} scrolls sideways at {WINDOW_WIDTH} px "
                    f"({block['scroll']} px of text in a {block['client']} px box): "
                    f"{block['text']!r}"
                )
    finally:
        driver.quit()
    print(
        f"  width: {wide_pages} of {len(pages)} pages have blocks wider than their "
        f"box at {WINDOW_WIDTH} px"
    )
    return problems


def main(argv: list[str]) -> int:
    html = Path(argv[0]).resolve() if argv else ROOT / "_build" / "html"
    book = book_root(html)
    if not (html / "index.html").is_file():
        print(f"no built book at {html}: run jupyter-book build . first")
        return 1
    problems: list[str] = []
    pages = {
        p: parse(p)
        for p in sorted(html.rglob("*.html"))
        if p.relative_to(html).parts[0] not in ("_static", "_sources")
    }  # theme templates are not pages
    ids = {p: pg.ids for p, pg in pages.items()}

    # 1. local links, images, scripts, stylesheets and anchors
    for path, page in pages.items():
        for tag, url in page.refs:
            parsed = urlparse(url)
            if (
                parsed.scheme
                or url.startswith("//")
                or url.startswith(("mailto:", "javascript:", "data:"))
            ):
                continue
            target = (
                path
                if not parsed.path
                else (path.parent / unquote(parsed.path)).resolve()
            )
            if target.is_dir():
                target = target / "index.html"
            rel = path.relative_to(html)
            if not target.exists():
                problems.append(f"{rel}: <{tag}> points to missing {url}")
                continue
            if parsed.fragment and target.suffix == ".html" and tag == "a":
                target_ids = ids.get(target) or parse(target).ids
                if unquote(parsed.fragment) not in target_ids:
                    where = target.relative_to(html)
                    problems.append(
                        f"{rel}: anchor #{parsed.fragment} not found in {where}"
                    )

    # 2. no stderr, errors or tracebacks on any page
    for path, page in pages.items():
        rel = path.relative_to(html)
        flat = " ".join(page.classes).split()
        for bad in ("stderr", "traceback", "error"):
            if bad in flat and "output" in flat:
                problems.append(f"{rel}: shows an output of class '{bad}'")
        text = "".join(page.text)
        if "Traceback (most recent call last)" in text:
            problems.append(f"{rel}: shows a Python traceback")
        for marker in (
            "WARNING: All log messages",
            "cuda_platform",
            "oneDNN custom operations",
        ):
            if marker in text:
                problems.append(f"{rel}: shows TensorFlow start-up logs ({marker!r})")

    # 3. Colab links on notebook pages
    config = yaml.safe_load((book / "_config.yml").read_text())
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["repository"].get("branch", "main")
    for name in notebook_pages(book):
        page_path = html / f"{name}.html"
        if not page_path.is_file():
            problems.append(f"{name}.html was not built")
            continue
        want = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{name}.ipynb"
        if not any(url == want for _, url in pages[page_path].refs):
            problems.append(f"{name}.html: no Colab link {want}")

    # 4. MathJax: local, and it typesets
    with_math = [
        p for p, pg in pages.items() if pg.math_nodes and "_static" not in p.parts
    ]
    for path in with_math:
        scripts = [
            url
            for tag, url in pages[path].refs
            if tag == "script" and "mathjax" in url.lower()
        ]
        remote = [u for u in scripts if urlparse(u).scheme or u.startswith("//")]
        if not scripts or remote:
            problems.append(
                f"{path.relative_to(html)}: MathJax not served locally ({scripts})"
            )
    # 4 and 5 in headless Chromium: MathJax typesets; nothing scrolls sideways
    lacking = headless.missing()
    if lacking:
        problems.append(
            f"{lacking}: cannot check MathJax and block widths in headless Chromium "
            "(apt-get install chromium chromium-driver; selenium: requirements.txt)"
        )
    else:
        if not with_math:
            problems.append("no page has maths: the MathJax check would prove nothing")
        problems += browser_checks(html, pages)

    checked = sum(len(pg.refs) for pg in pages.values())
    if problems:
        print(f"HTML check FAILED: {len(problems)} problem(s) in {len(pages)} pages")
        for p in problems:
            print("  -", p)
        return 1
    print(
        f"HTML check passed: {len(pages)} pages, {checked} links/resources, "
        f"{len(notebook_pages(book))} notebook pages with Colab links, "
        f"{len(with_math)} pages with maths typeset, no block wider than its box"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
