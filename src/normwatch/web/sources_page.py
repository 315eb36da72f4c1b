"""The watched sources and their state (issue 15): `/sources` (page) and `/api/v1/sources` (JSON).

Each source shows when it last worked, its last error, whether it is waiting after errors
(backoff), how many items it listed and how many of them became stored documents, so a user
sees at a glance what is watched and what is failing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..watch.state import WatchState
from .export import JSONText

router = APIRouter()


def _sources(request: Request) -> list[dict[str, Any]]:
    rows = WatchState(request.app.state.store).sources()
    for r in rows:
        r["status"] = ("failing" if r["failures"] else "ok" if r["last_success"] else "not polled yet")
    return rows


@router.get("/api/v1/sources", summary="Watched sources with their state: last success, last error, items found")
def sources_api(request: Request) -> Response:
    return JSONText({"items": _sources(request)})


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    from .pages import _page

    rows = _sources(request)
    failing = sum(1 for r in rows if r["failures"])
    return _page(request, "sources.html", items=rows, failing=failing)
