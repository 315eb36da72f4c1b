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


def test_coordinated_subject_attributes_the_quote_to_the_first_conjunct():
    text = ('"The attack on mail servers is another serious example of a malicious act in cyberspace," '
            'Microsoft and its partners added in a separate statement issued today.')
    _, got = run(text)
    assert [(g[0], g[1]) for g in got] == [("org:microsoft", True)]


def test_source_named_last_and_said_without_that():
    text = ("A Russian espionage group has targeted the Estonian government for months, "
            "security firm Microsoft said this week.\n\n"
            "Microsoft and Harvard said Russian hackers orchestrated several phishing campaigns in July.\n\n"
            "Microsoft said I think is very important to emphasize.")
    _, got = run(text)
    assert got == [
        ("org:microsoft", False, "A Russian espionage group has targeted the Estonian government for months"),
        ("org:microsoft", False, "Russian hackers orchestrated several phishing campaigns in July"),
    ]


def test_block_quote_without_quote_marks_after_a_published_statement():
    text = ("In response, the United Nations also published a formal statement today calling out Moscow.\n"
            "These activities are contrary to the norms of responsible State behaviour and undermine our institutions.\n\n"
            "The United Nations will revert to this issue in upcoming meetings.\n\n"
            "The Russian ministry, which responded to accusations from the US before, has not yet replied to it.")
    _, got = run(text)
    assert [(g[0], g[1]) for g in got] == [("org:un", True), ("org:un", True)]
    assert got[0][2].startswith("These activities") and got[1][2].startswith("The United Nations will revert")


def test_list_introduced_by_a_colon_is_not_a_quote():
    text = ("In approaching the recommendations, Estonia should consider the following:\n\n"
            "Stay the course: the partnership is new. Continued attention will provide benefits.")
    _, got = run(text)
    assert got == []


def test_first_person_sentence_needs_a_norms_topic_or_a_position():
    text = ("We see the Internet as a wonderful tool for educating girls.\n"
            "We are striving towards a better application of international law in the digital space.")
    _, got = run(text, speaker="state:EST")
    assert [g[2] for g in got] == [
        "We are striving towards a better application of international law in the digital space."]


def test_headline_is_not_reported_speech():
    text = ("China accuses US of launching cyberattacks, denies mail server hack\n\n"
            "China rejected accusations that Beijing was behind the recent hacking campaign against mail servers.")
    _, got = run(text)
    assert [g[2][:13] for g in got] == ["rejected accu"]


def test_indefinite_role_before_the_name_is_the_person_named_later():
    text = ("A top Chinese spokesman known for making provocative remarks on Tuesday rejected accusations that "
            "Beijing was behind the hacking campaign.\n\n"
            "The comments were made by Chinese foreign ministry spokesman Zhao Lijian in a press conference.")
    doc, got = run(text)
    assert got and got[0][0] == "person:zhao-lijian" and not got[0][1]
    assert got[0][2].startswith("Beijing was behind")


def test_quote_in_a_list_item_takes_the_speaker_of_the_introduction():
    text = ("Chinese foreign ministry spokesman Zhao Lijian said the claims were baseless.\n\n"
            "In addition to the denial, Zhao accused the US of:\n\n"
            "* Being \u201cthe world\u2019s largest source of cyber attacks.\u201d\n"
            "* Maintaining thousands of servers outside of China.")
    _, got = run(text)
    assert ("person:zhao-lijian", True, "the world\u2019s largest source of cyber attacks.") in got


def test_official_attribution_quote_is_a_statement():
    text = ('The United States attributes "with a high degree of confidence that malicious cyber actors '
            'affiliated with the ministry conducted espionage operations."')
    _, got = run(text)
    assert [(g[0], g[1]) for g in got] == [("state:USA", True)]


def test_object_of_an_accusation_is_not_the_speaker():
    text = ('In May, the United States accused Russia of launching a weapon, assessing it had '
            '\u201ccharacteristics resembling previously deployed payloads\u201d in 2019.')
    _, got = run(text)
    assert all(g[0] != "state:RUS" for g in got)


def test_comma_is_not_coordination_of_speakers():
    text = ("With regard to the blockade imposed by the United States, Australia believes that it should be "
            "lifted in the light of the great harm it has done.")
    _, got = run(text)
    assert all(g[0] != "state:USA" for g in got)


def test_cybercrime_counts_as_a_norms_topic_for_first_person_sentences():
    _, got = run("Our fight is against misinformation and cybercrime online.", speaker="state:AUS")
    assert [g[0] for g in got] == ["state:AUS"]
