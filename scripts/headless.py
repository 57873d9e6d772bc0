"""Headless Chromium, driven by chromedriver through selenium: the one way this
repository drives a browser.

``scripts/check_html.py`` measures every built page in it (MathJax typesets, nothing
scrolls sideways); the tests render pages and widgets in it (``tests/conftest.py``'s
``headless_chromium``, which skips, or fails under CI, where it is missing). The
browser is Debian's ``chromium`` and its driver ``chromium-driver`` (``apt-get install
chromium chromium-driver``), found on ``PATH``; selenium is pinned in
``requirements.txt``. The driver's path is given to selenium, so it never runs
Selenium Manager: nothing is downloaded.
"""

from __future__ import annotations

import shutil

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_chromedriver() -> str | None:
    return shutil.which("chromedriver")


def missing() -> str | None:
    """What is missing to start headless Chromium here (None: nothing)."""
    lacking = []
    if find_chromium() is None:
        lacking.append("chromium")
    if find_chromedriver() is None:
        lacking.append("chromedriver (Debian's chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        lacking.append("selenium")
    return f"no {', no '.join(lacking)}" if lacking else None


def start(
    width: int = 1280, height: int = 900, phone: bool = False, scrollbars: bool = True
):
    """A new headless Chromium, ``width`` x ``height`` CSS px, as a selenium driver.

    The caller quits it (``driver.quit()``). ``phone=True`` emulates a phone of that
    size: a mobile viewport (the page's ``<meta name="viewport">`` applies, scrollbars
    overlay the content as on a phone) at 2 device pixels per CSS pixel.
    ``scrollbars=False`` hides the scrollbars and makes the viewport exactly ``width``
    px wide (the HTML check's laptop window; with a scrollbar the page gets 15 px
    less). Raises RuntimeError if something is missing (``missing()`` says what), and
    selenium's WebDriverException if the browser does not start.
    """
    lacking = missing()
    if lacking:
        raise RuntimeError(f"cannot start headless Chromium: {lacking}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find_chromium()
    for flag in FLAGS + (f"--window-size={width},{height}",):
        options.add_argument(flag)
    if not scrollbars:
        options.add_argument("--hide-scrollbars")
    driver = webdriver.Chrome(service=Service(find_chromedriver()), options=options)
    try:
        if phone or not scrollbars:
            metrics = {"width": width, "height": height}
            metrics.update(deviceScaleFactor=2 if phone else 1, mobile=phone)
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    except BaseException:
        driver.quit()
        raise
    return driver
