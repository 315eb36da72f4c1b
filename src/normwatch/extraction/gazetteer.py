"""One Aho-Corasick automaton over every KB surface form, built once per KB and cached.

Why Aho-Corasick: the KB holds thousands of names, aliases, demonyms and capitals; one
pass of an automaton over the text finds all of them in time linear in the text, where a
loop of regexes would be linear in text x forms.

Matching rules: whole words only; names and aliases of several words in any case;
abbreviations, demonyms, adjectives, capitals and one-word names exactly as written
(so "US" is not "us"); the longest match wins where matches overlap.

    >>> g = gazetteer_for(load_kb())          # doctest: +SKIP
    >>> [(h.form.id, h.start, h.end) for h in g.scan("Estonia's Foreign Minister")]  # doctest: +SKIP
    [('state:EST', 0, 7)]
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any, Iterable

import ahocorasick

# Kinds looked up by name. Propositions are positions, not names: the stances stage finds them.
MATCHED_KINDS = frozenset({"state", "org", "person", "instrument", "threat-actor", "incident", "event"})
# Where one surface form names records of several kinds, the more specific kind wins.
KIND_RANK = {"instrument": 0, "event": 1, "incident": 2, "threat-actor": 3, "org": 4, "state": 5, "person": 6}


@dataclass(frozen=True, slots=True)
class Entry:
    """One surface form of one KB record, as stored in the automaton."""

    text: str
    id: str
    kind: str
    how: str
    case_sensitive: bool
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """A whole-word match of one entry at [start, end) in the scanned text."""

    start: int
    end: int
    form: Entry


def fold(text: str) -> str:
    """Lower-case without changing the length, so offsets into the folded text stay valid.

    str.lower() turns a few characters into two ("İ" -> "i̇"); those are kept as they are.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class Gazetteer:
    """The automaton and the rules that turn its raw hits into whole-word, longest matches."""

    def __init__(self, forms: Iterable[Any]) -> None:
        table: dict[str, list[Entry]] = {}
        for f in forms:
            if f.kind not in MATCHED_KINDS:
                continue
            text = f.text.strip()
            if len(text) < 2:
                continue
            e = Entry(text, f.id, f.kind, f.how, bool(f.case_sensitive), bool(getattr(f, "ambiguous", False)))
            table.setdefault(fold(text), []).append(e)
        self.automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            self.automaton.add_word(key, (key, tuple(entries)))
        self.size = len(table)
        if self.size:
            self.automaton.make_automaton()

    def scan(self, text: str) -> list[Hit]:
        """Whole-word matches, the longest where they overlap, in text order."""
        if not self.size or not text:
            return []
        folded = fold(text)
        raw: list[Hit] = []
        n = len(text)
        for end_idx, (key, entries) in self.automaton.iter(folded):
            end = end_idx + 1
            start = end - len(key)
            if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
                continue
            if end < n and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
                continue
            surface = text[start:end]
            fit = [e for e in entries if not e.case_sensitive or e.text == surface]
            if not fit:
                continue
            best = min(fit, key=lambda e: (e.ambiguous, KIND_RANK.get(e.kind, 9), e.how == "capital"))
            raw.append(Hit(start, end, best))
        return longest(raw)


def longest(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, preferring the earliest-starting longest one."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    last_end = -1
    for h in hits:
        if h.start >= last_end:
            out.append(h)
            last_end = h.end
        elif h.end > last_end and out and h.end - h.start > out[-1].end - out[-1].start:
            # A later, longer match that overlaps the previous one replaces it.
            out[-1] = h
            last_end = h.end
    return out


_cache: "weakref.WeakKeyDictionary[Any, Gazetteer]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def gazetteer_for(kb: Any) -> Gazetteer:
    """The cached gazetteer of a KB object (a new one when the KB was reloaded)."""
    with _lock:
        g = _cache.get(kb)
        if g is None:
            g = Gazetteer(kb.surface_forms())
            _cache[kb] = g
        return g
