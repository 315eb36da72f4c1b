"""Robustness of segment, mentions, actors and statements on any text (issue 4).

Hypothesis-generated text, binary garbage decoded as latin-1, 1 MB on one line, empty
text: no stage may crash, each must finish in bounded time (no catastrophic regex
backtracking), every span stays inside the text, and every surface string a fact carries
equals `text[start:end]`.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.actors import find_actors
from normwatch.stages.mentions import find_mentions, instrument_mentions
from normwatch.stages.segment import segment
from normwatch.stages.statements import find_statements

from .test_mentions import KB

WORDS = ["published", "statement", "known", "and", "its", "Member", "States", "A", "spokesman", "*",
         "Estonia's", "Foreign", "Minister", "Keit", "Pentus-Rosimannus", "said", ",", "adding", "\"", "\u201c",
         "\u201d", "Dr.", "Chen", "Xu", "S.", "Nye", "U.S.", "the", "Ambassador", "of", "China", "to", "Netherlands",
         "he", "she", "we", "our", "cyber", "norms", "2013", "2015", "GGE", "report", "updated", "draft", "pro-Russian",
         "Moscow", "denied", "According", "to", "emphasized", "that", ".", "?", "\n", "\n\n", "Budapest", "Convention",
         "Russia", "v.", "Georgia", "DDoS", "attack", "Global", "Conference", "on", "CyberSpace", "Harvard's",
         "Kennedy", "School", "Bishop", ":", ";", "'", "\u2019s", "recalled", "Mr.", "4.75", "  ", "\t"]


def run_all(text: str, speaker: str | None = None) -> Document:
    doc = Document(text, source="prop", meta=Meta(speaker=speaker, published="2015-04-17"))
    doc = segment(doc, Settings())
    doc.mentions = find_mentions(doc, KB)
    doc.instrument_mentions = instrument_mentions(doc.mentions)
    doc.actors = find_actors(doc, KB)
    doc.statements = find_statements(doc)
    doc.check_spans()
    for s in doc.sentences + doc.paragraphs:
        assert s.start < s.end and not text[s.start].isspace() and not text[s.end - 1].isspace()
    for a in doc.actors:
        assert a.id and a.kind in ("person", "state", "org")
    contract = doc.to_contract()
    for s in contract["statements"]:
        assert s["text"] == text[s["span"][0]:s["span"][1]]
    return doc


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join), st.sampled_from([None, "state:AUS"]))
def test_word_soup_never_crashes(text, speaker):
    run_all(text, speaker)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text):
    run_all(text)


def test_binary_garbage_as_latin1():
    rng = random.Random(4)
    for _ in range(20):
        text = bytes(rng.randrange(256) for _ in range(5000)).decode("latin-1")
        run_all(text, "state:AUS")


def test_empty_and_whitespace():
    for text in ("", " ", "\n\n\n", '"', "\u201c\u201d", "."):
        doc = run_all(text)
        assert doc.statements == []


def _timed(text: str, budget: float) -> Document:
    t = time.perf_counter()
    doc = run_all(text, "state:AUS")
    assert time.perf_counter() - t < budget
    return doc


@pytest.mark.slow
def test_one_megabyte_on_one_line():
    rng = random.Random(7)
    words = [w for w in WORDS if "\n" not in w]
    text = " ".join(rng.choice(words) for _ in range(200_000))[:1_000_000]
    _timed(text, 30.0)


def test_adversarial_runs_are_linear():
    """Long runs that make naive regexes backtrack: capitals, commas, dots, quotes, spaces."""
    for chunk in ("Aa ", "A. ", ", ", "\" ", "the ", "U.S. ", "x" * 50 + " ", ". . ", "Mr. "):
        text = chunk * (100_000 // len(chunk))
        _timed(text, 15.0)


def test_block_quote_and_coordination_runs_stay_fast():
    """Many introductions, coordinated subjects and participle modifiers in a row."""
    for chunk in ("Microsoft said in a statement:\n\nWe urge all states to act now.\n\n",
                  "Microsoft and Harvard and ", "A top spokesman known for " + "x " * 40,
                  "* Being \u201cthe world's largest source.\u201d\n", "word, "):
        text = chunk * (200_000 // len(chunk)) + " said this week."
        doc = _timed(text, 15.0)
        doc.check_spans()


def test_unbalanced_quotes_everywhere():
    text = ('"Anna Berg said it. ' * 2000) + "\u201c" * 500 + " he said."
    _timed(text, 15.0)


def test_registered_stages_with_the_real_kb():
    """The same invariants through the pipeline, with the package's KB and its description regexes."""
    from normwatch.pipeline import build, run

    stages = build(["segment.v1", "mentions.v1", "actors.v1", "statements.v1"])
    rng = random.Random(11)
    soup = " ".join(rng.choice(WORDS) for _ in range(40_000))
    garbage = bytes(rng.randrange(256) for _ in range(50_000)).decode("latin-1")
    for text in (soup, garbage, "", "x" * 200_000):
        t = time.perf_counter()
        doc = run(Document(text, source="p", meta=Meta(speaker="state:EST")), stages, Settings())
        assert time.perf_counter() - t < 20
        doc.check_spans()
        for m in doc.instrument_mentions:
            assert m.span.end <= len(text)
