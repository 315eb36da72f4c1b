"""Checks on the knowledge base's instrument files (issue 3, items 3-4).

The YAML is read with plain PyYAML so these tests do not depend on the KB loader; one test
also loads the files through `normwatch.kb.load_kb` when that is importable. Tests that
compare against the treaty texts or the Paris Call register read them from ../shared via
`shared_path`, so they skip when the shared corpus is absent.
Run: `.venv/bin/pytest tests/unit/test_kb_instruments.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

import normwatch
from tests.conftest import shared_path

DATA = Path(normwatch.__file__).resolve().parent / "kb" / "data"
INSTRUMENTS = DATA / "instruments"
REQUIRED = (
    "budapest-convention", "budapest-first-protocol", "budapest-second-protocol", "un-gge-2013-report",
    "un-gge-2015-report", "un-gge-2021-report", "oewg-2021-report", "sco-code-of-conduct-2011",
    "sco-code-of-conduct-2015", "microsoft-cybersecurity-norms-2014", "paris-call-2018",
    "un-cybercrime-convention-2024", "un-charter",
)
ACTIONS = {"signed", "ratified", "acceded", "sponsored", "endorsed", "joined", "welcomed", "voted-for"}
SCOPE_FLAGS = {"states", "state_organs", "military", "non_state_actors", "private_sector", "individuals"}
# Retired ISO 3166 alpha-3 codes still used by the Paris Call register.
LEGACY_ISO3 = {"ROM": "ROU", "SCG": "SRB", "MTG": "MNE"}


def _iso(value) -> str | None:
    """YAML reads 2001-11-23 as a date; compare everything as ISO strings."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


@lru_cache(maxsize=None)
def load(slug: str) -> dict:
    with (INSTRUMENTS / f"{slug}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def all_slugs() -> list[str]:
    return sorted(p.stem for p in INSTRUMENTS.glob("*.yaml"))


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    with (DATA / "topics.yaml").open(encoding="utf-8") as fh:
        return frozenset(yaml.safe_load(fh)["topics"])


def subs(slug: str, action: str | None = None) -> list[dict]:
    return [s for s in load(slug).get("subscriptions") or [] if action is None or s["action"] == action]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


# --- every file --------------------------------------------------------------------------------

def test_required_instruments_exist():
    missing = [s for s in REQUIRED if not (INSTRUMENTS / f"{s}.yaml").exists()]
    assert not missing


@pytest.mark.parametrize("slug", all_slugs())
def test_file_name_is_the_slug_and_basics_are_there(slug):
    r = load(slug)
    assert r["id"] == f"instrument:{slug}"
    for key in ("name", "kind", "source", "summary"):
        assert isinstance(r.get(key), str) and r[key].strip(), key
    assert isinstance(r.get("binding"), bool)


@pytest.mark.parametrize("slug", all_slugs())
def test_every_provision_has_summary_and_known_topics(slug):
    provs = load(slug).get("provisions") or []
    assert provs, "every instrument file records its provisions"
    numbers = [str(p["number"]) for p in provs]
    assert len(numbers) == len(set(numbers)), "provision numbers are unique"
    for p in provs:
        assert p.get("heading") and p.get("summary"), p["number"]
        assert isinstance(p.get("topics"), list), p["number"]
        unknown = set(p["topics"]) - vocabulary()
        assert not unknown, (p["number"], unknown)


@pytest.mark.parametrize("slug", all_slugs())
def test_scope_flags_and_terms_are_well_formed(slug):
    r = load(slug)
    scope = r.get("scope") or {}
    assert set(scope) <= SCOPE_FLAGS
    assert {"states", "state_organs", "military", "non_state_actors"} <= set(scope)
    for flag, v in scope.items():
        assert v["applies"] in (True, False, None), flag
        assert v.get("note"), flag
    for key in ("definitions", "undefined_terms"):
        for d in r.get(key) or []:
            assert d["term"] and (d.get("summary") or d.get("note")), (key, d)


@pytest.mark.parametrize("slug", all_slugs())
def test_subscriptions_are_ordered_and_well_formed(slug):
    """Ratification or accession never comes before the same state's signature."""
    signed: dict[str, str] = {}
    bound: list[tuple[str, str]] = []
    for s in subs(slug):
        assert s["action"] in ACTIONS, s
        assert re.fullmatch(r"(state:[A-Z]{3}|org:[a-z0-9-]+)", s["actor"]), s
        d = _iso(s.get("date"))
        if d is None:
            continue
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d), s
        if s["action"] == "signed":
            signed[s["actor"]] = d
        elif s["action"] in ("ratified", "acceded"):
            bound.append((s["actor"], d))
    for actor, d in bound:
        if actor in signed:
            n = min(len(d), len(signed[actor]))
            assert d[:n] >= signed[actor][:n], (actor, d, signed[actor])


@pytest.mark.parametrize("slug", all_slugs())
def test_no_duplicate_subscription_rows(slug):
    rows = [(s["actor"], s["action"]) for s in subs(slug)]
    assert len(rows) == len(set(rows))


# --- Budapest Convention -----------------------------------------------------------------------

def test_budapest_has_all_48_articles():
    numbers = [p["number"] for p in load("budapest-convention")["provisions"]]
    assert numbers == [f"Art. {i}" for i in range(1, 49)]


def test_budapest_headings_match_the_treaty_text():
    text = shared_path("corpus", "instruments", "budapest_convention",
                       "ETS185_convention_on_cybercrime_en.txt").read_text(encoding="utf-8")
    headings = dict(re.findall(r"^Article\s+(\d+)\s*\n\s*\n(.+)$", text, re.M))
    assert len(headings) == 48
    for p in load("budapest-convention")["provisions"]:
        assert p["heading"].strip() == headings[p["number"].split()[-1]].strip(), p["number"]


@pytest.mark.parametrize("slug,path", [
    ("budapest-convention", ("budapest_convention", "ETS185_convention_on_cybercrime_en.txt")),
    ("budapest-first-protocol", ("budapest_convention", "ETS189_additional_protocol_xenophobia_en.txt")),
    ("paris-call-2018", ("paris_call", "paris_call_en.md")),
])
def test_summaries_do_not_copy_the_text(slug, path):
    """No summary or definition shares a run of 8+ consecutive words with the instrument's text."""
    source = shingles(shared_path("corpus", "instruments", *path).read_text(encoding="utf-8"))
    r = load(slug)
    for item in (r.get("provisions") or []) + (r.get("definitions") or []):
        copied = shingles(item.get("summary") or "") & source
        assert not copied, (item.get("number") or item.get("term"), " ".join(sorted(copied)[0]))


def test_budapest_definitions_and_silences():
    r = load("budapest-convention")
    assert {d["term"] for d in r["definitions"]} == {"computer system", "computer data", "service provider",
                                                     "traffic data"}
    assert all(d["provision"].startswith("Art. 1") for d in r["definitions"])
    assert {"cybercrime", "cyberspace"} <= {u["term"] for u in r["undefined_terms"]}
    assert r["scope"]["private_sector"]["provision"] == "Art. 12"
    assert r["scope"]["individuals"]["applies"] is True
    assert r["scope"]["military"]["applies"] is not True


def test_budapest_dates():
    r = load("budapest-convention")
    assert (_iso(r["adopted"]), _iso(r["opened"]), _iso(r["in_force"])) == ("2001-11-08", "2001-11-23", "2004-07-01")


def _latest(slug: str, actor: str) -> dict | None:
    rows = [s for s in subs(slug) if s["actor"] == actor]
    return max(rows, key=lambda s: (_iso(s.get("date")) or "", s["action"] != "signed")) if rows else None


def test_estonia_and_usa_ratified_budapest():
    est = {s["action"]: _iso(s["date"]) for s in subs("budapest-convention") if s["actor"] == "state:EST"}
    assert est == {"signed": "2001-11-23", "ratified": "2003-05-12"}
    usa = {s["action"]: _iso(s["date"]) for s in subs("budapest-convention") if s["actor"] == "state:USA"}
    assert usa == {"signed": "2001-11-23", "ratified": "2006-09-29"}
    assert _latest("budapest-convention", "state:JPN")["action"] == "ratified"
    assert _iso(_latest("budapest-convention", "state:AUS")["date"]) == "2012-11-30"


def test_russia_never_signed_budapest():
    assert not [s for s in subs("budapest-convention") if s["actor"] == "state:RUS"]


def test_budapest_signatories_without_ratification():
    bound = {s["actor"] for s in subs("budapest-convention") if s["action"] in ("ratified", "acceded")}
    signed = {s["actor"] for s in subs("budapest-convention", "signed")}
    assert signed - bound == {"state:IRL", "state:ZAF"}


def test_budapest_party_count_is_plausible():
    """The Treaty Office counted 76 parties in late 2024; the file may lag by a couple."""
    bound = {s["actor"] for s in subs("budapest-convention") if s["action"] in ("ratified", "acceded")}
    assert 72 <= len(bound) <= 80
    acceded = {s["actor"] for s in subs("budapest-convention", "acceded")}
    assert not acceded & {s["actor"] for s in subs("budapest-convention", "signed")}, \
        "a state joins by signature + ratification or by accession, not both"


# --- UN reports ----------------------------------------------------------------------------------

def test_gge_2015_norms_and_law():
    provs = {p["number"]: p for p in load("un-gge-2015-report")["provisions"]}
    assert {f"13({c})" for c in "abcdefghijk"} <= set(provs)
    assert "due-diligence" in provs["13(c)"]["topics"]
    assert "critical-infrastructure" in provs["13(f)"]["topics"]
    assert "critical-infrastructure" in provs["13(g)"]["topics"]
    assert "supply-chain" in provs["13(i)"]["topics"]
    assert "vulnerability-disclosure" in provs["13(j)"]["topics"]
    assert "cert-protection" in provs["13(k)"]["topics"]
    assert "state-responsibility" in provs["28(e)"]["topics"]
    scope = load("un-gge-2015-report")["scope"]
    assert scope["non_state_actors"]["applies"] is True and "28(e)" in scope["non_state_actors"]["note"]


def test_gge_2013_key_paragraphs():
    provs = {p["number"]: p for p in load("un-gge-2013-report")["provisions"]}
    assert "international-law" in provs["19"]["topics"]
    assert "sovereignty" in provs["20"]["topics"]
    assert {"due-diligence", "state-responsibility"} <= set(provs["23"]["topics"])


def test_gge_2021_restates_eleven_norms():
    numbers = {p["number"] for p in load("un-gge-2021-report")["provisions"]}
    assert {f"Norm 13({c})" for c in "abcdefghijk"} <= numbers


@pytest.mark.parametrize("slug,resolution", [
    ("un-gge-2013-report", "A/RES/68/243"), ("un-gge-2015-report", "A/RES/70/237"),
    ("un-gge-2021-report", "A/RES/76/19"), ("oewg-2021-report", "A/RES/76/19"),
])
def test_reports_welcomed_by_the_general_assembly(slug, resolution):
    welcomed = [s for s in subs(slug, "welcomed") if s["actor"] == "org:un-general-assembly"]
    assert len(welcomed) == 1 and welcomed[0]["source"] == resolution


@pytest.mark.parametrize("slug,size", [("un-gge-2013-report", 15), ("un-gge-2015-report", 20),
                                       ("un-gge-2021-report", 25)])
def test_gge_membership_sizes(slug, size):
    assert len({s["actor"] for s in subs(slug, "joined")}) == size


# --- codes of conduct, corporate norms, declarations ------------------------------------------

def test_sco_code_sponsors():
    assert {s["actor"] for s in subs("sco-code-of-conduct-2011", "sponsored")} == {
        "state:CHN", "state:RUS", "state:TJK", "state:UZB"}
    s2015 = {s["actor"] for s in subs("sco-code-of-conduct-2015", "sponsored")}
    assert {"state:KAZ", "state:KGZ", "state:CHN", "state:RUS", "state:TJK", "state:UZB"} == s2015
    assert load("sco-code-of-conduct-2015")["supersedes"] == "instrument:sco-code-of-conduct-2011"


def test_sco_code_leaves_key_terms_undefined():
    r = load("sco-code-of-conduct-2011")
    undefined = {u["term"] for u in r["undefined_terms"]}
    assert {"cyberspace", "hostile activities", "information security", "information space"} <= undefined
    assert not r.get("definitions")
    assert r["scope"]["military"]["applies"] is None and r["scope"]["military"]["note"]
    assert any("information-content" in p["topics"] for p in r["provisions"])
    assert len(load("sco-code-of-conduct-2015")["provisions"]) == 13


def test_microsoft_six_norms_and_context_only_description():
    r = load("microsoft-cybersecurity-norms-2014")
    assert [p["number"] for p in r["provisions"]] == [f"Norm {i}" for i in range(1, 7)]
    forms = [*r["aliases"], *(r.get("abbreviations") or [])]
    assert not any(f.lower() in ("six norms", "six basic norms") for f in forms), "too vague to be an alias"
    pats = [re.compile(p, re.I) for p in r["descriptions"]]
    assert any(p.search("Microsoft has proposed six basic norms for states") for p in pats)
    assert not any(p.search("The committee adopted six norms on fisheries.") for p in pats)


def test_paris_call_nine_principles_match_the_register():
    principles = yaml.safe_load(shared_path("corpus", "instruments", "paris_call", "principles_en_fr.yml")
                                .read_text(encoding="utf-8"))
    provs = {p["number"]: p for p in load("paris-call-2018")["provisions"]}
    assert [f"Principle {i}" for i in range(1, 10)] == list(provs)
    for i in range(1, 10):
        assert provs[f"Principle {i}"]["heading"] == principles[f"principle-{i}"]["short"]["en"]


def test_paris_call_state_endorsers_match_the_register():
    path = shared_path("corpus", "instruments", "paris_call", "supporters.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["category"] == "state"]
    expected = {"state:" + LEGACY_ISO3.get(r["nationality"], r["nationality"]) for r in rows}
    endorsed = subs("paris-call-2018", "endorsed")
    assert len(endorsed) == len(rows)
    assert {s["actor"] for s in endorsed} == expected
    dated = {"state:" + LEGACY_ISO3.get(r["nationality"], r["nationality"]): r["date_signed"]
             for r in rows if r["date_signed"]}
    for s in endorsed:
        if s["actor"] in dated:
            assert _iso(s["date"]) == dated[s["actor"]], s
        elif s.get("date") is None:
            assert s.get("uncertain"), s


def test_un_charter_articles():
    numbers = {p["number"] for p in load("un-charter")["provisions"]}
    assert {"Art. 2(1)", "Art. 2(3)", "Art. 2(4)", "Art. 2(7)", "Art. 33", "Art. 39", "Art. 41", "Art. 42",
            "Art. 51"} <= numbers


def test_un_cybercrime_convention_dates_and_uncertainty():
    r = load("un-cybercrime-convention-2024")
    assert _iso(r["adopted"]) == "2024-12-24" and "A/RES/79/243" in r["symbols"]
    assert r.get("in_force") is None and r.get("uncertain")


def test_second_protocol_not_in_force():
    r = load("budapest-second-protocol")
    assert r.get("in_force") is None and "not in force" in r["uncertain"].lower()


# --- through the loader --------------------------------------------------------------------------

def test_instruments_load_through_the_kb():
    kb_mod = pytest.importorskip("normwatch.kb")
    kb = kb_mod.load_kb()
    problems = [p for p in kb.validate() if p.startswith("instruments/")]
    assert not problems, problems
    assert "state:RUS" not in kb.parties("instrument:budapest-convention")
    assert kb.status("state:EST", "instrument:budapest-convention", as_of="2003-01-01")["action"] == "signed"
    assert kb.status("state:EST", "instrument:budapest-convention")["date"] == "2003-05-12"
    assert kb.status("state:USA", "instrument:budapest-convention")["date"].startswith("2006")
    assert len(kb.parties("instrument:budapest-convention")) >= 72
    for slug in REQUIRED:
        assert kb.get(f"instrument:{slug}") is not None, slug
