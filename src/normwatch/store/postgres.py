"""PostgreSQL: full-text search on PostgreSQL's own machinery, and the locks concurrent writers need.

    store = Store("postgresql://user@host/normwatch")    # needs: pip install 'normwatch[pg]'

Search: `documents.search` is a generated `tsvector` column (title weighted above the text)
with a GIN index, so a stored document is indexed by the database itself in the same row write;
queries go through `websearch_to_tsquery` (the syntax people type into search boxes: words,
"quoted phrases", -not, or), are ranked with `ts_rank` and get a `ts_headline` snippet.

Concurrency: several ingest processes may write to one database at once. Migrations take a
transaction-scoped advisory lock, so two starting processes do not race to create the schema;
a document write takes advisory locks on its id and its MinHash band keys (in sorted order, so
two writers never wait on each other in a cycle), which serialises exactly the writes that could
see each other as duplicates or near-duplicates and nothing else.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import bindparam, func, literal_column, text
from sqlalchemy.engine import Connection

from .adapters import GenericAdapter, SearchHit

# the text configuration of the index and the queries: English stemming, as SQLite's porter tokenizer
TS_CONFIG = "english"
# characters of the text indexed: a tsvector must stay under 1 MB, and a document of random
# unique tokens reaches that near 1M characters; a limit keeps such a document storable
INDEXED_CHARS = 500_000
HEADLINE_CHARS = 20_000  # characters ts_headline reads for a snippet (it costs ~0.3 ms per 1,000)
SEARCH_WINDOW = 500  # most recently stored matches ranked per query, as on SQLite (adapters.SQLiteAdapter)
HEADLINE = "StartSel=[, StopSel=], MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \""
# pg_advisory_xact_lock keys: one for migrations, the rest derived from a document's id and bands
MIGRATION_LOCK = 0x6E77_6D69_6772_0001  # "nwmigr" + 1
# SQLSTATEs worth retrying the whole transaction for: deadlock detected, serialization failure
RETRY_SQLSTATES = {"40P01", "40001"}


def _lock_key(kind: str, value: object) -> int:
    """A signed 64-bit advisory-lock key for (kind, value), stable across processes."""
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresAdapter(GenericAdapter):
    name = "postgresql"

    def create_search_index(self, conn: Connection) -> None:
        conn.execute(text(
            "ALTER TABLE documents ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ("
            f"setweight(to_tsvector('{TS_CONFIG}', coalesce(title, '')), 'A') || "
            f"setweight(to_tsvector('{TS_CONFIG}', left(text, {INDEXED_CHARS})), 'B')) STORED"))
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_documents_search ON documents USING gin (search)"))

    def drop_search_index(self, conn: Connection) -> None:
        conn.execute(text("DROP INDEX IF EXISTS ix_documents_search"))
        conn.execute(text("ALTER TABLE documents DROP COLUMN IF EXISTS search"))

    # the generated column is computed in the document's own INSERT: nothing to do per document
    def index_document(self, conn: Connection, doc_id: str, title: str | None, body: str) -> None:
        pass

    def unindex_document(self, conn: Connection, doc_id: str) -> None:
        pass

    def lock_migrations(self, conn: Connection) -> None:
        """Hold the migration lock until the migrating transaction ends."""
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})

    def lock_document(self, conn: Connection, doc_id: str, band_keys: list[int]) -> None:
        """Serialise writers of this document and of any document sharing an LSH band with it."""
        keys = sorted({_lock_key("doc", doc_id), *(_lock_key(f"band{b}", k) for b, k in enumerate(band_keys))})
        conn.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
                     {"keys": keys})

    def match_condition(self):
        """A condition on `documents` true for documents matching the bind parameter `match`."""
        return literal_column("documents.search").op("@@")(
            func.websearch_to_tsquery(TS_CONFIG, bindparam("match")))

    def match_param(self, query: str) -> str:
        return query

    def search(self, conn: Connection, query: str, limit: int) -> list[SearchHit]:
        if not query.strip():
            return []
        # rank the most recent matches only: ranking reads every matched tsvector, and a common
        # word matches most of a large store (the same window SQLite's search uses)
        rows = conn.execute(text(
            "WITH q AS (SELECT websearch_to_tsquery(:cfg, :q) AS q), "
            # ids only in the sort: carrying the tsvector would read every match's from TOAST
            "recent AS (SELECT d.id FROM documents d, q WHERE d.search @@ q.q "
            "           ORDER BY d.ingested_at DESC, d.id DESC LIMIT :window), "
            "top AS (SELECT d.id, ts_rank(d.search, q.q) AS rank FROM recent r JOIN documents d ON d.id = r.id, q "
            "        ORDER BY rank DESC, d.id LIMIT :n) "
            "SELECT d.id, d.title, d.source, d.published, top.rank, "
            # ts_headline parses the text it is given: the start of a long text is enough for a snippet
            f"       ts_headline(:cfg, left(d.text, {HEADLINE_CHARS}), q.q, :opts) AS snip "
            "FROM top JOIN documents d ON d.id = top.id, q ORDER BY top.rank DESC, d.id"),
            {"cfg": TS_CONFIG, "q": query, "window": SEARCH_WINDOW, "n": limit, "opts": HEADLINE}).all()
        return [SearchHit(r.id, r.title, r.source, r.snip, float(r.rank), r.published) for r in rows]


def is_retryable(exc: BaseException) -> bool:
    """Whether a database error is a deadlock or serialization failure worth retrying."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in RETRY_SQLSTATES
