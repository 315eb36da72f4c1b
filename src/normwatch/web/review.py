"""Reviewing facts over the web: the write API, the review queue, a fact's review page, the form post.

    POST /api/v1/reviews          {"doc_id", "kind", "fact_key", "decision", "correction", "reason"}
    GET  /api/v1/reviews/queue    unreviewed facts, least certain first (kind, actor, instrument, incident)
    GET  /review                  the queue as a page;  GET /review/fact?doc=&kind=&key=  one fact
    POST /review                  the document page's and the fact page's forms (session + CSRF)

A write runs in one transaction: the fact rows, the `reviews` row and the audit row commit
together or not at all, so no review exists without its audit row.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..store import queue as review_queue
from ..store import reviews
from ..store.audit import audit_rows, review_of
from ..store.writelock import write_lock
from .auth import auth, viewer
from .export import JSONText, list_response
from .forms import as_dict, error_page, local_path, read_form

api = APIRouter(prefix="/api/v1")
pages = APIRouter(include_in_schema=False)
KIND_PATTERN = "^(" + "|".join(reviews.KINDS) + ")$"


class ReviewBody(BaseModel):
    doc_id: str = Field(..., max_length=64)
    kind: str = Field(..., max_length=32)
    fact_key: str = Field(..., max_length=2000)
    decision: str = Field(..., max_length=16, description="confirm, reject or correct")
    correction: dict[str, Any] | None = Field(None, description="fields to change (correct only)")
    reason: str | None = Field(None, max_length=4000, description="why, kept in the audit trail")


def write_review(request: Request, body: ReviewBody, user: str) -> dict[str, Any]:
    store = request.app.state.store
    with write_lock(store.url), store.engine.begin() as conn:
        return reviews.review(conn, doc_id=body.doc_id, kind=body.kind, key=body.fact_key, decision=body.decision,
                              correction=body.correction, reason=body.reason, user=user)


@api.post("/reviews", summary="Confirm, reject or correct one fact (needs a token with the review scope)")
def post_review(request: Request, body: ReviewBody) -> Response:
    who = auth(request).require(request, "review")
    return JSONText({"review": write_review(request, body, who.user)})


def _queue(request: Request, kind: str | None, actor: str | None, instrument: str | None, incident: str | None,
           limit: int, offset: int) -> list[dict[str, Any]]:
    with request.app.state.store.engine.connect() as conn:
        return review_queue.queue(conn, kinds=[kind] if kind else None, actor=actor or None,
                                  instrument=instrument or None, incident=incident or None,
                                  limit=limit, offset=offset)


@api.get("/reviews/queue", summary="Unreviewed facts, least certain first")
def get_queue(request: Request, kind: str | None = Query(None, pattern=KIND_PATTERN), actor: str | None = None,
              instrument: str | None = None, incident: str | None = None,
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=100_000),
              format: str = Query("json", pattern="^(json|csv|jsonl)$")) -> Response:
    items = _queue(request, kind, actor, instrument, incident, limit, offset)
    return list_response(request, items, fmt=format, name="review-queue")


@api.get("/reviews/fact", summary="One fact's current review state, review and audit history")
def get_fact(request: Request, doc_id: str, kind: str = Query(..., pattern=KIND_PATTERN),
             fact_key: str = Query(...)) -> Response:
    data = _fact_data(request, doc_id, kind, fact_key)
    if data is None:
        from .api import NotFound

        raise NotFound(kind, f"{doc_id}/{fact_key}")
    return JSONText(data)


def _fact_data(request: Request, doc_id: str, kind: str, key: str) -> dict[str, Any] | None:
    with request.app.state.store.engine.connect() as conn:
        f = review_queue.fact(conn, doc_id, kind, key)
        if f is None:
            return None
        f["current_review"] = review_of(conn, doc_id, kind, key)
        f["history"] = audit_rows(conn, doc_id=doc_id, kind=kind, key=key, limit=100)
    return f


# -- pages ----------------------------------------------------------------------------------------

def _render(request: Request, template: str, **data: Any) -> HTMLResponse:
    from .pages import _page

    return _page(request, template, me=viewer(request), **data)


@pages.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, kind: str | None = Query(None, pattern="^(" + "|".join(reviews.KINDS) + ")?$"),
               actor: str | None = None, instrument: str | None = None, incident: str | None = None,
               offset: int = Query(0, ge=0, le=100_000)) -> HTMLResponse:
    items = _queue(request, kind or None, actor, instrument, incident, 50, offset)
    filters = {k: v for k, v in (("kind", kind), ("actor", actor), ("instrument", instrument),
                                 ("incident", incident)) if v}
    nxt = "/review?" + urlencode({**filters, "offset": offset + 50}) if len(items) == 50 else None
    return _render(request, "review_queue.html", items=items, filters=filters, kinds=list(reviews.KINDS),
                   next_url=nxt, label=fact_label)


@pages.get("/review/fact", response_class=HTMLResponse)
def fact_page(request: Request, doc: str, kind: str = Query(..., pattern=KIND_PATTERN), key: str = Query(...)
              ) -> HTMLResponse:
    data = _fact_data(request, doc, kind, key)
    if data is None:
        return error_page(request, 404, "NW800", f"no {kind} {key!r} in document {doc}")
    return _render(request, "review_fact.html", f=data, label=fact_label)


@pages.post("/review")
async def review_form(request: Request) -> Response:
    """The forms of the document page and the fact page: session cookie plus the CSRF field."""
    form = await read_form(request)
    who = auth(request).require(request, "review", csrf=form.get("csrf", ""))
    correction = {k: (None if v == "none" else v) for k, v in as_dict(form, "c_").items()}
    decision = form.get("decision", "")
    if correction and decision == "confirm":
        decision = "correct"  # the fact page's one button sends the corrected fields with it
    body = ReviewBody(doc_id=form.get("doc_id", ""), kind=form.get("kind", ""), fact_key=form.get("fact_key", ""),
                      decision=decision, correction=correction or None, reason=form.get("reason") or None)
    await run_in_threadpool(write_review, request, body, who.user)
    back = local_path(form.get("next"), f"/documents/{body.doc_id}")
    return RedirectResponse(back, status_code=303)


def fact_label(kind: str, f: dict[str, Any]) -> str:
    """One line saying what a fact claims (for the queue and the audit pages)."""
    g = f.get
    if kind == "stance":
        return f"{g('actor')} {g('polarity')} {g('target')}"
    if kind == "attribution":
        return f"{g('claimant') or 'someone'} blames {g('accused') or 'unknown'} for {g('incident')} " \
               f"({g('certainty')}, via {g('via')})"
    if kind == "statement":
        return f"{'quote' if g('direct') else 'reported speech'} by {g('speaker') or 'unknown speaker'}"
    if kind == "subscription":
        return f"{g('actor')} {g('action')} {g('instrument')}"
    if kind == "instrument_mention":
        return f"mention of {g('instrument')}"
    if kind == "incident":
        return f"incident {g('incident')}"
    if kind == "event":
        return f"meeting {g('name') or g('event')}"
    if kind == "actor":
        return f"{g('kind')} {g('name')} ({g('actor')})"
    return kind
