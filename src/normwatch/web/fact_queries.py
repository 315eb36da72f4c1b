"""Read queries over fact lists (stances, statements, attributions, subscriptions, rejections).

A page is fetched in two steps (row ids on indexes, then fields and quotes for those rows
only); the indexes each list relies on are listed, with the reason, in migrations 0002 and 0003.
Mixed into `queries.Queries`.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from sqlalchemy import bindparam, func, literal_column, or_, select
from sqlalchemy.engine import Connection

from ..store import schema as s
from ..store.review_filter import sql_condition as review_condition
from .paging import MAX_LIMIT, Page, QueryError, clamp_limit, cursor_state, decode_cursor, keyset_parts
from .prepared import Prepared

FACT_SORTS = ("-id", "id", "-published", "published")


def _quote(t) -> Any:
    """The evidence text of a fact row, cut from its document in SQL (characters, not bytes)."""
    return func.substr(s.documents.c.text, t.c.start + 1, t.c.end - t.c.start).label("quote")


def _live(t):
    """Facts not rejected by a reviewer: what aggregates (matrix, timelines, counts) count."""
    return review_condition(t, None)


class FactQueries:
    """Paged fact lists; needs the `Queries` it is mixed into (`connect`, `run`, `_page`)."""

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
        after = decode_cursor(cursor, ckind, 2, self.cursor_key)
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

    def rejections(self, *, stage: str | None = None, code: str | None = None, limit: int | None = None,
                   cursor: str | None = None) -> Page:
        """Rejected inputs, newest first: what was refused and why."""
        limit = clamp_limit(limit)
        r = s.rejections.c
        after = decode_cursor(cursor, "rejections", 1, self.cursor_key)
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


def _fact_order(by_date: bool) -> Callable[[tuple[int, Any]], tuple]:
    """The sort key of a (row id, published) pair that matches SQL's order: undated rows first
    when ascending and last when descending (sorted with reverse=True)."""
    if not by_date:
        return lambda x: (x[0],)
    return lambda x: (x[1] is not None, x[1] or "", x[0])
