"""Watching sources (issue 15) against a real HTTP server on 127.0.0.1.

The server serves an RSS feed, a news sitemap and an index page whose contents change between
polls, answers 304 to conditional requests, disallows /private/ in robots.txt, and fails
intermittently (a source and an article). Checks: nothing fetched twice, nothing disallowed
fetched, new items ingested, backoff observed, state kept across a restart, the request cap.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("feedparser", reason="needs the watch extra")
pytest.importorskip("protego", reason="needs the watch extra")

from normwatch.settings import Settings  # noqa: E402
from normwatch.store import Store  # noqa: E402
from normwatch.watch.config import SourceSpec, WatchConfig, load_config  # noqa: E402
from normwatch.watch.runner import run_cycle  # noqa: E402
from normwatch.watch.state import WatchState  # noqa: E402

pytestmark = pytest.mark.watch

ARTICLE = ("<html><head><title>Statement {n}</title></head><body><article><h1>Statement {n} on cyber norms</h1>"
           "<p>On day {n} the Ministry of Foreign Affairs of Estonia said that the Budapest Convention on "
           "Cybercrime remains the framework for international co-operation against cybercrime, and that "
           "international law applies to the conduct of States in cyberspace, number {n}.</p>"
           "<p>The minister added that voluntary norms of responsible State behaviour agreed by the UN Group "
           "of Governmental Experts in 2015 should guide every State, statement {n}.</p></article></body></html>")


class Site:
    """What the server serves; tests change it between polls."""

    def __init__(self) -> None:
        self.feed_items = [1, 2]
        self.sitemap_items = [3, 4]
        self.index_items = [8]
        self.flaky_failures = 2  # the flaky feed answers 500 this many times
        self.article_failures = {7: 1}  # article 7 answers 503 once
        self.log: list[tuple[str, dict]] = []
        self.times: list[float] = []
        self.lock = threading.Lock()
        self.pdf = b""
        self.extra_links: list[str] = []

    def feed(self, items, base) -> bytes:
        entries = "".join(f"<item><title>Item {n}</title><link>{base}/articles/{n}.html</link></item>" for n in items)
        entries += f"<item><title>Secret</title><link>{base}/private/secret.html</link></item>"
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>MFA</title><link>{base}/</link>'
                f"{entries}</channel></rss>").encode()

    def sitemap(self, base) -> bytes:
        urls = "".join(f"<url><loc>{base}/articles/{n}.html</loc><news:news><news:title>N{n}</news:title>"
                       f"</news:news></url>" for n in self.sitemap_items)
        return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>").encode()


def _handler(site: Site):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):  # quiet
            pass

        def _send(self, code: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", headers=None):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            with site.lock:
                site.log.append((self.path, dict(self.headers)))
                site.times.append(time.monotonic())
            p = self.path
            if p == "/robots.txt":
                return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            if p == "/feed.xml":
                etag = '"f-' + "-".join(map(str, site.feed_items)) + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304)
                return self._send(200, site.feed(site.feed_items, base), "application/rss+xml", {"ETag": etag})
            if p == "/sitemap.xml":
                lm = f"Wed, 0{len(site.sitemap_items)} Jan 2025 00:00:00 GMT"
                if self.headers.get("If-Modified-Since") == lm:
                    return self._send(304)
                return self._send(200, site.sitemap(base), "application/xml", {"Last-Modified": lm})
            if p == "/flaky.xml":
                if site.flaky_failures > 0:
                    site.flaky_failures -= 1
                    return self._send(500, b"busy")
                return self._send(200, site.feed([6, 1], base), "application/rss+xml")
            if p == "/statements/":
                links = "".join(f'<a href="/statements/{n}.html">S{n}</a>' for n in site.index_items)
                links += "".join(f'<a href="{u}">extra</a>' for u in site.extra_links)
                return self._send(200, f"<html><body>{links}<a href='/about.html'>About</a></body></html>".encode())
            if p == "/reports/r1.pdf" and site.pdf:
                return self._send(200, site.pdf, "application/pdf")
            if p.startswith("/statements/") or p.startswith("/articles/"):
                n = int(p.rsplit("/", 1)[1].split(".")[0])
                if site.article_failures.get(n, 0) > 0:
                    site.article_failures[n] -= 1
                    return self._send(503, b"try later")
                return self._send(200, ARTICLE.format(n=n).encode())
            return self._send(404, b"no")

    return H


@pytest.fixture
def server():
    site = Site()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield site, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _settings(db: str) -> Settings:
    return Settings(db=db, allow_private=True, extract=False, fetch_timeout=5.0)


def _cfg(base: str, **kw) -> WatchConfig:
    return WatchConfig(sources=[SourceSpec(f"{base}/feed.xml", "feed"), SourceSpec(f"{base}/sitemap.xml", "sitemap"),
                                SourceSpec(f"{base}/flaky.xml", "feed"),
                                SourceSpec(f"{base}/statements/", "index", pattern=r"/statements/\d+\.html$")],
                       per_host_delay=kw.pop("per_host_delay", 0.0), backoff=100.0, **kw)


def _article_hits(site: Site) -> Counter:
    return Counter(p for p, _ in site.log if p.startswith(("/articles/", "/statements/")) and p != "/statements/")


def test_watch_cycles(server, tmp_path):
    site, base = server
    db = f"sqlite:///{tmp_path / 'w.db'}"
    store = Store(db)
    cfg = _cfg(base)
    now = [1_700_000_000.0]
    clock = lambda: now[0]  # noqa: E731

    r1 = run_cycle(store, cfg, _settings(db), clock=clock)
    # 1, 2 (feed), 3, 4 (sitemap), 8 (index) stored; the feed's /private/ link is recorded, never fetched
    assert r1.fetched == {"stored": 5, "disallowed": 1}, r1
    assert len(r1.failed) == 1 and "HTTP 500" in r1.failed[0]
    states = {s["url"]: s for s in WatchState(store).sources()}
    flaky = states[f"{base}/flaky.xml"]
    assert flaky["failures"] == 1 and flaky["last_error"] and flaky["last_success"] is None
    assert flaky["next_poll"] > states[f"{base}/feed.xml"]["last_poll"]
    assert states[f"{base}/feed.xml"]["items_found"] == 3 and states[f"{base}/feed.xml"]["items_ingested"] == 2
    assert not any(p.startswith("/private/") for p, _ in site.log)
    assert store.stats()["documents"] == 5

    # second poll, a second later: the feed is unchanged (304), the sitemap gains 5 and 7, the flaky one waits
    now[0] += 1
    site.sitemap_items = [3, 4, 5, 7]
    before = len([p for p, _ in site.log if p == "/flaky.xml"])
    r2 = run_cycle(store, cfg, _settings(db), clock=clock)
    assert r2.not_modified == 1 and r2.skipped_backoff == 1
    feed_reqs = [h for p, h in site.log if p == "/feed.xml"]
    assert feed_reqs[-1].get("If-None-Match") == '"f-1-2"'
    assert len([p for p, _ in site.log if p == "/flaky.xml"]) == before  # backoff: not asked again yet
    assert r2.fetched == {"stored": 1, "retry": 1}  # article 7 answered 503 once

    # after the first backoff (100 s) the flaky feed fails again: the wait doubles
    now[0] += 101
    r3 = run_cycle(store, cfg, _settings(db), clock=clock)
    flaky = {s["url"]: s for s in WatchState(store).sources()}[f"{base}/flaky.xml"]
    assert flaky["failures"] == 2
    from normwatch.watch.state import iso
    assert flaky["next_poll"] == iso(now[0] + 200)
    assert r3.fetched == {"stored": 1}  # article 7 on its second attempt

    # a restart (new Store object, same database): the flaky feed now works and lists 6 and 1
    store.close()
    store = Store(db)
    now[0] += 201
    site.feed_items = [1, 2, 9]
    r4 = run_cycle(store, cfg, _settings(db), clock=clock)
    assert r4.fetched == {"stored": 2}, r4  # 6 (flaky feed) and 9 (feed); 1 was seen already
    hits = _article_hits(site)
    assert hits.pop("/articles/7.html") == 2  # once refused with 503, then fetched
    assert set(hits.values()) == {1}, hits  # nothing else was fetched twice
    assert store.stats()["documents"] == 9
    flaky = {s["url"]: s for s in WatchState(store).sources()}[f"{base}/flaky.xml"]
    assert flaky["failures"] == 0 and flaky["last_success"] and flaky["next_poll"] is None

    # one more cycle changes nothing and fetches no article
    now[0] += 1
    r5 = run_cycle(store, cfg, _settings(db), clock=clock)
    assert r5.fetched == {} and _article_hits(site) == hits + Counter({"/articles/7.html": 2})
    ua = {h.get("User-Agent") for _, h in site.log}
    assert len(ua) == 1 and ua.pop().startswith("normwatch/")


def test_cap_and_per_host_delay(server, tmp_path):
    site, base = server
    db = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(db)
    cfg = WatchConfig(sources=[SourceSpec(f"{base}/feed.xml", "feed")], per_host_delay=0.15, max_requests=3)
    r = run_cycle(store, cfg, _settings(db))
    # robots.txt, the feed, one article: then the cap
    assert r.cap_reached and r.requests == 3 and r.fetched == {"stored": 1}
    gaps = [b - a for a, b in zip(site.times, site.times[1:])]
    assert all(g >= 0.14 for g in gaps), gaps
    r = run_cycle(store, cfg, _settings(db))
    assert r.fetched.get("stored") == 1 and r.not_modified == 1  # the other article, the next cycle


def test_config_errors(tmp_path):
    from normwatch.errors import InputError

    bad = tmp_path / "w.yaml"
    bad.write_text("sources:\n  - url: http://x/feed\n    kind: podcast\n")
    with pytest.raises(InputError, match="kind 'podcast'"):
        load_config(str(bad))
    bad.write_text("per_host_delay: 2\n")
    with pytest.raises(InputError, match="sources"):
        load_config(str(bad))
    good = tmp_path / "ok.yaml"
    good.write_text("per_host_delay: 2\nmax_requests: 10\nsources:\n  - url: http://x/feed\n")
    cfg = load_config(str(good))
    assert cfg.per_host_delay == 2.0 and cfg.max_requests == 10 and cfg.sources[0].kind == "feed"


def test_watch_command_once_and_sigterm(server, tmp_path):
    site, base = server
    db = f"sqlite:///{tmp_path / 's.db'}"
    conf = tmp_path / "watch.yaml"
    conf.write_text(f"per_host_delay: 0\ninterval: 3600\nsources:\n  - url: {base}/feed.xml\n    kind: feed\n")
    env = {**os.environ, "NORMWATCH_ALLOW_PRIVATE": "1", "NORMWATCH_EXTRACT": "0"}
    exe = [str(Path(sys.executable).parent / "normwatch")]  # the installed entry point
    once = subprocess.run(exe + ["watch", str(conf), "--once", "--db", db], env=env, capture_output=True,
                          text=True, timeout=120)
    assert once.returncode == 0, once.stderr
    assert "fetched: 1 disallowed, 2 stored" in once.stdout
    # the long-running form: one cycle, then SIGTERM ends it cleanly
    proc = subprocess.Popen(exe + ["watch", str(conf), "--db", db], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "sources polled" in line and "1 unchanged" in line
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "watch: stopped" in out
    listing = subprocess.run(exe + ["watch-sources", "--db", db], env=env, capture_output=True, text=True, timeout=60)
    assert f"{base}/feed.xml [feed]" in listing.stdout and "3 items found, 2 ingested" in listing.stdout
    assert Path(tmp_path / "s.db").exists()


def test_pdf_items_are_ingested_with_pages(server, tmp_path):
    pytest.importorskip("pypdfium2", reason="needs the pdf extra")
    pytest.importorskip("reportlab", reason="the PDF is written with reportlab")
    from tests.pdfmaker import make_report

    site, base = server
    made = make_report(["Member States reaffirmed that international law, in particular the Charter of the "
                        "United Nations, applies in cyberspace, and condemned cyber attacks on critical infrastructure."] * 40,
                       str(tmp_path / "r1.pdf"), symbol="A/76/135")
    site.pdf = (tmp_path / "r1.pdf").read_bytes()
    site.extra_links = ["/reports/r1.pdf"]
    db = f"sqlite:///{tmp_path / 'p.db'}"
    store = Store(db)
    cfg = WatchConfig(sources=[SourceSpec(f"{base}/statements/", "index", pattern=r"\.pdf$")], per_host_delay=0.0)
    r = run_cycle(store, cfg, _settings(db))
    assert r.fetched == {"stored": 1}, r
    doc = store.get_document(store.document_ids()[0])
    assert doc["doc"]["symbol"] == "A/76/135" and len(doc["doc"]["pages"]) == made.pages


def test_listings_parse_feeds_sitemaps_and_indexes():
    import gzip

    from normwatch.watch.listing import feed_items, index_items, sitemap_items

    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b'<entry><title>a</title><link href="/a.html"/></entry>'
            b'<entry><title>b</title><link href="https://x.example/b.html#top"/></entry></feed>')
    assert feed_items(atom, "https://x.example/feed") == ["https://x.example/a.html", "https://x.example/b.html"]
    with pytest.raises(ValueError):
        feed_items(b"\x00\x01 not a feed", "https://x.example/")
    sm = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/'
          b'schemas/sitemap-image/1.1"><url><loc>https://x.example/n1</loc><image:image><image:loc>'
          b'https://x.example/i.jpg</image:loc></image:image></url></urlset>')
    assert sitemap_items(sm, "https://x.example/s.xml") == (["https://x.example/n1"], [])
    assert sitemap_items(gzip.compress(sm), "https://x.example/s.xml.gz")[0] == ["https://x.example/n1"]
    idx = b'<sitemapindex><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>'
    assert sitemap_items(idx, "https://x.example/") == ([], ["https://x.example/s1.xml"])
    with pytest.raises(ValueError, match="max_bytes"):
        sitemap_items(gzip.compress(sm * 100), "https://x.example/", max_bytes=1000)
    page = (b'<a href="/press/2024/1">1</a><a href=\'/about\'>about</a><a href="https://other.example/press/2024/2">'
            b'2</a><a href="mailto:x@y">m</a>')
    assert index_items(page, "https://x.example/press/", r"/press/\d{4}/") == [
        "https://x.example/press/2024/1", "https://other.example/press/2024/2"]
    assert index_items(page, "https://x.example/press/", None) == ["https://x.example/press/2024/1",
                                                                   "https://x.example/about"]
