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


def measure(fmt: str = "text", details: bool = False, corpus: Path | None = None,
            gold_path: Path = HELDOUT) -> str:
    """Extract the documents of `gold_path` (the held-out set unless told) now and return the evaluation report."""
    from normwatch.evaluate import format_report, load_gold, run_extraction, score

    corpus = corpus or SHARED / "corpus"
    gold = load_gold(gold_path)
    with tempfile.TemporaryDirectory(prefix="normwatch-heldout-") as tmp:
        preds = run_extraction(document_paths(load(gold_path), corpus, Path(tmp)), gold)
    return format_report(score(gold, preds), fmt, details)


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
