"""Alert feeds and the alert management API (issue 15).

- `GET /feeds/<id>.atom`: the alert's newest matching facts as Atom, open to anyone, like reads;
- `GET|POST /api/admin/alerts`, `DELETE /api/admin/alerts/<id>`: manage alerts. They need
  `Authorization: Bearer <admin_token>` (setting `admin_token`, NORMWATCH_ADMIN_TOKEN); with no
  token set they answer 403. This stands in until accounts and tokens exist (issue 14).
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
    token = Settings.load().admin_token
    if not token:
        raise HTTPException(403, "alert management is off: set NORMWATCH_ADMIN_TOKEN (admin_token) on the server")
    given = request.headers.get("authorization", "")
    if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
        raise HTTPException(401, "alert management needs Authorization: Bearer <admin_token>")


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
