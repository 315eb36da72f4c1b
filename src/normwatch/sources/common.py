"""Helpers every reader shares: making rejections and turning text bytes into a RawDoc."""

from __future__ import annotations

from typing import Iterator, Union

from ..errors import FetchError, FormatError, InputError, NormwatchError
from ..model import Meta, RawDoc, Rejection
from .decode import decode_bytes
from .detect import binary_reason, detect_kind

__all__ = ["Item", "reject", "from_error", "as_error", "text_doc", "guarded", "short_reason"]

Item = Union[RawDoc, Rejection]

TEXT_KINDS = ("html", "markdown", "text")


def reject(source: str, code: str, detail: str, raw_ref: str | None = None) -> Rejection:
    """A source-stage rejection; `detail` is one line that names the document."""
    return Rejection(doc_id=None, source=source, stage="source", code=code, detail=detail,
                     raw_ref=raw_ref or source)


def from_error(e: NormwatchError, source: str, raw_ref: str | None = None) -> Rejection:
    return reject(source, e.code, e.detail or str(e), raw_ref)


def as_error(r: Rejection) -> InputError:
    """The exception a single-document read raises for a rejection (FetchError for NW12x, FormatError for NW13x)."""
    cls = FetchError if r.code.startswith("NW12") else FormatError if r.code.startswith("NW13") else InputError
    return cls(r.detail, code=r.code, source=r.source)


def check_doc_id(doc_id: str | None, where: str) -> str | None:
    """`doc_id` if the store can hold it; raises InputError NW110 naming the document otherwise."""
    from ..store.schema import DOC_ID_CHARS  # the limit lives with the columns it protects

    if doc_id is not None and len(doc_id) > DOC_ID_CHARS:
        raise InputError(f"{where}: id is {len(doc_id):,} characters, over the store's limit of {DOC_ID_CHARS} "
                         f"(shorten it, or leave 'id' out to use the content hash)", code="NW110")
    return doc_id


def text_doc(data: bytes, *, source: str, raw_ref: str, where: str, declared: str | None = None,
             kind: str | None = None, sniff: bool = True, name: str = "", meta: Meta | None = None,
             doc_id: str | None = None) -> RawDoc:
    """A RawDoc from the bytes of one text document; raises InputError NW101/NW102/NW103.

    `kind` is used when the container already says what it is (HTTP Content-Type,
    WET conversion); otherwise it is detected from the bytes (and `name`). A
    "text" label is still checked when `sniff`, since servers label HTML as text/plain.
    """
    if not data.strip():
        raise InputError(f"{where}: {'no bytes' if not data else 'only whitespace'}", code="NW103")
    why = binary_reason(data[:8192])
    if why:
        raise InputError(f"{where}: {why} (not a text, HTML or Markdown document)", code="NW101")
    if kind is None or (kind == "text" and sniff):
        detected = detect_kind(data[:65536], name)
        kind = detected if detected in TEXT_KINDS else "text"
    text, charset = decode_bytes(data, declared, where=where)
    if not text.strip():
        raise InputError(f"{where}: only whitespace after decoding as {charset}", code="NW103")
    return RawDoc(source=source, raw_ref=raw_ref, content=text, kind=kind, meta=meta or Meta(),
                  id=check_doc_id(doc_id, where), charset=charset)


def guarded(items: Iterator[Item], source: str) -> Iterator[Item]:
    """Pass items through; an unexpected error ends this input (only) as one rejection naming it.

    Readers guard each document inside a container themselves (a JSONL line, a WARC record), so
    what reaches here is a failure of the container as a whole.
    """
    try:
        yield from items
    except NormwatchError as e:
        yield from_error(e, source)
    except OSError as e:
        yield reject(source, "NW100", f"{source}: {e.strerror or e} (check the path and its permissions)")
    except (MemoryError, RecursionError) as e:
        yield reject(source, "NW108", f"{source}: {type(e).__name__} while reading (over the memory or nesting "
                                      f"budget of one document)")
    except Exception as e:  # noqa: BLE001 - one input must never end a batch; the reason is kept
        yield reject(source, "NW109", f"{source}: unexpected {type(e).__name__}: {short_reason(e)}")


def short_reason(e: BaseException, limit: int = 200) -> str:
    """The first line of an exception's message, cut to `limit` characters (no SQL dumps in one-line messages)."""
    text = str(e).strip().splitlines()
    first = text[0] if text else type(e).__name__
    return first if len(first) <= limit else first[: limit - 1] + "…"
