"""Issue 17: the built book reads well on a laptop and on a phone (headless Chromium).

Over every page of the book (``_build/html``; skipped when the book is not built,
failed in CI, which builds before pytest):

- at 1280x900, no code block, cell output or display equation is wider than its box;
- on a 390x844 phone, every cut display equation and output scrolls and shows a visible
  cue (the faded edge of ``_static/scroll-cue.css``); cut code blocks are counted;
- on the phone, each figure's smallest text is measured in CSS px (reported, and listed
  where under 9 px: the figures are resized in the chapters, not here);
- axe-core (``package.json`` pins it; ``npm ci`` installs it) finds no critical or
  serious violation, at either size.

The widths are measured by ``scripts/check_html.py``'s ``measure`` (``MEASURE_JS``, the
one implementation; the HTML check runs it at 1280 px in the same selenium-driven
Chromium, started by ``scripts/headless.py``). A summary goes to
``_build/layout-report.json``, phone screenshots of chapters 3 and 4 to
``_build/screenshots/``. The first tests check the checks on small pages of their own.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    ROOT,
    book_pages,
    built_book,
    headless_chromium,
    load_script,
    require_headless_chromium,
)

check_html = load_script("check_html")

DESKTOP = (1280, 900)
PHONE = (390, 844)
MIN_TEXT_PX = 9.0  # the smallest figure text a phone reader should get (CSS px)
AXE = Path(ROOT) / "node_modules" / "axe-core" / "axe.min.js"
STATIC = Path(ROOT) / "_static"
REPORT = Path(ROOT) / "_build" / "layout-report.json"
SHOTS = Path(ROOT) / "_build" / "screenshots"
SCREENSHOT_PAGES = ("chapters/03_vae.html", "chapters/04_latent_space.html")
BLOCKING_IMPACTS = ("critical", "serious")

# Every image of a figure or of a cell's output, as rendered, with what says which
# figure it is and the code that drew it (for an output: the cell's own code).
FIGURES_JS = """
return Array.from(document.querySelectorAll("figure img, .cell_output img")).map(
  (img) => {
    const fig = img.closest("figure");
    const cell = img.closest(".cell");
    const number = fig && fig.querySelector(".caption-number");
    const input = !fig && cell && cell.querySelector(".cell_input");
    const where = img.parentElement.closest("[id]");
    return {
      src: img.getAttribute("src") || "",
      natural: img.naturalWidth,
      rendered: img.getBoundingClientRect().width,
      figure: fig ? fig.id : "",
      number: number ? number.textContent.trim() : "",
      code: input ? input.textContent : "",
      where: where ? where.id : "",
    };
  });
"""

# The accessible name of each dropdown's button (sphinx-togglebutton), with its title.
TOGGLE_NAMES_JS = """
return Array.from(document.querySelectorAll(".admonition .toggle-button")).map(
  (b) => [
    b.getAttribute("aria-label") || "",
    (b.closest(".admonition-title") || b).textContent.replace(/\\s+/g, " ").trim(),
  ]);
"""

AXE_RUN_JS = """
return axe.run(document, {resultTypes: ["violations"]}).then((r) =>
  r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  })));
"""


def axe_source() -> str:
    npm = shutil.which("npm")
    if not AXE.is_file() and npm:  # the pinned axe-core (package-lock.json), once
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=False,
            timeout=600,
        )
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: .ci/run installs it (npm ci)")
        pytest.skip("axe-core not installed: run npm ci (package.json pins it)")
    return AXE.read_text(encoding="utf-8")


def measure(driver, path: Path) -> dict:
    """Load ``path``; MathJax typeset, every dropdown opened; the too-wide blocks."""
    return check_html.measure(driver, path)


def run_axe(driver, source: str) -> list[dict]:
    driver.execute_script(source)
    return driver.execute_script(AXE_RUN_JS)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


# --- the figures' text size --------------------------------------------------------

NAMED_SIZES = {  # matplotlib's relative font sizes, times rcParams["font.size"]
    "xx-small": 0.579,
    "x-small": 0.694,
    "small": 0.833,
    "medium": 1.0,
    "large": 1.2,
    "x-large": 1.44,
    "xx-large": 1.728,
}
FONT_ARG = re.compile(
    r"\b(?:fontsize|labelsize|titlesize|title_fontsize)\s*=\s*"
    r"(?:([0-9]+(?:\.[0-9]+)?)|[\"'](x{0,2}-?(?:small|large)|medium)[\"']"
    r"|(?:plots\.)?([A-Z][A-Z0-9_]*_PT)\b)"
)


def font_sizes(code: str, base: float) -> list[float]:
    """Font sizes (pt) that ``code`` sets explicitly: a number, a relative size, or one
    of vaelib.plots' constants (``GRID_FONT_PT``)."""
    from vaelib import plots

    sizes = []
    for number, name, constant in FONT_ARG.findall(code):
        if number:
            sizes.append(float(number))
        elif name:
            sizes.append(NAMED_SIZES[name] * base)
        else:
            sizes.append(float(getattr(plots, constant)))
    return sizes


def helper_fonts(base: float) -> dict[str, float]:
    """The smallest font size (pt) each function of vaelib sets, by function name."""
    found = {}
    for module in (Path(ROOT) / "vaelib").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                sizes = font_sizes(ast.get_source_segment(text, node), base)
                if sizes:
                    found[node.name] = min(sizes)
    return found


def figure_code() -> dict[str, str]:
    """The code that draws each glued figure, by its HTML id (the ``:name:`` label)."""
    cells = []
    for nb in sorted((Path(ROOT) / "chapters").glob("*.ipynb")):
        cells += json.loads(nb.read_text(encoding="utf-8"))["cells"]
    code = {}
    glued = re.compile(r"\{glue:figure\}\s+(\S+)[^\n]*\n((?:\s*:[^\n]*\n)*)")
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for key, options in glued.findall("".join(cell["source"])):
            name = re.search(r":name:\s*(\S+)", options)
            if not name:
                continue
            label = re.sub(r"[^a-z0-9]+", "-", name.group(1).lower()).strip("-")
            call = re.compile(rf"glue\(\s*[\"']{re.escape(key)}[\"']")
            drawing = [
                "".join(c["source"])
                for c in cells
                if c["cell_type"] == "code" and call.search("".join(c["source"]))
            ]
            code[label] = "\n".join(drawing)
    return code


def smallest_font_pt(code: str, helpers: dict[str, float], base: float) -> float:
    """The smallest text (pt) the code draws: matplotlib's default size (the book sets
    no other: tick labels, axis labels and legends), what the code sets itself, and what
    the vaelib functions it calls set."""
    sizes = [base, *font_sizes(code, base)]
    sizes += [pt for name, pt in helpers.items() if re.search(rf"\b{name}\(", code)]
    return min(sizes)


def saved_dpi(html_page: Path, src: str) -> float | None:
    """The resolution matplotlib saved the image at (its PNG's pHYs chunk), if any."""
    from PIL import Image

    if src.startswith("data:"):
        data = io.BytesIO(base64.b64decode(src.split(",", 1)[1]))
    else:
        data = (html_page.parent / src.split("?")[0]).resolve()
    with Image.open(data) as image:
        dpi = image.info.get("dpi")
    return float(dpi[0]) if dpi else None


DEFAULT_DPI = 100.0  # matplotlib's figure.dpi, which the book keeps


def figure_text(page: Path, images: list[dict], code: dict, helpers, base) -> list:
    """Each figure's smallest text at its rendered size, in CSS px."""
    rows = []
    for img in images:
        if img["src"].endswith(".svg") or not img["natural"]:
            continue
        # A figure glued without a :name: has no code to read its fonts from, and an
        # image matplotlib did not save has no dpi: both are measured with the
        # book's defaults (rcParams), and say so.
        drawing = code.get(img["figure"]) if img["figure"] else img["code"]
        pt = smallest_font_pt(drawing or "", helpers, base)
        dpi = saved_dpi(page, img["src"])
        scale = img["rendered"] / img["natural"]
        rows.append(
            {
                "figure": img["number"]
                or img["figure"]
                or f"output in #{img['where']}",
                "font_pt": round(pt, 2),
                "dpi": dpi or DEFAULT_DPI,
                "scale": round(scale, 3),
                "text_px": round(pt * (dpi or DEFAULT_DPI) / 72 * scale, 2),
                "assumed": [k for k, v in (("font", drawing), ("dpi", dpi)) if not v],
            }
        )
    return rows


# --- the checks checked, on pages of their own --------------------------------------

SMALL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>t</title>{head}</head><body><main>
<div class="cell"><div class="cell_output"><pre>{line}</pre></div></div>
</main></body></html>"""


def small_page(tmp_path, head: str = "") -> Path:
    page = tmp_path / "page.html"
    line = "wide output " * 60
    page.write_text(SMALL_PAGE.format(head=head, line=line))
    return page


def static_head(tmp_path) -> str:
    """The book's own scroll cue and accessibility fix-ups, linked into a page."""
    for name in ("scroll-cue.css", "scroll-cue.js", "a11y.js"):
        (tmp_path / name).write_text((STATIC / name).read_text())
    return (
        '<link rel="stylesheet" href="scroll-cue.css">'
        '<script src="scroll-cue.js"></script><script src="a11y.js"></script>'
    )


def test_a_cut_output_without_cue_is_caught_and_the_book_css_adds_one(tmp_path):
    driver = headless_chromium(*PHONE, phone=True)
    try:
        bare = measure(driver, small_page(tmp_path))["wide"]
        (tmp_path / "with").mkdir()
        with_cue = tmp_path / "with"
        cued = measure(driver, small_page(with_cue, static_head(with_cue)))["wide"]
    finally:
        driver.quit()
    assert [b["kind"] for b in bare] == ["cell output"]
    assert not bare[0]["cue"]
    assert [b["kind"] for b in cued] == ["cell output"]
    assert cued[0]["scrolls"] and cued[0]["cue"]


BAD_MARKUP = """
<div role="list" class="citation-list">
  <div class="citation" id="c1" role="doc-biblioentry"><span>[1]</span>A book.</div>
</div>
<div class="solution dropdown admonition toggle" id="s1">
  <p class="admonition-title">Solution to<a href="#e1"> Exercise 3.2 (Codes)</a>
  <button type="button" class="toggle-button" aria-label="Toggle hidden content"
   aria-expanded="false">&gt;</button></p><section><p>Text.</p></section></div>
<button class="btn search-button-field" aria-label="Search">
 <span>Search</span> <span><kbd>Ctrl</kbd>+<kbd>K</kbd></span></button>
"""


def test_axe_catches_the_themes_markup_and_the_fixups_fix_it(tmp_path):
    source = axe_source()
    page = tmp_path / "bad.html"
    driver = headless_chromium()
    try:
        for head in ("", static_head(tmp_path)):
            page.write_text(
                SMALL_PAGE.replace("<main>", f"<main><h1>t</h1>{BAD_MARKUP}").format(
                    head=head, line="x"
                )
            )
            driver.get(page.as_uri())
            found = {v["id"] for v in blocking(run_axe(driver, source))}
            name = driver.execute_script(
                "return document.querySelector('.toggle-button')"
                ".getAttribute('aria-label')"
            )
            if not head:
                assert {
                    "aria-required-children",
                    "label-content-name-mismatch",
                } <= found
                assert name == "Toggle hidden content"
            else:
                assert found == set()
                assert name == "Solution to Exercise 3.2 (Codes)"
    finally:
        driver.quit()


def test_font_sizes_are_read_from_the_code():
    from vaelib import plots

    helpers = {"show_images": 8.0}
    assert smallest_font_pt("ax.plot(x)", helpers, 10.0) == 10.0
    assert smallest_font_pt("ax.set_title('a', fontsize=7)", helpers, 10.0) == 7.0
    assert smallest_font_pt("ax.legend(fontsize='small')", helpers, 10.0) == 8.33
    assert smallest_font_pt("fig = plots.show_images(x)", helpers, 10.0) == 8.0
    assert (
        smallest_font_pt("ax.text(0, 0, 'a', fontsize=plots.GRID_FONT_PT)", {}, 10.0)
        == 9.0
    )
    assert helper_fonts(10.0)["show_images"] == plots.GRID_FONT_PT  # vaelib's titles


# --- the book ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    """Every page measured at both sizes and checked by axe: one pass, many tests.

    The two sizes run at once, one Chromium each (in two threads: selenium waits on
    the browser, so the threads overlap): on two cores this halves the longest set-up
    of the test run.
    """
    html = built_book()
    pages = book_pages(html)
    source = axe_source()
    import matplotlib

    base = float(matplotlib.rcParams["font.size"])
    code, helpers = figure_code(), helper_fonts(base)

    def one_size(size, phone) -> dict:
        found_here = {}
        driver = headless_chromium(*size, phone=phone)
        driver.set_script_timeout(120)
        try:
            for page in pages:
                rel = str(page.relative_to(html))
                found = measure(driver, page)
                entry = found_here.setdefault(rel, {})
                entry[f"wide_{size[0]}"] = found["wide"]
                entry[f"axe_{size[0]}"] = run_axe(driver, source)
                entry["toggles"] = driver.execute_script(TOGGLE_NAMES_JS)
                if phone:
                    images = driver.execute_script(FIGURES_JS)
                    entry["figures"] = figure_text(page, images, code, helpers, base)
                    if rel in SCREENSHOT_PAGES:
                        screenshot(driver, page, SHOTS / f"{page.stem}-phone.png")
        finally:
            driver.quit()
        return found_here

    with ThreadPoolExecutor(max_workers=2) as pool:
        sizes = ((DESKTOP, False), (PHONE, True))
        parts = [f.result() for f in [pool.submit(one_size, *s) for s in sizes]]
    result = {}
    for part in parts:  # the desktop's first, so the phone's toggle names are kept
        for rel, entry in part.items():
            result.setdefault(rel, {}).update(entry)
    write_report(result)
    return result


def screenshot(driver, page: Path, path: Path) -> None:
    """The whole page as a phone shows it (dropdowns opened by the measurement), one
    image pixel per CSS pixel."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": PHONE[0], "height": height, "scale": 0.5}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True, "clip": clip},
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def write_report(result: dict) -> None:
    summary = {}
    lines = [
        "page                                  1280 cut | 390 cut  no cue | "
        "fig<9px smallest | axe critical+serious (nodes, both sizes)"
    ]
    for rel, entry in result.items():
        phone = entry[f"wide_{PHONE[0]}"]
        small = [f for f in entry["figures"] if f["text_px"] < MIN_TEXT_PX]
        axe = blocking(entry[f"axe_{DESKTOP[0]}"]) + blocking(entry[f"axe_{PHONE[0]}"])
        axe_nodes = sum(len(v["targets"]) for v in axe)
        summary[rel] = {
            "cut_1280": len(entry[f"wide_{DESKTOP[0]}"]),
            "cut_390": len(phone),
            "cut_390_by_kind": {
                k: sum(b["kind"] == k for b in phone)
                for k in {b["kind"] for b in phone}
            },
            "cut_390_with_cue": sum(b["cue"] for b in phone),
            "cut_390_without_cue": [b for b in phone if not b["cue"]],
            "figures": entry["figures"],
            "figures_under_9px": small,
            "axe_critical_serious": axe,
            "axe_other": [
                v
                for k in ("axe_1280", "axe_390")
                for v in entry[k]
                if v["impact"] not in BLOCKING_IMPACTS
            ],
        }
        smallest = min((f["text_px"] for f in entry["figures"]), default=None)
        lines.append(
            f"{rel:38s}{len(entry['wide_1280']):8d} | {len(phone):7d} "
            f"{len(phone) - summary[rel]['cut_390_with_cue']:7d} | "
            f"{len(small):7d} {'-' if smallest is None else f'{smallest:5.1f}':>8s} | "
            f"{axe_nodes:5d}"
        )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(summary, indent=1))
    print("\n" + "\n".join(lines))
    for rel, s in summary.items():
        for f in s["figures_under_9px"]:
            need = MIN_TEXT_PX / f["text_px"]
            print(
                f"  {rel}: {f['figure']}: smallest text {f['text_px']:.1f} px "
                f"({f['font_pt']} pt at {f['dpi']:.0f} dpi shown at {f['scale']:.0%}); "
                f"needs x{need:.2f} (larger font, or a narrower figure)"
                + (f"; {' and '.join(f['assumed'])} assumed" if f["assumed"] else "")
            )
    print(f"report: {REPORT}")


def describe(rel: str, block: dict, width: int) -> str:
    return (
        f"{rel} (#{block['where']}): {block['kind']} cut at {width} px "
        f"({block['scroll']} px in a {block['client']} px box): {block['text']!r}"
    )


def test_nothing_is_wider_than_its_box_at_1280(book):
    problems = [
        describe(rel, b, DESKTOP[0]) for rel, e in book.items() for b in e["wide_1280"]
    ]
    assert not problems, "\n".join(problems)


def test_equations_and_outputs_cut_on_a_phone_show_that_they_scroll(book):
    problems = [
        describe(rel, b, PHONE[0]) + " (no visible scroll cue)"
        for rel, e in book.items()
        for b in e["wide_390"]
        if b["kind"] in ("display equation", "cell output") and not b["cue"]
    ]
    assert not problems, "\n".join(problems)


def test_every_figure_is_measured_on_a_phone(book):
    """Every figure on every page is measured at 390 px: the scale the page shows it
    at (measured in the browser), its resolution (read from the PNG) and its smallest
    font (read from the code that draws it)."""
    figures = [f for e in book.values() for f in e["figures"]]
    assert figures, "no figure found on any page"
    for f in figures:
        assert 0 < f["scale"] <= 1.0 + 1e-6 and 50 <= f["dpi"] <= 400, f
    assumed = [f for f in figures if f["assumed"]]
    assert len(assumed) <= len(figures) // 4, f"fonts or dpi assumed for {assumed}"


def test_every_figure_s_text_is_readable_on_a_phone(book):
    """At 390 px every figure's smallest text is at least MIN_TEXT_PX high. To size a
    figure: vaelib.plots.max_width_in(pt), and scripts/figure_text.py, which measures
    every figure a notebook draws on the figure itself."""
    small = [
        f"{rel}: {f['figure']}: {f['text_px']:.1f} px ({f['font_pt']} pt at "
        f"{f['dpi']:.0f} dpi shown at {f['scale']:.0%})"
        for rel, e in book.items()
        for f in e["figures"]
        if f["text_px"] < MIN_TEXT_PX
    ]
    assert not small, "figure text under 9 px on a phone:\n" + "\n".join(small)


def test_axe_finds_no_critical_or_serious_violation(book):
    problems = [
        f"{rel} at {w} px: {v['impact']} {v['id']} ({v['help']}): {t}"
        for rel, e in book.items()
        for w in (DESKTOP[0], PHONE[0])
        for v in blocking(e[f"axe_{w}"])
        for t in v["targets"]
    ]
    assert not problems, "\n".join(problems)


def test_every_dropdown_button_says_what_it_opens(book):
    toggles = [(rel, *t) for rel, e in book.items() for t in e["toggles"]]
    assert toggles, "no dropdown found: the chapters have solutions"
    for rel, name, title in toggles:
        assert name and name != "Toggle hidden content", (rel, title)
        assert name == title, (rel, name, title)  # the name is the visible title


def test_phone_screenshots_of_chapters_3_and_4(book):
    for page in SCREENSHOT_PAGES:
        shot = SHOTS / f"{Path(page).stem}-phone.png"
        assert shot.is_file() and shot.stat().st_size > 10_000, shot


def test_phone_text_px_agrees_with_the_saved_png():
    """vaelib.plots.phone_text_px, the helper for sizing figures, against the PNG that
    IPython saves (what the book shows) and the scale the page applies."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    from PIL import Image

    from vaelib import plots

    for figsize, font in (((10, 3), 8), ((3, 2), 12)):
        fig, ax = plt.subplots(figsize=figsize)
        ax.plot([0, 1], [1, 0])
        ax.set_title("title", fontsize=font)
        ax.tick_params(labelsize=font + 2)
        with Image.open(io.BytesIO(print_figure(fig, "png"))) as png:
            width = png.size[0]
        want = font * fig.dpi / 72 * min(1.0, plots.PHONE_COLUMN_PX / width)
        assert plots.phone_text_px(fig) == pytest.approx(want, rel=0.01)
        plt.close(fig)
    # a figure plt.close() has detached is still measured, to the same size
    fig, ax = plt.subplots(figsize=(10, 3))
    ax.set_title("title", fontsize=8)
    before = plots.phone_text_px(fig)
    plt.close(fig)
    assert plots.phone_text_px(fig) == pytest.approx(before)
    with pytest.raises(TypeError, match="Figure"):
        plots.phone_text_px("figure")
    with pytest.raises(ValueError, match="positive"):
        plots.phone_text_px(plt.figure(), column_px=0)


def test_the_book_s_grids_and_scatters_are_readable_on_a_phone():
    """vaelib's figure helpers size themselves for a phone (phone_text_px, measured on
    the drawn figure), and max_width_in is the width where text reaches the limit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vaelib import plots

    rng = np.random.default_rng(0)
    x = rng.random((40, 784), dtype=np.float32)
    grids = (
        {"n_cols": 10, "titles": list(range(40))},
        {"n_cols": 20, "titles": [f"{v:.2f}" for v in rng.random(40)]},
        {"n_cols": 8, "row_labels": ["real", "reconstructed", "sampled", "a", "b"]},
        {"n_cols": 4, "titles": list("abcdefghij" * 4)},
        {"n_cols": 10, "row_labels": ["plain\nautoencoder", "VAE", "x", "y"]},
    )
    for kwargs in grids:  # readable even in a solution's narrower box
        fig = plots.show_images(x, **kwargs)
        assert plots.phone_text_px(fig, plots.PHONE_BOX_PX) >= plots.MIN_TEXT_PX, kwargs
        plt.close(fig)
    fig = plots.latent_scatter(rng.normal(size=(300, 2)), np.arange(300) % 10)
    assert plots.phone_text_px(fig) >= plots.MIN_TEXT_PX
    plt.close(fig)
    for pt, box in ((8.0, plots.PHONE_COLUMN_PX), (10.0, plots.PHONE_BOX_PX)):
        fig, ax = plt.subplots(figsize=(plots.max_width_in(pt, box), 2))
        ax.set_axis_off()
        ax.set_position((0, 0, 1, 1))
        ax.text(0.0, 0.0, "a", fontsize=pt, transform=ax.transAxes)
        ax.text(
            1.0, 1.0, "b", fontsize=pt, ha="right", va="top", transform=ax.transAxes
        )
        want = plots.MIN_TEXT_PX
        assert plots.phone_text_px(fig, box) == pytest.approx(want, rel=0.03)
        plt.close(fig)
    with pytest.raises(ValueError, match="positive"):
        plots.max_width_in(0)
    with pytest.raises(TypeError, match="number"):
        plots.max_width_in("8")
    with pytest.raises(ValueError, match="column_px"):
        plots.max_width_in(8, column_px=0)
    with pytest.raises(ValueError, match="scale"):
        plots.show_images(x, scale=0)
    with pytest.raises(TypeError, match="scale"):
        plots.show_images(x, scale="large")


def test_check_html_does_not_measure_a_redirect_page(tmp_path):
    """index.html of a Jupyter Book only moves the reader on to the root page: the HTML
    check skips it (measuring it raced the redirect), and measures the root page."""
    require_headless_chromium()
    html = tmp_path / "html"
    html.mkdir()
    (html / "index.html").write_text(
        '<meta http-equiv="Refresh" content="0; url=intro.html" />'
    )
    wide = "<main style='width: 300px'><pre style='overflow: auto'>" + "x" * 200
    (html / "intro.html").write_text(f"<html><body>{wide}</pre></main></body></html>")
    pages = {p: check_html.parse(p) for p in sorted(html.glob("*.html"))}
    assert pages[html / "index.html"].redirect
    assert not pages[html / "intro.html"].redirect
    (problem,) = check_html.browser_checks(html, pages)
    assert problem.startswith("intro.html: code block scrolls sideways")
