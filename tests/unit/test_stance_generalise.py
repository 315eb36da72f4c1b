"""Stances that generalise (issue 4): plain positions, joint statements, cheap target search.

Documents are built by hand with the helpers of `test_stances` (fake KB, hand-made mentions
and statements), so these tests hold whatever the earlier stages do.
"""

from __future__ import annotations

import re

from normwatch.extraction.cues import CYBER, CYBER_CORE, CyberContext, LiteralGate, required_literals
from normwatch.extraction.stance_targets import proposition_table, proposition_targets
from normwatch.model import Actor, Span
from normwatch.stages.stances import find_stances, joint_voice

from .test_stances import add_mentions, add_statement, doc_of, fake_kb, keys, quoted

P = "person:x"


# --- target phrases and frames ---------------------------------------------------------------

def test_requires_cooperation_in_a_speech_is_support():
    text = "Policing cyberspace to avoid criminal and hostile attacks requires extensive cooperation."
    doc = doc_of(text, speaker="state:EST")
    got = keys(find_stances(doc, fake_kb()))
    assert ("state:EST", "proposition:international-cooperation", "support") in got
    assert ("state:EST", "proposition:international-cooperation", "oppose") not in got


def test_imperative_that_the_international_community_act_on_cyber_threats():
    text = ("Threats in cyberspace, such as cybercrime, present a serious challenge. "
            "It is therefore imperative that the international community address those threats.")
    got = keys(find_stances(doc_of(text, speaker="state:KOR"), fake_kb()))
    assert ("state:KOR", "proposition:international-cooperation", "support") in got


def test_a_broad_phrase_gives_no_oppose_stance():
    # someone else's failure to cooperate is no position of the speaker against cooperation
    got = keys(quoted("In the cyber attack inquiry, Russia did not cooperate with partners."))
    assert not any(t == "proposition:international-cooperation" for _, t, _ in got)


def test_cooperation_far_from_cyber_words_in_a_speech_is_no_stance():
    filler = "We thank the President for his leadership of this session. " * 20
    text = "Cyber attacks worry us. " + filler + "We must work together to fight hunger and poverty."
    got = keys(find_stances(doc_of(text, speaker="state:HTI"), fake_kb()))
    assert not any(t == "proposition:international-cooperation" for _, t, _ in got)


def test_application_of_international_law_to_cyberspace_is_support():
    got = keys(quoted("We reaffirmed the application of international law to cyberspace."))
    assert (P, "proposition:international-law-applies", "support") in got


def test_adhere_to_the_un_norms_and_norms_of_state_behaviour():
    assert (P, "proposition:voluntary-norms", "support") in keys(
        quoted("After the cyber attack we asked China to adhere to the UN norms."))
    assert (P, "proposition:voluntary-norms", "support") in keys(
        quoted("For cyberspace, voluntary and non-binding norms of state behaviour, as well as "
               "confidence-building measures, were essential."))


def test_not_accepting_technology_used_to_destabilize_governments_supports_sovereignty():
    text = ("The protection of cyberspace and the regulation of new technologies must be a priority. "
            "Neither can we accept "
            "the use of those new technologies to destabilize legitimate Governments.")
    kb = fake_kb()
    kb._recs["proposition:cyber-sovereignty"] = {"id": "proposition:cyber-sovereignty", "name": "Sovereignty"}
    got = keys(find_stances(doc_of(text, speaker="state:VEN"), kb))
    assert ("state:VEN", "proposition:cyber-sovereignty", "support") in got
    assert ("state:VEN", "proposition:cyber-sovereignty", "oppose") not in got


def test_group_subject_with_head_nouns_and_asking_others():
    text = ("European Union member states and NATO allies condemned the cyberattack on Wednesday, "
            "asking China to adhere to the UN norms and respect international law.")
    doc = doc_of(text)
    add_mentions(doc, [("European Union", "org:eu"), ("NATO", "org:nato"), ("China", "state:CHN")])
    got = find_stances(doc, fake_kb())
    k = keys(got)
    for org in ("org:eu", "org:nato"):
        assert (org, "proposition:voluntary-norms", "support") in k
        assert (org, "proposition:international-law-applies", "support") in k
    assert not any(s.actor == "state:CHN" for s in got)
    assert all(s.affiliation == s.actor for s in got)  # an organisation holds its own stance


# --- joint statements ------------------------------------------------------------------------

JOINT = ("Joint Statement of the Senior Cyber Group\n\n"
         "We — Deputy Secretary Ann Lee of Australia, Coordinator Raj Nair of India and Adviser Ken Sato of "
         "Japan – met in Tokyo for the third meeting.\n\n"
         "We reaffirmed the application of international law to cyberspace. We also welcomed "
         "capacity building projects in the region, and international cooperation is key to this.")


def joint_doc(text: str = JOINT):
    doc = doc_of(text)
    add_mentions(doc, [("Australia", "state:AUS"), ("India", "state:IND"), ("Japan", "state:JPN"),
                       ("Tokyo", "state:JPN")])
    for m in doc.mentions:
        if doc.text[m.span.start:m.span.end] == "Tokyo":
            m.how = "capital"
    return doc


def test_joint_we_is_each_named_participant():
    got = keys(find_stances(joint_doc(), fake_kb()))
    for st in ("state:AUS", "state:IND", "state:JPN"):
        assert (st, "proposition:international-law-applies", "support") in got
        assert (st, "proposition:capacity-building", "support") in got
        assert (st, "proposition:international-cooperation", "support") in got


def test_joint_participants_from_people_of_the_list():
    text = JOINT.replace("of Australia", "").replace("of India", "").replace("of Japan", "")
    doc = doc_of(text)
    for name, st in (("Ann Lee", "state:AUS"), ("Raj Nair", "state:IND"), ("Ken Sato", "state:JPN")):
        i = text.index(name)
        doc.actors.append(Actor("person:" + name.lower().replace(" ", "-"), "person", name, None, st,
                                [Span(i, i + len(name))]))
    from normwatch.extraction.cues import all_mentions, sentence_spans

    parties, _ = joint_voice(doc, sentence_spans(doc), all_mentions(doc))
    assert parties == ["state:AUS", "state:IND", "state:JPN"]


def test_a_quoted_we_in_news_is_not_a_joint_voice():
    text = ('"We are not ready for a new treaty," said the Australian minister, after Japan spoke. '
            "Cyber norms were discussed.")
    doc = doc_of(text)
    add_mentions(doc, [("Australian", "state:AUS"), ("Japan", "state:JPN")])
    add_statement(doc, P, "state:AUS", "We are not ready for a new treaty,")
    from normwatch.extraction.cues import all_mentions, sentence_spans

    assert joint_voice(doc, sentence_spans(doc), all_mentions(doc)) == ([], 0)


# --- cheap search: the literal gate and the cyber context --------------------------------------

def test_required_literals_cover_every_branch():
    lits = required_literals(r"capacity[- ]building|build(?:ing)? capacit(?:y|ies)")
    assert lits and all(any(w in s.lower() for w in lits) for s in ("capacity-building", "building capacities"))
    assert required_literals(r"\w+") is None  # no literal: always run


def test_gated_targets_equal_ungated_targets():
    kb = fake_kb()
    text = ("We need more capacity building in cyber security. We reaffirm the application of international "
            "law to cyberspace and the UN norms; we are not ready for a new cybercrime treaty. "
            "International cooperation is key, and we must prevent an arms race in cyberspace.")
    hits = proposition_table(kb).scan(text)
    for m in re.finditer(r"[^.]+\.", text):
        a, b = m.start(), m.end()
        assert sorted(proposition_targets(text, a, b, kb, hits), key=repr) == \
            sorted(proposition_targets(text, a, b, kb), key=repr)


def test_literal_gate_candidates():
    g = LiteralGate()
    i = g.add(r"free flow of information")
    j = g.add(r"\w+")
    g.finish()
    hits = g.scan("They defend the Free Flow of Information online.")
    assert set(hits.candidates(0, 48)) == {i, j}
    assert hits.candidates(0, 10) == [j]


def test_cyber_context_matches_the_regex():
    text = ("Cyberattacks, hacking and ICTs; the internet. information and communications technologies, "
            "DDoS and malware; ransomware-as-a-service; icty is not ICT; GGE, OEWG and the Budapest Convention.")
    ctx = CyberContext(text)
    assert ctx.hits == [m.start() for m in CYBER.finditer(text)]
    assert ctx.core_hits == [m.start() for m in CYBER_CORE.finditer(text)]
