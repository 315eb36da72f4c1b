"""The read path added for API throughput (issue 5): response cache, version probe, read engine, queries.

The response cache must never answer with what the store held before a commit: each test
that adds a document checks that the very next request sees it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import OperationalError

from normwatch.model import Document, Meta, Stance
from normwatch.store import Store
from normwatch.store import schema as s
from normwatch.web.app import create_app
from normwatch.web.export import dumps

from . import sample


@pytest.fixture()
def fresh(tmp_path):
    """A store of its own (these tests write to it) and a client over it."""
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    sample.build(url, with_hostile=False)
    app = create_app(url)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield url, client
    app.state.store.close()


def new_document(n: int) -> Document:
    t = f"Note {n}: a delegate from Ruritania said that voluntary norms on ransomware are enough for now."
    d = Document(t, source=f"tests:cache-{n}", meta=Meta(title=f"Cache note {n}", published="2021-06-01",
                                                         language="en"))
    d.stances.append(Stance("state:EST", None, "proposition:voluntary-norms", "support", 0.6,
                            sample.at(t, "voluntary norms on ransomware are enough")))
    return d


def add(url: str, doc: Document) -> None:
    """Add a document through a Store of its own, as `normwatch ingest` in another process would."""
    store = Store(url)
    try:
        assert store.add_document(doc) == "added"
    finally:
        store.close()


def test_repeated_request_is_served_from_the_cache(fresh):
    _, client = fresh
    first = client.get("/api/v1/stances", params={"limit": 2})
    again = client.get("/api/v1/stances", params={"limit": 2})
    assert "x-cache" not in first.headers
    assert again.headers["x-cache"] == "hit"
    assert again.content == first.content
    # the security headers are added to cached answers as to any other
    assert again.headers["x-content-type-options"] == "nosniff"
    assert again.headers["content-type"] == first.headers["content-type"]


def test_cache_is_invalidated_when_a_document_is_added(fresh):
    url, client = fresh
    before = client.get("/api/v1/stats").json()["store"]
    assert client.get("/api/v1/stats").headers["x-cache"] == "hit"
    add(url, new_document(1))
    r = client.get("/api/v1/stats")
    assert "x-cache" not in r.headers
    assert r.json()["store"]["documents"] == before["documents"] + 1
    # every cached list is dropped too, not only the one asked for first
    hits = client.get("/api/v1/search", params={"q": "Ruritania"}).json()["items"]
    assert [h["title"] for h in hits] == ["Cache note 1"]
    stances = client.get("/api/v1/stances", params={"target": "proposition:voluntary-norms"}).json()["items"]
    assert stances[0]["doc_title"] == "Cache note 1"


def test_search_miss_then_hit_after_ingest(fresh):
    url, client = fresh
    assert client.get("/api/v1/search", params={"q": "Ruritania"}).json()["items"] == []
    assert client.get("/api/v1/search", params={"q": "Ruritania"}).headers["x-cache"] == "hit"
    add(url, new_document(2))
    assert len(client.get("/api/v1/search", params={"q": "Ruritania"}).json()["items"]) == 1


def test_errors_and_pages_are_not_cached(fresh):
    _, client = fresh
    for _ in range(2):
        r = client.get("/api/v1/documents/nope")
        assert r.status_code == 404 and "x-cache" not in r.headers
        r = client.get("/api/v1/documents", params={"limit": 0})
        assert r.status_code == 400 and "x-cache" not in r.headers
        assert "x-cache" not in client.get("/").headers


def test_cache_key_includes_query_string_and_host(fresh):
    _, client = fresh
    a = client.get("/api/v1/documents", params={"limit": 1}).json()
    b = client.get("/api/v1/documents", params={"limit": 2}).json()
    assert len(a["items"]) == 1 and len(b["items"]) == 2
    other = client.get("/api/v1/documents", params={"limit": 1}, headers={"host": "other.example"})
    assert "x-cache" not in other.headers
    # links never reflect the Host header (issue 13): the same relative link whoever asks
    assert other.json()["next"] == a["next"] and "other.example" not in other.text


def test_cache_can_be_turned_off(tmp_path):
    url = f"sqlite:///{tmp_path / 'off.db'}"
    sample.build(url, with_hostile=False)
    app = create_app(url, response_cache=False)
    client = TestClient(app)
    for _ in range(2):
        assert "x-cache" not in client.get("/api/v1/stats").headers
    app.state.store.close()


def test_version_probe_sees_commits_of_other_connections(tmp_path):
    url = f"sqlite:///{tmp_path / 'probe.db'}"
    sample.build(url, with_hostile=False)
    store = Store(url)
    probe = store.adapter.version_probe(store.engine)
    v1 = probe()
    assert probe() == v1
    add(url, new_document(3))
    assert probe() != v1
    store.close()


def test_read_engine_refuses_writes(fresh):
    _, client = fresh
    engine = client.app.state.ctx.queries.engine
    assert engine is not client.app.state.store.engine
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA query_only")).scalar() == 1
        with pytest.raises(OperationalError):
            conn.execute(text("DELETE FROM documents"))


def test_actor_names_match_a_plain_group_by(client):
    q = client.app.state.ctx.queries
    ids = ["state:EST", "person:jane-roe", "person:ivan-doe", "org:nobody"]
    with q.engine.connect() as conn:
        want = {r[0]: r[1] for r in conn.execute(
            select(s.actors.c.actor, func.max(s.actors.c.name)).where(s.actors.c.actor.in_(ids))
            .group_by(s.actors.c.actor))}
        roles = {r[0]: r[1] for r in conn.execute(
            select(s.actors.c.actor, func.max(s.actors.c.role)).where(s.actors.c.actor.in_(ids),
                                                                     s.actors.c.role.is_not(None))
            .group_by(s.actors.c.actor))}
    assert q.actor_names(ids) == want and want
    assert q.actor_roles(ids) == roles


@pytest.mark.parametrize("sort", ["-id", "id", "-published", "published"])
def test_actor_stances_are_the_speaker_or_anyone_speaking_for_it(client, sort):
    """Two branches (speaker, affiliation) merged: the same rows, order and no duplicates as one OR."""
    q = client.app.state.ctx.queries
    t, d = s.stances.c, s.documents.c
    query = (select(t.id, d.published).select_from(s.stances.join(s.documents, d.id == t.doc_id))
             .where(or_(t.actor == "state:EST", t.affiliation == "state:EST")))
    with q.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    if sort in ("-id", "id"):
        want = sorted(r[0] for r in rows)
    else:
        want = [r[0] for r in sorted(rows, key=lambda r: (r[1] is not None, r[1] or "", r[0]))]
    if sort.startswith("-"):
        want.reverse()
    got = [r["row"] for r in q.stances(actor="state:EST", sort=sort, limit=500).items]
    assert got == want and len(want) >= 3


def test_dumps_keeps_non_ascii_and_converts_dates():
    import datetime as dt

    assert dumps({"name": "Tallinn – Ülemiste", "on": dt.date(2007, 4, 27)}) == (
        '{"name":"Tallinn – Ülemiste","on":"2007-04-27"}'.encode())
