"""The extractor's vocabulary as data: cue tables in ``kb/data/lexicon/*.yaml``.

Why: the words by which documents speak, attack, attribute, hedge or take a position are
knowledge about the field, not mechanism. An analyst adds a paraphrase by editing a YAML file;
the validator here checks it (every item compiles, names are unique) when it is loaded, and
``normwatch kb validate`` reports the problems. Code asks for a table by its qualified name
(``file.table``) and gets the items or one compiled pattern.

    >>> from normwatch.kb import lexicon
    >>> "say" in lexicon.items("speech.speech_verbs")
    True
    >>> bool(lexicon.pattern("speech.decision_verbs").search("Estonia will RATIFY it"))
    True

A table (format: ``kb/FORMAT.md``, "lexicon/")::

    tables:
      denial:
        about: what an accused party says when it denies   # required, one line
        kind: patterns        # patterns (regex fragments, default) | words (plain phrases)
        case: insensitive     # insensitive (default) | sensitive
        wrap: word            # word: \\b(?:...)\\b (default) | none: (?:...)
        prefix: ""            # optional regex before the alternation
        suffix: ""            # optional regex after it
        items: ["den(?:y|ies|ied)", ...]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Lexicon", "Table", "load_lexicon", "check_lexicon", "items", "pattern", "LEXICON_DIR"]

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
_KEYS = {"about", "kind", "case", "wrap", "prefix", "suffix", "items"}
_KINDS = {"patterns", "words"}


@dataclass(frozen=True)
class Table:
    """One validated cue table."""

    name: str
    about: str
    items: tuple[str, ...]
    kind: str = "patterns"
    case: str = "insensitive"
    wrap: str = "word"
    prefix: str = ""
    suffix: str = ""

    def fragments(self) -> list[str]:
        """The items as regex fragments; plain words escaped, their spaces any whitespace."""
        if self.kind == "patterns":
            return list(self.items)
        # longest first, so "call for" is tried before "call"
        return [re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(self.items), key=len, reverse=True)]

    def source(self) -> str:
        alt = "|".join(self.fragments())
        core = rf"\b(?:{alt})\b" if self.wrap == "word" else f"(?:{alt})"
        return f"{self.prefix}{core}{self.suffix}"

    def compile(self) -> re.Pattern:
        return re.compile(self.source(), re.I if self.case == "insensitive" else 0)


class Lexicon:
    """All tables of a lexicon directory, by qualified name ``file.table``."""

    def __init__(self, tables: dict[str, Table]):
        self.tables = tables
        self._compiled: dict[str, re.Pattern] = {}

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"NW701 no lexicon table {name!r}; known: {', '.join(sorted(self.tables)) or 'none'}") from None

    def items(self, name: str) -> tuple[str, ...]:
        return self.table(name).items

    def pattern(self, name: str) -> re.Pattern:
        if name not in self._compiled:
            self._compiled[name] = self.table(name).compile()
        return self._compiled[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    def __len__(self) -> int:
        return len(self.tables)


def _check_table(qual: str, raw: Any, problems: list[str]) -> Table | None:
    if not isinstance(raw, dict):
        problems.append(f"{qual}: a table must be a mapping")
        return None
    unknown = set(raw) - _KEYS
    if unknown:
        problems.append(f"{qual}: unknown keys {sorted(unknown)}")
    about, its = raw.get("about"), raw.get("items")
    if not isinstance(about, str) or not about.strip():
        problems.append(f"{qual}: 'about' (one line saying what the table is for) is required")
    if not isinstance(its, list) or not its or not all(isinstance(i, str) and i.strip() for i in its):
        problems.append(f"{qual}: 'items' must be a non-empty list of non-empty strings")
        return None
    kind, case, wrap = raw.get("kind", "patterns"), raw.get("case", "insensitive"), raw.get("wrap", "word")
    if kind not in _KINDS or case not in {"insensitive", "sensitive"} or wrap not in {"word", "none"}:
        problems.append(f"{qual}: kind/case/wrap must be one of {sorted(_KINDS)} / insensitive, sensitive / word, none")
        return None
    prefix, suffix = raw.get("prefix", ""), raw.get("suffix", "")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        problems.append(f"{qual}: prefix and suffix must be strings")
        return None
    dupes = sorted({i for i in its if its.count(i) > 1})
    if dupes:
        problems.append(f"{qual}: repeated items {dupes[:5]}")
    table = Table(qual, (about or "").strip(), tuple(its), kind, case, wrap, prefix, suffix)
    if kind == "patterns":
        for item in its:
            try:
                re.compile(item)
            except re.error as e:
                problems.append(f"{qual}: item {item!r} is not a valid regular expression ({e})")
                return None
    try:
        table.compile()
    except re.error as e:
        problems.append(f"{qual}: the table does not compile as one pattern ({e})")
        return None
    return table


def _read(root: Path, problems: list[str]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    if not root.is_dir():
        problems.append(f"{root}: lexicon directory missing")
        return tables
    for path in sorted(root.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            problems.append(f"lexicon/{path.name}: unreadable ({type(e).__name__}: {str(e).splitlines()[0]})")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
            problems.append(f"lexicon/{path.name}: needs a top-level 'tables' mapping")
            continue
        for name, raw in data["tables"].items():
            if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                problems.append(f"lexicon/{path.name}: table name {name!r} must be lowercase snake_case")
                continue
            qual = f"{path.stem}.{name}"
            table = _check_table(qual, raw, problems)
            if table is not None:
                tables[qual] = table
    return tables


def check_lexicon(path: Path | str | None = None) -> list[str]:
    """Every problem of the lexicon at ``path`` (default: the package's), one line each."""
    problems: list[str] = []
    _read(Path(path) if path is not None else LEXICON_DIR, problems)
    return problems


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """The lexicon at ``path`` (default: the package's); raises ValueError listing every problem."""
    problems: list[str] = []
    tables = _read(Path(path) if path is not None else LEXICON_DIR, problems)
    if problems:
        raise ValueError("NW702 invalid lexicon: " + "; ".join(problems))
    return Lexicon(tables)


@functools.lru_cache(maxsize=1)
def _default() -> Lexicon:
    return load_lexicon()


def items(name: str) -> tuple[str, ...]:
    """The items of the package lexicon's table ``name`` (``file.table``)."""
    return _default().items(name)


def pattern(name: str) -> re.Pattern:
    """The package lexicon's table ``name`` compiled into one pattern."""
    return _default().pattern(name)
