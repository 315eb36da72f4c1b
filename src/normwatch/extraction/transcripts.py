"""Official transcripts and an institution's own voice.

Two genres the quote and reported-speech finders do not read:

* a transcript (press briefing, background call, gaggle): turns opened by a speaker label in
  capitals at the start of a line ("MS. PSAKI:", "SENIOR ADMINISTRATION OFFICIAL:", "Q"), each
  running to the next label. Every on-topic sentence of an official's turn is that official's
  direct statement: a label's surname resolves to a person the document names (the title or
  the introduction), an office label ("THE PRESIDENT:") to the actor holding that office, and
  an anonymous official speaks as the publishing institution. Questioners' and hosts' turns
  are nobody's statements, so the other finders' readings inside them are dropped too.
* a document in the publisher's own voice (a fact sheet, a readout): its on-topic sentences
  outside quotes are the institution's statements.

The label words, title words and the institution come from data (lexicon
`transcripts.yaml`, the KB's organisations); nothing here names a publisher.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from ..kb import lexicon, load_kb
from ..model import Document, Span, Statement
from .topic import carries_topic, flex_pattern
from .voices import GENERAL_INSTRUMENTS, MAX_SENTENCE, in_spans, on_topic

__all__ = ["Turn", "Transcript", "read_turns", "transcript_statements", "institution_of"]

# A speaker label: capitals (with dots, hyphens, apostrophes) ending in a colon at the start of
# a line, or a bare "Q" before the question. Up to six words, so a shouted sentence is not one.
_LABEL = re.compile(r"(?m)^[ \t]*(?:(Q)[:.]?[ \t]+(?=\S)|([A-Z][A-Z.'\u2019\-]*(?:[ \t][A-Z][A-Z.'\u2019\-]*){0,5})[ \t]*:[ \t]*)")
REPORTER = lexicon.pattern("transcripts.reporter_labels")
HOST = lexicon.pattern("transcripts.host_labels")
ANONYMOUS = lexicon.pattern("transcripts.anonymous_labels")
OFFICE = lexicon.pattern("transcripts.office_labels")
_HONORIFIC = re.compile(rf"^(?:{'|'.join(lexicon.items('transcripts.honorifics'))})[ \t]+")
TRANSCRIPT_TITLE = flex_pattern("transcripts.transcript_titles")
INSTITUTION_TITLE = flex_pattern("transcripts.institution_titles")
# Without a transcript title word, this many labelled turns make a document a transcript.
MIN_TURNS = 3


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn: its label, where its words run (after the label, to the next label) and who
    speaks (`role` is "reporter", "host", "official" or "unknown"; `speaker` an actor id)."""

    label: str
    start: int
    end: int
    role: str
    speaker: str | None = None
    affiliation: str | None = None


@dataclass(slots=True)
class Transcript:
    """The statements found here and the spans no statement may start in (questions, hosts)."""

    statements: list[Statement] = field(default_factory=list)
    silent: list[tuple[int, int]] = field(default_factory=list)
    spoken: list[tuple[int, int]] = field(default_factory=list)
    turns: list[tuple[int, int]] = field(default_factory=list)
    _said: list[tuple[int, int]] | None = None
    _starts: list[int] = field(default_factory=list)

    def keeps(self, doc: Document, sentences: list[Span], st: Statement) -> bool:
        """May another finder's reading stand? Not in a question or a host's turn, not over a
        sentence the turn's speaker says, and, inside a turn, only on the topic by its sentence:
        a briefing ranges over many subjects, so a cyber-dense transcript is not on the topic
        throughout (a spokesperson quoting the President on abortion is not a statement here)."""
        if in_spans(self.silent, st.span.start):
            return False
        if self._said is None:  # built once: a batch of readings is checked against them
            self._said = sorted((t.span.start, t.span.end) for t in self.statements)
            self._starts = [x.start for x in sentences]
        k = bisect_right(self._said, (st.span.end, -1)) - 1  # the last said span starting before its end
        if k >= 0 and self._said[k][1] > st.span.start or in_spans(self._said, st.span.start):
            return False
        if not in_spans(self.turns, st.span.start):
            return True
        i = bisect_right(self._starts, st.span.start) - 1
        s = sentences[i] if i >= 0 else st.span
        return on_topic(doc.text, s.start, min(s.end, s.start + MAX_SENTENCE))


@lru_cache(maxsize=64)
def institution_of(publisher: str | None) -> tuple[str, str | None] | None:
    """(org id, its state) for a publisher named as a KB organisation's name or alias."""
    if not publisher:
        return None
    want = _fold(publisher)
    kb = load_kb()
    for form in kb.surface_forms():
        if form.kind == "org" and form.how in ("name", "alias") and _fold(form.text) == want:
            rec = kb.get(form.id) or {}
            state = rec.get("state")
            if state is None and rec.get("parent"):
                state = (kb.get(rec["parent"]) or {}).get("state")
            return form.id, state
    return None


def _fold(name: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(name.split()).casefold())


def _letters(s: str) -> str:
    # the title as metadata may keep joiners or dashes the cleaned text dropped
    return "".join(c for c in s.casefold() if c.isalnum())


def read_turns(doc: Document) -> list[Turn]:
    """The document's turns, or [] when it is not a transcript."""
    text = doc.text
    labels = [m for m in _LABEL.finditer(text) if _known_label(m)]
    title = (doc.meta.title if doc.meta and doc.meta.title else text[:300])
    if len(labels) < (1 if TRANSCRIPT_TITLE.search(title) else MIN_TURNS):
        return []
    first = labels[0].start()
    people = _by_mention([a for a in doc.actors if a.kind == "person"], first)
    turns = []
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        label = m.group(1) or m.group(2)
        turns.append(_resolve(doc, label, m.end(), end, people))
    return turns


def _known_label(m: re.Match) -> bool:
    """A label of a kind the lexicon knows (not "FACT SHEET:" or "WASHINGTON:")."""
    label = m.group(1) or m.group(2)
    return bool(m.group(1) or REPORTER.search(label) or HOST.search(label) or ANONYMOUS.search(label)
                or OFFICE.search(label) or _HONORIFIC.search(label)) or _bare_surname(label)


def _bare_surname(label: str) -> bool:
    # "PSAKI:" alone: one word of capitals, resolved later against the people named.
    return bool(re.fullmatch(r"[A-Z][A-Z'\u2019\-]{2,}", label))


def _resolve(doc: Document, label: str, start: int, end: int, people: list) -> Turn:
    if REPORTER.search(label):
        return Turn(label, start, end, "reporter")
    if HOST.search(label):
        return Turn(label, start, end, "host")
    if ANONYMOUS.search(label):
        inst = institution_of(doc.meta.publisher if doc.meta else None)
        return Turn(label, start, end, "official", *(inst or (None, None)))
    if OFFICE.search(label):
        office = label.split()[-1].casefold()
        for a in people:
            words = (a.role or "").casefold().replace("-", " ").split()
            if words[-1:] == [office.replace("-", " ").split()[-1]] and "vice" not in words[:-1] or \
                    (office == "president" and words == ["president"]):
                return Turn(label, start, end, "official", a.id, a.affiliation)
        return Turn(label, start, end, "unknown")
    surname = _fold(_HONORIFIC.sub("", label).strip())
    for a in people:
        if a.name and _fold(a.name.split()[-1]) == surname:
            # a KB person of that surname named in the text is surer than an actor whose name
            # took in a word before it ("Advisors Anne Neuberger")
            kb = _kb_person(doc.text, surname) if a.id not in load_kb() else None
            return Turn(label, start, end, "official", *(kb or (a.id, a.affiliation)))
    kb = _kb_person(doc.text, surname)  # named where the actors stage saw nobody
    return Turn(label, start, end, "official", *kb) if kb else Turn(label, start, end, "unknown")


@lru_cache(maxsize=1)
def _kb_surnames() -> dict[str, list[dict]]:
    by: dict[str, list[dict]] = {}
    for r in load_kb().records("person"):
        if r.get("name"):
            by.setdefault(_fold(r["name"].split()[-1]), []).append(r)
    return by


def _kb_person(text: str, surname: str) -> tuple[str, str | None] | None:
    """(id, affiliation) of the one KB person with this surname whose full name the text writes."""
    hits = [r for r in _kb_surnames().get(surname, ())
            if re.search(r"\s+".join(map(re.escape, r["name"].split())), text)]
    return (hits[0]["id"], hits[0].get("affiliation")) if len(hits) == 1 else None


def _by_mention(people: list, first: int) -> list:
    """People named before the first turn (title, introduction) first: a label names one of them."""
    return sorted(people, key=lambda a: (min((s.start for s in a.spans), default=first) >= first,
                                         min((s.start for s in a.spans), default=0)))


def transcript_statements(doc: Document, sentences: list[Span], quoted: list[tuple[int, int]]) -> Transcript:
    """Statements of a transcript's officials, or of an institution's own voice."""
    out = Transcript()
    turns = read_turns(doc)
    if turns:
        out.silent = [(t.start, t.end) for t in turns if t.role in ("reporter", "host")]
        out.turns = [(t.start, t.end) for t in turns]
        for t in turns:
            if t.role == "official" and t.speaker:
                out.spoken.append((t.start, t.end))
                out.statements.extend(_on_topic_sentences(doc, sentences, quoted, t.start, t.end,
                                                          t.speaker, t.affiliation))
        return out
    title = doc.meta.title if doc.meta and doc.meta.title else ""
    inst = institution_of(doc.meta.publisher if doc.meta else None)
    if inst and title and INSTITUTION_TITLE.search(title):
        body = _after_title(doc, title)
        out.spoken.append((body, len(doc.text)))
        out.statements = _on_topic_sentences(doc, sentences, quoted, body, len(doc.text), *inst)
    return out


def _after_title(doc: Document, title: str) -> int:
    """Where the body starts: after the first paragraph when it repeats the title."""
    if doc.paragraphs:
        p = doc.paragraphs[0]
        if _letters(doc.text[p.start:p.end])[:40] == _letters(title)[:40]:
            return p.end
    return 0


def _on_topic_sentences(doc: Document, sentences: list[Span], quoted: list[tuple[int, int]],
                        lo: int, hi: int, speaker: str, affiliation: str | None) -> list[Statement]:
    """The sentences (clipped to [lo, hi)) on the cyber topic by their own words or carrying the
    topic of the sentence before in the same turn and paragraph; quoted words are someone else's."""
    text = doc.text
    inside = [Span(max(s.start, lo), min(s.end, hi)) for s in sentences if s.end > lo and s.start < hi]
    inside = [s for s in inside if len(text[s.start:s.end].split()) >= 3]
    # A cyber incident, threat actor or cyber instrument named puts a sentence on the topic
    # ("the response on SolarWinds was proportional").
    named = sorted(m.span.start for m in doc.mentions if m.kind in ("incident", "threat-actor")
                   or (m.kind == "instrument" and m.kb_id not in GENERAL_INSTRUMENTS))
    own = [on_topic(text, s.start, min(s.end, s.start + MAX_SENTENCE))
           or bisect_right(named, s.end - 1) > bisect_right(named, s.start - 1) for s in inside]
    pstarts = [p.start for p in doc.paragraphs]
    out = []
    for i, s in enumerate(inside):
        if in_spans(quoted, s.start):
            continue
        k = bisect_right(pstarts, s.start) - 1
        floor = max(lo, pstarts[k] if k >= 0 else 0)
        if own[i] or carries_topic(text, inside, i, own.__getitem__, floor):
            a = s.start + len(text[s.start:s.end]) - len(text[s.start:s.end].lstrip())
            b = s.start + len(text[s.start:s.end].rstrip())
            out.append(Statement(speaker, affiliation, True, Span(a, b), None))
    return out
