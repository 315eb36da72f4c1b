"""Write-endpoint latency: POST /api/v1/reviews under load on SQLite, and whether any audit row is lost.

    .venv/bin/python bench/review.py [--connections 4] [--seconds 10] [--workers 2] [--keep DIR]
                                     [--store sqlite:///path.db] [--out bench/out/review-c4.json]

What it does:
  1. A store: `--store` (an existing one, e.g. bench/api.py's 100,000-document store, copied
     first so the bench does not change it), or the seed documents bench/api.py uses
     (../shared/corpus origin, news-text, news-html, ungdc-cyber, up to 40 kB each) ingested
     through the real pipeline (`--keep DIR` keeps and reuses it).
  2. A reviewer and a token with the review scope, made through the store's account code.
  3. Request bodies, one per line: every stance, attribution and statement of the store in
     turn, the decision rotating confirm / reject / correct (a stance's polarity, an
     attribution's certainty, a statement's directness), each with a reason.
  4. `normwatch serve` (`--workers`, uvloop + httptools) on a free loopback port and `wrk`
     (Debian package `wrk`) posting the bodies with `Authorization: Bearer`: 2 s of warm-up,
     then `--seconds` measured, `--connections` connections.
  5. Afterwards, checks in the store: every review row has the audit row written in its
     transaction (same fact, same time, same user), and there are at least as many audit rows
     as answers wrk counted as 200 (a few more are fine: requests still in flight when wrk
     stopped are answered and recorded, but not counted).
Target (issue 14): p95 <= 50 ms at 4 connections, 0 lost audit rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import wrk  # noqa: E402  bench/wrk.py: the wrk driver shared with bench/api.py

# wrk's request side; bench/wrk.py adds the summary line (200 answers counted per thread)
REQUESTS = r"""
local bodies = {}
for line in io.lines(os.getenv("NW_BODIES")) do bodies[#bodies + 1] = line end
local token = os.getenv("NW_TOKEN")
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/reviews",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, bodies[i])
end
response = function(status, headers, body)
  if status == 200 then ok = ok + 1 end
end
"""


def build_store(path: Path) -> dict:
    from api import build_seed_store  # bench/api.py: the same seed documents

    return build_seed_store(f"sqlite:///{path}")


def bodies(path: Path, out: Path) -> int:
    """One JSON review body per line over the store's stances, attributions and statements."""
    conn = sqlite3.connect(path)
    facts = [("stance", r) for r in conn.execute("SELECT doc_id, fact_key, polarity FROM stances")]
    facts += [("attribution", r) for r in conn.execute("SELECT doc_id, fact_key, certainty FROM attributions")]
    facts += [("statement", r) for r in conn.execute("SELECT doc_id, fact_key, direct FROM statements")]
    conn.close()
    flip = {"stance": lambda v: {"polarity": "mixed" if v != "mixed" else "support"},
            "attribution": lambda v: {"certainty": "alleged" if v != "alleged" else "suspected"},
            "statement": lambda v: {"direct": not bool(v)}}
    with out.open("w", encoding="utf-8") as f:
        for i, (kind, (doc_id, key, value)) in enumerate(facts):
            decision = ("confirm", "reject", "correct")[i % 3]
            body = {"doc_id": doc_id, "kind": kind, "fact_key": key, "decision": decision,
                    "reason": f"bench review {i}"}
            if decision == "correct":
                body["correction"] = flip[kind](value)
            f.write(json.dumps(body) + "\n")
    return len(facts)


def wait_port(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def run_wrk(port: int, lua: Path, env: dict, connections: int, seconds: float) -> dict:
    return wrk.run(f"http://127.0.0.1:{port}", lua, env, connections=connections, seconds=seconds,
                   threads=min(2, connections))


def audit_check(path: Path, first_id: int) -> dict:
    conn = sqlite3.connect(path)
    written = conn.execute("SELECT count(*) FROM audit WHERE id > ? AND action LIKE 'review.%'",
                           (first_id,)).fetchone()[0]
    # a review row whose audit row (same fact, time and user) is missing is a lost audit row
    lost = conn.execute(
        "SELECT count(*) FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.doc_id = r.doc_id "
        "AND a.fact_kind = r.fact_kind AND a.fact_key = r.fact_key AND a.at = r.at AND a.user = r.reviewer)"
    ).fetchone()[0]
    conn.close()
    return {"audit_rows_written": written, "reviews_without_audit_row": lost}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the seed store in this directory")
    ap.add_argument("--store", default=None, help="an existing sqlite:/// store to copy and bench on")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (Debian package wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="nw-review-bench-"))
    db = tmp / "review.db"
    seed = None
    if args.store:
        shutil.copy(args.store.removeprefix("sqlite:///"), db)
    else:
        keep = args.keep / "seed.db" if args.keep else None
        if keep and keep.exists():
            shutil.copy(keep, db)
        else:
            seed = build_store(db)
            if keep:
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(db, keep)
    url = f"sqlite:///{db}"
    from normwatch.store import Store, accounts

    store = Store(url)  # migrates a copied older store to the current schema
    with store.engine.begin() as conn:
        accounts.add_user(conn, "bench", "reviewer", by="bench")
        token, _ = accounts.create_token(conn, accounts.server_secret(url), "bench", ["review"], days=1, by="bench")
        first_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit").scalar_one()
    store.close()
    n_bodies = bodies(db, tmp / "bodies.jsonl")
    lua = tmp / "review.lua"
    lua.write_text(wrk.script(REQUESTS, "ok"))
    port = wrk.free_port()
    normwatch = Path(sys.executable).with_name("normwatch")
    proc = subprocess.Popen([str(normwatch), "serve", "--db", url, "--port", str(port), "--workers", str(args.workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_port(port, proc)
        env = {**os.environ, "NW_BODIES": str(tmp / "bodies.jsonl"), "NW_TOKEN": token}
        load_before = os.getloadavg()[0]
        warm = run_wrk(port, lua, env, args.connections, 2)  # warm-up: connections, caches, first writes
        result = run_wrk(port, lua, env, args.connections, args.seconds)
        load_after = os.getloadavg()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    checks = audit_check(db, first_id)
    answered = warm["ok"] + result["ok"]  # audit rows since first_id cover the warm-up's reviews too
    result["measured_seconds"] = result.pop("seconds")
    report = {"connections": args.connections, "workers": args.workers,
              "distinct_bodies": n_bodies, "seed": seed, **result,
              "req_per_s": round(result["requests"] / result["measured_seconds"], 1), **checks,
              "ok_with_warmup": answered,
              "audit_rows_not_less_than_ok": checks["audit_rows_written"] >= answered,
              "load_1min_before_after": [round(load_before, 2), round(load_after, 2)],
              "meets": {"p95_ms<=50": result["p95_ms"] <= 50,
                        "0 lost audit rows": checks["reviews_without_audit_row"] == 0
                        and checks["audit_rows_written"] >= answered}}
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
