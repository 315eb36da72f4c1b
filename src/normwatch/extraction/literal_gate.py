"""The literal gate: run a regex only where one of its required words occurs.

Split from `cues` (which re-exports these names). The stances stage holds some hundred cue
regexes; finding their required words once per document (Aho-Corasick) and running a regex
only on a unit that holds one gives the same matches for a fraction of the work.
"""

from __future__ import annotations

import re
import re._constants as _sre_c  # the parser's opcodes, for `required_literals`
import re._parser as _sre_p
from bisect import bisect_left

__all__ = ["required_literals", "LiteralGate", "GateHits", "MIN_FACTOR"]


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
