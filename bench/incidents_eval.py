"""Attribution recall and precision on short incident descriptions (CFR tracker, DCID), run on demand.

    .venv/bin/python bench/incidents_eval.py [--source cfr|dcid|both] [--limit N] [--out bench/out/incidents.json]
    .venv/bin/python bench/incidents_eval.py --examples 20      # more misses / false positives listed
    .venv/bin/python bench/incidents_eval.py --half even         # develop on even rows only (examples too)

Why: the gold files hold a handful of incidents; the CFR Cyber Operations Tracker holds ~770
one-paragraph descriptions, each with the state CFR names as sponsor. Turning every row into a
document and running the real pipeline over it says how often the incidents stage finds the
accused state of a plain incident description, and how often it names a wrong one.

What it does:
  * CFR (`../shared/corpus/incidents/cfr_cyber_operations_tracker_2005-2022.csv`): one document per
    row, text = Title + Description, published = Date. Gold = the Sponsor column, split into
    states and normalised to `state:` ids through the KB's names, aliases and official names.
  * DCID 2.0 (`DCID_2.0_public_June2020_sheet.csv`): text = Name + "Political Objective",
    published = interactionstartdate; gold = the initiator (its COW code is one of the two
    codes joined in Dyadpair; the matching StateA/StateB name is looked up in the KB).
  * Predicted = accused states of every claim the document carries (`doc.claims`, whether or
    not an incident was resolved for it), except `denied` ones (a denial is not an accusation) and
    those resting on a community assessment alone (`basis: community-assessment`: a galaxy's
    suspected state of the named group is nobody's accusation; they are counted apart, as
    `community_assessment_only`, with how many of them the dataset's sponsor agrees with).
  * Scores over (row, state) pairs: precision, recall, F1. Rows whose gold is empty or not a
    state ("Government", a shifted column) count for precision only: anything predicted there
    is counted as a false positive. Also: the certainty and channel distributions, rows with an
    incident but no attribution, time per document, and example misses and false positives.
  * False accusations (issue 11): of the rows with no coded sponsor at all (an empty Sponsor cell,
    a DCID row without initiator), the share that nevertheless get an accused state.
  * Text ceiling: the share of (row, sponsor) pairs whose sponsor any mention of the text resolves
    to (as a state, demonym, agency or capital, whatever its role), and whose sponsor is mentioned
    or a threat actor is named. Recall from the text cannot pass the first without outside knowledge.
  * Held-out half: every score is given for all rows, for the even 0-based data rows (the
    development half: read its misses) and for the odd ones (the held-out half: judge by its
    figures, never read its rows). Examples are listed from the `--half` chosen (even by default),
    so a developer never sees an odd row by running this script.
  * Rows of the sealed blind set (listed in tests/eval/sealed/DOCS.txt, all odd) are left out:
    no code runs on them during development.
Nothing here feeds the extraction: it only measures it. Needs ../shared (skips with a message).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
INCIDENTS = SHARED / "corpus" / "incidents"
CFR = INCIDENTS / "cfr_cyber_operations_tracker_2005-2022.csv"
DCID = INCIDENTS / "DCID_2.0_public_June2020_sheet.csv"
#: the blind sets' document lists; their rows stay out of the cross-check so that it never runs the
#: extractor on a set still blind (fresh) and its figures stay comparable across sessions (sealed)
RESERVED_LISTS = (ROOT / "tests" / "eval" / "sealed" / "DOCS.txt", ROOT / "tests" / "eval" / "fresh" / "DOCS.txt")


def sealed_rows(*paths: Path) -> dict[str, set[int]]:
    """File name -> the 0-based data rows the blind sets reserve (only their lists are read)."""
    out: dict[str, set[int]] = {}
    for path in paths or RESERVED_LISTS:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^\s*incidents/(\S+)\s+row\s+(\d+)\s*$", line)
            if m:
                out.setdefault(m.group(1), set()).add(int(m.group(2)))
    return out


@dataclass
class Row:
    """One incident description with its gold accused states."""

    source: str
    key: str
    index: int  # 0-based data row of the upstream file: odd rows are the held-out half
    title: str
    text: str
    published: str | None
    gold: set[str]
    gold_raw: str
    predicted: set[str] = field(default_factory=set)
    assessed: set[str] = field(default_factory=set)  # states given by a community assessment alone
    attributions: list[dict] = field(default_factory=list)
    incidents: int = 0
    mentioned: set[str] = field(default_factory=set)  # states any mention of the text resolves to
    names_actor: bool = False  # the text names a KB threat actor


# --- country names -> state ids -------------------------------------------------------------------

# UN-style inverted names ("Korea (Republic of)") and dataset short forms the KB need not hold.
EXTRA_NAMES = {
    "korea (democratic people's republic of)": "state:PRK",
    "korea (republic of)": "state:KOR",
    "north korea": "state:PRK",
    "south korea": "state:KOR",
    "n korea": "state:PRK",
    "s korea": "state:KOR",
    "us": "state:USA",
    "usa": "state:USA",
    "uk": "state:GBR",
    "the philippines": "state:PHL",
}


def state_lookup() -> dict[str, str]:
    """Lower-cased state names, aliases and official names -> state id, from the KB."""
    from normwatch.kb import load_kb

    names: dict[str, str] = {}
    for rec in load_kb().records("state"):
        for n in [rec.get("name"), rec.get("official_name"), *(rec.get("aliases") or [])]:
            if n:
                names.setdefault(str(n).lower(), rec["id"])
    for k, v in EXTRA_NAMES.items():
        names.setdefault(k, v)
    return names


def to_state(name: str, names: dict[str, str]) -> str | None:
    """A state id for a dataset's country name: as written, then "X (Y of)" read as "Y of X"."""
    n = name.strip().strip('"').strip().lower()
    if not n:
        return None
    if n in names:
        return names[n]
    m = re.match(r"^(.+?)\s*\((.+)\)$", n)
    if m:
        for cand in (f"{m.group(2)} {m.group(1)}", m.group(1)):
            if cand in names:
                return names[cand]
    return None


def split_sponsors(value: str) -> list[str]:
    """Comma-separated sponsors, keeping "Palestine, State of" (a name with a comma) whole."""
    value = re.sub(r",\s*(State of|Republic of)\b", r" (\1)", value)
    return [p for p in (x.strip() for x in value.split(",")) if p]


# --- loading --------------------------------------------------------------------------------------

def iso(d: str) -> str | None:
    """M/D/YYYY or YYYY-MM-DD[ time] -> YYYY-MM-DD."""
    d = (d or "").strip()
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", d)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2))).isoformat()
        except ValueError:
            return None
    m = re.match(r"^(\d{4}-\d{2}-\d{2})", d)
    return m.group(1) if m else None


def cfr_rows(names: dict[str, str]) -> list[Row]:
    out = []
    sealed = sealed_rows().get(CFR.name, set())
    with CFR.open(encoding="utf-8-sig", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i in sealed:
                continue
            title, desc = (r.get("Title") or "").strip(), (r.get("Description") or "").strip()
            if not desc:
                continue
            gold = {s for s in (to_state(p, names) for p in split_sponsors(r.get("Sponsor") or "")) if s}
            out.append(Row("cfr", f"cfr:{i + 2}", i, title, f"{title}\n\n{desc}", iso(r.get("Date") or ""),
                           gold, r.get("Sponsor") or ""))
    return out


def dcid_rows(names: dict[str, str]) -> list[Row]:
    out = []
    sealed = sealed_rows().get(DCID.name, set())
    with DCID.open(encoding="utf-8-sig", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i in sealed:
                continue
            name, obj = (r.get("Name") or "").strip(), (r.get("Political Objective") or "").strip()
            if not obj:
                continue
            init, pair = (r.get("initiator") or "").split(".")[0], (r.get("Dyadpair") or "").strip()
            side = r.get("StateA") if init and pair.startswith(init) else r.get("StateB") if init and pair.endswith(init) else None
            gold = {to_state(side, names)} - {None} if side else set()
            out.append(Row("dcid", f"dcid:{i + 2}", i, name, f"{name}\n\n{obj}", iso(r.get("interactionstartdate") or ""),
                           gold, side or ""))
    return out


# --- running and scoring --------------------------------------------------------------------------

def run(rows: list[Row]) -> float:
    """Run the real pipeline over every row; returns the seconds spent in clean + extraction."""
    from normwatch import pipeline
    from normwatch.model import Meta, RawDoc
    from normwatch.settings import Settings
    from normwatch.stages.clean import clean

    settings = Settings(min_text_chars=20)
    stages = pipeline.build()
    t0 = time.perf_counter()
    for row in rows:
        raw = RawDoc(source=row.key, raw_ref=row.key, content=row.text, kind="text",
                     meta=Meta(title=row.title, published=row.published))
        doc = pipeline.run(clean(raw, settings), stages, settings)
        row.incidents = len(doc.incidents)
        ids = {m.kb_id for m in doc.mentions if m.kb_id}
        row.mentioned = {i for i in ids if i.startswith("state:")}
        row.names_actor = any(i.startswith("threat-actor:") for i in ids)
        # every claim counts, whether or not an incident was resolved for it (issue 11)
        for c in doc.claims:
            row.attributions.append({"incident": c.incident, "accused": c.accused, "claimant": c.claimant,
                                     "certainty": c.certainty, "via": c.via})
            if c.accused and c.accused.startswith("state:") and c.certainty != "denied":
                (row.assessed if c.basis == "community-assessment" else row.predicted).add(c.accused)
        row.assessed -= row.predicted
    return time.perf_counter() - t0


def half(rows: list[Row], which: str) -> list[Row]:
    """The rows of one half: `even` (development) or `odd` (held out) 0-based data rows; `all` keeps all."""
    if which == "all":
        return rows
    return [r for r in rows if r.index % 2 == (0 if which == "even" else 1)]


def score(rows: list[Row], n_examples: int) -> dict:
    tp = fp = fn = 0
    fp_unknown = 0
    for r in rows:
        tp += len(r.predicted & r.gold)
        fp += len(r.predicted - r.gold)
        fn += len(r.gold - r.predicted)
        if not r.gold:
            fp_unknown += len(r.predicted)
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    atts = [a for r in rows for a in r.attributions]
    # no coded sponsor at all: the dataset blames nobody, so any accused state is a false accusation
    unsponsored = [r for r in rows if not r.gold_raw.strip()]
    accused = [r for r in unsponsored if r.predicted]
    misses = [r for r in rows if r.gold - r.predicted]
    wrong = [r for r in rows if r.predicted - r.gold]

    def pick(items: list[Row]) -> list[Row]:
        # spread over the file rather than the first rows only, deterministically
        step = max(1, len(items) // max(1, n_examples))
        return items[::step][:n_examples]

    def show(r: Row) -> dict:
        return {"row": r.key, "gold": sorted(r.gold) or r.gold_raw, "predicted": sorted(r.predicted),
                "text": r.text[:300].replace("\n\n", " | ")}

    # what text alone can give: a coded sponsor the text never mentions (as a state, demonym, agency
    # or capital) can only come from outside knowledge, e.g. a threat actor's assessed state
    pairs = [(r, g) for r in rows for g in r.gold]
    ceiling = {"sponsor_mentioned": round(sum(g in r.mentioned for r, g in pairs) / len(pairs), 4) if pairs else None,
               "sponsor_or_actor_mentioned": round(sum(g in r.mentioned or r.names_actor for r, g in pairs) / len(pairs), 4)
               if pairs else None}
    return {
        "rows": len(rows),
        "text_ceiling": ceiling,
        "rows_with_gold": sum(1 for r in rows if r.gold),
        "precision": round(p, 4), "recall": round(rc, 4), "f1": round(f1, 4),
        "tp": tp, "fp": fp, "fn": fn, "fp_on_rows_without_gold": fp_unknown,
        "rows_without_sponsor": len(unsponsored), "rows_without_sponsor_given_a_state": len(accused),
        "false_accusation_share": round(len(accused) / len(unsponsored), 4) if unsponsored else None,
        "community_assessment_only": {"states": sum(len(r.assessed) for r in rows),
                                      "agree_with_gold": sum(len(r.assessed & r.gold) for r in rows),
                                      "on_rows_without_sponsor": sum(1 for r in unsponsored if r.assessed and not r.predicted)},
        "rows_with_incident": sum(1 for r in rows if r.incidents),
        "rows_with_incident_no_attribution": sum(1 for r in rows if r.incidents and not r.attributions),
        "certainty": dict(Counter(a["certainty"] for a in atts).most_common()),
        "via": dict(Counter(a["via"] for a in atts).most_common()),
        "example_misses": [show(r) for r in pick(misses)],
        "example_false_positives": [show(r) for r in pick(wrong)],
        "example_false_accusations": [show(r) for r in pick(accused)],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", choices=("cfr", "dcid", "both"), default="both")
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows of each source")
    ap.add_argument("--examples", type=int, default=10)
    ap.add_argument("--half", choices=("even", "odd", "all"), default="even",
                    help="which rows the example misses come from (even: the development half)")
    ap.add_argument("--out", default=None, help="also write the JSON result here")
    args = ap.parse_args(argv)
    if not CFR.exists():
        print(f"skipped: {CFR} not found (the shared corpus is needed)", file=sys.stderr)
        return 0
    names = state_lookup()
    result: dict = {}
    for src, load in (("cfr", cfr_rows), ("dcid", dcid_rows)):
        if args.source not in (src, "both") or (src == "dcid" and not DCID.exists()):
            continue
        rows = load(names)
        if args.limit:
            rows = rows[: args.limit]
        secs = run(rows)
        res = score(rows, 0)
        res["seconds"] = round(secs, 2)
        res["ms_per_doc"] = round(1000 * secs / max(1, len(rows)), 2)
        # examples only from the chosen half; the other halves give their figures alone
        for name in ("even", "odd"):
            part = score(half(rows, name), args.examples if name == args.half else 0)
            res[name] = {k: v for k, v in part.items() if not k.startswith("example_") or v}
        if args.half == "all":
            res.update({k: v for k, v in score(rows, args.examples).items() if k.startswith("example_")})
        result[src] = res
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    for src, res in result.items():
        for name, part in (("all", res), ("even", res["even"]), ("odd", res["odd"])):
            share = part["false_accusation_share"]
            print(f"{src} {name}: P {part['precision']:.3f} R {part['recall']:.3f} F1 {part['f1']:.3f} "
                  f"({part['rows']} rows" + (f", {res['ms_per_doc']} ms/doc" if name == "all" else "")
                  + f"); false accusations {part['rows_without_sponsor_given_a_state']}/"
                  f"{part['rows_without_sponsor']} rows without sponsor"
                  + (f" ({share:.3f})" if share is not None else "")
                  + f"; sponsor mentioned in the text {part['text_ceiling']['sponsor_mentioned']}, "
                  f"sponsor or a threat actor {part['text_ceiling']['sponsor_or_actor_mentioned']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
