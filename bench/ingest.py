"""Ingest throughput against trafilatura alone, in the same run, plus the prefilter and peak RSS.

    .venv/bin/python bench/ingest.py [--pages 2000] [--out bench/out/ingest.json]

What it measures (all single process, on this machine, in one run so noise hits both sides):
  * trafilatura alone: `trafilatura.bare_extraction` with the options normwatch passes it, over the
    relevant pages, once before and once after the ingest phases (averaged); also once with its
    default options (which extract comments too, slower);
  * normwatch ingest without extraction (read files -> clean -> store in SQLite) over the same pages;
  * normwatch ingest with the full extraction pipeline (HTML -> stored facts) over the same pages;
  * the prefilter on irrelevant pages against trafilatura extracting those same pages;
  * peak RSS of the process (ru_maxrss) sampled after each phase.
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
import random
import re
import resource
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def real_pages() -> list[str]:
    d = SHARED / "corpus" / "news-html"
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(d.glob("*.htm*"))]


def perturb(page: str, rng: random.Random, n: int) -> str:
    """A new page: paragraphs shuffled inside the body, some words swapped, a unique marker."""
    paras = re.findall(r"<p\b[^>]*>.*?</p>", page, flags=re.S | re.I)
    if len(paras) > 3:
        shuffled = paras[:]
        rng.shuffle(shuffled)
        it = iter(shuffled)
        page = re.sub(r"<p\b[^>]*>.*?</p>", lambda m: next(it), page, flags=re.S | re.I)
    words = ["network", "agency", "official", "system", "report", "attack", "government", "operation"]

    def swap(m: re.Match) -> str:
        return rng.choice(words) if rng.random() < 0.03 else m.group(0)

    page = re.sub(r"(?<=[ >])[a-z]{5,9}(?=[ ,.<])", swap, page)
    return page.replace("</body>", f"<p>Bench copy {n}.</p></body>", 1)


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


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--irrelevant", type=int, default=300)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "ingest.json"))
    args = ap.parse_args()
    if not (SHARED / "corpus").exists():
        print(f"skip: {SHARED}/corpus is absent", file=sys.stderr)
        return 0

    import trafilatura

    from normwatch.ingest import ingest
    from normwatch.settings import Settings
    from normwatch.stages.prefilter import is_relevant
    from normwatch.store import Store

    rng = random.Random(7)
    base = real_pages()
    pages = [perturb(base[i % len(base)], rng, i) for i in range(args.pages)]
    junk = irrelevant_pages(args.irrelevant)
    res: dict[str, object] = {"pages": len(pages), "irrelevant_pages": len(junk), "rss_mb": {}}

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        page_dir = tmpd / "pages"
        page_dir.mkdir()
        for i, p in enumerate(pages):
            (page_dir / f"p{i:05d}.html").write_text(p, encoding="utf-8")
        res["rss_mb"]["start"] = round(rss_mb(), 1)

        def reference() -> float:
            """trafilatura alone, with the options normwatch's cleaning passes it (see cleaning/html.py)."""
            return timed(lambda: [trafilatura.bare_extraction(
                p, with_metadata=True, include_comments=False, favor_recall=True, include_tables=True,
                include_images=False, deduplicate=False) for p in pages])

        # The reference runs before and after the ingest phases and is averaged, so load that
        # changes during the run hits both sides.
        t_ref = [reference()]
        res["rss_mb"]["after_trafilatura"] = round(rss_mb(), 1)
        t = timed(lambda: [trafilatura.bare_extraction(p, with_metadata=True) for p in pages])
        res["trafilatura_default_options_pages_per_s"] = round(len(pages) / t, 1)

        for label, extract in (("ingest_clean_store", False), ("ingest_full_pipeline", True)):
            store = Store(f"sqlite:///{tmpd / (label + '.db')}")
            settings = Settings(db=store.url, prefilter=True, extract=extract)
            counts = None

            def go():
                nonlocal counts
                counts = ingest([str(page_dir)], store, settings)

            t = timed(go)
            res[f"{label}_pages_per_s"] = round(len(pages) / t, 1)
            res[f"{label}_counts"] = counts.as_dict()
            res["rss_mb"][f"after_{label}"] = round(rss_mb(), 1)
            store.close()

        t_ref.append(reference())
        res["trafilatura_pages_per_s"] = round(2 * len(pages) / sum(t_ref), 1)
        res["trafilatura_runs_pages_per_s"] = [round(len(pages) / x, 1) for x in t_ref]

        t_pf = timed(lambda: [is_relevant(p) for p in junk])
        t_tr = timed(lambda: [trafilatura.bare_extraction(p, with_metadata=True) for p in junk])
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
