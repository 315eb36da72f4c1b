"""People with role and affiliation, coreference, speaking states (issue 4, stage 3)."""

from __future__ import annotations

import pytest

from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.actors import affiliation_of, find_actors
from normwatch.stages.mentions import find_mentions
from normwatch.stages.segment import segment

from .test_mentions import KB


def doc_for(text: str, speaker: str | None = None) -> Document:
    doc = segment(Document(text, source="t", meta=Meta(speaker=speaker)), Settings())
    doc.mentions = find_mentions(doc, KB)
    doc.actors = find_actors(doc, KB)
    doc.check_spans()
    return doc


def people(text: str) -> dict[str, tuple[str | None, str | None]]:
    return {a.id: (a.role, a.affiliation) for a in doc_for(text).actors if a.kind == "person"}


@pytest.mark.parametrize("text,pid,aff,role_word", [
    ("Estonia's Foreign Minister Keit Pentus-Rosimannus spoke first.", "person:keit-pentus-rosimannus",
     "state:EST", "Foreign Minister"),
    ("\"No,\" said Julie Bishop, the Australian Minister for Foreign Affairs.", "person:julie-bishop",
     "state:AUS", "Minister for Foreign Affairs"),
    ("\"Yes,\" Christopher Painter, U.S. Department of State Coordinator for Cyber Issues, said.",
     "person:christopher-painter", "state:USA", "Coordinator"),
    ("Chen Xu, Ambassador of China to the Netherlands, emphasized the role of the UN.", "person:chen-xu",
     "state:CHN", "Ambassador"),
    ("For Matt Thomlinson, the Vice President of Security of Microsoft, progress is slow.",
     "person:matt-thomlinson", "org:microsoft", "Vice President"),
    ("Moderator Joseph S. Nye, University Distinguished Service Professor and former Dean of Harvard's Kennedy "
     "School of Government, summarized the meeting.", "person:joseph-s-nye", "org:harvard-university", "Moderator"),
    ("Australian Foreign Minister Julie Bishop arrived.", "person:julie-bishop", "state:AUS", "Foreign Minister"),
])
def test_news_shapes(text, pid, aff, role_word):
    got = people(text)
    assert pid in got, got
    role, affiliation = got[pid]
    assert affiliation == aff
    assert role and role_word in role


def test_name_needs_context():
    assert people("Kennedy School of Government hosted Capacity Building events.") == {}
    assert "person:anna-berg" in people("Anna Berg said the plan works.")
    assert "person:anna-berg" in people("The plan works, said Anna Berg.")
    assert "person:anna-berg" in people("We met Dr. Anna Berg yesterday.")


def test_sub_unit_resolves_to_parent_and_agency_to_state():
    assert affiliation_of("org:harvard-kennedy-school", KB) == "org:harvard-university"
    assert affiliation_of("org:us-department-of-state", KB) == "state:USA"
    assert affiliation_of("org:un-gge", KB) == "org:un"
    assert affiliation_of("state:EST", KB) == "state:EST"


def test_surname_role_noun_and_pronoun_coreference():
    text = ("Julie Bishop, the Australian Minister for Foreign Affairs, spoke. Later Bishop agreed. "
            "Chen Xu, Ambassador of China to the Netherlands, spoke too. According to the Ambassador, it works. "
            "\"We welcome it,\" he added.")
    doc = doc_for(text)
    by = {a.id: [text[s.start:s.end] for s in a.spans] for a in doc.actors}
    assert by["person:julie-bishop"] == ["Julie Bishop", "Bishop"]
    assert by["person:chen-xu"] == ["Chen Xu", "the Ambassador", "he"]


def test_pronoun_gender_learnt_from_first_use():
    text = ("Keit Tamm, the Estonian minister, spoke. \"We act,\" she said. Anna Berg, a Chinese official, agreed. "
            "Then Matt Thomlinson said it was late. \"Fine,\" she added.")
    doc = doc_for(text)
    by = {a.id: [text[s.start:s.end] for s in a.spans] for a in doc.actors}
    assert "she" in by["person:keit-tamm"]
    # "she" after Thomlinson skips him only when his gender is known; the most recent female-compatible
    # person is then Thomlinson (unknown) - so test the simpler fixed case: a known "she" is not "he".
    text2 = "Keit Tamm, the Estonian minister, spoke. \"We act,\" she said. \"Not now,\" he added."
    doc2 = doc_for(text2)
    by2 = {a.id: [text2[s.start:s.end] for s in a.spans] for a in doc2.actors}
    assert "he" not in by2["person:keit-tamm"]


def test_pronouns_inside_quotes_are_not_references():
    text = "Anna Berg said: \"He is wrong and she knows it.\""
    doc = doc_for(text)
    (a,) = [x for x in doc.actors if x.kind == "person"]
    assert [text[s.start:s.end] for s in a.spans] == ["Anna Berg"]


def test_kb_person_gets_kb_affiliation_but_needs_context():
    assert people("Christopher Painter was there.") == {}  # mentioned, not acting
    got = people("Christopher Painter said it was late.")
    assert got["person:christopher-painter"][1] == "state:USA"


def test_states_speak_only_with_a_verb():
    ids = {a.id for a in doc_for("China said it would act. Russia is large.").actors}
    assert "state:CHN" in ids and "state:RUS" not in ids
    ids = {a.id for a in doc_for("Moscow denied any role.").actors}
    assert "state:RUS" in ids


def test_document_speaker_is_an_actor():
    doc = doc_for("We support the norms.", speaker="state:AUS")
    assert [(a.id, a.kind) for a in doc.actors] == [("state:AUS", "state")]


def test_spans_are_name_text():
    text = "Anna Berg said it. Berg left."
    doc = doc_for(text)
    a = doc.actors[0]
    assert a.name == "Anna Berg"
    assert [text[s.start:s.end] for s in a.spans] == ["Anna Berg", "Berg"]


def test_title_that_is_a_kb_entity():
    kbx = KB
    text = "The letter went to UN Secretary-General Anna Berg, who said it was fine."
    doc = segment(Document(text, source="t"), Settings())
    doc.mentions = find_mentions(doc, kbx)
    from normwatch.model import Mention, Span

    # the small KB has no Secretary-General record: add the mention as the real KB would
    i = text.index("UN Secretary-General")
    doc.mentions = [m for m in doc.mentions if not (i <= m.span.start < i + 20)]
    doc.mentions.append(Mention("org:un", "org", Span(i, i + 20), "alias"))
    doc.mentions.sort(key=lambda m: m.span.start)
    got = {a.id: (a.role, a.affiliation) for a in find_actors(doc, kbx)}
    assert got["person:anna-berg"] == ("UN Secretary-General", "org:un")


def test_compound_title_and_family_name_first_reference():
    text = ("The comments were made by Chinese foreign-ministry spokesman Zhao Lijian on Tuesday. "
            "Zhao said the attacks were invented.")
    doc = doc_for(text)
    (a,) = [x for x in doc.actors if x.kind == "person"]
    assert (a.id, a.affiliation) == ("person:zhao-lijian", "state:CHN")
    assert [text[s.start:s.end] for s in a.spans] == ["Zhao Lijian", "Zhao"]


def test_long_title_and_name_cut_by_a_line_break():
    text = ("Deputy National Security Advisor for Cyber and Emerging Technology Anne\n"
            "Berg briefed ambassadors and representatives of 35 countries\n"
            "yesterday on the initiative and on efforts to counter ransomware.")
    got = people(text)
    assert got["person:anne-berg"][0] == "Deputy National Security Advisor for Cyber and Emerging Technology"


def test_organisation_with_abbreviation_speaks():
    doc = doc_for("\"Patch now,\" Microsoft (MSFT) also said on Friday.")
    assert [(a.id, a.affiliation) for a in doc.actors] == [("org:microsoft", "org:microsoft")]
    doc = doc_for("The State Department said it would respond.")
    assert [(a.id, a.affiliation) for a in doc.actors] == [("org:us-department-of-state", "state:USA")]


def test_owned_not_titled():
    assert people("The President's Intelligence Priorities Framework said little.") == {}


def test_hard_wrapped_name_after_another_persons_name_and_a_capital_first_name():
    # "Canberra" is a capital in the test KB: as a first name cut by a line break it is no state.
    text = ("Deputy National Security Advisor for Cyber and Emerging Technology Anne\n"
            "Neuberger and Under Secretary of State for Political Affairs Canberra\n"
            "Nuland briefed ambassadors of 35 governments yesterday on ransomware.")
    doc = doc_for(text)
    roles = {a.id: a.role for a in doc.actors}
    assert roles.get("person:canberra-nuland") == "Under Secretary of State for Political Affairs"
    assert roles.get("person:anne-neuberger", "").startswith("Deputy National Security Advisor")


def test_issuing_a_statement_makes_an_organisation_speak():
    doc = doc_for("The United Nations also published a formal statement today calling out Moscow.")
    assert "org:un" in {a.id for a in doc.actors}


def test_unaffiliated_official_serves_the_one_state_of_the_text():
    text = ("U.S. Secretary of State Christopher Painter met officials. "
            "Under Secretary for Political Affairs Victoria Nuland said the talks went well.")
    aff = {a.id: a.affiliation for a in doc_for(text).actors}
    assert aff.get("person:victoria-nuland") == "state:USA"


def test_official_affiliation_is_not_guessed_between_two_states():
    text = ("Estonia's Foreign Minister Keit Pentus-Rosimannus met Australian Foreign Minister Julie Bishop. "
            "Under Secretary for Political Affairs Victoria Nuland said the talks went well.")
    aff = {a.id: a.affiliation for a in doc_for(text).actors}
    assert aff.get("person:victoria-nuland") is None
