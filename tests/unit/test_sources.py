"""Files, directories, detection, decoding and JSONL (issue 2, item 3). Fixtures are made in tmp_path."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from normwatch.errors import FormatError, InputError
from normwatch.model import RawDoc, Rejection
from normwatch.settings import Settings
from normwatch.sources import detect_kind, iter_inputs, read_one
from normwatch.sources.decode import decode_bytes
from tests.conftest import shared_path

S = Settings()
PAGE = (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Talks</title></head>"
        b"<body><div><p>Estonia's minister said the Budapest Convention works.</p></div></body></html>")
TEXT = b"The Budapest Convention is the only binding treaty on cybercrime.\n\nMore text follows here.\n"


def split(items) -> tuple[list[RawDoc], list[Rejection]]:
    items = list(items)
    return ([i for i in items if isinstance(i, RawDoc)], [i for i in items if isinstance(i, Rejection)])


def write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def assert_rejected(rej: Rejection, code: str, name: str) -> None:
    assert rej.code == code, rej
    assert name in rej.detail, rej.detail  # the message names the document
    assert "\n" not in rej.detail
    assert rej.stage == "source" and rej.doc_id is None


# --- detection by content -------------------------------------------------------------------------

@pytest.mark.parametrize("head,name,kind", [
    (PAGE, "page.txt", "html"),
    (b"  \n<html lang=en><body>x</body></html>", "", "html"),
    (b"\xef\xbb\xbf<!doctype html><p>x", "a", "html"),
    (b'{"text": "a"}\n{"text": "b"}\n', "noext", "jsonl"),
    (b'{"html": "<p>a</p>", "id": 1}', "batch.dat", "jsonl"),
    (b"# Title\n\nSome [link](http://x.org) and **bold** text.\n\n## More\n", "a.txt", "markdown"),
    (b"Title\n\nA line with a - dash.\n- one\n- two\n", "a.txt", "text"),
    (TEXT, "a.html", "text"),
    (b"Home | News | About\nLogin\n\nArticle body about <b>norms</b>.\n", "", "text"),
    (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "x.bin", "warc"),
    (gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n"), "x", "warc"),
    (gzip.compress(TEXT), "x.gz", "gzip"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.txt", "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "a.txt", "binary"),
    (b"PK\x03\x04\x14\x00", "a.txt", "binary"),
    (b"\x7fELF\x02\x01\x01", "a", "binary"),
    (b"text\x00with\x00nul", "a.txt", "binary"),
    ("Zaštita podataka".encode("utf-16"), "a.txt", "text"),
])
def test_detect_kind(head: bytes, name: str, kind: str) -> None:
    assert detect_kind(head, name) == kind


def test_html_saved_as_txt_is_read_as_html(tmp_path: Path) -> None:
    p = write(tmp_path / "page.txt", PAGE)
    [doc] = read_one(p, S)
    assert doc.kind == "html" and doc.source == p and doc.raw_ref == p
    assert doc.content.startswith("<!DOCTYPE html>") and doc.charset == "utf-8"


def test_markdown_file(tmp_path: Path) -> None:
    p = write(tmp_path / "note.md", b"# Paris Call\n\nSee [the call](https://pariscall.international).\n")
    [doc] = read_one(p, S)
    assert doc.kind == "markdown"


# --- decoding ---------------------------------------------------------------------------------------

def test_decode_boms() -> None:
    assert decode_bytes("café".encode("utf-8-sig")) == ("café", "utf-8")
    assert decode_bytes("café".encode("utf-16")) == ("café", "utf-16-le")


def test_declared_charset_in_html_meta(tmp_path: Path) -> None:
    body = '<html><head><meta charset="windows-1251"><title>x</title></head><body>Привет мир</body></html>'
    p = write(tmp_path / "ru.html", body.encode("cp1251"))
    [doc] = read_one(p, S)
    assert "Привет мир" in doc.content and doc.charset == "cp1251"


def test_invalid_utf8_falls_back_to_cp1252(tmp_path: Path) -> None:
    p = write(tmp_path / "latin.txt", "Déclaration de Paris – « confiance » ".encode("cp1252") * 5)
    [doc] = read_one(p, S)
    assert doc.charset == "cp1252" and "Déclaration de Paris – « confiance »" in doc.content


def test_mixed_encodings_are_repaired_not_rejected(tmp_path: Path) -> None:
    data = "The minister’s café: ".encode("utf-8") + b"\x93quoted\x94 and na\xefve. " + "Done – ok.".encode("utf-8")
    p = write(tmp_path / "mixed.txt", data)
    [doc] = read_one(p, S)
    assert doc.charset == "utf-8+cp1252"
    assert doc.content == "The minister’s café: “quoted” and naïve. Done – ok."


def test_undecodable_bytes_are_rejected(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", TEXT)
    bad = write(tmp_path / "b.txt", bytes(range(0xA0, 0x100)) * 20)
    docs, rejs = split(iter_inputs([good, bad, good], S))
    assert len(docs) == 2 and len(rejs) == 1
    assert_rejected(rejs[0], "NW102", "b.txt")
    with pytest.raises(InputError) as e:
        read_one(bad, S)
    assert e.value.code == "NW102"


# --- bad files ----------------------------------------------------------------------------------------

def test_binary_empty_and_whitespace_files(tmp_path: Path) -> None:
    d = tmp_path / "in"
    write(d / "a.txt", TEXT)
    write(d / "b.png", b"\x89PNG\r\n\x1a\n" + bytes(200))
    write(d / "c.txt", b"")
    write(d / "d.txt", b"  \n\t \r\n")
    write(d / "e.doc", b"\x01\x02\x03\x04" * 100 + b"some words")
    write(d / "f.html", PAGE)
    docs, rejs = split(iter_inputs([str(d)], S))
    assert [Path(x.source).name for x in docs] == ["a.txt", "f.html"]
    codes = {Path(r.source).name: r.code for r in rejs}
    assert codes == {"b.png": "NW101", "c.txt": "NW103", "d.txt": "NW103", "e.doc": "NW101"}
    for r in rejs:
        assert_rejected(r, r.code, Path(r.source).name)
    assert "PNG" in next(r for r in rejs if r.code == "NW101").detail


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(100_000_000)  # sparse: costs nothing on disk
    good = write(tmp_path / "good.txt", TEXT)
    docs, rejs = split(iter_inputs([str(big), good], S))
    assert len(docs) == 1
    assert_rejected(rejs[0], "NW104", "big.txt")
    assert "100000000" in rejs[0].detail and str(S.max_bytes) in rejs[0].detail


def test_missing_path(tmp_path: Path) -> None:
    docs, rejs = split(iter_inputs([str(tmp_path / "nope.txt")], S))
    assert not docs
    assert_rejected(rejs[0], "NW106", "nope.txt")


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b" / "z.txt", TEXT)
    write(tmp_path / "a.txt", TEXT)
    write(tmp_path / "b" / "c" / "y.html", PAGE)
    write(tmp_path / ".git" / "x.txt", TEXT)
    write(tmp_path / "b" / ".hidden.txt", TEXT)
    docs, rejs = split(iter_inputs([str(tmp_path)], S))
    assert not rejs
    assert [Path(d.source).relative_to(tmp_path).as_posix() for d in docs] == ["a.txt", "b/c/y.html", "b/z.txt"]


# --- gzip of a single document ------------------------------------------------------------------------

def test_gzip_of_html(tmp_path: Path) -> None:
    p = write(tmp_path / "page.html.gz", gzip.compress(PAGE))
    [doc] = read_one(p, S)
    assert doc.kind == "html" and "Budapest" in doc.content and doc.raw_ref == p


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(TEXT * 50)
    cut = write(tmp_path / "cut.txt.gz", data[: len(data) // 2])
    good = write(tmp_path / "ok.txt", TEXT)
    docs, rejs = split(iter_inputs([cut, good], S))
    assert len(docs) == 1
    assert_rejected(rejs[0], "NW130", "cut.txt.gz")
    with pytest.raises(FormatError):
        read_one(cut, S)


# --- JSONL --------------------------------------------------------------------------------------------

def jsonl(*rows: object) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in rows)


def test_jsonl_without_extension(tmp_path: Path) -> None:
    p = write(tmp_path / "batch", jsonl(
        {"id": "doc-1", "text": "Plain words about norms.", "url": "https://x.org/a", "title": "A",
         "published": "2015-04-17T09:00:00Z", "publisher": "Xinhua", "author": "R. Reporter",
         "speaker": "person:julie-bishop"},
        {"id": 7, "html": "<html><body><p>Page</p></body></html>"},
        {"text": "# Heading\n\nA [link](https://x.org) and **bold**."},
    ))
    a, b, c = read_one(p, S)
    assert (a.id, a.kind, a.raw_ref) == ("doc-1", "text", f"{p}:1")
    assert (a.meta.url, a.meta.title, a.meta.published, a.meta.publisher, a.meta.author, a.meta.speaker) == (
        "https://x.org/a", "A", "2015-04-17", "Xinhua", "R. Reporter", "person:julie-bishop")
    assert (b.id, b.kind, b.raw_ref) == ("7", "html", f"{p}:2")
    assert (c.id, c.kind) == (None, "markdown")


def test_malformed_jsonl_lines(tmp_path: Path) -> None:
    p = write(tmp_path / "news.jsonl", jsonl(
        {"text": "first good"},
        b'{"text": "broken',
        [1, 2],
        {"title": "no body"},
        {"text": 12},
        {"text": "ok", "published": 2015},
        b"",
        {"text": "   "},
        {"text": "last good"},
    ))
    docs, rejs = split(iter_inputs([p], S))
    assert [d.content for d in docs] == ["first good", "last good"]
    assert [d.raw_ref for d in docs] == [f"{p}:1", f"{p}:9"]
    assert [(r.code, r.raw_ref) for r in rejs] == [
        ("NW132", f"{p}:2"), ("NW132", f"{p}:3"), ("NW132", f"{p}:4"), ("NW132", f"{p}:5"),
        ("NW132", f"{p}:6"), ("NW103", f"{p}:8")]
    for r, line in zip(rejs, (2, 3, 4, 5, 6, 8)):
        assert_rejected(r, r.code, "news.jsonl")
        assert f"line {line} " in r.detail
    with pytest.raises(FormatError) as e:
        read_one(p, S)
    assert e.value.code == "NW132" and "line 2" in str(e.value)


def test_gzipped_jsonl(tmp_path: Path) -> None:
    p = write(tmp_path / "b.jsonl.gz", gzip.compress(jsonl({"text": "one"}, {"text": "two"})))
    assert [d.content for d in read_one(p, S)] == ["one", "two"]


def test_long_jsonl_line_is_refused_alone(tmp_path: Path) -> None:
    small = Settings(max_bytes=1000)
    p = write(tmp_path / "b.jsonl", jsonl({"text": "a"}, {"text": "x" * 5000}, {"text": "b"}))
    docs, rejs = split(iter_inputs([p], small))
    assert [d.content for d in docs] == ["a", "b"]
    assert_rejected(rejs[0], "NW104", "b.jsonl")
    assert "line 2" in rejs[0].detail


# --- the real corpus ----------------------------------------------------------------------------------

@pytest.mark.corpus
def test_real_corpus_files() -> None:
    origin = shared_path("corpus", "origin")
    html = sorted(shared_path("corpus", "news-html").glob("*.htm*"))[:4]
    text = sorted(shared_path("corpus", "news-text").glob("*.txt"))[:5]
    inputs = [str(origin)] + [str(p) for p in html + text]
    docs, rejs = split(iter_inputs(inputs, S))
    assert not rejs, [r.line() for r in rejs]
    assert len(docs) == 2 + len(html) + len(text)
    assert [d.kind for d in docs[:2]] == ["text", "text"]
    assert "Global Conference on CyberSpace" in docs[0].content + docs[1].content
    assert all(d.kind == "html" for d in docs[2 : 2 + len(html)])
    assert all(d.kind in ("text", "markdown") and d.charset == "utf-8" for d in docs[2 + len(html) :])
