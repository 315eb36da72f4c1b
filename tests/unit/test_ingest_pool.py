"""`normwatch ingest --workers N` (issue 12): the pool stores what one process stores."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from normwatch.cli import cli
from normwatch.ingest_pool import resolve_workers
from normwatch.store import Store

from ..conftest import shared_path


def _everything(url: str) -> tuple:
    store = Store(url)
    docs = {i: store.get_document(i) for i in store.document_ids()}
    rejections = sorted((r["raw_ref"], r["stage"], r["code"], r["detail"], r["count"]) for r in store.rejections(1000))
    stats = store.stats()
    stats.pop("runs")
    return docs, rejections, stats


@pytest.mark.slow
def test_one_and_two_workers_store_identical_facts(tmp_path):
    inputs = sorted(shared_path("corpus", "origin").glob("*.txt"))
    inputs += sorted(shared_path("corpus", "news-html").glob("*.htm*"))[:6]
    inputs += sorted(shared_path("corpus", "news-text").glob("*.txt"))[:10]
    # a bad input, an irrelevant page, a JSONL with a repeated line and a broken one
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "bread.txt").write_text("Bread\n\n" + "Knead the dough, let it rest, then bake it until golden. " * 8)
    line = json.dumps({"text": shared_path("corpus", "origin").joinpath(inputs[0].name).read_text(encoding="utf-8"),
                       "url": "https://example.org/copy"})
    (tmp_path / "feed.jsonl").write_text(f"{line}\n{{not json\n{line}\n", encoding="utf-8")
    args = [str(p) for p in inputs] + [str(tmp_path / n) for n in ("zero.txt", "bread.txt", "feed.jsonl")]
    outputs = {}
    for n in (1, 2):
        url = f"sqlite:///{tmp_path / f'w{n}.db'}"
        res = CliRunner().invoke(cli, ["ingest", "-q", "--workers", str(n), "--db", url, *args],
                                 catch_exceptions=False)
        assert res.exit_code == 1, res.output  # the empty file and the broken line are rejected
        outputs[n] = (_everything(url), res.output.splitlines()[0].split(" in ")[0])
    (docs1, rej1, stats1), summary1 = outputs[1]
    (docs2, rej2, stats2), summary2 = outputs[2]
    assert summary1 == summary2  # "N seen: N stored (N near-duplicates), ..." without the time
    assert stats1 == stats2 and stats1["documents"] >= 15 and stats1["near_duplicates"] >= 1
    assert rej1 == rej2 and len(rej1) == 2
    assert docs1.keys() == docs2.keys()
    for doc_id in docs1:
        assert docs1[doc_id] == docs2[doc_id], doc_id


def test_workers_zero_means_one_per_core():
    assert resolve_workers(0) >= 1 and resolve_workers(3) == 3
