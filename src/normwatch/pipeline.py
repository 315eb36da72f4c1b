"""Orders the extraction stages and checks, at build time, that each one's inputs exist.

A stage is a pure `(Document, Settings) -> Document` function registered under a
versioned name (`quotes.v1`) with the document fields it `requires` and `assigns`.
`build()` refuses an order in which a stage needs something no earlier stage made.
`run()` applies the stages to one document; the caller decides what a failure means
(raise for one document, record a Rejection in a batch).
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from .errors import PipelineError, StageError
from .model import Document
from .settings import Settings

StageFunc = Callable[[Document, Settings], Document]

# What `clean` gives every document before any extraction stage runs.
BASE_FIELDS = frozenset({"text", "meta"})


@dataclass(frozen=True)
class Stage:
    name: str
    func: StageFunc
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document, settings: Settings) -> Document:
        return self.func(doc, settings)


REGISTRY: dict[str, Stage] = {}

# The modules that register the built-in extraction stages, in pipeline order.
STAGE_MODULES = (
    "segment",
    "mentions",
    "actors",
    "statements",
    "stances",
    "subscriptions",
    "incidents",
    "events",
)

DEFAULT_STAGES = (
    "segment.v1",
    "mentions.v1",
    "actors.v1",
    "statements.v1",
    "stances.v1",
    "subscriptions.v1",
    "incidents.v1",
    "events.v1",
)


def stage(name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()) -> Callable[[StageFunc], StageFunc]:
    """Register a stage function under a versioned name."""

    def register(func: StageFunc) -> StageFunc:
        REGISTRY[name] = Stage(name, func, tuple(requires), tuple(assigns))
        return func

    return register


def _load_builtin() -> None:
    for mod in STAGE_MODULES:
        try:
            importlib.import_module(f"normwatch.stages.{mod}")
        except ModuleNotFoundError as e:
            # A stage module not written yet is simply absent from the default pipeline.
            if e.name != f"normwatch.stages.{mod}":
                raise


def build(names: Iterable[str] | None = None) -> list[Stage]:
    """The stages for `names` (default: every built-in stage present), order-checked."""
    _load_builtin()
    if names is None:
        names = [n for n in DEFAULT_STAGES if n in REGISTRY]
    stages: list[Stage] = []
    have = set(BASE_FIELDS)
    for n in names:
        if n not in REGISTRY:
            raise PipelineError(f"unknown stage {n!r}; known: {', '.join(sorted(REGISTRY)) or 'none'}")
        st = REGISTRY[n]
        missing = [r for r in st.requires if r not in have]
        if missing:
            raise PipelineError(f"stage {n} requires {', '.join(missing)}, which no earlier stage assigns")
        have.update(st.assigns)
        stages.append(st)
    return stages


def run(doc: Document, stages: list[Stage], settings: Settings) -> Document:
    """Apply the stages in order; a stage's exception becomes a StageError naming doc and stage.

    A text longer than `settings.extract_window_chars` is extracted in windows (`windows.py`),
    and extraction past `settings.extract_seconds` stops with StageError NW401 (issue 13).
    """
    if not stages:
        return doc
    size = settings.extract_window_chars
    budget = settings.extract_seconds
    deadline = time.monotonic() + budget if budget and budget > 0 else None
    if size and size > 0 and len(doc.text) > size:
        from .windows import run_windowed

        try:
            return run_windowed(doc, lambda part: _run(part, stages, settings), size, deadline)
        except TimeoutError as e:
            raise StageError(f"{len(doc.text)} characters, extraction {e} ({budget:g}s); stored without "
                             f"facts (raise --extract-seconds)", code="NW401", source=doc.source) from None
    return _run(doc, stages, settings)


def _run(doc: Document, stages: list[Stage], settings: Settings) -> Document:
    for st in stages:
        try:
            doc = st(doc, settings)
        except Exception as e:  # noqa: BLE001 - any stage bug must name the document and stage
            from .sources.common import short_reason

            raise StageError(f"{st.name}: {type(e).__name__}: {short_reason(e)}", source=doc.source) from e
    return doc
