"""Form posts without python-multipart: URL-encoded bodies only, size-capped, and the error pages for them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse

MAX_FORM_BYTES = 64 << 10


class FormError(Exception):
    """A form body that is not URL-encoded, too large or missing a field; answered 400."""


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a URL-encoded POST body (the last value of a repeated field)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise FormError("forms must be sent as application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormError("form too large")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise FormError("form is not UTF-8") from None
    return {k: v[-1] for k, v in fields.items()}


def local_path(value: str | None, default: str = "/") -> str:
    """A redirect target on this site only: an absolute path, never `//host` or a URL."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return default
    return value


def error_page(request: Request, status: int, code: str, message: str) -> HTMLResponse:
    from .pages import render_error

    return render_error(request, status, {"code": code, "message": message, "detail": None})


def as_dict(fields: dict[str, str], prefix: str) -> dict[str, Any]:
    """Fields named `<prefix>NAME` as {NAME: value}, blank ones left out (a blank correction changes nothing)."""
    return {k[len(prefix):]: v for k, v in fields.items() if k.startswith(prefix) and v != ""}
