"""Gold files: the hand-made annotations `score` compares extraction output with.

The format is that of ``../shared/gold/origin.json``; `load_gold` reads one file or a directory.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NormwatchError

#: Item lists a gold file may hold, in report order.
KINDS = ("actors", "statements", "stances", "subscriptions", "instrument_mentions", "incidents", "events")
DOC_FIELDS = ("title", "publisher", "published", "language")


class GoldError(NormwatchError):
    """A gold file cannot be read or breaks the gold format."""

    code = "NW900"



@dataclass
class GoldDoc:
    """One annotated document: its key (a base name), metadata and expected substrings."""

    key: str
    source: str | None = None
    speaker: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    boilerplate_substrings: list[str] = field(default_factory=list)
    body_substrings: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        """Base names a prediction's source may carry to belong to this document."""
        out = {_basename(self.key)}
        if self.source:
            out.add(_basename(self.source))
        return out


@dataclass
class Gold:
    """Gold documents and their items (each item a dict with a ``doc`` key)."""

    documents: dict[str, GoldDoc] = field(default_factory=dict)
    items: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in KINDS})
    forbidden_stances: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)  # accusations scored whatever incident they are about
    forbidden_claims: list[dict] = field(default_factory=list)  # {doc, accused, why}: accusing them is wrong
    files: list[str] = field(default_factory=list)

    def of(self, kind: str, key: str) -> list[dict]:
        return [it for it in self.items[kind] if it.get("doc") == key]


def load_gold(path: str | os.PathLike) -> Gold:
    """Read a gold file, or every ``*.json`` in a directory, into one `Gold`.

    Raises `GoldError` (NW900) on unreadable JSON, an item naming an unknown
    document, or a document annotated in two files.
    """
    p = Path(path)
    files = sorted(p.glob("*.json")) if p.is_dir() else [p]
    if not files:
        raise GoldError(f"no *.json gold files in {p}", hint="give a gold file or a directory of them")
    gold = Gold()
    for f in files:
        _merge(gold, f)
    return gold


def _merge(gold: Gold, f: Path) -> None:
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GoldError(str(e), source=str(f)) from e
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        raise GoldError("top level must be an object with a 'documents' object", source=str(f))
    for key, d in data["documents"].items():
        if key in gold.documents:
            raise GoldError(f"document {key!r} is annotated twice", source=str(f))
        d = d or {}
        gold.documents[key] = GoldDoc(
            key=key, source=d.get("source"), speaker=d.get("speaker"),
            meta={k: d[k] for k in DOC_FIELDS if k in d},
            boilerplate_substrings=list(d.get("boilerplate_substrings") or []),
            body_substrings=list(d.get("body_substrings") or []))
    for kind in (*KINDS, "forbidden_stances"):
        for i, it in enumerate(data.get(kind) or []):
            if it.get("doc") not in gold.documents:
                raise GoldError(f"{kind}[{i}] names unknown document {it.get('doc')!r}", source=str(f))
            (gold.forbidden_stances if kind == "forbidden_stances" else gold.items[kind]).append(it)
    for kind in ("claims", "forbidden_claims"):
        for i, it in enumerate(data.get(kind) or []):
            if it.get("doc") not in gold.documents:
                raise GoldError(f"{kind}[{i}] names unknown document {it.get('doc')!r}", source=str(f))
            getattr(gold, kind).append(it)
    gold.files.append(str(f))



def _basename(src: str) -> str:
    return re.split(r"[\\/]", src.split("#", 1)[0].split("?", 1)[0].rstrip("/\\"))[-1]
