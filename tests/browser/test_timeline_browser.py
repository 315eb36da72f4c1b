"""Timelines in headless Chromium (issue 14): the SVG is in the served HTML (no script needed), its
segments are links, following one shows that bar's evidence, and the table says the same numbers."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter

import pytest

pytestmark = pytest.mark.browser


def _get(server: str, path: str) -> bytes:
    with urllib.request.urlopen(server + path, timeout=10) as r:
        return r.read()


def test_stance_timeline_without_script_and_with_a_click(server, browser, shot):
    from selenium.webdriver.common.by import By

    items = json.loads(_get(server, "/api/v1/stances?limit=500"))["items"]
    target = Counter(i["target"] for i in items).most_common(1)[0][0]
    raw = _get(server, f"/timeline/{target}").decode()
    assert '<svg class="chart timeline"' in raw  # drawn on the server: readable with scripts off

    browser.get(server + f"/timeline/{target}")
    segs = browser.find_elements(By.CSS_SELECTOR, "svg.timeline a.seg")
    assert segs
    drawn = sum(int(c.text) for c in browser.find_elements(By.CSS_SELECTOR, "#timeline-table td.num"))
    assert drawn == sum(1 for i in items if i["target"] == target)
    box = browser.find_element(By.CSS_SELECTOR, "svg.timeline").rect
    assert box["width"] > 40 and box["height"] > 100
    shot("timeline-stances")
    year, series = segs[0].get_attribute("data-year"), segs[0].get_attribute("data-series")
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", segs[0])
    heading = browser.find_element(By.ID, "evidence-h").text
    assert year in heading and series in heading
    quotes = browser.find_elements(By.CSS_SELECTOR, "#evidence blockquote")
    n = sum(1 for i in items if i["target"] == target and i["polarity"] == series
            and ((i["published"] or "")[:4] or "undated") == year)
    assert len(quotes) == n
    link = quotes[0].find_element(By.CSS_SELECTOR, "footer a")
    assert "/documents/" in link.get_attribute("href") and "#f-stance-" in link.get_attribute("href")


def test_attributions_timeline_loads(server, browser, shot):
    from selenium.webdriver.common.by import By

    browser.get(server + "/timeline/attributions")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Attribution claims per year")
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline-table, #timeline-empty")
    shot("timeline-attributions")
