"""Reviews keyed by natural key survive re-extraction with a newer stage version (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from normwatch import pipeline
from normwatch.reextract import reextract
from normwatch.settings import Settings
from normwatch.store import Store, review_filter, reviews
from normwatch.store import schema as s
from normwatch.store.audit import audit_rows

pytestmark = pytest.mark.corpus

STAGES_V2 = [n if n != "stances.v1" else "stances.v2-test" for n in pipeline.DEFAULT_STAGES]


@pytest.fixture
def store(tmp_path, origin_dir):
    from normwatch.ingest import ingest

    st = Store(f"sqlite:///{tmp_path / 'r.db'}")
    ingest([str(origin_dir)], st, Settings.load(db=st.url))
    yield st
    st.close()


def _rows(st, table, doc_id):
    with st.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table).where(table.c.doc_id == doc_id)
                                              .order_by(table.c.id)).mappings()]


def _review(st, **kw):
    with st.engine.begin() as conn:
        return reviews.review(conn, user="ana", **kw)


@pytest.fixture
def stances_v2():
    """A newer stance stage: v1's stances, minus one (the extractor "no longer finds" it), confidences changed."""
    pipeline.build()
    v1 = pipeline.REGISTRY["stances.v1"]
    dropped = {"key": None}

    def v2(doc, settings):
        doc = v1(doc, settings)
        keep = []
        for st in doc.stances:
            key = reviews.KINDS["stance"].key_of({"actor": st.actor, "target": st.target,
                                                  "start": st.evidence.start, "end": st.evidence.end})
            if key == dropped["key"]:
                continue
            st.confidence = round(st.confidence * 0.9, 3)
            keep.append(st)
        doc.stances[:] = keep
        return doc

    pipeline.REGISTRY["stances.v2-test"] = pipeline.Stage("stances.v2-test", v2, v1.requires, v1.assigns)
    yield dropped
    pipeline.REGISTRY.pop("stances.v2-test", None)


def test_every_stored_fact_has_its_natural_key(store):
    for k in reviews.KINDS.values():
        with store.engine.connect() as conn:
            rows = conn.execute(select(k.table)).mappings().all()
        for r in rows:
            assert r["fact_key"] == k.key_of(r), k.name


def test_reviews_survive_reextraction_with_a_new_stage_version(store, stances_v2):
    doc = next(i for i in store.document_ids() if _rows(store, s.stances, i))
    stances = _rows(store, s.stances, doc)
    assert len(stances) >= 3
    rejected, confirmed, corrected = stances[0], stances[1], stances[2]
    _review(store, doc_id=doc, kind="stance", key=rejected["fact_key"], decision="reject", reason="not a stance")
    _review(store, doc_id=doc, kind="stance", key=confirmed["fact_key"], decision="confirm")
    _review(store, doc_id=doc, kind="stance", key=corrected["fact_key"], decision="correct",
            correction={"polarity": "mixed"}, reason="hedged")
    stmt = _rows(store, s.statements, doc)[0]
    _review(store, doc_id=doc, kind="statement", key=stmt["fact_key"], decision="correct",
            correction={"direct": False})
    # the new extractor no longer finds the confirmed stance
    stances_v2["key"] = confirmed["fact_key"]
    counts = reextract(store, Settings.load(db=store.url), stages=STAGES_V2)
    assert counts["re-extracted"] == counts["documents"] == 2 and counts["rejected"] == 0

    after = {r["fact_key"]: r for r in _rows(store, s.stances, doc)}
    assert after[rejected["fact_key"]]["review"] == "rejected"
    assert after[rejected["fact_key"]]["confidence"] != rejected["confidence"]  # really the new stage's row
    assert after[corrected["fact_key"]]["review"] == "corrected"
    assert after[corrected["fact_key"]]["polarity"] == "mixed"
    kept = after[confirmed["fact_key"]]
    assert kept["review"] == "confirmed" and kept["kept"] is True
    assert kept["confidence"] == confirmed["confidence"]  # put back as reviewed
    machine = [r for r in after.values() if r["review"] is None]
    assert machine and all(not r["kept"] for r in machine)
    st_after = {r["fact_key"]: r for r in _rows(store, s.statements, doc)}
    assert st_after[stmt["fact_key"]]["review"] == "corrected" and st_after[stmt["fact_key"]]["direct"] is False

    # and again: reviews do not pile up copies of kept facts
    reextract(store, Settings.load(db=store.url), stages=STAGES_V2)
    again = _rows(store, s.stances, doc)
    assert sum(r["fact_key"] == confirmed["fact_key"] for r in again) == 1
    assert len(again) == len(after)


def test_corrected_attribution_keeps_its_accused_after_reextraction(store):
    doc = next(i for i in store.document_ids() if _rows(store, s.attributions, i))
    att = _rows(store, s.attributions, doc)[0]
    out = _review(store, doc_id=doc, kind="attribution", key=att["fact_key"], decision="correct",
                  correction={"accused": "state:CHN", "certainty": "alleged"}, reason="misread")
    assert out["review"] == "corrected" and out["accused"] == "state:CHN"
    reextract(store, Settings.load(db=store.url))
    rows = [r for r in _rows(store, s.attributions, doc) if r["fact_key"] == att["fact_key"]]
    assert [(r["accused"], r["certainty"], r["review"], bool(r["kept"])) for r in rows] == [
        ("state:CHN", "alleged", "corrected", False)]
    # the contract read (Store.get_document) shows the corrected fact
    d = store.get_document(doc)
    accused = [a["accused"] for inc in d["incidents"] for a in inc["attributions"]]
    assert "state:CHN" in accused


def test_every_review_is_one_audit_row_with_before_and_after(store):
    doc = next(i for i in store.document_ids() if _rows(store, s.stances, i))
    st = _rows(store, s.stances, doc)[0]
    _review(store, doc_id=doc, kind="stance", key=st["fact_key"], decision="correct",
            correction={"polarity": "oppose"}, reason="negation")
    _review(store, doc_id=doc, kind="stance", key=st["fact_key"], decision="reject", reason="second look")
    with store.engine.connect() as conn:
        rows = audit_rows(conn, doc_id=doc, kind="stance", key=st["fact_key"])
    assert [r["action"] for r in rows] == ["review.rejected", "review.corrected"]
    first = rows[1]
    assert first["user"] == "ana" and first["reason"] == "negation"
    assert first["before"]["polarity"] == st["polarity"] and first["before"]["review"] == "machine"
    assert first["after"]["polarity"] == "oppose" and first["after"]["review"] == "corrected"
    assert rows[0]["before"]["review"] == "corrected"


def test_audit_rows_cannot_be_updated_or_deleted(store):
    with store.engine.begin() as conn:
        reviews.record(conn, user="ana", action="user.add")
    for sql in ("UPDATE audit SET user = 'mallory'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT user FROM audit")).scalars().all() == ["ana"]


@pytest.mark.parametrize("kind,correction,problem", [
    ("stance", {"polarity": "love"}, "polarity"),
    ("stance", {"confidence": 1.0}, "cannot be corrected"),
    ("stance", {"start": 5, "end": 2}, "span"),
    ("stance", {"end": 10 ** 9}, "span"),
    ("stance", {"target": "not an id"}, "identifier"),
])
def test_bad_corrections_are_refused_and_leave_no_trace(store, kind, correction, problem):
    doc = next(i for i in store.document_ids() if _rows(store, s.stances, i))
    st = _rows(store, s.stances, doc)[0]
    with pytest.raises(reviews.ReviewError, match=problem):
        _review(store, doc_id=doc, kind=kind, key=st["fact_key"], decision="correct", correction=correction)
    with store.engine.connect() as conn:
        assert audit_rows(conn, doc_id=doc) == []
        assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 0
    assert _rows(store, s.stances, doc)[0]["review"] is None


def test_unknown_fact_is_a_missing_review_error(store):
    with pytest.raises(reviews.ReviewError) as e:
        _review(store, doc_id=store.document_ids()[0], kind="stance", key="x|y|0|1", decision="confirm")
    assert e.value.missing


def test_review_filter_states():
    assert review_filter.wanted_states(None) == {"machine", "confirmed", "corrected"}
    assert review_filter.wanted_states("all") == set(reviews.STATES)
    assert review_filter.wanted_states("reviewed,rejected") == {"confirmed", "corrected", "rejected"}
    with pytest.raises(reviews.ReviewError):
        review_filter.wanted_states("maybe")


def test_migration_fills_keys_of_rows_stored_before_it(tmp_path, origin_dir):
    """A store at 0009 (the revision before 0008: no review columns) upgraded to head gets every fact's key."""
    from alembic import command
    from alembic.config import Config

    from normwatch.ingest import ingest
    from normwatch.store.db import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    st = Store(url)
    ingest([str(origin_dir)], st, Settings.load(db=url))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with st.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    with st.engine.connect() as conn:
        cols = {r[1] for r in conn.execute(text("PRAGMA table_info(stances)"))}
    assert "fact_key" not in cols
    st.migrate()
    with st.engine.connect() as conn:
        keys = conn.execute(text("SELECT actor, target, start, \"end\", fact_key FROM stances")).all()
    assert keys and all(k == f"{a}|{t}|{b}|{e}" for a, t, b, e, k in keys)
    st.close()
