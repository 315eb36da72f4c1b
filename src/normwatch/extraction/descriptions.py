"""KB entities named by description rather than by name: rules over sentences and mentions.

Why: news rarely writes an instrument's title. It writes "in 2013, the UN Group of
Governmental Experts published a report", "the draft was updated in January 2015", "the
Russia v. Estonia DDoS attack back in 2007" or "the 2015 Global Conference on CyberSpace".
Each rule here combines a mention the gazetteer found (a body, an instrument, a victim
state, an event series) with a year and a keyword in the same sentence, and resolves the
combination through the KB's own fields (`body`, `adopted`, `supersedes`, `victims`,
`start`, `type`), so it works for any record added later.

Every regex is applied to one sentence at a time (capped in length) and has no nested
quantifiers, so run time stays linear on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from .gazetteer import Gazetteer, fold
from ..kb import lexicon

MAX_SENTENCE = 2000
YEAR = re.compile(r"(?<![\d/-])(19[89]\d|20[0-4]\d)(?![\d/-])")

# The cue words live in kb/data/lexicon/descriptions.yaml (an analyst extends them there); the
# rules below that combine them with mentions and years are the mechanism.
REPORT_WORDS = lexicon.pattern("descriptions.report_words")
REPORT_KIN = frozenset(w.lower() for w in lexicon.items("descriptions.report_kin"))
NEAR_YEAR = 40  # characters between a body's name and its year
_RANGE_AFTER = lexicon.pattern("descriptions.year_range_after")
_RANGE_BEFORE = lexicon.pattern("descriptions.year_range_before")


def _in_range(text: str, ys: int, ye: int) -> bool:
    """A year that opens or closes a span of years ("2021–2025", "from 2021 to 2026", "since 2021")."""
    return bool(_RANGE_AFTER.match(text, ye) or _RANGE_BEFORE.search(text[max(0, ys - 16):ys]))


UPDATE = lexicon.pattern("descriptions.update")
_TYPE_RE = {t: lexicon.pattern("descriptions.kb_type_" + t.replace("-", "_"))
            for t in lexicon.items("incidents.incident_types")}
_GENERIC_RE = lexicon.pattern("descriptions.incident_generic")
_V_PREFIX = re.compile(r"\b[A-Z][a-z]+\s+v(?:s)?\.\s*$")


@dataclass(frozen=True, slots=True)
class Found:
    """A KB record found by a rule, with the span of the describing words."""

    id: str
    kind: str
    start: int
    end: int
    how: str


def year_of(value: Any) -> int | None:
    """The year of an ISO date (or date object, or bare year), else None."""
    if value is None:
        return None
    m = re.match(r"\s*(\d{4})", str(value))
    return int(m.group(1)) if m else None


def years_in(text: str, a: int, b: int) -> list[tuple[int, int, int]]:
    """(year, start, end) of every plausible year in text[a:b]."""
    return [(int(m.group(1)), m.start(), m.end()) for m in YEAR.finditer(text, a, b)]


class DescriptionRules:
    """Compiled description regexes and KB indexes, built once per KB."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb
        self.instruments = kb.records("instrument")
        self.described: list[tuple[re.Pattern[str], str]] = []
        for rec in self.instruments:
            for pat in rec.get("descriptions") or []:
                try:
                    self.described.append((re.compile(pat, re.I), rec["id"]))
                except re.error:
                    continue  # the KB validator reports bad regexes; extraction goes on without them
        # body id -> [(year, instrument id)]
        self.by_body: dict[str, list[tuple[int, str]]] = {}
        self.successors: dict[str, list[tuple[int, str]]] = {}
        for rec in self.instruments:
            y = year_of(rec.get("adopted")) or year_of(rec.get("opened"))
            if rec.get("body") and y:
                self.by_body.setdefault(rec["body"], []).append((y, rec["id"]))
            if rec.get("supersedes") and y:
                self.successors.setdefault(rec["supersedes"], []).append((y, rec["id"]))
        # instrument id -> the report nouns its own names use ("report", "code", "norms", "convention")
        self.nouns: dict[str, frozenset[str]] = {}
        for rec in self.instruments:
            words = {w.lower() for n in [rec.get("name") or "", *(rec.get("aliases") or [])]
                     for w in re.findall(r"[A-Za-z]+", str(n))}
            nouns = {w for w in words if REPORT_WORDS.fullmatch(w)}
            if "report" in nouns:
                nouns |= REPORT_KIN
            self.nouns[rec["id"]] = frozenset(nouns)
        self.incidents = kb.records("incident")
        # event base names (years removed) -> [(year, event id)]
        self.event_bases: dict[str, list[tuple[int, str]]] = {}
        for rec in kb.records("event"):
            y = year_of(rec.get("start"))
            if not y:
                continue
            for name in [rec.get("name"), *(rec.get("aliases") or [])]:
                if not name:
                    continue
                base = re.sub(r"\s+", " ", YEAR.sub(" ", name)).strip(" ,-")
                if len(base) >= 4 and base != name:
                    self.event_bases.setdefault(fold(base), []).append((y, rec["id"]))
        self.event_gaz = Gazetteer(_BaseForm(b) for b in self.event_bases)

    # --- instruments ---------------------------------------------------------------------

    def by_description(self, text: str, a: int, b: int) -> Iterable[Found]:
        """Matches of the instruments' own `descriptions` regexes inside one sentence."""
        b = min(b, a + MAX_SENTENCE)
        for rx, iid in self.described:
            for m in rx.finditer(text, a, b):
                if m.end() > m.start():
                    yield Found(iid, "instrument", m.start(), m.end(), "description")

    def by_body_year(self, text: str, a: int, b: int, bodies: list[tuple[str, int, int]]) -> Iterable[Found]:
        """A body that makes instruments + its year + a report noun, all close together -> that year's instrument.

        Close means the year within NEAR_YEAR characters of the body (no ";" between: a reference
        list is not one phrase) and the noun just around them; a year range ("2021–2025 OEWG",
        "from 2021 to 2026") names a body's mandate, not a report; and the noun must be one the
        instrument's own names use ("guidelines" of the Council of Europe are not its Protocol).
        """
        if not bodies:
            return
        b = min(b, a + MAX_SENTENCE)
        years = [(y, ys, ye) for y, ys, ye in years_in(text, a, b) if not _in_range(text, ys, ye)]
        if not years:
            return
        for body, bs, be in bodies:
            made = self.by_body.get(body, [])
            for y, ys, ye in years:
                lo, hi = min(bs, ys), max(be, ye)
                if max(bs, ys) - min(be, ye) > NEAR_YEAR or ";" in text[lo:hi]:
                    continue
                for iy, iid in made:
                    if iy != y:
                        continue
                    nouns = self.nouns.get(iid, frozenset())
                    rep = next((r for r in REPORT_WORDS.finditer(text, max(a, lo - 25), min(b, hi + 60))
                                if r.group(0).lower() in nouns and ";" not in text[min(hi, r.start()):max(lo, r.end())]),
                               None)
                    if rep is not None:
                        yield Found(iid, "instrument", min(lo, rep.start()), max(hi, rep.end()), "body-year")

    def by_update(self, text: str, a: int, b: int, recent: list[str]) -> Iterable[Found]:
        """"X was updated in 2015" after a mention of X -> the KB instrument that supersedes X in 2015."""
        if not recent:
            return
        b = min(b, a + MAX_SENTENCE)
        for m in UPDATE.finditer(text, a, b):
            ys = years_in(text, m.end(), min(b, m.end() + 60))
            if not ys:
                continue
            y, _, ye = ys[0]
            for prior in reversed(recent):
                for sy, sid in self.successors.get(prior, []):
                    if sy == y:
                        yield Found(sid, "instrument", m.start(), ye, "update")
                        return

    # --- incidents -------------------------------------------------------------------------

    def incidents_in(self, text: str, a: int, b: int, states: list[tuple[str, int, int]]) -> Iterable[Found]:
        """A victim state + a year + an attack word in one sentence -> the KB incident."""
        if not states or not self.incidents:
            return
        b = min(b, a + MAX_SENTENCE)
        years = {y for y, _, _ in years_in(text, a, b)}
        if not years:
            return
        generic = _GENERIC_RE.search(text, a, b)
        typed = {t: rx.search(text, a, b) for t, rx in _TYPE_RE.items()}
        for rec in self.incidents:
            victims = set(rec.get("victims") or [])
            y = year_of(rec.get("start"))
            if y not in years or not victims:
                continue
            kw = typed.get(rec.get("type") or "") or generic
            if not kw:
                continue
            for sid, ss, se in states:
                if sid in victims:
                    pre = _V_PREFIX.search(text, max(a, ss - 30), ss)
                    s = pre.start() if pre else ss
                    e = kw.end() if 0 <= kw.start() - se < 80 else se
                    yield Found(rec["id"], "incident", s, e, "victim-year")
                    break

    # --- events ----------------------------------------------------------------------------

    def events_in(self, text: str, a: int, b: int, fallback_year: int | None) -> Iterable[Found]:
        """An event series name ("Global Conference on CyberSpace") + a year near it."""
        b = min(b, a + MAX_SENTENCE)
        for h in self.event_gaz.scan(text[a:b]):
            s, e = a + h.start, a + h.end
            near = [y for y, ys, ye in years_in(text, max(a, s - 12), min(b, e + 12))]
            cands = self.event_bases.get(fold(h.form.text), [])
            chosen = [eid for y, eid in cands if y in near]
            if not chosen and fallback_year is not None and not near:
                chosen = [eid for y, eid in cands if y == fallback_year]
            if len(set(chosen)) == 1:
                ys = years_in(text, max(a, s - 12), s)
                start = ys[-1][1] if ys else s
                ye = years_in(text, e, min(b, e + 12))
                end = ye[0][2] if ye else e
                yield Found(chosen[0], "event", start, end, "name-year")


@dataclass(frozen=True, slots=True)
class _BaseForm:
    """A surface-form-like record for an event series name (matched in any case)."""

    text: str
    id: str = "event:?"
    kind: str = "event"
    how: str = "series"
    case_sensitive: bool = False
    ambiguous: bool = False
