"""The audit trail over the web: `/api/v1/audit` and the `/audit` page, per fact, per user, per day.

Read-only: there is no route that changes or removes an audit row (and the store's triggers
would refuse it). Pages go newest first and page on with `before` (the last row's id).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..store.audit import audit_rows
from .export import list_response

api = APIRouter(prefix="/api/v1")
pages = APIRouter(include_in_schema=False)
DAY = r"^\d{4}-\d{2}-\d{2}$"


def _rows(request: Request, **kw: Any) -> tuple[list[dict[str, Any]], int | None]:
    limit = kw.pop("limit")
    with request.app.state.store.engine.connect() as conn:
        rows = audit_rows(conn, limit=limit + 1, **kw)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1]["id"] if more and rows else None)


@api.get("/audit", summary="The audit trail, newest first: per fact (doc_id, kind, fact_key), user or day")
def audit(request: Request, user: str | None = None, day: str | None = Query(None, pattern=DAY),
          doc_id: str | None = None, kind: str | None = None, fact_key: str | None = None,
          action: str | None = Query(None, max_length=32),
          cursor: str | None = Query(None, pattern=r"^\d{1,18}$", description="next_cursor of the previous page"),
          limit: int = Query(100, ge=1, le=500), format: str = Query("json", pattern="^(json|csv|jsonl)$")) -> Response:
    rows, nxt = _rows(request, user=user, day=day, doc_id=doc_id, kind=kind, key=fact_key, action=action,
                      before_id=int(cursor) if cursor else None, limit=limit)
    return list_response(request, rows, str(nxt) if nxt else None, fmt=format, name="audit")


@pages.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: str | None = None, day: str | None = Query(None, pattern=r"^(\d{4}-\d{2}-\d{2})?$"),
               doc: str | None = None, kind: str | None = None, key: str | None = None,
               before: int | None = Query(None, ge=1)) -> HTMLResponse:
    from .pages import _page
    from .auth import viewer
    from .review import fact_label

    rows, nxt = _rows(request, user=user or None, day=day or None, doc_id=doc or None, kind=kind or None,
                      key=key or None, action=None, before_id=before, limit=100)
    filters = {k: v for k, v in (("user", user), ("day", day), ("doc", doc), ("kind", kind), ("key", key)) if v}
    next_url = "/audit?" + urlencode({**filters, "before": nxt}) if nxt else None
    return _page(request, "audit.html", me=viewer(request), rows=rows, filters=filters, next_url=next_url,
                 label=fact_label)
