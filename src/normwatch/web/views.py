"""The records behind each page and API answer: knowledge base and store facts put together.

The API returns these dicts as JSON and the pages render the same dicts, so what a
researcher sees on a page is exactly what a script gets from the API.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .context import Context
from .kbview import kind_of
from .queries import POLARITY_ORDER, QueryError

ACTOR_KINDS = ("state", "org", "person", "threat-actor")
MATRIX_MAX_ACTORS = 80
MATRIX_MAX_TARGETS = 40
EVIDENCE_LIMIT = 50


def _kb_summary(c: Context, id_: str) -> dict[str, Any] | None:
    """The KB record minus bulky parts (provisions, parties) that have their own fields."""
    rec = c.kb.get(id_)
    if not rec:
        return None
    return {k: v for k, v in rec.items() if k not in ("provisions", "definitions", "subscriptions", "scope",
                                                        "undefined_terms", "attributions")}


def named(c: Context, id_: str | None, names: dict[str, str] | None = None) -> dict[str, Any]:
    """An id with its display name and page link: what every reference in a view carries.

    `names` are names documents give actors the KB does not list (people, mostly).
    """
    name = c.kb.name(id_) if id_ else None
    if names and id_ in names and c.kb.get(id_) is None:
        name = names[id_]
    return {"id": id_, "name": name, "href": c.kb.href(id_)}


# -- documents ------------------------------------------------------------------------------

def document(c: Context, doc_id: str, review: str | None = None) -> dict[str, Any] | None:
    """A document with its facts; `review` filters them by review state (default: rejected hidden)."""
    from ..store.review_filter import filter_document
    from .pdf_pages import add_layout  # issue 15: page numbers of PDF documents

    return add_layout(c.queries.engine, filter_document(c.queries.document(doc_id), review))


# -- actors ---------------------------------------------------------------------------------

def actor(c: Context, actor_id: str) -> dict[str, Any] | None:
    """Who an actor is (KB and what documents say), their stance timeline and subscriptions."""
    rec = c.kb.get(actor_id)
    prof = c.queries.actor_profile(actor_id)
    if rec is None and not prof["names"] and not any(prof["counts"].values()):
        return None
    names = prof["names"]
    roles = Counter()
    affiliations = Counter()
    for n in names:
        if n["role"]:
            roles[n["role"]] += n["n"]
        if n["affiliation"]:
            affiliations[n["affiliation"]] += n["n"]
    kb_subs = c.kb.subscriptions(actor=actor_id)
    kb_subs.sort(key=lambda s: (s.get("date") or "", s["instrument"]))
    reported = c.queries.subscriptions(actor=actor_id, limit=100).items
    return {
        "id": actor_id,
        "kind": c.kb.kind(actor_id) or (names[0]["kind"] if names else kind_of(actor_id)),
        "name": c.kb.name(actor_id) if rec else (names[0]["name"] if names else actor_id),
        "kb": _kb_summary(c, actor_id),
        "region": c.kb.region(actor_id),
        "roles": [{"role": r, "count": n} for r, n in roles.most_common()],
        "affiliations": [{**named(c, a), "count": n} for a, n in affiliations.most_common()],
        "members": [{**named(c, m["actor"]), "name": m["name"], "count": m["n"]} for m in prof["members"]],
        "counts": prof["counts"],
        "subscriptions": [{**s, "instrument_name": c.kb.name(s["instrument"]),
                           "href": c.kb.href(s["instrument"])} for s in kb_subs],
        "reported_subscriptions": reported,
        "timeline": c.queries.stance_timeline(actor_id),
    }


# -- positions matrix -------------------------------------------------------------------------

def dominant(counts: dict[str, int]) -> str:
    """The cell's overall position: mixed when both support and opposition are on record."""
    if counts.get("support") and counts.get("oppose"):
        return "mixed"
    best = max(POLARITY_ORDER, key=lambda p: (counts.get(p, 0), -POLARITY_ORDER.index(p)))
    return best if counts.get(best) else "neutral"


def matrix(c: Context, *, published_from: str | None = None, published_to: str | None = None,
           actor_kind: str | None = None, region: str | None = None, targets: str | None = None,
           by: str = "affiliation") -> dict[str, Any]:
    """Actors x targets with counts per polarity and the dominant position of each cell.

    Cached per store version: the matrix is the most requested aggregate and changes only
    when documents are added.
    """
    if actor_kind and actor_kind not in ACTOR_KINDS:
        raise QueryError(f"actor_kind must be one of {', '.join(ACTOR_KINDS)}", "actor_kind")
    key = ("matrix", published_from, published_to, actor_kind, region, targets, by)
    with c.queries.connect() as conn:
        version = c.queries.version(conn)
    return c.queries.cache.get(key, version, lambda: _matrix(c, published_from, published_to, actor_kind, region,
                                                             targets, by))


def _matrix(c: Context, published_from: str | None, published_to: str | None, actor_kind: str | None,
            region: str | None, targets: str | None, by: str) -> dict[str, Any]:
    rows = c.queries.positions(published_from=published_from, published_to=published_to, by=by, targets=targets)
    cells: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {p: 0 for p in POLARITY_ORDER})
    docs: Counter = Counter()
    for r in rows:
        a = r["actor"]
        if actor_kind and c.kb.kind(a) != actor_kind:
            continue
        if region and c.kb.region(a) != region:
            continue
        cells[(a, r["target"])][r["polarity"]] += int(r["n"])
        docs[(a, r["target"])] += int(r["documents"])
    actor_totals: Counter = Counter()
    target_totals: Counter = Counter()
    for (a, t), cnt in cells.items():
        n = sum(cnt.values())
        actor_totals[a] += n
        target_totals[t] += n
    actors = [a for a, _ in sorted(actor_totals.items(), key=lambda x: (-x[1], x[0]))][:MATRIX_MAX_ACTORS]
    tgts = [t for t, _ in sorted(target_totals.items(), key=lambda x: (-x[1], x[0]))][:MATRIX_MAX_TARGETS]
    keep_a, keep_t = set(actors), set(tgts)
    out_cells = []
    for (a, t), cnt in sorted(cells.items()):
        if a in keep_a and t in keep_t:
            out_cells.append({"actor": a, "target": t, **cnt, "n": sum(cnt.values()), "documents": docs[(a, t)],
                              "position": dominant(cnt)})
    names = c.queries.actor_names(actors)
    return {
        "actors": [{**named(c, a, names), "kind": c.kb.kind(a), "region": c.kb.region(a), "n": actor_totals[a]}
                   for a in actors],
        "targets": [{**named(c, t), "kind": kind_of(t), "n": target_totals[t]} for t in tgts],
        "cells": out_cells,
        "filters": {"from": published_from, "to": published_to, "actor_kind": actor_kind, "region": region,
                    "targets": targets, "by": by},
        "truncated": len(actor_totals) > len(actors) or len(target_totals) > len(tgts),
    }


def cell_evidence(c: Context, actor_id: str, target: str, *, published_from: str | None = None,
                  published_to: str | None = None, limit: int = EVIDENCE_LIMIT) -> list[dict[str, Any]]:
    """The stances behind one matrix cell, each with its quote and a link to it in its document."""
    page = c.queries.stances(actor=actor_id, target=target, published_from=published_from,
                             published_to=published_to, limit=limit)
    return [_with_links(c, r) for r in page.items]


def evidence_href(doc_id: str, kind: str, start: int, end: int) -> str:
    """The link to a fact's highlight in its document (the anchor `highlight.render` gives it)."""
    return f"/documents/{doc_id}#f-{kind}-{start}-{end}"


def _with_links(c: Context, r: dict[str, Any], kind: str = "stance") -> dict[str, Any]:
    out = dict(r)
    out["href"] = evidence_href(r["doc_id"], kind, r["start"], r["end"])
    for k in ("actor", "affiliation", "target", "speaker", "accused", "claimant", "instrument"):
        if k in r:
            out[k + "_name"] = c.kb.name(r[k]) if r[k] else None
    return out


# -- propositions and instruments -------------------------------------------------------------

def _positions_on(c: Context, target: str) -> dict[str, list[dict[str, Any]]]:
    """Who supports, opposes, is mixed or neutral on a target, each actor with their quotes."""
    page = c.queries.stances(target=target, limit=500)
    by_pol: dict[str, dict[str, list]] = {p: defaultdict(list) for p in POLARITY_ORDER}
    for r in page.items:
        who = r["affiliation"] or r["actor"]
        by_pol[r["polarity"]][who].append(_with_links(c, r))
    names = c.queries.actor_names(w for d in by_pol.values() for w in d)
    return {p: [{**named(c, who, names), "evidence": ev} for who, ev in sorted(d.items(), key=lambda x: -len(x[1]))]
            for p, d in by_pol.items()}


def propositions(c: Context) -> list[dict[str, Any]]:
    counts = c.queries.target_counts("proposition")
    ids = [r["id"] for r in c.kb.records("proposition")]
    ids += sorted(t for t in counts if t not in set(ids))
    return [{**named(c, i), "statement": (c.kb.get(i) or {}).get("statement"), "stances": counts.get(i, 0)}
            for i in ids]


def proposition(c: Context, pid: str) -> dict[str, Any] | None:
    rec = c.kb.get(pid)
    positions = _positions_on(c, pid)
    if rec is None and not any(positions.values()):
        return None
    return {"id": pid, "name": c.kb.name(pid), "kb": _kb_summary(c, pid),
            "related": [named(c, r) for r in (rec or {}).get("related") or []], "positions": positions}


def instruments(c: Context) -> list[dict[str, Any]]:
    mentions = c.queries.mention_counts()
    stances = c.queries.target_counts("instrument")
    ids = [r["id"] for r in c.kb.records("instrument")]
    known = set(ids)
    ids += sorted(i for i in set(mentions) | set(stances) if i not in known)
    out = []
    for i in ids:
        rec = c.kb.get(i) or {}
        out.append({**named(c, i), "kind": rec.get("kind"), "adopted": rec.get("adopted"),
                    "binding": rec.get("binding"), "parties": len(c.kb.parties(i)) if rec else 0,
                    "documents": mentions.get(i, 0), "stances": stances.get(i, 0)})
    return out


def parties(c: Context, iid: str) -> list[dict[str, Any]]:
    """Every subscription record of an instrument, with the actor's name and region."""
    subs = c.kb.subscriptions(instrument=iid)
    subs.sort(key=lambda s: (c.kb.name(s["actor"]), s.get("date") or ""))
    return [{**s, "actor_name": c.kb.name(s["actor"]), "region": c.kb.region(s["actor"]),
             "href": c.kb.href(s["actor"])} for s in subs]


def cumulative(c: Context, iid: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """(date, count) steps: how many actors had bound themselves by each date (first such act each)."""
    rec = c.kb.get(iid) or {}
    binding = rec.get("binding")
    if binding is None:
        binding = rec.get("kind") in ("treaty", "protocol", "charter")
    wanted = {"ratified", "acceded"} if binding else {"ratified", "acceded", "joined", "sponsored", "endorsed"}
    first: dict[str, str] = {}
    for r in rows:
        d = r.get("date")
        if r.get("action") in wanted and d:
            d = str(d)
            if r["actor"] not in first or d < first[r["actor"]]:
                first[r["actor"]] = d
    steps = []
    for i, d in enumerate(sorted(first.values()), start=1):
        if steps and steps[-1]["date"] == d:
            steps[-1]["count"] = i
        else:
            steps.append({"date": d, "count": i})
    return steps


def instrument(c: Context, iid: str) -> dict[str, Any] | None:
    rec = c.kb.get(iid)
    positions = _positions_on(c, iid)
    mentions = c.queries.mention_counts().get(iid, 0)
    if rec is None and not mentions and not any(positions.values()):
        return None
    rec = rec or {}
    rows = parties(c, iid)
    by_region: dict[str, list] = defaultdict(list)
    for r in rows:
        by_region[r["region"] or "Other / unknown"].append(r)
    return {
        "id": iid, "name": c.kb.name(iid), "kb": _kb_summary(c, iid),
        "provisions": rec.get("provisions") or [], "definitions": rec.get("definitions") or [],
        "undefined_terms": rec.get("undefined_terms") or [], "scope": rec.get("scope") or {},
        "parties": rows, "parties_by_region": dict(sorted(by_region.items())),
        "bound": sorted(c.kb.parties(iid)) if rec else [],
        "cumulative": cumulative(c, iid, rows), "documents": mentions, "positions": positions,
    }


# -- incidents and events ----------------------------------------------------------------------

def incidents(c: Context) -> list[dict[str, Any]]:
    seen = c.queries.incident_ids()
    titles = c.queries.incident_titles()  # new incidents: the title extraction built, not a bare id
    ids = [r["id"] for r in c.kb.records("incident")]
    known = set(ids)
    ids += sorted(i for i in seen if i not in known)
    return [{**named(c, i, titles), "start": (c.kb.get(i) or {}).get("start"), "type": (c.kb.get(i) or {}).get("type"),
             "documents": seen.get(i, 0)} for i in ids]


def incident(c: Context, iid: str) -> dict[str, Any] | None:
    rec = c.kb.get(iid)
    reports = c.queries.incident_rows(iid)
    # the document claims about it (issue 11: claims are the facts; attributions their per-incident view)
    claims = [_with_links(c, r, "attribution") for r in c.queries.claims(incident=iid, limit=500).items]
    if rec is None and not reports and not claims:
        return None
    title = next((r["title"] for r in reports if r.get("title")), None)
    return {"id": iid, "name": c.kb.name(iid) if rec is not None or not title else title, "kb": _kb_summary(c, iid),
            "recorded_attributions": [{**a, "claimant_name": c.kb.name(a["claimant"]) if a.get("claimant") else None,
                                       "accused_name": c.kb.name(a.get("accused"))}
                                      for a in (rec or {}).get("attributions") or []],
            "reports": [{"doc_id": r["doc_id"], "doc_title": r["doc_title"], "published": r["published"],
                         "victim": r["victim"], "type": r["type"], "date": r["date"]} for r in reports],
            "attributions": claims, "graph": graph(c, claims)}


def graph(c: Context, claims: list[dict[str, Any]]) -> dict[str, Any]:
    """Claimant -> accused edges with counts; a claim with no named claimant comes from "commentators"."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    nodes: dict[str, dict[str, Any]] = {}
    for r in claims:
        src = r.get("claimant") or "commentators"
        dst = r.get("accused") or "unknown"
        for n in (src, dst):
            nodes.setdefault(n, {"id": n, "name": c.kb.name(n) if ":" in n else n, "href": c.kb.href(n)})
        e = edges.setdefault((src, dst), {"source": src, "target": dst, "count": 0, "certainty": Counter(),
                                          "via": Counter()})
        e["count"] += 1
        e["certainty"][r["certainty"]] += 1
        e["via"][r["via"]] += 1
    return {"nodes": list(nodes.values()),
            "edges": [{**e, "certainty": dict(e["certainty"]), "via": dict(e["via"])} for e in edges.values()]}


def events(c: Context) -> list[dict[str, Any]]:
    seen = c.queries.event_ids()
    ids = [r["id"] for r in c.kb.records("event")]
    known = set(ids)
    ids += sorted(i for i in seen if i not in known)
    return [{**named(c, i), "start": (c.kb.get(i) or {}).get("start"), "place": (c.kb.get(i) or {}).get("place"),
             "documents": seen.get(i, 0)} for i in ids]


def event(c: Context, eid: str) -> dict[str, Any] | None:
    """A meeting: who took part, what each said (statements in the reports of it), what was concluded."""
    rec = c.kb.get(eid)
    rows = c.queries.event_rows(eid)
    if rec is None and not rows:
        return None
    participants: Counter = Counter()
    outcomes = []
    for r in rows:
        participants.update(r["participants"])
        if r["outcome"]:
            outcomes.append({"outcome": r["outcome"], "doc_id": r["doc_id"], "doc_title": r["doc_title"],
                             "href": evidence_href(r["doc_id"], "event", r["start"], r["end"])})
    doc_ids = list(dict.fromkeys(r["doc_id"] for r in rows))
    said: dict[str, list] = defaultdict(list)
    for st in c.queries.statements_in(doc_ids):
        said[st["speaker"] or "unknown"].append(_with_links(c, st, "statement"))
    affiliation: dict[str, str] = {}
    for sp, sts in said.items():
        if sp != "unknown":
            # a speaker in a report of the meeting took part even when the extractor missed it
            participants.setdefault(sp, 0)
            aff = next((x["affiliation"] for x in sts if x["affiliation"]), None)
            if aff:
                affiliation[sp] = aff
    first = rows[0] if rows else {}
    rec = rec or {}
    names = c.queries.actor_names([*participants, *affiliation.values()])
    roles = c.queries.actor_roles(participants)
    return {
        "id": eid, "name": rec.get("name") or first.get("name") or eid, "kb": _kb_summary(c, eid),
        "place": rec.get("place") or first.get("place"), "start": rec.get("start") or first.get("start_date"),
        "end": rec.get("end") or first.get("end_date"),
        "participants": [{**named(c, p, names), "kind": c.kb.kind(p), "reports": n, "role": roles.get(p),
                          "affiliation": named(c, affiliation[p], names) if p in affiliation else None}
                         for p, n in sorted(participants.items(), key=lambda x: (-x[1], x[0]))],
        "statements": [{**named(c, sp, names), "statements": v} for sp, v in said.items()],
        "outcomes": outcomes, "kb_outcome": rec.get("outcome"),
        "reports": [{"doc_id": d, "title": next(r["doc_title"] for r in rows if r["doc_id"] == d)}
                    for d in doc_ids],
    }


# -- assessment, comparison, briefs (normwatch.assess / compare / brief over the KB) -------------

def assessment(c: Context, iid: str, as_of: str | None = None) -> dict[str, Any] | None:
    """The norm assessment of an incident: a KB incident, or a new one documents report (its victim,
    type and date from the reports); the document claims about it are hypotheses beside the KB's.
    None when neither the KB nor any document knows the incident."""
    from ..assess import assess_incident

    if c.kb.kb is None:
        return None
    claims = c.queries.claims(incident=iid, limit=500).items
    rec = c.kb.get(iid)
    if rec is not None and c.kb.kind(iid) != "incident":
        return None
    if rec is None:
        reports = c.queries.incident_rows(iid)
        if not reports:
            return None
        first = reports[0]
        rec = {"id": iid, "name": first.get("title"), "victims": [v for v in [first.get("victim")] if v],
               "type": first.get("type"), "start": first.get("date")}
    return assess_incident(c.kb.kb, iid, as_of=as_of, incident=rec, claims=claims)


def claim_graph(c: Context, accused: str | None = None, claimant: str | None = None) -> dict[str, Any]:
    """The claimant -> accused graph over every stored claim (denials included, counted by certainty)."""
    return graph(c, c.queries.claims(accused=accused, claimant=claimant, limit=500).items)


def comparison(c: Context, ids: list[str]) -> dict[str, Any] | None:
    from ..compare import compare_instruments

    if c.kb.kb is None or not ids or any(c.kb.get(i) is None or c.kb.kind(i) != "instrument" for i in ids):
        return None
    return compare_instruments(c.kb.kb, ids)


def instrument_brief(c: Context, iid: str) -> dict[str, Any] | None:
    from ..brief import brief

    if c.kb.kb is None or c.kb.get(iid) is None or c.kb.kind(iid) != "instrument":
        return None
    return brief(c.kb.kb, iid)
