"""The typed document every stage reads and adds to, and the facts it carries.

A `Document` is made once by `clean` (its `text` is then frozen); later stages
only append annotations. Every annotation is a `Span` — half-open character
offsets into `Document.text` — so any fact can be shown in its context.
`Document.to_contract()` renders the extraction contract of DESIGN.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

__all__ = [
    "Span",
    "Meta",
    "RawDoc",
    "Document",
    "Mention",
    "Actor",
    "Statement",
    "Stance",
    "InstrumentMention",
    "Subscription",
    "Attribution",
    "Incident",
    "Claim",
    "Event",
    "Rejection",
    "POLARITIES",
    "CERTAINTIES",
    "CHANNELS",
    "CLAIM_BASES",
    "SUBSCRIPTION_ACTIONS",
    "normalise_text",
    "content_hash",
    "slugify",
]

POLARITIES = ("support", "oppose", "neutral", "mixed")
CERTAINTIES = ("confirmed", "official", "alleged", "suspected", "denied")
CHANNELS = ("state-organ", "state-sponsored-proxy", "patriotic-hackers", "criminal", "unknown")
# How a claim's accused state is known: the text names it, or only a community assessment of the
# threat actor the text names (the KB's threat-actor record, e.g. a MISP galaxy's suspected state).
# How a claim's accused state is known (issue 11): `text` the text names it; `kb-attribution` a
# public attribution the curated KB records for the named threat actor (`state`, `attributed_by`);
# `community-assessment` only an imported galaxy's suspected state of that actor, nobody's accusation
CLAIM_BASES = ("text", "kb-attribution", "community-assessment")
SUBSCRIPTION_ACTIONS = ("signed", "ratified", "acceded", "sponsored", "endorsed", "joined")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open `[start, end)` character offsets into `Document.text`."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise TypeError(f"span offsets must be int, got {self.start!r}, {self.end!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span ({self.start}, {self.end}): need 0 <= start <= end")

    def check(self, text: str) -> "Span":
        if self.end > len(text):
            raise ValueError(f"span ({self.start}, {self.end}) out of bounds for text of length {len(text)}")
        return self

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(slots=True)
class Meta:
    """What is known about a document besides its text; `None` when not known."""

    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    language: str | None = None
    url: str | None = None
    speaker: str | None = None  # KB id of the first-person speaker (JSONL input)
    symbol: str | None = None  # UN document symbol ("A/70/174"), from PDF input (issue 15)


@dataclass(slots=True)
class RawDoc:
    """One input document before cleaning, as a source yields it.

    `raw_ref` says where the bytes came from (path, URL, `file.warc.gz#<WARC-Record-ID>@<offset>`,
    `file.jsonl:<line>`), so a rejection or a fact can be traced back to the input.
    `kind` is a hint from detection: "html", "text", "markdown" (or None: detect later).
    """

    source: str
    raw_ref: str
    content: bytes | str
    kind: str | None = None
    meta: Meta = field(default_factory=Meta)
    id: str | None = None  # an input-given id (JSONL) overrides the content hash
    charset: str | None = None
    # PDF input (issue 15): (start offset in content, page number) per page; content is then the cleaned text
    pages: list[tuple[int, int]] | None = None


@dataclass(slots=True)
class Mention:
    """A knowledge-base entity named in the text (`kb_id` like `state:EST`)."""

    kb_id: str
    kind: str  # state, org, instrument, proposition, threat-actor, incident, event, person
    span: Span
    how: str = "alias"  # alias, demonym, capital, description, ...


@dataclass(slots=True)
class Actor:
    id: str
    kind: str  # person, state, org
    name: str
    role: str | None = None
    affiliation: str | None = None
    spans: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    speaker: str | None
    affiliation: str | None
    direct: bool
    span: Span
    cue: Span | None = None  # the speech verb or "according to" that attributes it


@dataclass(slots=True)
class Stance:
    actor: str
    affiliation: str | None
    target: str
    polarity: str
    confidence: float
    evidence: Span

    def __post_init__(self) -> None:
        if self.polarity not in POLARITIES:
            raise ValueError(f"unknown polarity {self.polarity!r}")


@dataclass(slots=True)
class InstrumentMention:
    instrument: str
    span: Span


@dataclass(slots=True)
class Subscription:
    actor: str
    instrument: str
    action: str
    date: str | None
    evidence: Span

    def __post_init__(self) -> None:
        if self.action not in SUBSCRIPTION_ACTIONS:
            raise ValueError(f"unknown subscription action {self.action!r}")


@dataclass(slots=True)
class Attribution:
    accused: str | None
    claimant: str | None
    certainty: str
    via: str
    evidence: Span
    actor: str | None = None  # the threat actor named, when the accused state comes through it
    basis: str = "text"  # CLAIM_BASES

    def __post_init__(self) -> None:
        if self.certainty not in CERTAINTIES:
            raise ValueError(f"unknown certainty {self.certainty!r}")
        if self.via not in CHANNELS:
            raise ValueError(f"unknown channel {self.via!r}")


@dataclass(slots=True)
class Claim:
    """Someone blames, attributes, links, suspects or denies: a fact whether or not its incident is known.

    `claimant` is None when the author makes the claim; `accused` a state id (None when only a
    threat actor is named and nothing ties it to a state); `actor` the threat-actor id when one is
    named; `incident` the KB or new incident it is about, None when none can be resolved. A denial
    has certainty ``denied`` and the denying party as `accused`.
    """

    accused: str | None
    claimant: str | None
    certainty: str
    via: str
    evidence: Span
    actor: str | None = None
    incident: str | None = None
    basis: str = "text"

    def __post_init__(self) -> None:
        if self.certainty not in CERTAINTIES:
            raise ValueError(f"unknown certainty {self.certainty!r}")
        if self.via not in CHANNELS:
            raise ValueError(f"unknown channel {self.via!r}")
        if self.basis not in CLAIM_BASES:
            raise ValueError(f"unknown claim basis {self.basis!r}")


@dataclass(slots=True)
class Incident:
    incident: str
    victim: str | None
    type: str | None
    spans: list[Span] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    date: str | None = None
    name: str | None = None


@dataclass(slots=True)
class Event:
    event: str
    name: str | None
    place: str | None
    start: str | None
    end: str | None
    span: Span
    participants: list[str] = field(default_factory=list)
    outcome: str | None = None
    outcome_span: Span | None = None


@dataclass(slots=True)
class Rejection:
    """A document (or part of one) that could not be used, and why."""

    doc_id: str | None
    source: str
    stage: str
    code: str
    detail: str
    raw_ref: str | None = None

    def line(self) -> str:
        """One line for a terminal: controls and newlines in names or details are escaped (issue 13)."""
        from .terminal import escape

        return escape(f"{self.source}: {self.code} {self.detail}")


FACT_LISTS = (
    "actors",
    "statements",
    "stances",
    "instrument_mentions",
    "subscriptions",
    "incidents",
    "claims",
    "events",
)


class Document:
    """One cleaned document: frozen `text`, metadata, and the annotations stages add.

    Annotation lists (`paragraphs`, `sentences`, `mentions` and the fact lists of the
    contract) may be appended to, never replaced with different text underneath.
    """

    __slots__ = (
        "id", "source", "raw_ref", "meta", "_text", "offset_map",
        "paragraphs", "sentences", "mentions", "near_duplicate_of", "pages",
        *FACT_LISTS,
    )

    def __init__(
        self,
        text: str,
        *,
        source: str,
        id: str | None = None,
        raw_ref: str | None = None,
        meta: Meta | None = None,
        offset_map: list[tuple[int, int]] | None = None,
    ) -> None:
        if not isinstance(text, str):
            raise TypeError("Document.text must be str")
        self._text = text
        self.source = source
        self.raw_ref = raw_ref or source
        self.meta = meta or Meta()
        self.id = id or content_hash(text, self.meta.url)
        # (clean offset, raw offset) anchors: text[i] came from raw input near raw offset
        self.offset_map = offset_map or []
        self.paragraphs: list[Span] = []
        self.sentences: list[Span] = []
        self.mentions: list[Mention] = []
        self.near_duplicate_of: str | None = None
        # PDF input (issue 15): (start offset, page number) per page, ascending; None for other inputs
        self.pages: list[tuple[int, int]] | None = None
        for name in FACT_LISTS:
            setattr(self, name, [])

    @property
    def text(self) -> str:
        return self._text

    def span(self, start: int, end: int) -> Span:
        """A validated span into this document's text."""
        return Span(start, end).check(self._text)

    def span_text(self, span: Span) -> str:
        return self._text[span.start : span.end]

    def iter_spans(self) -> Iterator[tuple[str, Span]]:
        """Every span the document carries, with the list it sits in (for invariant checks)."""
        for name in ("paragraphs", "sentences"):
            for s in getattr(self, name):
                yield name, s
        for m in self.mentions:
            yield "mentions", m.span
        for a in self.actors:
            for s in a.spans:
                yield "actors", s
        for st in self.statements:
            yield "statements", st.span
            if st.cue:
                yield "statements", st.cue
        for st in self.stances:
            yield "stances", st.evidence
        for im in self.instrument_mentions:
            yield "instrument_mentions", im.span
        for sub in self.subscriptions:
            yield "subscriptions", sub.evidence
        for inc in self.incidents:
            for s in inc.spans:
                yield "incidents", s
            for at in inc.attributions:
                yield "attributions", at.evidence
        for c in self.claims:
            yield "claims", c.evidence
        for ev in self.events:
            yield "events", ev.span
            if ev.outcome_span:
                yield "events", ev.outcome_span

    def all_claims(self) -> list["Claim"]:
        """`claims`, plus any incident attribution they do not hold (a document built by hand, or by a
        stage that filled only `incidents`): the claims are the facts, attributions their view."""
        out = list(self.claims)
        have = {(c.incident, c.accused, c.claimant, c.certainty, c.via, c.evidence) for c in out}
        for inc in self.incidents:
            for a in inc.attributions:
                key = (inc.incident, a.accused, a.claimant, a.certainty, a.via, a.evidence)
                if key not in have:
                    have.add(key)
                    out.append(Claim(a.accused, a.claimant, a.certainty, a.via, a.evidence, a.actor, inc.incident,
                                     a.basis))
        return out

    def check_spans(self) -> None:
        for kind, s in self.iter_spans():
            if s.end > len(self._text):
                raise ValueError(f"{self.id}: {kind} span ({s.start}, {s.end}) beyond text length {len(self._text)}")

    def to_contract(self) -> dict[str, Any]:
        """The extraction contract of DESIGN.md as plain JSON-ready data."""
        out = self._contract()
        if self.pages:
            # PDF documents only (issue 15), so the contract of every other input is unchanged
            out["doc"]["symbol"] = self.meta.symbol
            out["doc"]["pages"] = page_ranges(self.pages, len(self._text))
        return out

    def page_of(self, offset: int) -> int | None:
        """The page an offset falls on (PDF input), else None."""
        if not self.pages:
            return None
        from .cleaning.pdf import page_of

        return page_of(self.pages, offset)

    def _contract(self) -> dict[str, Any]:
        t = self._text
        m = self.meta
        return {
            "doc": {
                "id": self.id,
                "source": self.source,
                "title": m.title,
                "publisher": m.publisher,
                "author": m.author,
                "published": m.published,
                "language": m.language,
                "url": m.url,
                "speaker": m.speaker,
                "near_duplicate_of": self.near_duplicate_of,
                "text": t,
            },
            # People are the contract's actors; states and organisations that speak are kept
            # apart, so a consumer counting actors counts people (as the gold files do).
            "actors": [_actor(a) for a in self.actors if a.kind == "person"],
            "speaking_entities": [_actor(a) for a in self.actors if a.kind != "person"],
            "statements": [
                {"speaker": s.speaker, "affiliation": s.affiliation, "direct": s.direct,
                 "span": s.span.as_list(), "text": s.span.of(t)}
                for s in self.statements
            ],
            "stances": [
                {"actor": s.actor, "affiliation": s.affiliation, "target": s.target,
                 "polarity": s.polarity, "confidence": round(s.confidence, 3),
                 "evidence": s.evidence.as_list()}
                for s in self.stances
            ],
            "instrument_mentions": [
                {"instrument": i.instrument, "span": i.span.as_list()} for i in self.instrument_mentions
            ],
            "subscriptions": [
                {"actor": s.actor, "instrument": s.instrument, "action": s.action,
                 "date": s.date, "evidence": s.evidence.as_list()}
                for s in self.subscriptions
            ],
            "incidents": [
                {"incident": i.incident, "victim": i.victim, "type": i.type, "date": i.date, "title": i.name,
                 "spans": [s.as_list() for s in i.spans],
                 "attributions": [
                     {"accused": a.accused, "claimant": a.claimant, "certainty": a.certainty,
                      "via": a.via, "evidence": a.evidence.as_list()}
                     for a in i.attributions
                 ]}
                for i in self.incidents
            ],
            # every accusation and denial, whether or not its incident is known (incidents[].attributions
            # is the view of the claims about each incident)
            "claims": [
                {"accused": c.accused, "actor": c.actor, "claimant": c.claimant, "certainty": c.certainty,
                 "via": c.via, "incident": c.incident, "basis": c.basis, "evidence": c.evidence.as_list()}
                for c in self.all_claims()
            ],
            "events": [
                {"event": e.event, "name": e.name, "place": e.place, "start": e.start,
                 "end": e.end, "participants": list(e.participants), "outcome": e.outcome,
                 "span": e.span.as_list()}
                for e in self.events
            ],
        }

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, source={self.source!r}, chars={len(self._text)})"


def page_ranges(pages: list[tuple[int, int]], length: int) -> list[dict[str, int]]:
    """[{"page", "start", "end"}] from (start, page) pairs: each page runs to the next one's start."""
    return [{"page": p, "start": s, "end": pages[i + 1][0] if i + 1 < len(pages) else length}
            for i, (s, p) in enumerate(pages)]


def _actor(a: Actor) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "name": a.name, "role": a.role, "affiliation": a.affiliation,
            "spans": [s.as_list() for s in a.spans]}


_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The form used for identity: NFC, whitespace collapsed, case folded."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def content_hash(text: str, url: str | None = None) -> str:
    """A document id from its normalised text (and URL when known).

    >>> content_hash("Hello   world") == content_hash("hello world")
    True
    """
    h = hashlib.sha256(normalise_text(text).encode("utf-8"))
    if url:
        h.update(b"\x00" + url.strip().encode("utf-8"))
    return h.hexdigest()[:16]


def slugify(name: str) -> str:
    """Lowercase ASCII words joined by '-', punctuation dropped (DESIGN.md identifiers).

    >>> slugify("Joseph S. Nye")
    'joseph-s-nye'
    >>> slugify("Keit Pentus-Rosimannus")
    'keit-pentus-rosimannus'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_))


def as_dict(obj: Any) -> dict[str, Any]:
    return asdict(obj)
