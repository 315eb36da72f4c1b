"""The knowledge base for the extraction stages, re-validated at most once a second.

Why: `load_kb()` stats every KB file on each call to notice edits; the stages ask for the
KB once per document each, which on short news items costs more than the extraction. A
document batch does not need to see a KB edited within the same second.
"""

from __future__ import annotations

import threading
import time
from typing import Any

RECHECK_SECONDS = 1.0
_lock = threading.Lock()
_state: dict[str, Any] = {"kb": None, "at": 0.0}


def current_kb() -> Any:
    """`normwatch.kb.load_kb()`, cached for RECHECK_SECONDS."""
    now = time.monotonic()
    with _lock:
        if _state["kb"] is not None and now - _state["at"] < RECHECK_SECONDS:
            return _state["kb"]
    from ..kb import load_kb  # noqa: PLC0415 - the KB package imports YAML; load it only when needed

    kb = load_kb()
    with _lock:
        _state["kb"], _state["at"] = kb, now
    return kb
