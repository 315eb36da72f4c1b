"""The cue words that used to be Python regexes now come from the lexicon: every item of each table
reaches the pattern built from it, so an analyst's new word takes effect without a code change."""

import pytest

from normwatch.extraction import cues, speaking, stance_polarity
from normwatch.kb import lexicon


@pytest.mark.parametrize("word", lexicon.items("speech.judged_verbs"))
def test_judged_verbs_drive_judged_that(word):
    assert speaking.JUDGED_THAT.match(f" {word} that")


@pytest.mark.parametrize("word", lexicon.items("speech.government_nouns"))
def test_government_nouns_drive_government_noun(word):
    assert speaking.GOVERNMENT_NOUN.match(f" {word}")
    assert speaking.GOVERNMENT_NOUN.match(f" {word.title()}")


@pytest.mark.parametrize("word", lexicon.items("speech.group_nouns"))
def test_group_nouns_drive_group_noun(word):
    assert speaking.GROUP_NOUN.match(f" senior {word}")


@pytest.mark.parametrize("word", lexicon.items("speech.coordinated_nouns"))
def test_coordinated_nouns_join_a_subject(word):
    assert speaking.COORDINATED.match(f" and its {word}").group(0) == f" and its {word}"


def test_not_only_keeps_a_negator_from_denying():
    assert cues.negated("we do not support this")
    for word in lexicon.items("position.not_only"):
        assert not cues.negated(f"not {word} a matter of law")


def test_others_and_authored_and_worse_than_come_from_the_lexicon():
    for q in lexicon.items("position.others_quantifiers"):
        assert stance_polarity.OTHERS.match(f"{q} delegations propose a treaty")
    for v in lexicon.items("position.authored_verbs"):
        assert stance_polarity.AUTHORED.search(f"We have {v} this code")
    assert stance_polarity.COMPARE_BETTER.search("it is less effective than the ")
    assert not stance_polarity.OTHERS.match("We propose a treaty")
