"""Read queries over actors and their positions, and the counts the pages show.

Aggregates over whole tables (the positions matrix, counts) are cached per store version, so
they are recomputed only after an ingest. Mixed into `queries.Queries`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from sqlalchemy import bindparam, case, func, select

from ..store import schema as s
from .fact_queries import _live
from .paging import MAX_LIMIT, Page, QueryError, clamp_limit, decode_cursor
from .prepared import Prepared


class ActorQueries:
    """Actors, profiles, positions and counts; needs the `Queries` it is mixed into."""

    def actors(self, *, kind: str | None = None, q: str | None = None, limit: int | None = None,
               cursor: str | None = None) -> Page:
        """Distinct actors seen in documents, by id, with how many documents name them."""
        limit = clamp_limit(limit)
        a = s.actors.c
        after = decode_cursor(cursor, "actors", 1, self.cursor_key)
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
        return self._documents_per("mentions", s.instrument_mentions.c.instrument)

    def incident_ids(self) -> dict[str, int]:
        return self._documents_per("incidents", s.incidents.c.incident)

    def event_ids(self) -> dict[str, int]:
        return self._documents_per("events", s.events.c.event)

    def _documents_per(self, cache_key: str, col) -> dict[str, int]:
        """How many documents name each value of `col` (a KB id column), cached per store version."""
        query = select(col.label("k"), func.count(func.distinct(col.table.c.doc_id)).label("n")).group_by(col)
        with self.connect() as conn:
            return self.cache.get(cache_key, self.version(conn),
                                  lambda: {r.k: int(r.n) for r in conn.execute(query)})


def _date_conds(published_from: str | None, published_to: str | None) -> list:
    out = []
    if published_from:
        out.append(s.documents.c.published >= published_from)
    if published_to:
        out.append(s.documents.c.published <= published_to + "\uffff")
    return out
