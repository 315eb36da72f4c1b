"""First-person voices: a speech's speaker and a joint statement's signatories.

A UN speech (`meta.speaker` given) speaks in the first person: a sentence on the cyber domain
that takes a position, or in which the speaker speaks of itself on a question of the norms
debate, is the speaker's statement. A joint statement's "we" sentences are each signatory's.
Split from the statements stage, which also finds quotes and reported speech.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Document, Span, Statement
from .cues import carries_topic
from .speech import joint_opening

__all__ = ["CYBER", "MAX_SENTENCE", "first_person_statements", "in_spans", "joint_statements"]

MAX_SENTENCE = 2000
# First-person markers for speeches given by `meta.speaker`.
FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|I|my|me|my delegation|my country|my government)\b", re.I)
# Terms that put a sentence in the cyber domain on their own.
CYBER = re.compile(
    r"\b(?:cyber\w*|ICTs?|information and communications? technolog\w*|information security|internet|"
    r"GGE|OEWG|Budapest Convention|hack\w*|ransomware|malware|malicious (?:ICT|cyber|use)\w*|"
    r"information space|information sphere|online|digital (?:space|sphere|domain|realm|environment))\b",
    re.I,
)
# Words that make a sentence a position rather than a description.
POSITION = re.compile(
    r"\b(?:must|should|shall|need|needs|needed|critical|crucial|essential|vital|important|imperative|urge[sd]?|"
    r"call(?:s|ed)? (?:on|for|upon)|support(?:s|ed)?|welcome[sd]?|condemn(?:s|ed)?|reject(?:s|ed)?|oppose[sd]?|"
    r"believe[sd]?|commit(?:ted|ment|s)?|confirm(?:s|ed)?|attribut\w+|responsib\w+|unacceptable|"
    r"stand(?:s)? (?:ready|firm|with)|determined|resolved|can and must|have to|has to|requires?|"
    # a judgement of the problem ("present a serious challenge"), a hope or a refusal
    r"(?:serious|grave|major|growing|real|common|global|new) (?:challenges?|threats?|concerns?|dangers?|risks?)|"
    r"hope[sd]? (?:to|that)|hoping to|(?:can ?not|can't|never|neither can \w+) accept)\b",
    re.I,
)
# What the norms debate is about: a first-person sentence on the cyber domain without a
# position word is a statement only when it touches one of these ("we are striving towards a
# better application of international law in the digital space"), not when the speaker
# describes its own e-government ("95 per cent of our services are online").
NORM_TOPIC = re.compile(
    r"\b(?:international law|norms?|rules?|(?:cyber-?)?secur\w*|(?:cyber-?)?attack\w*|(?:cyber-?)?threat\w*|"
    r"incident\w*|cooperat\w+|governance|responsib\w+|convention|treaty|treaties|stability|stable|peace\w*|"
    r"(?:cyber-?)?crime\w*|criminal\w*|sovereign\w*|capacity|resilien\w+|protect\w*|defen[cs]\w*|malicious|"
    r"framework|appl(?:y|ies|ied|ication)|human rights|freedom\w*|privacy|accountab\w+|disinformation|"
    r"misinformation|interference|conflict|war\w*|terroris\w+|espionage)\b",
    re.I,
)
# Instruments every speech cites whatever its subject: not a sign of the cyber topic alone.
GENERAL_INSTRUMENTS = frozenset({"instrument:un-charter"})


def in_spans(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is pos inside one of the sorted, non-overlapping spans?"""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def first_person_statements(doc: Document, sentences: list[Span], quoted: list[tuple[int, int]]) -> list[Statement]:
    """First-person sentences of the document's speaker about the cyber domain."""
    text = doc.text
    speaker = doc.meta.speaker
    aff = _speaker_affiliation(doc, speaker)
    inst = sorted(m.span.start for m in doc.mentions
                  if m.kind == "instrument" and m.kb_id not in GENERAL_INSTRUMENTS)
    own = [bool(CYBER.search(text, s.start, min(s.end, s.start + MAX_SENTENCE))) for s in sentences]
    # "It is therefore imperative that the international community address those threats."
    # carries the cyber topic of the sentence before it (same paragraph; the carry does not chain).
    pstarts = [p.start for p in doc.paragraphs]
    cyber = [own[i] or carries_topic(text, sentences, i, own.__getitem__, _floor(pstarts, s.start))
             for i, s in enumerate(sentences)]
    # The speaker naming itself ("China supports ...") speaks in the first person too.
    self_refs = sorted(m.span.start for m in doc.mentions if m.kb_id == speaker and m.how in ("name", "alias",
                                                                                               "abbreviation"))
    out: list[Statement] = []
    for i, sent in enumerate(sentences):
        a, b = sent.start, min(sent.end, sent.start + MAX_SENTENCE)
        if in_spans(quoted, a):
            continue
        has_inst = bisect_right(inst, b - 1) - bisect_right(inst, a - 1) > 0
        if not (cyber[i] or has_inst):
            continue
        first = FIRST_PERSON.search(text, a, b) or bisect_right(self_refs, b - 1) - bisect_right(self_refs, a - 1)
        # In a speech every sentence is the speaker's; one on the cyber topic is a statement when
        # it takes a position (a modal, a call, a judgement) or the speaker speaks of itself on a
        # question of the norms debate.
        if POSITION.search(text, a, b) or (first and NORM_TOPIC.search(text, a, b)):
            out.append(Statement(speaker, aff, True, Span(sent.start, sent.end), None))
    return out


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
JOINT_POSITION = re.compile(r"\b(?:re)?affirm\w*|\brecogni[sz]\w*|\bshared\s+the\s+view\b", re.I)
# What they only report doing: a meeting's agenda is not a position.
JOINT_DESCRIPTIVE = re.compile(r"\b[Ww]e\s+(?:also\s+)?(?:discussed|met|held|exchanged)\b")
# The signatories' own voice: "we", "our" (a reported "they" is someone else's).
WE_FIRST = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s)\b")


def _speaker_affiliation(doc: Document, speaker: str) -> str | None:
    for a in doc.actors:
        if a.id == speaker:
            return a.affiliation
    return speaker if not speaker.startswith("person:") else None
