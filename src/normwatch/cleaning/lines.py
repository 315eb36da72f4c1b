"""Split text into lines that remember where they came from, and normalise whitespace inside them.

Every later cleaning step works on `Line`s, so the offset map back to the raw
input (one anchor per kept line) comes for free.

>>> [(l.text, l.raw_start, l.blank_before) for l in split_lines("a  b\\r\\n\\n\\t c\\u00a0d")]
[('a b', 0, False), ('c d', 9, True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Line", "split_lines", "normalise_inline", "join_lines"]

# Unicode spaces collapse to one ASCII space; zero-width characters and stray controls go.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\f\v]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass(slots=True)
class Line:
    """One non-empty line: its normalised text, where it starts in the raw input, whether a blank line preceded it.

    `raw_start` is -1 when the line could not be located in the raw input (HTML extraction output).
    """

    text: str
    raw_start: int
    blank_before: bool = False
    indent: bool = False  # the raw line started with whitespace (a paragraph start in wrapped text)


def normalise_inline(text: str) -> str:
    """Collapse runs of spaces and drop invisible characters; words are never changed."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def split_lines(raw: str) -> list[Line]:
    """The non-empty lines of `raw`, normalised, with raw offsets and paragraph breaks noted."""
    out: list[Line] = []
    blank = False
    for m in _LINE.finditer(raw):
        chunk = m.group(0)
        if not chunk:
            break
        body = chunk.rstrip("\r\n")
        text = normalise_inline(body)
        if not text:
            blank = True
            continue
        lead = len(body) - len(body.lstrip())
        out.append(Line(text, m.start() + lead, blank and bool(out), lead > 0))
        blank = False
    return out


def join_lines(lines: list[Line]) -> tuple[str, list[tuple[int, int]]]:
    """Text of the kept lines (blank line kept as a paragraph break) and its (clean, raw) offset anchors."""
    parts: list[str] = []
    anchors: list[tuple[int, int]] = []
    pos = 0
    for i, line in enumerate(lines):
        if i:
            sep = "\n\n" if line.blank_before else "\n"
            parts.append(sep)
            pos += len(sep)
        if line.raw_start >= 0:  # -1: not located in the raw input
            anchors.append((pos, line.raw_start))
        parts.append(line.text)
        pos += len(line.text)
    return "".join(parts), anchors
