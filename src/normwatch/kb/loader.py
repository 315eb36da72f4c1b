"""Load the knowledge-base YAML files into one validated, read-only `KB`.

Loading is cached per data folder and invalidated when any file's size or modification
time changes, because the CLI, the extraction stages and the tests all call `load_kb()`
many times per process. YAML is parsed with libyaml's C loader when present (about ten
times faster than the pure-Python one).

    >>> from normwatch.kb import load_kb
    >>> kb = load_kb()
    >>> kb.name("state:EST")
    'Estonia'
"""

from __future__ import annotations

import re

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from ..errors import KBError
from .schema import (
    ADDITIONS_KEY,
    DEFAULT_TOPICS,
    EXTRA_FILES,
    KIND_FILES,
    NOT_INSTRUMENTS,
    KINDS,
    Checker,
    Problem,
    date_before,
    kind_of_id,
    normalise,
)

__all__ = ["KB", "SurfaceForm", "load_kb", "pinned", "DATA_DIR", "BOUND_ACTIONS"]

DATA_DIR = Path(__file__).resolve().parent / "data"

try:  # the C loader is an optional part of PyYAML wheels
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _Loader = yaml.SafeLoader

# Actions that bind an actor to a binding instrument, and those that commit it to a political one.
BOUND_ACTIONS = frozenset({"ratified", "acceded"})
COMMITTED_ACTIONS = frozenset({"ratified", "acceded", "joined", "sponsored", "endorsed"})
# Within one day, a later step of the treaty procedure wins over an earlier one.
_ACTION_RANK = {"signed": 0, "voted-for": 0, "welcomed": 1, "sponsored": 1, "endorsed": 1, "joined": 2,
                "ratified": 2, "acceded": 2}


@dataclass(frozen=True, slots=True)
class SurfaceForm:
    """A string that names a KB entity in text, for the gazetteer.

    `how` is "name", "alias", "abbreviation", "demonym", "adjective" or "capital".
    `case_sensitive` is true for abbreviations, demonyms, adjectives, capitals and one-word
    names (so "Chad" the country is not "chad", "US" is not "us"); multi-word names match in
    any case. `ambiguous` marks forms the record lists as also meaning something else
    ("America", "Georgia", "Apple"): use them only with supporting context.
    """

    text: str
    id: str
    kind: str
    how: str
    case_sensitive: bool
    ambiguous: bool = False


class KB:
    """The validated knowledge base. Records are plain dicts as in YAML (dates as ISO strings).

    Treat returned records as read-only: they are shared by every caller of the cached KB.
    """

    def __init__(self, path: Path, records: dict[str, dict], kinds: dict[str, str], files: dict[str, str],
                 topics: dict[str, str], problems: list[Problem], cues: dict[str, list[str]] | None = None) -> None:
        self.path = path
        self._cues = cues or {}
        self._records = records
        self._kinds = kinds
        self._files = files
        self._topics = topics
        self._problems = problems
        self._by_kind: dict[str, list[dict]] = {k: [] for k in KINDS}
        for rid, rec in records.items():
            self._by_kind[kinds[rid]].append(rec)
        self._subs = list(self._collect_subscriptions())
        self._subs_by_pair: dict[tuple[str, str], list[dict]] = {}
        for s in self._subs:
            self._subs_by_pair.setdefault((s["actor"], s["instrument"]), []).append(s)
        self._forms: list[SurfaceForm] | None = None

    # --- lookup ------------------------------------------------------------------------

    def get(self, id: str) -> dict | None:
        """The record with this id, or None."""
        return self._records.get(id)

    def kind(self, id: str) -> str | None:
        """"state", "org", "person", "instrument", ... for a known id, else None."""
        return self._kinds.get(id)

    def file(self, id: str) -> str | None:
        """The data file (relative to the KB folder) that defines this id."""
        return self._files.get(id)

    def records(self, kind: str) -> list[dict]:
        """Every record of a kind, in file order (an empty list for an unknown kind)."""
        return list(self._by_kind.get(kind, []))

    def ids(self) -> list[str]:
        return list(self._records)

    def name(self, id: str) -> str:
        """The display name, or the id itself when unknown (so messages never break)."""
        rec = self._records.get(id)
        return rec["name"] if rec and rec.get("name") else id

    def __contains__(self, id: object) -> bool:
        return id in self._records

    def __len__(self) -> int:
        return len(self._records)

    def topics(self) -> dict[str, str]:
        """The topic vocabulary: tag -> one-line meaning."""
        return dict(self._topics)

    def threat_actor_cues(self) -> list[str]:
        """Regexes (threat_actors.yaml `context_cues`) that let an ambiguous threat-actor alias fire."""
        return list(self._cues.get("threat-actor", []))

    # --- surface forms -------------------------------------------------------------------

    def surface_forms(self) -> list[SurfaceForm]:
        """Every name, alias, abbreviation, demonym, adjective and capital, deduplicated."""
        if self._forms is None:
            self._forms = list(self._iter_forms())
        return list(self._forms)

    def _iter_forms(self) -> Iterator[SurfaceForm]:
        seen: set[tuple[str, str, str]] = set()
        for rid, rec in self._records.items():
            kind = self._kinds[rid]
            ambiguous = set(rec.get("ambiguous") or [])
            groups: list[tuple[str, list[str]]] = [
                ("name", [rec["name"]] if rec.get("name") else []),
                ("alias", rec.get("aliases") or []),
                ("abbreviation", rec.get("abbreviations") or []),
                ("demonym", rec.get("demonyms") or []),
                ("adjective", rec.get("adjectives") or []),
                ("capital", ([rec["capital"]] if rec.get("capital") else []) + list(rec.get("capitals") or [])),
            ]
            for how, texts in groups:
                for text in texts:
                    text = text.strip()
                    key = (text, rid, how)
                    if not text or key in seen:
                        continue
                    seen.add(key)
                    one_word = len(text.split()) == 1
                    cs = how not in ("name", "alias") or one_word
                    yield SurfaceForm(text, rid, kind, how, cs, text in ambiguous or how == "capital")
                    spaced = _spaced_code(text) if kind == "threat-actor" else None
                    if spaced and (spaced, rid, how) not in seen:
                        # "APT 5", "TA 505": how incident trackers write a numbered group's code
                        seen.add((spaced, rid, how))
                        yield SurfaceForm(spaced, rid, kind, how, True, text in ambiguous)

    # --- subscriptions -------------------------------------------------------------------

    def _collect_subscriptions(self) -> Iterator[dict]:
        for inst in self._by_kind["instrument"]:
            default_date = inst.get("opened") or inst.get("adopted")
            for s in inst.get("subscriptions") or []:
                if not isinstance(s, dict) or not s.get("actor"):
                    continue
                yield {
                    "actor": s["actor"],
                    "instrument": inst["id"],
                    "action": s.get("action"),
                    "date": s.get("date"),
                    "source": s.get("source") or inst.get("source"),
                    # undated records sort as of the instrument's own date
                    "_when": s.get("date") or default_date or "",
                }

    @staticmethod
    def _public(s: dict) -> dict:
        return {k: v for k, v in s.items() if not k.startswith("_")}

    def subscriptions(self, instrument: str | None = None, actor: str | None = None) -> list[dict]:
        """Subscription records {actor, instrument, action, date, source}, filtered by either side."""
        if instrument and actor:
            subs = self._subs_by_pair.get((actor, instrument), [])
        else:
            subs = [s for s in self._subs
                    if (instrument is None or s["instrument"] == instrument)
                    and (actor is None or s["actor"] == actor)]
        return [self._public(s) for s in subs]

    def status(self, actor: str, instrument: str, as_of: str | None = None) -> dict | None:
        """The actor's latest subscription action on the instrument on or before `as_of` (ISO date).

        Partial dates ("2003") count as on or before any `as_of` in the same period.
        """
        subs = self._subs_by_pair.get((actor, instrument), [])
        if as_of:
            subs = [s for s in subs if not date_before(as_of, s["_when"])]
        if not subs:
            return None
        latest = max(subs, key=lambda s: (s["_when"], _ACTION_RANK.get(s["action"], 0)))
        return self._public(latest)

    def parties(self, instrument: str, as_of: str | None = None) -> set[str]:
        """Actors bound by `as_of`: ratified or acceded for a binding instrument; for a political
        one (declaration, code, report) also those that joined, sponsored or endorsed it."""
        rec = self._records.get(instrument) or {}
        binding = rec.get("binding")
        if binding is None:
            binding = rec.get("kind") in ("treaty", "protocol", "charter")
        wanted = BOUND_ACTIONS if binding else COMMITTED_ACTIONS
        actors = {s["actor"] for s in self._subs if s["instrument"] == instrument}
        out = set()
        for a in actors:
            st = self.status(a, instrument, as_of)
            if st and st["action"] in wanted:
                out.add(a)
        return out

    # --- health --------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """Counts per kind, plus provisions, definitions, subscriptions and topics."""
        out = {k: len(v) for k, v in self._by_kind.items()}
        insts = self._by_kind["instrument"]
        out["instruments_with_provisions"] = sum(1 for i in insts if i.get("provisions"))
        out["provisions"] = sum(len(i.get("provisions") or []) for i in insts)
        out["definitions"] = sum(len(i.get("definitions") or []) for i in insts)
        out["expert_works"] = sum(1 for i in insts if i.get("kind") in NOT_INSTRUMENTS)
        out["subscriptions"] = len(self._subs)
        out["topics"] = len(self._topics)
        actors = self._by_kind["threat-actor"]
        out["threat_actors_from_galaxy"] = sum(1 for a in actors if a.get("uuids"))
        out["threat_actors_attributed"] = sum(1 for a in actors if a.get("state"))
        out["threat_actors_with_suspected_state"] = sum(1 for a in actors if a.get("suspected_state"))
        out["threat_actor_aliases"] = sum(len(a.get("aliases") or []) for a in actors)
        out["threat_actor_ambiguous_aliases"] = sum(len(a.get("ambiguous") or []) for a in actors)
        return out

    def validate(self) -> list[str]:
        """Every problem found at load, hard or not (empty = valid)."""
        return [str(p) for p in self._problems]


# --- loading ---------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple, KB, float]] = {}
# The package's own KB is stat-ed at most this often: the stages ask for it once per document
# each, and stat-ing every YAML file each time cost more than extracting short news items.
# A folder given explicitly (one being edited) is checked on every call.
RECHECK_SECONDS = 1.0
_lock = threading.Lock()
# Open `pinned()` blocks; while any is open the package KB, once loaded, is not checked again.
_pins = 0


@contextmanager
def pinned() -> Iterator[None]:
    """Inside the block, `load_kb()` keeps returning the package KB it has (no file checks).

    A batch (`normwatch ingest`) runs in one: its documents are all extracted against one
    KB even when someone edits the YAML meanwhile, and no second KB is built mid-run
    (the stages' derived tables of the first would otherwise stay alive next to it).
    Process-wide; blocks may nest. A folder passed explicitly is still checked every call.

        >>> with pinned():
        ...     kb = load_kb()       # later calls in the block return this same object
    """
    global _pins
    with _lock:
        _pins += 1
    try:
        yield
    finally:
        with _lock:
            _pins -= 1


def _signature(path: Path) -> tuple:
    """Name, size and mtime of every YAML file: any edit invalidates the cache."""
    out = []
    for p in sorted(path.rglob("*.yaml")):
        st = p.stat()
        out.append((str(p.relative_to(path)), st.st_size, st.st_mtime_ns))
    return tuple(out)


def load_kb(path: Path | str | None = None, *, strict: bool = False) -> KB:
    """The knowledge base in `path` (default: the package's `kb/data`), validated and cached.

    Args:
        path: a folder laid out as FORMAT.md describes.
        strict: also raise on references to ids no file defines (normally only reported
            by `KB.validate()`, so a half-filled KB stays usable).
    Returns:
        the `KB`; the same object again while no file changes.
    Raises:
        KBError (NW700) naming file, record id and field of the first hard problem.
    """
    root = Path(path).resolve() if path is not None else DATA_DIR
    if not root.is_dir():
        raise KBError(f"no knowledge-base folder at {root}", hint="pass the folder that holds states.yaml")
    now = time.monotonic()
    with _lock:
        hit = _cache.get(root)
    if hit and path is None and (_pins or now - hit[2] < RECHECK_SECONDS):
        kb = hit[1]
    else:
        sig = _signature(root)
        with _lock:
            hit = _cache.get(root)
            kb = hit[1] if hit and hit[0] == sig else _build(root)
            _cache[root] = (sig, kb, now)
    bad = [p for p in kb._problems if p.hard or strict]
    if bad:
        more = f"{len(bad) - 1} more problem(s); " if len(bad) > 1 else ""
        raise KBError(str(bad[0]), source=str(root), hint=more + "run `normwatch kb validate` to list them")
    return kb


def check_kb(path: Path | str | None = None) -> tuple[KB | None, list[str]]:
    """Load without raising: the KB (None if unreadable) and every problem, for `kb validate`."""
    root = Path(path).resolve() if path is not None else DATA_DIR
    if not root.is_dir():
        return None, [f"{root}: no knowledge-base folder"]
    kb = _build(root)
    return kb, kb.validate()


def _read(path: Path, rel: str, problems: list[Problem]) -> Any:
    try:
        with path.open("rb") as fh:
            return yaml.load(fh, Loader=_Loader)
    except (OSError, yaml.YAMLError) as e:
        problems.append(Problem(rel, None, None, f"cannot read YAML: {e}".replace("\n", " ")))
        return None


def _items(data: Any, key: str, rel: str, problems: list[Problem]) -> list:
    if data is None:
        return []
    if isinstance(data, dict):
        data = data.get(key)
        if data is None:
            problems.append(Problem(rel, None, key, f"top-level key {key!r} missing"))
            return []
    if not isinstance(data, list):
        problems.append(Problem(rel, None, key, "must be a list of records"))
        return []
    return data


def _build(root: Path) -> KB:
    problems: list[Problem] = []
    topics = _read_topics(root, problems)
    checker = Checker(topics)
    records: dict[str, dict] = {}
    kinds: dict[str, str] = {}
    files: dict[str, str] = {}
    cues: dict[str, list[str]] = {}

    def take(rel: str, kind: str, raw: Any, index: int) -> None:
        rec = normalise(raw)
        rid = checker.record(rel, kind, rec, index)
        if rid is None:
            return
        if rid in records:
            checker.add(rel, rid, "id", f"duplicate id (first defined in {files[rid]})")
            return
        records[rid], kinds[rid], files[rid] = rec, kind, rel

    for kind, (name, key) in KIND_FILES.items():
        p = root / name
        if key is None:
            for fp in sorted(p.glob("*.yaml")) if p.is_dir() else []:
                rel = f"{name}/{fp.name}"
                data = _read(fp, rel, problems)
                if data is None:
                    continue
                if not isinstance(data, dict):
                    problems.append(Problem(rel, None, None, "an instrument file holds one mapping"))
                    continue
                take(rel, kind, data, 0)
        elif p.exists():
            data = _read(p, name, problems)
            for i, raw in enumerate(_items(data, key, name, problems)):
                take(name, kind, raw, i)
            if isinstance(data, dict) and data.get("context_cues") is not None:
                cues[kind] = _cues(data["context_cues"], name, problems)
        if kind in EXTRA_FILES:
            _extra(root, kind, take, checker, records, problems)
    checker.unique_threat_forms(records, kinds, files)
    checker.resolve(kinds)
    problems.extend(checker.problems)
    # hard problems first so load_kb reports the most fundamental one
    problems.sort(key=lambda p: not p.hard)
    return KB(root, records, kinds, files, topics, problems, cues)


def _extra(root: Path, kind: str, take: Any, checker: Checker, records: dict[str, dict],
           problems: list[Problem]) -> None:
    """A generated file of more records of `kind`, and its additions to the curated ones.

    An addition appends aliases and ambiguous forms and fills fields the curated record does not
    set; a field the curated record sets is never overwritten (curated facts win).
    """
    name, key = EXTRA_FILES[kind]
    p = root / name
    if not p.exists():
        return
    data = _read(p, name, problems)
    if data is None:
        return
    if not isinstance(data, dict):
        problems.append(Problem(name, None, None, f"must be a mapping with {key!r} and {ADDITIONS_KEY!r}"))
        return
    curated = {rid: r for rid, r in records.items() if kind_of_id(rid) == kind}
    for i, raw in enumerate(_items(data.get(ADDITIONS_KEY) or [], ADDITIONS_KEY, name, problems)):
        add = normalise(raw)
        rid = checker.addition(name, add, i, curated)
        if rid is None:
            continue
        rec = dict(records[rid])
        for field in ("aliases", "ambiguous"):
            have = list(rec.get(field) or [])
            rec[field] = have + [x for x in add.get(field) or [] if x not in have]
        for field, value in add.items():
            if field not in ("id", "aliases", "ambiguous") and rec.get(field) is None:
                rec[field] = value
        records[rid] = rec
    for i, raw in enumerate(_items(data.get(key) or [], key, name, problems)):
        take(name, kind, raw, i)


def _cues(value: Any, rel: str, problems: list[Problem]) -> list[str]:
    import re

    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        problems.append(Problem(rel, None, "context_cues", "must be a list of regular expressions"))
        return []
    out = []
    for x in value:
        try:
            re.compile(x)
            out.append(x)
        except re.error as e:
            problems.append(Problem(rel, None, "context_cues", f"bad regular expression {x!r}: {e}"))
    return out


def _read_topics(root: Path, problems: list[Problem]) -> dict[str, str]:
    p = root / "topics.yaml"
    if not p.exists():
        return {t: "" for t in DEFAULT_TOPICS}
    data = _read(p, "topics.yaml", problems)
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        problems.append(Problem("topics.yaml", None, "topics", "must be a mapping tag: meaning"))
        return {t: "" for t in DEFAULT_TOPICS}
    out: dict[str, str] = {}
    for tag, meaning in topics.items():
        if not isinstance(tag, str) or not isinstance(meaning, str) or kind_of_id(tag):
            problems.append(Problem("topics.yaml", None, str(tag), "each topic is `tag: one-line meaning`"))
            continue
        out[tag] = meaning
    return out


_NUMBERED_CODE = re.compile(r"^(APT|TA|UNC|FIN|TEMP|DEV|TAG|G)(\d{1,5})$")


def _spaced_code(name: str) -> str | None:
    """A numbered group code written with a space ("APT5" -> "APT 5"); None for other names."""
    m = _NUMBERED_CODE.match(name)
    return f"{m.group(1)} {m.group(2)}" if m else None
