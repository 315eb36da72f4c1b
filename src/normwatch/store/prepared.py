"""Fixed statements compiled once per dialect and run as driver SQL, for the write path of reviews.

Building a Core statement and computing its cache key costs more than SQLite takes to run
an indexed update (a review runs six statements; see bench/review.py). Same idea as
`web.prepared.Prepared`, kept here so the store does not import the web layer.

    rows = run(conn, ("stance-lock",), lambda: update(t).where(...), d=doc_id, k=key)
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Boolean, Table
from sqlalchemy.engine import Connection, CursorResult

_CACHE: dict[tuple, tuple[str, list[str] | None, dict[str, Any]]] = {}


def run(conn: Connection, key: tuple, build: Callable[[], Any], **params: Any) -> CursorResult:
    """Execute the statement `build()` makes (compiled once per dialect and `key`) with `params`."""
    ck = (conn.dialect.name, *key)
    found = _CACHE.get(ck)
    if found is None:
        compiled = build().compile(dialect=conn.dialect)
        # constants in the statement (a LIMIT) keep their compiled values
        found = (str(compiled), list(compiled.positiontup or []) if compiled.positional else None,
                 dict(compiled.params))
        _CACHE[ck] = found
    sql, order, defaults = found
    values = {**defaults, **params}
    return conn.exec_driver_sql(sql, tuple(values[n] for n in order) if order is not None else values)


def dicts(result: CursorResult, table: Table | None = None) -> list[dict[str, Any]]:
    """Rows as dicts; Boolean columns of `table` as bool (driver SQL leaves SQLite's 0/1)."""
    cur = result.cursor
    names = [c[0] for c in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    cur.close()
    if table is not None:
        flags = [c.name for c in table.columns if isinstance(c.type, Boolean)]
        for r in rows:
            for f in flags:
                if f in r and r[f] is not None:
                    r[f] = bool(r[f])
    return rows
