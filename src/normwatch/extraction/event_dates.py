"""Dates and places of meetings as news writes them.

Why separate: a meeting's dates are rarely spelled out as a range. A report more often says
"the two-day conference" under a dateline, or "on 16-17 April 2015"; the place follows the
name ("... (GCCS) in The Hague"). These helpers turn such phrases into ISO dates and a place.
"""

from __future__ import annotations

import re

from .cues import _MON, _month, find_dates, shift

_N_DAY = re.compile(r"\b(two|three|four|five|2|3|4|5)-day\b", re.I)
_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
# "16-17 April 2015", "16 to 17 April 2015"
_RANGE_DM = re.compile(rf"\b([0-3]?\d)\s*(?:-|–|to|and)\s*([0-3]?\d)\s+({_MON})\s*,?\s+((?:19|20)\d\d)\b")
# "April 16-17, 2015"
_RANGE_MD = re.compile(rf"\b({_MON})\s+([0-3]?\d)\s*(?:-|–|to|and)\s*([0-3]?\d),?\s+((?:19|20)\d\d)\b")
PLACE_AFTER = re.compile(
    r"^\s*(?:\([^()]{0,30}\)\s*)?,?\s*(?:held\s+|taking place\s+|which (?:took|takes) place\s+)?in\s+"
    r"((?:The\s+)?[A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?)")


def day_count(text: str) -> int | None:
    """"two-day" -> 2."""
    m = _N_DAY.search(text)
    return _NUM.get(m.group(1).lower()) if m else None


def date_range(text: str) -> tuple[str, str] | None:
    """An explicit range in the text, as ISO start and end."""
    for rx, order in ((_RANGE_DM, "dm"), (_RANGE_MD, "md")):
        m = rx.search(text)
        if not m:
            continue
        try:
            if order == "dm":
                d1, d2, mon, y = int(m.group(1)), int(m.group(2)), _month(m.group(3)), int(m.group(4))
            else:
                mon, d1, d2, y = _month(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
            from datetime import date

            return date(y, mon, d1).isoformat(), date(y, mon, d2).isoformat()
        except (ValueError, KeyError):
            continue
    return None


def dateline(text: str, published: str | None) -> str | None:
    """The report's date: the metadata's, else a full date near the top of the text."""
    if published and len(published) == 10:
        return published
    for d in find_dates(text, 0, min(len(text), 600)):
        if len(d.iso) == 10:
            return d.iso
    return None


def span_from_dateline(days: int, dline: str) -> tuple[str | None, str | None]:
    """A meeting of `days` days reported on `dline`: the report is dated on its last day."""
    return shift(dline, -(days - 1)), dline


def place_after(text: str, end: int) -> str | None:
    """"... (GCCS) in The Hague" -> "The Hague" (a month or a year is a date, not a place)."""
    m = PLACE_AFTER.match(text[end:end + 80])
    if not m or _NOT_PLACE.match(m.group(1)):
        return None
    return m.group(1)


_NOT_PLACE = re.compile(rf"^(?:{_MON}(?![a-z])|The (?:First|Second|Past|Last|Next|Wake|Run|Face|Context|Event|Case|Form)\b)", re.I)
