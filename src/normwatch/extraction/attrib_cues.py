"""Attribution claims in a sentence: who is accused, who says so, how surely, through which channel.

Why word cues (kept as data in kb/data/lexicon/attribution.yaml): incident reports phrase certainty and channel in a small, stable vocabulary
("suspected", "formally attributed", "denied"; "state-sponsored", "patriotic hackers", "GRU").
The order of the checks matters: a denial outranks the accusation it denies, and a hedge
("believed to be", "suspected") outranks the verb of blame it qualifies.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .cues import M, kb_get
from ..kb import lexicon

# The cue tables live in kb/data/lexicon/attribution.yaml (an analyst extends them there); the
# order of the checks below is the mechanism.
DENIED = lexicon.pattern("attribution.denied")
CONFIRMED = lexicon.pattern("attribution.confirmed")
SUSPECTED = lexicon.pattern("attribution.suspected")
OFFICIAL = lexicon.pattern("attribution.official")
ALLEGED = lexicon.pattern("attribution.alleged")
STATE_ORGAN = lexicon.pattern("attribution.via_state_organ")
PROXY = lexicon.pattern("attribution.via_proxy")
PATRIOTIC = lexicon.pattern("attribution.via_patriotic")
CRIMINAL = lexicon.pattern("attribution.via_criminal")
ACTOR_NOUN = lexicon.pattern("attribution.actor_noun")
ORGAN_DOER = lexicon.pattern("attribution.organ_doer")
COMPANY_AFTER = lexicon.pattern("attribution.company_after")
ACCUSED_BEFORE = lexicon.pattern("attribution.accused_before")
LINKED_BEFORE = lexicon.pattern("attribution.linked_before")
ACCUSED_AFTER = lexicon.pattern("attribution.accused_after")
CLAIM_VERB_AFTER = lexicon.pattern("attribution.claim_verb_after")
ACCORDING_TO = lexicon.pattern("attribution.according_to")
NOT_ACCUSED_BEFORE = lexicon.pattern("attribution.not_accused_before")
LOCATED_BEFORE = lexicon.pattern("attribution.located_before")
ACTS_AGAINST = lexicon.pattern("attribution.acts_against")
GOV_BODY_AFTER = lexicon.pattern("attribution.gov_body_after")
VERSUS = lexicon.pattern("attribution.versus")
FORMAL_BLAME = lexicon.pattern("attribution.formal_blame")
VICTIM_BEFORE = lexicon.pattern("incidents.victim_before")
CAPITAL_DOER = lexicon.pattern("attribution.capital_doer")
PASSIVE_AFTER = lexicon.pattern("attribution.passive_after")
CLAIMANT_BEFORE = lexicon.pattern("attribution.claimant_before")
GROUP_VICTIM_BEFORE = lexicon.pattern("attribution.group_victim_before")
SUBJECTLESS_START = lexicon.pattern("attribution.subjectless_start")
PRO_BEFORE = lexicon.pattern("attribution.pro_before")
TARGET_BEFORE = lexicon.pattern("attribution.target_before")
EARLIER_VIEW = lexicon.pattern("attribution.earlier_view")
LATER_VIEW = lexicon.pattern("attribution.later_view")
DEBRIS_POSSESSIVE = lexicon.pattern("attribution.debris_possessive")
INDIVIDUAL_AFTER = lexicon.pattern("attribution.individual_after")
_LINKED_ADJECTIVE = lexicon.pattern("attribution.linked_adjective")  # "IRGC-affiliated"


@lru_cache(maxsize=512)
def certainty(sentence: str) -> str:
    """The certainty a sentence gives its attribution claim."""
    if DENIED.search(sentence):
        return "denied"
    if CONFIRMED.search(sentence):
        return "confirmed"
    if SUSPECTED.search(sentence):
        return "suspected"
    if OFFICIAL.search(sentence):
        return "official"
    return "alleged"


def channel(sentence: str, group_category: str | None = None) -> str:
    """The channel (via) a sentence names; a named group's KB category otherwise."""
    named = _text_channel(sentence)
    if named:
        return named
    if group_category in ("state-organ", "state-sponsored-proxy", "patriotic-hackers", "criminal"):
        return group_category
    return "unknown"


# One sentence carries several claims (one per accused and claimant): read its words once.
@lru_cache(maxsize=512)
def _text_channel(sentence: str) -> str | None:
    if PATRIOTIC.search(sentence):
        return "patriotic-hackers"
    if CRIMINAL.search(sentence):
        return "criminal"
    if STATE_ORGAN.search(sentence):
        return "state-organ"
    if PROXY.search(sentence):
        return "state-sponsored-proxy"
    return None


def is_accused(text: str, m: M) -> bool:
    """A state mention in the slot of the accused."""
    before = text[max(0, m.start - 60):m.start]
    after = following(text, m.end, 40)
    if m.how in ("adjective", "demonym", "name") and COMPANY_AFTER.match(after):
        return False  # "Israeli technology firm NSO Group", "Czech-based Avast": a company's home
    if re.match(r"-based\b", after):
        # "Russia-based hackers" blames; "a Russia-based cybersecurity company" only locates
        return bool(ACTOR_NOUN.match(after[6:]))
    if ACTS_AGAINST.match(following(text, m.end, 80)) and not ACCUSED_AFTER.match(after):
        return False  # "Russia's FSB arrested members of REvil": a state acting against a group
    vs = VERSUS.match(after)
    if vs:
        # "Russia v. Estonia" accuses Russia; "United States v. Ding Xiaoyang" is a court caption
        return _state_follows(text, m.end + vs.end())
    if m.how in ("adjective", "demonym") and INDIVIDUAL_AFTER.match(after):
        return False  # "the Ukrainian hacker is facing charges": one person's nationality
    around = text[max(0, m.start - 90):m.start]
    if LINKED_BEFORE.search(around):
        return True
    located = LOCATED_BEFORE.search(around)
    if located:
        # "an email allegedly from the U.S. State Department": a body of the state, not doers located
        # there; an agency is the doers' home only after a doer noun ("hackers from the GRU")
        if m.kind == "org":
            return bool(ACTOR_NOUN.match(" " + located.group(0).split()[0]))
        return not GOV_BODY_AFTER.match(after)
    if ACCUSED_BEFORE.search(before) and not NOT_ACCUSED_BEFORE.search(before):
        return True
    if PRO_BEFORE.search(before):
        # "pro-Russian hacktivists", not "pro-Taiwanese independence" (the rest of the word skipped:
        # a name mention "Russia" inside "pro-Russian")
        return bool(ACTOR_NOUN.match(re.sub(r"^\w+", "", after)))
    acc = ACCUSED_AFTER.match(after)
    if acc and re.match(r"[ \t]*(?:\n|$)", after[acc.end():]) and not re.search(r"\s(?:by|to|for)\b", acc.group(0)):
        return False  # a headline's "US banks hacked": a participle with nothing after it is passive
    if acc and re.match(r"\s+by\b", after[acc.end():]):
        return False  # "Ukraine's networks hacked by ...": a participle before its agent is passive
    if acc:
        # "IRGC-affiliated business interests" are the group's, not its deeds (only the adjective
        # form: in "the GRU targeted the internet provider" the company is the victim)
        return not (_LINKED_ADJECTIVE.search(acc.group(0)) and COMPANY_AFTER.match(after[acc.end():]))
    if m.how in ("adjective", "demonym") and ACTOR_NOUN.match(after):
        # "Targeting of Indonesian intelligence agencies", "retaliation against the Russian hackers":
        # after a verb or preposition of attacking, the ones hit
        return not (VICTIM_BEFORE.search(before) or TARGET_BEFORE.search(before))
    if m.kind == "org" and ORGAN_DOER.match(after):
        return True  # "SVR hackers", "GRU officers": the agency's people did it
    if re.match(r"[’']s\s", after) and ACTOR_NOUN.match(after[3:]):
        return True
    return False


def following(text: str, pos: int, n: int) -> str:
    """The `n` characters after `pos`, with a dataset's encoding debris for an apostrophe read as "’s"."""
    after = text[pos:pos + n]
    debris = DEBRIS_POSSESSIVE.match(after)
    return "’s" + after[debris.end():] if debris else after


def superseded(text: str, s_start: int, s_end: int) -> int | None:
    """Where a sentence turns from an earlier attribution to the one that replaced it ("originally
    believed to be the work of Russian actors, was later attributed to Iran"); None when it does not."""
    first = EARLIER_VIEW.search(text, s_start, s_end)
    if not first:
        return None
    turn = LATER_VIEW.search(text, first.end(), s_end)
    return turn.start() if turn else None


def _state_follows(text: str, pos: int) -> bool:
    """A state's name starts at `pos` (the other side of an "X v. Y")."""
    from .cues import default_kb
    from .incident_match import state_names  # late: incident_match reads this module's cues

    names = state_names(default_kb())
    words = re.match(r"(?:the\s+)?((?:[A-Z][\w.'’-]*\s?){1,4})", text[pos:pos + 60])
    if not words:
        return False
    parts = words.group(1).split()
    return any(" ".join(parts[:k]).rstrip(".,;") in names for k in range(len(parts), 0, -1))


def is_claimant(text: str, m: M, start: int) -> bool:
    """A state or organisation that says, attributes or denies ("The United States attributed ...")."""
    if ACCORDING_TO.search(text[max(start, m.start - 20):m.start]):
        return True
    if CLAIMANT_BEFORE.search(text[max(start, m.start - 40):m.start]):
        return True  # "were indicted by the United States"
    if m.how in ("adjective", "demonym") and re.match(r"\s+[a-z]", text[m.end:m.end + 3]):
        # "Slovak security firms said": the firms speak, not Slovakia; "Danish intelligence officials
        # blamed": a body of the state speaks for it
        body = GOV_BODY_AFTER.match(text[m.end:m.end + 50])
        if not body:
            return False
        after = text[m.end + body.end():m.end + body.end() + 80]
    else:
        after = text[m.end:m.end + 80]
    return bool(CLAIM_VERB_AFTER.match(after)) and not ACCUSED_AFTER.match(after[:40]) and not PASSIVE_AFTER.match(after)


def group_state(kb: Any, group_id: str) -> tuple[str | None, str | None]:
    """A threat actor's state and category from the KB.

    The state is the curated `state`, else the `suspected_state` an imported galaxy records (a
    community assessment: the claims stage marks a claim resting on it as such, and keeps the
    certainty the text gives). An `unknown` category names no channel.
    """
    rec = kb_get(kb, group_id) or {}
    cat = rec.get("category")
    return rec.get("state") or rec.get("suspected_state"), None if cat == "unknown" else cat


def group_basis(kb: Any, group_id: str) -> str:
    """How the KB ties a threat actor to its state: ``kb-attribution`` when the curated record holds a
    public attribution (`state`), ``community-assessment`` when only a galaxy's `suspected_state` does."""
    rec = kb_get(kb, group_id) or {}
    return "kb-attribution" if rec.get("state") else "community-assessment"
