"""The `clean` stage: a RawDoc becomes a Document with frozen text and metadata.

Every input kind ends up as a list of `Line`s (text plus raw offset) that
goes through the same line-level boilerplate filter, so the offset map back
to the raw input is built the same way for all of them:

- html: trafilatura main text (comments dropped) + htmldate; paragraphs are
  anchored where their first words are found verbatim in the raw HTML, so
  the offset map can have gaps (or be empty) for HTML input.
- markdown: syntax stripped line by line; front matter gives metadata.
- text: scraped text, filtered line by line; header lines give metadata.

Metadata already on `raw.meta` (JSONL fields, WARC headers) wins over what
cleaning guesses. Raw offsets count characters of `raw.content` as a str
(bytes input is decoded first, so they count characters of the decoded text).
"""

from __future__ import annotations

from ..cleaning.boilerplate import filter_lines
from ..cleaning.header import header_meta
from ..cleaning.html import extract_html
from ..cleaning.language import detect_language
from ..cleaning.lines import Line, join_lines, split_lines
from ..cleaning.markdown import MarkdownText
from ..errors import CleanError
from ..model import Document, Meta, RawDoc, content_hash
from ..settings import Settings

__all__ = ["clean", "clean_text"]


def _decode(content: str | bytes, charset: str | None) -> str:
    if isinstance(content, str):
        return content
    # Sources decode for us; bytes only arrive from direct callers, so decoding stays forgiving.
    from ..sources.decode import decode_bytes

    return decode_bytes(content, charset)[0]


def _guess_kind(text: str) -> str:
    from ..sources.detect import detect_kind

    kind = detect_kind(text[:65536].encode("utf-8", "surrogatepass"))
    return kind if kind in ("html", "markdown") else "text"


def clean_text(raw: str, kind: str) -> tuple[str, list[tuple[int, int]], dict[str, str | None]]:
    """Cleaned text, its (clean, raw) offset anchors and the metadata cleaning found, for one input."""
    guessed: dict[str, str | None] = {}
    if kind == "html":
        page = extract_html(raw)
        lines = page.lines
        guessed.update(page.meta)
    elif kind == "markdown":
        md = MarkdownText.parse(raw)
        lines = md.lines
        head = header_meta(lines)
        guessed.update({"title": head.title, "publisher": head.publisher, "author": head.author,
                        "published": head.published})
        if md.h1:
            guessed["title"] = md.h1
        guessed.update({k: v for k, v in md.meta.items() if v})
    else:
        lines = split_lines(raw)
        head = header_meta(lines)
        guessed.update({"title": head.title, "publisher": head.publisher, "author": head.author,
                        "published": head.published})
    kept: list[Line] = filter_lines(lines)
    text, anchors = join_lines(kept)
    return text, anchors, guessed


def _merge(given: Meta, guessed: dict[str, str | None], language: str | None) -> Meta:
    """Given metadata wins; cleaning only fills what is missing."""
    def pick(name: str) -> str | None:
        return getattr(given, name) or guessed.get(name) or None

    return Meta(title=pick("title"), publisher=pick("publisher"), author=pick("author"),
                published=pick("published"), language=given.language or language,
                url=pick("url"), speaker=given.speaker, symbol=given.symbol)


def clean(raw: RawDoc, settings: Settings) -> Document:
    """Turn one RawDoc into a Document with frozen text, metadata and an offset map.

    Args:
        raw: the input; `content` is str or bytes, `kind` "html" | "text" | "markdown" | None (detected).
        settings: `min_text_chars` is the shortest text kept.
    Returns:
        A Document; `id` is `raw.id` if given, else the content hash of text and URL.
        `offset_map` holds one (clean offset, raw offset) anchor per kept line or paragraph
        that could be located in the raw input (HTML paragraphs are located by their first
        words; those broken by entities or inline tags are left out).
    Raises:
        CleanError: NW200 when no main text is found, NW201 when it is shorter than
        `settings.min_text_chars`.
    """
    content = _decode(raw.content, raw.charset)
    kind = raw.kind if raw.kind in ("html", "text", "markdown", "pdf") else _guess_kind(content)
    if kind == "pdf":
        # sources/pdf.py already cleaned it (issue 15); its page map counts offsets of this text
        text, anchors, guessed = content, [], {}
    else:
        text, anchors, guessed = clean_text(content, kind)
    if not text.strip():
        raise CleanError(f"{raw.raw_ref}: nothing left after removing boilerplate ({kind} input)",
                         code="NW200", source=raw.source,
                         hint="check that the input is an article page, not an index or a login page")
    if len(text) < settings.min_text_chars:
        raise CleanError(f"{raw.raw_ref}: {len(text)} characters after cleaning, fewer than "
                         f"min_text_chars={settings.min_text_chars}", code="NW201", source=raw.source,
                         hint="lower --min-text-chars to keep short texts")
    meta = _merge(raw.meta, guessed, detect_language(text))
    doc = Document(text, source=raw.source, id=raw.id or content_hash(text, meta.url),
                   raw_ref=raw.raw_ref, meta=meta, offset_map=anchors)
    if kind == "pdf" and raw.pages:
        doc.pages = list(raw.pages)
    return doc
