"""New incidents read from attack cues: an attack word with a victim, or an accusation with a perpetrator.

Why apart from the stage: this is the rule that decides when a sentence that names no known
incident still tells one, and it is the one measured against incident datasets
(bench/incidents_eval.py). Two readings:

  * victim + time: an attack cue, a state in a victim slot and a year in the sentence (or "last
    July" for a KB incident of the document's year);
  * accusation: a perpetrator (a state in the accused slot, a KB threat actor tied to a state, a
    state organ, or a back-reference to the one perpetrator a short report names) doing an attack
    verb to an identifiable victim (a state in a victim slot, a victim noun such as "ministries"
    or "journalists" in the verb's object, or the victim a short report's headline names). No
    time is needed: the sentence's date, else a short report's first date or its own date, else
    null. Hypothetical ("could target") and negated ("did not attack") sentences tell nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .attrib_cues import DENIED, group_state, is_accused, is_claimant
from .cues import M, find_dates, kb_get
from .incident_attrib import org_state
from .incident_cues import (
    ATTACK,
    ATTACK_VERB,
    NOT_DONE,
    RELATIVE_TIME,
    hypothetical,
    is_origin,
    people_victim,
    sentence_type,
    victim_object,
    victim_slot,
)
from .incident_dates import doc_year, in_lead, is_short_report
from .incident_match import Hit, match_or_new
from ..model import Document, Span


@dataclass(frozen=True)
class Frame:
    """What a short incident report says once for its one incident: victim, kind and time."""

    victim: str | None
    victim_named: bool  # some sentence names who was hit (a state or a victim noun)
    type: str | None
    date: str | None


def report_frame(doc: Document, states: list[M], sentences: list[Span]) -> Frame | None:
    """The victim, type and date a short report gives anywhere (its headline included); None for longer texts."""
    if not is_short_report(doc):
        return None
    text = doc.text
    victim, named = None, False
    for s in sentences:
        verb = ATTACK_VERB.search(text, s.start, s.end) or ATTACK.search(text, s.start, s.end)
        if not verb:
            continue
        for m in states:
            if s.start <= m.start < s.end and victim_slot(text, m) and not people_victim(text, m):
                victim = victim or m.id
                named = True
                break
        if not named and victim_object(text, verb.end(), s.end):
            named = True
    dates = find_dates(text)
    date = dates[0].iso if dates else (doc.meta.published or None)
    return Frame(victim, named, sentence_type(text, Span(0, len(text))), date)


def cue_hits(doc: Document, kb: Any, s: Span, states: list[M], groups: list[M], orgs: list[M] = (),
             frame: Frame | None = None) -> list[Hit]:
    """Incident readings of one sentence from its attack cue (see the module docstring)."""
    text = doc.text
    cue = ATTACK.search(text, s.start, s.end)
    if not cue:
        return []
    victims = [m for m in states if victim_slot(text, m)]
    accused = {m.id for m in states if is_accused(text, m)}
    if DENIED.search(text, s.start, s.end):
        # "Russia denied that its hackers targeted the ministries": the one denying is the one accused
        accused |= {m.id for m in states if is_claimant(text, m, s.start)}
    perpetrator = bool(accused) or any(g.kind == "state" or group_state(kb, g.id)[0] for g in groups) or any(
        org_state(kb, m.id) and is_accused(text, m) for m in orgs)
    if victims:
        vic = victims[0]
        typ = sentence_type(text, s, vic.start)
        years = find_dates(text, s.start, s.end)
        span = Span(min(cue.start(), vic.start), max(cue.end(), vic.end))
        if years:
            year = min(years, key=lambda d: abs(d.start - vic.start)).iso[:4]
            hit = match_or_new(kb, vic.id, year, typ, span, s, allow_new=typ is not None)
            if hit or not perpetrator:
                return [hit] if hit else []
        else:
            dy = doc_year(doc)
            if dy and RELATIVE_TIME.search(text, s.start, s.end):
                # "Last July, Albania was the target of a cyberattack": only a KB incident of that year
                for y in (dy, dy - 1):
                    hit = match_or_new(kb, vic.id, str(y), typ, span, s, allow_new=False)
                    if hit:
                        return [hit]
    if not perpetrator:
        return []
    # A named perpetrator makes it an incident report even without a year — but only where a
    # document tells one incident (a short description, or the lead of a news report): in a
    # long analysis every passing "Chinese hackers" would become one.
    if not in_lead(doc, s):
        return []
    hit = _accusation(doc, kb, s, states, victims, accused, frame)
    if hit is not None:
        return [hit]
    return _named_perpetrator(doc, kb, s, states, victims, accused, cue)


def _accusation(doc: Document, kb: Any, s: Span, states: list[M], victims: list[M], accused: set[str],
                frame: Frame | None) -> Hit | None:
    """A perpetrator's attack verb on an identifiable victim: an incident without a time."""
    text = doc.text
    if hypothetical(text, s.start, s.end):
        return None
    verb = next((v for v in ATTACK_VERB.finditer(text, s.start, s.end)
                 if not NOT_DONE.search(text, max(s.start, v.start() - 30), v.start())), None)
    if verb is None:
        return None
    victims = [m for m in victims if m.id not in accused and not people_victim(text, m)]
    vic = victims[0] if victims else None
    named = vic is not None or victim_object(text, verb.end(), s.end) is not None or any(
        m.start >= verb.end() and m.id not in accused for m in states if m.how != "capital" and s.start <= m.start < s.end)
    vic_id = vic.id if vic else None
    if frame is not None:
        vic_id = vic_id or frame.victim
        named = named or frame.victim_named
    if not named:
        return None
    at = vic.start if vic else verb.start()
    typ = sentence_type(text, s, at) or (frame.type if frame else None)
    dates = find_dates(text, s.start, s.end)
    date = min(dates, key=lambda d: abs(d.start - at)).iso if dates else (frame.date if frame else None)
    span = Span(min(verb.start(), vic.start), max(verb.end(), vic.end)) if vic else Span(verb.start(), verb.end())
    hit = match_or_new(kb, vic_id, date[:4] if date else None, typ, span, s, allow_new=True, need_year=False)
    if hit is None:
        return None
    if kb_get(kb, hit.incident) is None:
        hit.date = date  # a new incident keeps the full date; a KB incident its own start
    hit.accusation = True
    return hit


def _named_perpetrator(doc: Document, kb: Any, s: Span, states: list[M], victims: list[M], accused: set[str],
                       cue: Any) -> list[Hit]:
    """A perpetrator with no identifiable victim: a KB incident of a state named nearby, else a vague
    reading the stage keeps only by merging it into the one KB incident the document names."""
    text = doc.text
    in_slot = bool(victims)
    if not victims:
        victims = [m for m in states if m.id not in accused and not is_origin(text, m)]
    vic_id = victims[0].id if victims else None
    typ = sentence_type(text, s, victims[0].start if victims else cue.start())
    span = Span(cue.start(), cue.end()) if not victims else Span(min(cue.start(), victims[0].start),
                                                                  max(cue.end(), victims[0].end))
    years = find_dates(text, s.start, s.end)
    year = years[0].iso[:4] if years else ((doc.meta.published or "")[:4] or None)
    if vic_id is None:
        # one unnamed incident per document: what a description of one operation tells. Only a short
        # report takes its own date for it; in a longer text the published year would make a vague
        # reading look dated, and it would no longer fold into the incident the text already named.
        typ = None
        year = ((doc.meta.published or "")[:4] or None) if is_short_report(doc) else None
    # a state merely named beside the perpetrator ("believed to be Iran that targets ...") may be
    # anything: it can pick a KB incident, but a new incident needs a victim the text marks as one
    hit = match_or_new(kb, vic_id, year, typ, span, s, allow_new=True, need_year=False)
    if hit and not in_slot:
        hit.weak = True
    return [hit] if hit else []
