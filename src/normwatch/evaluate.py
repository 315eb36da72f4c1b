"""Score extraction output against hand-made gold annotations, so quality is a number.

Run it as ``normwatch eval GOLD PRED.jsonl`` (predictions made earlier by
``normwatch extract ... --format jsonl``) or ``normwatch eval GOLD --run [PATH...]``
(extract now; with no PATH the gold documents are looked up under ``--corpus``).
GOLD is one gold JSON file (the format of ``../shared/gold/origin.json``) or a
directory of them, scored together.

Matching rules (also in tests/eval/README.md):

- Documents: a prediction belongs to a gold document when the base name of its
  ``doc.source`` equals the gold key's base name or the base name of the gold
  document's ``source``. Gold documents without a prediction count all their items
  as misses; predictions for documents not in the gold are ignored (and counted).
- Quotes and surfaces are located in the prediction's ``doc.text`` after
  whitespace normalisation (runs of whitespace are one space; curly quotes and
  apostrophes are straight); a predicted span matches when it overlaps an
  occurrence.
- ``required: false`` on any gold item: a match counts as a true positive, no
  match is not a false negative, and a prediction matching it is not a false positive.
- actors: by id per document. Of the matched ones, affiliation agreement is
  counted exactly; role agreement loosely (the content words of the shorter role
  mostly appear in the other).
- statements: the predicted span overlaps the gold quote, the speaker agrees (same
  id, or the gold speaker is a state/organisation and the prediction's affiliation
  is it), and ``direct`` agrees. One prediction matches at most one gold item,
  greedily by overlap size; extra predictions are false positives.
  ``statements~span`` reports the same ignoring speaker and ``direct``.
- stances: (target, polarity) equal and the actors agree: the gold's {actor,
  affiliation} and the prediction's share an id. Predictions are deduplicated first;
  one that only repeats an already matched gold stance is a duplicate, not an error
  (a person's stance is also their state's). Forbidden stances: predictions with the
  forbidden (actor-or-affiliation, target, polarity) are counted.
- subscriptions: (actor, instrument, action) per document, as sets;
  ``subscriptions~any-action`` ignores the action.
- instrument_mentions: (document, instrument); ``instrument_mentions`` demands a
  predicted mention overlapping an occurrence of one of the gold surfaces,
  ``instrument_mentions~doc`` only that the instrument is predicted for the document.
- attributions: (incident, accused, certainty, via) per document;
  ``attributions~accused`` only (incident, accused). incidents: (incident, victim,
  type); ``incidents~id`` only the id.
- claims: (accused, claimant, certainty, via) per document, whatever incident they are
  about: the gold's top-level ``claims`` plus every gold incident's attributions, against
  the prediction's ``claims`` (its incidents' attributions when it has none);
  ``claims~accused`` only the accused. Predictions accusing a state the gold lists in
  ``forbidden_claims`` (a victim, a prosecutor) are counted and listed.
- events: event id per document; for matched events, place (normalised, either
  contains the other), start, end, participants (set precision/recall) and whether
  an outcome is given are reported.

All numbers are micro-averaged over documents.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import click

from .errors import NormwatchError

__all__ = ["Gold", "GoldDoc", "KindScore", "Report", "load_gold", "score", "format_report", "eval_command",
           "KINDS"]

#: Item lists a gold file may hold, in report order.
KINDS = ("actors", "statements", "stances", "subscriptions", "instrument_mentions", "incidents", "events")
DOC_FIELDS = ("title", "publisher", "published", "language")


class GoldError(NormwatchError):
    """A gold file cannot be read or breaks the gold format."""

    code = "NW900"


# ---------------------------------------------------------------- gold


@dataclass
class GoldDoc:
    """One annotated document: its key (a base name), metadata and expected substrings."""

    key: str
    source: str | None = None
    speaker: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    boilerplate_substrings: list[str] = field(default_factory=list)
    body_substrings: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        """Base names a prediction's source may carry to belong to this document."""
        out = {_basename(self.key)}
        if self.source:
            out.add(_basename(self.source))
        return out


@dataclass
class Gold:
    """Gold documents and their items (each item a dict with a ``doc`` key)."""

    documents: dict[str, GoldDoc] = field(default_factory=dict)
    items: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in KINDS})
    forbidden_stances: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)  # accusations scored whatever incident they are about
    forbidden_claims: list[dict] = field(default_factory=list)  # {doc, accused, why}: accusing them is wrong
    files: list[str] = field(default_factory=list)

    def of(self, kind: str, key: str) -> list[dict]:
        return [it for it in self.items[kind] if it.get("doc") == key]


def load_gold(path: str | os.PathLike) -> Gold:
    """Read a gold file, or every ``*.json`` in a directory, into one `Gold`.

    Raises `GoldError` (NW900) on unreadable JSON, an item naming an unknown
    document, or a document annotated in two files.
    """
    p = Path(path)
    files = sorted(p.glob("*.json")) if p.is_dir() else [p]
    if not files:
        raise GoldError(f"no *.json gold files in {p}", hint="give a gold file or a directory of them")
    gold = Gold()
    for f in files:
        _merge(gold, f)
    return gold


def _merge(gold: Gold, f: Path) -> None:
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GoldError(str(e), source=str(f)) from e
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        raise GoldError("top level must be an object with a 'documents' object", source=str(f))
    for key, d in data["documents"].items():
        if key in gold.documents:
            raise GoldError(f"document {key!r} is annotated twice", source=str(f))
        d = d or {}
        gold.documents[key] = GoldDoc(
            key=key, source=d.get("source"), speaker=d.get("speaker"),
            meta={k: d[k] for k in DOC_FIELDS if k in d},
            boilerplate_substrings=list(d.get("boilerplate_substrings") or []),
            body_substrings=list(d.get("body_substrings") or []))
    for kind in (*KINDS, "forbidden_stances"):
        for i, it in enumerate(data.get(kind) or []):
            if it.get("doc") not in gold.documents:
                raise GoldError(f"{kind}[{i}] names unknown document {it.get('doc')!r}", source=str(f))
            (gold.forbidden_stances if kind == "forbidden_stances" else gold.items[kind]).append(it)
    for kind in ("claims", "forbidden_claims"):
        for i, it in enumerate(data.get(kind) or []):
            if it.get("doc") not in gold.documents:
                raise GoldError(f"{kind}[{i}] names unknown document {it.get('doc')!r}", source=str(f))
            getattr(gold, kind).append(it)
    gold.files.append(str(f))


# ---------------------------------------------------------------- text location

_QUOTE_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                             "\u00a0": " "})
_WS = re.compile(r"\s+")


def normalise(s: str) -> str:
    """Whitespace runs to one space, typographic quotes to straight ones, trimmed."""
    return _WS.sub(" ", s.translate(_QUOTE_FOLD)).strip()


class Located:
    """A document text with a whitespace-normalised copy and an offset map back."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        where: list[int] = []
        prev_space = True  # drops leading whitespace, like normalise()
        for i, ch in enumerate(text.translate(_QUOTE_FOLD)):
            if ch.isspace():
                if prev_space:
                    continue
                ch, prev_space = " ", True
            else:
                prev_space = False
            chars.append(ch)
            where.append(i)
        self.norm = "".join(chars)
        self.where = where
        self._cache: dict[str, list[tuple[int, int]]] = {}

    def find(self, needle: str) -> list[tuple[int, int]]:
        """Every occurrence of `needle` (normalised) as (start, end) offsets into the original text."""
        n = normalise(needle)
        if n in self._cache:
            return self._cache[n]
        out: list[tuple[int, int]] = []
        if n:
            i = self.norm.find(n)
            while i >= 0:
                out.append((self.where[i], self.where[i + len(n) - 1] + 1))
                i = self.norm.find(n, i + 1)
        self._cache[n] = out
        return out

    def contains(self, needle: str) -> bool:
        return bool(self.find(needle))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by two half-open spans (0 when apart or touching)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _span(v: Any) -> tuple[int, int] | None:
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return (v[0], v[1])
    return None


# ---------------------------------------------------------------- scores


@dataclass
class KindScore:
    """Counts for one kind; `gold` counts required items, `optional` the `required: false` ones."""

    gold: int = 0
    optional: int = 0
    predicted: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    duplicates: int = 0
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp_required / self.gold if self.gold else 1.0

    @property
    def tp_required(self) -> int:
        return self.gold - self.fn

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        d = {"gold": self.gold, "optional": self.optional, "predicted": self.predicted, "tp": self.tp,
             "fp": self.fp, "fn": self.fn, "duplicates": self.duplicates,
             "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
             "required_found": self.tp_required}
        if details:
            d["misses"] = self.misses
            d["false_positives"] = self.false_positives
        return d


@dataclass
class Report:
    """Everything `score` measured; `kinds` maps a kind (or a ``kind~variant``) to its counts."""

    kinds: dict[str, KindScore] = field(default_factory=dict)
    forbidden: list[dict] = field(default_factory=list)
    forbidden_claims: list[dict] = field(default_factory=list)
    checks: dict[str, list[int]] = field(default_factory=dict)   # name -> [agreeing, checked]
    documents: int = 0
    documents_predicted: int = 0
    missing_documents: list[str] = field(default_factory=list)
    unmatched_predictions: int = 0
    unlocated: list[dict] = field(default_factory=list)          # gold strings not found in doc.text

    def check(self, name: str, ok: bool) -> None:
        c = self.checks.setdefault(name, [0, 0])
        c[0] += int(ok)
        c[1] += 1

    def kind(self, name: str) -> KindScore:
        return self.kinds.setdefault(name, KindScore())

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        return {
            "documents": self.documents, "documents_predicted": self.documents_predicted,
            "missing_documents": self.missing_documents, "unmatched_predictions": self.unmatched_predictions,
            "kinds": {k: v.as_dict(details) for k, v in self.kinds.items()},
            "forbidden_stances": len(self.forbidden),
            "forbidden": self.forbidden,
            "forbidden_claims": self.forbidden_claims,
            "checks": {k: {"agree": a, "checked": n} for k, (a, n) in self.checks.items()},
            "unlocated_gold_strings": self.unlocated if details else len(self.unlocated),
        }


def _required(it: dict) -> bool:
    return it.get("required", True) is not False


def _match(gold_items: list[dict], preds: list[dict], pair: Callable[[dict, dict], int],
           kind: KindScore, label: Callable[[dict], Any], dedupe_repeats: bool = False) -> None:
    """One-to-one greedy matching by `pair` strength (0 = no match), then counting.

    `dedupe_repeats`: a prediction that would match an already matched gold item is
    a duplicate, neither right nor wrong (used for set-like kinds).
    """
    kind.gold += sum(_required(g) for g in gold_items)
    kind.optional += sum(not _required(g) for g in gold_items)
    kind.predicted += len(preds)
    cands = []
    for gi, g in enumerate(gold_items):
        for pi, p in enumerate(preds):
            s = pair(g, p)
            if s > 0:
                cands.append((-s, gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        kind.tp += 1
    for gi, g in enumerate(gold_items):
        if gi not in used_g and _required(g):
            kind.fn += 1
            kind.misses.append(label(g))
    matched_any = {pi for _, gi, pi in cands}
    for pi, p in enumerate(preds):
        if pi in used_p:
            continue
        if pi in matched_any:
            # it matches some gold item already taken (or an optional one): only a repeat
            if dedupe_repeats or any(not _required(gold_items[gi]) for _, gi, pj in cands if pj == pi):
                kind.duplicates += 1
                continue
        kind.fp += 1
        kind.false_positives.append(label(p))


def _label(doc: str, *fields_: str) -> Callable[[dict], dict]:
    return lambda it: {"doc": doc, **{f: it.get(f) for f in fields_ if f in it}}


def _unique(items: Iterable[dict], key: Callable[[dict], tuple]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for it in items:
        seen.setdefault(key(it), it)
    return list(seen.values())


_STOP = {"the", "of", "for", "and", "a", "an", "to", "in", "on", "at", "s", "de", "former", "deputy"}


def _tokens(s: str | None) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", (s or "").lower()) if t not in _STOP}


def role_agrees(gold_role: str | None, pred_role: str | None) -> bool:
    """Loose: most content words of the shorter role appear in the other one."""
    g, p = _tokens(gold_role), _tokens(pred_role)
    if not g or not p:
        return False
    small, big = (g, p) if len(g) <= len(p) else (p, g)
    return len(small & big) * 2 >= len(small)


def _place_agrees(g: str | None, p: str | None) -> bool:
    a, b = normalise(g or "").lower(), normalise(p or "").lower()
    return bool(a and b and (a in b or b in a))


# ---------------------------------------------------------------- per-document scoring


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


# ---------------------------------------------------------------- output

_HEADLINE = ("actors", "statements", "stances", "subscriptions", "instrument_mentions", "attributions",
             "incidents", "events", "claims")


def format_report(report: Report, fmt: str = "text", details: bool = False) -> str:
    """The report as an aligned table (``text``) or as JSON with the same numbers (``json``)."""
    if fmt == "json":
        return json.dumps(report.as_dict(details), ensure_ascii=False, indent=2)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: use text or json")
    lines = [f"documents: {report.documents_predicted}/{report.documents} predicted"
             + (f" (missing: {', '.join(report.missing_documents)})" if report.missing_documents else "")
             + (f"; {report.unmatched_predictions} predictions not in the gold" if report.unmatched_predictions
                else ""),
             "",
             f"{'kind':<26}{'gold':>6}{'opt':>5}{'pred':>6}{'tp':>6}{'fp':>6}{'fn':>6}"
             f"{'P':>8}{'R':>8}{'F1':>8}"]
    for name, k in report.kinds.items():
        lines.append(f"{name:<26}{k.gold:>6}{k.optional:>5}{k.predicted:>6}{k.tp:>6}{k.fp:>6}{k.fn:>6}"
                     f"{k.precision:>8.3f}{k.recall:>8.3f}{k.f1:>8.3f}")
    lines.append("")
    st = report.kinds.get("stances")
    if st is not None:
        lines.append(f"required stances found {st.tp_required}/{st.gold}")
    lines.append(f"forbidden stances predicted: {len(report.forbidden)}")
    for f in report.forbidden:
        lines.append(f"  {f['doc']}: {f['actor'] or f['affiliation']} {f['polarity']} {f['target']}"
                     + (f"  ({f['why']})" if f.get("why") else ""))
    if report.forbidden_claims:
        lines.append(f"forbidden claims predicted: {len(report.forbidden_claims)}")
        for f in report.forbidden_claims:
            lines.append(f"  {f['doc']}: accused {f['accused']}" + (f"  ({f['why']})" if f.get("why") else ""))
    for name, (agree, n) in report.checks.items():
        lines.append(f"{name.replace('_', ' ')}: {agree}/{n}")
    if report.unlocated:
        lines.append(f"gold strings not found in doc.text: {len(report.unlocated)} (cleaning dropped them?)")
    if details:
        for name in _HEADLINE:
            k = report.kinds.get(name)
            if k is None:
                continue
            for m in k.misses:
                lines.append(f"  miss {name}: {json.dumps(m, ensure_ascii=False)}")
            for p in k.false_positives:
                lines.append(f"  extra {name}: {json.dumps(p, ensure_ascii=False)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- command


def _basename(src: str) -> str:
    return re.split(r"[\\/]", src.split("#", 1)[0].split("?", 1)[0].rstrip("/\\"))[-1]


def read_predictions(path: str) -> list[dict]:
    """Contract objects from a JSONL file (one per line) or a JSON array; ``-`` reads stdin."""
    raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    stripped = raw.lstrip()
    if stripped.startswith("["):
        return json.loads(stripped)
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise GoldError(f"line {n}: {e.msg}", source=path, code="NW132",
                                hint="predictions are one JSON object per line (normwatch extract --format jsonl)")
    return out


def default_corpus() -> Path:
    """../shared/corpus beside the work tree, or $NORMWATCH_SHARED/corpus."""
    env = os.environ.get("NORMWATCH_SHARED")
    return Path(env) / "corpus" if env else Path.cwd().parent / "shared" / "corpus"


def gold_paths(gold: Gold, corpus: Path) -> list[str]:
    """Files of the gold documents under `corpus`: their `source`, else found by base name."""
    out = []
    index: dict[str, Path] | None = None
    for gd in gold.documents.values():
        if gd.source and (corpus / gd.source).is_file():
            out.append(str(corpus / gd.source))
            continue
        if index is None:
            index = {}
            for p in sorted(corpus.rglob("*")):
                if p.is_file():
                    index.setdefault(p.name, p)
        p = index.get(_basename(gd.key))
        if p is None:
            raise GoldError(f"gold document {gd.key!r} not found under {corpus}", hint="pass --corpus DIR")
        out.append(str(p))
    return out


def run_extraction(paths: list[str], gold: Gold) -> list[dict]:
    """Extract the given files now, giving each speech its gold `speaker`."""
    # imported here so scoring saved predictions works without the extraction stages
    from .extract import extract_paths
    from .settings import Settings

    speaker = {}
    for gd in gold.documents.values():
        if gd.speaker:
            for n in gd.names():
                speaker[n] = gd.speaker
    out = []
    for item in extract_paths(paths, Settings.load(), speaker or None):
        if isinstance(item, dict):
            out.append(item)
        else:
            click.echo(f"rejected {item.line() if hasattr(item, 'line') else item}", err=True)
    return out


@click.command("eval")
@click.argument("gold_path", metavar="GOLD")
@click.argument("inputs", nargs=-1, metavar="[PRED.jsonl | PATH...]")
@click.option("--run", "run", is_flag=True,
              help="extract INPUTS now (no INPUTS: the gold documents found under --corpus)")
@click.option("--corpus", type=click.Path(file_okay=False), default=None,
              help="where gold documents live for --run [default: $NORMWATCH_SHARED/corpus or ../shared/corpus]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--details", is_flag=True, help="also list every miss and false positive")
def eval_command(gold_path, inputs, run, corpus, fmt, details):
    """Precision, recall and F1 per kind of fact against gold annotations (a file or a directory)."""
    try:
        gold = load_gold(gold_path)
        if run:
            paths = list(inputs) or gold_paths(gold, Path(corpus) if corpus else default_corpus())
            predictions = run_extraction(paths, gold)
        else:
            if len(inputs) != 1:
                raise click.UsageError("give one PRED.jsonl, or --run [PATH...] to extract now")
            predictions = read_predictions(inputs[0])
    except NormwatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except (OSError, json.JSONDecodeError) as e:
        click.echo(f"error: cannot read predictions: {e}", err=True)
        sys.exit(2)
    click.echo(format_report(score(gold, predictions), fmt, details))
