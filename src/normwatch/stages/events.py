"""Stage 8, events: meetings a document reports, with place, dates, participants and outcome.

A KB event named in the text gives name, place and dates from its record (the text fills
what the record lacks: "in The Hague", "the two-day ..." under a dateline). When the
document reports the meeting itself (the event is named near the top, or "at/during the
..."), its participants are the people quoted in the document, and its outcome is the
clause of a sentence near the mention that says what was (not) agreed. A named meeting the
KB lacks ("the Munich Security Conference in Munich on 15 February 2020") is emitted with a
slug id only when a place or a date accompanies it.

Run:  normwatch extract FILE --format jsonl   (the "events" list)
"""

from __future__ import annotations

import re
from typing import Any

from ..pipeline import stage
from ..extraction.cues import M, all_mentions, default_kb, find_dates, kb_get, sentence_spans
from ..extraction.event_dates import date_range, dateline, day_count, place_after, span_from_dateline
from ..model import Document, Event, Span, slugify
from ..settings import Settings

OUTCOME = re.compile(
    r"\b(?:showed|show|reached|achieved|agreed|adopted|concluded|ended (?:with|without)|failed to|fail to|"
    r"could not agree|endorsed|issued|approved|resulted in|produced)\b", re.I)
REPORTED_AT = re.compile(r"\b(?:at|during|on the sidelines of|on the (?:first|second|last|final|opening|closing) day of|"
                         r"participants (?:at|in)|opening of|ahead of)\s+(?:the\s+)?(?:\w+\s+){0,4}$", re.I)
MEETING_NAME = re.compile(
    r"\b((?:[A-Z][\w'&-]*\s+){1,6}(?:Conference|Summit|Forum|Dialogue|Congress|Symposium|Ministerial)"
    r"(?:\s+on\s+(?:[A-Z][\w-]*\s*){1,4})?)")
OUTCOME_WINDOW = 2  # sentences after the mention's sentence searched for an outcome


@stage("events.v1", requires=("sentences", "mentions", "actors", "statements"), assigns=("events",))
def extract_events(doc: Document, settings: Settings) -> Document:
    """Fill `doc.events` (see the module docstring)."""
    doc.events.extend(find_events(doc, default_kb()))
    return doc


def find_events(doc: Document, kb: Any) -> list[Event]:
    text = doc.text
    if not text.strip():
        return []
    sents = sentence_spans(doc)
    ms = all_mentions(doc)
    evs = [m for m in ms if m.kind == "event"]
    out: dict[str, Event] = {}
    for m in evs:
        if m.id in out:
            continue
        out[m.id] = _kb_event(doc, kb, m, sents)
    for ev in _unknown_events(doc, sents, evs):
        out.setdefault(ev.event, ev)
    return list(out.values())


def _speakers(doc: Document) -> list[str]:
    """People quoted in the document, in order of first statement."""
    seen: list[str] = []
    for st in sorted(doc.statements, key=lambda s: s.span.start):
        if st.speaker and st.speaker.startswith("person:") and st.speaker not in seen:
            seen.append(st.speaker)
    return seen


def _reported(doc: Document, m: M, sents: list[Span]) -> bool:
    """Does the document report this meeting (rather than refer to it in passing)?"""
    text = doc.text
    if REPORTED_AT.search(text[max(0, m.start - 80):m.start]):
        return True
    # named in the lead: among the first sentences that carry the story
    body = [s for s in sents if s.end - s.start > 60]
    lead = body[:3]
    return any(s.start <= m.start < s.end for s in lead)


def _sentence_index(sents: list[Span], pos: int) -> int | None:
    for i, s in enumerate(sents):
        if s.start <= pos < s.end:
            return i
    return None


def _outcome(doc: Document, sents: list[Span], idx: int | None) -> tuple[str | None, Span | None]:
    if idx is None:
        return None, None
    text = doc.text
    for s in sents[idx: idx + 1 + OUTCOME_WINDOW]:
        m = OUTCOME.search(text, s.start, s.end)
        if m:
            end = s.end
            while end > m.start() and text[end - 1] in ".!? \"'”":
                end -= 1
            return text[m.start():end], Span(m.start(), end)
    return None, None


def _kb_event(doc: Document, kb: Any, m: M, sents: list[Span]) -> Event:
    text = doc.text
    rec = kb_get(kb, m.id) or {}
    idx = _sentence_index(sents, m.start)
    sent = sents[idx] if idx is not None else Span(m.start, m.end)
    place = rec.get("place") or place_after(text, m.end)
    start = str(rec["start"]) if rec.get("start") else None
    end = str(rec["end"]) if rec.get("end") else None
    if not start:
        start, end = _text_dates(doc, sent)
    reported = _reported(doc, m, sents)
    outcome, ospan = _outcome(doc, sents, idx) if reported else (None, None)
    return Event(m.id, rec.get("name") or text[m.start:m.end], place, start, end, Span(m.start, m.end),
                 _speakers(doc) if reported else [], outcome, ospan)


def _text_dates(doc: Document, sent: Span) -> tuple[str | None, str | None]:
    text = doc.text
    seg = text[sent.start:sent.end]
    rng = date_range(seg)
    if rng:
        return rng
    days = day_count(seg)
    dline = dateline(text, doc.meta.published)
    if days and dline:
        return span_from_dateline(days, dline)
    ds = [d for d in find_dates(text, sent.start, sent.end) if len(d.iso) == 10]
    if ds:
        return ds[0].iso, ds[0].iso
    return None, None


def _unknown_events(doc: Document, sents: list[Span], known: list[M]):
    """Named meetings absent from the KB, when a place or a full date goes with them."""
    text = doc.text
    for s in sents:
        for nm in MEETING_NAME.finditer(text, s.start, s.end):
            a, b = nm.start(1), nm.end(1)
            while b > a and text[b - 1].isspace():
                b -= 1
            if any(k.start < b and a < k.end for k in known):
                continue
            name = text[a:b]
            if name.split()[0] in ("The", "A", "An", "This", "That"):
                a += len(name.split()[0]) + 1
                name = text[a:b]
            place = place_after(text, b)
            start, end = _text_dates(doc, s)
            if not (place or start):
                continue
            year = (start or "")[:4]
            slug = slugify(name + (" " + year if year and year not in name else ""))
            if not slug:
                continue
            m = M("event:" + slug, "event", a, b, "name")
            reported = _reported(doc, m, sents)
            idx = _sentence_index(sents, a)
            outcome, ospan = _outcome(doc, sents, idx) if reported else (None, None)
            yield Event(m.id, name, place, start, end, Span(a, b), _speakers(doc) if reported else [], outcome, ospan)


__all__ = ["extract_events", "find_events"]
