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

from bisect import bisect_right

from ..extraction.block_quotes import block_quotes
from ..extraction.direct_quotes import direct_quotes
from ..extraction.quotes import find_quotes
from ..extraction.reported import carried_back, reported_speech
from ..extraction.statement_refs import Refs
from ..extraction.topic import CyberContext
from ..extraction.voices import CYBER, MAX_SENTENCE, first_person_statements, in_spans, joint_statements
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
    out = _on_topic_only(doc, out, paragraphs, {(f.span.start, f.span.end) for f in first} if doc.meta and doc.meta.speaker
                         else set(), joint_spans)
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


def _on_topic_only(doc: Document, found: list[Statement], paragraphs: list[tuple[int, int]],
                   own: set[tuple[int, int]], joint: set[Span]) -> list[Statement]:
    """Drop quotes and reported speech off the cyber topic (a speech quoting its leader on guns,
    a communiqué's paragraph on the law of the sea): only what is said in a paragraph on the
    topic is a statement here. A document dense in cyber terms is on the topic throughout; one
    with no cyber term at all has no topic to tell its passages apart by (the prefilter judges it)."""
    ctx = CyberContext(doc.text)
    if ctx.dense or not ctx.core_hits:
        return found
    pstarts = [p[0] for p in paragraphs]
    keep = []
    for st in found:
        if (st.span.start, st.span.end) in own or st.span in joint:
            keep.append(st)
            continue
        i = bisect_right(pstarts, st.span.start) - 1
        pa, pb = paragraphs[i] if i >= 0 else (st.span.start, st.span.end)
        if CYBER.search(doc.text, pa, min(pb, pa + 4 * MAX_SENTENCE)):
            keep.append(st)
    return keep


def _headline(text: str, paragraphs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first paragraph when it is a title: short, one line, no closing punctuation."""
    if len(paragraphs) < 2:
        return None
    pa, pb = paragraphs[0]
    head = text[pa:pb].strip()
    if not head or "\n" in head or head[-1] in ".!?:\"\u201d" or len(head.split()) > HEADLINE_MAX_WORDS:
        return None
    return pa, pb
