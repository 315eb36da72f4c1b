"""Hostile inputs made by the tests (issue 13): no committed binaries, every one built here.

`build(folder)` writes them beside good documents and returns what each input must become:
"reject" (one line and one rejection row), "store" (stored, within its budgets) or "either"
(stored or rejected, but never both, never lost, never slow).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

GOOD = (
    "Cyber norms debate at the United Nations\n\n"
    "Delegates ({n}) at the United Nations discussed how international law applies to state behaviour in "
    "cyberspace. Several states argued that the existing Budapest Convention on Cybercrime already provides a "
    "framework for cooperation against cybercrime, while others called for a new binding treaty negotiated at "
    "the UN. The discussion also touched on ransomware attacks against hospitals in region {n} and on capacity "
    "building for developing countries, which many speakers described as essential for a secure cyberspace.\n"
)


def good(n: int) -> str:
    return GOOD.format(n=n)


@dataclass
class Case:
    path: str
    expect: str  # "reject" | "store" | "either"
    what: str


def warc_record(payload: bytes, rid: str, *, http_head: bytes | None = None, wtype: bytes = b"response",
                length: int | None = None) -> bytes:
    head = http_head if http_head is not None else b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    block = head + b"\r\n" + payload
    n = len(block) if length is None else length
    return (b"WARC/1.0\r\nWARC-Type: " + wtype + b"\r\nWARC-Record-ID: <urn:uuid:" + rid.encode() + b">\r\n"
            b"WARC-Target-URI: http://example.org/" + rid.encode() + b"\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: " + str(n).encode()
            + b"\r\n\r\n" + block + b"\r\n\r\n")


def build(d: Path, goods: int = 20) -> tuple[list[str], list[Case]]:
    """Write good documents and hostile inputs under `d`; returns (good paths, hostile cases)."""
    rnd = random.Random(13)
    d.mkdir(parents=True, exist_ok=True)
    good_paths = []
    for i in range(goods):
        p = d / f"good-{i:02d}.txt"
        p.write_text(good(i), encoding="utf-8")
        good_paths.append(str(p))
    cases: list[Case] = []
    n = iter(range(1000, 100000))

    def add(name: str, data: bytes | str, expect: str, what: str) -> None:
        p = d / name
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        else:
            p.write_bytes(data)
        cases.append(Case(str(p), expect, what))

    body = good(0).replace("(0)", "(hostile)")
    # -- JSONL (each file: one hostile line; the good line beside it is a good document) -------------
    def jsonl(name: str, bad_line: str, expect: str, what: str) -> None:
        k = next(n)
        p = d / name
        p.write_text(json.dumps({"text": good(k)}) + "\n" + bad_line + "\n", encoding="utf-8")
        good_paths.append(f"{p}:1")
        cases.append(Case(f"{p}:2", expect, what))

    jsonl("surrogate.jsonl", json.dumps({"text": body})[:-2] + ' \\ud800"}', "store", "lone surrogate")
    jsonl("deep.jsonl", '{"text": "x", "a": ' + "[" * 50_000 + "]" * 50_000 + "}", "reject", "deep JSON")
    jsonl("deep-obj.jsonl", '{"text": "x", "a": ' + '{"a":' * 5_000 + "1" + "}" * 5_000 + "}", "reject", "deep object")
    jsonl("array.jsonl", "[1, 2, 3]", "reject", "not an object")
    jsonl("notext.jsonl", json.dumps({"title": "no body"}), "reject", "no text field")
    jsonl("textnum.jsonl", json.dumps({"text": 42}), "reject", "text not a string")
    jsonl("broken.jsonl", '{"text": "unterminated', "reject", "invalid JSON")
    jsonl("escape-keys.jsonl", json.dumps({"\x1b[2J\x1b]0;pwned\x07": 1, "\n3 seen: 3 stored": 2}), "reject",
          "escape sequences in keys")
    jsonl("title-huge.jsonl", json.dumps({"text": body.replace("hostile", "huge title"), "title": "T" * 1_000_000}),
          "store", "1 MB title")
    jsonl("meta-type.jsonl", json.dumps({"text": body, "title": {"a": 1}}), "reject", "title not a string")
    jsonl("id-type.jsonl", json.dumps({"text": body, "id": [1]}), "reject", "id not a string")
    jsonl("nan.jsonl", '{"text": NaN}', "reject", "NaN body")
    # -- Markdown front matter and link patterns ----------------------------------------------------
    def md(name: str, front: str, expect: str, what: str, text: str | None = None) -> None:
        add(name, "---\n" + front + "\n---\n# A heading\n\n" + (text or good(next(n))), expect, what)

    md("deep-front.md", "title: " + "[" * 5000 + "]" * 5000, "store", "front matter 5,000 deep")
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{'abcdefghi'[i]}"] * 9) + "]")
    md("alias-bomb.md", "\n".join(bomb) + "\ntitle: *i", "store", "YAML alias bomb")
    md("front-tags.md", "title: !!python/object/apply:os.system ['echo pwned']", "store", "YAML python tag")
    md("front-huge.md", "title: " + "x" * 300_000, "store", "300 kB front matter")
    add("brackets.md", "# Brackets\n\n" + good(next(n)) + "\n\n" + "[" * 50_000 + "\n", "either", "50k [")
    add("links.md", "# Links\n\n" + good(next(n)) + "\n\n" + "[a](" * 20_000 + "\n", "either", "20k [a](")
    add("emph.md", "# Emphasis\n\n" + good(next(n)) + "\n\n" + "**a _b `c " * 10_000 + "\n", "store", "emphasis runs")
    # -- compression --------------------------------------------------------------------------------
    add("bomb.txt.gz", gzip.compress(b"cyber " * (20 << 20), 9), "reject", "gzip bomb (120 MB)")
    inner = gzip.compress(b"<html><body><p>" + b"cyber " * (20 << 20) + b"</p></body></html>", 9)
    add("ce-bomb.warc", warc_record(inner, "ce-bomb", http_head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                    b"Content-Encoding: gzip\r\n"), "reject", "Content-Encoding bomb")
    add("ce-br.warc", warc_record(b"xx", "br", http_head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                  b"Content-Encoding: br\r\n"), "reject", "unsupported Content-Encoding")
    add("ce-junk.warc", warc_record(b"not gzip at all", "junk", http_head=b"HTTP/1.1 200 OK\r\n"
                                    b"Content-Type: text/html\r\nContent-Encoding: gzip\r\n"), "reject", "bad gzip payload")
    add("cut.txt.gz", gzip.compress(good(next(n)).encode())[:-12], "reject", "cut gzip")
    add("corrupt.txt.gz", b"\x1f\x8b\x08\x00" + bytes(rnd.randrange(256) for _ in range(400)), "reject", "corrupt gzip")
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    tail = z.compress(b"WARC/1.0\r\nContent-Length: 5\r\n\r\n") + z.compress(b"\0" * (100 << 20)) + z.flush()
    add("tail-bomb.warc.gz", tail, "reject", "WARC gzip member inflating to 100 MB")
    # -- WARC structure -----------------------------------------------------------------------------
    add("cut.warc", warc_record(b"<p>" + good(next(n)).encode() + b"</p>", "cut")[:-200], "reject", "cut WARC")
    add("nolen.warc", b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:x>\r\n\r\nabc", "reject",
        "WARC without Content-Length")
    add("http404.warc", warc_record(b"gone", "404", http_head=b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"),
        "reject", "HTTP 404 record")
    add("image.warc", warc_record(b"\x89PNG\r\n\x1a\n", "img", http_head=b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n"),
        "reject", "image record")
    add("chunked.warc", warc_record(b"zz\r\nbroken", "chunk", http_head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                    b"Transfer-Encoding: chunked\r\n"), "reject", "broken chunked encoding")
    add("lying-length.warc", warc_record(b"<p>short</p>", "lie", length=10_000_000), "reject", "Content-Length lies")
    # -- bytes that are not text ------------------------------------------------------------------
    add("empty.txt", b"", "reject", "0 bytes")
    add("blank.txt", b" \n\t\n " * 100, "reject", "only whitespace")
    add("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(2000)), "reject", "PNG")
    add("doc.pdf", b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(2000)), "reject", "PDF")
    add("elf.bin", b"\x7fELF" + bytes(rnd.randrange(256) for _ in range(2000)), "reject", "ELF")
    add("zip.docx", b"PK\x03\x04" + bytes(rnd.randrange(256) for _ in range(2000)), "reject", "ZIP")
    add("nul.txt", b"cyber cyber " + b"\x00" * 3000 + good(next(n)).encode(), "reject", "NUL bytes")
    add("controls.txt", bytes(rnd.choice(b"\x01\x02\x03\x04abc ") for _ in range(5000)), "reject", "control bytes")
    noise = bytes(rnd.choice(b"!#$%&()*+,-./0123456789:;<=>?@[]^_{|}~ \n\x80\x99\xa9\xbf") for _ in range(5000))
    add("noise.txt", b"cyber cyber\n" + noise, "reject", "printable noise")
    add("legacy.txt", bytes(rnd.randrange(0xA0, 0x100) for _ in range(4000)) + b" cyber cyber", "reject",
        "undeclared legacy encoding")
    add("utf16le.txt", good(next(n)).encode("utf-16-le"), "store", "UTF-16 LE without BOM")
    add("utf16be.txt", good(next(n)).encode("utf-16-be"), "store", "UTF-16 BE without BOM")
    add("bom-lie.txt", b"\xff\xfe" + b"\x00\xd8" * 200, "reject", "UTF-16 BOM over lone surrogates")
    add("short.txt", "Cyber cyber, too short.", "reject", "too short")
    add("script-only.html", "<html><head><title>cyber cyber</title><script>" + "var a=1;" * 500
        + "</script></head><body></body></html>", "reject", "no main text")
    # -- names ------------------------------------------------------------------------------------
    add("bad\nname\nwith newlines.txt", b"", "reject", "newlines in the name")
    add("evil\x1b]0;pwned\x07\x1b[2J\u202e.txt", b"", "reject", "escape sequences in the name")
    if hasattr(os, "mkfifo"):
        os.mkfifo(d / "fifo.txt")
        cases.append(Case(str(d / "fifo.txt"), "reject", "a FIFO"))
    os.symlink("/dev/zero", d / "zero.txt")
    cases.append(Case(str(d / "zero.txt"), "reject", "/dev/zero"))
    add("toolarge.txt", ("cyber " * 200_000 + "\n") * 5, "reject", "over max_bytes (6 MB, limit 5 MB)")
    # -- costly texts: must stay linear and within their budgets ----------------------------------
    add("quotes.txt", good(next(n)) + '"a ' * 50_000, "either", "150 kB of unclosed quotes")
    add("runon.txt", good(next(n)) + "the delegate said that the state " * 6_000, "either", "200 kB run-on sentence")
    add("said.txt", good(next(n)) + 'Russia said "we will" he said, ' * 6_000, "either", "200 kB of speech cues")
    add("attr.html", '<html><body><img alt="' + "x" * ((5 << 20) // 2) + '"><p>' + good(next(n)) + "</p></body></html>",
        "either", "2.5 MB attribute before the text")
    add("deep.html", "<html><body>" + "<div>" * 50_000 + "<p>" + good(next(n)) + "</p>" + "</div>" * 50_000
        + "</body></html>", "either", "50,000 nested divs")
    add("many-tags.html", "<html><body>" + "<p " * 40_000 + ">" + good(next(n)) + "</body></html>", "either",
        "40,000 unclosed tags")
    return good_paths, cases
