"""The analyst's loop in real headless Chromium (issue 14): log in, review facts on a document page,
see them leave the queue, find them in the audit trail and in the export; a forged form post
without the CSRF token and a revoked token are refused.

The server runs over its own store (built here from ../shared/corpus/origin), so the reviews
made here do not change what the other browser tests see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import socket
from pathlib import Path

import pytest

from tests.browser.conftest import free_port
from tests.conftest import shared_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def review_env(tmp_path_factory):
    from normwatch.ingest import ingest
    from normwatch.settings import Settings
    from normwatch.store import Store, accounts

    origin = shared_path("corpus", "origin")
    url = f"sqlite:///{tmp_path_factory.mktemp('review-browser') / 'store.db'}"
    store = Store(url)
    ingest([str(origin)], store, Settings.load(db=url))
    secret = accounts.server_secret(url)
    with store.engine.begin() as conn:
        accounts.add_user(conn, "ana", "reviewer", password="correct horse")
        token, row = accounts.create_token(conn, secret, "ana", ["read", "review"], days=1)
    store.close()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "normwatch.web.app:app_from_env", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "NORMWATCH_DB": url}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("server exited early: " + proc.stdout.read().decode("utf-8", "replace")[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield {"base": f"http://127.0.0.1:{port}", "token": token, "token_id": row["public_id"], "url": url}
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _submit(browser, button) -> None:
    """Click a form's button and wait for the page it leads to (the URL may be the same one)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 10).until(EC.staleness_of(old))
    # the old page is gone once the response starts; wait until the new one has loaded, or a
    # lookup can catch its elements half-built (a stale-element race seen under load)
    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete")


def _api(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.load(r)


def test_log_in_review_on_the_document_page_then_queue_audit_and_export(review_env, browser, shot):
    from selenium.webdriver.common.by import By

    base = review_env["base"]
    stances = _api(base, "/api/v1/stances?limit=500")["items"]
    assert len(stances) >= 2
    target = stances[0]
    doc_id = target["doc_id"]

    browser.delete_all_cookies()
    browser.get(base + "/login?next=/documents/" + doc_id)
    browser.find_element(By.ID, "login-name").send_keys("ana")
    browser.find_element(By.ID, "login-password").send_keys("correct horse")
    _submit(browser, browser.find_element(By.ID, "login-submit"))
    assert browser.current_url.endswith("/documents/" + doc_id)
    assert browser.find_element(By.ID, "whoami").text == "ana"

    # reject one stance with the quick form next to it in the facts list
    form = browser.find_element(By.CSS_SELECTOR, f'form.rv-quick input[name="fact_key"][value="{target["fact_key"]}"]'
                                ).find_element(By.XPATH, "..")
    _submit(browser, form.find_element(By.CSS_SELECTOR, 'button[value="reject"]'))
    assert browser.current_url.endswith("/documents/" + doc_id)
    keys = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, 'form.rv-quick input[name="fact_key"]')]
    assert target["fact_key"] not in keys, "a rejected fact is hidden by default"
    _submit(browser, browser.find_element(By.ID, "show-rejected"))
    assert browser.find_elements(By.CSS_SELECTOR, ".rv-rejected")
    shot("review-document")

    # the queue no longer lists it; correct another stance on its review page
    browser.get(base + "/review?kind=stance")
    rows = browser.find_elements(By.CSS_SELECTOR, "#queue tbody tr[data-key]")
    assert target["fact_key"] not in {r.get_attribute("data-key") for r in rows}
    assert rows, "other stances are still waiting"
    second_key = rows[0].get_attribute("data-key")
    _submit(browser, rows[0].find_element(By.LINK_TEXT, "review"))
    browser.find_element(By.ID, "c-polarity").send_keys("mixed")
    browser.find_element(By.ID, "rv-reason").send_keys("hedged wording")
    _submit(browser, browser.find_element(By.ID, "rv-confirm"))
    assert "corrected" in browser.find_element(By.CSS_SELECTOR, ".fact-line").text
    assert "review.corrected" in browser.find_element(By.ID, "history").text
    shot("review-fact")

    # the audit page shows both, by user and by day
    browser.get(base + "/audit?user=ana")
    actions = [r.get_attribute("data-action") for r in browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr")]
    assert actions[:2] == ["review.corrected", "review.rejected"]
    day = time.strftime("%Y-%m-%d", time.gmtime())
    browser.get(base + f"/audit?day={day}")
    assert "hedged wording" in browser.find_element(By.ID, "audit").text
    shot("review-audit")

    # the export leaves the rejected fact out and carries the correction
    with urllib.request.urlopen(base + "/api/v1/export?format=jsonl&table=stances", timeout=30) as r:
        rows = [json.loads(line) for line in r.read().decode().splitlines()]
    by_key = {(x["doc_id"], x["fact_key"]): x for x in rows}
    assert (doc_id, target["fact_key"]) not in by_key
    corrected = [x for x in rows if x["fact_key"] == second_key]
    assert corrected and corrected[0]["polarity"] == "mixed" and corrected[0]["review"] == "corrected"


def test_forged_post_without_csrf_and_revoked_token_are_refused(review_env, browser):
    base = review_env["base"]
    stance = _api(base, "/api/v1/stances?limit=1")["items"][0]
    browser.get(base + "/documents/" + stance["doc_id"])  # logged in by the test above, or not: both refuse
    status = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/review', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
        " body: new URLSearchParams({doc_id: arguments[0], kind: 'stance', fact_key: arguments[1],"
        " decision: 'reject'}), redirect: 'manual'}).then(r => done(r.status), e => done(String(e)));",
        stance["doc_id"], stance["fact_key"])
    assert status in (401, 403)
    still = {s["fact_key"] for s in _api(base, "/api/v1/stances?limit=500")["items"] if s["doc_id"] == stance["doc_id"]}
    assert stance["fact_key"] in still

    body = json.dumps({"doc_id": stance["doc_id"], "kind": "stance", "fact_key": stance["fact_key"],
                       "decision": "confirm"}).encode()

    def post() -> int:
        req = urllib.request.Request(base + "/api/v1/reviews", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {review_env['token']}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    assert post() == 200
    subprocess.run([str(Path(sys.executable).with_name("normwatch")), "token", "revoke", review_env["token_id"],
                    "--db", review_env["url"]], check=True, capture_output=True)
    assert post() == 401
