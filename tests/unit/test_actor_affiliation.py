"""Affiliation from the name's own phrase, name shapes, variants (issue 4, held-out diagnosis)."""

from __future__ import annotations

from normwatch.kb import load_kb
from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.actors import find_actors
from normwatch.stages.mentions import find_mentions
from normwatch.stages.segment import segment


def actors(text: str, speaker: str | None = None) -> dict[str, tuple[str | None, str | None]]:
    kb = load_kb()
    doc = segment(Document(text, source="t", meta=Meta(speaker=speaker)), Settings())
    doc.mentions = find_mentions(doc, kb)
    doc.actors = find_actors(doc, kb)
    doc.check_spans()
    return {a.id: (a.kind, a.affiliation) for a in doc.actors}


def test_of_state_after_the_name_beats_another_official_state():
    got = actors("We \u2014 Deputy Secretary Hamish Hansford of Australia, Deputy Advisor Keiichi Ichikawa of Japan, "
                 "and Deputy Advisor Anne Neuberger of the United States \u2013 met in Tokyo.")
    assert got["person:hamish-hansford"][1] == "state:AUS"
    assert got["person:keiichi-ichikawa"][1] == "state:JPN"
    assert got["person:anne-neuberger"][1] == "state:USA"


def test_joint_statement_signatory_states_speak():
    got = actors("We \u2014 Deputy Secretary Hamish Hansford of Australia and Deputy Advisor Keiichi Ichikawa of "
                 "Japan \u2013 met in Tokyo.\n\nWe reaffirmed that international law applies to cyberspace.")
    assert got.get("state:AUS", (None,))[0] == "state" and got.get("state:JPN", (None,))[0] == "state"


def test_title_case_acronym_before_a_title_is_the_employer():
    got = actors("Asean Secretary-General Lim Jock Hoi said the pandemic changed everything.")
    assert got["person:lim-jock-hoi"][1] == "org:asean"


def test_speech_people_are_not_given_a_state_mentioned_near_them():
    text = ("We support the proposal of Colombian President Gustavo Petro Urrego. Fifty years ago the martyr "
            "President Salvador Allende was killed. As our President Nicolas Maduro Moros said, unity is strength.")
    got = actors(text, speaker="state:VEN")
    assert got["person:gustavo-petro-urrego"][1] == "state:COL"
    assert got["person:salvador-allende"][1] is None
    assert got["person:nicolas-maduro-moros"][1] == "state:VEN"


def test_long_title_before_a_comma_and_undotted_initials():
    got = actors("The norms matter, according to Singapore's Minister for Communications and Information and "
                 "Minister-in-charge of Smart Nation and Cybersecurity, Josephine Teo.")
    assert got["person:josephine-teo"][1] == "state:SGP"
    got = actors("National Cyber Security Coordinator Lt General MU Nair of India arrived.")
    assert got["person:mu-nair"][1] == "state:IND"


def test_government_is_not_a_person_and_name_variants_merge():
    got = actors("Moreover, the Korean Government expresses deep concern at the attacks.")
    assert not any(k.startswith("person:") for k in got)
    got = actors("Commander Hugo Chavez Frias spoke here. Later Commander Chavez Frias said: change the system.")
    assert "person:hugo-chavez-frias" in got and "person:chavez-frias" not in got
