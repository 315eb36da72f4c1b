"""Local inputs: a file of any supported kind, or a directory of them (recursive).

The kind comes from the first bytes (see detect.py), so a WARC, a JSONL batch
or an HTML page is read right whatever its name. The size limit is checked
with stat() before the body is read; only containers (WARC, JSONL) may be
larger than `max_bytes`, since they are streamed and the limit applies to
each document inside them.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from typing import Iterator

from ..model import Meta
from ..settings import Settings
from .common import TEXT_KINDS, Item, guarded, reject, text_doc
from .detect import HEAD_BYTES, binary_reason, detect_kind
from .jsonl import iter_jsonl, iter_lines
from .pdf import is_pdf, read_pdf
from .sidecar import INDEX_NAMES, sidecar_meta
from .warc import iter_warc

__all__ = ["iter_path", "iter_file", "walk", "iter_walk"]


def walk(root: str) -> list[str]:
    """Every non-hidden file under `root`, sorted by path; hidden files and folders are skipped."""
    return list(iter_walk(root))


def iter_walk(root: str) -> Iterator[str]:
    """The files of `walk(root)`, in the same order, found as they are needed.

    Only one directory's listing is held at a time (per level), so a folder tree of millions of
    pages costs no memory up front. A subfolder sorts as its name plus "/", which is where its
    files fall among full paths, so the order equals `sorted()` over the whole tree. Like
    os.walk, symbolic links to folders are not followed and unreadable folders are skipped.
    """
    try:
        with os.scandir(root) as it:
            entries = [(e.name, _is_dir(e), e.is_symlink()) for e in it if not e.name.startswith(".")]
    except OSError:
        return
    entries.sort(key=lambda e: e[0] + "/" if e[1] else e[0])
    for name, is_dir, is_link in entries:
        path = os.path.join(root, name)
        if not is_dir:
            yield path
        elif not is_link:
            yield from iter_walk(path)


def _is_dir(entry: os.DirEntry) -> bool:
    """As os.walk decides: an entry whose type cannot be read counts as a file (then rejected with its reason)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def iter_path(path: str, settings: Settings) -> Iterator[Item]:
    """Documents from a file or (recursively) a directory; never raises for bad input."""
    if os.path.isdir(path):
        for p in iter_walk(path):
            if os.path.basename(p) in INDEX_NAMES:
                continue  # the metadata table of the files beside it, not a document
            yield from guarded(iter_file(p, settings), p)
        return
    yield from guarded(iter_file(path, settings), path)


def iter_file(path: str, settings: Settings) -> Iterator[Item]:
    """Documents from one file, by content: WARC/WET, JSONL, gzip of either or of one document, HTML, text, Markdown."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        yield reject(path, "NW106", f"{path}: no such file or directory (check the path)")
        return
    if not os.path.isfile(path):
        yield reject(path, "NW105", f"{path}: not a regular file or directory")
        return
    size = st.st_size
    if size == 0:
        yield reject(path, "NW103", f"{path}: 0 bytes")
        return
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
        kind = detect_kind(head, os.path.basename(path))
        if kind == "warc":
            f.close()
            yield from iter_warc(path, settings)
            return
        if kind == "jsonl":
            f.seek(0)
            yield from iter_jsonl(iter_lines(f, settings.max_bytes), path, settings)
            return
        if size > settings.max_bytes:
            yield reject(path, "NW104", f"{path}: {size} bytes, more than max_bytes ({settings.max_bytes}); "
                                        f"raise --max-bytes or split the file")
            return
        if is_pdf(head):  # issue 15
            yield read_pdf(head + f.read(), source=path, raw_ref=path, where=path, settings=settings,
                           meta=Meta(**sidecar_meta(path)))
            return
        if kind == "binary":
            yield reject(path, "NW101", f"{path}: {binary_reason(head)} (not a text, HTML or Markdown document)")
            return
        if kind == "gzip":
            f.seek(0)
            yield from _iter_gzip(f, path, settings)
            return
        data = head + f.read()
    yield text_doc(data, source=path, raw_ref=path, where=path, kind=kind if kind in TEXT_KINDS else None,
                   sniff=False, name=os.path.basename(path), meta=Meta(**sidecar_meta(path)))


def _iter_gzip(f: io.BufferedReader, path: str, settings: Settings) -> Iterator[Item]:
    """A gzip of one document or of a JSONL batch; the decompressed size is capped at max_bytes too."""
    limit = settings.max_bytes
    try:
        with gzip.GzipFile(fileobj=f) as g:
            data = g.read(limit + 1)
    except EOFError:
        yield reject(path, "NW130", f"{path}: gzip stream cut short at byte {f.tell()} (the file is incomplete; "
                                    f"download it again)")
        return
    except (gzip.BadGzipFile, zlib.error) as e:
        yield reject(path, "NW130", f"{path}: corrupt gzip data near byte {f.tell()} ({e})")
        return
    if len(data) > limit:
        yield reject(path, "NW104", f"{path}: decompresses to more than max_bytes ({limit}); raise --max-bytes")
        return
    inner = os.path.basename(path)[:-3] if path.endswith(".gz") else ""
    kind = detect_kind(data[:HEAD_BYTES], inner)
    if kind == "jsonl":
        yield from iter_jsonl(iter_lines(io.BytesIO(data), limit), path, settings)
        return
    if kind in ("binary", "gzip", "warc"):
        # A WARC here would be one gzip stream over several files' worth; fastwarc reads it from the path.
        if kind == "warc":
            yield from iter_warc(path, settings)
            return
        what = binary_reason(data[:8192]) or "another gzip stream"
        yield reject(path, "NW101", f"{path}: decompressed content is {what}, not text")
        return
    yield text_doc(data, source=path, raw_ref=path, where=path, kind=kind, sniff=False, name=inner)
