"""Every core on one machine: ingest's cleaning and extraction in a process pool (issue 12).

    outputs = process_parallel(items, settings, use_prefilter=True, workers=2)

`process_parallel` yields exactly what `ingest.process` yields, in the same order: each worker
runs `ingest.process` itself on one input at a time, so the prefilter, cleaning, stages,
rejection rules and ids are the same code, and the results come back in input order, so the one
writer (the calling process, `ingest._ingest`) stores them in the order a single process would:
near-duplicate links, "exists" counts and rejection rows come out the same.

Reading the inputs stays in the calling process (it is cheap and keeps `file.jsonl:LINE` and
WARC offsets exact); at most `WINDOW_PER_WORKER` inputs per worker are in flight, so memory stays
flat over any number of inputs. Workers are forked after the knowledge base and the stages' tables
are built, so they share them instead of building their own (spawned where fork is missing).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from typing import Iterable, Iterator

from .ingest import CACHE_RELEASE_EVERY, process, release_text_caches
from .model import Document, RawDoc, Rejection
from .settings import Settings

WINDOW_PER_WORKER = 8  # inputs queued per worker: enough to keep each busy, few enough to bound memory
WARM_TEXT = ("The Budapest Convention on Cybercrime was discussed at the United Nations, where Estonia said "
             "that international law applies to state behaviour in cyberspace and called for capacity building.")

_state: dict = {}


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(n: int) -> int:
    """0 (the setting's default) means one per core."""
    return default_workers() if n <= 0 else n


def warm_up(settings: Settings) -> None:
    """Build the knowledge base and the stages' derived tables once, before workers fork off."""
    raw = RawDoc(source="warm-up", raw_ref="warm-up", content="Warm-up\n\n" + WARM_TEXT * 3, kind="text")
    for _ in process([raw], settings, use_prefilter=False):
        pass


def _init(settings: Settings, use_prefilter: bool) -> None:
    from .kb.loader import pinned
    from .store import Store

    # a worker asks the store only whether a document is already there, on its own connection
    store = Store(settings.db, migrate=False)
    pin = pinned()
    pin.__enter__()  # the worker's whole life is one batch: one KB (kept even after a spawn)
    _state.update(settings=settings, use_prefilter=use_prefilter, exists=store.has_document, done=0, pin=pin)


def _work(raw: RawDoc) -> list[Document | Rejection | str]:
    out = list(process([raw], _state["settings"], use_prefilter=_state["use_prefilter"], exists=_state["exists"]))
    _state["done"] += 1
    if _state["done"] % CACHE_RELEASE_EVERY == 0:
        release_text_caches()
    return out


def process_parallel(items: Iterable[RawDoc | Rejection], settings: Settings, *, use_prefilter: bool,
                     workers: int) -> Iterator[Document | Rejection | str]:
    """`ingest.process` over a pool of `workers` processes, results in input order."""
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    if ctx.get_start_method() == "fork":
        warm_up(settings)
    pending: deque = deque()  # in input order: a list of outputs (read rejections) or an AsyncResult
    with ctx.Pool(workers, initializer=_init, initargs=(settings, use_prefilter)) as pool:
        for item in items:
            pending.append([item] if isinstance(item, Rejection) else pool.apply_async(_work, (item,)))
            while len(pending) > workers * WINDOW_PER_WORKER:
                yield from _take(pending.popleft())
        while pending:
            yield from _take(pending.popleft())


def _take(entry) -> list:
    return entry if isinstance(entry, list) else entry.get()
