"""A small WARC/1.0 writer: pages as gzip-per-record `response` records (the shape of a crawl's WARCs).

Used to build WARCs from local documents for the Spark job's tests and benchmarks, and handy for
turning a folder of saved pages into one input file:

    write_warc("pages.warc.gz", [("https://example.org/a", b"<html>...", "text/html; charset=utf-8")])
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from pathlib import Path
from typing import Iterable


def _record(uri: str, body: bytes, content_type: str, date: str) -> bytes:
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    block = http + body
    # a record id derived from the URI and body: the same pages give the same WARC, byte for byte
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{uri}#{hashlib.sha1(body).hexdigest()}")
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def write_warc(path: str | Path, pages: Iterable[tuple[str, bytes, str]], *,
               date: str = "2024-05-01T10:00:00Z") -> int:
    """Write `pages` (uri, body, content type) to a gzipped WARC at `path`; returns the record count."""
    n = 0
    with open(path, "wb") as f:
        for uri, body, ctype in pages:
            f.write(gzip.compress(_record(uri, body, ctype, date), mtime=0))
            n += 1
    return n
