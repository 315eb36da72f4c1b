"""Find a calendar date in a short string and give it as ISO YYYY-MM-DD.

Datelines in scraped pages spell dates many ways ("April 17, 2015",
"17 April 2015", "Apr. 17 2015", "2015-04-17", "17.04.2015"). Only full dates
(day, month and year) count: a date we would have to complete is a guess.

>>> find_date("Xinhua, April 17, 2015 Adjust font size:")
('2015-04-17', 8, 22)
>>> iso_date("2021-12-17T07:20:07-05:00")
'2021-12-17'
>>> iso_date("17 Sept. 2011")
'2011-09-17'
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["MONTHS", "find_date", "iso_date", "DATE_RE"]

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1):
    for _n in _names:
        MONTHS[_n] = _i

_MONTH = r"(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{}>(?:19|20)\d\d)"

DATE_RE = re.compile(
    "|".join((
        # April 17, 2015 / Apr. 17 2015
        r"\b" + _MONTH.format("m1") + r"\s+" + _DAY.format("d1") + r",?\s+" + _YEAR.format("y1") + r"\b",
        # 17 April 2015 / 17th of April, 2015
        r"\b" + _DAY.format("d2") + r"\s+(?:of\s+)?" + _MONTH.format("m2") + r",?\s+" + _YEAR.format("y2") + r"\b",
        # 2015-04-17 / 2015/04/17
        r"\b" + _YEAR.format("y3") + r"[-/.](?P<m3>[01]?\d)[-/.](?P<d3>[0-3]?\d)(?!\d)",
        # 17.04.2015 (day first, the common order outside the US; ambiguous slashes are skipped)
        r"\b(?P<d4>[0-3]?\d)\.(?P<m4>[01]?\d)\.(?P<y4>(?:19|20)\d\d)\b",
    )),
    re.I,
)


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first valid full date in `text`: (iso, start, end), or None."""
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        for k in "1234":
            if g.get("y" + k):
                month = g["m" + k]
                month_n = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
                iso = _valid(int(g["y" + k]), month_n, int(g["d" + k]))
                if iso:
                    return iso, m.start(), m.end()
                break
    return None


def iso_date(value: str | None) -> str | None:
    """`value` as YYYY-MM-DD when it holds a full date, else None."""
    if not value:
        return None
    found = find_date(value)
    return found[0] if found else None
