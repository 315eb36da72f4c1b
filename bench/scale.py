"""Scale-out benchmarks (issue 12), on demand, not tests: the pool, Spark local mode, PostgreSQL writers.

    .venv/bin/python bench/scale.py workers [--pages 1000]       # ingest --workers 1 vs 2, same pages, same facts
    .venv/bin/python bench/scale.py spark [--pages 300]          # Spark local[2] vs single-process, same WARC
    .venv/bin/python bench/scale.py pg-writers [--pages 400]     # 1, 2, 4 concurrent ingest processes on PostgreSQL

Pages are bench/rss.py's: ../shared/corpus/news-html pages and perturbed copies of them (no two
identical, many near-duplicates). Every run is the real `normwatch` CLI (or the real Spark job) in a
child process, timed by wall clock; the JSON result goes to bench/out/scale-<what>.json. The
machine may be shared: each result records the load average before and after, and the numbers
are only as quiet as the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
import rss as rssbench  # noqa: E402 - the sibling bench module (page generator)

NW = [sys.executable, "-c", "import sys; from normwatch.cli import main; sys.argv[0] = 'normwatch'; main()"]
# the same, reporting at exit the CPU seconds of the process itself and of its (pool) children
NW_CPU = [sys.executable, "-c", (
    "import atexit, resource, sys\n"
    "def report():\n"
    "    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    print('CPU', me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, file=sys.stderr)\n"
    "atexit.register(report)\n"
    "from normwatch.cli import main; sys.argv[0] = 'normwatch'; main()")]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def ingest(args: list[str], env: dict | None = None, cpu: dict | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    res = subprocess.run([*(NW_CPU if cpu is not None else NW), "ingest", "-q", *args], capture_output=True,
                         text=True, env=env)
    wall = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {res.stderr[-2000:]}")
    if cpu is not None:
        line = [x for x in res.stderr.splitlines() if x.startswith("CPU ")][-1].split()
        cpu.update(main=round(float(line[1]), 2), workers=round(float(line[2]), 2))
    return wall, res.stdout.splitlines()[0]


def facts(url: str) -> dict:
    from normwatch.store import Store

    st = Store(url).stats()
    st.pop("runs")
    return st


def bench_workers(pages: int, tmp: Path, repeat: int = 1) -> dict:
    page_dir = tmp / "pages"
    rssbench.write_pages(page_dir, pages, seed=7)
    out: dict = {"pages": pages, "cores": os.cpu_count(), "load_before": load(), "runs": []}
    # 1, 2, 1, 2: alternating halves the effect of a neighbour's burst on one side
    for n in (1, 2) * repeat:
        url = f"sqlite:///{tmp / ('w%d-%d.db' % (n, len(out['runs'])))}"
        cpu: dict = {}
        wall, summary = ingest(["--workers", str(n), "--db", url, str(page_dir)], cpu=cpu)
        out["runs"].append({"workers": n, "seconds": round(wall, 2), "pages_per_s": round(pages / wall, 2),
                            "cpu_seconds": cpu, "summary": summary, "stats": facts(url), "load": load()})
    by = {n: [r for r in out["runs"] if r["workers"] == n] for n in (1, 2)}
    out["same_facts"] = all(r["stats"] == by[1][0]["stats"] for r in out["runs"])
    best = {n: min(r["seconds"] for r in by[n]) for n in (1, 2)}
    out["speedup_best"] = round(best[1] / best[2], 2)
    out["speedup_mean"] = round(sum(r["seconds"] for r in by[1]) / sum(r["seconds"] for r in by[2]), 2)
    # On a machine shared with other sessions the kernel's autogroup scheduler gives this session
    # one share however many processes it runs, so wall time cannot show the pool's gain there.
    # The CPU seconds can: on an idle 2-core machine the pool's wall time is at least the writer's
    # CPU time and at least half of all CPU time; one process's wall time is all of its CPU time.
    one = by[1][0]["cpu_seconds"]
    two = by[2][0]["cpu_seconds"]
    t1 = one["main"] + one["workers"]
    t2 = max(two["main"], (two["main"] + two["workers"]) / 2)
    out["projected_speedup_idle_2_cores"] = round(t1 / t2, 2)
    out["pool_cpu_overhead"] = round((two["main"] + two["workers"]) / t1 - 1, 3)
    out["load_after"] = load()
    return out


def bench_spark(pages: int, tmp: Path) -> dict:
    from normwatch.sources.warc_writer import write_warc

    page_dir = tmp / "pages"
    rssbench.write_pages(page_dir, pages, seed=11)
    files = sorted(page_dir.iterdir())
    # two WARCs so both local cores read; the single process reads the same two files
    warcs = [tmp / "a.warc.gz", tmp / "b.warc.gz"]
    for w, part in zip(warcs, (files[::2], files[1::2])):
        write_warc(w, ((f"https://news.example/{p.stem}", p.read_bytes(), "text/html; charset=utf-8") for p in part))
    manifest = tmp / "paths.txt"
    manifest.write_text("".join(f"{w}\n" for w in warcs))
    out: dict = {"records": pages, "load_before": load()}
    url = f"sqlite:///{tmp / 'single.db'}"
    wall, summary = ingest(["--workers", "1", "--db", url, *map(str, warcs)])
    out["single"] = {"seconds": round(wall, 2), "records_per_s": round(pages / wall, 2), "summary": summary}
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    t0 = time.perf_counter()
    job = subprocess.run([sys.executable, str(ROOT / "jobs" / "spark_extract.py"), "--master", "local[2]",
                          str(manifest), str(tmp / "out")], capture_output=True, text=True, env=env)
    spark_wall = time.perf_counter() - t0
    if job.returncode:
        raise SystemExit(job.stderr[-3000:])
    counters = json.loads(job.stdout.strip().splitlines()[-1])
    t0 = time.perf_counter()
    spark_url = f"sqlite:///{tmp / 'spark.db'}"
    res = subprocess.run([*NW, "load", str(tmp / "out"), "--db", spark_url], capture_output=True, text=True)
    load_wall = time.perf_counter() - t0
    out["spark"] = {"seconds": round(spark_wall, 2), "job_seconds": counters["seconds"],
                    "records_per_s": round(pages / spark_wall, 2), "counters": counters,
                    "load_seconds": round(load_wall, 2), "load": res.stdout.strip()}
    out["ratio"] = round(out["spark"]["records_per_s"] / out["single"]["records_per_s"], 2)
    # Spark's cost per record beyond the extraction itself: core-seconds per record on 2 cores,
    # less what one process spends per record
    out["overhead_ms_per_record"] = round((2 * spark_wall - wall) / pages * 1000, 1)
    out["stats_single"], out["stats_spark"] = facts(url), facts(spark_url)
    out["same_facts"] = out["stats_single"] == out["stats_spark"]
    from normwatch.store import Store

    a, b = Store(url), Store(spark_url)
    out["same_ids"] = a.document_ids() == b.document_ids()
    # documents whose stored record differs: the near-duplicate link alone, or facts too
    diff = [i for i in a.document_ids() if a.get_document(i) != b.get_document(i)]
    only_link = [i for i in diff if {**a.get_document(i)["doc"], "near_duplicate_of": None} ==
                 {**b.get_document(i)["doc"], "near_duplicate_of": None}
                 and {k: v for k, v in a.get_document(i).items() if k != "doc"} ==
                 {k: v for k, v in b.get_document(i).items() if k != "doc"}]
    out["documents_differing"] = len(diff)
    out["documents_differing_in_near_duplicate_link_only"] = len(only_link)
    out["load_after"] = load()
    return out


def bench_pg_writers(pages: int, tmp: Path) -> dict:
    from tests.pg_server import PostgresServer, _bindir

    bindir = _bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL binaries absent: apt-get install postgresql")
    page_dir = tmp / "pages"
    rssbench.write_pages(page_dir, pages, seed=13)
    files = sorted(page_dir.iterdir())
    server = PostgresServer(bindir)
    server.start()
    out: dict = {"pages": pages, "load_before": load(), "runs": []}
    try:
        for writers in (1, 2, 4):
            url = server.create_database()
            from normwatch.store import Store

            Store(url).close()  # migrate once, outside the timing
            shards = [tmp / f"shard-{writers}-{i}" for i in range(writers)]
            for i, d in enumerate(shards):
                d.mkdir()
                for p in files[i::writers]:
                    os.symlink(p, d / p.name)
            t0 = time.perf_counter()
            procs = [subprocess.Popen([*NW, "ingest", "-q", "--workers", "1", "--db", url, str(d)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for d in shards]
            for p in procs:
                p.communicate()
            wall = time.perf_counter() - t0
            out["runs"].append({"writers": writers, "seconds": round(wall, 2), "pages_per_s": round(pages / wall, 2),
                                "stats": facts(url)})
    finally:
        server.stop()
    out["load_after"] = load()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("workers", "spark", "pg-writers"))
    ap.add_argument("--pages", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1, help="workers: runs of 1 and 2 workers, alternating")
    args = ap.parse_args()
    pages = args.pages or {"workers": 1000, "spark": 300, "pg-writers": 400}[args.what]
    fn = {"workers": bench_workers, "spark": bench_spark, "pg-writers": bench_pg_writers}[args.what]
    with tempfile.TemporaryDirectory() as tmp:
        res = fn(pages, Path(tmp), args.repeat) if args.what == "workers" else fn(pages, Path(tmp))
    dest = ROOT / "bench" / "out" / f"scale-{args.what}.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
