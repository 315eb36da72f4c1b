"""Extraction without a store: inputs -> extraction-contract objects (DESIGN.md).

Used by `normwatch extract`, the evaluation harness and benchmarks. Every document
given is processed (no prefilter): the caller asked for it explicitly.
"""

from __future__ import annotations

import os
from typing import Iterator

from .ingest import process
from .model import Document, Rejection
from .settings import Settings
from .sources import iter_inputs


def extract_documents(paths: list[str], settings: Settings, speaker: dict[str, str] | None = None,
                      *, default_speaker: str | None = None) -> Iterator[Document | Rejection]:
    """Documents with their facts, or Rejections, in input order.

    `speaker` maps an input's base name to the KB id of its first-person speaker
    (as a JSONL `speaker` field would), e.g. {"USA_70_2015.txt": "state:USA"};
    `default_speaker` is the speaker of every input the map and the input leave open.
    The speaker is set before the stages run: statements and stances depend on it.
    """
    items = iter_inputs(paths, settings)
    if speaker or default_speaker:
        items = _with_speaker(items, speaker or {}, default_speaker)
    for out in process(items, settings, use_prefilter=False):
        if isinstance(out, (Document, Rejection)):
            yield out


def _with_speaker(items, speaker: dict[str, str], default: str | None = None):
    for it in items:
        if not isinstance(it, Rejection) and it.meta.speaker is None:
            it.meta.speaker = speaker.get(os.path.basename(it.source)) or default
        yield it


def extract_paths(paths: list[str], settings: Settings,
                  speaker: dict[str, str] | None = None) -> Iterator[dict | Rejection]:
    """Like `extract_documents`, with each document rendered as its contract dict."""
    for out in extract_documents(paths, settings, speaker):
        yield out.to_contract() if isinstance(out, Document) else out
