"""The store: documents and their facts in any SQLAlchemy database (SQLite by default).

    store = Store("sqlite:///normwatch.db")   # migrates to the latest schema on open
    outcome = store.add_document(doc, run_id)  # "added" | "exists" | "near-duplicate"

Writes of one document (row, spans, facts, search index) happen in one transaction,
so a failure never leaves half a document behind.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import bindparam, create_engine, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from .. import neardup
from ..errors import StoreError
from ..model import Document, Rejection
from . import adapters, reviews
from .rows import band_rows, document_row, fact_rows, layout_rows, write_fact_rows
from . import schema as s

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE_ATTEMPTS = 5  # a transaction that hit a deadlock or a concurrent duplicate is retried this often


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL with PostgreSQL's driver made explicit: psycopg 3, the `pg` extra.

    `postgresql://` would otherwise mean psycopg2, which normwatch does not install.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _retryable(e: SQLAlchemyError) -> bool:
    """A deadlock, a serialization failure, or a duplicate key from a concurrent writer."""
    from .postgres import is_retryable

    if is_retryable(e):
        return True
    if isinstance(e, IntegrityError):  # unique keys only: a foreign-key or NOT NULL failure stays one
        return getattr(e.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(e)
    return isinstance(e, OperationalError) and "database is locked" in str(e)


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
                       "title": i.get("title"), "spans": json.loads(i["spans"]),
                       "attributions": [{"accused": a["accused"], "claimant": a["claimant"],
                                         "certainty": a["certainty"], "via": a["via"],
                                         "evidence": [a["start"], a["end"]], **_rv(a)}
                                        for a in attrs if a["incident_row"] == i["id"]], **_rv(i)}
                      for i in incidents],
        "claims": [{"accused": c["accused"], "actor": c["actor"], "claimant": c["claimant"],
                    "certainty": c["certainty"], "via": c["via"], "incident": c["incident"], "basis": c["basis"],
                    "evidence": [c["start"], c["end"]]} for c in rows(s.claims)],
        "events": [{"event": e["event"], "name": e["name"], "place": e["place"], "start": e["start_date"],
                    "end": e["end_date"], "participants": json.loads(e["participants"]),
                    "outcome": e["outcome"], "span": [e["start"], e["end"]], **_rv(e)}
                   for e in rows(s.events)],
    }


def _safe(url: str) -> str:
    """The URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given
        return url


class Store:
    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(normalise_url(url), future=True)
        except ImportError as e:
            if "postgres" in url.split(":", 1)[0]:
                raise StoreError(f"cannot open {_safe(url)}: the PostgreSQL driver psycopg is not installed",
                                 hint="pip install 'normwatch[pg]'") from None
            raise StoreError(f"cannot open {_safe(url)}: {e}", hint="check the --db URL and its driver") from None
        except SQLAlchemyError as e:
            raise StoreError(f"cannot open {_safe(url)}: {e}", hint="check the --db URL and its driver") from e
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
                # two processes starting on a fresh database must not both create the schema
                self.adapter.lock_migrations(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as e:
            raise StoreError(f"cannot migrate {_safe(self.url)}: {e}") from e

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
        """Store a document with its facts. Returns "added", "near-duplicate", "exists" or "re-extracted".

        Safe with several processes writing at once: a deadlock, or a concurrent writer that stored
        the same document first, makes the whole transaction run again (and then find it stored).
        """
        doc.check_spans()
        sig = neardup.signature(doc.text)
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return self._add_document(doc, sig, run_id, replace_facts, near_dup_threshold)
            except SQLAlchemyError as e:
                if attempt + 1 < WRITE_ATTEMPTS and _retryable(e):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise StoreError(f"cannot store document {doc.id}: {e}", source=doc.source) from e
        raise AssertionError("unreachable")

    def _add_document(self, doc: Document, sig, run_id: int | None, replace_facts: bool,
                      near_dup_threshold: float) -> str:
        with self.engine.begin() as conn:
            self.adapter.lock_document(conn, doc.id, neardup.band_keys(sig))
            exists = conn.execute(select(s.documents.c.id).where(s.documents.c.id == doc.id)).first()
            if exists:
                if not replace_facts:
                    return "exists"
                self._delete_facts(conn, doc.id)
                self._insert_facts(conn, doc)
                reviews.apply_reviews(conn, doc.id)  # human decisions outlive machine rows
                return "re-extracted"
            dup_of = self.find_near_duplicate(conn, sig, near_dup_threshold)
            doc.near_duplicate_of = dup_of
            conn.execute(insert(s.documents), document_row(doc, sig, near_duplicate_of=dup_of, run_id=run_id,
                                                           ingested_at=now()))
            conn.execute(insert(s.minhash_bands), band_rows(doc.id, sig))
            self.adapter.index_document(conn, doc.id, doc.meta.title, doc.text)
            write_fact_rows(conn, {"document_layout": layout_rows(doc)})  # PDF input (issue 15)
            self._insert_facts(conn, doc)
            reviews.apply_reviews(conn, doc.id)
            return "near-duplicate" if dup_of else "added"

    def _delete_facts(self, conn: Connection, doc_id: str) -> None:
        for t in s.FACT_TABLES:
            conn.execute(delete(t).where(t.c.doc_id == doc_id))

    def _insert_facts(self, conn: Connection, doc: Document) -> None:
        write_fact_rows(conn, fact_rows(doc))

    @staticmethod
    def _insert(conn: Connection, table, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(table), reviews.add_keys(table, rows))

    # -- rejections -------------------------------------------------------------------------
    def add_rejection(self, rej: Rejection, run_id: int | None = None) -> None:
        """Record a rejection once per (raw_ref, stage, code); seeing it again bumps its count."""
        ref = rej.raw_ref or rej.source
        t = now()
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return self._add_rejection(rej, ref, t, run_id)
            except SQLAlchemyError as e:
                # two writers recording the same new rejection: the loser runs again and bumps it
                if attempt + 1 < WRITE_ATTEMPTS and _retryable(e):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise StoreError(f"cannot record rejection of {rej.source}: {e}") from e

    def _add_rejection(self, rej: Rejection, ref: str, t: str, run_id: int | None) -> None:
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
                            ("attributions", s.attributions), ("claims", s.claims), ("events", s.events),
                            ("runs", s.runs)):
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
