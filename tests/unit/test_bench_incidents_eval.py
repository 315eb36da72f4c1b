"""bench/incidents_eval.py counts false accusations: rows with no coded sponsor that get an accused state (issue 11)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "incidents_eval.py"


def _bench():
    spec = importlib.util.spec_from_file_location("incidents_eval", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def test_false_accusation_share_counts_only_rows_without_a_coded_sponsor():
    b = _bench()
    rows = [b.Row("cfr", "cfr:2", 0, "t", "x", None, {"state:RUS"}, "Russian Federation", predicted={"state:RUS"}),
            b.Row("cfr", "cfr:3", 1, "t", "x", None, set(), "", predicted={"state:CHN"}),
            b.Row("cfr", "cfr:4", 2, "t", "x", None, set(), "  ", predicted=set()),
            # a sponsor that is no state ("Government") is coded, so it is not a sponsor-less row
            b.Row("cfr", "cfr:5", 3, "t", "x", None, set(), "Government", predicted={"state:IRN"})]
    res = b.score(rows, 0)
    assert (res["rows_without_sponsor"], res["rows_without_sponsor_given_a_state"]) == (2, 1)
    assert res["false_accusation_share"] == 0.5
    assert res["fp_on_rows_without_gold"] == 2 and res["tp"] == 1
    assert [r["row"] for r in b.score(rows, 5)["example_false_accusations"]] == ["cfr:3"]


def test_false_accusation_share_is_none_without_sponsorless_rows():
    b = _bench()
    rows = [b.Row("dcid", "dcid:2", 0, "t", "x", None, {"state:USA"}, "US", predicted=set())]
    assert b.score(rows, 0)["false_accusation_share"] is None


def test_halves_split_by_zero_based_data_row():
    """Odd 0-based data rows are the held-out half; even rows the development half (issue 11)."""
    b = _bench()
    rows = [b.Row("cfr", f"cfr:{i + 2}", i, "t", "x", None, set(), "") for i in range(5)]
    assert [r.index for r in b.half(rows, "even")] == [0, 2, 4]
    assert [r.index for r in b.half(rows, "odd")] == [1, 3]
    assert b.half(rows, "all") == rows


def test_sealed_rows_are_read_from_the_list(tmp_path):
    b = _bench()
    f = tmp_path / "DOCS.txt"
    f.write_text("# header\nnews-text/x.txt\nincidents/a.csv row 5\nincidents/a.csv row 7\nincidents/b.csv row 1\n")
    assert b.sealed_rows(f) == {"a.csv": {5, 7}, "b.csv": {1}}
    assert b.sealed_rows(tmp_path / "missing.txt") == {}
    g = tmp_path / "FRESH.txt"
    g.write_text("incidents/a.csv row 9\n")
    assert b.sealed_rows(f, g) == {"a.csv": {5, 7, 9}, "b.csv": {1}}
    assert {5, 175} <= b.sealed_rows().get(b.CFR.name, {5, 175})  # a sealed row and a fresh row


def test_both_blind_lists_are_reserved():
    b = _bench()
    assert [p.parent.name for p in b.RESERVED_LISTS] == ["sealed", "fresh"]


def test_text_ceiling_counts_sponsors_the_text_mentions_and_rows_naming_an_actor():
    b = _bench()
    rows = [b.Row("cfr", "cfr:0", 0, "t", "x", None, {"state:RUS", "state:BLR"}, "Russia, Belarus",
                  mentioned={"state:RUS", "state:UKR"}),
            b.Row("cfr", "cfr:1", 1, "t", "x", None, {"state:CHN"}, "China", names_actor=True),
            b.Row("cfr", "cfr:2", 2, "t", "x", None, {"state:IRN"}, "Iran")]
    ceiling = b.score(rows, 0)["text_ceiling"]
    assert ceiling == {"sponsor_mentioned": 0.25, "sponsor_or_actor_mentioned": 0.5}
    assert b.score([], 0)["text_ceiling"] == {"sponsor_mentioned": None, "sponsor_or_actor_mentioned": None}
