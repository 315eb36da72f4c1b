"""Regression tests for the breakages a hostile tester found (issue 13), one per numbered item.

Each bad input goes in one batch between good documents: the good ones must be stored, the bad
one must give exactly one printed line and one rejection row naming it, and the batch must end
with exit code 1 ("some rejected"), never a traceback.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from normwatch.cli import cli
from normwatch.settings import Settings
from normwatch.store import Store

from .corpus import good, warc_record  # one builder for every hostile test

pytestmark = pytest.mark.issue13


def batch(tmp_path: Path, bad: list[Path], *, goods: int = 3) -> tuple[object, Store, list[str]]:
    """Ingest goods + bad + goods; returns (click result, store, the printed rejection lines)."""
    paths = []
    for i in range(goods):
        p = tmp_path / f"good-a{i}.txt"
        p.write_text(good(i), encoding="utf-8")
        paths.append(str(p))
    paths += [str(b) for b in bad]
    for i in range(goods):
        p = tmp_path / f"good-b{i}.txt"
        p.write_text(good(100 + i), encoding="utf-8")
        paths.append(str(p))
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    res = CliRunner().invoke(cli, ["ingest", "-q", "--db", db, *paths])
    store = Store(db)
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("rejected ")] if res.stderr_bytes else []
    return res, store, lines


def assert_goods_and_one_rejection(res, store: Store, lines: list[str], goods: int = 6, rejections: int = 1):
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert store.stats()["documents"] == goods, (res.output, res.stderr)
    assert len(lines) == rejections, res.stderr
    assert store.stats()["rejections"] == rejections
    assert res.exit_code == 1, (res.exit_code, res.output)


# 1. a lone surrogate in a JSONL line
def test_lone_surrogate_jsonl(tmp_path):
    p = tmp_path / "batch.jsonl"
    rows = [json.dumps({"text": good(500 + i)}) for i in range(3)]
    rows.insert(1, '{"text": "' + good(600).replace("\n", " ") + ' bad \\ud800 here"}')
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res, store, lines = batch(tmp_path, [p])
    # the surrogate line is stored with U+FFFD or rejected: either way nothing else is lost
    docs = store.stats()["documents"]
    assert docs in (9, 10) and res.exit_code in (0, 1), res.stderr
    assert docs + store.stats()["rejections"] == 10


# 2. front matter nested thousands of levels deep
def test_deep_front_matter(tmp_path):
    p = tmp_path / "deep.md"
    p.write_text("---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n# Head\n\n" + good(7), encoding="utf-8")
    res, store, lines = batch(tmp_path, [p])
    assert store.stats()["documents"] == 7, res.stderr  # stored, the front matter ignored
    assert res.exit_code in (0, 1)


# 3. a YAML alias bomb
def test_yaml_alias_bomb(tmp_path):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb.append("title: *i")
    p = tmp_path / "bomb.md"
    p.write_text("---\n" + "\n".join(bomb) + "\n---\n# Head\n\n" + good(8), encoding="utf-8")
    t0 = time.monotonic()
    res, store, lines = batch(tmp_path, [p])
    assert time.monotonic() - t0 < 20
    ids = store.document_ids()
    assert len(ids) == 7
    for i in ids:
        title = store.get_document(i)["doc"]["title"] or ""
        assert len(title) < 1000


# 4a. a content-encoded WARC record that inflates far past max_bytes
def test_content_encoding_bomb(tmp_path):
    bomb = gzip.compress(b"<p>" + b"a" * (60 << 20) + b"</p>", 9)
    p = tmp_path / "bomb.warc"
    p.write_bytes(warc_record(bomb, "1", http_head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                                  b"Content-Encoding: gzip\r\n"))
    settings_limit = 10 << 20
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    res = CliRunner().invoke(cli, ["ingest", "-q", "--db", db, "--max-bytes", str(settings_limit), str(p)])
    assert "NW104" in res.stderr, res.stderr
    assert res.exit_code == 2


# 4b. a .warc.gz whose last member inflates to gigabytes (the tail check)
def test_warc_gzip_bomb_memory(tmp_path):
    from normwatch.sources.warc import _check_tail

    p = tmp_path / "bomb.warc.gz"
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = member.compress(b"WARC/1.0\r\nContent-Length: 5\r\n\r\n") + member.compress(b"\0" * (200 << 20))
    data += member.flush()
    p.write_bytes(data)
    import resource
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _check_tail(str(p), len(data), 0, True, first=False)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


# 6. fifty thousand '[' in Markdown
def test_markdown_brackets(tmp_path):
    from normwatch.cleaning.markdown import strip_inline

    t0 = time.monotonic()
    strip_inline("[" * 50_000)
    strip_inline("[a](" * 20_000)
    strip_inline("![" * 20_000)
    assert time.monotonic() - t0 < 2


# 7. a deeply nested JSON line ends nothing but itself
def test_deep_json_line(tmp_path):
    p = tmp_path / "deep.jsonl"
    rows = [json.dumps({"text": good(700)}), '{"text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}",
            json.dumps({"text": good(701)})]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res, store, lines = batch(tmp_path, [p])
    assert store.stats()["documents"] == 8, res.stderr
    assert len(lines) == 1 and "line 2 of" in lines[0] and "deep.jsonl" in lines[0], lines


# 8. a file name with newlines gives one line; garbage bytes are not stored
def test_newline_file_name(tmp_path):
    p = tmp_path / "bad\nname\nhere.txt"
    p.write_bytes(b"")
    res, store, lines = batch(tmp_path, [p])
    assert_goods_and_one_rejection(res, store, lines)
    assert "bad\\nname\\nhere.txt" in lines[0]


def test_garbage_not_stored(tmp_path):
    import random

    rnd = random.Random(13)
    p = tmp_path / "noise.txt"
    # printable-looking noise: no NULs, few controls, decodes as cp1252, not prose
    noise = bytes(rnd.choice(b"!#$%&()*+,-./0123456789:;<=>?@[]^_{|}~ \n\x80\x99\xa9\xbf") for _ in range(5000))
    p.write_bytes(b"cyber cyber\n" + noise)  # two keywords: past the prefilter
    res, store, lines = batch(tmp_path, [p])
    assert_goods_and_one_rejection(res, store, lines)


# 9. escape sequences in names and keys are not printed raw
def test_escape_sequences_escaped(tmp_path):
    p = tmp_path / "evil\x1b]0;pwned\x07\x1b[2J.jsonl"
    p.write_text(json.dumps({"\x1b[2Jkey\n3 seen: 3 stored": 1, "other": "\x1b]0;x\x07"}) + "\n", encoding="utf-8")
    res, store, lines = batch(tmp_path, [p])
    assert "\x1b" not in res.stderr and "\x07" not in res.stderr
    assert "\x1b" not in res.output
    assert_goods_and_one_rejection(res, store, lines)


# 10. an unreadable directory gets a message
@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory; checked with a simulated error instead")
def test_unreadable_dir_real(tmp_path):
    d = tmp_path / "locked"
    d.mkdir()
    (d / "x.txt").write_text(good(9))
    d.chmod(0)
    try:
        res, store, lines = batch(tmp_path, [d])
    finally:
        d.chmod(0o755)
    assert_goods_and_one_rejection(res, store, lines)


def test_unreadable_dir(tmp_path, monkeypatch):
    d = tmp_path / "corpus"
    sub = d / "locked"
    sub.mkdir(parents=True)
    (d / "ok.txt").write_text(good(10))
    (sub / "x.txt").write_text(good(11))
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    res, store, lines = batch(tmp_path, [d])
    assert_goods_and_one_rejection(res, store, lines, goods=7)
    assert "locked" in lines[0] and "ermission" in lines[0]


# 13a. the prefilter sees past a 5 MB attribute
def test_prefilter_past_big_attribute():
    from normwatch.stages.prefilter import is_relevant

    page = '<html><body><img alt="' + "x" * (5 << 20) + '"><p>Cyber attack: ransomware hit the ministry.</p>'
    assert is_relevant(page)


# 13b. UTF-16 without a BOM
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, codec):
    from normwatch.sources import read_one

    p = tmp_path / "u16.txt"
    p.write_bytes(good(12).encode(codec))
    docs = read_one(str(p), Settings())
    assert docs[0].content.startswith("Cyber norms debate")


# 13c. 6to4 and site-local IPv6 are private
@pytest.mark.parametrize("addr", ["2002:7f00:1::1", "2002:c0a8:0101::1", "fec0::1", "feff::1",
                                  "2001:0000:4136:e378:8000:63bf:3fff:fdd2"])
def test_ssrf_transition_ranges(addr, monkeypatch):
    import socket

    from normwatch.errors import FetchError
    from normwatch.sources.urls import check_host

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET6, 1, 6, "", (addr, 80, 0, 0))])
    with pytest.raises(FetchError) as e:
        check_host("evil.example", 80, Settings())
    assert e.value.code == "NW121"


# a crash of normwatch itself is exit code 3, never 1 ("some rejected")
def test_store_failure_mid_run_is_exit_3(tmp_path, monkeypatch):
    from normwatch.errors import StoreError

    def broken(self, rej, run_id=None):
        raise StoreError("disk I/O error")

    monkeypatch.setattr(Store, "add_rejection", broken)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res, store, lines = batch(tmp_path, [empty], goods=1)
    assert res.exit_code == 3, (res.exit_code, res.output, res.stderr)
    assert "disk I/O error" in res.stderr
    assert [r["status"] for r in store.runs()] == ["failed"]


def test_internal_error_is_one_line_exit_3(monkeypatch, capsys):
    from normwatch import cli as cli_module

    def boom():
        raise RuntimeError("something\nbroke \x1b[2J badly")

    monkeypatch.setattr(cli_module, "cli", boom)
    monkeypatch.delenv("NORMWATCH_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as e:
        cli_module.main()
    assert e.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: something" in err and "\x1b" not in err
