"""API latency and throughput on a store of >= 100,000 documents, measured with wrk on loopback.

    .venv/bin/python bench/api.py [--docs 100000] [--seconds 10] [--connections 4] [--workers 2]
                                  [--cache | --no-cache] [--only REGEX] [--keep DIR [--build-only]]
                                  [--out bench/out/api-c4.json]

What it does:
  1. Seeds: every real document of ../shared/corpus origin, news-text, news-html and ungdc-cyber
     up to 40 kB, ingested through the real pipeline (clean, every extraction stage, prefilter)
     into a seed store: actors, statements, stances, mentions, incidents ... as extraction finds them.
  2. Copies: seed documents of up to 12,000 characters are replicated until the store holds
     `--docs` documents. Each copy gets a new id and source, the seed's date shifted by up to ten
     years (a random date when the seed has none; 5% stay undated), a later ingest time, three
     letters changed outside every span (so search sees distinct texts and every span still
     quotes the same words), and copies of all its seed's facts and KB mentions. Written with
     the sqlite3 driver in one transaction with the journal off, secondary indexes dropped first
     and rebuilt after (a few minutes instead of an hour through Store.add_document); the MinHash
     bands used only by ingest-time near-duplicate checks are not copied.
  3. Serves the store with `normwatch serve` (`--workers`, uvloop + httptools, no access log;
     with or without the response cache) on a free loopback port, reads the file once so it is
     in the OS page cache, and runs `wrk` (Debian package `wrk`) against each main endpoint in
     turn: 2 s of warm-up, then `--seconds` measured, a Lua script rotating over hundreds of
     distinct URLs per endpoint (ids, cursors, sorts, filters, search words from the corpus).
     Reported per endpoint: p50/p95/p99/max latency, requests/s, errors (non-2xx and socket),
     distinct URLs, the share of answers served from the response cache, the 1-minute load
     average before and after (other work on the machine shows there), and which targets it meets.
Targets (issue 5): p95 <= 50 ms, >= 500 req/s on 2 cores, 0 errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import wrk  # bench/wrk.py: the wrk driver shared with bench/review.py

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NORMWATCH_SHARED", ROOT.parent / "shared"))
BATCH = 2_000
MAX_SEED_CHARS = 12_000
MAX_SEED_FILE = 40_000  # bytes: long speeches and treaty texts would make every copy slow to write
PERTURB = 3  # letters changed per copy, outside every span, so offsets and quotes stay valid
UNDATED_SHARE = 0.05  # copies left without a publication date, as some real pages are
FACT_TABLES = ("actors", "statements", "stances", "instrument_mentions", "subscriptions", "events")

# wrk's request side; bench/wrk.py adds the summary line (cache hits counted per thread)
REQUESTS = r"""
local paths = {}
for line in io.lines(os.getenv("NW_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
response = function(status, headers, body)
  if headers["x-cache"] == "hit" or headers["X-Cache"] == "hit" then hits = hits + 1 end
end
"""


def seed_files() -> list[Path]:
    """Every real document of the kinds the store holds, up to `MAX_SEED_FILE` bytes."""
    c = SHARED / "corpus"
    files = sorted((c / "origin").glob("*.txt")) + sorted((c / "news-text").glob("*.txt"))
    files += sorted((c / "news-html").glob("*.htm*")) + sorted((c / "ungdc-cyber").glob("*.txt"))
    return [p for p in files if p.stat().st_size <= MAX_SEED_FILE]


def build_seed_store(url: str) -> dict:
    """Ingest the seed documents through the real pipeline (clean + every extraction stage)."""
    from normwatch.ingest import ingest
    from normwatch.settings import Settings
    from normwatch.store import Store

    inputs = [str(p) for p in seed_files()]
    store = Store(url)
    t0 = time.monotonic()
    try:
        counts = ingest(inputs, store, Settings.load(db=url, min_text_chars=200))
    finally:
        store.close()
    return {"files": len(inputs), "stored": counts.stored, "near_duplicates": counts.near_duplicates,
            "rejected": counts.rejected, "filtered": counts.filtered, "seconds": round(time.monotonic() - t0, 1)}


def _rows(conn: sqlite3.Connection, sql: str, *args) -> list[dict]:
    cur = conn.execute(sql, args)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur]


def _protected(text_len: int, doc_facts: dict[str, list[dict]], mentions: list[dict], incs: list) -> bytearray:
    """A mask of the characters some fact or mention points at: perturbation leaves them alone."""
    mask = bytearray(text_len)

    def mark(a: int, b: int) -> None:
        mask[a:b] = b"\x01" * (b - a)

    for table, rows in doc_facts.items():
        for r in rows:
            if table == "actors":
                for a, b in json.loads(r["spans"]):
                    mark(a, b)
            else:
                mark(r["start"], r["end"])
    for m in mentions:
        mark(m["start"], m["end"])
    for inc, atts in incs:
        for a, b in json.loads(inc["spans"]):
            mark(a, b)
        for at in atts:
            mark(at["start"], at["end"])
    return mask


def _shift_date(published: str | None, rng: random.Random) -> str | None:
    """The seed's date moved by up to ten years (clamped to 2000-2025); undated seeds get a random date."""
    if rng.random() < UNDATED_SHARE:
        return None
    if published and len(published) >= 4 and published[:4].isdigit():
        year = min(2025, max(2000, int(published[:4]) + rng.randint(-10, 10)))
        rest = published[4:] if len(published) == 10 else f"-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return f"{year}{rest}"
    return f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def copy_store(seed_db: Path, db: Path, n_docs: int, rng: random.Random) -> dict:
    """Fill `db` with `n_docs` copies of the seed store's documents, every fact and mention with them.

    Each copy gets a new id and source, a shifted publication date, a later ingest time and
    `PERTURB` letters changed outside all spans (so full-text search and the near-duplicate
    signature see distinct texts while every span still points at the same words). Written
    with the plain sqlite3 driver in one transaction, journal off, secondary indexes dropped
    first and rebuilt at the end: building 100,000 documents row by row through the Store
    would take an hour; this takes a few minutes. Not a way to load a production store.
    """
    from normwatch.store import Store

    Store(f"sqlite:///{db}").close()  # the schema, at the latest migration
    src = sqlite3.connect(seed_db)
    docs = _rows(src, "SELECT * FROM documents WHERE chars <= ? ORDER BY id", MAX_SEED_CHARS)
    facts = {t: {} for t in FACT_TABLES}
    for t in FACT_TABLES:
        for r in _rows(src, f"SELECT * FROM {t} ORDER BY id"):
            r.pop("id")
            facts[t].setdefault(r["doc_id"], []).append(r)
    mentions: dict[str, list] = {}
    for r in _rows(src, "SELECT * FROM spans WHERE layer = 'mention' ORDER BY id"):
        r.pop("id")
        mentions.setdefault(r["doc_id"], []).append(r)
    incidents: dict[str, list] = {}
    for r in _rows(src, "SELECT * FROM incidents ORDER BY id"):
        atts = _rows(src, "SELECT * FROM attributions WHERE incident_row = ? ORDER BY id", r["id"])
        incidents.setdefault(r["doc_id"], []).append((r, atts))
    src.close()
    if not docs:
        raise SystemExit("the seed store is empty")
    free: dict[str, list[int]] = {}
    for d in docs:
        mask = _protected(len(d["text"]), {t: facts[t].get(d["id"], []) for t in FACT_TABLES},
                          mentions.get(d["id"], []), incidents.get(d["id"], []))
        free[d["id"]] = [i for i, ch in enumerate(d["text"]) if not mask[i] and "a" <= ch <= "z"]

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    tables = ("documents", "spans", "minhash_bands", "incidents", "attributions", *FACT_TABLES)
    indexes = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        f"({','.join('?' * len(tables))})", tables)]
    for name, in conn.execute(f"SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                              f"AND tbl_name IN ({','.join('?' * len(tables))})", tables).fetchall():
        conn.execute(f"DROP INDEX {name}")

    def insert(table: str, rows: list[dict]) -> None:
        if rows:
            cols = list(rows[0])
            conn.executemany(f"INSERT INTO {table} ({','.join(f'[{c}]' for c in cols)}) "
                             f"VALUES ({','.join(':' + c for c in cols)})", rows)

    counts = {"documents": 0, "mentions": 0, **{t: 0 for t in FACT_TABLES}, "incidents": 0, "attributions": 0}
    t0 = time.monotonic()
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    next_incident = 1
    conn.execute("BEGIN")
    batch: dict[str, list] = {}
    for i in range(n_docs):
        d = docs[i % len(docs)]
        new_id = hashlib.sha256(f"{d['id']}:{i}".encode()).hexdigest()[:16]
        body = d["text"]
        cand = free[d["id"]]
        if len(cand) >= PERTURB:
            parts, at = [], 0
            for p in sorted(rng.sample(cand, PERTURB)):
                parts += [body[at:p], rng.choice("abcdefghijklmnopqrstuvwxyz")]
                at = p + 1
            body = "".join(parts) + body[at:]
        row = {**d, "id": new_id, "source": f"{d['source']}#copy-{i}", "text": body,
               "published": _shift_date(d["published"], rng), "near_duplicate_of": None, "run_id": None,
               "content_hash": hashlib.sha256(body.encode()).hexdigest(),
               "ingested_at": (start + dt.timedelta(seconds=i)).isoformat(timespec="seconds")}
        batch.setdefault("documents", []).append(row)
        batch.setdefault("documents_fts", []).append({"doc_id": new_id, "title": d["title"] or "", "body": body})
        for t in FACT_TABLES:
            rows = [{**r, "doc_id": new_id} for r in facts[t].get(d["id"], ())]
            batch.setdefault(t, []).extend(rows)
            counts[t] += len(rows)
        ms = [{**m, "doc_id": new_id} for m in mentions.get(d["id"], ())]
        batch.setdefault("spans", []).extend(ms)
        counts["mentions"] += len(ms)
        for inc, atts in incidents.get(d["id"], ()):
            batch.setdefault("incidents", []).append({**inc, "id": next_incident, "doc_id": new_id})
            batch.setdefault("attributions", []).extend(
                {**{k: v for k, v in a.items() if k != "id"}, "doc_id": new_id, "incident_row": next_incident}
                for a in atts)
            counts["incidents"] += 1
            counts["attributions"] += len(atts)
            next_incident += 1
        counts["documents"] += 1
        if len(batch["documents"]) >= BATCH or i == n_docs - 1:
            for t, rows in batch.items():
                insert(t, rows)
            batch = {}
    conn.execute("COMMIT")
    counts["insert_seconds"] = round(time.monotonic() - t0, 1)
    t1 = time.monotonic()
    for sql in indexes:
        conn.execute(sql)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    counts["index_seconds"] = round(time.monotonic() - t1, 1)
    counts["seed_documents"] = len(docs)
    return counts


def get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.load(r)


STOP = set("""about after again against also among another because before being between both could
during each every first from further have having here however into itself more most other over same
should since some such than that their them then there these they this those through under until
very what when where which while whom will with would your years year said says also""".split())


def search_words(seed_db: Path, n: int = 300) -> list[str]:
    """The `n` most frequent longer words of the seed texts: what people type, common and rare alike."""
    counts: dict[str, int] = {}
    conn = sqlite3.connect(seed_db)
    for (body,) in conn.execute("SELECT text FROM documents"):
        for w in set(re.findall(r"[A-Za-z]{5,}", body)):
            if w.lower() not in STOP:
                counts[w.lower()] = counts.get(w.lower(), 0) + 1
    conn.close()
    return [w for w, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:n]]


def endpoint_paths(base: str, rng: random.Random, seed_db: Path) -> dict[str, list[str]]:
    """Hundreds of URLs per endpoint (ids, cursors, filters, sorts), so no cache or hot row flatters a figure."""
    ids: list[str] = []
    page = get(base, "/api/v1/documents?limit=500&sort=id")
    for _ in range(4):
        ids += [d["id"] for d in page["items"]]
        if not page["next_cursor"]:
            break
        page = get(base, "/api/v1/documents?limit=500&sort=id&cursor=" + page["next_cursor"])
    cursors = []
    page = get(base, "/api/v1/documents?limit=50")
    for _ in range(300):  # walk 300 pages deep, keep every cursor: later pages cost what the first does
        if not page["next_cursor"]:
            break
        cursors.append(page["next_cursor"])
        page = get(base, "/api/v1/documents?limit=50&cursor=" + page["next_cursor"])
    matrix = get(base, "/api/v1/positions?by=actor")
    cells = [(c["actor"], c["target"]) for c in matrix["items"]]
    matrix = get(base, "/api/v1/positions")
    cells += [(c["actor"], c["target"]) for c in matrix["items"]]
    targets = sorted({t for _, t in cells} | {"proposition:new-un-cybercrime-treaty", "instrument:budapest-convention"})
    actors = [a["id"] for a in get(base, "/api/v1/actors?limit=500")["items"]]
    actors = list(dict.fromkeys(sorted({a for a, _ in cells}) + rng.sample(actors, min(300, len(actors)))))
    q = urllib.parse.quote
    sorts = ["-id", "id", "-published", "published"]
    years = list(range(2005, 2025))
    spans = [(a, b) for a in years for b in years if a <= b]
    return {
        "stats": ["/api/v1/stats"],
        "documents (first page)": [f"/api/v1/documents?limit={n}&sort={s}" for n in range(10, 60)
                                   for s in ("-published", "published", "-ingested", "id")],
        "documents (cursor pages)": [f"/api/v1/documents?limit=50&cursor={c}" for c in cursors],
        "documents (month filter)": [f"/api/v1/documents?limit=50&from={y}-{m:02d}&to={y}-{m:02d}"
                                     for y in years for m in range(1, 13)],
        "document by id": [f"/api/v1/documents/{i}" for i in rng.sample(ids, min(500, len(ids)))],
        "search": [f"/api/v1/search?q={q(w)}&limit=20" for w in search_words(seed_db)],
        "stances by target": [f"/api/v1/stances?target={q(t)}&limit=50&sort={s}" + (f"&polarity={p}" if p else "")
                              for t in targets for s in sorts for p in ("", "support", "oppose", "neutral", "mixed")],
        "actor stances": [f"/api/v1/actors/{q(a)}/stances?limit=50" for a in actors],
        "positions matrix": [f"/api/v1/positions?from={a}&to={b}" for a, b in rng.sample(spans, 200)]
                            + ["/api/v1/positions", "/api/v1/positions?targets=proposition", "/api/v1/positions?by=actor"],
        "matrix cell evidence": [f"/api/v1/positions/evidence?actor={q(a)}&target={q(t)}"
                                 + (f"&from={y1}&to={y2}" if y1 else "")
                                 for a, t in cells for y1, y2 in [(None, None)] + rng.sample(spans, 15)],
        "page: document": [f"/documents/{i}" for i in rng.sample(ids, min(200, len(ids)))],
        "page: home": ["/"],
    }


def run_wrk(base: str, paths: list[str], seconds: int, connections: int, workdir: Path) -> dict:
    lua = workdir / "rotate.lua"
    lua.write_text(wrk.script(REQUESTS, "hits", "cache_hits"))
    plist = workdir / "paths.txt"
    plist.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "NW_PATHS": str(plist)}
    res = wrk.run(base, lua, env, connections=connections, seconds=seconds, timeout="5s")
    res["req_per_s"] = round(res["requests"] / res["seconds"], 1)
    res["errors"] = res.pop("non2xx") + res.pop("socket_errors")
    return res


def summarise(endpoints: dict) -> dict:
    """Which targets every endpoint meets: all of them, and the JSON API alone (the pages are HTML)."""
    keys = ("p95_50ms", "500_req_s", "no_errors")
    api = [e for name, e in endpoints.items() if not name.startswith("page:")]
    return {"all_targets_met": {k: all(e["meets"][k] for e in endpoints.values()) for k in keys},
            "api_targets_met": {k: all(e["meets"][k] for e in api) for k in keys},
            "api_endpoints_meeting_all": sorted(n for n, e in endpoints.items()
                                                if not n.startswith("page:") and all(e["meets"].values()))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4,
                    help="open connections (closed loop: each waits for its answer before the next request)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", action=argparse.BooleanOptionalAction, default=True,
                    help="serve with the response cache (--no-cache measures every request computed afresh)")
    ap.add_argument("--keep", help="build (or reuse) the store in this folder and keep it")
    ap.add_argument("--only", help="run only the endpoints whose name matches this regular expression")
    ap.add_argument("--build-only", action="store_true", help="build the store (needs --keep), run no load")
    ap.add_argument("--pg", action="store_true",
                    help="serve the same store from a throwaway PostgreSQL (copied with `normwatch copy`; issue 12)")
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
                    "connections": args.connections, "seconds_per_endpoint": args.seconds,
                    "response_cache": args.cache, "sqlite": sqlite3.sqlite_version}
    if not db.exists():
        seed_db = work / "seed.db"
        if not seed_db.exists():
            result["seed"] = build_seed_store(f"sqlite:///{seed_db}")
            print(f"seed store: {result['seed']}", file=sys.stderr)
        result["build"] = copy_store(seed_db, db, args.docs, rng)
        print(f"store built: {result['build']}", file=sys.stderr)
    if args.build_only:
        return
    result["db_mb"] = round(db.stat().st_size / 1e6, 1)
    # read the file once so it sits in the OS page cache, as it does under a server that has run a while
    with open(db, "rb") as f:
        while f.read(1 << 24):
            pass
    pg_server = None
    if args.pg:
        sys.path.insert(0, str(ROOT))
        from normwatch.store import Store
        from normwatch.store.transfer import copy_store as copy_to
        from tests.pg_server import PostgresServer, _bindir

        pg_server = PostgresServer(_bindir())
        pg_server.start()
        sqlite_url, url = url, pg_server.create_database()
        t0 = time.perf_counter()
        result["pg_copy"] = copy_to(Store(sqlite_url), Store(url))
        result["pg_copy_seconds"] = round(time.perf_counter() - t0, 1)
        result["store_kind"] = "postgresql"
        print(f"copied to PostgreSQL in {result['pg_copy_seconds']} s", file=sys.stderr)
    port = wrk.free_port()
    base = f"http://127.0.0.1:{port}"
    # the real `normwatch serve` (uvloop, httptools, no access log), as deployed
    serve = ("from normwatch.cli_web import serve; serve(['--db', %r, '--host', '127.0.0.1', '--port', '%d', "
             "'--workers', '%d', '%s'])" % (url, port, args.workers, "--cache" if args.cache else "--no-cache"))
    server = subprocess.Popen([sys.executable, "-c", serve])
    try:
        for _ in range(300):
            try:
                get(base, "/api/v1/stats")
                break
            except OSError:
                time.sleep(0.2)
        result["store"] = get(base, "/api/v1/stats")["store"]
        paths = endpoint_paths(base, rng, work / "seed.db")
        result["endpoints"] = {}
        for name, plist in paths.items():
            if args.only and not re.search(args.only, name):
                continue
            # warm each worker's caches and SQLite's page cache, as a running server would be
            run_wrk(base, plist, 2, args.connections, work)
            load_before = os.getloadavg()[0]
            res = run_wrk(base, plist, args.seconds, args.connections, work)
            res["urls"] = len(set(plist))
            res["cache_hit_share"] = round(res.pop("cache_hits") / max(1, res["requests"]), 3)
            # the load average says whether something else competed for the two cores meanwhile
            res["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            res["meets"] = {"p95_50ms": res["p95_ms"] <= 50, "500_req_s": res["req_per_s"] >= 500,
                            "no_errors": res["errors"] == 0}
            result["endpoints"][name] = res
            print(f"{name:28s} p50 {res['p50_ms']:7.2f} ms  p95 {res['p95_ms']:7.2f} ms  "
                  f"{res['req_per_s']:8.1f} req/s  errors {res['errors']}  urls {res['urls']}  "
                  f"hits {res['cache_hit_share']:.0%}  load {res['load_avg_1m']}", file=sys.stderr)
        result.update(summarise(result["endpoints"]))
    finally:
        server.terminate()
        server.wait(timeout=10)
        if pg_server is not None:
            pg_server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
