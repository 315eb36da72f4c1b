"""Robustness of the fact stages (stances, subscriptions, incidents, events) on any text.

Arbitrary text, binary garbage decoded as text, 1 MB on one line, empty text: no stage may
crash, each must finish in bounded time (no catastrophic regex backtracking), and every span
a fact carries must lie inside the text.
"""

from __future__ import annotations

import random
import re
import time

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from normwatch.model import Document, Mention, Span, Statement
from normwatch.stages.events import find_events
from normwatch.stages.incidents import find_incidents
from normwatch.stages.stances import find_stances
from normwatch.stages.subscriptions import find_subscriptions

from .test_stances import fake_kb

KB = fake_kb()
WORDS = ["Russia", "v.", "Estonia", "Georgia", "DDoS", "attack", "2007", "2008", "respectively", "we", "not", "need",
         "a", "new", "cybercrime", "treaty", "support", "the", "draft", "ratified", "signed", ",", "and", "?", ".",
         "Budapest", "Convention", "two-day", "Conference", "in", "The", "Hague", "April", "17", "suspected", "denied",
         "pro-Russian", "hacktivists", "capacity", "building", "\"", "“", "”", "\n", "—", ";", "but", "some", "propose"]
GAZ = [("Russia", "state:RUS"), ("Estonia", "state:EST"), ("Georgia", "state:GEO"),
       ("Budapest Convention", "instrument:budapest-convention"), ("Conference", "event:gccs-2015")]


def annotate(text: str) -> Document:
    """A document with mentions of the gazetteer words and one statement over the middle."""
    doc = Document(text, source="prop")
    for surface, kb_id in GAZ:
        for m in re.finditer(re.escape(surface), text[:200_000]):
            doc.mentions.append(Mention(kb_id, kb_id.split(":")[0], Span(m.start(), m.end()), "name"))
    doc.mentions.sort(key=lambda m: m.span.start)
    if len(text) > 4:
        doc.statements.append(Statement("person:x", "state:AUS", True, Span(len(text) // 4, len(text) // 2)))
    return doc


def run_all(doc: Document) -> None:
    doc.stances.extend(find_stances(doc, KB))
    doc.subscriptions.extend(find_subscriptions(doc, KB))
    doc.incidents.extend(find_incidents(doc, KB))
    doc.events.extend(find_events(doc, KB))
    doc.check_spans()
    for e in doc.events:
        if e.outcome is not None:
            assert doc.text[e.outcome_span.start:e.outcome_span.end] == e.outcome


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join))
def test_word_soup_never_crashes(text):
    run_all(annotate(text))


@hsettings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_crashes(text):
    run_all(annotate(text))


def test_empty_and_whitespace():
    for text in ("", " ", "\n\n", "."):
        run_all(annotate(text))


def test_binary_garbage_decoded():
    rnd = random.Random(4)
    text = bytes(rnd.randrange(256) for _ in range(200_000)).decode("latin-1")
    t0 = time.perf_counter()
    run_all(annotate(text))
    assert time.perf_counter() - t0 < 10


def test_one_megabyte_on_one_line_is_bounded():
    unit = "Russia v. Estonia DDoS attack in 2007 we do not need a new cybercrime treaty but some propose it "
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    doc = annotate(text)
    t0 = time.perf_counter()
    run_all(doc)
    assert time.perf_counter() - t0 < 30


def test_pathological_repetition():
    for text in ("a" * 300_000, "A, " * 100_000, "the " * 100_000 + "?", "v. " * 100_000, "(" * 100_000,
                 "In 2007 " * 50_000, "1-2 April 2015 " * 20_000):
        t0 = time.perf_counter()
        run_all(annotate(text))
        assert time.perf_counter() - t0 < 10, text[:20]
