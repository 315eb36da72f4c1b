"""Shared helpers for the fact stages (stances, subscriptions, incidents, events).

Why one module: all four stages need the same things — bounded sentence units over the
frozen text, mentions inside a span, coordinated lists ("A, B, C and D"), dates written
the way news writes them, and a cached view of the knowledge base. Keeping them here keeps
each stage small and makes the robustness rules (bounded unit length, linear regexes)
hold everywhere at once.

Every regex here is linear: no nested quantifiers over overlapping classes, and every
unit given to a regex is capped at `MAX_UNIT` characters, so 1 MB of one line costs
milliseconds per stage.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..kb import lexicon
from ..kb.lexicon import flex_ws  # noqa: F401 - re-exported: the stages import it from here
from ..model import Document, Mention, Span
# Split out of this module; re-exported so the stages' imports stay as they were.
from .dates import _MON, DATE_RE, MONTHS, FoundDate, _iso, _month, find_dates, shift  # noqa: F401
from .literal_gate import MIN_FACTOR, GateHits, LiteralGate, required_literals  # noqa: F401
from .topic import (  # noqa: F401
    CARRY_SENTENCES, CYBER, CYBER_CORE, CYBER_DENSE_PER_CHARS, CYBER_WINDOW, TOPIC_ANAPHOR, TOPIC_CONNECTIVE,
    CyberContext, carries_topic,
)

# A real sentence is far shorter; longer "sentences" are unsplit garbage or tables.
MAX_UNIT = 1200

# Fallback splitter used when the segment stage has not filled `doc.sentences`.
_SENT = re.compile(r"[^.!?\n]*(?:[.!?]+[\"'”’)]*|\n|$)")


# The four fact stages each ask for the same document's sentences in turn: keep the last answer.
_LAST_SENTS: list[Any] = [None, None, -1, []]


def sentence_spans(doc: Document) -> list[Span]:
    """The document's sentences (or a crude split when absent), each at most MAX_UNIT long."""
    text = doc.text
    last = _LAST_SENTS
    if last[0] is doc and last[1] is text and last[2] == len(doc.sentences):
        return list(last[3])
    out = _sentence_spans(doc)
    _LAST_SENTS[:] = [doc, text, len(doc.sentences), out]
    return list(out)


def _sentence_spans(doc: Document) -> list[Span]:
    text = doc.text
    base = list(doc.sentences) if doc.sentences else list(_split(text, 0, len(text)))
    out: list[Span] = []
    for s in _rejoin(text, sorted(base)):
        if s.end > len(text) or s.start >= s.end:
            continue
        out.extend(cap_span(text, s))
    return out


# A sentence "ending" in one of these was cut at an abbreviation ("Russia v. | Estonia").
_ABBREV_END = re.compile(r"(?:\b(?:v|vs|St|Dr|Mr|Mrs|Ms|Prof|Gen|No|Art|para|e\.g|i\.e|U\.S|U\.K|U\.N)|\b[A-Z])\.$")


def _rejoin(text: str, spans: list[Span]) -> list[Span]:
    """Undo splits after abbreviations, so "X v. Y" stays in one sentence."""
    out: list[Span] = []
    for s in spans:
        if out and out[-1].end <= s.start and s.start - out[-1].end <= 2 \
                and _ABBREV_END.search(text, max(out[-1].start, out[-1].end - 8), out[-1].end) \
                and s.end - out[-1].start <= MAX_UNIT and text[s.start:s.start + 1].isupper():
            out[-1] = Span(out[-1].start, s.end)
        else:
            out.append(s)
    return out


def _split(text: str, start: int, end: int) -> Iterator[Span]:
    for m in _SENT.finditer(text, start, end):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            yield Span(a, b)


def cap_span(text: str, s: Span, limit: int = MAX_UNIT) -> Iterator[Span]:
    """Cut an overlong span into pieces of at most `limit` characters, at whitespace when possible."""
    a = s.start
    while s.end - a > limit:
        cut = text.rfind(" ", a + limit // 2, a + limit)
        if cut <= a:
            cut = a + limit
        yield Span(a, cut)
        a = cut
    if s.end > a:
        yield Span(a, s.end)


def split_sentences(text: str, span: Span) -> list[Span]:
    """Sentences inside a span (used for multi-sentence quotes), capped like `sentence_spans`."""
    out: list[Span] = []
    for s in _split(text, span.start, span.end):
        out.extend(cap_span(text, s))
    return out


def enclosing(spans: list[Span], pos: int) -> int | None:
    """Index of the span containing `pos` (spans sorted, non-overlapping), else None."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = spans[mid]
        if pos < s.start:
            hi = mid - 1
        elif pos >= s.end:
            lo = mid + 1
        else:
            return mid
    return None


# --- mentions ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class M:
    """A mention reduced to what the fact stages use (instrument mentions folded in)."""

    id: str
    kind: str
    start: int
    end: int
    how: str


def all_mentions(doc: Document) -> list[M]:
    """Mentions of every kind, plus instrument mentions, sorted, duplicates removed."""
    seen: set[tuple[str, int, int]] = set()
    out: list[M] = []
    for m in doc.mentions:
        key = (m.kb_id, m.span.start, m.span.end)
        if key not in seen and m.span.end <= len(doc.text):
            seen.add(key)
            out.append(M(m.kb_id, m.kind or kind_of(m.kb_id), m.span.start, m.span.end, m.how or "alias"))
    for im in doc.instrument_mentions:
        key = (im.instrument, im.span.start, im.span.end)
        if key not in seen and im.span.end <= len(doc.text):
            seen.add(key)
            out.append(M(im.instrument, "instrument", im.span.start, im.span.end, "alias"))
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def kind_of(kb_id: str) -> str:
    """The kind an identifier's prefix names ("state:EST" -> "state")."""
    return kb_id.split(":", 1)[0] if ":" in kb_id else ""


def within(ms: list[M], start: int, end: int, kinds: Iterable[str] | None = None) -> list[M]:
    """Mentions wholly inside [start, end), optionally of some kinds (`ms` sorted by start).

    Bisection keeps a per-sentence lookup logarithmic: a long document has tens of
    thousands of mentions and thousands of sentences.
    """
    ks = set(kinds) if kinds is not None else None
    lo = bisect_left(ms, start, key=_start)
    hi = bisect_left(ms, end, lo, key=_start)
    return [m for m in ms[lo:hi] if m.end <= end and (ks is None or m.kind in ks)]


def _start(m: M) -> int:
    return m.start


def drop_nested(ms: list[M]) -> list[M]:
    """Remove mentions lying inside a longer one ("Budapest" inside "Budapest Convention")."""
    out: list[M] = []
    for m in sorted(ms, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start < out[-1].end and m.end <= out[-1].end and (m.start, m.end) != (out[-1].start, out[-1].end):
            continue
        out.append(m)
    return out


_COORD_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|as well as\s+|&\s+)?|and\s+|&\s+|as well as\s+|/\s*)(?:the\s+)?\s*$",
                        re.I)


def coordinated(text: str, ms: list[M], anchor: int, max_gap: int = 30) -> list[M]:
    """The run of coordinated mentions ("A, B, C and D") that contains mention index `anchor`."""
    if not ms:
        return []
    lo = hi = anchor
    while lo > 0 and _joins(text, ms[lo - 1], ms[lo], max_gap):
        lo -= 1
    while hi + 1 < len(ms) and _joins(text, ms[hi], ms[hi + 1], max_gap):
        hi += 1
    return ms[lo:hi + 1]


def _joins(text: str, a: M, b: M, max_gap: int) -> bool:
    if b.start < a.end or b.start - a.end > max_gap:
        return False
    gap = text[a.end:b.start]
    return gap == "" or gap.isspace() or bool(_COORD_GAP.fullmatch(gap))


# --- words -------------------------------------------------------------------------------

# Words that negate the cue they precede (within a few words).
# The words are data (kb/data/lexicon/position.yaml).
NEGATORS = lexicon.pattern("position.negators")
# A speaker speaking of itself ("we", "my delegation").
FIRST_PERSON = lexicon.pattern("speech.first_person")
HEDGES = lexicon.pattern("position.hedges")


# "not only", "not least": words after a negator that make it add, not deny (lexicon position.not_only).
_NOT_ONLY = re.compile(r"\s+" + lexicon.table("position.not_only").source(), lexicon.table("position.not_only").flags())


def negated(segment: str) -> bool:
    """A negator in the segment ("not", "don't"), except "not only / not just" (which adds, not denies)."""
    for m in NEGATORS.finditer(segment):
        if m.group(0).lower() in ("not", "no") and _NOT_ONLY.match(segment, m.end()):
            continue
        return True
    return False


def words_before(text: str, pos: int, n: int = 4, floor: int = 0) -> str:
    """The last `n` words before `pos` (not crossing `floor`)."""
    seg = text[max(floor, pos - 60):pos]
    parts = seg.split()
    return " ".join(parts[-n:])


# --- knowledge base ----------------------------------------------------------------------

_KB_CACHE: dict[int, tuple[Any, dict[str, Any]]] = {}


def kb_cache(kb: Any) -> dict[str, Any]:
    """A per-KB dict for derived tables (compiled cues, indexes); rebuilt when the KB object changes."""
    hit = _KB_CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    # At most two KBs at a time (the package KB and a test's or a reloaded one): an old KB
    # held here would stay in memory with every table derived from it.
    if len(_KB_CACHE) >= 2:
        _KB_CACHE.clear()
    store: dict[str, Any] = {}
    _KB_CACHE[id(kb)] = (kb, store)
    return store


def default_kb() -> Any:
    """The package KB; imported lazily so the stages import even while the KB is being written."""
    from ..kb import load_kb

    return load_kb()


def records(kb: Any, kind: str) -> list[dict]:
    try:
        return list(kb.records(kind))
    except Exception:  # noqa: BLE001 - a partial KB must not stop extraction
        return []


def kb_get(kb: Any, id: str) -> dict | None:
    try:
        return kb.get(id)
    except Exception:  # noqa: BLE001
        return None


def safe_regex(pattern: str) -> re.Pattern | None:
    """Compile a KB-supplied cue; None when it is not a valid regex (KB data must not crash a stage)."""
    try:
        return re.compile(flex_ws(pattern), re.I)
    except re.error:
        try:
            return re.compile(re.escape(pattern), re.I)
        except re.error:  # pragma: no cover
            return None


def state_slug(kb: Any, state_id: str) -> str:
    """The slug of a state's name ("state:EST" -> "estonia"), for new incident ids."""
    rec = kb_get(kb, state_id)
    name = (rec or {}).get("name") or state_id.split(":", 1)[-1]
    from ..model import slugify

    return slugify(name)


def mention_from(m: Mention) -> M:
    return M(m.kb_id, m.kind, m.span.start, m.span.end, m.how)


# --- registration ------------------------------------------------------------------------

