"""The store: documents and their facts in any SQLAlchemy database (SQLite by default).

    store = Store("sqlite:///normwatch.db")   # migrates to the latest schema on open
    outcome = store.add_document(doc, run_id)  # "added" | "exists" | "near-duplicate"

Writes of one document (row, spans, facts, search index) happen in one transaction,
so a failure never leaves half a document behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from alembic import command
from alembic.config import Config
from sqlalchemy import bindparam, create_engine, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

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


# A busy database (another ingest writing) is waited for by SQLite's busy_timeout (10 s); if it is
# still locked then, a write is tried again this many times, with growing pauses (issue 13).
WRITE_ATTEMPTS = 6


def _locked(e: Exception) -> bool:
    text = str(e).lower()
    return isinstance(e, OperationalError) and ("locked" in text or "busy" in text)


def retrying(write):
    """Call `write()` again while the database stays locked by another process (a few attempts)."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return write()
        except OperationalError as e:
            if not _locked(e) or attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2 ** attempt)


def short_sql_error(e: SQLAlchemyError) -> str:
    """The database's own one-line reason, without SQLAlchemy's statement and parameter dump."""
    orig = getattr(e, "orig", None)
    text = str(orig if orig is not None else e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:300]


@contextlib.contextmanager
def file_lock(path: str | None):
    """An exclusive advisory lock on `path` (POSIX flock), held for the block; a no-op without a path."""
    if not path:
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: SQLite's own locking is all there is
        yield
        return
    with open(path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def process_owner(pid: int | None = None) -> str:
    """"host:pid:start ticks" of a process: what a run records so a later run can tell if it still lives."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid)}"


def _start_ticks(pid: int) -> str:
    """The process start time in clock ticks from /proc (tells a reused pid apart); "" when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def owner_alive(owner: str | None) -> bool:
    """False when the process that recorded `owner` is gone (same host only; another host's run is left alone)."""
    if not owner:
        return False
    try:
        host, pid_text, ticks = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not ticks or _start_ticks(pid) in ("", ticks)


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
    def _lock_path(self) -> str | None:
        """A lock file beside an SQLite database file (None for other databases or in memory)."""
        if self.engine.dialect.name != "sqlite":
            return None
        path = self.engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        return str(Path(path).expanduser()) + ".migrate.lock"

    def migrate(self) -> None:
        """Bring the database to the latest schema revision (idempotent).

        Two processes opening a fresh file at once both see an empty database; the file lock makes
        the second wait and then find the schema made (issue 13: it died in migration).
        """
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))

        def upgrade() -> None:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

        try:
            with file_lock(self._lock_path()):
                retrying(upgrade)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot migrate {self.url}: {short_sql_error(e)}") from e

    def close(self) -> None:
        self.engine.dispose()

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, command_name: str, inputs: list[str]) -> int:
        """Record a new run (owned by this process); first mark runs whose process died as interrupted."""
        self.mark_interrupted()

        def write() -> int:
            with self.engine.begin() as conn:
                res = conn.execute(insert(s.runs).values(
                    command=command_name, inputs=json.dumps(inputs), started_at=now(), status="running",
                    owner=process_owner()))
                return int(res.inserted_primary_key[0])

        return retrying(write)

    def mark_interrupted(self) -> list[int]:
        """Runs still "running" whose process is gone (kill -9, power loss) become "interrupted"; their ids."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.runs.c.id, s.runs.c.owner).where(s.runs.c.status == "running")).all()
        dead = [r.id for r in rows if not owner_alive(r.owner)]
        if dead:
            def write() -> None:
                with self.engine.begin() as conn:
                    conn.execute(update(s.runs).where(s.runs.c.id.in_(dead), s.runs.c.status == "running")
                                 .values(status="interrupted", finished_at=now()))
            retrying(write)
        return dead

    def finish_run(self, run_id: int, counts: dict[str, int], status: str = "done") -> None:
        def write() -> None:
            with self.engine.begin() as conn:
                conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(
                    finished_at=now(), counts=json.dumps(counts), status=status))

        retrying(write)

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first, with their state, counts and the documents each stored."""
        self.mark_interrupted()
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.runs).order_by(s.runs.c.id.desc()).limit(limit)).mappings().all()
            stored = dict(conn.execute(
                select(s.documents.c.run_id, func.count()).where(s.documents.c.run_id.in_([r["id"] for r in rows]))
                .group_by(s.documents.c.run_id)).all())
        out = []
        for r in rows:
            d = dict(r)
            d["inputs"] = json.loads(d["inputs"] or "[]")
            d["counts"] = json.loads(d["counts"]) if d["counts"] else None
            d["documents"] = int(stored.get(r["id"], 0))
            out.append(d)
        return out

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
            return retrying(lambda: self._add_document(doc, run_id, replace_facts, near_dup_threshold))
        except IntegrityError:
            # stored by another process between our check and our insert: the same document
            if self.has_document(doc.id):
                return "exists"
            raise StoreError(f"cannot store document {doc.id}: integrity error", source=doc.source) from None
        except SQLAlchemyError as e:
            raise StoreError(f"cannot store document {doc.id}: {short_sql_error(e)}", source=doc.source) from e

    def _add_document(self, doc: Document, run_id: int | None, replace_facts: bool, near_dup_threshold: float) -> str:
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
                spans=_spans_json(inc.spans), title=inc.name,
                fact_key=reviews.KINDS["incident"].key_of({"incident": inc.incident})))
            row_id = res.inserted_primary_key[0]
            self._insert(conn, s.attributions, [
                {"doc_id": d, "incident_row": row_id, "incident": inc.incident, "accused": a.accused,
                 "claimant": a.claimant, "certainty": a.certainty, "via": a.via,
                 "start": a.evidence.start, "end": a.evidence.end} for a in inc.attributions])
        self._insert(conn, s.claims, [
            {"doc_id": d, "incident": c.incident, "accused": c.accused, "actor": c.actor, "claimant": c.claimant,
             "certainty": c.certainty, "via": c.via, "basis": c.basis, "start": c.evidence.start,
             "end": c.evidence.end} for c in doc.all_claims()])
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
        try:
            retrying(lambda: self._add_rejection(rej, run_id))
        except SQLAlchemyError as e:
            raise StoreError(f"cannot record rejection of {rej.source}: {short_sql_error(e)}") from e

    def _add_rejection(self, rej: Rejection, run_id: int | None) -> None:
        ref = rej.raw_ref or rej.source
        t = now()
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
