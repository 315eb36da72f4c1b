"""What a stance can be about: propositions (by KB cues and keywords) and instruments (by mention or anaphor).

Why separate from polarity: finding the target and deciding for/against are different
problems. A proposition cue from the KB ("not ready for a new .{0,40}treaty") fixes both at
once; a keyword ("capacity building") only names the target and leaves polarity to the
clause grammar (`stance_polarity`).

Besides the KB's own cues there is a small table of general English target phrases for the
standard propositions of DESIGN.md, used only for ids the KB holds (or when the KB holds no
propositions yet), so the stage works while the KB is filled and on wording the KB cues miss.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from ..kb import lexicon
from .coref import instrument_pronouns
from .cues import M, GateHits, LiteralGate, flex_ws, kb_cache, kb_get, negated, records, safe_regex, words_before


@dataclass(frozen=True, slots=True)
class Target:
    """A target phrase at [start, end); `polarity` is set when the phrase itself carries it."""

    id: str
    start: int
    end: int
    polarity: str | None = None
    confidence: float = 1.0  # a fixed polarity's confidence, else a weight on the cue's
    invert: bool = False  # the phrase names the opposite of the proposition ("arms race" for restraint)
    generic: bool = False  # "a new treaty": which proposition depends on context
    broad: bool = False  # a broad phrase: support only, and only with cyber words close by
    inner: bool = False  # a concept match (two word lists): a cue between its parts may govern it


# Target phrases per proposition are data: kb/data/lexicon/stance_targets.yaml (fixed phrases,
# regex items) and stance_concepts.yaml (concepts: a topic word and a second word in one clause,
# lemmatised). Each table names its `target`; `polarity` fixes it, `invert` says the phrase names
# what the proposition is against ("arms race" for restraint), `broad` marks a weak sign (support
# only, cues close, cyber words close by). Used only for ids the KB holds.
TARGET_FILES = ("stance_targets.", "stance_concepts.")


def builtin_tables() -> list[lexicon.Table]:
    """The lexicon's stance-target tables, fixed phrases first."""
    return [t for f in TARGET_FILES for t in lexicon.targets(f)]


# "a new treaty / convention / instrument": a debated proposal whose subject comes from context.
GENERIC_NEW = re.compile(
    r"\b(?:an?(?:other)? |the )?new (?:\w+ ){0,3}?(?:treaty|treaties|convention|instrument|agreement)s?\b", re.I)
_CONTEXT_TERMS: dict[str, re.Pattern] = {
    "proposition:new-un-cybercrime-treaty": re.compile(
        r"cyber[- ]?crime|computer crime|Internet crime|Budapest|law enforcement|criminal", re.I),
    "proposition:binding-state-behaviour-treaty": re.compile(
        r"state behaviou?r|behaviou?r of states|use of force|arms control|cyber ?weapons|cyber ?warfare|legally binding (?:instrument|framework)", re.I),
}

# Anaphors for instruments and the instrument kinds each may refer to (None: any kind) are data:
# kb/data/lexicon/stance_anaphors.yaml (head nouns, modifiers, one kinds_<noun> table per noun).
def _anaphor_tables() -> tuple[re.Pattern, dict[str, set[str] | None]]:
    nouns = lexicon.items("stance_anaphors.nouns")
    mods = "|".join(re.escape(m) for m in lexicon.items("stance_anaphors.modifiers"))
    rx = re.compile(r"\b(?:the|this|that|these|those|such an?|said) (?:(?:" + mods + r") ){0,2}("
                    + "|".join(re.escape(n) for n in nouns) + r")s?\b", re.I)
    kinds: dict[str, set[str] | None] = {"pronoun": None}
    for n in nouns:
        name = "stance_anaphors.kinds_" + n
        kinds[n] = set(lexicon.items(name)) if lexicon.has(name) else None
    return rx, kinds


ANAPHOR, ANAPHOR_KINDS = _anaphor_tables()
_REVISED = re.compile(r"\b(?:updated|revised|amended|re-?submitted|new version|updated version)\b[^.;]{0,30}?\b((?:19|20)\d\d)\b", re.I)


@dataclass(frozen=True, slots=True)
class Entry:
    """One compiled target or cue pattern of the proposition table."""

    pid: str
    rx: re.Pattern
    kind: str  # "oppose" / "support" (KB cues: the phrase fixes polarity) or "topic"
    polarity: str | None = None
    invert: bool = False
    weight: float = 1.0
    broad: bool = False  # a broad phrase: weaker, support only, cyber words close by
    inner: bool = False  # from a concept table (`with` words)


@dataclass
class PropositionTable:
    """Compiled cue and keyword regexes for every proposition, with a literal gate over all of them."""

    entries: list[Entry]
    gate: LiteralGate
    ids: set[str]

    def scan(self, text: str) -> GateHits:
        """A document's literal hits: which entries may match where (once per document)."""
        return self.gate.scan(text)


def proposition_table(kb: Any) -> PropositionTable:
    """The KB's proposition cues plus the built-in phrases, compiled once per KB."""
    cache = kb_cache(kb)
    if "props" in cache:
        return cache["props"]
    entries: list[Entry] = []
    recs = records(kb, "proposition")
    ids = {r["id"] for r in recs if r.get("id")}
    names = _entity_names(kb)
    # oppose cues first: a support cue overlapping an oppose cue of the same proposition yields
    for r in recs:
        pid = r.get("id")
        for c in (r.get("oppose_cues") or []) if pid else []:
            rx = safe_regex(str(c))
            if rx:
                entries.append(Entry(pid, rx, "oppose", "oppose"))
    for r in recs:
        pid = r.get("id")
        for c in (r.get("support_cues") or []) if pid else []:
            rx = safe_regex(str(c))
            if rx:
                entries.append(Entry(pid, rx, "support", "support"))
    for r in recs:
        pid = r.get("id")
        for k in (r.get("keywords") or []) if pid else []:
            k = str(k).strip()
            # A single word ("norms", "training") names no particular debate, and an entity's
            # name ("United Nations", "GGE") is a mention, not a position: neither is a target.
            if len(k) < 4 or " " not in k or k.lower() in names or k.isupper() or _NAME_LIKE.fullmatch(k):
                continue
            if GENERIC_NEW.fullmatch(k):
                continue  # handled with context by GENERIC_NEW
            rx = safe_regex(r"\b" + re.escape(k) + r"\b(?!-)")
            if rx:
                entries.append(Entry(pid, rx, "topic", None, False, KEYWORD_WEIGHT))
    tables = builtin_tables()
    for tb in tables:
        if ids and tb.target not in ids:
            continue
        for src in tb.sources_each():
            entries.append(Entry(tb.target, re.compile(flex_ws(src), tb.flags()), "topic", tb.polarity, tb.invert,
                                 BROAD_WEIGHT if tb.broad else 1.0, tb.broad, bool(tb.with_items)))
    if not ids:
        ids = {tb.target for tb in tables if tb.target.startswith("proposition:")}
    gate = LiteralGate()
    for e in entries:
        gate.add(e.rx.pattern, e.rx.flags)
    gate.add(GENERIC_NEW.pattern, GENERIC_NEW.flags)  # the last index: "a new treaty"
    gate.finish()
    table = PropositionTable(entries, gate, ids)
    cache["props"] = table
    return table


# "Budapest Convention", "Ad Hoc Committee": a proper name is an entity to mention, not a debate.
_NAME_LIKE = re.compile(r"(?:(?:[A-Z][\w.'-]*|of|on|the|for|and)\s+)+[A-Z][\w.'-]*")
_BAD_THING = re.compile(r"arms race|militari[sz]ation|weaponi[sz]ation|proliferation|fragmentation|balkani[sz]ation", re.I)
_PREVENTIVE = re.compile(r"prevent|avoid|halt|limit|restrict|ban|prohibit|non-proliferation|restraint|curb|stop|against", re.I)
# A KB keyword names a debate less surely than a built-in target phrase.
KEYWORD_WEIGHT = 0.8
# A broad phrase ("cooperation", "the UN norms") less surely still: it needs a close cue.
BROAD_WEIGHT = 0.8


def _entity_names(kb: Any) -> set[str]:
    """Lower-cased names of KB entities (organisations, instruments, events, states)."""
    out: set[str] = set()
    try:
        forms = kb.surface_forms()
    except Exception:  # noqa: BLE001 - a partial KB has no forms yet
        return out
    for f in forms:
        if f.kind in ("org", "instrument", "event", "state", "threat-actor"):
            out.add(f.text.lower())
    return out


def proposition_targets(text: str, a: int, b: int, kb: Any, hits: GateHits | None = None) -> list[Target]:
    """Propositions named in text[a:b], with polarity where a KB cue fixes it.

    `hits` (from `proposition_table(kb).scan(text)`, once per document) limits the regexes
    run to those whose required words occur in the span; without it every regex runs.
    """
    t = proposition_table(kb)
    n = len(t.entries)
    idx = hits.candidates(a, b) if hits is not None else range(n + 1)
    out: list[Target] = []
    opp_spans: list[tuple[int, int, str]] = []
    for i in idx:
        if i >= n:
            continue
        e = t.entries[i]
        pid = e.pid
        for m in e.rx.finditer(text, a, b):
            if m.end() <= m.start():
                continue
            if e.kind == "oppose":
                out.append(Target(pid, m.start(), m.end(), "oppose", 0.9))
                opp_spans.append((m.start(), m.end(), pid))
            elif e.kind == "support":
                if any(pid == p and s < m.end() and m.start() < en for s, en, p in opp_spans):
                    continue
                if _BAD_THING.search(m.group(0)) and not _PREVENTIVE.search(m.group(0)):
                    # "militarization of cyberspace" names what the proposition is against: its
                    # polarity comes from the clause ("say no to ...") and is then inverted
                    out.append(Target(pid, m.start(), m.end(), None, 1.0, True))
                    continue
                neg = negated(words_before(text, m.start(), 3, a))
                out.append(Target(pid, m.start(), m.end(), "oppose" if neg else "support", 0.85))
            elif e.broad:
                out.append(Target(pid, m.start(), m.end(), e.polarity, (0.8 if e.polarity else 1.0) * e.weight,
                                  e.invert, False, True, e.inner))
            else:
                out.append(Target(pid, m.start(), m.end(), e.polarity, (0.8 if e.polarity else 1.0) * e.weight,
                                  e.invert, False, False, e.inner))
    if hits is None or n in idx:
        for m in GENERIC_NEW.finditer(text, a, b):
            if not any(x.start <= m.start() < x.end for x in out):
                out.append(Target("", m.start(), m.end(), None, 1.0, False, True))
    # a keyword inside another proposition's longer phrase belongs to that phrase; a broad
    # phrase inside any other target of its own proposition adds nothing
    return [x for x in out if not _shadowed(x, out)]


def _shadowed(x: Target, out: list[Target]) -> bool:
    for y in out:
        if y is x or not (y.start <= x.start and x.end <= y.end):
            continue
        longer = (y.end - y.start) > (x.end - x.start)
        if x.broad and not y.broad and (y.id == x.id or longer):
            return True
        if x.broad and y.broad and y.id == x.id and longer:
            return True
        if not x.broad and x.confidence < 1.0 and not x.polarity and y.id != x.id and longer:
            return True
    return False


class GenericResolver:
    """Which debated treaty "a new treaty" means: the one whose context terms occur nearest.

    The context terms of each candidate are found once per document, so each lookup is a
    bisection, not a rescan of the text before it.
    """

    def __init__(self, text: str, kb: Any, window: int = 2000) -> None:
        ids = proposition_table(kb).ids
        self.window = window
        self.hits = {pid: [(m.start(), m.end()) for m in rx.finditer(text)]
                     for pid, rx in _CONTEXT_TERMS.items() if pid in ids}

    def __call__(self, pos: int) -> str | None:
        best: tuple[int, str] | None = None
        for pid, hits in self.hits.items():
            i = bisect_left(hits, (pos, pos))
            cands = []
            if i > 0 and pos - hits[i - 1][1] <= self.window:
                cands.append(max(0, pos - hits[i - 1][1]))
            if i < len(hits) and hits[i][0] - pos <= 300:
                cands.append((hits[i][0] - pos) * 2)  # later context counts less
            if cands and (best is None or min(cands) < best[0]):
                best = (min(cands), pid)
        return best[1] if best else None


def resolve_generic(text: str, pos: int, kb: Any) -> str | None:
    """One-off form of `GenericResolver` (tests, callers with a single target)."""
    return GenericResolver(text, kb)(pos)


def instrument_kind(kb: Any, iid: str) -> str | None:
    rec = kb_get(kb, iid)
    return (rec or {}).get("kind")


def instrument_targets(text: str, a: int, b: int, insts: list[M], kb: Any, back_to: int) -> list[Target]:
    """Instruments named in text[a:b] by mention, or by an anaphor ("the draft") resolved backwards.

    `insts` are the document's instrument mentions (sorted); `back_to` bounds how far back an
    anaphor may look (the start of the statement's context).
    """
    out = [Target(m.id, m.start, m.end, None, 1.0) for m in insts if m.start >= a and m.end <= b and names_it(text, m)]
    for am in ANAPHOR.finditer(text, a, b):
        if any(m.start < am.end() and am.start() < m.end for m in insts):
            continue  # part of a name ("the Convention on Cybercrime")
        if any(0 <= m.start - am.end() <= 3 for m in insts):
            continue  # the name follows in apposition ("that landmark resolution (HRC resolution 20/8)")
        nxt = text[am.end():am.end() + 3]
        if nxt[:1] == " " and nxt[1:2].isupper():
            continue  # "the Code of ..." begins a name the gazetteer did not know: no guess
        iid = resolve_anaphor(text, am.start(), am.group(1).lower(), insts, kb, back_to)
        if iid:
            out.append(Target(iid, am.start(), am.end(), None, 0.9))
    # "accede to it", "It provides ...": a pronoun for the last instrument named (any kind)
    for ps, pe in instrument_pronouns(text, a, b):
        iid = resolve_anaphor(text, ps, "pronoun", insts, kb, max(back_to, ps - PRONOUN_REACH))
        if iid and not any(t.start <= ps < t.end for t in out) and not _other_thing_between(text, insts, iid, ps):
            out.append(Target(iid, ps, pe, None, 0.8))
    return out


# A pronoun reaches back this far (characters) for its instrument ...
PRONOUN_REACH = 400
# ... and not past another thing it could stand for ("the NPT Review Conference ... opposed it").
_OTHER_THING = re.compile(r"\b(?:treaty|convention|agreement|protocol|accord|declaration|document|resolution|"
                          r"report|draft|plan|proposal|deal|text|conference|initiative|process|programme|program)\b", re.I)


def _other_thing_between(text: str, insts: list[M], iid: str, pos: int) -> bool:
    """Is there a noun the pronoun could stand for between the instrument's last mention and it?"""
    last = max((m for m in insts if m.id == iid and m.end <= pos), key=lambda m: m.end, default=None)
    if last is None:
        return True
    return bool(_OTHER_THING.search(text, last.end, pos))


_INDEFINITE = re.compile(r"\b(?:an?|another|any|new|such an?)\s+(?:new\s+|\w+\s+)?$", re.I)


def names_it(text: str, m: M) -> bool:
    """Is this instrument mention a reference to that instrument?

    "a convention on cybercrime" / "a new treaty on cybercrime" speak of some convention to be
    made, not of the Convention on Cybercrime: an indefinite article before a lower-case name
    undoes the gazetteer's match.
    """
    surface = text[m.start:m.end]
    if surface[:1].isupper():
        return True
    return not _INDEFINITE.search(text[max(0, m.start - 20):m.start])


def resolve_anaphor(text: str, pos: int, noun: str, insts: list[M], kb: Any, back_to: int) -> str | None:
    """The most recent instrument mention before `pos` (not before `back_to`) of a compatible kind."""
    kinds = ANAPHOR_KINDS.get(noun)
    for m in reversed(insts):
        if m.end > pos or m.start < back_to:
            continue
        k = instrument_kind(kb, m.id)
        if kinds is None or k is None or k in kinds:
            return successor(text, m, pos, kb) or m.id
    return None


def successor(text: str, m: M, pos: int, kb: Any) -> str | None:
    """A later version when the text says the instrument was updated in a year ("... updated in January 2015")."""
    rv = _REVISED.search(text, m.end, min(pos, m.end + 300))
    if not rv:
        return None
    year = rv.group(1)
    for rec in records(kb, "instrument"):
        if rec.get("supersedes") == m.id and str(rec.get("adopted") or "").startswith(year):
            return rec.get("id")
    return None
