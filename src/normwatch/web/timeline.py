"""Positions over time: stances per year for an actor, instrument or proposition, and attributions per
year by accused state, drawn as SVG on the server (like the world map) with a table beside it.

    GET /timeline/state:RUS                     stances of Russia (and those speaking for it) by year
    GET /timeline/proposition:cyber-sovereignty?year=2015&polarity=oppose   ... with that bar's evidence
    GET /timeline/attributions?incident=incident:notpetya-2017              claims per year by accused
    GET /api/v1/timeline/{id}, /api/v1/timeline/attributions                the same counts as JSON

Why SVG from the server: the CSP allows no inline script, and a chart that is markup works
without JavaScript, prints, and can be read by a screen reader through its title and the
table that follows it. Every bar segment is a link to its evidence (the same page with the
year and polarity or accused chosen, listing the quotes with links into the documents).
Rejected facts are not counted; a year is the publication year of the document.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select

from ..store import schema as s
from ..store.review_filter import sql_condition
from .context import ctx
from .queries import POLARITY_ORDER

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1")
YEAR = r"^\d{4}$"
BAR_W, GAP, CHART_H, LEFT, TOP, BOTTOM = 34, 10, 140, 36, 10, 24
PALETTE = 8  # classes acc-0 .. acc-7 in app.css; further accused states share "acc-other"
MAX_SERIES = 7


def _year():
    return func.substr(s.documents.c.published, 1, 4)


def _live(t):
    cond = sql_condition(t, None)
    return [cond] if cond is not None else []


def _stance_cond(subject: str):
    t = s.stances.c
    if subject.startswith(("proposition:", "instrument:")):
        return t.target == subject
    return or_(t.actor == subject, t.affiliation == subject)


def stance_counts(c, subject: str) -> list[dict[str, Any]]:
    """Stances about (or taken by) `subject` per year and polarity."""
    t = s.stances
    y = _year().label("year")
    q = (select(y, t.c.polarity, func.count().label("n"))
         .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id))
         .where(_stance_cond(subject), *_live(t)).group_by(y, t.c.polarity).order_by(y))
    with c.queries.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def stance_evidence(c, subject: str, year: str | None, polarity: str | None, limit: int = 100) -> list[dict]:
    t = s.stances
    d = s.documents.c
    q = (select(t.c.doc_id, t.c.actor, t.c.affiliation, t.c.target, t.c.polarity, t.c.start, t.c.end, t.c.review,
                d.title, d.published, func.substr(d.text, t.c.start + 1, t.c.end - t.c.start).label("quote"))
         .select_from(t.join(s.documents, d.id == t.c.doc_id)).where(_stance_cond(subject), *_live(t)))
    if year:
        q = q.where(_year() == year) if year != "undated" else q.where(d.published.is_(None))
    if polarity:
        q = q.where(t.c.polarity == polarity)
    with c.queries.connect() as conn:
        return [dict(r) for r in conn.execute(q.order_by(d.published, t.c.id).limit(limit)).mappings()]


def attribution_counts(c, incident: str | None, claimant: str | None) -> list[dict[str, Any]]:
    t = s.claims  # every claim (issue 11), with or without a resolved incident
    y = _year().label("year")
    q = (select(y, t.c.accused, func.count().label("n"))
         .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id)).where(*_live(t)))
    if incident:
        q = q.where(t.c.incident == incident)
    if claimant:
        q = q.where(t.c.claimant == claimant)
    with c.queries.connect() as conn:
        return [dict(r) for r in conn.execute(q.group_by(y, t.c.accused).order_by(y)).mappings()]


def attribution_evidence(c, incident: str | None, claimant: str | None, year: str | None, accused: str | None,
                         limit: int = 100) -> list[dict]:
    t = s.claims
    d = s.documents.c
    q = (select(t.c.doc_id, t.c.incident, t.c.accused, t.c.claimant, t.c.certainty, t.c.via, t.c.start, t.c.end,
                t.c.review, d.title, d.published,
                func.substr(d.text, t.c.start + 1, t.c.end - t.c.start).label("quote"))
         .select_from(t.join(s.documents, d.id == t.c.doc_id)).where(*_live(t)))
    for col, v in ((t.c.incident, incident), (t.c.claimant, claimant)):
        if v:
            q = q.where(col == v)
    if accused:
        q = q.where(t.c.accused == accused) if accused != "unknown" else q.where(t.c.accused.is_(None))
    if year:
        q = q.where(_year() == year) if year != "undated" else q.where(d.published.is_(None))
    with c.queries.connect() as conn:
        return [dict(r) for r in conn.execute(q.order_by(d.published, t.c.id).limit(limit)).mappings()]


def _table(counts: list[dict[str, Any]], series_key: str, series: list[str]) -> tuple[list[str], dict]:
    """Years in order (undated last) and {year: {series: n}}."""
    grid: dict[str, dict[str, int]] = {}
    for r in counts:
        y = r["year"] or "undated"
        k = r[series_key] if r[series_key] in series else "other"
        row = grid.setdefault(y, {})
        row[k] = row.get(k, 0) + int(r["n"])
    years = sorted((y for y in grid if y != "undated"), key=int)
    # years without any fact between the first and the last are drawn as gaps, so time stays linear
    if years:
        years = [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
    if "undated" in grid:
        years.append("undated")
    return years, grid


def render_svg(years: list[str], grid: dict, series: list[str], classes: dict[str, str], link, title: str,
               label) -> Markup:
    """Stacked bars, one per year, one segment per series, each segment a link to its evidence."""
    if not years:
        return Markup("")
    top = max(sum(grid.get(y, {}).values()) for y in years) or 1
    width = LEFT + len(years) * (BAR_W + GAP) + GAP
    height = TOP + CHART_H + BOTTOM
    e = escape
    out = [f'<svg class="chart timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-labelledby="tl-title"><title id="tl-title">{e(title)}</title>',
           f'<line class="axis" x1="{LEFT}" y1="{TOP + CHART_H}" x2="{width}" y2="{TOP + CHART_H}"/>',
           f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{top}</text>',
           f'<text x="{LEFT - 4}" y="{TOP + CHART_H}" text-anchor="end">0</text>']
    for i, y in enumerate(years):
        x = LEFT + GAP + i * (BAR_W + GAP)
        base = TOP + CHART_H
        for k in series + ["other"]:
            n = grid.get(y, {}).get(k, 0)
            if not n:
                continue
            h = max(1.0, CHART_H * n / top)
            base -= h
            tip = f"{y}: {n} × {label(k)}"
            out.append(f'<a href="{e(link(y, k))}" class="seg" data-year="{e(y)}" data-series="{e(k)}">'
                       f'<rect class="{e(classes.get(k, "acc-other"))}" x="{x}" y="{base:.1f}" width="{BAR_W}" '
                       f'height="{h:.1f}"><title>{e(tip)}</title></rect></a>')
        out.append(f'<text x="{x + BAR_W / 2}" y="{TOP + CHART_H + 15}" text-anchor="middle">'
                   f'{e(y if y == "undated" else "’" + y[2:])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _render(request: Request, **data: Any) -> HTMLResponse:
    from .auth import viewer
    from .pages import _page

    return _page(request, "timeline.html", me=viewer(request), **data)


@pages.get("/timeline/attributions", response_class=HTMLResponse)
def attributions_page(request: Request, incident: str | None = None, claimant: str | None = None,
                      year: str | None = Query(None, pattern=r"^(\d{4}|undated)$"),
                      accused: str | None = None) -> HTMLResponse:
    c = ctx(request)
    counts = attribution_counts(c, incident or None, claimant or None)
    totals: dict[str, int] = {}
    for r in counts:
        key = r["accused"] or "unknown"
        r["accused"] = key
        totals[key] = totals.get(key, 0) + int(r["n"])
    series = sorted(totals, key=lambda k: (-totals[k], k))[:MAX_SERIES]
    classes = {k: f"acc-{i % PALETTE}" for i, k in enumerate(series)}
    years, grid = _table(counts, "accused", series)
    base = {k: v for k, v in (("incident", incident), ("claimant", claimant)) if v}

    def link(y: str, k: str) -> str:
        return "/timeline/attributions?" + urlencode({**base, "year": y, **({"accused": k} if k != "other" else {})}) \
            + "#evidence"

    def label(k: str) -> str:
        return "other accused" if k == "other" else ("unknown" if k == "unknown" else c.kb.name(k))

    subject = c.kb.name(incident) if incident else "all incidents"
    title = f"Attribution claims per year by accused state or group: {subject}" + (
        f", claimed by {c.kb.name(claimant)}" if claimant else "")
    evidence = attribution_evidence(c, incident or None, claimant or None, year, accused) if (year or accused) else []
    return _render(request, mode="attributions", title=title, svg=render_svg(years, grid, series, classes, link,
                                                                              title, label),
                   years=years, grid=grid, series=series + (["other"] if any("other" in g for g in grid.values()) else []),
                   classes=classes, label=label, link=link, evidence=evidence, chosen={"year": year, "series": accused},
                   filters=base)


@pages.get("/timeline/{subject_id}", response_class=HTMLResponse)
def stances_page(request: Request, subject_id: str, year: str | None = Query(None, pattern=r"^(\d{4}|undated)$"),
                 polarity: str | None = Query(None, pattern="^(" + "|".join(POLARITY_ORDER) + ")$")) -> HTMLResponse:
    c = ctx(request)
    counts = stance_counts(c, subject_id)
    if not counts and c.kb.get(subject_id) is None:
        from .api import NotFound

        raise NotFound("actor, instrument or proposition", subject_id)
    series = list(POLARITY_ORDER)
    classes = {p: f"pol-{p}" for p in series}
    years, grid = _table(counts, "polarity", series)
    path = "/timeline/" + quote(subject_id, safe=":")

    def link(y: str, k: str) -> str:
        return path + "?" + urlencode({"year": y, "polarity": k}) + "#evidence"

    about = "taken by" if not subject_id.startswith(("proposition:", "instrument:")) else "on"
    title = f"Stances {about} {c.kb.name(subject_id)} per year (support, oppose, mixed, neutral)"
    evidence = stance_evidence(c, subject_id, year, polarity) if (year or polarity) else []
    return _render(request, mode="stances", subject=subject_id, title=title,
                   svg=render_svg(years, grid, series, classes, link, title, lambda k: k),
                   years=years, grid=grid, series=series, classes=classes, label=lambda k: k, link=link,
                   evidence=evidence, chosen={"year": year, "series": polarity}, filters={})


@api.get("/timeline/attributions", summary="Attribution claims per year by accused")
def attributions_json(request: Request, incident: str | None = None, claimant: str | None = None) -> Response:
    from .export import JSONText

    return JSONText({"items": attribution_counts(ctx(request), incident, claimant)})


@api.get("/timeline/{subject_id}", summary="Stances of an actor, or on an instrument or proposition, per year")
def stances_json(request: Request, subject_id: str) -> Response:
    from .export import JSONText

    return JSONText({"subject": subject_id, "items": stance_counts(ctx(request), subject_id)})
