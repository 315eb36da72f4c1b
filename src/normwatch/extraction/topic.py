"""Where a text talks about cyberspace, and how the topic is carried from sentence to sentence.

Split from `cues` (which re-exports these names). The words are data
(`kb/data/lexicon/topic.yaml`: `context_words`, `context_core_words`, `topic_anaphor`,
`topic_connective`, `topic_pronoun`); this module holds the mechanism.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any, Callable

from ..kb import lexicon
from ..kb.lexicon import flex_ws
from ..model import Span

__all__ = ["flex_pattern", "CYBER", "CYBER_CORE", "CyberContext", "TOPIC_ANAPHOR", "TOPIC_CONNECTIVE", "TOPIC_PRONOUN",
           "CARRY_SENTENCES", "carries_topic", "context_terms"]


def flex_pattern(name: str) -> re.Pattern:
    """A lexicon table compiled with its literal spaces matching any whitespace (hard-wrapped text)."""
    tb = lexicon.table(name)
    return re.compile(flex_ws(tb.source()), tb.flags())


def context_terms() -> tuple[tuple[str, bool, bool], ...]:
    """(lower-cased word, may it go on, is it core) for every context word of the lexicon."""
    core = {w.lower() for w in lexicon.items("topic.context_core_words")}
    out = []
    for w in lexicon.items("topic.context_words"):
        low = w.lower()
        out.append((low.rstrip("*"), low.endswith("*"), low in core))
    return tuple(out)


def _regex(terms: tuple[tuple[str, bool, bool], ...], core_only: bool) -> re.Pattern:
    alts = [re.escape(w).replace(r"\ ", r"\s+") + (r"\w*" if go_on else "")
            for w, go_on, core in sorted(terms, key=lambda t: -len(t[0])) if core or not core_only]
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.I)


_CYBER_TERMS = context_terms()
# Core terms say the text is about cyber security; the wider set only that it is near it.
CYBER_CORE = _regex(_CYBER_TERMS, True)
CYBER = _regex(_CYBER_TERMS, False)
# A document this dense in core cyber terms is about cyber throughout (news reports, blog posts).
CYBER_DENSE_PER_CHARS = 800
CYBER_WINDOW = 400


class CyberContext:
    """Where in a document the talk is about cyberspace.

    Why: a UN speech covers climate, health and war as well; "international cooperation" or
    "capacity building" there is a cyber-norms stance only near cyber words. A document
    dense in cyber terms counts as cyber throughout. The words of `CYBER` are found with one
    Aho-Corasick pass over the lower-cased text (the alternation regex costs ~0.1 s per MB).
    """

    def __init__(self, text: str) -> None:
        self.hits, self.core_hits = _cyber_hits(text)
        self.dense = len(self.core_hits) * CYBER_DENSE_PER_CHARS >= len(text) > 0

    def near(self, start: int, end: int, window: int = CYBER_WINDOW) -> bool:
        if self.dense:
            return True
        i = bisect_left(self.hits, start - window)
        return i < len(self.hits) and self.hits[i] <= end + window

    def near_core(self, start: int, end: int, window: int) -> bool:
        """A core cyber term ("cyber...", "ICTs", "malware"; not "digital") within `window` of the span."""
        if self.dense:
            return True
        i = bisect_left(self.core_hits, start - window)
        return i < len(self.core_hits) and self.core_hits[i] <= end + window

    def core_in(self, start: int, end: int) -> bool:
        """A core cyber term inside [start, end) (dense documents not assumed)."""
        i = bisect_left(self.core_hits, start)
        return i < len(self.core_hits) and self.core_hits[i] < end


# --- topic carried over from the sentence before -------------------------------------------

# A noun phrase that points back at what was just discussed ("those threats", "such attacks",
# "this area"): the sentence goes on with the topic of the one before.
TOPIC_ANAPHOR = flex_pattern("topic.topic_anaphor")
# A connective drawing on the sentence just before ("It is therefore imperative ...").
TOPIC_CONNECTIVE = flex_pattern("topic.topic_connective")
# A sentence opening with a pronoun for the topic ("It represents a great opportunity ...").
TOPIC_PRONOUN = flex_pattern("topic.topic_pronoun")
# How many sentences back an anaphoric noun phrase may reach; a connective or pronoun reaches one.
CARRY_SENTENCES = 2


def carries_topic(text: str, sents: list[Span], i: int, on_topic: Callable[[int], bool], floor: int = 0) -> bool:
    """Does sentence `i` carry the topic of one of the sentences just before it?

    Why: a speech says "threats in cyberspace present a serious challenge. It is therefore
    imperative that the international community address those threats." -- the second
    sentence is on the cyber topic although it names none of its words. True when sentence
    `i` holds an anaphoric noun phrase (or a concluding connective, or opens with a topic
    pronoun) and one of the previous `CARRY_SENTENCES` (one, for a connective or pronoun)
    sentences starting at or after `floor` (the paragraph's start) is on the topic. The carry
    does not chain: `on_topic` is the sentence's own test.
    """
    s = sents[i]
    if TOPIC_ANAPHOR.search(text, s.start, s.end):
        reach = CARRY_SENTENCES
    elif TOPIC_CONNECTIVE.search(text, s.start, s.end) or TOPIC_PRONOUN.match(text, s.start, s.end):
        reach = 1
    else:
        return False
    for j in range(i - 1, max(-1, i - 1 - reach), -1):
        if sents[j].start < floor:
            break
        if on_topic(j):
            return True
    return False


_CYBER_AUTO: list[Any] = []


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _cyber_hits(text: str) -> tuple[list[int], list[int]]:
    """Start offsets of CYBER's words (the regex's matches), and of those that are core terms."""
    low = text.lower()
    if len(low) != len(text):
        return [m.start() for m in CYBER.finditer(text)], [m.start() for m in CYBER_CORE.finditer(text)]
    if not _CYBER_AUTO:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for w, prefix, core in _CYBER_TERMS:
            auto.add_word(w, (len(w), prefix, core))
        auto.make_automaton()
        _CYBER_AUTO.append(auto)
    hits: list[int] = []
    core_hits: list[int] = []
    last_end = -1
    n = len(low)
    for end, (ln, prefix, core) in _CYBER_AUTO[0].iter(low):
        start = end - ln + 1
        if start < last_end or (start > 0 and _word_char(low[start - 1])):
            continue
        stop = end + 1
        if prefix:
            while stop < n and _word_char(low[stop]):
                stop += 1
        elif stop < n and _word_char(low[stop]):
            continue
        hits.append(start)
        if core:
            core_hits.append(start)
        last_end = stop
    return hits, core_hits
