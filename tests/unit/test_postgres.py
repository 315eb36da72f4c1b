"""PostgreSQL as a second store (issue 12): its own search, concurrent writers and migrations, copy.

Every test here runs against the throwaway server of tests/pg_server.py; the shared store,
ingest and API tests also run on it through the `db_url` and `sample_db` fixtures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from normwatch.cli import cli
from normwatch.model import Document, Meta
from normwatch.store import Store

from ..conftest import shared_path

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]

TREATY = ("Ministers met in The Hague to discuss norms of responsible state behaviour in cyberspace. "
          "Several delegations said the existing Budapest Convention already offers a framework for cooperation, "
          "while others called for a new treaty negotiated at the United Nations.")
RANSOM = ("Hospitals in several countries were hit by ransomware this week. Officials said the attack "
          "disrupted emergency care, and investigators blamed a criminal group rather than a state.")


def test_search_uses_tsvector_websearch_syntax_rank_and_headline(pg_url):
    store = Store(pg_url)
    store.add_document(Document(TREATY, source="mem://treaty", meta=Meta(title="Hague meeting")))
    store.add_document(Document(RANSOM, source="mem://ransom", meta=Meta(title="Ransomware at hospitals")))
    hits = store.search("conventions frameworks")  # stemmed: convention, framework
    assert [h.source for h in hits] == ["mem://treaty"] and "[Budapest]" not in hits[0].snippet
    assert "[Convention]" in hits[0].snippet and "[framework]" in hits[0].snippet
    assert [h.source for h in store.search('"budapest convention"')] == ["mem://treaty"]
    assert store.search('"convention budapest"') == []  # a quoted phrase keeps its order
    assert [h.source for h in store.search("state -treaty")] == ["mem://ransom"]
    assert {h.source for h in store.search("treaty or ransomware")} == {"mem://treaty", "mem://ransom"}
    assert store.search('NEAR("x" OR') == [] and store.search("   ") == []
    # the title weighs more than the text: "hospitals" is in the title of one, the text of the other
    store.add_document(Document(TREATY + " Hospitals were not discussed.", source="mem://t2"))
    assert [h.source for h in store.search("hospitals")][0] == "mem://ransom"
    with store.engine.connect() as conn:
        generated = conn.execute(text(
            "SELECT is_generated FROM information_schema.columns WHERE table_name = 'documents' "
            "AND column_name = 'search'")).scalar_one()
        index = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_documents_search'")).scalar_one()
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT id FROM documents WHERE search @@ websearch_to_tsquery('english', 'budapest')")).scalars())
    assert generated == "ALWAYS" and "gin (search)" in index
    with store.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT id FROM documents WHERE search @@ websearch_to_tsquery('english', 'budapest')")).scalars())
    assert "ix_documents_search" in plan


def test_plain_postgresql_url_uses_psycopg_and_migrations_are_recorded(pg_url):
    assert pg_url.startswith("postgresql://")
    store = Store(pg_url)
    assert store.engine.dialect.driver == "psycopg"
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0010"
    Store(pg_url).migrate()  # idempotent


def test_missing_driver_gives_a_one_line_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the pg extra were not installed
    res = CliRunner().invoke(cli, ["stats", "--db", "postgresql://u:secret@127.0.0.1:1/x"])
    assert res.exit_code == 2
    line = res.output.strip()
    assert "\n" not in line and "pip install 'normwatch[pg]'" in line and "secret" not in line
    assert "psycopg is not installed" in line


def _in_processes(code: str, args: list[list[str]], timeout: int = 240) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-c", code, *a], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for a in args]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=timeout)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_processes_starting_at_once_migrate_one_schema(pg_url):
    code = "import sys; from normwatch.store import Store; Store(sys.argv[1]); print('ok')"
    results = _in_processes(code, [[pg_url]] * 4)
    assert all(r.returncode == 0 and r.stdout.strip() == "ok" for r in results), [r.stderr for r in results]
    with Store(pg_url, migrate=False).engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def _fact_counts(url: str) -> dict[str, int]:
    st = Store(url).stats()
    st.pop("runs")
    return st


@pytest.mark.slow
def test_concurrent_ingest_processes_store_each_document_once(pg_url, tmp_path):
    """Three `normwatch ingest` processes over the same inputs at once: the counts of one run."""
    news = sorted(shared_path("corpus", "news-text").glob("*.txt"))[:8]
    inputs = [str(p) for p in sorted(shared_path("corpus", "origin").glob("*.txt")) + news]
    code = "import sys; from normwatch.cli import main; sys.argv = ['normwatch', *sys.argv[1:]]; main()"
    results = _in_processes(code, [["ingest", "-q", "--db", pg_url, *inputs]] * 3)
    assert all(r.returncode in (0, 1) for r in results), [r.stderr[-2000:] for r in results]
    single = f"sqlite:///{tmp_path / 'single.db'}"
    assert CliRunner().invoke(cli, ["ingest", "-q", "--db", single, *inputs]).exit_code in (0, 1)
    assert _fact_counts(pg_url) == _fact_counts(single)
    assert _fact_counts(pg_url)["documents"] >= 8
    # each document stored by exactly one of the processes: the stored counts add up
    stored = sum(int(r.stdout.split(" stored")[0].split(": ")[-1]) for r in results)
    assert stored == _fact_counts(pg_url)["documents"]
    assert sorted(Store(pg_url).document_ids()) == sorted(Store(single).document_ids())


def test_concurrent_rejections_are_counted_not_duplicated(pg_url):
    code = ("import sys; from normwatch.store import Store; from normwatch.model import Rejection\n"
            "s = Store(sys.argv[1])\n"
            "for i in range(20): s.add_rejection(Rejection(None, f'bad{i}.bin', 'source', 'NW101', 'binary', f'bad{i}.bin'))")
    results = _in_processes(code, [[pg_url]] * 3)
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    rows = Store(pg_url).rejections(limit=100)
    assert len(rows) == 20 and {r["count"] for r in rows} == {3}


def test_copy_sqlite_to_postgresql_loses_nothing_and_is_idempotent(pg_url, tmp_path):
    src = f"sqlite:///{tmp_path / 'src.db'}"
    inputs = [str(p) for p in sorted(shared_path("corpus", "origin").glob("*.txt"))]
    inputs += [str(p) for p in sorted(shared_path("corpus", "news-text").glob("*.txt"))[:4]]
    (tmp_path / "zero.txt").write_bytes(b"")
    runner = CliRunner()
    runner.invoke(cli, ["ingest", "-q", "--db", src, *inputs, str(tmp_path / "zero.txt")], catch_exceptions=False)
    source = Store(src)
    first = source.document_ids()[0]
    # a near-duplicate and a human review must come over too
    near = Document(source.get_document(first)["doc"]["text"], source="mem://copy", meta=Meta(url="https://x.example/a"))
    assert source.add_document(near) == "near-duplicate"
    with source.engine.begin() as conn:
        conn.execute(text("INSERT INTO reviews (doc_id, fact_kind, fact_key, decision, at) "
                          "VALUES (:d, 'stance', 'k', 'accepted', '2026-01-01')"), {"d": first})
    res = runner.invoke(cli, ["copy", "--from", src, "--to", pg_url], catch_exceptions=False)
    assert res.exit_code == 0 and f"copied {len(source.document_ids())} documents (0 already there)" in res.output
    target = Store(pg_url)
    assert target.stats() == source.stats()
    for doc_id in source.document_ids():
        assert target.get_document(doc_id) == source.get_document(doc_id)
    assert [(r["raw_ref"], r["code"], r["count"]) for r in target.rejections()] == \
           [(r["raw_ref"], r["code"], r["count"]) for r in source.rejections()]
    with target.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM minhash_bands")).scalar_one() == 16 * len(source.document_ids())
    assert target.search("Budapest") and len(target.search("Budapest")) == len(source.search("Budapest"))
    again = runner.invoke(cli, ["copy", "--from", src, "--to", pg_url], catch_exceptions=False)
    assert again.exit_code == 0 and "copied 0 documents" in again.output and "0 rejections, 0 reviews" in again.output
    assert target.stats() == source.stats()
    # and back again, into a fresh SQLite store: the same
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert runner.invoke(cli, ["copy", "--from", pg_url, "--to", back]).exit_code == 0
    assert Store(back).stats() == source.stats()
    assert json.dumps(Store(back).get_document(first), sort_keys=True) == json.dumps(source.get_document(first),
                                                                                     sort_keys=True)

