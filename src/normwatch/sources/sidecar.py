"""Metadata for plain files from an index next to them (`index.csv` or `metadata.csv`).

Corpora of scraped text often keep title, publisher, date and URL in a table beside the
files instead of inside them (the text files themselves start with the body). A row is
found by the file's stem in an `id` column, or by its name in a `file`/`filename` column.
Recognised columns (case-insensitive): title, publisher (or site, source_name), author,
url, date/published, speaker (a KB id), iso3 (the speaking state of a speech, as
`state:ISO3`). Unknown columns are ignored; a broken index is ignored, never fatal,
because it is only a hint: metadata given by the input itself (JSONL fields, WARC headers)
still wins, and cleaning fills what neither gives.

>>> _row_meta({"title": "A", "date": "November 23, 2021", "iso3": "est"})
{'title': 'A', 'published': '2021-11-23', 'speaker': 'state:EST'}
"""

from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

from ..cleaning.dates import iso_date

__all__ = ["sidecar_meta", "INDEX_NAMES"]

INDEX_NAMES = ("index.csv", "metadata.csv")
_MAX_INDEX_BYTES = 50 * 1024 * 1024
_ALIASES = {
    "title": "title", "publisher": "publisher", "site": "publisher", "source_name": "publisher",
    "author": "author", "url": "url", "date": "published", "published": "published",
    "speaker": "speaker",
}
_KB_ID = re.compile(r"^(?:state|org|person):[\w.-]+$")
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


def _row_meta(row: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for col, value in row.items():
        key = _ALIASES.get((col or "").strip().lower())
        value = (value or "").strip()
        if not key or not value:
            continue
        if key == "published":
            value = iso_date(value) or ""
        elif key == "speaker" and not _KB_ID.match(value):
            continue
        if value:
            out[key] = value
    iso3 = next((v.strip() for k, v in row.items() if (k or "").strip().lower() == "iso3" and v), "")
    if "speaker" not in out and _ISO3.match(iso3):
        out["speaker"] = f"state:{iso3.upper()}"
    return out


@lru_cache(maxsize=64)
def _load(index: str, _mtime: float) -> dict[str, dict[str, str]]:
    """Rows of one index by key (stem and file name); the mtime in the key drops stale copies."""
    table: dict[str, dict[str, str]] = {}
    try:
        if os.path.getsize(index) > _MAX_INDEX_BYTES:
            return table
        with open(index, encoding="utf-8-sig", newline="", errors="replace") as f:
            for row in csv.DictReader(f):
                meta = _row_meta(row)
                if not meta:
                    continue
                lowered = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                for col in ("id", "file", "filename"):
                    key = lowered.get(col)
                    if key:
                        table.setdefault(key, meta)
                        table.setdefault(Path(key).stem, meta)
    except (OSError, csv.Error, UnicodeError, ValueError):
        return {}
    return table


def sidecar_meta(path: str) -> dict[str, str]:
    """Metadata for the file at `path` from an index in its directory ({} when there is none)."""
    p = Path(path)
    for name in INDEX_NAMES:
        index = p.parent / name
        if p.name == name:
            return {}
        try:
            mtime = index.stat().st_mtime
        except OSError:
            continue
        table = _load(str(index), mtime)
        found = table.get(p.name) or table.get(p.stem)
        if found:
            return dict(found)
    return {}
