"""Person names, round two (issue 4): title-case words of documents are never name tokens.

A headline such as "Executive Order Targeting ..." once made a person "Order Targeting": the
words of document titles (Order, Act, Strategy, Statement ...) and words shaped like common
nouns or gerunds ("-tion", "-ment", "-ity", a two-syllable stem + "-ing") are kept out of name runs.
"""

from __future__ import annotations

from normwatch.extraction.people import common_noun_form, name_runs


def runs(text: str) -> list[str]:
    return [" ".join(r.tokens) for r in name_runs(text, 0, len(text))]


def test_title_words_make_no_name():
    assert runs("President Biden signed the Executive Order Targeting Ransomware Actors today.") == []
    assert runs("The National Cybersecurity Strategy Implementation Plan was released.") == []
    assert runs("Joint Statement on Strengthening Cyber Resilience") == []


def test_real_names_survive():
    assert runs("Foreign Minister Julie Bishop met Xi Jinping and Andrew Holness.") == [
        "Julie Bishop", "Xi Jinping", "Andrew Holness"]
    assert runs("Chelsea Manning and Clement Marion spoke.") == ["Chelsea Manning", "Clement Marion"]


def test_common_noun_form():
    for w in ("targeting", "countering", "directive", "implementation", "statement", "readiness"):
        assert common_noun_form(w), w
    for w in ("jinping", "manning", "browning", "clement", "holness", "marion"):
        assert not common_noun_form(w), w
