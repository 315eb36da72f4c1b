"""Per-document scoring of contract objects against the gold, one function per kind.

The matching rules are in the package docstring (`normwatch.evaluate`).
"""

from __future__ import annotations

from typing import Iterator

from .gold import KINDS, Gold, GoldDoc, _basename
from .matching import (Located, _label, _match, _overlap, _place_agrees, _required, _span, _unique,
                       normalise, role_agrees)
from .report import KindScore, Report

def score(gold: Gold, predictions: list[dict]) -> Report:
    """Compare contract objects (one per document) with `gold`; see the module docstring for the rules."""
    report = Report(documents=len(gold.documents))
    for k in (*KINDS[:2], "statements~span", "stances", "subscriptions", "subscriptions~any-action",
              "instrument_mentions", "instrument_mentions~doc", "attributions", "attributions~accused",
              "incidents", "incidents~id", "events", "claims", "claims~accused"):
        report.kind(k)
    by_name: dict[str, str] = {}
    for key, gd in gold.documents.items():
        for n in gd.names():
            by_name.setdefault(n, key)
    preds: dict[str, dict] = {}
    for obj in predictions:
        src = (obj.get("doc") or {}).get("source") or ""
        key = by_name.get(_basename(src))
        if key is None:
            report.unmatched_predictions += 1
        elif key not in preds:
            preds[key] = obj
    report.documents_predicted = len(preds)
    for key, gd in gold.documents.items():
        obj = preds.get(key)
        if obj is None:
            report.missing_documents.append(key)
            obj = {"doc": {"text": ""}}
        _score_doc(gold, gd, obj, report, present=key in preds)
    return report


def _score_doc(gold: Gold, gd: GoldDoc, obj: dict, report: Report, present: bool) -> None:
    key = gd.key
    doc = obj.get("doc") or {}
    loc = Located(doc.get("text") or "")
    if present:
        _doc_checks(gd, doc, loc, report)
    _score_actors(gold.of("actors", key), obj.get("actors") or [], key, report)
    _score_statements(gold.of("statements", key), obj.get("statements") or [], key, loc, report, present)
    _score_stances(gold, key, obj.get("stances") or [], report)
    _score_subscriptions(gold.of("subscriptions", key), obj.get("subscriptions") or [], key, report)
    _score_mentions(gold.of("instrument_mentions", key), obj.get("instrument_mentions") or [], key, loc,
                    report, present)
    _score_incidents(gold.of("incidents", key), obj.get("incidents") or [], key, report)
    _score_claims(gold, key, obj, report)
    _score_events(gold.of("events", key), obj.get("events") or [], key, report)


def _doc_checks(gd: GoldDoc, doc: dict, loc: Located, report: Report) -> None:
    for f, want in gd.meta.items():
        if want is None:
            continue  # unknown in the gold: nothing to demand
        got = doc.get(f)
        if f == "published":
            ok = isinstance(got, str) and got[:10] == str(want)[:10]
        else:
            ok = isinstance(got, str) and normalise(got).casefold() == normalise(str(want)).casefold()
        report.check(f, ok)
    for s in gd.boilerplate_substrings:
        report.check("boilerplate_absent", not loc.contains(s))
    for s in gd.body_substrings:
        report.check("body_present", loc.contains(s))


def _score_actors(golds: list[dict], preds: list[dict], key: str, report: Report) -> None:
    preds = _unique(preds, lambda p: (p.get("id"),))
    _match(golds, preds, lambda g, p: int(g.get("id") == p.get("id")), report.kind("actors"),
           _label(key, "id", "name", "role", "affiliation"))
    by_id = {p.get("id"): p for p in preds}
    for g in golds:
        p = by_id.get(g.get("id"))
        if p is None:
            continue
        if g.get("affiliation"):
            report.check("actor_affiliation", p.get("affiliation") == g["affiliation"])
        if g.get("role"):
            report.check("actor_role", role_agrees(g["role"], p.get("role")))


def _speaker_agrees(g: dict, p: dict) -> bool:
    gs = g.get("speaker")
    if gs is None:
        return True
    if p.get("speaker") == gs:
        return True
    # a speech's speaker is a state: a person speaking for it (or the state itself) will do
    return not gs.startswith("person:") and p.get("affiliation") == gs


def _score_statements(golds: list[dict], preds: list[dict], key: str, loc: Located, report: Report,
                      present: bool) -> None:
    occ = {i: loc.find(g.get("quote") or "") for i, g in enumerate(golds)}
    if present:
        for i, g in enumerate(golds):
            if not occ[i]:
                report.unlocated.append({"doc": key, "kind": "statements", "quote": g.get("quote")})
    index = {id(g): i for i, g in enumerate(golds)}

    def overlap(g: dict, p: dict) -> int:
        sp = _span(p.get("span"))
        if sp is not None and loc.text:
            return max((_overlap(o, sp) for o in occ[index[id(g)]]), default=0)
        # no offsets to compare: fall back on the statement's text
        gt, pt = normalise(g.get("quote") or ""), normalise(p.get("text") or "")
        return min(len(gt), len(pt)) if gt and pt and (gt in pt or pt in gt) else 0

    def full(g: dict, p: dict) -> int:
        if not _speaker_agrees(g, p):
            return 0
        if g.get("direct") is not None and p.get("direct") is not None and bool(g["direct"]) != bool(p["direct"]):
            return 0
        return overlap(g, p)

    lab = _label(key, "speaker", "affiliation", "direct", "quote", "text", "span")
    _match(golds, preds, full, report.kind("statements"), lab)
    _match(golds, preds, overlap, report.kind("statements~span"), lab)


def _actor_ids(it: dict) -> set[str]:
    return {x for x in (it.get("actor"), it.get("affiliation")) if x}


def _score_stances(gold: Gold, key: str, preds: list[dict], report: Report) -> None:
    preds = _unique(preds, lambda p: (p.get("actor"), p.get("affiliation"), p.get("target"), p.get("polarity")))

    def pair(g: dict, p: dict) -> int:
        if g.get("target") != p.get("target") or g.get("polarity") != p.get("polarity"):
            return 0
        if g.get("actor") and g.get("actor") == p.get("actor"):
            return 2  # the same actor beats a shared affiliation when choosing pairs
        return int(bool(_actor_ids(g) & _actor_ids(p)))

    _match(gold.of("stances", key), preds, pair, report.kind("stances"),
           _label(key, "actor", "affiliation", "target", "polarity"), dedupe_repeats=True)
    for f in (f for f in gold.forbidden_stances if f.get("doc") == key):
        for p in preds:
            if (p.get("target") == f.get("target") and p.get("polarity") == f.get("polarity")
                    and _actor_ids(f) & _actor_ids(p)):
                report.forbidden.append({"doc": key, "actor": p.get("actor"), "affiliation": p.get("affiliation"),
                                         "target": p.get("target"), "polarity": p.get("polarity"),
                                         "why": f.get("why")})


def _keyed(golds: list[dict], preds: list[dict], fields_: tuple[str, ...], kind: KindScore, key: str) -> None:
    """Set-like matching on equal field tuples."""
    k = lambda it: tuple(it.get(f) for f in fields_)  # noqa: E731
    # a coarser key can merge gold items; one merged item is required if any of its parts is
    merged: dict[tuple, dict] = {}
    for g in golds:
        if k(g) not in merged or (_required(g) and not _required(merged[k(g)])):
            merged[k(g)] = g
    _match(list(merged.values()), _unique(preds, k), lambda g, p: int(k(g) == k(p)), kind, _label(key, *fields_),
           dedupe_repeats=True)


def _score_subscriptions(golds: list[dict], preds: list[dict], key: str, report: Report) -> None:
    _keyed(golds, preds, ("actor", "instrument", "action"), report.kind("subscriptions"), key)
    _keyed(golds, preds, ("actor", "instrument"), report.kind("subscriptions~any-action"), key)


def _score_mentions(golds: list[dict], preds: list[dict], key: str, loc: Located, report: Report,
                    present: bool) -> None:
    instruments = _unique(preds, lambda p: (p.get("instrument"),))
    spans: dict[str, list[tuple[int, int]]] = {}
    for p in preds:
        sp = _span(p.get("span"))
        if sp is not None:
            spans.setdefault(p.get("instrument"), []).append(sp)

    def strict(g: dict, p: dict) -> int:
        if g.get("instrument") != p.get("instrument"):
            return 0
        occ = [o for s in (g.get("surface") or []) for o in loc.find(s)]
        return int(any(_overlap(o, sp) for o in occ for sp in spans.get(p.get("instrument"), [])))

    if present:
        for g in golds:
            for s in g.get("surface") or []:
                if not loc.contains(s):
                    report.unlocated.append({"doc": key, "kind": "instrument_mentions", "surface": s})
    lab = _label(key, "instrument")
    _match(golds, instruments, strict, report.kind("instrument_mentions"), lab)
    _keyed(golds, instruments, ("instrument",), report.kind("instrument_mentions~doc"), key)


def _attributions(incidents: list[dict]) -> Iterator[dict]:
    for inc in incidents:
        for a in inc.get("attributions") or []:
            out = {"incident": inc.get("incident"), **a}
            if inc.get("required") is False:
                out.setdefault("required", False)
            yield out


def _score_incidents(golds: list[dict], preds: list[dict], key: str, report: Report) -> None:
    _keyed(golds, preds, ("incident", "victim", "type"), report.kind("incidents"), key)
    _keyed(golds, preds, ("incident",), report.kind("incidents~id"), key)
    ga, pa = list(_attributions(golds)), list(_attributions(preds))
    _keyed(ga, pa, ("incident", "accused", "certainty", "via"), report.kind("attributions"), key)
    _keyed(ga, pa, ("incident", "accused"), report.kind("attributions~accused"), key)


def predicted_claims(obj: dict) -> list[dict]:
    """A prediction's claims: its top-level ``claims`` list, or (older output) its incidents' attributions."""
    if "claims" in obj:
        return list(obj.get("claims") or [])
    return list(_attributions(obj.get("incidents") or []))


def _score_claims(gold: Gold, key: str, obj: dict, report: Report) -> None:
    """Accusations per document, whatever incident they are about: the gold's ``claims`` and every
    gold incident's attributions against the prediction's claims. Predicted claims accusing a
    ``forbidden_claims`` state are listed (a victim, a prosecutor named as the accused)."""
    golds = [it for it in gold.claims if it.get("doc") == key]
    golds += [a for a in _attributions(gold.of("incidents", key))]
    preds = [p for p in predicted_claims(obj) if p.get("accused")]
    _keyed(golds, preds, ("accused", "claimant", "certainty", "via"), report.kind("claims"), key)
    _keyed(golds, preds, ("accused",), report.kind("claims~accused"), key)
    for f in (f for f in gold.forbidden_claims if f.get("doc") == key):
        for p in preds:
            if p.get("accused") == f.get("accused") and p.get("certainty") != "denied":
                report.forbidden_claims.append({"doc": key, "accused": p.get("accused"), "claimant": p.get("claimant"),
                                                "why": f.get("why")})
                break


def _score_events(golds: list[dict], preds: list[dict], key: str, report: Report) -> None:
    preds = _unique(preds, lambda p: (p.get("event"),))
    _match(golds, preds, lambda g, p: int(g.get("event") == p.get("event")), report.kind("events"),
           _label(key, "event", "name"), dedupe_repeats=True)
    by_id = {p.get("event"): p for p in preds}
    for g in golds:
        p = by_id.get(g.get("event"))
        if p is None:
            continue
        if g.get("place"):
            report.check("event_place", _place_agrees(g["place"], p.get("place")))
        for f in ("start", "end"):
            if g.get(f):
                report.check(f"event_{f}", str(p.get(f) or "")[:10] == str(g[f])[:10])
        if g.get("outcome"):
            report.check("event_outcome_given", bool(p.get("outcome")))
        gp, pp = set(g.get("participants") or []), set(p.get("participants") or [])
        ps = report.kind("event_participants")
        ps.gold += len(gp)
        ps.predicted += len(pp)
        ps.tp += len(gp & pp)
        ps.fn += len(gp - pp)
        ps.fp += len(pp - gp)

