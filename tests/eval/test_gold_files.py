"""Every gold file is well formed and every string it quotes is really in its document.

A gold file that quotes text not in the document would punish a correct system, so
each quote and surface is checked against the real file under ../shared/corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from normwatch.evaluate import KINDS, Located, load_gold, normalise, score
from normwatch.model import CERTAINTIES, CHANNELS, POLARITIES, SUBSCRIPTION_ACTIONS
from tests.conftest import shared_path

GOLD_DIR = Path(__file__).parent / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
ID = re.compile(r"^(state:[A-Z]{3}|(org|person|instrument|proposition|incident|event|threat-actor):[a-z0-9]+(-[a-z0-9]+)*)$")
PROPOSITIONS = {"new-un-cybercrime-treaty", "binding-state-behaviour-treaty", "un-central-role",
                "international-law-applies", "voluntary-norms", "capacity-building", "international-cooperation",
                "cyber-sovereignty", "multistakeholder-governance", "cyber-arms-restraint",
                "free-flow-of-information",
                # added in issue 11
                "permanent-un-mechanism", "critical-infrastructure-protection", "state-responsibility-due-diligence",
                "substantiated-attribution", "public-core-internet", "supply-chain-integrity",
                "responsible-vulnerability-disclosure", "human-rights-online", "information-security-framing"}


def _data(f: Path) -> dict:
    return json.loads(f.read_text(encoding="utf-8"))


def _doc_text(key: str, doc: dict) -> str:
    path = shared_path("corpus", doc["source"]) if doc.get("source") else shared_path("corpus", "origin", key)
    return path.read_text(encoding="utf-8")


def test_enough_gold_documents():
    assert len(GOLD_FILES) >= 1
    assert sum(len(_data(f)["documents"]) for f in GOLD_FILES) >= 14


@pytest.mark.parametrize("f", GOLD_FILES, ids=lambda f: f.name)
def test_structure_and_ids(f: Path):
    data = _data(f)
    assert isinstance(data.get("about"), str) and data["about"]
    docs = data["documents"]
    for key, d in docs.items():
        assert "/" not in key, "document keys are base names"
        assert d.get("language") in (None, "en")
        if d.get("published") is not None:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["published"])
        if d.get("speaker") is not None:
            assert ID.match(d["speaker"])
    ids: list[str] = []
    for kind in (*KINDS, "forbidden_stances"):
        for it in data.get(kind) or []:
            assert it["doc"] in docs, f"{kind} item names unknown doc {it['doc']}"
            assert it.get("required", True) in (True, False)
            for field in ("id", "speaker", "affiliation", "actor", "target", "instrument", "incident", "event",
                          "victim"):
                if it.get(field) is not None:
                    ids.append(it[field])
            ids += it.get("participants") or []
            for a in it.get("attributions") or []:
                ids += [x for x in (a.get("accused"), a.get("claimant")) if x]
    bad = [i for i in ids if not ID.match(i)]
    assert not bad, f"malformed ids: {bad}"
    props = {i.split(":", 1)[1] for i in ids if i.startswith("proposition:")}
    assert props <= PROPOSITIONS, f"unknown propositions: {props - PROPOSITIONS}"


@pytest.mark.parametrize("f", GOLD_FILES, ids=lambda f: f.name)
def test_enums(f: Path):
    data = _data(f)
    for s in data.get("statements") or []:
        assert isinstance(s["direct"], bool)
        assert s["speaker"] and s["quote"]
    for s in (data.get("stances") or []) + (data.get("forbidden_stances") or []):
        assert s["polarity"] in POLARITIES
        assert s["target"].startswith(("proposition:", "instrument:"))
    for s in data.get("subscriptions") or []:
        assert s["action"] in SUBSCRIPTION_ACTIONS
        assert s["instrument"].startswith("instrument:")
    for inc in data.get("incidents") or []:
        assert inc["incident"].startswith("incident:")
        for a in inc.get("attributions") or []:
            assert a["certainty"] in CERTAINTIES
            assert a["via"] in CHANNELS
    for e in data.get("events") or []:
        for k in ("start", "end"):
            assert e.get(k) is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", e[k])


@pytest.mark.corpus
def missing_strings(data: dict, texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(document, kind, string) for each body, boilerplate, quote or surface string not in its document."""
    missing = []
    for key, d in data["documents"].items():
        loc = Located(texts[key])
        strings = [("body", s) for s in d.get("body_substrings") or []]
        strings += [("boilerplate", s) for s in d.get("boilerplate_substrings") or []]
        strings += [("quote", s["quote"]) for s in data.get("statements") or [] if s["doc"] == key]
        strings += [("surface", x) for m in data.get("instrument_mentions") or [] if m["doc"] == key
                    for x in m["surface"]]
        missing += [(key, kind, s) for kind, s in strings if not loc.contains(s)]
    return missing


def predictions_from_gold(gold, texts: dict[str, str]) -> list[dict]:
    """Predictions built from the gold itself, spans located in the real text: they must score 1.0."""
    preds = []
    for key, gd in gold.documents.items():
        loc = Located(texts[key])
        of = lambda kind: [dict(it) for it in gold.of(kind, key)]  # noqa: E731
        preds.append({
            "doc": {"source": "/somewhere/" + key, "text": texts[key], **gd.meta},
            "actors": of("actors"), "stances": of("stances"), "subscriptions": of("subscriptions"),
            "incidents": of("incidents"), "events": of("events"),
            "statements": [{**s, "span": list(loc.find(s["quote"])[0])} for s in of("statements")],
            "instrument_mentions": [{"instrument": m["instrument"], "span": list(loc.find(m["surface"][0])[0])}
                                    for m in of("instrument_mentions")],
        })
    return preds


@pytest.mark.parametrize("f", GOLD_FILES, ids=lambda f: f.name)
def test_quotes_and_surfaces_are_in_the_documents(f: Path):
    data = _data(f)
    missing = missing_strings(data, {key: _doc_text(key, d) for key, d in data["documents"].items()})
    assert not missing, f"not found in the document text: {missing}"


@pytest.mark.corpus
def test_gold_scores_itself_perfectly():
    """Predictions built from the gold (spans located in the real text) must score 1.0 on every kind."""
    gold = load_gold(GOLD_DIR)
    texts = {key: shared_path("corpus", gd.source).read_text(encoding="utf-8") for key, gd in gold.documents.items()}
    preds = predictions_from_gold(gold, texts)
    report = score(gold, preds)
    for name, k in report.kinds.items():
        assert (k.fp, k.fn) == (0, 0), (name, k.false_positives, k.misses)
    assert not report.forbidden
    assert not report.unlocated
    for name, (agree, n) in report.checks.items():
        if name != "boilerplate_absent":  # the raw file still holds its boilerplate
            assert agree == n, name
    assert normalise("a \n b") == "a b"
