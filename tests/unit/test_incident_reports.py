"""Short incident reports (issue 4): an accusation with an attack verb and a victim is an incident without a time."""

from __future__ import annotations

from normwatch.extraction.attrib_cues import is_accused
from normwatch.extraction.cues import M
from normwatch.stages.incidents import find_incidents

from .test_stances import FakeKB, add_mentions, doc_of

STATES = [("Russia", "state:RUS"), ("Ukraine", "state:UKR"), ("Saudi Arabia", "state:SAU"), ("Togo", "state:TGO"),
          ("U.S.", "state:USA"), ("Ruritania", "state:RUR")]
ADJ = [("Belarusian", "state:BLR"), ("Ukrainian", "state:UKR"), ("Russian", "state:RUS"), ("Saudi", "state:SAU"),
       ("Israeli", "state:ISR"), ("Chinese", "state:CHN")]


def _kb() -> FakeKB:
    return FakeKB([
        {"id": "threat-actor:unc9", "name": "UNC9", "state": "state:BLR", "category": "state-organ"},
        {"id": "threat-actor:apt99", "name": "APT99", "state": "state:RUR", "category": "state-sponsored-proxy"},
        {"id": "state:UKR", "name": "Ukraine"}, {"id": "state:BLR", "name": "Belarus"},
        {"id": "state:RUS", "name": "Russia"}, {"id": "state:SAU", "name": "Saudi Arabia"},
    ])


def run(text: str, groups=(), **meta):
    doc = doc_of(text, **meta)
    add_mentions(doc, ADJ, how="adjective")  # first: "Russian" is not "Russia" + "n"
    add_mentions(doc, STATES + list(groups))
    return find_incidents(doc, _kb())


def claims(incs):
    return {(a.accused, a.claimant, a.certainty) for i in incs for a in i.attributions}


def test_demonym_and_group_accuse_without_a_date_in_the_sentence():
    incs = run("The Belarusian threat actor UNC9 targeted multiple Ukrainian government agencies with a backdoor.",
               [("UNC9", "threat-actor:unc9")], published="2022-03-07")
    assert [(i.victim, i.date) for i in incs] == [("state:UKR", "2022-03-07")]
    assert claims(incs) == {("state:BLR", None, "alleged")}
    assert incs[0].incident.startswith("incident:ukraine-2022")


def test_headline_names_the_victim_and_no_date_is_null():
    incs = run("Targeting of Ukrainian state entities\n\nThe Belarusian threat actor UNC9 used phishing emails to "
               "deliver malware.", [("UNC9", "threat-actor:unc9")])
    assert [(i.victim, i.date) for i in incs] == [("state:UKR", None)]
    assert claims(incs) == {("state:BLR", None, "alleged")}


def test_this_threat_actor_refers_back_to_the_group_of_the_headline():
    incs = run("APT99\n\nThis threat actor targets government agencies in Asia for espionage.",
               [("APT99", "threat-actor:apt99")])
    assert {(a.accused, a.via) for i in incs for a in i.attributions} == {("state:RUR", "state-sponsored-proxy")}


def test_later_accusations_of_a_short_report_are_one_incident():
    incs = run("Russian hackers targeted Ukrainian ministries. The Russian hackers also stole documents from the "
               "Ukrainian parliament.", published="2021-05-01")
    assert len(incs) == 1 and claims(incs) == {("state:RUS", None, "alleged")}


def test_hypothetical_and_negated_attacks_tell_no_incident():
    assert run("Russian hackers could target Ukrainian ministries.") == []
    assert run("Officials warned that Russian hackers plan to attack Ukrainian banks.") == []
    assert run("Russian hackers did not target Ukrainian ministries.") == []


def test_a_denial_is_a_claim_with_certainty_denied():
    incs = run("Russia denied that its hackers targeted Ukrainian ministries.")
    assert claims(incs) == {("state:RUS", "state:RUS", "denied")}


def test_people_of_a_nationality_are_not_their_state_as_victim():
    incs = run("This threat actor, believed to be linked to Saudi Arabia, targets Saudi dissidents with spyware.")
    assert [i.victim for i in incs] == [None]
    assert claims(incs) == {("state:SAU", None, "suspected")}


def test_a_perpetrator_without_a_victim_is_not_an_incident():
    assert run("Russian hackers are active.") == []
    assert run("Russian hackers deployed new malware.") == []


def test_long_text_needs_victim_and_time_for_a_new_incident():
    filler = "Diplomats met in Geneva to talk about trade and climate. " * 30
    assert run("Russian cyberspies targeted the Ukrainian government for months. " + filler) == []
    incs = run("In 2021, Russian cyberspies targeted the Ukrainian government. " + filler)
    assert [(i.victim, (i.date or "")[:4]) for i in incs] == [("state:UKR", "2021")]


def _accused(text: str, word: str, how: str = "adjective") -> bool:
    i = text.index(word)
    return is_accused(text, M("state:X", "state", i, i + len(word), how))


def test_a_company_or_a_victims_network_is_not_the_doer():
    assert not _accused("Hackers used spyware developed by Israeli technology firm NSO Group.", "Israeli")
    assert not _accused("A threat actor compromised networks associated with the U.S. Joint Chiefs.", "U.S.", "abbreviation")
    assert not _accused("It targeted servers controlled by the Swiss Federal Department of Defense.", "Swiss")
    assert not _accused("It breached the network of a Russia-based cybersecurity company.", "Russia", "name")
    assert _accused("The campaign was carried out by Russia-based hackers.", "Russia", "name")
    assert _accused("Hackers linked to the Chinese government stole the data.", "Chinese")
    assert _accused("A threat actor, believed to be the Israeli government, compromised Kaspersky.", "Israeli")
    assert not _accused("Attackers stole Indonesian intelligence records.", "Indonesian")


def test_pinned_on_refers_back_to_the_incident_just_told():
    from normwatch.extraction.incident_cues import ATTRIB_VERB

    assert ATTRIB_VERB.search("the US and its allies formally pinned the attack on hackers of the MSS")
