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
    ("endorsed", r"endors(?:ed|es|e)|(?:has|have) (?:also )?(?:joined|become) (?:the )?supporters? of|"
                 r"subscrib(?:ed|es|e)(?:,?\s*\(?(?:in principle|formally|fully)\)?,?)?\s+to|adopt(?:ed|s)|accepted"),
    ("joined", r"joined|join|joins|joining|bec(?:a|o)me (?:a )?(?:state )?part(?:y|ies) to|(?:a|an) (?:state )?part(?:y|ies) to"),
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
# Organisations that can subscribe: an intergovernmental body to anything; a company, NGO or
# university only to a declaration or a corporate text (it cannot sign a treaty). A UN organ that
# adopts a report, or a national agency, does not subscribe.
IGO_KINDS = ("igo",)
PRIVATE_KINDS = ("company", "ngo", "university", "think-tank")
OPEN_TO_PRIVATE = ("declaration", "corporate-proposal")
# What makes a verb no report of a done act: negation, refusal, a modal or plan ("will sign",
# "has not ratified", "refused to join"), read in the words just before it.
_NOT_DONE = re.compile(
    r"\b(?:not|never|no longer|yet to|refus\w*|declin\w*|fail\w*|reject\w*|would|should|could|"
    r"may|might|must|plans?|planning|intends?|intending|expected|hopes?|wants?|urged?\w*|call\w* (?:on|upon)|"
    r"ask\w*|invit\w*|encourag\w*|pressur\w*|consider\w*|whether|if)\b[^.;]{0,30}$|n['\u2019]t\s+$")
# An infinitive is a done act only after "the first/Nth/only/latest ... to (have)" ("became the
# 50th state to ratify", "the only regional organisation to have subscribed").
_TO_BEFORE = re.compile(r"\bto\s+(?:have\s+)?$", re.I)
_ORDINAL_TO = re.compile(
    r"\b(?:first|second|third|last|latest|only|\d+(?:st|nd|rd|th)|\w+th)\b[^.;,]{0,50}\bto\s+(?:have\s+)?$|"
    # an announced decision counts ("the decision to support the Paris Call", "decided to join")
    r"\b(?:decision|decided|agreed|agreement|move)\s+to\s+$", re.I)


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
    states = drop_nested([m for m in ms if m.kind in ("state", "org", "instrument")
                          and (m.kind == "instrument" or m.how in STATE_HOW)])
    states = [m for m in states if m.kind == "state" or (m.kind == "org" and _org_kind(kb, m.id) in IGO_KINDS + PRIVATE_KINDS)]
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
        if re.match(r"\s+that\b", text[v.end():v.end() + 8]):
            continue  # "has endorsed that international law applies": a view, not a text
        inst = _object(insts, v.end(), s.end) or _nearest_before(insts, v.start())
        if inst is None and prior and _ANAPHORIC_OBJECT.match(text, v.end()):
            inst = prior[-1]
        if inst is None or not _compatible(kb, inst.id, action):
            continue
        if v.group(0).lower().startswith("adopt") and _kind(kb, inst.id) in ("treaty", "protocol", "charter"):
            continue  # a treaty is adopted by the body that drafts it, then signed by states
        if not _done(text, s.start, v.start()):
            continue
        actors = _subject(text, states, v.start(), s.start)
        if not actors:
            by = _PASSIVE_BY.match(text[v.end():v.end() + 80])
            if by:
                actors = _list_after(text, states, v.end() + by.end())
        date = _date(text, v.end(), s.end) or _date(text, s.start, v.start())
        for a in actors:
            if _can_subscribe(kb, a, inst.id):
                yield Subscription(a.id, inst.id, action, date, s)
    for n in NOUN_RE.finditer(text, s.start, s.end):
        action = next(k[2:] for k, val in n.groupdict().items() if val)
        inst = _nearest_before(insts, n.start()) or _object(insts, n.end(), s.end) or (prior[-1] if prior else None)
        if inst is None or not _compatible(kb, inst.id, action):
            continue
        actors = _list_after(text, states, n.end(), limit=160, inst=inst)
        for a in actors:
            if _can_subscribe(kb, a, inst.id):
                yield Subscription(a.id, inst.id, action, None, s)
    if any(_kind(kb, m.id) == "declaration" for m in insts):
        for v in _SUPPORTS.finditer(text, s.start, s.end):
            # the declaration is what is supported ("supports the Paris Call"), not a later object
            inst = _object(insts, v.end(), s.end, reach=40)
            if inst and not re.fullmatch(r"\s+(?:(?:the|its|their|fully|also|strongly)\s+)*", text[v.end():inst.start]):
                continue
            if inst and _kind(kb, inst.id) == "declaration":
                for a in _subject(text, states, v.start(), s.start):
                    if not _done(text, s.start, v.start()):
                        break
                    yield Subscription(a.id, inst.id, "endorsed", _date(text, s.start, s.end), s)


def _done(text: str, floor: int, verb: int) -> bool:
    """Does the verb report an act done, not refused, negated, planned or urged on someone?"""
    before = text[max(floor, verb - 60):verb]
    if _NOT_DONE.search(before):
        return False
    if _TO_BEFORE.search(before):
        return bool(_ORDINAL_TO.search(text[max(floor, verb - 90):verb]))
    return True


def _org_kind(kb: Any, oid: str) -> str | None:
    return (kb_get(kb, oid) or {}).get("kind")


def _can_subscribe(kb: Any, actor: M, iid: str) -> bool:
    """A state or intergovernmental body to anything; a company or NGO only to a declaration."""
    if actor.kind == "state":
        return True
    k = _org_kind(kb, actor.id)
    if k in IGO_KINDS:
        return True
    return k in PRIVATE_KINDS and _kind(kb, iid) in OPEN_TO_PRIVATE


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


# What may stand between a noun ("signatories", "ratifications") and the list of its holders:
# "is now 45, including", "(", ": ", "such as" -- not a preposition governing another phrase
# ("signatories to the UK-led declaration": "UK" is no holder).
_LIST_GAP = re.compile(
    r"(?:[\s,:(\u2014\u2013-]|\b(?:is|are|was|were|now|has|have|stands?|reached|totals?|totall?ed|numbers?|"
    r"numbered|\d+|of which|among them|including|includ(?:e|es)|such as|notably|namely|like|with|from|by|"
    r"the likes of|amongst|among)\b)*(?:the\s+)?", re.I)

# After an explicit introducer a description may precede the list ("including non-members of ..., A, B").
_INTRODUCER = re.compile(r"\b(?:including|such as|among them|notably|namely)\b|[:(]", re.I)


def _list_after(text: str, states: list[M], start: int, limit: int = 120, inst: M | None = None) -> list[M]:
    """The first coordinated list of states after `start` (within `limit` characters).

    Only list introducers may stand before it; an instrument named right after the noun
    ("signatories to the Budapest Convention (Israel, ...)") is stepped over.
    """
    # "non-members of the Council of Europe, Australia, ...": an actor after "of" is no holder
    after = [m for m in states if start <= m.start < start + limit
             and not re.search(r"\b(?:of|to|against|with)\s+(?:the\s+)?$", text[max(0, m.start - 12):m.start])]
    if not after:
        return []
    first = after[0]
    lo = start
    if inst is not None and start <= inst.start and inst.end <= first.start \
            and re.fullmatch(r"\s+(?:to|of|for)\s+(?:the\s+)?", text[start:inst.start]):
        lo = inst.end
    gap = text[lo:first.start]
    if re.search(r"[.;]", gap) or not (_LIST_GAP.fullmatch(gap) or _INTRODUCER.search(gap)):
        return []
    return coordinated(text, after, 0)


def _date(text: str, start: int, end: int) -> str | None:
    """The first date in the clause after `start`: "in 2011" -> "2011"."""
    cut = _CLAUSE_END.search(text, start, end)
    stop = cut.start() if cut else end
    ds = find_dates(text, start, stop)
    return ds[0].iso if ds else None


__all__ = ["extract_subscriptions", "find_subscriptions"]
