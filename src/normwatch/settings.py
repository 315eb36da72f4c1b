"""One table of settings: name, default, help.

A setting has one name everywhere: `min_text_chars` in code,
`--min-text-chars` on the command line, `NORMWATCH_MIN_TEXT_CHARS` in the
environment. Precedence: explicit value > environment > default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "sqlite:///normwatch.db", "SQLAlchemy URL of the store"),
    Setting("max_bytes", 50_000_000, "largest input document (bytes) accepted; larger ones are rejected"),
    Setting("min_text_chars", 200, "shortest cleaned text (characters) kept as a document"),
    Setting("fetch_timeout", 10.0, "seconds before a URL fetch gives up"),
    Setting("max_redirects", 5, "redirects followed when fetching a URL"),
    Setting("allow_private", False, "allow URLs that resolve to private, loopback or link-local addresses"),
    Setting("prefilter", True, "drop pages with nothing about cyber policy before cleaning them"),
    Setting("near_dup_threshold", 0.7, "estimated Jaccard similarity above which two documents are near-duplicates"),
    Setting("extract", True, "run the fact extraction stages on ingested documents"),
    # issue 12: ingest's process pool
    Setting("workers", 0, "processes that clean and extract documents during ingest (0: one per core)"),
    # issue 15
    Setting("pdf_timeout", 60.0, "seconds a PDF may take to read; slower ones are rejected (NW144)"),
    Setting("admin_token", "", "bearer token that the alert management API requires; empty turns that API off"),
    Setting("require_read_token", False, "reads of the API and pages need a read-scoped token or a login too"),
)


@dataclass(frozen=True)
class Settings:
    db: str = "sqlite:///normwatch.db"
    max_bytes: int = 50_000_000
    min_text_chars: int = 200
    fetch_timeout: float = 10.0
    max_redirects: int = 5
    allow_private: bool = False
    prefilter: bool = True
    near_dup_threshold: float = 0.7
    extract: bool = True
    workers: int = 0
    pdf_timeout: float = 60.0  # issue 15
    admin_token: str = ""  # issue 15: until accounts exist (issue 14), the alert management API needs it
    require_read_token: bool = False

    @classmethod
    def load(cls, **overrides: Any) -> "Settings":
        """Settings from the environment, then explicit overrides (None means not given)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            env = os.environ.get(env_name(f.name))
            if env is not None:
                values[f.name] = _coerce(env, f.default)
        for k, v in overrides.items():
            if v is not None:
                values[k] = v
        return cls(**values)


def env_name(name: str) -> str:
    return "NORMWATCH_" + name.upper()


def option_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def _check_table() -> None:
    declared = {f.name: f.default for f in fields(Settings)}
    table = {s.name: s.default for s in SETTINGS}
    if declared != table:
        raise RuntimeError(f"settings table and Settings disagree: {declared} vs {table}")


_check_table()
