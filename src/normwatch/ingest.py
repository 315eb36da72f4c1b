"""The whole path from inputs to stored documents: read -> prefilter -> clean -> extract -> store.

A batch never stops on a bad document: each failure becomes a `Rejection`
(recorded once in the store, with its reason and raw reference) and the batch
goes on. What was stored before is never touched, and storing the same input
again adds nothing.

Memory stays flat over any number of documents (issue 4; `bench/rss.py` measures
it): inputs are streamed, nothing is kept per document, and the text caches of
the HTML libraries are emptied every `CACHE_RELEASE_EVERY` documents.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Iterator

from . import pipeline
from .errors import NormwatchError, StageError
from .kb.loader import pinned
from .model import FACT_LISTS, Document, RawDoc, Rejection
from .settings import Settings
from .sources import iter_inputs
from .stages.clean import clean
from .stages.prefilter import is_relevant


@dataclass
class Counts:
    seen: int = 0
    stored: int = 0
    near_duplicates: int = 0
    existing: int = 0
    filtered: int = 0
    rejected: int = 0
    facts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# trafilatura memoises `trim` and `line_processing` on element texts, up to whole article bodies
# (1,024 entries each: about 18 MB on news pages, more on long reports), and htmldate its date
# parsers on text segments. Across documents these hit almost only on short boilerplate lines, so
# emptying them now and then costs no measurable time and keeps ingest memory flat after warm-up.
CACHE_RELEASE_EVERY = 50
TEXT_CACHE_PACKAGES = ("trafilatura", "htmldate", "courlan")


def release_text_caches(packages: tuple[str, ...] = TEXT_CACHE_PACKAGES) -> int:
    """Empty the size-bounded `lru_cache`s of `packages`; returns the number of entries dropped.

    Unbounded caches (`maxsize=None`) are left alone: those hold one-off set-ups such as
    parsers and translation tables, costly to rebuild and not growing per document.
    """
    seen: set[int] = set()
    dropped = 0
    for name, mod in list(sys.modules.items()):
        if mod is None or not name.startswith(packages) or name.split(".")[0] not in packages:
            continue
        for obj in list(vars(mod).values()):
            if not isinstance(obj, functools._lru_cache_wrapper) or id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.cache_parameters()["maxsize"] is not None:
                dropped += obj.cache_info().currsize
                obj.cache_clear()
    return dropped


def to_document(raw: RawDoc, settings: Settings, stages: list[pipeline.Stage]) -> Document:
    """Clean one raw document and run the extraction stages over it; raises NormwatchError."""
    doc = clean(raw, settings)
    return pipeline.run(doc, stages, settings)


def _rejection(raw: RawDoc, e: NormwatchError, stage: str, doc_id: str | None = None) -> Rejection:
    return Rejection(doc_id=doc_id or raw.id, source=raw.source, stage=stage, code=e.code,
                     detail=e.detail or str(e), raw_ref=raw.raw_ref)


def process(items: Iterable[RawDoc | Rejection], settings: Settings, *, use_prefilter: bool,
            exists: Callable[[str], bool] = lambda _id: False) -> Iterator[Document | Rejection | str]:
    """Turn source items into Documents or Rejections ("filtered" / "exists" markers for skipped ones).

    `exists` lets the caller skip documents it already holds before the costly stages run.
    """
    stages = pipeline.build() if settings.extract else []
    for item in items:
        if isinstance(item, Rejection):
            yield item
            continue
        if use_prefilter and not is_relevant(item.content):
            yield "filtered"
            continue
        if item.id and exists(item.id):
            yield "exists"
            continue
        try:
            doc = clean(item, settings)
        except NormwatchError as e:
            yield _rejection(item, e, "clean")
            continue
        if exists(doc.id):
            yield "exists"
            continue
        try:
            yield pipeline.run(doc, stages, settings)
        except StageError as e:
            # Keep the cleaned text even when extraction fails on it; the failure is recorded.
            yield _rejection(item, e, "extract", doc.id)
            bare = clean(item, settings)
            yield bare


def ingest(inputs: list[str], store, settings: Settings, *, run_id: int | None = None,
           on_event: Callable[[str, object, Counts], None] | None = None, workers: int = 1) -> Counts:
    """Ingest inputs into `store`. `on_event(kind, item, counts)` reports progress and rejections.

    The whole batch sees one knowledge base (`kb.loader.pinned`), even if its files change meanwhile.
    `workers` > 1 cleans and extracts in that many processes (ingest_pool.py); this process still
    writes every result, in input order.
    """
    with pinned():
        return _ingest(inputs, store, settings, run_id, on_event, workers)


def _ingest(inputs: list[str], store, settings: Settings, run_id: int | None,
            on_event: Callable[[str, object, Counts], None] | None, workers: int = 1) -> Counts:
    counts = Counts()
    items = iter_inputs(inputs, settings)
    if workers > 1:
        from .ingest_pool import process_parallel

        outputs = process_parallel(items, settings, use_prefilter=settings.prefilter, workers=workers)
    else:
        outputs = process(items, settings, use_prefilter=settings.prefilter, exists=store.has_document)
    for out in outputs:
        counts.seen += 1
        if counts.seen % CACHE_RELEASE_EVERY == 0:
            release_text_caches()
        if isinstance(out, Rejection):
            counts.rejected += 1
            store.add_rejection(out, run_id)
            # an extraction failure is followed by the bare document: count that one, not this
            if out.stage == "extract":
                counts.seen -= 1
            kind = "rejected"
        elif out == "filtered":
            counts.filtered += 1
            kind = "filtered"
        elif out == "exists":
            counts.existing += 1
            kind = "exists"
        else:
            assert isinstance(out, Document)
            try:
                result = store.add_document(out, run_id, near_dup_threshold=settings.near_dup_threshold)
            except NormwatchError as e:
                rej = Rejection(out.id, out.source, "store", e.code, e.detail or str(e), out.raw_ref)
                counts.rejected += 1
                store.add_rejection(rej, run_id)
                kind, out = "rejected", rej
            else:
                if result == "exists":
                    counts.existing += 1
                else:
                    counts.stored += 1
                    counts.near_duplicates += result == "near-duplicate"
                    for name in FACT_LISTS:
                        counts.facts[name] = counts.facts.get(name, 0) + len(getattr(out, name))
                kind = result
        if on_event:
            on_event(kind, out, counts)
    return counts
