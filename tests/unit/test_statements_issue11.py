"""Statements that hold on unseen documents (issue 11, session 4): speakers written after a title,
an unclosed appositive or a "from ORG" modifier; topic by concept and carried without an anaphoric
noun; quotes off the cyber topic in a news report. The texts are invented for the tests."""

from __future__ import annotations

from normwatch.extraction.segmenter import split_sentences
from normwatch.kb import lexicon

from .test_statements import run

PEOPLE = ("Hackers hit the ministry's networks last week, the government said. Officials said the cyberattack "
          "used stolen passwords and that the malware spread quickly. ")


def test_inverted_speech_verb_with_a_title_names_the_person_issue_11():
    text = PEOPLE + ('"This indictment shows a hacking campaign run by a foreign government," said Acting U.S. '
                     'Attorney Mara Quellby of the Northern District, in a statement.')
    _, got = run(text)
    assert ("person:mara-quellby", True, "This indictment shows a hacking campaign run by a foreign government") in got


def test_reported_speech_after_an_unclosed_appositive_issue_11():
    text = PEOPLE + ("Tessa Vornholt, interim director of the Alliance for Safer Networks (ASN) said the cyber "
                     "sanctions were an encouraging move toward more information sharing.")
    _, got = run(text)
    assert any(sp == "person:tessa-vornholt" and not d and t.startswith("the cyber sanctions") for sp, d, t in got)


def test_a_from_org_modifier_does_not_hide_the_speaker_issue_11():
    text = PEOPLE + ("Dario Welkstein from Brightline Networks said that he fears the indictments could lead to "
                     "more intense cyberattacks.")
    _, got = run(text)
    assert any(sp == "person:dario-welkstein" and t.startswith("he fears") for sp, _, t in got)


def test_quotes_off_the_cyber_topic_are_not_statements_issue_11():
    body = ("The three governments announced a security pact on Thursday. It will also build cyber capabilities "
            "and help defend against cyberattacks, officials said. Critics said the pact lacked detail.\n"
            '"Our region is becoming more complex," Prime Minister Orla Brennick said on Thursday.\n'
            '"We will build eight submarines together over the next decade," Brennick added.\n'
            "The submarines will be built in the south of the country.\n"
            + "The shipyard employs many workers in the region and the harbour is busy all year round.\n" * 16)
    links = "".join(f"* Cyber story number {i} about hacking\n" for i in range(8))
    _, got = run(body + links)
    assert not [t for _, _, t in got if "submarines" in t or "more complex" in t]


def test_a_quote_just_after_a_cyber_sentence_stays_issue_11():
    text = ("The country was hit by cyberattacks on its ministries last year.\n"
            '"We never take public attributions lightly," Prime Minister Orla Brennick said at the time.\n'
            "The weather was fine.\nThe harvest was good.\n")
    _, got = run(text)
    assert [t for sp, _, t in got if sp == "person:orla-brennick"] == ["We never take public attributions lightly"]


SPEECH = "state:MCO"


def _speech(text: str) -> list[str]:
    _, got = run(text, speaker=SPEECH)
    return [t.strip() for sp, _, t in got if sp == SPEECH]


def test_topic_by_concept_without_a_cyber_word_issue_11():
    got = _speech("The control and governance of digital networks is unfair to small countries. "
                  "We grow bananas and rice.")
    assert got == ["The control and governance of digital networks is unfair to small countries."]


def test_topic_carried_by_an_object_pronoun_issue_11():
    got = _speech("Threats in cyberspace are a serious concern for all of us. As a Council member we promised "
                  "to bring it to the formal table of the Council. We also grow bananas and rice.")
    assert len(got) == 2 and got[1].startswith("As a Council member")


def test_a_run_of_cyber_sentences_carries_a_sentence_on_rules_issue_11():
    got = _speech("Cyberspace is now an area of conflict. Cyberattacks have exploded this year. "
                  "It is important to agree on common rules and proper conduct. Rules of football matter too. "
                  "We grow bananas.")
    assert "It is important to agree on common rules and proper conduct." in got
    assert not [t for t in got if "bananas" in t]


def test_capital_al_ends_a_sentence_but_et_al_does_not_issue_11():
    text = "We launched a process on trustworthy Al. Japan will act. See Smith et al. For details."
    cuts = [text[a:b] for a, b in split_sentences(text)]
    assert "Japan will act." in cuts
    assert "See Smith et al. For details." in cuts


def test_voice_cues_are_lexicon_tables_issue_11():
    for name in ("speech.first_person", "speech.joint_we", "speech.joint_position", "speech.joint_descriptive",
                 "speech.statement_nouns", "topic.tech_concern", "topic.topic_object", "topic.topic_run",
                 "topic.general_instruments"):
        assert lexicon.items(name)
    assert lexicon.pattern("topic.tech_concern").search("sovereignty in the digital age")
    assert not lexicon.pattern("topic.tech_concern").search("digital technologies for farmers and schools")


def _extract(tmp_path, text: str) -> dict:
    """The full pipeline (real KB) on one invented text, as `normwatch extract` gives it."""
    import json

    from click.testing import CliRunner

    from normwatch.cli import cli

    f = tmp_path / "doc.txt"
    f.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["extract", str(f), "--format", "jsonl"], env={"NORMWATCH_MIN_TEXT_CHARS": "20"})
    assert res.exit_code == 0, res.output
    d = json.loads(res.output.splitlines()[0])
    t = d["doc"]["text"]
    d["said"] = [(s["speaker"], s["direct"], t[s["span"][0]:s["span"][1]]) for s in d["statements"]]
    return d


def test_an_organisations_staff_speak_for_it_issue_11(tmp_path):
    d = _extract(tmp_path, "Hackers hit many accounts with phishing and malware last year.\n\n"
                           "Google Threat Intelligence Group (GTIG) researchers determined that the campaign started "
                           "in April and went on until June.\n\nMicrosoft analysts say the cyberattack was the work of "
                           "a state.\n")
    assert ("org:google", False, "the campaign started in April and went on until June") in d["said"]
    assert ("org:microsoft", False, "the cyberattack was the work of a state") in d["said"]


def test_a_report_headlined_on_the_topic_keeps_its_quotes_issue_11(tmp_path):
    filler = "The shipyard employs many workers in the region and the harbour is busy all year round.\n" * 12
    text = ("Russian hackers steal app passwords from academics\n\n" + filler
            + "Analysts at the lab checked the messages sent to the targets over two months.\n"
            + '"The attackers were patient and careful," Professor Ilse Marrow said.\n')
    d = _extract(tmp_path, text)
    assert [s for s in d["said"] if s[0] == "person:ilse-marrow"]
