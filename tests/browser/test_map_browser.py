"""The parties world map (issue 5) in real headless Chromium against the real server.

Checks that the server-rendered SVG lays out at desktop and phone width, that map.css
loads under the strict CSP (a party's fill is the stylesheet's, not the fallback
attribute's), and that a known party carries the party class. Screenshots go to
test-artifacts/browser/ like the other browser tests. Skipped when npm has not installed
the world-atlas dataset, since the page then shows the region table only.
"""

from __future__ import annotations

import pytest

from normwatch.web import worldmap

pytestmark = pytest.mark.browser

PAGE = "/instruments/instrument:budapest-convention"
PARTY_FILL = "rgb(31, 95, 168)"   # map.css .m-party; the fallback fill attribute is the same colour
COUNTRY_CLASSES = """
    return Array.from(document.querySelectorAll('svg.worldmap path')).map(
        p => [p.querySelector('title') ? p.querySelector('title').textContent : '', p.getAttribute('class'),
              getComputedStyle(p).fill]);
"""


@pytest.fixture(autouse=True)
def need_atlas():
    if worldmap.atlas_path() is None:
        pytest.skip("world-atlas is not installed (scripts/setup.sh runs npm ci)")


def load(browser, url: str) -> None:
    browser.get(url)
    assert browser.execute_script("return document.readyState") == "complete"


def test_map_renders_with_parties_marked(server, browser, shot):
    from selenium.webdriver.common.by import By

    load(browser, server + PAGE)
    svg = browser.find_element(By.CSS_SELECTOR, "svg.worldmap")
    assert svg.is_displayed()
    box = svg.rect
    assert box["width"] > 600 and 200 < box["height"] < box["width"]
    rows = browser.execute_script(COUNTRY_CLASSES)
    assert len(rows) > 170
    est = [r for r in rows if r[0].startswith("Estonia: party (ratified")]
    assert est and est[0][1] == "m-party"
    assert est[0][2] == PARTY_FILL
    # map.css loaded under the CSP: only it colours the legend swatches
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('.swatch.m-party')).backgroundColor") == PARTY_FILL
    assert sum(1 for r in rows if r[1] == "m-party") > 40
    assert any(r[1] == "m-not-party" and r[0].startswith("Russia") for r in rows)
    legend = browser.find_element(By.CSS_SELECTOR, ".map-legend").text
    assert "Party (bound)" in legend and "Not a party" in legend
    # the map comes first, the accessible region table after it
    assert browser.execute_script(
        "const s = document.querySelector('svg.worldmap'), h = [...document.querySelectorAll('h3')]"
        ".find(e => e.textContent.includes('By region'));"
        "return !!(s.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING);")
    browser.execute_script("document.querySelector('svg.worldmap').scrollIntoView()")
    shot("instrument-map")


def test_map_as_of_a_date_and_at_phone_width(server, browser, shot):
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    try:
        load(browser, server + PAGE + "?as_of=2003-01-01")
        rows = browser.execute_script(COUNTRY_CLASSES)
        est = next(r for r in rows if r[0].startswith("Estonia"))
        assert est[1] == "m-signatory"   # signed 2001, ratified only in May 2003
        svg = browser.find_element(By.CSS_SELECTOR, "svg.worldmap")
        assert 0 < svg.rect["width"] <= 390
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        browser.execute_script("document.querySelector('svg.worldmap').scrollIntoView()")
        shot("phone-instrument-map")
    finally:
        browser.set_window_size(1280, 900)
