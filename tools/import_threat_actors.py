"""Build `src/normwatch/kb/data/threat_actors_galaxy.yaml` from the MISP galaxy threat-actor files.

Run again whenever upstream changes (the output is generated: never edit it by hand; edit the
curated `threat_actors.yaml` or this script):

    .venv/bin/python tools/import_threat_actors.py [--galaxy ../shared/corpus/threat-actors] [--report]

Inputs (read `SOURCE.md` in the galaxy folder; CC0 1.0 / BSD 2-clause): the MISP "Threat Actor"
cluster, the MISP cluster of MITRE ATT&CK intrusion sets, and the MISP "Country" cluster.

What it does, in order (every step is deterministic, so a re-run on the same files gives the same
bytes):
1. each ATT&CK intrusion set is joined to the galaxy threat actor that names its ATT&CK id (or,
   failing that, has its name); intrusion sets no threat actor names become actors of their own;
2. each galaxy actor is merged into a curated actor when they share the ATT&CK id (from the
   curated `source`), when the galaxy name is a curated name or alias, or when its aliases reach
   exactly one curated actor; the curated actor keeps its id and every fact and gains the uuids,
   the ATT&CK id, the aliases it lacks and the galaxy's suspected state (`curated_additions:`);
3. galaxy actors with the same name are one actor; the rest become `threat-actor:<slug>` records;
4. an alias (compared case- and punctuation-blind) belongs to one actor only: a curated actor
   keeps it, then the actor whose own name it is, then the one with an ATT&CK id, then the
   lowest uuid; the losers drop it and the winner marks it ambiguous (vendors reuse it);
5. aliases that are also something else are marked `ambiguous` by rule (see `ambiguity`), so the
   mentions stage wants threat-actor context before it takes them.

The suspected state (`meta.country`, ISO alpha-2) is the community's assessment: it goes to
`suspected_state` with `suspected_by: misp-galaxy`, never to `state`/`attributed_by`, which stay
for public claims in the curated file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "normwatch" / "kb" / "data"
CURATED = DATA / "threat_actors.yaml"
OUT = DATA / "threat_actors_galaxy.yaml"
DEFAULT_GALAXY = ROOT.parent / "shared" / "corpus" / "threat-actors"

# Words that say nothing about which group is meant ("Group 3", "The Dukes" less "The").
GENERIC = frozenset({
    "the", "of", "and", "a", "an", "group", "groups", "team", "crew", "gang", "operation", "operations",
    "campaign", "unit", "apt", "threat", "actor", "actors", "hackers", "hacker", "hacking", "army", "cyber",
    "cell", "squad", "collective", "organization", "organisation", "activity", "cluster", "set",
})
# A vendor designator: capitals (or a dotted prefix) and a number, "APT 28", "TA505", "UNC2452", "TEMP.Veles" is not one.
DESIGNATOR = re.compile(r"^[A-Z][A-Z0-9.]*[-\s]?\d+[A-Za-z]?$|^[A-Za-z]+-?\d{2,}$")
ATTACK_ID = re.compile(r"\bG\d{4}\b")
SOFTWARE_LINK = re.compile(r"\[([^\]]+)\]\(https://attack\.mitre\.org/software/S\d+\)")
# Zipf frequency (wordfreq's log scale; 3 = once per million words) from which a word is common English.
COMMON_ZIPF = 3.0
MAX_ALIAS = 60


def norm(s: str) -> str:
    """Case- and punctuation-blind key: "APT 28" == "apt28" == "APT-28"."""
    return re.sub(r"[^0-9a-z]", "", s.casefold())


def slug(s: str) -> str:
    s = s.replace("@", " at ").replace("&", " and ")
    s = re.sub(r"[^0-9a-z]+", "-", s.encode("ascii", "ignore").decode().lower()).strip("-")
    return s or "actor"


def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def ambiguity(alias: str, kb_keys: dict[str, str], software: set[str]) -> str | None:
    """Why `alias` also means something else (None when it is distinctive). Rules, not a hand list:

    - kb-name: it is the name of a state, organisation, person, instrument, incident or event;
    - malware-name: ATT&CK lists software of that name;
    - short: three characters or fewer, or one purely alphabetic word of four or fewer;
    - generic: only generic words and numbers ("Group 3", "Cyber Army");
    - common-word: one distinctive word, and it is common English ("Lotus", "Equation Group").
    """
    k = norm(alias)
    if k in kb_keys:
        return f"kb-name ({kb_keys[k]})"
    if k in software:
        return "malware-name"
    if len(k) <= 3 or (alias.isalpha() and len(alias) <= 4):
        return "short"
    if DESIGNATOR.match(alias):
        return None
    words = re.findall(r"[^\W\d_]+", alias)
    distinctive = [w for w in words if w.lower() not in GENERIC]
    if not distinctive:
        return "generic"
    if len(distinctive) == 1 and zipf(distinctive[0]) >= COMMON_ZIPF:
        return "common-word"
    return None


@dataclass
class Actor:
    """One actor being assembled: galaxy records (uuids) joined, or a curated actor's additions."""

    name: str
    uuids: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # in order of appearance, name first
    attack_id: str | None = None
    suspected: list[tuple[str, str, str | None]] = field(default_factory=list)  # (state id, by, confidence)
    curated: str | None = None  # curated id when merged into a curated actor
    refs: int = 0

    def add_alias(self, a: str) -> None:
        a = " ".join(a.split())
        if 2 <= len(a) <= MAX_ALIAS and not ATTACK_ID.fullmatch(a) and not re.search(r"http|[:;|]", a):
            if norm(a) and all(norm(x) != norm(a) for x in self.aliases):
                self.aliases.append(a)


def load_values(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["values"]


def country_table(values: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """ISO alpha-2 -> state id, and country name (casefolded) -> state id."""
    by_iso2, by_name = {}, {}
    for c in values:
        m = c.get("meta") or {}
        iso2, iso3 = m.get("ISO"), m.get("ISO3")
        if iso2 and iso3:
            by_iso2[iso2.upper()] = f"state:{iso3.upper()}"
            for n in (c.get("value"), c.get("description")):
                if n:
                    by_name[n.casefold()] = f"state:{iso3.upper()}"
    return by_iso2, by_name


def kb_other_keys() -> dict[str, str]:
    """Normalised surface forms of every KB record that is not a threat actor -> its id."""
    sys.path.insert(0, str(ROOT / "src"))
    from normwatch.kb import check_kb  # not load_kb: the previous output may be what is invalid

    kb, _ = check_kb()
    out: dict[str, str] = {}
    for f in kb.surface_forms() if kb is not None else []:
        if f.kind != "threat-actor" and f.how in ("name", "alias", "abbreviation"):
            out.setdefault(norm(f.text), f.id)
    return out


def build(galaxy: Path) -> tuple[dict, dict]:
    """The YAML document to write and a report of what was decided."""
    tas = load_values(galaxy / "misp-galaxy-threat-actor.json")
    sets = load_values(galaxy / "misp-galaxy-mitre-intrusion-set.json")
    iso2, country_names = country_table(load_values(galaxy / "misp-galaxy-country.json"))
    with CURATED.open(encoding="utf-8") as fh:
        curated = yaml.safe_load(fh)["threat_actors"]
    kb_keys = kb_other_keys()
    software = {norm(s) for x in sets for s in SOFTWARE_LINK.findall(x.get("description") or "")}
    report: dict = {"merged_into_curated": {}, "collisions": [], "ambiguous": Counter(),
                    "state_disagrees": [], "unknown_country": Counter(),
              "refused": [], "renamed": []}

    # --- curated keys ---------------------------------------------------------------------
    cur_key: dict[str, str] = {}
    cur_sure: dict[str, str] = {}  # the same without forms the curated record marks ambiguous
    cur_gid: dict[str, str] = {}
    cur_forms: dict[str, set[str]] = {}
    cur_state = {r["id"]: r.get("state") for r in curated}
    cur_names = {norm(r["name"]): r["id"] for r in curated}
    for r in curated:
        forms = [r["name"], *(r.get("aliases") or []), *(r.get("abbreviations") or [])]
        cur_forms[r["id"]] = {norm(x) for x in forms}
        amb = {norm(x) for x in r.get("ambiguous") or []}
        for x in forms:
            cur_key.setdefault(norm(x), r["id"])
            if norm(x) not in amb:
                cur_sure.setdefault(norm(x), r["id"])
        for g in ATTACK_ID.findall(r.get("source") or ""):
            cur_gid.setdefault(g, r["id"])

    # --- 1. galaxy threat actors, then intrusion sets joined to them -------------------------
    actors: list[Actor] = []
    by_gid: dict[str, Actor] = {}
    by_name: dict[str, Actor] = {}
    for t in sorted(tas, key=lambda x: x["uuid"]):
        m = t.get("meta") or {}
        a = Actor(t["value"].strip(), uuids=[t["uuid"]], refs=len(m.get("refs") or []))
        a.add_alias(a.name)
        for s in m.get("synonyms") or []:
            a.add_alias(s)
        gids = ATTACK_ID.findall(" ".join(m.get("synonyms") or []) + " " + " ".join(m.get("name-attribution") or []))
        a.attack_id = min(gids) if gids else None
        state = None
        country = (m.get("country") or "").strip().upper()
        if country:
            state = iso2.get(country)
            if state is None:
                report["unknown_country"][country] += 1
            else:
                a.suspected.append((state, "misp-galaxy", m.get("attribution-confidence")))
        sponsor = (m.get("cfr-suspected-state-sponsor") or "").strip()
        if not state and sponsor and country_names.get(sponsor.casefold()):
            a.suspected.append((country_names[sponsor.casefold()], "cfr-via-misp-galaxy", None))
        actors.append(a)
        by_name.setdefault(norm(a.name), a)
        if a.attack_id:
            by_gid.setdefault(a.attack_id, a)
    for s in sorted(sets, key=lambda x: x["uuid"]):
        m = s.get("meta") or {}
        gid = m.get("external_id")
        name = re.sub(r"\s+-\s+G\d{4}$", "", s["value"]).strip()
        a = by_gid.get(gid) or by_name.get(norm(name))
        if a is None:
            a = Actor(name, attack_id=gid)
            actors.append(a)
            by_name.setdefault(norm(name), a)
        a.uuids.append(s["uuid"])
        a.attack_id = a.attack_id or gid
        a.add_alias(name)
        for x in m.get("synonyms") or []:
            a.add_alias(x)

    # --- 2. into curated actors --------------------------------------------------------------
    # An ATT&CK id, the galaxy name, or two shared aliases, never a form the curated record marks
    # ambiguous (Microsoft's old "IRIDIUM" was Sandworm; MISP's IRIDIUM is another actor), and
    # never against the curated state (a different actor that happens to share a vendor name).
    for a in actors:
        target = cur_gid.get(a.attack_id or "")
        if target is None:
            target = cur_names.get(norm(a.name)) or cur_key.get(norm(a.name))
        if target is None:
            shared = Counter(cur_sure[norm(x)] for x in a.aliases if norm(x) in cur_sure)
            if len(shared) == 1 and max(shared.values()) >= 2:
                target = next(iter(shared))
        suspects = {s for s, _, _ in a.suspected}
        if target and cur_state.get(target) and suspects and cur_state[target] not in suspects:
            report["refused"].append((a.name, target, cur_state[target], sorted(suspects)))
            target = None
        a.curated = target
        if target:
            report["merged_into_curated"].setdefault(target, []).append(a.name)

    # --- 3. same name = same actor; curated merges collapse into one addition each ----------
    merged: dict[str, Actor] = {}
    for a in actors:
        key = "curated:" + a.curated if a.curated else "name:" + norm(a.name)
        b = merged.get(key)
        if b is None:
            merged[key] = a if not a.curated else Actor(a.curated, curated=a.curated)
            b = merged[key]
            if not a.curated:
                continue
        b.uuids += a.uuids
        for x in a.aliases:
            b.add_alias(x)
        b.attack_id = b.attack_id or a.attack_id
        b.suspected += a.suspected
        b.refs += a.refs
    final = sorted(merged.values(), key=lambda a: (a.curated is None, a.curated or norm(a.name), min(a.uuids or [""])))

    # --- 4. one owner per alias ---------------------------------------------------------------
    claims: dict[str, list[tuple[Actor, str]]] = defaultdict(list)
    for a in final:
        for x in a.aliases:
            if a.curated and norm(x) in cur_forms[a.curated]:
                continue  # the curated record already holds it
            claims[norm(x)].append((a, x))
    for k, forms in claims.items():
        if k in cur_key:  # a curated actor owns this alias
            owner = next((a for a, _ in forms if a.curated == cur_key[k]), None)
            losers = [a for a, _ in forms if a is not owner]
            if losers:
                report["collisions"].append((forms[0][1], cur_key[k], sorted(_label(a) for a in losers)))
            for a in losers:
                a.aliases = [x for x in a.aliases if norm(x) != k]
            continue
        if len(forms) == 1:
            continue
        ranked = sorted(forms, key=lambda f: (norm(f[0].name) != k, f[0].curated is None,
                                              f[0].attack_id is None, min(f[0].uuids)))
        owner = ranked[0][0]
        report["collisions"].append((forms[0][1], _label(owner), sorted(_label(a) for a, _ in ranked[1:])))
        for a, _ in ranked[1:]:
            a.aliases = [x for x in a.aliases if norm(x) != k]
        owner.reused = getattr(owner, "reused", set()) | {k}

    # --- 5. records ---------------------------------------------------------------------------
    used_ids = {r["id"] for r in curated}
    additions, records = [], []
    for a in final:
        reused = getattr(a, "reused", set())
        if a.curated:
            extra = [x for x in a.aliases if norm(x) not in cur_forms[a.curated]]
        else:
            extra = a.aliases
        amb = []
        for x in extra:
            why = "reused by vendors" if norm(x) in reused else ambiguity(x, kb_keys, software)
            if why:
                amb.append(x)
                report["ambiguous"][why.split(" (")[0]] += 1
        rec: dict = {}
        if a.curated:
            rec["id"] = a.curated
        else:
            rid = "threat-actor:" + slug(a.name)
            if rid in used_ids:
                rid += "-" + min(a.uuids)[:4]
            used_ids.add(rid)
            rec["id"] = rid
            rec["name"] = a.name
            if norm(a.name) in cur_key:
                # Its name is a curated actor's alias: display it qualified so the name is no
                # surface form of a second actor.
                rec["name"] = f"{a.name} (MISP galaxy)"
                report["renamed"].append((a.name, cur_key[norm(a.name)]))
        aliases = [x for x in extra if a.curated or x != a.name]
        if aliases:
            rec["aliases"] = aliases
        if amb:
            rec["ambiguous"] = amb
        if not a.curated:
            rec["category"] = "unknown"
        if a.attack_id:
            rec["attack_id"] = a.attack_id
        rec["uuids"] = sorted(set(a.uuids))
        if a.suspected:
            votes = Counter(s for s, _, _ in a.suspected)
            state = sorted(votes, key=lambda s: (-votes[s], s))[0]
            by = next(b for s, b, _ in a.suspected if s == state)
            conf = next((c for s, _, c in a.suspected if s == state and c), None)
            rec["suspected_state"] = state
            rec["suspected_by"] = by
            if conf and str(conf).isdigit():
                rec["suspected_confidence"] = int(conf)
            cur_state = next((r.get("state") for r in curated if r["id"] == a.curated), None) if a.curated else None
            if cur_state and cur_state != state:
                report["state_disagrees"].append((a.curated, cur_state, state))
        if not a.curated:
            rec["source"] = _source(a)
        (additions if a.curated else records).append(rec)
    doc = {"curated_additions": additions, "threat_actors": records}
    return doc, report


def _label(a: Actor) -> str:
    return a.curated or a.name


def _source(a: Actor) -> str:
    parts = ["MISP galaxy threat-actor cluster" if any(True for _ in a.uuids) else ""]
    if a.attack_id:
        parts.append(f"MITRE ATT&CK {a.attack_id} (MISP intrusion-set cluster)")
    return "; ".join(p for p in parts if p) + " (CC0/BSD-2, commit 9434ace)"


HEADER = """\
# GENERATED by tools/import_threat_actors.py: do not edit by hand (edit threat_actors.yaml or the
# importer, then run it again).
#
# From: the MISP galaxy (github.com/MISP/misp-galaxy, clusters/threat-actor.json,
# mitre-intrusion-set.json, country.json; snapshot of commit 9434ace4eb925c9a1c9b3bccf014a25f9d14f0b0,
# copied in ../shared/corpus/threat-actors/). Licence of the source data: CC0 1.0 / BSD 2-clause.
# Each record keeps the upstream uuid(s) so later snapshots merge into the same record.
#
# `suspected_state` is the community's assessment (MISP `meta.country`, or the CFR tracker's
# suspected sponsor carried by MISP): `suspected_by` says whose. It is not a government's
# attribution; `state` and `attributed_by` are only set in the curated threat_actors.yaml.
# `curated_additions` adds uuids, the ATT&CK id, aliases and the suspected state to curated actors,
# whose other facts stay as curated. `ambiguous` lists aliases that also mean something else
# (rules in the importer's `ambiguity`): the mentions stage needs threat-actor context for them.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--galaxy", type=Path, default=DEFAULT_GALAXY, help="folder with the three MISP JSON files")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--report", action="store_true", help="print every alias collision and its resolution")
    args = ap.parse_args(argv)
    doc, report = build(args.galaxy)
    text = HEADER + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110)
    args.out.write_text(text, encoding="utf-8")
    recs = doc["threat_actors"]
    print(f"{len(recs)} new actors, {len(doc['curated_additions'])} curated actors extended, "
          f"{sum(1 for r in recs if r.get('suspected_state'))} new with a suspected state; "
          f"{len(report['collisions'])} alias collisions resolved; ambiguous aliases: "
          f"{dict(sorted(report['ambiguous'].items()))}", file=sys.stderr)
    for cid, st, sus in report["state_disagrees"]:
        print(f"note: {cid}: curated state {st}, galaxy suspects {sus}", file=sys.stderr)
    for name, cid, st, sus in report["refused"]:
        print(f"note: {name!r} not merged into {cid}: curated state {st}, galaxy suspects {', '.join(sus)}",
              file=sys.stderr)
    for name, cid in report["renamed"]:
        print(f"note: galaxy actor {name!r} shares its name with an alias of {cid}: shown as "
              f"'{name} (MISP galaxy)'", file=sys.stderr)
    for c, n in sorted(report["unknown_country"].items()):
        print(f"note: country code {c!r} not in the country cluster ({n} actors)", file=sys.stderr)
    if args.report:
        for alias, owner, losers in report["collisions"]:
            print(f"collision: {alias!r} -> {owner} (dropped from {', '.join(losers)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
