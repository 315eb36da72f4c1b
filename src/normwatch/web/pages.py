"""Server-rendered pages: home, documents, actors, instruments, propositions, matrix, incidents, meetings.

Pages render the same dicts the API returns (`views`). Templates autoescape; the only
markup built in Python is the highlighted document text (`highlight.render`, which
escapes every piece itself) and numbers for the SVG charts. Every page is a plain GET
with its state in the URL, so every view has a permalink.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import views
from .api import NotFound
from .context import ctx
from .highlight import Mark, render
from .queries import POLARITY_ORDER
from .worldmap import instrument_map
from ..store.review_filter import REVIEW_FILTER_HELP, REVIEW_PATTERN

router = APIRouter(include_in_schema=False)
env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                  autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                  lstrip_blocks=True)
DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"
FACT_KINDS = ("actor", "statement", "stance", "instrument", "subscription", "incident", "attribution", "event")


def _page(request: Request, template: str, status: int = 200, **data: Any) -> HTMLResponse:
    c = ctx(request)
    body = env.get_template(template).render(request=request, kb=c.kb, path=request.url.path,
                                             permalink=str(request.url), **data)
    return HTMLResponse(body, status_code=status)


def render_error(request: Request, status: int, error: dict[str, Any]) -> HTMLResponse:
    return _page(request, "error.html", status=status, status_code=status, error=error)


def _found(value: Any, what: str, id_: str) -> Any:
    if value is None:
        raise NotFound(what, id_)
    return value


# -- home and documents -------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    c = ctx(request)
    contested = [{**r, **views.named(c, r["target"])} for r in c.queries.contested(8)]
    return _page(request, "home.html", stats=c.queries.stats(), latest=c.queries.latest_documents(10),
                 contested=contested)


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, q: str | None = Query(None, max_length=500), cursor: str | None = None,
              mentions: str | None = None) -> HTMLResponse:
    c = ctx(request)
    q = (q or "").strip() or None
    page = c.queries.documents(q=q, mentions=mentions, limit=50, cursor=cursor)
    hits = c.queries.search(q, 10) if q and not cursor else []
    nxt = None
    if page.next_cursor:
        nxt = "/documents?" + urlencode({k: v for k, v in (("q", q), ("mentions", mentions),
                                                           ("cursor", page.next_cursor)) if v})
    return _page(request, "documents.html", q=q, mentions=mentions, docs=page.items, hits=hits, next_url=nxt)


def fact_marks(c: Any, d: dict[str, Any]) -> list[Mark]:
    """One mark per fact span; facts of one kind on the same span share a mark (labels joined)."""
    nm = local_namer(c, d)

    class k:  # noqa: N801 - the one KB call used below, answered with this document's names
        name = staticmethod(nm)

    found: dict[str, tuple[str, int, int, list[str]]] = {}

    def add(kind: str, span: list[int] | tuple[int, int], label: str) -> None:
        start, end = int(span[0]), int(span[1])
        key = f"{kind}-{start}-{end}"
        if key in found:
            if label not in found[key][3]:
                found[key][3].append(label)
        else:
            found[key] = (kind, start, end, [label])

    for a in d["actors"]:
        extra = ", ".join(x for x in (a.get("role"), k.name(a["affiliation"]) if a.get("affiliation") else None) if x)
        for sp in a["spans"]:
            add("actor", sp, f"{a['kind']}: {a['name']}" + (f" ({extra})" if extra else ""))
    for st in d["statements"]:
        who = k.name(st["speaker"]) if st["speaker"] else "unknown speaker"
        add("statement", st["span"], f"{'quote' if st['direct'] else 'reported speech'}: {who}")
    for st in d["stances"]:
        who = k.name(st["actor"])
        if st.get("affiliation") and st["affiliation"] != st["actor"]:
            who += f" ({k.name(st['affiliation'])})"
        add("stance", st["evidence"], f"stance: {who} — {st['polarity']} — {k.name(st['target'])}"
                                      f" (confidence {st['confidence']:.2f})")
    for im in d["instrument_mentions"]:
        add("instrument", im["span"], f"instrument: {k.name(im['instrument'])}")
    for sb in d["subscriptions"]:
        add("subscription", sb["evidence"], f"subscription: {k.name(sb['actor'])} {sb['action']} "
                                            f"{k.name(sb['instrument'])}" + (f" on {sb['date']}" if sb["date"] else ""))
    for inc in d["incidents"]:
        for sp in inc["spans"]:
            add("incident", sp, f"incident: {k.name(inc['incident'])}")
        for at in inc["attributions"]:
            claimant = k.name(at["claimant"]) if at["claimant"] else "commentators"
            accused = k.name(at["accused"]) if at["accused"] else "unknown"
            add("attribution", at["evidence"], f"attribution: {claimant} blames {accused} "
                                               f"({at['certainty']}, via {at['via']})")
    for ev in d["events"]:
        add("event", ev["span"], f"event: {ev['name'] or k.name(ev['event'])}")
    return [Mark(key, kind, s, e, " · ".join(labels)) for key, (kind, s, e, labels) in found.items()]


def local_namer(c: Any, d: dict[str, Any]):
    """A name function for one document: KB names first, then the names the document gives."""
    local = {a["id"]: a["name"] for a in d["actors"]}

    def nm(id_: str | None) -> str:
        if id_ and c.kb.get(id_) is None and id_ in local:
            return local[id_]
        return c.kb.name(id_)

    return nm


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str,
             review: str | None = Query(None, pattern=REVIEW_PATTERN, description=REVIEW_FILTER_HELP)) -> HTMLResponse:
    c = ctx(request)
    d = _found(views.document(c, doc_id, review), "document", doc_id)
    marks = fact_marks(c, d)
    counts = {kind: sum(1 for m in marks if m.kind == kind) for kind in FACT_KINDS}
    from .pdf_pages import page_marks  # issue 15: where each PDF page starts

    marks += page_marks(d)
    return _page(request, "document.html", d=d, doc=d["doc"], body=render(d["doc"]["text"], marks),
                 counts=counts, nm=local_namer(c, d), review_filter=review)


# -- actors -------------------------------------------------------------------------------------

@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, kind: str | None = Query(None, pattern=r"^(state|org|person)?$"),
           q: str | None = Query(None, max_length=200), cursor: str | None = None) -> HTMLResponse:
    page = ctx(request).queries.actors(kind=kind or None, q=q or None, limit=100, cursor=cursor)
    nxt = None
    if page.next_cursor:
        nxt = "/actors?" + urlencode({k: v for k, v in (("kind", kind), ("q", q), ("cursor", page.next_cursor)) if v})
    return _page(request, "actors.html", actors=page.items, kind=kind, q=q, next_url=nxt)


def year_bars(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars (one per year, one layer per polarity) as SVG coordinates."""
    years: dict[str, dict[str, int]] = {}
    for r in timeline:
        y = r["year"] or "undated"
        years.setdefault(y, {p: 0 for p in POLARITY_ORDER})[r["polarity"]] += int(r["n"])
    if not years:
        return {"bars": [], "width": 0, "height": 0}
    top = max(sum(v.values()) for v in years.values())
    h, bw, gap = 120, 28, 10
    bars = []
    for i, (y, counts) in enumerate(sorted(years.items())):
        x = 30 + i * (bw + gap)
        base = h
        layers = []
        for p in POLARITY_ORDER:
            if counts[p]:
                hh = counts[p] / top * (h - 10)
                base -= hh
                layers.append({"polarity": p, "y": round(base, 1), "h": round(hh, 1), "n": counts[p]})
        bars.append({"year": y, "x": x, "w": bw, "layers": layers, "total": sum(counts.values())})
    return {"bars": bars, "width": 30 + len(bars) * (bw + gap) + 10, "height": h + 30, "top": top}


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor(request: Request, actor_id: str, cursor: str | None = None) -> HTMLResponse:
    c = ctx(request)
    a = _found(views.actor(c, actor_id), "actor", actor_id)
    stances = c.queries.stances(actor=actor_id, limit=100)
    statements = c.queries.statements(speaker=actor_id, limit=100, sort="published")
    return _page(request, "actor.html", a=a, stances=[views._with_links(c, r) for r in stances.items],
                 statements=[views._with_links(c, r, "statement") for r in statements.items],
                 chart=year_bars(a["timeline"]))


# -- instruments and propositions ---------------------------------------------------------------

@router.get("/instruments", response_class=HTMLResponse)
def instruments(request: Request) -> HTMLResponse:
    return _page(request, "instruments.html", items=views.instruments(ctx(request)))


def step_chart(steps: list[dict[str, Any]], width: int = 560, height: int = 180) -> dict[str, Any]:
    """A cumulative step line over time as SVG points (years on x, parties on y)."""
    if not steps:
        return {"points": "", "ticks": [], "width": width, "height": height}
    import datetime as dt

    def when(d: str) -> float:
        parts = (d.split("-") + ["01", "01"])[:3]
        try:
            day = dt.date(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1))
        except ValueError:
            day = dt.date(int(parts[0]), 1, 1)
        return day.toordinal()

    t0, t1 = when(steps[0]["date"]), when(steps[-1]["date"])
    t1 = max(t1, t0 + 365)
    top = steps[-1]["count"]
    left, right, pad = 40, 10, 20

    def x(t: float) -> float:
        return round(left + (t - t0) / (t1 - t0) * (width - left - right), 1)

    def y(n: int) -> float:
        return round(height - pad - n / top * (height - 2 * pad), 1)

    pts = [(x(t0), y(0))]
    prev = 0
    for s in steps:
        xx = x(when(s["date"]))
        pts += [(xx, y(prev)), (xx, y(s["count"]))]
        prev = s["count"]
    pts.append((x(t1), y(prev)))
    first, last = int(steps[0]["date"][:4]), int(steps[-1]["date"][:4])
    every = max(1, math.ceil((last - first + 1) / 8))
    ticks = [{"x": x(when(f"{yr}-01-01")), "label": str(yr)} for yr in range(first + 1, last + 1, every)]
    return {"points": " ".join(f"{a},{b}" for a, b in pts), "ticks": ticks, "width": width, "height": height,
            "top": top, "y_top": y(top), "y_zero": y(0)}


@router.get("/instruments/{instrument_id}", response_class=HTMLResponse)
def instrument(request: Request, instrument_id: str,
               as_of: str | None = Query(None, pattern=DATE_PATTERN)) -> HTMLResponse:
    """An instrument; `as_of` (a date, year-month or year) shades the parties map as on that day."""
    c = ctx(request)
    i = _found(views.instrument(c, instrument_id), "instrument", instrument_id)
    # no map without subscription records: every country grey would read as "nobody joined"
    world = instrument_map(c.kb.kb, instrument_id, as_of=as_of or None, name=i["name"]) if i["parties"] else None
    return _page(request, "instrument.html", i=i, chart=step_chart(i["cumulative"]), world=world,
                 as_of=as_of or None)


@router.get("/propositions", response_class=HTMLResponse)
def propositions(request: Request) -> HTMLResponse:
    return _page(request, "propositions.html", items=views.propositions(ctx(request)))


@router.get("/propositions/{proposition_id}", response_class=HTMLResponse)
def proposition(request: Request, proposition_id: str) -> HTMLResponse:
    p = _found(views.proposition(ctx(request), proposition_id), "proposition", proposition_id)
    return _page(request, "proposition.html", p=p)


# -- positions matrix -----------------------------------------------------------------------------

def _level(n: int, top: int) -> int:
    """Colour intensity 1..5 on a log scale, so one loud actor does not wash out the rest."""
    if n <= 0:
        return 0
    return max(1, min(5, 1 + round(4 * math.log1p(n) / math.log1p(max(top, 1)))))


@router.get("/matrix", response_class=HTMLResponse)
def matrix(request: Request, year_from: str | None = Query(None, alias="from", pattern=DATE_PATTERN),
           year_to: str | None = Query(None, alias="to", pattern=DATE_PATTERN),
           actor_kind: str | None = Query(None, pattern=r"^(state|org|person|threat-actor)?$"),
           region: str | None = Query(None, max_length=40), targets: str | None = Query(None, pattern=r"^(proposition|instrument)?$"),
           actor: str | None = None, target: str | None = None) -> HTMLResponse:
    c = ctx(request)
    m = views.matrix(c, published_from=year_from or None, published_to=year_to or None,
                     actor_kind=actor_kind or None, region=region or None, targets=targets or None)
    top = max((cell["n"] for cell in m["cells"]), default=0)
    grid = {(cell["actor"], cell["target"]): {**cell, "level": _level(cell["n"], top)} for cell in m["cells"]}
    base = {k: v for k, v in (("from", year_from), ("to", year_to), ("actor_kind", actor_kind), ("region", region),
                              ("targets", targets)) if v}
    links = {key: "/matrix?" + urlencode({**base, "actor": key[0], "target": key[1]}) + "#evidence" for key in grid}
    evidence = None
    if actor and target:
        evidence = views.cell_evidence(c, actor, target, published_from=year_from or None,
                                       published_to=year_to or None)
    regions = sorted({r.get("region") for r in c.kb.records("state") if r.get("region")})
    return _page(request, "matrix.html", m=m, grid=grid, links=links, evidence=evidence, sel_actor=actor,
                 sel_target=target, filters=base, regions=regions)


# -- incidents, events, rejections -----------------------------------------------------------------

@router.get("/incidents", response_class=HTMLResponse)
def incidents(request: Request) -> HTMLResponse:
    return _page(request, "incidents.html", items=views.incidents(ctx(request)))


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident(request: Request, incident_id: str) -> HTMLResponse:
    i = _found(views.incident(ctx(request), incident_id), "incident", incident_id)
    return _page(request, "incident.html", i=i, assessment=views.assessment(ctx(request), incident_id))


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, ids: list[str] = Query(...)) -> HTMLResponse:
    res = _found(views.comparison(ctx(request), ids), "instrument", ",".join(ids))
    return _page(request, "compare.html", r=res)


@router.get("/events", response_class=HTMLResponse)
def events(request: Request) -> HTMLResponse:
    return _page(request, "events.html", items=views.events(ctx(request)))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str) -> HTMLResponse:
    e = _found(views.event(ctx(request), event_id), "event", event_id)
    return _page(request, "event.html", e=e)


@router.get("/rejections", response_class=HTMLResponse)
def rejections(request: Request, cursor: str | None = None) -> HTMLResponse:
    page = ctx(request).queries.rejections(limit=100, cursor=cursor)
    nxt = "/rejections?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else None
    return _page(request, "rejections.html", items=page.items, next_url=nxt)

