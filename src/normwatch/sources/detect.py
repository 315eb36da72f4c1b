"""Guess what an input is from its first bytes, so a misnamed file still reads right.

File extensions lie (HTML saved as `.txt`, JSONL saved without one, a WARC
renamed `.dat`), so the kind is decided by content; the name only breaks ties
(`.md` for Markdown that has few markers, `.jsonl` for a first line longer than
the head).

>>> detect_kind(b"<!DOCTYPE html><html><body>Hi</body></html>")
'html'
>>> detect_kind(b'{"text": "hello"}\\n{"text": "again"}\\n', "batch")
'jsonl'
"""

from __future__ import annotations

import json
import re
import zlib

__all__ = ["HEAD_BYTES", "KINDS", "detect_kind", "binary_reason", "gunzip_head", "utf16_without_bom"]

# Enough to see an HTML prologue, a JSONL first line and a WARC header in nearly every input.
HEAD_BYTES = 64 * 1024

KINDS = ("warc", "gzip", "jsonl", "html", "markdown", "text", "binary")

# Signatures of common non-text formats; a text file never starts with these bytes.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (also docx/xlsx/odt)"),
    (b"PK\x05\x06", "empty ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office (OLE) document"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"BZh", "bzip2 stream"),
    (b"\xfd7zXZ\x00", "xz stream"),
    (b"\x28\xb5\x2f\xfd", "zstd stream"),
    (b"\x00asm", "WebAssembly module"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM media"),
)
_RIFF = re.compile(rb"^RIFF....(WEBP|WAVE|AVI )", re.S)

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# C0 controls that never occur in text; \t \n \r \f \v and ESC (old terminals, ANSI colour) are tolerated.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|\?xml[^>]*>\s*<(?:!doctype\s+html|html))",
                         re.I | re.S)
_HTML_TAG = re.compile(rb"<(?:html|head|body|div|p|span|a|meta|title|script|style|table|tr|td|br|li|ul|ol|"
                       rb"h[1-6]|article|section|nav|header|footer|link|img|form|iframe|main)(?:\s[^>]{0,2000})?/?>", re.I)
_MD_HEADING = re.compile(rb"^#{1,6}[ \t]+\S", re.M)
_MD_SETEXT = re.compile(rb"^\S[^\n]*\n(?:={3,}|-{3,})[ \t]*$", re.M)
_MD_LINK = re.compile(rb"!?\[[^\]\n]{1,300}\]\([^)\s]{1,500}(?:\s+\"[^\"\n]*\")?\)")
_MD_EMPH = re.compile(rb"(?:\*\*|__)[^\s*_][^*_\n]{0,200}(?:\*\*|__)")
_MD_FENCE = re.compile(rb"^(?:```|~~~)", re.M)
_MD_LIST = re.compile(rb"^[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+\S", re.M)
_MD_QUOTE = re.compile(rb"^>[ \t]?\S", re.M)


def binary_reason(head: bytes) -> str | None:
    """Why `head` is not text (a format name or "NUL bytes"), or None when it may be text."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    if _RIFF.match(head):
        return "RIFF media"
    if head[257:262] == b"ustar":
        return "tar archive"
    if head.startswith(_BOMS[1:]) or head.startswith(b"\x00\x00\xfe\xff"):
        return None  # UTF-16/32 text is full of NUL bytes by design
    sample = head[:8192]
    if not sample:
        return None
    if b"\x00" in sample:
        if utf16_without_bom(sample):
            return None
        return "NUL bytes"
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls / len(sample) > 0.05:
        return f"{controls} control bytes in the first {len(sample)}"
    return None


def utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le" / "utf-16-be" when `sample` has the NUL pattern of mostly-Latin UTF-16 text, else None.

    Text in a Latin script written as UTF-16 has a NUL in (nearly) every other byte, on the
    same side; binary data has NULs on both sides. Only then is a file without a BOM read so.
    """
    sample = sample[: len(sample) & ~1]
    if len(sample) < 16:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.7 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.7 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def gunzip_head(head: bytes, limit: int = 4096) -> bytes:
    """The first decompressed bytes of a gzip stream (b"" when it is not one)."""
    try:
        d = zlib.decompressobj(wbits=31)
        return d.decompress(head, limit)
    except zlib.error:
        return b""


def _strip_bom(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    bare = utf16_without_bom(head[:8192]) if b"\x00" in head[:8192] else None
    if bare:
        return head[: len(head) & ~1].decode(bare, "ignore").encode("utf-8")
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            # Re-encode a UTF-16 head so the byte patterns below apply; a cut surrogate is dropped.
            return head[2:].decode(codec, "ignore").encode("utf-8")
    return head


def _looks_jsonl(head: bytes, name: str) -> bool:
    stripped = head.lstrip()
    if not stripped.startswith(b"{"):
        return False
    first, newline, _ = stripped.partition(b"\n")
    if not newline and len(head) >= HEAD_BYTES:
        # The first line runs past the head: trust the name, or a JSON key at the start.
        return name.endswith((".jsonl", ".ndjson")) or re.match(rb'\{\s*"[^"\n]{1,100}"\s*:', first) is not None
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _markdown_score(body: bytes) -> int:
    """Weighted count of Markdown markers; 0 when there is none of the strong ones.

    Lists, quotes and underlined titles also occur in plain text (a bulleted
    press release), so they only add to headings, links, emphasis or fences.
    """
    strong = 3 * len(_MD_HEADING.findall(body)) + 2 * len(_MD_FENCE.findall(body))
    strong += 2 * len(_MD_LINK.findall(body)) + len(_MD_EMPH.findall(body))
    if not strong:
        return 0
    weak = 2 * len(_MD_SETEXT.findall(body)) + len(_MD_QUOTE.findall(body)) + len(_MD_LIST.findall(body)) // 2
    return strong + weak


def detect_kind(head: bytes, name: str = "") -> str:
    """The kind of an input from its first bytes (up to `HEAD_BYTES`) and, for ties, its name.

    Returns one of `KINDS`: "warc" (also gzip-compressed), "gzip" (any other gzip
    stream), "jsonl", "html", "markdown", "text" or "binary".
    """
    name = name.lower()
    if head.startswith(b"\x1f\x8b"):
        return "warc" if gunzip_head(head).startswith(b"WARC/") else "gzip"
    if head.startswith(b"WARC/"):
        return "warc"
    if binary_reason(head):
        return "binary"
    body = _strip_bom(head)
    if _looks_jsonl(body, name):
        return "jsonl"
    if _HTML_START.match(body):
        return "html"
    tags = _HTML_TAG.findall(body)
    distinct = {t.split()[0].strip(b"<>/").lower() for t in tags}
    # Scraped text may quote a stray <b> or <p>; a page has many tags of several kinds.
    if len(tags) >= 8 and len(distinct) >= 3 and sum(map(len, tags)) * 50 > len(body):
        return "html"
    if name.endswith((".htm", ".html", ".xhtml")) and len(tags) >= 2:
        return "html"
    score = _markdown_score(body)
    if score >= 6 or (score >= 1 and name.endswith((".md", ".markdown"))):
        return "markdown"
    return "text"
