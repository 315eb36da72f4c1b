"""Voices of joint and official texts: a joint statement's parties, an official text's own "we".

Split from stance_units.py (kept under the 400-line limit of a stage module). A joint text
("Joint Statement", "Declaration", "Communiqué", or one opening "We — A, B and C — met ...")
speaks for each party it names; a government's own statement or fact sheet whose title opens
with the actor speaks for that actor when it says "we" outside quotations.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Document, Span
from .cues import FIRST_PERSON, M, within
from .stance_units import _PREP_BEFORE, ANAPHOR_SENTENCES, Cover, Unit, quoted_spans

# --- joint statements --------------------------------------------------------------------

# A joint text: its title (or first line) says so.
JOINT_TITLE = re.compile(
    r"\bjoint (?:\w+['’]? ){0,2}?(?:statement|declaration|communiqu[eé]|press release|readout|vision)\b|"
    r"\bcommuniqu[eé]\b|\b(?:leaders|ministers)['’]? (?:statement|declaration)\b|\bdeclaration\b", re.I)
# The opening sentence naming who "we" are: "We — A of X, B of Y – met ...", "Today, we, the
# leaders of X, Y and Z, ...", "The members of the Initiative — X, Y, ... — met ...".
_GROUP_NOUNS = (r"(?:leaders|heads of (?:state|government)|(?:foreign )?ministers|members|representatives|"
                r"participants|governments|partners|delegations)")
OPENER = re.compile(
    r"[\s*#•]{0,3}(?:(?:Today|Together|Here|Now),?\s+)?(?:"
    r"(?P<we>we\s*(?:,|—|–|--?)\s*|we,?\s+the\s+" + _GROUP_NOUNS + r"\b)|the\s+" + _GROUP_NOUNS + r"\b)", re.I)
# Where the list of participants ends: the opener's main verb.
OPENER_END = re.compile(
    r"[—–]\s*[a-z]|\s(?:met|meet|gathered|convened|have|has|hereby|are|were|jointly|reaffirm\w*|affirm\w*|"
    r"declare\w*|issue\w*|welcome\w*|commit\w*|inaugurat\w*|announce\w*|held|decided|agreed|adopt\w*|"
    r"express\w*|underline\w*|stress\w*|recogni[sz]e\w*)\b")
# "the leaders of A, B, C and D" anywhere in a joint text's opening.
LEADERS_OF = re.compile(
    r"\b(?:leaders|heads of (?:state|government)|(?:foreign )?ministers|representatives|governments|delegations|"
    r"members) of\s+(?:the\s+)?$", re.I)
JOINT_HEAD_CHARS = 3000
MAX_OPENER = 500


def joint_voice(doc: Document, sents: list[Span], ms: list[M]) -> tuple[list[str], int]:
    """The participants a joint statement's "we" stands for, and where their voice begins.

    A joint text (title says "Joint Statement", "Declaration", "Communiqué") or one opening
    with "We — <names of X, Y, Z> — met ..." speaks for each participant: the states and
    organisations named in its opener list, in "the leaders of X, Y and Z", or in the title,
    and the states of the people listed there. Returns ([], 0) when the document is not one.
    """
    text = doc.text
    if not sents:
        return [], 0
    title = doc.meta.title or text[sents[0].start:sents[0].end]
    first_line = text[:text.find("\n")] if "\n" in text[:400] else text[:400]
    joint = bool(JOINT_TITLE.search(title) or JOINT_TITLE.search(first_line))
    parties: list[str] = []
    begin = None
    head = [s for s in sents if s.start < JOINT_HEAD_CHARS]
    people = {a.id: a for a in doc.actors if a.kind == "person"}
    for s in head:
        om = OPENER.match(text, s.start, s.end)
        if not om:
            continue
        lo = om.end()
        end = OPENER_END.search(text, lo + 8, min(s.end, lo + MAX_OPENER))
        hi = end.start() if end else min(s.end, lo + MAX_OPENER)
        found = _parties_in(text, ms, people, lo, hi)
        if len(found) < 2 or not (joint or om.group("we")):
            continue
        if any(st.span.overlaps(s) and not _own(st, found) for st in doc.statements):
            continue  # someone else's quoted "we"
        parties, begin = found, s.start
        break
    if not parties and joint:
        # the title's parties ("U.S.-Singapore Joint Leaders' Statement"), or "the leaders of X and Y"
        t_end = len(first_line)
        parties = _parties_in(text, ms, people, 0, t_end) if title.strip() in first_line or not doc.meta.title else []
        begin = t_end
        if len(parties) < 2:
            parties = []
            for m in within(ms, 0, min(len(text), JOINT_HEAD_CHARS), ("state",)):
                if LEADERS_OF.search(text[max(0, m.start - 60):m.start]):
                    run = _coordinated_parties(text, ms, m)
                    if len(run) >= 2:
                        parties, begin = run, 0
                        break
    if len(parties) < 2 and joint:
        parties, begin = _office_opener(text, head[:3], ms, people)
    if len(parties) < 2:
        return [], 0
    return parties, begin or 0


def _office_opener(text: str, head: list[Span], ms: list[M], people: dict) -> tuple[list[str], int]:
    """A joint text opening with its signatories' offices: "Today, the President of the United States and
    the President of the French Republic met ..." (the title may name them only as "President Biden")."""
    for s in head:
        end = OPENER_END.search(text, s.start, min(s.end, s.start + MAX_OPENER))
        if not end:
            continue
        found = _parties_in(text, ms, people, s.start, end.start())
        if len(found) >= 2:
            return found, s.start
    return [], 0


def _own(st: Any, parties: list[str]) -> bool:
    """A statement made by one of the parties (or by one of their people)."""
    return st.speaker in parties or (st.affiliation is not None and st.affiliation in parties)


def _parties_in(text: str, ms: list[M], people: dict, lo: int, hi: int) -> list[str]:
    out: list[str] = []
    for m in within(ms, lo, hi, ("state", "org", "person")):
        if m.how == "capital":
            continue
        pid = m.id
        if m.kind == "person":
            a = people.get(m.id)
            pid = a.affiliation if a and a.affiliation else None
        elif m.kind == "org" and not _org_can_sign(text, m):
            continue
        if pid and pid not in out and not pid.startswith("person:"):
            out.append(pid)
    for a in people.values():
        if a.affiliation and a.affiliation.startswith("state:") and a.affiliation not in out \
                and any(lo <= sp.start and sp.end <= hi for sp in a.spans):
            out.append(a.affiliation)
    return out


def _org_can_sign(text: str, m: M) -> bool:
    """An organisation named as a party ("and the European Union"), not as a place ("of Home Affairs")."""
    before = text[max(0, m.start - 12):m.start].lower()
    return not re.search(r"\b(?:of|at|in|by|from)\s+(?:the\s+)?$", before)


def _coordinated_parties(text: str, ms: list[M], first: M) -> list[str]:
    states = [m for m in ms if m.kind == "state" and m.how != "capital" and m.start >= first.start]
    out = [first.id]
    prev = first
    for m in states[1:]:
        gap = text[prev.end:m.start]
        if len(gap) <= 12 and re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", gap):
            if m.id not in out:
                out.append(m.id)
            prev = m
        elif m.start > prev.end:
            break
    return out


def joint_units(doc: Document, sents: list[Span], ms: list[M]):
    """A joint statement's own voice: every sentence from its opener on, for each participant."""
    if doc.meta.speaker:
        return
    parties, begin = joint_voice(doc, sents, ms)
    if not parties:
        return
    others = Cover([s.span for s in doc.statements if s.speaker and not _own(s, parties)])
    first, rest = parties[0], tuple(parties[1:])
    for i, s in enumerate(sents):
        if s.end <= begin or others.overlaps(s):
            continue
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
        yield Unit(first, first, s.start, s.end, ctx, True, rest)


# A title whose subject is an actor ("The United States, Joined by Allies, Attributes ...").
_TITLE_GAP = re.compile(r"\s*(?:,|\s)\s*(?!['’]s\b)", re.I)


def title_voice_units(doc: Document, sents: list[Span], ms: list[M]):
    """An official text's unquoted "we" is the actor its title names as subject.

    Why: a government's own statement or fact sheet ("The United States ... Attributes
    Malicious Cyber Activity ...") says "we" and "our allies" outside any quotation, and
    nobody else's voice is in those sentences. A reporter's article rarely says "we" outside
    quotes, so sentences overlapping a quotation are left out, and the title must open with the
    actor (not "China's ...", not "Experts say China ...").
    """
    if doc.meta.speaker:
        return
    text = doc.text
    title = doc.meta.title or ""
    first_line = text[:text.find("\n")] if "\n" in text[:400] else ""
    if not first_line or (title and title.strip() != first_line.strip()):
        return
    lead = re.match(r"\s*(?:the\s+)?", first_line, re.I).end()
    head = [m for m in within(ms, 0, len(first_line), ("state", "org")) if m.how != "capital"]
    if not head or head[0].start not in (0, lead) or text[head[0].end:head[0].end + 2] in ("'s", "’s"):
        return
    if _PREP_BEFORE.search(text[:head[0].start]):
        return
    voice = head[0].id
    others = Cover([st.span for st in doc.statements] + quoted_spans(text))
    parties = joint_voice(doc, sents, ms)[0]
    if parties:
        return  # a joint text speaks for all its parties (`joint_units`)
    for i, s in enumerate(sents):
        if s.end <= len(first_line) or others.overlaps(s) or not FIRST_PERSON.search(text, s.start, s.end):
            continue
        ctx = sents[max(0, i - ANAPHOR_SENTENCES)].start
        yield Unit(voice, voice, s.start, s.end, ctx, True)
