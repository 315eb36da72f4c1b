"""Statements compiled once for the engine's dialect and run as plain driver SQL (read path)."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Engine

from ..store import schema as s


class Prepared:
    """A fixed statement compiled once for the engine's dialect and run as plain driver SQL.

    Building a Core statement and computing its cache key costs more than SQLite takes to
    answer an indexed lookup; the document page runs ten such lookups per request, so they
    are compiled once here. Only for statements whose shape never changes.
    """

    def __init__(self, stmt, engine: Engine) -> None:
        compiled = stmt.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.order = list(compiled.positiontup or []) if compiled.positional else None
        self.defaults = dict(compiled.params)  # constants in the statement ("mention")
        self.convert: list[tuple[str, Callable[[Any], Any]]] = []  # set by callers that need Core's conversions

    def _params(self, kw: dict[str, Any]):
        values = {**self.defaults, **kw}
        return tuple(values[n] for n in self.order) if self.order is not None else values

    def all(self, conn: Connection, **kw: Any) -> list[dict[str, Any]]:
        # plain driver rows zipped with the column names: a SQLAlchemy mapping per row costs
        # more than SQLite takes to read it, and driver SQL carries no type conversions anyway
        cur = conn.exec_driver_sql(self.sql, self._params(kw)).cursor
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        cur.close()
        return rows

    def first(self, conn: Connection, **kw: Any) -> dict[str, Any] | None:
        r = conn.exec_driver_sql(self.sql, self._params(kw)).mappings().first()
        return dict(r) if r is not None else None


def _document_statements(engine: Engine) -> dict[str, Prepared]:
    doc_id = bindparam("doc_id")
    out = {"documents": Prepared(select(s.documents).where(s.documents.c.id == doc_id), engine),
           "mentions": Prepared(select(s.spans.c.label, s.spans.c.start, s.spans.c.end, s.spans.c.how)
                                .where(s.spans.c.doc_id == doc_id, s.spans.c.layer == "mention")
                                .order_by(s.spans.c.start), engine)}
    for t in (s.actors, s.statements, s.stances, s.instrument_mentions, s.subscriptions, s.incidents,
              s.attributions, s.events, s.claims):
        out[t.name] = Prepared(select(t).where(t.c.doc_id == doc_id).order_by(t.c.id), engine)
    return out
