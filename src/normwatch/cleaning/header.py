"""Title, publisher, author and date from the header lines of scraped text.

Only the header zone counts — the lines before the first prose paragraph.
A line like "Some Title Publisher Name. September 19, 2011." further down a
blog post cites another article; taking its date would date this page
wrongly. When there is no dateline in the header, publisher and date stay
None: a missing value is better than a guessed one.

>>> from normwatch.cleaning.lines import split_lines
>>> h = header_meta(split_lines("You are here: Home\\n\\nA Title Here\\n\\nXinhua, April 17, 2015\\n\\n" + "Body words. " * 20))
>>> (h.title, h.publisher, h.published)
('A Title Here', 'Xinhua', '2015-04-17')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .boilerplate import breadcrumb_title, first_prose, strip_markers, _line_cue, _is_ticker, _is_breadcrumb, _is_menu
from .dates import find_date
from .lines import Line

__all__ = ["HeaderMeta", "header_meta", "is_title_like"]

# Words before a date that name the kind of date, not who published it.
_DATE_CUES = re.compile(
    r"^(?:published|posted|updated|last updated|date|dated|released|issued|created|modified|on)\b", re.I)
_BY = re.compile(r"^by\s+(.+)$", re.I)
_SOURCE = re.compile(r"^(?:source|publisher|published by|from)\s*:\s*(.+)$", re.I)
_SEPS = " ,|-–—:·•()[]/"
_MAX_TITLE_CHARS = 250


@dataclass(slots=True)
class HeaderMeta:
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None


_HEAD_LINES = 40


def is_title_like(text: str) -> bool:
    """A short headline: a few words, capitalised, not ending like a sentence fragment or a list label."""
    words = text.split()
    if not 2 <= len(words) <= 30 or len(text) > _MAX_TITLE_CHARS:
        return False
    if text[-1] in ".,;:" and not text.endswith("..."):
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘"):
        return False
    if sum(any(c.isalpha() for c in w) for w in words) < 2:
        return False  # "08-51839 8": a page foot, not a headline
    return find_date(text) is None and not text.lower().startswith(("by ", "http", "www."))


def _name_like(text: str) -> bool:
    """A publisher or author name: 1-6 words, each capitalised (joining words allowed)."""
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60:
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in ("of", "the", "and", "&", "de", "for")
               for w in words) and not re.search(r"[.!?]\s", text + " ")


def _dateline(text: str) -> tuple[str, str | None, str | None] | None:
    """(iso date, publisher, author) when the line is a dateline, else None."""
    found = find_date(text)
    if not found:
        return None
    iso, start, end = found
    before = text[:start].strip(_SEPS)
    after = text[end:].strip(_SEPS)
    # A dateline is short besides its date; a sentence that contains a date is body.
    if len((before + " " + after).split()) > 8:
        return None
    publisher = author = None
    for part in (before, after):
        if not part or _DATE_CUES.match(part):
            continue
        by = _BY.match(part)
        if by and _name_like(by.group(1).strip(_SEPS)):
            author = author or by.group(1).strip(_SEPS)
            continue
        src = _SOURCE.match(part)
        name = src.group(1).strip(_SEPS) if src else part
        if _name_like(name):
            publisher = publisher or name
    return iso, publisher, author


def header_meta(lines: list[Line]) -> HeaderMeta:
    """Title, publisher, author and date from the header zone of `lines` (raw, before filtering)."""
    meta = HeaderMeta()
    # A header is a few lines; hard-wrapped prose has no line long enough to count as prose,
    # so the zone is capped rather than left to run into the body.
    prose_at = first_prose(lines)
    head_end = min(prose_at, _HEAD_LINES)
    crumb = breadcrumb_title(lines, head_end)
    if crumb:
        meta.title = crumb[1]
    title_at = None
    for i, line in enumerate(lines[:head_end]):
        text = strip_markers(line.text)
        if not text or _line_cue(line.text) or _is_ticker(line.text) or _is_breadcrumb(line.text) \
                or _is_menu(line.text) or (crumb and i == crumb[0]):
            continue
        dl = _dateline(text)
        if dl:
            # The page's own dateline sits next to its title, not somewhere down a list of links.
            if meta.published is None and (title_at is None or i - title_at <= 3):
                meta.published, meta.publisher, meta.author = dl
            continue
        src = _SOURCE.match(text)
        if src and meta.publisher is None and _name_like(src.group(1).strip(_SEPS)):
            meta.publisher = src.group(1).strip(_SEPS)
            continue
        by = _BY.match(text)
        if by and meta.author is None and _name_like(by.group(1).strip(_SEPS)):
            meta.author = by.group(1).strip(_SEPS)
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        # A title stands alone: a blank line, a dateline or the body follows it.
        standalone = nxt is None or nxt.blank_before or i + 1 == prose_at or bool(_dateline(nxt.text))
        if title_at is None and is_title_like(text) and standalone:
            title_at = i
            if meta.title is None:
                meta.title = text
        elif title_at is None and meta.title and text == meta.title:
            title_at = i
    return meta
