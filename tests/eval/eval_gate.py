"""Quality floors for extraction: CI fails when a score drops below its pinned floor.

    .venv/bin/python tests/eval/eval_gate.py              # print current scores against the floors
    .venv/bin/python tests/eval/eval_gate.py --update     # raise floors to the current scores (never lowers)
    .venv/bin/python tests/eval/eval_gate.py --update --allow-lower   # lower a floor: an explicit, reviewed choice

Floors live in `baseline.json` beside this file, per gold set and kind (F1 unless the key
says otherwise). `test_eval_gate.py` runs the same scoring and compares. The issue's targets
(e.g. statements F1 >= 0.90 on origin.json) are floors too: `targets` in baseline.json, which
the gate enforces as well, so a target met once stays met.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("NORMWATCH_SHARED", ROOT.parent / "shared")).resolve()
GOLD_SETS = {"origin": SHARED / "gold" / "origin.json", "own": HERE / "gold"}
TOLERANCE = 0.005  # float noise only; the pipeline is deterministic


def measure() -> dict[str, dict[str, float]]:
    """Current scores per gold set: F1 per kind plus required-item coverage and the forbidden count."""
    from normwatch.evaluate import format_report, gold_paths, load_gold, run_extraction, score

    out: dict[str, dict[str, float]] = {}
    for name, path in GOLD_SETS.items():
        gold = load_gold(path)
        report = score(gold, run_extraction(gold_paths(gold, SHARED / "corpus"), gold))
        out[name] = flatten(json.loads(format_report(report, "json")))
    return out


def flatten(data: dict) -> dict[str, float]:
    """The numbers the gate watches, from the JSON report: F1 and required coverage per kind, checks, forbidden."""
    flat: dict[str, float] = {}
    for kind, row in (data.get("kinds") or {}).items():
        flat[f"{kind}.f1"] = round(float(row["f1"]), 4)
        if row.get("gold"):
            flat[f"{kind}.required"] = round(row.get("required_found", 0) / row["gold"], 4)
    for name, c in (data.get("checks") or {}).items():
        if c.get("checked"):
            flat[f"check.{name}"] = round(c["agree"] / c["checked"], 4)
    flat["forbidden_stances.max"] = float(data.get("forbidden_stances", 0))
    return flat


def compare(current: dict, baseline: dict) -> list[str]:
    problems = []
    for gold_set, floors in baseline.get("floors", {}).items():
        for key, floor in floors.items():
            got = current.get(gold_set, {}).get(key)
            if got is None:
                problems.append(f"{gold_set} {key}: not measured (floor {floor})")
            elif key.endswith(".max"):
                if got > floor:
                    problems.append(f"{gold_set} {key}: {got} above ceiling {floor}")
            elif got + TOLERANCE < floor:
                problems.append(f"{gold_set} {key}: {got:.3f} below floor {floor:.3f}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--allow-lower", action="store_true")
    args = ap.parse_args()
    baseline = json.loads(BASELINE.read_text())
    current = measure()
    print(json.dumps(current, indent=2, sort_keys=True))
    problems = compare(current, baseline)
    if args.update:
        floors = baseline.setdefault("floors", {})
        for gold_set, vals in current.items():
            for key, val in vals.items():
                old = floors.setdefault(gold_set, {}).get(key)
                if key.endswith(".max"):
                    new = val if old is None or args.allow_lower or val < old else old
                else:
                    new = val if old is None or val > old or args.allow_lower else old
                floors[gold_set][key] = new
        BASELINE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")
        print(f"updated {BASELINE}")
        return 0
    for p in problems:
        print("BELOW FLOOR:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
