"""Word cues of the incidents stage: attack words, incident types, victim and doer slots.

Why a module of its own: the same small vocabulary ("targeted", "DDoS", "was the victim of",
"carried out by") decides whether a sentence tells an incident, what kind, and which state in
it was hit; the stage and the KB matching both read it, and tests can probe it directly.
Every pattern is applied to one sentence (or a short window), never to the whole document.
"""

from __future__ import annotations

import re

from .attrib_cues import is_accused
from .cues import M
from ..model import Span

TYPE_CUES: list[tuple[str, re.Pattern]] = [
    ("ddos", re.compile(r"\b(?:DDoS|D?DoS attacks?|(?:distributed )?denial[- ]of[- ]service)\b", re.I)),
    ("ransomware", re.compile(r"\bransomware\b", re.I)),
    ("wiper", re.compile(r"\bwiper\b|\bwiped\b", re.I)),
    ("supply-chain", re.compile(r"\bsupply[- ]chain (?:attack|compromise|hack)", re.I)),
    ("defacement", re.compile(r"\bdefac(?:ed|ement|ing)\b", re.I)),
    ("data-theft", re.compile(r"\b(?:data (?:breach|theft|leak)|breach(?:ed)?|stole|stolen|exfiltrat\w+)\b", re.I)),
    ("espionage", re.compile(r"\b(?:espionage|spying|cyber-?spying|spied|spyware|surveil\w+|intelligence[- ]gathering|"
                             r"(?:collect|gather)(?:ed|ing)? intelligence|steal(?:ing)? (?:\w+ )?(?:information|secrets|intelligence))\b",
                             re.I)),
    ("sabotage", re.compile(r"\b(?:sabotage|blackout|power outage)\b", re.I)),
    ("influence", re.compile(r"\b(?:hack[- ]and[- ]leak|disinformation campaign|influence operation)\b", re.I)),
]
ATTACK = re.compile(
    r"\b(?:cyber-?\s?attacks?|attack(?:s|ed)?|DDoS|denial[- ]of[- ]service|ransomware|breach(?:es|ed)?|hack(?:s|ed)?|intrusions?|"
    r"intruded|compromis(?:e|es|ed|ing)|wiper|malware|spyware|backdoors?|(?:spear-?)?phishing|espionage|"
    r"cyber-?\s?operations?|campaign|target(?:ed|ing|s)|exfiltrat\w+|stole|steal|infected|password spraying)\b", re.I)
# Only verbs and prepositions of attacking mark a victim: "in"/"of" are too often the attacker's home.
VICTIM_BEFORE = re.compile(
    r"(?:\b(?:attacks?|cyber-?\s?attacks?|DDoS|operations?|campaigns?|intrusions?|hacks?|breach(?:es)?|strikes?|"
    r"ransomware|wiper|malware|espionage)\s+(?:\w+\s+){0,2}?(?:against|on|targeting|into)|"
    r"\b(?:targeting|targeted|attacked|hacked|breached|infiltrated|disrupted|crippled|paralysed|paralyzed|struck|hit)|"
    # nominal headlines of incident reports: "Targeting of Ukrainian state entities", "Compromise of ..."
    r"\b(?:targeting|compromise|infiltration|disruption|defacement|surveillance) of)"
    # a quantifier between verb and victim: "targeted multiple Ukrainian government agencies"
    r"\s+(?:the\s+)?(?:(?:multiple|several|various|numerous|many|some|dozens of|hundreds of|a number of|"
    r"two|three|four|five|senior|prominent|high-ranking|major|key|\d[\d,]*|(?:over |more than |about )?(?:a dozen|\d[\d,]*)|"
    r"a (?:large |small )?number of)\s+)?$",
    re.I)
VICTIM_NOUN_AFTER = re.compile(
    r"^\s*(?:government|governmental|state|parliament|ministry|ministries|banks?|networks?|websites?|infrastructure|"
    r"power grid|grid|elections?|officials|media|agencies|companies|servers|"
    # "US pipeline operators", "French organizations": a sector's bodies of that state (not its
    # security firms, who report the attack)
    r"(?:(?!(?:cyber)?security\b|tech\w*\b|intelligence\b|(?:target|attack|hack|breach|compromis|spie|spy|steal|infect|"
    r"is|are|was|were|has|have|had|and|or)\w*\b)[a-z-]+\s+){0,2}?(?:operators|organi[sz]ations|entities|"
    r"companies|firms|businesses|institutions|utilities|hospitals|universities))\b(?![- ](?:sponsored|backed|linked|affiliated))",
    re.I)
# Before a state: the state itself is the doer ("orchestrated and carried out by Iran").
STATE_AGENT = re.compile(r"\b(?:carried out|conducted|orchestrated|perpetrated|launched|committed) by\s+(?:the\s+)?$", re.I)
AGENT = "agent"  # category marker: the accused state named as the doer itself

RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
REFERS_BACK = re.compile(r"\b(?:the|this|that|these|those) (?:cyber-?\s?)?(?:attacks?|incidents?|operations?|campaigns?|breach(?:es)?|hacks?|intrusions?|aggression)\b|\b(?:it|they)\b", re.I)
ATTRIB_VERB = re.compile(
    r"\b(?:attribut\w+|blam\w+|accus\w+|behind|responsible|suspect\w*|den(?:y|ied|ies)|pin(?:s|ned|ning)?|"
    r"(?:carried out|conducted|orchestrated|perpetrated|launched|sponsored) by|linked to)\b", re.I)
# "Albania was the target of a cyberattack", "the US was hit": the state before is the victim.
VICTIM_AFTER = re.compile(
    r"^\s+(?:(?:was|were|is|are|has been|have been|had been|became)\s+(?:\w+\s+){0,2}?(?:target|victim)s?\s+of\b|"
    r"(?:was|were|has been|have been|had been)\s+(?:\w+\s+)?(?:attacked|hit|targeted|hacked|breached|struck))",
    re.I)
INCIDENT_NOUN_AFTER = re.compile(r"[’']?s?\s+(?:[\w-]+\s+)?(?:hack|breach|attack|compromise|incident|intrusion|campaign|"
                                 r"backdoor|supply[- ]chain attack)s?\b", re.I)
# "the Russian government is behind": the state's own body is the doer (a state organ), unlike
# "government-backed hackers" (a proxy).
STATE_BODY = re.compile(r"\s+(?:government|military|armed forces|regime|authorities|leadership|intelligence services?)\b"
                        r"(?![- ](?:backed|sponsored|linked|affiliated))", re.I)
# "The Biden administration attributes ...", "the government formally attributed ...": a government
# speaks even when the mentions stage names no state for it.
GOV_SUBJECT = re.compile(r"\b(?:administration|government|White House|State Department|Department of|ministry|"
                         r"authorities|officials)\b", re.I)
# "last July", "this year", "earlier this month": the incident's year is the document's own.
RELATIVE_TIME = re.compile(
    r"\b(?:last|this|earlier this|late last|earlier in the) (?:year|month|week|spring|summer|autumn|fall|winter|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\b|\brecently\b", re.I)

CYBER_SENTENCE = re.compile(r"\b(?:cyber\w*|hack\w*|malware|ransomware|wiper|DDoS|denial[- ]of[- ]service|breach\w*|intrusions?|"
                   r"espionage|(?:spear-?)?phishing|exploit\w*|vulnerabilit\w+|zero-days?|spyware|backdoors?|leak\w*|"
                   r"servers?|networks?|computers?|data)\b", re.I)
# Attack nouns that name nothing cyber on their own: a keyword beside them needs a cyber sentence.
VAGUE_NOUN = re.compile(r"\b(?:campaigns?|incident)\b|\b(?:missile|rocket|drone|air|artillery|military|terrorist|armed)\s+"
                         r"(?:\w+\s+)?(?:attacks?|strikes?)\b", re.I)
# A KB incident's distinctive word next to an attack noun names it: "the Microsoft Exchange
# hacking campaign", "its attack on software company SolarWinds", "vulnerabilities in Exchange Server".
KW_ATTACK_AFTER = re.compile(
    r"(?:[’']s)?\s+(?:[\w-]+\s+){0,2}?(?:hack\w*|(?:cyber-?\s?)?attacks?|breach\w*|compromises?|campaigns?|intrusions?|"
    r"exploitation|zero-days?|vulnerabilit\w+|incident)\b", re.I)
KW_ATTACK_BEFORE = re.compile(
    r"\b(?:hack\w*|(?:cyber-?\s?)?attacks?|breach\w*|compromise[sd]?|campaigns?|intrusions?|exploit\w*|vulnerabilit\w+|"
    r"zero-days?)\s+(?:of|on|against|in|into|targeting)\s+(?:[\w-]+\s+){0,3}?$", re.I)


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


def victim_slot(text: str, m: M) -> bool:
    if is_accused(text, m):
        return False
    if VICTIM_BEFORE.search(text[max(0, m.start - 60):m.start]):
        return True
    if VICTIM_AFTER.match(text[m.end:m.end + 60]):
        return True
    return m.how in ("adjective", "demonym", "name") and bool(VICTIM_NOUN_AFTER.match(text[m.end:m.end + 40]))


# --- accusations without a known incident ----------------------------------------------------
# An attack told as a deed: a verb (not a noun like "cyberattacks" in a policy sentence), so
# "Russian hackers targeted Ukrainian ministries" tells an incident and "the threat of Russian
# cyberattacks" does not. Broad verbs (launch, conduct, deploy, use) count only with an attack
# or malware object.
_OP_NOUN = (r"(?:(?:cyber-?\s?)?attacks?|campaigns?|operations?|intrusions?|(?:cyber-?\s?)?espionage|"
            r"(?:spear-?)?phishing|DDoS|hacks?|breach(?:es)?|watering[- ]hole)")
_TOOL = r"(?:malware|ransomware|wipers?|spyware|backdoors?|implants?|trojans?|RATs?|exploits?|zero-days?|malicious)"
ATTACK_VERB = re.compile(
    r"\b(?:target(?:s|ed|ing)?|attack(?:s|ed|ing)|hack(?:s|ed|ing)?|compromis(?:e|es|ed|ing)|breach(?:es|ed|ing)|"
    r"infiltrat(?:e|es|ed|ing)|penetrat(?:e|es|ed|ing)|intrud(?:e|es|ed|ing)|spie[ds]\s+on|spy(?:ing)?\s+on|"
    r"steal(?:s|ing)?|stole|exfiltrat(?:e|es|ed|ing)|infect(?:s|ed|ing)?|disrupt(?:s|ed|ing)?|crippl(?:e|es|ed|ing)|"
    r"paraly[sz](?:e|es|ed|ing)|defac(?:e|es|ed|ing)|wip(?:e|es|ed|ing)|sabotag(?:e|es|ed|ing)|"
    r"eavesdrop(?:s|ped|ping)?|phish(?:ed|ing)|gain(?:s|ed|ing)? access|accessed|break(?:s|ing)? into|broke into|"
    r"(?:launch|conduct|carr(?:y|ies|ied|ying) out|perpetrat|orchestrat|stag|mount|ran|run|running|operat)\w*\s+(?:[\w-]+\s+){0,4}?" + _OP_NOUN + r"|"
    r"(?:deploy|use|used|using|install|distribut|deliver|sen[dt]|embed|insert|spread|disseminat)\w*\s+(?:[\w-]+\s+){0,5}?"
    + _TOOL + r")\b", re.I)
# Who or what was hit, when no state stands in the victim slot: the object of the attack verb.
VICTIM_OBJECT = re.compile(
    r"\b(?:governments?|ministr(?:y|ies)|agenc(?:y|ies)|departments?|parliaments?|legislat\w+|embass(?:y|ies)|"
    r"diplomat(?:s|ic)|officials|politicians|lawmakers|militar(?:y|ies)|armed forces|navy|army|defen[cs]e|"
    r"organi[sz]ations?|entit(?:y|ies)|institutions?|companies|company|firms?|businesses|corporations?|banks?|"
    r"exchanges?|utilit(?:y|ies)|grids?|power (?:plants?|stations?)|infrastructure|hospitals?|universit(?:y|ies)|"
    r"researchers|academics|think tanks?|journalists|media|news|dissidents|activists|opposition|"
    r"human rights|NGOs?|civil society|minorit(?:y|ies)|Uy?ghurs?|Uighurs?|Tibetans?|users|customers|individuals|"
    r"citizens|victims|networks?|systems?|servers?|computers?|devices|websites?|e-?mail accounts?|accounts|"
    r"databases?|telecom\w*|providers?|operators?|manufacturers?|sectors?|industr(?:y|ies)|elections?|voters|"
    r"targets|personnel|employees|staff|contractors|suppliers|vendors|platforms?|facilit(?:y|ies)|ports?|airports?|"
    r"pipelines?|refiner(?:y|ies)|plants?|water|energy|oil|gas|nuclear|satellites?)\b", re.I)
# Words after a demonym that make the victims people of that nationality, not the state:
# "targets Saudi dissidents" names Saudis, not Saudi Arabia, as hit.
PEOPLE_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+)?(?:dissidents|activists|journalists|citizens|nationals|expatriates|diaspora|"
    r"users|individuals|opposition|minorit(?:y|ies)|human rights)\b", re.I)
# An attack that did not (or not yet) happen: "could target", "if Russia attacked", "plans to hack".
HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|whether)\b|\b(?:would|could|might|may|can|will|shall)\s+(?:not\s+)?(?:also\s+|potentially\s+|"
    r"easily\s+|soon\s+|be able to\s+)?(?:target|attack|hack|disrupt|compromise|breach|infiltrate|steal|launch|"
    r"conduct|carry out|cripple|sabotage|deploy|use)\b|"
    r"\b(?:plan(?:s|ned|ning)?|threat(?:en(?:s|ed|ing)?)?|intend(?:s|ed)?|prepar(?:e|es|ed|ing)|capab\w+|abilit(?:y|ies)|"
    r"risk|warn(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?(?:could|might|may|would))\s+(?:of\s+|to\s+)?"
    r"(?:target|attack|hack|disrupt|compromise|breach|launch|conduct)\b", re.I)
# Words before the attack verb that negate it: "did not target", "has never attacked".
NOT_DONE = re.compile(r"\b(?:not|never|no longer|n[’']t)\s+(?:\w+\s+)?$", re.I)
# A later sentence's subject that points back at the one perpetrator a short report names:
# "This threat actor targets ...", "The group used ...".
PERPETRATOR_REF = re.compile(
    r"\b(?:this|the|that|these) (?:threat actors?|(?:hacking |threat |espionage |APT )?groups?|APT|actors?|hackers|"
    r"attackers|operators|intruders)\b", re.I)


def victim_object(text: str, verb_end: int, bound: int, window: int = 90) -> re.Match | None:
    """The victim noun in the object of an attack verb ("targeted journalists", "hacked the ministry's servers")."""
    return VICTIM_OBJECT.search(text, verb_end, min(bound, verb_end + window))


def people_victim(text: str, m: M) -> bool:
    """A demonym naming people ("Saudi dissidents"), so its state is not the one hit."""
    return m.how in ("adjective", "demonym") and bool(PEOPLE_AFTER.match(text[m.end:m.end + 40]))
