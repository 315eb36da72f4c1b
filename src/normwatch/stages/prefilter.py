"""Fast keyword prefilter: does a page talk about cyber policy or security at all?

It runs before cleaning on every page of a crawl (a month of Common Crawl News
is millions of pages), so it is one compiled bytes regex over the raw content,
lowercased — no parsing, no decoding. Markup and scripts are scanned too;
a page is kept when it has at least `MIN_HITS` distinct-position hits, so a
lone "cyber" in a menu of a sports page does not let it through.

>>> is_relevant("Ransomware gang hits hospital; the DDoS attack lasted hours.")
True
>>> is_relevant("<p>Recipe: slow-cooked lamb with rosemary</p>")
False
"""

from __future__ import annotations

import re

__all__ = ["is_relevant", "relevance_hits", "KEYWORDS", "MIN_HITS"]

# Stems and phrases, lowercase. "cyber" covers cyberspace, cybersecurity, cyber-attack, cybercrime.
KEYWORDS: tuple[bytes, ...] = (
    rb"cyber",
    rb"hack(?:er|ers|ing|ed|s)?\b",
    rb"hacktivis",
    rb"malware",
    rb"ransomware",
    rb"spyware",
    rb"botnet",
    rb"ddos",
    rb"denial[- ]of[- ]service",
    rb"phishing",
    rb"zero[- ]day",
    rb"data breach",
    rb"information security",
    rb"infosec",
    rb"ict security",
    rb"security of (?:and in the use of )?(?:icts|information and communication)",
    rb"\bicts?\b(?= (?:environment|security|incident|infrastructure))",
    rb"computer (?:crime|intrusion|network|security|virus|fraud)",
    rb"responsible state behavio",
    rb"norms of responsible",
    rb"budapest convention",
    rb"convention on cybercrime",
    rb"paris call",
    rb"tallinn manual",
    rb"\bapt ?\d{1,3}\b",
    rb"state[- ]sponsored (?:hack|attack|actor|group|espionage)",
    rb"espionage",
    rb"stuxnet|notpetya|wannacry|solarwinds",
    rb"vulnerabilit(?:y|ies)",
    rb"exploit(?:s|ed)?\b",
    rb"\bcve-\d{4}",
    rb"piratage|logiciels? malveillants?",  # French and other-language pages mostly say "cyber" too
)

_PATTERN = re.compile(b"|".join(b"(?:" + k + b")" for k in KEYWORDS))
# Two hits: one "cyber" in a site menu is not enough, two mentions in a page about it are common.
MIN_HITS = 2
# Beyond this many bytes a page has shown what it is about; scanning on only costs time.
MAX_SCAN_BYTES = 2_000_000


def _as_bytes(content: str | bytes) -> bytes:
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    return content[:MAX_SCAN_BYTES].lower()


def relevance_hits(content: str | bytes, limit: int | None = None) -> int:
    """Number of keyword hits in `content` (stops counting at `limit` when given)."""
    n = 0
    for _ in _PATTERN.finditer(_as_bytes(content)):
        n += 1
        if limit is not None and n >= limit:
            break
    return n


def is_relevant(content: str | bytes) -> bool:
    """True when the page mentions cyber policy or security at least `MIN_HITS` times."""
    return relevance_hits(content, limit=MIN_HITS) >= MIN_HITS
