"""Attribution claims as first-class facts (issue 11): every accusation or denial is a claim.

The sentences are written for these tests; the real pipeline and knowledge base read them.
"""

from __future__ import annotations

import pytest

from normwatch.extraction.attrib_cues import is_accused
from normwatch.extraction.cues import M, all_mentions
from normwatch.extraction.incident_claims import incident_title, new_incident_id
from normwatch.ingest import process
from normwatch.model import Claim, Document, Incident, Meta, RawDoc, Span
from normwatch.settings import Settings



def extract(text: str, published: str | None = "2024-03-01", source: str = "t.txt") -> Document:
    raw = RawDoc(source=source, raw_ref=source, content=text, kind="text", meta=Meta(published=published))
    doc = next(iter(process([raw], Settings(min_text_chars=20), use_prefilter=False)))
    assert isinstance(doc, Document), doc
    return doc


def accused(doc: Document) -> set[str]:
    return {c.accused for c in doc.claims if c.accused and c.certainty != "denied"}


def claim_of(doc: Document, state: str) -> Claim:
    return next(c for c in doc.claims if c.accused == state)


PADDING = ("The statement came after weeks of reporting on a series of intrusions into public networks, "
           "which officials described as serious and persistent. ")


def test_a_claim_without_a_known_incident_is_kept():
    doc = extract("Lithuanian officials blamed Russia on Tuesday for a wave of phishing emails sent to journalists. "
                  + PADDING * 3)
    c = claim_of(doc, "state:RUS")
    assert c.claimant == "state:LTU"  # a government body behind the adjective speaks for its state
    assert c.certainty == "official"  # a government blaming in public
    assert doc.text[c.evidence.start:c.evidence.end].startswith("Lithuanian officials blamed Russia")
    # the contract carries it at the top level whatever incident it is about
    assert any(x["accused"] == "state:RUS" for x in doc.to_contract()["claims"])


def test_a_denial_is_a_claim_with_certainty_denied():
    doc = extract("Russia denied that its hackers had targeted Lithuanian journalists with phishing emails. "
                  + PADDING * 3)
    assert any(c.accused == "state:RUS" and c.certainty == "denied" for c in doc.claims)
    assert "state:LTU" not in accused(doc)


@pytest.mark.parametrize("sentence, state", [
    ("North Korean operators stole cryptocurrency worth millions from an exchange in Singapore in 2023.", "state:PRK"),
    ("A Chinese state-backed group breached the networks of several telecommunications providers in 2024.",
     "state:CHN"),
    ("The intruders, working out of a province of China, stole design files from an aerospace supplier.",
     "state:CHN"),
    ("Researchers said the report links the campaign to Iran after comparing the servers it used.", "state:IRN"),
    ("The wiper attack on the energy company bears the hallmarks of Russia, analysts wrote.", "state:RUS"),
    ("Investigators uncovered an Iranian spear-phishing campaign against nuclear researchers in 2022.", "state:IRN"),
])
def test_how_the_accused_is_written(sentence, state):
    assert state in accused(extract(sentence + " " + PADDING * 2))


def mention(text: str, surface: str, state: str, how: str = "name") -> M:
    i = text.index(surface)
    return M(state, "state", i, i + len(surface), how)


def test_a_court_caption_does_not_accuse_the_prosecuting_state():
    text = ("In United States v. Li Wei, prosecutors said the defendant stole trade secrets from a company "
            "in Texas while working for a contractor. " + PADDING * 2)
    assert not is_accused(text, mention(text, "United States", "state:USA"))
    assert "state:USA" not in accused(extract(text))


def test_x_versus_y_between_states_still_accuses():
    text = "The Russia v. Estonia attacks of 2007 are still cited in every debate."
    assert is_accused(text, mention(text, "Russia", "state:RUS"))


def test_a_state_acting_against_a_group_is_not_accused():
    doc = extract("Russia's security service arrested members of a ransomware gang that had attacked hospitals "
                  "in Germany. " + PADDING * 2)
    rus = [m for m in all_mentions(doc) if m.id == "state:RUS"]
    assert rus and not is_accused(doc.text, rus[0])


def test_the_victim_state_is_not_accused():
    doc = extract("Hackers linked to Iran attacked Albanian government websites in 2022, officials said. " + PADDING)
    assert "state:ALB" not in accused(doc)
    assert "state:IRN" in accused(doc)


def test_a_threat_actor_alias_gives_the_state_on_the_kbs_attribution():
    doc = extract("APT28 sent phishing emails to journalists and researchers in 2023. " + PADDING * 2)
    c = claim_of(doc, "state:RUS")
    assert c.actor == "threat-actor:apt28"
    assert c.basis == "kb-attribution"  # the text names no state: the KB's record of a public attribution does
    assert c.certainty != "official"  # the certainty is the text's, not the KB's


def test_a_state_named_by_the_text_is_the_texts_own_word():
    doc = extract("Russian military intelligence, through APT28, sent phishing emails to journalists in 2023. "
                  + PADDING * 2)
    assert claim_of(doc, "state:RUS").basis == "text"


def test_the_same_new_incident_gets_one_id_in_two_documents():
    s1 = "A Chinese state-backed group breached the networks of Norwegian ministries in 2024, officials said. "
    s2 = "In 2024 a Chinese state-backed group breached the networks of Norwegian ministries, the report says. "
    ids = []
    for i, s in enumerate((s1, s2)):
        doc = extract(s + PADDING * 2, source=f"d{i}.txt")
        c = claim_of(doc, "state:CHN")
        ids.append(c.incident)
        inc = next(x for x in doc.incidents if x.incident == c.incident)
        assert inc.name and "Norway" in inc.name and "2024" in inc.name  # readable, not a bare id
    assert ids[0] == ids[1] and ids[0].startswith("incident:norway-2024")


def test_new_incident_ids_and_titles():
    assert new_incident_id(None, None, "2021", "espionage", "threat-actor:apt28") == "incident:apt28-2021-espionage"
    assert new_incident_id(None, None, None, None, None) == "incident:unknown-victim"
    assert incident_title(None, None, "2020", "ddos", None) == "DDoS attack (2020)"
    assert incident_title(None, None, None, None, None) == "Cyber operation"


def test_attributions_are_a_view_of_claims():
    doc = Document("Estonia blamed Russia for the 2007 attacks.", source="t")
    inc = Incident("incident:estonia-2007", "state:EST", "ddos", [Span(0, 10)])
    from normwatch.model import Attribution
    inc.attributions.append(Attribution("state:RUS", "state:EST", "official", "unknown", Span(0, 43)))
    doc.incidents.append(inc)
    doc.claims.append(Claim("state:CHN", None, "suspected", "unknown", Span(0, 7)))
    claims = doc.to_contract()["claims"]
    assert {(c["accused"], c["incident"]) for c in claims} == {("state:CHN", None), ("state:RUS", "incident:estonia-2007")}


def test_claim_validates_its_enums():
    with pytest.raises(ValueError):
        Claim("state:RUS", None, "certain", "unknown", Span(0, 1))
    with pytest.raises(ValueError):
        Claim("state:RUS", None, "alleged", "unknown", Span(0, 1), basis="rumour")


def test_hypothetical_warning_is_no_claim():
    doc = extract("Officials warned that Chinese hackers could target water utilities if tensions rise. " + PADDING)
    assert "state:CHN" not in accused(doc)


def test_coordinated_agencies_are_both_doers_and_a_passive_agent_claims():
    doc = extract("The Federal Security Service and the GRU have conducted cyberattacks against the foreign ministry "
                  "of Hungary since 2012. " + PADDING * 2)
    assert "state:RUS" in accused(doc) and "state:HUN" not in accused(doc)
    doc = extract("Seven officers, believed to be GRU officers, were indicted by the United States for hacking "
                  "an anti-doping agency. " + PADDING * 2)
    c = claim_of(doc, "state:RUS")
    assert c.claimant == "state:USA"


def test_a_passive_attack_names_the_victim_not_the_doer():
    doc = extract("Servers in India were compromised by a remote access trojan, researchers said. " + PADDING * 2)
    assert "state:IND" not in accused(doc)


def test_a_threat_actor_in_the_object_was_hit():
    doc = extract("An unknown actor compromised the networks of APT28 in 2017 and watched its operations. "
                  + PADDING * 2)
    assert "state:RUS" not in accused(doc)


def test_a_sentence_naming_no_channel_takes_the_documents():
    doc = extract("Prosecutors charged four Chinese nationals with hacking universities in 2020. The men worked "
                  "for front companies of the Ministry of State Security, which ran the operation. " + PADDING)
    assert {c.via for c in doc.claims if c.accused == "state:CHN"} <= {"state-organ", "state-sponsored-proxy"}


def test_a_capital_as_subject_of_an_attack_is_its_state():
    doc = extract("Tehran attempted to hack the missile warning system of Israel in 2017, an official said. "
                  + PADDING * 2)
    assert "state:IRN" in accused(doc)


def test_an_accusation_off_the_cyber_topic_is_no_claim():
    filler = "The assembly debated the budget and the harvest at length for two long days. " * 25  # a long text
    text = filler + "A committee report accused Serbia of war crimes during the conflict. " + filler
    assert "state:SRB" not in accused(extract(text))
    cyber = filler + "A committee report accused Serbia of hacking the ministry's servers. " + filler
    assert "state:SRB" in accused(extract(cyber))


def test_pro_state_accuses_only_before_doers_and_targets_are_not_doers():
    assert "state:RUS" in accused(extract("Pro-Russian hacktivists launched DDoS attacks on Polish banks in 2023. "
                                          + PADDING))
    assert "state:TWN" not in accused(extract("Hackers disrupted the campaign of a pro-Taiwanese independence party "
                                              "in 2020. " + PADDING))
    assert "state:RUS" not in accused(extract("Georgia launched a retaliation against the Russian hackers in 2008. "
                                              + PADDING))


def test_a_headline_participle_is_passive():
    assert "state:USA" not in accused(extract("US banks hacked\n\nThe websites of several banks went down for a day "
                                              "in 2012 after a flood of traffic. " + PADDING))


def test_a_doer_passing_secrets_to_an_agency_accuses_its_state():
    doc = extract("A contractor pleaded guilty to hacking defence firms in 2014 for the purpose of passing "
                  "confidential information to the Ministry of State Security. " + PADDING)
    assert "state:CHN" in accused(doc)


def test_questions_and_future_attacks_claim_nothing():
    assert "state:CHN" not in accused(extract("Will the report blame Chinese hackers for the breach of the ministry? "
                                              + PADDING))
    assert "state:RUS" not in accused(extract("The alliance could answer future Russian cyberattacks on its members "
                                              "with sanctions. " + PADDING))
