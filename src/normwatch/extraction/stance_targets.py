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
    broad: bool = False  # a broad phrase (`BROAD`): support only, and only with cyber words close by


# General target phrases per proposition (our own wording). (pattern, fixed polarity, invert)
_B = r"\b"
BUILTIN: dict[str, list[tuple[str, str | None, bool]]] = {
    "proposition:new-un-cybercrime-treaty": [
        (r"\bcyber[- ]?crime (?:treaty|treaties|convention)\b", None, False),
        # lower case only: "Convention on Cybercrime" is the Budapest Convention's name
        (r"\b(?-i:treaty|convention|instrument) (?:on|against|to (?:combat|counter|fight)) (?:cyber[- ]?crime|the criminal (?:use|misuse) of (?:ICTs?|information))", None, False),

        # the UN's own wording: "a universal convention ... on countering the use of ICTs for criminal purposes"
        (r"\b(?-i:treaty|convention|instrument)\b[^.;]{0,80}?\b(?:use|misuse) of (?:information and communications? "
         r"technolog(?:y|ies)|ICTs?) for criminal purposes\b", None, False),
    ],
    "proposition:binding-state-behaviour-treaty": [
        (r"\blegally[- ]binding (?:international )?(?:instrument|treaty|framework|convention|agreement|regime)s?\b(?! (?:on|against) cyber[- ]?crime)", None, False),
        # "an agreement within the OEWG on security of and in the use of ICTs", "a convention on
        # international information security": a treaty on states' conduct, named by its subject
        (r"\b(?-i:treaty|convention|agreement|instrument)\b[^.;]{0,80}?\b(?:international information security|"
         r"security of and in the use of (?:information and communications? technolog(?:y|ies)|ICTs?))\b", None, False),
    ],
    "proposition:un-central-role": [
        (r"\b(?:central|leading|key|pivotal|primary|principal|core|coordinating|important) role (?:of|for|played by|to be played by) (?:the )?(?:UN|U\.N\.|United Nations)\b", None, False),
        (r"\b(?:the )?(?:UN|United Nations) (?:should|must|to|will|can) (?:play|take|have) (?:a|the) (?:central|leading|key|pivotal|primary|principal|core) role\b", None, False),
        (r"\bunder the (?:auspices|aegis) of the (?:UN|United Nations)\b", None, False),
    ],
    "proposition:international-law-applies": [
        (r"\b(?:existing )?international law(?:,? (?:including|in particular|notably)[^.;]{0,60}?,?)? (?:applies|is applicable|apply|fully applies)\b", "support", False),
        (r"\bapplicability of (?:existing )?international law\b", None, False),
        (r"\bapplication of (?:existing )?international law\b", None, False),
    ],
    "proposition:voluntary-norms": [
        (r"\b(?:voluntary|non-binding)(?:,? [\w-]+){0,3}? norms\b", None, False),
        (r"\bnorms of responsible (?:state )?behaviou?r\b", None, False),
        (r"\bnot (?:a |an )?(?:treaty|binding (?:treaty|instrument)),? but (?:norms|principles)\b", "support", False),
        (r"\b(?:norms|principles), not (?:a |an )?(?:treaty|binding)", "support", False),
    ],
    "proposition:capacity-building": [
        # "capacity-\nbuilding": a hard-wrapped hyphen keeps its line break in the cleaned text
        (r"\bcapacity(?:-\s*|\s+)building\b", None, False),
        (r"\bbuild(?:ing)? (?:\w+ )?capacit(?:y|ies)\b", None, False),
    ],
    "proposition:international-cooperation": [
        (r"\b(?:international|global|multilateral|regional|bilateral|cross-border|transnational) (?:cooperation|co-operation|collaboration)\b", None, False),
        # "cooperation with the ROK", "collaboration with our partners": cooperation between named parties
        (r"\b(?:cooperation|co-operation|collaboration) with (?:the |our |its |their )?(?:international )?(?:partners|allies|international community|(?-i:[A-Z][\w.-]+))", None, False),
        (r"\b(?:cooperation|co-operation|collaboration) (?:among|between|with) (?:all )?(?:states|nations|countries|governments|partners)\b", None, False),
        (r"(?<=\bneed )(?:cooperation|co-operation|collaboration)\b", None, False),
        (r"\b(?:cooperation|co-operation) (?:is|remains) (?:essential|key|crucial|vital|needed|necessary|indispensable)\b", "support", False),
    ],
    "proposition:cyber-sovereignty": [
        (r"\b(?:cyber|internet|digital|information|network) sovereignty\b", None, False),
        (r"\bsovereignty (?:in|over) (?:cyberspace|the internet|(?:their|its) (?:cyberspace|networks))\b", None, False),
    ],
    "proposition:multistakeholder-governance": [
        (r"\bmulti-?stakeholder(?:ism| approach| model| governance| process| cooperation)?\b", None, False),
    ],
    "proposition:cyber-arms-restraint": [
        (r"\b(?:cyber )?arms race (?:in|of) (?:cyberspace|ICTs?)\b", None, True),
        (r"\bmilitari[sz]ation of (?:cyberspace|the internet|ICTs?)\b", None, True),
        (r"\brestraint in (?:developing|the development of|the use of) cyber ?weapons\b", None, False),
    ],
    "proposition:free-flow-of-information": [
        (r"\bfree flow of (?:information|data)\b", None, False),
        (r"\b(?:open|free|open and free|free and open) (?:internet|Internet)\b", None, False),
    ],
}

# Broad phrases: the plain words speeches, communiqués and news use for a proposition
# ("requires extensive cooperation", "adhere to the UN norms", "pool our efforts"). Each is a
# weaker sign than a BUILTIN phrase, so a broad target gives only support (a negated or
# opposed broad phrase is too often someone else's failure: "Russia did not cooperate"), its
# cue must stand close, and cyber words must be close by even in a long speech.
_VERB_ING = r"(?:e|es|ed|ing)"
_COOP_OBJ = (r"(?:the |our |its |their |other |all |like-minded )?(?:international community|partners|allies|"
             r"(?:other |like-minded )?(?:states|countries|nations|governments)|each other|one another|stakeholders)")
_CYBER_WORD = r"(?:cyber\w*|ICTs?|information (?:and communications? )?(?:technolog\w*|security)|digital|online|internet)"
BROAD: dict[str, list[tuple[str, str | None, bool]]] = {
    "proposition:international-cooperation": [
        (r"\b(?:co-?operation|collaboration)\b", None, False),
        (rf"\b(?:co-?operat|collaborat){_VERB_ING}\b", None, False),
        (rf"\b(?:co-?operat|collaborat){_VERB_ING} (?:closely |more |further |actively )?with {_COOP_OBJ}", "support", False),
        (r"\b(?:the )?international community (?:must|should|needs? to|has to|ought to|will have to) (?:\w+ ){0,2}?"
         r"(?:address|tackle|confront|respond|act|work|unite|join|come together|co-?operate|coordinate|deal with)", "support", False),
        (r"\b(?:the )?international community (?:to )?(?:address|tackle|confront|respond|act|work|unite|join|"
         r"come together|co-?operate|coordinate|deal with)\b", None, False),
        (r"\b(?:pool|combine|join|unite|coordinate|align) (?:(?:our|their|its|all|these) )?(?:efforts|forces|resources|strengths)\b", "support", False),
        # "invite all States to share their experiences": cooperation by exchanging what each knows
        (r"\bshar(?:e|es|ed|ing) (?:our|their|its|each other's|best) (?:experiences?|expertise|practices|information|knowledge|"
         r"lessons(?: learned| learnt)?|threat intelligence)\b", None, False),
        (r"\b(?:joint|concerted|collective|coordinated|common|global|international|multilateral) "
         r"(?:efforts?|action|approach|response|endeavou?rs?)\b", None, False),
        (r"\bno (?:single )?(?:country|state|nation|government)\b[^.;]{0,40}?\b(?:alone|on (?:its|their) own|by itself|single-handedly)\b",
         "support", False),
        (r"\bwork(?:s|ed|ing)? (?:closely )?together\b", None, False),
        # "working collectively enhances ...", "strengthen our collective cyber resilience and security cooperation"
        (r"\bwork(?:s|ed|ing)? (?:collectively|jointly|in concert)\b", "support", False),
        (r"\b(?:strengthen|enhanc|deepen|expand|bolster|intensif|reinforc)\w* (?:our |their |its |the )?(?:[\w-]+ ){0,5}?"
         r"(?:co-?operation|collaboration|partnerships?)\b", "support", False),
    ],
    "proposition:capacity-building": [
        (r"\bcapacity(?:-\s*|\s+)?build\w*", None, False),
        (r"\bbuild(?:s|ing)? (?:up )?(?:\w+ ){0,2}?capacit(?:y|ies)\b", None, False),
        (r"\b(?:strengthen|enhanc|improv|develop|rais|boost)\w* (?:the |their |its |our )?(?:\w+(?:'s|’s)? ){0,2}?"
         r"(?:cyber ?security |cyber |national |technical |institutional )?capacit(?:y|ies)\b", None, False),
        (r"\bcapacity development\b", None, False),
        (r"\btechnical assistance\b", None, False),
    ],
    "proposition:international-law-applies": [
        (r"\b(?:applicability|application|applying|apply|applies|relevance) (?:of )?(?:existing |the )?international law"
         r"(?:,? (?:including|in particular|notably)[^.;]{0,60}?,?)? (?:to|in) (?:cyberspace|the (?:use of )?ICTs?|"
         r"the cyber (?:domain|realm|sphere)|the digital (?:domain|sphere)|state (?:behaviou?r|conduct) in cyberspace)",
         "support", False),
        (r"\b(?:existing )?international law\b", None, False),
    ],
    "proposition:voluntary-norms": [
        (r"\bnorms (?:of|for) (?:responsible )?(?:state|states'?|state’s|state's) behaviou?r\b", None, False),
        (r"\bnorms (?:of|for) responsible behaviou?r\b", None, False),
        (r"\b(?:(?:UN|U\.N\.|GGE|OEWG|agreed|voluntary|non-binding|international cyber|cyber|eleven|11)\s*,?\s+)+norms\b", None, False),
        (r"\brules,? norms,? (?:and )?principles\b", None, False),
        (r"\bframework (?:of|for) responsible (?:state )?behaviou?r\b", None, False),
        (r"\bcyber[- ]stability framework\b", None, False),
        (r"\bresponsible (?:state )?behaviou?r in cyberspace\b", None, False),
        (r"\bnorms (?:of behaviou?r )?(?:in|for) cyberspace\b", None, False),
        # calling behaviour irresponsible, or saying how responsible states behave, holds others to the norms
        (r"\birresponsible(?: and [\w-]+)? (?:state )?(?:behaviou?r|conduct) in cyberspace\b", "support", False),
        (r"\bhow responsible (?:states|nations|countries|actors) (?:should )?(?:behave|act|conduct themselves) in cyberspace\b",
         "support", False),
    ],
    "proposition:binding-state-behaviour-treaty": [
        # "the absence of a regulatory regime concerning the use of new technologies in cyberspace ..."
        (r"\b(?:absence|lack) of (?:a |an |any )?(?:[\w-]+ ){0,2}?(?:regulatory|legal|binding|international|global|governance)"
         r"(?: [\w-]+)? (?:regime|framework|instrument|rules)\b(?![^.;]{0,100}?\b(?:crime|criminal|prosecut))", "support", False),
    ],
    "proposition:un-central-role": [
        (rf"\b{_CYBER_WORD}\b[^.;]{{0,200}}?\b(?:must|should|needs? to|has to) (?:become|be|remain) (?:a |an |the )?"
         r"(?:\w+ ){0,2}?(?:priority|concern|focus|task) (?:for|of) the (?:UN|U\.N\.|United Nations)\b", "support", False),
        (rf"\b(?:role|work|efforts?|leadership) of the (?:UN|U\.N\.|United Nations) (?:in|on) {_CYBER_WORD}", None, False),
    ],
    "proposition:cyber-sovereignty": [
        # the thing the proposition is against: its polarity comes from the clause, then inverted
        (r"\b(?:use|misuse|abuse|exploitation)s? of (?:\w+ ){0,4}?(?:technolog\w*|ICTs?|cyberspace|the internet|"
         r"social (?:media|networks)|digital (?:tools|platforms)|networks) (?:to|for|in order to) (?:\w+ ){0,2}?"
         r"(?:destabili[sz]\w*|interfer\w*|subver\w*|overthrow\w*)", None, True),
        (r"\b(?:interference|interfering|intervention|meddling) in (?:the |their |its |our )?(?:internal|domestic) affairs\b",
         None, True),
        (r"\bnon-?(?:interference|intervention) in (?:the )?(?:internal|domestic) affairs\b", None, False),
    ],
}

# "a new treaty / convention / instrument": a debated proposal whose subject comes from context.
GENERIC_NEW = re.compile(
    r"\b(?:an?(?:other)? |the )?new (?:\w+ ){0,3}?(?:treaty|treaties|convention|instrument|agreement)s?\b", re.I)
_CONTEXT_TERMS: dict[str, re.Pattern] = {
    "proposition:new-un-cybercrime-treaty": re.compile(
        r"cyber[- ]?crime|computer crime|Internet crime|Budapest|law enforcement|criminal", re.I),
    "proposition:binding-state-behaviour-treaty": re.compile(
        r"state behaviou?r|behaviou?r of states|use of force|arms control|cyber ?weapons|cyber ?warfare|legally binding (?:instrument|framework)", re.I),
}

# Anaphors for instruments and the instrument kinds each may refer to (None: any kind).
ANAPHOR = re.compile(
    r"\b(?:the|this|that|these|such an?|said) (draft|code|report|convention|treaty|call|declaration|norms|principles|resolution|document|charter|protocol|proposal|text)s?\b",
    re.I)
ANAPHOR_KINDS: dict[str, set[str] | None] = {
    "draft": None, "document": None, "proposal": None, "text": None,
    "code": {"code-of-conduct"},
    "report": {"un-report"},
    "convention": {"treaty", "protocol"},
    "treaty": {"treaty", "protocol"},
    "protocol": {"protocol", "treaty"},
    "call": {"declaration"},
    "declaration": {"declaration"},
    "norms": {"corporate-proposal", "un-report", "code-of-conduct"},
    "principles": {"corporate-proposal", "declaration", "code-of-conduct"},
    "resolution": {"resolution"},
    "charter": {"charter"},
}
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
    broad: bool = False  # a BROAD phrase: weaker, support only, cyber words close by


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
    for table, broad in ((BUILTIN, False), (BROAD, True)):
        for pid, pats in table.items():
            if ids and pid not in ids:
                continue
            for p, pol, inv in pats:
                entries.append(Entry(pid, re.compile(flex_ws(p), re.I), "topic", pol, inv,
                                     BROAD_WEIGHT if broad else 1.0, broad))
    if not ids:
        ids = set(BUILTIN)
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
                                  e.invert, False, True))
            else:
                out.append(Target(pid, m.start(), m.end(), e.polarity, (0.8 if e.polarity else 1.0) * e.weight,
                                  e.invert))
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
        nxt = text[am.end():am.end() + 3]
        if nxt[:1] == " " and nxt[1:2].isupper():
            continue  # "the Code of ..." begins a name the gazetteer did not know: no guess
        iid = resolve_anaphor(text, am.start(), am.group(1).lower(), insts, kb, back_to)
        if iid:
            out.append(Target(iid, am.start(), am.end(), None, 0.9))
    return out


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
