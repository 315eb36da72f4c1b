"""Incidents and attribution stage (issue 4, stage 7)."""

from __future__ import annotations

from normwatch.stages.incidents import find_incidents

from ..conftest import shared_path
from .test_stances import FakeKB, add_mentions, add_statement, doc_of, fake_kb

STATES = [("Russia", "state:RUS"), ("Estonia", "state:EST"), ("Georgia", "state:GEO"), ("Ukraine", "state:UKR"),
          ("United States", "state:USA"), ("China", "state:CHN")]


def run(text: str, extra=(), kb=None, adjectives=()):
    doc = doc_of(text)
    add_mentions(doc, STATES + list(extra))
    add_mentions(doc, list(adjectives), how="adjective")
    return doc, find_incidents(doc, kb or fake_kb())


def atts(incs):
    return {(i.incident, a.accused, a.claimant, a.certainty, a.via) for i in incs for a in i.attributions}


def test_versus_respectively_pairs_years():
    text = ("A nation state can push the blame to their patriotic citizens like what is suspected in the Russia v. "
            "Estonia and Russia v. Georgia DDoS attack back in 2007 and 2008 respectively.")
    doc, incs = run(text)
    assert [(i.incident, i.victim, i.type) for i in incs] == [
        ("incident:estonia-2007", "state:EST", "ddos"), ("incident:georgia-2008", "state:GEO", "ddos")]
    assert atts(incs) == {("incident:estonia-2007", "state:RUS", None, "suspected", "patriotic-hackers"),
                          ("incident:georgia-2008", "state:RUS", None, "suspected", "patriotic-hackers")}
    for i in incs:
        for s in i.spans + [a.evidence for a in i.attributions]:
            s.check(doc.text)


def test_new_incident_not_in_kb_gets_slug_id():
    text = "In 2015, a cyberattack on Ukraine's power grid caused a blackout; Ukraine's government blamed Russia."
    _, incs = run(text, kb=FakeKB([{"id": "state:UKR", "name": "Ukraine"}]))
    assert [i.incident for i in incs] == ["incident:ukraine-2015-sabotage"]
    # the victim's government says so: it is the claimant
    assert atts(incs) == {("incident:ukraine-2015-sabotage", "state:RUS", "state:UKR", "alleged", "unknown")}


def test_official_attribution_with_claimant_and_organ():
    text = ("The United States formally attributed the 2007 DDoS attacks against Estonia to Russia's GRU.")
    _, incs = run(text)
    assert atts(incs) == {("incident:estonia-2007", "state:RUS", "state:USA", "official", "state-organ")}


def test_denial_is_claimed_by_the_accused():
    text = "Russia denied any role in the 2008 DDoS attacks on Georgia."
    _, incs = run(text)
    assert atts(incs) == {("incident:georgia-2008", "state:RUS", "state:RUS", "denied", "unknown")}


def test_named_group_resolves_through_kb():
    text = "Researchers said APT28 was behind the 2007 DDoS campaign against Estonia."
    _, incs = run(text, extra=[("APT28", "threat-actor:apt28")])
    assert atts(incs) == {("incident:estonia-2007", "state:RUS", None, "alleged", "state-organ")}


def test_pro_state_hacktivists():
    text = "Pro-Russian hacktivists launched DDoS attacks on Estonia in 2007."
    _, incs = run(text, adjectives=[("Russian", "state:RUS")])
    assert atts(incs) == {("incident:estonia-2007", "state:RUS", None, "alleged", "patriotic-hackers")}


def test_quoted_claim_has_speaker_claimant():
    text = "\"Russia was behind the 2007 DDoS attacks on Estonia,\" the minister said."
    doc = doc_of(text)
    add_mentions(doc, STATES)
    add_statement(doc, "person:m", "state:EST", "Russia was behind the 2007 DDoS attacks on Estonia,")
    incs = find_incidents(doc, fake_kb())
    assert atts(incs) == {("incident:estonia-2007", "state:RUS", "state:EST", "alleged", "unknown")}


def test_no_victim_or_year_no_incident():
    assert run("Ransomware is a growing problem for hospitals.")[1] == []
    assert run("Estonia hosts the NATO cyber defence centre since 2008.")[1] == []


def test_origin_blog_attributions():
    path = shared_path("corpus", "origin", "001_7154b81de7edaf01.txt")
    text = path.read_text(encoding="utf-8")
    from normwatch.model import Document

    doc = Document(text, source=str(path))
    add_mentions(doc, STATES)
    got = atts(find_incidents(doc, fake_kb()))
    assert ("incident:estonia-2007", "state:RUS", None, "suspected", "patriotic-hackers") in got
    assert ("incident:georgia-2008", "state:RUS", None, "suspected", "patriotic-hackers") in got


def test_description_without_year_uses_document_date_and_coordinated_claimants():
    text = ("Russia targeted the Ukrainian defence ministry website with a DDoS attack. "
            "Ukraine, the United States and Georgia attributed the attack to the GRU.")
    doc = doc_of(text, published="2022-02-16")
    add_mentions(doc, STATES + [("GRU", "org:gru")])
    add_mentions(doc, [("Ukrainian", "state:UKR")], how="adjective")
    kb = FakeKB([{"id": "state:UKR", "name": "Ukraine"},
                 {"id": "org:gru", "name": "GRU", "kind": "government-agency", "state": "state:RUS"}])
    incs = find_incidents(doc, kb)
    assert [(i.incident, i.victim, i.type) for i in incs] == [("incident:ukraine-2022-ddos", "state:UKR", "ddos")]
    got = atts(incs)
    assert ("incident:ukraine-2022-ddos", "state:RUS", None, "alleged", "unknown") in got
    for claimant in ("state:UKR", "state:USA", "state:GEO"):
        assert ("incident:ukraine-2022-ddos", "state:RUS", claimant, "official", "state-organ") in got


def test_threat_actor_mention_without_victim_is_not_an_incident():
    assert run("APT28 is a well-known group.", extra=[("APT28", "threat-actor:apt28")])[1] == []
