"""Checks on the knowledge base's threat actors and incidents (issue 3, items 6-7).

The data files are read with plain PyYAML so these tests do not depend on the KB loader;
one test also loads them through `normwatch.kb.load_kb` when that module is importable.
Run: `.venv/bin/pytest tests/unit/test_kb_threats.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

import normwatch
from normwatch.model import CERTAINTIES, CHANNELS
from tests.conftest import shared_path

DATA = Path(normwatch.__file__).resolve().parent / "kb" / "data"

CATEGORIES = CHANNELS  # a threat actor's category uses the attribution channel vocabulary
INCIDENT_TYPES = {"ddos", "espionage", "sabotage", "wiper", "ransomware", "data-theft", "defacement",
                  "supply-chain", "influence", "other"}
EFFECTS = {"disruption", "destruction", "theft", "exposure", "none"}

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
STATE_ID = re.compile(r"state:[A-Z]{3}")
ORG_ID = re.compile(rf"org:{SLUG}")
DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

REQUIRED_INCIDENTS = [
    "estonia-2007", "georgia-2008", "stuxnet-2010", "shamoon-2012", "sony-pictures-2014", "opm-2015",
    "ukraine-power-grid-2015", "dnc-2016", "wannacry-2017", "notpetya-2017", "solarwinds-2020",
    "microsoft-exchange-2021", "colonial-pipeline-2021", "viasat-2022",
]


def _load(name: str, key: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)[key]


@pytest.fixture(scope="module")
def actors() -> list[dict]:
    return _load("threat_actors.yaml", "threat_actors")


@pytest.fixture(scope="module")
def incidents() -> list[dict]:
    return _load("incidents.yaml", "incidents")


def _by_id(records: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in records}


def _date(value: object) -> str | None:
    """YAML reads 2007-04-27 as a date and 2007 as an int; compare everything as ISO text."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _forms(rec: dict) -> list[str]:
    return [rec["name"], *(rec.get("aliases") or []), *(rec.get("abbreviations") or [])]


def _all_dates(records: list[dict], list_key: str) -> list[tuple[str, str, object]]:
    out = []
    for r in records:
        for k in ("start", "end"):
            if k in r:
                out.append((r["id"], k, r[k]))
        for a in r.get(list_key) or []:
            out.append((r["id"], list_key + ".date", a.get("date")))
    return out


# --- counts and identifiers -------------------------------------------------------------

def test_counts(actors: list[dict], incidents: list[dict]) -> None:
    assert len(actors) >= 45
    assert len(incidents) >= 30
    ids = {r["id"] for r in incidents}
    missing = [i for i in REQUIRED_INCIDENTS if f"incident:{i}" not in ids]
    assert not missing, f"required incidents missing: {missing}"


def test_ids_unique_and_well_formed(actors: list[dict], incidents: list[dict]) -> None:
    ids = [r["id"] for r in actors + incidents]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes
    for r in actors:
        assert re.fullmatch(rf"threat-actor:{SLUG}", r["id"]), r["id"]
    for r in incidents:
        assert re.fullmatch(rf"incident:{SLUG}", r["id"]), r["id"]


def test_every_record_has_name_and_source(actors: list[dict], incidents: list[dict]) -> None:
    for r in actors + incidents:
        assert isinstance(r.get("name"), str) and r["name"].strip(), r["id"]
        assert isinstance(r.get("source"), str) and r["source"].strip(), r["id"]
        assert r.get("uncertain") is None or isinstance(r["uncertain"], str), r["id"]


# --- threat actors ----------------------------------------------------------------------

def test_actor_enums_and_refs(actors: list[dict]) -> None:
    for r in actors:
        assert r["category"] in CATEGORIES, r["id"]
        assert r["state"] is None or STATE_ID.fullmatch(r["state"]), r["id"]
        for a in r.get("attributed_by") or []:
            assert a["certainty"] in CERTAINTIES, r["id"]
            c = a["claimant"]
            assert c is None or STATE_ID.fullmatch(c) or ORG_ID.fullmatch(c), (r["id"], c)
            assert a.get("source"), r["id"]


def test_actor_claims_need_a_state(actors: list[dict]) -> None:
    # `attributed_by` ties the group to `state`; without a state there is nothing to claim.
    for r in actors:
        if r["state"] is None:
            assert not r.get("attributed_by"), r["id"]
        if r["category"] in ("state-organ", "state-sponsored-proxy"):
            assert r["state"] is not None, r["id"]


def test_aliases_unique_across_groups(actors: list[dict]) -> None:
    owner: dict[str, str] = {}
    for r in actors:
        for form in set(f.lower() for f in _forms(r)):
            assert form not in owner, f"{form!r} belongs to both {owner[form]} and {r['id']}"
            owner[form] = r["id"]


def test_ambiguous_forms_are_own_forms(actors: list[dict], incidents: list[dict]) -> None:
    for r in actors + incidents:
        for a in r.get("ambiguous") or []:
            assert a in _forms(r), (r["id"], a)


def test_spot_checks_actors(actors: list[dict]) -> None:
    by = _by_id(actors)
    apt28 = by["threat-actor:apt28"]
    assert (apt28["state"], apt28["category"]) == ("state:RUS", "state-organ")
    assert "26165" in apt28["organ"]
    assert {"Fancy Bear", "Forest Blizzard", "Sofacy"} <= set(apt28["aliases"])
    assert "74455" in by["threat-actor:sandworm"]["organ"]
    assert "SVR" in by["threat-actor:apt29"]["organ"]
    assert {"Dark Halo", "Nobelium", "Cozy Duke"} <= set(by["threat-actor:apt29"]["aliases"])
    assert "Centre 16" in by["threat-actor:turla"]["organ"]
    assert "61398" in by["threat-actor:apt1"]["organ"]
    assert by["threat-actor:lazarus"]["state"] == "state:PRK"
    assert by["threat-actor:killnet"]["category"] == "patriotic-hackers"
    assert by["threat-actor:nashi"]["category"] == "patriotic-hackers"
    assert by["threat-actor:russian-business-network"]["category"] == "criminal"
    assert by["threat-actor:guccifer-2"]["state"] == "state:RUS"
    # Officially unconfirmed links must say so.
    for rid in ("threat-actor:equation-group", "threat-actor:unit-8200", "threat-actor:predatory-sparrow"):
        assert by[rid]["uncertain"], rid
    official = [a for a in apt28["attributed_by"] if a["certainty"] == "official"]
    assert any(a["claimant"] == "state:USA" for a in official)


# --- incidents --------------------------------------------------------------------------

def test_incident_enums_and_refs(actors: list[dict], incidents: list[dict]) -> None:
    actor_ids = {r["id"] for r in actors}
    for r in incidents:
        assert r["type"] in INCIDENT_TYPES, r["id"]
        assert set(r.get("effects") or []) <= EFFECTS, r["id"]
        assert r["victims"], r["id"]
        for v in r["victims"]:
            assert STATE_ID.fullmatch(v) or ORG_ID.fullmatch(v), (r["id"], v)
        for t in r.get("threat_actors") or []:
            assert t in actor_ids, (r["id"], t)
        for kw in r.get("keywords") or []:
            assert isinstance(kw, str) and kw.strip(), (r["id"], kw)


def test_attribution_claims(incidents: list[dict]) -> None:
    for r in incidents:
        for a in r.get("attributions") or []:
            where = (r["id"], a)
            assert a["certainty"] in CERTAINTIES, where
            assert a["via"] in CHANNELS, where
            assert STATE_ID.fullmatch(a["accused"]), where
            c = a["claimant"]
            assert c is None or STATE_ID.fullmatch(c) or ORG_ID.fullmatch(c), where
            assert a.get("source"), where
            # Conventions of the file: null claimant = commentators' suspicion; a denial comes
            # from the accused state itself.
            assert (c is None) == (a["certainty"] == "suspected"), where
            if a["certainty"] == "denied":
                assert c == a["accused"], where


def test_dates_valid_and_ordered(actors: list[dict], incidents: list[dict]) -> None:
    for rid, key, value in _all_dates(incidents, "attributions") + _all_dates(actors, "attributed_by"):
        d = _date(value)
        if key == "end" and d is None:
            continue
        assert d is not None and DATE.fullmatch(d), (rid, key, value)
    for r in incidents:
        start, end = _date(r["start"]), _date(r.get("end"))
        if end is None:
            continue
        n = min(len(start), len(end))  # partial dates compare on the part both give
        assert end[:n] >= start[:n], f"{r['id']}: end {end} before start {start}"


def test_incident_aliases_unique(actors: list[dict], incidents: list[dict]) -> None:
    owner: dict[str, str] = {}
    for r in incidents:
        for form in set(f.lower() for f in _forms(r)):
            assert form not in owner, f"{form!r} belongs to both {owner[form]} and {r['id']}"
            owner[form] = r["id"]
    actor_forms = {f.lower() for r in actors for f in _forms(r)}
    clash = sorted(set(owner) & actor_forms)
    assert not clash, f"incident aliases that name a threat actor: {clash}"


def test_estonia_2007(incidents: list[dict]) -> None:
    est = _by_id(incidents)["incident:estonia-2007"]
    assert est["victims"] == ["state:EST"] and est["type"] == "ddos"
    assert "Bronze Night" in est["aliases"]
    claims = {(a["claimant"], a["accused"], a["via"], a["certainty"]) for a in est["attributions"]}
    assert (None, "state:RUS", "patriotic-hackers", "suspected") in claims
    assert any(c == "state:EST" and cert == "alleged" for c, _, _, cert in claims)
    assert ("state:RUS", "state:RUS") in {(c, acc) for c, acc, _, cert in claims if cert == "denied"}


def test_spot_checks_incidents(incidents: list[dict]) -> None:
    by = _by_id(incidents)
    notpetya = by["incident:notpetya-2017"]
    assert {"NotPetya", "ExPetr"} <= set(notpetya["aliases"])
    official = {(a["claimant"], _date(a["date"])) for a in notpetya["attributions"] if a["certainty"] == "official"}
    assert {("state:GBR", "2018-02-15"), ("state:USA", "2018-02-15")} <= official
    assert "threat-actor:sandworm" in notpetya["threat_actors"]
    assert "KA-SAT" in by["incident:viasat-2022"]["aliases"]
    assert "Sunburst" in by["incident:solarwinds-2020"]["aliases"]
    assert "Hafnium Exchange hack" in by["incident:microsoft-exchange-2021"]["aliases"]
    georgia = by["incident:georgia-2008"]
    assert any(a["via"] == "patriotic-hackers" and a["accused"] == "state:RUS" for a in georgia["attributions"])
    wannacry = by["incident:wannacry-2017"]
    assert {a["accused"] for a in wannacry["attributions"]} == {"state:PRK"}


# --- cross-checks -----------------------------------------------------------------------

# CFR's sponsor names for the states our incidents accuse.
CFR_SPONSORS = {
    "Russian Federation": "state:RUS", "China": "state:CHN", "Iran (Islamic Republic of)": "state:IRN",
    "Korea (Democratic People's Republic of)": "state:PRK", "United States": "state:USA", "Israel": "state:ISR",
}


def test_consistent_with_cfr_tracker(incidents: list[dict]) -> None:
    """Where the CFR tracker names one of our incidents, its sponsor is among our accused states."""
    path = shared_path("corpus", "incidents", "cfr_cyber_operations_tracker_2005-2022.csv")
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    checked = 0
    for r in incidents:
        forms = [f for f in _forms(r) if len(f) >= 6 and f not in (r.get("ambiguous") or [])]
        for row in rows:
            title = row["Title"]
            if not any(re.search(rf"\b{re.escape(f)}\b", title, re.I) for f in forms):
                continue
            sponsors = {CFR_SPONSORS[s.strip()] for s in row["Sponsor"].split(",") if s.strip() in CFR_SPONSORS}
            if not sponsors:
                continue
            accused = {a["accused"] for a in r.get("attributions") or []}
            assert sponsors & accused, f"{r['id']}: CFR sponsor {row['Sponsor']!r} not among {accused}"
            checked += 1
    assert checked >= 5, "expected the CFR tracker to name several of our incidents"


def test_loads_through_kb_loader() -> None:
    kb_mod = pytest.importorskip("normwatch.kb")
    kb = kb_mod.load_kb()  # raises on any hard problem in any KB file
    assert len(kb.records("threat-actor")) >= 45
    assert len(kb.records("incident")) >= 30
    assert kb.get("threat-actor:apt28")["state"] == "state:RUS"
    assert kb.kind("incident:estonia-2007") == "incident"
