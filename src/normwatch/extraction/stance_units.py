"""Stance units: stretches of text spoken by one actor, where the stances stage looks for targets.

Split from stages/stances.py (which re-exports `joint_voice` and `quoted_spans`). Sources, in
order of trust: statements (quoted or reported words), a speech's own voice, a joint text's
parties, sentences whose subject is an actor with a position verb, quotes continuing a quote
of a known source, and an official text's unquoted "we" (the actor its title names).
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


# --- joint statements --------------------------------------------------------------------

# A joint text: its title (or first line) says so.
JOINT_TITLE = re.compile(
    r"\bjoint (?:\w+['’]? ){0,2}?(?:statement|declaration|communiqu[eé]|press release|readout|vision)\b|"
    r"\bcommuniqu[eé]\b|\b(?:leaders|ministers)['’]? (?:statement|declaration)\b|\bdeclaration\b", re.I)
# The opening sentence naming who "we" are: "We — A of X, B of Y – met ...", "Today, we, the
# leaders of X, Y and Z, ...", "The members of the Initiative — X, Y, ... — met ...".
_GROUP_NOUNS = (r"(?:leaders|heads of (?:state|government)|(?:foreign )?ministers|members|representatives|"
                r"participants|governments|partners|delegations)")
OPENER = re.compile(
    r"[\s*#•]{0,3}(?:(?:Today|Together|Here|Now),?\s+)?(?:"
    r"(?P<we>we\s*(?:,|—|–|--?)\s*|we,?\s+the\s+" + _GROUP_NOUNS + r"\b)|the\s+" + _GROUP_NOUNS + r"\b)", re.I)
# Where the list of participants ends: the opener's main verb.
OPENER_END = re.compile(
    r"[—–]\s*[a-z]|\s(?:met|meet|gathered|convened|have|has|hereby|are|were|jointly|reaffirm\w*|affirm\w*|"
    r"declare\w*|issue\w*|welcome\w*|commit\w*|inaugurat\w*|announce\w*|held|decided|agreed|adopt\w*|"
    r"express\w*|underline\w*|stress\w*|recogni[sz]e\w*)\b")
# "the leaders of A, B, C and D" anywhere in a joint text's opening.
LEADERS_OF = re.compile(
    r"\b(?:leaders|heads of (?:state|government)|(?:foreign )?ministers|representatives|governments|delegations|"
    r"members) of\s+(?:the\s+)?$", re.I)
JOINT_HEAD_CHARS = 3000
MAX_OPENER = 500


def joint_voice(doc: Document, sents: list[Span], ms: list[M]) -> tuple[list[str], int]:
    """The participants a joint statement's "we" stands for, and where their voice begins.

    A joint text (title says "Joint Statement", "Declaration", "Communiqué") or one opening
    with "We — <names of X, Y, Z> — met ..." speaks for each participant: the states and
    organisations named in its opener list, in "the leaders of X, Y and Z", or in the title,
    and the states of the people listed there. Returns ([], 0) when the document is not one.
    """
    text = doc.text
    if not sents:
        return [], 0
    title = doc.meta.title or text[sents[0].start:sents[0].end]
    first_line = text[:text.find("\n")] if "\n" in text[:400] else text[:400]
    joint = bool(JOINT_TITLE.search(title) or JOINT_TITLE.search(first_line))
    parties: list[str] = []
    begin = None
    head = [s for s in sents if s.start < JOINT_HEAD_CHARS]
    people = {a.id: a for a in doc.actors if a.kind == "person"}
    for s in head:
        om = OPENER.match(text, s.start, s.end)
        if not om:
            continue
        lo = om.end()
        end = OPENER_END.search(text, lo + 8, min(s.end, lo + MAX_OPENER))
        hi = end.start() if end else min(s.end, lo + MAX_OPENER)
        found = _parties_in(text, ms, people, lo, hi)
        if len(found) < 2 or not (joint or om.group("we")):
            continue
        if any(st.span.overlaps(s) and not _own(st, found) for st in doc.statements):
            continue  # someone else's quoted "we"
        parties, begin = found, s.start
        break
    if not parties and joint:
        # the title's parties ("U.S.-Singapore Joint Leaders' Statement"), or "the leaders of X and Y"
        t_end = len(first_line)
        parties = _parties_in(text, ms, people, 0, t_end) if title.strip() in first_line or not doc.meta.title else []
        begin = t_end
        if len(parties) < 2:
            parties = []
            for m in within(ms, 0, min(len(text), JOINT_HEAD_CHARS), ("state",)):
                if LEADERS_OF.search(text[max(0, m.start - 60):m.start]):
                    run = _coordinated_parties(text, ms, m)
                    if len(run) >= 2:
                        parties, begin = run, 0
                        break
    if len(parties) < 2 and joint:
        parties, begin = _office_opener(text, head[:3], ms, people)
    if len(parties) < 2:
        return [], 0
    return parties, begin or 0


def _office_opener(text: str, head: list[Span], ms: list[M], people: dict) -> tuple[list[str], int]:
    """A joint text opening with its signatories' offices: "Today, the President of the United States and
    the President of the French Republic met ..." (the title may name them only as "President Biden")."""
    for s in head:
        end = OPENER_END.search(text, s.start, min(s.end, s.start + MAX_OPENER))
        if not end:
            continue
        found = _parties_in(text, ms, people, s.start, end.start())
        if len(found) >= 2:
            return found, s.start
    return [], 0


def _own(st: Any, parties: list[str]) -> bool:
    """A statement made by one of the parties (or by one of their people)."""
    return st.speaker in parties or (st.affiliation is not None and st.affiliation in parties)


def _parties_in(text: str, ms: list[M], people: dict, lo: int, hi: int) -> list[str]:
    out: list[str] = []
    for m in within(ms, lo, hi, ("state", "org", "person")):
        if m.how == "capital":
            continue
        pid = m.id
        if m.kind == "person":
            a = people.get(m.id)
            pid = a.affiliation if a and a.affiliation else None
        elif m.kind == "org" and not _org_can_sign(text, m):
            continue
        if pid and pid not in out and not pid.startswith("person:"):
            out.append(pid)
    for a in people.values():
        if a.affiliation and a.affiliation.startswith("state:") and a.affiliation not in out \
                and any(lo <= sp.start and sp.end <= hi for sp in a.spans):
            out.append(a.affiliation)
    return out


def _org_can_sign(text: str, m: M) -> bool:
    """An organisation named as a party ("and the European Union"), not as a place ("of Home Affairs")."""
    before = text[max(0, m.start - 12):m.start].lower()
    return not re.search(r"\b(?:of|at|in|by|from)\s+(?:the\s+)?$", before)


def _coordinated_parties(text: str, ms: list[M], first: M) -> list[str]:
    states = [m for m in ms if m.kind == "state" and m.how != "capital" and m.start >= first.start]
    out = [first.id]
    prev = first
    for m in states[1:]:
        gap = text[prev.end:m.start]
        if len(gap) <= 12 and re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", gap):
            if m.id not in out:
                out.append(m.id)
            prev = m
        elif m.start > prev.end:
            break
    return out


def joint_units(doc: Document, sents: list[Span], ms: list[M]):
    """A joint statement's own voice: every sentence from its opener on, for each participant."""
    if doc.meta.speaker:
        return
    parties, begin = joint_voice(doc, sents, ms)
    if not parties:
        return
    others = Cover([s.span for s in doc.statements if s.speaker and not _own(s, parties)])
    first, rest = parties[0], tuple(parties[1:])
    for i, s in enumerate(sents):
        if s.end <= begin or others.overlaps(s):
            continue
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
        yield Unit(first, first, s.start, s.end, ctx, True, rest)


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


# A title whose subject is an actor ("The United States, Joined by Allies, Attributes ...").
_TITLE_GAP = re.compile(r"\s*(?:,|\s)\s*(?!['’]s\b)", re.I)


def title_voice_units(doc: Document, sents: list[Span], ms: list[M]):
    """An official text's unquoted "we" is the actor its title names as subject.

    Why: a government's own statement or fact sheet ("The United States ... Attributes
    Malicious Cyber Activity ...") says "we" and "our allies" outside any quotation, and
    nobody else's voice is in those sentences. A reporter's article rarely says "we" outside
    quotes, so sentences overlapping a quotation are left out, and the title must open with the
    actor (not "China's ...", not "Experts say China ...").
    """
    if doc.meta.speaker:
        return
    text = doc.text
    title = doc.meta.title or ""
    first_line = text[:text.find("\n")] if "\n" in text[:400] else ""
    if not first_line or (title and title.strip() != first_line.strip()):
        return
    lead = re.match(r"\s*(?:the\s+)?", first_line, re.I).end()
    head = [m for m in within(ms, 0, len(first_line), ("state", "org")) if m.how != "capital"]
    if not head or head[0].start not in (0, lead) or text[head[0].end:head[0].end + 2] in ("'s", "’s"):
        return
    if _PREP_BEFORE.search(text[:head[0].start]):
        return
    voice = head[0].id
    others = Cover([st.span for st in doc.statements] + quoted_spans(text))
    parties = joint_voice(doc, sents, ms)[0]
    if parties:
        return  # a joint text speaks for all its parties (`joint_units`)
    for i, s in enumerate(sents):
        if s.end <= len(first_line) or others.overlaps(s) or not FIRST_PERSON.search(text, s.start, s.end):
            continue
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
        yield Unit(voice, voice, s.start, s.end, ctx, True)


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
