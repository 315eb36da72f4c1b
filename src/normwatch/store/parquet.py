"""`normwatch load OUT`: the Spark job's Parquet datasets into a store (SQLite or PostgreSQL), idempotently.

    counts = load_parquet("out/", Store("postgresql://host/nw"))

One month partition at a time (documents of the month and their fact rows; the job writes a
fact row under its document's month), so memory is bounded by the largest month, not the
output. Near-duplicate links are made afterwards over the whole load in input order (`seq`),
exactly as `normwatch ingest` over the same inputs would make them (`link_near_duplicates`). A document
already in the store is left as it is; a rejection already recorded is not added again.
Rows the prefilter dropped (stage "prefilter") stay in the Parquet unless `with_skips`:
on a news crawl they are most records, and ingest does not store them either.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .db import Store
from .rows import PER_DOC_TABLES as FACT_TABLE_ORDER
from .transfer import BATCH, write_documents, write_keyed


def _read(dataset: Path, month_dir: str | None = None) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    where = dataset / month_dir if month_dir else dataset
    if not where.exists():
        return []
    rows = pq.read_table(where).to_pylist() if month_dir else pq.read_table(where, partitioning="hive").to_pylist()
    return rows


def _months(dataset: Path) -> list[str]:
    return sorted(p.name for p in dataset.glob("month=*") if p.is_dir()) if dataset.exists() else []


def link_near_duplicates(target: Store, new_docs: list[tuple[int, str, bytes]], threshold: float) -> int:
    """Link the loaded documents to their near-duplicates as one ingest in input order would.

    Documents are stored month by month; their links are made afterwards, in `seq` order over the
    whole load: a document's candidates are what the store held before the load (oldest first),
    then the loaded documents before it in input order, and it links to the first one close
    enough (to that one's own original, so copies form a star), as `Store.find_near_duplicate`.
    """
    from sqlalchemy import update

    from .. import neardup
    from . import schema as s
    from .db import _near_candidates

    order = {doc_id: seq for seq, doc_id, _ in new_docs}
    new_docs = sorted(new_docs)
    links: dict[str, str | None] = {}
    linked = 0
    for i in range(0, len(new_docs), BATCH):
        with target.engine.begin() as conn:
            for seq, doc_id, minhash in new_docs[i:i + BATCH]:
                sig = neardup.from_bytes(minhash)
                params = {f"k{b}": k for b, k in enumerate(neardup.band_keys(sig))}
                cands = [r for r in conn.execute(_near_candidates(), params).all()
                         if r.id != doc_id and (r.id not in order or order[r.id] < seq)]
                # held before the load first (by ingest time, as the query orders them), then input order
                cands.sort(key=lambda r: (r.id in order, order.get(r.id, 0)))
                for r in cands:
                    if neardup.jaccard(neardup.from_bytes(r.minhash), sig) >= threshold:
                        root = links.get(r.id, r.near_duplicate_of) if r.id in order else r.near_duplicate_of
                        links[doc_id] = root or r.id
                        conn.execute(update(s.documents).where(s.documents.c.id == doc_id)
                                     .values(near_duplicate_of=links[doc_id]))
                        linked += 1
                        break
    return linked


def load_parquet(path: str | Path, target: Store, *, with_skips: bool = False, near_dup_threshold: float = 0.7) -> dict:
    """Load every dataset under `path` (as jobs/spark_extract.py writes them) into `target`."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise StoreError("reading Parquet needs pyarrow", hint="pip install 'normwatch[spark]'") from None
    root = Path(str(path).removeprefix("file://"))
    if not (root / "documents").is_dir() and not (root / "rejections").is_dir():
        raise StoreError(f"{root}: no documents/ or rejections/ dataset here", hint="give the Spark job's output directory")
    run_id = target.start_run("load", [str(root)])
    new_docs: list[tuple[int, str, bytes]] = []  # (seq, id, minhash) of the documents this load adds
    counts = {"documents": 0, "already": 0, "rejections": 0, "skips_left_out": 0}
    for month in _months(root / "documents"):
        docs = sorted(_read(root / "documents", month), key=lambda r: r["seq"])
        facts: dict[str, dict[str, list]] = {}
        for t in FACT_TABLE_ORDER:
            by_doc: dict[str, list] = {}
            for r in _read(root / t, month):
                by_doc.setdefault((r["doc_id"], r["seq"]), []).append(r)
            facts[t] = by_doc
        for i in range(0, len(docs), BATCH):
            batch = [{**d, "run_id": run_id} for d in docs[i:i + BATCH]]
            # a page the crawl holds twice was extracted twice: the facts of the copy stored, once
            keep = {}
            for d in batch:
                keep.setdefault(d["id"], d["seq"])
            rows = {t: [r for key in keep.items() for r in facts[t].get(key, [])] for t in FACT_TABLE_ORDER}
            added, have = write_documents(target, batch, rows, None)
            by_id = {d["id"]: d for d in batch}
            new_docs += [(by_id[i]["seq"], i, by_id[i]["minhash"]) for i in added]
            counts["documents"] += len(added)
            counts["already"] += len(have)
            for t in FACT_TABLE_ORDER:
                counts[t] = counts.get(t, 0) + sum(len(facts[t].get((d, keep[d]), [])) for d in added)
    counts["near_duplicates"] = link_near_duplicates(target, new_docs, near_dup_threshold)
    rejections = []
    for r in _read(root / "rejections"):
        if r["stage"] == "prefilter" and not with_skips:
            counts["skips_left_out"] += 1
            continue
        r.pop("month", None)
        r.pop("seq", None)
        rejections.append({**r, "run_id": run_id})
    counts["rejections"] = write_keyed(target, "rejections", rejections, ("raw_ref", "stage", "code"))
    counters = root / "_counters.json"
    if counters.exists():
        counts["job"] = json.loads(counters.read_text(encoding="utf-8"))
    target.finish_run(run_id, counts)
    return counts
