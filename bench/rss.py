"""Peak memory of the real `normwatch ingest` over many pages (issue 4: peak RSS <= 500 MB at 10,000).

    .venv/bin/python bench/rss.py [--pages 10000] [--no-extract] [--out bench/out/rss.json]

Why a subprocess: the bench must not count its own memory. Pages are written one at a time to a
temporary directory (never held together), then the installed CLI ingests that directory into a
fresh SQLite file while this process samples the child's VmRSS from /proc every 0.2 s and counts
the stored documents through a read-only SQLite connection, so RSS can be read against progress.

Reported: the baseline (RSS before the first document is stored: Python, the KB, trafilatura and
the models), RSS after the first 100 documents, at 1k/5k/10k and at the end, the peak (the
kernel's VmHWM high-water mark, which sampling cannot miss, and ru_maxrss of children), the growth
per 1,000 documents after warm-up (least squares over the samples past 1,000 documents), pages/s
and the load average (speed figures depend on it; memory ones do not).

Pages are ../shared/corpus/news-html pages with paragraphs shuffled and words perturbed (see
`perturb`), so no two are identical and the near-duplicate index is exercised.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NEWS = SHARED / "corpus" / "news-html"
CLI = Path(sys.executable).parent / "normwatch"
SAMPLE_EVERY = 0.2
MILESTONES = (100, 1000, 2000, 5000, 9000, 10000)
PARTIAL_EVERY = 30.0  # seconds between partial reports (a 10,000-page run takes half an hour)


def base_pages() -> list[str]:
    """The real news pages the perturbed copies are made from (30 small pages, fine to hold)."""
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(NEWS.glob("*.htm*"))]


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


def iter_pages(n: int, seed: int = 7) -> Iterator[str]:
    """`n` perturbed pages, made one at a time (the same sequence for the same seed)."""
    rng = random.Random(seed)
    base = base_pages()
    for i in range(n):
        yield perturb(base[i % len(base)], rng, i)


def write_pages(page_dir: Path, n: int, seed: int = 7) -> int:
    """Write `n` perturbed pages as p00000.html ...; returns bytes written. Holds one page at a time."""
    page_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for i, page in enumerate(iter_pages(n, seed)):
        data = page.encode("utf-8")
        (page_dir / f"p{i:05d}.html").write_bytes(data)
        total += len(data)
    return total


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (MB) of a live process; empty once it has gone."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, val = line.split(":", 1)
                    out[key] = int(val.split()[0]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


class DocCounter:
    """Counts stored documents in the child's SQLite file; 0 until the file and table exist."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def __call__(self) -> int:
        try:
            if self.conn is None:
                if not self.path.exists():
                    return 0
                self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=0.5)
            return int(self.conn.execute("select count(*) from documents").fetchone()[0])
        except sqlite3.Error:
            return 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def sample(proc: subprocess.Popen, count_docs: DocCounter, samples: list[tuple[float, float, int]],
           hwm: list[float], t0: float, partial: Path | None = None, pages: int = 0) -> None:
    """Sample (seconds, RSS MB, stored docs) until `proc` exits; the last VmHWM seen goes in `hwm`.

    Every PARTIAL_EVERY seconds the figures so far are written to `partial`, to follow a long run.
    """
    last_report = time.perf_counter()
    while proc.poll() is None:
        st = proc_status(proc.pid)
        if "VmRSS" in st:
            samples.append((time.perf_counter() - t0, st["VmRSS"], count_docs()))
            hwm[0] = max(hwm[0], st.get("VmHWM", 0.0))
        if partial is not None and time.perf_counter() - last_report > PARTIAL_EVERY and samples:
            last_report = time.perf_counter()
            so_far = summarise(samples, samples[-1][2], samples[-1][0])
            so_far["docs_stored_so_far"] = samples[-1][2]
            so_far["pages"] = pages
            partial.write_text(json.dumps(so_far, indent=2))
        time.sleep(SAMPLE_EVERY)


def slope_per_1000(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of RSS (MB) against documents, per 1,000 documents."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return round(1000 * sxy / sxx, 2)


def summarise(samples: list[tuple[float, float, int]], pages: int, wall: float) -> dict[str, object]:
    """The figures of the report from the raw samples."""
    res: dict[str, object] = {}
    before = [r for _, r, d in samples if d == 0]
    res["baseline_rss_mb"] = round(max(before), 1) if before else None
    res["rss_mb_at_docs"] = {}
    for m in MILESTONES:
        hit = next((r for _, r, d in samples if d >= m), None)
        if hit is not None:
            res["rss_mb_at_docs"][str(m)] = round(hit, 1)
    if samples:
        # the first sample once every document is stored: later ones see the exit teardown
        last_docs = samples[-1][2]
        res["end_rss_mb"] = round(next(r for _, r, d in samples if d == last_docs), 1)
        res["sampled_peak_rss_mb"] = round(max(r for _, r, _ in samples), 1)
    warm = [(d, r) for _, r, d in samples if d >= 1000]
    res["growth_mb_per_1000_docs_after_1000"] = slope_per_1000(warm)
    res["growth_mb_per_1000_docs_after_100"] = slope_per_1000([(d, r) for _, r, d in samples if d >= 100])
    first = next((t for t, _, d in samples if d > 0), None)
    res["wall_s"] = round(wall, 1)
    res["pages_per_s"] = round(pages / wall, 2) if wall else None
    if first is not None and wall > first:
        res["pages_per_s_after_startup"] = round(pages / (wall - first), 2)
        res["startup_s"] = round(first, 1)
    return res


def run(pages: int, extract: bool = True, seed: int = 7, keep: str | None = None,
        partial: Path | None = None) -> dict[str, object]:
    """Write the pages, ingest them with the CLI in a child process, and return the figures."""
    with tempfile.TemporaryDirectory(dir=keep) as tmp:
        tmpd = Path(tmp)
        t = time.perf_counter()
        nbytes = write_pages(tmpd / "pages", pages, seed)
        gen_s = time.perf_counter() - t
        db = tmpd / "rss.db"
        cmd = [str(CLI), "ingest", str(tmpd / "pages"), "--db", f"sqlite:///{db}", "-q",
               "--extract" if extract else "--no-extract"]
        load_start = os.getloadavg()
        samples: list[tuple[float, float, int]] = []
        hwm = [0.0]
        counter = DocCounter(db)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # stdout/stderr are drained by a thread so a chatty child never blocks on a full pipe
        outs: dict[str, str] = {}
        drain = threading.Thread(target=lambda: outs.update(zip(("out", "err"), proc.communicate())))
        drain.start()
        sample(proc, counter, samples, hwm, t0, partial, pages)
        drain.join()
        wall = time.perf_counter() - t0
        final_docs = counter()
        counter.close()
        res: dict[str, object] = {"pages": pages, "extract": extract, "page_bytes": nbytes,
                                  "write_pages_s": round(gen_s, 1), "command": " ".join(cmd[1:2]) + " DIR ...",
                                  "exit_code": proc.returncode, "docs_stored": final_docs}
        res.update(summarise(samples, pages, wall))
        res["peak_rss_mb_vmhwm"] = round(hwm[0], 1)
        res["children_ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        res["loadavg_start"] = [round(x, 2) for x in load_start]
        res["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        res["cpus"] = os.cpu_count()
        res["cli_summary"] = outs.get("out", "").strip().splitlines()
        if proc.returncode not in (0, 1):
            res["stderr_tail"] = outs.get("err", "")[-2000:]
        # a coarse curve for the report: one point per ~2% of the run
        step = max(1, len(samples) // 50)
        res["curve_s_rss_docs"] = [(round(t, 1), round(r, 1), d) for t, r, d in samples[::step]]
        return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--extract", action=argparse.BooleanOptionalAction, default=True,
                    help="full extraction pipeline (default) or clean+store only")
    ap.add_argument("--tmp", default=None, help="parent folder for the temporary pages and database")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "rss.json"))
    args = ap.parse_args(argv)
    if not NEWS.exists():
        print(f"skip: {NEWS} is absent", file=sys.stderr)
        return 0
    res = run(args.pages, args.extract, args.seed, args.tmp, partial=Path(args.out).with_suffix(".partial.json"))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2))
    print(json.dumps({k: v for k, v in res.items() if k != "curve_s_rss_docs"}, indent=2))
    return 0 if res["exit_code"] in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main())
