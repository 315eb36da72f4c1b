"""Runs the atheris fuzz targets (`fuzz_targets.py`) for a bounded time each (issue 13): 5 targets
x 5 s. A crash makes atheris exit non-zero and print the input; the test shows it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris is in the test extra")

pytestmark = [pytest.mark.issue13, pytest.mark.slow]

HARNESS = Path(__file__).with_name("fuzz_targets.py")
SECONDS = 5


@pytest.mark.parametrize("target", ["decode", "jsonl", "markdown", "warc", "clean"])
def test_fuzz_target(target, tmp_path, capsys):
    run = subprocess.run([sys.executable, str(HARNESS), target, f"-max_total_time={SECONDS}", "-rss_limit_mb=1024",
                          "-timeout=10", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"],
                         capture_output=True, text=True, timeout=SECONDS + 90, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-4000:]
    runs = next((ln.split(":")[-1].strip() for ln in run.stderr.splitlines() if "stat::number_of_executed_units" in ln),
                "?")
    with capsys.disabled():
        print(f"\n[fuzz] {target}: {runs} inputs in {SECONDS}s, no crash")
