"""Page numbers for documents read from PDFs (issue 15), added to the document API and page.

The store keeps each PDF document's page map in `document_layout`; this adds it to a document
record (as the extraction contract gives it: `doc.symbol`, `doc.pages` with start/end per page)
and puts a `page` on every fact, the page its span starts on. Other documents are unchanged.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from typing import Any

from sqlalchemy import select

from ..model import page_ranges
from ..store import schema as s

__all__ = ["add_layout", "page_marks"]

# fact list -> how to find the start offset of one fact
_STARTS = {
    "statements": lambda f: f["span"][0],
    "stances": lambda f: f["evidence"][0],
    "instrument_mentions": lambda f: f["span"][0],
    "subscriptions": lambda f: f["evidence"][0],
    "events": lambda f: f["span"][0],
    "actors": lambda f: f["spans"][0][0] if f.get("spans") else None,
    "incidents": lambda f: f["spans"][0][0] if f.get("spans") else None,
}


def add_layout(engine, d: dict[str, Any] | None) -> dict[str, Any] | None:
    """`d` (a document record) with its PDF symbol, page ranges and a `page` on each fact."""
    if d is None:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(s.document_layout).where(s.document_layout.c.doc_id == d["doc"]["id"])).first()
    if row is None:
        return d
    pages = [tuple(p) for p in json.loads(row.pages)]
    starts = [p[0] for p in pages]

    def page(offset: int | None) -> int | None:
        if offset is None:
            return None
        i = bisect_right(starts, offset) - 1
        return pages[max(0, i)][1]

    d["doc"]["symbol"] = row.symbol
    d["doc"]["pages"] = page_ranges(pages, len(d["doc"]["text"]))
    for name, start in _STARTS.items():
        for fact in d.get(name) or []:
            fact["page"] = page(start(fact))
    for inc in d.get("incidents") or []:
        for a in inc.get("attributions") or []:
            a["page"] = page(a["evidence"][0])
    return d


def page_marks(d: dict[str, Any]) -> list:
    """A mark on the first word of each PDF page, so the text shows where a page starts
    (`#f-page-N` links to it); none for other documents."""
    import re

    from .highlight import Mark

    text = d["doc"]["text"]
    marks = []
    for p in d["doc"].get("pages") or []:
        m = re.compile(r"\S+").search(text, p["start"], p["end"])
        if m:
            marks.append(Mark(f"page-{p['page']}", "page", m.start(), m.end(), f"page {p['page']} of the PDF"))
    return marks
