"""Bytes to text: BOM, strict UTF-8, a declared charset, then a cp1252 fallback.

Real pages are often UTF-8 with a few cp1252 bytes pasted in (a curly quote
from a word processor). Rejecting those would lose whole documents, and
decoding them with `errors="replace"` would lose the characters, so invalid
UTF-8 sequences are decoded byte by byte as cp1252 by the `normwatch-cp1252`
error handler. Only what does not read as text at all is refused (NW102).

>>> decode_bytes("caf\\u00e9 \\u201cok\\u201d".encode("utf-8") + b" \\x93quoted\\x94")
('café “ok” “quoted”', 'utf-8+cp1252')
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import InputError

__all__ = ["decode_bytes", "declared_charset", "charset_from_content_type", "normalise_charset"]

_REPAIR = "normwatch-cp1252"

# The five bytes cp1252 leaves undefined map to the same code points as latin-1 (as browsers do).
_CP1252 = [bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256)]


def _cp1252_repair(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending bytes as cp1252 and go on."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_CP1252[b] for b in bad), exc.end


codecs.register_error(_REPAIR, _cp1252_repair)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""", re.I)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)

# WHATWG: these labels mean windows-1252 on the web, which is a superset of what the page meant.
_AS_CP1252 = {"latin-1", "iso8859-1", "ascii", "cp1252"}


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def charset_from_content_type(value: str | None) -> str | None:
    """The charset parameter of a Content-Type header value."""
    if not value:
        return None
    m = _CT_CHARSET.search(value)
    return normalise_charset(m.group(1)) if m else None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first few kilobytes."""
    head = data[:8192]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                       (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return codec, len(bom)
    return None


_UNREADABLE = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")


def _unreadable_share(text: str, *, wide: bool = False) -> float:
    """Share of characters that no text contains: controls, U+FFFD (and unassigned code points if `wide`).

    Unassigned code points only come out of a UTF-16/32 misreading, so only then is the slower check done.
    """
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = len(_UNREADABLE.findall(sample))
    if wide:
        bad += sum(1 for c in sample if unicodedata.category(c) in ("Cn", "Cs"))
    return bad / len(sample)


def _has_utf8_multibyte(data: bytes) -> bool:
    """True when the bytes hold at least one well-formed multi-byte UTF-8 sequence."""
    return re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data) is not None


def decode_bytes(data: bytes, declared: str | None = None, *, where: str = "input") -> tuple[str, str]:
    """Decode `data` and say how: returns `(text, charset)`.

    Order: a byte-order mark; strict UTF-8 (valid UTF-8 is almost never
    another encoding by accident, so it beats a wrong declaration);
    `declared` (HTTP/WARC header) or the charset the document declares;
    UTF-8 with cp1252 repair when the bytes are mostly UTF-8 (charset
    "utf-8+cp1252"); cp1252 when the text is mostly ASCII. Raises InputError
    NW102 when none gives readable text. `where` names the document in the message.
    """
    bom = _bom(data)
    if bom:
        codec, skip = bom
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError as e:
            raise InputError(f"{where}: starts with a {codec} byte-order mark but byte {e.start + skip} "
                             f"is not {codec} (convert the file to UTF-8)", code="NW102") from None
        return _checked(text, codec, where)
    if b"\x00" in data[:8192]:
        from .detect import utf16_without_bom

        bare = utf16_without_bom(data[:8192])
        if bare:
            try:
                return _checked(data[: len(data) & ~1].decode(bare), bare, where)
            except UnicodeDecodeError as e:
                raise InputError(f"{where}: looks like {bare} without a byte-order mark, but byte {e.start} is "
                                 f"not {bare} (convert the file to UTF-8)", code="NW102") from None
    try:
        return _checked(data.decode("utf-8"), "utf-8", where)
    except UnicodeDecodeError as e:
        first_bad = e.start
    candidates = [c for c in (normalise_charset(declared), declared_charset(data)) if c and c != "utf-8"]
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if _unreadable_share(text) < 0.01:
            return text, codec
    if _has_utf8_multibyte(data):
        sample = data[:200_000]
        bad = sample.decode("utf-8", "replace").count("\ufffd")
        if bad > 0.05 * len(sample) and bad > 20:
            # Not UTF-8 with a few pasted cp1252 bytes but mostly invalid (random high bytes, an
            # unknown legacy encoding): the repair would store noise (issue 13).
            raise InputError(f"{where}: not UTF-8 ({bad} invalid sequences in the first {len(sample)} bytes, first "
                             f"at offset {first_bad}) and no declared charset (convert it to UTF-8, e.g. with iconv)",
                             code="NW102")
        return _checked(data.decode("utf-8", _REPAIR), "utf-8+cp1252", where)
    text = data.decode("cp1252", _REPAIR)
    non_ascii = sum(1 for c in text[:100_000] if c > "\x7f") / max(1, min(len(text), 100_000))
    if non_ascii > 0.3:
        # Mostly high bytes with no declaration: an unknown legacy encoding (or noise); cp1252 would be mojibake.
        raise InputError(f"{where}: not UTF-8 (first bad byte at offset {first_bad}) and no declared charset; "
                         f"{non_ascii:.0%} of the characters would be guesses (convert it to UTF-8, e.g. with iconv)",
                         code="NW102")
    return _checked(text, "cp1252", where)


def _checked(text: str, codec: str, where: str) -> tuple[str, str]:
    share = _unreadable_share(text, wide=codec.startswith("utf-16") or codec.startswith("utf-32"))
    if share > 0.05:
        raise InputError(f"{where}: decoded as {codec} but {share:.0%} of the characters are control or "
                         f"unassigned code points (is it text?)", code="NW102")
    return text, codec
