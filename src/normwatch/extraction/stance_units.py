"""Stance units: stretches of text spoken by one actor, where the stances stage looks for targets.

Split from stages/stances.py (which re-exports `joint_voice` and `quoted_spans`). Sources, in
order of trust: statements (quoted or reported words), a speech's own voice, a joint text's
parties, sentences whose subject is an actor with a position verb, quotes continuing a quote
of a known source, and an official text's unquoted "we" (the actor its title names). The
joint and official voices live in stance_joint.py.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from ..kb import lexicon
from ..model import Document, Span
from .cues import FIRST_PERSON, LiteralGate, M, enclosing, within
from .stance_polarity import clause_bounds

# How many sentences back an anaphor ("the draft") may look for its instrument.
ANAPHOR_SENTENCES = 3
# The position verbs are data (kb/data/lexicon/topic.yaml).
POSITION_VERB = lexicon.pattern("topic.position_verbs")
_PREP_BEFORE = re.compile(r"\b(?:of|to|for|with|by|against|on|from|in|at|about|than|between|among|like)\s+(?:the\s+)?$", re.I)


@dataclass
class Unit:
    """A stretch of text spoken by one actor: where to look for targets and cues."""

    actor: str
    affiliation: str | None
    start: int
    end: int
    context_start: int  # how far back anaphors may look
    first_person: bool  # the actor's own words (quote or speech): authored-by-"we" applies
    also: tuple[str, ...] = ()  # further holders of the same words (a joint statement's other parties)


# --- units -------------------------------------------------------------------------------

def _affiliation_of(doc: Document, actor: str | None, given: str | None) -> str | None:
    if given:
        return given
    for a in doc.actors:
        if a.id == actor:
            return a.affiliation
    return None


class Cover:
    """Does a span overlap any of a set of spans? (bisection over starts, running max of ends)."""

    def __init__(self, spans: list[Span]) -> None:
        spans = sorted(spans)
        self.starts = [s.start for s in spans]
        self.max_end: list[int] = []
        hi = -1
        for s in spans:
            hi = max(hi, s.end)
            self.max_end.append(hi)

    def overlaps(self, s: Span) -> bool:
        i = bisect_left(self.starts, s.end)  # spans starting before s ends
        return i > 0 and self.max_end[i - 1] > s.start


def statement_units(doc: Document, sents: list[Span]):
    text = doc.text
    for st in doc.statements:
        if not st.speaker or st.span.end > len(text):
            continue
        aff = _affiliation_of(doc, st.speaker, st.affiliation)
        i = enclosing(sents, st.span.start)
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start if i is not None else max(0, st.span.start - 600)
        if st.direct:
            for s in _pieces(sents, st.span):
                yield Unit(st.speaker, aff, s.start, s.end, ctx, True)
        else:
            # reported speech: the sentence around it holds the speech verb that may be the cue
            a, b = st.span.start, st.span.end
            if i is not None:
                a, b = min(a, sents[i].start), max(b, sents[i].end)
            yield Unit(st.speaker, aff, a, b, ctx, False)


def speaker_units(doc: Document, sents: list[Span]):
    """A speech's own voice: every sentence not inside someone else's quotation."""
    spk = doc.meta.speaker
    if not spk:
        return
    others = Cover([s.span for s in doc.statements if s.speaker and s.speaker != spk])
    aff = _affiliation_of(doc, spk, None)
    for i, s in enumerate(sents):
        if others.overlaps(s):
            continue
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
        yield Unit(spk, aff, s.start, s.end, ctx, True)


# --- quotes and voices the statement stage leaves unattributed ------------------------------

# A quotation of a sentence or more ("..." straight or curly).
QUOTED = re.compile(r"“[^”\n]{20,}”|\"[^\"\n]{20,}\"")
# How far back the quote just before may be for a new quote to continue it.
CONTINUE_CHARS = 1500
# The quote's own tail must not name another source; these words say it goes on with the same one.
_CONTINUES = re.compile(r"\b(?:continued|added|went on|release|statement|communiqu[eé]|according to (?:the|its|their))\b", re.I)


def quoted_spans(text: str) -> list[Span]:
    """Every quotation of a sentence or more, as spans (the quote marks included)."""
    return [Span(m.start(), m.end()) for m in QUOTED.finditer(text)]


def continued_quote_units(doc: Document, sents: list[Span], ms: list[M]):
    """A quote with no speaker of its own that continues the quote before it.

    Why: news quotes a press release in several pieces ("... unacceptable," the Council said.
    Then, later: "We urge Russia to adhere to the norms ...," the release continued). The
    statement stage attributes the first piece only; the later pieces are the same source's.
    A piece counts when the last quote before it (within `CONTINUE_CHARS`) has a speaker, no
    actor is named between or in the piece's tail, and the piece speaks in the first person
    or its tail says it continues ("the release continued", "according to the statement").
    """
    text = doc.text
    direct = sorted((st for st in doc.statements if st.direct and st.speaker), key=lambda st: st.span.start)
    if not direct:
        return
    stated = Cover([st.span for st in doc.statements])
    actors = [m for m in ms if m.kind in ("state", "org", "person")]
    starts = [st.span.start for st in direct]
    chain: tuple[Any, int] | None = None  # the last continued quote: (its source statement, its end)
    for q in quoted_spans(text):
        if stated.overlaps(q):
            continue
        k = bisect_left(starts, q.start) - 1
        if k < 0:
            continue
        prev, prev_end = direct[k], direct[k].span.end
        if chain and chain[1] > prev_end:
            prev, prev_end = chain  # a piece continuing a piece: only the text since the last one counts
        if q.start - prev_end > CONTINUE_CHARS or prev_end > q.start:
            continue
        tail_end = text.find("\n", q.end)
        tail_end = min(tail_end if tail_end >= 0 else len(text), q.end + 120)
        dot = text.find(".", q.end, tail_end)
        tail_end = dot if dot >= 0 else tail_end
        same = {prev.speaker, prev.affiliation, _affiliation_of(doc, prev.speaker, prev.affiliation)}
        if any(m.id not in same and (m.kind == "person" or m.how != "demonym")
               for m in within(actors, prev_end, q.start) + within(actors, q.end, tail_end)):
            continue  # another source may be speaking now
        if not (FIRST_PERSON.search(text, q.start, q.end) or _CONTINUES.search(text, q.end, tail_end)):
            continue
        chain = (prev, q.end)
        aff = _affiliation_of(doc, prev.speaker, prev.affiliation)
        i = enclosing(sents, q.start)
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start if i is not None else max(0, q.start - 600)
        for piece in _pieces(sents, q):
            yield Unit(prev.speaker, aff, piece.start, piece.end, ctx, True)


# --- actors as subjects ------------------------------------------------------------------

_VERB_GATE: list[Any] = []


def _verb_hits(text: str):
    if not _VERB_GATE:
        g = LiteralGate()
        g.add(POSITION_VERB.pattern, POSITION_VERB.flags)
        g.finish()
        _VERB_GATE.append(g)
    return _VERB_GATE[0].scan(text)


def subject_units(doc: Document, sents: list[Span], ms: list[M]):
    """Sentences where a named actor is the subject of a position verb (outside statements)."""
    text = doc.text
    stated = Cover([s.span for s in doc.statements])
    spk = doc.meta.speaker
    subjects = [m for m in ms if m.kind in ("state", "org", "person") and m.how not in ("capital",)]
    for a in doc.actors:
        for sp in a.spans:
            subjects.append(M(a.id, a.kind, sp.start, sp.end, "actor"))
    subjects.sort(key=lambda m: m.start)
    affs = {a.id: a.affiliation for a in doc.actors}
    hits = _verb_hits(text)
    for i, s in enumerate(sents):
        if not hits.candidates(s.start, s.end) or stated.overlaps(s):
            continue
        for v in POSITION_VERB.finditer(text, s.start, s.end):
            if text[v.start()].isupper():
                continue  # "Supports to Governments": a heading, not a verb after its subject
            lo, _ = clause_bounds(text, s.start, s.end, v.start())
            subj = _subject(text, within(subjects, lo, v.start()), v.start())
            if not subj:
                continue
            if spk and subj[0].id == spk:
                continue  # already read as the speaker's own voice
            ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
            for m in subj:
                aff = affs.get(m.id) if m.kind == "person" else m.id
                yield Unit(m.id, aff, v.start(), s.end, ctx, False)


# Group nouns after a named actor that keep it the subject ("EU member states and NATO allies").
_GROUP = r"(?:\s+(?:member states|members|allies|partners|countries|governments?|officials|leaders|ministers|authorities))?"


def _subject(text: str, cands: list[M], verb: int) -> list[M]:
    """The actor(s) right before a verb in subject position (coordinated list allowed)."""
    if not cands:
        return []
    last = cands[-1]
    gap = text[last.end:verb]
    if len(gap) > 60 or any(c in gap for c in ".;:\"“”") or re.search(r"\b(?:that|which|who)\b.*\b(?:said|says)\b", gap):
        return []
    if _PREP_BEFORE.search(text[max(0, last.start - 12):last.start]):
        return []
    out = [last]
    for m in reversed(cands[:-1]):
        g = text[m.end:out[0].start]
        if len(g) <= 30 and re.fullmatch(_GROUP + r"\s*(?:,|,?\s*and|&)\s*(?:the\s+|its\s+|their\s+)?", g):
            out.insert(0, m)
        else:
            break
    return out


def _pieces(sents: list[Span], span: Span) -> list[Span]:
    """A span cut at the document's sentence ends (a quote of several sentences, hard-wrapped or not)."""
    out = []
    i = bisect_left([s.end for s in sents], span.start + 1) if sents else 0
    while i < len(sents) and sents[i].start < span.end:
        a, b = max(sents[i].start, span.start), min(sents[i].end, span.end)
        if a < b:
            out.append(Span(a, b))
        i += 1
    return out or [span]
