"""Human review of facts, keyed by each fact's natural key so that it survives re-extraction.

    from normwatch.store import reviews
    with store.engine.begin() as conn:
        after = reviews.review(conn, doc_id=d, kind="stance", key=k, decision="correct",
                               correction={"polarity": "oppose"}, reason="misread 'not'", user="ana")

A fact's natural key is the values of its kind's key fields joined with `|` (a stance:
actor, target, start, end), computed when the row is stored and kept in `fact_key`.
Fields a reviewer may correct (the polarity, the accused state, the span) are left out of
the key on purpose, so a correction does not change which fact it names, and a newer
extractor that still finds the fact finds it under the same key.

`reviews` holds one row per reviewed fact (the current decision, the correction, a
snapshot of the fact as reviewed); `audit` gets one append-only row per review action.
After every (re-)extraction of a document `apply_reviews` lays the reviews over the new
machine rows: a rejected fact is marked rejected again, a correction is applied again, and
a confirmed or corrected fact the extractor no longer finds is put back from its snapshot
with `kept` set, so nothing a human confirmed disappears silently.

Kinds are registered in `KINDS` (`register_kind`), so another fact table (attribution
claims) becomes reviewable with one call naming its table, key fields and editable fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from ..model import CERTAINTIES, CHANNELS, POLARITIES, SUBSCRIPTION_ACTIONS
from . import schema as s
from .prepared import dicts, run

DECISIONS = {"confirm": "confirmed", "confirmed": "confirmed", "accept": "confirmed", "accepted": "confirmed",
             "reject": "rejected", "rejected": "rejected", "correct": "corrected", "corrected": "corrected"}
STATES = ("machine", "confirmed", "corrected", "rejected")
# columns that are bookkeeping, not part of what a fact says
_BOOKKEEPING = {"id", "doc_id", "incident_row", "fact_key", "review", "kept"}
KB_ID = re.compile(r"^[a-z][a-z-]*:[A-Za-z0-9][A-Za-z0-9._-]*$")


class ReviewError(ValueError):
    """A review that cannot be applied (unknown kind or fact, bad correction); the API answers 400 or 404."""

    def __init__(self, message: str, param: str = "correction", *, missing: bool = False) -> None:
        super().__init__(message)
        self.param, self.missing = param, missing


def _enum(*values: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if v not in values:
            raise ReviewError(f"must be one of {', '.join(values)}")
        return v
    return check


def _kb_id(nullable: bool) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if v in (None, "") and nullable:
            return None
        if not isinstance(v, str) or not KB_ID.match(v):
            raise ReviewError("must be an identifier like state:RUS or person:julie-bishop")
        return v
    return check


def _text(v: Any) -> Any:
    if v is not None and not isinstance(v, str):
        raise ReviewError("must be text")
    return v or None


def _date(v: Any) -> Any:
    if v in (None, ""):
        return None
    if not isinstance(v, str) or not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", v):
        raise ReviewError("must be a date YYYY, YYYY-MM or YYYY-MM-DD")
    return v


def _bool(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if v in ("true", "1", 1, "on"):
        return True
    if v in ("false", "0", 0, "off"):
        return False
    raise ReviewError("must be true or false")


def _offset(v: Any) -> Any:
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise ReviewError("must be a character offset") from None
    if n < 0:
        raise ReviewError("must be a character offset")
    return n


@dataclass(frozen=True)
class Kind:
    """A reviewable fact kind: its table, the fields of its natural key, the fields a reviewer may correct."""

    name: str
    table: Table
    key: tuple[str, ...]
    editable: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    certainty: Callable[[dict], float] = lambda row: 1.0  # for "least certain first" in the queue

    def key_of(self, row: dict[str, Any]) -> str:
        return "|".join("" if row.get(f) is None else str(row[f]) for f in self.key)


KINDS: dict[str, Kind] = {}
BY_TABLE: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Make a fact table reviewable (its table needs `fact_key`, `review` and `kept` columns)."""
    KINDS[kind.name] = kind
    BY_TABLE[kind.table.name] = kind
    return kind


# certainty words as numbers, so attributions sort among stances in the review queue
CERTAINTY = {"suspected": 0.3, "alleged": 0.4, "denied": 0.5, "official": 0.8, "confirmed": 0.9}
SPAN = {"start": _offset, "end": _offset}
register_kind(Kind("actor", s.actors, ("actor",),
                   {"actor": _kb_id(False), "name": _text, "role": _text, "affiliation": _kb_id(True),
                    "kind": _enum("person", "state", "org")}))
register_kind(Kind("statement", s.statements, ("start", "end"),
                   {"speaker": _kb_id(True), "affiliation": _kb_id(True), "direct": _bool, **SPAN},
                   certainty=lambda r: 0.5 if r.get("speaker") is None else 0.9))
register_kind(Kind("stance", s.stances, ("actor", "target", "start", "end"),
                   {"actor": _kb_id(False), "affiliation": _kb_id(True), "target": _kb_id(False),
                    "polarity": _enum(*POLARITIES), **SPAN},
                   certainty=lambda r: float(r.get("confidence") or 0.0)))
register_kind(Kind("instrument_mention", s.instrument_mentions, ("instrument", "start", "end"),
                   {"instrument": _kb_id(False), **SPAN}))
register_kind(Kind("subscription", s.subscriptions, ("actor", "instrument", "start", "end"),
                   {"actor": _kb_id(False), "instrument": _kb_id(False),
                    "action": _enum(*SUBSCRIPTION_ACTIONS),
                    "date": _date, **SPAN}))
register_kind(Kind("incident", s.incidents, ("incident",),
                   {"victim": _kb_id(True), "type": _text, "date": _date}, certainty=lambda r: 0.8))
register_kind(Kind("attribution", s.attributions, ("incident", "accused", "start", "end"),
                   {"accused": _kb_id(True), "claimant": _kb_id(True),
                    "certainty": _enum(*CERTAINTIES), "via": _enum(*CHANNELS),
                    **SPAN},
                   certainty=lambda r: CERTAINTY.get(r.get("certainty"), 0.5)))
# issue 11: every accusation or denial, with or without an incident
register_kind(Kind("claim", s.claims, ("accused", "claimant", "start", "end"),
                   {"accused": _kb_id(True), "claimant": _kb_id(True), "actor": _kb_id(True), "incident": _kb_id(True),
                    "certainty": _enum(*CERTAINTIES), "via": _enum(*CHANNELS), **SPAN},
                   certainty=lambda r: CERTAINTY.get(r.get("certainty"), 0.5)))
register_kind(Kind("event", s.events, ("event", "start", "end"),
                   {"name": _text, "place": _text, "start_date": _date, "end_date": _date, "outcome": _text, **SPAN},
                   certainty=lambda r: 0.8))


def kind(name: str) -> Kind:
    k = KINDS.get(name)
    if k is None:
        raise ReviewError(f"unknown fact kind {name!r}; known: {', '.join(KINDS)}", "kind")
    return k


def add_keys(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set `fact_key` on rows about to be inserted into `table` (unchanged if the table is not reviewable)."""
    k = BY_TABLE.get(table.name)
    if k is not None:
        for r in rows:
            r["fact_key"] = k.key_of(r)
    return rows


def fact_fields(row: Any) -> dict[str, Any]:
    """What a fact says, without the bookkeeping columns; JSON-ready."""
    out = {}
    for k, v in dict(row).items():
        if k in _BOOKKEEPING:
            continue
        out[k] = json.loads(v) if k in ("spans", "participants") and isinstance(v, str) else v
    return out


def state(row: Any) -> str:
    return row["review"] or "machine"


def _status(decision: str, correction: dict[str, Any]) -> str:
    if decision == "rejected":
        return "rejected"
    return "corrected" if correction else "confirmed"


def validate(k: Kind, correction: dict[str, Any] | None, text_len: int) -> dict[str, Any]:
    """The correction with each field checked and normalised; raises ReviewError naming the field."""
    out: dict[str, Any] = {}
    for name, value in (correction or {}).items():
        check = k.editable.get(name)
        if check is None:
            raise ReviewError(f"{k.name} field {name!r} cannot be corrected; editable: {', '.join(k.editable)}",
                              f"correction.{name}")
        try:
            out[name] = check(value)
        except ReviewError as e:
            raise ReviewError(f"correction.{name} {e}", f"correction.{name}") from None
    return out


def _check_span(row: dict[str, Any], text_len: int) -> None:
    if "start" in row and "end" in row and not (0 <= row["start"] < row["end"] <= text_len):
        raise ReviewError(f"span [{row['start']}, {row['end']}) is not inside the document (0..{text_len})",
                          "correction.start")


def _db_values(k: Kind, correction: dict[str, Any]) -> dict[str, Any]:
    return {n: (json.dumps(v) if n in ("spans", "participants") else v) for n, v in correction.items()}


def review(conn: Connection, *, doc_id: str, kind: str, key: str, decision: str,
           correction: dict[str, Any] | None = None, reason: str | None = None, user: str,
           at: str | None = None) -> dict[str, Any]:
    """Record one review of a fact and its audit row, in the caller's transaction.

    Args:
        doc_id, kind, key: which fact (`key` is its `fact_key`).
        decision: confirm, reject or correct (or the past forms).
        correction: fields to change (only the kind's editable ones); needed for `correct`.
        reason: the reviewer's why, kept in the audit row.
        user: who reviews (a user name).
    Returns the fact after the review, with `review` (its state) and `fact_key`.
    Raises ReviewError (`missing=True` when the fact does not exist).
    """
    from .db import now

    k = KINDS.get(kind) or _missing_kind(kind)
    status = DECISIONS.get(decision)
    if status is None:
        raise ReviewError(f"decision must be one of confirm, reject, correct (got {decision!r})", "decision")
    if status == "corrected" and not correction:
        raise ReviewError("a correction needs at least one field to change", "correction")
    at = at or now()
    t = k.table
    d, k_ = bindparam("p_doc"), bindparam("p_key")
    ids = {"p_doc": doc_id, "p_key": key}
    # a write first: it takes SQLite's write lock, so the reads below see what this review replaces
    # (two reviewers of one fact queue up instead of both reading the same "before")
    run(conn, (kind, "lock"), lambda: update(t).where(t.c.doc_id == d, t.c.fact_key == k_)
        .values(review=t.c.review), **ids)
    rows = dicts(run(conn, (kind, "rows"), lambda: select(t, s.documents.c.chars.label("_chars"))
                     .select_from(t.join(s.documents, s.documents.c.id == t.c.doc_id))
                     .where(t.c.doc_id == d, t.c.fact_key == k_).order_by(t.c.id).limit(1), **ids), t)
    if not rows:
        raise ReviewError(f"no {kind} with key {key!r} in document {doc_id}", "key", missing=True)
    row = rows[0]
    text_len = row.pop("_chars")
    fields = validate(k, correction if status == "corrected" else None, text_len)
    r = s.reviews.c
    found = dicts(run(conn, ("review", "prior"), lambda: select(s.reviews).where(
        r.doc_id == d, r.fact_kind == bindparam("p_kind"), r.fact_key == k_), **ids, p_kind=kind))
    prior = found[0] if found else None
    merged = {**(json.loads(prior["correction"]) if prior and prior["correction"] else {}), **fields}
    before = {**fact_fields(row), "review": state(row), "kept": bool(row["kept"])}
    after_fields = {**fact_fields(row), **fields}
    _check_span(after_fields, text_len)
    new_state = _status(status, merged)
    names = tuple(sorted(fields))
    run(conn, (kind, "set", *names), lambda: update(t).where(t.c.doc_id == d, t.c.fact_key == k_).values(
        review=bindparam("p_state"), **{n: bindparam(f"p_{n}") for n in names}),
        **ids, p_state=new_state, **{f"p_{n}": v for n, v in _db_values(k, fields).items()})
    values = {"decision": status, "correction": json.dumps(merged) if merged else None, "reviewer": user,
              "at": at, "reason": reason, "snapshot": json.dumps(after_fields)}
    params = {f"p_{n}": v for n, v in values.items()}
    if prior:
        run(conn, ("review", "update"), lambda: update(s.reviews).where(r.id == bindparam("p_id")).values(
            **{n: bindparam(f"p_{n}") for n in values}), p_id=prior["id"], **params)
    else:
        run(conn, ("review", "insert"), lambda: insert(s.reviews).values(
            doc_id=d, fact_kind=bindparam("p_kind"), fact_key=k_, **{n: bindparam(f"p_{n}") for n in values}),
            **ids, p_kind=kind, **params)
    after = {**after_fields, "review": new_state, "kept": before["kept"]}
    record(conn, user=user, action=f"review.{new_state}", doc_id=doc_id, kind=kind, key=key,
           before=before, after=after, reason=reason, at=at)
    return {**after, "fact_key": key, "kind": kind, "doc_id": doc_id}


def _missing_kind(name: str) -> Kind:
    raise ReviewError(f"unknown fact kind {name!r}; known: {', '.join(KINDS)}", "kind", missing=True)


def record(conn: Connection, *, user: str, action: str, doc_id: str | None = None, kind: str | None = None,
           key: str | None = None, before: Any = None, after: Any = None, reason: str | None = None,
           at: str | None = None) -> None:
    """Append one audit row (the only way the application writes to `audit`)."""
    from .db import now

    cols = ("at", "user", "action", "doc_id", "fact_kind", "fact_key", "before", "after", "reason")
    run(conn, ("audit", "insert"), lambda: insert(s.audit).values(**{c: bindparam(f"p_{c}") for c in cols}),
        p_at=at or now(), p_user=user, p_action=action, p_doc_id=doc_id, p_fact_kind=kind, p_fact_key=key,
        p_before=None if before is None else json.dumps(before, sort_keys=True),
        p_after=None if after is None else json.dumps(after, sort_keys=True), p_reason=reason)


def apply_reviews(conn: Connection, doc_id: str) -> dict[str, int]:
    """Lay a document's reviews over its freshly extracted rows; returns counts (applied, kept, gone).

    Run after every insert of a document's facts, in the same transaction.
    """
    counts = {"applied": 0, "kept": 0, "gone": 0}
    revs = conn.execute(select(s.reviews).where(s.reviews.c.doc_id == doc_id)).mappings().all()
    for rv in revs:
        k = KINDS.get(rv["fact_kind"])
        if k is None:  # a kind whose table this version does not know: leave the review for later
            continue
        t = k.table
        correction = json.loads(rv["correction"]) if rv["correction"] else {}
        new_state = _status(rv["decision"], correction)
        res = conn.execute(update(t).where(t.c.doc_id == doc_id, t.c.fact_key == rv["fact_key"])
                           .values(review=new_state, **_db_values(k, correction)))
        if res.rowcount:
            counts["applied"] += 1
        elif rv["decision"] != "rejected" and rv["snapshot"]:
            _put_back(conn, k, doc_id, rv["fact_key"], json.loads(rv["snapshot"]), new_state)
            counts["kept"] += 1
        else:
            counts["gone"] += 1
    return counts


def _put_back(conn: Connection, k: Kind, doc_id: str, key: str, snap: dict[str, Any], new_state: str) -> None:
    """Re-insert a confirmed fact the extractor no longer finds, flagged `kept`."""
    cols = {c.name for c in k.table.columns}
    row = {n: (json.dumps(v) if n in ("spans", "participants") else v) for n, v in snap.items() if n in cols}
    row.update(doc_id=doc_id, fact_key=key, review=new_state, kept=True)
    if k.table is s.attributions:
        row["incident_row"] = _incident_row(conn, doc_id, snap.get("incident"))
    conn.execute(insert(k.table).values(**row))


def _incident_row(conn: Connection, doc_id: str, incident: str | None) -> int:
    """The document's row for `incident`, made (flagged kept) when the new extraction has none."""
    i = s.incidents.c
    found = conn.execute(select(i.id).where(i.doc_id == doc_id, i.incident == incident)).scalar()
    if found is not None:
        return found
    res = conn.execute(insert(s.incidents).values(doc_id=doc_id, incident=incident, spans="[]",
                                                  fact_key=incident, kept=True))
    return int(res.inserted_primary_key[0])


def fill_missing_keys(conn: Connection) -> int:
    """Compute `fact_key` for rows stored before keys existed (migration 0008); returns rows filled."""
    from sqlalchemy import inspect

    n = 0
    have = set(inspect(conn).get_table_names())
    for k in KINDS.values():
        t = k.table
        if t.name not in have:
            continue  # a fact table a later revision creates (claims, 0005) has no old rows
        rows = conn.execute(select(t.c.id, *(t.c[f] for f in k.key)).where(t.c.fact_key.is_(None))).mappings().all()
        for r in rows:
            conn.execute(update(t).where(t.c.id == r["id"]).values(fact_key=k.key_of(r)))
            n += 1
    return n


def kinds_for(names: Iterable[str] | None) -> list[Kind]:
    return [kind(n) for n in names] if names else list(KINDS.values())

