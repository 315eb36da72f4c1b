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
    of_after,
    role_after,
    role_before,
    speaks,
)
from ..extraction.quotes import find_quotes
from ..extraction.speaking import AFFILIATING, affiliation_of, speaking_entities
from ..kb import load_kb
from ..model import Actor, Document, Mention, Span, slugify
from ..pipeline import stage
from ..settings import Settings

MAX_SENTENCE = 2000
TWO_CAPS = re.compile(r"[A-Z][\w'\u2019-]*\.?\s[A-Z]")
# A coordinated subject before the verb: "the EU and its Member States added", "ESET and
# IstroSec said" -- the first conjunct speaks too.
# Mention kinds that can give a person's affiliation, or speak as actors themselves.


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
    ms = sorted(ms + _title_case_acronyms(text, ms, kb), key=lambda m: m.span.start)
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
            if not old.affiliation_id and pf.affiliation_id:
                old.affiliation_id = pf.affiliation_id
            if p.gender is None:
                p.gender = pf.gender
        p.spans.append((pf.start, pf.end))
        p.defining.extend(pf.defining)

    speaker = doc.meta.speaker if doc.meta else None
    speaker_state = speaker if speaker and speaker.startswith("state:") else None
    # KB people named in the text (by name or alias) are people whatever their context.
    kb_person_spans = [m for m in ms if m.kind == "person"]
    for sent in sentences:
        a, b = sent.start, min(sent.end, sent.start + MAX_SENTENCE)
        if not TWO_CAPS.search(text, a, b):
            continue  # no two capitalised words in a row: no name here (most sentences of a speech)
        for run in name_runs(text, a, b):
            if _overlaps(blocked, run.start, run.end):
                run = run.without_first() if run.tokens[0].isupper() else None
                if run is None or _overlaps(blocked, run.start, run.end):
                    continue  # "US Joe Biden": the acronym is a mention, the rest may be a name
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
            # The employer named with the name itself ("X of Japan") beats one in the title before
            # it, which beats one in a later appositive.
            oaff, oend = of_after(text, run.end, b, mention_at)
            pf = PersonFound(name, run.start, run.end, "; ".join(roles) or None, oaff or aff or aaff, gender or None)
            if pf.affiliation_span is None and speaker_state and role and OWN_BEFORE.search(text, max(a, pstart - 12), pstart):
                pf.affiliation_id = speaker_state  # "our President Nicolas Maduro Moros" in a state's speech
            if role:
                pf.defining.append((pstart, run.start))
            if arole:
                pf.defining.append((run.end, aend))
            if oaff:
                pf.defining.append((run.end, oend))
            add(pid, name, pf)
    # KB people named without any context (a bare "a letter to Ban Ki-moon") are mentioned,
    # not acting; their other name mentions still count as spans once they are actors.
    for m in kb_person_spans:
        if m.kb_id in people and (m.span.start, m.span.end) not in people[m.kb_id].spans:
            people[m.kb_id].spans.append((m.span.start, m.span.end))

    order = _merge_variants(people, found, order)
    plist = [people[i] for i in order]
    quotes = find_quotes(text, [(p.start, p.end) for p in doc.paragraphs] or [(0, len(text))])
    resolve(text, plist, quotes, blocked)

    out: list[Actor] = []
    for p in plist:
        pf = found[p.id]
        aff = None
        if pf.affiliation_span and pf.affiliation_span in by_span:
            aff = affiliation_of(by_span[pf.affiliation_span].kb_id, kb)
        if aff is None:
            aff = pf.affiliation_id
        if aff is None and kb is not None:
            rec = kb.get(p.id) or {}
            aff = rec.get("affiliation")
        out.append(Actor(p.id, "person", p.name, p.role, aff, [Span(s, e) for s, e in p.spans]))
    if speaker is None:
        # In a speech the people named are of many states (and of history); no state is shared.
        _shared_government(out)
    out.extend(speaking_entities(doc, kb, ms, list(out)))
    return out


# "our President", "my country's Foreign Minister": in a state's speech, the speaker's own official.
OWN_BEFORE = re.compile(r"\b(?:[Oo]ur|[Mm]y(?:\s+country['\u2019]s)?)\s+(?:[a-z]+\s+)?$")
# Title-case forms of acronyms ("Asean", "Nato") are found only for acronyms this long, so that
# "Un" or "Eu" in a name never become organisations.
MIN_ACRONYM = 4
_ACRONYM_FORMS: dict[int, dict[str, tuple[str, str]]] = {}


def _title_case_acronyms(text: str, ms: list[Mention], kb: Any) -> list[Mention]:
    """Mentions of KB acronyms written in title case ("Asean Secretary-General"), which the
    gazetteer matches only in capitals; used here as employers, not added to `doc.mentions`."""
    if kb is None:
        return []
    key = id(kb)
    forms = _ACRONYM_FORMS.get(key)
    if forms is None:
        forms = _ACRONYM_FORMS[key] = {
            f.text.capitalize(): (f.id, f.kind) for f in reversed(kb.surface_forms())
            if f.how == "abbreviation" and f.kind in AFFILIATING and f.text.isalpha() and f.text.isupper()
            and len(f.text) >= MIN_ACRONYM}
    if not forms:
        return []
    # substring tests run in C; most texts hold none of the forms and stop here
    present = [f for f in forms if f in text]
    if not present:
        return []
    out = []
    taken = sorted((x.span.start, x.span.end) for x in ms)
    rx = re.compile(r"\b(?:" + "|".join(present) + r")\b")
    for m in rx.finditer(text):
        if not _overlaps(taken, m.start(), m.end()):
            kb_id, kind = forms[m.group()]
            out.append(Mention(kb_id, kind, Span(m.start(), m.end()), "abbreviation"))
    return out


def _merge_variants(people: dict[str, Person], found: dict[str, PersonFound], order: list[str]) -> list[str]:
    """One person for "Hugo Chavez Frias" and a later "Commander Chavez Frias": a name whose
    words (two or more) run inside exactly one longer name is that person."""
    words = {pid: people[pid].name.split() for pid in order}
    merged: set[str] = set()
    for pid in order:
        w = words[pid]
        if len(w) < 2:
            continue
        hosts = [q for q in order if q != pid and q not in merged and len(words[q]) > len(w)
                 and _contains_run(words[q], w)]
        if len(hosts) != 1:
            continue
        q = hosts[0]
        host, part = people[q], people[pid]
        host.spans.extend(part.spans)
        host.defining.extend(part.defining)
        fq, fp = found[q], found[pid]
        if not fq.role and fp.role:
            host.role = fq.role = fp.role
        if not fq.affiliation_span and not fq.affiliation_id:
            fq.affiliation_span, fq.affiliation_id = fp.affiliation_span, fp.affiliation_id
        if host.gender is None:
            host.gender = part.gender
        merged.add(pid)
    for pid in merged:
        del people[pid]
        del found[pid]
    return [pid for pid in order if pid not in merged]


def _contains_run(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


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


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect_right(spans, (a, len("x") * 10**12))
    for j in range(max(0, i - 3), min(len(spans), i + 1)):
        if spans[j][0] < b and a < spans[j][1]:
            return True
    return False
