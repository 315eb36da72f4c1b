"""Tabular exports: CSV, JSONL, Parquet (pyarrow) and a Frictionless data package.

    write(store.engine, "datapackage", Path("out/"), Selection())   # out/datapackage.json + out/<table>.csv

Each format writes one file per table into a directory. CSV text cells starting with `=`, `+`,
`-`, `@`, a tab or a carriage return get a `'` before them, as on the API's CSV pages: a CSV is
opened in spreadsheets, which would run such a cell as a formula (CSV injection); numbers stay
exact, and JSONL and Parquet carry every value unchanged for data tools. Nested values (spans, participants) are JSON text in CSV and
Parquet, real lists in JSONL. The data package's `datapackage.json` describes every CSV with a
Table Schema (types, primary key, the foreign key to documents) and is what
`frictionless validate` checks.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Boolean, Float, Integer

from ..store import schema as s
from .tables import FACT_TABLES, JSON_COLUMNS, Selection, columns, rows

FORMATS = ("csv", "jsonl", "parquet", "datapackage")
DESCRIPTIONS = {
    "documents": "Ingested documents: metadata and cleaned text (every span is an offset into `text`).",
    "actors": "People, states and organisations named in a document, with their spans.",
    "statements": "Quotes and reported speech, with speaker and span.",
    "stances": "Positions taken on a proposition or instrument, with evidence span and confidence.",
    "instrument_mentions": "Mentions of instruments (treaties, reports, codes of conduct).",
    "subscriptions": "Reported signatures, ratifications, sponsorships and endorsements.",
    "incidents": "Incidents reported in a document.",
    "attributions": "Attribution claims: who blamed whom for an incident, how certain, through which channel.",
    "claims": ("Every attribution claim and denial, with or without a resolved incident: accused state and threat "
               "actor, claimant, certainty, channel, and whether the text or a community assessment names the state."),
    "events": "Meetings and conferences reported in a document.",
}


def _type(name: str, col: str) -> str:
    """The Table Schema type of a column."""
    if col in ("quote", "fact_key", "review"):
        return "string"
    if col == "kept":
        return "boolean"
    table = s.documents if name == "documents" else FACT_TABLES[name][0]
    t = table.c[col].type
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, Integer):
        return "integer"
    if isinstance(t, Float):
        return "number"
    return "string"


def _flat(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


# a spreadsheet opening the CSV runs a cell starting with one of these as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """`text` made inert for spreadsheets: a leading formula character gets a `'` before it."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _csv_cell(value: Any) -> str:
    """A CSV cell: None empty, booleans true/false, nested values JSON, text defused (numbers stay exact)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return defuse(str(_flat(value)))


def write_csv(path: Path, name: str, items: Iterable[dict[str, Any]]) -> int:
    cols = columns(name)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(cols)
        for r in items:
            w.writerow([_csv_cell(r.get(c)) for c in cols])
            n += 1
    return n


def write_jsonl(path: Path, name: str, items: Iterable[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for r in items:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_parquet(path: Path, name: str, items: Iterable[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = columns(name)
    pa_types = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}
    schema = pa.schema([(c, pa_types[_type(name, c)]) for c in cols])
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch:
                data = {c: [(_flat(r.get(c)) if c in JSON_COLUMNS else r.get(c)) for r in batch] for c in cols}
                writer.write_table(pa.table(data, schema=schema))
                batch.clear()

        for r in items:
            batch.append(r)
            n += 1
            if len(batch) >= 5000:
                flush()
        flush()
    return n


def table_schema(name: str) -> dict[str, Any]:
    fields = [{"name": c, "type": _type(name, c)} for c in columns(name)]
    out: dict[str, Any] = {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}
    if name != "documents":
        out["foreignKeys"] = [{"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["id"]}}]
    return out


def write(engine, fmt: str, out: Path, sel: Selection) -> dict[str, int]:
    """Write every selected table in `fmt` into directory `out`; returns rows written per table."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    tables = sel.tables
    if fmt == "datapackage" and "documents" not in tables:
        tables = ("documents", *tables)  # the foreign keys point at it
    ext = {"csv": "csv", "datapackage": "csv", "jsonl": "jsonl", "parquet": "parquet"}[fmt]
    writer = {"csv": write_csv, "datapackage": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}[fmt]
    counts = {name: writer(out / f"{name}.{ext}", name, rows(engine, name, sel)) for name in tables}
    if fmt == "datapackage":
        (out / "datapackage.json").write_text(json.dumps(descriptor(tables, sel), indent=2), encoding="utf-8")
    return counts


def descriptor(tables: Iterable[str], sel: Selection) -> dict[str, Any]:
    from .. import __version__

    filters = {k: v for k, v in (("published_from", sel.published_from), ("published_to", sel.published_to),
                                 ("actor", sel.actor), ("instrument", sel.instrument)) if v}
    return {
        "name": "normwatch-export",
        "title": "normwatch: an evidence-linked record of international cyber norms",
        "description": "Documents and the facts extracted from them, each fact with its span in the document's "
                       "text and its review state. Filters: " + (json.dumps(filters) if filters else "none")
                       + ("; rejected facts included" if sel.include_rejected else "; rejected facts left out"),
        "version": __version__,
        "profile": "tabular-data-package",
        "resources": [{"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
                       "mediatype": "text/csv", "encoding": "utf-8", "description": DESCRIPTIONS[name],
                       # said outright: sniffing the dialect of a file of quotes guesses wrong delimiters
                       "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True,
                                   "lineTerminator": "\r\n"},
                       "schema": table_schema(name)} for name in tables],
    }
