"""Open a local HTML file in headless Chromium (Debian's ``chromium`` + ``chromium-driver``) for
the tests of the interactive maps: count drawn elements, read the console, take a screenshot.

Where the browser is: ``LOGISTICS_CHROMIUM`` and ``LOGISTICS_CHROMEDRIVER`` (paths; for a
browser unpacked outside the system, with ``LOGISTICS_CHROMIUM_LIBS`` a ``:``-separated library
path it needs), else ``chromium``/``chromedriver`` on PATH, else ``/usr/bin``. Without one,
:func:`browser_or_skip` skips the calling test and says how to install it (CI installs it:
``.ci/run``). The browser runs with a fresh profile, offline-friendly flags and no network
services, so a page that fetches from a CDN shows it as a console error or missing element.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: The flags of the brief: headless, no sandbox (root in CI), no GPU, no background traffic.
FLAGS: tuple[str, ...] = ("--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--no-first-run", "--window-size=1200,900")

INSTALL_HINT = ("no headless Chromium: install it with `apt-get install -y --no-install-recommends "
                "chromium chromium-driver` (CI's .ci/run does), or point LOGISTICS_CHROMIUM and "
                "LOGISTICS_CHROMEDRIVER at a browser and its driver")


_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE)


def external_resources(html: str) -> list[str]:
    """Every script, stylesheet, image or frame the page would fetch from another host
    (``http://``, ``https://`` or protocol-relative ``//`` in a ``src``/``href``): an offline
    page has none. Plain links in text or popups (``<a href>``) are not fetched and not listed."""
    return _EXTERNAL.findall(html)


@dataclass(frozen=True)
class Browser:
    """Paths of the browser binary and its driver, and extra library folders (may be empty)."""

    chromium: str
    chromedriver: str
    libs: str = ""


def find_browser() -> Browser | None:
    """The Chromium and chromedriver to use, or None when either is missing."""
    env_c, env_d = os.environ.get("LOGISTICS_CHROMIUM"), os.environ.get("LOGISTICS_CHROMEDRIVER")
    if env_c and env_d and Path(env_c).is_file() and Path(env_d).is_file():
        return Browser(env_c, env_d, os.environ.get("LOGISTICS_CHROMIUM_LIBS", ""))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    for path in ("/usr/bin/chromium", "/usr/lib/chromium/chromium"):
        if chromium is None and Path(path).is_file():
            chromium = path
    if driver is None and Path("/usr/bin/chromedriver").is_file():
        driver = "/usr/bin/chromedriver"
    return Browser(chromium, driver) if chromium and driver else None


def browser_or_skip() -> Browser:
    """:func:`find_browser`, or skip the calling test with the install hint."""
    import pytest

    pytest.importorskip("selenium", reason="selenium is a test dependency (pip install -e '.[test]')")
    found = find_browser()
    if found is None:
        pytest.skip(INSTALL_HINT)
    return found


@dataclass
class Page:
    """A loaded page: the selenium driver and what its console logged at level SEVERE."""

    driver: object
    errors: list[str]

    def count(self, css: str) -> int:
        """How many elements match the CSS selector."""
        from selenium.webdriver.common.by import By

        return len(self.driver.find_elements(By.CSS_SELECTOR, css))

    def run(self, script: str):
        """Run JavaScript in the page and return its value."""
        return self.driver.execute_script(script)

    def screenshot(self, path: str | os.PathLike[str]) -> Path:
        """Save a PNG of the window."""
        self.driver.save_screenshot(str(path))
        return Path(path)

    def console_errors(self) -> list[str]:
        """Console messages at level SEVERE since the last call (added to :attr:`errors`)."""
        new = [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        self.errors.extend(new)
        return new


@contextmanager
def open_page(browser: Browser, html: str | os.PathLike[str], *,
              settle_s: float = 0.5) -> Iterator[Page]:
    """Open ``html`` (a local file) in headless Chromium with a fresh profile; yield a
    :class:`Page` once the document has loaded (plus ``settle_s`` for scripts run on load)."""
    import time

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="logistics-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser.chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    env = dict(os.environ)
    if browser.libs:
        env["LD_LIBRARY_PATH"] = browser.libs + (":" + env["LD_LIBRARY_PATH"]
                                                 if env.get("LD_LIBRARY_PATH") else "")
    service = Service(executable_path=browser.chromedriver, env=env)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.set_page_load_timeout(60)
        driver.get(Path(html).resolve().as_uri())
        deadline = time.monotonic() + 30
        while driver.execute_script("return document.readyState") != "complete":
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        time.sleep(settle_s)
        page = Page(driver, [])
        page.console_errors()
        yield page
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
