"""Word cues of the incidents stage: attack words, incident types, victim and doer slots.

The words are data (kb/data/lexicon/incidents.yaml); this module names the tables and holds the
slot tests. Why a module of its own: the same small vocabulary ("targeted", "DDoS", "was the victim of",
"carried out by") decides whether a sentence tells an incident, what kind, and which state in
it was hit; the stage and the KB matching both read it, and tests can probe it directly.
Every pattern is applied to one sentence (or a short window), never to the whole document.
"""

from __future__ import annotations

import re

from .attrib_cues import is_accused
from .cues import M
from ..kb import lexicon
from ..model import Span

# The cue tables live in kb/data/lexicon/incidents.yaml (an analyst extends them there).
TYPE_CUES: list[tuple[str, re.Pattern]] = [
    (t, lexicon.pattern("incidents.type_" + t.replace("-", "_"))) for t in lexicon.items("incidents.incident_types")]
ATTACK = lexicon.pattern("incidents.attack")
VICTIM_BEFORE = lexicon.pattern("incidents.victim_before")
VICTIM_NOUN_AFTER = lexicon.pattern("incidents.victim_noun_after")
STATE_AGENT = lexicon.pattern("incidents.state_agent")
RESPECTIVELY = lexicon.pattern("incidents.respectively")
REFERS_BACK = lexicon.pattern("incidents.refers_back")
REFERS_BACK_ONE = lexicon.pattern("incidents.refers_back_one")
ATTRIB_VERB = lexicon.pattern("incidents.attrib_verb")
VICTIM_AFTER = lexicon.pattern("incidents.victim_after")
INCIDENT_NOUN_AFTER = lexicon.pattern("incidents.incident_noun_after")
STATE_BODY = lexicon.pattern("incidents.state_body")
GOV_SUBJECT = lexicon.pattern("incidents.gov_subject")
RELATIVE_TIME = lexicon.pattern("incidents.relative_time")
CYBER_SENTENCE = lexicon.pattern("incidents.cyber_sentence")
VAGUE_NOUN = lexicon.pattern("incidents.vague_noun")
KW_ATTACK_AFTER = lexicon.pattern("incidents.kw_attack_after")
KW_ATTACK_BEFORE = lexicon.pattern("incidents.kw_attack_before")
AGENT = "agent"  # category marker: the accused state named as the doer itself


def sentence_type(text: str, s: Span, near: int | None = None) -> str | None:
    """The incident type the sentence names (the cue nearest `near` when several)."""
    best: tuple[int, str] | None = None
    for typ, rx in TYPE_CUES:
        m = rx.search(text, s.start, s.end)
        if m:
            if near is None:
                return typ
            d = abs(m.start() - near)
            if best is None or d < best[0]:
                best = (d, typ)
    return best[1] if best else None

def doer_inside(text: str, states: list[M], m: M) -> bool:
    """An inferred incident mention whose state (at its start) stands in the slot of the accused."""
    return any(m.start <= st.start < m.end and is_accused(text, st) for st in states)


def is_origin(text: str, m: M) -> bool:
    """"an Israel-based company", "Russian-speaking": where someone is from, not a victim."""
    return bool(re.match(r"[- ](?:based|speaking|made|owned|headquartered)\b", text[m.end:m.end + 16]))


BENEFICIARY_BEFORE = lexicon.pattern("incidents.beneficiary_before")


def victim_slot(text: str, m: M) -> bool:
    if is_accused(text, m):
        return False
    if BENEFICIARY_BEFORE.search(text[max(0, m.start - 30):m.start]):
        return False  # "to raise money for the North Korean government": served, not hit
    if VICTIM_BEFORE.search(text[max(0, m.start - 60):m.start]):
        return True
    if VICTIM_AFTER.match(text[m.end:m.end + 60]):
        return True
    return m.how in ("adjective", "demonym", "name") and bool(VICTIM_NOUN_AFTER.match(text[m.end:m.end + 40]))


# --- accusations without a known incident ----------------------------------------------------
# An attack told as a deed: a verb (not a noun like "cyberattacks" in a policy sentence), so
# "Russian hackers targeted Ukrainian ministries" tells an incident and "the threat of Russian
# cyberattacks" does not. Broad verbs (launch, conduct, deploy, use) count only with an attack
# or malware object. The object of the verb names who was hit; a demonym before people names
# people, not their state; hypothetical and negated attacks tell nothing.
ATTACK_VERB = lexicon.pattern("incidents.attack_verb")
VICTIM_OBJECT = lexicon.pattern("incidents.victim_object")
PEOPLE_AFTER = lexicon.pattern("incidents.people_after")
HYPOTHETICAL = lexicon.pattern("incidents.hypothetical")
NOT_DONE = lexicon.pattern("incidents.not_done")
PERPETRATOR_REF = lexicon.pattern("incidents.perpetrator_ref")


def hypothetical(text: str, start: int, end: int) -> bool:
    """The sentence tells an attack that did not (or not yet) happen. A deed told before the modal
    stands: in "hackers broke into the university to collect data they could use", the hedge is
    about the later use, not the break-in."""
    h = HYPOTHETICAL.search(text, start, end)
    if h is None:
        return False
    deed = ATTACK_VERB.search(text, start, h.start())
    return deed is None or bool(NOT_DONE.search(text, max(start, deed.start() - 30), deed.start()))


def victim_object(text: str, verb_end: int, bound: int, window: int = 90) -> re.Match | None:
    """The victim noun in the object of an attack verb ("targeted journalists", "hacked the ministry's servers")."""
    return VICTIM_OBJECT.search(text, verb_end, min(bound, verb_end + window))


def people_victim(text: str, m: M) -> bool:
    """A demonym naming people ("Saudi dissidents"), so its state is not the one hit."""
    return m.how in ("adjective", "demonym") and bool(PEOPLE_AFTER.match(text[m.end:m.end + 40]))
