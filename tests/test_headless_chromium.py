"""The headless-Chromium harness of the map tests sees drawn elements and script errors.

Checked on pages whose answer is known by construction, so the map test that relies on it
cannot pass because the harness is blind."""

from __future__ import annotations

from headless_chromium import browser_or_skip, external_resources, open_page

_DRAWN = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<svg width="200" height="100"><path d="M0 0 L50 50"/><path d="M10 0 L60 50"/>
<path d="M20 0 L70 50"/></svg>
<script>document.body.dataset.ok = "yes";</script></body></html>"""

_BROKEN = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<script>notDefinedAnywhere();</script></body></html>"""


def test_harness_counts_drawn_elements_and_sees_a_clean_console(tmp_path):
    browser = browser_or_skip()
    page_file = tmp_path / "drawn.html"
    page_file.write_text(_DRAWN, encoding="utf-8")
    with open_page(browser, page_file) as page:
        assert page.count("svg path") == 3
        assert page.run("return document.body.dataset.ok") == "yes"
        assert page.errors == []
        shot = page.screenshot(tmp_path / "drawn.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_harness_reports_a_script_error(tmp_path):
    browser = browser_or_skip()
    page_file = tmp_path / "broken.html"
    page_file.write_text(_BROKEN, encoding="utf-8")
    with open_page(browser, page_file) as page:
        assert any("notDefinedAnywhere" in e for e in page.errors), page.errors


def test_external_resources_finds_what_a_page_would_fetch_and_nothing_else():
    html = """<html><head>
    <script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>
    <link rel="stylesheet" href="//cdn.example.org/x.css"/>
    <script>var a = "<script src='inline-string'>";</script>
    <script src="local.js"></script></head>
    <body><a href="https://doi.org/10.1000/x">a source</a>
    <IMG SRC=http://tiles.example.org/1/2/3.png></body></html>"""
    assert external_resources(html) == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
                                        "//cdn.example.org/x.css",
                                        "http://tiles.example.org/1/2/3.png"]
    assert external_resources("<script>L.map('m')</script><a href='http://x.org'>x</a>") == []
