"""A document and its facts as plain table rows: the one shape every writer of the store uses.

`Store.add_document` writes these rows; `normwatch copy` reads them from one store and writes
them to another; the Spark job writes them to Parquet and `normwatch load` writes them back.
Incident rows carry a per-document key in `id` (1, 2, ...) and attribution rows point at it in
`incident_row`; a writer maps those keys to the target's own row ids (`write_fact_rows`).

    rows = fact_rows(doc)              # {"spans": [...], "actors": [...], ..., "attributions": [...]}
    write_fact_rows(conn, rows)        # inside a transaction
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from .. import neardup
from ..model import Document, content_hash
from . import reviews
from . import schema as s

# every per-document table, in an order that satisfies the foreign keys (incidents before attributions)
FACT_TABLE_ORDER = ("spans", "actors", "statements", "stances", "instrument_mentions", "subscriptions",
                    "incidents", "attributions", "claims", "events")
# per-document tables beside the facts, kept on re-extraction (the page map of a PDF, issue 15)
DOC_EXTRA_TABLES = ("document_layout",)
# every table a document's rows go to, besides `documents` and `minhash_bands`
PER_DOC_TABLES = (*DOC_EXTRA_TABLES, *FACT_TABLE_ORDER)


def _spans_json(spans: Iterable) -> str:
    return json.dumps([sp.as_list() for sp in spans])


def document_row(doc: Document, sig, *, near_duplicate_of: str | None, run_id: int | None,
                 ingested_at: str) -> dict[str, Any]:
    m = doc.meta
    return {"id": doc.id, "source": doc.source, "raw_ref": doc.raw_ref, "url": m.url, "title": m.title,
            "publisher": m.publisher, "author": m.author, "published": m.published, "language": m.language,
            "speaker": m.speaker, "text": doc.text, "chars": len(doc.text), "content_hash": content_hash(doc.text),
            "minhash": neardup.to_bytes(sig), "near_duplicate_of": near_duplicate_of, "run_id": run_id,
            "ingested_at": ingested_at}


def band_rows(doc_id: str, sig) -> list[dict[str, Any]]:
    return [{"doc_id": doc_id, "band": b, "key": k} for b, k in enumerate(neardup.band_keys(sig))]


def fact_rows(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """Rows of every fact table for one document (ids of incidents are per-document keys)."""
    d = doc.id
    spans = [{"doc_id": d, "layer": "paragraph", "start": p.start, "end": p.end, "label": None, "how": None}
             for p in doc.paragraphs]
    spans += [{"doc_id": d, "layer": "sentence", "start": p.start, "end": p.end, "label": None, "how": None}
              for p in doc.sentences]
    spans += [{"doc_id": d, "layer": "mention", "start": m.span.start, "end": m.span.end,
               "label": m.kb_id, "how": m.how} for m in doc.mentions]
    incidents, attributions = [], []
    for key, inc in enumerate(doc.incidents, 1):
        incidents.append({"id": key, "doc_id": d, "incident": inc.incident, "victim": inc.victim, "type": inc.type,
                          "date": inc.date, "spans": _spans_json(inc.spans), "title": inc.name})
        attributions += [{"doc_id": d, "incident_row": key, "incident": inc.incident, "accused": a.accused,
                          "claimant": a.claimant, "certainty": a.certainty, "via": a.via,
                          "start": a.evidence.start, "end": a.evidence.end} for a in inc.attributions]
    return {
        "spans": spans,
        "actors": [{"doc_id": d, "actor": a.id, "kind": a.kind, "name": a.name, "role": a.role,
                    "affiliation": a.affiliation, "spans": _spans_json(a.spans)} for a in doc.actors],
        "statements": [{"doc_id": d, "speaker": st.speaker, "affiliation": st.affiliation, "direct": st.direct,
                        "start": st.span.start, "end": st.span.end} for st in doc.statements],
        "stances": [{"doc_id": d, "actor": st.actor, "affiliation": st.affiliation, "target": st.target,
                     "polarity": st.polarity, "confidence": st.confidence,
                     "start": st.evidence.start, "end": st.evidence.end} for st in doc.stances],
        "instrument_mentions": [{"doc_id": d, "instrument": im.instrument, "start": im.span.start,
                                 "end": im.span.end} for im in doc.instrument_mentions],
        "subscriptions": [{"doc_id": d, "actor": sb.actor, "instrument": sb.instrument, "action": sb.action,
                           "date": sb.date, "start": sb.evidence.start, "end": sb.evidence.end}
                          for sb in doc.subscriptions],
        "incidents": incidents,
        "attributions": attributions,
        "claims": [{"doc_id": d, "incident": c.incident, "accused": c.accused, "actor": c.actor,
                    "claimant": c.claimant, "certainty": c.certainty, "via": c.via, "basis": c.basis,
                    "start": c.evidence.start, "end": c.evidence.end} for c in doc.all_claims()],
        "events": [{"doc_id": d, "event": e.event, "name": e.name, "place": e.place, "start_date": e.start,
                    "end_date": e.end, "participants": json.dumps(e.participants), "outcome": e.outcome,
                    "start": e.span.start, "end": e.span.end} for e in doc.events],
    }


def layout_rows(doc: Document) -> list[dict[str, Any]]:
    """The page map of a document read from a PDF (none for other documents)."""
    if not doc.pages:
        return []
    return [{"doc_id": doc.id, "symbol": doc.meta.symbol, "page_count": len(doc.pages),
             "pages": json.dumps([list(p) for p in doc.pages])}]


def write_fact_rows(conn: Connection, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert fact (and `document_layout`) rows; each row's own `id` is dropped (the target numbers them), incident keys mapped.

    Incident keys are unique per document: (doc_id, key) -> the target's row id of that incident.
    """
    tables = s.metadata.tables
    incident_ids: dict[tuple[str, Any], int] = {}
    for name in (*DOC_EXTRA_TABLES, *FACT_TABLE_ORDER):
        batch = rows.get(name) or []
        if not batch:
            continue
        # the table's own columns only: rows from elsewhere (Parquet) carry `seq` and `month` too
        keep = [c for c in tables[name].columns.keys() if c != "id"]
        if name == "incidents":
            for r in batch:
                row = reviews.add_keys(s.incidents, [{k: r.get(k) for k in keep}])[0]
                res = conn.execute(insert(s.incidents).values(row))
                incident_ids[(r["doc_id"], r["id"])] = res.inserted_primary_key[0]
            continue
        batch = reviews.add_keys(tables[name], [{k: r.get(k) for k in keep} for r in batch])
        if name == "attributions":
            for r, orig in zip(batch, rows[name]):
                r["incident_row"] = incident_ids[(orig["doc_id"], orig["incident_row"])]
        conn.execute(insert(tables[name]), batch)
