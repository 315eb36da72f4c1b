"""The wrk driver shared by the HTTP benches (bench/api.py, bench/review.py).

Each bench writes the Lua that makes its requests (`request`) and counts something per answer
(`response` bumps a per-thread global, e.g. cache hits or 200s); `script()` adds the part every
bench needs: one summary line ``NWRESULT {...}`` with the latency percentiles, errors and that
count summed over wrk's threads, which `run()` parses. wrk is the Debian package `wrk`.

    lua.write_text(wrk.script(REQUESTS, "ok"))
    result = wrk.run(f"http://127.0.0.1:{port}", lua, env, connections=4, seconds=10)
"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

_RESULT = r"""
local threads = {}
-- setup and done run in the main Lua state; each thread counts in its own global
function setup(thread) table.insert(threads, thread) end
%(counter)s = 0
done = function(summary, latency, requests)
  local e = summary.errors
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("%(counter)s") or 0) end
  io.write(string.format(
    "NWRESULT {\"requests\": %%d, \"seconds\": %%.3f, \"p50_ms\": %%.2f, \"p95_ms\": %%.2f, \"p99_ms\": %%.2f, " ..
    "\"max_ms\": %%.2f, \"non2xx\": %%d, \"socket_errors\": %%d, \"%(field)s\": %%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout, total))
end
"""


def script(requests: str, counter: str, field: str | None = None) -> str:
    """A whole wrk script: the bench's `requests` Lua plus the summary line reporting `counter` as `field`."""
    return requests + _RESULT % {"counter": counter, "field": field or counter}


def run(base: str, lua: Path, env: dict, *, connections: int, seconds: float, threads: int = 1,
        timeout: str | None = None) -> dict:
    """Run wrk against `base` with the script `lua` and return its NWRESULT numbers."""
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if timeout:
        cmd += ["--timeout", timeout]
    out = subprocess.run(cmd + ["-s", str(lua), base], env=env, capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("NWRESULT ")), None)
    if line is None:
        raise SystemExit("wrk gave no result:\n" + out)
    return json.loads(line.removeprefix("NWRESULT "))


def free_port() -> int:
    """A free TCP port on loopback for the server under test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
