"""The only place where SQL differs by database: connection pragmas and full-text search.

SQLite gets WAL and an FTS5 index over title and text; PostgreSQL a generated `tsvector`
column with a GIN index (postgres.py); any other dialect gets a portable LIKE-based search.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

READ_MMAP_BYTES = 1 << 30  # map up to 1 GiB of the file: pages come from the OS cache without a copy
READ_CACHE_KIB = 65_536  # page cache per read connection (KiB): the hot index pages of a large store


@dataclass
class SearchHit:
    doc_id: str
    title: str | None
    source: str
    snippet: str
    rank: float
    published: str | None = None


class GenericAdapter:
    """Portable fallback: case-insensitive substring search, no ranking beyond recency."""

    name = "generic"

    def configure(self, engine: Engine) -> None:
        pass

    def read_engine(self, engine: Engine) -> Engine:
        """An engine for read-only traffic (the web app); here the same engine."""
        return engine

    def version_probe(self, engine: Engine) -> Callable[[], object] | None:
        """A cheap function whose value changes whenever the store changes, or None if there is none."""
        return None

    def create_search_index(self, conn: Connection) -> None:
        pass

    def drop_search_index(self, conn: Connection) -> None:
        pass

    def index_document(self, conn: Connection, doc_id: str, title: str | None, body: str) -> None:
        pass

    def unindex_document(self, conn: Connection, doc_id: str) -> None:
        pass

    def lock_migrations(self, conn: Connection) -> None:
        """Keep other processes from migrating at the same time (SQLite: its write lock does)."""

    def lock_document(self, conn: Connection, doc_id: str, band_keys: list[int]) -> None:
        """Serialise concurrent writers of the same or near-duplicate documents, where it is needed."""

    def search(self, conn: Connection, query: str, limit: int) -> list[SearchHit]:
        terms = [t for t in re.findall(r"\w+", query.lower()) if t]
        if not terms:
            return []
        where = " AND ".join(f"lower(text) LIKE :t{i}" for i in range(len(terms)))
        params = {f"t{i}": f"%{t}%" for i, t in enumerate(terms)}
        rows = conn.execute(
            text(f"SELECT id, title, source, text FROM documents WHERE {where} ORDER BY ingested_at DESC LIMIT :n"),
            {**params, "n": limit},
        ).all()
        return [SearchHit(r.id, r.title, r.source, _snippet(r.text, terms[0]), 0.0) for r in rows]


class SQLiteAdapter(GenericAdapter):
    name = "sqlite"

    def configure(self, engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API connection
            cur = dbapi_conn.cursor()
            # WAL lets readers (the web UI) run while an ingest writes
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

    def read_engine(self, engine: Engine) -> Engine:
        """A second engine on the same file whose connections only read, tuned for it.

        query_only makes a write through the web layer fail instead of happening; mmap and a
        larger page cache serve the indexes from memory; temporary sort tables stay in memory.
        An in-memory database cannot be opened twice, so it keeps the writer's engine.
        """
        path = engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return engine
        reader = create_engine(engine.url, future=True, pool_size=8, max_overflow=16)

        @event.listens_for(reader, "connect")
        def _read_pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API connection
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=10000")
            cur.execute(f"PRAGMA mmap_size={READ_MMAP_BYTES}")
            cur.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.execute("PRAGMA query_only=ON")
            cur.close()

        return reader

    def version_probe(self, engine: Engine) -> Callable[[], object] | None:
        """`PRAGMA data_version` on one connection kept for it: it changes on every commit by any other
        connection (any process), and reading it costs microseconds, so cached answers can be checked
        on every request instead of trusting them for a while."""
        path = engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA query_only=ON")
        lock = threading.Lock()

        def probe() -> object:
            with lock:
                return conn.execute("PRAGMA data_version").fetchone()[0]

        return probe

    def create_search_index(self, conn: Connection) -> None:
        conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
            "doc_id UNINDEXED, title, body, tokenize='porter unicode61')"
        ))

    def drop_search_index(self, conn: Connection) -> None:
        conn.execute(text("DROP TABLE IF EXISTS documents_fts"))

    def index_document(self, conn: Connection, doc_id: str, title: str | None, body: str) -> None:
        conn.execute(
            text("INSERT INTO documents_fts(doc_id, title, body) VALUES (:d, :t, :b)"),
            {"d": doc_id, "t": title or "", "b": body},
        )

    def unindex_document(self, conn: Connection, doc_id: str) -> None:
        conn.execute(text("DELETE FROM documents_fts WHERE doc_id = :d"), {"d": doc_id})

    def search(self, conn: Connection, query: str, limit: int) -> list[SearchHit]:
        match = fts_query(query)
        if not match:
            return []
        rows = conn.execute(
            text(
                "SELECT f.doc_id, d.title, d.source, "
                "snippet(documents_fts, 2, '[', ']', ' … ', 12) AS snip, bm25(documents_fts) AS rank "
                "FROM documents_fts f JOIN documents d ON d.id = f.doc_id "
                "WHERE documents_fts MATCH :q ORDER BY rank LIMIT :n"
            ),
            {"q": match, "n": limit},
        ).all()
        return [SearchHit(r.doc_id, r.title, r.source, r.snip, r.rank) for r in rows]


def fts_query(query: str) -> str:
    """User words as an FTS5 query: each word quoted (so operators and punctuation are literal), all required."""
    words = re.findall(r"\w+", query)
    return " ".join(f'"{w}"' for w in words)


def _snippet(body: str, term: str, width: int = 80) -> str:
    i = body.lower().find(term)
    if i < 0:
        return body[: 2 * width]
    start = max(0, i - width)
    return ("… " if start else "") + body[start : i + len(term) + width] + " …"


def for_dialect(name: str) -> GenericAdapter:
    if name == "sqlite":
        return SQLiteAdapter()
    if name == "postgresql":
        from .postgres import PostgresAdapter

        return PostgresAdapter()
    return GenericAdapter()
