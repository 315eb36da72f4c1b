"""The rows every export format writes: documents and fact tables, filtered, with review state.

    sel = Selection(published_from="2015", actor="state:RUS")
    for name, rows in export_tables(store.engine, sel): ...

Filters select documents first: the publication date range, and for `actor` / `instrument`
the documents in which that id appears (a KB mention, an actor row, a fact naming it). Fact
tables with a column for the filter are narrowed further (a stance's actor or affiliation, an
attribution's accused or claimant, a subscription's instrument); the other tables keep every
row of the selected documents. Rejected facts are left out unless `include_rejected`; every
fact row carries `fact_key`, `review` (machine, confirmed, corrected, rejected) and `kept`,
and facts with a span carry `quote`, the evidence text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from ..store import schema as s

# table name -> (table, columns of it an actor / instrument filter looks at)
FACT_TABLES = {
    "actors": (s.actors, ("actor", "affiliation"), ()),
    "statements": (s.statements, ("speaker", "affiliation"), ()),
    "stances": (s.stances, ("actor", "affiliation"), ("target",)),
    "instrument_mentions": (s.instrument_mentions, (), ("instrument",)),
    "subscriptions": (s.subscriptions, ("actor",), ("instrument",)),
    "incidents": (s.incidents, ("victim",), ()),
    "attributions": (s.attributions, ("accused", "claimant"), ()),
    "claims": (s.claims, ("accused", "claimant", "actor"), ()),  # issue 11: every accusation and denial
    "events": (s.events, (), ()),
}
TABLES = ("documents", *FACT_TABLES)
DOC_COLUMNS = ("id", "source", "url", "title", "publisher", "author", "published", "language", "speaker",
               "chars", "near_duplicate_of", "ingested_at", "text")
JSON_COLUMNS = {"spans", "participants"}


@dataclass(frozen=True)
class Selection:
    """What to export: date bounds (YYYY, YYYY-MM, YYYY-MM-DD), an actor, an instrument, rejected or not."""

    published_from: str | None = None
    published_to: str | None = None
    actor: str | None = None
    instrument: str | None = None
    include_rejected: bool = False
    tables: tuple[str, ...] = TABLES


def _doc_query(sel: Selection):
    d = s.documents.c
    q = select(d.id)
    if sel.published_from:
        q = q.where(d.published >= sel.published_from)
    if sel.published_to:
        q = q.where(d.published <= sel.published_to + "\uffff")  # a year or month includes all of it
    for value, cols in ((sel.actor, "actor"), (sel.instrument, "instrument")):
        if not value:
            continue
        ids = [select(s.spans.c.doc_id).where(s.spans.c.layer == "mention", s.spans.c.label == value)]
        for t, actor_cols, instrument_cols in FACT_TABLES.values():
            for c in (actor_cols if cols == "actor" else instrument_cols):
                ids.append(select(t.c.doc_id).where(t.c[c] == value))
        q = q.where(d.id.in_(ids[0].union(*ids[1:])))
    return q


def columns(name: str) -> list[str]:
    """The columns an export of table `name` has, in order."""
    if name == "documents":
        return list(DOC_COLUMNS)
    t = FACT_TABLES[name][0]
    cols = [c.name for c in t.columns if c.name not in ("fact_key", "review", "kept")]
    cols += ["fact_key", "review", "kept"]
    if "start" in t.c:
        cols.append("quote")
    return cols


def rows(engine: Engine, name: str, sel: Selection) -> Iterator[dict[str, Any]]:
    """The rows of one table for a selection, in id order, streamed."""
    docs = _doc_query(sel).subquery()
    d = s.documents.c
    if name == "documents":
        q = select(*(d[c] for c in DOC_COLUMNS)).where(d.id.in_(select(docs.c.id))).order_by(d.id)
    else:
        t, actor_cols, instrument_cols = FACT_TABLES[name]
        extra = []
        if "start" in t.c:
            extra.append(func.substr(d.text, t.c.start + 1, t.c.end - t.c.start).label("quote"))
        q = (select(t, *extra).select_from(t.join(s.documents, d.id == t.c.doc_id))
             .where(t.c.doc_id.in_(select(docs.c.id))).order_by(t.c.id))
        if not sel.include_rejected:
            q = q.where(or_(t.c.review.is_(None), t.c.review != "rejected"))
        if sel.actor and actor_cols:
            q = q.where(or_(*(t.c[c] == sel.actor for c in actor_cols)))
        if sel.instrument and instrument_cols:
            q = q.where(or_(*(t.c[c] == sel.instrument for c in instrument_cols)))
    cols = columns(name)
    with engine.connect() as conn:
        for r in conn.execution_options(stream_results=True).execute(q).mappings():
            out = {c: r.get(c) for c in cols}
            if "review" in out:
                out["review"] = out["review"] or "machine"
                out["kept"] = bool(out["kept"])
            if "direct" in out and out["direct"] is not None:
                out["direct"] = bool(out["direct"])
            for c in JSON_COLUMNS & out.keys():
                out[c] = json.loads(out[c]) if isinstance(out[c], str) else out[c]
            yield out


def export_tables(engine: Engine, sel: Selection) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    for name in sel.tables:
        yield name, rows(engine, name, sel)
