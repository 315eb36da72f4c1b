"""Block quotes: paragraphs quoted without quote marks after an introduction ("the EU said:").

Split from stages/statements.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Actor, Document, Span, Statement
from .direct_quotes import attribution
from .speech import ISSUED_AFTER_SUBJECT, SPEECH_RE, STATEMENT_NOUN
from .statement_refs import Refs, has_quote, has_verb, sentence_bounds

# An introduction that names what follows: "X said:", "the statement reads:", "X published a statement".
INTRO_NOUN = re.compile(rf"\b{STATEMENT_NOUN}\b|\breads\b", re.I)
# The voice of a statement rather than of the reporter: the issuer speaks as "we".
# (Case matters: "US" is a state, not "us".)
WE_VOICE = re.compile(r"\b(?:[Ww]e|[Oo]urs?|us)\b")
# "X said:", "the statement reads:", "X said in a statement:": the cue sits right before the colon.
COLON_CUE_WINDOW = 60
# A quoted paragraph is prose: it opens with a capital (not a list bullet, heading or number).
PROSE_START = re.compile(r"[A-Z\u201c\"]")
BLOCK_MAX_PARAGRAPHS = 6


def block_quotes(doc: Document, paragraphs: list[tuple[int, int]], sentences: list[Span],
                  refs: Refs) -> list[Statement]:
    """Paragraphs quoted without quote marks after an introduction ("the EU said:", "X published
    a statement ...").

    News texts lose the indentation of block quotes, so the quote is recognised by its
    introduction and by its voice: after a colon the next paragraph is the quote; further
    paragraphs (and all of them after an introduction without a colon) count only while
    they speak as the issuer ("we", "our", or the issuer's own name near the start).
    """
    text = doc.text
    out: list[Statement] = []
    starts = [s.start for s in sentences]
    mentions = sorted(doc.mentions, key=lambda m: m.span.start)
    mstarts = [m.span.start for m in mentions]
    for pi, (pa, pb) in enumerate(paragraphs[:-1]):
        body = text[pa:pb].rstrip()
        if not body or has_quote(text, pa, pb):
            continue
        colon = body.endswith(":")
        # the introduction is the paragraph's last sentence
        ls, _ = sentence_bounds(sentences, starts, pa + len(body) - 1)
        ls = max(ls, pa)
        speaker = _intro_speaker(text, refs, ls, pa + len(body), colon)
        if speaker is None:
            continue
        names = {speaker.id, speaker.affiliation}
        taken = 0
        for qa, qb in paragraphs[pi + 1 : pi + 1 + BLOCK_MAX_PARAGRAPHS]:
            para = text[qa:qb].rstrip()
            if not para or not PROSE_START.match(para) or len(para.split()) < 5 or has_quote(text, qa, qb) \
                    or para[-1] not in ".!?;" or has_verb(text, qa, qb) \
                    and any(r[2].id not in names for r in refs.within(qa, qb)):
                break
            lo, hi = bisect_right(mstarts, qa - 1), bisect_right(mstarts, qa + 59)
            own = WE_VOICE.search(para) or any(mentions[j].kb_id in names for j in range(lo, hi))
            if not own and not (colon and taken == 0):
                break
            for si in range(bisect_right(starts, qa - 1), bisect_right(starts, qa + len(para) - 1)):
                s = sentences[si]
                e = min(s.end, qa + len(para))
                if len(text[s.start:e].split()) >= 3:
                    out.append(Statement(speaker.id, speaker.affiliation, True, Span(s.start, e), None))
            taken += 1
    return out


def _intro_speaker(text: str, refs: Refs, a: int, b: int, colon: bool) -> Actor | None:
    """The speaker an introduction sentence text[a:b] names, if it introduces a quote."""
    for s, e, actor in refs.within(a, b):
        if ISSUED_AFTER_SUBJECT.match(text, e, b):
            return actor
    if colon:
        a = max(a, b - COLON_CUE_WINDOW)
        if not (SPEECH_RE.search(text, a, b) or INTRO_NOUN.search(text, a, b)):
            return None
        found = attribution(text, refs, a, b, before=True)
        if found is not None:
            return found[0]
        if INTRO_NOUN.search(text, a, b):
            cands = refs.within(a, b)
            if cands:
                return cands[-1][2]
    return None
