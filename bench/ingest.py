"""Ingest throughput against trafilatura alone, in the same run, plus the prefilter and peak RSS.

    .venv/bin/python bench/ingest.py [--pages 2000] [--out bench/out/ingest.json]
    .venv/bin/python bench/ingest.py --rss [--pages 10000]    # memory of the real CLI: see bench/rss.py

What it measures (all single process, on this machine, in one run so noise hits both sides):
  * trafilatura alone: `trafilatura.bare_extraction` with the options normwatch passes it, over the
    relevant pages, once before and once after the ingest phases (averaged); also once with its
    default options (which extract comments too, slower);
  * normwatch ingest without extraction (read files -> clean -> store in SQLite) over the same pages;
  * normwatch ingest with the full extraction pipeline (HTML -> stored facts) over the same pages;
  * the prefilter on irrelevant pages against trafilatura extracting those same pages;
  * peak RSS of the process (ru_maxrss) sampled after each phase. The pages are written to disk one
    at a time and read back one at a time by each phase, so the bench holds no copies of its own;
    for the memory of an ingest-only process (issue 4), use `--rss` (bench/rss.py), which runs the
    real CLI as a child process and samples its RSS.
Relevant pages are ../shared/corpus/news-html pages plus copies made by shuffling their
paragraphs and perturbing words (so no two are identical and the near-duplicate index is
exercised); irrelevant pages are UN General Debate speeches without cyber terms wrapped in a
page template with navigation. Nothing is written outside a temporary directory except the
JSON result.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import re
import resource
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rss as rssbench  # noqa: E402 - the sibling bench module, found through the line above

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
perturb = rssbench.perturb  # kept under its old name for callers of this module


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_pages(page_dir: Path) -> Iterator[str]:
    """The pages of `page_dir`, read one at a time, in name order."""
    for p in sorted(page_dir.iterdir()):
        yield p.read_text(encoding="utf-8")


def irrelevant_pages(limit: int) -> list[str]:
    tar = SHARED / "corpus" / "ungdc" / "UNGDC_2007-2024_txt.tar.gz"
    cyber = re.compile(r"cyber|\bICTs?\b|information security|hack|malware", re.I)
    out: list[str] = []
    with tarfile.open(tar) as tf:
        for m in tf:
            if not m.isfile() or not m.name.endswith(".txt"):
                continue
            text = tf.extractfile(m).read().decode("utf-8", "replace")
            if cyber.search(text):
                continue
            paras = "".join(f"<p>{htmllib.escape(p)}</p>" for p in text.split("\n") if p.strip())
            out.append("<html><head><title>Statement</title></head><body><nav><a href='/'>Home</a> "
                       "<a href='/news'>News</a></nav><article>" + paras + "</article><footer>Contact</footer>"
                       "</body></html>")
            if len(out) >= limit:
                break
    return out


def run_each(fn, items) -> None:
    """Call `fn` on every item and drop the results (a list would keep every parsed tree alive)."""
    for item in items:
        fn(item)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=None, help="default 2000; 10000 with --rss")
    ap.add_argument("--irrelevant", type=int, default=300)
    ap.add_argument("--rss", action="store_true",
                    help="memory of the real `normwatch ingest` in a child process (bench/rss.py) instead")
    ap.add_argument("--out", default=None, help="default bench/out/ingest.json (rss.json with --rss)")
    args = ap.parse_args()
    if args.rss:
        return rssbench.main(["--pages", str(args.pages or 10000)] + (["--out", args.out] if args.out else []))
    args.pages = args.pages or 2000
    args.out = args.out or str(ROOT / "bench" / "out" / "ingest.json")
    if not (SHARED / "corpus").exists():
        print(f"skip: {SHARED}/corpus is absent", file=sys.stderr)
        return 0

    import trafilatura

    from normwatch.ingest import ingest
    from normwatch.settings import Settings
    from normwatch.stages.prefilter import is_relevant
    from normwatch.store import Store

    junk = irrelevant_pages(args.irrelevant)
    n_pages = args.pages
    res: dict[str, object] = {"pages": n_pages, "irrelevant_pages": len(junk), "rss_mb": {}}

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        page_dir = tmpd / "pages"
        rssbench.write_pages(page_dir, n_pages, seed=7)
        res["rss_mb"]["start"] = round(rss_mb(), 1)

        def reference() -> float:
            """trafilatura alone, with the options normwatch's cleaning passes it (see cleaning/html.py)."""
            return timed(lambda: run_each(lambda p: trafilatura.bare_extraction(
                p, with_metadata=True, include_comments=False, favor_recall=True, include_tables=True,
                include_images=False, deduplicate=False), read_pages(page_dir)))

        # The reference runs before and after the ingest phases and is averaged, so load that
        # changes during the run hits both sides.
        t_ref = [reference()]
        res["rss_mb"]["after_trafilatura"] = round(rss_mb(), 1)
        t = timed(lambda: run_each(lambda p: trafilatura.bare_extraction(p, with_metadata=True), read_pages(page_dir)))
        res["trafilatura_default_options_pages_per_s"] = round(n_pages / t, 1)

        for label, extract in (("ingest_clean_store", False), ("ingest_full_pipeline", True)):
            store = Store(f"sqlite:///{tmpd / (label + '.db')}")
            settings = Settings(db=store.url, prefilter=True, extract=extract)
            t0 = time.perf_counter()
            counts = ingest([str(page_dir)], store, settings)
            t = time.perf_counter() - t0
            res[f"{label}_pages_per_s"] = round(n_pages / t, 1)
            res[f"{label}_counts"] = counts.as_dict()
            res["rss_mb"][f"after_{label}"] = round(rss_mb(), 1)
            store.close()

        t_ref.append(reference())
        res["trafilatura_pages_per_s"] = round(2 * n_pages / sum(t_ref), 1)
        res["trafilatura_runs_pages_per_s"] = [round(n_pages / x, 1) for x in t_ref]

        t_pf = timed(lambda: run_each(is_relevant, junk))
        t_tr = timed(lambda: run_each(lambda p: trafilatura.bare_extraction(p, with_metadata=True), junk))
        res["prefilter_kept_irrelevant"] = sum(is_relevant(p) for p in junk)
        res["prefilter_pages_per_s"] = round(len(junk) / t_pf, 1)
        res["trafilatura_on_irrelevant_pages_per_s"] = round(len(junk) / t_tr, 1)
        res["prefilter_speedup"] = round(t_tr / t_pf, 1)

    tr = res["trafilatura_pages_per_s"]
    res["ratio_ingest_vs_trafilatura"] = round(res["ingest_clean_store_pages_per_s"] / tr, 2)
    res["ratio_full_pipeline_vs_trafilatura"] = round(res["ingest_full_pipeline_pages_per_s"] / tr, 2)
    res["peak_rss_mb"] = round(rss_mb(), 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2))
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
