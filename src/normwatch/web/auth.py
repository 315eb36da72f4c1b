"""Who is asking: bearer tokens for the API, session cookies and CSRF tokens for the web UI.

- Write endpoints need `Authorization: Bearer nw_...` with the right scope (or a session
  cookie plus the session's CSRF token in `X-CSRF-Token`, which is what a page's script
  would send). A form post from a page carries the CSRF token in a hidden `csrf` field;
  without it (a forged cross-site request) it is refused with 403.
- The session cookie `nw_session` is HttpOnly, SameSite=Strict, and Secure when the request
  came over TLS (directly or, with uvicorn's --proxy-headers, through a proxy).
- Reads are open unless the `require_read_token` setting is on: then every /api/v1 read and
  every page needs a token with the read scope or a session (`ReadGate`).
- Failed logins are rate-limited per client address and per user name (`LoginLimiter`):
  after `LOGIN_MAX_FAILURES` within `LOGIN_WINDOW` seconds, logins answer 429 until the
  window has passed. The count is per server process (a restart or another worker starts
  from zero), which bounds guessing to a few attempts a minute per process.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from typing import Any

from fastapi import Request

from ..store import accounts
from ..store.accounts import Principal

SESSION_COOKIE = "nw_session"
LOGIN_CSRF_COOKIE = "nw_login_csrf"
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = 300.0
SESSION_HOURS = 12.0


class AuthError(Exception):
    """A request without the credential it needs: 401 (none or invalid), 403 (not allowed), 429 (too many)."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def unauthenticated(message: str = "this endpoint needs a token: Authorization: Bearer nw_...") -> AuthError:
    return AuthError(401, message, "NW804")


def forbidden(message: str) -> AuthError:
    return AuthError(403, message, "NW805")


class LoginLimiter:
    """Failed logins per key (address, user name) in a sliding window; thread-safe."""

    def __init__(self, max_failures: int = LOGIN_MAX_FAILURES, window: float = LOGIN_WINDOW) -> None:
        self.max, self.window = max_failures, window
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> float:
        """Seconds until a login for these keys may be tried again (0: now)."""
        now = time.monotonic()
        with self._lock:
            waits = [self.window - (now - q[0]) for q in (self._recent(k, now) for k in keys) if len(q) >= self.max]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)


class Auth:
    """The app's credential checks over its store (kept on `app.state.auth`)."""

    def __init__(self, store: Any, *, require_read_token: bool = False) -> None:
        self.store = store
        self.require_read_token = require_read_token
        self.limiter = LoginLimiter()
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = accounts.server_secret(self.store.url)
        return self._secret

    def bearer(self, request: Request) -> Principal | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        with self.store.engine.connect() as conn:
            return accounts.check_token(conn, self.secret, value.strip())

    def session(self, request: Request) -> Principal | None:
        cached = getattr(request.state, "nw_session", False)
        if cached is not False:
            return cached
        cookie = request.cookies.get(SESSION_COOKIE)
        found = None
        if cookie:
            with self.store.engine.connect() as conn:
                found = accounts.check_session(conn, self.secret, cookie)
        request.state.nw_session = found
        return found

    def principal(self, request: Request) -> Principal | None:
        """The bearer token's principal if a token is sent (a bad token is no one), else the session's."""
        if request.headers.get("authorization"):
            return self.bearer(request)
        return self.session(request)

    def require(self, request: Request, scope: str, *, csrf: str | None = None) -> Principal:
        """The principal allowed `scope`, or AuthError. A session also needs its CSRF token (`csrf`,
        from the form, or the X-CSRF-Token header): a cookie alone is what a forged request has."""
        if request.headers.get("authorization"):
            p = self.bearer(request)
            if p is None:
                raise unauthenticated("the token is unknown, revoked or expired")
        else:
            p = self.session(request)
            if p is None:
                raise unauthenticated()
            sent = csrf or request.headers.get("x-csrf-token") or ""
            if not hmac.compare_digest(sent.encode(), (p.csrf or "").encode()):
                raise forbidden("missing or wrong CSRF token: reload the page and try again")
        if scope not in p.scopes:
            raise forbidden(f"this credential lacks the {scope} scope")
        return p


def auth(request: Request) -> Auth:
    return request.app.state.auth


def viewer(request: Request) -> Principal | None:
    """The logged-in user of a page (templates call this to show login state and review forms)."""
    try:
        return auth(request).session(request)
    except accounts.AccountError:
        return None


class ReadGate:
    """Pure ASGI middleware: with `require_read_token`, reads need a read-scoped token or a session."""

    OPEN = ("/login", "/static/", "/favicon.ico")

    def __init__(self, app: Any, gate: Auth) -> None:
        self.app, self.gate = app, gate

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or not self.gate.require_read_token or scope.get("method") not in ("GET", "HEAD")
                or scope["path"].startswith(self.OPEN)):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            p = self.gate.principal(request)
        except accounts.AccountError:
            p = None
        if p is not None and "read" in p.scopes:
            await self.app(scope, receive, send)
            return
        from .app import error_body
        from .export import JSONText

        body = error_body(401, "reading this store needs a token with the read scope (or a login)")
        body["error"]["code"] = "NW804"
        if scope["path"].startswith("/api/"):
            response = JSONText(body, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="normwatch"'})
        else:
            from fastapi.responses import RedirectResponse
            from urllib.parse import quote

            response = RedirectResponse("/login?next=" + quote(scope["path"]), status_code=303)
        await response(scope, receive, send)
