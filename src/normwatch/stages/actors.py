"""Stage `actors.v1`: the people (and speaking states and organisations) of a document.

People are found by the shapes news uses to introduce them (`extraction.people`), given a
role and an affiliation (a ministry or department of a state counts for the state; an
organisation's sub-unit for its parent), then every later reference to them is collected
(`extraction.coref`). States and organisations become actors only when they speak: as the
document's `meta.speaker`, or as the subject of a speech or decision verb ("China said").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from ..extraction.coref import Person, resolve, surname_of
from ..extraction.people import (
    PersonFound,
    name_runs,
    role_after,
    role_before,
    speaks,
)
from ..extraction.quotes import find_quotes
from ..extraction.speech import ISSUED_AFTER_SUBJECT, SPEECH_AFTER_SUBJECT
from ..kb import load_kb
from ..model import Actor, Document, Mention, Span, slugify
from ..pipeline import stage
from ..settings import Settings

MAX_SENTENCE = 2000
TWO_CAPS = re.compile(r"[A-Z][\w'\u2019-]*\.?\s[A-Z]")
PARENTHESIS = re.compile(r"\s{0,2}\([^()\n]{1,30}\)")
ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.I)
# A coordinated subject before the verb: "the EU and its Member States added", "ESET and
# IstroSec said" -- the first conjunct speaks too.
COORDINATED = re.compile(
    r"\s+and\s+(?:(?:its|their|the|other)\s+)?(?:[A-Z][\w'\u2019.&-]*|member|allies|partners)"
    r"(?:\s+(?:[A-Z][\w'\u2019.&-]*|[Ss]tates|allies|partners|of)){0,4}"
)
# Mention kinds that can give a person's affiliation, or speak as actors themselves.
AFFILIATING = ("state", "org")
NOT_SUBJECT_HOW = ("adjective", "demonym", "pro-adjective", "anti-adjective")


def _kb() -> Any:
    return load_kb()


@stage("actors.v1", requires=("sentences", "mentions"), assigns=("actors",))
def actors(doc: Document, settings: Settings) -> Document:
    """Fill `doc.actors` (people first, in order of appearance, then speaking states/orgs).

    Args:
        doc: a document with sentences and mentions.
        settings: unused apart from the stage signature.
    Returns:
        the same document with `actors` replaced.
    """
    doc.actors = find_actors(doc, _kb())
    return doc


def find_actors(doc: Document, kb: Any) -> list[Actor]:
    """People with role, affiliation and coreferent spans, plus speaking states and orgs."""
    text = doc.text
    sentences = list(doc.sentences) or ([Span(0, len(text))] if text else [])
    ms = sorted(doc.mentions, key=lambda m: m.span.start)
    aff_ms = [m for m in ms if m.kind in AFFILIATING]
    aff_starts = [m.span.start for m in aff_ms]
    blocked = [(m.span.start, m.span.end) for m in ms if m.kind not in ("person",)]
    blocked.sort()

    def mention_at(pos: int) -> tuple[int, int] | None:
        i = bisect_right(aff_starts, pos) - 1
        if i >= 0 and aff_ms[i].span.start <= pos < aff_ms[i].span.end:
            return aff_ms[i].span.start, aff_ms[i].span.end
        return None

    def mention_spans(a: int, b: int) -> list[tuple[int, int]]:
        i = bisect_right(aff_starts, a - 1)
        out = []
        while i < len(aff_ms) and aff_ms[i].span.start < b:
            if aff_ms[i].span.end <= b:
                out.append((aff_ms[i].span.start, aff_ms[i].span.end))
            i += 1
        return out

    by_span = {(m.span.start, m.span.end): m for m in aff_ms}
    people: dict[str, Person] = {}
    found: dict[str, PersonFound] = {}
    order: list[str] = []

    def add(pid: str, name: str, pf: PersonFound) -> None:
        p = people.get(pid)
        if p is None:
            p = people[pid] = Person(pid, name, surname_of(name), pf.role, pf.gender)
            found[pid] = pf
            order.append(pid)
        else:
            old = found[pid]
            if not old.role and pf.role:
                p.role = old.role = pf.role
            if not old.affiliation_span and pf.affiliation_span:
                old.affiliation_span = pf.affiliation_span
            if p.gender is None:
                p.gender = pf.gender
        p.spans.append((pf.start, pf.end))
        p.defining.extend(pf.defining)

    # KB people named in the text (by name or alias) are people whatever their context.
    kb_person_spans = [m for m in ms if m.kind == "person"]
    for sent in sentences:
        a, b = sent.start, min(sent.end, sent.start + MAX_SENTENCE)
        if not TWO_CAPS.search(text, a, b):
            continue  # no two capitalised words in a row: no name here (most sentences of a speech)
        for run in name_runs(text, a, b):
            if _overlaps(blocked, run.start, run.end):
                continue
            kbm = next((m for m in kb_person_spans if m.span.start <= run.start < m.span.end), None)
            role, aff, gender, pstart = role_before(text, a, run.start, mention_at)
            arole, aaff, aend = role_after(text, run.end, b, mention_spans)
            if not (role or arole or gender is not None or speaks(text, a, run.start, run.end, b)):
                continue
            name = " ".join(run.tokens)
            known = _known_surname(people, run.tokens)
            if known is not None and not (role or arole or gender is not None):
                continue  # "Later Bishop": a reference to a person already introduced, left to coreference
            pid = kbm.kb_id if kbm else slugify_person(name)
            if kbm:
                name = kb.name(kbm.kb_id) if kb is not None else name
            roles = [r for r in (role, arole) if r]
            pf = PersonFound(name, run.start, run.end, "; ".join(roles) or None, aff or aaff, gender or None)
            if role:
                pf.defining.append((pstart, run.start))
            if arole:
                pf.defining.append((run.end, aend))
            add(pid, name, pf)
    # KB people named without any context (a bare "a letter to Ban Ki-moon") are mentioned,
    # not acting; their other name mentions still count as spans once they are actors.
    for m in kb_person_spans:
        if m.kb_id in people and (m.span.start, m.span.end) not in people[m.kb_id].spans:
            people[m.kb_id].spans.append((m.span.start, m.span.end))

    plist = [people[i] for i in order]
    quotes = find_quotes(text, [(p.start, p.end) for p in doc.paragraphs] or [(0, len(text))])
    resolve(text, plist, quotes, blocked)

    out: list[Actor] = []
    for p in plist:
        pf = found[p.id]
        aff = None
        if pf.affiliation_span and pf.affiliation_span in by_span:
            aff = affiliation_of(by_span[pf.affiliation_span].kb_id, kb)
        if aff is None and kb is not None:
            rec = kb.get(p.id) or {}
            aff = rec.get("affiliation")
        out.append(Actor(p.id, "person", p.name, p.role, aff, [Span(s, e) for s, e in p.spans]))
    _shared_government(out)
    out.extend(_speaking_entities(doc, kb, ms, {a.id for a in out}))
    return out


# Titles of government office: an official with one of these but no named state, in a text
# whose other officials all serve one state, serves that state too.
GOVERNMENT_TITLE = re.compile(
    r"\b(?:secretary|under[- ]secretary|minister|ambassador|advis[eo]r|spokes(?:person|man|woman)|"
    r"envoy|coordinator|deputy|president|chancellor|commissioner)\b",
    re.I,
)


def _shared_government(actors: list[Actor]) -> None:
    """Give unaffiliated officials the one state all affiliated people of the text serve.

    A government's press release names its own officials without their country ("Under
    Secretary of State for Political Affairs Victoria Nuland"); with people of two states in
    the text the state is not guessed.
    """
    states = {a.affiliation for a in actors if a.affiliation}
    if len(states) != 1:
        return
    state = next(iter(states))
    if not state.startswith("state:"):
        return
    for a in actors:
        if a.affiliation is None and a.role and GOVERNMENT_TITLE.search(a.role):
            a.affiliation = state


def _known_surname(people: dict[str, Person], words: list[str]) -> Person | None:
    """A person already introduced whose surname ends this run although the run is not their name."""
    full = " ".join(words)
    for p in people.values():
        if words and words[-1] == p.surname and full != p.name and not full.endswith(" " + p.name):
            if len(words) == 2 or p.name not in full:
                return p
    return None


def slugify_person(name: str) -> str:
    return "person:" + (slugify(name) or "unknown")


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


def _speaking_entities(doc: Document, kb: Any, ms: list[Mention], have: set[str]) -> list[Actor]:
    """States and orgs that speak: the document's speaker, or the subject of a speech verb."""
    text = doc.text
    speaking: list[str] = []
    speaker = doc.meta.speaker if doc.meta else None
    if speaker and speaker not in have and not speaker.startswith("person:"):
        speaking.append(speaker)
    for m in ms:
        if m.kind not in AFFILIATING or m.how in NOT_SUBJECT_HOW or m.kb_id in speaking or m.kb_id in have:
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
    out: list[Actor] = []
    if speaker and speaker.startswith("person:") and speaker not in have:
        rec = (kb.get(speaker) if kb is not None else None) or {}
        spans = [m.span for m in ms if m.kb_id == speaker]
        out.append(Actor(speaker, "person", rec.get("name") or speaker, rec.get("role"), rec.get("affiliation"), spans))
    for sid in speaking:
        kind = sid.split(":", 1)[0]
        name = kb.name(sid) if kb is not None else sid
        spans = [m.span for m in ms if m.kb_id == sid and m.how not in NOT_SUBJECT_HOW]
        # An agency speaks for its state, a sub-unit for its organisation; a state for itself.
        out.append(Actor(sid, kind, name, None, affiliation_of(sid, kb), spans))
    return out


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect_right(spans, (a, len("x") * 10**12))
    for j in range(max(0, i - 3), min(len(spans), i + 1)):
        if spans[j][0] < b and a < spans[j][1]:
            return True
    return False
