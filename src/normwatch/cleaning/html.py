"""Main text and metadata of an HTML page, with trafilatura 2.x and htmldate.

trafilatura finds the article body and drops navigation and comments; its
plain-text output joins blocks with single newlines, so the body tree is
walked here instead, to keep one blank line between paragraphs (the segment
stage splits on them). trafilatura returns text only, so each paragraph is
located in the raw HTML by its first words where that is cheap (an exact
`str.find` forward from the last hit); paragraphs whose start is broken by
entities or inline tags get no anchor (raw_start -1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .dates import iso_date
from .lines import Line, normalise_inline

__all__ = ["HtmlText", "date_params", "extract_html"]

_PROBE_CHARS = 40


@dataclass
class HtmlText:
    lines: list[Line]
    meta: dict[str, str | None] = field(default_factory=dict)


def _blocks(body) -> list[tuple[str, bool]]:
    """(text, starts_paragraph) for each block: list items and table rows are lines of one paragraph."""
    out: list[tuple[str, bool]] = []
    for child in body:
        if child.tag == "list":
            first = True
            for item in child.iter("item"):
                t = normalise_inline(" ".join(item.itertext()))
                if t:
                    out.append((t, first))
                    first = False
        elif child.tag == "table":
            first = True
            for row in child.iter("row"):
                cells = [normalise_inline(" ".join(c.itertext())) for c in row]
                t = " | ".join(c for c in cells if c)
                if t:
                    out.append((t, first))
                    first = False
        else:
            t = normalise_inline(" ".join(child.itertext()))
            if t:
                out.append((t, True))
    return out


def _locate(raw: str, lines: list[tuple[str, bool]]) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for text, para in lines:
        at = raw.find(text[:_PROBE_CHARS], pos)
        if at >= 0:
            pos = at + 1
        out.append(Line(text, at, para and bool(out)))
    return out


def date_params() -> dict[str, object]:
    """htmldate options for trafilatura: the original publication date, not the last modification,
    and no extensive search, which guesses from any date-like string on the page (and costs a
    dateparser pass). Passing them to trafilatura saves a second parse of the page."""
    return {"original_date": True, "extensive_search": False,
            "max_date": date.today().isoformat()}


def extract_html(raw: str, url: str | None = None) -> HtmlText:
    """Main-text lines and metadata (title, publisher, author, published, url) of one page.

    Lines are empty when trafilatura finds no main text.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        raw, url=url, with_metadata=True, include_comments=False, favor_recall=True,
        include_tables=True, include_images=False, deduplicate=False,
        date_extraction_params=date_params(),
    )
    meta: dict[str, str | None] = {}
    lines: list[Line] = []
    if doc is not None:
        body = getattr(doc, "body", None)
        blocks = _blocks(body) if body is not None else []
        if not blocks and getattr(doc, "text", None):
            blocks = [(normalise_inline(p), True) for p in doc.text.split("\n") if p.strip()]
        lines = _locate(raw, blocks)
        meta = {
            "title": _clean(doc.title),
            "publisher": _clean(doc.sitename),
            "author": _clean(doc.author),
            "url": _clean(doc.url),
            "published": iso_date(doc.date),
        }
    return HtmlText(lines, meta)


def _clean(value: str | None) -> str | None:
    value = normalise_inline(value) if value else None
    return value or None
