"""API latency and throughput on a store of >= 100,000 documents, measured with wrk on loopback.

    .venv/bin/python bench/api.py [--docs 100000] [--seconds 10] [--workers 2] [--keep DIR]
                                  [--out bench/out/api.json]

What it does:
  1. Seeds: real documents from ../shared/corpus (origin, news-text, news-html, ungdc-cyber),
     up to 12,000 characters each, ingested through the normal pipeline into a seed store
     (with extraction; if the extraction stages refuse to start, cleaned text only).
  2. Copies: the seeds are copied directly with SQLAlchemy `executemany` until the store holds
     `--docs` documents: each copy gets a new id, a publication date spread over 2005-2024, its
     seed's text (with a copy number appended, so full-text search sees distinct documents) and
     copies of all its seed's fact rows under the new id. If the seeds carry no stances at all
     (extraction unavailable), each copy gets stances on its own sentences with actors and
     targets drawn from the knowledge base: synthetic facts, there only to give the fact tables
     a realistic size.
  3. Serves the store with uvicorn (`--workers`, default 2) on a free loopback port and runs
     `wrk` (Debian package `wrk`) against each main endpoint in turn for `--seconds`, with a
     Lua script rotating over many URLs per endpoint (different ids, cursors, targets) and
     reporting p50/p95/p99 latency, requests/s and non-2xx/socket errors.
Targets (issue 5): p95 <= 50 ms, >= 500 req/s on 2 cores, 0 errors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NORMWATCH_SHARED", ROOT.parent / "shared"))
MAX_SEED_CHARS = 12_000
BATCH = 2_000

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("NW_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
local bad = 0
response = function(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "NWRESULT {\"requests\": %d, \"seconds\": %.3f, \"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f, " ..
    "\"max_ms\": %.2f, \"non2xx\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def seed_files() -> list[Path]:
    c = SHARED / "corpus"
    files = sorted((c / "origin").glob("*.txt")) + sorted((c / "news-text").glob("*.txt"))
    files += sorted((c / "news-html").glob("*.htm*")) + sorted((c / "ungdc-cyber").glob("*_2015.txt"))
    return [p for p in files if p.stat().st_size <= MAX_SEED_CHARS * 3]


def build_seed_store(url: str) -> str:
    """Ingest the seed documents; returns "extracted" or "cleaned" (extraction unavailable)."""
    from normwatch.errors import NormwatchError
    from normwatch.ingest import ingest
    from normwatch.settings import Settings
    from normwatch.store import Store

    inputs = [str(p) for p in seed_files()]
    for how, extract in (("extracted", True), ("cleaned", False)):
        store = Store(url)
        try:
            ingest(inputs, store, Settings.load(db=url, extract=extract, min_text_chars=200))
            return how
        except NormwatchError as e:
            print(f"seed ingest with extract={extract} failed: {e}", file=sys.stderr)
        finally:
            store.close()
    raise SystemExit("cannot build a seed store")


def copy_store(seed_url: str, url: str, n_docs: int, rng: random.Random) -> dict:
    """Fill `url` with `n_docs` documents copied from the seed store, facts and all."""
    from normwatch.kb import load_kb
    from normwatch.store import Store
    from normwatch.store import schema as s

    seed = Store(seed_url)
    store = Store(url)
    fact_tables = [s.actors, s.statements, s.stances, s.instrument_mentions, s.subscriptions, s.events]
    with seed.engine.connect() as conn:
        docs = [dict(r) for r in conn.execute(select(s.documents).where(s.documents.c.chars <= MAX_SEED_CHARS))
                .mappings()]
        facts = {t.name: {} for t in fact_tables}
        for t in fact_tables:
            for r in conn.execute(select(t)).mappings():
                row = {k: v for k, v in dict(r).items() if k != "id"}
                facts[t.name].setdefault(r["doc_id"], []).append(row)
        incidents: dict[str, list] = {}
        for r in conn.execute(select(s.incidents)).mappings():
            atts = [dict(a) for a in conn.execute(select(s.attributions).where(
                s.attributions.c.incident_row == r["id"])).mappings()]
            incidents.setdefault(r["doc_id"], []).append((dict(r), atts))
        sentences: dict[str, list] = {}
        for r in conn.execute(select(s.spans).where(s.spans.c.layer == "sentence")).mappings():
            sentences.setdefault(r["doc_id"], []).append((r["start"], r["end"]))
    seed.close()
    if not docs:
        raise SystemExit("the seed store is empty")
    seed_stances = sum(len(v) for v in facts["stances"].values())
    synthetic = seed_stances == 0
    kb = load_kb()
    states = [r["id"] for r in kb.records("state")][:60] or ["state:USA", "state:RUS", "state:CHN", "state:EST"]
    targets = ([r["id"] for r in kb.records("proposition")] + [r["id"] for r in kb.records("instrument")]) or [
        "proposition:new-un-cybercrime-treaty"]
    pols = ["support", "support", "oppose", "neutral", "mixed"]
    counts = {"documents": 0, "facts": 0}
    t0 = time.monotonic()
    with store.engine.begin() as conn:
        conn.execute(text("PRAGMA synchronous=OFF"))
        batch_docs: list[dict] = []
        batch_fts: list[dict] = []
        batch_facts: dict[str, list] = {t.name: [] for t in fact_tables}
        batch_inc: list[tuple] = []

        def flush() -> None:
            if batch_docs:
                conn.execute(insert(s.documents), batch_docs)
                conn.execute(text("INSERT INTO documents_fts(doc_id, title, body) VALUES (:d, :t, :b)"), batch_fts)
            for t in fact_tables:
                if batch_facts[t.name]:
                    conn.execute(insert(t), batch_facts[t.name])
                    counts["facts"] += len(batch_facts[t.name])
                    batch_facts[t.name].clear()
            for inc, atts in batch_inc:
                row_id = conn.execute(insert(s.incidents).values(**inc)).inserted_primary_key[0]
                if atts:
                    conn.execute(insert(s.attributions), [{**a, "incident_row": row_id} for a in atts])
            batch_docs.clear()
            batch_fts.clear()
            batch_inc.clear()

        for i in range(n_docs):
            d = docs[i % len(docs)]
            new_id = hashlib.sha256(f"{d['id']}:{i}".encode()).hexdigest()[:16]
            body = d["text"] + f"\n\nCopy {i}."
            year = rng.randint(2005, 2024)
            published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            batch_docs.append({**d, "id": new_id, "text": body, "chars": len(body), "published": published,
                               "url": None, "near_duplicate_of": None, "run_id": None,
                               "content_hash": hashlib.sha256(body.encode()).hexdigest()})
            batch_fts.append({"d": new_id, "t": d["title"] or "", "b": body})
            for t in fact_tables:
                for row in facts[t.name].get(d["id"], ()):
                    batch_facts[t.name].append({**row, "doc_id": new_id})
            for inc, atts in incidents.get(d["id"], ()):
                batch_inc.append(({k: v for k, v in inc.items() if k != "id"} | {"doc_id": new_id},
                                  [{k: v for k, v in a.items() if k not in ("id", "incident_row")} | {"doc_id": new_id}
                                   for a in atts]))
            if synthetic:
                sents = sentences.get(d["id"]) or [(0, min(len(d["text"]), 200))]
                for _ in range(3):
                    a, b = rng.choice(sents)
                    batch_facts["stances"].append({
                        "doc_id": new_id, "actor": rng.choice(states), "affiliation": None,
                        "target": rng.choice(targets), "polarity": rng.choice(pols), "confidence": 0.5,
                        "start": a, "end": b})
            counts["documents"] += 1
            if len(batch_docs) >= BATCH:
                flush()
        flush()
    counts["build_seconds"] = round(time.monotonic() - t0, 1)
    counts["seed_documents"] = len(docs)
    counts["seed_stances"] = seed_stances
    counts["synthetic_stances"] = synthetic
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    store.close()
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.load(r)


def endpoint_paths(base: str, rng: random.Random) -> dict[str, list[str]]:
    """Several URLs per endpoint, so caches and one hot row do not flatter the figures."""
    docs = get(base, "/api/v1/documents?limit=500&sort=id")["items"]
    ids = [d["id"] for d in docs]
    cursors = []
    page = get(base, "/api/v1/documents?limit=50")
    for _ in range(40):  # walk 40 pages deep, keep every cursor: later pages cost what the first does
        if not page["next_cursor"]:
            break
        cursors.append(page["next_cursor"])
        page = get(base, "/api/v1/documents?limit=50&cursor=" + page["next_cursor"])
    matrix = get(base, "/api/v1/positions")
    targets = [t["id"] for t in matrix["targets"]] or ["proposition:new-un-cybercrime-treaty"]
    actors = [a["id"] for a in matrix["actors"]] or ["state:USA"]
    words = ["cyber", "treaty", "convention", "sovereignty", "attack", "China", "Russia", "hackers",
             "norms", "Budapest", "ransomware", "election", "espionage", "infrastructure"]
    q = urllib.parse.quote
    return {
        "stats": ["/api/v1/stats"],
        "documents (first page)": ["/api/v1/documents?limit=50"],
        "documents (cursor pages)": [f"/api/v1/documents?limit=50&cursor={c}" for c in cursors],
        "documents (year filter)": [f"/api/v1/documents?limit=50&from={y}&to={y}" for y in range(2005, 2025)],
        "document by id": [f"/api/v1/documents/{i}" for i in rng.sample(ids, min(200, len(ids)))],
        "search": [f"/api/v1/search?q={q(w)}&limit=20" for w in words],
        "stances by target": [f"/api/v1/stances?target={q(t)}&limit=50" for t in targets],
        "actor stances": [f"/api/v1/actors/{q(a)}/stances?limit=50" for a in actors[:40]],
        "positions matrix": ["/api/v1/positions", "/api/v1/positions?targets=proposition",
                             "/api/v1/positions?from=2015&to=2019"],
        "matrix cell evidence": [f"/api/v1/positions/evidence?actor={q(a)}&target={q(t)}"
                                 for a in actors[:10] for t in targets[:5]],
        "page: document": [f"/documents/{i}" for i in rng.sample(ids, min(100, len(ids)))],
        "page: home": ["/"],
    }


def run_wrk(base: str, paths: list[str], seconds: int, connections: int, workdir: Path) -> dict:
    lua = workdir / "rotate.lua"
    lua.write_text(LUA)
    plist = workdir / "paths.txt"
    plist.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "NW_PATHS": str(plist)}
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(lua), base],
                         env=env, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("NWRESULT "))
    res = json.loads(line.removeprefix("NWRESULT "))
    res["req_per_s"] = round(res["requests"] / res["seconds"], 1)
    res["errors"] = res.pop("non2xx") + res.pop("socket_errors")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4,
                    help="open connections (closed loop: each waits for its answer before the next request)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", help="build (or reuse) the store in this folder and keep it")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "api.json"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    rng = random.Random(7)
    work = Path(args.keep or tempfile.mkdtemp(prefix="nw-bench-api-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    url = f"sqlite:///{db}"
    result: dict = {"docs_requested": args.docs, "workers": args.workers, "cpus": os.cpu_count(),
                    "connections": args.connections, "seconds_per_endpoint": args.seconds}
    if not db.exists():
        seed_url = f"sqlite:///{work / 'seed.db'}"
        result["seed"] = build_seed_store(seed_url)
        result["build"] = copy_store(seed_url, url, args.docs, rng)
        print(f"store built: {result['build']}", file=sys.stderr)
    result["db_mb"] = round(db.stat().st_size / 1e6, 1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "normwatch.web.app:app_from_env", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
        env={**os.environ, "NORMWATCH_DB": url})
    try:
        for _ in range(300):
            try:
                get(base, "/api/v1/stats")
                break
            except OSError:
                time.sleep(0.2)
        result["store"] = get(base, "/api/v1/stats")["store"]
        paths = endpoint_paths(base, rng)
        result["endpoints"] = {}
        for name, plist in paths.items():
            # warm each worker's caches and SQLite's page cache, as a running server would be
            run_wrk(base, plist, 2, args.connections, work)
            res = run_wrk(base, plist, args.seconds, args.connections, work)
            res["urls"] = len(plist)
            result["endpoints"][name] = res
            print(f"{name:28s} p50 {res['p50_ms']:7.2f} ms  p95 {res['p95_ms']:7.2f} ms  "
                  f"{res['req_per_s']:8.1f} req/s  errors {res['errors']}", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
