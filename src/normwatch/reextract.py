"""Re-run the extraction stages over documents already in the store, keeping every human review.

    counts = reextract(store, settings, stages=["segment.v1", ..., "stances.v2"])

The stored text is the cleaned text, frozen at ingest, so spans stay comparable: a new stage
version replaces the machine facts of each document, then `Store.add_document(replace_facts=True)`
lays the reviews back over them (see `store/reviews.py`). A document whose extraction fails
keeps its old facts and is recorded as a rejection; the run goes on.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

from . import pipeline
from .errors import NormwatchError
from .model import Document, Meta, Rejection
from .settings import Settings
from .store import schema as s


def reextract(store, settings: Settings, *, stages: Iterable[str] | None = None,
              doc_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Extract the stored documents again with `stages` (default pipeline); returns counts."""
    built = pipeline.build(list(stages) if stages else None)
    ids = list(doc_ids) if doc_ids else store.document_ids()
    counts = {"documents": 0, "re-extracted": 0, "rejected": 0}
    d = s.documents.c
    for doc_id in ids:
        with store.engine.connect() as conn:
            row = conn.execute(select(s.documents).where(d.id == doc_id)).mappings().first()
        if row is None:
            continue
        counts["documents"] += 1
        doc = Document(row["text"], source=row["source"], id=row["id"], raw_ref=row["raw_ref"],
                       meta=Meta(title=row["title"], publisher=row["publisher"], author=row["author"],
                                 published=row["published"], language=row["language"], url=row["url"],
                                 speaker=row["speaker"]))
        try:
            doc = pipeline.run(doc, built, settings)
            store.add_document(doc, replace_facts=True)
            counts["re-extracted"] += 1
        except NormwatchError as e:
            counts["rejected"] += 1
            store.add_rejection(Rejection(doc_id=doc_id, source=row["source"], stage="reextract", code=e.code,
                                          detail=str(e), raw_ref=row["raw_ref"]))
    return counts
