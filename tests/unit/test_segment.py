"""Paragraph and sentence splitting (issue 4, stage 1): offsets and news-text hard cases."""

from __future__ import annotations

import pytest

from normwatch.extraction.segmenter import split_paragraphs, split_sentences
from normwatch.model import Document
from normwatch.settings import Settings
from normwatch.stages.segment import segment

from ..conftest import shared_path


def sents(text: str) -> list[str]:
    doc = segment(Document(text, source="t"), Settings())
    return [doc.span_text(s) for s in doc.sentences]


def test_honorific_after_sentence_end():
    assert sents("He did not say so. Dr. Chen Xu agreed with him.") == [
        "He did not say so.", "Dr. Chen Xu agreed with him."]


@pytest.mark.parametrize("text", [
    "Moderator Joseph S. Nye summarized the meeting.",
    "The U.S. Department of State and the U.N. agreed on it.",
    "Users will grow to 4.75 billion by then.",
    "It was the Russia v. Estonia attack, e.g. the DDoS in 2007.",
    "Mr. Smith met Mrs. Jones and Prof. Lee in St. Petersburg.",
])
def test_no_split_inside(text):
    assert sents(text) == [text]


def test_quote_ends_sentence():
    text = '"A highly connected future will go along with insecurity." He added more.'
    assert sents(text) == ['"A highly connected future will go along with insecurity."', "He added more."]


def test_lowercase_after_question_mark_in_quote():
    text = '"Is that enough?" she asked. Nobody answered.'
    assert sents(text) == ['"Is that enough?" she asked.', "Nobody answered."]


def test_us_at_sentence_end_before_opener():
    assert sents("Both sides met in the U.S. The talks failed.") == ["Both sides met in the U.S.", "The talks failed."]


def test_paragraphs_on_single_and_blank_lines():
    text = "First line here.\nSecond paragraph.\n\n  Third one.  \n"
    doc = segment(Document(text, source="t"), Settings())
    assert [doc.span_text(p) for p in doc.paragraphs] == ["First line here.", "Second paragraph.", "Third one."]
    assert all(p.contains(s) or not p.overlaps(s) for p in doc.paragraphs for s in doc.sentences)


def test_sentences_never_cross_paragraphs():
    text = "Title without stop\nBody starts here. It goes on."
    assert sents(text) == ["Title without stop", "Body starts here.", "It goes on."]


def test_spans_are_trimmed_and_ordered():
    text = "  One.   Two!  Three?  "
    spans = [(a, b) for p in split_paragraphs(text) for a, b in split_sentences(text, *p)]
    assert [text[a:b] for a, b in spans] == ["One.", "Two!", "Three?"]
    assert spans == sorted(spans)


def test_empty_text():
    doc = segment(Document("", source="t"), Settings())
    assert doc.paragraphs == [] and doc.sentences == []


def test_speeches_split_at_reasonable_rate():
    """On real UN speeches the rules split nearly every paragraph-long line into sentences."""
    folder = shared_path("corpus", "ungdc-cyber")
    files = sorted(folder.glob("*.txt"))[:20]
    n_sent = n_chars = 0
    for f in files:
        doc = segment(Document(f.read_text(encoding="utf-8", errors="replace"), source=str(f)), Settings())
        doc.check_spans()
        n_sent += len(doc.sentences)
        n_chars += sum(s.end - s.start for s in doc.sentences)
    assert n_sent > 0
    # A mean sentence of 60-300 characters: neither unsplit paragraphs nor splits at every dot.
    assert 60 <= n_chars / n_sent <= 300


def test_hard_wrapped_block_is_one_paragraph():
    text = ("Spain and the United States condemn the unjustified and\n"
            "unprovoked war of choice against Ukraine, which has fundamentally\n"
            "altered the global strategic environment. This aggression is\n"
            "the most direct threat to security since the end of the Cold War.\n"
            "\n"
            "Short next paragraph.")
    doc = segment(Document(text, source="t"), Settings())
    assert len(doc.paragraphs) == 2
    assert doc.span_text(doc.sentences[0]).startswith("Spain") and doc.span_text(doc.sentences[0]).endswith(
        "environment.")
    assert len(doc.sentences) == 3


def test_lines_of_a_list_stay_paragraphs():
    text = "Mr President,\nIt is a pleasure to speak here today.\nWe support the norms.\nThank you."
    doc = segment(Document(text, source="t"), Settings())
    assert len(doc.paragraphs) == 4
