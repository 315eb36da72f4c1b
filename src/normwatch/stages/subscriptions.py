"""Stage 6, subscriptions: which states signed, ratified, acceded to, sponsored, endorsed or joined an instrument.

Read from one sentence at a time. A sentence needs an action cue and an instrument (named
in it, or — for "The total number of ratifications is now 45, including ..." — named in
one of the two sentences before). The actors are the coordinated list of states ("A, B, C
and D", "others" ignored) in subject position before a verb ("China and Russia submitted
..."), or after a noun or a passive ("ratifications ... including A, B and C", "signed by
A and B"). The date is the one the clause gives ("in 2011" -> "2011"), else null.

Run:  normwatch extract FILE --format jsonl   (the "subscriptions" list)
"""

from __future__ import annotations

import re
from typing import Any

from ..pipeline import stage
from ..extraction.cues import (
    M,
    all_mentions,
    coordinated,
    default_kb,
    drop_nested,
    find_dates,
    kb_get,
    sentence_spans,
    within,
)
from ..extraction.stance_targets import names_it
from ..model import Document, Span, Subscription
from ..settings import Settings

# Verbs (actors before them) and nouns (actors after them), per action.
_VERBS: list[tuple[str, str]] = [
    ("sponsored", r"(?:co-?)?sponsor(?:ed|s)?|(?:jointly |together |had |have |has )*(?:submitted|tabled|proposed|put forward|presented|introduced|circulated|sent)"),
    ("ratified", r"ratif(?:ied|ies|y)"),
    ("acceded", r"acceded to|accede to|accedes to"),
    ("signed", r"signed(?: on to| up to)?|signs"),
    ("endorsed", r"endors(?:ed|es)|(?:has|have) (?:also )?(?:joined|become) (?:the )?supporters? of"),
    ("joined", r"joined|join|joins|became (?:a )?part(?:y|ies) to|become (?:a )?part(?:y|ies) to"),
]
_NOUNS: list[tuple[str, str]] = [
    ("ratified", r"ratifications?"),
    ("acceded", r"accessions?"),
    ("signed", r"signator(?:y|ies)|signatures?"),
    ("sponsored", r"(?:co-?)?sponsors?"),
    ("endorsed", r"endorsements?|supporters?|endorsers?"),
    ("joined", r"(?:states )?parties"),
]
VERB_RE = re.compile(r"\b(?:" + "|".join(f"(?P<v_{a}>{p})" for a, p in _VERBS) + r")\b", re.I)
NOUN_RE = re.compile(r"\b(?:" + "|".join(f"(?P<n_{a}>{p})" for a, p in _NOUNS) + r")\b", re.I)
# A jointly sent letter "requesting ... to circulate" an instrument is a sponsorship of it.
_SEND_VERB = re.compile(r"(?:submitted|tabled|proposed|put forward|presented|introduced|circulated|sent)", re.I)
_PASSIVE_BY = re.compile(r"^\s*(?:\w+\s+){0,6}?by\s", re.I)
_ACTIVE_GAP = re.compile(r"^[^.;:]{0,60}$")
_CLAUSE_END = re.compile(r";|,\s+(?:and|but|while|whereas)\s+(?:the|it|this|that|they)\b|\.\s", re.I)
# "supports the Paris Call": for a declaration, support is endorsement.
_SUPPORTS = re.compile(r"\bsupport(?:s|ed)?\b", re.I)
LOOKBACK_SENTENCES = 2
# "signed it", "ratified the convention": the instrument is the one named just before.
_ANAPHORIC_OBJECT = re.compile(
    r"\s+(?:it|the (?:convention|treaty|code|call|declaration|protocol|agreement|document|text|draft|resolution))\b", re.I)
STATE_HOW = ("name", "alias", "abbreviation")


@stage("subscriptions.v1", requires=("sentences", "mentions"), assigns=("subscriptions",))
def extract_subscriptions(doc: Document, settings: Settings) -> Document:
    """Fill `doc.subscriptions` from the text (see the module docstring)."""
    doc.subscriptions.extend(find_subscriptions(doc, default_kb()))
    return doc


def find_subscriptions(doc: Document, kb: Any) -> list[Subscription]:
    """Subscriptions stated in the document's sentences, one per (actor, instrument, action)."""
    text = doc.text
    sents = sentence_spans(doc)
    ms = all_mentions(doc)
    insts = [m for m in ms if m.kind == "instrument" and names_it(text, m)]
    states = drop_nested([m for m in ms if m.kind in ("state", "instrument") and (m.kind == "instrument" or m.how in STATE_HOW)])
    states = [m for m in states if m.kind == "state"]
    out: dict[tuple[str, str, str], Subscription] = {}
    for i, s in enumerate(sents):
        s_insts = within(insts, s.start, s.end)
        s_states = [m for m in within(states, s.start, s.end) if not _is_place(text, m)]
        if not s_states:
            continue
        prior = [m for j in range(max(0, i - LOOKBACK_SENTENCES), i) for m in within(insts, sents[j].start, sents[j].end)]
        for sub in _sentence(doc, kb, s, s_insts, s_states, prior):
            out.setdefault((sub.actor, sub.instrument, sub.action), sub)
    return list(out.values())


def _is_place(text: str, m: M) -> bool:
    """"in Budapest", "at The Hague": a place, not an actor."""
    return bool(re.search(r"\b(?:in|at|near|from)\s+(?:the\s+)?$", text[max(0, m.start - 8):m.start], re.I))


def _sentence(doc: Document, kb: Any, s: Span, insts: list[M], states: list[M], prior: list[M]):
    text = doc.text
    for v in VERB_RE.finditer(text, s.start, s.end):
        action = next(k[2:] for k, val in v.groupdict().items() if val)
        if action == "sponsored" and not _sponsor_context(text, s, v):
            continue
        inst = _object(insts, v.end(), s.end) or _nearest_before(insts, v.start())
        if inst is None and prior and _ANAPHORIC_OBJECT.match(text, v.end()):
            inst = prior[-1]
        if inst is None or not _compatible(kb, inst.id, action):
            continue
        actors = _subject(text, states, v.start(), s.start)
        if not actors:
            by = _PASSIVE_BY.match(text[v.end():v.end() + 80])
            if by:
                actors = _list_after(text, states, v.end() + by.end())
        date = _date(text, v.end(), s.end) or _date(text, s.start, v.start())
        for a in actors:
            yield Subscription(a.id, inst.id, action, date, s)
    for n in NOUN_RE.finditer(text, s.start, s.end):
        action = next(k[2:] for k, val in n.groupdict().items() if val)
        inst = _nearest_before(insts, n.start()) or _object(insts, n.end(), s.end) or (prior[-1] if prior else None)
        if inst is None or not _compatible(kb, inst.id, action):
            continue
        actors = _list_after(text, states, n.end(), limit=160)
        for a in actors:
            yield Subscription(a.id, inst.id, action, None, s)
    if any(_kind(kb, m.id) == "declaration" for m in insts):
        for v in _SUPPORTS.finditer(text, s.start, s.end):
            inst = _object(insts, v.end(), s.end)
            if inst and _kind(kb, inst.id) == "declaration":
                for a in _subject(text, states, v.start(), s.start):
                    yield Subscription(a.id, inst.id, "endorsed", _date(text, s.start, s.end), s)


def _sponsor_context(text: str, s: Span, v: re.Match) -> bool:
    """Submitting or sending counts as sponsoring only for a joint or drafting act, not any letter."""
    word = v.group(0).lower()
    if "sponsor" in word:
        return True
    if not _SEND_VERB.search(word):
        return True
    seg = text[max(s.start, v.start() - 40):min(s.end, v.end() + 160)].lower()
    return bool(re.search(r"\b(?:jointly|together|co-?author|draft|requesting|request(?:ed|ing)? .{0,40}circulat|on behalf of)\b", seg))


def _kind(kb: Any, iid: str) -> str | None:
    return (kb_get(kb, iid) or {}).get("kind")


def _compatible(kb: Any, iid: str, action: str) -> bool:
    """Ratification and accession are for treaties; sponsorship is not (a treaty is opened, not sponsored)."""
    k = _kind(kb, iid)
    if k is None:
        return True
    if action in ("ratified", "acceded"):
        return k in ("treaty", "protocol", "charter")
    if action == "sponsored":
        return k not in ("treaty", "protocol", "charter")
    return True


def _object(insts: list[M], start: int, end: int, reach: int = 160) -> M | None:
    for m in insts:
        if start <= m.start < min(end, start + reach):
            return m
    return None


def _nearest_before(insts: list[M], pos: int, reach: int = 200) -> M | None:
    best = None
    for m in insts:
        if m.end <= pos and pos - m.end <= reach:
            best = m
    return best


def _subject(text: str, states: list[M], verb: int, floor: int) -> list[M]:
    """The coordinated states ending shortly before the verb ("China, Russia and others submitted")."""
    before = [m for m in states if floor <= m.start and m.end <= verb]
    if not before:
        return []
    last = before[-1]
    gap = text[last.end:verb]
    if not _ACTIVE_GAP.match(gap) or re.search(r"\b(?:that|which|who|whom)\b", gap, re.I):
        return []
    if re.search(r"\b(?:to|against|with|for|by|on|than)\s+(?:the\s+)?$", text[max(0, last.start - 10):last.start], re.I):
        return []
    run = coordinated(text, before, len(before) - 1)
    return run


def _list_after(text: str, states: list[M], start: int, limit: int = 120) -> list[M]:
    """The first coordinated list of states after `start` (within `limit` characters)."""
    after = [m for m in states if start <= m.start < start + limit]
    if not after:
        return []
    first = after[0]
    gap = text[start:first.start]
    if re.search(r"[.;]", gap):
        return []
    return coordinated(text, after, 0)


def _date(text: str, start: int, end: int) -> str | None:
    """The first date in the clause after `start`: "in 2011" -> "2011"."""
    cut = _CLAUSE_END.search(text, start, end)
    stop = cut.start() if cut else end
    ds = find_dates(text, start, stop)
    return ds[0].iso if ds else None


__all__ = ["extract_subscriptions", "find_subscriptions"]
