"""Stances, session 4 of issue 11 (found on tests/eval/dev_stances): predicates after a
coordinated subject, a negator between cue and target, "not only ... but", a paragraph that
points back ("In that connection"), the open and free Internet, the UN asked to act, electronic
sovereignty, rights "on- and off-line", and the new position cues.

The sentences are our own. Each positive case has a negative twin where the rule could overreach.
"""

from __future__ import annotations

from normwatch.kb import load_kb
from normwatch.model import Span
from normwatch.stages.stances import find_stances

from .test_stances import doc_of, keys

KB = load_kb()
SPK = "state:NOR"
RESTRAINT = "proposition:cyber-arms-restraint"
FREE_FLOW = "proposition:free-flow-of-information"
UN_ROLE = "proposition:un-central-role"
LAW = "proposition:international-law-applies"
SOVEREIGNTY = "proposition:cyber-sovereignty"
RIGHTS = "proposition:human-rights-online"
INFRA = "proposition:critical-infrastructure-protection"


def stances_of(text: str, spk: str = SPK) -> set:
    doc = doc_of(text, speaker=spk)
    doc.sentences.append(Span(0, len(text)))
    doc.paragraphs.append(Span(0, len(text)))
    return keys(find_stances(doc, KB))


# Paragraphs off the topic, so the speech is not dense with cyber words (where all is on the topic).
FILLER = tuple(f"Our farmers harvested a record crop of maize in region number {n}, thanks to the rains and "
               f"the new irrigation canals that the provincial authorities built with the villages." for n in range(8))


def paragraphs_of(*paras: str, spk: str = SPK) -> set:
    """A speech of one-sentence paragraphs, one per line, after paragraphs off the topic."""
    paras = FILLER + paras + FILLER
    text = "\n".join(paras)
    doc = doc_of(text, speaker=spk)
    at = 0
    for p in paras:
        doc.sentences.append(Span(at, at + len(p)))
        doc.paragraphs.append(Span(at, at + len(p)))
        at += len(p) + 1
    return keys(find_stances(doc, KB))


# --- a predicate after a coordinated subject ----------------------------------------------------

def test_coordinated_subject_then_unacceptable_opposes_the_bad_thing():
    got = stances_of("The militarization of cyberspace and the hidden use of networks against neighbours "
                     "are unacceptable.")
    assert (SPK, RESTRAINT, "support") in got
    assert (SPK, RESTRAINT, "oppose") not in got


def test_a_plain_report_of_militarization_is_no_stance():
    assert not {k for k in stances_of("The militarization of cyberspace and the hidden use of networks "
                                      "were discussed at length.") if k[1] == RESTRAINT}


# --- negation scope -----------------------------------------------------------------------------

def test_a_negator_between_cue_and_target_scopes_over_the_target():
    got = stances_of("We must ensure that there is no militarization of cyberspace.")
    assert (SPK, RESTRAINT, "support") in got
    assert (SPK, RESTRAINT, "oppose") not in got


def test_a_negator_inside_the_cue_is_not_read_twice():
    got = stances_of("We do not support the militarization of cyberspace.")
    assert (SPK, RESTRAINT, "support") in got


def test_not_only_but_keeps_the_cue_over_the_second_part():
    got = stances_of("We will not only ensure a free and open Internet, but also that "
                     "critical infrastructure is protected.")
    assert (SPK, FREE_FLOW, "support") in got


# --- the open and free Internet -------------------------------------------------------------------

def test_cyberspace_should_be_open_and_free_is_free_flow_support():
    assert (SPK, FREE_FLOW, "support") in stances_of("In our view, cyberspace should be secure, open and free.")


def test_cyberspace_free_from_threats_is_not():
    assert not {k for k in stances_of("In our view, cyberspace should be free from threats.") if k[1] == FREE_FLOW}


def test_an_open_secure_and_interoperable_internet_is_a_target():
    assert (SPK, FREE_FLOW, "support") in stances_of("We support an open, secure and interoperable Internet.")


# --- the United Nations asked to act ------------------------------------------------------------

def test_the_un_must_address_cyber_threats():
    got = stances_of("The United Nations must also address the growing threats of cyber attacks.")
    assert (SPK, UN_ROLE, "support") in got


def test_the_un_must_not_address_is_no_support():
    got = stances_of("The United Nations must not address the growing threats of cyber attacks.")
    assert (SPK, UN_ROLE, "support") not in got


def test_un_led_effort_on_cybersecurity():
    got = stances_of("Cybersecurity calls for a United Nations-led effort of all Member States.")
    assert (SPK, UN_ROLE, "support") in got


def test_deliberation_within_the_un():
    got = stances_of("Questions of cybersecurity deserve careful deliberation within the United Nations.")
    assert (SPK, UN_ROLE, "support") in got


# --- a paragraph pointing back ------------------------------------------------------------------

# far enough from the next paragraph that no cyber word stands within the proximity window
FIRST = ("Cyberattacks on hospitals are growing every month, and our doctors, nurses, patients and their "
         "families feel the consequences of that every single day of the year.")


def test_in_that_connection_carries_the_cyber_topic_across_a_paragraph():
    got = paragraphs_of(FIRST, "In that connection, we confirm the applicability of existing international law to that new area.")
    assert (SPK, LAW, "support") in got


def test_without_the_link_the_next_paragraph_is_off_the_topic():
    got = paragraphs_of(FIRST, "Next, we confirm the applicability of existing international law to the sea bed.")
    assert (SPK, LAW, "support") not in got


# --- words of the debate ------------------------------------------------------------------------

def test_electronic_sovereignty_and_borders():
    got = stances_of("The time has come to bring new concepts into international law, such as electronic "
                     "borders and electronic sovereignty, given the attention to cyberspace.")
    assert (SPK, SOVEREIGNTY, "support") in got


def test_rights_on_and_off_line():
    got = stances_of("We will counter extremist content on the Internet to better protect human rights both on- and off-line.")
    assert (SPK, RIGHTS, "support") in got


def test_protect_from_is_not_support_of_the_harm():
    got = stances_of("We protect our networks from attacks on critical infrastructure.")
    assert (SPK, INFRA, "oppose") not in got


def test_cybersecurity_of_critical_infrastructure():
    got = stances_of("We commit to increase the cybersecurity of critical infrastructure.")
    assert (SPK, INFRA, "support") in got


# --- what others are reported to oppose ---------------------------------------------------------

TREATY = "proposition:binding-state-behaviour-treaty"


def test_others_reported_opposition_is_not_the_speakers():
    got = stances_of("Several developed countries strongly oppose a legally binding instrument on cyberspace.")
    assert (SPK, TREATY, "oppose") not in got


def test_the_speakers_own_opposition_still_counts():
    got = stances_of("We strongly oppose a legally binding instrument on cyberspace.")
    assert (SPK, TREATY, "oppose") in got


# --- instrument anaphors of the newer kinds (lexicon/stance_anaphors.yaml) ------------------------

PALL_MALL = "instrument:pall-mall-process-2024"
BUDAPEST = "instrument:budapest-convention"


def _with_mentions(text: str, pairs) -> set:
    from .test_stances import add_mentions
    doc = doc_of(text, speaker=SPK)
    doc.sentences.append(Span(0, len(text)))
    add_mentions(doc, list(pairs))
    return keys(find_stances(doc, KB))


def test_the_process_stands_for_the_pall_mall_process():
    got = _with_mentions("The Pall Mall Process met in London on cyber intrusion tools. We strongly support the process.",
                         [("Pall Mall Process", PALL_MALL)])
    assert (SPK, PALL_MALL, "support") in got


def test_a_peace_process_with_no_instrument_is_nothing():
    got = stances_of("We strongly support the peace process and the cyber dialogue.")
    assert not {k for k in got if k[1].startswith("instrument:")}


def test_the_new_treaty_is_not_the_last_treaty_named():
    got = _with_mentions("The Budapest Convention serves us well in cyberspace. We oppose the new treaty.",
                         [("Budapest Convention", BUDAPEST)])
    assert (SPK, BUDAPEST, "oppose") not in got


def test_a_modifier_may_stand_between_determiner_and_noun():
    got = _with_mentions("The Budapest Convention serves us well in cyberspace. We will implement that landmark convention.",
                         [("Budapest Convention", BUDAPEST)])
    assert (SPK, BUDAPEST, "support") in got


def test_protecting_a_list_that_ends_in_critical_infrastructure():
    got = stances_of("We will protect government networks and critical infrastructure from cyber threats.")
    assert (SPK, INFRA, "support") in got


def test_people_who_protect_rights_are_not_infrastructure_protection():
    got = stances_of("Those who protect civil liberties and democracy are critical infrastructure for cyber policy.")
    assert (SPK, INFRA, "support") not in got
