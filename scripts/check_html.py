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
   runs the same measurement (``MEASURE_JS``) through selenium at 1280 px (with a
   scrollbar, so 15 px stricter) and on a 390 px phone, and runs axe-core.

The browser is Debian's ``chromium``, driven over the DevTools protocol on a pipe (no
driver, no download). The table of contents and ``_config.yml`` are read from the book
the HTML was built from (``_build/html``'s grandparent), so a preview build from
``scripts/preview.py`` can be checked too. Exits 1 and lists every problem found.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
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


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


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


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe.

    ``--remote-debugging-pipe`` makes Chromium read protocol messages (JSON, each ended
    by a NUL byte) on its file descriptor 3 and answer on 4: no driver, no WebSocket
    library, nothing downloaded. One browser and one tab serve every page.
    """

    def __init__(self, chromium: str, width=WINDOW_WIDTH, height=WINDOW_HEIGHT):
        self._profile = tempfile.TemporaryDirectory()
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Park the child's ends above 10, so that dup2 onto 3 and 4 cannot clobber them.
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)

        def wire_pipes():  # in the child, before exec
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

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
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--user-data-dir={self._profile.name}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes,
            close_fds=False,  # our descriptors are not inheritable; 3 and 4 are
        )
        os.close(child_r)
        os.close(child_w)
        self._out, self._in = to_chrome_w, from_chrome_r
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"})
            self._session = self.call(
                "Target.attachToTarget",
                {"targetId": target["targetId"], "flatten": True},
            )["sessionId"]
            self.call("Page.enable", session=True)
            size = {"width": width, "height": height}
            self.call(
                "Emulation.setDeviceMetricsOverride",
                {**size, "deviceScaleFactor": 1, "mobile": False},
                session=True,
            )
        except BaseException:
            self.close()
            raise

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(
        self, method: str, params: dict | None = None, session=False, timeout=60.0
    ) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") != self._next_id:
                self._events.append(reply)
                continue
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error'].get('message')}")
            return reply.get("result", {})

    def wait_for(self, event: str, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self._events):
                if message.get("method") == event:
                    del self._events[: i + 1]
                    return message.get("params", {})
            self._events.clear()
            self._events.append(self._read_message(deadline))

    def measure(self, page: Path) -> dict:
        """Load ``page``; return MathJax's typeset count and the too-wide blocks."""
        self._events.clear()
        self.call("Page.navigate", {"url": page.as_uri()}, session=True)
        self.wait_for("Page.loadEventFired")
        result = self.call(
            "Runtime.evaluate",
            {"expression": MEASURE_JS, "awaitPromise": True, "returnByValue": True},
            session=True,
            timeout=60.0,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"measuring {page}: {result['exceptionDetails']}")
        return json.loads(result["result"]["value"])

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self.call("Browser.close", timeout=10.0)
            except (OSError, RuntimeError, TimeoutError):
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def browser_checks(chromium: str, html: Path, pages: dict[Path, Page]) -> list[str]:
    """Render every page at WINDOW_WIDTH px: MathJax typesets every maths node, and no
    code block, output or display equation is wider than its box (scrolls sideways)."""
    problems: list[str] = []
    wide_pages = 0
    try:
        browser = Browser(chromium)
    except (OSError, RuntimeError, TimeoutError) as exc:
        return [f"headless Chromium ({chromium}) did not start: {exc}"]
    with browser:
        for path, page in pages.items():
            rel = path.relative_to(html)
            if page.redirect:  # index.html: its target is measured in its own right
                continue
            try:
                found = browser.measure(path)
            except (OSError, RuntimeError, TimeoutError) as exc:
                problems.append(f"{rel}: headless Chromium could not render it: {exc}")
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
    chromium = find_chromium()
    if chromium is None:
        problems.append(
            "chromium not found: cannot check MathJax and block widths "
            "(apt-get install chromium)"
        )
    else:
        if not with_math:
            problems.append("no page has maths: the MathJax check would prove nothing")
        problems += browser_checks(chromium, html, pages)

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
