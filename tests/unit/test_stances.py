"""Stances stage (issue 4, stage 5): targets, polarity, negation and scope, affiliation.

Documents are built by hand (sentences, mentions, actors, statements filled in), so these
tests do not depend on the earlier stages; the knowledge base is a small fake with records
in our own words, so they do not depend on the KB's progress either. The origin test reads
the shared corpus at test time.
"""

from __future__ import annotations

import re

from normwatch.model import Actor, Document, InstrumentMention, Meta, Mention, Span, Stance, Statement
from normwatch.stages.stances import find_stances, merge

from ..conftest import shared_path


class FakeKB:
    """The part of `normwatch.kb.KB` the fact stages use, over a list of records."""

    def __init__(self, recs: list[dict]) -> None:
        self._recs = {r["id"]: r for r in recs}

    def get(self, id: str) -> dict | None:
        return self._recs.get(id)

    def kind(self, id: str) -> str | None:
        return id.split(":", 1)[0] if id in self._recs else None

    def records(self, kind: str) -> list[dict]:
        return [r for r in self._recs.values() if r["id"].split(":", 1)[0] == kind]

    def surface_forms(self) -> list:
        return []


def fake_kb() -> FakeKB:
    return FakeKB([
        {"id": "proposition:new-un-cybercrime-treaty", "name": "New UN cybercrime treaty", "keywords": ["cybercrime treaty"]},
        {"id": "proposition:binding-state-behaviour-treaty", "name": "Binding treaty on state conduct"},
        {"id": "proposition:un-central-role", "name": "UN at the centre"},
        {"id": "proposition:international-cooperation", "name": "Cooperation"},
        {"id": "proposition:capacity-building", "name": "Capacity building"},
        {"id": "proposition:voluntary-norms", "name": "Voluntary norms"},
        {"id": "proposition:international-law-applies", "name": "International law applies"},
        {"id": "proposition:cyber-arms-restraint", "name": "Restraint"},
        {"id": "instrument:budapest-convention", "name": "Convention on Cybercrime", "kind": "treaty"},
        {"id": "instrument:un-gge-2013-report", "name": "GGE 2013", "kind": "un-report"},
        {"id": "instrument:sco-code-of-conduct-2011", "name": "Code 2011", "kind": "code-of-conduct", "adopted": "2011-09-12"},
        {"id": "instrument:sco-code-of-conduct-2015", "name": "Code 2015", "kind": "code-of-conduct",
         "adopted": "2015-01-09", "supersedes": "instrument:sco-code-of-conduct-2011"},
        {"id": "instrument:microsoft-cybersecurity-norms-2014", "name": "Microsoft norms", "kind": "corporate-proposal",
         "body": "org:microsoft"},
        {"id": "instrument:paris-call-2018", "name": "Paris Call", "kind": "declaration"},
        {"id": "incident:estonia-2007", "victims": ["state:EST"], "type": "ddos", "start": "2007-04-27", "name": "Estonia DDoS"},
        {"id": "incident:georgia-2008", "victims": ["state:GEO"], "type": "ddos", "start": "2008-07-20", "name": "Georgia DDoS"},
        {"id": "threat-actor:apt28", "name": "APT28", "state": "state:RUS", "category": "state-organ"},
        {"id": "event:gccs-2015", "name": "Global Conference on CyberSpace 2015", "place": "The Hague",
         "start": "2015-04-16", "end": "2015-04-17"},
        {"id": "state:EST", "name": "Estonia"}, {"id": "state:RUS", "name": "Russia"}, {"id": "state:GEO", "name": "Georgia"},
    ])


# --- building documents by hand ----------------------------------------------------------

def add_mentions(doc: Document, pairs: list[tuple[str, str]], how: str = "name") -> None:
    """Mention every occurrence of each surface string (longest first, no overlaps)."""
    taken: list[Span] = [m.span for m in doc.mentions]
    for surface, kb_id in sorted(pairs, key=lambda p: -len(p[0])):
        for m in re.finditer(re.escape(surface), doc.text):
            sp = Span(m.start(), m.end())
            if any(sp.overlaps(t) for t in taken):
                continue
            taken.append(sp)
            doc.mentions.append(Mention(kb_id, kb_id.split(":", 1)[0], sp, how))
            if kb_id.startswith("instrument:"):
                doc.instrument_mentions.append(InstrumentMention(kb_id, sp))
    doc.mentions.sort(key=lambda m: m.span.start)


def add_statement(doc: Document, speaker: str, aff: str | None, quote: str, direct: bool = True) -> None:
    i = doc.text.index(quote)
    doc.statements.append(Statement(speaker, aff, direct, Span(i, i + len(quote))))


def doc_of(text: str, **meta) -> Document:
    return Document(text, source="test", meta=Meta(**meta))


def keys(stances) -> set[tuple[str, str, str]]:
    return {(s.actor, s.target, s.polarity) for s in stances}


P = "person:x"


def quoted(text: str, quote: str | None = None, aff: str = "state:AUS", pairs=()) -> list:
    doc = doc_of(text)
    add_mentions(doc, list(pairs))
    add_statement(doc, P, aff, quote or text)
    return find_stances(doc, fake_kb())


# --- negation and scope --------------------------------------------------------------------

def test_not_ready_for_new_treaty_is_oppose():
    got = keys(quoted("We are not ready for a new UN level cybercrime treaty."))
    assert (P, "proposition:new-un-cybercrime-treaty", "oppose") in got
    assert (P, "proposition:new-un-cybercrime-treaty", "support") not in got


def test_do_not_believe_in_new_treaty_uses_cybercrime_context():
    text = "The panel discussed cybercrime. We do not believe in a new treaty."
    got = keys(quoted(text, "We do not believe in a new treaty."))
    assert got == {(P, "proposition:new-un-cybercrime-treaty", "oppose")}


def test_dont_need_is_oppose_and_need_is_support():
    assert keys(quoted("After the cybercrime debate: we don't need a new treaty.")) == {
        (P, "proposition:new-un-cybercrime-treaty", "oppose")}
    assert (P, "proposition:capacity-building", "support") in keys(quoted("We need more capacity building in cyber security."))


def test_others_proposal_is_not_the_speakers_support():
    got = keys(quoted("Some propose a new cybercrime treaty, but we think the existing law is enough."))
    assert (P, "proposition:new-un-cybercrime-treaty", "support") not in got


def test_question_is_no_stance():
    assert quoted("Do we need a new cybercrime treaty?") == []


def test_no_cue_no_stance():
    assert quoted("Capacity building was on the agenda of the second panel.") == []


def test_hedge_lowers_confidence():
    plain = quoted("We support capacity building for cybersecurity.")
    hedged = quoted("If funds allow, we would support capacity building for cybersecurity.")
    assert plain and hedged
    assert hedged[0].confidence < plain[0].confidence


def test_inverted_target_arms_race():
    got = keys(quoted("We must prevent an arms race in cyberspace."))
    assert (P, "proposition:cyber-arms-restraint", "support") in got


# --- instruments ---------------------------------------------------------------------------

def test_comparison_weaker_than_instrument_is_support():
    text = "That would be weaker than the Budapest Convention, which is flexible enough."
    got = keys(quoted(text, pairs=[("Budapest Convention", "instrument:budapest-convention")]))
    assert (P, "instrument:budapest-convention", "support") in got


def test_the_draft_resolves_to_latest_compatible_instrument():
    text = ("Xu said the International Code of Conduct was submitted in 2011, and the draft was updated in "
            "January 2015. \"We welcome all exchanges of views relating to the draft,\" he added.")
    doc = doc_of(text)
    add_mentions(doc, [("International Code of Conduct", "instrument:sco-code-of-conduct-2011")])
    add_statement(doc, P, "state:CHN", "We welcome all exchanges of views relating to the draft,")
    got = keys(find_stances(doc, fake_kb()))
    # no 2015 mention: "updated in January 2015" leads to the KB's successor of the 2011 Code
    assert got == {(P, "instrument:sco-code-of-conduct-2015", "support")}


def test_authored_instrument_is_support():
    text = "For cyberspace we developed six basic norms, not a treaty, but principles."
    got = keys(quoted(text, aff="org:microsoft",
                      pairs=[("six basic norms", "instrument:microsoft-cybersecurity-norms-2014")]))
    assert (P, "instrument:microsoft-cybersecurity-norms-2014", "support") in got
    assert (P, "proposition:voluntary-norms", "support") in got


def test_reported_speech_uses_speech_verb_and_affiliation():
    text = "On cyber issues, Chen Xu, Ambassador of China, emphasized the importance of a leading role for the UN."
    doc = doc_of(text)
    add_statement(doc, "person:chen-xu", "state:CHN", "emphasized the importance of a leading role for the UN", False)
    st = find_stances(doc, fake_kb())
    assert [(s.actor, s.affiliation, s.target, s.polarity) for s in st] == [
        ("person:chen-xu", "state:CHN", "proposition:un-central-role", "support")]
    assert text[st[0].evidence.start:st[0].evidence.end] == text


# --- other sources ---------------------------------------------------------------------------

def test_not_only_is_not_negation():
    got = keys(quoted("On cybersecurity we need not just words but to work together with all states."))
    assert (P, "proposition:international-cooperation", "oppose") not in got


def test_propositions_need_cyber_context_in_a_long_speech():
    filler = "The harvest was good this year and the rivers were full of fish. " * 30
    text = filler + "We support international cooperation on climate finance. " + filler + "Cyber threats grow."
    doc = doc_of(text, speaker="state:KEN")
    assert find_stances(doc, fake_kb()) == []


def test_keyword_inside_instrument_name_is_the_instrument():
    text = "On cybercrime, we call on all States to accede to the Convention on Cybercrime."
    got = keys(quoted(text, pairs=[("Convention on Cybercrime", "instrument:budapest-convention")]))
    assert got == {(P, "instrument:budapest-convention", "support")}


def test_indefinite_lowercase_name_is_the_debate_not_the_instrument():
    text = "We believe it is important to start work on a convention on cybercrime at the UN."
    got = keys(quoted(text, pairs=[("convention on cybercrime", "instrument:budapest-convention")]))
    assert got == {(P, "proposition:new-un-cybercrime-treaty", "support")}


def test_speech_speaker_first_person():
    text = "We support cyber capacity building for developing countries. Is a new cybercrime treaty needed?"
    doc = doc_of(text, speaker="state:KEN")
    got = keys(find_stances(doc, fake_kb()))
    assert got == {("state:KEN", "proposition:capacity-building", "support")}


def test_subject_of_position_verb():
    text = "Russia has long opposed the Budapest Convention. Analysts expect little change."
    doc = doc_of(text)
    add_mentions(doc, [("Russia", "state:RUS"), ("Budapest Convention", "instrument:budapest-convention")])
    got = keys(find_stances(doc, fake_kb()))
    assert got == {("state:RUS", "instrument:budapest-convention", "oppose")}


def test_prepositional_state_is_not_subject():
    text = "A delegation from Russia welcomed the Budapest Convention."
    doc = doc_of(text)
    add_mentions(doc, [("Russia", "state:RUS"), ("Budapest Convention", "instrument:budapest-convention")])
    assert find_stances(doc, fake_kb()) == []


def test_merge_keeps_strongest():
    a = Stance("a", None, "t", "support", 0.6, Span(0, 1))
    b = Stance("a", "state:X", "t", "support", 0.9, Span(5, 6))
    c = Stance("a", None, "t", "oppose", 0.7, Span(2, 3))
    out = merge([a, b, c])
    assert len(out) == 2 and max(out, key=lambda s: s.confidence).evidence == Span(5, 6)


def test_empty_document():
    assert find_stances(doc_of(""), fake_kb()) == []


# --- the origin news report ------------------------------------------------------------------

PEOPLE = [
    ("person:keit-pentus-rosimannus", "Keit Pentus-Rosimannus", "state:EST"),
    ("person:julie-bishop", "Julie Bishop", "state:AUS"),
    ("person:christopher-painter", "Christopher Painter", "state:USA"),
    ("person:chen-xu", "Chen Xu", "state:CHN"),
    ("person:matt-thomlinson", "Matt Thomlinson", "org:microsoft"),
    ("person:joseph-s-nye", "Joseph S. Nye", "org:harvard-university"),
]


def origin_news_doc() -> Document:
    """The origin news report with the fields the earlier stages fill, built by hand.

    Statements are found generically: each quoted passage goes to the nearest person named
    after it in its paragraph (or before it); reported speech is given for Chen Xu.
    """
    path = shared_path("corpus", "origin", "000_bc119b1e5d9b1ff6.txt")
    text = path.read_text(encoding="utf-8")
    doc = Document(text, source=str(path))
    add_mentions(doc, [
        ("Budapest Convention", "instrument:budapest-convention"),
        ("Convention on Cybercrime", "instrument:budapest-convention"),
        ("UN Group of Governmental Experts (GGE) published a report", "instrument:un-gge-2013-report"),
        ("International Code of Conduct for Information Security", "instrument:sco-code-of-conduct-2011"),
        ("six basic norms", "instrument:microsoft-cybersecurity-norms-2014"),
        ("2015 Global Conference on CyberSpace (GCCS)", "event:gccs-2015"),
        ("China", "state:CHN"), ("Russia", "state:RUS"), ("Australia", "state:AUS"), ("Japan", "state:JPN"),
        ("United States", "state:USA"), ("Estonia", "state:EST"), ("Microsoft", "org:microsoft"),
        ("Council of Europe", "org:council-of-europe"),
    ])
    for pid, name, aff in PEOPLE:
        spans = [Span(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
        surname = name.split()[-1]
        spans += [Span(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(surname)}\b", text)
                  if not any(s.start <= m.start() < s.end for s in spans)]
        doc.actors.append(Actor(pid, "person", name, None, aff, sorted(spans)))
    for para in re.finditer(r"[^\n]+", text):
        for q in re.finditer(r"\"([^\"]+)\"", para.group(0)):
            qs, qe = para.start() + q.start(1), para.start() + q.end(1)
            who = _nearest_actor(doc, qs, qe, para.start(), para.end())
            if who:
                doc.statements.append(Statement(who.id, who.affiliation, True, Span(qs, qe)))
    for quote in ("emphasized the importance of a leading role for the UN",
                  "this report could contribute to the coordination of states behavior in cyberspace"):
        add_statement(doc, "person:chen-xu", "state:CHN", quote, direct=False)
    return doc


def _nearest_actor(doc: Document, qs: int, qe: int, ps: int, pe: int) -> Actor | None:
    best = None
    for a in doc.actors:
        for s in a.spans:
            if qe <= s.start < pe:
                d = s.start - qe
            elif ps <= s.start and s.end <= qs:
                d = (qs - s.end) + 1000
            else:
                continue
            if best is None or d < best[0]:
                best = (d, a)
    if best is None:  # "..., she said." / "he added": the last person named before the paragraph
        before = [(s.start, a) for a in doc.actors for s in a.spans if s.end <= ps]
        return max(before, key=lambda x: x[0])[1] if before else None
    return best[1]


def test_origin_required_and_forbidden_stances():
    gold = __import__("json").loads(shared_path("gold", "origin.json").read_text(encoding="utf-8"))
    doc = origin_news_doc()
    got = find_stances(doc, fake_kb())
    pairs = {(s.actor, s.target, s.polarity) for s in got} | {(s.affiliation, s.target, s.polarity) for s in got}
    name = "000_bc119b1e5d9b1ff6.txt"
    for g in gold["stances"]:
        if g["doc"] == name and g["required"]:
            assert (g["actor"], g["target"], g["polarity"]) in pairs, g
    for f in gold["forbidden_stances"]:
        if f["doc"] == name:
            assert (f["affiliation"], f["target"], f["polarity"]) not in pairs, f
    assert all(s.affiliation for s in got)
    for s in got:
        s.evidence.check(doc.text)


def test_others_proposal_mid_document():
    text = "The talks went on. Some propose a new cybercrime treaty, but we think existing law is enough."
    doc = doc_of(text)
    add_statement(doc, P, "state:AUS", text[19:])
    assert (P, "proposition:new-un-cybercrime-treaty", "support") not in keys(find_stances(doc, fake_kb()))


# --- issue 4 regressions: cue families found missing on speeches and statements ------------

def real_kb():
    from normwatch.kb import load_kb

    return load_kb()


def speech(text: str, speaker: str = "state:KEN") -> set[tuple[str, str, str]]:
    return keys(find_stances(doc_of(text, speaker=speaker), real_kb()))


def test_breach_of_norms_invokes_the_norms():
    got = speech("This blatant breach of the norms of responsible State behaviour in cyberspace cannot stand.")
    assert ("state:KEN", "proposition:voluntary-norms", "support") in got
    assert ("state:KEN", "proposition:voluntary-norms", "oppose") not in got


def test_violating_a_charter_is_no_stance_on_it_and_against_does_not_reach_far():
    text = ("Their war of aggression against a neighbour, waged with cyberattacks, violates the "
            "United Nations Charter.")
    doc = doc_of(text, speaker="state:KEN")
    add_mentions(doc, [("United Nations Charter", "instrument:un-charter")])
    got = keys(find_stances(doc, real_kb()))
    assert not any(t == "instrument:un-charter" for _, t, _ in got)


def test_un_must_act_on_cyber_is_un_central_role():
    assert ("state:KEN", "proposition:un-central-role", "support") in speech(
        "The United Nations can and must be a significant global player in promoting stability in cyberspace.")
    assert ("state:KEN", "proposition:un-central-role", "support") in speech(
        "We urge the United Nations, including the Security Council, to focus on cybersecurity.")


def test_respect_for_sovereignty_in_a_cyber_sentence():
    got = speech("We should develop rules for States in cyberspace, including non-interference and respect for "
                 "State sovereignty.")
    assert ("state:KEN", "proposition:cyber-sovereignty", "support") in got
    # the same words with no cyber subject are not the cyber-sovereignty debate
    assert ("state:KEN", "proposition:cyber-sovereignty", "support") not in speech(
        "Cyber threats grow. We call for respect for the sovereignty of every nation in the region and its borders.")


def test_free_cyberspace_and_rights_online():
    got = speech("We must maintain a free, open, safe and stable cyberspace, in which human rights apply online "
                 "as they do offline.")
    assert ("state:KEN", "proposition:free-flow-of-information", "support") in got


def test_critical_and_underpinned_by_are_support_cues():
    got = speech("It is critical to develop an open cyberspace underpinned by international law and norms of "
                 "responsible State behaviour.")
    assert ("state:KEN", "proposition:voluntary-norms", "support") in got
    assert ("state:KEN", "proposition:international-law-applies", "support") in got


def test_cues_match_across_hard_line_breaks():
    text = ("The adviser highlighted the commitment\nto cooperation with the ROK on cyber issues and to\n"
            "reinforce respect for international law and norms of responsible behavior.")
    doc = doc_of(text)
    add_statement(doc, P, "state:USA", text[len("The adviser "):], direct=False)
    got = keys(find_stances(doc, real_kb()))
    assert (P, "proposition:international-cooperation", "support") in got
    assert (P, "proposition:voluntary-norms", "support") in got
    assert (P, "proposition:international-law-applies", "support") in got


def test_with_respect_to_is_not_a_cue():
    got = speech("With respect to international law in cyberspace, the committee met twice.")
    assert ("state:KEN", "proposition:international-law-applies", "support") not in got
