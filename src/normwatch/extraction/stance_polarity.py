"""For or against: the polarity a clause gives a target, with negation, scope and hedging.

Why rules and not a model: the gold forbids stances (a negated "need a new treaty" must
never become support), so every stance needs a visible cue. The nearest position cue to the
target inside its clause governs it; a negator in the few words before the cue flips it; a
clause that reports what others propose ("some propose X, but we ...") gives no stance for
its speaker; questions give none; hedges ("would", "could", "if") lower the confidence.
"""

from __future__ import annotations

import re

from ..kb import lexicon
from .cues import HEDGES, flex_ws, negated, words_before

# The position words are data (kb/data/lexicon/position.yaml); spaces match any whitespace.
SUPPORT_CUES = re.compile(flex_ws(lexicon.table("position.support_cues").source()), re.I)
OPPOSE_CUES = re.compile(flex_ws(lexicon.table("position.oppose_cues").source()), re.I)
# A clause about someone breaking a rule ("Russia's war against Ukraine violates the Charter")
# takes no position on the rule for the speaker: when such a word is the nearest cue, no stance.
VIOLATION = lexicon.pattern("position.violation")
# "against" is a preposition: it governs the noun phrase right after it, not a later target.
AGAINST_REACH = 16

# Predicates after the target: "X is part of the solution", "X, which is flexible enough".
PRED_SUPPORT = lexicon.pattern("position.predicate_support")
PRED_OPPOSE = lexicon.pattern("position.predicate_oppose")
# "weaker than X": X is preferred.
COMPARE_BETTER = re.compile(r"\b" + lexicon.table("position.worse_than").source() + r"\s+(?:than|to)\s+(?:the\s+)?$", re.I)
# A clause reporting others' proposals ("some propose ...") is not the speaker's position.
# Its words are data (lexicon position.others_quantifiers, position.others_verbs).
OTHERS = re.compile(r"^\W*(?:while\s+|although\s+)?" + lexicon.table("position.others_quantifiers").source()
                    + r"[^.;]{0,40}?\b" + lexicon.table("position.others_verbs").source(), re.I)
AUTHORED = re.compile(r"\b(?:we|I)\s+(?:have\s+|had\s+)?(?:\w+ly\s+)?" + lexicon.table("position.authored_verbs").source(), re.I)
CLAUSE_BREAK = re.compile(r";|\s—\s|,?\s+but\s|,?\s+however,?\s|,\s+while\s|\s+whereas\s|,\s+although\s", re.I)

MAX_BEFORE = 110
# A target introduced as an example or a means of what came before ("including through the X").
LIST_MEMBER = re.compile(r"(?:,|\b)\s*(?:including|notably|in particular|such as|namely)(?:\s+(?:through|via|by|in|under))?"
                         r"\s+(?:the\s+)?$", re.I)
LIST_REACH = 200
MAX_AFTER = 50


# "not only X, but (also) Y" coordinates: its "but" is no clause break (the cue before X governs Y).
NOT_ONLY = re.compile(r"\bnot (?:only|just|merely)\b", re.I)
NOT_ONLY_REACH = 200


def clause_bounds(text: str, a: int, b: int, pos: int) -> tuple[int, int]:
    """The clause of text[a:b] that holds `pos` (split at ';', 'but', 'however', 'while')."""
    lo, hi = a, b
    for m in CLAUSE_BREAK.finditer(text, a, b):
        if "but" in m.group(0).lower() and NOT_ONLY.search(text, max(lo, m.start() - NOT_ONLY_REACH), m.start()):
            continue
        if m.end() <= pos:
            lo = m.end()
        elif m.start() >= pos:
            hi = m.start()
            break
    return lo, hi


def is_question(text: str, a: int, b: int) -> bool:
    tail = text[a:b].rstrip(" \"'”’)")
    return tail.endswith("?")


def polarity(text: str, a: int, b: int, ts: int, te: int, *, instrument: bool = False,
             max_before: int = 0) -> tuple[str, float] | None:
    """Polarity and confidence that unit text[a:b] gives the target at [ts, te), or None (no cue).

    `max_before` (when set) bounds how far before the target a governing cue may stand.
    """
    lo, hi = clause_bounds(text, a, b, ts)
    if OTHERS.search(text[lo:ts]):
        return None
    hedged = bool(HEDGES.search(text, lo, hi))
    # comparison: "weaker than the Budapest Convention" supports that instrument
    if instrument and COMPARE_BETTER.search(text[max(lo, ts - 40):ts]):
        return "support", 0.8
    # room for a coordinated subject before the predicate ("X and the covert use of ICTs ... are
    # unacceptable"); the predicate tables bound the coordination themselves
    after = text[te:min(hi, te + MAX_AFTER + 130)]
    reach = max_before or MAX_BEFORE
    if LIST_MEMBER.search(text[max(lo, ts - 40):ts]):
        # "uphold ... norms in cyberspace, including through the Paris Call": the list's head cue
        # governs its named examples however long the list before them
        reach = max(reach, LIST_REACH)
    pre = _nearest_before(text, lo, ts, reach)
    if pre is not None:
        pol, cue_start, cue_end = pre
        neg = negated(words_before(text, cue_start, 4, lo))
        if pol == "support" and neg:
            pol = "oppose"
        elif pol == "oppose" and neg:
            return None  # "do not oppose" is not clear support
        if negated(words_before(text, ts, 2, cue_end)):
            # a negator between the cue and the target scopes over the target: "ensure that there
            # is no arms race", "support no new treaty"; a double negation is no clear stance
            if pol == "oppose":
                return None
            pol = "oppose"
        conf = 0.8 if (ts - cue_start) < 60 else 0.7
        return pol, conf * (0.75 if hedged else 1.0)
    # a modal inside the predicate ("could contribute") is its cue, not a hedge on it
    hedged = bool(HEDGES.search(text, lo, ts))
    if PRED_SUPPORT.match(after):
        neg = negated(after[:25])
        return ("oppose" if neg else "support"), 0.7 * (0.75 if hedged else 1.0)
    if PRED_OPPOSE.match(after):
        return "oppose", 0.7 * (0.75 if hedged else 1.0)
    return None


def _nearest_before(text: str, lo: int, ts: int, reach: int = MAX_BEFORE) -> tuple[str, int, int] | None:
    """The position cue closest before the target (within `reach`), with its start and end."""
    start = max(lo, ts - reach)
    best: tuple[int, str, int] | None = None
    opp_spans: list[tuple[int, int]] = []
    for m in OPPOSE_CUES.finditer(text, start, ts):
        opp_spans.append((m.start(), m.end()))
        if m.group(0).lower() == "against" and ts - m.end() > AGAINST_REACH:
            continue  # "a war against Ukraine that violates the Charter": not against the Charter
        if best is None or m.end() >= best[0]:
            best = (m.end(), "oppose", m.start())
    for m in SUPPORT_CUES.finditer(text, start, ts):
        if any(s <= m.start() < e for s, e in opp_spans):
            continue  # "no need for" already read as oppose
        if best is None or m.end() > best[0]:
            best = (m.end(), "support", m.start())
    for m in VIOLATION.finditer(text, start, ts):
        if best is None or m.end() > best[0]:
            best = (m.end(), "none", m.start())
    if best is None or best[1] == "none":
        return None
    return best[1], best[2], best[0]


def authored(text: str, a: int, b: int, ts: int) -> bool:
    """The speaker says they made the target ("we developed six basic norms")."""
    lo, _ = clause_bounds(text, a, b, ts)
    return bool(AUTHORED.search(text, lo, ts))


# Work on a treaty ("the negotiation of an agreement", "drafting a universal convention") right
# before a treaty proposition: a speaker who lists it as work to be done wants the treaty.
TREATY_WORK = re.compile(
    r"\b(?:negotiat\w*|draft(?:s|ed|ing)?|elaborat\w*|conclu(?:de|ding|sion)|adopt(?:ion|ing)?)(?:\s+(?:of|on))?"
    r"\s+(?:an?|the|this|such an?)?\s*(?:[\w-]+\s+){0,2}$", re.I)
TREATY_REACH = 50


def treaty_work(text: str, lo: int, ts: int) -> bool:
    """Is the target (a treaty proposition) the object of negotiating or drafting, unnegated?"""
    m = TREATY_WORK.search(text[max(lo, ts - TREATY_REACH):ts])
    if not m:
        return False
    start = max(lo, ts - TREATY_REACH) + m.start()
    return not negated(words_before(text, start, 4, lo))
