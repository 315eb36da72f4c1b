"""Moving stored documents between stores: `normwatch copy` (store to store) and `normwatch load` (Parquet).

    counts = copy_store(Store("sqlite:///nw.db"), Store("postgresql://host/nw"))

Both are idempotent: a document the target already holds (same id) is left as it is, with its
facts; a rejection, review or run already there is not added again. Nothing is lost: every row
of every table comes over (fact row ids are the target's own; attributions follow their
incident). Documents are written in batches, one transaction each, retried on a deadlock or a
concurrent writer's duplicate, so a copy can run beside ingest processes.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from .. import neardup
from ..errors import StoreError
from . import schema as s
from .db import WRITE_ATTEMPTS, Store, _retryable
from .rows import PER_DOC_TABLES, write_fact_rows

BATCH = 200  # documents per transaction
TABLES = s.metadata.tables


def _retry(what: str, fn: Callable[[], Any]) -> Any:
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return fn()
        except SQLAlchemyError as e:
            if attempt + 1 < WRITE_ATTEMPTS and _retryable(e):
                time.sleep(0.05 * (attempt + 1))
                continue
            raise StoreError(f"cannot write {what}: {e}") from e
    raise AssertionError("unreachable")


def write_documents(target: Store, docs: list[dict], facts: dict[str, list[dict]], bands: list[dict] | None,
                    *, run_map: dict[int, int] | None = None, link_near_duplicates: bool = False,
                    near_dup_threshold: float = 0.7) -> tuple[list[str], list[str]]:
    """Write document rows and their fact rows; returns (ids added, ids already there).

    `facts[table]` rows belong to these documents; incidents carry a per-document key in `id`
    that their attributions' `incident_row` names. `bands` None: computed from each row's
    MinHash. `link_near_duplicates`: find each new document's near-duplicate in the target, as
    ingest does (for rows made elsewhere, such as the Spark job's); otherwise the rows' own
    `near_duplicate_of` is kept (a copy of a store).
    """
    def run(conn: Connection) -> tuple[list[str], list[str]]:
        ids = [d["id"] for d in docs]
        have = set(conn.execute(select(s.documents.c.id).where(s.documents.c.id.in_(ids))).scalars()) if ids else set()
        new, new_ids = [], set()
        for d in docs:
            if d["id"] in have or d["id"] in new_ids:  # the same document twice in one batch: keep the first
                have.add(d["id"])
                continue
            new.append(d)
            new_ids.add(d["id"])
        for d in new:
            row = {c: d.get(c) for c in s.documents.columns.keys()}
            if run_map is not None:
                row["run_id"] = run_map.get(d.get("run_id"))
            if link_near_duplicates:
                sig = neardup.from_bytes(d["minhash"])
                target.adapter.lock_document(conn, d["id"], neardup.band_keys(sig))
                row["near_duplicate_of"] = target.find_near_duplicate(conn, sig, near_dup_threshold)
            conn.execute(insert(s.documents), row)
            doc_bands = ([b for b in bands if b["doc_id"] == d["id"]] if bands is not None else
                         [{"doc_id": d["id"], "band": b, "key": k}
                          for b, k in enumerate(neardup.band_keys(neardup.from_bytes(d["minhash"])))])
            if doc_bands:
                conn.execute(insert(s.minhash_bands), doc_bands)
            target.adapter.index_document(conn, d["id"], d.get("title"), d["text"])
        write_fact_rows(conn, {t: [r for r in facts.get(t, []) if r["doc_id"] in new_ids] for t in PER_DOC_TABLES})
        return [d["id"] for d in new], sorted(have)

    def attempt():
        with target.engine.begin() as conn:
            return run(conn)

    return _retry(f"{len(docs)} documents", attempt)


def write_keyed(target: Store, table_name: str, rows: list[dict], key: tuple[str, ...],
                run_map: dict[int, int] | None = None) -> int:
    """Insert rows of `rejections` or `reviews` whose natural `key` the target lacks; returns how many."""
    table = TABLES[table_name]

    def attempt() -> int:
        added = 0
        with target.engine.begin() as conn:
            for r in rows:
                cond = [table.c[k] == r[k] for k in key]
                if conn.execute(select(table.c.id).where(*cond)).first():
                    continue
                row = {k: v for k, v in r.items() if k != "id" and k in table.c}
                if run_map is not None and "run_id" in row:
                    row["run_id"] = run_map.get(row["run_id"])
                conn.execute(insert(table), row)
                added += 1
        return added

    return _retry(table_name, attempt)


def write_verbatim(target: Store, table_name: str, rows: list[dict]) -> int:
    """Insert rows, keys included, whose primary key the target lacks (tables keyed by URL or slug)."""
    table = TABLES[table_name]
    pk = [c.name for c in table.primary_key.columns]

    def attempt() -> int:
        added = 0
        with target.engine.begin() as conn:
            for r in rows:
                if conn.execute(select(*table.primary_key.columns).where(*(table.c[k] == r[k] for k in pk))).first():
                    continue
                conn.execute(insert(table), r)
                added += 1
        return added

    return _retry(table_name, attempt)


def map_runs(target: Store, runs: Iterable[dict]) -> dict[int, int]:
    """Source run id -> target run id, adding the runs the target lacks (same command, inputs, start)."""
    out: dict[int, int] = {}

    def attempt() -> dict[int, int]:
        with target.engine.begin() as conn:
            for r in runs:
                found = conn.execute(select(s.runs.c.id).where(
                    s.runs.c.command == r["command"], s.runs.c.inputs == r["inputs"],
                    s.runs.c.started_at == r["started_at"])).scalar()
                if found is None:
                    found = conn.execute(insert(s.runs).values(
                        {k: v for k, v in r.items() if k != "id"})).inserted_primary_key[0]
                out[r["id"]] = int(found)
        return out

    return _retry("runs", attempt)


def _doc_batches(conn: Connection, roots: bool) -> Iterator[list[dict]]:
    """Source documents in id order; roots (no near-duplicate link) first, so links find their target."""
    d = s.documents.c
    last = ""
    while True:
        cond = d.near_duplicate_of.is_(None) if roots else d.near_duplicate_of.is_not(None)
        batch = [dict(r) for r in conn.execute(select(s.documents).where(cond, d.id > last)
                                                .order_by(d.id).limit(BATCH)).mappings()]
        if not batch:
            return
        yield batch
        last = batch[-1]["id"]


def copy_store(source: Store, target: Store, on_batch: Callable[[dict], None] | None = None) -> dict[str, int]:
    """Copy every document, fact, rejection, review and run of `source` into `target`; idempotent."""
    counts = {"documents": 0, "already": 0, "rejections": 0, "reviews": 0, "runs": 0}
    with source.engine.connect() as conn:
        runs = [dict(r) for r in conn.execute(select(s.runs).order_by(s.runs.c.id)).mappings()]
        run_map = map_runs(target, runs)
        counts["runs"] = len(run_map)
        for roots in (True, False):
            for docs in _doc_batches(conn, roots):
                ids = [x["id"] for x in docs]
                facts = {t: [dict(r) for r in conn.execute(select(TABLES[t]).where(TABLES[t].c.doc_id.in_(ids))
                                                           .order_by(*TABLES[t].primary_key.columns)).mappings()]
                         for t in PER_DOC_TABLES}
                bands = [dict(r) for r in conn.execute(select(s.minhash_bands)
                                                       .where(s.minhash_bands.c.doc_id.in_(ids))).mappings()]
                added, have = write_documents(target, docs, facts, bands, run_map=run_map)
                counts["documents"] += len(added)
                counts["already"] += len(have)
                added_ids = set(added)
                for t in PER_DOC_TABLES:
                    counts[t] = counts.get(t, 0) + sum(1 for r in facts[t] if r["doc_id"] in added_ids)
                if on_batch:
                    on_batch(counts)
        rej = [dict(r) for r in conn.execute(select(s.rejections).order_by(s.rejections.c.id)).mappings()]
        counts["rejections"] = write_keyed(target, "rejections", rej, ("raw_ref", "stage", "code"), run_map)
        rev = [dict(r) for r in conn.execute(select(s.reviews).order_by(s.reviews.c.id)).mappings()]
        counts["reviews"] = write_keyed(target, "reviews", rev, ("doc_id", "fact_kind", "fact_key"))
        # every other table (watched sources and items, alerts ...), as it is, by its primary key
        handled = {"documents", "minhash_bands", "runs", "rejections", "reviews", *PER_DOC_TABLES}
        for table in s.metadata.sorted_tables:
            if table.name in handled:
                continue
            rows = [dict(r) for r in conn.execute(select(table)).mappings()]
            counts[table.name] = write_verbatim(target, table.name, rows)
    return counts
