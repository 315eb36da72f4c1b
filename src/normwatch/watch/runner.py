"""One watch cycle, and the loop around it.

A cycle: every source that is due (no backoff pending) is polled with its validators
(If-None-Match / If-Modified-Since); a 304 or an unchanged listing costs nothing more. New
item URLs are recorded as pending, then pending items are fetched, oldest first, through the
normal ingest (same ids, prefilter, rejections), each after a robots.txt check and the host's
delay, until the cycle's request cap is reached; what is left waits for the next cycle. A
failed poll doubles the source's wait (`backoff` ... `max_backoff`); a failed item fetch is
tried again next cycle up to `max_attempts` times. Every item URL is recorded once, so nothing
is fetched twice, across restarts too.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import FetchError, NormwatchError
from ..ingest import ingest
from ..model import Document, Rejection
from ..settings import Settings
from .config import SourceSpec, WatchConfig
from .http import CapReached, Polite
from .listing import feed_items, index_items, sitemap_items
from .state import WatchState, iso

__all__ = ["CycleReport", "run_cycle", "run_forever"]

MAX_CHILD_SITEMAPS = 20


@dataclass
class CycleReport:
    polled: int = 0
    not_modified: int = 0
    failed: list[str] = field(default_factory=list)
    skipped_backoff: int = 0
    new_items: int = 0
    fetched: dict[str, int] = field(default_factory=dict)  # status -> count
    cap_reached: bool = False
    requests: int = 0

    def line(self) -> str:
        got = ", ".join(f"{n} {k}" for k, n in sorted(self.fetched.items())) or "none"
        return (f"{self.polled} sources polled ({self.not_modified} unchanged, {len(self.failed)} failed, "
                f"{self.skipped_backoff} waiting after errors); {self.new_items} new items; fetched: {got}; "
                f"{self.requests} requests{' (cap reached)' if self.cap_reached else ''}")


def _listing(http: Polite, spec: SourceSpec, body: bytes, url: str) -> list[str]:
    if spec.kind == "feed":
        return feed_items(body, url)
    if spec.kind == "index":
        return index_items(body, url, spec.pattern)
    limit = http.settings.max_bytes
    pages, children = sitemap_items(body, url, limit)
    for child in children[:MAX_CHILD_SITEMAPS]:
        r = http.get(child)
        if r.status == 200:
            pages += sitemap_items(r.body, r.url, limit)[0]
    return pages


def _poll(http: Polite, state: WatchState, spec: SourceSpec, cfg: WatchConfig, now: Callable[[], float],
          report: CycleReport) -> None:
    row = state.source(spec.url, spec.kind, spec.name)
    if row["next_poll"] and row["next_poll"] > iso(now()):
        report.skipped_backoff += 1
        return
    headers = {}
    if row["etag"]:
        headers["If-None-Match"] = row["etag"]
    if row["last_modified"]:
        headers["If-Modified-Since"] = row["last_modified"]
    report.polled += 1
    try:
        r = http.get(spec.url, headers)
        if r.status == 304:
            report.not_modified += 1
            state.update_source(spec.url, last_poll=iso(now()), last_success=iso(now()), failures=0, next_poll=None)
            return
        if r.status != 200:
            raise FetchError(f"{spec.url}: HTTP {r.status}", code="NW120")
        try:
            urls = _listing(http, spec, r.body, r.url)
        except ValueError as e:
            raise FetchError(f"{spec.url}: {e}", code="NW152") from None
    except NormwatchError as e:  # FetchError, or an InputError of the SSRF checks
        failures = (row["failures"] or 0) + 1
        wait = min(cfg.backoff * 2 ** (failures - 1), cfg.max_backoff)
        state.update_source(spec.url, last_poll=iso(now()), last_error=e.detail or str(e), last_error_at=iso(now()),
                            failures=failures, next_poll=iso(now() + wait))
        report.failed.append(e.detail or str(e))
        return
    report.new_items += state.add_items(spec.url, urls, iso(now()))
    state.update_source(spec.url, last_poll=iso(now()), last_success=iso(now()), failures=0, next_poll=None,
                        etag=r.headers.get("etag"), last_modified=r.headers.get("last-modified"))


def _fetch_item(http: Polite, state: WatchState, store, settings: Settings, cfg: WatchConfig, item: dict,
                now: Callable[[], float], report: CycleReport) -> None:
    url = item["url"]
    attempts = item["attempts"] + 1
    if not http.allowed(url):
        status, doc_id, detail = "disallowed", None, "disallowed by robots.txt"
    else:
        http.wait_turn(httpx_host(url))  # the item fetch counts against the host's delay and the cap
        seen: list[tuple[str, object]] = []
        ingest([url], store, settings, on_event=lambda kind, out, _c: seen.append((kind, out)))
        status, doc_id, detail = "failed", None, None
        for kind, out in seen:
            if isinstance(out, Document):
                doc_id = out.id
                status = "stored" if kind in ("added", "near-duplicate") else "exists"
            elif isinstance(out, Rejection):
                detail = out.line()
                doc_id = doc_id or out.doc_id
                if status == "failed":
                    status = "rejected"
                    # a fetch that failed (network, 5xx) may work later; other rejections are final
                    if out.code == "NW120" and attempts < cfg.max_attempts:
                        status = "retry"
            elif kind in ("filtered", "exists"):
                status = kind
    state.finish_item(url, status, now=iso(now()), doc_id=doc_id, detail=detail, attempts=attempts)
    report.fetched[status] = report.fetched.get(status, 0) + 1


def httpx_host(url: str) -> str:
    import httpx

    return httpx.URL(url).host


def run_cycle(store, cfg: WatchConfig, settings: Settings, *, clock: Callable[[], float] = time.time,
              sleep: Callable[[float], None] = time.sleep, stop: threading.Event | None = None) -> CycleReport:
    """Poll every due source once and fetch pending items, within the config's limits."""
    state = WatchState(store)
    report = CycleReport()
    http = Polite(settings, per_host_delay=cfg.per_host_delay, max_requests=cfg.max_requests, sleep=sleep)
    try:
        for spec in cfg.sources:
            if stop is not None and stop.is_set():
                return report
            _poll(http, state, spec, cfg, clock, report)
        for item in state.due_items():
            if stop is not None and stop.is_set():
                break
            _fetch_item(http, state, store, settings, cfg, item, clock, report)
    except CapReached:
        report.cap_reached = True
    finally:
        report.requests = http.requests
        http.close()
    return report


def run_forever(store, cfg: WatchConfig, settings: Settings, *, on_cycle: Callable[[CycleReport], None],
                stop: threading.Event | None = None) -> None:
    """Cycles every `cfg.interval` seconds until SIGTERM or SIGINT; the item in progress is finished first."""
    stop = stop or threading.Event()

    def handler(signum, _frame) -> None:
        stop.set()

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.is_set():
            on_cycle(run_cycle(store, cfg, settings, stop=stop))
            stop.wait(cfg.interval)
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)
