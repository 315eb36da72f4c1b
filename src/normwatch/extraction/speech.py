"""Speech and decision verbs, shared by the mentions, actors and statements stages.

Why one list: a capital is a metonym for its state only as the subject of such a verb
("Moscow denied ..."), a state or organisation becomes an actor only when it speaks, and a
statement is attributed through one. Keeping the vocabulary in one place keeps the three
stages consistent.
"""

from __future__ import annotations

import re

from ..kb import lexicon

# The vocabulary is data (kb/data/lexicon/speech.yaml); this module inflects and compiles it.
SPEECH_VERBS = lexicon.items("speech.speech_verbs")
DECISION_VERBS = lexicon.items("speech.decision_verbs")

_IRREGULAR = {
    "say": ("says", "said", "saying"), "tell": ("tells", "told", "telling"), "write": ("writes", "wrote", "writing"),
    "deny": ("denies", "denied", "denying"), "reply": ("replies", "replied", "replying"),
    "vow": ("vows", "vowed", "vowing"), "veto": ("vetoes", "vetoed", "vetoing"),
    "withdraw": ("withdraws", "withdrew", "withdrawing"), "sign": ("signs", "signed", "signing"),
    "ratify": ("ratifies", "ratified", "ratifying"), "summarize": ("summarizes", "summarized", "summarizing"),
    "summarise": ("summarises", "summarised", "summarising"),
}


def inflect(verb: str) -> list[str]:
    """The verb's forms: base, 3rd person, past, gerund ("call for" -> "calls for", ...)."""
    head, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    if head in _IRREGULAR:
        forms = (head, *_IRREGULAR[head])
    elif head.endswith("e"):
        forms = (head, head + "s", head + "d", head[:-1] + "ing")
    elif head.endswith(("s", "sh", "ch", "x")):
        forms = (head, head + "es", head + "ed", head + "ing")
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        forms = (head, head[:-1] + "ies", head[:-1] + "ied", head + "ing")
    elif head in ("stop", "admit", "plan", "commit", "regret", "submit"):
        forms = (head, head + "s", head + head[-1] + "ed", head + head[-1] + "ing")
    else:
        forms = (head, head + "s", head + "ed", head + "ing")
    return [f + tail for f in forms]


def _alternation(verbs: tuple[str, ...]) -> str:
    forms = sorted({f for v in verbs for f in inflect(v)}, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)


SPEECH_ALT = _alternation(SPEECH_VERBS)
DECISION_ALT = _alternation(DECISION_VERBS)
# Any inflected speech verb as a whole word.
SPEECH_RE = re.compile(rf"\b(?:{SPEECH_ALT}|[Aa]ccording\s+to)\b")
# Right after a subject: optional auxiliaries/adverbs, then a speech or decision verb.
# Bounded repetition of simple tokens keeps this linear.
AFTER_SUBJECT = re.compile(
    rf"\s{{1,3}}(?:(?:has|have|had|also|then|later|again|previously|repeatedly|publicly|officially|"
    rf"strongly|firmly|on\s+\w+|will|would|did|does|not|n't)\s+){{0,3}}(?:{SPEECH_ALT}|{DECISION_ALT})\b"
)
# The same, with speech verbs only: what makes a state or organisation a speaking actor.
SPEECH_AFTER_SUBJECT = re.compile(
    rf"\s{{1,3}}(?:(?:has|have|had|also|then|later|again|previously|repeatedly|publicly|officially|"
    rf"strongly|firmly|on\s+\w+|will|would|did|does|not|n't)\s+){{0,3}}(?:{SPEECH_ALT})\b"
)
# Issuing a written statement is speaking too: "the European Council also published a formal
# statement today", "the ministry issued a joint declaration".
STATEMENT_NOUN = lexicon.table("speech.statement_nouns").source().replace(" ", r"\s+")
ISSUED_AFTER_SUBJECT = re.compile(
    r"\s{1,3}(?:(?:has|have|had|also|then|later|again|publicly|officially|jointly|on\s+\w+)\s+){0,3}"
    r"(?:published|issued|released|put\s+out|adopted|made\s+public)\s+(?:a|an|its|the|their)\s+"
    rf"(?:[\w-]+\s+){{0,3}}?{STATEMENT_NOUN}s?\b"
)

# A joint statement opens with its signatories: "We — Deputy Secretary X of Australia, ... and Y
# of the United States – met in Tokyo", "We, the Foreign Ministers of A, B and C, ...".
JOINT_OPENING = re.compile(r"(?m)^\s*We\s*(?:[\u2014\u2013]|--?|,)\s*")
JOINT_CLOSE = re.compile(r"\s(?:[\u2014\u2013]|--?)\s|,\s+(?:have|hereby|met|meeting|gathered|declare|affirm)\b")
JOINT_MAX = 1200


def joint_opening(text: str, paragraphs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where a joint statement lists its signatories after an opening "We", if it does.

    Only the first paragraphs are looked at: a "We, ..." deep in a text is a speaker's aside.
    Returns the (start, end) of the listing, from after "We" to the closing dash or verb.
    """
    for a, b in paragraphs[:4]:
        m = JOINT_OPENING.match(text, a, b)
        if m is None:
            continue
        close = JOINT_CLOSE.search(text, m.end(), min(b, m.end() + JOINT_MAX))
        return m.end(), close.start() if close else min(b, m.end() + JOINT_MAX)
    return None
