"""Paging for the read queries: limits, opaque cursors and keyset statements.

Lists use keyset pagination (`WHERE (key, id) < (:k, :id)`) so a cursor stays valid while
documents are added and a deep page costs what the first one does. Split out of `queries.py`
(one module per concern, as the web layer splits its views per resource).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, or_

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
POLARITY_ORDER = ("support", "oppose", "mixed", "neutral")


class QueryError(ValueError):
    """A request parameter the queries cannot use (bad cursor, unknown sort); the API answers 400."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


# -- cursors ------------------------------------------------------------------------------

def encode_cursor(kind: str, values: list[Any], key: bytes) -> str:
    """An opaque, URL-safe cursor naming the list it belongs to and the last row's sort key, signed.

    Form: ``<payload>.<mac>``, both base64url: the payload is the JSON ``[kind, *values]``, the mac
    the first 16 bytes of its HMAC-SHA256 under `key` (the app's cursor key, `cursor_key`).
    """
    raw = json.dumps([kind, *values], separators=(",", ":")).encode("utf-8")
    return f"{_b64(raw)}.{_b64(_mac(key, raw))}"


def decode_cursor(cursor: str | None, kind: str, arity: int, key: bytes) -> list[Any] | None:
    """The sort key a cursor carries; QueryError (an HTTP 400) for a cursor this app did not sign."""
    if not cursor:
        return None
    if len(cursor) > 4 * CURSOR_MAX_TEXT:
        raise QueryError("cursor is not one this API issued", "cursor")
    payload, _, mac = cursor.partition(".")
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        given = base64.urlsafe_b64decode(mac + "=" * (-len(mac) % 4))
    except (binascii.Error, ValueError):
        raise QueryError("cursor is not one this API issued", "cursor") from None
    # the signature first: a forged or edited cursor never reaches the JSON parser or SQL
    if not mac or not hmac.compare_digest(given, _mac(key, raw)):
        raise QueryError("cursor is not one this API issued (bad signature)", "cursor")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise QueryError("cursor is not one this API issued", "cursor") from None
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != kind:
        raise QueryError(f"cursor belongs to another list or sort order (expected {kind})", "cursor")
    # A cursor is client input: only values a sort key can hold get near SQL (issue 13: crafted
    # cursors with lists, huge numbers or booleans gave HTTP 500). Signed cursors hold only such
    # values; the check stays in case the key leaks.
    for v in data[1:]:
        ok = (v is None or (isinstance(v, str) and len(v) <= CURSOR_MAX_TEXT)
              or (isinstance(v, int) and not isinstance(v, bool) and -(2**63) <= v < 2**63)
              or (isinstance(v, float) and math.isfinite(v)))
        if not ok:
            raise QueryError("cursor is not one this API issued", "cursor")
    return data[1:]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _mac(key: bytes, raw: bytes) -> bytes:
    return hmac.new(key, b"normwatch-cursor\0" + raw, hashlib.sha256).digest()[:16]


def cursor_key(db_url: str) -> bytes:
    """The key cursors are signed with: derived from the app's server secret (`accounts.server_secret`).

    Every worker of one store derives the same key, so a cursor from one answers on another.
    Without a secret (a non-SQLite store with NORMWATCH_SECRET unset, or a store beside which no
    secret file can be written) the key comes from the store URL: cursors still cannot be edited
    by accident, but whoever knows the URL could sign one, so set NORMWATCH_SECRET in production.
    """
    from ..store import accounts

    try:
        secret = accounts.server_secret(db_url)
    except (accounts.AccountError, OSError):
        secret = hashlib.sha256(b"normwatch-store-url\0" + db_url.encode("utf-8")).digest()
    return hmac.new(secret, b"normwatch pagination cursors", hashlib.sha256).digest()


CURSOR_MAX_TEXT = 1_000


@dataclass
class Page:
    """One page of a list: the rows and the cursor of the next page (None at the end)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    return limit


def keyset_parts(query, col, idcol, *, desc: bool, after: str | None, nulls_possible: bool = True,
                 null_test=None) -> list:
    """The statements that page through `query` after a cursor, with bind parameters `v`, `last`, `lim`.

    Order: `col` then `idcol`, descending or ascending, with NULL values of `col` last when
    descending and first when ascending (SQLite's own order, made explicit for others). The
    NULL rows and the others are separate statements, run one after the other until the page
    is full, so that each is a plain range over an index (`col <= :v`), never an OR that
    would turn a deep page into a scan. `after` is the cursor's state: None (first page),
    "null" (the last row had no value) or "value". `nulls_possible=False` (a range filter on
    `col` rules NULL out) leaves the NULL statement away: SQLite would otherwise walk every NULL
    row of the index to find none matches the range. `null_test` replaces `col IS NULL` in that
    statement (a form the planner does not answer from `col`'s index, when another index is
    more selective).
    """
    v, last, lim = bindparam("v"), bindparam("last"), bindparam("lim")

    def nonnull(with_cursor: bool):
        q = query.where(col.is_not(None))
        if with_cursor:
            q = q.where(col <= v, or_(col < v, idcol < last)) if desc else q.where(col >= v, or_(col > v, idcol > last))
        return q.order_by(*([col.desc(), idcol.desc()] if desc else [col.asc(), idcol.asc()])).limit(lim)

    def nulls(with_cursor: bool):
        q = query.where(col.is_(None) if null_test is None else null_test)
        if with_cursor:
            q = q.where(idcol < last if desc else idcol > last)
        return q.order_by(idcol.desc() if desc else idcol.asc()).limit(lim)

    if not nulls_possible:
        if desc:
            return [] if after == "null" else [nonnull(after == "value")]
        return [nonnull(after == "value")]
    if desc:
        return [nulls(True)] if after == "null" else [nonnull(after == "value"), nulls(False)]
    return [nonnull(True)] if after == "value" else [nulls(after == "null"), nonnull(False)]


def cursor_state(after: list[Any] | None) -> str | None:
    if after is None:
        return None
    return "null" if after[0] is None else "value"

