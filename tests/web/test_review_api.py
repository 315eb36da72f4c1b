"""Review over HTTP: tokens, scopes, revocation, CSRF, login rate limit, review state on reads (issue 14)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from normwatch.store import Store, accounts
from normwatch.web.app import create_app

from . import sample


@pytest.fixture
def env(tmp_path):
    url = f"sqlite:///{tmp_path / 'rv.db'}"
    sample.build(url, with_hostile=False)
    store = Store(url)
    secret = accounts.server_secret(url)
    with store.engine.begin() as conn:
        accounts.add_user(conn, "ana", "reviewer", password="correct horse")
        accounts.add_user(conn, "root", "admin", password="battery staple")
        review_token, _ = accounts.create_token(conn, secret, "ana", ["read", "review"], days=1)
        read_token, _ = accounts.create_token(conn, secret, "ana", ["read"], days=1)
    client = TestClient(create_app(store, require_read_token=False), raise_server_exceptions=False)
    yield {"client": client, "store": store, "url": url, "review": review_token, "read": read_token,
           "secret": secret}
    store.close()


def _stance(c):
    return c.get("/api/v1/stances", params={"limit": 500}).json()["items"][0]


def _body(doc_id, f, **kw):
    return {"doc_id": doc_id, "kind": "stance", "fact_key": f["fact_key"], **kw}


def test_write_needs_a_token(env):
    c = env["client"]
    st = _stance(c)
    r = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="reject"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "NW804"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="reject"),
               headers={"Authorization": "Bearer nw_abc_wrong"})
    assert r.status_code == 401


def test_read_scope_cannot_review(env):
    c = env["client"]
    st = _stance(c)
    r = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="reject"),
               headers={"Authorization": f"Bearer {env['read']}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "NW805"


def test_reject_hides_the_fact_and_shows_its_state_on_request(env):
    c = env["client"]
    before = c.get("/api/v1/stances", params={"limit": 500}).json()["items"]
    st = before[0]
    assert st["review"] == "machine" and st["kept"] is False
    r = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="reject", reason="not a stance"),
               headers={"Authorization": f"Bearer {env['review']}"})
    assert r.status_code == 200, r.text
    assert r.json()["review"]["review"] == "rejected"
    after = c.get("/api/v1/stances", params={"limit": 500}).json()["items"]
    assert len(after) == len(before) - 1 and st["fact_key"] not in {x["fact_key"] for x in after}
    rejected = c.get("/api/v1/stances", params={"review": "rejected"}).json()["items"]
    assert [x["fact_key"] for x in rejected] == [st["fact_key"]]
    assert len(c.get("/api/v1/stances", params={"review": "all", "limit": 500}).json()["items"]) == len(before)
    doc = c.get(f"/api/v1/documents/{st['doc_id']}").json()
    assert st["fact_key"] not in {x["fact_key"] for x in doc["stances"]}
    doc_all = c.get(f"/api/v1/documents/{st['doc_id']}", params={"review": "all"}).json()
    assert {x["fact_key"]: x["review"] for x in doc_all["stances"]}[st["fact_key"]] == "rejected"
    # the positions matrix no longer counts it
    cells = {(x["actor"], x["target"]): x["n"] for x in c.get("/api/v1/positions", params={"by": "actor"}).json()["items"]}
    assert cells.get((st["actor"], st["target"]), 0) == sum(
        1 for x in after if (x["actor"], x["target"]) == (st["actor"], st["target"]))
    assert c.get("/api/v1/stances", params={"review": "bogus"}).status_code == 400


def test_correct_changes_what_reads_say(env):
    c = env["client"]
    st = _stance(c)
    new = "oppose" if st["polarity"] != "oppose" else "support"
    r = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="correct", correction={"polarity": new}),
               headers={"Authorization": f"Bearer {env['review']}"})
    assert r.status_code == 200, r.text
    items = c.get("/api/v1/stances", params={"review": "corrected"}).json()["items"]
    assert [(x["fact_key"], x["polarity"]) for x in items] == [(st["fact_key"], new)]
    bad = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="correct", correction={"polarity": "x"}),
                 headers={"Authorization": f"Bearer {env['review']}"})
    assert bad.status_code == 400 and bad.json()["error"]["detail"][0]["param"] == "correction.polarity"
    missing = c.post("/api/v1/reviews", json={"doc_id": st["doc_id"], "kind": "stance", "fact_key": "nope",
                                              "decision": "confirm"},
                     headers={"Authorization": f"Bearer {env['review']}"})
    assert missing.status_code == 404
    audit = c.get("/api/v1/audit", params={"user": "ana"}).json()["items"]
    assert [a["action"] for a in audit] == ["review.corrected"]
    assert audit[0]["before"]["polarity"] == st["polarity"] and audit[0]["after"]["polarity"] == new


def test_revoked_and_expired_tokens_are_refused(env):
    c = env["client"]
    st = _stance(c)
    public_id = env["review"].split("_")[1]
    with env["store"].engine.begin() as conn:
        accounts.revoke_token(conn, public_id)
    r = c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="confirm"),
               headers={"Authorization": f"Bearer {env['review']}"})
    assert r.status_code == 401
    with env["store"].engine.begin() as conn:
        conn.exec_driver_sql("UPDATE tokens SET expires_at = '2000-01-01T00:00:00+00:00'")
    r = c.get("/api/v1/stats", headers={"Authorization": f"Bearer {env['read']}"})
    assert r.status_code == 200  # reads are open: a bad token on a read is simply not needed


def test_queue_lists_unreviewed_least_certain_first(env):
    c = env["client"]
    items = c.get("/api/v1/reviews/queue", params={"limit": 500}).json()["items"]
    assert items and [i["certainty"] for i in items] == sorted(i["certainty"] for i in items)
    stances = c.get("/api/v1/reviews/queue", params={"kind": "stance"}).json()["items"]
    assert stances and {i["kind"] for i in stances} == {"stance"}
    one = stances[0]
    c.post("/api/v1/reviews", json={"doc_id": one["doc_id"], "kind": "stance", "fact_key": one["fact_key"],
                                    "decision": "confirm"}, headers={"Authorization": f"Bearer {env['review']}"})
    again = c.get("/api/v1/reviews/queue", params={"kind": "stance"}).json()["items"]
    assert one["fact_key"] not in {i["fact_key"] for i in again if i["doc_id"] == one["doc_id"]}
    est = c.get("/api/v1/reviews/queue", params={"actor": "state:EST", "limit": 500}).json()["items"]
    assert est and {i["kind"] for i in est} <= {"actor", "statement", "stance", "subscription", "attribution"}
    page = c.get("/review", params={"kind": "stance"})
    assert page.status_code == 200 and 'id="queue"' in page.text


def _login(c, name="ana", password="correct horse"):
    page = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return c.post("/login", data={"csrf": csrf, "name": name, "password": password, "next": "/review"},
                  follow_redirects=False)


def test_login_sets_a_strict_httponly_cookie_and_forms_need_csrf(env):
    c = env["client"]
    r = _login(c)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    cookie = r.headers["set-cookie"]
    assert "nw_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # plain http in the test; behind TLS it is set
    st = _stance(c)
    form = {"doc_id": st["doc_id"], "kind": "stance", "fact_key": st["fact_key"], "decision": "reject"}
    forged = c.post("/review", data=form, follow_redirects=False)
    assert forged.status_code == 403
    page = c.get(f"/documents/{st['doc_id']}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    ok = c.post("/review", data={**form, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303
    assert st["fact_key"] not in {x["fact_key"] for x in c.get("/api/v1/stances", params={"limit": 500}).json()["items"]}
    # a session on the API needs the CSRF header too
    assert c.post("/api/v1/reviews", json=_body(st["doc_id"], st, decision="confirm")).status_code == 403


def test_failed_logins_are_rate_limited(env):
    c = env["client"]
    for _ in range(5):
        assert _login(c, password="wrong").headers["location"].startswith("/login?")
    r = _login(c)  # the right password, but too late
    assert r.status_code == 429


def test_login_form_needs_its_csrf_token(env):
    c = env["client"]
    r = c.post("/login", data={"name": "ana", "password": "correct horse"}, follow_redirects=False)
    assert r.status_code == 403


def test_reads_can_require_a_token(env):
    c = TestClient(create_app(env["store"], require_read_token=True), raise_server_exceptions=False)
    r = c.get("/api/v1/stats")
    assert r.status_code == 401 and r.json()["error"]["code"] == "NW804"
    assert c.get("/api/v1/stats", headers={"Authorization": f"Bearer {env['read']}"}).status_code == 200
    assert c.get("/", follow_redirects=False).status_code == 303
    assert c.get("/login").status_code == 200
