"""Read queries over documents: lists, full-text search and one document with its facts.

Mixed into `queries.Queries`, which gives it `connect`, `run`, `_page` and the adapter.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy import text as sqltext

from ..store import schema as s
from ..store.db import facts_from_rows
from .paging import Page, QueryError, clamp_limit, cursor_state, decode_cursor, keyset_parts

DOC_FIELDS = ("id", "source", "title", "publisher", "author", "published", "language", "url", "speaker",
              "near_duplicate_of", "chars", "ingested_at")
DOC_SORTS = ("-published", "published", "-ingested", "id")
SEARCH_WINDOW = 500  # most recent matches ranked by BM25 per search (BM25 costs ~10 µs a match)


class DocumentQueries:
    """Documents, search and the document page; needs the `Queries` it is mixed into."""

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
        after = decode_cursor(cursor, ckind, 2, self.cursor_key)
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

