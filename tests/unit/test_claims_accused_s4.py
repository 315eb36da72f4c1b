"""Who is blamed (issue 11, session 4): how a claim's state is known, and readings that blame wrongly or miss.

The sentences are written for these tests; the real pipeline and knowledge base read them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from normwatch.ingest import process
from normwatch.model import Document, Meta, RawDoc
from normwatch.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PADDING = ("The statement came after weeks of reporting on a series of intrusions into public networks, "
           "which officials described as serious and persistent. ")


def extract(text: str, published: str | None = "2024-03-01", title: str | None = None) -> Document:
    raw = RawDoc(source="t.txt", raw_ref="t.txt", content=text, kind="text", meta=Meta(published=published, title=title))
    doc = next(iter(process([raw], Settings(min_text_chars=20), use_prefilter=False)))
    assert isinstance(doc, Document), doc
    return doc


def accused(doc: Document) -> set[str]:
    return {c.accused for c in doc.claims if c.accused and c.certainty != "denied"}


def test_a_galaxy_suspected_state_alone_is_a_community_assessment():
    doc = extract("Blue Termite targeted Japanese manufacturers with spear-phishing emails in 2016. " + PADDING * 2)
    c = next(c for c in doc.claims if c.actor == "threat-actor:blue-termite")
    assert (c.accused, c.basis) == ("state:CHN", "community-assessment")


def test_a_curated_public_attribution_of_the_group_is_a_kb_attribution():
    doc = extract("APT28 sent phishing emails to journalists and researchers in 2023. " + PADDING * 2)
    assert next(c for c in doc.claims if c.accused == "state:RUS").basis == "kb-attribution"


def test_the_accused_state_evals_leave_out_community_assessments():
    spec = importlib.util.spec_from_file_location("heldout_docs", ROOT / "tests" / "eval" / "heldout_docs.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    atts = [{"accused": "state:CHN", "certainty": "alleged", "basis": "community-assessment"},
            {"accused": "state:RUS", "certainty": "alleged", "basis": "kb-attribution"},
            {"accused": "state:IRN", "certainty": "suspected", "basis": "text"},
            {"accused": "state:PRK", "certainty": "alleged"}]  # a gold attribution has no basis
    assert mod._accused(atts, False) == {"state:RUS", "state:IRN", "state:PRK"}


def test_encoding_debris_reads_as_a_possessive_and_a_state_may_target_its_own_people():
    doc = extract("Targeting of activists\n\nMorocco?? government used spyware to target two human rights activists "
                  "in Morocco in 2019.", title="Targeting of activists")
    assert "state:MAR" in accused(doc)


def test_a_government_launching_cyberattacks_is_the_doer_even_when_its_citizens_were_the_targets():
    doc = extract("The Australian government launched cyberattacks in 2020 disabling servers of criminals "
                  "targeting Australians. " + PADDING * 2)
    assert "state:AUS" in accused(doc)


def test_one_persons_nationality_accuses_no_state():
    doc = extract("The Turkish hacker was charged in 2021 with DDoS attacks on a hotel chain in Chicago. " + PADDING * 2)
    assert "state:TUR" not in accused(doc)


def test_an_attribution_the_sentence_sets_aside_is_not_an_accusation():
    doc = extract("The 2017 intrusion into parliament email accounts, originally believed to be the work of Russian "
                  "hackers, was later attributed to Iran. " + PADDING * 2)
    assert accused(doc) == {"state:IRN"}


def test_a_body_that_claims_is_a_claimant_not_the_accused():
    doc = extract("Ukrainian intelligence claims the 2022 phishing campaign against its officials was carried out "
                  "by Russian hackers. " + PADDING * 2)
    assert "state:UKR" not in accused(doc) and "state:RUS" in accused(doc)


def test_a_named_group_with_no_known_state_gives_an_actor_only_claim():
    doc = extract("LockBit attacked hospitals with ransomware in 2023, encrypting patient records. " + PADDING * 2)
    c = next(c for c in doc.claims if c.actor == "threat-actor:lockbit")
    assert c.accused is None


def test_a_group_in_a_targetings_object_is_not_the_doer():
    doc = extract("Targeting of APT28\n\nIn 2019 the agency reported that its operators had disrupted servers.",
                  title="Targeting of APT28")
    assert "state:RUS" not in accused(doc)


def test_a_numbered_group_code_written_with_a_space_is_found():
    doc = extract("The vulnerabilities were being actively exploited by APT 28 in 2018, the agency warned. " + PADDING * 2)
    assert any(c.actor == "threat-actor:apt28" for c in doc.claims)


def test_a_news_leads_claim_without_year_attaches_to_a_new_incident_of_the_reports_date():
    lead = ("Hackers linked to Iran attacked water utilities in Israel with ransomware, officials said on Monday, "
            "describing an intrusion that forced operators to switch to manual control. ")
    body = ("Officials said the systems had been restored. Analysts noted that such attacks had become more "
            "frequent and that operators of small utilities often lacked the staff to patch their systems. ") * 4
    doc = extract(lead + "\n\n" + body, published="2023-04-03")
    c = next(c for c in doc.claims if c.accused == "state:IRN")
    assert c.incident is not None and "2023" in c.incident


def test_a_sender_from_a_states_department_is_not_the_accused_but_hackers_from_an_agency_are():
    sender = extract("In 2024 the phishing attack starts with an email signed by Jane Roe, allegedly from the U.S. State "
                     "Department, inviting him to a private online conversation. " + PADDING * 2)
    assert "state:USA" not in accused(sender)
    doers = extract("In 2024 hackers from the GRU breached the networks of a ministry in Berlin. " + PADDING * 2)
    assert "state:RUS" in accused(doers)


def test_a_group_possibly_associated_with_a_government_or_confirmed_to_be_one_names_it():
    hedged = extract("Operation against health workers\n\nA group possibly associated with the Vietnamese government "
                     "attempted to phish health workers in 2020.", title="Operation against health workers")
    assert "state:VNM" in accused(hedged)
    confirmed = extract("Espionage profile\n\nA threat actor, confirmed to be the French government, that targets "
                        "governments and media organizations.", title="Espionage profile")
    assert "state:FRA" in accused(confirmed)


def test_a_deed_told_before_a_modal_stands_but_a_modal_deed_does_not():
    told = extract("Chinese intelligence services hacked into the university to collect data they could use later.")
    assert "state:CHN" in accused(told)
    assert "state:CHN" not in accused(extract("Chinese hackers could target the university if tensions rise."))
    assert "state:RUS" not in accused(extract("If Russia attacked the power grid, NATO would respond."))


def test_an_adverb_between_the_state_and_its_deed():
    assert "state:IRN" in accused(extract("Iran unsuccessfully attacked Israeli water treatment plants."))
    assert "state:ITA" not in accused(extract("Italy strongly condemned the attacks on Israeli water treatment plants."))


def test_a_headline_passive_of_blame_accuses_the_state_before_it():
    assert "state:MEX" in accused(extract("Mexico accused of targeting journalists\n\nA threat actor targets journalists "
                                          "and lawyers using commercial spyware."))
    assert "state:IRN" in accused(extract("Iran implicated in data theft campaign that hit Israel and Saudi Arabia."))
    # the active verb blames its object, not its subject
    doc = extract("Russia accused Ukraine of hacking its power grid.")
    assert "state:UKR" in accused(doc) and "state:RUS" not in accused(doc)


def test_an_adjective_before_a_joint_cyber_and_information_campaign_or_a_reconnaissance():
    assert "state:RUS" in accused(extract("Russian cyber and information campaign on a centrist candidate."))
    assert "state:RUS" in accused(extract("Russian recon for the specifications of a German steel mill."))
    assert "state:RUS" not in accused(extract("Russian recon satellites passed over the region, officials said."))


def test_an_active_link_names_the_state_it_links_not_the_groups_assessed_home():
    doc = extract("The European Union has officially linked Russia to a hacking operation known as Ghostwriter.")
    assert "state:RUS" in accused(doc)
    assert "state:IRN" in accused(extract("The hackers are linked to Iran."))  # the passive link still reads
