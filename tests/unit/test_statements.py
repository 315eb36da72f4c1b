"""Direct quotes, reported speech and first-person speeches (issue 4, stage 4)."""

from __future__ import annotations

import json

from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.actors import find_actors
from normwatch.stages.mentions import find_mentions
from normwatch.stages.segment import segment
from normwatch.stages.statements import find_statements

from ..conftest import shared_path
from .test_mentions import KB


def run(text: str, speaker: str | None = None) -> tuple[Document, list[tuple[str | None, bool, str]]]:
    doc = segment(Document(text, source="t", meta=Meta(speaker=speaker)), Settings())
    doc.mentions = find_mentions(doc, KB)
    doc.actors = find_actors(doc, KB)
    doc.statements = find_statements(doc)
    doc.check_spans()
    return doc, [(s.speaker, s.direct, text[s.span.start:s.span.end]) for s in doc.statements]


def test_split_quote_gives_two_statements():
    text = ('"We are dealing with a collective task," Estonia\'s Foreign Minister Keit Pentus-Rosimannus said, '
            'adding "no country can resolve cyber matters on its own."')
    _, got = run(text)
    assert got == [("person:keit-pentus-rosimannus", True, "We are dealing with a collective task"),
                   ("person:keit-pentus-rosimannus", True, "no country can resolve cyber matters on its own.")]


def test_multi_sentence_quote_with_pronoun_attribution():
    text = ('Anna Berg, the Estonian minister, spoke first.\n'
            '"We need cooperation. We need commitment on capacity building," she said.')
    _, got = run(text)
    assert got == [("person:anna-berg", True, "We need cooperation. We need commitment on capacity building")]


def test_quote_before_verb_and_inverted_subject():
    text = '"We are not ready for a new treaty," said Julie Bishop, the Australian Minister for Foreign Affairs.'
    doc, got = run(text)
    assert got == [("person:julie-bishop", True, "We are not ready for a new treaty")]
    assert doc.statements[0].affiliation == "state:AUS"
    cue = doc.statements[0].cue
    assert text[cue.start:cue.end] == "said"


def test_curly_quotes_and_verb_before_quote():
    text = "Anna Berg, a Chinese official, said: \u201cThe draft puts forward proposals.\u201d"
    _, got = run(text)
    assert got == [("person:anna-berg", True, "The draft puts forward proposals.")]


def test_quote_paragraph_after_introduction_and_continuation():
    text = ("Moderator Anna Berg summarized the meeting with a positive note.\n"
            "\"Norms do exist, but we need time to develop them.\"\n"
            "The weather was fine.")
    _, got = run(text)
    assert got == [("person:anna-berg", True, "Norms do exist, but we need time to develop them.")]


def test_unattributed_quote_follows_earlier_quote_in_paragraph():
    text = ('Matt Thomlinson, the Vice President of Security of Microsoft, spoke. '
            '"Users will grow to 4.75 billion," he said. "A connected future will be insecure."')
    _, got = run(text)
    assert [g[2] for g in got] == ["Users will grow to 4.75 billion", "A connected future will be insecure."]
    assert {g[0] for g in got} == {"person:matt-thomlinson"}


def test_scare_quotes_and_titles_are_not_statements():
    text = ('In 2013, the GGE published a report focusing on a "peaceful, secure, resilient and open ICT environment". '
            'The blog asked what "carry out hostile activities" means.')
    _, got = run(text)
    assert got == []


def test_reported_speech():
    text = ("Chen Xu, Ambassador of China to the Netherlands, emphasized the importance of a leading role for the UN. "
            "According to the Ambassador, this report could contribute to coordination. "
            "Chen Xu also recalled that China had submitted a draft.")
    doc, got = run(text)
    assert ("person:chen-xu", False, "emphasized the importance of a leading role for the UN") in got
    assert ("person:chen-xu", False, "this report could contribute to coordination") in got
    assert ("person:chen-xu", False, "China had submitted a draft") in got
    assert all(s.cue is not None for s in doc.statements)


def test_summary_without_content_is_not_reported_speech():
    _, got = run("Moderator Anna Berg summarized the meeting with a positive note.")
    assert got == []


def test_first_person_speech_sentences():
    text = ("Mr President, it is an honour to be here.\n"
            "We support the norms of responsible State behaviour in cyberspace. "
            "The harvest was good this year. Our delegation stresses capacity-building in ICT security.")
    _, got = run(text, speaker="state:AUS")
    assert [g[2] for g in got] == ["We support the norms of responsible State behaviour in cyberspace.",
                                   "Our delegation stresses capacity-building in ICT security."]
    assert all(g[0] == "state:AUS" and g[1] for g in got)


def test_origin_doc_statements_reach_target():
    """Issue 4 target on origin doc 000: statements F1 >= 0.90 against the gold."""
    text = shared_path("corpus", "origin", "000_bc119b1e5d9b1ff6.txt").read_text(encoding="utf-8")
    gold = json.loads(shared_path("gold", "origin.json").read_text(encoding="utf-8"))
    from normwatch.kb import load_kb
    from normwatch.stages.actors import actors
    from normwatch.stages.mentions import mentions
    from normwatch.stages.statements import statements

    kb = load_kb()
    if not kb.get("org:microsoft") or not kb.get("org:harvard-kennedy-school"):
        import pytest

        pytest.skip("the KB does not hold the organisations of the origin document yet")
    doc = Document(text, source="000", meta=Meta(published="2015-04-17"))
    for st in (segment, mentions, actors, statements):
        doc = st(doc, Settings())
    golds = [g for g in gold["statements"] if g["doc"].startswith("000")]
    tp = 0
    used: set[int] = set()
    for g in golds:
        i = text.find(g["quote"])
        for k, s in enumerate(doc.statements):
            if k not in used and s.speaker == g["speaker"] and s.direct == g["direct"] \
                    and s.span.start < i + len(g["quote"]) and i < s.span.end:
                used.add(k)
                tp += 1
                break
    p, r = tp / max(1, len(doc.statements)), tp / len(golds)
    assert 2 * p * r / max(1e-9, p + r) >= 0.90
    gold_actors = {a["id"]: a["affiliation"] for a in gold["actors"] if a["doc"].startswith("000")}
    got = {a.id: a.affiliation for a in doc.actors}
    assert all(got.get(i) == aff for i, aff in gold_actors.items())


def test_according_to_at_the_end_and_quote_before():
    text = ('Russian actors were "positioning themselves for a limited or widespread attack," according to '
            'Anna Berg, former deputy assistant secretary of defense.')
    _, got = run(text)
    assert got == [("person:anna-berg", True, "positioning themselves for a limited or widespread attack")]
    text2 = "The group hacked five ministries last year, according to Anna Berg, a former official."
    _, got2 = run(text2)
    assert got2 == [("person:anna-berg", False, "The group hacked five ministries last year")]


def test_reported_clause_stops_at_a_quote_and_list_lead_ins_are_dropped():
    text = ("Anna Berg, a Chinese official, spoke. Berg said the US has pressured its allies into an alliance, "
            "which \u201cmight spur a cyber arms race\u201d. Berg accused the US of:")
    _, got = run(text)
    assert ("person:anna-berg", False, "the US has pressured its allies into an alliance") in got
    assert ("person:anna-berg", True, "might spur a cyber arms race") in got
    assert not any(g[2].endswith(":") for g in got)


def test_quote_with_unknown_speaker_is_not_given_to_someone_else():
    text = ("Anna Berg, the Estonian minister, spoke on Monday.\n"
            "\"The attackers used four flaws to get in,\" a joint release stated.")
    _, got = run(text)
    assert got == []
