"""The review queue: facts nobody has reviewed yet, least certain first.

Certainty is the stance's confidence, the attribution's certainty word as a number
(`reviews.CERTAINTY`), a statement without a known speaker counts as uncertain; other kinds
sort after them. Filters (actor, instrument, incident) keep only the kinds they apply to.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.engine import Connection

from . import schema as s
from .reviews import CERTAINTY, KINDS, Kind, fact_fields


def _certainty_expr(k: Kind):
    t = k.table.c
    if k.name == "stance":
        return t.confidence
    if k.name == "attribution":
        return case(*((t.certainty == w, v) for w, v in CERTAINTY.items()), else_=0.5)
    if k.name == "statement":
        return case((t.speaker.is_(None), 0.5), else_=0.9)
    return literal(1.0 if k.name in ("actor", "instrument_mention", "subscription") else 0.8)


def _filter(k: Kind, actor: str | None, instrument: str | None, incident: str | None) -> list | None:
    """The conditions of the filters on this kind, or None when a filter does not apply to it."""
    t = k.table.c
    conds: list = []
    if actor:
        cols = {"actor": ("actor", "affiliation"), "statement": ("speaker", "affiliation"),
                "stance": ("actor", "affiliation"), "subscription": ("actor",),
                "attribution": ("accused", "claimant")}.get(k.name)
        if cols is None:
            return None
        conds.append(or_(*(t[c] == actor for c in cols)))
    if instrument:
        col = {"stance": "target", "instrument_mention": "instrument", "subscription": "instrument"}.get(k.name)
        if col is None:
            return None
        conds.append(t[col] == instrument)
    if incident:
        if k.name not in ("incident", "attribution"):
            return None
        conds.append(t.incident == incident)
    return conds


def queue(conn: Connection, *, kinds: list[str] | None = None, actor: str | None = None,
          instrument: str | None = None, incident: str | None = None, limit: int = 50,
          offset: int = 0) -> list[dict[str, Any]]:
    """Unreviewed facts, least certain first (then by document and row), `limit` from `offset`."""
    items: list[dict[str, Any]] = []
    d = s.documents.c
    for k in (KINDS[n] for n in (kinds or KINDS) if n in KINDS):
        conds = _filter(k, actor, instrument, incident)
        if conds is None:
            continue
        t = k.table
        cert = _certainty_expr(k).label("_certainty")
        has_span = "start" in t.c
        cols = [t, cert, d.title.label("doc_title"), d.published.label("published")]
        if has_span:
            cols.append(func.substr(d.text, t.c.start + 1, t.c.end - t.c.start).label("quote"))
        q = (select(*cols).select_from(t.join(s.documents, d.id == t.c.doc_id))
             .where(t.c.review.is_(None), *conds).order_by(cert, t.c.doc_id, t.c.id).limit(offset + limit))
        for r in conn.execute(q).mappings():
            fields = fact_fields({c: r[c] for c in t.c.keys()})
            for extra in ("doc_title", "published", "quote", "_certainty"):
                fields.pop(extra, None)
            items.append({"kind": k.name, "doc_id": r["doc_id"], "fact_key": r["fact_key"],
                          "certainty": float(r["_certainty"]), "fact": fields, "quote": r.get("quote"),
                          "doc_title": r["doc_title"], "published": r["published"], "_row": r["id"]})
    items.sort(key=lambda i: (i["certainty"], i["doc_id"], i["kind"], i["_row"]))
    page = items[offset:offset + limit]
    for i in page:
        i.pop("_row")
    return page


def fact(conn: Connection, doc_id: str, kind: str, key: str) -> dict[str, Any] | None:
    """One fact by its key, as the review page shows it (first row of the key), or None."""
    k = KINDS.get(kind)
    if k is None:
        return None
    t = k.table
    d = s.documents.c
    row = conn.execute(select(t, d.title.label("doc_title"), d.published.label("published"),
                              d.text.label("doc_text"))
                       .select_from(t.join(s.documents, d.id == t.c.doc_id))
                       .where(t.c.doc_id == doc_id, t.c.fact_key == key).order_by(t.c.id)).mappings().first()
    if row is None:
        return None
    fields = fact_fields({c: row[c] for c in t.c.keys()})
    quote = row["doc_text"][row["start"]:row["end"]] if "start" in t.c else None
    return {"kind": kind, "doc_id": doc_id, "fact_key": key, "fact": fields, "review": row["review"] or "machine",
            "kept": bool(row["kept"]), "quote": quote, "doc_title": row["doc_title"], "published": row["published"],
            "editable": list(k.editable)}
