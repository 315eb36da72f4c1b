"""Alerts (issue 15): saved queries over new facts, each an Atom feed and optionally a webhook.

An alert is one of three kinds, each naming one target:

- `attribution`: attribution claims naming a state or actor, as accused or as claimant;
- `stance`: stances on an instrument or proposition;
- `subscription`: subscriptions (signature, ratification ...) to an instrument.

"New" means by when the fact's document was stored (`documents.ingested_at`), newest first.
The feed is `/feeds/<id>.atom` (web/feeds.py); `deliver` posts facts stored since the last
delivery to the alert's webhook, signed with HMAC-SHA256 (webhook.py).

    store = Store("sqlite:///normwatch.db")
    add_alert(store, "rus-attributions", "attribution", "state:RUS")
    facts = matching_facts(store, get_alert(store, "rus-attributions"))
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update

from ..errors import InputError
from ..store import schema as s
from ..store.db import now

__all__ = ["KINDS", "add_alert", "get_alert", "list_alerts", "remove_alert", "matching_facts", "mark_delivered"]

KINDS = ("attribution", "stance", "subscription")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TARGET = re.compile(r"^(?:state|org|person|instrument|proposition|threat-actor|incident|event):[A-Za-z0-9.\-]{1,120}$")


def _check(alert_id: str, kind: str, target: str, webhook_url: str | None) -> None:
    if not _ID.match(alert_id):
        raise InputError(f"alert id {alert_id!r}: use lowercase letters, digits and '-' (at most 64)", code="NW160")
    if kind not in KINDS:
        raise InputError(f"alert {alert_id}: kind {kind!r} is not one of {', '.join(KINDS)}", code="NW160")
    if not _TARGET.match(target):
        raise InputError(f"alert {alert_id}: target {target!r} is not a KB id like state:RUS or "
                         f"instrument:budapest-convention", code="NW160")
    if kind == "subscription" and not target.startswith("instrument:"):
        raise InputError(f"alert {alert_id}: a subscription alert names an instrument", code="NW160")
    if webhook_url is not None and not re.match(r"^https?://", webhook_url):
        raise InputError(f"alert {alert_id}: webhook {webhook_url!r} is not an http(s) URL", code="NW160")


def add_alert(store, alert_id: str, kind: str, target: str, *, webhook_url: str | None = None,
              secret: str | None = None) -> dict[str, Any]:
    """Save an alert; raises InputError NW160 for a bad one, NW161 when the id is taken.

    A webhook gets a random secret when none is given; it is returned once, here.
    """
    _check(alert_id, kind, target, webhook_url)
    if webhook_url and not secret:
        secret = secrets.token_hex(32)
    with store.engine.begin() as conn:
        if conn.execute(select(s.alerts.c.id).where(s.alerts.c.id == alert_id)).first():
            raise InputError(f"alert {alert_id} exists already (remove it first)", code="NW161")
        # deliveries start after the newest stored document: a new webhook is not flooded with history
        d = s.documents
        ts = conn.execute(select(func.max(d.c.ingested_at))).scalar()
        ids = [r[0] for r in conn.execute(select(d.c.id).where(d.c.ingested_at == ts))] if ts else []
        conn.execute(insert(s.alerts).values(id=alert_id, kind=kind, target=target, webhook_url=webhook_url,
                                             secret=secret, created_at=now(),
                                             delivered_until=delivery_mark(ts, ids) if ts else None))
    out = get_alert(store, alert_id, with_secret=True)
    assert out is not None
    return out


def delivery_mark(ts: str, doc_ids: list[str]) -> str:
    """"<ingested_at> <id>,<id>...": documents up to that second, and those of that very second
    already handled (ingested_at has one-second steps and ids are hashes, so no order among them)."""
    return f"{ts} {','.join(sorted(set(doc_ids)))}"


def parse_mark(mark: str | None) -> tuple[str, set[str]]:
    ts, _, ids = (mark or "").partition(" ")
    return ts, {i for i in ids.split(",") if i}


def _public(row: dict[str, Any], with_secret: bool) -> dict[str, Any]:
    d = dict(row)
    if not with_secret:
        d.pop("secret", None)
    d["feed"] = f"/feeds/{d['id']}.atom"
    return d


def get_alert(store, alert_id: str, *, with_secret: bool = False) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(s.alerts).where(s.alerts.c.id == alert_id)).mappings().first()
    return _public(row, with_secret) if row else None


def list_alerts(store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [_public(r, False) for r in conn.execute(select(s.alerts).order_by(s.alerts.c.id)).mappings()]


def remove_alert(store, alert_id: str) -> bool:
    with store.engine.begin() as conn:
        return conn.execute(delete(s.alerts).where(s.alerts.c.id == alert_id)).rowcount > 0


def matching_facts(engine_or_store, alert: dict[str, Any], *, since: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
    """The facts an alert asks for, newest stored first.

    `since` (a `delivery_mark`): only facts of documents stored after it, oldest first; of
    documents stored in its very second, those not listed in it, so none is skipped.
    """
    engine = getattr(engine_or_store, "engine", engine_or_store)
    d = s.documents
    kind, target = alert["kind"], alert["target"]
    if kind == "attribution":
        # claims, not incident attributions: an accusation with no resolved incident is news too
        t = s.claims
        cols = [t.c.incident, t.c.accused, t.c.actor, t.c.claimant, t.c.certainty, t.c.via]
        cond = or_(t.c.accused == target, t.c.actor == target, t.c.claimant == target)
    elif kind == "stance":
        t = s.stances
        cols = [t.c.actor, t.c.affiliation, t.c.target, t.c.polarity]
        cond = t.c.target == target
    else:
        t = s.subscriptions
        cols = [t.c.actor, t.c.instrument, t.c.action, t.c.date]
        cond = t.c.instrument == target
    q = (select(t.c.id, t.c.doc_id, t.c.start, t.c.end, *cols, d.c.title, d.c.url, d.c.published,
                d.c.ingested_at, d.c.text)
         .join(d, d.c.id == t.c.doc_id).where(cond)
         # a fact a reviewer rejected is no alert (issue 14's review state)
         .where(or_(t.c.review.is_(None), t.c.review != "rejected")))
    if since is not None:
        ts, done = parse_mark(since)
        same = (d.c.ingested_at == ts) & d.c.id.not_in(done) if done else d.c.ingested_at == ts
        q = q.where(or_(d.c.ingested_at > ts, same))
        q = q.order_by(d.c.ingested_at, d.c.id, t.c.id).limit(limit)
    else:
        q = q.order_by(d.c.ingested_at.desc(), d.c.id.desc(), t.c.id.desc()).limit(limit)
    out = []
    with engine.connect() as conn:
        for r in conn.execute(q).mappings():
            fact = {k: r[k] for k in r.keys() if k not in ("text", "id")}
            fact["kind"] = kind
            fact["evidence"] = r["text"][r["start"]:r["end"]]
            fact["key"] = f"{kind}:{r['doc_id']}:{r['start']}-{r['end']}:{target}"
            out.append(fact)
    return out


def mark_delivered(store, alert_id: str, *, until: str | None, error: str | None) -> None:
    values: dict[str, Any] = {"last_delivery": now(), "last_delivery_error": error}
    if until is not None:
        values["delivered_until"] = until
    with store.engine.begin() as conn:
        conn.execute(update(s.alerts).where(s.alerts.c.id == alert_id).values(**values))
