"""Attribution claims in a sentence: who is accused, who says so, how surely, through which channel.

Why word cues: incident reports phrase certainty and channel in a small, stable vocabulary
("suspected", "formally attributed", "denied"; "state-sponsored", "patriotic hackers", "GRU").
The order of the checks matters: a denial outranks the accusation it denies, and a hedge
("believed to be", "suspected") outranks the verb of blame it qualifies.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .cues import M, kb_get

DENIED = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|rejected the (?:accusations?|allegations?|claims?)|dismissed the (?:accusations?|allegations?|claims?)|"
    r"refuted|rebuffed the (?:accusations?|allegations?))\b", re.I)
CONFIRMED = re.compile(
    r"\b(?:confirmed (?:that|the)|(?:was|were) convicted|convicted|pleaded guilty|admitted (?:responsibility|to)|claimed responsibility)\b", re.I)
SUSPECTED = re.compile(
    r"\b(?:suspect(?:s|ed)?|suspicion|believed to (?:be|have)|thought to (?:be|have)|(?<!highly )likely|probably|possibly|presumably|"
    r"reportedly|may have|might have|could have|widely (?:seen|believed)|(?<!formally )(?<!officially )linked to)\b", re.I)
OFFICIAL = re.compile(
    r"\b(?:formally|officially|attribut(?:e|es|ed|ing|ion)|"
    # an agency's graded judgement ("assessed that it was highly likely") is how governments attribute
    r"(?:assess|judg)(?:e|es|ed)\s+(?:\w+\s+){0,4}?(?:highly likely|almost certain(?:ly)?)|joint (?:statement|advisory)|sanction(?:s|ed)?|"
    r"indict(?:ed|ment|s)?|charged|expelled|summoned|"
    # a government's or a union's published statement is its formal position (a company's is
    # not: the incidents stage lowers a non-governmental claimant's `official` to `alleged`)
    r"(?:in|issued|published) (?:an? )?(?:joint |formal |official |separate |written )?(?:statements?|declarations?))\b", re.I)
ALLEGED = re.compile(
    r"\b(?:accus(?:e|es|ed|ing|ation)|alleg(?:e|es|ed|edly|ation)|blam(?:e|es|ed|ing)|assess(?:es|ed|ment)?|"
    r"claim(?:s|ed)?|according to|said|says|pointed the finger|behind|responsible for)\b", re.I)

STATE_ORGAN = re.compile(
    r"\b(?:GRU|SVR|FSB|KGB|MSS|PLA|IRGC|RGB|NSA|GCHQ|Unit \d{3,6}|military intelligence|intelligence (?:service|services|agency|agencies)|"
    r"armed forces|military unit|(?:army|military) hackers|Ministry of State Security|Reconnaissance General Bureau|"
    r"Main Intelligence Directorate|security service|spy agency|cyber command)\b", re.I)
PROXY = re.compile(
    r"\b(?:state[- ]sponsored|state[- ]backed|government[- ]backed|government[- ]sponsored|backed by|sponsored by|"
    r"on behalf of|at the behest of|proxy|proxies|contractors?|front compan(?:y|ies)|"
    r"(?:associated|affiliated) with the \w+ (?:state|government))\b", re.I)
PATRIOTIC = re.compile(
    r"\b(?:patriotic (?:hackers|citizens|hacking|volunteers)|hacktivis(?:ts?|m)|volunteers|nationalist hackers|"
    r"pro-\w+ (?:hackers|hacktivists|groups?|activists))\b", re.I)
CRIMINAL = re.compile(
    r"\b(?:ransomware (?:gang|group|operators?|crew|affiliates?)|cyber ?criminals?|criminal (?:group|gang|hackers|organi[sz]ation)|"
    r"crime (?:group|gang|syndicate)|extortion (?:gang|group))\b", re.I)

# Words after a state's adjective that make it the accused ("Russian hackers", "Chinese state-sponsored group").
ACTOR_NOUN = re.compile(
    r"^\s*(?:(?:state|government|Kremlin|Beijing)[- ](?:sponsored|backed|linked|affiliated)\s+|"
    r"(?:military|intelligence|government|state|nation[- ]state)\s+)?(?:cyber[- ]?(?:espionage\s+)?)?"
    r"(?:hackers?|hacktivists?|hacking (?:group|team|unit|collective)|"
    # "Russian intelligence" is the doer; "Indonesian intelligence records" were the target
    r"intelligence(?!\s+(?:records|data|documents|files|information|reports?|community|sharing|officials))|"
    r"military (?:intelligence|unit|hackers)|army (?:unit|hackers)|spies|operatives|actors?|"
    r"threat (?:actors?|groups?)|group|groups|APT|agents?|government hackers|"
    r"cyber ?(?:army|units?|forces|spies|actors?))\b", re.I)
# After an agency's name: its people as doers ("SVR hackers", "GRU operators", "MSS officers").
ORGAN_DOER = re.compile(r"^\s*(?:cyber[- ]?)?(?:hackers?|operators|operatives|spies)\b", re.I)
# After a demonym: a company from that state ("Israeli technology firm NSO Group", "a Russia-based
# cybersecurity company") is where a tool or a victim comes from, not a state's doing.
COMPANY_AFTER = re.compile(
    r"^(?:-based|-headquartered)?\s*(?:[\w-]+\s+){0,2}?(?:firms?|compan(?:y|ies)|vendors?|corporations?|"
    r"businesses|think tanks?|organi[sz]ations|entities|institutions|providers?|developers?|manufacturers?|startups?)\b",
    re.I)
# Before a state: the slot of the accused.
# A bare "by" is only the doer's slot after a verb or noun of attacking: "discovered by the U.S.
# National Security Agency", "networks used by the Ukrainian cabinet", "Statement by the NSC" are not.
ACCUSED_BEFORE = re.compile(
    r"(?:\battribut\w*\s+(?:\w+\s+){0,6}?to|\bblam\w*|\baccus\w*|"
    r"\b(?:attack(?:s|ed)?|hack(?:s|ed)?|targeted|compromised|breached|ordered|"
    r"hit|stolen|deployed|perpetrated|committed|orchestrated|operations?|campaigns?|intrusions?|espionage)\s+by|\bpointed the finger at|\bcarried out by|"
    r"\blaunched by|\bconducted by|\bsponsored by|\bbacked by|\bon behalf of|\bpro-|\bworking for|"
    r"\b(?:(?:is|are|was|were)\s+)?(?:(?:widely|generally|also)\s+)?(?:believed|thought|suspected|assessed|said|known|reported)\s+to\s+(?:be|have been)|"
    r"\b(?:the\s+)?work of|\bpinned\s+(?:\w+\s+){0,3}?on)\s*(?:the\s+|an?\s+)?$",
    re.I)
# Before a state: its being the doer only when a doer stands before the link ("hackers linked to
# Russia", "a group run by the FSB"); "networks associated with the U.S. military" or "servers
# controlled by the Swiss Federal Department" are the victim's.
LINKED_BEFORE = re.compile(
    r"(?:\b(?:hackers?|hacktivists?|groups?|actors?|APT\s?\d*|operators?|operatives|attackers|spies|unit|"
    r"campaigns?|operations?|attacks?|cyberattacks?|intrusions?|malware|spyware|activit(?:y|ies)|hacking|espionage|"
    r"it|they|which|who)|[A-Z][\w@-]*\d*)\W+"
    # only hedges and copulas between the doer and the link, never a verb with its own object
    r"(?:(?:is|are|was|were|being|been|be|to|believed|thought|suspected|said|reported(?:ly)?|allegedly|likely|"
    r"probably|closely|widely|also|which|that|who|has|have|had|long)\W+){0,5}"
    r"(?:linked to|tied to|affiliated with|associated with|connected to|"
    r"(?:operated|run|directed|controlled|developed|used|managed|employed) by)\s*(?:the\s+|an?\s+)?$")
# After a state: its being accused ("Russia was behind", "Russia v. Estonia").
ACCUSED_AFTER = re.compile(
    r"^\s*(?:(?:government|state|authorities|military|regime|leadership)\s+)?"
    r"(?:(?:was|were|is|are|has been|had been)\s+(?:\w+\s+)?(?:behind|responsible|involved|accused|blamed|suspected)|"
    r"(?:(?:has|have|had|was|were|reportedly|allegedly)\s+)?(?:targeted|attacked|hacked|launched|conducted|carried out|"
    r"compromised|breached|infiltrated|deployed|used|stole|spied)\b|"
    r"v\.|vs\.?|versus|(?:-|\s+(?:state|government)[- ])(?:backed|sponsored|linked|affiliated|aligned|nexus))", re.I)
# Before a state: it is the one saying so.
CLAIM_VERB_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:attribut(?:e|es|ed|ing)|accus(?:e|es|ed|ing)|blam(?:e|es|ed|ing)|said|says|say|stated|announced|"
    r"assess(?:es|ed)?|concluded|determined|named|sanctioned|indicted|charged|den(?:y|ies|ied)|rejected|"
    r"pinned|issued|published|(?:formally |officially |publicly )?(?:linked|tied|traced|called out))\b", re.I)
ACCORDING_TO = re.compile(r"\baccording to (?:the\s+)?$", re.I)


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
    after = text[m.end:m.end + 40]
    if m.how in ("adjective", "demonym", "name") and COMPANY_AFTER.match(after):
        return False  # "Israeli technology firm NSO Group", "Czech-based Avast": a company's home
    if re.match(r"-based\b", after):
        # "Russia-based hackers" blames; "a Russia-based cybersecurity company" only locates
        return bool(ACTOR_NOUN.match(after[6:]))
    if LINKED_BEFORE.search(text[max(0, m.start - 90):m.start]):
        return True
    if ACCUSED_BEFORE.search(before) and not re.search(r"\b(?:according|belong\w*|respond\w*)\s+to\s*(?:the\s+)?$", before, re.I):
        return True
    if ACCUSED_AFTER.match(after):
        return True
    if m.how in ("adjective", "demonym") and ACTOR_NOUN.match(after):
        return True
    if m.kind == "org" and ORGAN_DOER.match(after):
        return True  # "SVR hackers", "GRU officers": the agency's people did it
    if re.match(r"[’']s\s", after) and ACTOR_NOUN.match(after[3:]):
        return True
    return False


def is_claimant(text: str, m: M, start: int) -> bool:
    """A state or organisation that says, attributes or denies ("The United States attributed ...")."""
    if ACCORDING_TO.search(text[max(start, m.start - 20):m.start]):
        return True
    if m.how in ("adjective", "demonym") and re.match(r"\s+[a-z]", text[m.end:m.end + 3]):
        return False  # "Slovak security firms said": the firms speak, not Slovakia
    return bool(CLAIM_VERB_AFTER.match(text[m.end:m.end + 80])) and not ACCUSED_AFTER.match(text[m.end:m.end + 40])


def group_state(kb: Any, group_id: str) -> tuple[str | None, str | None]:
    """A threat actor's state and category from the KB."""
    rec = kb_get(kb, group_id) or {}
    return rec.get("state"), rec.get("category")
