"""Dates written the way news and speeches write them ("17 April 2015", "April 2015", "2015-04-17").

Split from `cues` (which re-exports these names): the incident, event and subscription stages
read dates; nothing else in `cues` needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["MONTHS", "DATE_RE", "FoundDate", "find_dates", "shift"]

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
