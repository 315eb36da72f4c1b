"""Item URLs from what a watched source returns: an RSS/Atom feed, a sitemap, an index page."""

from __future__ import annotations

import re
import zlib
from urllib.parse import urldefrag, urljoin

__all__ = ["feed_items", "sitemap_items", "index_items"]

# unprefixed <loc> only: <image:loc> and <video:loc> in the same <url> are not pages
_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.I)
_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I | re.S)


def feed_items(body: bytes, base: str) -> list[str]:
    """Entry links of an RSS or Atom feed (feedparser), absolute, in feed order."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"not a feed ({type(parsed.bozo_exception).__name__}: {parsed.bozo_exception})")
    out = []
    for e in parsed.entries:
        link = e.get("link") or next((ln.get("href") for ln in e.get("links", []) if ln.get("href")), None)
        if link:
            out.append(urldefrag(urljoin(base, link))[0])
    return _unique(out)


def sitemap_items(body: bytes, base: str, max_bytes: int = 50_000_000) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index (news sitemaps included).

    A gzipped sitemap (`sitemap.xml.gz`) is unpacked first, to at most `max_bytes`.
    """
    if body[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(wbits=31)
        try:
            body = d.decompress(body, max_bytes + 1)
        except zlib.error as e:
            raise ValueError(f"corrupt gzip sitemap ({e})") from None
        if len(body) > max_bytes:
            raise ValueError(f"sitemap unpacks to more than max_bytes ({max_bytes})")
    head = body[:2048].lower()
    if b"<urlset" not in body[:4096].lower() and b"<sitemapindex" not in head:
        raise ValueError("not a sitemap (no <urlset> or <sitemapindex>)")
    locs = [urljoin(base, m.group(1).decode("utf-8", "replace").replace("&amp;", "&")) for m in _LOC.finditer(body)]
    if b"<sitemapindex" in head:
        return [], _unique(locs)
    return _unique(locs), []


def index_items(body: bytes, base: str, pattern: str | None) -> list[str]:
    """Links of an index page whose absolute URL matches `pattern` (all same-site links when None)."""
    text = body.decode("utf-8", "replace")
    rx = re.compile(pattern) if pattern else None
    host = re.match(r"^https?://[^/]+", base)
    out = []
    for m in _HREF.finditer(text):
        href = (m.group(1) or m.group(2) or m.group(3) or "").strip().replace("&amp;", "&")
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if not url.startswith(("http://", "https://")):
            continue
        if rx is not None and not rx.search(url):
            continue
        if rx is None and host and not url.startswith(host.group(0)):
            continue
        if url != base:
            out.append(url)
    return _unique(out)


def _unique(urls: list[str]) -> list[str]:
    seen: set[str] = set()
    return [u for u in urls if not (u in seen or seen.add(u))]
