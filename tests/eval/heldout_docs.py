"""The blind held-out gold set: locate its documents and score the extractor on them.

The held-out set (``heldout/heldout.json``) is kept apart from ``gold/`` on purpose: the eval
gate pins floors on everything in ``gold/``, and a held-out set that becomes a tuning target
stops being held out. Its numbers are reported, not gated.

Two of its documents are rows of the CFR Cyber Operations Tracker (a CSV under
``../shared/corpus/incidents``). The project ingests no CSV, so each such gold document names
its row (``derived_from: {"file": ..., "row": N}``, N counted from 0 over the data rows) and this
module writes it as a one-line JSONL document at run time (text = Description, title = Title,
published = Date), the way a dataset row is fed to ``normwatch extract``. Rows of the DCID 2.0
sheet (a file whose name starts with ``DCID``) have no description column: their text is the
"Political Objective" cell, title = Name, published = interactionstartdate. Nothing from the
corpus is stored in the repository.

    .venv/bin/python tests/eval/heldout_docs.py                 # extract now, print P/R/F1 per kind
    .venv/bin/python tests/eval/heldout_docs.py --details       # also every miss and extra
    .venv/bin/python tests/eval/heldout_docs.py --paths DIR     # write the row documents to DIR, print all paths
    .venv/bin/python tests/eval/heldout_docs.py --gold tests/eval/blind/blind.json   # any gold file of this format

Besides the scorer's kinds, the report ends with accused states per document ("accused-state"):
(document, accused state) pairs over every attribution that is not a denial, whatever incident it is
filed under, and the same for denials. The scorer keys attributions by incident id, and a new
incident's id cannot be foreseen by a gold file, so this is the number the issue-11 targets on
accused states are read from. It also counts the documents whose gold accuses nobody and that
nevertheless get an accused state (false accusations). A claim whose state rests on a community
assessment alone (``basis: community-assessment``) does not count: the document accuses the named
group, and the galaxy's suspected sponsor of that group is nobody's accusation (the claim keeps
it, visible as its own basis).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "heldout" / "heldout.json"
ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("NORMWATCH_SHARED", ROOT.parent / "shared")).resolve()


def load(path: Path = HELDOUT) -> dict:
    """The held-out gold file as plain JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def _iso(date: str) -> str | None:
    """The tracker's M/D/YYYY as YYYY-MM-DD; None when empty or malformed (never guessed)."""
    try:
        return dt.datetime.strptime(date.strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def cfr_record(csv_path: Path, row: int) -> dict:
    """One tracker row (0-based over data rows) as a JSONL document record.

    >>> cfr_record(Path("cfr.csv"), 103)["title"]  # doctest: +SKIP
    'Targeting of Montenegrin government infrastructure'
    """
    with csv_path.open(encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i == row:
                return {"id": f"{csv_path.stem}-row-{row}", "title": r["Title"].strip() or None,
                        "published": _iso(r["Date"]), "text": r["Description"]}
    raise IndexError(f"{csv_path} has no data row {row}")


def dcid_record(csv_path: Path, row: int) -> dict:
    """One DCID 2.0 row (0-based over data rows) as a JSONL document record: its "Political Objective"
    cell is the only free text the sheet has, so it is the document."""
    with csv_path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i == row:
                start = (r.get("interactionstartdate") or "").strip()[:10]
                return {"id": f"{csv_path.stem}-row-{row}", "title": (r.get("Name") or "").strip() or None,
                        "published": start if len(start) == 10 and start[4] == "-" else None,
                        "text": (r.get("Political Objective") or "").strip()}
    raise IndexError(f"{csv_path} has no data row {row}")


def row_record(corpus: Path, derived: dict) -> dict:
    """The JSONL record of a ``derived_from`` row: DCID sheets by their own columns, else the CFR tracker's."""
    path, row = corpus / derived["file"], int(derived["row"])
    return (dcid_record if path.name.startswith("DCID") else cfr_record)(path, row)


def document_text(key: str, entry: dict, corpus: Path) -> str:
    """The text a gold document's quotes refer to: the corpus file, or the dataset row's text."""
    derived = entry.get("derived_from")
    if derived:
        return row_record(corpus, derived)["text"]
    return (corpus / entry["source"]).read_text(encoding="utf-8")


def document_paths(gold: dict, corpus: Path, out_dir: Path) -> list[str]:
    """Input paths for every gold document; tracker rows are written to `out_dir` as ``<key>`` JSONL files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, entry in gold["documents"].items():
        derived = entry.get("derived_from")
        if derived:
            rec = row_record(corpus, derived)
            p = out_dir / key  # the key is the base name the scorer matches predictions by
            p.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
            paths.append(str(p))
        else:
            paths.append(str(corpus / entry["source"]))
    return paths


def _accused(attributions, denied: bool) -> set[str]:
    """Accused states of accusations (or of denials); a state resting on a community assessment alone
    (``basis: community-assessment``, a galaxy's suspected state of a named group) is nobody's accusation."""
    return {a["accused"] for a in attributions
            if a.get("accused") and (a.get("certainty") == "denied") == denied
            and a.get("basis") != "community-assessment"}


def _prf(tp: int, fp: int, found: int, required: int) -> dict:
    p = tp / (tp + fp) if tp + fp else None
    r = found / required if required else None
    f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"P": p, "R": r, "F1": f1}


def accused_state_scores(gold_data: dict, gold, preds: list[dict]) -> dict:
    """(document, accused state) precision/recall for accusations and for denials, plus false accusations.

    `gold_data` is the gold file as plain JSON, `gold` the same file loaded by ``load_gold`` (for the
    base names a prediction may carry), `preds` contract objects. Gold attributions that are
    ``required: false`` (or sit in an optional incident) are optional here too: found, they count as
    true positives; not found, they are no miss. A predicted state the gold does not name there is a
    false positive. Recall counts required pairs only, as the scorer does.
    """
    from normwatch.evaluate import predicted_claims  # here: scoring saved output needs no extraction stages

    by_name = {n: key for key, gd in gold.documents.items() for n in gd.names()}
    predicted: dict[str, list[dict]] = {}
    for obj in preds:
        key = by_name.get(Path((obj.get("doc") or {}).get("source") or "").name)
        if key is not None and key not in predicted:
            predicted[key] = predicted_claims(obj)  # every claim, whatever incident (if any) it is filed under
    # a gold file's top-level claims (accusations with no incident) count like an optional-free incident's
    loose = [{"doc": c["doc"], "attributions": [c]} for c in gold_data.get("claims") or []]
    out: dict = {}
    for name, denied in (("accused-state", False), ("denied-state", True)):
        tp = fp = found = required_n = 0
        misses, extras = [], []
        for key in gold_data["documents"]:
            incs = [i for i in (gold_data.get("incidents") or []) + loose if i["doc"] == key]
            required = _accused([a for i in incs if i.get("required", True)
                                 for a in i["attributions"] if a.get("required", True)], denied)
            allowed = _accused([a for i in incs for a in i["attributions"]], denied)
            got = _accused(predicted.get(key, []), denied)
            tp, fp = tp + len(got & allowed), fp + len(got - allowed)
            found, required_n = found + len(required & got), required_n + len(required)
            misses += [f"{key}: {s}" for s in sorted(required - got)]
            extras += [f"{key}: {s}" for s in sorted(got - allowed)]
        out[name] = {"gold": required_n, "tp": tp, "fp": fp, "fn": required_n - found,
                     **_prf(tp, fp, found, required_n), "misses": misses, "false_positives": extras}
    # documents whose gold accuses nobody at all (optional readings included): any accused state there is false
    clean = [k for k in gold_data["documents"]
             if not _accused([a for i in (gold_data.get("incidents") or []) + loose if i["doc"] == k
                              for a in i["attributions"]], False)]
    accused = [k for k in clean if _accused(predicted.get(k, []), False)]
    out["false-accusations"] = {"documents_without_accused": len(clean), "given_a_state": len(accused),
                                "share": len(accused) / len(clean) if clean else None, "documents": accused}
    return out


def format_accused(scores: dict, details: bool = False) -> str:
    """The accused-state block of the text report."""
    f = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
    lines = ["", f"{'per document':<26}{'gold':>6}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for name in ("accused-state", "denied-state"):
        k = scores[name]
        lines.append(f"{name:<26}{k['gold']:>6}{k['tp']:>6}{k['fp']:>6}{k['fn']:>6}{f(k['P']):>8}{f(k['R']):>8}{f(k['F1']):>8}")
    fa = scores["false-accusations"]
    lines.append(f"false accusations: {fa['given_a_state']} of {fa['documents_without_accused']} documents that accuse"
                 f" nobody get an accused state ({f(fa['share'])})")
    if details:
        for name in ("accused-state", "denied-state"):
            lines += [f"  miss  {name}  {m}" for m in scores[name]["misses"]]
            lines += [f"  extra {name}  {m}" for m in scores[name]["false_positives"]]
    return "\n".join(lines)


def measure(fmt: str = "text", details: bool = False, corpus: Path | None = None,
            gold_path: Path = HELDOUT) -> str:
    """Extract the documents of `gold_path` (the held-out set unless told) now and return the evaluation report."""
    from normwatch.evaluate import format_report, load_gold, run_extraction, score

    corpus = corpus or SHARED / "corpus"
    gold, data = load_gold(gold_path), load(gold_path)
    with tempfile.TemporaryDirectory(prefix="normwatch-heldout-") as tmp:
        preds = run_extraction(document_paths(data, corpus, Path(tmp)), gold)
    report, accused = format_report(score(gold, preds), fmt, details), accused_state_scores(data, gold, preds)
    if fmt == "json":
        out = json.loads(report)
        out["per_document"] = accused if details else {k: {n: v for n, v in d.items() if n not in
                                                           ("misses", "false_positives", "documents")}
                                                       for k, d in accused.items()}
        return json.dumps(out, ensure_ascii=False, indent=2)
    return report + "\n" + format_accused(accused, details)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=HELDOUT, metavar="PATH",
                    help="gold file to score (default: the held-out set); any file in this format, e.g. blind/blind.json")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--format", choices=["text", "json"], default="text")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--paths", type=Path, metavar="DIR", help="only write the row documents to DIR and print all paths")
    args = ap.parse_args()
    if args.paths:
        print("\n".join(document_paths(load(args.gold), args.corpus, args.paths)))
        return 0
    print(measure(args.format, args.details, args.corpus, args.gold))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
