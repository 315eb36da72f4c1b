"""The versioned, read-only JSON API (`/api/v1`, OpenAPI at `/api/v1/openapi.json`).

Handlers are thin: parameters in, a dict from `views`/`queries` out. Every list answers
through `export.list_response` (cursor paging, `?format=csv|jsonl`), every error through
the one error shape the app installs (`{"error": {"code", "message", "detail"}}`).
Handlers are plain `def`: the store driver blocks, so they run in the threadpool.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from . import views
from .context import ctx
from .export import JSONText, list_response
from ..store.review_filter import REVIEW_FILTER_HELP, REVIEW_PATTERN
from .queries import POLARITY_ORDER

router = APIRouter(prefix="/api/v1")

Fmt = Literal["json", "csv", "jsonl"]
FMT = Query("json", description="json (default), csv or jsonl")
LIMIT = Query(None, ge=1, le=500, description="rows per page (default 50)")
CURSOR = Query(None, description="next_cursor from the previous page")
DATE_FROM = Query(None, alias="from", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                  description="earliest publication date (YYYY, YYYY-MM or YYYY-MM-DD)")
DATE_TO = Query(None, alias="to", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                description="latest publication date (a year or month includes all of it)")
# review state of facts (issue 14): default hides rejected facts
REVIEW = Query(None, pattern=REVIEW_PATTERN, description=REVIEW_FILTER_HELP)
FACT_SORT = Query("-id", pattern=r"^(-id|id|-published|published)$",
                  description="-id (latest extracted first), id, -published or published (document date)")


class NotFound(Exception):
    """An id the store and the knowledge base do not know; answered as 404 in the error shape."""

    def __init__(self, what: str, id_: str) -> None:
        super().__init__(f"no {what} {id_!r}")
        self.what, self.id = what, id_


def _found(value: Any, what: str, id_: str) -> Any:
    if value is None:
        raise NotFound(what, id_)
    return value


@router.get("/stats", summary="Counts of documents and facts in the store")
def stats(request: Request) -> Response:
    return JSONText({"store": ctx(request).queries.stats(), "kb_problem": ctx(request).kb.problem})


# -- documents ------------------------------------------------------------------------------

@router.get("/documents", summary="Documents, filtered and full-text searched, newest first")
def documents(request: Request, q: str | None = Query(None, max_length=500, description="full-text search"),
              publisher: str | None = None, language: str | None = None,
              published_from: str | None = DATE_FROM, published_to: str | None = DATE_TO,
              mentions: str | None = Query(None, description="a KB id the document mentions"),
              sort: str = Query("-published", pattern=r"^(-published|published|-ingested|id)$"),
              limit: int | None = LIMIT, cursor: str | None = CURSOR, format: Fmt = FMT) -> Response:
    page = ctx(request).queries.documents(q=q, publisher=publisher, language=language,
                                          published_from=published_from, published_to=published_to,
                                          mentions=mentions, sort=sort, limit=limit, cursor=cursor)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="documents")


@router.get("/search", summary="Best-ranked documents for a query, with snippets")
def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
           limit: int = Query(20, ge=1, le=100), format: Fmt = FMT) -> Response:
    return list_response(request, ctx(request).queries.search(q, limit), fmt=format, name="search")


@router.get("/documents/{doc_id}", summary="One document: text, metadata and every fact with its span")
def document(request: Request, doc_id: str, review: str | None = REVIEW) -> Response:
    return JSONText(_found(views.document(ctx(request), doc_id, review), "document", doc_id))


# -- facts ----------------------------------------------------------------------------------

@router.get("/stances", summary="Stances with their evidence quotes")
def stances(request: Request, actor: str | None = None, target: str | None = None,
            polarity: str | None = Query(None, pattern="^(" + "|".join(POLARITY_ORDER) + ")$"),
            published_from: str | None = DATE_FROM, published_to: str | None = DATE_TO,
            sort: str = FACT_SORT, limit: int | None = LIMIT, cursor: str | None = CURSOR,
            format: Fmt = FMT, review: str | None = REVIEW) -> Response:
    page = ctx(request).queries.stances(actor=actor, target=target, polarity=polarity,
                                        published_from=published_from, published_to=published_to,
                                        sort=sort, limit=limit, cursor=cursor, review=review)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="stances")


@router.get("/statements", summary="Statements (quotes and reported speech)")
def statements(request: Request, speaker: str | None = None, doc_id: str | None = None, sort: str = FACT_SORT,
               limit: int | None = LIMIT, cursor: str | None = CURSOR, format: Fmt = FMT,
               review: str | None = REVIEW) -> Response:
    page = ctx(request).queries.statements(speaker=speaker, doc_id=doc_id, sort=sort, limit=limit, cursor=cursor,
                                           review=review)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="statements")


@router.get("/attributions", summary="Attribution claims: who blamed whom, how certain, through which channel")
def attributions(request: Request, incident: str | None = None, accused: str | None = None,
                 claimant: str | None = None, sort: str = Query("published", pattern=r"^(-id|id|-published|published)$"),
                 limit: int | None = LIMIT, cursor: str | None = CURSOR, format: Fmt = FMT,
                 review: str | None = REVIEW) -> Response:
    page = ctx(request).queries.attributions(incident=incident, accused=accused, claimant=claimant, sort=sort,
                                             limit=limit, cursor=cursor, review=review)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="attributions")


@router.get("/claims", summary="Attribution claims and denials, with or without a resolved incident")
def claims(request: Request, incident: str | None = None, accused: str | None = None, claimant: str | None = None,
           actor: str | None = Query(None, description="a threat-actor id"),
           certainty: str | None = Query(None, pattern=r"^(confirmed|official|alleged|suspected|denied)$"),
           sort: str = Query("published", pattern=r"^(-id|id|-published|published)$"),
           limit: int | None = LIMIT, cursor: str | None = CURSOR, format: Fmt = FMT,
           review: str | None = REVIEW) -> Response:
    page = ctx(request).queries.claims(incident=incident, accused=accused, claimant=claimant, actor=actor,
                                       certainty=certainty, sort=sort, limit=limit, cursor=cursor, review=review)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="claims")


@router.get("/claims/graph", summary="Who accuses whom: claimant -> accused over all claims")
def claims_graph(request: Request, accused: str | None = None, claimant: str | None = None) -> Response:
    return JSONText(views.claim_graph(ctx(request), accused=accused, claimant=claimant))


# -- actors ---------------------------------------------------------------------------------

@router.get("/actors", summary="Actors named in documents, by id")
def actors(request: Request, kind: str | None = Query(None, pattern=r"^(state|org|person)$"),
           q: str | None = Query(None, max_length=200), limit: int | None = LIMIT, cursor: str | None = CURSOR,
           format: Fmt = FMT) -> Response:
    page = ctx(request).queries.actors(kind=kind, q=q, limit=limit, cursor=cursor)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="actors")


@router.get("/actors/{actor_id}", summary="An actor's profile: who they are, stances over time, subscriptions")
def actor(request: Request, actor_id: str) -> Response:
    return JSONText(_found(views.actor(ctx(request), actor_id), "actor", actor_id))


@router.get("/actors/{actor_id}/statements", summary="What an actor (or anyone speaking for it) said")
def actor_statements(request: Request, actor_id: str, sort: str = FACT_SORT, limit: int | None = LIMIT,
                     cursor: str | None = CURSOR, format: Fmt = FMT, review: str | None = REVIEW) -> Response:
    page = ctx(request).queries.statements(speaker=actor_id, sort=sort, limit=limit, cursor=cursor, review=review)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="statements")


@router.get("/actors/{actor_id}/stances", summary="An actor's stances with evidence")
def actor_stances(request: Request, actor_id: str, target: str | None = None, sort: str = FACT_SORT,
                  limit: int | None = LIMIT, cursor: str | None = CURSOR, format: Fmt = FMT,
                  review: str | None = REVIEW) -> Response:
    page = ctx(request).queries.stances(actor=actor_id, target=target, sort=sort, limit=limit, cursor=cursor,
                                        review=review)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="stances")


# -- instruments and propositions -------------------------------------------------------------

@router.get("/instruments", summary="Instruments with party, mention and stance counts")
def instruments(request: Request, format: Fmt = FMT) -> Response:
    return list_response(request, views.instruments(ctx(request)), fmt=format, name="instruments")


@router.get("/instruments/{instrument_id}", summary="An instrument: provisions, definitions, scope, parties, positions")
def instrument(request: Request, instrument_id: str) -> Response:
    return JSONText(_found(views.instrument(ctx(request), instrument_id), "instrument", instrument_id))


@router.get("/instruments/{instrument_id}/parties", summary="Subscription records of an instrument, with dates")
def instrument_parties(request: Request, instrument_id: str, format: Fmt = FMT) -> Response:
    c = ctx(request)
    if c.kb.get(instrument_id) is None:
        raise NotFound("instrument", instrument_id)
    return list_response(request, views.parties(c, instrument_id), fmt=format, name="parties")


@router.get("/propositions", summary="Propositions (debated positions) with stance counts")
def propositions(request: Request, format: Fmt = FMT) -> Response:
    return list_response(request, views.propositions(ctx(request)), fmt=format, name="propositions")


@router.get("/propositions/{proposition_id}", summary="Who supports and who opposes a proposition, with evidence")
def proposition(request: Request, proposition_id: str) -> Response:
    return JSONText(_found(views.proposition(ctx(request), proposition_id), "proposition", proposition_id))


# -- positions matrix -------------------------------------------------------------------------

@router.get("/positions", summary="The positions matrix: actors x targets, counts per polarity")
def positions(request: Request, published_from: str | None = DATE_FROM, published_to: str | None = DATE_TO,
              actor_kind: str | None = Query(None, pattern=r"^(state|org|person|threat-actor)$"),
              region: str | None = None, targets: str | None = Query(None, pattern=r"^(proposition|instrument)$"),
              by: str = Query("affiliation", pattern=r"^(affiliation|actor)$"), format: Fmt = FMT) -> Response:
    c = ctx(request)

    def build() -> Response:
        m = views.matrix(c, published_from=published_from, published_to=published_to,
                         actor_kind=actor_kind, region=region, targets=targets, by=by)
        extra = {k: m[k] for k in ("actors", "targets", "filters", "truncated")}
        return list_response(request, m["cells"], fmt=format, extra=extra, name="positions")

    # the rendered answer itself is cached: building and encoding the matrix is most of its cost
    key = ("positions-response", published_from, published_to, actor_kind, region, targets, by, format)
    with c.queries.connect() as conn:
        version = c.queries.version(conn)
    cached = c.queries.cache.get(key, version, lambda: _freeze(build()))
    return Response(cached[0], media_type=cached[1], headers=cached[2])


def _freeze(r: Response) -> tuple[bytes, str | None, dict[str, str]]:
    """A response as plain data, safe to share between requests."""
    headers = {k: v for k, v in r.headers.items() if k.lower() not in ("content-length", "content-type")}
    return bytes(r.body), r.media_type, headers


@router.get("/positions/evidence", summary="The stances behind one matrix cell")
def positions_evidence(request: Request, actor: str = Query(...), target: str = Query(...),
                       published_from: str | None = DATE_FROM, published_to: str | None = DATE_TO,
                       format: Fmt = FMT) -> Response:
    items = views.cell_evidence(ctx(request), actor, target, published_from=published_from,
                                published_to=published_to)
    return list_response(request, items, fmt=format, name="evidence")


# -- incidents and events ----------------------------------------------------------------------

@router.get("/incidents", summary="Incidents known or reported")
def incidents(request: Request, format: Fmt = FMT) -> Response:
    return list_response(request, views.incidents(ctx(request)), fmt=format, name="incidents")


@router.get("/incidents/{incident_id}", summary="An incident: facts and a timeline of attribution claims")
def incident(request: Request, incident_id: str) -> Response:
    return JSONText(_found(views.incident(ctx(request), incident_id), "incident", incident_id))


@router.get("/incidents/{incident_id}/graph", summary="Attribution claims as a claimant -> accused graph")
def incident_graph(request: Request, incident_id: str) -> Response:
    inc = _found(views.incident(ctx(request), incident_id), "incident", incident_id)
    return JSONText(inc["graph"])


@router.get("/incidents/{incident_id}/assessment",
            summary="Provisions the incident implicates, who was bound at the time, under which condition")
def incident_assessment(request: Request, incident_id: str,
                        as_of: str | None = Query(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")) -> Response:
    return JSONText(_found(views.assessment(ctx(request), incident_id, as_of), "incident", incident_id))


@router.get("/compare", summary="Instruments side by side: definitions, scope, binding force, concordance")
def compare(request: Request, ids: list[str] = Query(..., description="instrument ids, two or more")) -> Response:
    return JSONText(_found(views.comparison(ctx(request), ids), "instrument", ",".join(ids)))


@router.get("/instruments/{instrument_id}/brief",
            summary="Definitions, hostile activities, military, non-state actors: grounded in provisions")
def instrument_brief(request: Request, instrument_id: str) -> Response:
    return JSONText(_found(views.instrument_brief(ctx(request), instrument_id), "instrument", instrument_id))


@router.get("/events", summary="Meetings and conferences")
def events(request: Request, format: Fmt = FMT) -> Response:
    return list_response(request, views.events(ctx(request)), fmt=format, name="events")


@router.get("/events/{event_id}", summary="A meeting: participants, what each said, outcome")
def event(request: Request, event_id: str) -> Response:
    return JSONText(_found(views.event(ctx(request), event_id), "event", event_id))


# -- rejections ---------------------------------------------------------------------------------

@router.get("/rejections", summary="Inputs that could not be used, and why")
def rejections(request: Request, stage: str | None = None, code: str | None = None, limit: int | None = LIMIT,
               cursor: str | None = CURSOR, format: Fmt = FMT) -> Response:
    page = ctx(request).queries.rejections(stage=stage, code=code, limit=limit, cursor=cursor)
    return list_response(request, page.items, page.next_cursor, fmt=format, name="rejections")
