"""Extraction of a long text in bounded windows (issue 13: per-document time and memory budgets).

A treaty or a 300-page report is extracted, not rejected: its text is cut into windows of about
`extract_window_chars` characters at paragraph breaks, every window goes through the stages as
a document of its own, and the facts are shifted back to offsets of the whole text. Memory then
grows with the window, not the text, and time with the number of windows. An actor found in
several windows is one actor with all its spans. What a window cannot see (a pronoun whose
antecedent sits in the previous window) is the price; windows are far longer than any paragraph,
so it is paid at a handful of breaks per document.

    >>> windows("a\\n\\nb" * 3, 4)
    [(0, 3), (3, 7), (7, 11), (11, 12)]
"""

from __future__ import annotations

import dataclasses
import time
from typing import Callable

from .model import FACT_LISTS, Actor, Document, Span

__all__ = ["windows", "run_windowed", "shifted"]


def windows(text: str, size: int) -> list[tuple[int, int]]:
    """Half-open windows covering `text`, each at most `size` characters, cut at a blank line,
    a line break, a sentence end or a space in the second half of the window, in that order."""
    out = []
    a, n = 0, len(text)
    while n - a > size:
        lo, hi = a + size // 2, a + size
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            j = text.rfind(sep, lo, hi)
            if j >= 0:
                cut = j + len(sep)
                break
        if cut <= a:
            cut = hi
        out.append((a, cut))
        a = cut
    if a < n or not out:
        out.append((a, n))
    return out


def shifted(value, delta: int):
    """`value` with every Span inside it (dataclass fields, lists, optional values) moved by `delta`."""
    if isinstance(value, Span):
        return Span(value.start + delta, value.end + delta)
    if isinstance(value, list):
        return [shifted(v, delta) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if isinstance(v, (Span, list)) or (dataclasses.is_dataclass(v) and not isinstance(v, type)):
                changes[f.name] = shifted(v, delta)
        return dataclasses.replace(value, **changes) if changes else value
    return value


def run_windowed(doc: Document, run_one: Callable[[Document], Document], size: int,
                 deadline: float | None = None) -> Document:
    """Run `run_one` (the stages) over each window of `doc` and gather the facts into `doc`.

    Raises TimeoutError when `deadline` (a time.monotonic() value) passes between windows.
    """
    text = doc.text
    spans = windows(text, size)
    actors: dict[str, Actor] = {}
    for i, (a, b) in enumerate(spans):
        if deadline is not None and i and time.monotonic() > deadline:
            raise TimeoutError(f"past the time budget after window {i} of {len(spans)}")
        part = Document(text[a:b], source=doc.source, id=doc.id, raw_ref=doc.raw_ref, meta=doc.meta)
        part = run_one(part)
        doc.paragraphs.extend(shifted(part.paragraphs, a))
        doc.sentences.extend(shifted(part.sentences, a))
        doc.mentions.extend(shifted(part.mentions, a))
        for name in FACT_LISTS:
            items = shifted(getattr(part, name), a)
            if name != "actors":
                getattr(doc, name).extend(items)
                continue
            for actor in items:
                seen = actors.get(actor.id)
                if seen is None:
                    actors[actor.id] = actor
                    doc.actors.append(actor)
                else:
                    seen.spans.extend(actor.spans)
                    for attr in ("role", "affiliation", "name"):
                        if getattr(seen, attr) is None and getattr(actor, attr) is not None:
                            setattr(seen, attr, getattr(actor, attr))
    return doc
