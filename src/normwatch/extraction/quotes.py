"""Quoted segments of a text: where each direct quotation opens and closes.

Why its own module: both coreference (a pronoun inside a quote does not name the quoted
speaker) and statements (the quote is the statement) need the same segments. Curly quotes
pair by direction; straight quotes pair in order within a paragraph. A quote left open at
the end of a paragraph runs to the paragraph's end (the newspaper convention for a quote
that continues in the next paragraph, which then opens again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_CURLY = "\u201c"
CLOSE_CURLY = "\u201d"
STRAIGHT = '"'
# Longest quotation we accept; longer "quotes" are mismatched marks.
MAX_QUOTE = 3000
_MARK = re.compile('["\u201c\u201d]')


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: `start`/`end` are the inner text (marks excluded); `open`/`close` the marks.

    `close` is None when the quote is left open at the end of its paragraph.
    """

    open: int
    start: int
    end: int
    close: int | None


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Every quoted segment inside the given paragraphs, in text order."""
    out: list[Quote] = []
    for a, b in paragraphs:
        out.extend(_in_paragraph(text, a, b))
    return out


def _in_paragraph(text: str, a: int, b: int) -> list[Quote]:
    out: list[Quote] = []
    opened: int | None = None
    opener = ""
    for m in _MARK.finditer(text, a, b):
        i, c = m.start(), m.group()
        if opened is None:
            if c == CLOSE_CURLY:
                continue  # a stray closing mark
            opened, opener = i, c
            continue
        closes = (c == STRAIGHT and opener == STRAIGHT) or (c == CLOSE_CURLY and opener == OPEN_CURLY)
        if c == STRAIGHT and opener == OPEN_CURLY:
            closes = True  # mixed marks in scraped text: close on any mark
        if closes:
            if i - opened - 1 <= MAX_QUOTE and i > opened + 1:
                out.append(Quote(opened, opened + 1, i, i))
            opened = None
        elif c == OPEN_CURLY:
            opened, opener = i, c  # an unclosed curly quote: restart at the new one
    if opened is not None and b - opened - 1 <= MAX_QUOTE and b > opened + 1:
        out.append(Quote(opened, opened + 1, b, None))
    return [q for q in (_trim(text, q) for q in out) if q.end > q.start]


def _trim(text: str, q: Quote) -> Quote:
    s, e = q.start, q.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Quote(q.open, s, e, q.close)


def inside(quotes: list[Quote], pos: int) -> Quote | None:
    """The quote whose inner text holds position `pos`, if any (quotes in text order)."""
    lo, hi = 0, len(quotes)
    while lo < hi:
        mid = (lo + hi) // 2
        if quotes[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(quotes) and quotes[lo].start <= pos < quotes[lo].end:
        return quotes[lo]
    return None
