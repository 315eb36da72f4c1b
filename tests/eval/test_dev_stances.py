"""The stance development set of issue 11, session 4, is well formed and keeps to its rules:
speeches from sessions not reserved for evaluation, documents no other gold set holds, stances
on propositions and instruments the KB knows, forbidden readings that contradict no required one.

It is a development set (its misses were read while the stance code was generalised), so there
is no score floor here; print its numbers with
``NORMWATCH_MIN_TEXT_CHARS=20 .venv/bin/python tests/eval/heldout_docs.py --gold tests/eval/dev_stances/dev_stances.json``.
"""

from __future__ import annotations

import json
import re

from normwatch.kb import load_kb
from tests.eval import heldout_docs
from tests.eval import test_gold_files as gold_checks  # a module, so pytest does not collect its tests twice

DEV = heldout_docs.HERE / "dev_stances" / "dev_stances.json"
RESERVED = {62, 68, 69, 71, 73, 74, 76, 77, 79}


def _dev() -> dict:
    return heldout_docs.load(DEV)


def test_dev_stances_structure_ids_and_enums():
    gold_checks.test_structure_and_ids(DEV)
    gold_checks.test_enums(DEV)


def test_dev_stances_speeches_avoid_the_reserved_sessions():
    for key, d in _dev()["documents"].items():
        m = re.fullmatch(r"([A-Z]{3})_(\d+)_\d{4}\.txt", key)
        if m:
            assert int(m.group(2)) not in RESERVED, key
            assert d["speaker"] == f"state:{m.group(1)}", key


def test_dev_stances_is_disjoint_from_every_other_set():
    mine = set(_dev()["documents"])
    for f in heldout_docs.HERE.glob("*/*.json"):
        if f.resolve() == DEV.resolve() or f.parent.name == "sealed":
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("documents"), dict):
            assert not mine & set(data["documents"]), f.name


def test_dev_stances_targets_are_in_the_kb_and_forbidden_readings_contradict_no_required_one():
    kb = load_kb()
    data = _dev()
    for s in data["stances"] + data["forbidden_stances"]:
        assert kb.get(s["target"]), s["target"]
    required = {(s["doc"], s["affiliation"], s["target"], s["polarity"]) for s in data["stances"]}
    for f in data["forbidden_stances"]:
        assert (f["doc"], f["affiliation"], f["target"], f["polarity"]) not in required, f
