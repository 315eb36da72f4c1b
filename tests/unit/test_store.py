"""The store: idempotent writes, near-duplicate links, rejections, search, round trips."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from normwatch.model import (Actor, Attribution, Document, Event, Incident, InstrumentMention, Meta, Mention,
                             Rejection, Stance, Statement, Subscription)
from normwatch.store import Store

STORY = (
    "Ministers met in The Hague on Thursday to discuss norms of responsible state behaviour in cyberspace. "
    "Several delegations said the existing Budapest Convention already offers a framework for cooperation, "
    "while others called for a new treaty negotiated at the United Nations. The session ended without agreement "
    "on a concrete next step, though participants agreed to keep talking about capacity building."
)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def _doc(text: str = STORY, **meta) -> Document:
    return Document(text, source="mem://story", meta=Meta(**meta))


def _with_facts(doc: Document) -> Document:
    s = doc.span
    doc.paragraphs.append(s(0, len(doc.text)))
    doc.sentences.append(s(0, 100))
    doc.mentions.append(Mention("instrument:budapest-convention", "instrument", s(129, 147)))
    doc.actors.append(Actor("person:a-b", "person", "A B", "Minister", "state:EST", [s(0, 9)]))
    doc.statements.append(Statement("person:a-b", "state:EST", False, s(100, 200)))
    doc.stances.append(Stance("person:a-b", "state:EST", "proposition:new-un-cybercrime-treaty", "oppose", 0.8,
                              s(100, 200)))
    doc.instrument_mentions.append(InstrumentMention("instrument:budapest-convention", s(129, 147)))
    doc.subscriptions.append(Subscription("state:EST", "instrument:budapest-convention", "ratified", None,
                                          s(100, 200)))
    doc.incidents.append(Incident("incident:estonia-2007", "state:EST", "ddos", [s(0, 5)],
                                  [Attribution("state:RUS", None, "suspected", "patriotic-hackers", s(0, 50))]))
    doc.events.append(Event("event:gccs-2015", "GCCS", "The Hague", "2015-04-16", "2015-04-17", s(0, 50),
                            ["person:a-b"], "no agreement"))
    return doc


def test_same_document_twice_adds_nothing(store):
    assert store.add_document(_doc()) == "added"
    assert store.add_document(_doc()) == "exists"
    assert store.stats()["documents"] == 1


def test_whitespace_and_case_do_not_change_identity(store):
    store.add_document(_doc())
    assert store.add_document(_doc("  " + STORY.upper().replace(" ", "   "))) == "exists"


def test_same_text_at_another_url_is_a_linked_near_duplicate(store):
    assert store.add_document(_doc(url="https://a.example/story")) == "added"
    assert store.add_document(_doc(url="https://b.example/story")) == "near-duplicate"
    stats = store.stats()
    assert stats["documents"] == 2 and stats["near_duplicates"] == 1


def test_wire_story_with_small_edits_is_a_near_duplicate(store):
    first = _doc(url="https://a.example/x")
    store.add_document(first)
    edited = _doc(STORY.replace("Thursday", "Friday") + " Reporting by a wire service.", url="https://b.example/y")
    assert store.add_document(edited) == "near-duplicate"
    assert store.get_document(edited.id)["doc"]["near_duplicate_of"] == first.id


def test_unrelated_documents_are_not_linked(store):
    store.add_document(_doc())
    other = _doc("A recipe for bread: flour, water, salt and yeast, mixed and left to rise overnight. " * 3)
    assert store.add_document(other) == "added"


def test_facts_round_trip(store):
    doc = _with_facts(_doc())
    store.add_document(doc)
    got = store.get_document(doc.id)
    want = doc.to_contract()
    for key in ("actors", "statements", "stances", "instrument_mentions", "subscriptions", "incidents", "events"):
        assert got[key] == want[key], key
    assert got["doc"]["text"] == doc.text


def test_reextraction_replaces_facts_and_keeps_reviews(store):
    doc = _with_facts(_doc())
    store.add_document(doc)
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO reviews(doc_id, fact_kind, fact_key, decision, at) "
                          "VALUES (:d, 'stances', 'k', 'accepted', 'now')"), {"d": doc.id})
    doc.stances.clear()
    assert store.add_document(doc, replace_facts=True) == "re-extracted"
    assert store.get_document(doc.id)["stances"] == []
    assert store.stats()["actors"] == 1
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 1


def test_rejection_recorded_once_and_counted(store):
    rej = Rejection(None, "bad.bin", "source", "NW101", "binary content", "bad.bin")
    store.add_rejection(rej)
    store.add_rejection(rej)
    rows = store.rejections()
    assert len(rows) == 1 and rows[0]["count"] == 2 and rows[0]["code"] == "NW101"


def test_search_with_snippet_and_operators_are_literal(store):
    store.add_document(_doc(title="Hague meeting"))
    hits = store.search("Budapest framework")
    assert len(hits) == 1 and "[Budapest]" in hits[0].snippet
    assert store.search('NEAR("x" OR') == []  # FTS syntax in a query is taken literally, no error
    assert store.search("") == []


def test_migrate_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).add_document(_doc())
    again = Store(url)
    again.migrate()
    assert again.stats()["documents"] == 1


def test_wal_mode_on(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'nw.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def test_a_failed_write_leaves_nothing_behind(store, monkeypatch):
    doc = _with_facts(_doc())

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_insert_facts", boom)
    with pytest.raises(RuntimeError):
        store.add_document(doc)
    assert store.stats()["documents"] == 0
    assert store.search("Budapest") == []


_words = st.text(alphabet=string.ascii_letters + " .,", min_size=1, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(min_size=1, max_size=400), title=st.none() | _words,
       published=st.none() | st.dates().map(lambda d: d.isoformat()))
def test_store_then_load_returns_the_same_document(tmp_path_factory, body, title, published):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'nw.db'}")
    doc = Document(body, source="prop://x", meta=Meta(title=title, published=published, language="en"))
    if doc.text:
        doc.sentences.append(doc.span(0, len(doc.text)))
    store.add_document(doc)
    got = store.get_document(doc.id)
    store.close()
    assert got["doc"]["text"] == body
    assert got["doc"]["title"] == title and got["doc"]["published"] == published
