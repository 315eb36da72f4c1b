"""A fast rule-based paragraph and sentence splitter with character offsets.

Why not pysbd alone: it is right on the hard cases of news text ("... so. Dr. Chen Xu
...") but runs at a few thousand sentences per second. This splitter finds candidate
boundaries with one linear regex (terminal punctuation, optional closing quotes or
brackets, then whitespace) and rejects a candidate after an abbreviation, an honorific,
an initial ("Joseph S. Nye") or before a lower-case word. pysbd is used only for a
paragraph that this splitter cannot cut at all although it is very long, which is where
rules are weakest (lists, tables, text without spaces after full stops).

    >>> [text[s:e] for s, e in split_sentences(text := 'He said so. Dr. Chen Xu agreed.')]
    ['He said so.', 'Dr. Chen Xu agreed.']
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

# A candidate boundary: terminal punctuation, closing quotes/brackets, then whitespace.
# No nested quantifiers: each part is a single bounded character class.
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]{0,3}(?=\s)")
_BLANK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.\-]{0,15})$")

# Words after which a full stop does not end a sentence, whatever follows.
HONORIFICS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col maj capt cmdr adm sgt st rev hon amb pres supt insp messrs mme mlle".split()
)
# Abbreviations that rarely end a sentence; a capitalised word after them does not start one.
ABBREVIATIONS = frozenset(
    """v vs etc e.g i.e cf al approx ca est fig figs no nos art arts para paras sec vol vols pp p ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec inc ltd corp co bros dept univ assn jr sr
    mt ft op ch min max resp incl excl viz""".split()
)
# Abbreviations that end a sentence when a typical sentence opener follows ("... the U.S. The ...").
DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}[A-Za-z]?$")
OPENERS = frozenset(
    """the a an it its this that these those he she they we i our his her their there here in on at
    but and however meanwhile yet so as after before when while if although since for from to with by
    according other others many some most one two three all both each no not mr mrs ms dr""".split()
)
# Paragraphs longer than this that the rules cannot cut go to pysbd (if installed).
PYSBD_MIN_CHARS = 1500
PYSBD_MAX_CHARS = 20000


def split_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Paragraph spans, trimmed of surrounding whitespace.

    Scraped text often uses a single newline between paragraphs, so a newline breaks a
    paragraph — except inside a hard-wrapped block (lines cut at a fixed width, as in
    plain-text press releases), where the lines of a blank-line-separated block are one
    paragraph.
    """
    for a, b in _blocks(text):
        lines = list(_lines(text, a, b))
        if len(lines) >= 3 and _hard_wrapped(text, lines):
            yield _trim(text, a, b)
        else:
            yield from lines


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Runs of text between blank lines."""
    pos = 0
    for m in _BLANK.finditer(text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)


def _lines(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    i = a
    while i < b:
        j = text.find("\n", i, b)
        if j < 0:
            j = b
        s, e = _trim(text, i, j)
        if e > s:
            yield s, e
        i = j + 1


def _hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Most lines run on into the next one: no closing punctuation, similar widths."""
    widths = [e - s for s, e in lines[:-1]]
    if max(widths) > 120 or sum(widths) / len(widths) < 35:
        return False
    run_on = 0
    for (s, e), (ns, _) in zip(lines, lines[1:]):
        last, first = text[e - 1], text[ns]
        if last not in ".!?:;\"\u201d" or first.islower():
            run_on += 1
    return run_on * 2 >= len(lines) - 1


def split_sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Sentence spans within `text[start:end]` (one paragraph, normally), trimmed."""
    end = len(text) if end is None else end
    cuts = list(_rule_cuts(text, start, end))
    if not cuts and end - start >= PYSBD_MIN_CHARS:
        cuts = _pysbd_cuts(text, start, end)
    a = start
    for c in cuts + [end]:
        s, e = _trim(text, a, c)
        if e > s:
            yield s, e
        a = c


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _rule_cuts(text: str, start: int, end: int) -> Iterator[int]:
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        nxt = _next_char(text, stop, end)
        if nxt is None:
            continue
        if _is_boundary(text, start, m.start(), stop, nxt):
            yield stop


def _next_char(text: str, i: int, end: int) -> tuple[int, str] | None:
    """The first non-space character after i (within end), with its index."""
    j = i
    limit = min(end, i + 50)
    while j < limit and text[j].isspace():
        j += 1
    if j >= end or j >= limit:
        return None
    return j, text[j]


def _is_boundary(text: str, para_start: int, punct: int, stop: int, nxt: tuple[int, str]) -> bool:
    j, ch = nxt
    mark = text[punct]
    # A lower-case continuation ('?" she asked', "e.g. the") never starts a sentence.
    if ch.islower():
        return False
    if mark != ".":
        return True
    # Numbers after "No." / "Art." and section signs belong to the abbreviation.
    w = _WORD_BEFORE.search(text, max(para_start, punct - 16), punct)
    if not w:
        return True
    word = w.group(1)
    low = word.lower().rstrip(".")
    if stop - punct > 1 and text[punct + 1] in ".\u2026":
        return True  # an ellipsis before a capital starts a new sentence
    if low in HONORIFICS:
        return False
    if len(word) == 1 and word.isupper():
        # An initial ("Joseph S. Nye") unless it is a pronoun "I." or the end of a list.
        return word == "I"
    if low == "al" and word[0] == "A" and not re.search(r"\bet\s+$", text[max(para_start, w.start(1) - 4):w.start(1)]):
        return True  # "Al." is "AI." misread by OCR ("trustworthy Al. Japan will ..."), not "et al."
    if low in ABBREVIATIONS:
        # Only the abbreviations that often close a sentence may do so, before a clear opener.
        return low in ("etc", "inc", "ltd", "corp", "co", "jr", "sr") and _opener(text, j)
    if DOTTED.match(word + "."):
        # "U.S." / "U.N." / "e.g.": a sentence ends only if a typical opener follows.
        return _opener(text, j)
    return True


def _opener(text: str, j: int) -> bool:
    m = re.match(r"[A-Za-z]+", text[j : j + 20])
    return bool(m) and m.group(0).lower() in OPENERS


@lru_cache(maxsize=1)
def _segmenter():
    try:
        import pysbd  # noqa: PLC0415 - optional and slow to import; only for hard paragraphs
    except ImportError:  # pragma: no cover - pysbd is a declared dependency
        return None
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _pysbd_cuts(text: str, start: int, end: int) -> list[int]:
    """Sentence ends inside text[start:end] according to pysbd (empty when unavailable)."""
    if end - start > PYSBD_MAX_CHARS:
        return []
    seg = _segmenter()
    if seg is None:
        return []
    try:
        spans = seg.segment(text[start:end])
    except Exception:  # noqa: BLE001 - pysbd has crashed on odd input; the rules' answer stands
        return []
    cuts = []
    for sp in spans[:-1]:
        c = start + sp.end
        if start < c < end:
            cuts.append(c)
    return sorted(set(cuts))


# --- length budgets (issue 13) ----------------------------------------------------------------
# A real paragraph is far shorter, a real sentence too (the longest treaty sentences run to about
# 1,500 characters). Text without breaks (a run-on "sentence" of a megabyte) is cut at these
# lengths, at a sentence end or else a space, so the stages after segmentation never see a
# paragraph or a sentence longer than this, and cost stays linear in the length of the text.
MAX_PARAGRAPH_CHARS = 20_000
MAX_SENTENCE_CHARS = 3_000


def _cut(text: str, a: int, b: int, limit: int, ends: list[int]) -> Iterator[tuple[int, int]]:
    """Pieces of text[a:b] of at most `limit` characters, cut at the last of `ends` or whitespace that fits."""
    i = 0
    while b - a > limit:
        stop = a + limit
        while i < len(ends) and ends[i] <= a:
            i += 1
        j = i
        best = None
        while j < len(ends) and ends[j] <= stop:
            best = ends[j]
            j += 1
        if best is None or best - a < limit // 4:
            space = text.rfind(" ", a + limit // 2, stop)
            best = space + 1 if space > a else stop
        s, e = _trim(text, a, best)
        if e > s:
            yield s, e
        a = best
    s, e = _trim(text, a, b)
    if e > s:
        yield s, e


def bounded(text: str, paragraphs) -> Iterator[tuple[int, int, bool]]:
    """(start, end, was_cut): the paragraphs, any longer than MAX_PARAGRAPH_CHARS cut at sentence ends."""
    for a, b in paragraphs:
        if b - a <= MAX_PARAGRAPH_CHARS:
            yield a, b, False
            continue
        ends = [e for _, e in _rule_sentences(text, a, b)]
        for s, e in _cut(text, a, b, MAX_PARAGRAPH_CHARS, ends):
            yield s, e, True


def _rule_sentences(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    """Sentence spans from the rules only (pysbd is for paragraphs of bounded length)."""
    prev = a
    for c in list(_rule_cuts(text, a, b)) + [b]:
        s, e = _trim(text, prev, c)
        if e > s:
            yield s, e
        prev = c


def bounded_sentences(text: str, a: int, b: int, *, use_pysbd: bool = True) -> Iterator[tuple[int, int]]:
    """The sentences of paragraph text[a:b], with any longer than MAX_SENTENCE_CHARS cut at a space.

    A piece of a paragraph that had to be cut is split by the rules only: pysbd, slow, is for the
    rare real paragraph the rules cannot cut, not for megabytes without a full stop.
    """
    for s, e in (split_sentences(text, a, b) if use_pysbd else _rule_sentences(text, a, b)):
        if e - s <= MAX_SENTENCE_CHARS:
            yield s, e
        else:
            yield from _cut(text, s, e, MAX_SENTENCE_CHARS, [])
