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

Concept tables (a stance target matched by meaning, not by a fixed phrase) add::

      militarised_cyberspace:
        kind: lemmas          # base forms; each word is inflected ("militarise" also
                              # matches "militarizing", "militarisation"); "..." = up to 3 words
        with: [internet, cyberspace, cyber, ...]   # a second word list: both must occur in
                              # one clause, in either order, at most `window` characters apart
        window: 80
        target: proposition:cyber-arms-restraint   # what a match is a stance on
        invert: true          # the phrase names what the proposition is against
        polarity: support     # optional: the phrase itself fixes the polarity
        broad: false          # a weak sign: support only, cyber words close by
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Lexicon", "Table", "load_lexicon", "check_lexicon", "items", "pattern", "table", "targets", "flex_ws", "inflect_lemma",
           "lemma_phrase", "LEXICON_DIR", "has"]

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
_KEYS = {"about", "kind", "case", "wrap", "prefix", "suffix", "items",
         "with", "window", "target", "polarity", "invert", "broad"}
_KINDS = {"patterns", "words", "lemmas"}
# Words a lemma phrase keeps as they are (no inflection).
_FUNCTION_WORDS = frozenset(
    "a an the of to in on by for and or with at from as its their our his her be is are was were this that "
    "these those it we us all any no not into over under than".split())
# What may stand between the two word lists of a concept: no sentence or clause end.
_CLAUSE_GAP = r"[^.;:!?]"


def flex_ws(pattern: str) -> str:
    """A regex whose literal spaces also match line breaks and runs of whitespace.

    Why: plain-text sources are hard-wrapped ("commitment\\nto cooperation"), and a cue
    written with a space must still match there. Spaces inside a character class or a
    lookbehind (which must keep a fixed width) are left alone.

    >>> flex_ws("need for (?:a )?treaty")
    'need\\\\s+for\\\\s+(?:a\\\\s+)?treaty'
    """
    out: list[str] = []
    in_class = False
    behind = 0  # depth of open lookbehind groups
    depth = 0
    behind_at: list[int] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
            if pattern.startswith("(?<=", i) or pattern.startswith("(?<!", i):
                behind_at.append(depth)
                behind += 1
        elif c == ")":
            if behind_at and behind_at[-1] == depth:
                behind_at.pop()
                behind -= 1
            depth -= 1
        elif c == " " and not behind:
            out.append(r"\s+")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def inflect_lemma(word: str) -> str:
    """A regex fragment for a base form and its inflections (our own small rules, no model).

    >>> bool(re.fullmatch(inflect_lemma("militarise"), "militarizing"))
    True
    >>> bool(re.fullmatch(inflect_lemma("threat"), "threats"))
    True
    """
    low = word.lower()
    if low == "...":
        return r"(?:[\w'’-]+\s+){0,3}?"
    if low in _FUNCTION_WORDS or len(low) <= 3 or not re.fullmatch(r"[a-z][a-z'-]*", low):
        return re.escape(word)

    def esc(stem: str) -> str:
        # British and American spellings: behaviour/behavior, -ise/-ize
        return re.escape(stem).replace("our", "ou?r")

    for end in ("isation", "ization"):
        if low.endswith(end):
            return esc(word[: -len(end)]) + "i[sz](?:ations?|e|es|ed|ing)"
    if low.endswith(("ise", "ize")) and len(low) > 5:
        return esc(word[:-3]) + "i[sz](?:e|es|ed|ing|ations?)"
    if low.endswith("y") and low[-2] not in "aeiou":
        return esc(word[:-1]) + "(?:y|ies|ied|ying)"
    if low.endswith("e"):
        return esc(word[:-1]) + "(?:e|es|ed|ing)"
    if low.endswith(("s", "sh", "ch", "x")):
        return esc(word) + "(?:es|ed|ing)?"
    if low.endswith("t"):  # protect -> protection, restrict -> restrictions
        return esc(word) + "(?:s|ed|ing|ions?)?"
    return esc(word) + "(?:s|ed|ing)?"


def lemma_phrase(phrase: str) -> str:
    """A phrase of base forms as a regex: every word inflected, any whitespace or hyphen between;
    "..." stands for up to three other words ("protect ... infrastructure")."""
    out, gap = "", False
    for w in phrase.split():
        if w == "...":
            gap = True
            continue
        frag = inflect_lemma(w)
        if out:
            out += (r"\s+(?:[\w'\u2019-]+\s+){0,3}?" if gap else r"[\s-]+") + frag
        else:
            out = frag
        gap = False
    return out


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
    with_items: tuple[str, ...] = ()
    window: int = 80
    target: str | None = None
    polarity: str | None = None
    invert: bool = False
    broad: bool = False

    def _frags(self, items: tuple[str, ...]) -> list[str]:
        if self.kind == "patterns":
            return list(items)
        ordered = sorted(set(items), key=len, reverse=True)  # "call for" before "call"
        if self.kind == "lemmas":
            return [lemma_phrase(w) for w in ordered]
        return [re.escape(w).replace(r"\ ", r"\s+") for w in ordered]

    def fragments(self) -> list[str]:
        """The items as regex fragments; plain words escaped, their spaces any whitespace."""
        return self._frags(self.items)

    def _wrap(self, alt: str) -> str:
        return rf"\b(?:{alt})\b" if self.wrap == "word" else f"(?:{alt})"

    def _core(self, frags: list[str]) -> str:
        if not self.with_items:
            return self._wrap("|".join(frags))
        # a concept: an item and a `with` word in one clause, either order
        a, b = self._wrap("|".join(frags)), self._wrap("|".join(self._frags(self.with_items)))
        gap = f"{_CLAUSE_GAP}{{0,{self.window}}}?"
        return f"(?:{a}{gap}{b}|{b}{gap}{a})"

    def source(self) -> str:
        return f"{self.prefix}{self._core(self.fragments())}{self.suffix}"

    def compile(self) -> re.Pattern:
        return re.compile(self.source(), self.flags())

    def flags(self) -> int:
        return re.I if self.case == "insensitive" else 0

    def sources_each(self) -> list[str]:
        """One pattern source per item (a stance target table: each item is its own target)."""
        return [f"{self.prefix}{self._core([f])}{self.suffix}" for f in self.fragments()]


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
    extra = _check_concept(qual, raw, problems)
    if extra is None:
        return None
    table = Table(qual, (about or "").strip(), tuple(its), kind, case, wrap, prefix, suffix, **extra)
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


_TARGET_ID = re.compile(r"(?:proposition|instrument):[a-z0-9]+(?:-[a-z0-9]+)*")


def _check_concept(qual: str, raw: dict, problems: list[str]) -> dict | None:
    """The optional concept keys of a table (`with`, `window`, `target`, `polarity`, `invert`, `broad`)."""
    out: dict[str, Any] = {}
    w = raw.get("with")
    if w is not None:
        if not isinstance(w, list) or not w or not all(isinstance(i, str) and i.strip() for i in w):
            problems.append(f"{qual}: 'with' must be a non-empty list of non-empty strings")
            return None
        out["with_items"] = tuple(w)
    win = raw.get("window", 80)
    if not isinstance(win, int) or isinstance(win, bool) or not 0 < win <= 300:
        problems.append(f"{qual}: 'window' must be a whole number of characters, 1-300")
        return None
    out["window"] = win
    tgt = raw.get("target")
    if tgt is not None and (not isinstance(tgt, str) or not _TARGET_ID.fullmatch(tgt)):
        problems.append(f"{qual}: 'target' must be a proposition: or instrument: id")
        return None
    out["target"] = tgt
    pol = raw.get("polarity")
    if pol not in (None, "support", "oppose"):
        problems.append(f"{qual}: 'polarity' must be support or oppose")
        return None
    out["polarity"] = pol
    for key in ("invert", "broad"):
        v = raw.get(key, False)
        if not isinstance(v, bool):
            problems.append(f"{qual}: '{key}' must be true or false")
            return None
        out[key] = v
    if (pol or out["invert"] or out["broad"]) and not tgt:
        problems.append(f"{qual}: polarity/invert/broad need a 'target'")
        return None
    return out


def targets(prefix: str = "") -> list[Table]:
    """Every table of the package lexicon that names a stance `target` (optionally of files `prefix*`)."""
    return [t for n, t in sorted(_default().tables.items()) if t.target and n.startswith(prefix)]


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


def table(name: str) -> Table:
    """The package lexicon's table ``name`` (``file.table``)."""
    return _default().table(name)


def items(name: str) -> tuple[str, ...]:
    """The items of the package lexicon's table ``name`` (``file.table``)."""
    return _default().items(name)


def pattern(name: str) -> re.Pattern:
    """The package lexicon's table ``name`` compiled into one pattern."""
    return _default().pattern(name)


def has(name: str) -> bool:
    """Does the package lexicon hold table ``name`` (``file.table``)? For optional per-item tables."""
    return name in _default()
