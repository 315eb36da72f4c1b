"""One writer at a time per SQLite file, queued by the kernel instead of by SQLite's busy handler.

    with write_lock(store.url):
        with store.engine.begin() as conn: ...

When two connections want SQLite's write lock, the loser's busy handler sleeps and retries
(1, 2, 5 ... up to 100 ms a step), so under a handful of concurrent writes the tail latency is
mostly sleeping. The web app's writes (reviews, logins) take an exclusive `flock` on a file
beside the store first: a waiting writer wakes the moment the lock is released, across threads
and worker processes alike. Other databases (and in-memory SQLite) get a no-op: they queue
writers themselves. An ingest running beside the server does not take this lock; it still
meets the app's writes through SQLite's own locking (busy_timeout), as before.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: fall back to the in-process lock only
    fcntl = None

_local_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _path(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///") + ".write-lock").expanduser()


@contextlib.contextmanager
def write_lock(url: str) -> Iterator[None]:
    path = _path(url)
    if path is None:
        yield
        return
    with _guard:
        local = _local_locks.setdefault(str(path), threading.Lock())
    # threads of one process queue on a lock of their own first: flock is per open file, and a
    # process-wide queue keeps one file descriptor busy at a time
    with local:
        if fcntl is None:
            yield
            return
        with open(path, "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
