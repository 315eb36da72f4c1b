"""Light coreference: later short references to people (and instruments) already introduced in the text.

Instruments: "accede to it", "we support it" and a sentence opening "It provides ..." stand for
the last instrument named (`instrument_pronouns`; the noun anaphors "the Convention", "this
instrument" are resolved in `stance_targets`).

Why so light: news refers back to a person in three ways that rules handle well — the
surname ("Bishop"), a role noun ("the Ambassador") and a pronoun ("she said"). Each is
resolved to the most recent compatible person before it; a pronoun's gender is learnt
from honorifics or from its first resolved use ("she said" right after a person), so a
later "he" skips her. Pronouns inside quotation marks are left alone: they belong to the
quoted speaker's world, not to the narration.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ..kb.lexicon import flex_ws, table
from .people import POSSESSIVE, ROLE_HEADS, STOPWORDS
from .quotes import Quote, inside

PRONOUNS = {"he": "m", "she": "f", "him": "m", "his": "m"}
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
_ROLE_NOUN = re.compile(r"\b[Tt]he\s+((?:[A-Za-z-]+\s+){0,2}?([A-Za-z-]+))\b")
# An indefinite role phrase that opens a story before the name is given (cataphora):
# "A top China spokesman ... rejected ..." -- the person named later with that role.
_INDEF_ROLE = re.compile(
    r"\b[Aa]n?\s+((?:[A-Za-z-]+\s+){0,3}?(" + "|".join(sorted(ROLE_HEADS, key=len, reverse=True)) + r"))\b",
    re.I,
)
# How far back (characters) a pronoun or role noun may reach for its person.
WINDOW = 1500


@dataclass(slots=True)
class Person:
    id: str
    name: str
    surname: str
    role: str | None
    gender: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    defining: list[tuple[int, int]] = field(default_factory=list)


def surname_of(name: str) -> str:
    parts = [p for p in name.split() if not p.endswith(".") and p[:1].isupper()]
    return POSSESSIVE.sub("", parts[-1]) if parts else name


def resolve(text: str, people: list[Person], quotes: list[Quote], blocked: list[tuple[int, int]]) -> None:
    """Add to each person's `spans` the surname, role-noun and pronoun references to them.

    `blocked` are spans already taken (full names, role phrases): no reference is made there.
    """
    if not people:
        return
    taken = sorted(blocked + [s for p in people for s in p.spans + p.defining])
    refs: list[tuple[int, int, str, Person | None]] = []
    by_surname: dict[str, list[Person]] = {}
    for p in people:
        keys = {p.surname}
        parts = p.name.split()
        if len(parts) == 2 and parts[0][:1].isupper() and not parts[0].endswith("."):
            # family name first ("Zhao Lijian" -> "Zhao") or a first-name reference: same person
            keys.add(parts[0])
        elif len(parts) >= 3:
            # "Lim Jock Hoi" -> "Lim" (family name first), "Nicolas Maduro Moros" -> "Maduro"
            # (the first of two family names); a word shared by two people resolves to neither
            keys.update(w for w in parts[:-1] if w[:1].isupper() and not w.endswith(".") and len(w) > 2
                        and not w.isupper())
        for k in keys:
            if k and k[0].isupper() and len(k) > 1 and k.lower() not in STOPWORDS:
                by_surname.setdefault(k, []).append(p)
    if by_surname:
        rx = re.compile(r"\b(" + "|".join(re.escape(s) for s in sorted(by_surname, key=len, reverse=True)) + r")\b")
        for m in rx.finditer(text):
            if _overlaps(taken, m.start(), m.end()):
                continue
            cands = by_surname[m.group(1)]
            if len(cands) == 1:
                refs.append((m.start(), m.end(), "surname", cands[0]))
    for m in _ROLE_NOUN.finditer(text):
        head = m.group(2).lower()
        if head not in ROLE_HEADS or _overlaps(taken, m.start(), m.end()):
            continue
        refs.append((m.start(), m.end(), "role:" + head, None))
    for m in _PRONOUN.finditer(text):
        if inside(quotes, m.start()) is not None:
            continue
        refs.append((m.start(), m.end(), "pronoun:" + PRONOUNS[m.group().lower()], None))
    refs.extend(_cataphora(text, people, taken))
    refs.sort(key=lambda r: r[0])
    # Walk in text order so "most recent" means most recent mention before the reference.
    mentions: list[tuple[int, Person]] = sorted((s[0], p) for p in people for s in p.spans)
    mi = 0
    recent: list[Person] = []  # people in order of their latest mention, last = most recent
    last_pos: dict[str, int] = {}
    for start, end, how, target in refs:
        while mi < len(mentions) and mentions[mi][0] < start:
            _touch(recent, mentions[mi][1])
            last_pos[mentions[mi][1].id] = mentions[mi][0]
            mi += 1
        if how in ("surname", "cataphora"):
            chosen = target
        elif how.startswith("role:"):
            head = how[5:]
            chosen = next((p for p in reversed(recent) if p.role and head in p.role.lower()
                           and start - last_pos.get(p.id, -WINDOW * 9) <= WINDOW * 4), None)
        else:
            g = how[8:]
            chosen = next((p for p in reversed(recent) if p.gender in (None, g)
                           and start - last_pos.get(p.id, -WINDOW * 9) <= WINDOW), None)
            if chosen is not None and chosen.gender is None:
                chosen.gender = g
        if chosen is None:
            continue
        chosen.spans.append((start, end))
        _touch(recent, chosen)
        last_pos[chosen.id] = start
    for p in people:
        p.spans = sorted(set(p.spans))


def _cataphora(text: str, people: list[Person], taken: list[tuple[int, int]]
               ) -> list[tuple[int, int, str, Person | None]]:
    """Indefinite role phrases resolved forward to the first person introduced after them
    with that role, when nobody with that role was named before."""
    out: list[tuple[int, int, str, Person | None]] = []
    firsts = sorted((min(p.spans)[0], p) for p in people if p.spans and p.role)
    for m in _INDEF_ROLE.finditer(text):
        head = m.group(2).lower()
        if not m.group(0)[0] in "Aa" or m.group(0)[1:2].isupper():
            continue  # re.I is for the role noun; the article itself is "a"/"an"/"A"/"An"
        # only the role noun itself must be free: "A top China spokesman" contains a state mention
        if head not in ROLE_HEADS or _overlaps(taken, m.start(2), m.end(2)):
            continue
        if any(pos < m.start() and head in p.role.lower() for pos, p in firsts):
            continue
        nxt = next((p for pos, p in firsts if m.end() <= pos <= m.end() + WINDOW and head in p.role.lower()), None)
        if nxt is not None:
            out.append((m.start(), m.end(), "cataphora", nxt))
    return out


def _touch(recent: list[Person], p: Person) -> None:
    if recent and recent[-1] is p:
        return
    if p in recent:
        recent.remove(p)
    recent.append(p)


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect_left(spans, (a, a))
    for j in (i - 1, i):
        if 0 <= j < len(spans) and spans[j][0] < b and a < spans[j][1]:
            return True
    # spans may nest; a short linear look-back covers long defining phrases
    for j in range(max(0, i - 4), i):
        if spans[j][0] < b and a < spans[j][1]:
            return True
    return False


# --- instruments -------------------------------------------------------------------------

def _compiled(name: str) -> re.Pattern:
    tb = table(name)
    return re.compile(flex_ws(tb.source()), tb.flags())


INSTRUMENT_OBJECT = _compiled("topic.instrument_verbs")
INSTRUMENT_SUBJECT = _compiled("topic.instrument_subject")


def instrument_pronouns(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of "it"/"them" in text[a:b] that stand for an instrument: the object of an
    instrument verb ("accede to it") or the subject "It" opening the sentence ("It provides ...").
    Which instrument is for the caller to resolve (the last one named before)."""
    out = [(m.start(1), m.end(1)) for m in INSTRUMENT_OBJECT.finditer(text, a, b)]
    m = INSTRUMENT_SUBJECT.match(text, a, b)
    if m:
        out.append((m.start(1), m.end(1)))
    return sorted(out)
