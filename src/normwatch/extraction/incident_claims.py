"""Attribution claims as first-class facts: every accusation or denial, whether or not its incident is known.

Why apart from the incident readings: an accusation ("Denmark blamed Russia for the attack on a
water utility", "hackers believed to work for the North Korean government compromised ...") is a
fact even when no incident reading fires on its sentence. The incidents stage first reads the
incidents and their claims (`incident_attrib`); this module then

  1. turns each incident's attributions into claims (the contract's ``incidents[].attributions``
     stays the view of the claims about that incident);
  2. reads a claim from every other sentence that blames, attributes, links, suspects or denies,
     with the same slot cues (`attrib_cues`), and
  3. resolves the incident such a claim is about: the incident the sentence refers back to, the
     one incident a short report tells, or a new incident built from the claim's victim, time,
     type and actor, so that the same new incident read in several documents gets one id
     (`new_incident_id`) and a readable title (`incident_title`).

A claim that gives too little to name an incident (no victim and no actor, no year or no type)
keeps ``incident`` null rather than a guessed one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .attrib_cues import CAPITAL_DOER, SUBJECTLESS_START, group_state, is_accused
from .cues import M, find_dates, kb_get, state_slug, within
from .incident_attrib import attributions
from .incident_cues import (
    ATTACK,
    ATTACK_VERB,
    ATTRIB_VERB,
    CYBER_SENTENCE,
    PERPETRATOR_REF,
    REFERS_BACK_ONE,
    hypothetical,
    sentence_type,
    victim_slot,
)
from .incident_dates import in_lead, is_short_report, lead_end
from .incident_match import Hit
from ..kb import lexicon
from ..model import Attribution, Claim, Document, Incident, Span, slugify

# a word then "?" at the sentence's end; "??" and ".?" are encoding debris in some datasets, not questions
QUESTION_END = re.compile(r"\w[\"”’)]*\?\s*$")
BACK_SENTENCES = 2  # how far back "the attack" may refer
MAX_CLAIMS = 300  # per document: a long report repeats its accusations


def claims_of(incs: list[Incident]) -> list[Claim]:
    """Each incident's attributions as claims about it."""
    return [Claim(a.accused, a.claimant, a.certainty, a.via, a.evidence, a.actor, inc.incident, a.basis)
            for inc in incs for a in inc.attributions]


def sentence_claims(doc: Document, kb: Any, sents: list[Span], ms: list[M], incs: list[Incident]) -> list[Claim]:
    """Claims of the sentences the incident readings gave none, each with the incident it is about."""
    text = doc.text
    # a capital stands for its state only as the subject of an attack ("Tehran attempted to hack ...")
    states = [m for m in ms if m.kind == "state" and (m.how != "capital" or CAPITAL_DOER.match(text[m.end:m.end + 60]))]
    groups = [m for m in ms if m.kind == "threat-actor"]
    orgs = [m for m in ms if m.kind == "org"]
    doc_states = frozenset(m.id for m in states)
    doc_accused = frozenset(m.id for m in states if is_accused(text, m))
    claimed = sorted(a.evidence for inc in incs for a in inc.attributions)
    short = is_short_report(doc)
    told = [(sp, inc) for inc in incs for sp in inc.spans]
    found: list[tuple[int, Span, str | None, list[Attribution]]] = []
    for i, s in enumerate(sents):
        if len(found) >= MAX_CLAIMS:
            break
        if any(c.overlaps(s) for c in claimed):
            continue
        # a sentence is a claim when it attributes, or tells an attack with its doer; a policy
        # sentence naming "Russian hackers" without either is not
        # (a short report may only profile its doer: "A Chinese-linked threat actor group active in ...")
        # ("DarkUniverse was a threat group affiliated with Russia": a doer linked to a named state)
        profile = short and any(is_accused(text, m) for m in within(states, s.start, s.end))
        if not (ATTRIB_VERB.search(text, s.start, s.end) or ATTACK_VERB.search(text, s.start, s.end)
                or ATTACK.search(text, s.start, s.end) or profile):
            continue
        if hypothetical(text, s.start, s.end) and not ATTRIB_VERB.search(text, s.start, s.end):
            continue
        if QUESTION_END.search(text, s.start, s.end) and "??" not in text[s.start:s.end]:
            continue  # a question ("is the announcement going to blame these hackers?") claims nothing
        # on the cyber topic: the sentence (or the one before, for "Russia denied it") speaks of it;
        # "accusing the Kosovo Liberation Army of organ trafficking" in a speech is no attribution
        prev = sents[i - 1] if i else s
        if not (CYBER_SENTENCE.search(text, s.start, s.end) or CYBER_SENTENCE.search(text, prev.start, prev.end)
                or short):
            continue
        s_states, s_groups, s_orgs = within(states, s.start, s.end), within(groups, s.start, s.end), within(orgs, s.start, s.end)
        if not s_groups:
            subjectless = short and bool(SUBJECTLESS_START.match(text[s.start:s.start + 40])) and not any(
                is_accused(text, m) for m in s_states)
            s_groups = _back_reference(kb, text, s, groups, subjectless)
        if not (s_states or s_groups or s_orgs):
            continue
        victims = [m for m in s_states if victim_slot(text, m)]
        victim = victims[0].id if victims else None
        hit = Hit("", victim, None, None, None, s, s)
        atts = attributions(doc, kb, hit, s, s_states, s_groups, s_orgs, doc_states, doc_accused)
        if atts:
            found.append((i, s, victim, atts))
    # a claim whose sentence names no channel takes the one the document gives elsewhere for the
    # same accused ("the DOJ charged four Chinese nationals" ... "MSS front companies"), as the
    # incidents stage does for its own claims
    via_of: dict[str, str] = {}
    for a in [a for inc in incs for a in inc.attributions] + [a for *_, atts in found for a in atts]:
        if a.via != "unknown" and a.accused:
            via_of.setdefault(a.accused, a.via)
    out: list[Claim] = []
    # a news lead's claim stands for the report's own story only when the text names no incident
    lead_story = not incs
    for i, s, victim, atts in found:
        atts = [replace(a, via=via_of[a.accused]) if a.via == "unknown" and a.accused in via_of else a for a in atts]
        inc = _referred(text, s, i, sents, told, incs) or _one_incident(doc, incs, victim)
        if inc is not None and any(a.accused == inc.victim for a in atts):
            inc = None  # "China accuses the US of cyberattacks" in a report on a US-victim hack: another matter
        if inc is None:
            inc = _new_incident(doc, kb, s, victim, atts, incs, lead_story)
        for a in atts:
            out.append(Claim(a.accused, a.claimant, a.certainty, a.via, a.evidence, a.actor,
                             inc.incident if inc else None, a.basis))
            if inc is not None:
                _attach(inc, a)
    return out


def _back_reference(kb: Any, text: str, s: Span, groups: list[M], subjectless: bool = False) -> list[M]:
    """"This threat actor targets ...", "The group used ...": the one threat actor the text named before.

    With `subjectless` (a short report whose sentence names no doer: "Storm Cloud. Performed
    watering-hole attacks on ..."), the one group the report names before is the doer too: a short
    report tells one operation. A stand-in mention over the referring words (or the sentence's
    first word), or nothing when several groups (or none) were named before: a reference that
    could mean two groups names neither.
    """
    ref = PERPETRATOR_REF.search(text, s.start, min(s.end, s.start + 60))  # the sentence's subject
    if not ref and not subjectless:
        return []
    before = {g.id for g in groups if g.end <= s.start and group_state(kb, g.id)[0]}
    if len(before) != 1:
        return []
    at = (ref.start(), ref.end()) if ref else (s.start, s.start)
    return [M(before.pop(), "threat-actor", at[0], at[1], "back-reference")]


def _referred(text: str, s: Span, i: int, sents: list[Span], told: list[tuple[Span, Incident]],
              incs: list[Incident]) -> Incident | None:
    """The incident told in one of the two sentences before, when this one refers back to it ("the attack").

    An incident told in this very sentence is not enough: the incident stage read that sentence
    and gave it no claim about that incident, so a claim found here is about something else."""
    if not REFERS_BACK_ONE.search(text, s.start, s.end):
        return None
    if any(sp.overlaps(s) for sp, _ in told):
        return None
    for back in range(1, BACK_SENTENCES + 1):
        if i - back < 0:
            break
        prev = sents[i - back]
        found = {inc.incident: inc for sp, inc in told if sp.overlaps(prev)}
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            return None
    return None


def _one_incident(doc: Document, incs: list[Incident], victim: str | None) -> Incident | None:
    """A short report tells one incident: a claim in it is about that one (unless it names another victim)."""
    if len(incs) == 1 and is_short_report(doc) and victim in (None, incs[0].victim):
        return incs[0]
    return None


def _new_incident(doc: Document, kb: Any, s: Span, victim: str | None, atts: list[Attribution],
                  incs: list[Incident], lead_story: bool = False) -> Incident | None:
    """A new incident from the claim's victim, time, type and actor; None when they are too few to name one."""
    text = doc.text
    actor = next((a.actor for a in atts if a.actor), None)
    if victim is None and actor is None:
        return None
    typ = sentence_type(text, s)
    dates = find_dates(text, s.start, s.end)
    year = dates[0].iso[:4] if dates else None
    if year is None and is_short_report(doc):
        year = (doc.meta.published or "")[:4] or None  # a short report's own date is its incident's
    elif lead_story and in_lead(doc, s) and not is_short_report(doc):
        # a news report's headline and lead tell the story it is dated by: a claim there without a
        # year or a type is about that story (its own date, the type its lead names), unless the
        # text named an incident already (then the story is that one, and the claim stays unfiled)
        year = year or (doc.meta.published or "")[:4] or None
        typ = typ or sentence_type(text, Span(0, lead_end(doc)))
    if not (year and typ):
        return None  # "an attack on Germany" or "APT28 in 2021" names no one incident
    iid = new_incident_id(kb, victim, year, typ, actor)
    for inc in incs:
        if inc.incident == iid:
            if s not in inc.spans:
                inc.spans.append(s)
            return inc
    inc = Incident(iid, victim, typ, [s], [], year, incident_title(kb, victim, year, typ, actor))
    incs.append(inc)
    return inc


def new_incident_id(kb: Any, victim: str | None, year: str | None, typ: str | None, actor: str | None = None) -> str:
    """``incident:<victim>-<year>-<type>``, or ``incident:<actor>-<year>-<type>`` when only the actor is known.

    The same parts give the same id in every document, which is what lets claims about one new
    incident meet across sources.

    >>> new_incident_id(None, None, "2021", "espionage", "threat-actor:apt28")
    'incident:apt28-2021-espionage'
    """
    if victim:
        head = state_slug(kb, victim) if victim.startswith("state:") else slugify(victim.split(":", 1)[-1])
    elif actor:
        head = actor.split(":", 1)[-1]
    else:
        head = "unknown-victim"
    return "incident:" + "-".join(p for p in (head, year, typ) if p)


# a new incident's title words per type: kb/data/lexicon/incidents.yaml, in the order of incident_types
TYPE_WORDS = dict(zip(lexicon.items("incidents.incident_types"), lexicon.items("incidents.incident_titles"), strict=True))


def incident_title(kb: Any, victim: str | None, year: str | None, typ: str | None, actor: str | None = None) -> str:
    """A readable title for a new incident: "Espionage against Norway by APT28 (2017)".

    >>> incident_title(None, None, "2021", None, None)
    'Cyber operation (2021)'
    """
    def name(i: str | None) -> str | None:
        if not i:
            return None
        rec = kb_get(kb, i) if kb is not None else None
        return (rec or {}).get("name") or i.split(":", 1)[-1].replace("-", " ").title()

    title = TYPE_WORDS.get(typ or "", "Cyber operation")
    if victim:
        title += f" against {name(victim)}"
    if actor:
        title += f" by {name(actor)}"
    return title + (f" ({year})" if year else "")


def named_by_actor(kb: Any, incs: list[Incident], claims: list[Claim]) -> None:
    """A new incident with no victim takes its id from the one threat actor its claims name
    (``incident:unknown-victim-2018-espionage`` becomes ``incident:apt10-2018-espionage``), so
    the same operation told in several reports meets under one id; claims follow the new id."""
    taken = {i.incident for i in incs}
    for inc in incs:
        if inc.victim or not inc.incident.startswith("incident:unknown-victim") or kb_get(kb, inc.incident) is not None:
            continue
        actors = {a.actor for a in inc.attributions if a.actor}
        if len(actors) != 1:
            continue
        new = new_incident_id(kb, None, (inc.date or "")[:4] or None, inc.type, actors.pop())
        if new in taken:
            continue
        taken.add(new)
        for c in claims:
            if c.incident == inc.incident:
                c.incident = new
        inc.incident = new


def titled(kb: Any, incs: list[Incident]) -> None:
    """Give every new incident (not in the KB) a readable title from its victim, year, type and actor."""
    for inc in incs:
        if inc.name or kb_get(kb, inc.incident) is not None:
            continue
        actor = next((a.actor for a in inc.attributions if a.actor), None)
        inc.name = incident_title(kb, inc.victim, (inc.date or "")[:4] or None, inc.type, actor)


def _attach(inc: Incident, a: Attribution) -> None:
    """Add a claim to its incident's attributions view, unless it restates one already there.

    The view lists each distinct accusation once: a later sentence that repeats the accused of an
    attribution already read, by the same claimant or by no named one ("the hackers, affiliated with
    the MSS, ..."), is a claim of its own but adds nothing to the view.
    """
    if len(inc.attributions) >= MAX_CLAIMS:
        return
    if any(b.accused == a.accused and (a.claimant is None or b.claimant == a.claimant) for b in inc.attributions):
        return
    inc.attributions.append(a)
