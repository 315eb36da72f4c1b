"""Several `normwatch ingest` processes on one SQLite file, and runs killed with kill -9 (issue 13).

- Two and four writers start together on a fresh file with the same inputs in different
  orders: all migrate (under the lock), none rejects anything, every document is stored once,
  and across the processes each document counts once as stored and otherwise as already stored.
- A several-hundred-document ingest is killed with SIGKILL at random moments, again and again,
  then resumed: the file passes SQLite's integrity check, counts equal a clean run, there are
  no duplicates, every document has its facts, and the killed runs show as interrupted.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .corpus import good

pytestmark = [pytest.mark.issue13, pytest.mark.slow]

SUMMARY = re.compile(r"(\d+) seen: (\d+) stored \((\d+) near-duplicates\), (\d+) already stored, "
                     r"(\d+) filtered as irrelevant, (\d+) rejected")


def normwatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "normwatch", *args]


def write_docs(d: Path, n: int) -> list[str]:
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = d / f"doc-{i:04d}.txt"
        # distinct enough not to be near-duplicates of each other
        words = " ".join(f"w{i}x{j}" for j in range(60))
        p.write_text(good(i) + "\n" + words + ".\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def _counts(out: str) -> tuple[int, ...]:
    m = SUMMARY.search(out)
    assert m, out
    return tuple(int(g) for g in m.groups())


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers(tmp_path, writers):
    paths = write_docs(tmp_path / "in", 30)
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    procs = []
    for w in range(writers):
        order = paths[:]
        random.Random(w).shuffle(order)
        procs.append(subprocess.Popen(normwatch("ingest", "-q", "--db", db, *order), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    stored = existing = 0
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "rejected " not in err, err
        seen, st, _nd, ex, filt, rej = _counts(out)
        assert (seen, filt, rej) == (30, 0, 0) and st + ex == 30, out
        stored += st
        existing += ex
    con = sqlite3.connect(tmp_path / "nw.db")
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM documents").fetchone() == (30, 30)
    assert con.execute("SELECT count(*) FROM rejections").fetchone()[0] == 0
    assert stored == 30 and existing == 30 * (writers - 1)
    assert con.execute("SELECT count(*) FROM runs WHERE status = 'done'").fetchone()[0] == writers


def _snapshot(db: Path) -> dict:
    con = sqlite3.connect(db)
    docs = con.execute("SELECT count(*), count(DISTINCT id), count(DISTINCT content_hash) FROM documents").fetchone()
    facts = {}
    for t in ("spans", "actors", "statements", "stances", "instrument_mentions", "subscriptions", "incidents",
              "attributions", "events", "minhash_bands"):
        facts[t] = dict(con.execute(f"SELECT d.content_hash, count(f.doc_id) FROM documents d LEFT JOIN {t} f "
                                    f"ON f.doc_id = d.id GROUP BY d.content_hash"))
    fts = con.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    return {"docs": docs, "facts": facts, "fts": fts, "integrity": integrity}


def test_kill_nine_then_resume(tmp_path):
    paths = write_docs(tmp_path / "in", 300)
    # one JSONL file too: its documents are stored line by line
    jl = tmp_path / "in" / "batch.jsonl"
    jl.write_text("".join(json.dumps({"text": good(5000 + i) + f" line {i} of the batch."}) + "\n"
                          for i in range(60)), encoding="utf-8")
    inputs = [str(tmp_path / "in")]
    clean_db = tmp_path / "clean.db"
    t0 = time.monotonic()
    subprocess.run(normwatch("ingest", "-q", "--db", f"sqlite:///{clean_db}", *inputs), check=True,
                   capture_output=True, timeout=600)
    clean_secs = time.monotonic() - t0
    expected = _snapshot(clean_db)
    assert expected["docs"][0] == 360

    db = tmp_path / "crash.db"
    rnd = random.Random(13)
    kills = 0
    # Kill points spread over start-up, migration and the ingest itself; the run time is bounded.
    deadline = time.monotonic() + 150
    while kills < 10 and time.monotonic() < deadline:
        proc = subprocess.Popen(normwatch("ingest", "-q", "--db", f"sqlite:///{db}", *inputs),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.3, max(1.0, clean_secs * 0.6)))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 10, f"only {kills} kills in the time budget"
    final = subprocess.run(normwatch("ingest", "-q", "--db", f"sqlite:///{db}", *inputs), capture_output=True,
                           text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    got = _snapshot(db)
    assert got["integrity"] == "ok"
    assert got["docs"] == expected["docs"]  # same count, no duplicate ids or texts
    assert got["fts"] == expected["fts"]
    assert got["facts"] == expected["facts"]  # every document with all its facts, as in a clean run
    con = sqlite3.connect(db)
    statuses = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY status"))
    # every killed run that got as far as recording itself is marked interrupted by a later run
    assert statuses.get("running", 0) == 0
    # a resumed run may finish before its kill comes: those are "done"
    assert statuses.get("done", 0) >= 1 and statuses.get("interrupted", 0) >= 1
    runs = subprocess.run(normwatch("runs", "--db", f"sqlite:///{db}"), capture_output=True, text=True, timeout=60)
    assert runs.returncode == 0 and "interrupted" in runs.stdout and "done" in runs.stdout


def test_interrupted_run_marked_by_next(tmp_path):
    from normwatch.store import Store

    db = f"sqlite:///{tmp_path / 'nw.db'}"
    child = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom normwatch.store import Store\n"
                              f"Store({db!r}).start_run('ingest', ['x'])\nprint('ok', flush=True)\ntime.sleep(60)"],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ok"
    store = Store(db)
    assert [r["status"] for r in store.runs()] == ["running"]  # alive: left alone
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert [r["status"] for r in store.runs()] == ["interrupted"]
