"""The knowledge-base schema: what a record of each kind may hold, and the checks run at load.

Why hand-written rather than JSON Schema: the checks that matter here cross records
(duplicate ids, references to ids that must exist, ratification after signature by the
same actor, topic tags from a vocabulary held in another file), and each problem must
name the file, the record id and the field so a data editor can fix it at once.

Two severities:

* **errors** — a record is malformed (missing `source`, bad identifier, duplicate id,
  unknown enum value or topic tag, bad or out-of-order date). `load_kb` raises on these.
* **dangling references** — a well-formed reference to an id no file defines yet (an
  instrument file not written yet). `KB.validate()` and `normwatch kb validate` report
  them; loading still works so that a half-filled KB remains usable.

The format is documented in `FORMAT.md` next to this file; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

# Record kinds, their identifier prefix, the file (or folder) that holds them and its top-level key.
KIND_FILES: dict[str, tuple[str, str | None]] = {
    "state": ("states.yaml", "states"),
    "org": ("orgs.yaml", "orgs"),
    "person": ("people.yaml", "people"),
    "proposition": ("propositions.yaml", "propositions"),
    "event": ("events.yaml", "events"),
    "threat-actor": ("threat_actors.yaml", "threat_actors"),
    "incident": ("incidents.yaml", "incidents"),
    "instrument": ("instruments", None),  # one mapping per file in instruments/
}
KINDS: tuple[str, ...] = (
    "state", "org", "person", "instrument", "proposition", "threat-actor", "incident", "event",
)

# The shared topic vocabulary; topics.yaml is the data, this is the fallback when it is absent.
DEFAULT_TOPICS: tuple[str, ...] = (
    "critical-infrastructure", "due-diligence", "supply-chain", "cert-protection",
    "vulnerability-disclosure", "human-rights", "non-intervention", "criminalisation",
    "procedural-powers", "mutual-assistance", "data-preservation", "capacity-building",
    "confidence-building", "use-of-force", "sovereignty", "information-content",
    "international-cooperation", "attribution", "peaceful-settlement", "international-law",
    "jurisdiction", "extradition", "election-integrity", "private-sector", "arms-control",
    "information-sharing", "development", "privacy", "child-protection", "intellectual-property",
    "terrorism", "ict-restraint", "state-responsibility",
)

STATE_STATUS = ("member", "observer", "other")
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
ORG_KINDS = ("igo", "un-body", "company", "university", "think-tank", "news-agency", "news-outlet",
             "ngo", "government-agency")
INSTRUMENT_KINDS = ("treaty", "protocol", "un-report", "code-of-conduct", "declaration",
                    "corporate-proposal", "resolution", "charter",
                    # issue 11: a body's decision (OSCE Permanent Council), a set of instruments read
                    # as one (the UN framework), a multistakeholder initiative or process, and an
                    # expert work that binds and commits no one (the Tallinn Manual): not an instrument
                    "decision", "framework", "initiative", "expert-work")
# Kinds held in instruments/ that are not instruments anyone subscribes to.
NOT_INSTRUMENTS = frozenset({"expert-work"})
ACTIONS = ("signed", "ratified", "acceded", "sponsored", "endorsed", "joined", "welcomed", "voted-for")
CERTAINTIES = ("confirmed", "official", "alleged", "suspected", "denied")
CHANNELS = ("state-organ", "state-sponsored-proxy", "patriotic-hackers", "criminal", "unknown")
THREAT_CATEGORIES = CHANNELS
# Who holds a threat actor's `suspected_state`: a community assessment, never a government's claim.
SUSPECTED_BY = ("misp-galaxy", "cfr-via-misp-galaxy", "mitre-attack")
ISO3_FORM = re.compile(r"[A-Z]{3}")
NOT_ALNUM = re.compile(r"[^0-9a-z]")  # alias keys: case- and punctuation-blind
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ATTACK_GROUP = re.compile(r"^G\d{4}$")
# Generated files that add records of a kind, and the key under which they extend curated records.
EXTRA_FILES: dict[str, tuple[str, str]] = {"threat-actor": ("threat_actors_galaxy.yaml", "threat_actors")}
ADDITIONS_KEY = "curated_additions"
# What a generated addition may give a curated record (its other facts stay as curated).
ADDITION_FIELDS = frozenset({"id", "aliases", "ambiguous", "attack_id", "uuids", "suspected_state", "suspected_by",
                             "suspected_confidence"})
INCIDENT_TYPES = ("ddos", "espionage", "sabotage", "wiper", "ransomware", "data-theft", "defacement",
                  "supply-chain", "influence", "other")
EFFECTS = ("disruption", "destruction", "theft", "exposure", "none")
EVENT_SERIES = ("gccs", "un-gge", "un-oewg", "un-ahc", "other")
SCOPE_FLAGS = ("states", "state_organs", "military", "non_state_actors", "private_sector", "individuals")

# Slugs: lowercase ASCII words joined by '-' (DESIGN.md).
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
# Territories pycountry lacks but the KB must name (Kosovo uses the user-assigned XKX).
NON_ISO_STATES = frozenset({"XKX"})

# Fields every record may carry.
COMMON = {"id", "name", "aliases", "abbreviations", "ambiguous", "summary", "source", "uncertain", "notes",
          "url", "topics"}
# Further fields each kind may carry; anything else is reported (catches typos like `sorce`).
FIELDS: dict[str, set[str]] = {
    "state": {"iso2", "iso3", "official_name", "status", "region", "subregion", "demonyms", "adjectives",
              "capital", "capitals"},
    "org": {"kind", "parent", "state", "founded", "members", "website"},
    "person": {"role", "affiliation", "state", "org", "roles", "born"},
    "instrument": {"kind", "body", "symbols", "adopted", "opened", "in_force", "binding", "supersedes",
                   "provisions", "definitions", "undefined_terms", "scope", "enforcement", "subscriptions",
                   "descriptions", "languages", "title", "short_name", "parent", "related", "full_title",
                   "back_references"},
    "proposition": {"statement", "support_cues", "oppose_cues", "keywords", "related"},
    "threat-actor": {"category", "state", "organ", "attributed_by", "first_seen", "targets", "related",
                     "keywords", "active", "motivation",
                     # issue 11, from the MISP galaxy: upstream ids and the community's suspicion
                     "uuids", "attack_id", "suspected_state", "suspected_by", "suspected_confidence"},
    "incident": {"start", "end", "victims", "type", "sectors", "effects", "threat_actors", "attributions",
                 "keywords", "related", "date", "countries", "responses"},
    "event": {"series", "place", "country", "start", "end", "outcome", "body", "parent", "participants",
              "related", "chair", "session"},
}
DATE_FIELDS = {"date", "start", "end", "adopted", "opened", "in_force", "founded", "first_seen", "born"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located by file, record id and field."""

    file: str
    record: str | None
    field: str | None
    message: str
    hard: bool = True

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f": {self.record}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


def kind_of_id(ident: str) -> str | None:
    """The kind an identifier names by its prefix (`state:EST` -> "state"), or None."""
    prefix, sep, _ = ident.partition(":")
    return prefix if sep and prefix in KINDS else None


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes known to pycountry, plus the listed non-ISO exceptions."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries) | NON_ISO_STATES


def check_id(ident: Any, kind: str) -> str | None:
    """Why `ident` is not a valid identifier for `kind` (None when it is)."""
    if not isinstance(ident, str) or not ident:
        return "missing or not a string"
    prefix = kind + ":"
    if not ident.startswith(prefix):
        return f"{ident!r} must start with {prefix!r}"
    rest = ident[len(prefix):]
    if kind == "state":
        if not ISO3_FORM.fullmatch(rest):
            return f"{ident!r}: a state id is 'state:' + an ISO 3166-1 alpha-3 code"
        if rest not in iso3_codes():
            return f"{ident!r}: {rest} is not an ISO 3166-1 alpha-3 code (nor a listed exception)"
        return None
    if not SLUG.match(rest):
        return f"{ident!r}: the part after the prefix must be a slug (lowercase ASCII words joined by '-')"
    return None


def norm_date(value: Any) -> Any:
    """Dates as ISO strings: YAML reads 2001-11-23 as a date and 2007 as an int."""
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return str(value)
    return value


def normalise(obj: Any, key: str | None = None) -> Any:
    """A record with every date turned into an ISO string, recursively."""
    import datetime as dt

    if isinstance(obj, dict):
        return {k: normalise(v, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [normalise(v, key) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()[:10]
    if key in DATE_FIELDS:
        return norm_date(obj)
    return obj


def date_before(a: str, b: str) -> bool:
    """True when `a` is certainly earlier than `b`; partial dates compare on what both give."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


class Checker:
    """Collects problems while walking the records; one instance per KB load."""

    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = set(topics)
        self.problems: list[Problem] = []
        self.refs: list[tuple[str, str | None, str, str, tuple[str, ...]]] = []

    def add(self, file: str, rec: str | None, field: str | None, msg: str, hard: bool = True) -> None:
        self.problems.append(Problem(file, rec, field, msg, hard))

    # --- field helpers -------------------------------------------------------------------

    def text(self, f: str, rid: str, r: dict, key: str, required: bool = False) -> None:
        v = r.get(key)
        if v is None:
            if required:
                self.add(f, rid, key, "missing (required)")
            return
        if not isinstance(v, str) or (required and not v.strip()):
            self.add(f, rid, key, f"must be a non-empty string, got {v!r}")

    def strings(self, f: str, rid: str, r: dict, key: str) -> None:
        v = r.get(key)
        if v is None:
            return
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.add(f, rid, key, "must be a list of non-empty strings")

    def regexes(self, f: str, rid: str, r: dict, key: str) -> None:
        self.strings(f, rid, r, key)
        for x in r.get(key) or []:
            if isinstance(x, str):
                try:
                    re.compile(x)
                except re.error as e:
                    self.add(f, rid, key, f"bad regular expression {x!r}: {e}")

    def enum(self, f: str, rid: str, r: dict, key: str, allowed: tuple[str, ...], required: bool = False) -> None:
        v = r.get(key)
        if v is None:
            if required:
                self.add(f, rid, key, f"missing (one of {', '.join(allowed)})")
            return
        if v not in allowed:
            self.add(f, rid, key, f"unknown value {v!r} (allowed: {', '.join(allowed)})")

    def date(self, f: str, rid: str, r: dict, key: str, required: bool = False) -> str | None:
        v = r.get(key)
        if v is None:
            if required:
                self.add(f, rid, key, "missing date")
            return None
        if not isinstance(v, str) or not DATE.match(v):
            self.add(f, rid, key, f"bad date {v!r} (want YYYY-MM-DD, YYYY-MM or YYYY)")
            return None
        return v

    def order(self, f: str, rid: str, earlier: tuple[str, str | None], later: tuple[str, str | None]) -> None:
        (ek, ev), (lk, lv) = earlier, later
        if ev and lv and date_before(lv, ev):
            self.add(f, rid, lk, f"{lk} {lv} is before {ek} {ev}")

    def ref(self, f: str, rid: str, field: str, value: Any, kinds: tuple[str, ...]) -> None:
        """Record a reference to check once every id is known; malformed ones fail now."""
        if value is None:
            return
        if not isinstance(value, str) or kind_of_id(value) not in kinds:
            self.add(f, rid, field, f"{value!r} is not an id of kind {' or '.join(kinds)}")
            return
        bad = check_id(value, kind_of_id(value))
        if bad:
            self.add(f, rid, field, bad)
            return
        self.refs.append((f, rid, field, value, kinds))

    def refs_list(self, f: str, rid: str, r: dict, key: str, kinds: tuple[str, ...]) -> None:
        v = r.get(key)
        if v is None:
            return
        if not isinstance(v, list):
            self.add(f, rid, key, "must be a list of ids")
            return
        for x in v:
            self.ref(f, rid, key, x, kinds)

    def topic_tags(self, f: str, rid: str, field: str, tags: Any) -> None:
        if tags is None:
            return
        if not isinstance(tags, list):
            self.add(f, rid, field, "must be a list of topic tags")
            return
        for t in tags:
            if t not in self.topics:
                self.add(f, rid, field, f"unknown topic tag {t!r} (see topics.yaml)")

    # --- records -------------------------------------------------------------------------

    def record(self, f: str, kind: str, r: Any, index: int) -> str | None:
        """Check one record; return its id when usable."""
        if not isinstance(r, dict):
            self.add(f, f"#{index}", None, f"record must be a mapping, got {type(r).__name__}")
            return None
        rid = r.get("id")
        bad = check_id(rid, kind)
        label = rid if isinstance(rid, str) and rid else f"#{index}"
        if bad:
            self.add(f, label, "id", bad)
        self.text(f, label, r, "name", required=True)
        self.text(f, label, r, "source", required=True)
        for key in ("summary", "uncertain", "notes"):
            v = r.get(key)
            if v is not None and not isinstance(v, str):
                self.add(f, label, key, f"must be a string, got {type(v).__name__}")
        for key in ("aliases", "abbreviations", "ambiguous"):
            self.strings(f, label, r, key)
        self.topic_tags(f, label, "topics", r.get("topics"))
        unknown = set(r) - COMMON - FIELDS[kind]
        for key in sorted(unknown):
            self.add(f, label, key, f"unknown field for a {kind} record (see FORMAT.md)")
        getattr(self, "_" + kind.replace("-", "_"))(f, label, r)
        return None if bad else rid

    def _state(self, f: str, rid: str, r: dict) -> None:
        self.enum(f, rid, r, "status", STATE_STATUS)
        self.enum(f, rid, r, "region", REGIONS)
        for key in ("demonyms", "adjectives", "capitals"):
            self.strings(f, rid, r, key)
        for key in ("iso2", "official_name", "subregion", "capital"):
            self.text(f, rid, r, key)

    def _org(self, f: str, rid: str, r: dict) -> None:
        self.enum(f, rid, r, "kind", ORG_KINDS, required=True)
        self.ref(f, rid, "parent", r.get("parent"), ("org",))
        self.ref(f, rid, "state", r.get("state"), ("state",))
        self.date(f, rid, r, "founded")
        self.refs_list(f, rid, r, "members", ("state", "org"))

    def _person(self, f: str, rid: str, r: dict) -> None:
        self.text(f, rid, r, "role")
        self.ref(f, rid, "affiliation", r.get("affiliation"), ("state", "org"))
        self.ref(f, rid, "state", r.get("state"), ("state",))
        self.ref(f, rid, "org", r.get("org"), ("org",))

    def _proposition(self, f: str, rid: str, r: dict) -> None:
        self.text(f, rid, r, "statement", required=True)
        self.regexes(f, rid, r, "support_cues")
        self.regexes(f, rid, r, "oppose_cues")
        self.strings(f, rid, r, "keywords")
        self.refs_list(f, rid, r, "related", ("instrument", "proposition"))

    def _event(self, f: str, rid: str, r: dict) -> None:
        self.enum(f, rid, r, "series", EVENT_SERIES, required=True)
        self.ref(f, rid, "country", r.get("country"), ("state",))
        self.ref(f, rid, "body", r.get("body"), ("org",))
        self.ref(f, rid, "parent", r.get("parent"), ("event",))
        self.refs_list(f, rid, r, "participants", ("state", "org", "person"))
        self.refs_list(f, rid, r, "related", ("instrument", "event", "proposition"))
        self.order(f, rid, ("start", self.date(f, rid, r, "start")), ("end", self.date(f, rid, r, "end")))

    def _threat_actor(self, f: str, rid: str, r: dict) -> None:
        self.enum(f, rid, r, "category", THREAT_CATEGORIES, required=True)
        self.ref(f, rid, "state", r.get("state"), ("state",))
        self.date(f, rid, r, "first_seen")
        self.refs_list(f, rid, r, "related", ("threat-actor", "incident"))
        self.galaxy_fields(f, rid, r)
        claims = r.get("attributed_by")
        if claims is not None and not isinstance(claims, list):
            self.add(f, rid, "attributed_by", "must be a list")
            return
        for i, a in enumerate(claims or []):
            field = f"attributed_by[{i}]"
            if not isinstance(a, dict):
                self.add(f, rid, field, "must be a mapping")
                continue
            self.ref(f, rid, field + ".claimant", a.get("claimant"), ("state", "org"))
            self.enum(f, rid, a, "certainty", CERTAINTIES)
            self.date(f, rid, a, "date")

    def galaxy_fields(self, f: str, rid: str, r: dict) -> None:
        """uuids, ATT&CK id and the suspected state with whose suspicion it is."""
        uuids = r.get("uuids")
        if uuids is not None and (not isinstance(uuids, list) or not all(isinstance(u, str) and UUID.match(u) for u in uuids)):
            self.add(f, rid, "uuids", "must be a list of lowercase uuids")
        if r.get("attack_id") is not None and not (isinstance(r["attack_id"], str) and ATTACK_GROUP.match(r["attack_id"])):
            self.add(f, rid, "attack_id", f"bad ATT&CK group id {r['attack_id']!r} (want G0000)")
        self.ref(f, rid, "suspected_state", r.get("suspected_state"), ("state",))
        if r.get("suspected_state") is not None:
            self.enum(f, rid, r, "suspected_by", SUSPECTED_BY, required=True)
        elif r.get("suspected_by") is not None:
            self.add(f, rid, "suspected_by", "given without a suspected_state")
        conf = r.get("suspected_confidence")
        if conf is not None and (not isinstance(conf, int) or isinstance(conf, bool) or not 0 <= conf <= 100):
            self.add(f, rid, "suspected_confidence", f"must be an integer 0-100, got {conf!r}")

    def addition(self, f: str, r: Any, index: int, curated: dict[str, dict]) -> str | None:
        """Check a generated addition to a curated threat actor; return the id it extends."""
        if not isinstance(r, dict):
            self.add(f, f"#{index}", None, "an addition must be a mapping")
            return None
        rid = r.get("id")
        label = rid if isinstance(rid, str) and rid else f"#{index}"
        if rid not in curated:
            self.add(f, label, "id", "extends no curated threat actor (curated_additions only extend threat_actors.yaml)")
            return None
        for key in sorted(set(r) - ADDITION_FIELDS):
            self.add(f, label, key, "an addition may only give aliases, ambiguous, attack_id, uuids and the suspected state")
        for key in ("aliases", "ambiguous"):
            self.strings(f, label, r, key)
        self.galaxy_fields(f, label, r)
        return rid

    def unique_threat_forms(self, records: dict[str, dict], kinds: dict[str, str], files: dict[str, str]) -> None:
        """An alias names one threat actor only, compared case- and punctuation-blind; a uuid is one actor's."""
        owner: dict[str, str] = {}
        uuid_owner: dict[str, str] = {}
        for rid, r in records.items():
            if kinds[rid] != "threat-actor":
                continue
            forms = [r.get("name")] + list(r.get("aliases") or []) + list(r.get("abbreviations") or [])
            for form in forms:
                if not isinstance(form, str):
                    continue
                k = NOT_ALNUM.sub("", form.casefold())
                if k and owner.setdefault(k, rid) != rid:
                    self.add(files[rid], rid, "aliases", f"{form!r} also names {owner[k]}: an alias belongs to one actor")
            for u in r.get("uuids") or []:
                if isinstance(u, str) and uuid_owner.setdefault(u, rid) != rid:
                    self.add(files[rid], rid, "uuids", f"uuid {u} is also {uuid_owner[u]}'s")

    def _incident(self, f: str, rid: str, r: dict) -> None:
        start = self.date(f, rid, r, "start")
        end = self.date(f, rid, r, "end")
        self.order(f, rid, ("start", start), ("end", end))
        self.enum(f, rid, r, "type", INCIDENT_TYPES)
        self.refs_list(f, rid, r, "victims", ("state", "org"))
        self.refs_list(f, rid, r, "threat_actors", ("threat-actor",))
        self.refs_list(f, rid, r, "related", ("incident", "instrument", "event"))
        self.strings(f, rid, r, "sectors")
        self.strings(f, rid, r, "keywords")
        for e in r.get("effects") or []:
            if e not in EFFECTS:
                self.add(f, rid, "effects", f"unknown value {e!r} (allowed: {', '.join(EFFECTS)})")
        atts = r.get("attributions")
        if atts is not None and not isinstance(atts, list):
            self.add(f, rid, "attributions", "must be a list")
            return
        for i, a in enumerate(atts or []):
            field = f"attributions[{i}]"
            if not isinstance(a, dict):
                self.add(f, rid, field, "must be a mapping")
                continue
            self.ref(f, rid, field + ".claimant", a.get("claimant"), ("state", "org"))
            self.ref(f, rid, field + ".accused", a.get("accused"), ("state", "org", "threat-actor"))
            if a.get("via") is not None and a["via"] not in CHANNELS:
                self.add(f, rid, field + ".via", f"unknown value {a['via']!r} (allowed: {', '.join(CHANNELS)})")
            if a.get("certainty") not in CERTAINTIES:
                self.add(f, rid, field + ".certainty",
                         f"unknown value {a.get('certainty')!r} (allowed: {', '.join(CERTAINTIES)})")
            self.date(f, rid, a, "date")

    def _instrument(self, f: str, rid: str, r: dict) -> None:
        self.enum(f, rid, r, "kind", INSTRUMENT_KINDS, required=True)
        self.ref(f, rid, "body", r.get("body"), ("org",))
        self.ref(f, rid, "supersedes", r.get("supersedes"), ("instrument",))
        self.ref(f, rid, "parent", r.get("parent"), ("instrument",))
        self.refs_list(f, rid, r, "related", ("instrument", "proposition"))
        self.strings(f, rid, r, "symbols")
        self.strings(f, rid, r, "back_references")
        self.regexes(f, rid, r, "descriptions")
        if r.get("binding") is not None and not isinstance(r["binding"], bool):
            self.add(f, rid, "binding", f"must be true, false or null, got {r['binding']!r}")
        adopted = self.date(f, rid, r, "adopted")
        opened = self.date(f, rid, r, "opened")
        in_force = self.date(f, rid, r, "in_force")
        self.order(f, rid, ("adopted", adopted), ("opened", opened))
        self.order(f, rid, ("adopted", adopted), ("in_force", in_force))
        self.order(f, rid, ("opened", opened), ("in_force", in_force))
        self._provisions(f, rid, r)
        self._definitions(f, rid, r)
        self._scope(f, rid, r)
        self._subscriptions(f, rid, r)

    def _provisions(self, f: str, rid: str, r: dict) -> None:
        provs = r.get("provisions")
        if provs is None:
            return
        if not isinstance(provs, list):
            self.add(f, rid, "provisions", "must be a list")
            return
        seen: set[str] = set()
        for i, p in enumerate(provs):
            if not isinstance(p, dict):
                self.add(f, rid, f"provisions[{i}]", "must be a mapping")
                continue
            num = p.get("number")
            field = f"provisions[{num if num is not None else i}]"
            if num is None or not isinstance(num, (str, int)):
                self.add(f, rid, field + ".number", "missing provision number")
            elif str(num) in seen:
                self.add(f, rid, field + ".number", f"duplicate provision number {num!r}")
            else:
                seen.add(str(num))
            self.topic_tags(f, rid, field + ".topics", p.get("topics"))
            for key in ("heading", "summary"):
                if p.get(key) is not None and not isinstance(p[key], str):
                    self.add(f, rid, f"{field}.{key}", "must be a string")

    def _definitions(self, f: str, rid: str, r: dict) -> None:
        for key in ("definitions", "undefined_terms"):
            items = r.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                self.add(f, rid, key, "must be a list")
                continue
            for i, d in enumerate(items):
                if not isinstance(d, dict) or not isinstance(d.get("term"), str):
                    self.add(f, rid, f"{key}[{i}]", "must be a mapping with a `term`")

    def _scope(self, f: str, rid: str, r: dict) -> None:
        scope = r.get("scope")
        if scope is None:
            return
        if not isinstance(scope, dict):
            self.add(f, rid, "scope", "must be a mapping of flags")
            return
        for flag, v in scope.items():
            field = f"scope.{flag}"
            if flag not in SCOPE_FLAGS:
                self.add(f, rid, field, f"unknown scope flag (allowed: {', '.join(SCOPE_FLAGS)})")
            if not isinstance(v, dict):
                self.add(f, rid, field, "must be a mapping {applies, provision, note}")
            elif v.get("applies") is not None and not isinstance(v.get("applies"), bool):
                self.add(f, rid, field + ".applies", f"must be true, false or null, got {v.get('applies')!r}")

    def _subscriptions(self, f: str, rid: str, r: dict) -> None:
        subs = r.get("subscriptions")
        if subs is None:
            return
        if not isinstance(subs, list):
            self.add(f, rid, "subscriptions", "must be a list")
            return
        signed: dict[str, str] = {}
        bound: list[tuple[str, str, str, str]] = []
        for i, s in enumerate(subs):
            if not isinstance(s, dict):
                self.add(f, rid, f"subscriptions[{i}]", "must be a mapping")
                continue
            actor = s.get("actor")
            field = f"subscriptions[{actor or i}]"
            if actor is None:
                self.add(f, rid, field + ".actor", "missing actor")
            else:
                self.ref(f, rid, field + ".actor", actor, ("state", "org"))
            self.enum(f, rid, s, "action", ACTIONS, required=True)
            d = self.date(f, rid, s, "date")
            if d and isinstance(actor, str):
                if s.get("action") == "signed":
                    signed[actor] = min(signed.get(actor, d), d)
                elif s.get("action") in ("ratified", "acceded"):
                    bound.append((actor, s["action"], d, field))
        for actor, action, d, field in bound:
            if actor in signed and date_before(d, signed[actor]):
                self.add(f, rid, field + ".date", f"{action} {d} is before signed {signed[actor]}")

    # --- cross-record --------------------------------------------------------------------

    def resolve(self, known: dict[str, str]) -> None:
        """Check every recorded reference against the ids the KB defines."""
        for f, rid, field, value, kinds in self.refs:
            if value not in known:
                self.add(f, rid, field, f"refers to {value!r}, which no KB file defines", hard=False)
