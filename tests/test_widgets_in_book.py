"""The live widgets on the built pages of chapters 4 and 5, in headless Chromium: the
page draws what the chapter's Keras decoder draws, keys and sliders work, decoding is
fast, the payload is small; and screenshots at desktop and phone width are kept."""

import os
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, built_page, headless_chromium

CHAPTER_4 = "chapters/04_latent_space.html"
CHAPTER_5 = "chapters/05_why_gans.html"
SHOTS = Path(ROOT) / "_build" / "screenshots"


@pytest.fixture(scope="module")
def chapter4():
    path = built_page(CHAPTER_4)
    driver = headless_chromium()
    driver.get(Path(path).as_uri())
    yield driver
    driver.quit()


def latent_id(driver):
    ids = driver.execute_script(
        "return Object.keys(window.vaelibWidgets || {})"
        ".filter(k => window.vaelibWidgets[k].setZ)"
    )
    assert len(ids) == 1, f"chapter 4 should have one latent explorer, found {ids}"
    return f"window.vaelibWidgets['{ids[0]}']", ids[0]


def test_page_draws_what_the_keras_decoder_draws(chapter4):
    w, _ = latent_id(chapter4)
    checks = chapter4.execute_script(f"return {w}.checks()")
    keras_pixels = np.array(checks["pixels"], dtype=float).reshape(20, -1) / 255
    drawn = np.array(
        [
            chapter4.execute_script(f"{w}.setZ({a}, {b}); return {w}.canvasPixels()")
            for a, b in checks["z"]
        ]
    )
    # canvas bytes (0.5/255) and the embedded Keras images (0.5/255) are rounded
    tolerance = 2 / 255 + checks["quantisation"] + 1 / 255
    assert len(checks["z"]) >= 20
    assert checks["quantisation"] < 0.03
    assert np.abs(drawn - keras_pixels).max() <= tolerance


def test_keyboard_and_slider(chapter4):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    w, element_id = latent_id(chapter4)
    chapter4.execute_script(f"{w}.setZ(0, 0)")
    before = chapter4.execute_script(f"return {w}.canvasPixels()")
    chapter4.find_element(By.CSS_SELECTOR, f"#{element_id} .vx-map").send_keys(
        Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_DOWN
    )
    z = chapter4.execute_script(f"return {w}.getZ()")
    after = chapter4.execute_script(f"return {w}.canvasPixels()")
    assert z[0] < 0 and z[1] < 0
    assert np.abs(np.array(after) - np.array(before)).max() > 0.05
    slider = f"document.querySelector('#{element_id} .vx-t')"
    anchors = chapter4.execute_script(
        f"const a = document.querySelector('#{element_id} .vx-a');"
        f"const b = document.querySelector('#{element_id} .vx-b');"
        "return [a.selectedIndex, b.selectedIndex]"
    )
    assert anchors[0] != anchors[1]
    ends = []
    for value in (0, 100):
        chapter4.execute_script(f"{slider}.value = {value}; {w}.interpolate()")
        ends.append(chapter4.execute_script(f"return {w}.getZ()"))
    assert np.linalg.norm(np.subtract(ends[0], ends[1])) > 0.5


def test_decoding_is_fast_and_payload_small(chapter4):
    w, element_id = latent_id(chapter4)
    ms = chapter4.execute_script(f"return {w}.timeDecode(300)")
    size = chapter4.execute_script(
        f"return document.getElementById('{element_id}').outerHTML.length"
    )
    print(f"decode {ms:.3f} ms per point; widget {size / 1000:.0f} kB")
    assert ms < 5
    assert size < 500_000


def test_chapter5_widget_shows_the_fits(tmp_path):
    path = built_page(CHAPTER_5)
    html = Path(path).read_text()
    driver = headless_chromium()
    try:
        driver.get(Path(path).as_uri())
        ids = driver.execute_script(
            "return Object.keys(window.vaelibWidgets || {})"
            ".filter(k => window.vaelibWidgets[k].show)"
        )
        assert len(ids) == 1, ids
        w = f"window.vaelibWidgets['{ids[0]}']"
        n = int(re.search(rf'id="{ids[0]}".*?max="(\d+)"', html, flags=re.S).group(1))
        seen = set()
        for k in range(n + 1):
            driver.execute_script(f"{w}.show({k})")
            seen.add(driver.execute_script(f"return {w}.points(1)"))
            assert driver.execute_script(f"return {w}.readout()")
        assert len(seen) == n + 1  # every separation draws its own fit
    finally:
        driver.quit()


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_screenshots(width, height):
    """Keep screenshots of both widgets at desktop and phone width for review."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for page in (CHAPTER_4, CHAPTER_5):
        path = built_page(page)
        driver = headless_chromium(width, height)
        try:
            driver.get(Path(path).as_uri())
            widget = driver.find_element("css selector", ".vaelib-widget")
            driver.execute_script("arguments[0].scrollIntoView()", widget)
            name = f"{os.path.basename(page)[:-5]}-{width}.png"
            assert widget.screenshot(str(SHOTS / name))
            overflow = driver.execute_script(
                "const e = arguments[0]; return e.scrollWidth - e.clientWidth", widget
            )
            assert overflow <= 1, f"{page} widget is {overflow}px too wide at {width}px"
        finally:
            driver.quit()
