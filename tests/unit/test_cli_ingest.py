"""`normwatch ingest` in-process: exact outcomes, exit codes, and bad input that never harms the store.

Each bad-input case is ingested in a batch between good documents; the test checks the
one-line message (document + reason), the recorded rejection, that the good documents were
stored, that what was stored before is still there, and that running the batch again adds
nothing (no duplicate documents, no duplicate rejections).
"""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from normwatch.cli import cli
from normwatch.store import Store

GOOD = (
    "Cyber norms debate at the United Nations\n\n"
    "Delegates at the United Nations discussed how international law applies to state behaviour in cyberspace. "
    "Several states argued that the existing Budapest Convention on Cybercrime already provides a framework for "
    "cooperation against cybercrime, while others called for a new binding treaty negotiated at the UN. "
    "The discussion also touched on ransomware attacks against hospitals and on capacity building for "
    "developing countries, which many speakers described as essential for a stable and secure cyberspace.\n"
)


def good_text(n: int) -> str:
    return GOOD.replace("Delegates", f"Delegates ({n})").replace("hospitals", f"hospitals in region {n}")


@pytest.fixture
def db(db_url) -> str:
    """Every ingest test runs on SQLite and on PostgreSQL (tests/pg_server.py)."""
    return db_url


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_good(d: Path, n: int) -> Path:
    p = d / f"good{n}.txt"
    p.write_text(good_text(n), encoding="utf-8")
    return p


def stored(db: str) -> dict:
    return Store(db).stats()


def seed(db: str, tmp_path: Path) -> dict:
    """Store something first, so the tests can check it survives the bad batch."""
    d = tmp_path / "seed"
    d.mkdir()
    res = run("ingest", "--db", db, str(write_good(d, 100)))
    assert res.exit_code == 0, res.output
    return stored(db)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_binary(p: Path) -> None:
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)


def make_empty(p: Path) -> None:
    p.write_bytes(b"")


def make_blank(p: Path) -> None:
    p.write_text("   \n\n  \t\n")


def make_truncated_gzip(p: Path) -> None:
    p.write_bytes(gzip.compress(good_text(7).encode() * 20)[:300])


def make_huge(p: Path) -> None:
    with open(p, "wb") as f:
        f.truncate(100 * 1024 * 1024)


def make_html_without_text(p: Path) -> None:
    p.write_text("<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav>"
                 "<script>var cyber=1;</script></body></html>")


def make_bad_jsonl(p: Path) -> None:
    lines = [json.dumps({"id": "j1", "text": good_text(11)}), "{not json", json.dumps({"id": "j2", "text": good_text(12)})]
    p.write_text("\n".join(lines) + "\n")


def make_truncated_warc(p: Path) -> None:
    def record(n: int) -> bytes:
        html = f"<html><body><article><h1>Story {n}</h1><p>{good_text(n)}</p></article></body></html>".encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:0000000{n}-0000-0000-0000-000000000000>\r\n"
                f"WARC-Date: 2024-01-0{n}T00:00:00Z\r\nWARC-Target-URI: https://news.example/{n}\r\n"
                f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
        return gzip.compress(head + http + b"\r\n\r\n")

    whole = record(1) + record(2)
    p.write_bytes(whole + record(3)[:120])


CASES = {
    # name: (file name, maker, expected code in the message)
    "binary": ("image.txt", make_binary, "NW101"),
    "empty": ("empty.txt", make_empty, "NW103"),
    "blank": ("blank.txt", make_blank, "NW103"),
    "truncated-gzip": ("story.txt.gz", make_truncated_gzip, "NW130"),
    "huge": ("huge.txt", make_huge, "NW104"),
    "no-main-text": ("page.html", make_html_without_text, "NW20"),
    "malformed-jsonl": ("batch.jsonl", make_bad_jsonl, "NW132"),
    "truncated-warc": ("crawl.warc.gz", make_truncated_warc, "NW13"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_rejected_and_the_store_stays_intact(case, tmp_path, db):
    before = seed(db, tmp_path)
    name, maker, code = CASES[case]
    d = tmp_path / "batch"
    d.mkdir()
    bad = d / name
    maker(bad)
    inputs = [str(write_good(d, 1)), str(bad), str(write_good(d, 2))]

    res = run("ingest", "--db", db, "--no-prefilter", *inputs)
    assert res.exit_code == 1, res.output
    lines = [ln for ln in res.output.splitlines() if ln.startswith("rejected ")]
    assert lines and all(name in ln for ln in lines), res.output
    assert any(code in ln for ln in lines), res.output
    after = stored(db)
    good_in_bad = {"malformed-jsonl": 2, "truncated-warc": 2}.get(case, 0)
    assert after["documents"] == before["documents"] + 2 + good_in_bad
    rejections = Store(db).rejections()
    assert any(r["code"].startswith(code) and name in r["raw_ref"] for r in rejections)

    again = run("ingest", "--db", db, "--no-prefilter", *inputs)
    assert again.exit_code == 1
    assert stored(db)["documents"] == after["documents"]
    assert len(Store(db).rejections()) == len(rejections)


def test_unreachable_url(tmp_path, db):
    before = seed(db, tmp_path)
    url = f"http://127.0.0.1:{free_port()}/story"
    res = run("ingest", "--db", db, "--allow-private", "--fetch-timeout", "2", url)
    assert res.exit_code == 2, res.output
    assert "rejected" in res.output and url in res.output and "NW120" in res.output
    assert stored(db)["documents"] == before["documents"]
    assert Store(db).rejections()[0]["code"] == "NW120"


def test_url_resolving_to_private_address_is_refused(tmp_path, db):
    before = seed(db, tmp_path)
    res = run("ingest", "--db", db, "http://localhost:9/internal")
    assert res.exit_code == 2, res.output
    assert "NW121" in res.output and "localhost" in res.output
    assert stored(db)["documents"] == before["documents"]


def test_mixed_encodings_are_repaired_not_lost(tmp_path, db):
    p = tmp_path / "mixed.txt"
    p.write_bytes(good_text(5).encode("utf-8") + "Caf\u00e9 d\u00e9l\u00e9gu\u00e9s".encode("cp1252") + b"\n")
    res = run("ingest", "--db", db, "--no-prefilter", str(p))
    assert res.exit_code == 0, res.output
    doc = Store(db)
    (doc_id,) = doc.document_ids()
    assert "délégués" in doc.get_document(doc_id)["doc"]["text"]


def test_ingest_twice_adds_nothing_and_says_so(tmp_path, db):
    d = tmp_path / "in"
    d.mkdir()
    write_good(d, 1), write_good(d, 2)
    first = run("ingest", "--db", db, str(d))
    assert first.exit_code == 0 and "2 stored" in first.output
    second = run("ingest", "--db", db, str(d))
    assert second.exit_code == 0 and "0 stored" in second.output and "2 already stored" in second.output
    assert stored(db)["documents"] == 2


def test_prefilter_drops_irrelevant_pages(tmp_path, db):
    p = tmp_path / "bread.txt"
    p.write_text("How to bake bread\n\n" + "Mix flour, water, salt and yeast; knead, rest and bake until golden. " * 8)
    res = run("ingest", "--db", db, str(p))
    assert res.exit_code == 0 and "1 filtered as irrelevant" in res.output
    assert stored(db)["documents"] == 0
    res = run("ingest", "--db", db, "--no-prefilter", str(p))
    assert stored(db)["documents"] == 1


def test_usage_error_exit_code():
    assert CliRunner().invoke(cli, ["ingest"]).exit_code == 2


def test_search_stats_rejections_commands(tmp_path, db):
    d = tmp_path / "in"
    d.mkdir()
    write_good(d, 1)
    make_empty(d / "zero.txt")
    run("ingest", "--db", db, str(d))
    res = run("search", "--db", db, "Budapest cooperation")
    assert res.exit_code == 0 and "[Budapest]" in res.output
    assert "no match" in run("search", "--db", db, "xylophone").output
    st = json.loads(run("stats", "--db", db, "--format", "json").output)
    assert st["documents"] == 1 and st["rejections"] == 1
    rej = run("rejections", "--db", db).output
    assert rej.startswith("NW103") and "zero.txt" in rej


def test_extract_speaker_option_reaches_the_stages(tmp_path):
    """--speaker is set before extraction: first-person positions become the speaker's state's."""
    speech = tmp_path / "speech.txt"
    speech.write_text(
        "Mr. President, it is an honour to address this Assembly on behalf of my country.\n\n"
        "We support the application of international law to cyberspace, and we call on all States "
        "to implement the agreed norms of responsible State behaviour in cyberspace.\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["extract", str(speech), "--speaker", "state:EST"], catch_exceptions=False)
    out = json.loads(res.output.splitlines()[0])
    assert out["doc"]["speaker"] == "state:EST"
    holders = {(s["actor"], s["target"]) for s in out["stances"]}
    assert ("state:EST", "proposition:international-law-applies") in holders
