"""The JSON API fuzzed from its own OpenAPI document by schemathesis, against a real `normwatch
serve` on 127.0.0.1 (issue 13): no server error on any operation, every response valid against
the schema. Bounded: fixed seed, at most 10 examples per operation and phase, 50 s in all.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("schemathesis", reason="schemathesis is in the test extra")
pytest.importorskip("fastapi", reason="the web extra is not installed")

from tests.web import sample  # noqa: E402

pytestmark = [pytest.mark.issue13, pytest.mark.slow]

# One worker: hypothesis's lambda descriptions call ast.parse, which CPython 3.11 does not
# guard across threads (a SystemError "AST constructor recursion depth mismatch" with -w 2).
MAX_TIME = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("st")
    url = f"sqlite:///{d / 'sample.db'}"
    sample.build(url)
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    proc = subprocess.Popen([str(bin_dir / "normwatch"), "serve", "--db", url, "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/v1/stats", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"normwatch serve did not start: {proc.stderr.read()[-2000:]}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_schemathesis_no_server_errors(server, tmp_path, capsys):
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    junit = tmp_path / "junit.xml"
    run = subprocess.run([exe, "run", f"{server}/api/v1/openapi.json",
                          "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance",
                          "-n", "10", "--max-time", str(MAX_TIME), "--seed", "13", "-w", "1",
                          "--request-timeout", "10", "--report", "junit", "--report-junit-path", str(junit)],
                         capture_output=True, text=True, timeout=MAX_TIME + 120, cwd=tmp_path)  # its cache stays out of the repo
    out = run.stdout + run.stderr
    m = re.search(r"(\d+) generated, (\d+) passed", out)
    assert run.returncode == 0 and "FAILURES" not in out, out[-5000:]
    assert m and int(m.group(1)) == int(m.group(2)) and int(m.group(1)) > 500, out[-3000:]
    ops = re.search(r"Tested: (\d+)", out)
    with capsys.disabled():
        print(f"\n[schemathesis] {ops.group(1) if ops else '?'} operations, {m.group(1)} cases, "
              f"{m.group(2)} passed, 0 server errors")
