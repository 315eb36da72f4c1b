"""Reading with review state: the `review=` filter of every fact list, page and export.

Default: everything but rejected facts. Kept apart from `reviews.py` (the write side).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, literal_column, or_, select

from .reviews import STATES, ReviewError
REVIEW_FILTER_HELP = ("review state to show: machine, confirmed, corrected, rejected, reviewed (confirmed or "
                      "corrected), comma-separated, or all; default: everything but rejected")
REVIEW_PATTERN = r"^(all|((machine|confirmed|corrected|rejected|reviewed)(,(machine|confirmed|corrected|rejected|reviewed))*))$"


def wanted_states(value: str | None) -> set[str]:
    """The review states a `review=` filter selects (default: all but rejected)."""
    if not value:
        return {"machine", "confirmed", "corrected"}
    if value == "all":
        return set(STATES)
    out: set[str] = set()
    for part in value.split(","):
        part = part.strip()
        if part == "reviewed":
            out |= {"confirmed", "corrected"}
        elif part in STATES:
            out.add(part)
        else:
            raise ReviewError(f"review must be one of {', '.join(STATES)}, reviewed or all", "review")
    return out


def sql_condition(table: Table, value: str | None):
    """A WHERE condition for a `review=` filter, or None when it selects everything.

    Written as id membership in the (few) reviewed rows, read from the partial index
    `ix_<table>_reviewed`, so list queries keep answering from their covering indexes."""
    states = wanted_states(value)
    if states == set(STATES):
        return None
    t = table.c

    def one_of(values: set[str]):
        # literal values from the fixed set of states: the web layer's prepared statements
        # carry no expanding IN parameters
        return or_(*(t.review == literal_column(f"'{v}'") for v in sorted(values)))

    if "machine" in states:
        return t.id.not_in(select(t.id).where(one_of(set(STATES) - states)))
    return t.id.in_(select(t.id).where(one_of(states)))


def filter_document(d: dict[str, Any] | None, value: str | None) -> dict[str, Any] | None:
    """A document's facts limited to the review states `value` selects (in place; returns `d`)."""
    if d is None:
        return None
    states = wanted_states(value)
    for name in ("actors", "statements", "stances", "instrument_mentions", "subscriptions", "incidents", "events"):
        d[name] = [f for f in d.get(name, []) if f.get("review", "machine") in states]
        for inc in d[name] if name == "incidents" else ():
            inc["attributions"] = [a for a in inc["attributions"] if a.get("review", "machine") in states]
    return d
