"""How a gold item and a prediction are found to agree: text location, spans, greedy matching."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from .report import KindScore

_QUOTE_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                             "\u00a0": " "})
_WS = re.compile(r"\s+")


def normalise(s: str) -> str:
    """Whitespace runs to one space, typographic quotes to straight ones, trimmed."""
    return _WS.sub(" ", s.translate(_QUOTE_FOLD)).strip()


class Located:
    """A document text with a whitespace-normalised copy and an offset map back."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        where: list[int] = []
        prev_space = True  # drops leading whitespace, like normalise()
        for i, ch in enumerate(text.translate(_QUOTE_FOLD)):
            if ch.isspace():
                if prev_space:
                    continue
                ch, prev_space = " ", True
            else:
                prev_space = False
            chars.append(ch)
            where.append(i)
        self.norm = "".join(chars)
        self.where = where
        self._cache: dict[str, list[tuple[int, int]]] = {}

    def find(self, needle: str) -> list[tuple[int, int]]:
        """Every occurrence of `needle` (normalised) as (start, end) offsets into the original text."""
        n = normalise(needle)
        if n in self._cache:
            return self._cache[n]
        out: list[tuple[int, int]] = []
        if n:
            i = self.norm.find(n)
            while i >= 0:
                out.append((self.where[i], self.where[i + len(n) - 1] + 1))
                i = self.norm.find(n, i + 1)
        self._cache[n] = out
        return out

    def contains(self, needle: str) -> bool:
        return bool(self.find(needle))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by two half-open spans (0 when apart or touching)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _span(v: Any) -> tuple[int, int] | None:
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return (v[0], v[1])
    return None



def _required(it: dict) -> bool:
    return it.get("required", True) is not False


def _match(gold_items: list[dict], preds: list[dict], pair: Callable[[dict, dict], int],
           kind: KindScore, label: Callable[[dict], Any], dedupe_repeats: bool = False) -> None:
    """One-to-one greedy matching by `pair` strength (0 = no match), then counting.

    `dedupe_repeats`: a prediction that would match an already matched gold item is
    a duplicate, neither right nor wrong (used for set-like kinds).
    """
    kind.gold += sum(_required(g) for g in gold_items)
    kind.optional += sum(not _required(g) for g in gold_items)
    kind.predicted += len(preds)
    cands = []
    for gi, g in enumerate(gold_items):
        for pi, p in enumerate(preds):
            s = pair(g, p)
            if s > 0:
                cands.append((-s, gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        kind.tp += 1
    for gi, g in enumerate(gold_items):
        if gi not in used_g and _required(g):
            kind.fn += 1
            kind.misses.append(label(g))
    matched_any = {pi for _, gi, pi in cands}
    for pi, p in enumerate(preds):
        if pi in used_p:
            continue
        if pi in matched_any:
            # it matches some gold item already taken (or an optional one): only a repeat
            if dedupe_repeats or any(not _required(gold_items[gi]) for _, gi, pj in cands if pj == pi):
                kind.duplicates += 1
                continue
        kind.fp += 1
        kind.false_positives.append(label(p))


def _label(doc: str, *fields_: str) -> Callable[[dict], dict]:
    return lambda it: {"doc": doc, **{f: it.get(f) for f in fields_ if f in it}}


def _unique(items: Iterable[dict], key: Callable[[dict], tuple]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for it in items:
        seen.setdefault(key(it), it)
    return list(seen.values())


_STOP = {"the", "of", "for", "and", "a", "an", "to", "in", "on", "at", "s", "de", "former", "deputy"}


def _tokens(s: str | None) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", (s or "").lower()) if t not in _STOP}


def role_agrees(gold_role: str | None, pred_role: str | None) -> bool:
    """Loose: most content words of the shorter role appear in the other one."""
    g, p = _tokens(gold_role), _tokens(pred_role)
    if not g or not p:
        return False
    small, big = (g, p) if len(g) <= len(p) else (p, g)
    return len(small & big) * 2 >= len(small)


def _place_agrees(g: str | None, p: str | None) -> bool:
    a, b = normalise(g or "").lower(), normalise(p or "").lower()
    return bool(a and b and (a in b or b in a))

