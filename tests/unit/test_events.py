"""Events stage (issue 4, stage 8): meetings with place, dates, participants and outcome."""

from __future__ import annotations

from normwatch.model import Statement, Span
from normwatch.stages.events import find_events
from normwatch.extraction.event_dates import date_range, day_count, place_after

from .test_stances import FakeKB, add_mentions, doc_of, fake_kb, origin_news_doc


def test_origin_gccs_event():
    doc = origin_news_doc()
    evs = find_events(doc, fake_kb())
    assert [e.event for e in evs] == ["event:gccs-2015"]
    e = evs[0]
    assert (e.place, e.start, e.end) == ("The Hague", "2015-04-16", "2015-04-17")
    assert set(e.participants) == {"person:keit-pentus-rosimannus", "person:julie-bishop", "person:christopher-painter",
                                   "person:chen-xu", "person:matt-thomlinson", "person:joseph-s-nye"}
    assert e.outcome and "consensus" in e.outcome and "fail to agree" in e.outcome
    assert doc.text[e.outcome_span.start:e.outcome_span.end] == e.outcome


def test_dates_and_place_from_text_when_kb_lacks_them():
    text = ("Xinhua, April 17, 2015\n\nDuring the two-day Global Conference on CyberSpace in The Hague, ministers "
            "reached agreement on capacity building.")
    doc = doc_of(text)
    add_mentions(doc, [("Global Conference on CyberSpace", "event:gccs-x")])
    doc.statements.append(Statement("person:a", None, True, Span(0, 6)))
    e = find_events(doc, FakeKB([]))[0]
    assert (e.place, e.start, e.end) == ("The Hague", "2015-04-16", "2015-04-17")
    assert e.participants == ["person:a"]
    assert e.outcome.startswith("reached agreement")


def test_passing_reference_has_no_participants():
    text = ("Officials met in Brussels on Monday to discuss sanctions against several companies and banks. "
            "They talked for hours about many other things that matter a great deal to them. "
            "Trade was the main topic of the long afternoon session and of the dinner after it. "
            "Earlier, the 2015 Global Conference on CyberSpace had adopted a chair's statement.")
    doc = doc_of(text)
    add_mentions(doc, [("2015 Global Conference on CyberSpace", "event:gccs-2015")])
    doc.statements.append(Statement("person:a", None, True, Span(0, 9)))
    e = find_events(doc, fake_kb())[0]
    assert e.participants == [] and e.outcome is None


def test_unknown_named_meeting_needs_place_or_date():
    doc = doc_of("Leaders gathered at the Munich Security Conference in Munich on 15 February 2020.")
    evs = find_events(doc, FakeKB([]))
    assert [(e.event, e.place, e.start) for e in evs] == [
        ("event:munich-security-conference-2020", "Munich", "2020-02-15")]
    assert find_events(doc_of("The Security Conference is important."), FakeKB([])) == []


def test_helpers():
    assert day_count("the three-day meeting") == 3
    assert date_range("held on 16-17 April 2015") == ("2015-04-16", "2015-04-17")
    assert date_range("April 16-17, 2015") == ("2015-04-16", "2015-04-17")
    assert place_after("GCCS (2015) in The Hague today", 4) == "The Hague"
