"""The pages in real headless Chromium against the real server.

Loads every page type (with a screenshot each), follows a matrix cell to its evidence and
on into the document, checks the highlighted span's text and the popup, checks phone
width, and asserts that none of the hostile documents' payloads runs.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser

TREATY = "proposition:new-un-cybercrime-treaty"


def api(server: str, path: str) -> dict:
    with urllib.request.urlopen(server + path, timeout=10) as r:
        return json.load(r)


def load(browser, url: str) -> None:
    browser.get(url)
    assert browser.execute_script("return document.readyState") == "complete"


def no_overflow(browser) -> bool:
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_every_page_type_loads(server, browser, shot):
    from selenium.webdriver.common.by import By

    doc = api(server, "/api/v1/documents?limit=500")["items"]
    origin = [d for d in doc if "origin" in (d["source"] or "")]
    assert origin, "the origin corpus should be in the store"
    pages = {
        "home": "/", "documents": "/documents", "search": "/documents?q=cyberspace",
        "document-origin": f"/documents/{origin[0]['id']}", "actor": "/actors/state:EST",
        "person": "/actors/person:jane-roe", "instruments": "/instruments",
        "instrument": "/instruments/instrument:budapest-convention", "propositions": "/propositions",
        "proposition": f"/propositions/{TREATY}", "matrix": "/matrix", "incidents": "/incidents",
        "incident": "/incidents/incident:estonia-2007", "events": "/events",
        "event": "/events/event:test-round-table-2016", "rejections": "/rejections", "actors": "/actors",
    }
    # the meeting of the origin corpus, when extraction found it (the view that replaces reading the reports)
    if any(e["id"] == "event:gccs-2015" for e in api(server, "/api/v1/events")["items"]):
        pages["event-gccs-2015"] = "/events/event:gccs-2015"
    for name, path in pages.items():
        load(browser, server + path)
        h1 = browser.find_element(By.TAG_NAME, "h1").text
        assert h1 and "Internal" not in h1 and "404" not in h1, (name, h1)
        shot(name)


def test_matrix_cell_through_to_highlighted_evidence(server, browser, shot):
    from selenium.webdriver.common.by import By

    load(browser, server + "/matrix")
    cell = browser.find_element(By.CSS_SELECTOR, f'a.cell-link[data-actor="state:RUS"][data-target="{TREATY}"]')
    assert cell.text.strip() == "1"
    cell.click()
    assert "actor=state%3ARUS" in browser.current_url
    section = browser.find_element(By.ID, "evidence")
    quote = section.find_element(By.CSS_SELECTOR, "blockquote.evidence p").text
    assert quote == "a binding convention on cybercrime under the United Nations is long overdue"
    shot("matrix-evidence")
    section.find_element(By.CSS_SELECTOR, "blockquote.evidence footer a").click()
    assert "/documents/" in browser.current_url and "#f-stance-" in browser.current_url
    anchor = browser.current_url.split("#", 1)[1]
    first = browser.find_element(By.ID, anchor)
    key = first.get_attribute("data-fact")
    pieces = browser.find_elements(By.CSS_SELECTOR, f'mark[data-fact="{key}"]')
    # a fact split around other highlights reads whole again when its fragments are joined
    text = browser.execute_script(
        "return Array.from(arguments[0]).map(m => m.textContent).join('')", pieces)
    assert text.startswith(quote)
    assert first.get_attribute("data-kind") == "stance"
    assert "is-target" in first.get_attribute("class")
    assert browser.switch_to.active_element == first
    shot("document-evidence")


def test_highlight_popup_on_hover_and_focus(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    doc = api(server, "/api/v1/documents?q=Exampleville")["items"][0]["id"]
    load(browser, f"{server}/documents/{doc}")
    mark = browser.find_element(By.CSS_SELECTOR, 'mark[data-kind="actor"][id]')
    ActionChains(browser).move_to_element(mark).perform()
    popup = browser.find_element(By.ID, "fact-popup")
    assert popup.is_displayed() and popup.text == mark.get_attribute("data-label")
    other = browser.find_element(By.CSS_SELECTOR, 'mark[data-kind="event"][id]')
    browser.execute_script("arguments[0].focus()", other)
    assert browser.find_element(By.ID, "fact-popup").text.startswith("event:")


def test_keyboard_reaches_highlights(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    doc = api(server, "/api/v1/documents?q=Exampleville")["items"][0]["id"]
    load(browser, f"{server}/documents/{doc}")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):
        el = browser.switch_to.active_element
        if el.tag_name == "mark":
            break
        el.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.tag_name == "mark"


def test_phone_width(server, browser, shot):
    doc = api(server, "/api/v1/documents?q=Exampleville")["items"][0]["id"]
    browser.set_window_size(390, 844)
    try:
        for name, path in (("phone-document", f"/documents/{doc}"), ("phone-matrix", "/matrix"),
                           ("phone-home", "/")):
            load(browser, server + path)
            assert no_overflow(browser), path
            shot(name)
    finally:
        browser.set_window_size(1280, 900)
