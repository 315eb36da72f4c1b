"""Read queries over attribution claims (issue 11), mixed into `queries.Queries`.

One module per resource (as datasette splits its views); the claims reuse the fact-list paging
and filters of `fact_queries`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..store import schema as s
from .fact_queries import _quote


class ClaimQueries:
    """Claims lists and new-incident titles; needs the `Queries` paging helpers it is mixed into."""

    def claims(self: Any, *, incident: str | None = None, accused: str | None = None, claimant: str | None = None,
               actor: str | None = None, certainty: str | None = None, limit: int | None = None,
               cursor: str | None = None, sort: str = "published", review: str | None = None) -> Any:
        """Every accusation and denial, with or without a resolved incident; oldest first by default.
        `review` filters by review state as for the other facts (default: rejected claims hidden)."""
        t = s.claims
        where: dict = {}
        params: dict = {}
        self._filters(t, {"incident": incident, "accused": accused, "claimant": claimant, "actor": actor,
                          "certainty": certainty}, where, params)
        cols = [t.c.incident, t.c.accused, t.c.actor, t.c.claimant, t.c.certainty, t.c.via, t.c.basis,
                t.c.start, t.c.end, _quote(t)]
        return self._fact_list(t, cols, where, params, "claims", limit, cursor, sort, review=review)

    def incident_titles(self: Any) -> dict[str, str]:
        """Readable titles of new incidents (not in the KB), as extraction built them."""
        t = s.incidents
        query = (select(t.c.incident, func.min(t.c.title).label("title"))
                 .where(t.c.title.is_not(None)).group_by(t.c.incident))
        with self.connect() as conn:
            return self.cache.get("incident_titles", self.version(conn),
                                  lambda: {r.incident: r.title for r in conn.execute(query)})
