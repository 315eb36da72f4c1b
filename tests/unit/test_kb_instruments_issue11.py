"""Instruments the regime's documents name (issue 11): at least 40, each required one present and
found by the mentions stage through the symbol or short name documents write.

The sentences are written here for the test; none comes from ../shared.
Run: `.venv/bin/python -m pytest tests/unit/test_kb_instruments_issue11.py -q`.
"""

from __future__ import annotations

import pytest

from normwatch.kb import load_kb
from normwatch.kb.schema import NOT_INSTRUMENTS
from normwatch.model import Document
from normwatch.settings import Settings
from normwatch.stages.mentions import find_mentions, instrument_mentions
from normwatch.stages.segment import segment

from .test_kb_schema import make_kb, problems

# id -> a sentence naming it the way documents do (symbol where it has one).
REQUIRED = {
    "ga-resolution-53-70": "In 1998 the General Assembly adopted A/RES/53/70 without a vote.",
    "ga-resolution-70-237": "Member states welcomed the report in resolution 70/237.",
    "ga-resolution-73-27": "The OEWG was set up by General Assembly resolution 73/27.",
    "ga-resolution-73-266": "The sixth group was mandated by A/RES/73/266.",
    "ga-resolution-75-240": "Resolution 75/240 created a new working group for 2021-2025.",
    "un-gge-2010-report": "The first consensus report, A/65/201, recommended further dialogue.",
    "un-gge-2013-report": "The experts agreed in A/68/98 that international law applies.",
    "un-gge-2015-report": "The eleven norms of A/70/174 guide responsible states.",
    "un-gge-2021-report": "The 2021 report (A/76/135) added guidance on each norm.",
    "oewg-2021-report": "Delegations adopted A/75/816 by consensus.",
    "oewg-2021-2025-final-report": "The 2025 OEWG report set up a permanent mechanism.",
    "un-framework-responsible-state-behaviour": "We remain committed to the framework of responsible state behaviour.",
    "un-cybercrime-convention-2024": "Viet Nam hosted the signing of the UN Convention against Cybercrime.",
    "budapest-first-protocol": "Few states have ratified ETS 189 so far.",
    "budapest-second-protocol": "The Second Additional Protocol to the Budapest Convention eases access to evidence.",
    "african-union-malabo-convention": "The Malabo Convention entered into force in 2023.",
    "arab-convention-it-offences-2010": "Egypt ratified the Arab Convention on Combating Information Technology Offences.",
    "cis-agreement-computer-offences-2001": "Minsk hosted talks on the CIS Agreement on Cooperation in Combating Offences relating to Computer Information.",
    "sco-yekaterinburg-agreement-2009": "China cited the Yekaterinburg Agreement on information security.",
    "osce-cbms-2013": "Participating states agreed PC.DEC/1106 in Vienna.",
    "osce-cbms-2016": "A second set of measures followed in PC.DEC/1202.",
    "asean-leaders-statement-cybersecurity-2018": "Leaders issued the ASEAN Leaders' Statement on Cybersecurity Cooperation in Singapore.",
    "eu-cyber-diplomacy-toolbox-2017": "Brussels answered the attack under the Cyber Diplomacy Toolbox.",
    "cybersecurity-tech-accord-2018": "More than 150 firms have signed the Tech Accord.",
    "christchurch-call-2019": "New Zealand and France launched the Christchurch Call.",
    "declaration-future-internet-2022": "Sixty governments endorsed the Declaration for the Future of the Internet.",
    "pall-mall-process-2024": "London and Paris convened the Pall Mall Process on spyware.",
    "counter-ransomware-initiative": "Members reaffirmed the Counter Ransomware Initiative joint statement on ransom payments.",
    "itu-global-cybersecurity-agenda-2007": "The ITU Global Cybersecurity Agenda rests on five pillars.",
    "hrc-resolution-20-8": "The Council affirmed in A/HRC/RES/20/8 that rights apply online.",
    "global-digital-compact-2024": "Member states adopted the Global Digital Compact in 2024.",
    "nato-cyber-defence-pledge-2016": "Allies renewed the Cyber Defence Pledge in Warsaw.",
    "tallinn-manual-2-2017": "Rule 92 of the Tallinn Manual 2.0 defines a cyber attack.",
}


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _instruments(text: str, kb) -> list[tuple[str, str]]:
    doc = segment(Document(text=text, source="test"), Settings())
    return [(m.instrument, text[m.span.start:m.span.end]) for m in instrument_mentions(find_mentions(doc, kb))]


def test_at_least_forty_instruments(kb):
    recs = kb.records("instrument")
    real = [r for r in recs if r.get("kind") not in NOT_INSTRUMENTS]
    assert len(real) >= 40
    assert kb.stats()["expert_works"] == len(recs) - len(real) >= 1
    assert kb.get("instrument:tallinn-manual-2-2017")["kind"] == "expert-work"


@pytest.mark.parametrize("slug", sorted(REQUIRED))
def test_required_instrument_is_named_in_a_sentence(kb, slug):
    iid = f"instrument:{slug}"
    rec = kb.get(iid)
    assert rec is not None, iid
    assert rec["source"]
    found = _instruments(REQUIRED[slug], kb)
    assert iid in [i for i, _ in found], found


def test_back_references_and_coalitions_do_not_fire_alone(kb):
    assert _instruments("We remain committed to the framework and to the Convention.", kb) == []
    assert _instruments("The White House hosted the Counter-Ransomware Initiative (CRI) summit.", kb) == []
    assert "the framework" in kb.get("instrument:un-framework-responsible-state-behaviour")["back_references"]


def test_ambiguous_short_names_are_marked(kb):
    for iid, form in [("instrument:global-digital-compact-2024", "GDC"),
                      ("instrument:itu-global-cybersecurity-agenda-2007", "GCA"),
                      ("instrument:osce-cbms-2013", "OSCE CBMs")]:
        assert form in kb.get(iid)["ambiguous"], iid


def test_every_new_provision_uses_known_topics_and_instruments_cite_sources(kb):
    topics = set(kb.topics())
    for r in kb.records("instrument"):
        assert r.get("source"), r["id"]
        for p in r.get("provisions") or []:
            assert set(p.get("topics") or []) <= topics, (r["id"], p["number"])


def test_schema_rejects_unknown_kind_and_bad_back_references(tmp_path):
    root = make_kb(tmp_path, instrument_bad="""
        id: instrument:bad-thing
        name: Bad Thing
        kind: manual
        back_references: the framework
        source: test
        """)
    got = problems(root)
    assert any("instrument:bad-thing: kind: unknown value 'manual'" in p for p in got), got
    assert any("instrument:bad-thing: back_references" in p for p in got), got
