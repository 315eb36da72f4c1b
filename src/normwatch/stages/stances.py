"""Stage 5, stances: who is for or against which instrument or proposition, with evidence.

Sources, in order of trust:
  1. statements — a speaker's quoted or reported words (reported speech also uses its
     sentence, where the speech verb "emphasized the importance of" carries the cue);
  2. a document's first-person speaker (`meta.speaker`, UN speeches) — every sentence not
     quoting someone else is theirs;
  3. sentences whose subject is an actor and whose verb is a position verb
     ("Russia opposes ...", "The United States and Japan welcomed ...").
A stance needs a target (`stance_targets`) and a cue (`stance_polarity`); nothing is
emitted on a keyword alone. A person's stance carries the state or organisation they speak
for in `affiliation`.

Run:  normwatch extract FILE --format jsonl   (the "stances" list)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..pipeline import stage
from ..extraction.cues import (
    CyberContext,
    FIRST_PERSON,
    M,
    all_mentions,
    default_kb,
    enclosing,
    kb_get,
    sentence_spans,
    split_sentences,
    within,
)
from ..extraction.stance_polarity import authored, clause_bounds, is_question, polarity
from ..extraction.stance_targets import (
    GenericResolver,
    Target,
    instrument_targets,
    names_it,
    proposition_table,
    proposition_targets,
)
from ..model import Document, Span, Stance
from ..settings import Settings

MIN_CONFIDENCE = 0.5
# How close a cue must stand to override a fixed phrase, or to govern a bare KB keyword.
NEAR_CUE = 50
# How many sentences back an anaphor ("the draft") may look for its instrument.
ANAPHOR_SENTENCES = 3
POSITION_VERB = re.compile(
    r"\b(?:support(?:s|ed)?|back(?:s|ed)|endors(?:es|ed)|oppos(?:es|ed)|is opposed to|are opposed to|"
    r"reject(?:s|ed)|welcom(?:es|ed)|call(?:s|ed)? for|urg(?:es|ed)|advocat(?:es|ed)|favou?r(?:s|ed)|"
    r"champion(?:s|ed)|push(?:es|ed) for|criticiz(?:es|ed)|criticis(?:es|ed)|"
    r"(?:has|have|had) (?:long |consistently |repeatedly )?(?:supported|opposed|rejected|backed|endorsed|called for|welcomed))\b",
    re.I,
)
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


@stage("stances.v1", requires=("sentences", "mentions", "actors", "statements"), assigns=("stances",))
def extract_stances(doc: Document, settings: Settings) -> Document:
    """Fill `doc.stances`; see the module docstring for sources and rules."""
    doc.stances.extend(find_stances(doc, default_kb()))
    return doc


def find_stances(doc: Document, kb: Any) -> list[Stance]:
    """Stances in a document against a given KB (the stage uses the package KB)."""
    text = doc.text
    if not text.strip():
        return []
    sents = sentence_spans(doc)
    ms = all_mentions(doc)
    insts = [m for m in ms if m.kind == "instrument"]
    units = list(_statement_units(doc, sents)) + list(_speaker_units(doc, sents))
    units += list(_subject_units(doc, sents, ms))
    cyber = CyberContext(text)
    generic = GenericResolver(text, kb)
    found: list[Stance] = []
    for u in units:
        found.extend(_unit_stances(doc, u, insts, kb, cyber, generic))
    return merge(found)


# --- units -------------------------------------------------------------------------------

def _affiliation_of(doc: Document, actor: str | None, given: str | None) -> str | None:
    if given:
        return given
    for a in doc.actors:
        if a.id == actor:
            return a.affiliation
    return None


def _statement_units(doc: Document, sents: list[Span]):
    text = doc.text
    for st in doc.statements:
        if not st.speaker or st.span.end > len(text):
            continue
        aff = _affiliation_of(doc, st.speaker, st.affiliation)
        i = enclosing(sents, st.span.start)
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start if i is not None else max(0, st.span.start - 600)
        if st.direct:
            for s in split_sentences(text, st.span):
                yield Unit(st.speaker, aff, s.start, s.end, ctx, True)
        else:
            # reported speech: the sentence around it holds the speech verb that may be the cue
            a, b = st.span.start, st.span.end
            if i is not None:
                a, b = min(a, sents[i].start), max(b, sents[i].end)
            yield Unit(st.speaker, aff, a, b, ctx, False)


def _speaker_units(doc: Document, sents: list[Span]):
    """A speech's own voice: every sentence not inside someone else's quotation."""
    spk = doc.meta.speaker
    if not spk:
        return
    others = [s.span for s in doc.statements if s.speaker and s.speaker != spk]
    aff = _affiliation_of(doc, spk, None)
    for i, s in enumerate(sents):
        if any(o.overlaps(s) for o in others):
            continue
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
        yield Unit(spk, aff, s.start, s.end, ctx, True)


def _subject_units(doc: Document, sents: list[Span], ms: list[M]):
    """Sentences where a named actor is the subject of a position verb (outside statements)."""
    text = doc.text
    stated = [s.span for s in doc.statements]
    spk = doc.meta.speaker
    subjects = [m for m in ms if m.kind in ("state", "org", "person") and m.how not in ("capital",)]
    for a in doc.actors:
        for sp in a.spans:
            subjects.append(M(a.id, a.kind, sp.start, sp.end, "actor"))
    subjects.sort(key=lambda m: m.start)
    affs = {a.id: a.affiliation for a in doc.actors}
    for i, s in enumerate(sents):
        if any(o.overlaps(s) for o in stated):
            continue
        for v in POSITION_VERB.finditer(text, s.start, s.end):
            lo, _ = clause_bounds(text, s.start, s.end, v.start())
            subj = _subject(text, within(subjects, lo, v.start()), v.start())
            if not subj:
                continue
            if spk and subj[0].id == spk:
                continue  # already read as the speaker's own voice
            ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
            for m in subj:
                aff = affs.get(m.id) if m.kind == "person" else None
                yield Unit(m.id, aff, v.start(), s.end, ctx, False)


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
        if len(g) <= 8 and re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", g):
            out.insert(0, m)
        else:
            break
    return out


# --- stances in one unit -------------------------------------------------------------------

def _unit_stances(doc: Document, u: Unit, insts: list[M], kb: Any, cyber: CyberContext,
                  generic: GenericResolver) -> list[Stance]:
    text = doc.text
    if u.end <= u.start or is_question(text, u.start, u.end):
        return []
    # propositions are cyber-norms debates only where the text talks about cyberspace
    targets: list[Target] = proposition_targets(text, u.start, u.end, kb) if cyber.near(u.start, u.end) else []
    # a keyword inside an instrument's name ("Convention on Cybercrime") is that instrument, not a debate
    u_insts = [m for m in insts if m.start < u.end and u.start < m.end and names_it(text, m)]
    targets = [t for t in targets if t.polarity or not any(m.start < t.end and t.start < m.end for m in u_insts)]
    targets += instrument_targets(text, u.start, u.end, insts, kb, u.context_start)
    out: list[Stance] = []
    speaker_org = u.affiliation if u.affiliation else (u.actor if not u.actor.startswith("person:") else None)
    for t in targets:
        tid = t.id
        if t.generic:
            tid = generic(t.start) or ""
            if not tid:
                continue
        if t.polarity:
            pol, conf = t.polarity, t.confidence
            if pol == "support" and not t.id.startswith("instrument:"):
                # a fixed-support phrase under a negated cue ("we do not believe international law applies")
                p2 = polarity(text, u.start, u.end, t.start, t.end, max_before=NEAR_CUE)
                if p2 and p2[0] == "oppose":
                    pol = "oppose"
        else:
            # a KB keyword is a weaker sign of the debate: its cue must stand close to it
            near = NEAR_CUE if t.confidence < 1.0 else 0
            got = polarity(text, u.start, u.end, t.start, t.end, instrument=tid.startswith("instrument:"), max_before=near)
            if got is None and tid.startswith("instrument:") and u.first_person:
                if authored(text, u.start, u.end, t.start) or _authored_by(kb, tid, speaker_org) and FIRST_PERSON.search(text, u.start, u.end):
                    got = ("support", 0.8)
            if got is None:
                continue
            pol, conf = got[0], got[1] * t.confidence
        if t.invert:
            pol = {"support": "oppose", "oppose": "support"}.get(pol, pol)
        if conf < MIN_CONFIDENCE:
            continue
        out.append(Stance(u.actor, u.affiliation, tid, pol, conf, _evidence(doc, u, t)))
    return out


def _authored_by(kb: Any, iid: str, org: str | None) -> bool:
    rec = kb_get(kb, iid) or {}
    return bool(org) and org in (rec.get("body"), rec.get("author"))


def _evidence(doc: Document, u: Unit, t: Target) -> Span:
    """The sentence of the unit that holds the target (the unit itself when short)."""
    for s in split_sentences(doc.text, Span(u.start, u.end)):
        if s.start <= t.start < s.end:
            return s
    return Span(u.start, u.end)


def merge(stances: list[Stance]) -> list[Stance]:
    """One stance per (actor, target, polarity): the most confident, earliest evidence on ties."""
    best: dict[tuple[str, str, str], Stance] = {}
    for s in stances:
        key = (s.actor, s.target, s.polarity)
        cur = best.get(key)
        if cur is None or s.confidence > cur.confidence:
            if cur is not None and cur.affiliation and not s.affiliation:
                s.affiliation = cur.affiliation
            best[key] = s
    return sorted(best.values(), key=lambda s: (s.evidence.start, s.actor, s.target, s.polarity))


__all__ = ["extract_stances", "find_stances", "merge", "proposition_table"]
