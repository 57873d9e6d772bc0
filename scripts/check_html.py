"""Check the built HTML book (run after ``jupyter-book build``).

    python scripts/check_html.py [_build/html]

1. Every local ``img``/``script`` ``src``, ``link`` ``href`` and ``a`` ``href`` (with its
   ``#anchor``) points to a file, and an id, that exists in the build.
2. No page shows stderr output, an error output or a Python traceback.
3. Every notebook page carries a Colab launch link to its own notebook.
4. MathJax is served locally (no remote MathJax script), and it really typesets: headless
   Chromium renders each page with maths and must produce at least as many
   ``<mjx-container>`` elements as the page has maths nodes.

Exits 1 and lists every problem found.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.classes: list[str] = []
        self.math_nodes = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
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


def notebook_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [
        entry["file"]
        for part in toc.get("parts", [])
        for entry in part.get("chapters", [])
    ]
    return [f for f in files if (ROOT / f"{f}.ipynb").is_file()]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def typeset_count(chromium: str, page: Path) -> int:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    return out.count("<mjx-container")


def main(argv: list[str]) -> int:
    html = Path(argv[0]).resolve() if argv else ROOT / "_build" / "html"
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
                    problems.append(
                        f"{rel}: anchor #{parsed.fragment} not found in {target.relative_to(html)}"
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
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["repository"].get("branch", "main")
    for name in notebook_pages():
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
    chromium = find_chromium()
    if chromium is None:
        problems.append(
            "chromium not found: cannot check that MathJax typesets (apt-get install chromium)"
        )
    elif not with_math:
        problems.append("no page has maths: the MathJax check would prove nothing")
    else:
        for path in with_math:
            n = typeset_count(chromium, path)
            need = pages[path].math_nodes
            status = "ok" if n >= need else "NOT TYPESET"
            print(
                f"  mathjax {path.relative_to(html)}: {need} maths nodes, {n} typeset: {status}"
            )
            if n < need:
                problems.append(
                    f"{path.relative_to(html)}: MathJax typeset {n} of {need} maths nodes"
                )

    checked = sum(len(pg.refs) for pg in pages.values())
    if problems:
        print(f"HTML check FAILED: {len(problems)} problem(s) in {len(pages)} pages")
        for p in problems:
            print("  -", p)
        return 1
    print(
        f"HTML check passed: {len(pages)} pages, {checked} links/resources, "
        f"{len(notebook_pages())} notebook pages with Colab links, {len(with_math)} pages with maths typeset"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
