"""Cleaning gate on the two origin documents: boilerplate gone, body kept, header metadata right.

The expectations are read from ../shared/gold/origin.json at test time (its
`documents` section); 100% is required. Run: `.venv/bin/pytest tests/golden/test_cleaning_gate.py`.
"""

from __future__ import annotations

import json

import pytest

from normwatch.model import RawDoc
from normwatch.settings import Settings
from normwatch.stages.clean import clean
from tests.conftest import shared_path

META_FIELDS = ("title", "publisher", "published", "language")


def _gold() -> dict:
    return json.loads(shared_path("gold", "origin.json").read_text(encoding="utf-8"))["documents"]


def _cleaned(name: str):
    path = shared_path("corpus", "origin", name)
    raw = path.read_text(encoding="utf-8")
    return raw, clean(RawDoc(source=str(path), raw_ref=str(path), content=raw, kind="text"), Settings())


def _check(name: str, gold: dict) -> None:
    raw, doc = _cleaned(name)
    leftovers = [s for s in gold["boilerplate_substrings"] if s in doc.text]
    missing = [s for s in gold["body_substrings"] if s not in doc.text]
    assert not leftovers, f"boilerplate left in {name}: {leftovers}"
    assert not missing, f"body lost from {name}: {missing}"
    for field in META_FIELDS:
        assert getattr(doc.meta, field) == gold[field], field
    # each anchor points at the same characters in the raw input
    assert doc.offset_map
    for c, r in doc.offset_map:
        assert doc.text[c : c + 20] == raw[r : r + 20]


@pytest.mark.corpus
def test_every_gold_document_passes_gate():
    gold = _gold()
    assert gold, "no documents in the gold file"
    for name, expected in gold.items():
        _check(name, expected)
