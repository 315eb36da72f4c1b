"""Posting an alert's new facts to its webhook, signed, through the same SSRF checks as fetching.

The body is JSON `{"alert": id, "target": ..., "facts": [...]}`; the header
`X-Normwatch-Signature: sha256=<hex>` is HMAC-SHA256 of the exact body bytes with the alert's
secret, so a receiver checks `hmac.compare_digest(sign(secret, body), header)`.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from ..errors import FetchError, NormwatchError
from ..settings import Settings
from ..sources.urls import _USER_AGENT, _parse, check_host
from . import delivery_mark, get_alert, list_alerts, mark_delivered, matching_facts, parse_mark

__all__ = ["sign", "deliver", "deliver_all"]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, signature: str, settings: Settings) -> int:
    target = _parse(url, url)
    port = target.port or (443 if target.scheme == "https" else 80)
    address = check_host(target.host, port, settings, url)
    host_header = target.netloc.decode("ascii").rsplit("@", 1)[-1]
    with httpx.Client(timeout=httpx.Timeout(settings.fetch_timeout), follow_redirects=False, trust_env=False) as c:
        try:
            r = c.post(str(target.copy_with(host=address)), content=body, headers={
                "Host": host_header, "Content-Type": "application/json", "User-Agent": _USER_AGENT,
                "X-Normwatch-Signature": signature}, extensions={"sni_hostname": target.host})
        except httpx.HTTPError as e:
            raise FetchError(f"{url}: {type(e).__name__}: {e or 'connection failed'}", code="NW120") from None
    if r.status_code >= 300:
        raise FetchError(f"{url}: HTTP {r.status_code}", code="NW120")
    return r.status_code


def deliver(store, alert_id: str, settings: Settings) -> tuple[int, str | None]:
    """Post the facts stored since the last delivery; returns (facts posted, error or None).

    On failure nothing is marked delivered, so the next call sends the same facts again.
    """
    alert = get_alert(store, alert_id, with_secret=True)
    if alert is None or not alert["webhook_url"]:
        return 0, None
    mark = alert["delivered_until"] or ""
    facts = matching_facts(store, alert, since=mark, limit=500)
    if not facts:
        return 0, None
    last_doc = facts[-1]["doc_id"]
    if len(facts) == 500 and facts[0]["doc_id"] != last_doc:
        # the limit may have cut the last document's facts: leave that document for the next call
        facts = [f for f in facts if f["doc_id"] != last_doc]
    body = json.dumps({"alert": alert_id, "kind": alert["kind"], "target": alert["target"], "facts": facts},
                      sort_keys=True, ensure_ascii=False).encode("utf-8")
    try:
        _post(alert["webhook_url"], body, sign(alert["secret"] or "", body), settings)
    except NormwatchError as e:
        mark_delivered(store, alert_id, until=None, error=e.detail or str(e))
        return 0, e.detail or str(e)
    ts = facts[-1]["ingested_at"]
    old_ts, old_ids = parse_mark(mark)
    ids = [f["doc_id"] for f in facts if f["ingested_at"] == ts] + (list(old_ids) if old_ts == ts else [])
    mark_delivered(store, alert_id, until=delivery_mark(ts, ids), error=None)
    return len(facts), None


def deliver_all(store, settings: Settings) -> dict[str, tuple[int, str | None]]:
    return {a["id"]: deliver(store, a["id"], settings) for a in list_alerts(store) if a.get("webhook_url")}
