"""Schema checks of the knowledge base: each rule has a case that must fail (issue 3).

Every test builds a tiny KB folder in tmp_path, so none depends on the packaged data.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from normwatch.errors import KBError
from normwatch.kb import check_kb, load_kb

STATES = """
states:
  - {id: "state:EST", name: Estonia, status: member, region: Europe, source: ISO 3166}
  - {id: "state:RUS", name: Russia, status: member, region: Europe, source: ISO 3166}
"""
ORGS = """
orgs:
  - {id: "org:council-of-europe", name: Council of Europe, kind: igo, source: coe.int}
"""
INSTRUMENT = """
id: instrument:demo-convention
name: Demo Convention
kind: treaty
body: org:council-of-europe
adopted: 2001-11-08
opened: 2001-11-23
in_force: 2004-07-01
binding: true
source: test
provisions:
  - {number: "Art. 2", heading: Illegal access, topics: [criminalisation]}
subscriptions:
  - {actor: "state:EST", action: signed, date: 2001-11-23}
  - {actor: "state:EST", action: ratified, date: 2003-05-12}
"""


def make_kb(root: Path, **files: str) -> Path:
    """Write a KB folder: keyword = file stem (instrument_<slug> goes to instruments/)."""
    defaults = {"states": STATES, "orgs": ORGS, "instrument_demo": INSTRUMENT}
    defaults.update(files)
    for stem, body in defaults.items():
        if body is None:
            continue
        if stem.startswith("instrument_"):
            p = root / "instruments" / f"{stem[len('instrument_'):]}.yaml"
        else:
            p = root / f"{stem}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(body), encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    return check_kb(root)[1]


def assert_problem(root: Path, *fragments: str) -> None:
    """Some problem mentions every fragment (file, record id, field, message) and load_kb refuses."""
    found = problems(root)
    assert any(all(f in p for f in fragments) for p in found), found
    with pytest.raises(KBError) as e:
        load_kb(root, strict=True)
    assert e.value.code == "NW700"


def test_valid_fixture_loads(tmp_path):
    root = make_kb(tmp_path)
    assert problems(root) == []
    kb = load_kb(root)
    assert kb.kind("instrument:demo-convention") == "instrument"


def test_missing_source(tmp_path):
    root = make_kb(tmp_path, orgs='orgs:\n  - {id: "org:nato", name: NATO, kind: igo}\n')
    assert_problem(root, "orgs.yaml", "org:nato", "source", "missing")


def test_missing_source_raises_on_plain_load(tmp_path):
    root = make_kb(tmp_path, orgs='orgs:\n  - {id: "org:nato", name: NATO, kind: igo}\n')
    with pytest.raises(KBError, match=r"orgs.yaml: org:nato: source"):
        load_kb(root)


@pytest.mark.parametrize("bad_id, why", [
    ("organisation:nato", "must start with 'org:'"),
    ("org:NATO", "slug"),
    ("org:north_atlantic", "slug"),
    ("org:", "slug"),
])
def test_bad_org_identifier(tmp_path, bad_id, why):
    root = make_kb(tmp_path, orgs=f'orgs:\n  - {{id: "{bad_id}", name: N, kind: igo, source: s}}\n')
    assert_problem(root, "orgs.yaml", "id", why)


@pytest.mark.parametrize("bad_id", ["state:XYZ", "state:est", "state:EE", "state:ESTO"])
def test_state_id_must_be_iso3(tmp_path, bad_id):
    root = make_kb(tmp_path, states=f'states:\n  - {{id: "{bad_id}", name: X, source: s}}\n')
    assert_problem(root, "states.yaml", bad_id, "id")


def test_listed_non_iso_exception_is_accepted(tmp_path):
    root = make_kb(tmp_path, states=STATES + '  - {id: "state:XKX", name: Kosovo, status: other, source: s}\n')
    assert problems(root) == []


def test_duplicate_id_across_files(tmp_path):
    root = make_kb(tmp_path, people='people:\n  - {id: "person:a-b", name: A B, source: s}\n'
                                    '  - {id: "person:a-b", name: A B again, source: s}\n')
    assert_problem(root, "people.yaml", "person:a-b", "duplicate id")


def test_unknown_topic_tag(tmp_path):
    bad = INSTRUMENT.replace("topics: [criminalisation]", "topics: [criminalisation, hacking-back]")
    root = make_kb(tmp_path, instrument_demo=bad)
    assert_problem(root, "instruments/demo.yaml", "instrument:demo-convention", "provisions[Art. 2].topics",
                   "hacking-back")


def test_topic_vocabulary_comes_from_topics_yaml(tmp_path):
    root = make_kb(tmp_path, topics="topics:\n  criminalisation: offences\n  hacking-back: made up here\n",
                   instrument_demo=INSTRUMENT.replace("[criminalisation]", "[hacking-back]"))
    assert problems(root) == []


def test_ratified_before_signed(tmp_path):
    bad = INSTRUMENT.replace("action: ratified, date: 2003-05-12", "action: ratified, date: 2001-01-01")
    root = make_kb(tmp_path, instrument_demo=bad)
    assert_problem(root, "instrument:demo-convention", "subscriptions[state:EST].date", "before signed")


def test_in_force_before_adopted(tmp_path):
    bad = INSTRUMENT.replace("in_force: 2004-07-01", "in_force: 2000-07-01")
    root = make_kb(tmp_path, instrument_demo=bad)
    assert_problem(root, "instrument:demo-convention", "in_force", "before adopted")


def test_opened_before_adopted(tmp_path):
    bad = INSTRUMENT.replace("opened: 2001-11-23", "opened: 2001-10-01")
    root = make_kb(tmp_path, instrument_demo=bad)
    assert_problem(root, "instrument:demo-convention", "opened", "before adopted")


def test_incident_end_before_start(tmp_path):
    inc = """
    incidents:
      - {id: "incident:demo-2007", name: Demo, start: 2007-04-27, end: 2007-04-01, type: ddos, source: s}
    """
    root = make_kb(tmp_path, incidents=inc)
    assert_problem(root, "incidents.yaml", "incident:demo-2007", "end", "before start")


def test_partial_dates_compare_on_what_both_give(tmp_path):
    inc = """
    incidents:
      - {id: "incident:demo-2007", name: Demo, start: 2007-04-27, end: 2007-04, type: ddos, source: s}
    """
    root = make_kb(tmp_path, incidents=inc)
    assert problems(root) == []


def test_bad_date_format(tmp_path):
    root = make_kb(tmp_path, instrument_demo=INSTRUMENT.replace("adopted: 2001-11-08", "adopted: 8 Nov 2001"))
    assert_problem(root, "instrument:demo-convention", "adopted", "bad date")


@pytest.mark.parametrize("file_key, body, field, value", [
    ("orgs", 'orgs:\n  - {id: "org:x", name: X, kind: club, source: s}\n', "kind", "club"),
    ("instrument_demo", INSTRUMENT.replace("kind: treaty", "kind: pact"), "kind", "pact"),
    ("instrument_demo", INSTRUMENT.replace("action: signed", "action: liked"), "action", "liked"),
    ("threat_actors", 'threat_actors:\n  - {id: "threat-actor:x", name: X, category: spies, source: s}\n',
     "category", "spies"),
    ("incidents", 'incidents:\n  - {id: "incident:x", name: X, source: s, attributions: '
                  '[{accused: "state:RUS", certainty: sure, via: unknown}]}\n', "certainty", "sure"),
    ("incidents", 'incidents:\n  - {id: "incident:x", name: X, source: s, attributions: '
                  '[{accused: "state:RUS", certainty: alleged, via: telepathy}]}\n', "via", "telepathy"),
    ("events", 'events:\n  - {id: "event:x", name: X, series: party, source: s}\n', "series", "party"),
])
def test_unknown_enum_values(tmp_path, file_key, body, field, value):
    root = make_kb(tmp_path, **{file_key: body})
    assert_problem(root, field, f"unknown value '{value}'")


def test_unknown_field_is_reported(tmp_path):
    root = make_kb(tmp_path, orgs='orgs:\n  - {id: "org:x", name: X, kind: igo, sorce: s, source: s}\n')
    assert_problem(root, "orgs.yaml", "org:x", "sorce", "unknown field")


@pytest.mark.parametrize("file_key, body, field, missing", [
    ("instrument_demo", INSTRUMENT.replace("org:council-of-europe", "org:nowhere"), "body", "org:nowhere"),
    ("orgs", ORGS + '  - {id: "org:ccd", name: C, kind: igo, parent: "org:natoo", source: s}\n', "parent",
     "org:natoo"),
    ("orgs", ORGS + '  - {id: "org:gru", name: GRU, kind: government-agency, state: "state:RUS", source: s}\n'
             '  - {id: "org:mss", name: MSS, kind: government-agency, state: "state:CHN", source: s}\n',
     "state", "state:CHN"),
    ("incidents", 'incidents:\n  - {id: "incident:x", name: X, source: s, attributions: '
                  '[{accused: "state:PRK", certainty: alleged, via: unknown}]}\n', "accused", "state:PRK"),
    ("incidents", 'incidents:\n  - {id: "incident:x", name: X, source: s, attributions: '
                  '[{accused: "state:RUS", claimant: "state:USA", certainty: official, via: state-organ}]}\n',
     "claimant", "state:USA"),
    ("propositions", 'propositions:\n  - {id: "proposition:x", name: X, statement: S, source: s, '
                     'related: ["instrument:not-written-yet"]}\n', "related", "instrument:not-written-yet"),
    ("instrument_demo", INSTRUMENT + "supersedes: instrument:older-one\n", "supersedes", "instrument:older-one"),
])
def test_references_must_exist(tmp_path, file_key, body, field, missing):
    root = make_kb(tmp_path, **{file_key: body})
    assert_problem(root, field, missing, "no KB file defines")


def test_dangling_reference_is_reported_but_not_fatal_by_default(tmp_path):
    root = make_kb(tmp_path, propositions='propositions:\n  - {id: "proposition:x", name: X, statement: S, '
                                          'source: s, related: ["instrument:not-written-yet"]}\n')
    kb = load_kb(root)  # usable while another file is still being written
    assert any("instrument:not-written-yet" in p for p in kb.validate())


def test_reference_of_wrong_kind(tmp_path):
    root = make_kb(tmp_path, instrument_demo=INSTRUMENT.replace("body: org:council-of-europe", "body: state:EST"))
    assert_problem(root, "body", "not an id of kind org")


def test_bad_regex_cue(tmp_path):
    root = make_kb(tmp_path, propositions='propositions:\n  - {id: "proposition:x", name: X, statement: S, '
                                          'source: s, support_cues: ["(unclosed"]}\n')
    assert_problem(root, "proposition:x", "support_cues", "bad regular expression")


def test_duplicate_provision_number(tmp_path):
    bad = INSTRUMENT.replace('  - {number: "Art. 2", heading: Illegal access, topics: [criminalisation]}',
                             '  - {number: "Art. 2", heading: A}\n  - {number: "Art. 2", heading: B}')
    root = make_kb(tmp_path, instrument_demo=bad)
    assert_problem(root, "provisions[Art. 2].number", "duplicate")


def test_unknown_scope_flag(tmp_path):
    root = make_kb(tmp_path, instrument_demo=INSTRUMENT + "scope:\n  robots: {applies: true}\n")
    assert_problem(root, "scope.robots", "unknown scope flag")


def test_unreadable_yaml_names_the_file(tmp_path):
    root = make_kb(tmp_path, events="events: [ {id: \n")
    assert_problem(root, "events.yaml", "cannot read YAML")


def test_dates_become_iso_strings(tmp_path):
    kb = load_kb(make_kb(tmp_path))
    rec = kb.get("instrument:demo-convention")
    assert rec["opened"] == "2001-11-23"
    assert rec["subscriptions"][1]["date"] == "2003-05-12"


def test_missing_folder_raises(tmp_path):
    with pytest.raises(KBError, match="no knowledge-base folder"):
        load_kb(tmp_path / "absent")


def test_cache_sees_edits(tmp_path):
    root = make_kb(tmp_path)
    first = load_kb(root)
    assert load_kb(root) is first
    (root / "people.yaml").write_text('people:\n  - {id: "person:a-b", name: A B, source: s}\n')
    second = load_kb(root)
    assert second is not first and second.kind("person:a-b") == "person"
