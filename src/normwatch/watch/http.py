"""Polite HTTP for watching: robots.txt, a delay per host, a cap per cycle, conditional GETs.

Every request goes through the same SSRF checks as `sources/urls.py` (the host is resolved
and checked on every hop, the connection is pinned to the checked address), so a feed
cannot point the watcher at a private address unless `allow_private` is set.

- robots.txt is read once per host per `Polite` (one cycle) with protego; a missing file (4xx)
  allows everything, an unreachable one (5xx, network error) disallows the host for the cycle
  (RFC 9309, section 2.3.1.3/4);
- two requests to one host are at least `per_host_delay` apart (or robots.txt's crawl-delay);
- after `max_requests` requests in all, `CapReached` is raised and the cycle stops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import httpx

from ..errors import FetchError
from ..settings import Settings
from ..sources.urls import _REDIRECTS, _USER_AGENT, _parse, _pinned_request

__all__ = ["Polite", "Response", "CapReached", "USER_AGENT"]

USER_AGENT = _USER_AGENT  # names the project and what it is for
ROBOTS_AGENT = "normwatch"


class CapReached(Exception):
    """The cycle's request budget is spent."""


@dataclass
class Response:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str


class Polite:
    """One cycle's HTTP client: robots per host, per-host delay, a global cap."""

    def __init__(self, settings: Settings, *, per_host_delay: float, max_requests: int,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.per_host_delay = per_host_delay
        self.max_requests = max_requests
        self.clock, self.sleep = clock, sleep
        self.requests = 0
        self._last: dict[str, float] = {}
        self._robots: dict[str, object] = {}
        self.client = httpx.Client(timeout=httpx.Timeout(settings.fetch_timeout), follow_redirects=False,
                                   trust_env=False, headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self.client.close()

    # -- robots -------------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets normwatch fetch it (fetched once per cycle)."""
        from protego import Protego

        u = httpx.URL(url)
        origin = f"{u.scheme}://{u.netloc.decode('ascii')}"
        if origin not in self._robots:
            try:
                r = self.get(origin + "/robots.txt", check_robots=False)
            except FetchError:
                self._robots[origin] = None  # unreachable: disallow the host this cycle
            else:
                if r.status >= 500:
                    self._robots[origin] = None
                elif r.status >= 400:
                    self._robots[origin] = Protego.parse("")
                else:
                    self._robots[origin] = Protego.parse(r.body.decode("utf-8", "replace"))
        rules = self._robots[origin]
        return rules is not None and rules.can_fetch(url, ROBOTS_AGENT)

    def _delay_for(self, host: str) -> float:
        rules = next((r for o, r in self._robots.items() if httpx.URL(o).host == host and r is not None), None)
        crawl = rules.crawl_delay(ROBOTS_AGENT) if rules is not None else None
        return max(self.per_host_delay, float(crawl or 0))

    # -- requests -----------------------------------------------------------------------------
    def get(self, url: str, headers: dict[str, str] | None = None, *, check_robots: bool = True) -> Response:
        """GET with redirects checked hop by hop; raises FetchError, or CapReached when the budget is spent.

        Statuses are returned as they come (304, 404, 500 ...): callers decide what they mean.
        """
        if check_robots and not self.allowed(url):
            raise FetchError(f"{url}: disallowed by robots.txt", code="NW151")
        current = url
        for _ in range(self.settings.max_redirects + 1):
            target = _parse(current, url)
            self.wait_turn(target.host)
            request = _pinned_request(self.client, target, self.settings, current)
            for k, v in (headers or {}).items():
                request.headers[k] = v
            try:
                resp = self.client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchError(f"{current}: no answer within {self.settings.fetch_timeout}s", code="NW120") from None
            except httpx.HTTPError as e:
                raise FetchError(f"{current}: {type(e).__name__}: {e or 'connection failed'}", code="NW120") from None
            try:
                if resp.status_code in _REDIRECTS and "location" in resp.headers:
                    current = str(target.join(resp.headers["location"]))
                    if check_robots and not self.allowed(current):
                        raise FetchError(f"{url} redirects to {current}, disallowed by robots.txt", code="NW151")
                    continue
                body = self._body(resp, current)
                return Response(resp.status_code, resp.headers, body, current)
            finally:
                resp.close()
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects", code="NW123")

    def wait_turn(self, host: str) -> None:
        """Take one request from the budget, after the host's delay; raises CapReached."""
        if self.requests >= self.max_requests:
            raise CapReached()
        last = self._last.get(host)
        if last is not None:
            wait = last + self._delay_for(host) - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.requests += 1
        self._last[host] = self.clock()

    def _body(self, resp: httpx.Response, where: str) -> bytes:
        limit = self.settings.max_bytes
        body = bytearray()
        deadline = time.monotonic() + 3 * self.settings.fetch_timeout
        try:
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"{where}: more than max_bytes ({limit}) bytes", code="NW104")
                if time.monotonic() > deadline:
                    raise FetchError(f"{where}: body still arriving after {3 * self.settings.fetch_timeout:.0f}s",
                                     code="NW120")
        except httpx.HTTPError as e:
            raise FetchError(f"{where}: reading the body failed: {type(e).__name__}: {e}", code="NW120") from None
        return bytes(body)
