"""Checks shared by the blind gold sets' tests (test_blind.py, test_blind40.py, test_sealed.py).

Each blind set must be well formed, stay apart from every other gold set, be named by no other test
or bench file (a document named elsewhere may already have shaped the extractor) and quote only what
its documents say. The sets differ in what they hold, so the tests keep their own lists and counts
and call these helpers for the mechanics. Nothing here extracts: no blind set has a score floor.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from normwatch.model import CERTAINTIES, CHANNELS
from tests.conftest import shared_path
from tests.eval import heldout_docs
from tests.eval import test_gold_files as gold_checks  # a module, so pytest does not collect its tests twice

HERE = heldout_docs.HERE
TESTS = HERE.parent
ROOT = TESTS.parent
CFR = "incidents/cfr_cyber_operations_tracker_2005-2022.csv"
DCID = "incidents/DCID_2.0_public_June2020_sheet.csv"
#: UN General Debate sessions kept for evaluation (HELPERS.md): no blind speech may come from them
RESERVED_SESSIONS = {62, 68, 69, 71, 73, 74, 76, 77, 79}
#: the files a scan for document names reads
SCANNED_SUFFIXES = {".py", ".json", ".md", ".txt", ".jsonl", ".csv"}


def structure_and_enums(path: Path) -> None:
    """The checks every gold file passes (test_gold_files), plus the top-level claims of issue 11."""
    gold_checks.test_structure_and_ids(path)
    gold_checks.test_enums(path)
    data = heldout_docs.load(path)
    for kind in ("claims", "forbidden_claims"):
        for it in data.get(kind) or []:
            assert it["doc"] in data["documents"], f"{kind} item names unknown doc {it['doc']}"
            ids = [it.get("accused"), it.get("claimant"), it.get("actor")]
            bad = [i for i in ids if i is not None and not gold_checks.ID.match(i)]
            assert not bad, f"malformed ids in {kind}: {bad}"
    for c in data.get("claims") or []:
        assert c["accused"].startswith("state:"), c
        assert c["certainty"] in CERTAINTIES and c["via"] in CHANNELS, c
        assert c.get("required", True) in (True, False)


def documents_of(files: list[Path], origin: bool = False) -> dict:
    """Every document of `files` (and of ../shared/gold/origin.json when asked and present), by key."""
    docs: dict = {}
    for f in files:
        docs.update(json.loads(f.read_text(encoding="utf-8"))["documents"])
    path = heldout_docs.SHARED / "gold" / "origin.json"
    if origin and path.is_file():  # the shared gold set; without ../shared only the repository's sets are compared
        docs.update(json.loads(path.read_text(encoding="utf-8"))["documents"])
    return docs


def source_names(docs: dict) -> set[str]:
    return {Path(d["source"]).name for d in docs.values() if d.get("source")}


def dataset_rows(docs: dict) -> set[tuple[str, int]]:
    return {(d["derived_from"]["file"], d["derived_from"]["row"]) for d in docs.values() if d.get("derived_from")}


def naming_patterns(docs: dict, row_prefix) -> list[str]:
    """Regexes that name a document elsewhere: its file stem, or for a dataset row its key prefix
    (``row_prefix(entry)``, e.g. ``cfr_row_``) or a ``"row": N`` entry."""
    patterns = [rf"\b{re.escape(Path(d['source']).stem)}\b" for d in docs.values() if d.get("source")]
    patterns += [rf"(?:{row_prefix(d)}|\"row\":\s*){d['derived_from']['row']}\b"
                 for d in docs.values() if d.get("derived_from")]
    return patterns


def files_naming(patterns: list[str], roots: list[Path], own: set[Path]) -> list[tuple[str, str]]:
    """(file name, pattern) for every file under `roots`, apart from `own`, that matches a pattern."""
    own = {p.resolve() for p in own}
    hits = []
    for root in roots:
        for f in root.rglob("*"):
            if f.suffix not in SCANNED_SUFFIXES or f.resolve() in own or not f.is_file():
                continue
            text = f.read_text(encoding="utf-8", errors="replace")
            hits += [(f.name, pat) for pat in patterns if re.search(pat, text)]
    return hits


def speech_session(entry: dict) -> tuple[str, int] | None:
    """(state code, session) of a UN General Debate speech document, None for other documents."""
    m = re.fullmatch(r"([A-Z]{3})_(\d+)_\d{4}\.txt", Path(entry.get("source") or "").name)
    return (m.group(1), int(m.group(2))) if m and (entry.get("source") or "").startswith("ungdc-cyber/") else None


def texts(data: dict, *row_files: str) -> dict[str, str]:
    """The text each document's quotes refer to (skips when ../shared or a dataset file is absent)."""
    corpus = shared_path("corpus")
    for f in row_files:
        shared_path("corpus", *f.split("/"))
    return {k: heldout_docs.document_text(k, d, corpus) for k, d in data["documents"].items()}


def missing_strings(data: dict, texts_by_key: dict[str, str]) -> list[tuple[str, str, str]]:
    return gold_checks.missing_strings(data, texts_by_key)


def row_documents_problems(data: dict, tmp_path: Path) -> list[str]:
    """Dataset-row documents whose title, date or text does not come out of heldout_docs as the gold says."""
    corpus = shared_path("corpus")
    paths = heldout_docs.document_paths(data, corpus, tmp_path)
    n = len(data["documents"])
    problems = [] if len(paths) == n else [f"{len(paths)} paths for {n} documents"]
    for key, d in data["documents"].items():
        if not d.get("derived_from"):
            continue
        rec = heldout_docs.row_record(corpus, d["derived_from"])
        if (rec["title"], rec["published"]) != (d["title"], d["published"]):
            problems.append(f"{key}: {(rec['title'], rec['published'])} != {(d['title'], d['published'])}")
        if not rec["text"].strip():
            problems.append(f"{key}: empty text")
        written = tmp_path / key
        if not written.is_file() or json.loads(written.read_text(encoding="utf-8"))["text"] != rec["text"]:
            problems.append(f"{key}: not written as its row's JSONL document")
    return problems
