"""The second blind gold set is well formed, stays apart from every other gold and test document,
and quotes only what its documents really say (issue 4).

Nobody tunes on it, so there is deliberately no score floor here: print its numbers with
``.venv/bin/python tests/eval/heldout_docs.py --gold tests/eval/blind/blind.json``.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from normwatch.evaluate import KINDS, load_gold, score
from tests.conftest import shared_path
from tests.eval import blind_checks, heldout_docs
from tests.eval import test_gold_files as gold_checks  # a module, so pytest does not collect its tests twice
from tests.eval.blind_checks import CFR, TESTS

BLIND = heldout_docs.HERE / "blind" / "blind.json"
#: what the set must hold, by corpus folder (the brief of issue 4)
KINDS_OF_DOCS = {"ungdc-cyber/": 3, "news-text/whitehouse": 1}
NEWS_ARTICLES = 3
CFR_ROWS = 3


def _blind() -> dict:
    return heldout_docs.load(BLIND)


def _other_gold_files() -> list[Path]:
    return [*sorted((heldout_docs.HERE / "gold").glob("*.json")), heldout_docs.HELDOUT]


def test_blind_structure_ids_and_enums():
    blind_checks.structure_and_enums(BLIND)


def test_blind_has_the_promised_mix_of_documents():
    docs = _blind()["documents"]
    sources = [d.get("source") or "" for d in docs.values()]
    for prefix, n in KINDS_OF_DOCS.items():
        assert sum(s.startswith(prefix) for s in sources) == n, prefix
    articles = [s for s in sources if s.startswith("news-text/") and not s.startswith("news-text/whitehouse")]
    assert len(articles) == NEWS_ARTICLES
    assert sum(bool(d.get("derived_from")) for d in docs.values()) == CFR_ROWS
    assert all(d.get("speaker") for d in docs.values() if (d.get("source") or "").startswith("ungdc-cyber/"))


def test_blind_is_disjoint_from_every_other_gold_set():
    blind = _blind()["documents"]
    others = blind_checks.documents_of(_other_gold_files())
    assert not set(blind) & set(others)
    assert not set(load_gold(BLIND).documents) & set(load_gold(heldout_docs.HERE / "gold").documents)
    assert not blind_checks.dataset_rows(blind) & blind_checks.dataset_rows(others)


def test_blind_documents_appear_in_no_other_test_file():
    """A document named by another test or gold file may already have shaped the extractor."""
    # a tracker row is named by its key (cfr_row_N) or by a "row": N entry
    patterns = blind_checks.naming_patterns(_blind()["documents"], lambda d: "row_")
    hits = blind_checks.files_naming(patterns, [TESTS], {BLIND, Path(__file__)})
    assert not hits, hits


def test_blind_speeches_come_from_other_years_and_states():
    def speeches(files: list[Path]) -> set[tuple[str, str]]:
        out = set()
        for f in files:
            for key, d in json.loads(f.read_text(encoding="utf-8"))["documents"].items():
                m = re.fullmatch(r"([A-Z]{3})_\d+_(\d{4})\.txt", Path(d.get("source") or key).name)
                if m:
                    out.add(m.groups())
        return out

    blind, used = speeches([BLIND]), speeches(_other_gold_files())
    assert len(blind) == 3
    assert not {s for s, _ in blind} & {s for s, _ in used}
    assert not {y for _, y in blind} & {y for _, y in used}
    assert len({y for _, y in blind}) == 3


@pytest.mark.corpus
def test_blind_cfr_rows_differ_in_sponsor_and_type():
    path = shared_path("corpus", *CFR.split("/"))
    wanted = {d["derived_from"]["row"] for d in _blind()["documents"].values() if d.get("derived_from")}
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for i, r in enumerate(csv.DictReader(f)) if i in wanted]
    assert len(rows) == CFR_ROWS
    assert len({r["Sponsor"] for r in rows}) == CFR_ROWS
    assert len({r["Type"] for r in rows}) == CFR_ROWS


def _texts() -> dict[str, str]:
    return blind_checks.texts(_blind(), CFR)


@pytest.mark.corpus
def test_blind_quotes_and_surfaces_are_in_the_documents():
    missing = blind_checks.missing_strings(_blind(), _texts())
    assert not missing, f"not found in the document text: {missing}"


@pytest.mark.corpus
def test_blind_derived_documents_carry_title_and_date(tmp_path):
    assert not blind_checks.row_documents_problems(_blind(), tmp_path)


@pytest.mark.corpus
def test_blind_gold_scores_itself_perfectly():
    """Predictions built from the gold itself score 1.0: the file is consistent with its own matching rules."""
    gold, texts = load_gold(BLIND), _texts()
    preds = gold_checks.predictions_from_gold(gold, texts)
    report = score(gold, preds)
    for name in KINDS:
        k = report.kinds[name]
        assert (k.fp, k.fn) == (0, 0), (name, k.misses, k.false_positives)
    assert not report.forbidden and not report.unlocated
    assert report.documents_predicted == report.documents == len(gold.documents)


def test_heldout_docs_scores_any_gold_file(monkeypatch, capsys, tmp_path):
    """``--gold`` picks the file for ``--paths`` too; without it the held-out set is used, as before."""
    seen = []
    monkeypatch.setattr(heldout_docs, "document_paths", lambda gold, corpus, out: seen.append(gold) or ["p"])
    for argv, want in ((["--paths", str(tmp_path)], heldout_docs.load()),
                       (["--gold", str(BLIND), "--paths", str(tmp_path)], _blind())):
        monkeypatch.setattr("sys.argv", ["heldout_docs.py", *argv])
        assert heldout_docs.main() == 0
        assert seen.pop() == want
    assert capsys.readouterr().out == "p\np\n"


@pytest.mark.slow
@pytest.mark.corpus
def test_blind_extraction_runs_on_every_document():
    """Every blind document is found and extracted; the scores are reported, never floored."""
    _texts()
    report = json.loads(heldout_docs.measure("json", gold_path=BLIND))
    assert report["documents_predicted"] == report["documents"] == len(_blind()["documents"])
    assert report["missing_documents"] == []
