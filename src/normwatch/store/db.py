"""The store: documents and their facts in any SQLAlchemy database (SQLite by default).

    store = Store("sqlite:///normwatch.db")   # migrates to the latest schema on open
    outcome = store.add_document(doc, run_id)  # "added" | "exists" | "near-duplicate"

Writes of one document (row, spans, facts, search index) happen in one transaction,
so a failure never leaves half a document behind.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from alembic import command
from alembic.config import Config
from sqlalchemy import bindparam, create_engine, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .. import neardup
from ..errors import StoreError
from ..model import Document, Rejection, content_hash
from . import adapters, reviews
from . import schema as s

MIGRATIONS = Path(__file__).parent / "migrations"


@lru_cache(maxsize=1)
def _near_candidates():
    """Stored documents sharing any LSH band with a signature (bands bound as :k0..:k15).

    Built once: constructing the 16-way OR per document cost more than running it."""
    mb = s.minhash_bands
    cond = or_(*((mb.c.band == b) & (mb.c.key == bindparam(f"k{b}")) for b in range(neardup.BANDS)))
    cands = select(mb.c.doc_id).where(cond).distinct().limit(200).subquery()
    return (select(s.documents.c.id, s.documents.c.minhash, s.documents.c.near_duplicate_of)
            .where(s.documents.c.id.in_(select(cands.c.doc_id))).order_by(s.documents.c.ingested_at))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _rv(r) -> dict[str, Any]:
    """A fact's review fields (key, state, kept) when the row has them: the store's reads show review state."""
    if "fact_key" not in r:
        return {}
    return {"fact_key": r["fact_key"], "review": r["review"] or "machine", "kept": bool(r["kept"])}


def _actor_row(a) -> dict[str, Any]:
    return {"id": a["actor"], "kind": a["kind"], "name": a["name"], "role": a["role"],
            "affiliation": a["affiliation"], "spans": json.loads(a["spans"]), **_rv(a)}


def facts_from_rows(text: str, rows, *, review: bool = False) -> dict[str, Any]:
    """The fact lists of the extraction contract from stored rows; `rows(table)` gives one document's rows.

    `review=True` adds each fact's `fact_key`, `review` state and `kept` flag (the web layer's view)."""
    out = _facts(text, rows)
    if not review:
        for facts in out.values():
            for f in facts:
                _drop_review(f)
                for a in f.get("attributions", ()):
                    _drop_review(a)
    return out


def _drop_review(f: dict[str, Any]) -> None:
    for k in ("fact_key", "review", "kept"):
        f.pop(k, None)


def _facts(text: str, rows) -> dict[str, Any]:
    incidents = rows(s.incidents)
    attrs = rows(s.attributions)
    actor_rows = rows(s.actors)
    return {
        "actors": [_actor_row(a) for a in actor_rows if a["kind"] == "person"],
        "speaking_entities": [_actor_row(a) for a in actor_rows if a["kind"] != "person"],
        "statements": [{"speaker": r["speaker"], "affiliation": r["affiliation"], "direct": bool(r["direct"]),
                        "span": [r["start"], r["end"]], "text": text[r["start"]:r["end"]], **_rv(r)}
                       for r in rows(s.statements)],
        "stances": [{"actor": r["actor"], "affiliation": r["affiliation"], "target": r["target"],
                     "polarity": r["polarity"], "confidence": r["confidence"],
                     "evidence": [r["start"], r["end"]], **_rv(r)} for r in rows(s.stances)],
        "instrument_mentions": [{"instrument": r["instrument"], "span": [r["start"], r["end"]], **_rv(r)}
                                for r in rows(s.instrument_mentions)],
        "subscriptions": [{"actor": r["actor"], "instrument": r["instrument"], "action": r["action"],
                           "date": r["date"], "evidence": [r["start"], r["end"]], **_rv(r)}
                          for r in rows(s.subscriptions)],
        "incidents": [{"incident": i["incident"], "victim": i["victim"], "type": i["type"], "date": i["date"],
                       "spans": json.loads(i["spans"]),
                       "attributions": [{"accused": a["accused"], "claimant": a["claimant"],
                                         "certainty": a["certainty"], "via": a["via"],
                                         "evidence": [a["start"], a["end"]], **_rv(a)}
                                        for a in attrs if a["incident_row"] == i["id"]], **_rv(i)}
                      for i in incidents],
        "events": [{"event": e["event"], "name": e["name"], "place": e["place"], "start": e["start_date"],
                    "end": e["end_date"], "participants": json.loads(e["participants"]),
                    "outcome": e["outcome"], "span": [e["start"], e["end"]], **_rv(e)}
                   for e in rows(s.events)],
    }


def _spans_json(spans: Iterable) -> str:
    return json.dumps([sp.as_list() for sp in spans])


class Store:
    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (SQLAlchemyError, ImportError) as e:
            raise StoreError(f"cannot open {url}: {e}", hint="check the --db URL and its driver") from e
        self.adapter = adapters.for_dialect(self.engine.dialect.name)
        self.adapter.configure(self.engine)
        if migrate:
            self.migrate()

    # -- schema -----------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the database to the latest schema revision (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as e:
            raise StoreError(f"cannot migrate {self.url}: {e}") from e

    def close(self) -> None:
        self.engine.dispose()

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, command_name: str, inputs: list[str]) -> int:
        with self.engine.begin() as conn:
            res = conn.execute(insert(s.runs).values(
                command=command_name, inputs=json.dumps(inputs), started_at=now(), status="running"))
            return int(res.inserted_primary_key[0])

    def finish_run(self, run_id: int, counts: dict[str, int], status: str = "done") -> None:
        with self.engine.begin() as conn:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(
                finished_at=now(), counts=json.dumps(counts), status=status))

    # -- documents --------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(s.documents.c.id).where(s.documents.c.id == doc_id)).first() is not None

    def find_near_duplicate(self, conn: Connection, sig, threshold: float) -> str | None:
        """The first stored document whose estimated Jaccard with `sig` reaches `threshold`."""
        params = {f"k{b}": k for b, k in enumerate(neardup.band_keys(sig))}
        rows = conn.execute(_near_candidates(), params).all()
        for r in rows:
            if neardup.jaccard(neardup.from_bytes(r.minhash), sig) >= threshold:
                # link to the first copy seen, so a story's copies form a star, not a chain
                return r.near_duplicate_of or r.id
        return None

    def add_document(self, doc: Document, run_id: int | None = None, *, replace_facts: bool = False,
                     near_dup_threshold: float = 0.7) -> str:
        """Store a document with its facts. Returns "added", "near-duplicate", "exists" or "re-extracted"."""
        doc.check_spans()
        try:
            with self.engine.begin() as conn:
                exists = conn.execute(select(s.documents.c.id).where(s.documents.c.id == doc.id)).first()
                if exists:
                    if not replace_facts:
                        return "exists"
                    self._delete_facts(conn, doc.id)
                    self._insert_facts(conn, doc)
                    reviews.apply_reviews(conn, doc.id)  # human decisions outlive machine rows
                    return "re-extracted"
                sig = neardup.signature(doc.text)
                dup_of = self.find_near_duplicate(conn, sig, near_dup_threshold)
                doc.near_duplicate_of = dup_of
                m = doc.meta
                conn.execute(insert(s.documents), {
                    "id": doc.id, "source": doc.source, "raw_ref": doc.raw_ref, "url": m.url,
                    "title": m.title, "publisher": m.publisher, "author": m.author,
                    "published": m.published, "language": m.language, "speaker": m.speaker,
                    "text": doc.text, "chars": len(doc.text), "content_hash": content_hash(doc.text),
                    "minhash": neardup.to_bytes(sig), "near_duplicate_of": dup_of, "run_id": run_id,
                    "ingested_at": now()})
                conn.execute(insert(s.minhash_bands), [
                    {"doc_id": doc.id, "band": b, "key": k} for b, k in enumerate(neardup.band_keys(sig))])
                self.adapter.index_document(conn, doc.id, m.title, doc.text)
                if doc.pages:  # PDF input (issue 15)
                    conn.execute(insert(s.document_layout), {
                        "doc_id": doc.id, "symbol": m.symbol, "page_count": len(doc.pages),
                        "pages": json.dumps([list(p) for p in doc.pages])})
                self._insert_facts(conn, doc)
                reviews.apply_reviews(conn, doc.id)
                return "near-duplicate" if dup_of else "added"
        except SQLAlchemyError as e:
            raise StoreError(f"cannot store document {doc.id}: {e}", source=doc.source) from e

    def _delete_facts(self, conn: Connection, doc_id: str) -> None:
        for t in s.FACT_TABLES:
            conn.execute(delete(t).where(t.c.doc_id == doc_id))

    def _insert_facts(self, conn: Connection, doc: Document) -> None:
        d = doc.id
        rows = [{"doc_id": d, "layer": "paragraph", "start": p.start, "end": p.end, "label": None, "how": None}
                for p in doc.paragraphs]
        rows += [{"doc_id": d, "layer": "sentence", "start": p.start, "end": p.end, "label": None, "how": None}
                 for p in doc.sentences]
        rows += [{"doc_id": d, "layer": "mention", "start": m.span.start, "end": m.span.end,
                  "label": m.kb_id, "how": m.how} for m in doc.mentions]
        self._insert(conn, s.spans, rows)
        self._insert(conn, s.actors, [
            {"doc_id": d, "actor": a.id, "kind": a.kind, "name": a.name, "role": a.role,
             "affiliation": a.affiliation, "spans": _spans_json(a.spans)} for a in doc.actors])
        self._insert(conn, s.statements, [
            {"doc_id": d, "speaker": st.speaker, "affiliation": st.affiliation, "direct": st.direct,
             "start": st.span.start, "end": st.span.end} for st in doc.statements])
        self._insert(conn, s.stances, [
            {"doc_id": d, "actor": st.actor, "affiliation": st.affiliation, "target": st.target,
             "polarity": st.polarity, "confidence": st.confidence,
             "start": st.evidence.start, "end": st.evidence.end} for st in doc.stances])
        self._insert(conn, s.instrument_mentions, [
            {"doc_id": d, "instrument": im.instrument, "start": im.span.start, "end": im.span.end}
            for im in doc.instrument_mentions])
        self._insert(conn, s.subscriptions, [
            {"doc_id": d, "actor": sb.actor, "instrument": sb.instrument, "action": sb.action, "date": sb.date,
             "start": sb.evidence.start, "end": sb.evidence.end} for sb in doc.subscriptions])
        for inc in doc.incidents:
            res = conn.execute(insert(s.incidents).values(
                doc_id=d, incident=inc.incident, victim=inc.victim, type=inc.type, date=inc.date,
                spans=_spans_json(inc.spans), fact_key=reviews.KINDS["incident"].key_of({"incident": inc.incident})))
            row_id = res.inserted_primary_key[0]
            self._insert(conn, s.attributions, [
                {"doc_id": d, "incident_row": row_id, "incident": inc.incident, "accused": a.accused,
                 "claimant": a.claimant, "certainty": a.certainty, "via": a.via,
                 "start": a.evidence.start, "end": a.evidence.end} for a in inc.attributions])
        self._insert(conn, s.events, [
            {"doc_id": d, "event": e.event, "name": e.name, "place": e.place, "start_date": e.start,
             "end_date": e.end, "participants": json.dumps(e.participants), "outcome": e.outcome,
             "start": e.span.start, "end": e.span.end} for e in doc.events])

    @staticmethod
    def _insert(conn: Connection, table, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(table), reviews.add_keys(table, rows))

    # -- rejections -------------------------------------------------------------------------
    def add_rejection(self, rej: Rejection, run_id: int | None = None) -> None:
        """Record a rejection once per (raw_ref, stage, code); seeing it again bumps its count."""
        ref = rej.raw_ref or rej.source
        t = now()
        try:
            with self.engine.begin() as conn:
                row = conn.execute(select(s.rejections.c.id).where(
                    s.rejections.c.raw_ref == ref, s.rejections.c.stage == rej.stage,
                    s.rejections.c.code == rej.code)).first()
                if row:
                    conn.execute(update(s.rejections).where(s.rejections.c.id == row.id).values(
                        count=s.rejections.c.count + 1, last_seen=t, detail=rej.detail, run_id=run_id))
                else:
                    conn.execute(insert(s.rejections).values(
                        run_id=run_id, doc_id=rej.doc_id, source=rej.source, raw_ref=ref, stage=rej.stage,
                        code=rej.code, detail=rej.detail, count=1, first_seen=t, last_seen=t))
        except SQLAlchemyError as e:
            raise StoreError(f"cannot record rejection of {rej.source}: {e}") from e

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.rejections).order_by(s.rejections.c.last_seen.desc(),
                                                              s.rejections.c.id.desc()).limit(limit)).mappings().all()
            return [dict(r) for r in rows]

    # -- reading ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10) -> list[adapters.SearchHit]:
        with self.engine.connect() as conn:
            return self.adapter.search(conn, query, limit)

    def stats(self) -> dict[str, int]:
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for name, t in (("documents", s.documents), ("near_duplicates", s.documents),
                            ("rejections", s.rejections), ("actors", s.actors), ("statements", s.statements),
                            ("stances", s.stances), ("instrument_mentions", s.instrument_mentions),
                            ("subscriptions", s.subscriptions), ("incidents", s.incidents),
                            ("attributions", s.attributions), ("events", s.events), ("runs", s.runs)):
                q = select(func.count()).select_from(t)
                if name == "near_duplicates":
                    q = q.where(s.documents.c.near_duplicate_of.is_not(None))
                out[name] = int(conn.execute(q).scalar_one())
        return out

    def document_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(s.documents.c.id).order_by(s.documents.c.id))]

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        """A stored document with its facts, in the shape of the extraction contract."""
        with self.engine.connect() as conn:
            d = conn.execute(select(s.documents).where(s.documents.c.id == doc_id)).mappings().first()
            if d is None:
                return None

            def rows(t):
                return [dict(r) for r in conn.execute(select(t).where(t.c.doc_id == doc_id).order_by(t.c.id)).mappings()]

            out = {"doc": {k: d[k] for k in ("id", "source", "title", "publisher", "author", "published",
                                             "language", "url", "speaker", "near_duplicate_of", "text")}}
            out.update(facts_from_rows(d["text"], rows))
            layout = conn.execute(select(s.document_layout).where(s.document_layout.c.doc_id == doc_id)).first()
            if layout is not None:  # PDF input (issue 15): as Document.to_contract gives it
                from ..model import page_ranges

                out["doc"]["symbol"] = layout.symbol
                out["doc"]["pages"] = page_ranges([tuple(p) for p in json.loads(layout.pages)], len(d["text"]))
            return out
