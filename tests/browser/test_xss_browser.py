"""Hostile documents (script tags, onerror=, javascript: URLs, SVG and MathML payloads) in a real
browser: every page that shows them loads, and nothing they carry executes."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def api(server: str, path: str) -> dict:
    with urllib.request.urlopen(server + path, timeout=10) as r:
        return json.load(r)


def assert_clean(browser, where: str) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    assert browser.execute_script("return typeof window.__pwned") == "undefined", where
    assert browser.execute_script("return document.title") != "pwned", where
    try:
        text = browser.switch_to.alert.text
    except NoAlertPresentException:
        text = None
    assert text is None, (where, text)


def test_payloads_never_run(server, browser, shot):
    from selenium.webdriver.common.by import By

    hostile = [d for d in api(server, "/api/v1/documents?limit=500")["items"] if d["source"].startswith("tests:hostile")]
    assert len(hostile) >= 8
    actors = [a["id"] for a in api(server, "/api/v1/actors?limit=500")["items"] if a["id"].startswith("person:")]
    incidents = [i["id"] for i in api(server, "/api/v1/incidents")["items"] if i["id"].startswith("incident:x-")]
    paths = ["/", "/documents", "/documents?q=Hostile", "/documents?q=" + urllib.parse.quote("<script>"),
             "/matrix", "/matrix?actor=state:EST&target=proposition:new-un-cybercrime-treaty",
             "/propositions/proposition:new-un-cybercrime-treaty", "/instruments/instrument:budapest-convention",
             "/actors", "/actors/state:EST", "/incidents"]
    paths += [f"/documents/{d['id']}" for d in hostile]
    paths += [f"/actors/{urllib.parse.quote(a, safe=':')}" for a in actors]
    paths += [f"/incidents/{urllib.parse.quote(i, safe=':')}" for i in incidents]
    for path in paths:
        browser.get(server + path)
        assert browser.find_element(By.TAG_NAME, "h1").text, path
        assert_clean(browser, path)
    # the payload is on the page as text, where a reader can see it
    script_doc = next(d for d in hostile if d["source"] == "tests:hostile-0")
    browser.get(f"{server}/documents/{script_doc['id']}")
    assert "<script>" in browser.find_element(By.ID, "text").text
    shot("xss-document")
    # hovering and focusing the hostile highlights, and clicking every link on the page, runs nothing either
    for m in browser.find_elements(By.CSS_SELECTOR, "mark.hl[id]"):
        browser.execute_script("arguments[0].focus()", m)
    assert_clean(browser, "focus")
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert_clean(browser, "links")


def test_inline_script_is_refused_by_csp(server, browser):
    # even if markup did slip through, the policy would stop it: check the browser enforces it
    browser.get(server + "/")
    ran = browser.execute_script("""
        var s = document.createElement('script');
        s.textContent = 'window.__csp_probe = 1';
        document.body.appendChild(s);
        return typeof window.__csp_probe;""")
    assert ran == "undefined"
