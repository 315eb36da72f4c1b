"""Read-only queries behind the JSON API and the pages.

Everything the web layer reads goes through `Queries`, so the SQL stays in one place and
the API and the pages cannot disagree. The class is assembled from one mixin per resource
(`document_queries`, `fact_queries`, `actor_queries`, `claim_queries`) over the paging
(`paging`), cache (`cache`) and prepared-statement (`prepared`) helpers; the names callers
import from here (`Queries`, `QueryError`, `POLARITY_ORDER`, `Page`, ...) stay importable. Queries are SQLAlchemy Core (portable to
PostgreSQL); lists use keyset pagination (`WHERE (key, id) < (:k, :id)`) so a cursor
stays valid while documents are added and a deep page costs what the first one does.
Aggregates over whole tables (stats, the positions matrix) are cached per store
version — SQLite's `PRAGMA data_version`, or elsewhere the largest row ids of the growing
tables — so they are recomputed only after an ingest, never on every request. Fact lists
fetch a page in two steps (row ids on indexes, then fields and quotes for those rows only);
the indexes each list relies on are listed, with the reason, in migrations 0002 and 0003.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from ..store import schema as s
from .actor_queries import ActorQueries
from .cache import VersionedCache
from .claim_queries import ClaimQueries
from .document_queries import DOC_FIELDS, DOC_SORTS, SEARCH_WINDOW, DocumentQueries, snippet
from .fact_queries import FACT_SORTS, FactQueries, _quote
from .paging import (CURSOR_MAX_TEXT, DEFAULT_LIMIT, MAX_LIMIT, POLARITY_ORDER, Page, QueryError, clamp_limit,
                     cursor_key, cursor_state, decode_cursor, encode_cursor, keyset_parts)
from .prepared import Prepared, _document_statements

__all__ = ["CURSOR_MAX_TEXT", "DEFAULT_LIMIT", "DOC_FIELDS", "DOC_SORTS", "FACT_SORTS", "MAX_LIMIT",
           "POLARITY_ORDER", "SEARCH_WINDOW", "Page", "Prepared", "Queries", "QueryError", "VersionedCache",
           "clamp_limit", "cursor_key", "cursor_state", "decode_cursor", "encode_cursor", "keyset_parts", "snippet", "_quote"]

VERSION_TTL = 1.0  # seconds a process trusts its last look at the store version


class Queries(DocumentQueries, FactQueries, ActorQueries, ClaimQueries):
    """Read-only access to a store for the web layer. Thread-safe; one per app."""

    def __init__(self, engine: Engine, adapter: Any, *, probe: Callable[[], Any] | None = None,
                 cursor_key: bytes | Callable[[], bytes] | None = None) -> None:
        """`cursor_key` signs the pagination cursors (bytes, or a function giving them on first use:
        the app passes `paging.cursor_key` of its store); None: a random key for this object only."""
        self._cursor_key = cursor_key if cursor_key is not None else secrets.token_bytes(32)
        self.engine = engine
        self.adapter = adapter
        self.cache = VersionedCache()
        self.sqlite = engine.dialect.name == "sqlite"
        self.pg = engine.dialect.name == "postgresql"  # tsvector search (store/postgres.py)
        self._probe = probe
        self._version: tuple[float, tuple] = (-1e9, ())
        self._prepared = _document_statements(engine)
        self._shapes: dict[tuple, list[Prepared]] = {}
        self._details: dict[tuple, Prepared] = {}
        self._version_query = select(*(select(func.max(t.c.id)).scalar_subquery()
                                       for t in (s.stances, s.statements, s.runs, s.rejections)))

    @property
    def cursor_key(self) -> bytes:
        if callable(self._cursor_key):
            self._cursor_key = self._cursor_key()  # read once: the server secret may be a file
        return self._cursor_key

    def connect(self) -> Connection:
        return self.engine.connect()

    def run(self, conn: Connection, shape: tuple, build: Callable[[], list], params: dict[str, Any],
            limit: int) -> list[dict[str, Any]]:
        """Rows from the statements `build()` makes, run in turn until `limit` rows are found.

        Statements are built and compiled once per `shape` (which filters are present, sort,
        cursor state) and reused with new parameters: building and keying a Core statement
        costs more than SQLite needs to answer an indexed page.
        """
        prepared = self._shapes.get(shape)
        if prepared is None:
            prepared = [Prepared(stmt, self.engine) for stmt in build()]
            if len(self._shapes) < 2048:
                self._shapes[shape] = prepared
        rows: list[dict[str, Any]] = []
        for stmt in prepared:
            if len(rows) >= limit:
                break
            rows += stmt.all(conn, **params, lim=limit - len(rows))
        return rows

    def version(self, conn: Connection) -> Any:
        """A value that changes whenever the store does; cached answers are keyed by it.

        With a probe (SQLite's `PRAGMA data_version`) it is exact and read on every call, so a
        cached answer never outlives a commit. Without one, the largest ids of the growing
        tables, looked up at most once a second per process: an ingest shows within that second.
        """
        if self._probe is not None:
            return self._probe()
        at, v = self._version
        now = time.monotonic()
        if now - at > VERSION_TTL:
            v = tuple(conn.execute(self._version_query).one())
            self._version = (now, v)
        return v

    # -- stats ------------------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        with self.connect() as conn:
            version = self.version(conn)

            def compute() -> dict[str, int]:
                out = {}
                for name, t in (("documents", s.documents), ("actors", s.actors), ("statements", s.statements),
                                ("stances", s.stances), ("instrument_mentions", s.instrument_mentions),
                                ("subscriptions", s.subscriptions), ("incidents", s.incidents),
                                ("attributions", s.attributions), ("claims", s.claims), ("events", s.events),
                                ("rejections", s.rejections)):
                    out[name] = int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                return out

            return dict(self.cache.get("stats", version, compute))

    def _page(self, rows: list[dict], limit: int, ckind: str, key: Callable[[dict], list]) -> Page:
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(rows, encode_cursor(ckind, key(rows[-1]), self.cursor_key) if more and rows else None)

    def latest_documents(self, limit: int = 10) -> list[dict[str, Any]]:
        return self.documents(sort="-ingested", limit=limit).items
