"""Speeches, round two (issue 4): a sentence that carries the cyber topic over from the one before.

"Threats in cyberspace present a serious challenge. It is therefore imperative that the
international community address those threats." -- the second sentence names no cyber word
but is on the topic; one about hunger after it is not.
"""

from __future__ import annotations

from normwatch.extraction.cues import carries_topic
from normwatch.model import Span
from normwatch.stages.stances import find_stances
from normwatch.stages.statements import find_statements

from .test_stances import doc_of, fake_kb

SPK = "state:KOR"


def speech(text: str):
    doc = doc_of(text, speaker=SPK)
    # one paragraph per line, one sentence per ". "
    pos = 0
    for line in text.split("\n"):
        doc.paragraphs.append(Span(pos, pos + len(line)))
        a = pos
        for part in line.split(". "):
            b = a + len(part) + (2 if a + len(part) < pos + len(line) else 0)
            doc.sentences.append(Span(a, min(b, pos + len(line))))
            a = b
        pos += len(line) + 1
    return doc


def said(doc) -> list[str]:
    return [doc.text[s.span.start:s.span.end].strip() for s in find_statements(doc)]


CARRY = ("Threats in cyberspace, such as cybercrime, present a serious challenge. "
         "It is therefore imperative that the international community address those threats.")


def test_carried_sentence_is_a_statement():
    got = said(speech(CARRY))
    assert any(s.startswith("Threats in cyberspace") for s in got)
    assert any(s.startswith("It is therefore imperative") for s in got)


def test_no_carry_across_paragraphs_or_without_anaphor():
    doc = speech("Threats in cyberspace present a serious challenge.\n"
                 "It is therefore imperative that the international community address those threats.")
    assert not any(s.startswith("It is therefore") for s in said(doc))
    doc = speech("Threats in cyberspace present a serious challenge. We must work together to fight hunger.")
    assert not any("hunger" in s for s in said(doc))


def test_carry_reaches_two_sentences_but_does_not_chain():
    text = ("The fight against cybercrime must become a priority. We must promote fair regulation. "
            "Neither can we accept the use of those new technologies to destabilize Governments. "
            "Those new technologies must also serve development. Such efforts must be supported.")
    got = said(speech(text))
    assert any(s.startswith("Neither can we accept") for s in got)
    assert not any(s.startswith("Such efforts") for s in got)


def test_carries_topic_helper():
    text = "Cyber attacks grow. Hunger grows. Thus we act. These attacks must stop."
    sents = [Span(0, 20), Span(20, 34), Span(34, 48), Span(48, len(text))]
    on = [True, False, False, False]
    assert not carries_topic(text, sents, 2, on.__getitem__)  # a connective reaches one sentence back
    assert carries_topic(text, sents, 3, on.__getitem__) is False  # three back is too far
    assert carries_topic(text, sents, 1, on.__getitem__) is False  # no anaphor
    assert carries_topic("Cyber attacks grow. These attacks must stop.", [Span(0, 20), Span(20, 44)], 1, [True, False].__getitem__)


# A long non-cyber paragraph first: a short text dense in cyber words counts as cyber throughout.
PAD = "We thank the President for his leadership of this Assembly in a difficult year. " * 12 + "\n"
FAR = PAD + ("Threats in cyberspace, such as the sabotage of hospitals and power grids, the theft of savings and "
       "the spread of lies, present a serious challenge to every nation here. "
       "To meet those threats, we strongly support international cooperation among all our partners.")


def test_carried_sentence_gives_a_stance():
    doc = speech(FAR)
    doc.statements = find_statements(doc)
    got = {(s.actor, s.target, s.polarity) for s in find_stances(doc, fake_kb())}
    assert (SPK, "proposition:international-cooperation", "support") in got


def test_carried_stance_keeps_the_hunger_guard():
    doc = speech(FAR.replace("To meet those threats", "To meet hunger"))
    doc.statements = find_statements(doc)
    assert not [s for s in find_stances(doc, fake_kb()) if s.target == "proposition:international-cooperation"]
