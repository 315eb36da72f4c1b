"""The watch config: a YAML file listing sources and the politeness limits.

    per_host_delay: 5        # seconds between two requests to one host (robots.txt crawl-delay wins if longer)
    max_requests: 200        # at most this many HTTP requests per cycle, all hosts together
    interval: 900            # seconds between cycles when not --once
    backoff: 60              # first wait after a failed poll; doubles per failure, up to max_backoff
    max_backoff: 86400
    max_attempts: 3          # an item whose fetch fails is tried again this many times in all
    sources:
      - url: https://www.example.org/news/rss.xml
        kind: feed           # feed (RSS/Atom), sitemap (incl. news sitemaps and indexes), index
      - url: https://www.example.org/statements/
        kind: index
        pattern: /statements/\\d{4}/   # index pages: only links whose URL matches (a regex)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputError

__all__ = ["WatchConfig", "SourceSpec", "load_config"]

KINDS = ("feed", "sitemap", "index")


@dataclass(frozen=True)
class SourceSpec:
    url: str
    kind: str
    name: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class WatchConfig:
    sources: list[SourceSpec] = field(default_factory=list)
    per_host_delay: float = 5.0
    max_requests: int = 200
    interval: float = 900.0
    backoff: float = 60.0
    max_backoff: float = 86400.0
    max_attempts: int = 3


def load_config(path: str) -> WatchConfig:
    """Read and check a watch config; raises InputError (NW150) naming the file and the problem."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise InputError(f"{where}: cannot read the watch config ({e.strerror or e})", code="NW150") from None
    except yaml.YAMLError as e:
        raise InputError(f"{where}: not valid YAML ({e})", code="NW150") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise InputError(f"{where}: needs a 'sources' list of {{url, kind}} (see `normwatch watch --help`)",
                         code="NW150")
    specs = []
    for i, s in enumerate(data["sources"], 1):
        if not isinstance(s, dict) or not isinstance(s.get("url"), str):
            raise InputError(f"{where}: source {i} needs a url", code="NW150")
        kind = s.get("kind", "feed")
        if kind not in KINDS:
            raise InputError(f"{where}: source {i} ({s['url']}): kind {kind!r} is not one of {', '.join(KINDS)}",
                             code="NW150")
        pattern = s.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as e:
                raise InputError(f"{where}: source {i}: bad pattern {pattern!r} ({e})", code="NW150") from None
        specs.append(SourceSpec(url=s["url"], kind=kind, name=s.get("name"), pattern=pattern))
    known = {f for f in WatchConfig.__dataclass_fields__ if f != "sources"}
    extra = set(data) - known - {"sources"}
    if extra:
        raise InputError(f"{where}: unknown keys {', '.join(sorted(extra))}", code="NW150")
    opts = {k: type(getattr(WatchConfig(), k))(data[k]) for k in known if k in data}
    return WatchConfig(sources=specs, **opts)
