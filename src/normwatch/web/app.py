"""The web application: JSON API, server-rendered pages, one error shape, strict security headers.

    from normwatch.web.app import create_app
    app = create_app("sqlite:///var/normwatch.db")   # then: uvicorn, or TestClient(app)

Read-only but for reviews and logins (web/review.py, web/login.py), which need a token or a
session with its CSRF token; every other handler only reads. Nothing is fetched from a CDN: the CSS and the
small script are served from `static/`, and the Content-Security-Policy allows scripts
and styles from this origin only (no inline scripts), so even text that slipped through
escaping could not run.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import MESSAGES
from .api import NotFound
from .api import router as api_router
from .context import Context
from .export import JSONText
from .kbview import KBView
from .queries import Queries, QueryError, cursor_key

HERE = Path(__file__).parent

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
STATUS_CODES = {404: "NW800", 405: "NW802", 400: "NW801", 422: "NW801", 500: "NW803",
                401: "NW804", 403: "NW805", 429: "NW806"}


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware): adds the headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Pure ASGI middleware: HEAD is answered wherever GET is, with GET's headers and no body (issue 13)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def no_body(message: dict) -> None:
            if message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, no_body)


class ResponseCache:
    """Pure ASGI middleware: answers a repeated GET of the JSON API from memory while the store is unchanged.

    The key is the whole request target (path, query string, host: the `next` links in a
    page are absolute); each entry remembers the store version (`PRAGMA data_version`, read
    per request by `version`) it was computed under, and a different version is a miss, so
    no answer outlives a commit by any process. A cached answer carries `X-Cache: hit`. Only 200 answers up to `max_body` bytes are
    kept, in an LRU of at most `max_bytes`. The version is read *before* the answer is
    computed: an answer that raced a commit is stored under the older version and dropped at
    the next request, never served as current.
    """

    def __init__(self, app: Any, version: Callable[[], Any], *, prefix: str = "/api/v1/",
                 max_bytes: int = 64 << 20, max_body: int = 1 << 20) -> None:
        self.app, self.version, self.prefix = app, version, prefix
        self.max_bytes, self.max_body = max_bytes, max_body
        self._data: OrderedDict[tuple, tuple[Any, int, list, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _key(self, scope: dict) -> tuple:
        host = next((v for k, v in scope.get("headers", []) if k == b"host"), b"")
        return (scope.get("scheme"), host, scope["path"], scope.get("query_string", b""))

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        version = self.version()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == version:
                self._data.move_to_end(key)
                self.hits += 1
            else:
                hit = None
                self.misses += 1
        if hit is not None:
            await send({"type": "http.response.start", "status": hit[1], "headers": [*hit[2], (b"x-cache", b"hit")]})
            await send({"type": "http.response.body", "body": hit[3]})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if start.get("status") == 200 and len(body) <= self.max_body:
            self._store(key, (version, 200, list(start.get("headers", [])), body))

    def _store(self, key: tuple, entry: tuple) -> None:
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            self._data[key] = entry
            self._bytes += len(entry[3])
            while self._bytes > self.max_bytes and self._data:
                _, dropped = self._data.popitem(last=False)
                self._bytes -= len(dropped[3])


def error_body(status: int, message: str, detail: Any = None) -> dict[str, Any]:
    """The one error shape of the API."""
    code = STATUS_CODES.get(status, "NW803" if status >= 500 else "NW801")
    return {"error": {"code": code, "message": message or MESSAGES.get(code, "error"), "detail": detail}}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, detail: Any = None,
           headers: dict[str, str] | None = None) -> Response:
    body = error_body(status, message, detail)
    if _wants_html(request):
        from .pages import render_error

        response = render_error(request, status, body["error"])
    else:
        response = JSONText(body, status_code=status)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _allow(headers: dict[str, str] | None) -> dict[str, str] | None:
    """The Allow header of a 405, with HEAD wherever GET is (HeadAsGet answers it)."""
    if not headers or "Allow" not in headers:
        return headers
    methods = [m.strip() for m in headers["Allow"].split(",") if m.strip()]
    if "GET" in methods and "HEAD" not in methods:
        methods.append("HEAD")
    return {**headers, "Allow": ", ".join(methods)}


ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {"type": "object", "required": ["code", "message", "detail"],
                             "properties": {"code": {"type": "string", "pattern": "^NW[0-9]{3}$"},
                                            "message": {"type": "string"}, "detail": {}}}},
}


# What each ?format= value answers with (web/export.py, web/export_api.py).
FORMAT_MEDIA_TYPES = {
    "csv": ("text/csv",), "jsonl": ("application/x-ndjson",), "stix": ("application/stix+json",),
    "datapackage": ("application/zip",), "parquet": ("application/vnd.apache.parquet", "application/zip"),
}


def _documented_openapi(app: FastAPI) -> Callable[[], dict]:
    """The OpenAPI document as the API really answers (issue 13, checked by schemathesis): errors in
    the one error shape (400 and 404; FastAPI's 422 is never sent), and the CSV and JSONL bodies a
    list gives with ?format=."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for path, item in schema.get("paths", {}).items():
            # outside /api/ an error is a page (see _wants_html)
            body = ({"application/json": {"schema": ERROR_SCHEMA}} if path.startswith("/api/")
                    else {"text/html": {"schema": {"type": "string"}}})
            for op in item.values():
                responses = op.setdefault("responses", {})
                responses.pop("422", None)
                for status, what in (("400", "invalid request parameter"), ("404", "no such id")):
                    responses.setdefault(status, {"description": what, "content": body})
                fmt = next((p for p in op.get("parameters", []) if p.get("name") == "format"), None)
                if fmt is not None:
                    named = json.dumps(fmt.get("schema", {}))
                    content = responses.setdefault("200", {"description": "OK"}).setdefault("content", {})
                    for name, types in FORMAT_MEDIA_TYPES.items():
                        if f"{name}" in named:
                            for media in types:
                                content.setdefault(media, {"schema": {}})
        app.openapi_schema = schema
        return schema

    return openapi


def create_app(db: str | Any, *, kb_path: str | None = None, response_cache: bool = True,
               require_read_token: bool | None = None, base_url: str = "") -> FastAPI:
    """The app over a store: `db` is a SQLAlchemy URL or an open `normwatch.store.Store`.

    `base_url` (the `base_url` setting) prefixes the absolute links of API answers; without it
    links are relative. The request's Host header is never used for them (issue 13).

    `response_cache` keeps answers of the JSON API in memory until the store changes; it is
    on only where the store can say cheaply and exactly that it changed (SQLite).
    """
    from ..store import Store

    store = Store(db) if isinstance(db, str) else db
    app = FastAPI(title="normwatch", version="1", summary="An evidence-linked record of international cyber norms",
                  openapi_url="/api/v1/openapi.json",
                  # the bundled Swagger/ReDoc pages load their assets from a CDN: left off
                  docs_url=None, redoc_url=None)
    # reads go through their own engine (read-only, memory-mapped connections); the version probe
    # tells cached answers when any process has committed to the store
    probe = store.adapter.version_probe(store.engine)
    # cursors are signed with a key from the server secret, read on the first page that needs one
    queries = Queries(store.adapter.read_engine(store.engine), store.adapter, probe=probe,
                      cursor_key=lambda: cursor_key(store.url))
    app.state.ctx = Context(queries, KBView.load(kb_path), store.url)
    app.state.store = store
    app.state.base_url = base_url
    app.include_router(api_router)
    app.openapi = _documented_openapi(app)
    # issue 14: accounts, review, audit and export routes (web/login.py wires them)
    from . import login

    if require_read_token is None:
        from ..settings import Settings

        require_read_token = Settings.load().require_read_token
    login.install(app, store, require_read_token=require_read_token)
    from .pages import router as pages_router

    app.include_router(pages_router)
    from .feeds import router as feeds_router  # issue 15: alert feeds and their management
    from .sources_page import router as sources_router  # issue 15: watched sources

    app.include_router(feeds_router)
    app.include_router(sources_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        msg = {404: "no such page or endpoint", 405: "method not allowed (the API is read-only)"}.get(
            exc.status_code, str(exc.detail))
        return _error(request, exc.status_code, msg, None if exc.status_code in (404, 405) else exc.detail,
                      headers=_allow(getattr(exc, "headers", None)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = [{"param": ".".join(str(p) for p in e.get("loc", [])[1:]), "problem": e.get("msg")}
                  for e in exc.errors()]
        return _error(request, 400, "invalid request parameter", detail)

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> Response:
        return _error(request, 400, str(exc), [{"param": exc.param, "problem": str(exc)}])

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc), {"kind": exc.what, "id": exc.id})

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # no traceback or SQL in the answer: it may show paths and queries to anyone
        return _error(request, 500, "internal server error", None)

    if response_cache and probe is not None:
        app.add_middleware(ResponseCache, version=probe)
    login.read_gate(app)  # outside the cache: a cached answer is still only for those allowed to read
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    # compute the aggregates every visitor's first page needs before anyone asks for them
    threading.Thread(target=_warm, args=(app.state.ctx,), name="normwatch-warm", daemon=True).start()
    return app


def _warm(c: Context) -> None:
    from . import views

    try:
        c.queries.stats()
        views.matrix(c)
        c.queries.contested(8)
    except Exception:  # noqa: BLE001 - warming is an optimisation; a real request will report the fault
        pass


def app_from_env() -> FastAPI:
    """The app over the store named by NORMWATCH_DB (what `normwatch serve` workers start)."""
    from ..settings import Settings

    # NORMWATCH_API_CACHE=0 turns the response cache off (the bench measures both ways)
    settings = Settings.load()
    return create_app(settings.db, response_cache=os.environ.get("NORMWATCH_API_CACHE", "1") != "0",
                      base_url=settings.base_url)
