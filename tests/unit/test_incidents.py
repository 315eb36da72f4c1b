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
    # a government blaming in public is its formal attribution (issue 11: "official", was "alleged")
    assert atts(incs) == {("incident:ukraine-2015-sabotage", "state:RUS", "state:UKR", "official", "unknown")}


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
    # the first sentence names no channel; the document's next one does (the GRU): issue 4 fills it
    assert ("incident:ukraine-2022-ddos", "state:RUS", None, "alleged", "state-organ") in got
    for claimant in ("state:UKR", "state:USA", "state:GEO"):
        assert ("incident:ukraine-2022-ddos", "state:RUS", claimant, "official", "state-organ") in got


def test_threat_actor_mention_without_victim_is_not_an_incident():
    assert run("APT28 is a well-known group.", extra=[("APT28", "threat-actor:apt28")])[1] == []


# --- issue 4 regressions -----------------------------------------------------------------------

def _kb_with_exchange() -> FakeKB:
    return FakeKB([
        {"id": "incident:exchange-2021", "name": "Exchange hack", "victims": ["state:USA"], "type": "espionage",
         "start": "2021-01-06", "aliases": ["Exchange Server hack"], "keywords": ["Microsoft Exchange", "DDoS"]},
        {"id": "incident:sony-2014", "name": "Sony hack", "victims": ["state:USA"], "type": "wiper", "start": "2014-11"},
        {"id": "incident:other-ddos", "name": "Other", "victims": ["state:EST"], "type": "ddos", "start": "2007",
         "keywords": ["DDoS"]},
        {"id": "incident:albania-2022", "name": "Albania", "victims": ["state:ALB"], "type": "wiper", "start": "2022-07-15"},
        {"id": "state:USA", "name": "United States"}, {"id": "state:CHN", "name": "China"},
        {"id": "state:ALB", "name": "Albania"}, {"id": "state:IRN", "name": "Iran"},
        {"id": "org:mss", "name": "MSS", "kind": "government-agency", "state": "state:CHN"},
    ])


def test_kb_keyword_beside_an_attack_noun_names_the_incident_and_no_year_matches_nothing_else():
    text = "US and allies officially accuse China of Microsoft Exchange attacks."
    _, incs = run(text, [("US", "state:USA"), ("China", "state:CHN")], kb=_kb_with_exchange())
    ids = [i.incident for i in incs]
    assert ids == ["incident:exchange-2021"]  # not the other US incident of the KB (no year given)
    assert ("state:CHN", "state:USA", "official") in {(a.accused, a.claimant, a.certainty) for a in incs[0].attributions}


def test_shared_keyword_names_no_incident():
    text = "A DDoS attack hit a small company."
    _, incs = run(text, kb=_kb_with_exchange())
    assert not any(i.incident in ("incident:exchange-2021", "incident:other-ddos") for i in incs)


def test_channel_given_elsewhere_in_the_document_fills_an_unknown_one():
    text = ("The United States accused China of the Microsoft Exchange hack. "
            "Officials said hackers of the MSS carried out the Exchange Server hack.")
    _, incs = run(text, [("United States", "state:USA"), ("China", "state:CHN"), ("MSS", "org:mss")],
                  kb=_kb_with_exchange())
    vias = {a.via for i in incs for a in i.attributions if a.accused == "state:CHN"}
    assert vias == {"state-organ"}


def test_speech_victim_last_july_and_state_carried_it_out():
    text = ("Last July, Albania was the target of a large-scale cyberattack. An investigation has confirmed "
            "beyond doubt that the cyberattack was orchestrated and carried out by Iran.")
    doc = doc_of(text, speaker="state:ALB", published="2022-09-23")
    add_mentions(doc, [("Albania", "state:ALB"), ("Iran", "state:IRN")])
    incs = find_incidents(doc, _kb_with_exchange())
    assert [i.incident for i in incs] == ["incident:albania-2022"]
    assert [(a.accused, a.claimant, a.certainty, a.via) for a in incs[0].attributions] == [
        ("state:IRN", "state:ALB", "official", "state-organ")]


def test_adjective_before_a_noun_is_not_the_claimant():
    from normwatch.extraction.attrib_cues import is_claimant
    from normwatch.extraction.cues import M

    text = "Russian hackers targeted the ministry, Slovak security firms said."
    i = text.index("Slovak")
    assert not is_claimant(text, M("state:SVK", "state", i, i + 6, "adjective"), 0)


def test_two_kb_incidents_fitting_victim_and_year_match_neither():
    from normwatch.model import Span
    from normwatch.extraction.incident_match import match_or_new as _match_or_new

    kb = FakeKB([
        {"id": "incident:a-2021", "victims": ["state:USA"], "type": "espionage", "start": "2021-01"},
        {"id": "incident:b-2021", "victims": ["state:USA"], "type": "ransomware", "start": "2021-05"},
        {"id": "state:USA", "name": "United States"},
    ])
    assert _match_or_new(kb, "state:USA", "2021", None, Span(0, 1), Span(0, 1), allow_new=False) is None
    assert _match_or_new(kb, "state:USA", "2021", "ransomware", Span(0, 1), Span(0, 1)).incident == "incident:b-2021"


# --- issue 4: precision on unseen documents ----------------------------------------------------

def _kb_campaigns() -> FakeKB:
    return FakeKB([
        {"id": "incident:campaign-2017", "name": "Campaign", "type": "influence", "start": "2017-03",
         "victims": ["state:LTU", "state:LVA", "state:POL", "state:DEU"], "aliases": ["Wordsmith campaign"]},
        {"id": "incident:exchange-2021", "name": "Exchange hack", "victims": ["state:USA"], "type": "espionage",
         "start": "2021-01-06", "aliases": ["Exchange Server hack"]},
        {"id": "incident:spree-2017", "name": "Spree", "victims": ["state:RUS", "state:GBR"], "type": "ransomware",
         "start": "2017-05"},
        {"id": "threat-actor:unc9", "name": "UNC9", "state": "state:BLR", "category": "state-organ"},
        {"id": "org:acme", "name": "Acme Security", "kind": "company"},
        {"id": "org:nsa", "name": "NSA", "kind": "government-agency", "state": "state:USA"},
        {"id": "org:mss", "name": "MSS", "kind": "government-agency", "state": "state:CHN"},
        {"id": "org:eu", "name": "European Union", "kind": "igo"},
        {"id": "state:USA", "name": "United States"}, {"id": "state:CHN", "name": "China"},
        {"id": "state:SVK", "name": "Slovakia"}, {"id": "state:IRN", "name": "Iran"},
    ])


EXCH = ("Exchange Server hack", "incident:exchange-2021")
WORD = ("Wordsmith campaign", "incident:campaign-2017")


def test_vague_new_incident_is_not_emitted():
    # no victim at all, or (in a long text) a victim but no time: an id like `incident:unknown-victim`
    # would never match another source's and says nothing new
    filler = " Diplomats met in Geneva to talk about trade and climate." * 30
    doc = doc_of("Russian cyberspies targeted the Slovak government for months." + filler)
    add_mentions(doc, [("Russian", "state:RUS"), ("Slovak", "state:SVK")], how="adjective")
    assert find_incidents(doc, _kb_campaigns()) == []
    doc = doc_of("Statement by the NSA on continued counter-ransomware efforts.")
    add_mentions(doc, [("NSA", "org:nsa")])
    assert find_incidents(doc, _kb_campaigns()) == []


def test_short_report_accusation_is_an_incident_without_a_time():
    # issue 4: a short description's accusation with a victim needs no year (date null when none is known)
    doc = doc_of("Russian cyberspies targeted the Slovak government for months.")
    add_mentions(doc, [("Russian", "state:RUS"), ("Slovak", "state:SVK")], how="adjective")
    incs = find_incidents(doc, _kb_campaigns())
    assert [(i.incident, i.victim, i.date) for i in incs] == [("incident:slovakia", "state:SVK", None)]
    assert [(a.accused, a.certainty) for a in incs[0].attributions] == [("state:RUS", "alleged")]


def test_vague_claim_joins_the_documents_one_kb_incident():
    text = ("The United States accused China of the Exchange Server hack. "
            "Officials said Chinese state-sponsored actors used it in attacks targeting US networks.")
    _, incs = run(text, [("US", "state:USA"), EXCH], kb=_kb_campaigns(), adjectives=[("Chinese", "state:CHN")])
    assert [i.incident for i in incs] == ["incident:exchange-2021"]


def test_kb_campaign_against_many_states_has_no_one_victim():
    text = "The EU formally blamed Russia for the Wordsmith campaign."
    _, incs = run(text, [("EU", "org:eu"), WORD], kb=_kb_campaigns())
    assert [(i.incident, i.victim) for i in incs] == [("incident:campaign-2017", None)]


def test_inferred_kb_incident_whose_state_is_the_attacker_is_dropped():
    from normwatch.model import Mention, Span

    text = "Active since 2017, the campaign consists of Russian hackers breaking into news websites."
    doc = doc_of(text)
    add_mentions(doc, [("Russian", "state:RUS")], how="adjective")
    i = text.index("Russian")
    doc.mentions.append(Mention("incident:spree-2017", "incident", Span(i, i + 7), "victim-year"))
    incs = find_incidents(doc, _kb_campaigns())
    # the attacker's state is no victim; what is left is the accusation itself (issue 4: a new incident)
    assert [(i.incident, i.victim) for i in incs] == [("incident:unknown-victim-2017", None)]
    assert [a.accused for a in incs[0].attributions] == ["state:RUS"]


def test_group_state_the_text_never_names_does_not_join_the_accused():
    text = ("EU formally blames Russia for the Wordsmith campaign. "
            "Researchers attributed the Wordsmith campaign to a group it codenamed UNC9.")
    _, incs = run(text, [("EU", "org:eu"), ("UNC9", "threat-actor:unc9"), WORD], kb=_kb_campaigns())
    assert {a.accused for i in incs for a in i.attributions} == {"state:RUS"}


def test_a_states_government_as_doer_is_a_state_organ():
    text = "The EU said in a statement that the Russian government is behind the Wordsmith campaign."
    doc = doc_of(text)
    add_mentions(doc, [("Russian", "state:RUS")], how="adjective")
    add_mentions(doc, [("EU", "org:eu"), WORD])
    incs = find_incidents(doc, _kb_campaigns())
    assert {(a.accused, a.certainty, a.via) for i in incs for a in i.attributions} == {
        ("state:RUS", "official", "state-organ")}


def test_government_subject_keeps_official_and_a_company_is_alleged():
    text = "The Biden administration attributes the Exchange Server hack to actors affiliated with China's MSS."
    _, incs = run(text, [("MSS", "org:mss"), EXCH], kb=_kb_campaigns())
    assert {(a.accused, a.certainty, a.via) for i in incs for a in i.attributions} == {
        ("state:CHN", "official", "state-organ")}
    text = "Acme Security formally attributed the Exchange Server hack to China."
    _, incs = run(text, [("Acme Security", "org:acme"), EXCH], kb=_kb_campaigns())
    assert {(a.accused, a.claimant, a.certainty) for i in incs for a in i.attributions} == {
        ("state:CHN", "org:acme", "alleged")}


def test_another_states_agency_is_not_the_accused_channel():
    text = ("The NSA issued a joint advisory on the Exchange Server hack by Chinese state-sponsored cyber actors.")
    _, incs = run(text, [("NSA", "org:nsa"), EXCH], kb=_kb_campaigns(), adjectives=[("Chinese", "state:CHN")])
    assert {(a.accused, a.claimant, a.certainty, a.via) for i in incs for a in i.attributions} == {
        ("state:CHN", "state:USA", "official", "state-sponsored-proxy")}


def test_bare_by_is_not_the_doers_slot():
    from normwatch.extraction.attrib_cues import is_accused
    from normwatch.extraction.cues import M

    for text, name in (("an exploit first discovered by the United States", "United States"),
                       ("networks used by the Ukrainian cabinet", "Ukrainian"),
                       ("the comments, made by Chinese spokesman Zhao", "Chinese")):
        i = text.index(name)
        how = "name" if name[0] == "U" and name.endswith("States") else "adjective"
        assert not is_accused(text, M("state:X", "state", i, i + len(name), how)), text
    text = "the attack was carried out by Iran"
    assert is_accused(text, M("state:IRN", "state", text.index("Iran"), len(text), "name"))


def test_graded_assessment_is_official():
    from normwatch.extraction.attrib_cues import certainty

    assert certainty("The NCSC assessed that it was highly likely that the group was responsible.") == "official"
    assert certainty("The group was likely responsible.") == "suspected"


def test_state_named_beside_a_perpetrator_is_no_victim_of_a_new_incident():
    text = "A threat actor believed to be Iran targets private-sector entities for espionage in 2019, Acme said."
    doc = doc_of(text)
    add_mentions(doc, [("Iran", "state:IRN"), ("Acme Security", "org:acme")])
    assert find_incidents(doc, _kb_campaigns()) == []


def test_kb_keyword_beside_campaign_needs_a_cyber_sentence():
    kb = FakeKB([{"id": "incident:vaccine-2020", "name": "Vaccine research hacking", "victims": ["state:GBR"],
                  "type": "espionage", "start": "2020-04", "aliases": ["vaccine research hack"],
                  "keywords": ["COVID-19"]}])
    assert run("In February my country launched a vaccination campaign against COVID-19.", kb=kb)[1] == []
    _, incs = run("Hackers ran a cyber campaign against COVID-19 researchers.", kb=kb)
    assert [i.incident for i in incs] == ["incident:vaccine-2020"]


def test_spying_words_give_the_espionage_type():
    from normwatch.model import Span
    from normwatch.extraction.incident_cues import sentence_type as _sentence_type

    for text in ("Hackers spied on the ministry.", "The group used spyware against diplomats.",
                 "The operation aimed at stealing sensitive information from the ministry."):
        assert _sentence_type(text, Span(0, len(text))) == "espionage", text


def test_a_company_naming_the_incident_is_not_its_claimant():
    kb = FakeKB([{"id": "incident:sw-2020", "name": "SW hack", "victims": ["state:USA", "org:sw"], "type": "supply-chain",
                  "start": "2020-03", "keywords": ["Sunwind"]},
                 {"id": "org:sw", "name": "Sunwind", "kind": "company"}])
    text = "The Sunwind breach has since been formally attributed to Russia."
    _, incs = run(text, [("Sunwind", "org:sw")], kb=kb)
    assert [i.incident for i in incs] == ["incident:sw-2020"]
    assert {a.claimant for i in incs for a in i.attributions} == {None}
