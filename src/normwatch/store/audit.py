"""Reading the audit trail: per fact, per user, per day, newest first.

Rows are only ever inserted (`reviews.record`); the store refuses UPDATE and DELETE on the
table with triggers (migration 0008), so no code path can rewrite history.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import schema as s


def audit_rows(conn: Connection, *, user: str | None = None, day: str | None = None, doc_id: str | None = None,
               kind: str | None = None, key: str | None = None, action: str | None = None,
               before_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Audit rows matching the filters, newest first; `before_id` pages on (rows with smaller ids)."""
    a = s.audit.c
    q = select(s.audit)
    if user:
        q = q.where(a.user == user)
    if day:
        # `at` is ISO-8601 UTC text: a day is a string range, which the (user, at) and (at) indexes answer
        q = q.where(a.at >= day, a.at < day + "\uffff")
    if doc_id:
        q = q.where(a.doc_id == doc_id)
    if kind:
        q = q.where(a.fact_kind == kind)
    if key:
        q = q.where(a.fact_key == key)
    if action:
        q = q.where(a.action.like(action + "%"))
    if before_id:
        q = q.where(a.id < before_id)
    rows = conn.execute(q.order_by(a.id.desc()).limit(limit)).mappings().all()
    out = []
    for r in rows:
        d = dict(r)
        for k in ("before", "after"):
            d[k] = json.loads(d[k]) if d[k] else None
        out.append(d)
    return out


def review_of(conn: Connection, doc_id: str, kind: str, key: str) -> dict[str, Any] | None:
    r = s.reviews.c
    row = conn.execute(select(s.reviews).where(r.doc_id == doc_id, r.fact_kind == kind, r.fact_key == key)
                       ).mappings().first()
    if row is None:
        return None
    d = dict(row)
    d["correction"] = json.loads(d["correction"]) if d["correction"] else None
    d["snapshot"] = json.loads(d["snapshot"]) if d["snapshot"] else None
    return d
