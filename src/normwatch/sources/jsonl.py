"""JSON Lines input: one document per line, as exported by scrapers and datasets.

Each line is an object with `text` or `html` and optional `id`, `url`,
`title`, `published`, `publisher`, `author`, `speaker`. A broken line becomes
one NW132 rejection naming its line number; the other lines go on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import BinaryIO, Iterable, Iterator

from ..errors import InputError
from ..model import Meta, RawDoc
from ..settings import Settings
from .common import Item, check_doc_id, reject, short_reason
from .decode import decode_bytes
from .detect import detect_kind

__all__ = ["iter_jsonl", "iter_lines", "record_to_doc"]

META_FIELDS = ("url", "title", "published", "publisher", "author", "speaker")
# Deeper than this is no document record; json itself would hit the recursion limit near 1,000.
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")

_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def iso_date(value: str) -> str | None:
    """`YYYY-MM-DD` from an ISO timestamp or a common written date; None when unsure (never guessed)."""
    value = value.strip()
    m = _ISO_PREFIX.match(value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def iter_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; bytes is None for a line longer than `limit` (its rest is skipped)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            # Drain the over-long line without holding it in memory.
            while True:
                chunk = stream.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def iter_jsonl(lines: Iterable[tuple[int, bytes | None]], source: str, settings: Settings) -> Iterator[Item]:
    """Documents from numbered JSONL lines; a bad line is an NW132 (or NW104/NW103) rejection."""
    for number, line in lines:
        ref = f"{source}:{number}"
        if line is None:
            yield reject(source, "NW104", f"line {number} of {source} is longer than max_bytes "
                                          f"({settings.max_bytes} bytes); split the document or raise --max-bytes", ref)
            continue
        if not line.strip():
            continue
        try:
            yield record_to_doc(line, source=source, number=number)
        except InputError as e:
            yield reject(source, e.code, e.detail, ref)
        except Exception as e:  # noqa: BLE001 - one line must never end the rest of its file (issue 13)
            yield reject(source, "NW109", f"line {number} of {source}: unexpected {type(e).__name__}: "
                                          f"{short_reason(e)}", ref)


def record_to_doc(line: bytes, *, source: str, number: int) -> RawDoc:
    """One JSONL line to a RawDoc; raises InputError (NW132, NW103) naming the line."""
    where = f"line {number} of {source}"
    try:
        obj = json.loads(line)
    except UnicodeDecodeError:
        text, _ = decode_bytes(line, where=where)
        obj = _loads(text, where)
    except ValueError as e:
        raise InputError(f"{where}: invalid JSON ({_short(e)})", code="NW132") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels", code="NW132") from None
    if _depth(obj) > MAX_DEPTH:
        raise InputError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels", code="NW132")
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__} "
                         f"(each line must be one object with a 'text' or 'html' field)", code="NW132")
    body_field = "text" if obj.get("text") is not None else "html" if obj.get("html") is not None else None
    if body_field is None:
        keys = ", ".join(repr(k[:40]) for k in sorted(obj)[:8]) or "none"
        raise InputError(f"{where}: no 'text' or 'html' field (keys: {keys})", code="NW132")
    body = obj[body_field]
    if not isinstance(body, str):
        raise InputError(f"{where}: '{body_field}' must be a string, got {type(body).__name__}", code="NW132")
    # JSON may escape a lone surrogate ("\ud800"); no encoder downstream accepts one, so it reads as U+FFFD.
    body = _SURROGATE.sub("\ufffd", body)
    if not body.strip():
        raise InputError(f"{where}: '{body_field}' is empty", code="NW103")
    fields: dict[str, str | None] = {}
    for name in META_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: '{name}' must be a string or null, got {type(value).__name__}",
                             code="NW132")
        fields[name] = (_SURROGATE.sub("\ufffd", value).strip() or None) if isinstance(value, str) else None
    doc_id = obj.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        raise InputError(f"{where}: 'id' must be a string or integer, got {type(doc_id).__name__}", code="NW132")
    if fields["published"]:
        fields["published"] = iso_date(fields["published"])
    if body_field == "html":
        kind = "html"
    else:
        detected = detect_kind(body[:65536].encode("utf-8", "surrogatepass"))
        kind = detected if detected in ("html", "markdown") else "text"
    if doc_id is not None:
        doc_id = check_doc_id(_SURROGATE.sub("\ufffd", str(doc_id)), where)
    return RawDoc(source=source, raw_ref=f"{source}:{number}", content=body, kind=kind,
                  meta=Meta(**fields), id=doc_id if doc_id is not None and doc_id.strip() else None,
                  charset="utf-8")


def _depth(obj: object) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest = 0
    stack = [(obj, 1)]
    while stack:
        value, d = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                stack.extend((v, d + 1) for v in value if isinstance(v, (dict, list)))
    return deepest


def _loads(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except ValueError as e:
        raise InputError(f"{where}: invalid JSON ({_short(e)})", code="NW132") from None


def _short(e: ValueError) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"{e.msg} at column {e.colno}"
    return str(e).splitlines()[0][:120]
