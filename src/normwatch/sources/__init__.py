"""Input sources: files, directories, URLs, WARC/WET and JSONL, turned into `RawDoc`s.

A batch (`iter_inputs`) never stops on a bad document: it yields a
`Rejection` (stage "source", code NW1xx, a one-line detail naming the
document) and goes on. A single read (`read_one`) raises the first problem as
an `InputError` instead. The kind of each input is decided by its content
(`detect_kind`), not by its name.

    >>> from normwatch.settings import Settings
    >>> for item in iter_inputs(["corpus/"], Settings()):  # doctest: +SKIP
    ...     print(item.raw_ref)
"""

from __future__ import annotations

from typing import Iterator

import httpx

from ..errors import NormwatchError
from ..model import RawDoc, Rejection
from ..settings import Settings
from .common import as_error, from_error, reject
from .detect import detect_kind
from .files import iter_path
from .urls import fetch_url, is_url

__all__ = ["iter_inputs", "read_one", "detect_kind", "fetch_url"]


def _iter_one(value: str, settings: Settings, transport: httpx.BaseTransport | None) -> Iterator[RawDoc | Rejection]:
    if is_url(value):
        try:
            yield fetch_url(value, settings, transport=transport)
        except NormwatchError as e:
            yield from_error(e, value)
        return
    yield from iter_path(value, settings)


def iter_inputs(inputs: list[str], settings: Settings, *,
                transport: httpx.BaseTransport | None = None) -> Iterator[RawDoc | Rejection]:
    """Every document found in `inputs`, in order; bad ones become Rejections and the iteration goes on.

    Args:
        inputs: file paths, directories (read recursively, sorted, hidden files
            skipped) and http(s) URLs.
        settings: `max_bytes`, `fetch_timeout`, `max_redirects`, `allow_private` apply.
        transport: an httpx transport for URL fetches (tests pass `httpx.MockTransport`).

    Returns:
        An iterator of `RawDoc` (decoded `content`, `kind`, `charset`, `raw_ref`)
        and `Rejection(doc_id=None, stage="source", code="NW1xx", ...)`.
    """
    for value in inputs:
        try:
            yield from _iter_one(str(value), settings, transport)
        except Exception as e:  # noqa: BLE001 - a batch must go on; the reason is kept in the rejection
            yield reject(str(value), "NW100", f"{value}: unexpected {type(e).__name__}: {e}")


def read_one(input: str, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> list[RawDoc]:
    """The documents of one input (a WARC or JSONL file holds several); raises InputError on the first bad one."""
    docs: list[RawDoc] = []
    for item in _iter_one(str(input), settings, transport):
        if isinstance(item, Rejection):
            raise as_error(item)
        docs.append(item)
    return docs
