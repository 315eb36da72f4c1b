"""First-person voices: a speech's speaker and a joint statement's signatories.

A UN speech (`meta.speaker` given) speaks in the first person: a sentence on the cyber domain
that takes a position, or in which the speaker speaks of itself on a question of the norms
debate, is the speaker's statement. A joint statement's "we" sentences are each signatory's.
Split from the statements stage, which also finds quotes and reported speech.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..kb import lexicon
from ..model import Document, Span, Statement
from .topic import carries_topic, flex_pattern
from .speech import joint_opening

__all__ = ["CYBER", "MAX_SENTENCE", "first_person_statements", "in_spans", "joint_statements"]

MAX_SENTENCE = 2000
# The vocabulary is data (kb/data/lexicon/topic.yaml):
# terms that put a sentence on the cyber/ICT-security topic on their own ("cyber...", "ICT
# security", "the virtual world", "the information space") ...
CYBER_STRONG = flex_pattern("topic.cyber_terms")
# ... wider digital words ("internet", "online", "ICTs"), on the topic only with a word of the norms debate,
DIGITAL = flex_pattern("topic.digital_terms")
# both together: any sign of the domain (what reported statements of the speaker need).
CYBER = re.compile(f"{CYBER_STRONG.pattern}|{DIGITAL.pattern}", re.I)
# words that make a sentence a position rather than a description,
POSITION = flex_pattern("topic.position_words")
# and what the norms debate is about: a sentence with only a wider digital word is on the topic
# when it touches one of these ("the Internet poses many dangers"), not when the speaker
# describes its own e-government ("95 per cent of our services are online").
NORM_TOPIC = flex_pattern("topic.norm_topic")
# Instruments every speech cites whatever its subject: not a sign of the cyber topic alone.
GENERAL_INSTRUMENTS = frozenset(lexicon.items("topic.general_instruments"))
# A technology word with a word of security or power in one clause ("the governance of digital
# networks"): on the topic without a cyber word.
TECH_CONCERN = flex_pattern("topic.tech_concern")
# "... to bring it to the Security Council": an object pronoun for the topic just discussed.
TOPIC_OBJECT = flex_pattern("topic.topic_object")
# A norms-debate word that keeps a paragraph's run of cyber sentences going.
TOPIC_RUN = flex_pattern("topic.topic_run")


def in_spans(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is pos inside one of the sorted, non-overlapping spans?"""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def on_topic(text: str, a: int, b: int) -> bool:
    """Is text[a:b] on the cyber/ICT-security topic by its own words?

    A strong term ("cyberattacks", "the information space") suffices; a wider digital word
    ("the Internet", "ICTs") needs a word of the norms debate beside it ("dangers", "rights").
    """
    if CYBER_STRONG.search(text, a, b) or TECH_CONCERN.search(text, a, b):
        return True
    return bool(DIGITAL.search(text, a, b) and NORM_TOPIC.search(text, a, b))


def first_person_statements(doc: Document, sentences: list[Span], quoted: list[tuple[int, int]]) -> list[Statement]:
    """Every sentence of the document's speaker on the cyber topic (no position word needed).

    In a speech every sentence is the speaker's; one on the topic by its own words, one that
    carries the topic of the sentence before ("It is therefore imperative ...", "such attacks",
    "in this area") and one naming a cyber instrument are statements.
    """
    text = doc.text
    speaker = doc.meta.speaker
    aff = _speaker_affiliation(doc, speaker)
    inst = sorted(m.span.start for m in doc.mentions
                  if m.kind == "instrument" and m.kb_id not in GENERAL_INSTRUMENTS)
    own = [on_topic(text, s.start, min(s.end, s.start + MAX_SENTENCE)) for s in sentences]
    # the carry does not chain, and stays inside the paragraph
    pstarts = [p.start for p in doc.paragraphs]
    out: list[Statement] = []
    for i, sent in enumerate(sentences):
        a, b = sent.start, min(sent.end, sent.start + MAX_SENTENCE)
        if in_spans(quoted, a) or len(text[a:b].split()) < 3:
            continue
        has_inst = bisect_right(inst, b - 1) - bisect_right(inst, a - 1) > 0
        floor = _floor(pstarts, sent.start)
        if own[i] or has_inst or carries_topic(text, sentences, i, own.__getitem__, floor) \
                or _carried_on(text, sentences, i, own, floor):
            out.append(Statement(speaker, aff, True, Span(sent.start, sent.end), None))
    return out


def _carried_on(text: str, sentences: list[Span], i: int, own: list[bool], floor: int) -> bool:
    """Topic carried without an anaphoric noun phrase: an object pronoun right after an on-topic
    sentence ("we kept our promise to bring it to the Security Council"), or a norms-debate word
    ("common rules", "proper conduct") after two on-topic sentences of the same paragraph."""
    s = sentences[i]
    b = min(s.end, s.start + MAX_SENTENCE)
    prev = [j for j in (i - 1, i - 2) if j >= 0 and sentences[j].start >= floor]
    if prev[:1] and own[prev[0]] and TOPIC_OBJECT.search(text, s.start, b):
        return True
    return len(prev) == 2 and all(own[j] for j in prev) and bool(TOPIC_RUN.search(text, s.start, b))


def _floor(pstarts: list[int], pos: int) -> int:
    """The start of the paragraph holding `pos` (0 without paragraphs)."""
    i = bisect_right(pstarts, pos) - 1
    return pstarts[i] if i >= 0 else 0


def joint_statements(doc: Document, sentences: list[Span], quoted: list[tuple[int, int]]) -> list[Statement]:
    """A joint statement's first-person sentences, once per signatory listed after its "We".

    The signatories are the people (or states) named in the opening listing; the sentences are
    those the speech rule keeps (cyber topic, a position or the speakers speaking of themselves).
    """
    text = doc.text
    opening = joint_opening(text, [(p.start, p.end) for p in doc.paragraphs] or [(0, len(text))])
    if opening is None:
        return []
    signers = [a for a in doc.actors if (a.kind == "person" or a.kind == "state")
               and any(opening[0] <= sp.start < opening[1] for sp in a.spans)]
    if len(signers) < 2:
        return []
    if any(a.kind == "person" for a in signers):
        signers = [a for a in signers if a.kind == "person"]  # the states speak through their delegates
    out: list[Statement] = []
    for sent in sentences:
        a, b = sent.start, min(sent.end, sent.start + MAX_SENTENCE)
        if a < opening[1] or in_spans(quoted, a) or not WE_FIRST.search(text, a, b):
            continue
        if not CYBER.search(text, a, b) or JOINT_DESCRIPTIVE.search(text, a, b):
            continue
        # Each sentence counts once per signatory, so the bar is higher than in a speech: a
        # position taken on a question of the norms debate.
        if (POSITION.search(text, a, b) or JOINT_POSITION.search(text, a, b)) and NORM_TOPIC.search(text, a, b):
            for sg in signers:
                out.append(Statement(sg.id, sg.affiliation, True, Span(sent.start, sent.end), None))
    return out


# What signatories say they did together that is a position ("we reaffirm", "we recognised").
JOINT_POSITION = flex_pattern("speech.joint_position")
# What they only report doing: a meeting's agenda is not a position.
JOINT_DESCRIPTIVE = flex_pattern("speech.joint_descriptive")
# The signatories' own voice: "we", "our" (a reported "they" is someone else's).
WE_FIRST = flex_pattern("speech.joint_we")


def _speaker_affiliation(doc: Document, speaker: str) -> str | None:
    for a in doc.actors:
        if a.id == speaker:
            return a.affiliation
    return speaker if not speaker.startswith("person:") else None
