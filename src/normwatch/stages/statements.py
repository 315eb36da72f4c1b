"""Stage `statements.v1`: who said what — direct quotes, reported speech, first-person speeches.

Three sources of statements:
  1. direct quotes: each quoted segment attributed through a speech verb and an actor
     reference in the same sentence (after the quote first, the news convention, then
     before it: '"A," X said, adding "B."' gives two statements of X); an unattributed quote
     takes the speaker of the quote before it in the paragraph, of a person introduced
     with a speech verb in the previous paragraph, or of an attribution in the next one;
  2. reported speech: an actor reference as the subject of a reporting verb ("X stressed
     that ...", "X emphasized the importance of ...", "According to the Ambassador, ...");
     the span is the reported clause;
  3. when the document has a first-person speaker (`meta.speaker`, a UN speech), every
     sentence on the cyber/ICT-security topic (by its own words, by carrying the topic of
     the sentence before, or by naming a cyber instrument) is that speaker's statement; a
     joint statement's "we" sentences are each signatory's (both in `extraction/voices.py`).
Quoted phrases with no speaker (scare quotes, titles, the author's own quoted terms) are
not statements, and in a document that is not about cyber throughout, quotes and reported
speech off the cyber topic are not either. The finders live in `extraction/direct_quotes.py`,
`block_quotes.py` and `reported.py`; this module orders and merges them.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..extraction.block_quotes import block_quotes
from ..extraction.direct_quotes import BULLET_LINK, direct_quotes
from ..extraction.quotes import find_quotes
from ..extraction.reported import carried_back, reported_speech
from ..extraction.statement_refs import Refs
from ..extraction.topic import CYBER_DENSE_PER_CHARS, CyberContext
from ..extraction.transcripts import transcript_statements
from ..extraction.voices import CYBER, CYBER_STRONG, MAX_SENTENCE, first_person_statements, in_spans, joint_statements
from ..model import Document, Span, Statement
from ..pipeline import stage
from ..settings import Settings


@stage("statements.v1", requires=("sentences", "actors"), assigns=("statements",))
def statements(doc: Document, settings: Settings) -> Document:
    """Fill `doc.statements` with direct quotes, reported speech and first-person speech.

    Args:
        doc: a document with sentences, mentions and actors.
        settings: unused apart from the stage signature.
    Returns:
        the same document with `statements` replaced, in text order.
    """
    doc.statements = find_statements(doc)
    return doc


def find_statements(doc: Document) -> list[Statement]:
    """All statements of the document, in text order, at most one per span."""
    text = doc.text
    paragraphs = [(p.start, p.end) for p in doc.paragraphs] or ([(0, len(text))] if text else [])
    sentences = list(doc.sentences) or [Span(a, b) for a, b in paragraphs]
    refs = Refs(doc.actors)
    quotes = find_quotes(text, paragraphs)
    out = direct_quotes(doc, quotes, paragraphs, sentences, refs)
    quoted = [(q.open, (q.close + 1) if q.close is not None else q.end) for q in quotes]
    reported = reported_speech(doc, sentences, refs, quoted)
    reported.extend(carried_back(text, sentences, paragraphs, refs, quoted, reported + out))
    head = _headline(text, paragraphs)
    if head is not None:
        # A headline compresses a sentence of the body ("China accuses US of ..."): the body's
        # sentence is the statement, the headline would count it twice.
        reported = [r for r in reported if not head[0] <= r.span.start < head[1]]
    block = block_quotes(doc, paragraphs, sentences, refs)
    if block:
        # The block's own sentences are direct speech: drop reported readings inside them.
        bspans = sorted((b.span.start, b.span.end) for b in block)
        out = [o for o in out if not in_spans(bspans, o.span.start)]
        reported = [r for r in reported if not in_spans(bspans, r.span.start)]
        out.extend(block)
    if doc.meta and doc.meta.speaker:
        first = first_person_statements(doc, sentences, quoted)
        # The speaker's own "Indonesia recognizes that ..." is first-person speech in the third
        # person: it counts under the same topic rule as "we ..." sentences.
        kept = [(f.span.start, f.span.end) for f in first]
        reported = [r for r in reported if r.speaker != doc.meta.speaker
                    or (CYBER.search(doc.text, r.span.start, min(r.span.end, r.span.start + MAX_SENTENCE))
                        and not any(a <= r.span.start < b for a, b in kept))]
        out.extend(first)
    joint = joint_statements(doc, sentences, quoted) if not (doc.meta and doc.meta.speaker) else []
    if joint:
        # The signatories' "we" sentences are theirs; a reported reading of them would repeat them.
        jspans = sorted({(j.span.start, j.span.end) for j in joint})
        reported = [r for r in reported if not in_spans(jspans, r.span.start)]
        out.extend(joint)
    joint_spans = {j.span for j in joint}
    out.extend(reported)
    own = {(f.span.start, f.span.end) for f in first} if doc.meta and doc.meta.speaker else set()
    if not joint and not (doc.meta and doc.meta.speaker):
        out = _with_turns(doc, out, sentences, quoted, own)
    out = _on_topic_only(doc, out, paragraphs, own, joint_spans, sentences)
    seen: set[tuple[int, int, str | None]] = set()
    result = []
    for st in sorted(out, key=lambda s: (s.span.start, s.span.end)):
        # one statement per span, except a joint statement's, which each signatory makes
        key = (st.span.start, st.span.end, st.speaker if st.span in joint_spans else None)
        if key in seen or st.span.end <= st.span.start:
            continue
        seen.add(key)
        result.append(st)
    return result


HEADLINE_MAX_WORDS = 25


def _with_turns(doc: Document, found: list[Statement], sentences: list[Span], quoted: list[tuple[int, int]],
                own: set[tuple[int, int]]) -> list[Statement]:
    """Add a transcript's or an institution's own statements (extraction/transcripts.py); other
    readings stand only where `Transcript.keeps` lets them (not in questions, on the topic)."""
    tr = transcript_statements(doc, sentences, quoted)
    if not tr.statements and not tr.turns:
        return found
    own.update((t.span.start, t.span.end) for t in tr.statements)
    return [f for f in found if tr.keeps(doc, sentences, f)] + tr.statements


def _on_topic_only(doc: Document, found: list[Statement], paragraphs: list[tuple[int, int]],
                   own: set[tuple[int, int]], joint: set[Span], sentences: list[Span]) -> list[Statement]:
    """Drop quotes and reported speech off the cyber topic (a leader on submarines in a report on
    a security pact, a speech quoting its leader on guns): only what is said in a sentence on the
    topic, or just after one (two sentences back, across a paragraph break), is a statement here,
    and so is a quote the same speaker goes on with right after it. A document dense in cyber
    terms -- counted in its body, not in the "related coverage" links and tags under it -- is on
    the topic throughout, and so is one whose headline is on it; one with no cyber term at all has no topic to tell its passages apart
    by (the prefilter judges it)."""
    text = doc.text
    ctx = CyberContext(text)
    if not ctx.core_hits:
        return found
    body = [h for h in ctx.core_hits if not _in_link_or_tags(text, h)]
    if len(body) * CYBER_DENSE_PER_CHARS >= len(text):
        return found
    head = _headline(text, paragraphs)
    if head is not None and (ctx.core_in(*head) or CYBER_STRONG.search(text, *head)):
        return found  # a report headlined on the topic ("Russian hackers bypass ...") is on it throughout
    starts = [x.start for x in sentences]
    pstarts = [p[0] for p in paragraphs]
    keep: list[Statement] = []
    last: dict[str | None, int] = {}  # speaker -> index of the sentence of their last kept statement
    for st in sorted(found, key=lambda x: x.span.start):
        i = max(0, bisect_right(starts, st.span.start) - 1)
        if (st.span.start, st.span.end) in own or st.span in joint:
            keep.append(st)
            continue
        lo = _back_window(sentences, i, pstarts) if sentences else st.span.start
        hi = max(st.span.end, sentences[i].end if sentences else st.span.end)
        if CYBER.search(text, lo, min(hi, lo + 4 * MAX_SENTENCE)) or (st.direct and i - last.get(st.speaker, -9) <= 1):
            keep.append(st)
            last[st.speaker] = i
    return sorted(keep, key=lambda x: (x.span.start, x.span.end))


# How many sentences back a cyber word still puts a quote on the topic.
TOPIC_BACK = 2


def _back_window(sentences: list[Span], i: int, pstarts: list[int]) -> int:
    """Where the look-back for sentence `i` starts: `TOPIC_BACK` sentences back inside its
    paragraph; the previous paragraph's last sentence when `i` opens its paragraph."""
    k = bisect_right(pstarts, sentences[i].start) - 1
    pstart = pstarts[k] if k >= 0 else 0
    if i > 0 and sentences[i - 1].start < pstart:
        return sentences[i - 1].start
    j = max(0, i - TOPIC_BACK)
    while j < i and sentences[j].start < pstart:
        j += 1
    return sentences[j].start
_TAGS_LINE = re.compile(r"(?m)^\s*(?:Tags:|\[\[)")


def _in_link_or_tags(text: str, pos: int) -> bool:
    """Is `pos` on a "related coverage" bullet link or a tags line (not the article's own words)?"""
    ls = text.rfind("\n", 0, pos) + 1
    return bool(BULLET_LINK.match(text, ls) or _TAGS_LINE.match(text, ls))


def _headline(text: str, paragraphs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first paragraph when it is a title: short, one line, no closing punctuation."""
    if len(paragraphs) < 2:
        return None
    pa, pb = paragraphs[0]
    head = text[pa:pb].strip()
    if not head or "\n" in head or head[-1] in ".!?:\"\u201d" or len(head.split()) > HEADLINE_MAX_WORDS:
        return None
    return pa, pb
