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
from bisect import bisect_left
from typing import Any

from ..kb import lexicon
from ..pipeline import stage
from ..extraction.cues import (
    CyberContext,
    carries_topic,
    negated,
    words_before,
    FIRST_PERSON,
    M,
    all_mentions,
    default_kb,
    enclosing,
    kb_get,
    sentence_spans,
)
from ..extraction.stance_polarity import authored, clause_bounds, is_question, polarity, treaty_work
from ..extraction.stance_targets import (
    GenericResolver,
    Target,
    instrument_targets,
    names_it,
    proposition_table,
    proposition_targets,
)
from ..extraction.stance_units import (  # noqa: F401 - joint_voice, quoted_spans: re-exported for callers
    Unit,
    quoted_spans,
    speaker_units,
    statement_units,
    subject_units,
    continued_quote_units,
)
from ..extraction.stance_joint import joint_units, joint_voice, title_voice_units  # noqa: F401 - joint_voice re-exported
from ..model import Document, Span, Stance
from ..settings import Settings

MIN_CONFIDENCE = 0.5
# How close a cue must stand to override a fixed phrase, or to govern a bare KB keyword.
NEAR_CUE = 50
# How close cyber words must stand to a proposition phrase in a long speech.
CLOSE_WINDOW = 100
# A target phrase naming the technology itself ("free and open internet", "the use of new
# technologies to destabilize ...") is its own context.
SELF_CONTEXT = lexicon.pattern("topic.self_context")
# Words that put a sentence on digital technology ("technological achievements" alone is too broad).
TECH_WORDS = lexicon.pattern("topic.tech_words")
# How many sentences either side, within its paragraph, a technology sentence may find cyber words.
TECH_PARAGRAPH_SENTENCES = 2
# A paragraph's opening words that point back at the paragraph before ("In that connection,",
# "To that end,"): only then may the topic carry across the paragraph break.
PARAGRAPH_LINK = lexicon.pattern("position.paragraph_link")
# Propositions that a treaty be made: negotiating or drafting one is work the speaker wants done.
TREATY_PROPOSITIONS = ("proposition:new-un-cybercrime-treaty", "proposition:binding-state-behaviour-treaty")
# A treaty's purpose right after it that makes it a crime treaty, not one on state behaviour.
CRIME_AFTER = re.compile(r"\b(?:to|on|against|for)\b[^.;]{0,30}?\b(?:cyber[- ]?crime|crim(?:e|es|inal))\b", re.I)


@stage("stances.v1", requires=("sentences", "mentions", "actors", "statements"), assigns=("stances",))
def extract_stances(doc: Document, settings: Settings) -> Document:
    """Fill `doc.stances`; see the module docstring for sources and rules."""
    doc.stances.extend(find_stances(doc, default_kb()))
    return doc


class DocContext:
    """Per-document lookups, each built on first use (a news page with no unit needs none)."""

    def __init__(self, text: str, kb: Any, sents: list[Span], pstarts: list[int] | None = None) -> None:
        self.text = text
        self.kb = kb
        self.sents = sents
        self.pstarts = pstarts or []
        self._cyber: CyberContext | None = None
        self._generic: GenericResolver | None = None
        self._hits = None

    @property
    def cyber(self) -> CyberContext:
        if self._cyber is None:
            self._cyber = CyberContext(self.text)
        return self._cyber

    @property
    def generic(self) -> GenericResolver:
        if self._generic is None:
            self._generic = GenericResolver(self.text, self.kb)
        return self._generic

    def carried(self, pos: int) -> bool:
        """Does the sentence at `pos` carry the cyber topic of the one(s) before ("those threats")?"""
        i = enclosing(self.sents, pos)
        if i is None:
            return False
        k = bisect_left(self.pstarts, pos + 1) - 1
        floor = self.pstarts[k] if k >= 0 else 0
        s = self.sents[i]
        if k > 0 and s.start - floor < 3 and PARAGRAPH_LINK.match(self.text, s.start, s.end):
            # a paragraph opening "In that connection, ..." points at the paragraph before
            floor = self.pstarts[k - 1]
        sents, cyber = self.sents, self.cyber
        return carries_topic(self.text, sents, i, lambda j: cyber.core_in(sents[j].start, sents[j].end), floor)

    def tech_paragraph(self, pos: int) -> bool:
        """Is the sentence at `pos` about technology in a paragraph that goes on to cyber words?

        Why: a speech opens a topic with "we must enhance international cooperation to harness
        the digital revolution" and names "cybersecurity threats" only two sentences later; the
        opening sentence is on the cyber topic although no cyber word stands close to its phrase.
        The sentence itself must name the technology ("digital", "internet", "ICT"), so a
        paragraph that merely mentions cyber somewhere does not pull in its other topics.
        """
        i = enclosing(self.sents, pos)
        if i is None:
            return False
        s = self.sents[i]
        if not TECH_WORDS.search(self.text, s.start, s.end):
            return False
        k = bisect_left(self.pstarts, pos + 1) - 1
        floor = self.pstarts[k] if k >= 0 else 0
        ceil = self.pstarts[k + 1] if k + 1 < len(self.pstarts) else len(self.text)
        lo, hi = max(0, i - TECH_PARAGRAPH_SENTENCES), min(len(self.sents), i + TECH_PARAGRAPH_SENTENCES + 1)
        for j in range(lo, hi):
            sj = self.sents[j]
            if sj.start >= floor and sj.end <= ceil and self.cyber.core_in(sj.start, sj.end):
                return True
        return False

    @property
    def hits(self):
        if self._hits is None:
            self._hits = proposition_table(self.kb).scan(self.text)
        return self._hits


def find_stances(doc: Document, kb: Any) -> list[Stance]:
    """Stances in a document against a given KB (the stage uses the package KB)."""
    text = doc.text
    if not text.strip():
        return []
    sents = sentence_spans(doc)
    ms = all_mentions(doc)
    insts = [m for m in ms if m.kind == "instrument"]
    units = list(statement_units(doc, sents)) + list(speaker_units(doc, sents))
    units += list(joint_units(doc, sents, ms))
    units += list(subject_units(doc, sents, ms))
    units += list(continued_quote_units(doc, sents, ms))
    units += list(title_voice_units(doc, sents, ms))
    ctx = DocContext(text, kb, sents, [p.start for p in doc.paragraphs])
    found: list[Stance] = []
    for u in units:
        found.extend(_unit_stances(doc, u, insts, kb, ctx))
    return merge(found)


# --- stances in one unit -------------------------------------------------------------------

def _unit_stances(doc: Document, u: Unit, insts: list[M], kb: Any, ctx: DocContext) -> list[Stance]:
    text = doc.text
    if u.end <= u.start or is_question(text, u.start, u.end):
        return []
    # propositions are cyber-norms debates only where the text talks about cyberspace
    cyber = ctx.cyber
    targets: list[Target] = (proposition_targets(text, u.start, u.end, kb, ctx.hits)
                             if cyber.near(u.start, u.end) else [])
    # a proposition phrase ("cooperation", "work together") needs cyber words close to it, not just
    # somewhere near the unit: a speech's cooperation against terrorism is not a cyber-norms stance.
    # A sentence that carries the topic over ("address those threats") counts as close.
    targets = [t for t in targets if cyber.near_core(t.start, t.end, CLOSE_WINDOW)
               or SELF_CONTEXT.search(text, t.start, t.end) or ctx.carried(t.start) or ctx.tech_paragraph(t.start)]
    # a keyword inside an instrument's name ("Convention on Cybercrime") is that instrument, not a debate
    u_insts = [m for m in insts if m.start < u.end and u.start < m.end and names_it(text, m)]
    targets = [t for t in targets if t.polarity or not any(m.start < t.end and t.start < m.end for m in u_insts)]
    targets += instrument_targets(text, u.start, u.end, insts, kb, u.context_start)
    out: list[Stance] = []
    speaker_org = u.affiliation if u.affiliation else (u.actor if not u.actor.startswith("person:") else None)
    for t in targets:
        tid = t.id
        if t.generic:
            tid = ctx.generic(t.start) or ""
            if not tid:
                continue
        if t.polarity:
            pol, conf = t.polarity, t.confidence
            if t.broad and negated(words_before(text, t.start, 3, u.start)):
                continue  # "did not cooperate with partners"
            if pol == "support" and not t.id.startswith("instrument:"):
                # a fixed-support phrase under a negated cue ("we do not believe international law applies")
                p2 = polarity(text, u.start, u.end, t.start, t.end, max_before=NEAR_CUE)
                if p2 and p2[0] == "oppose":
                    pol = "oppose"
        else:
            # a KB keyword is a weaker sign of the debate: its cue must stand close to it
            near = NEAR_CUE if t.confidence < 1.0 else 0
            got = polarity(text, u.start, u.end, t.start, t.end, instrument=tid.startswith("instrument:"), max_before=near)
            if got is None and t.inner:
                # a concept's cue may stand between its two parts ("efforts ... should be cooperative")
                got = polarity(text, u.start, u.end, t.end, t.end, max_before=max(near, t.end - t.start + NEAR_CUE))
            if got is None and tid in TREATY_PROPOSITIONS and u.first_person \
                    and treaty_work(text, clause_bounds(text, u.start, u.end, t.start)[0], t.start):
                got = ("support", 0.7)
                if tid == TREATY_PROPOSITIONS[1] and CRIME_AFTER.search(text, t.end, min(u.end, t.end + 60)):
                    tid = TREATY_PROPOSITIONS[0]  # "a binding instrument to tackle cybercrime"
            if got is None and tid.startswith("instrument:") and u.first_person:
                if authored(text, u.start, u.end, t.start) or _authored_by(kb, tid, speaker_org) and FIRST_PERSON.search(text, u.start, u.end):
                    got = ("support", 0.8)
            if got is None:
                continue
            pol, conf = got[0], got[1] * t.confidence
        if t.invert and t.inner and pol == "support":
            # a concept naming what the proposition is against ("supply chain attacks"): a support
            # cue before it governs something else far more often than it praises the attacks
            continue
        if t.invert:
            pol = {"support": "oppose", "oppose": "support"}.get(pol, pol)
        if t.broad and pol != "support":
            continue  # "Russia did not cooperate" is no position on cooperation
        if conf < MIN_CONFIDENCE:
            continue
        ev = _evidence(doc, u, t, ctx.sents)
        out.append(Stance(u.actor, u.affiliation, tid, pol, conf, ev))
        for other in u.also:
            out.append(Stance(other, other, tid, pol, conf, ev))
    return out


def _authored_by(kb: Any, iid: str, org: str | None) -> bool:
    rec = kb_get(kb, iid) or {}
    return bool(org) and org in (rec.get("body"), rec.get("author"))


def _evidence(doc: Document, u: Unit, t: Target, sents: list[Span]) -> Span:
    """The sentence of the unit that holds the target (the unit itself when short)."""
    i = enclosing(sents, t.start)
    if i is not None:
        s = sents[i]
        a, b = max(s.start, u.start), min(s.end, u.end)
        if a < b:
            return Span(a, b)
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


__all__ = ["extract_stances", "find_stances", "joint_voice", "merge", "proposition_table", "quoted_spans"]
