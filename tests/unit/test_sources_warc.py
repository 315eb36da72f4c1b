"""WARC and WET reading, including cut files (issue 2, items 3 and 7). WARCs are written by hand in tmp_path."""

from __future__ import annotations

import gzip
import time
import uuid
from pathlib import Path

import pytest

from normwatch.model import RawDoc, Rejection
from normwatch.settings import Settings
from normwatch.sources import iter_inputs, read_one
from normwatch.errors import FormatError

S = Settings()


def record(kind: str, uri: str, block: bytes, content_type: str) -> bytes:
    """One WARC/1.0 record with the mandatory headers."""
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def response(uri: str, body: bytes, ctype: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    http = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    return record("response", uri, http, "application/http; msgtype=response")


def page(i: int) -> bytes:
    return (f"<html><head><title>Page {i}</title></head><body><p>Report {i} on the GGE "
            f"café norms.</p></body></html>").encode()


def crawl(n: int = 3) -> list[bytes]:
    """A small crawl: warcinfo, then a request and a response per page, a metadata record and a WET-style conversion."""
    recs = [record("warcinfo", "", b"software: test\r\n", "application/warc-fields")]
    for i in range(n):
        recs.append(record("request", f"https://news.example/{i}", b"GET / HTTP/1.1\r\n\r\n",
                           "application/http; msgtype=request"))
        recs.append(response(f"https://news.example/{i}", page(i)))
    recs.append(record("metadata", "https://news.example/0", b"fetchTimeMs: 12\r\n", "application/warc-fields"))
    recs.append(record("conversion", "https://news.example/t", "Plain text — extracted.\n".encode(),
                       "text/plain"))
    return recs


def write(path: Path, recs: list[bytes], gz: bool) -> str:
    path.write_bytes(b"".join(gzip.compress(r) for r in recs) if gz else b"".join(recs))
    return str(path)


def split(items) -> tuple[list[RawDoc], list[Rejection]]:
    items = list(items)
    return ([i for i in items if isinstance(i, RawDoc)], [i for i in items if isinstance(i, Rejection)])


@pytest.mark.parametrize("gz", [False, True])
def test_warc_reads_responses_and_conversions(tmp_path: Path, gz: bool) -> None:
    name = "crawl.warc.gz" if gz else "crawl.dat"  # the plain one has no telling name: detected by content
    p = write(tmp_path / name, crawl(3), gz)
    docs = read_one(p, S)
    assert [d.meta.url for d in docs] == [f"https://news.example/{i}" for i in range(3)] + ["https://news.example/t"]
    assert [d.kind for d in docs] == ["html", "html", "html", "text"]
    assert docs[0].content == page(0).decode() and "café" in docs[0].content
    assert not docs[0].content.startswith("HTTP/")  # the HTTP headers were stripped
    assert docs[3].content == "Plain text — extracted.\n"
    assert all(d.meta.published is None for d in docs)  # the crawl date is not the publication date
    for d in docs:
        assert d.source == p
        rid, _, offset = d.raw_ref.partition("#")[2].partition("@")
        assert d.raw_ref.startswith(p + "#urn:uuid:") and offset.isdigit()
    if gz:
        # The offset points at the gzip member holding the record: reading it from there gives the record.
        offset = int(docs[1].raw_ref.rsplit("@", 1)[1])
        with open(p, "rb") as f:
            f.seek(offset)
            member = gzip.GzipFile(fileobj=f).read(400)
        assert docs[1].raw_ref.split("#")[1].split("@")[0] in member.decode()


def test_warc_charset_and_content_type(tmp_path: Path) -> None:
    recs = [
        response("https://a.example/latin", "<html><body><p>Déclaration</p></body></html>".encode("cp1252"),
                 "text/html; charset=windows-1252"),
        response("https://a.example/img", b"\x89PNG\r\n\x1a\n", "image/png"),
        response("https://a.example/gone", b"<html>gone</html>", status="404 Not Found"),
        response("https://a.example/txt", b"<!doctype html><html><body>labelled text</body></html>", "text/plain"),
    ]
    p = write(tmp_path / "mixed.warc.gz", recs, True)
    docs, rejs = split(iter_inputs([p], S))
    assert [(d.meta.url, d.kind, d.charset) for d in docs] == [
        ("https://a.example/latin", "html", "cp1252"), ("https://a.example/txt", "html", "utf-8")]
    assert "Déclaration" in docs[0].content
    assert [r.code for r in rejs] == ["NW122", "NW120"]
    assert all("mixed.warc.gz" in r.detail and "#urn:uuid:" in (r.raw_ref or "") for r in rejs)


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_keeps_records_before_the_cut(tmp_path: Path, gz: bool) -> None:
    recs = crawl(3)
    whole = b"".join(gzip.compress(r) for r in recs) if gz else b"".join(recs)
    last = len(gzip.compress(recs[-1])) if gz else len(recs[-1])
    p = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    p.write_bytes(whole[: len(whole) - last // 2])  # cut inside the last (conversion) record
    after = str(tmp_path / "after.txt")
    Path(after).write_text("A document after the broken WARC.\n")
    docs, rejs = split(iter_inputs([str(p), after], S))
    assert [d.meta.url for d in docs[:3]] == [f"https://news.example/{i}" for i in range(3)]
    assert docs[-1].source == after and len(docs) == 4
    assert len(rejs) == 1
    r = rejs[0]
    assert r.code == ("NW130" if gz else "NW131")
    assert "cut.warc" in r.detail and "byte offset" in r.detail and "\n" not in r.detail
    offset = len(whole) - last
    assert f"offset {offset}" in r.detail and r.raw_ref == f"{p}@{offset}"
    with pytest.raises(FormatError):
        read_one(str(p), S)


def test_cut_inside_record_headers(tmp_path: Path) -> None:
    recs = crawl(1)
    data = b"".join(recs)
    p = tmp_path / "h.warc"
    p.write_bytes(data[: len(data) - len(recs[-1]) + 40])  # the last record's header is cut
    docs, rejs = split(iter_inputs([str(p)], S))
    assert len(docs) == 1 and [r.code for r in rejs] == ["NW131"]


def test_every_cut_position_is_reported(tmp_path: Path) -> None:
    """Whatever byte a gzipped WARC is cut at, the cut is reported unless it falls between records."""
    parts = [gzip.compress(r) for r in crawl(1)]
    data = b"".join(parts)
    bounds = {sum(len(x) for x in parts[:i]) for i in range(len(parts) + 1)}
    p = tmp_path / "c.warc.gz"
    for cut in range(1, len(data), 7):
        p.write_bytes(data[:cut])
        _, rejs = split(iter_inputs([str(p)], S))
        assert bool(rejs) == (cut not in bounds), cut


def test_corrupt_gzip_member(tmp_path: Path) -> None:
    parts = [gzip.compress(r) for r in crawl(2)]
    bad = bytearray(parts[3])
    bad[20:40] = b"\xff" * 20
    p = tmp_path / "bad.warc.gz"
    p.write_bytes(b"".join(parts[:3]) + bytes(bad) + b"".join(parts[4:]))
    docs, rejs = split(iter_inputs([str(p)], S))
    assert len(docs) == 1 and len(rejs) == 1  # the page before the damage survives
    assert rejs[0].code in ("NW130", "NW131") and "bad.warc.gz" in rejs[0].detail


def test_whole_file_gzip_warc(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(crawl(2)))
    p = tmp_path / "one.warc.gz"
    p.write_bytes(data)
    assert len(read_one(str(p), S)) == 3
    p.write_bytes(data[:-20])
    docs, rejs = split(iter_inputs([str(p)], S))
    assert [r.code for r in rejs] == ["NW130"] and "one.warc.gz" in rejs[0].detail


def test_oversized_record_is_refused_alone(tmp_path: Path) -> None:
    recs = [response("https://a.example/1", page(1)), response("https://a.example/big", b"<p>" + b"x" * 5000),
            response("https://a.example/2", page(2))]
    p = write(tmp_path / "w.warc", recs, False)
    docs, rejs = split(iter_inputs([p], Settings(max_bytes=1000)))
    assert [d.meta.url for d in docs] == ["https://a.example/1", "https://a.example/2"]
    assert [r.code for r in rejs] == ["NW104"] and "w.warc" in rejs[0].detail


def test_warc_throughput(tmp_path: Path) -> None:
    """About 2,000 records must read in well under the time a crawl takes to fetch them."""
    recs = [response(f"https://news.example/{i}", page(i) * 20) for i in range(2000)]
    p = write(tmp_path / "bench.warc.gz", recs, True)
    start = time.perf_counter()
    docs = read_one(p, S)
    elapsed = time.perf_counter() - start
    assert len(docs) == 2000
    assert 2000 / elapsed > 500, f"{2000 / elapsed:.0f} records/s"


def test_chunked_and_gzip_encoded_payloads(tmp_path: Path) -> None:
    body = page(5)
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    zipped = gzip.compress(body)
    http2 = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
             b"Content-Length: %d\r\n\r\n" % len(zipped)) + zipped
    recs = [record("response", "https://a.example/c", http, "application/http; msgtype=response"),
            record("response", "https://a.example/g", http2, "application/http; msgtype=response")]
    p = write(tmp_path / "enc.warc", recs, False)
    assert [d.content for d in read_one(p, S)] == [body.decode(), body.decode()]
