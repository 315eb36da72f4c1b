"""The Spark job's work, importable on every executor: WARC/WET paths in, Parquet tables out (issue 12).

jobs/spark_extract.py is the thin shell that parses arguments and starts Spark; this module holds
what runs inside the tasks, so executors import it from the installed package (with the KB,
which ships as package data). Each record goes through `ingest.process`, the code path of
`normwatch ingest` (prefilter -> clean -> stages), one record at a time so every outcome can be
traced to its raw reference. Every skip and every rejection bumps a named accumulator and
becomes a row of the `rejections` table (skips by the prefilter with stage "prefilter", code
NW205), so nothing is dropped without a trace.

Output, one Parquet dataset per table under OUT/, each partitioned by `month` (the document's
publication month `YYYY-MM`, or `undated`): documents, every fact table, rejections; rows in the
shape of store/rows.py, ready for `normwatch load OUT`. Documents carry `seq` (input file
number, record number) so `load` stores them in the order one `normwatch ingest` would.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable, Iterator

from sqlalchemy import BigInteger, Boolean, Float, Integer, LargeBinary

from . import neardup
from .ingest import CACHE_RELEASE_EVERY, process, release_text_caches
from .model import Document, Rejection
from .settings import Settings
from .sources import iter_inputs
from .store import schema as s
from .store.rows import PER_DOC_TABLES, document_row, fact_rows, layout_rows

TABLES = ("documents", *PER_DOC_TABLES, "rejections")
# named counters: every record ends in exactly one of the outcome counters
COUNTERS = ("paths", "records", "documents", "filtered", "rejected_source", "rejected_clean",
            "rejected_extract", "rejected_other", "failed_paths")
UNDATED = "undated"
SEQ_FILE = 10**9  # seq = file number * SEQ_FILE + record number


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def columns(table: str) -> list[str]:
    """The Parquet columns of a table: the store's columns (fact row ids left out), `month`, and `seq`."""
    t = s.metadata.tables[table]
    cols = [c.name for c in t.columns if not (c.name == "id" and table not in ("documents", "incidents"))]
    if table in ("rejections", "documents"):
        cols = [c for c in cols if c != "run_id"]
    # seq on every row: which copy of a document (a crawl repeats pages) a fact row came from
    return cols + ["seq", "month"]


def spark_schema(table: str):
    """The Spark StructType of a table, from the SQLAlchemy column types."""
    from pyspark.sql import types as T

    t = s.metadata.tables[table]
    fields = []
    for name in columns(table):
        if name in ("month",):
            fields.append(T.StructField(name, T.StringType(), False))
            continue
        if name == "seq":
            fields.append(T.StructField(name, T.LongType(), False))
            continue
        col = t.c[name]
        typ = col.type
        if isinstance(typ, LargeBinary):
            st = T.BinaryType()
        elif isinstance(typ, Boolean):
            st = T.BooleanType()
        elif isinstance(typ, (Integer, BigInteger)):
            st = T.LongType()
        elif isinstance(typ, Float):
            st = T.DoubleType()
        else:
            st = T.StringType()
        fields.append(T.StructField(name, st, True))
    return T.StructType(fields)


def _month(published: str | None) -> str:
    return published[:7] if published and len(published) >= 7 else UNDATED


def _rejection_row(rej: Rejection, seq: int, month: str = UNDATED) -> dict[str, Any]:
    t = _now()
    return {"doc_id": rej.doc_id, "source": rej.source, "raw_ref": rej.raw_ref or rej.source, "stage": rej.stage,
            "code": rej.code, "detail": rej.detail, "count": 1, "first_seen": t, "last_seen": t, "seq": seq,
            "month": month}


def document_rows(doc: Document, seq: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) pairs of one extracted document."""
    month = _month(doc.meta.published)
    row = document_row(doc, neardup.signature(doc.text), near_duplicate_of=None, run_id=None, ingested_at=_now())
    row.pop("run_id")
    yield "documents", {**row, "seq": seq, "month": month}
    for table, rows in {"document_layout": layout_rows(doc), **fact_rows(doc)}.items():
        for r in rows:
            yield table, {**r, "seq": seq, "month": month}


def read_paths(indexed_paths: Iterable[tuple[int, str]], settings: Settings, acc: dict) -> Iterator[tuple]:
    """("raw", seq, RawDoc) or ("rejection", seq, Rejection) for every record of every path."""
    for index, path in indexed_paths:
        acc["paths"].add(1)
        n = 0
        try:
            for item in iter_inputs([path], settings):
                n += 1
                acc["records"].add(1)
                yield ("rejection" if isinstance(item, Rejection) else "raw", index * SEQ_FILE + n, item)
        except Exception as e:  # noqa: BLE001 - one unreadable path must not fail the job; it is recorded
            acc["failed_paths"].add(1)
            yield "rejection", index * SEQ_FILE + n + 1, Rejection(None, path, "source", "NW100",
                                                                   f"{path}: unexpected {type(e).__name__}: {e}", path)


def extract_records(records: Iterable[tuple], settings: Settings, acc: dict) -> Iterator[tuple[str, tuple]]:
    """Run each record through `ingest.process`; yields (table, row tuple) in the Parquet column order."""
    from .kb.loader import load_kb, pinned

    cols = {t: columns(t) for t in TABLES}

    def out(table: str, row: dict) -> tuple[str, tuple]:
        return table, tuple(row.get(c) for c in cols[table])

    with pinned():
        load_kb()  # once per partition (and per Python worker, which Spark reuses)
        done = 0
        for kind, seq, item in records:
            if kind == "rejection":
                acc["rejected_source"].add(1)
                yield out("rejections", _rejection_row(item, seq))
                continue
            for res in process([item], settings, use_prefilter=settings.prefilter):
                if isinstance(res, Rejection):
                    acc.get(f"rejected_{res.stage}", acc["rejected_other"]).add(1)
                    yield out("rejections", _rejection_row(res, seq))
                elif res == "filtered":
                    acc["filtered"].add(1)
                    yield out("rejections", _rejection_row(Rejection(
                        item.id, item.source, "prefilter", "NW205", "nothing about cyber policy found", item.raw_ref), seq))
                elif isinstance(res, Document):
                    acc["documents"].add(1)
                    for table, row in document_rows(res, seq):
                        yield out(table, row)
            done += 1
            if done % CACHE_RELEASE_EVERY == 0:
                release_text_caches()


def run_job(spark, paths: list[str], output: str, settings: Settings, *, repartition: int | None = None) -> dict:
    """Extract every record of `paths` into Parquet datasets under `output`; returns the counters.

    Each path is read in one task (a WARC cannot be split); `repartition` spreads the read
    records over that many tasks before the costly stages, for few large files on many cores.
    """
    from pyspark import StorageLevel

    sc = spark.sparkContext
    acc = {name: sc.accumulator(0) for name in COUNTERS}
    slices = max(1, min(len(paths), sc.defaultParallelism))
    records = sc.parallelize(list(enumerate(paths)), slices).mapPartitions(
        lambda it: read_paths(it, settings, acc))
    if repartition:
        records = records.repartition(repartition)
    rows = records.mapPartitions(lambda it: extract_records(it, settings, acc))
    # computed once (accumulators counted once), then split into one dataset per table
    rows.persist(StorageLevel.MEMORY_AND_DISK)
    rows.count()
    for table in TABLES:
        data = rows.filter(lambda r, t=table: r[0] == t).map(lambda r: r[1])
        (spark.createDataFrame(data, spark_schema(table)).write.mode("overwrite")
         .partitionBy("month").parquet(f"{output.rstrip('/')}/{table}"))
    rows.unpersist()
    counters = {name: a.value for name, a in acc.items()}
    return counters


def write_counters(output: str, counters: dict) -> None:
    """The job's counters beside its tables (local or mounted output paths)."""
    from pathlib import Path

    path = Path(output.removeprefix("file://")) / "_counters.json"
    if path.parent.exists():
        path.write_text(json.dumps(counters, indent=2, sort_keys=True) + "\n", encoding="utf-8")
