"""The knowledge-base API (issue 3): lookups, subscriptions over time, surface forms, and the real data.

Spot checks on instrument, threat-actor and incident data skip (not xfail) while the file
they need is absent: other engineers write those files.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from normwatch.kb import DATA_DIR, KB, SurfaceForm, check_kb, load_kb
from normwatch.kb.schema import DEFAULT_TOPICS

from .test_kb_schema import make_kb

INSTRUMENTS = DATA_DIR / "instruments"
# The instruments DESIGN.md requires, one file each.
REQUIRED_INSTRUMENTS = [INSTRUMENTS / f"{slug}.yaml" for slug in (
    "budapest-convention", "un-gge-2013-report", "un-gge-2015-report", "un-gge-2021-report", "oewg-2021-report",
    "sco-code-of-conduct-2011", "sco-code-of-conduct-2015", "microsoft-cybersecurity-norms-2014", "paris-call-2018",
    "un-cybercrime-convention-2024", "un-charter")]


def needs(*paths: Path):
    missing = [p for p in paths if not p.exists()]
    return pytest.mark.skipif(bool(missing), reason=f"not written yet: {', '.join(str(p) for p in missing)}")


# --- API on a small fixture ---------------------------------------------------------------------

TREATY = """
id: instrument:demo-convention
name: Demo Convention
aliases: [Demo Treaty]
abbreviations: [DC 1]
kind: treaty
opened: 2001-11-23
in_force: 2004-07-01
binding: true
source: register
provisions:
  - {number: "Art. 1", heading: Definitions}
definitions:
  - {term: computer system, provision: "Art. 1"}
subscriptions:
  - {actor: "state:EST", action: signed, date: 2001-11-23}
  - {actor: "state:EST", action: ratified, date: 2003-05-12, source: treaty office}
  - {actor: "state:RUS", action: signed}
"""
CODE = """
id: instrument:demo-code
name: Demo Code
kind: code-of-conduct
adopted: 2011-09-12
source: letter
subscriptions:
  - {actor: "state:RUS", action: sponsored, date: 2011-09-12}
"""


@pytest.fixture
def kb(tmp_path) -> KB:
    return load_kb(make_kb(tmp_path, instrument_demo=TREATY, instrument_code=CODE))


def test_get_kind_name(kb):
    assert kb.get("state:EST")["name"] == "Estonia"
    assert kb.kind("instrument:demo-code") == "instrument"
    assert kb.kind("state:ZZZ") is None and kb.get("state:ZZZ") is None
    assert kb.name("state:RUS") == "Russia"
    assert kb.name("org:unknown") == "org:unknown"
    assert [r["id"] for r in kb.records("state")] == ["state:EST", "state:RUS"]
    assert kb.records("no-such-kind") == []


def test_subscriptions_filters_and_default_source(kb):
    est = kb.subscriptions(actor="state:EST")
    assert [(s["action"], s["date"]) for s in est] == [("signed", "2001-11-23"), ("ratified", "2003-05-12")]
    assert est[0]["source"] == "register" and est[1]["source"] == "treaty office"
    assert set(est[0]) == {"actor", "instrument", "action", "date", "source"}
    assert len(kb.subscriptions(instrument="instrument:demo-code")) == 1
    assert kb.subscriptions(instrument="instrument:demo-code", actor="state:EST") == []


def test_status_over_time(kb):
    assert kb.status("state:EST", "instrument:demo-convention", as_of="2000-01-01") is None
    assert kb.status("state:EST", "instrument:demo-convention", as_of="2002-06-01")["action"] == "signed"
    assert kb.status("state:EST", "instrument:demo-convention", as_of="2003-05-12")["action"] == "ratified"
    assert kb.status("state:EST", "instrument:demo-convention")["action"] == "ratified"
    # an undated signature counts from the day the treaty opened
    assert kb.status("state:RUS", "instrument:demo-convention", as_of="2001-11-30")["action"] == "signed"


def test_parties_binding_and_political(kb):
    assert kb.parties("instrument:demo-convention") == {"state:EST"}
    assert kb.parties("instrument:demo-convention", as_of="2003-01-01") == set()
    assert kb.parties("instrument:demo-code") == {"state:RUS"}
    assert kb.parties("instrument:demo-code", as_of="2011-01-01") == set()


def test_surface_forms(kb):
    forms = kb.surface_forms()
    assert SurfaceForm("Demo Treaty", "instrument:demo-convention", "instrument", "alias", False) in forms
    dc = next(f for f in forms if f.text == "DC 1")
    assert dc.how == "abbreviation" and dc.case_sensitive


def test_stats_and_topics(kb):
    s = kb.stats()
    assert s["state"] == 2 and s["instrument"] == 2 and s["instruments_with_provisions"] == 1
    assert s["provisions"] == 1 and s["definitions"] == 1 and s["subscriptions"] == 4
    assert set(kb.topics()) == set(DEFAULT_TOPICS)


# --- the packaged data ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real() -> KB:
    return load_kb()


def test_packaged_kb_has_no_hard_errors():
    kb, problems = check_kb()
    hard = [p for p in kb._problems if p.hard]
    assert not hard, "\n".join(map(str, hard[:20]))


def test_load_is_fast():
    import normwatch.kb.loader as loader

    loader._cache.clear()
    # CPU time, not wall time: with the MISP-galaxy actors (issue 11) the KB has ~1,600 records
    # (~0.2 s of CPU to load), and on a shared machine wall time measured other jobs too.
    t0 = time.process_time()
    load_kb()
    cold = time.process_time() - t0
    t0 = time.perf_counter()
    load_kb()
    warm = time.perf_counter() - t0
    assert cold < 1.5, cold  # generous on slow CI; ~0.3 s of CPU measured
    assert warm < 0.05, warm


def test_topics_are_the_format_vocabulary(real):
    assert set(real.topics()) == set(DEFAULT_TOPICS)
    assert all(real.topics().values())


def test_states(real):
    states = real.records("state")
    assert len(states) >= 190
    assert sum(1 for s in states if s["status"] == "member") == 193
    assert {s["id"] for s in states if s["status"] == "observer"} == {"state:VAT", "state:PSE"}
    assert real.get("state:XKX")["uncertain"] and real.get("state:TWN")
    assert all(s.get("region") and s.get("adjectives") and s.get("demonyms") for s in states)


@pytest.mark.parametrize("text, how, sid", [
    ("Russia", "name", "state:RUS"), ("U.S.", "abbreviation", "state:USA"), ("US", "abbreviation", "state:USA"),
    ("USA", "abbreviation", "state:USA"), ("United States", "name", "state:USA"), ("America", "alias", "state:USA"),
    ("Iran", "name", "state:IRN"), ("North Korea", "name", "state:PRK"), ("DPRK", "abbreviation", "state:PRK"),
    ("South Korea", "name", "state:KOR"), ("UK", "abbreviation", "state:GBR"), ("Britain", "alias", "state:GBR"),
    ("Türkiye", "name", "state:TUR"), ("Turkey", "alias", "state:TUR"), ("Czechia", "name", "state:CZE"),
    ("Ivory Coast", "alias", "state:CIV"), ("Estonian", "adjective", "state:EST"),
    ("American", "adjective", "state:USA"), ("Chinese", "adjective", "state:CHN"),
    ("Russian", "adjective", "state:RUS"), ("Australian", "adjective", "state:AUS"),
    ("Dutch", "adjective", "state:NLD"), ("British", "adjective", "state:GBR"), ("Emirati", "adjective", "state:ARE"),
    ("Moscow", "capital", "state:RUS"), ("Beijing", "capital", "state:CHN"), ("Washington", "capital", "state:USA"),
])
def test_state_surface_forms(real, text, how, sid):
    forms = [f for f in real.surface_forms() if f.text == text and f.id == sid]
    assert any(f.how == how for f in forms), forms


def test_ambiguous_and_case_rules(real):
    forms = {(f.text, f.id): f for f in real.surface_forms()}
    assert forms[("America", "state:USA")].ambiguous
    assert forms[("Moscow", "state:RUS")].ambiguous  # a capital is a metonym: needs context
    assert not forms[("Estonia", "state:EST")].ambiguous
    assert forms[("US", "state:USA")].case_sensitive
    assert not forms[("United States", "state:USA")].case_sensitive


def test_orgs(real):
    for oid in ("org:un", "org:un-general-assembly", "org:un-gge", "org:un-oewg", "org:council-of-europe",
                "org:eu", "org:nato", "org:sco", "org:microsoft", "org:harvard-university", "org:xinhua",
                "org:china-daily"):
        assert real.kind(oid) == "org", oid
    assert real.get("org:harvard-kennedy-school")["parent"] == "org:harvard-university"
    assert real.get("org:gru")["state"] == "state:RUS"
    assert len(real.records("org")) >= 100


def test_propositions(real):
    wanted = {"new-un-cybercrime-treaty", "binding-state-behaviour-treaty", "un-central-role",
              "international-law-applies", "voluntary-norms", "capacity-building", "international-cooperation",
              "cyber-sovereignty", "multistakeholder-governance", "cyber-arms-restraint", "free-flow-of-information"}
    have = {r["id"].split(":", 1)[1]: r for r in real.records("proposition")}
    assert wanted <= set(have)
    for r in have.values():
        assert r["statement"] and r["support_cues"] and r["oppose_cues"] and r["keywords"] and r["related"]


@pytest.mark.parametrize("pid, sentence, side", [
    ("un-central-role", "He emphasized the importance of a leading role for the UN.", "support_cues"),
    ("un-central-role", "The central role of the United Nations must be preserved.", "support_cues"),
    ("new-un-cybercrime-treaty", "We don't need a new treaty.", "oppose_cues"),
    ("new-un-cybercrime-treaty", "We are not ready for a new global cybercrime treaty.", "oppose_cues"),
    ("international-law-applies", "International law, including the UN Charter, applies in cyberspace.",
     "support_cues"),
    ("capacity-building", "Capacity building is part of the solution.", "support_cues"),
    ("cyber-sovereignty", "Every country must respect cyber sovereignty.", "support_cues"),
])
def test_proposition_cues_match_typical_phrasing(real, pid, sentence, side):
    import re

    cues = real.get(f"proposition:{pid}")[side]
    assert any(re.search(c, sentence, re.I) for c in cues), (pid, sentence)


def test_events(real):
    gccs = [e for e in real.records("event") if e["series"] == "gccs"]
    assert len(gccs) >= 5
    hague = real.get("event:gccs-2015")
    assert (hague["place"], hague["start"], hague["end"]) == ("The Hague", "2015-04-16", "2015-04-17")
    assert {"GCCS 2015", "GCCS2015"} <= set(hague["aliases"])
    assert real.get("event:un-ahc-resumed-concluding")["end"] == "2024-08-08"


# --- spot checks on the other engineers' files (skip while absent) ----------------------------------

@needs(INSTRUMENTS / "budapest-convention.yaml")
def test_estonia_ratified_budapest_in_2003(real):
    st = real.status("state:EST", "instrument:budapest-convention")
    assert st["action"] == "ratified" and st["date"].startswith("2003")


@needs(INSTRUMENTS / "budapest-convention.yaml")
def test_united_states_ratified_budapest_in_2006(real):
    st = real.status("state:USA", "instrument:budapest-convention")
    assert st["action"] == "ratified" and st["date"].startswith("2006")


@needs(INSTRUMENTS / "budapest-convention.yaml")
def test_russia_is_not_a_budapest_party(real):
    assert "state:RUS" not in real.parties("instrument:budapest-convention")
    assert "state:EST" in real.parties("instrument:budapest-convention")


@needs(INSTRUMENTS / "sco-code-of-conduct-2011.yaml")
def test_2011_code_sponsors(real):
    sponsors = {s["actor"] for s in real.subscriptions(instrument="instrument:sco-code-of-conduct-2011")
                if s["action"] == "sponsored"}
    assert sponsors == {"state:CHN", "state:RUS", "state:TJK", "state:UZB"}


@needs(INSTRUMENTS / "un-gge-2015-report.yaml")
def test_gge_2015_norm_13c_is_due_diligence(real):
    provs = {str(p["number"]): p for p in real.get("instrument:un-gge-2015-report")["provisions"]}
    assert "due-diligence" in provs["13(c)"]["topics"]


@needs(*REQUIRED_INSTRUMENTS)
def test_eleven_instruments_with_provisions(real):
    assert real.stats()["instruments_with_provisions"] >= 11


@needs(DATA_DIR / "threat_actors.yaml")
def test_forty_threat_actors(real):
    assert real.stats()["threat-actor"] >= 40


@needs(DATA_DIR / "incidents.yaml")
def test_fourteen_incidents(real):
    assert real.stats()["incident"] >= 14
