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
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Iterator

from ..model import Document, Mention, Span

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


# --- dates -------------------------------------------------------------------------------

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DATE_RE = re.compile(
    r"\b(?:(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    rf"|(?P<m1>{_MON})\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON})\s*,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<m3>{_MON})\s+(?:of\s+)?(?P<y3>(?:19|20)\d\d)"
    r"|(?P<y4>(?:19|20)\d\d))\b"
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    iso: str  # YYYY, YYYY-MM or YYYY-MM-DD
    start: int
    end: int

    @property
    def year(self) -> int:
        return int(self.iso[:4])


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Dates in text[start:end] as ISO strings, most specific reading of each."""
    end = len(text) if end is None else end
    out: list[FoundDate] = []
    for m in DATE_RE.finditer(text, start, end):
        iso = _iso(m)
        if iso:
            out.append(FoundDate(iso, m.start(), m.end()))
    return out


def _iso(m: re.Match) -> str | None:
    g = m.groupdict()
    try:
        if g["iso"]:
            y, mo, d = (int(x) for x in g["iso"].split("-"))
            return date(y, mo, d).isoformat()
        for mk, dk, yk in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
            if g[mk]:
                mo = _month(g[mk])
                return date(int(g[yk]), mo, int(g[dk])).isoformat()
        if g["m3"]:
            mo = _month(g["m3"])
            return f"{int(g['y3']):04d}-{mo:02d}"
        if g["y4"]:
            return g["y4"]
    except (ValueError, KeyError):
        return None
    return None


def _month(word: str) -> int:
    return MONTHS[word.rstrip(".").lower()[:3]]


def shift(iso: str, days: int) -> str | None:
    """A full ISO date moved by `days`; None for partial dates."""
    try:
        return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()
    except ValueError:
        return None


# --- words -------------------------------------------------------------------------------

# Words that negate the cue they precede (within a few words).
NEGATORS = re.compile(r"\b(?:not|no|never|nor|neither|cannot|hardly|without)\b|n[’']t\b", re.I)
FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|us|my|My)\b|\bmy (?:country|government|delegation)\b")
HEDGES = re.compile(r"\b(?:if|would|could|might|may|perhaps|possibly|unless)\b", re.I)


_NOT_ONLY = re.compile(r"\s+(?:just|only|merely|simply|least)\b", re.I)


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


def flex_ws(pattern: str) -> str:
    """A regex whose literal spaces also match line breaks and runs of whitespace.

    Why: plain-text sources are hard-wrapped ("commitment\\nto cooperation"), and a cue
    written with a space must still match there. Spaces inside a character class or a
    lookbehind (which must keep a fixed width) are left alone.

    >>> flex_ws("need for (?:a )?treaty")
    'need\\\\s+for\\\\s+(?:a\\\\s+)?treaty'
    """
    out: list[str] = []
    in_class = False
    behind = 0  # depth of open lookbehind groups
    depth = 0
    behind_at: list[int] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
            if pattern.startswith("(?<=", i) or pattern.startswith("(?<!", i):
                behind_at.append(depth)
                behind += 1
        elif c == ")":
            if behind_at and behind_at[-1] == depth:
                behind_at.pop()
                behind -= 1
            depth -= 1
        elif c == " " and not behind:
            out.append(r"\s+")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


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

# --- topic context -----------------------------------------------------------------------

# Core terms say the text is about cyber security; the wider set only that it is near it.
CYBER_CORE = re.compile(
    r"\b(?:cyber\w*|ICTs?|information and communications? technolog\w*|information security|hack\w*|malware|"
    r"ransomware|DDoS|GGE|OEWG|Budapest Convention)\b", re.I)
CYBER = re.compile(
    r"\b(?:cyber\w*|ICTs?|information and communications? technolog\w*|information security|internet|"
    r"digital|online|computer\w*|hack\w*|malware|ransomware|DDoS|GGE|OEWG|Budapest Convention)\b", re.I)
# A document this dense in core cyber terms is about cyber throughout (news reports, blog posts).
CYBER_DENSE_PER_CHARS = 800
CYBER_WINDOW = 400


class CyberContext:
    """Where in a document the talk is about cyberspace.

    Why: a UN speech covers climate, health and war as well; "international cooperation" or
    "capacity building" there is a cyber-norms stance only near cyber words. A document
    dense in cyber terms counts as cyber throughout. The words of `CYBER` are found with one
    Aho-Corasick pass over the lower-cased text (the alternation regex costs ~0.1 s per MB).
    """

    def __init__(self, text: str) -> None:
        self.hits, self.core_hits = _cyber_hits(text)
        self.dense = len(self.core_hits) * CYBER_DENSE_PER_CHARS >= len(text) > 0

    def near(self, start: int, end: int, window: int = CYBER_WINDOW) -> bool:
        if self.dense:
            return True
        i = bisect_left(self.hits, start - window)
        return i < len(self.hits) and self.hits[i] <= end + window

    def near_core(self, start: int, end: int, window: int) -> bool:
        """A core cyber term ("cyber...", "ICTs", "malware"; not "digital") within `window` of the span."""
        if self.dense:
            return True
        i = bisect_left(self.core_hits, start - window)
        return i < len(self.core_hits) and self.core_hits[i] <= end + window


    def core_in(self, start: int, end: int) -> bool:
        """A core cyber term inside [start, end) (dense documents not assumed)."""
        i = bisect_left(self.core_hits, start)
        return i < len(self.core_hits) and self.core_hits[i] < end


# --- topic carried over from the sentence before -------------------------------------------

# A noun phrase that points back at what was just discussed ("those threats", "such attacks",
# "these new technologies", "this challenge"): the sentence goes on with the topic of the one
# before. The head nouns are those a speech uses for a policy domain and its problems; vague ones
# ("this area", "these efforts") and "that" (mostly a conjunction) are left out.
TOPIC_ANAPHOR = re.compile(
    r"\b(?:th(?:ose|ese|is)|such)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:threats?|attacks?|challenges?|technolog(?:y|ies)|tools?|crimes?|activit(?:y|ies)|acts?|risks?|dangers?|"
    r"issues?|problems?|domain|space|sphere|environment|developments?|capabilit(?:y|ies)|weapons?|operations?|"
    r"incidents?|networks?|systems?|platforms?|means|phenomen(?:on|a)|menaces?|scourges?|vulnerabilit(?:y|ies)|"
    r"norms?|rules?|principles|measures|commitments?|negotiations?|discussions?|process(?:es)?|frameworks?|"
    r"instruments?|conventions?|treat(?:y|ies)|agreements?|"
    r"innovations?|advances|infrastructures?)\b",
    re.I)
# A connective drawing on the sentence just before ("It is therefore imperative ...").
TOPIC_CONNECTIVE = re.compile(
    r"\b(?:therefore|thus|hence|consequently|to (?:that|this) end|in (?:this|that) (?:regard|respect|context|"
    r"connection))\b", re.I)
# How many sentences back an anaphoric noun phrase may reach; a connective reaches one.
CARRY_SENTENCES = 2


def carries_topic(text: str, sents: list[Span], i: int, on_topic: Callable[[int], bool], floor: int = 0) -> bool:
    """Does sentence `i` carry the topic of one of the sentences just before it?

    Why: a speech says "threats in cyberspace present a serious challenge. It is therefore
    imperative that the international community address those threats." -- the second
    sentence is on the cyber topic although it names none of its words. True when sentence
    `i` holds an anaphoric noun phrase (or a concluding connective) and one of the previous
    `CARRY_SENTENCES` (one, for a connective) sentences starting at or after `floor` (the
    paragraph's start) is on the topic. The carry does not chain: `on_topic` is the
    sentence's own test.
    """
    s = sents[i]
    if TOPIC_ANAPHOR.search(text, s.start, s.end):
        reach = CARRY_SENTENCES
    elif TOPIC_CONNECTIVE.search(text, s.start, s.end):
        reach = 1
    else:
        return False
    for j in range(i - 1, max(-1, i - 1 - reach), -1):
        if sents[j].start < floor:
            break
        if on_topic(j):
            return True
    return False


# The words of CYBER: (lower-cased form, may the word go on ("cyber" in "cyberattack"), is it core)
_CYBER_TERMS = (
    ("cyber", True, True), ("computer", True, False), ("hack", True, True),
    ("information and communication technolog", True, True), ("information and communications technolog", True, True),
    ("ict", False, True), ("icts", False, True), ("information security", False, True), ("internet", False, False),
    ("digital", False, False), ("online", False, False), ("malware", False, True), ("ransomware", False, True),
    ("ddos", False, True), ("gge", False, True), ("oewg", False, True), ("budapest convention", False, True),
)
_CYBER_AUTO: list[Any] = []


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _cyber_hits(text: str) -> tuple[list[int], list[int]]:
    """Start offsets of CYBER's words (the regex's matches), and of those that are core terms."""
    low = text.lower()
    if len(low) != len(text):
        return [m.start() for m in CYBER.finditer(text)], [m.start() for m in CYBER_CORE.finditer(text)]
    if not _CYBER_AUTO:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for w, prefix, core in _CYBER_TERMS:
            auto.add_word(w, (len(w), prefix, core))
        auto.make_automaton()
        _CYBER_AUTO.append(auto)
    hits: list[int] = []
    core_hits: list[int] = []
    last_end = -1
    n = len(low)
    for end, (ln, prefix, core) in _CYBER_AUTO[0].iter(low):
        start = end - ln + 1
        if start < last_end or (start > 0 and _word_char(low[start - 1])):
            continue
        stop = end + 1
        if prefix:
            while stop < n and _word_char(low[stop]):
                stop += 1
        elif stop < n and _word_char(low[stop]):
            continue
        hits.append(start)
        if core:
            core_hits.append(start)
        last_end = stop
    return hits, core_hits


# --- literal gate: run a regex only where one of its required words occurs ----------------

import re._constants as _sre_c  # noqa: E402 - the parser's opcodes, for `required_literals`
import re._parser as _sre_p  # noqa: E402

MIN_FACTOR = 3


def required_literals(pattern: str, flags: int = re.I) -> frozenset[str] | None:
    """Lower-cased strings one of which every match of `pattern` contains; None when unknown.

    Why: the stance stage holds some hundred cue regexes, and Python's `re` scans a text once
    per regex. Every cue contains some word ("capacity", "norms"); finding those words once
    per document (Aho-Corasick) and running a regex only on a unit holding one of its words
    gives the same matches for a fraction of the work. Read from the regex parse tree, so a
    cue added to the KB gets its gate without anyone writing it by hand.

    >>> sorted(required_literals(r"capacity[- ]building|build(?:ing)? capacit(?:y|ies)"))
    ['capacit', 'capacity']
    """
    try:
        tree = _sre_p.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    got = _seq(list(tree))
    return frozenset(got) if got else None


def _best(cands: list[set[str]]) -> set[str] | None:
    good = [c for c in cands if c and min(len(s) for s in c) >= MIN_FACTOR]
    if not good:
        return None
    return max(good, key=lambda c: (min(len(s) for s in c), -len(c)))


def _seq(items: list) -> set[str] | None:
    cands: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            cands.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av).lower())
            continue
        flush()
        if op is _sre_c.SUBPATTERN:
            sub = _seq(list(av[-1]))
            if sub:
                cands.append(sub)
        elif op is _sre_c.BRANCH:
            alts = [_seq(list(b)) for b in av[1]]
            if alts and all(alts):
                cands.append(set().union(*alts))
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            if av[0] >= 1:
                sub = _seq(list(av[2]))
                if sub:
                    cands.append(sub)
        elif op is getattr(_sre_c, "ATOMIC_GROUP", None):
            sub = _seq(list(av))
            if sub:
                cands.append(sub)
        # anything else (classes, anchors, lookarounds, categories) breaks the literal run
    flush()
    return _best(cands)


class LiteralGate:
    """Which of a set of regexes can match in a span, from their required literals.

    Build once per regex set (`add` each, then `finish`); `scan(text)` once per document;
    `candidates(a, b)` per unit gives the indexes of the regexes worth running there.
    Regexes with no usable literal are always candidates.
    """

    def __init__(self) -> None:
        import ahocorasick

        self._auto = ahocorasick.Automaton()
        self._words: dict[str, int] = {}
        self._by_word: list[list[int]] = []
        self.always: list[int] = []
        self._n = 0
        self._ready = False

    def add(self, pattern: str, flags: int = re.I) -> int:
        idx = self._n
        self._n += 1
        lits = required_literals(pattern, flags)
        if not lits:
            self.always.append(idx)
            return idx
        for w in lits:
            wid = self._words.get(w)
            if wid is None:
                wid = self._words[w] = len(self._by_word)
                self._by_word.append([])
                self._auto.add_word(w, (wid, len(w)))
            self._by_word[wid].append(idx)
        return idx

    def finish(self) -> None:
        if self._words:
            self._auto.make_automaton()
        self._ready = True

    def scan(self, text: str) -> "GateHits":
        """Where each required literal occurs in `text` (case-insensitive)."""
        if not self._ready:
            self.finish()
        low = text.lower()
        if len(low) != len(text) or not self._words:
            return GateHits(self, None)  # lowercasing moved offsets: gate nothing
        starts: list[int] = []
        wids: list[int] = []
        for end, (wid, n) in self._auto.iter(low):
            starts.append(end - n + 1)
            wids.append(wid)
        order = sorted(range(len(starts)), key=starts.__getitem__)
        lens = [0] * len(self._by_word)
        for w, wid in self._words.items():
            lens[wid] = len(w)
        return GateHits(self, ([starts[i] for i in order], [wids[i] for i in order],
                               [lens[wids[i]] for i in order]))


class GateHits:
    """One document's literal hits for a `LiteralGate`."""

    def __init__(self, gate: LiteralGate, hits: tuple[list[int], list[int], list[int]] | None) -> None:
        self.gate = gate
        self.hits = hits

    def candidates(self, a: int, b: int) -> list[int]:
        """Indexes of the regexes that may match inside text[a:b], in insertion order."""
        g = self.gate
        if self.hits is None:
            return list(range(g._n))
        starts, wids, lens = self.hits
        i = bisect_left(starts, a)
        out: set[int] = set(g.always)
        while i < len(starts) and starts[i] < b:
            if starts[i] + lens[i] <= b:
                out.update(g._by_word[wids[i]])
            i += 1
        return sorted(out)
