"""The small per-store-version cache behind the aggregates the pages show (stats, matrix, counts)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable


class VersionedCache:
    """A small LRU whose entries die when the store version changes or after `ttl` seconds."""

    def __init__(self, size: int = 512, ttl: float = 600.0) -> None:
        self.size, self.ttl = size, ttl
        self._data: OrderedDict[Any, tuple[Any, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Any, threading.Lock] = {}

    def _hit(self, key: Any, version: Any) -> tuple[bool, Any]:
        with self._lock:
            hit = self._data.get(key)
            if hit and hit[0] == version and time.monotonic() - hit[1] < self.ttl:
                self._data.move_to_end(key)
                return True, hit[2]
        return False, None

    def get(self, key: Any, version: Any, compute: Callable[[], Any]) -> Any:
        found, value = self._hit(key, version)
        if found:
            return value
        # one computation per key at a time: concurrent requests for a slow aggregate wait for
        # the first one instead of all running the same scan
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            found, value = self._hit(key, version)
            if found:
                return value
            now = time.monotonic()
            value = compute()
            with self._lock:
                self._data[key] = (version, now, value)
                self._data.move_to_end(key)
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
                self._computing.pop(key, None)
        return value

