"""Statement sources across sentences, and noise that is no statement (issue 4, held-out diagnosis)."""

from __future__ import annotations

from normwatch.kb import load_kb
from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.actors import find_actors
from normwatch.stages.mentions import find_mentions
from normwatch.stages.segment import segment
from normwatch.stages.statements import find_statements


def statements(text: str, speaker: str | None = None) -> list[tuple[str | None, bool, str]]:
    kb = load_kb()
    doc = segment(Document(text, source="t", meta=Meta(speaker=speaker)), Settings())
    doc.mentions = find_mentions(doc, kb)
    doc.actors = find_actors(doc, kb)
    doc.statements = find_statements(doc)
    doc.check_spans()
    return [(s.speaker, s.direct, s.span.of(doc.text)) for s in doc.statements]


def test_source_named_last_after_the_verb_wins_over_the_clause_subject():
    got = statements("Minister Josephine Teo of Singapore opened the meeting.\n\n"
                     "ASEAN advocated the need to implement the cyber stability framework, said Teo, who was "
                     "speaking on Wednesday.")
    assert ("person:josephine-teo", False,
            "ASEAN advocated the need to implement the cyber stability framework") in got


def test_they_said_and_the_sentence_it_closes():
    got = statements("There are 10 ASEAN member states.\n\nMember states had underscored the importance of rules "
                     "to drive economic progress. Voluntary norms were essential to ensure stability, they said.")
    speakers = {(s, t.split()[0]) for s, _, t in got}
    assert ("org:asean", "Voluntary") in speakers
    assert ("org:asean", "Member") in speakers


def test_adjective_government_speaks_and_its_quote_is_its_statement():
    got = statements("\"The malicious activity was perpetrated by the actor APT31 that is tied to the ministry,\" "
                     "the Czech government said.")
    assert got and got[0][0] == "state:CZE" and got[0][1] is True


def test_fragments_and_link_lists_are_not_statements():
    got = statements("Minister Ben Knappen of the Netherlands said the Netherlands ordinarily relies on "
                     "\u201cdiplomatic or legal channels\u201d first.\n\n"
                     "* Singapore, US pledge deeper collaboration in cybersecurity\n"
                     "* APAC firms face growing cyberattacks")
    texts = [t for _, _, t in got]
    assert "diplomatic or legal channels" not in texts
    assert not any("pledge" in t for t in texts)


def test_joint_statement_we_is_each_signatory():
    got = statements("We \u2014 Deputy Secretary Hamish Hansford of Australia and Deputy Advisor Keiichi Ichikawa "
                     "of Japan \u2013 met in Tokyo.\n\nWe reaffirmed the application of international law to "
                     "cyberspace.\n\nWe discussed cyber cooperation on cables.")
    joint = [(s, t) for s, d, t in got if t.startswith("We reaffirmed")]
    assert {s for s, _ in joint} == {"person:hamish-hansford", "person:keiichi-ichikawa"}
    assert not any(t.startswith("We discussed") for _, _, t in got)
