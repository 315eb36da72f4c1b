"""Stage `segment.v1`: paragraphs and sentences with offsets into the cleaned text.

Every later stage works sentence by sentence (quotes, subjects of speech verbs, stance
cues), so sentence boundaries must be right on news conventions: honorifics and initials
("Dr. Chen Xu", "Joseph S. Nye"), "U.S.", decimals, and quotes that end a sentence ('." He').
The rules live in `normwatch.extraction.segmenter`; this module only applies them.
"""

from __future__ import annotations

from ..extraction.segmenter import bounded, bounded_sentences, split_paragraphs
from ..model import Document, Span
from ..pipeline import stage
from ..settings import Settings


@stage("segment.v1", requires=("text",), assigns=("paragraphs", "sentences"))
def segment(doc: Document, settings: Settings) -> Document:
    """Fill `doc.paragraphs` (newline-separated blocks) and `doc.sentences` (within paragraphs).

    Args:
        doc: a cleaned document; its text is not changed.
        settings: unused; kept for the stage signature.
    Returns:
        the same document, with both lists replaced by fresh, sorted spans.
    """
    text = doc.text
    paragraphs: list[Span] = []
    sentences: list[Span] = []
    # Paragraphs and sentences are bounded in length (issue 13), so every stage that works
    # per sentence or per paragraph stays linear in the text however it is written.
    for a, b, was_cut in bounded(text, split_paragraphs(text)):
        paragraphs.append(Span(a, b))
        sentences.extend(Span(s, e) for s, e in bounded_sentences(text, a, b, use_pysbd=not was_cut))
    doc.paragraphs = paragraphs
    doc.sentences = sentences
    return doc
