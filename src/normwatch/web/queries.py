"""Read-only queries behind the JSON API and the pages.

Everything the web layer reads goes through here, so the SQL stays in one place and
the API and the pages cannot disagree. Queries are SQLAlchemy Core (portable to
PostgreSQL); lists use keyset pagination (`WHERE (key, id) < (:k, :id)`) so a cursor
stays valid while documents are added and a deep page costs what the first one does.
Aggregates over whole tables (stats, the positions matrix) are cached per store
version — SQLite's `PRAGMA data_version`, or elsewhere the largest row ids of the growing
tables — so they are recomputed only after an ingest, never on every request. Fact lists
fetch a page in two steps (row ids on indexes, then fields and quotes for those rows only);
the indexes each list relies on are listed, with the reason, in migrations 0002 and 0003.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from sqlalchemy import bindparam, case, func, literal_column, or_, select
from sqlalchemy import text as sqltext
from sqlalchemy.engine import Connection, Engine

from ..store import schema as s
from ..store.db import facts_from_rows
from ..store.review_filter import sql_condition as review_condition
from .claim_queries import ClaimQueries

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
POLARITY_ORDER = ("support", "oppose", "mixed", "neutral")


class QueryError(ValueError):
    """A request parameter the queries cannot use (bad cursor, unknown sort); the API answers 400."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


# -- cursors ------------------------------------------------------------------------------

def encode_cursor(kind: str, values: list[Any]) -> str:
    """An opaque, URL-safe cursor naming the list it belongs to and the last row's sort key."""
    raw = json.dumps([kind, *values], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, kind: str, arity: int) -> list[Any] | None:
    if not cursor:
        return None
    try:
        pad = "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(cursor + pad).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise QueryError("cursor is not one this API issued", "cursor") from None
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != kind:
        raise QueryError(f"cursor belongs to another list or sort order (expected {kind})", "cursor")
    return data[1:]


@dataclass
class Page:
    """One page of a list: the rows and the cursor of the next page (None at the end)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    return limit


def keyset_parts(query, col, idcol, *, desc: bool, after: str | None, nulls_possible: bool = True,
                 null_test=None) -> list:
    """The statements that page through `query` after a cursor, with bind parameters `v`, `last`, `lim`.

    Order: `col` then `idcol`, descending or ascending, with NULL values of `col` last when
    descending and first when ascending (SQLite's own order, made explicit for others). The
    NULL rows and the others are separate statements, run one after the other until the page
    is full, so that each is a plain range over an index (`col <= :v`), never an OR that
    would turn a deep page into a scan. `after` is the cursor's state: None (first page),
    "null" (the last row had no value) or "value". `nulls_possible=False` (a range filter on
    `col` rules NULL out) leaves the NULL statement away: SQLite would otherwise walk every NULL
    row of the index to find none matches the range. `null_test` replaces `col IS NULL` in that
    statement (a form the planner does not answer from `col`'s index, when another index is
    more selective).
    """
    v, last, lim = bindparam("v"), bindparam("last"), bindparam("lim")

    def nonnull(with_cursor: bool):
        q = query.where(col.is_not(None))
        if with_cursor:
            q = q.where(col <= v, or_(col < v, idcol < last)) if desc else q.where(col >= v, or_(col > v, idcol > last))
        return q.order_by(*([col.desc(), idcol.desc()] if desc else [col.asc(), idcol.asc()])).limit(lim)

    def nulls(with_cursor: bool):
        q = query.where(col.is_(None) if null_test is None else null_test)
        if with_cursor:
            q = q.where(idcol < last if desc else idcol > last)
        return q.order_by(idcol.desc() if desc else idcol.asc()).limit(lim)

    if not nulls_possible:
        if desc:
            return [] if after == "null" else [nonnull(after == "value")]
        return [nonnull(after == "value")]
    if desc:
        return [nulls(True)] if after == "null" else [nonnull(after == "value"), nulls(False)]
    return [nonnull(True)] if after == "value" else [nulls(after == "null"), nonnull(False)]


def cursor_state(after: list[Any] | None) -> str | None:
    if after is None:
        return None
    return "null" if after[0] is None else "value"


# -- small cache ------------------------------------------------------------------------------

class VersionedCache:
    """A small LRU whose entries die when the store version changes or after `ttl` seconds."""

    def __init__(self, size: int = 512, ttl: float = 600.0) -> None:
        self.size, self.ttl = size, ttl
        self._data: OrderedDict[Any, tuple[Any, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Any, threading.Lock] = {}

    def _hit(self, key: Any, version: Any) -> tuple[bool, Any]:
        with self._lock:
            hit = self._data.get(key)
            if hit and hit[0] == version and time.monotonic() - hit[1] < self.ttl:
                self._data.move_to_end(key)
                return True, hit[2]
        return False, None

    def get(self, key: Any, version: Any, compute: Callable[[], Any]) -> Any:
        found, value = self._hit(key, version)
        if found:
            return value
        # one computation per key at a time: concurrent requests for a slow aggregate wait for
        # the first one instead of all running the same scan
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            found, value = self._hit(key, version)
            if found:
                return value
            now = time.monotonic()
            value = compute()
            with self._lock:
                self._data[key] = (version, now, value)
                self._data.move_to_end(key)
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
                self._computing.pop(key, None)
        return value


# -- the query object -------------------------------------------------------------------------

DOC_FIELDS = ("id", "source", "title", "publisher", "author", "published", "language", "url", "speaker",
              "near_duplicate_of", "chars", "ingested_at")
DOC_SORTS = ("-published", "published", "-ingested", "id")
FACT_SORTS = ("-id", "id", "-published", "published")
SEARCH_WINDOW = 500  # most recent matches ranked by BM25 per search (BM25 costs ~10 µs a match)
VERSION_TTL = 1.0  # seconds a process trusts its last look at the store version


def _quote(t) -> Any:
    """The evidence text of a fact row, cut from its document in SQL (characters, not bytes)."""
    return func.substr(s.documents.c.text, t.c.start + 1, t.c.end - t.c.start).label("quote")


class Queries(ClaimQueries):
    """Read-only access to a store for the web layer. Thread-safe; one per app."""

    def __init__(self, engine: Engine, adapter: Any, *, probe: Callable[[], Any] | None = None) -> None:
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

    # -- documents --------------------------------------------------------------------------
    def documents(self, *, q: str | None = None, publisher: str | None = None, language: str | None = None,
                  published_from: str | None = None, published_to: str | None = None,
                  mentions: str | None = None, sort: str = "-published", limit: int | None = None,
                  cursor: str | None = None) -> Page:
        """Documents (without their text) matching the filters, newest first by default.

        `q` is full-text search (FTS5 on SQLite); `mentions` a KB id the document mentions.
        Sorts: `-published` / `published` (publication date, undated last / first),
        `-ingested` (latest stored first), `id`.
        """
        if sort not in DOC_SORTS:
            raise QueryError(f"sort must be one of {', '.join(DOC_SORTS)}", "sort")
        limit = clamp_limit(limit)
        ckind = f"documents{sort}"
        after = decode_cursor(cursor, ckind, 2)
        params: dict[str, Any] = {"publisher": publisher, "language": language, "pfrom": published_from,
                                  # a bare year or month bound includes the whole period
                                  "pto": published_to + "\uffff" if published_to else None,
                                  "mentions": mentions}
        words: list[str] = []
        if q is not None:
            match = self.match_words(q)
            if not match:
                return Page([], None)
            words = [] if self.sqlite or self.pg else match
            params["match"] = self.adapter.match_param(q) if self.pg else self.fts_match(q)
            params.update({f"w{i}": f"%{w.lower()}%" for i, w in enumerate(words)})
        if after:
            params["v"], params["last"] = after
        filters = tuple(k for k in ("publisher", "language", "pfrom", "pto", "mentions") if params[k])
        shape = ("documents", sort, q is not None, len(words), filters, cursor_state(after))

        def build() -> list:
            d = s.documents.c
            query = select(*(getattr(d, f) for f in DOC_FIELDS))
            if q is not None:
                query = query.where(d.id.in_(self._match_subquery(len(words))))
            conds = {"publisher": d.publisher == bindparam("publisher"),
                     "language": d.language == bindparam("language"),
                     "pfrom": d.published >= bindparam("pfrom"), "pto": d.published <= bindparam("pto"),
                     "mentions": d.id.in_(select(s.spans.c.doc_id).where(s.spans.c.label == bindparam("mentions")))}
            query = query.where(*(conds[k] for k in filters))
            if sort == "id":
                if after:
                    query = query.where(d.id > bindparam("last"))
                return [query.order_by(d.id).limit(bindparam("lim"))]
            if sort == "-ingested":
                # insertion order: SQLite's rowid is free to sort by; elsewhere the ingest timestamp
                col = literal_column("documents.rowid") if self.sqlite else d.ingested_at
                return keyset_parts(query.add_columns(col.label("_key")), col, d.id, desc=True,
                                    after=cursor_state(after))
            return keyset_parts(query.add_columns(d.published.label("_key")), d.published, d.id,
                                desc=sort == "-published", after=cursor_state(after),
                                nulls_possible="pfrom" not in filters and "pto" not in filters)

        with self.connect() as conn:
            rows = self.run(conn, shape, build, params, limit + 1)
        page = self._page(rows, limit, ckind, lambda r: [r.get("_key"), r["id"]])
        for r in page.items:
            r.pop("_key", None)
        return page

    def match_words(self, q: str) -> list[str]:
        return re.findall(r"\w+", q)

    def fts_match(self, q: str) -> str:
        from ..store.adapters import fts_query

        return fts_query(q)

    def _match_subquery(self, n_words: int):
        """Ids of documents matching bind parameter `match` (FTS5, tsvector) or `w0..wn` (portable LIKE)."""
        if self.pg:
            return select(s.documents.c.id).where(self.adapter.match_condition())
        if self.sqlite:
            return select(sqltext("doc_id")).select_from(sqltext("documents_fts")).where(
                sqltext("documents_fts MATCH :match"))
        return select(s.documents.c.id).where(
            *(func.lower(s.documents.c.text).like(bindparam(f"w{i}")) for i in range(n_words)))

    @staticmethod
    def _page(rows: list[dict], limit: int, ckind: str, key: Callable[[dict], list]) -> Page:
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(rows, encode_cursor(ckind, key(rows[-1])) if more and rows else None)

    def search(self, q: str, limit: int = 20) -> list[dict[str, Any]]:
        """Best-ranked documents for `q`, with a snippet.

        On SQLite the BM25 ranking covers the `SEARCH_WINDOW` most recently stored matches:
        a common word matches most of the store, and scoring every match would make one
        query cost as much as the whole index. The window is a rowid range, which FTS5
        walks without scoring. Other databases use the adapter's portable search.
        """
        from ..store.adapters import fts_query

        if not self.sqlite:
            with self.connect() as conn:
                hits = self.adapter.search(conn, q, limit)
            return [{"id": h.doc_id, "title": h.title, "source": h.source, "published": h.published,
                     "snippet": h.snippet} for h in hits]
        match = fts_query(q)
        if not match:
            return []
        with self.connect() as conn:
            floor = conn.execute(sqltext(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q ORDER BY rowid DESC "
                "LIMIT 1 OFFSET :w"), {"q": match, "w": SEARCH_WINDOW - 1}).scalar() or 0
            top = conn.execute(sqltext(
                "SELECT doc_id FROM documents_fts WHERE documents_fts MATCH :q AND rowid >= :floor "
                "ORDER BY bm25(documents_fts) LIMIT :n"), {"q": match, "floor": floor, "n": limit}).scalars().all()
            if not top:
                return []
            d = s.documents.c
            docs = {r.id: r for r in conn.execute(select(d.id, d.title, d.source, d.published, d.text)
                                                  .where(d.id.in_(top)))}
        words = [w.lower() for w in re.findall(r"\w+", q)]
        return [{"id": i, "title": docs[i].title, "source": docs[i].source, "published": docs[i].published,
                 "snippet": snippet(docs[i].text, words)} for i in top if i in docs]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document, its text and every fact with its span, as the extraction contract shapes it."""
        with self.connect() as conn:
            d = self._prepared["documents"].first(conn, doc_id=doc_id)
            if d is None:
                return None

            def rows(t):
                return self._prepared[t.name].all(conn, doc_id=doc_id)

            text = d["text"]
            facts = facts_from_rows(text, rows, review=True)
            # the pages show speaking states and organisations with the people
            facts["actors"] = facts["actors"] + facts.pop("speaking_entities")
            for st in facts["stances"]:
                st["text"] = text[st["evidence"][0]:st["evidence"][1]]
            mentions = self._prepared["mentions"].all(conn, doc_id=doc_id)
            return {
                "doc": {**{k: d[k] for k in DOC_FIELDS}, "text": text},
                **facts,
                "mentions": [{"id": m["label"], "span": [m["start"], m["end"]], "how": m["how"]} for m in mentions],
            }

    # -- fact lists ---------------------------------------------------------------------------
    def _fact_list(self, table, cols: list, where: dict[str, Any], params: dict[str, Any], ckind: str,
                   limit: int | None, cursor: str | None, sort: str,
                   branches: dict[str, Callable[[], Any]] | None = None, review: str | None = None) -> Page:
        """A page of fact rows joined to their document's title and date.

        `where` maps a filter's name to a function building its condition from bind parameters
        (only filters with a value are passed, so the set of names is the statement's shape).
        `branches`, when given, are alternative conditions (a speaker, or anyone speaking for a
        state): each is paged on its own index and the pages are merged, where one OR would
        have to sort every matching row. Sorts: `-id` (latest extracted first, the default: an
        index walk), `id`, `-published`, `published` (by document date; these sort the matches).

        Two steps: the page's row ids first, reading only ids and dates (a sort by date over
        thousands of matches then never carries their quotes), then the page's fields and
        quotes for those ids alone.
        """
        limit = clamp_limit(limit)
        if sort not in FACT_SORTS:
            raise QueryError(f"sort must be one of {', '.join(FACT_SORTS)}", "sort")
        # review state (issue 14): rejected facts are hidden unless asked for; the value names the shape
        cond = review_condition(table, review)
        if cond is not None:
            where = {**where, f"review={review or ''}": lambda: cond}
        cols = [*cols, table.c.fact_key, table.c.review, table.c.kept]
        ckind = f"{ckind}{sort}"
        after = decode_cursor(cursor, ckind, 2)
        if after:
            params = {**params, "v": after[0], "last": after[1]}
        by_date = sort in ("-published", "published")
        desc = sort in ("-id", "-published")
        need_doc = by_date or "pfrom" in where or "pto" in where
        d = s.documents.c

        def build(branch: Callable[[], Any] | None) -> Callable[[], list]:
            def make() -> list:
                keys = [table.c.id.label("row")] + ([d.published.label("published")] if need_doc else [])
                base = select(*keys).select_from(table.join(s.documents, d.id == table.c.doc_id) if need_doc else table)
                base = base.where(*(f() for f in where.values()), *([branch()] if branch else []))
                if not by_date:
                    if after:
                        base = base.where(table.c.id < bindparam("last") if desc else table.c.id > bindparam("last"))
                    return [base.order_by(table.c.id.desc() if desc else table.c.id.asc()).limit(bindparam("lim"))]
                # undated rows of a fact list: SQLite would start from the documents' NULL dates
                # (thousands) and probe each for facts; `+col` (no index) makes it start from the
                # fact filter's own index instead
                null_test = None
                if self.sqlite and (where or branch):
                    null_test = literal_column("+documents.published").is_(None)
                return keyset_parts(base, d.published, table.c.id, desc=desc, after=cursor_state(after),
                                    nulls_possible="pfrom" not in where and "pto" not in where, null_test=null_test)
            return make

        with self.connect() as conn:
            found: dict[int, Any] = {}
            for name, branch in (branches or {None: None}).items():
                shape = (table.name, sort, tuple(where), name, need_doc, cursor_state(after))
                for r in self.run(conn, shape, build(branch), params, limit + 1):
                    found[r["row"]] = r.get("published")
            order = sorted(found.items(), key=_fact_order(by_date), reverse=desc)[:limit + 1]
            rows = self._fact_details(conn, table, cols, [row for row, _ in order])
        for r in rows:
            r["review"] = r["review"] or "machine"
            r["kept"] = bool(r["kept"])
        if not by_date:
            return self._page(rows, limit, ckind, lambda r: [None, r["row"]])
        return self._page(rows, limit, ckind, lambda r: [r["published"], r["row"]])

    def _fact_details(self, conn: Connection, table, cols: list, ids: list[int]) -> list[dict[str, Any]]:
        """The listed fields, quote, document title and date of the fact rows `ids`, in that order."""
        if not ids:
            return []
        key = (table.name, len(ids))
        stmt = self._details.get(key)
        if stmt is None:
            d = s.documents.c
            core = (select(*cols, table.c.id.label("row"), d.title.label("doc_title"), d.published.label("published"),
                           table.c.doc_id).select_from(table.join(s.documents, d.id == table.c.doc_id))
                    .where(table.c.id.in_([bindparam(f"i{n}") for n in range(len(ids))])))
            stmt = Prepared(core, self.engine)
            # the result conversions Core would apply (booleans stored as integers, say)
            stmt.convert = [(c.key, c.type.result_processor(self.engine.dialect, None)) for c in core.selected_columns]
            stmt.convert = [(k, f) for k, f in stmt.convert if f is not None]
            if len(self._details) < 4096:
                self._details[key] = stmt
        rows = stmt.all(conn, **{f"i{n}": i for n, i in enumerate(ids)})
        for k, f in stmt.convert:
            for r in rows:
                r[k] = f(r[k])
        by_id = {r["row"]: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def _speaker_cond(self, col, affiliation_col, actor: str):
        """Rows said by `actor` or by anyone speaking for it (an OR of two indexed columns)."""
        return [or_(col == actor, affiliation_col == actor)]

    @staticmethod
    def _speaker_branches(col, affiliation_col, actor: str, params: dict) -> dict[str, Callable[[], Any]]:
        """The bind-parameter form of `_speaker_cond`, as two branches `_fact_list` pages separately."""
        params["who"] = actor
        return {"speaker": lambda: col == bindparam("who"),
                "for": lambda: affiliation_col == bindparam("who")}

    @staticmethod
    def _filters(table, values: dict[str, Any], where: dict, params: dict) -> None:
        """Equality filters on columns of `table` for the values given."""
        for name, value in values.items():
            if value is not None and value != "":
                params[name] = value
                where[name] = (lambda col, n: lambda: col == bindparam(n))(table.c[name], name)

    @staticmethod
    def _date_filters(published_from: str | None, published_to: str | None, where: dict, params: dict) -> None:
        if published_from:
            params["pfrom"] = published_from
            where["pfrom"] = lambda: s.documents.c.published >= bindparam("pfrom")
        if published_to:
            params["pto"] = published_to + "\uffff"
            where["pto"] = lambda: s.documents.c.published <= bindparam("pto")

    def stances(self, *, actor: str | None = None, target: str | None = None, polarity: str | None = None,
                published_from: str | None = None, published_to: str | None = None,
                limit: int | None = None, cursor: str | None = None, sort: str = "-id",
                review: str | None = None) -> Page:
        """Stances with their evidence quote; `actor` matches the speaker or the state/org they speak for."""
        t = s.stances
        where: dict = {}
        params: dict = {}
        branches = self._speaker_branches(t.c.actor, t.c.affiliation, actor, params) if actor else None
        self._filters(t, {"target": target, "polarity": polarity}, where, params)
        self._date_filters(published_from, published_to, where, params)
        cols = [t.c.actor, t.c.affiliation, t.c.target, t.c.polarity, t.c.confidence, t.c.start, t.c.end,
                _quote(t)]
        return self._fact_list(t, cols, where, params, "stances", limit, cursor, sort, branches, review)

    def statements(self, *, speaker: str | None = None, doc_id: str | None = None, limit: int | None = None,
                   cursor: str | None = None, sort: str = "-id", review: str | None = None) -> Page:
        """Statements (quotes and reported speech); `speaker` matches the speaker or their state/org."""
        t = s.statements
        where: dict = {}
        params: dict = {}
        branches = self._speaker_branches(t.c.speaker, t.c.affiliation, speaker, params) if speaker else None
        self._filters(t, {"doc_id": doc_id}, where, params)
        cols = [t.c.speaker, t.c.affiliation, t.c.direct, t.c.start, t.c.end, _quote(t)]
        return self._fact_list(t, cols, where, params, "statements", limit, cursor, sort, branches, review)

    def attributions(self, *, incident: str | None = None, accused: str | None = None,
                     claimant: str | None = None, limit: int | None = None, cursor: str | None = None,
                     sort: str = "published", review: str | None = None) -> Page:
        """Attribution claims, oldest first by default (they read as a timeline)."""
        t = s.attributions
        where: dict = {}
        params: dict = {}
        self._filters(t, {"incident": incident, "accused": accused, "claimant": claimant}, where, params)
        cols = [t.c.incident, t.c.accused, t.c.claimant, t.c.certainty, t.c.via, t.c.start, t.c.end, _quote(t)]
        return self._fact_list(t, cols, where, params, "attributions", limit, cursor, sort, review=review)

    def subscriptions(self, *, actor: str | None = None, instrument: str | None = None,
                      limit: int | None = None, cursor: str | None = None, sort: str = "-id",
                      review: str | None = None) -> Page:
        """Subscriptions reported in documents (the KB's register is separate: `kb.subscriptions`)."""
        t = s.subscriptions
        where: dict = {}
        params: dict = {}
        self._filters(t, {"actor": actor, "instrument": instrument}, where, params)
        cols = [t.c.actor, t.c.instrument, t.c.action, t.c.date, t.c.start, t.c.end, _quote(t)]
        return self._fact_list(t, cols, where, params, "subscriptions", limit, cursor, sort, review=review)

    def event_rows(self, event: str) -> list[dict[str, Any]]:
        """Every stored mention of an event, with the document it comes from."""
        t = s.events
        query = (select(t, s.documents.c.title.label("doc_title"), s.documents.c.published, _quote(t))
                 .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id))
                 .where(t.c.event == event, _live(t)).order_by(t.c.id).limit(MAX_LIMIT))
        with self.connect() as conn:
            out = []
            for r in conn.execute(query).mappings():
                row = dict(r)
                row["participants"] = json.loads(row["participants"])
                out.append(row)
            return out

    def incident_rows(self, incident: str) -> list[dict[str, Any]]:
        t = s.incidents
        query = (select(t, s.documents.c.title.label("doc_title"), s.documents.c.published)
                 .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id))
                 .where(t.c.incident == incident, _live(t)).order_by(t.c.id).limit(MAX_LIMIT))
        with self.connect() as conn:
            out = []
            for r in conn.execute(query).mappings():
                row = dict(r)
                row["spans"] = json.loads(row["spans"])
                out.append(row)
            return out

    def statements_in(self, doc_ids: Iterable[str], limit: int = MAX_LIMIT) -> list[dict[str, Any]]:
        """Statements of the given documents, in document then text order (what each said at a meeting)."""
        ids = list(doc_ids)
        if not ids:
            return []
        t = s.statements
        query = (select(t.c.doc_id, t.c.speaker, t.c.affiliation, t.c.direct, t.c.start, t.c.end, _quote(t),
                        t.c.fact_key, t.c.review, s.documents.c.title.label("doc_title"), s.documents.c.published)
                 .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id))
                 .where(t.c.doc_id.in_(ids), _live(t)).order_by(t.c.doc_id, t.c.start).limit(limit))
        with self.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- actors -----------------------------------------------------------------------------
    def actors(self, *, kind: str | None = None, q: str | None = None, limit: int | None = None,
               cursor: str | None = None) -> Page:
        """Distinct actors seen in documents, by id, with how many documents name them."""
        limit = clamp_limit(limit)
        a = s.actors.c
        after = decode_cursor(cursor, "actors", 1)
        query = select(a.actor.label("id"), func.max(a.kind).label("kind"), func.max(a.name).label("name"),
                       func.count(func.distinct(a.doc_id)).label("documents"))
        conds = []
        if kind:
            conds.append(a.kind == kind)
        if q:
            conds.append(func.lower(a.name).contains(q.lower()))
        if after:
            conds.append(a.actor > after[0])
        query = query.where(*conds).group_by(a.actor).order_by(a.actor).limit(limit + 1)
        with self.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        return self._page(rows, limit, "actors", lambda r: [r["id"]])

    def actor_profile(self, actor: str) -> dict[str, Any]:
        """What documents say an actor is: roles and affiliations with counts, and fact counts."""
        a = s.actors.c
        with self.connect() as conn:
            names = conn.execute(select(a.name, a.kind, a.role, a.affiliation, func.count().label("n"))
                                 .where(a.actor == actor).group_by(a.name, a.kind, a.role, a.affiliation)
                                 .order_by(func.count().desc()).limit(50)).mappings().all()
            members = conn.execute(select(a.actor, func.max(a.name).label("name"), func.count().label("n"))
                                   .where(a.affiliation == actor).group_by(a.actor)
                                   .order_by(func.count().desc()).limit(50)).mappings().all()
            counts = {}
            for name, t, col in (("statements", s.statements, s.statements.c.speaker),
                                 ("stances", s.stances, s.stances.c.actor)):
                counts[name] = int(conn.execute(select(func.count()).select_from(t).where(
                    *self._speaker_cond(col, t.c.affiliation, actor))).scalar_one())
            counts["documents"] = int(conn.execute(select(func.count(func.distinct(a.doc_id))).where(
                a.actor == actor)).scalar_one())
        return {"names": [dict(r) for r in names], "members": [dict(r) for r in members], "counts": counts}

    def actor_names(self, ids: Iterable[str]) -> dict[str, str]:
        """The name documents give each actor id (for people the KB does not list)."""
        return self._actor_field("name", ids)

    def actor_roles(self, ids: Iterable[str]) -> dict[str, str]:
        """A role documents give each actor id ("Foreign Minister"), for lists of people."""
        return self._actor_field("role", ids)

    def _actor_field(self, field: str, ids: Iterable[str]) -> dict[str, str]:
        """max(name or role) per actor id: one seek per id on the (actor, field) index.

        A single GROUP BY over an IN list reads every row naming each actor (a state appears in
        tens of thousands of documents); SQLite answers `max()` of an indexed column for one key
        from the end of that key's index range instead.
        """
        ids = sorted({i for i in ids if i})[:MAX_LIMIT]
        if not ids:
            return {}
        stmt = self._prepared.get(f"actor-{field}")
        if stmt is None:
            col = s.actors.c[field]
            stmt = Prepared(select(func.max(col)).where(s.actors.c.actor == bindparam("a")), self.engine)
            self._prepared[f"actor-{field}"] = stmt
        out = {}
        with self.connect() as conn:
            for i in ids:
                value = conn.exec_driver_sql(stmt.sql, stmt._params({"a": i})).scalar()
                if value is not None:
                    out[i] = value
        return out

    def stance_timeline(self, actor: str) -> list[dict[str, Any]]:
        """Stances of an actor (or those speaking for it) counted per year, target and polarity."""
        t = s.stances
        year = func.substr(s.documents.c.published, 1, 4).label("year")
        query = (select(year, t.c.target, t.c.polarity, func.count().label("n"))
                 .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id))
                 .where(*self._speaker_cond(t.c.actor, t.c.affiliation, actor), _live(t))
                 .group_by(year, t.c.target, t.c.polarity).order_by(year, t.c.target))
        with self.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- positions ----------------------------------------------------------------------------
    def positions(self, *, published_from: str | None = None, published_to: str | None = None,
                  by: str = "affiliation", targets: str | None = None) -> list[dict[str, Any]]:
        """Counts of stances per (actor, target, polarity), the positions matrix's raw cells.

        `by="affiliation"` folds people into the state or organisation they speak for (the view
        diplomats want); `by="actor"` keeps each speaker. `targets` is "proposition",
        "instrument" or None for both. Year bounds (YYYY) are answered from one cached
        per-year table, so every year range costs a sum in memory; finer dates query the store.
        """
        if by not in ("affiliation", "actor"):
            raise QueryError("by must be affiliation or actor", "by")
        if targets not in (None, "proposition", "instrument"):
            raise QueryError("targets must be proposition or instrument", "targets")
        years_only = all(v is None or re.fullmatch(r"\d{4}", v) for v in (published_from, published_to))
        if not years_only:
            return self._positions_sql(published_from, published_to, by, targets)
        prefix = targets + ":" if targets else ""
        sums: dict[tuple, list[int]] = {}
        for r in self.positions_by_year(by):
            y = r["year"]
            if published_from and (y is None or y < published_from):
                continue
            if published_to and (y is None or y > published_to):
                continue
            if prefix and not r["target"].startswith(prefix):
                continue
            acc = sums.setdefault((r["actor"], r["target"], r["polarity"]), [0, 0])
            acc[0] += r["n"]
            acc[1] += r["documents"]
        return [{"actor": a, "target": t, "polarity": p, "n": n, "documents": docs}
                for (a, t, p), (n, docs) in sums.items()]

    def _who(self, by: str):
        t = s.stances
        return (func.coalesce(t.c.affiliation, t.c.actor) if by == "affiliation" else t.c.actor).label("actor")

    def positions_by_year(self, by: str) -> list[dict[str, Any]]:
        """Stance counts per (year, actor, target, polarity), one pass over the store, cached per version."""
        t = s.stances
        who = self._who(by)
        year = func.substr(s.documents.c.published, 1, 4).label("year")
        query = (select(year, who, t.c.target, t.c.polarity, func.count().label("n"),
                        func.count(func.distinct(t.c.doc_id)).label("documents"))
                 .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id)).where(_live(t))
                 .group_by(year, who, t.c.target, t.c.polarity))
        with self.connect() as conn:
            return self.cache.get(("positions-by-year", by), self.version(conn),
                                  lambda: [dict(r) for r in conn.execute(query).mappings()])

    def _positions_sql(self, published_from: str | None, published_to: str | None, by: str,
                       targets: str | None) -> list[dict[str, Any]]:
        t = s.stances
        who = self._who(by)
        conds = [*_date_conds(published_from, published_to), _live(t)]
        if targets:
            conds.append(t.c.target.like(targets + ":%"))
        query = (select(who, t.c.target, t.c.polarity, func.count().label("n"),
                        func.count(func.distinct(t.c.doc_id)).label("documents"))
                 .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id)).where(*conds)
                 .group_by(who, t.c.target, t.c.polarity))
        key = ("positions", published_from, published_to, by, targets)
        with self.connect() as conn:
            return self.cache.get(key, self.version(conn), lambda: [dict(r) for r in conn.execute(query).mappings()])

    def contested(self, limit: int = 10) -> list[dict[str, Any]]:
        """Targets with both supporters and opponents, most evenly split (and most argued) first."""
        t = s.stances
        sup = func.sum(case((t.c.polarity == "support", 1), else_=0))
        opp = func.sum(case((t.c.polarity == "oppose", 1), else_=0))
        query = (select(t.c.target, sup.label("support"), opp.label("oppose"), func.count().label("n"))
                 .where(_live(t)).group_by(t.c.target))
        with self.connect() as conn:
            rows = self.cache.get("contested", self.version(conn),
                                  lambda: [dict(r) for r in conn.execute(query).mappings()])
        rows = [r for r in rows if (r["support"] or 0) and (r["oppose"] or 0)]
        rows.sort(key=lambda r: (-min(r["support"], r["oppose"]), -r["n"], r["target"]))
        return rows[:limit]

    def target_counts(self, prefix: str) -> dict[str, int]:
        """How many stances each target of a kind ("proposition", "instrument") carries."""
        t = s.stances
        query = (select(t.c.target, func.count().label("n")).where(t.c.target.like(prefix + ":%"), _live(t))
                 .group_by(t.c.target))
        with self.connect() as conn:
            return self.cache.get(("targets", prefix), self.version(conn),
                                  lambda: {r.target: int(r.n) for r in conn.execute(query)})

    def mention_counts(self) -> dict[str, int]:
        """How many documents mention each instrument."""
        t = s.instrument_mentions
        query = select(t.c.instrument, func.count(func.distinct(t.c.doc_id)).label("n")).group_by(t.c.instrument)
        with self.connect() as conn:
            return self.cache.get("mentions", self.version(conn),
                                  lambda: {r.instrument: int(r.n) for r in conn.execute(query)})

    def incident_ids(self) -> dict[str, int]:
        t = s.incidents
        query = select(t.c.incident, func.count(func.distinct(t.c.doc_id)).label("n")).group_by(t.c.incident)
        with self.connect() as conn:
            return self.cache.get("incidents", self.version(conn),
                                  lambda: {r.incident: int(r.n) for r in conn.execute(query)})

    def event_ids(self) -> dict[str, int]:
        t = s.events
        query = select(t.c.event, func.count(func.distinct(t.c.doc_id)).label("n")).group_by(t.c.event)
        with self.connect() as conn:
            return self.cache.get("events", self.version(conn),
                                  lambda: {r.event: int(r.n) for r in conn.execute(query)})

    def rejections(self, *, stage: str | None = None, code: str | None = None, limit: int | None = None,
                   cursor: str | None = None) -> Page:
        """Rejected inputs, newest first: what was refused and why."""
        limit = clamp_limit(limit)
        r = s.rejections.c
        after = decode_cursor(cursor, "rejections", 1)
        conds = []
        if stage:
            conds.append(r.stage == stage)
        if code:
            conds.append(r.code == code)
        if after:
            conds.append(r.id < after[0])
        query = select(s.rejections).where(*conds).order_by(r.id.desc()).limit(limit + 1)
        with self.connect() as conn:
            rows = [dict(x) for x in conn.execute(query).mappings()]
        return self._page(rows, limit, "rejections", lambda x: [x["id"]])

    def latest_documents(self, limit: int = 10) -> list[dict[str, Any]]:
        return self.documents(sort="-ingested", limit=limit).items


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


def _live(t):
    """Facts not rejected by a reviewer: what aggregates (matrix, timelines, counts) count."""
    return review_condition(t, None)


def snippet(text: str, words: list[str], width: int = 90) -> str:
    """Text around the first of `words` found (whole text start when none is), on word boundaries."""
    low = text.lower()
    hits = [i for i in (low.find(w) for w in words) if i >= 0]
    at = min(hits) if hits else 0
    start = max(0, at - width)
    end = min(len(text), at + width)
    if start:
        start = text.find(" ", start, at) + 1 if text.find(" ", start, at) >= 0 else start
    if end < len(text):
        cut = text.rfind(" ", at, end)
        end = cut if cut > at else end
    return ("… " if start else "") + " ".join(text[start:end].split()) + (" …" if end < len(text) else "")


def _fact_order(by_date: bool) -> Callable[[tuple[int, Any]], tuple]:
    """The sort key of a (row id, published) pair that matches SQL's order: undated rows first
    when ascending and last when descending (sorted with reverse=True)."""
    if not by_date:
        return lambda x: (x[0],)
    return lambda x: (x[1] is not None, x[1] or "", x[0])


def _date_conds(published_from: str | None, published_to: str | None) -> list:
    out = []
    if published_from:
        out.append(s.documents.c.published >= published_from)
    if published_to:
        out.append(s.documents.c.published <= published_to + "\uffff")
    return out

