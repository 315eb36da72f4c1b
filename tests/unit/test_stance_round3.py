"""Stance recall, round 3 (issue 4): treaty work as a cue, instrument praise after the name,
hard-wrapped hyphens, invitations and hortatives, list members, office-holder openers.

Documents are built by hand with the helpers of `test_stances`, so these tests hold whatever
the earlier stages do. Each positive case has a negative twin where the rule could overreach.
"""

from __future__ import annotations

from normwatch.model import Span
from normwatch.stages.stances import find_stances

from .test_stances import add_mentions, doc_of, fake_kb, keys

COOP = "proposition:international-cooperation"
NORMS = "proposition:voluntary-norms"
CAPACITY = "proposition:capacity-building"
CRIME_TREATY = "proposition:new-un-cybercrime-treaty"
STATE_TREATY = "proposition:binding-state-behaviour-treaty"
BUDAPEST = "instrument:budapest-convention"
PARIS = "instrument:paris-call-2018"


def _speech(text: str, spk: str = "state:RUS", pairs=(), one_sentence: bool = False) -> set:
    doc = doc_of(text, speaker=spk)
    if one_sentence:  # a hard-wrapped sentence, as the segment stage gives it (the crude split cuts lines)
        doc.sentences.append(Span(0, len(text)))
    add_mentions(doc, list(pairs))
    return keys(find_stances(doc, fake_kb()))


# --- treaties named by their UN subject, wanted as work to be done ------------------------

def test_drafting_a_convention_on_criminal_use_of_icts_is_support():
    got = _speech("Defending cyberspace deserves special attention, as well as drafting a universal convention "
                  "within the Special Committee on countering the use of information and communications "
                  "technologies for criminal purposes.")
    assert ("state:RUS", CRIME_TREATY, "support") in got


def test_negotiating_an_agreement_on_security_in_the_use_of_icts_is_state_treaty_support():
    got = _speech("Cyberspace matters, including the negotiation of an agreement within the working group on "
                  "security of and in the use of information and communications technologies.")
    assert ("state:RUS", STATE_TREATY, "support") in got


def test_not_negotiating_is_no_support():
    got = _speech("Cyberspace matters, but we see no point in the negotiation of an agreement on international "
                  "information security.")
    assert ("state:RUS", STATE_TREATY, "support") not in got


def test_binding_instrument_to_tackle_cybercrime_is_the_crime_treaty():
    got = _speech("I call on Member States to work together for the conclusion of a legally binding "
                  "instrument to tackle cybercrime.", spk="state:BGD")
    assert ("state:BGD", CRIME_TREATY, "support") in got
    assert ("state:BGD", STATE_TREATY, "support") not in got


# --- an instrument praised after its name -------------------------------------------------

def test_instrument_providing_the_primary_framework_is_support():
    text = "In fighting cybercrimes, the Budapest Convention provides the appropriate\nand primary legal framework."
    got = _speech(text, spk="state:EST", pairs=[("Budapest Convention", BUDAPEST)], one_sentence=True)
    assert ("state:EST", BUDAPEST, "support") in got


def test_instrument_named_without_praise_is_no_stance():
    text = "In fighting cybercrimes, the Budapest Convention was opened for signature in a cyber age."
    got = _speech(text, spk="state:EST", pairs=[("Budapest Convention", BUDAPEST)])
    assert not any(t == BUDAPEST for _, t, _ in got)


def test_cooperation_is_required_is_support():
    got = _speech("Cybercrime is an increasing threat and international cooperation is required to deal with it.",
                  spk="state:JAM")
    assert ("state:JAM", COOP, "support") in got


# --- wording the phrase tables missed -----------------------------------------------------

def test_hard_wrapped_capacity_building_is_found():
    got = _speech("Efforts must be intensified for promoting investment in ICT capacity-\nbuilding.", spk="state:AZE",
                  one_sentence=True)
    assert ("state:AZE", CAPACITY, "support") in got


def test_invitation_to_share_experiences_is_cooperation():
    got = _speech("I invite all States to share their experiences on the risks disseminated through cyberspace.",
                  spk="state:PAN")
    assert ("state:PAN", COOP, "support") in got


def test_sharing_experiences_without_a_cue_is_no_stance():
    got = _speech("Some States share their experiences on the risks disseminated through cyberspace.", spk="state:PAN")
    assert not any(t == COOP for _, t, _ in got)


def test_let_us_not_is_no_hortative():
    got = _speech("Let us not combine efforts against cyber threats.", spk="state:PAN")
    assert ("state:PAN", COOP, "support") not in got


def test_peacetime_norms_in_cyberspace_are_voluntary_norms():
    got = _speech("We uphold established, non-binding global peacetime norms in cyberspace.", spk="state:USA")
    assert ("state:USA", NORMS, "support") in got


# --- a list's head cue reaches its named members ------------------------------------------

def test_including_through_an_instrument_takes_the_list_head_cue():
    text = ("We renew our determination to work alongside partners and stakeholders to uphold international law "
            "and established, widely shared global peacetime norms of conduct in cyberspace, including through "
            "the Paris Call.")
    got = _speech(text, spk="state:FRA", pairs=[("Paris Call", PARIS)])
    assert ("state:FRA", PARIS, "support") in got


def test_far_instrument_without_list_link_gets_no_stance():
    text = ("We renew our determination to work alongside partners and stakeholders to uphold international law "
            "and established global peacetime norms in cyberspace, and we note that many other delegations in this hall "
            "recall the Paris Call.")
    got = _speech(text, spk="state:FRA", pairs=[("Paris Call", PARIS)])
    assert ("state:FRA", PARIS, "support") not in got


# --- a joint text opening with its signatories' offices -----------------------------------

def test_joint_statement_opened_by_offices_speaks_for_both_states():
    text = ("Joint Statement Following the Meeting Between President A and President B\n\n"
            "Today, the President of the United States and the President of the French Republic met in "
            "Washington.\nThe Presidents intend to promote responsible state behavior in cyberspace.")
    doc = doc_of(text, title="Joint Statement Following the Meeting Between President A and President B")
    add_mentions(doc, [("the United States", "state:USA"), ("French Republic", "state:FRA")])
    got = keys(find_stances(doc, fake_kb()))
    assert ("state:USA", NORMS, "support") in got
    assert ("state:FRA", NORMS, "support") in got


def test_offices_in_a_text_not_titled_joint_are_no_voice():
    text = ("Meeting Between President A and President B\n\n"
            "Today, the President of the United States and the President of the French Republic met in "
            "Washington.\nThe Presidents intend to promote responsible state behavior in cyberspace.")
    doc = doc_of(text, title="Meeting Between President A and President B")
    add_mentions(doc, [("the United States", "state:USA"), ("French Republic", "state:FRA")])
    got = keys(find_stances(doc, fake_kb()))
    assert ("state:FRA", NORMS, "support") not in got
