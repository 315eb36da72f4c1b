"""Statement recall on unseen news (issue 4): the shapes a fresh dev set showed were missed.

Each test is one cause of misses found on documents no earlier test named: a title whose head
stands left of its employer, a government speaking through "the X government"/"X officials",
an organisation referred to by a common noun, a quote running over paragraphs, a reported
clause opening with a possessive, and the guards that keep precision while doing so.
"""

from __future__ import annotations

from .test_statements import run


def test_title_head_left_of_its_employer_makes_a_person():
    text = ('Spokesperson for the U.S. Department of State Ned Price hit back on Monday.\n\n'
            '"These accusations are groundless and we reject them entirely," Price said.')
    doc, got = run(text)
    price = next(a for a in doc.actors if a.id == "person:ned-price")
    assert price.affiliation == "state:USA"
    assert got == [("person:ned-price", True, "These accusations are groundless and we reject them entirely")]


def test_state_government_and_officials_speak_for_the_state():
    text = ('The US government believes the attack was likely conducted for large-scale espionage.\n\n'
            'Furthermore, US officials say that Russia is backing two other groups of hackers.')
    _, got = run(text)
    assert [(sp, d) for sp, d, _ in got] == [("state:USA", False), ("state:USA", False)]
    assert got[0][2].startswith("the attack was likely conducted")
    assert got[1][2].startswith("Russia is backing")


def test_the_department_said_stands_for_the_department_named_before():
    text = ('The U.S. Department of State said on Monday that talks with Russia would continue.\n\n'
            '"We will keep working with our partners on this issue for as long as it takes," '
            'the department said at the time.')
    _, got = run(text)
    assert ("org:us-department-of-state", True,
            "We will keep working with our partners on this issue for as long as it takes") in got


def test_nominal_without_a_matching_speaking_organisation_is_not_guessed():
    text = ('Microsoft published a report on Monday about a botnet.\n\n'
            '"It can overwhelm almost any infrastructure, including robust networks," the agency said.')
    _, got = run(text)
    assert got == []


def test_quote_over_three_paragraphs_keeps_its_speaker():
    text = ('"The so-called technical details do not constitute a chain of evidence," Anna Berg, the Estonian '
            'minister, said.\n\n'
            '"They are wiretapping not only competitors but also their allies.\n\n'
            '"I would like to stress that a handful of countries do not represent the world."')
    _, got = run(text)
    assert [sp for sp, _, _ in got] == ["person:anna-berg"] * 3


def test_said_clause_opening_with_a_possessive():
    text = ('Foreign Minister Anna Berg said Russia\'s military intelligence service was conducting '
            'reconnaissance against officials.')
    _, got = run(text)
    assert got == [("person:anna-berg", False,
                    "Russia's military intelligence service was conducting reconnaissance against officials")]


def test_according_to_with_abbreviation_stops_before_the_quote():
    text = ('According to Microsoft (MSFT), APT40 is responsible for attacks on ministries, '
            'which "operates to key intelligence requirements of the state."')
    _, got = run(text)
    assert ("org:microsoft", False, "APT40 is responsible for attacks on ministries") in got


def test_state_in_a_persons_appositive_is_not_the_speaker():
    text = ('China is changing the rules. As Anna Berg, a fellow and former US official, suggested in interview, '
            '"if the major powers start changing the rules of the game, others will follow."\n\n'
            'The US government said that it would respond to the attacks in kind.')
    _, got = run(text)
    assert ("person:anna-berg", True,
            "if the major powers start changing the rules of the game, others will follow.") in got


def test_precision_guards_relative_and_reflexive_clauses():
    text = ('The thief offered 30 million records: what Anna Berg claimed was a subset of all records.\n\n'
            'Because the leadership under Anna Berg believes itself to be wise, it acts alone.\n\n'
            'The allies may respond with force as the allies deem necessary to assist an ally.')
    _, got = run(text)
    assert got == []
