"""WARC and WET files (gzip-compressed per record or not), read with fastwarc 2.x.

Only `response` records (crawled pages) and `conversion` records (WET
extracted text) are documents; the rest are skipped. Each document's
`raw_ref` is `<file>#<WARC-Record-ID>@<byte offset of the record>` (the
offset in the compressed file for .warc.gz), so any fact traces back to the
exact record. The WARC-Date is the crawl date, not the publication date, so
it is not put in `meta.published`.

fastwarc ends iteration silently on a cut file, so every record's payload is
checked against its Content-Length, and the bytes after the last record are
checked too: a cut shows as one NW131 (record) or NW130 (gzip) rejection,
after all the records read before it.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from typing import Iterator

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..errors import InputError
from ..model import Meta
from ..settings import Settings
from .common import Item, reject, text_doc
from .pdf import is_pdf, read_pdf
from .decode import charset_from_content_type

__all__ = ["iter_warc", "TEXT_TYPES"]

# Content types read as documents, with the kind they imply ("text" is still sniffed for HTML).
TEXT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}

_DOCS = WarcRecordType.response | WarcRecordType.conversion
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*\r?$", re.I | re.M)
# How far past the last record we look for a cut; a last record longer than this is not re-checked.
_TAIL_LIMIT = 64 << 20


def iter_warc(path: str, settings: Settings) -> Iterator[Item]:
    """Documents from one WARC/WET file; a cut or corrupt record ends it with one rejection."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(2)
        f.seek(0)
        gz = head == b"\x1f\x8b"
        last_pos: int | None = None
        try:
            for record in ArchiveIterator(f, parse_http=True):
                pos = record.stream_pos
                problem, item = _read_record(record, path, pos, settings)
                if problem:
                    # In a .warc.gz a short record is nearly always a cut gzip stream: say so when it is.
                    tail = _check_tail(path, size, pos, gz, first=False) if gz else None
                    if tail and tail[0] == "NW130":
                        code, problem = "NW130", f"is in a {tail[2]}"
                    else:
                        code = "NW131"
                    yield reject(path, code, f"{path}: WARC record at byte offset {pos} {problem} "
                                 f"(the file looks cut or corrupt; records before it were read)",
                                 f"{path}@{pos}")
                    return
                if item is not None:
                    yield item
                last_pos = pos
        except (OSError, ValueError, RuntimeError) as e:
            at = "the start" if last_pos is None else f"the record at byte offset {last_pos}"
            code = "NW130" if gz and "gzip" in str(e).lower() else "NW131"
            yield reject(path, code, f"{path}: cannot parse past {at}: {e} (records before it were read)",
                         f"{path}@{last_pos or 0}")
            return
    tail = _check_tail(path, size, last_pos or 0, gz, first=last_pos is None)
    if tail:
        code, offset, detail = tail
        yield reject(path, code, f"{path}: {detail} at byte offset {offset} (records before it were read)",
                     f"{path}@{offset}")


def _read_record(record: WarcRecord, path: str, pos: int, settings: Settings) -> tuple[str | None, Item | None]:
    """(problem, item): problem says how the record is broken; item is a document, a rejection or None (skipped)."""
    length = record.content_length
    if "Content-Length" not in record.headers or not record.record_id:
        return "has no Content-Length or WARC-Record-ID header", None
    rtype = record.record_type
    if not (rtype & _DOCS) or length > settings.max_bytes:
        got = record.reader.consume()
        if got != length:
            return f"ends after {got} of {length} payload bytes", None
        if not (rtype & _DOCS):
            return None, None
        rid = record.record_id.strip("<>")
        return None, reject(path, "NW104", f"{path}: record {rid} at byte offset {pos} has {length} bytes, more "
                                           f"than max_bytes ({settings.max_bytes}); raise --max-bytes to read it",
                            f"{path}#{rid}@{pos}")
    body = record.reader.read()
    if len(body) != length:
        return f"ends after {len(body)} of {length} payload bytes", None
    rid = record.record_id.strip("<>")
    ref = f"{path}#{rid}@{pos}"
    url = record.headers.get("WARC-Target-URI") or None
    where = f"{path} record {rid} at byte offset {pos}" + (f" ({url})" if url else "")
    try:
        if rtype == WarcRecordType.conversion:
            declared = charset_from_content_type(record.headers.get("Content-Type"))
            doc = text_doc(body, source=path, raw_ref=ref, where=where, declared=declared or "utf-8",
                           kind="text", sniff=False, meta=Meta(url=url))
            return None, doc
        if not record.is_http:
            return None, None  # e.g. dns: responses of a Heritrix crawl: not pages
        status = record.http_headers.status_code
        if status is None or not 200 <= status < 300:
            return None, reject(path, "NW120", f"{where}: HTTP status {status}, not a page", ref)
        ctype = (record.http_content_type or "").lower() or None
        pdf = ctype == "application/pdf"  # issue 15: read by sources/pdf.py
        if ctype is not None and ctype not in TEXT_TYPES and not pdf:
            return None, reject(path, "NW122", f"{where}: content type {ctype} is not HTML or text", ref)
        if "chunked" in (record.http_headers.get("Transfer-Encoding") or "").lower():
            body = _dechunked(body, where)
        body = _content_decoded(body, record.http_headers.get("Content-Encoding"), where)
        if pdf or is_pdf(body[:1024]):
            return None, read_pdf(body, source=path, raw_ref=ref, where=where, settings=settings, meta=Meta(url=url))
        doc = text_doc(body, source=path, raw_ref=ref, where=where, declared=record.http_charset,
                       kind=TEXT_TYPES.get(ctype or ""), meta=Meta(url=url))
        return None, doc
    except InputError as e:
        return None, reject(path, e.code, e.detail, ref)


def _dechunked(body: bytes, where: str) -> bytes:
    """Undo HTTP chunked transfer encoding, which some crawlers store as received."""
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        size_text = body[pos:eol].split(b";", 1)[0].strip() if eol >= 0 else b""
        try:
            size = int(size_text, 16)
        except ValueError:
            raise InputError(f"{where}: broken chunked transfer encoding at payload byte {pos}", code="NW131") from None
        if size == 0:
            return bytes(out)
        out += body[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


def _content_decoded(body: bytes, encoding: str | None, where: str) -> bytes:
    """Undo a Content-Encoding some crawlers keep in the payload (Common Crawl removes it)."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return body
    if enc in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompress(body, wbits=47)  # 32+15: gzip or zlib header, detected
        except zlib.error:
            if enc == "deflate":
                try:
                    return zlib.decompress(body, wbits=-15)  # raw deflate, as some servers send
                except zlib.error:
                    pass
            raise InputError(f"{where}: payload says Content-Encoding {enc} but does not decompress",
                             code="NW130") from None
    raise InputError(f"{where}: payload has Content-Encoding {enc}, which is not supported", code="NW105")


def _check_tail(path: str, size: int, start: int, gz: bool, *, first: bool) -> tuple[str, int, str] | None:
    """Look at the bytes from the last record on: (code, offset, what is wrong) when they are cut or junk."""
    if size - start > _TAIL_LIMIT:
        return None
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read()
    if gz:
        if not data.startswith(b"\x1f\x8b"):
            # Not a member boundary: one gzip stream over the whole file; check that stream instead.
            return _check_whole_gzip(path)
        raw = bytearray()
        rest = data
        offset = start
        while rest.strip(b"\x00\r\n "):
            d = zlib.decompressobj(wbits=31)
            try:
                raw += d.decompress(rest)
            except zlib.error as e:
                return "NW130", offset, f"corrupt gzip data ({e})"
            if not d.eof:
                return "NW130", offset, "gzip stream cut short"
            offset += len(rest) - len(d.unused_data)
            rest = d.unused_data
        data = bytes(raw)
    if first:
        if data.strip():
            return "NW131", start, "no WARC record could be read"
        return None
    problem = _block_problem(data)
    return ("NW131", start, problem) if problem else None


def _block_problem(data: bytes) -> str | None:
    """What is wrong with the bytes of the last record (uncompressed), or None."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return "WARC record headers cut short"
    m = _CONTENT_LENGTH.search(data, 0, end + 2)
    if not m:
        return "WARC record without Content-Length"
    stop = end + 4 + int(m.group(1))
    if len(data) < stop:
        return f"WARC record cut short ({len(data) - end - 4} of {int(m.group(1))} bytes)"
    if data[stop:].strip():
        return f"unreadable data after the last WARC record ({len(data) - stop} bytes)"
    return None


def _check_whole_gzip(path: str) -> tuple[str, int, str] | None:
    """Decompress the whole file once to find a cut or corrupt gzip stream (offset is approximate)."""
    with open(path, "rb") as f:
        try:
            with gzip.GzipFile(fileobj=f) as g:
                while g.read(1 << 20):
                    pass
        except EOFError:
            return "NW130", f.tell(), "gzip stream cut short"
        except (gzip.BadGzipFile, zlib.error) as e:
            return "NW130", f.tell(), f"corrupt gzip data ({e})"
    return None
