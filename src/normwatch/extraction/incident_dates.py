"""When a document was written and where its lead ends: the time frame of the incidents it tells.

Why: incident reports often give no year beside the attack ("last July", "Chinese hackers
targeted ..."); the document's own date, or a year its file name or a UN session number
gives, is then the best evidence of when it happened.
"""

from __future__ import annotations

import os
import re

from .cues import find_dates
from ..model import Document, Span

# A text this short tells one incident (a tracker's description, a news brief): the time it
# gives anywhere, else its own date, is the incident's time.
SHORT_REPORT_CHARS = 1500


def is_short_report(doc: Document) -> bool:
    return len(doc.text) <= SHORT_REPORT_CHARS


def doc_year(doc: Document) -> int | None:
    """The year a document was written: its date, else the latest plausible year its text names."""
    pub = (doc.meta.published or "")[:4]
    if pub.isdigit():
        return int(pub)
    m = _GA_SESSION.search(doc.text[:20_000])
    if m:  # "the seventy-seventh session" of the General Assembly opened in 1945 + 77
        n = _ORDINALS.get(m.group(1).lower().replace(" ", "-"))
        if n:
            return 1945 + n
    # collections often date their files by name ("ALB_77_2022.txt", "2021-07-19-statement.html")
    m = _NAME_YEAR.search(os.path.basename(doc.source or ""))
    if m:
        return int(m.group(1))
    ys = [d.year for d in find_dates(doc.text[:200_000]) if 1990 <= d.year <= 2035]
    return max(ys) if ys else None


_TENS = {"fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80}
_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9}
_ORDINALS = dict(_TENS)
_ORDINALS.update({f"{t[:-4]}y-{u}": v + w for t, v in _TENS.items() for u, w in _UNITS.items()})
_ORDINALS = {k.replace("fiftiy", "fifty").replace("sixtiy", "sixty").replace("seventiy", "seventy")
             .replace("eightiy", "eighty"): v for k, v in _ORDINALS.items()}
_GA_SESSION = re.compile(r"\b((?:fift|sixt|sevent|eight)(?:ieth|y[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)))"
                         r" session\b", re.I)
_NAME_YEAR = re.compile(r"(?:^|[_-])((?:19|20)\d\d)(?=[_.-]|$)")


LEAD_CHARS = 4000  # a document this short, or this much of a longer one, tells its main incident


def in_lead(doc: Document, s: Span) -> bool:
    return len(doc.text) <= LEAD_CHARS or s.start < lead_end(doc)


def lead_end(doc: Document) -> int:
    """Where the lead ends: the first three body paragraphs, or LEAD_CHARS at most."""
    paras = [p for p in doc.paragraphs if p.end - p.start > 120][:3]
    return min(LEAD_CHARS, paras[-1].end) if paras else LEAD_CHARS // 2
