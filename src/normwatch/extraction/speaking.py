"""States and organisations that speak: the document's speaker, the subject of a speech or
decision verb ("China said", "the ministry issued a statement"), a joint statement's
signatories, and the group a plural "they said" stands for.

Split from the actors stage (stages/actors.py re-exports `affiliation_of`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from ..kb import lexicon
from ..model import Actor, Document, Mention, Span
from .quotes import find_quotes, inside
from .speech import ISSUED_AFTER_SUBJECT, SPEECH_AFTER_SUBJECT, joint_opening

__all__ = ["AFFILIATING", "NOT_SUBJECT_HOW", "affiliation_of", "speaking_entities"]

PARENTHESIS = re.compile(r"\s{0,2}\([^()\n]{1,30}\)")
ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.I)
# A coordinated subject ("ESET and IstroSec said", "the EU and its Member States added"); its
# lower-case nouns are data (lexicon speech.coordinated_nouns).
_JOINED = lexicon.table("speech.coordinated_nouns").source()
COORDINATED = re.compile(
    r"\s+and\s+(?:(?:its|their|the|other)\s+)?(?:[A-Z][\w'\u2019.&-]*|member|" + _JOINED + ")"
    r"(?:\s+(?:[A-Z][\w'\u2019.&-]*|[Ss]tates|" + _JOINED + r"|of)){0,4}"
)
AFFILIATING = ("state", "org")
NOT_SUBJECT_HOW = ("adjective", "demonym", "pro-adjective", "anti-adjective")


def affiliation_of(kb_id: str, kb: Any) -> str:
    """The state or top organisation a mention stands for as an employer.

    A government agency of a state (a ministry, "U.S. Department of State") counts for the
    state; a sub-unit of an organisation ("Harvard's Kennedy School") for its root parent.
    """
    if kb is None or not kb_id.startswith("org:"):
        return kb_id
    seen = set()
    cur = kb_id
    while cur not in seen:
        seen.add(cur)
        rec = kb.get(cur) or {}
        if rec.get("kind") == "government-agency" and rec.get("state"):
            return rec["state"]
        parent = rec.get("parent")
        if not parent or not kb.get(parent):
            return cur
        cur = parent
    return cur


def speaking_entities(doc: Document, kb: Any, ms: list[Mention], listed: list[Actor]) -> list[Actor]:
    """States and orgs that speak: the document's speaker, the subject of a speech verb, or the
    signatories of a joint statement. `listed` are the people found so far."""
    text = doc.text
    have = {a.id for a in listed}
    speaking: list[str] = []
    speaker = doc.meta.speaker if doc.meta else None
    if speaker and speaker not in have and not speaker.startswith("person:"):
        speaking.append(speaker)
    extra: dict[str, list[Span]] = {}
    for m in ms:
        if m.kind not in AFFILIATING or m.how in NOT_SUBJECT_HOW or m.kb_id in have:
            continue
        if _staff_speak(text, m, speaking, extra) or m.kb_id in speaking:
            continue
        after = m.span.end
        paren = PARENTHESIS.match(text, after, min(len(text), after + 40))
        if paren:
            after = paren.end()  # "the UK National Cyber Security Centre (NCSC) also said"
        for _ in range(2):
            coord = COORDINATED.match(text, after, min(len(text), after + 60))
            if coord is None or SPEECH_AFTER_SUBJECT.match(text, after, min(len(text), after + 80)):
                break
            after = coord.end()
        if SPEECH_AFTER_SUBJECT.match(text, after, min(len(text), after + 80)) \
                or ISSUED_AFTER_SUBJECT.match(text, after, min(len(text), after + 100)) \
                or ACCORDING.search(text, max(0, m.span.start - 20), m.span.start):
            if text[m.span.end : m.span.end + 2] in ("'s", "\u2019s"):
                continue
            speaking.append(m.kb_id)
    # "the Dutch government said", "Czech authorities confirmed": the adjective's state speaks.
    # ("the UK government believes", "US officials say": a name or acronym works the same way)
    # "the Norwegian Police Security Service (PST) says", "Taiwan's National Security Bureau notes":
    # a state body the KB lacks speaks for its state (the convention for agencies without a KB id)
    for m in ms:
        if m.kind != "state" or m.how in ("pro-adjective", "anti-adjective") or m.kb_id in have:
            continue
        possessive = text[m.span.end : m.span.end + 2] in ("'s", "\u2019s")
        end = min(len(text), m.span.end + 120)
        for body in (None if possessive else GOVERNMENT_NOUN.match(text, m.span.end, min(end, m.span.end + 40)),
                     AGENCY_AFTER.match(text, m.span.end, end)):
            if body and SPEECH_AFTER_SUBJECT.match(text, body.end(), min(len(text), body.end() + 80)):
                if m.kb_id not in speaking:
                    speaking.append(m.kb_id)
                extra.setdefault(m.kb_id, []).append(Span(m.span.start, body.end()))
    for sid, span in _they_speakers(doc, ms, have):
        if sid not in speaking:
            speaking.append(sid)
        extra.setdefault(sid, []).append(span)
    # A joint statement's "We" is its signatories: the states of the people it lists speak.
    joint = joint_opening(text, [(p.start, p.end) for p in doc.paragraphs] or [(0, len(text))])
    if joint is not None:
        for a in listed:
            if a.affiliation and a.affiliation.startswith("state:") and a.affiliation not in speaking \
                    and any(joint[0] <= sp.start < joint[1] for sp in a.spans):
                speaking.append(a.affiliation)
                we = text.rfind("We", 0, joint[0])
                extra.setdefault(a.affiliation, []).append(Span(we, we + 2))
    out: list[Actor] = []
    if speaker and speaker.startswith("person:") and speaker not in have:
        rec = (kb.get(speaker) if kb is not None else None) or {}
        spans = [m.span for m in ms if m.kb_id == speaker]
        out.append(Actor(speaker, "person", rec.get("name") or speaker, rec.get("role"), rec.get("affiliation"), spans))
    for sid in speaking:
        kind = sid.split(":", 1)[0]
        name = kb.name(sid) if kb is not None else sid
        spans = sorted([m.span for m in ms if m.kb_id == sid and m.how not in NOT_SUBJECT_HOW] + extra.get(sid, []))
        # An agency speaks for its state, a sub-unit for its organisation; a state for itself.
        out.append(Actor(sid, kind, name, None, affiliation_of(sid, kb), spans))
    return out


AGENCY_AFTER = re.compile(r"(?:[’']s)?(?:[ \t]+(?:[A-Z][\w&'\u2019-]*|of|for|and|the)){0,5}[ \t]+"
                          + lexicon.table("speech.agency_heads").source().replace(" ", r"[ \t]+")
                          + r"(?:[ \t]+\([A-Z][\w&-]{1,9}\))?")
# Researchers' findings are what they say: "researchers determined that", "analysts found that".
JUDGED_THAT = re.compile(r"\s+(?:also\s+)?" + lexicon.table("speech.judged_verbs").source() + r"\s+"
                         r"(?:with\s+(?:\w+\s+){0,5}?)?that\b")
# An organisation's unit and staff between its name and a speech verb (words in lexicon speech.staff_nouns).
STAFF_AFTER = re.compile(r"(?:[ \t]+(?:[A-Z][\w&'\u2019-]*|of|for))" "{0,4}" r"(?:[ \t]+\([A-Z][\w&-]{1,9}\))?[ \t]+"
                         + lexicon.table("speech.staff_nouns").source().replace(" ", r"[ \t]+"))
def _staff_speak(text: str, m: Mention, speaking: list[str], extra: dict[str, list[Span]]) -> bool:
    """"Google Threat Intelligence Group (GTIG) researchers determined that ...": an organisation's
    staff speak for it; the span from its name to the staff noun becomes a reference to it."""
    staff = STAFF_AFTER.match(text, m.span.end, min(len(text), m.span.end + 80)) if m.kind == "org" else None
    if staff is None or not (SPEECH_AFTER_SUBJECT.match(text, staff.end(), min(len(text), staff.end() + 80))
                             or JUDGED_THAT.match(text, staff.end(), min(len(text), staff.end() + 80))):
        return False
    if m.kb_id not in speaking:
        speaking.append(m.kb_id)
    extra.setdefault(m.kb_id, []).append(Span(m.span.start, staff.end()))
    return True


# A state's speaking body after its name ("Russian authorities"): nouns in lexicon speech.government_nouns.
GOVERNMENT_NOUN = re.compile(r"\s+(?i:" + lexicon.table("speech.government_nouns").source() + r")\b")
# "they said", "They added that ...": a plural subject of a speech verb, outside quotes.
THEY_SAID = re.compile(r"\b[Tt]hey(?=\s)")
# How far back (characters) "they" may reach for the organisation it stands for.
THEY_WINDOW = 800
# A state mention stands for a group of people only with one of these after it ("Asean member
# states", "US officials"); an organisation is a group by itself.
GROUP_NOUN = re.compile(r"\s+(?:\w+\s+){0,2}?" + lexicon.table("speech.group_nouns").source() + r"\b")


def _they_speakers(doc: Document, ms: list[Mention], have: set[str]) -> list[tuple[str, Span]]:
    """"..., they said": the most recent organisation (or group of a state's officials) before it.

    People are not candidates: a news text names its people, and "they" after two named people
    is left alone rather than guessed.
    """
    text = doc.text
    cands = [t for t in THEY_SAID.finditer(text)
             if SPEECH_AFTER_SUBJECT.match(text, t.end(), min(len(text), t.end() + 60))]
    if not cands:
        return []
    quotes = find_quotes(text, [(p.start, p.end) for p in doc.paragraphs] or [(0, len(text))])
    groups = [m for m in ms if m.kind in AFFILIATING and m.how not in NOT_SUBJECT_HOW
              and (m.kind == "org" or GROUP_NOUN.match(text, m.span.end, min(len(text), m.span.end + 40)))]
    starts = [m.span.start for m in groups]
    out = []
    for t in cands:
        if inside(quotes, t.start()):
            continue
        i = bisect_right(starts, t.start()) - 1
        if i < 0 or t.start() - groups[i].span.end > THEY_WINDOW or groups[i].kb_id in have:
            continue
        out.append((groups[i].kb_id, Span(t.start(), t.end())))
    return out
