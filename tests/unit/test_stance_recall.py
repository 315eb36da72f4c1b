"""Stance recall on unseen wording (issue 4): topic paragraphs, calls for regulation,
continued press-release quotes and an official text's own "we".

Documents are built by hand with the helpers of `test_stances`, so these tests hold whatever
the earlier stages do.
"""

from __future__ import annotations

from normwatch.model import Span
from normwatch.stages.stances import find_stances, quoted_spans

from .test_stances import add_mentions, add_statement, doc_of, fake_kb, keys

COOP = "proposition:international-cooperation"
NORMS = "proposition:voluntary-norms"
TREATY = "proposition:binding-state-behaviour-treaty"


def _paragraphs(doc) -> None:
    """One paragraph per line, as the clean stage would mark them."""
    pos = 0
    for line in doc.text.split("\n"):
        if line.strip():
            doc.paragraphs.append(Span(pos, pos + len(line)))
        pos += len(line) + 1


# --- a technology sentence opening a cyber paragraph ---------------------------------------

def test_digital_topic_sentence_with_cyber_words_later_in_the_paragraph():
    filler = "We thank the President for his able leadership of this session of the Assembly. " * 30
    text = (filler + "\nLastly, we must enhance international cooperation to harness the opportunities of the "
            "digital revolution. Digital change does not happen in a vacuum. It is shaped by tensions, "
            "cybersecurity threats and the digital divide.")
    doc = doc_of(text, speaker="state:SGP")
    _paragraphs(doc)
    assert ("state:SGP", COOP, "support") in keys(find_stances(doc, fake_kb()))


def test_non_digital_sentence_in_a_cyber_paragraph_is_no_stance():
    # the sentence names no technology: the paragraph's later cyber words do not make it cyber
    filler = "We thank the President for his able leadership of this session of the Assembly. " * 30
    text = (filler + "\nWe must enhance international cooperation to end hunger in our region. "
            "Food prices have doubled in the last year across all the countries of our wide region and beyond it. "
            "Separately, cybersecurity threats keep growing.")
    doc = doc_of(text, speaker="state:HTI")
    _paragraphs(doc)
    assert not any(t == COOP for _, t, _ in keys(find_stances(doc, fake_kb())))


def test_technology_in_another_paragraph_does_not_carry():
    filler = "We thank the President for his able leadership of this session of the Assembly. " * 30
    text = (filler + "\nWe must enhance international cooperation to harness the digital economy for growth.\n"
            + filler + "\nCybersecurity threats keep growing.")
    doc = doc_of(text, speaker="state:HTI")
    _paragraphs(doc)
    assert not any(t == COOP for _, t, _ in keys(find_stances(doc, fake_kb())))


# --- a call for regulation -------------------------------------------------------------------

def test_absence_of_a_regulatory_regime_for_cyberspace_is_a_call_for_one():
    text = ("The absence of a regulatory supervisory regime concerning the use of new technologies in "
            "cyberspace needs to be addressed urgently.")
    got = keys(find_stances(doc_of(text, speaker="state:LKA"), fake_kb()))
    assert ("state:LKA", TREATY, "support") in got


def test_lack_of_a_legal_framework_to_prosecute_cybercrime_is_not_the_state_behaviour_treaty():
    text = "The lack of a legal framework to prosecute cybercriminals hampers our police."
    got = keys(find_stances(doc_of(text, speaker="state:LKA"), fake_kb()))
    assert ("state:LKA", TREATY, "support") not in got


# --- quotes continuing a press release -------------------------------------------------------

PRESS = ("The Council said: “Such malicious cyber activities are unacceptable and threaten our security.”\n"
         "Later in the text it turns to the rules.\n"
         "“These activities are contrary to the norms of responsible State behaviour in cyberspace,” "
         "according to the press release.\n"
         "“We urge Russia to adhere to the norms of responsible state behaviour in cyberspace.”\n")


def _press_doc(text: str = PRESS):
    doc = doc_of(text)
    add_mentions(doc, [("Russia", "state:RUS")])
    add_statement(doc, "org:council-of-the-eu", "org:eu",
                  "Such malicious cyber activities are unacceptable and threaten our security.")
    return doc


def test_continued_quotes_belong_to_the_source_of_the_first():
    got = find_stances(_press_doc(), fake_kb())
    hits = [s for s in got if s.target == NORMS and s.polarity == "support"]
    assert hits and all(s.actor == "org:council-of-the-eu" and s.affiliation == "org:eu" for s in hits)
    assert not any(s.actor == "state:RUS" for s in got)


def test_a_quote_after_another_named_source_is_not_continued():
    text = PRESS.replace("Later in the text it turns to the rules.",
                         "Senator Smith of Georgia disagreed with parts of it.")
    doc = _press_doc(text)
    add_mentions(doc, [("Georgia", "state:GEO")])
    got = find_stances(doc, fake_kb())
    assert not any(s.actor == "org:council-of-the-eu" and s.target == NORMS for s in got)


def test_quoted_spans_find_straight_and_curly_quotes():
    text = 'He said "this is a long enough straight quote" and “this is a long enough curly quote”.'
    assert [text[s.start:s.end][1:5] for s in quoted_spans(text)] == ["this", "this"]


# --- an official text's own "we" ------------------------------------------------------------

OFFICIAL = ("Estonia, Joined by Partners, Attributes Malicious Cyber Activity to Russia\n"
            "Today we and our partners expose the campaign. Working collectively strengthens our cyber "
            "resilience and our security cooperation. We are laying down clear markers on how responsible "
            "nations behave in cyberspace.\n")


def test_title_subject_speaks_the_unquoted_we():
    doc = doc_of(OFFICIAL, title=OFFICIAL.split("\n")[0])
    add_mentions(doc, [("Estonia", "state:EST"), ("Russia", "state:RUS")])
    got = keys(find_stances(doc, fake_kb()))
    assert ("state:EST", COOP, "support") in got
    assert ("state:EST", NORMS, "support") in got
    assert not any(a == "state:RUS" for a, _, _ in got)


def test_possessive_title_gives_no_voice():
    text = OFFICIAL.replace("Estonia, Joined by Partners, Attributes", "Estonia’s partners attribute")
    doc = doc_of(text, title=text.split("\n")[0])
    add_mentions(doc, [("Estonia", "state:EST"), ("Russia", "state:RUS")])
    assert not keys(find_stances(doc, fake_kb()))


def test_quoted_we_in_an_official_text_is_not_the_title_subject():
    text = OFFICIAL.replace("Today we and our partners expose the campaign. Working collectively strengthens our cyber "
                            "resilience and our security cooperation.",
                            "“Working collectively strengthens our cyber resilience and our security cooperation,” a "
                            "researcher wrote.")
    text = text.replace(" We are laying down clear markers on how responsible nations behave in cyberspace.", "")
    doc = doc_of(text, title=text.split("\n")[0])
    add_mentions(doc, [("Estonia", "state:EST"), ("Russia", "state:RUS")])
    assert ("state:EST", COOP, "support") not in keys(find_stances(doc, fake_kb()))
