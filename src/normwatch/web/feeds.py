"""Alert feeds and the alert management API (issue 15).

- `GET /feeds/<id>.atom`: the alert's newest matching facts as Atom, open to anyone, like reads;
- `GET|POST /api/admin/alerts`, `DELETE /api/admin/alerts/<id>`: manage alerts. They need
  `Authorization: Bearer <token>`: an account token with the admin scope (`normwatch token
  create --scope admin`, issue 14), or the server's static `admin_token` setting
  (NORMWATCH_ADMIN_TOKEN) for deployments without accounts. A token without the scope gets 403.
  They live outside /api/v1/ on purpose: the response cache there keys on the URL only, and
  would hand an authorised answer to anyone.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Body, Request, Response
from fastapi.exceptions import HTTPException

from .. import alerts as al
from ..alerts.atom import atom_feed
from ..errors import InputError
from ..settings import Settings
from .api import JSONText, NotFound
from .auth import auth

router = APIRouter()


def _engine(request: Request):
    return request.app.state.store.engine


@router.get("/feeds/{alert_id}.atom", summary="An alert's newest matching facts as an Atom feed")
def feed(request: Request, alert_id: str) -> Response:
    store = request.app.state.store
    alert = al.get_alert(store, alert_id)
    if alert is None:
        raise NotFound("alert", alert_id)
    facts = al.matching_facts(store, alert, limit=50)
    base = str(request.base_url).rstrip("/")
    return Response(atom_feed(alert, facts, base), media_type="application/atom+xml")


def _require_admin(request: Request) -> None:
    """An account token with the admin scope (issue 14), or the server's static `admin_token`."""
    given = request.headers.get("authorization", "")
    value = given[7:].strip() if given.startswith("Bearer ") else ""
    token = Settings.load().admin_token
    if token and value and hmac.compare_digest(value.encode(), token.encode()):
        return
    principal = auth(request).bearer(request) if value else None
    if principal is not None and "admin" in principal.scopes:
        return
    if principal is not None:
        raise HTTPException(403, "alert management needs a token with the admin scope")
    raise HTTPException(401, "alert management needs Authorization: Bearer <token> (an admin-scoped account "
                             "token, or the server's admin_token)")


@router.get("/api/admin/alerts", summary="Saved alerts (needs the admin token)")
def list_alerts(request: Request) -> Response:
    _require_admin(request)
    return JSONText({"items": al.list_alerts(request.app.state.store)})


@router.post("/api/admin/alerts", status_code=201, summary="Save an alert (needs the admin token)")
def create_alert(request: Request, body: dict[str, Any] = Body(...)) -> Response:
    _require_admin(request)
    try:
        made = al.add_alert(request.app.state.store, str(body.get("id", "")), str(body.get("kind", "")),
                            str(body.get("target", "")), webhook_url=body.get("webhook_url"),
                            secret=body.get("secret"))
    except InputError as e:
        raise HTTPException(409 if e.code == "NW161" else 400, e.detail) from None
    return JSONText(made, status_code=201)


@router.delete("/api/admin/alerts/{alert_id}", status_code=204, summary="Remove an alert (needs the admin token)")
def delete_alert(request: Request, alert_id: str) -> Response:
    _require_admin(request)
    if not al.remove_alert(request.app.state.store, alert_id):
        raise NotFound("alert", alert_id)
    return Response(status_code=204)
