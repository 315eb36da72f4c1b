"""The scorer on small hand-made gold + prediction pairs, and the eval command in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from normwatch.evaluate import GoldError, eval_command, format_report, load_gold, role_agrees, score

TEXT = ("Intro line.\nThe minister said: \"We are  not ready for a new treaty.\" "
        "She backs the Budapest Convention. Others disagree.")
QUOTE = "We are not ready for a new treaty."   # whitespace differs from TEXT on purpose
Q0 = TEXT.index("We are")
Q1 = TEXT.index("treaty.") + len("treaty.")
B0 = TEXT.index("Budapest")

GOLD = {
    "about": "test",
    "documents": {"doc1.txt": {"title": "T", "publisher": "P", "published": "2015-04-17", "language": "en",
                               "boilerplate_substrings": ["Subscribe now"], "body_substrings": ["Others disagree."]}},
    "actors": [{"doc": "doc1.txt", "id": "person:jane-roe", "name": "Jane Roe", "role": "Foreign Minister",
                "affiliation": "state:AUS"}],
    "statements": [{"doc": "doc1.txt", "speaker": "person:jane-roe", "affiliation": "state:AUS", "direct": True,
                    "quote": QUOTE}],
    "stances": [
        {"doc": "doc1.txt", "actor": "person:jane-roe", "affiliation": "state:AUS",
         "target": "proposition:new-un-cybercrime-treaty", "polarity": "oppose"},
        {"doc": "doc1.txt", "actor": "person:jane-roe", "affiliation": "state:AUS",
         "target": "instrument:budapest-convention", "polarity": "support", "required": False},
    ],
    "forbidden_stances": [{"doc": "doc1.txt", "affiliation": "state:AUS",
                           "target": "proposition:new-un-cybercrime-treaty", "polarity": "support", "why": "negated"}],
    "subscriptions": [{"doc": "doc1.txt", "actor": "state:AUS", "instrument": "instrument:budapest-convention",
                       "action": "ratified"}],
    "instrument_mentions": [{"doc": "doc1.txt", "instrument": "instrument:budapest-convention",
                             "surface": ["Budapest Convention"]}],
    "incidents": [{"doc": "doc1.txt", "incident": "incident:estonia-2007", "victim": "state:EST", "type": "ddos",
                   "attributions": [{"accused": "state:RUS", "certainty": "suspected", "via": "patriotic-hackers"}]}],
    "events": [{"doc": "doc1.txt", "event": "event:gccs-2015", "place": "The Hague", "start": "2015-04-16",
                "end": "2015-04-17", "participants": ["person:jane-roe", "person:john-doe"], "outcome": "consensus"}],
}


def perfect() -> dict:
    return {
        "doc": {"source": "/data/in/doc1.txt", "text": TEXT, "title": "T", "publisher": "P",
                "published": "2015-04-17", "language": "en"},
        "actors": [{"id": "person:jane-roe", "role": "Minister for Foreign Affairs", "affiliation": "state:AUS"}],
        "statements": [{"speaker": "person:jane-roe", "affiliation": "state:AUS", "direct": True, "span": [Q0, Q1]}],
        "stances": [{"actor": "person:jane-roe", "affiliation": "state:AUS",
                     "target": "proposition:new-un-cybercrime-treaty", "polarity": "oppose"}],
        "subscriptions": [{"actor": "state:AUS", "instrument": "instrument:budapest-convention", "action": "ratified"}],
        "instrument_mentions": [{"instrument": "instrument:budapest-convention", "span": [B0, B0 + 8]}],
        "incidents": [{"incident": "incident:estonia-2007", "victim": "state:EST", "type": "ddos",
                       "attributions": [{"accused": "state:RUS", "claimant": None, "certainty": "suspected",
                                         "via": "patriotic-hackers"}]}],
        "events": [{"event": "event:gccs-2015", "place": "The Hague, Netherlands", "start": "2015-04-16",
                    "end": "2015-04-17", "participants": ["person:jane-roe"], "outcome": "x"}],
    }


@pytest.fixture
def gold(tmp_path: Path):
    p = tmp_path / "g.json"
    p.write_text(json.dumps(GOLD))
    return load_gold(p)


HEAD = ("actors", "statements", "stances", "subscriptions", "instrument_mentions", "attributions", "incidents",
        "events")


def test_perfect_prediction(gold):
    r = score(gold, [perfect()])
    for k in HEAD:
        assert (r.kinds[k].f1, r.kinds[k].fp, r.kinds[k].fn) == (1.0, 0, 0), k
    assert r.forbidden == []
    assert r.checks["title"] == [1, 1] and r.checks["published"] == [1, 1]
    assert r.checks["boilerplate_absent"] == [1, 1] and r.checks["body_present"] == [1, 1]
    assert r.checks["actor_affiliation"] == [1, 1] and r.checks["actor_role"] == [1, 1]
    assert r.checks["event_place"] == [1, 1]
    part = r.kinds["event_participants"]
    assert (part.tp, part.fn, part.fp) == (1, 1, 0)


def test_empty_prediction_and_missing_document(gold):
    r = score(gold, [])
    assert r.missing_documents == ["doc1.txt"]
    for k in HEAD:
        assert r.kinds[k].tp == 0 and r.kinds[k].recall == 0.0 and r.kinds[k].f1 == 0.0, k
    assert r.kinds["stances"].fn == 1  # the required:false stance is not a miss
    empty = perfect()
    for k in HEAD[:5] + ("incidents", "events"):
        empty[k] = []
    r = score(gold, [empty])
    assert r.missing_documents == [] and r.kinds["statements"].fn == 1 and r.kinds["statements"].fp == 0


def test_one_false_positive(gold):
    p = perfect()
    p["statements"].append({"speaker": "person:jane-roe", "affiliation": "state:AUS", "direct": True,
                            "span": [0, 10]})
    p["subscriptions"].append({"actor": "state:JPN", "instrument": "instrument:budapest-convention",
                               "action": "ratified"})
    r = score(gold, [p])
    st = r.kinds["statements"]
    assert (st.tp, st.fp, st.fn) == (1, 1, 0) and st.precision == 0.5 and st.recall == 1.0
    assert abs(st.f1 - 2 / 3) < 1e-9
    assert (r.kinds["subscriptions"].tp, r.kinds["subscriptions"].fp) == (1, 1)


def test_overlap_matching_and_greedy_one_to_one(gold):
    p = perfect()
    # a span covering only part of the quote still matches; a second overlapping one is an extra
    p["statements"] = [{"speaker": "person:jane-roe", "direct": True, "span": [Q0 + 3, Q0 + 8]},
                       {"speaker": "person:jane-roe", "direct": True, "span": [Q0 - 20, Q1 + 5]}]
    st = score(gold, [p]).kinds["statements"]
    assert (st.tp, st.fp, st.fn) == (1, 1, 0)
    # touching but not overlapping does not match
    p["statements"] = [{"speaker": "person:jane-roe", "direct": True, "span": [0, Q0]}]
    st = score(gold, [p]).kinds["statements"]
    assert (st.tp, st.fp, st.fn) == (0, 1, 1)
    # right span, wrong speaker or wrong `direct`: not a match, but the span-only row counts it
    for bad in ({"speaker": "person:john-doe", "direct": True}, {"speaker": "person:jane-roe", "direct": False}):
        p["statements"] = [{**bad, "span": [Q0, Q1]}]
        r = score(gold, [p])
        assert r.kinds["statements"].tp == 0 and r.kinds["statements~span"].tp == 1


def test_state_speaker_matches_by_affiliation(tmp_path):
    g = {"about": "t", "documents": {"EST_74_2019.txt": {"source": "ungdc-cyber/EST_74_2019.txt",
                                                          "speaker": "state:EST"}},
         "statements": [{"doc": "EST_74_2019.txt", "speaker": "state:EST", "direct": True, "quote": QUOTE}]}
    (tmp_path / "g.json").write_text(json.dumps(g))
    gold = load_gold(tmp_path)
    pred = {"doc": {"source": "EST_74_2019.txt", "text": TEXT},
            "statements": [{"speaker": "person:jane-roe", "affiliation": "state:EST", "direct": True,
                            "span": [Q0, Q1]}]}
    assert score(gold, [pred]).kinds["statements"].tp == 1


def test_person_ids_in_another_name_order_agree_but_other_people_do_not():
    from normwatch.evaluate.scoring import same_id

    assert same_id("person:lijian-zhao", "person:zhao-lijian")
    assert not same_id("person:lijian-zhao", "person:zhao-wei")
    assert not same_id("org:a-b", "org:b-a")  # organisations have canonical ids
    assert same_id(None, None) and not same_id("person:x", None)


def test_required_false_handling(gold):
    p = perfect()
    p["stances"].append({"actor": "state:AUS", "affiliation": None, "target": "instrument:budapest-convention",
                         "polarity": "support"})
    st = score(gold, [p]).kinds["stances"]
    # the optional stance, matched by affiliation, is a true positive and no false positive
    assert (st.gold, st.optional, st.tp, st.fp, st.fn) == (1, 1, 2, 0, 0)
    assert st.recall == 1.0 and st.precision == 1.0


def test_repeated_stance_is_a_duplicate_not_an_error(gold):
    p = perfect()
    p["stances"].append({"actor": "state:AUS", "affiliation": None, "target": "proposition:new-un-cybercrime-treaty",
                         "polarity": "oppose"})
    st = score(gold, [p]).kinds["stances"]
    assert (st.tp, st.fp, st.duplicates) == (1, 0, 1)


def test_forbidden_stances_are_counted(gold):
    p = perfect()
    p["stances"] = [{"actor": "person:jane-roe", "affiliation": "state:AUS",
                     "target": "proposition:new-un-cybercrime-treaty", "polarity": "support"}]
    r = score(gold, [p])
    assert len(r.forbidden) == 1 and r.kinds["stances"].fp == 1 and r.kinds["stances"].fn == 1
    assert "forbidden stances predicted: 1" in format_report(r)
    assert json.loads(format_report(r, "json"))["forbidden_stances"] == 1


def test_basename_matching_and_unmatched_predictions(tmp_path):
    g = dict(GOLD)
    g["documents"] = {"doc1.txt": {**GOLD["documents"]["doc1.txt"], "source": "news-text/original-name.txt"}}
    (tmp_path / "g.json").write_text(json.dumps(g))
    gold = load_gold(tmp_path / "g.json")
    p = perfect()
    p["doc"]["source"] = "C:\\corpus\\news-text\\original-name.txt"
    other = {"doc": {"source": "https://example.org/elsewhere.txt", "text": "x"}}
    r = score(gold, [p, other])
    assert r.documents_predicted == 1 and r.unmatched_predictions == 1
    assert r.kinds["statements"].tp == 1


def test_instrument_mentions_strict_and_doc_level(gold):
    p = perfect()
    p["instrument_mentions"] = [{"instrument": "instrument:budapest-convention", "span": [0, 5]}]
    r = score(gold, [p])
    assert r.kinds["instrument_mentions"].tp == 0 and r.kinds["instrument_mentions~doc"].tp == 1


def test_attribution_fields_must_agree(gold):
    p = perfect()
    p["incidents"][0]["attributions"][0]["via"] = "state-organ"
    r = score(gold, [p])
    assert r.kinds["attributions"].tp == 0 and r.kinds["attributions~accused"].tp == 1


def test_role_agreement_is_loose():
    assert role_agrees("Foreign Minister", "Minister for Foreign Affairs")
    assert role_agrees("Vice President of Security", "Vice President")
    assert not role_agrees("Ambassador to the Netherlands", "Foreign Minister")
    assert not role_agrees("Ambassador", None)


def test_bad_gold_files(tmp_path):
    (tmp_path / "a.json").write_text("{not json")
    with pytest.raises(GoldError, match="NW900"):
        load_gold(tmp_path / "a.json")
    (tmp_path / "a.json").write_text(json.dumps({"documents": {}, "stances": [{"doc": "nope"}]}))
    with pytest.raises(GoldError, match="unknown document"):
        load_gold(tmp_path / "a.json")
    (tmp_path / "a.json").write_text(json.dumps(GOLD))
    (tmp_path / "b.json").write_text(json.dumps(GOLD))
    with pytest.raises(GoldError, match="twice"):
        load_gold(tmp_path)


def test_eval_command_text_and_json(tmp_path):
    (tmp_path / "g.json").write_text(json.dumps(GOLD))
    (tmp_path / "p.jsonl").write_text(json.dumps(perfect()) + "\n")
    runner = CliRunner()
    res = runner.invoke(eval_command, [str(tmp_path / "g.json"), str(tmp_path / "p.jsonl")])
    assert res.exit_code == 0, res.output
    assert "documents: 1/1 predicted" in res.output
    assert "required stances found 1/1" in res.output
    line = next(x for x in res.output.splitlines() if x.startswith("statements "))
    assert line.split()[1:] == ["1", "0", "1", "1", "0", "0", "1.000", "1.000", "1.000"]
    res = runner.invoke(eval_command, [str(tmp_path), str(tmp_path / "p.jsonl"), "--format", "json"])
    data = json.loads(res.output)
    assert data["kinds"]["stances"]["f1"] == 1.0 and data["forbidden_stances"] == 0


def test_eval_command_usage_errors(tmp_path):
    (tmp_path / "g.json").write_text(json.dumps(GOLD))
    runner = CliRunner()
    res = runner.invoke(eval_command, [str(tmp_path / "g.json")])
    assert res.exit_code == 2 and "PRED.jsonl" in res.output
    (tmp_path / "p.jsonl").write_text("{broken\n")
    res = runner.invoke(eval_command, [str(tmp_path / "g.json"), str(tmp_path / "p.jsonl")])
    assert res.exit_code == 2 and "line 1" in res.output
