"""Logging in and out of the web UI, and wiring the review, audit and export routes into the app.

The login form itself carries a CSRF token (a random value in a short-lived cookie and in a
hidden field, which a cross-site form cannot read), so another site cannot log a visitor
into an account of its choosing. Failed attempts are rate-limited (`auth.LoginLimiter`).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store import accounts
from ..store.reviews import ReviewError, record
from ..store.writelock import write_lock
from .auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS, Auth, AuthError, ReadGate, auth, viewer
from .forms import FormError, error_page, local_path, read_form

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, failed: int = 0) -> HTMLResponse:
    from .pages import _page

    token = secrets.token_urlsafe(24)
    r = _page(request, "login.html", me=viewer(request), csrf=token, next=local_path(next), failed=bool(failed))
    r.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=1800, httponly=True, samesite="strict", secure=_secure(request),
                 path="/login")
    return r


@router.post("/login")
async def login(request: Request) -> Response:
    form = await read_form(request)
    sent, expected = form.get("csrf", ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise AuthError(403, "missing or wrong CSRF token: reload the login page", "NW805")
    name, password = form.get("name", "").strip(), form.get("password", "")
    a = auth(request)
    keys = (f"ip:{request.client.host if request.client else '-'}", f"user:{name.lower()}")
    wait = a.limiter.blocked(*keys)
    if wait:
        raise AuthError(429, f"too many failed logins: try again in {int(wait) + 1} s", "NW806")
    user = await run_in_threadpool(_check, a, name, password)
    nxt = local_path(form.get("next"))
    if user is None:
        a.limiter.failed(*keys)
        return RedirectResponse("/login?" + _q(next=nxt, failed=1), status_code=303)
    a.limiter.succeeded(*keys)
    cookie = await run_in_threadpool(_open_session, a, user)
    r = RedirectResponse(nxt, status_code=303)
    r.set_cookie(SESSION_COOKIE, cookie, max_age=int(SESSION_HOURS * 3600), httponly=True, samesite="strict",
                 secure=_secure(request), path="/")
    r.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return r


def _q(**kw: Any) -> str:
    from urllib.parse import urlencode

    return urlencode(kw)


def _check(a: Auth, name: str, password: str) -> dict | None:
    with a.store.engine.connect() as conn:
        return accounts.verify_password(conn, name, password)


def _open_session(a: Auth, user: dict) -> str:
    with write_lock(a.store.url), a.store.engine.begin() as conn:
        cookie, _ = accounts.create_session(conn, a.secret, user["id"], hours=SESSION_HOURS)
        record(conn, user=user["name"], action="session.login")
    return cookie


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await read_form(request)
    a = auth(request)
    who = a.require(request, "read", csrf=form.get("csrf", ""))

    def end() -> None:
        with write_lock(a.store.url), a.store.engine.begin() as conn:
            accounts.end_session(conn, a.secret, who.session or "")
            record(conn, user=who.user, action="session.logout")

    await run_in_threadpool(end)
    r = RedirectResponse("/", status_code=303)
    r.delete_cookie(SESSION_COOKIE, path="/")
    return r


def install(app: FastAPI, store: Any, *, require_read_token: bool = False) -> None:
    """Add accounts, review, audit, export and timeline routes and their error handlers to the app."""
    from . import audit_view, review, timeline
    from .app import error_body
    from .export import JSONText
    from .pages import env

    app.state.auth = Auth(store, require_read_token=require_read_token)
    env.globals["viewer"] = viewer
    for r in (router, review.api, review.pages, audit_view.api, audit_view.pages, timeline.api, timeline.pages):
        app.include_router(r)
    from . import export_api  # without the export extra its STIX and Parquet answers say what to install

    app.include_router(export_api.api)

    def answer(request: Request, status: int, code: str, message: str, detail: Any = None,
               headers: dict | None = None) -> Response:
        if request.url.path.startswith("/api/"):
            body = error_body(status, message, detail)
            body["error"]["code"] = code
            return JSONText(body, status_code=status, headers=headers)
        return error_page(request, status, code, message)

    @app.exception_handler(AuthError)
    async def auth_failed(request: Request, exc: AuthError) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="normwatch"'} if exc.status == 401 else None
        return answer(request, exc.status, exc.code, str(exc), headers=headers)

    @app.exception_handler(ReviewError)
    async def review_failed(request: Request, exc: ReviewError) -> Response:
        status = 404 if exc.missing else 400
        return answer(request, status, "NW800" if exc.missing else "NW801", str(exc),
                      [{"param": exc.param, "problem": str(exc)}])

    @app.exception_handler(FormError)
    async def form_failed(request: Request, exc: FormError) -> Response:
        return answer(request, 400, "NW801", str(exc))

    @app.exception_handler(accounts.AccountError)
    async def account_failed(request: Request, exc: accounts.AccountError) -> Response:
        return answer(request, 500, "NW803", "accounts are not set up on this server: " + str(exc))


def read_gate(app: FastAPI) -> None:
    """The middleware enforcing `require_read_token` (added outside the response cache)."""
    app.add_middleware(ReadGate, gate=app.state.auth)
