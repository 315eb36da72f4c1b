"""The Spark job in local[2] against single-process ingest on the same WARC (issue 12): same ids, same facts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from normwatch.cli import cli
from normwatch.sources.warc_writer import write_warc
from normwatch.store import Store

from ..conftest import shared_path

pytestmark = [pytest.mark.spark, pytest.mark.slow]
pytest.importorskip("pyspark", reason="the spark extra is not installed: pip install -e '.[spark]'")
pytest.importorskip("pyarrow", reason="the spark extra is not installed: pip install -e '.[spark]'")
ROOT = Path(__file__).resolve().parents[2]


def corpus_pages() -> list[tuple[str, bytes, str]]:
    """Real pages of the shared corpus as WARC responses: HTML pages, plain-text stories, the origin pair."""
    pages = []
    for p in sorted(shared_path("corpus", "news-html").glob("*.htm*"))[:12]:
        pages.append((f"https://news.example/html/{p.stem}", p.read_bytes(), "text/html; charset=utf-8"))
    texts = sorted(shared_path("corpus", "news-text").glob("*.txt"))[:14] + sorted(shared_path("corpus", "origin").glob("*.txt"))
    for p in texts:
        pages.append((f"https://news.example/text/{p.stem}", p.read_bytes(), "text/plain; charset=utf-8"))
    # the same story twice (exists), a near-copy at another URL, and an empty page (rejected)
    pages.append(pages[0])
    pages.append((pages[1][0] + "?copy", pages[1][1].replace(b"</p>", b" </p>", 1), pages[1][2]))
    pages.append(("https://news.example/empty", b"", "text/html"))
    return pages


def _store_view(url: str) -> tuple:
    store = Store(url)
    docs = {i: store.get_document(i) for i in store.document_ids()}
    rejections = sorted((r["raw_ref"], r["stage"], r["code"]) for r in store.rejections(1000))
    stats = store.stats()
    stats.pop("runs")
    return docs, rejections, stats


def test_spark_local_and_single_process_give_the_same_ids_and_facts(tmp_path, request):
    if shutil.which("java") is None:
        pytest.skip("no Java: apt-get install openjdk-17-jre-headless (./test.sh does it)")
    warc = tmp_path / "corpus.warc.gz"
    # two files, so both of local[2]'s cores get one to read
    pages = corpus_pages()
    write_warc(warc, pages[: len(pages) // 2])
    warc2 = tmp_path / "corpus2.warc.gz"
    write_warc(warc2, pages[len(pages) // 2:])
    manifest = tmp_path / "paths.txt"
    manifest.write_text(f"# test crawl\n{warc}\n{warc2}\n", encoding="utf-8")

    single = f"sqlite:///{tmp_path / 'single.db'}"
    res = CliRunner().invoke(cli, ["ingest", "-q", "--workers", "1", "--db", single, str(warc), str(warc2)],
                             catch_exceptions=False)
    assert res.exit_code == 1, res.output  # the empty page

    out = tmp_path / "out"
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    job = subprocess.run([sys.executable, str(ROOT / "jobs" / "spark_extract.py"), "--master", "local[2]",
                          "--repartition", "2", str(manifest), str(out)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert job.returncode == 0, job.stderr[-3000:]
    print("spark job", job.stdout.strip().splitlines()[-1])
    counters = json.loads(job.stdout.strip().splitlines()[-1])
    assert counters["paths"] == 2 and counters["records"] == len(pages)
    assert counters["rejected_clean"] + counters["rejected_source"] >= 1
    assert counters["documents"] + counters["filtered"] + counters["rejected_clean"] + counters["rejected_source"] \
        == counters["records"]
    months = {p.name for p in (out / "documents").glob("month=*")}
    assert months and all(m == "month=undated" or len(m) == len("month=2015-04") for m in months)
    for table in ("documents", "actors", "statements", "stances", "instrument_mentions", "rejections", "spans"):
        assert (out / table).is_dir(), table

    spark_db = f"sqlite:///{tmp_path / 'spark.db'}"
    loaded = CliRunner().invoke(cli, ["load", str(out), "--db", spark_db], catch_exceptions=False)
    assert loaded.exit_code == 0, loaded.output
    docs1, rej1, stats1 = _store_view(single)
    docs2, rej2, stats2 = _store_view(spark_db)
    assert sorted(docs1) == sorted(docs2) and len(docs1) >= 15
    for doc_id in docs1:
        assert docs1[doc_id] == docs2[doc_id], doc_id
    assert stats1 == stats2 and stats1["near_duplicates"] >= 1
    assert rej1 == rej2
    # loading again adds nothing
    again = CliRunner().invoke(cli, ["load", str(out), "--db", spark_db], catch_exceptions=False)
    assert "loaded 0 documents" in again.output and "0 rejections" in again.output
    assert _store_view(spark_db)[2] == stats1
    # the skips are in the Parquet, and come in on request
    assert counters["filtered"] == 0 or "prefilter skips left out" in loaded.output
