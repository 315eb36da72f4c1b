"""One way to answer a list: JSON (with the next page's cursor), CSV or JSONL.

Every list endpoint of the API answers through `list_response`, so `?format=csv` and
`?format=jsonl` work everywhere and the paging links look the same everywhere. CSV and
JSONL carry the next page in a `Link: <...>; rel="next"` header (and `X-Next-Cursor`) so
an export script follows pages without parsing the body.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable
from urllib.parse import quote, unquote, urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response

try:  # orjson encodes a page of facts several times faster than the standard library
    import orjson
except ImportError:  # pragma: no cover - orjson is part of the web extra; json is the fallback
    orjson = None

FORMATS = ("json", "csv", "jsonl")


def dumps(content: Any) -> bytes:
    """Compact UTF-8 JSON, non-ASCII text left as is; values JSON lacks (dates) as their str()."""
    if orjson is not None:
        return orjson.dumps(content, default=str, option=orjson.OPT_NON_STR_KEYS)
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class JSONText(JSONResponse):
    """JSON without the escaping of non-ASCII text: smaller answers, readable in a terminal."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


def request_target(request: Request, **params: str) -> str:
    """This request's path and query (with `params` set), as sent: never its Host header (issue 13)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.url.path)
    query = dict(request.query_params)
    query.update(params)
    return path + ("?" + urlencode(query) if query else "")


def path_id(request: Request, prefix: str, decoded: str) -> str:
    """The id after `prefix` in the path, decoded once from the raw path as the client sent it.

    Servers differ in how often they decode a path ("%2525" twice gives "%"); the raw path is
    exact, so an id holding "/", "%" or "?" comes back as it was stored (issue 13).
    """
    raw = request.scope.get("raw_path")
    if raw:
        text = raw.decode("latin-1").split("?", 1)[0]
        if text.startswith(prefix):
            return unquote(text[len(prefix):], encoding="utf-8", errors="replace")
    return decoded


def absolute(request: Request, target: str) -> str:
    """`target` under the configured `base_url` setting, or relative when none is set."""
    base = getattr(request.app.state, "base_url", "") or ""
    return base.rstrip("/") + target if base else target


def next_link(request: Request, cursor: str | None) -> str | None:
    if not cursor:
        return None
    return absolute(request, request_target(request, cursor=cursor))


def _cell(value: Any) -> Any:
    """A CSV cell: nested values as JSON, None as empty; a leading formula character defused."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        from ..exports.files import defuse  # the one rule for every CSV normwatch writes

        return defuse(value)
    return value


def to_csv(items: list[dict[str, Any]], columns: Iterable[str] | None = None) -> str:
    cols = list(columns or [])
    if not cols:
        seen: dict[str, None] = {}
        for it in items:
            for k in it:
                seen.setdefault(k, None)
        cols = list(seen)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for it in items:
        w.writerow([_cell(it.get(c)) for c in cols])
    return buf.getvalue()


def list_response(request: Request, items: list[dict[str, Any]], next_cursor: str | None = None, *,
                  fmt: str = "json", extra: dict[str, Any] | None = None, name: str = "items",
                  columns: Iterable[str] | None = None) -> Response:
    nxt = next_link(request, next_cursor)
    headers: dict[str, str] = {}
    if nxt:
        headers["Link"] = f'<{nxt}>; rel="next"'
        headers["X-Next-Cursor"] = next_cursor or ""
    if fmt == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return Response(to_csv(items, columns), media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "jsonl":
        body = b"".join(dumps(it) + b"\n" for it in items)
        return Response(body, media_type="application/x-ndjson; charset=utf-8", headers=headers)
    payload = {"items": items, "next_cursor": next_cursor, "next": nxt}
    if extra:
        payload.update(extra)
    return JSONText(payload, headers=headers)
