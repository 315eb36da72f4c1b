"""`normwatch serve`: options as documented, and a real server answering on a free port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from normwatch.cli_web import serve


def test_serve_options():
    out = CliRunner().invoke(serve, ["--help"]).output
    for opt in ("--db", "--host", "--port", "--workers", "--no-cache", "--access-log"):
        assert opt in out
    assert "127.0.0.1" in out and "8000" in out


@pytest.mark.slow
def test_serve_answers(sample_db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from normwatch.cli_web import serve; serve(['--db', {sample_db!r}, '--port', '{port}'])"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/stats", timeout=1) as r:
                    assert json.load(r)["store"]["documents"] > 0
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("serve did not answer")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
