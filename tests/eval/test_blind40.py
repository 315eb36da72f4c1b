"""The issue-11 blind set ("blind40") is well formed, has the promised mix of documents, stays apart
from every other gold and test document, and quotes only what its documents really say.

Nobody tunes on it, so there is deliberately no score floor here: print its numbers with
``.venv/bin/python tests/eval/heldout_docs.py --gold tests/eval/blind40/blind40.json``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from normwatch.evaluate import KINDS, load_gold, score
from tests.conftest import shared_path
from tests.eval import blind_checks, heldout_docs
from tests.eval import test_gold_files as gold_checks  # a module, so pytest does not collect its tests twice
from tests.eval.blind_checks import CFR, DCID, RESERVED_SESSIONS, ROOT, TESTS

BLIND40 = heldout_docs.HERE / "blind40" / "blind40.json"
#: official statements among the news-text documents: five attributions or denials (or the report of
#: one: the EU's, the White House's, China's denial, the UK's) and one statement of cyber diplomacy
OFFICIAL = {"whitehouse_0019.txt", "whitehouse_0025.txt", "articleMD_0006.txt", "articleMD_0050.txt",
            "articleMD_0083.txt", "securityfeed_0012.txt"}
#: short incident summaries fall under the default min_text_chars (200); they are scored as bench/incidents_eval.py runs them
MIN_TEXT_CHARS = "20"
#: the mix the brief of issue 11 asks for: at least this many of each kind
AT_LEAST = {"news": 12, "official": 6, "speeches": 12, "cfr": 8, "dcid": 3}


def _blind40() -> dict:
    return heldout_docs.load(BLIND40)


def _kind(key: str, d: dict) -> str:
    if d.get("derived_from"):
        return "dcid" if Path(d["derived_from"]["file"]).name.startswith("DCID") else "cfr"
    if (d.get("source") or "").startswith("ungdc-cyber/"):
        return "speeches"
    return "official" if key in OFFICIAL else "news"


def _other_gold_files() -> list[Path]:
    here = heldout_docs.HERE
    return [*sorted((here / "gold").glob("*.json")), here / "heldout" / "heldout.json", here / "blind" / "blind.json",
            here / "sealed" / "sealed.json"]


def _texts() -> dict[str, str]:
    return blind_checks.texts(_blind40(), CFR, DCID)


def test_blind40_structure_ids_and_enums():
    blind_checks.structure_and_enums(BLIND40)


def test_blind40_has_the_promised_mix_of_documents():
    docs = _blind40()["documents"]
    assert len(docs) >= 40
    counts = {k: 0 for k in AT_LEAST}
    for key, d in docs.items():
        counts[_kind(key, d)] += 1
    assert all(counts[k] >= n for k, n in AT_LEAST.items()), counts
    assert OFFICIAL <= set(docs)
    for key, d in docs.items():
        if _kind(key, d) == "speeches":
            state_session = blind_checks.speech_session(d)
            assert state_session and state_session[1] not in RESERVED_SESSIONS, key
            assert d.get("speaker") == f"state:{state_session[0]}", key


def test_blind40_official_documents_carry_an_official_claim_or_a_denial():
    """The 'official' documents speak for governments; five of them hold a formal attribution or a denial."""
    data = _blind40()
    with_claim = set()
    for key in OFFICIAL:
        claims = [a for i in data["incidents"] if i["doc"] == key for a in i["attributions"] if a.get("required", True)]
        if any(a["claimant"] and a["certainty"] in {"official", "denied"} for a in claims):
            with_claim.add(key)
        speakers = {s["affiliation"] for s in data["statements"] if s["doc"] == key and s.get("required", True)}
        assert any((a or "").startswith(("state:", "org:eu")) for a in speakers), key
    assert len(with_claim) >= 5, OFFICIAL - with_claim
    denials = [a for i in data["incidents"] for a in i["attributions"] if a["certainty"] == "denied"]
    assert len({a["accused"] for a in denials}) >= 2


def test_blind40_is_disjoint_from_every_other_gold_set():
    blind = _blind40()["documents"]
    others = blind_checks.documents_of(_other_gold_files(), origin=True)
    assert not set(blind) & set(others)
    assert not blind_checks.source_names(blind) & blind_checks.source_names(others)
    assert not blind_checks.dataset_rows(blind) & blind_checks.dataset_rows(others)


def _row_prefix(d: dict) -> str:
    """A dataset row is named by its key (cfr_row_N, dcid_row_N)."""
    return f"{'dcid' if 'DCID' in d['derived_from']['file'] else 'cfr'}_row_"


def test_blind40_documents_appear_in_no_other_test_or_bench_file():
    """A document named by another test, gold or bench file may already have shaped the extractor."""
    patterns = blind_checks.naming_patterns(_blind40()["documents"], _row_prefix)
    hits = blind_checks.files_naming(patterns, [TESTS, ROOT / "bench"], {BLIND40, Path(__file__)})
    assert not hits, hits


@pytest.mark.corpus
def test_blind40_cfr_rows_include_sponsorless_ones_that_accuse_nobody():
    """False accusations are measurable: at least three CFR rows have no coded sponsor and no accused state."""
    path = shared_path("corpus", *CFR.split("/"))
    data = _blind40()
    keys = {d["derived_from"]["row"]: k for k, d in data["documents"].items() if _kind(k, d) == "cfr"}
    with path.open(encoding="utf-8", newline="") as f:
        sponsorless = [keys[i] for i, r in enumerate(csv.DictReader(f)) if i in keys and not r["Sponsor"].strip()]
    accused = {i["doc"] for i in data["incidents"] for a in i["attributions"] if a["certainty"] != "denied"}
    assert len([k for k in sponsorless if k not in accused]) >= 3
    assert len({r for r in keys}) == len(keys) >= AT_LEAST["cfr"]


@pytest.mark.corpus
def test_blind40_quotes_and_surfaces_are_in_the_documents():
    missing = blind_checks.missing_strings(_blind40(), _texts())
    assert not missing, f"not found in the document text: {missing}"


@pytest.mark.corpus
def test_blind40_row_documents_carry_title_and_date(tmp_path):
    assert not blind_checks.row_documents_problems(_blind40(), tmp_path)


@pytest.mark.corpus
def test_dcid_rows_become_their_political_objective():
    """A DCID row's document is its "Political Objective" cell, not a CFR Description (which DCID lacks)."""
    path = shared_path("corpus", *DCID.split("/"))
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        first = next(csv.DictReader(f))
    rec = heldout_docs.row_record(shared_path("corpus"), {"file": DCID, "row": 0})
    assert rec["text"] == first["Political Objective"].strip()
    assert rec["title"] == first["Name"].strip()


@pytest.mark.corpus
def test_blind40_gold_scores_itself_perfectly():
    """Predictions built from the gold itself score 1.0 on every kind and on accused states per document."""
    data, gold, texts = _blind40(), load_gold(BLIND40), _texts()
    preds = gold_checks.predictions_from_gold(gold, texts)
    report = score(gold, preds)
    for name in KINDS:
        k = report.kinds[name]
        assert (k.fp, k.fn) == (0, 0), (name, k.misses, k.false_positives)
    assert not report.forbidden and not report.unlocated
    assert report.documents_predicted == report.documents == len(gold.documents)
    acc = heldout_docs.accused_state_scores(data, gold, preds)
    assert (acc["accused-state"]["P"], acc["accused-state"]["R"]) == (1.0, 1.0)
    assert (acc["denied-state"]["P"], acc["denied-state"]["R"]) == (1.0, 1.0)
    assert acc["false-accusations"]["given_a_state"] == 0


@pytest.mark.corpus
def test_accused_state_scores_count_a_false_accusation_and_a_miss():
    """Accusing a state in a document whose gold accuses nobody is a false accusation; dropping one is a miss."""
    data, gold, texts = _blind40(), load_gold(BLIND40), _texts()
    preds = gold_checks.predictions_from_gold(gold, texts)
    clean = next(k for k in data["documents"] if k.startswith("cfr_row_")
                 and not any(i["attributions"] for i in data["incidents"] if i["doc"] == k))
    accusing = next(k for k, d in data["documents"].items() if any(
        a.get("required", True) and a["certainty"] != "denied" and i.get("required", True)
        for i in data["incidents"] if i["doc"] == k for a in i["attributions"]))
    for p in preds:
        key = Path(p["doc"]["source"]).name
        if key == clean:
            p["incidents"] = [{"incident": "incident:x", "attributions": [{"accused": "state:FRA", "certainty": "alleged"}]}]
        if key == accusing:
            p["incidents"] = []
    acc = heldout_docs.accused_state_scores(data, gold, preds)
    assert acc["false-accusations"]["documents"] == [clean]
    assert f"{clean}: state:FRA" in acc["accused-state"]["false_positives"]
    assert acc["accused-state"]["fn"] >= 1 and acc["accused-state"]["R"] < 1.0 and acc["accused-state"]["P"] < 1.0


@pytest.mark.slow
@pytest.mark.corpus
def test_blind40_extraction_runs_on_every_document(monkeypatch):
    """Every blind40 document is found and extracted; the scores are reported, never floored."""
    _texts()
    monkeypatch.setenv("NORMWATCH_MIN_TEXT_CHARS", MIN_TEXT_CHARS)
    report = json.loads(heldout_docs.measure("json", gold_path=BLIND40))
    assert report["documents_predicted"] == report["documents"] == len(_blind40()["documents"])
    assert report["missing_documents"] == []
    assert set(report["per_document"]) == {"accused-state", "denied-state", "false-accusations"}
