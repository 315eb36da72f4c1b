"""Shared pieces of the statement finders: actor references in text order and span helpers.

Split from the statements stage (stages/statements.py), whose finders (direct_quotes,
block_quotes, reported) all use them.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Actor, Span
from .speech import SPEECH_RE

# A shorter quoted phrase is a term or a scare quote, even near a speech verb.
DIRECT_SPAN_MIN_WORDS = 4


class Refs:
    """Actor references (name, surname, role noun, pronoun spans) in text order."""

    def __init__(self, actors: list[Actor]) -> None:
        self.items = sorted(((s.start, s.end, a) for a in actors for s in a.spans), key=lambda x: (x[0], x[1]))
        self.starts = [i[0] for i in self.items]

    def within(self, a: int, b: int) -> list[tuple[int, int, Actor]]:
        i = bisect_right(self.starts, a - 1)
        out = []
        while i < len(self.items) and self.items[i][0] < b:
            if self.items[i][1] <= b:
                out.append(self.items[i])
            i += 1
        return out

    def at(self, pos: int) -> tuple[int, int, Actor] | None:
        """The reference starting at `pos` (after skipping spaces), if any."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.items[i][0] <= pos < self.items[i][1]:
            return self.items[i]
        return None


def sentence_bounds(sentences: list[Span], starts: list[int], pos: int) -> tuple[int, int]:
    i = bisect_right(starts, pos) - 1
    if 0 <= i < len(sentences) and sentences[i].start <= pos < sentences[i].end:
        return sentences[i].start, sentences[i].end
    return pos, pos


def has_verb(text: str, a: int, b: int) -> bool:
    return b > a and SPEECH_RE.search(text, a, b) is not None


def substantial(text: str, span: Span) -> bool:
    """A reported clause with content: a few words, not a lead-in to a list ("accused the US of:")."""
    clause = text[span.start : span.end].strip()
    return len(clause.split()) >= 4 and not clause.endswith(":")


def until_quote(text: str, a: int, b: int) -> int:
    """End of a reported clause: b, or where a direct quote starts inside it (the quote is its
    own statement), cut back to the last word; a stub shorter than four words gives a (none)."""
    q = min((i for i in (text.find('"', a, b), text.find("\u201c", a, b)) if i >= 0), default=-1)
    if q < 0:
        return b
    e = q
    while e > a and (text[e - 1].isspace() or text[e - 1] in ",;:\u2014-"):
        e -= 1
    clause = text[a:e]
    clause = re.sub(r"\s*,?\s*(?:which|who|that|and|but|saying|adding)$", "", clause)
    if len(clause.split()) < 4:
        return a
    return a + len(clause)


def long_quote_in(text: str, quoted: list[tuple[int, int]], a: int, b: int) -> bool:
    """Does text[a:b] hold a quotation long enough to be a statement of its own? (A quoted term,
    "confidence-building", stays inside the reported clause.)"""
    i = bisect_right(quoted, (a, -1))
    while i < len(quoted) and quoted[i][0] < b:
        if len(text[quoted[i][0] : quoted[i][1]].split()) >= DIRECT_SPAN_MIN_WORDS:
            return True
        i += 1
    return has_quote(text, a, b) and not quoted  # marks the quote finder did not pair


def has_quote(text: str, a: int, b: int) -> bool:
    return any(c in text[a:b] for c in ('"', "\u201c", "\u201d"))
