"""The hostile-input batch of issue 13: 50+ generated hostile inputs among good documents, one run.

Measured, in a subprocess running the real `normwatch ingest` command: every good document is
stored; each hostile input ends as exactly one printed line and one rejection row, or (for the
kinds that are legitimate if odd) as a stored document within its budgets; none takes over 10 s;
the process peaks at no more than 500 MB of RSS. Figures go to the README's "Reliability".
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from . import corpus

pytestmark = [pytest.mark.issue13, pytest.mark.slow]

# Runs `normwatch ingest` in-process in the child, timing each item between progress events.
DRIVER = textwrap.dedent("""
    import json, sys, time
    from normwatch import cli
    times, last = [], [time.perf_counter()]
    original = cli._Progress.__call__
    def timed(self, kind, item, counts):
        now = time.perf_counter()
        ref = getattr(item, "raw_ref", None)
        times.append([kind, ref, now - last[0]])
        last[0] = now
        original(self, kind, item, counts)
    cli._Progress.__call__ = timed
    try:
        cli.cli(sys.argv[2:], standalone_mode=False)
        code = 0
    except SystemExit as e:
        code = e.code
    # the kernel's high-water mark of this process's resident memory
    hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM"))
    json.dump({"times": times, "code": code, "hwm_kb": hwm}, open(sys.argv[1], "w"))
""")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    goods, cases = corpus.build(d / "in")
    db = d / "nw.db"
    out = d / "times.json"
    paths = sorted({c.path.rsplit(":", 1)[0] if c.path.endswith((":1", ":2")) else c.path for c in cases}
                   | {g.rsplit(":", 1)[0] if g.endswith(":1") else g for g in goods})
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(out), "ingest", "-q", "--db", f"sqlite:///{db}",
                           "--max-bytes", str(5_000_000), *paths],
                          capture_output=True, text=True, timeout=600, errors="replace",
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    info = json.loads(out.read_text())
    # VmHWM of the ingest process itself: RUSAGE_CHILDREN would be the largest of every child the
    # test session ever waited for (the fuzz harness, servers), not this one
    peak_mb = info["hwm_kb"] / 1024
    con = sqlite3.connect(db)
    docs = {r[0]: r[1] for r in con.execute("SELECT raw_ref, title FROM documents")}
    rejections = [r for r in con.execute("SELECT raw_ref, source, code, count FROM rejections")]
    return {"goods": goods, "cases": cases, "proc": proc, "peak_mb": peak_mb, "info": info, "docs": docs,
            "rejections": rejections, "paths": paths}


def _rows_for(case_path: str, rejections) -> list:
    """Rejection rows of one input: its raw_ref is the path, path:LINE or path#record@offset / path@offset."""
    out = []
    for ref, source, code, count in rejections:
        if ref == case_path or (":" not in case_path[len(source):] and source == case_path
                                and ref.startswith((case_path + "#", case_path + "@"))):
            out.append((ref, code, count))
    return out


def test_at_least_fifty_hostile_inputs(batch):
    assert len(batch["cases"]) >= 50


def test_every_good_document_stored(batch):
    missing = [g for g in batch["goods"] if g not in batch["docs"]]
    assert not missing, batch["proc"].stderr[-3000:]


def test_each_hostile_input_one_outcome(batch):
    problems = []
    for c in batch["cases"]:
        rows = _rows_for(c.path, batch["rejections"])
        stored = c.path in batch["docs"]
        if c.expect == "reject" and not (len(rows) == 1 and not stored):
            problems.append((c.what, "rejected", rows, stored))
        elif c.expect == "store" and not (stored and not rows):
            problems.append((c.what, "stored", rows, stored))
        elif c.expect == "either" and stored == bool(rows) or len(rows) > 1:
            problems.append((c.what, "exactly one outcome", rows, stored))
    assert not problems, problems


def test_one_line_per_rejection_and_nothing_raw(batch):
    err = batch["proc"].stderr
    lines = [ln for ln in err.splitlines() if ln.startswith("rejected ")]
    assert len(lines) == len(batch["rejections"]), err[-3000:]
    assert all(ln.split(": ", 1)[1][:5].startswith("NW") for ln in lines), lines
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "Traceback" not in err
    assert batch["info"]["code"] == 1  # some rejected: not a crash (3), not "all failed" (2)


def test_budgets_held(batch):
    assert all(len(t or "") <= 1000 for t in batch["docs"].values())


def test_no_input_over_ten_seconds(batch):
    slow = [(ref, round(secs, 1)) for _kind, ref, secs in batch["info"]["times"] if secs > 10]
    assert not slow


def test_peak_rss_under_500_mb(batch):
    assert batch["peak_mb"] <= 500, batch["peak_mb"]


def test_report_figures(batch, capsys):
    times = sorted(secs for _k, _r, secs in batch["info"]["times"])
    slowest = sorted(batch["info"]["times"], key=lambda t: -t[2])[:3]
    with capsys.disabled():
        print(f"\n[hostile batch] {len(batch['cases'])} hostile + {len(batch['goods'])} good inputs; "
              f"{len(batch['docs'])} stored, {len(batch['rejections'])} rejected; slowest item {times[-1]:.2f}s; "
              f"peak RSS {batch['peak_mb']:.0f} MB; slowest: "
              + ", ".join(f"{os.path.basename(str(r))} {s:.1f}s" for _k, r, s in slowest))
