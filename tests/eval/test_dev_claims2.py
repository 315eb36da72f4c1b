"""The dev_claims2 development set (issue 11, session 4) is well formed and uses no reserved document.

It is a development set: its scores are reported in the README, never floored here.
"""

from __future__ import annotations

import json
from pathlib import Path

from normwatch.evaluate import load_gold
from normwatch.model import CERTAINTIES, CHANNELS

HERE = Path(__file__).parent
GOLD = HERE / "dev_claims2" / "dev_claims2.json"


def test_dev_claims2_loads_and_uses_the_contracts_values():
    gold = load_gold(GOLD)
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    assert len(gold.documents) == len(data["documents"]) == 15
    for c in data["claims"]:
        assert c["doc"] in data["documents"]
        assert c["accused"].startswith("state:") and c["certainty"] in CERTAINTIES and c["via"] in CHANNELS
    for f in data["forbidden_claims"]:
        assert f["doc"] in data["documents"] and f["why"]
    # some documents accuse nobody: they measure false accusations
    assert len(set(data["documents"]) - {c["doc"] for c in data["claims"]}) >= 4


def test_dev_claims2_uses_no_reserved_document():
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    reserved = set()
    for listing in (HERE / "sealed" / "DOCS.txt", HERE / "fresh" / "DOCS.txt"):
        if listing.exists():
            reserved |= {ln.strip() for ln in listing.read_text(encoding="utf-8").splitlines() if ln.strip()}
    assert not {d["source"] for d in data["documents"].values()} & reserved
