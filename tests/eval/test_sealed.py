"""The sealed blind set of session 4 is well formed, has the mix tests/eval/sealed/DOCS.txt fixed,
stays apart from every other gold set and test file, and quotes only what its documents say.

Structural checks only, on purpose: nothing here extracts or scores the sealed documents. The set is
the final judge of issue 11's extraction work and is worth something only as long as nobody ran the
extractor on it or read its misses; the coordinator scores it with
``NORMWATCH_MIN_TEXT_CHARS=20 .venv/bin/python tests/eval/heldout_docs.py --gold tests/eval/sealed/sealed.json``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from normwatch.evaluate import load_gold
from tests.conftest import shared_path
from tests.eval import blind_checks, heldout_docs
from tests.eval.blind_checks import CFR, DCID, RESERVED_SESSIONS, ROOT, TESTS

SEALED_DIR = heldout_docs.HERE / "sealed"
SEALED = SEALED_DIR / "sealed.json"
DOCS_LIST = SEALED_DIR / "DOCS.txt"
#: how many documents of each kind DOCS.txt fixed
MIX = {"news": 12, "official": 6, "analysis": 2, "speeches": 12, "cfr": 8, "dcid": 4}
#: the CFR rows whose Sponsor cell is empty: the false-accusation base
AT_LEAST_SPONSORLESS = 3


def _sealed() -> dict:
    return heldout_docs.load(SEALED)


def _kind(d: dict) -> str:
    if d.get("derived_from"):
        return "dcid" if Path(d["derived_from"]["file"]).name.startswith("DCID") else "cfr"
    source = d.get("source") or ""
    if source.startswith("ungdc-cyber/"):
        return "speeches"
    name = Path(source).name
    return "official" if name.startswith("whitehouse_") else "analysis" if name.startswith("pen0_") else "news"


def _listed() -> list[tuple[str, int | None]]:
    """DOCS.txt as (corpus path, 0-based data row or None) pairs."""
    out = []
    for line in DOCS_LIST.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            path, _, row = line.partition(" row ")
            out.append((path, int(row) if row else None))
    return out


def _accusations(data: dict) -> list[tuple[str, dict]]:
    """(document, claim) for every accusation of the file: incidents' attributions and top-level claims."""
    return ([(i["doc"], a) for i in data.get("incidents") or [] for a in i["attributions"]]
            + [(c["doc"], c) for c in data.get("claims") or []])


def test_sealed_structure_ids_and_enums():
    blind_checks.structure_and_enums(SEALED)
    load_gold(SEALED)  # parses as the scorer reads it (a GoldError otherwise); no document is read


def test_sealed_holds_exactly_the_documents_docs_txt_fixed():
    docs = _sealed()["documents"]
    listed = _listed()
    assert len(docs) == len(listed) == sum(MIX.values())
    got = {(d["derived_from"]["file"], d["derived_from"]["row"]) if d.get("derived_from") else (d["source"], None)
           for d in docs.values()}
    assert got == set(listed)
    for key, d in docs.items():
        if d.get("derived_from"):
            prefix = "dcid" if _kind(d) == "dcid" else "cfr"
            assert key == f"{prefix}_row_{d['derived_from']['row']}.jsonl", key
            assert d["derived_from"]["file"] in (CFR, DCID), key
        else:
            assert key == Path(d["source"]).name, key


def test_sealed_has_the_promised_mix_and_no_reserved_session():
    docs = _sealed()["documents"]
    counts = {k: 0 for k in MIX}
    for d in docs.values():
        counts[_kind(d)] += 1
    assert counts == MIX
    for key, d in docs.items():
        if _kind(d) == "speeches":
            state_session = blind_checks.speech_session(d)
            assert state_session and state_session[1] not in RESERVED_SESSIONS, key
            assert d.get("speaker") == f"state:{state_session[0]}", key
        if d.get("derived_from"):
            assert d["derived_from"]["row"] % 2 == 1, f"{key}: even rows are the development half"


def test_sealed_annotates_every_kind():
    """Each kind the scorer counts has required items, and a careless reading has something to fall into."""
    data = _sealed()
    for kind in ("actors", "statements", "stances", "instrument_mentions", "incidents", "subscriptions"):
        assert any(it.get("required", True) for it in data[kind]), kind
    assert data["forbidden_stances"] and data["forbidden_claims"]
    required = [a for _, a in _accusations(data) if a.get("required", True)]
    assert {a["certainty"] for a in required} >= {"official", "alleged", "suspected"}
    speeches = {k for k, d in data["documents"].items() if _kind(d) == "speeches"}
    speakers = {s["doc"] for s in data["statements"] if s["doc"] in speeches}
    assert len(speakers) == len(speeches)  # every speech has its cyber sentences (some only optional ones)


def test_sealed_is_disjoint_from_every_other_gold_set():
    here = heldout_docs.HERE
    files = [*sorted((here / "gold").glob("*.json")), here / "heldout" / "heldout.json", here / "blind" / "blind.json",
             here / "blind40" / "blind40.json", here / "dev_claims" / "dev_claims.json"]
    sealed, others = _sealed()["documents"], blind_checks.documents_of(files, origin=True)
    assert not set(sealed) & set(others)
    assert not blind_checks.source_names(sealed) & blind_checks.source_names(others)
    assert not blind_checks.dataset_rows(sealed) & blind_checks.dataset_rows(others)


def test_sealed_documents_appear_in_no_other_test_or_bench_file():
    """A document named by another test, gold or bench file may already have shaped the extractor."""
    def prefix(d: dict) -> str:
        return f"{'dcid' if 'DCID' in d['derived_from']['file'] else 'cfr'}_row_"

    patterns = blind_checks.naming_patterns(_sealed()["documents"], prefix)
    hits = blind_checks.files_naming(patterns, [TESTS, ROOT / "bench"], {SEALED, DOCS_LIST, Path(__file__)})
    assert not hits, hits


def test_sealed_forbidden_claims_contradict_no_gold_claim():
    data = _sealed()
    accused = {(doc, a["accused"]) for doc, a in _accusations(data) if a["certainty"] != "denied"}
    assert not {(f["doc"], f["accused"]) for f in data["forbidden_claims"]} & accused
    stances = {(s["doc"], s["target"], s["polarity"], x)
               for s in data["stances"] for x in (s["actor"], s["affiliation"])}
    assert not {(f["doc"], f["target"], f["polarity"], f["affiliation"]) for f in data["forbidden_stances"]} & stances


@pytest.mark.corpus
def test_sealed_cfr_rows_include_sponsorless_ones_that_accuse_nobody():
    """False accusations are measurable: CFR rows with no coded sponsor whose text accuses nobody."""
    path = shared_path("corpus", *CFR.split("/"))
    data = _sealed()
    keys = {d["derived_from"]["row"]: k for k, d in data["documents"].items() if _kind(d) == "cfr"}
    with path.open(encoding="utf-8", newline="") as f:
        sponsorless = [keys[i] for i, r in enumerate(csv.DictReader(f)) if i in keys and not r["Sponsor"].strip()]
    accused = {doc for doc, a in _accusations(data) if a["certainty"] != "denied"}
    assert len([k for k in sponsorless if k not in accused]) >= AT_LEAST_SPONSORLESS


@pytest.mark.corpus
def test_sealed_quotes_and_surfaces_are_in_the_documents():
    missing = blind_checks.missing_strings(_sealed(), blind_checks.texts(_sealed(), CFR, DCID))
    assert not missing, f"not found in the document text: {missing}"


@pytest.mark.corpus
def test_sealed_row_documents_carry_title_and_date(tmp_path):
    assert not blind_checks.row_documents_problems(_sealed(), tmp_path)
