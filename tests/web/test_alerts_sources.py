"""Alerts (Atom feeds, signed webhooks, the admin-token API) and the watched-sources page (issue 15)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

feedparser = pytest.importorskip("feedparser", reason="needs the watch extra")

from fastapi.testclient import TestClient  # noqa: E402

from normwatch import alerts as al  # noqa: E402
from normwatch.alerts.webhook import deliver, sign  # noqa: E402
from normwatch.model import Attribution, Document, Incident, Meta, Stance, Subscription  # noqa: E402
from normwatch.settings import Settings  # noqa: E402
from normwatch.store import Store  # noqa: E402
from normwatch.store import schema as s  # noqa: E402
from normwatch.watch.state import WatchState  # noqa: E402
from normwatch.web.app import create_app  # noqa: E402

from . import sample  # noqa: E402

NEWS = ("Officials in Kyiv said on Monday that hackers working for Russian military intelligence broke into "
        "the grid operator, and the United Kingdom said it ratified the Budapest Convention long ago.")


def _news(n: int) -> Document:
    t = NEWS + f" Report number {n}."
    d = Document(t, source=f"tests:news-{n}", meta=Meta(title=f"Grid intrusion {n}", published="2024-02-0%d" % n))
    d.incidents.append(Incident("incident:ukraine-2024-intrusion", "state:UKR", "intrusion",
                                [sample.at(t, "broke into the grid operator")],
                                [Attribution("state:RUS", "state:UKR", "official", "state-organ",
                                             sample.at(t, "hackers working for Russian military intelligence"))]))
    d.subscriptions.append(Subscription("state:GBR", "instrument:budapest-convention", "ratified", None,
                                        sample.at(t, "it ratified the Budapest Convention")))
    d.stances.append(Stance("state:GBR", "state:GBR", "instrument:budapest-convention", "support", 0.7,
                            sample.at(t, "ratified the Budapest Convention")))
    return d


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    sample.build(url, with_hostile=False)
    s = Store(url)
    yield s
    s.close()


class Hook:
    def __init__(self) -> None:
        self.posts: list[tuple[bytes, dict]] = []
        self.fail = 0


@pytest.fixture
def hook():
    h = Hook()

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if h.fail:
                h.fail -= 1
                self.send_response(500)
                self.end_headers()
                return
            h.posts.append((body, dict(self.headers)))
            self.send_response(204)
            self.end_headers()

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield h, f"http://127.0.0.1:{srv.server_address[1]}/hook"
    srv.shutdown()
    srv.server_close()


def test_alert_matching_and_webhook(store, hook):
    h, url = hook
    a = al.add_alert(store, "rus", "attribution", "state:RUS", webhook_url=url)
    assert len(a["secret"]) == 64 and a["feed"] == "/feeds/rus.atom"
    # the sample's existing claims show in the feed, but a new webhook starts from now
    assert {f["doc_id"] for f in al.matching_facts(store, a)} == {sample.meeting().id}
    settings = Settings(allow_private=True)
    assert deliver(store, "rus", settings) == (0, None) and not h.posts
    store.add_document(_news(1))
    store.add_document(_news(2))
    h.fail = 1
    n, err = deliver(store, "rus", settings)
    assert n == 0 and "HTTP 500" in err
    assert al.get_alert(store, "rus")["last_delivery_error"]
    n, err = deliver(store, "rus", settings)  # the failed facts are sent again
    assert (n, err) == (2, None)
    body, headers = h.posts[0]
    assert headers["X-Normwatch-Signature"] == sign(a["secret"], body)
    assert hmac.compare_digest(headers["X-Normwatch-Signature"],
                               "sha256=" + hmac.new(a["secret"].encode(), body, hashlib.sha256).hexdigest())
    data = json.loads(body)
    assert [f["doc_id"] for f in data["facts"]] == [_news(1).id, _news(2).id]
    assert all(f["accused"] == "state:RUS" and "Russian military intelligence" in f["evidence"] for f in data["facts"])
    assert deliver(store, "rus", settings) == (0, None)  # nothing new: nothing posted
    # the webhook address is checked like any fetched URL
    al.add_alert(store, "rus2", "attribution", "state:RUS", webhook_url=url)
    store.add_document(_news(3))
    n, err = deliver(store, "rus2", Settings(allow_private=False))
    assert n == 0 and "non-public address" in err


def test_stance_and_subscription_alerts(store):
    st = al.add_alert(store, "bud-stances", "stance", "instrument:budapest-convention")
    sub = al.add_alert(store, "bud-subs", "subscription", "instrument:budapest-convention")
    store.add_document(_news(4))
    stances = al.matching_facts(store, st)
    subs = al.matching_facts(store, sub)
    assert {(f["doc_id"], f["polarity"]) for f in stances} >= {(_news(4).id, "support")}
    assert {(f["actor"], f["action"]) for f in subs} >= {("state:GBR", "ratified"), ("state:EST", "ratified")}
    from normwatch.errors import InputError

    with pytest.raises(InputError, match="names an instrument"):
        al.add_alert(store, "bad", "subscription", "state:RUS")
    with pytest.raises(InputError, match="exists already"):
        al.add_alert(store, "bud-subs", "subscription", "instrument:budapest-convention")


def test_feed_and_admin_api(store, monkeypatch):
    client = TestClient(create_app(store), raise_server_exceptions=False)
    monkeypatch.delenv("NORMWATCH_ADMIN_TOKEN", raising=False)
    r = client.post("/api/admin/alerts", json={"id": "rus", "kind": "attribution", "target": "state:RUS"})
    assert r.status_code == 401 and "admin-scoped account token" in r.json()["error"]["message"]
    monkeypatch.setenv("NORMWATCH_ADMIN_TOKEN", "s3cret")
    r = client.post("/api/admin/alerts", json={"id": "rus", "kind": "attribution", "target": "state:RUS"},
                    headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and set(r.json()["error"]) == {"code", "message", "detail"}
    auth = {"Authorization": "Bearer s3cret"}
    r = client.post("/api/admin/alerts", json={"id": "rus", "kind": "attribution", "target": "state:RUS"}, headers=auth)
    assert r.status_code == 201 and r.json()["feed"] == "/feeds/rus.atom"
    assert client.post("/api/admin/alerts", json={"id": "rus", "kind": "attribution", "target": "state:RUS"},
                       headers=auth).status_code == 409
    assert client.post("/api/admin/alerts", json={"id": "x", "kind": "gossip", "target": "state:RUS"},
                       headers=auth).status_code == 400
    assert [a["id"] for a in client.get("/api/admin/alerts", headers=auth).json()["items"]] == ["rus"]
    assert client.get("/api/admin/alerts").status_code == 401
    store.add_document(_news(5))
    r = client.get("/feeds/rus.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "normwatch: new attributions naming state:RUS"
    new = [e for e in parsed.entries if e.link.endswith(f"/documents/{_news(5).id}")]
    assert len(new) == 1 and "Russian military intelligence" in new[0].summary
    assert len(parsed.entries) == 3  # two sample claims and the new one
    assert client.get("/feeds/nope.atom").status_code == 404
    assert client.delete("/api/admin/alerts/rus", headers=auth).status_code == 204
    assert client.get("/feeds/rus.atom").status_code == 404


def test_admin_api_takes_account_tokens_by_scope_and_feeds_hide_rejected_claims(store, monkeypatch):
    """Issue 14's accounts stand in for the static admin token; a rejected claim is no alert."""
    from normwatch.store import accounts
    from normwatch.store import reviews as rv

    monkeypatch.delenv("NORMWATCH_ADMIN_TOKEN", raising=False)
    secret = accounts.server_secret(store.url)
    with store.engine.begin() as conn:
        accounts.add_user(conn, "root", "admin", password="battery staple")
        accounts.add_user(conn, "ana", "reviewer", password="correct horse")
        admin, _ = accounts.create_token(conn, secret, "root", ["read", "review", "admin"], days=1)
        reviewer, _ = accounts.create_token(conn, secret, "ana", ["read", "review"], days=1)
    client = TestClient(create_app(store), raise_server_exceptions=False)
    body = {"id": "rus", "kind": "attribution", "target": "state:RUS"}
    r = client.post("/api/admin/alerts", json=body, headers={"Authorization": f"Bearer {reviewer}"})
    assert r.status_code == 403 and "admin scope" in r.json()["error"]["message"]
    r = client.post("/api/admin/alerts", json=body, headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 201
    store.add_document(_news(6))
    facts = al.matching_facts(store, al.get_alert(store, "rus"))
    mine = [f for f in facts if f["doc_id"] == _news(6).id]
    assert mine and all(f["accused"] == "state:RUS" for f in mine)
    with store.engine.begin() as conn:
        row = conn.execute(select(s.claims.c.fact_key).where(s.claims.c.doc_id == _news(6).id)).first()
        rv.review(conn, doc_id=_news(6).id, kind="claim", key=row.fact_key, decision="reject", user="ana")
    left = [f for f in al.matching_facts(store, al.get_alert(store, "rus")) if f["doc_id"] == _news(6).id]
    assert len(left) == len(mine) - 1


def test_sources_page_and_api(store):
    state = WatchState(store)
    state.source("https://mfa.example/rss", "feed", "Example MFA")
    state.update_source("https://mfa.example/rss", last_success="2025-01-01T00:00:00+00:00", failures=0)
    state.add_items("https://mfa.example/rss", ["https://mfa.example/a", "https://mfa.example/b"], "2025-01-01T00:00:00+00:00")
    state.source("https://un.example/sitemap.xml", "sitemap", None)
    state.update_source("https://un.example/sitemap.xml", failures=2, last_error="https://un.example/sitemap.xml: HTTP 503",
                        last_error_at="2025-01-02T00:00:00+00:00", next_poll="2025-01-02T00:04:00+00:00")
    client = TestClient(create_app(store), raise_server_exceptions=False)
    items = {r["url"]: r for r in client.get("/api/v1/sources").json()["items"]}
    assert items["https://mfa.example/rss"]["status"] == "ok" and items["https://mfa.example/rss"]["items_found"] == 2
    assert items["https://mfa.example/rss"]["items"] == {"pending": 2}
    assert items["https://un.example/sitemap.xml"]["status"] == "failing"
    page = client.get("/sources")
    assert page.status_code == 200
    assert "1 failing" in page.text and "HTTP 503" in page.text and "Example MFA" in page.text
    assert "never" in page.text
