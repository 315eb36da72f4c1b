"""Fetching one web page safely: http(s) only, public addresses only, bounded in time and size.

A URL given to normwatch may come from an untrusted list, so every hop is
checked: the host is resolved first and refused when any address is private,
loopback, link-local, multicast, reserved or unspecified (server-side request
forgery), and the connection then goes to the address that was checked (the
Host header and TLS SNI keep the name), so a second DNS answer cannot swap in
a private address. Redirects are followed by hand for the same reason.

Tests pass `transport=httpx.MockTransport(...)`; nothing here needs the network then.
"""

from __future__ import annotations

import ipaddress
import socket
import time

import httpx

from ..errors import FetchError, InputError
from ..model import Meta, RawDoc
from ..settings import Settings
from .common import text_doc
from .decode import charset_from_content_type
from .pdf import is_pdf

__all__ = ["fetch_url", "is_url", "check_host", "CONTENT_TYPES"]

CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "application/pdf": "pdf",  # issue 15: read by sources/pdf.py
}
_REDIRECTS = (301, 302, 303, 307, 308)
_USER_AGENT = "normwatch/0.1 (+https://github.com/normwatch; cyber-norms research)"


def is_url(value: str) -> bool:
    """True for anything with a URL scheme (so "ftp://x" gets NW124, not "no such file")."""
    head = value.split(":", 1)[0].lower()
    return "://" in value and head.isascii() and head.isalpha() and len(head) > 1


def check_host(host: str, port: int, settings: Settings, where: str = "") -> str:
    """Resolve `host` and return the address to connect to; raises FetchError NW121/NW120.

    `where` (the URL, or the redirect that led here) starts the message.
    """
    where = f"{where}: " if where else ""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as e:
        raise FetchError(f"{where}cannot resolve host {host}: {e}", code="NW120") from None
    addresses = []
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        addresses.append(addr)
    if not addresses:
        raise FetchError(f"{where}host {host} has no address", code="NW120")
    if not settings.allow_private:
        for addr in addresses:
            if (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
                    or addr.is_reserved or addr.is_unspecified or not addr.is_global):
                raise FetchError(f"{where}{host} resolves to {addr}, a non-public address (use --allow-private "
                                 f"to fetch from your own network)", code="NW121")
    return str(addresses[0])


def fetch_url(url: str, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> RawDoc:
    """Fetch one page and return it as a RawDoc (`meta.url` = the final URL); raises FetchError/InputError."""
    timeout = httpx.Timeout(settings.fetch_timeout)
    # trust_env=False: a proxy from the environment would reach hosts the address check never saw.
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
                      headers={"User-Agent": _USER_AGENT}) as client:
        current = url
        for hop in range(settings.max_redirects + 1):
            target = _parse(current, url)
            where = current if current == url else f"{url} redirects to {current}"
            request = _pinned_request(client, target, settings, where)
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchError(f"{where}: no answer within {settings.fetch_timeout}s "
                                 f"(try again later or raise --fetch-timeout)", code="NW120") from None
            except httpx.HTTPError as e:
                raise FetchError(f"{where}: {type(e).__name__}: {e or 'connection failed'}",
                                 code="NW120") from None
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    current = str(target.join(response.headers["location"]))
                    continue
                return _read_page(response, current, url, settings)
            finally:
                response.close()
        raise FetchError(f"{url}: more than {settings.max_redirects} redirects (last to {current})",
                         code="NW123")


def _parse(value: str, original: str) -> httpx.URL:
    try:
        target = httpx.URL(value)
    except httpx.InvalidURL as e:
        raise FetchError(f"{value}: invalid URL ({e})", code="NW124") from None
    if target.scheme not in ("http", "https"):
        where = value if value == original else f"{original} redirects to {value}"
        raise FetchError(f"{where}: only http and https URLs are fetched", code="NW124")
    if not target.host:
        raise FetchError(f"{value}: URL has no host", code="NW124")
    return target


def _pinned_request(client: httpx.Client, target: httpx.URL, settings: Settings, where: str) -> httpx.Request:
    """A request to the checked address of `target`'s host, with the name kept for Host and SNI."""
    port = target.port or (443 if target.scheme == "https" else 80)
    address = check_host(target.host, port, settings, where)
    pinned = target.copy_with(host=address)
    host_header = target.netloc.decode("ascii").rsplit("@", 1)[-1]
    request = client.build_request("GET", pinned, headers={"Host": host_header},
                                   extensions={"sni_hostname": target.host})
    return request


def _read_page(response: httpx.Response, final_url: str, original: str, settings: Settings) -> RawDoc:
    where = final_url if final_url == original else f"{original} (redirected to {final_url})"
    if response.status_code >= 400 or response.status_code < 200:
        raise FetchError(f"{where}: HTTP {response.status_code} {response.reason_phrase}", code="NW120")
    if response.status_code in _REDIRECTS:
        raise FetchError(f"{where}: HTTP {response.status_code} without a Location header", code="NW120")
    header = response.headers.get("content-type", "")
    mime = header.split(";", 1)[0].strip().lower()
    if mime and mime not in CONTENT_TYPES:
        raise FetchError(f"{where}: content type {mime} is not one of {', '.join(CONTENT_TYPES)}", code="NW122")
    limit = settings.max_bytes
    declared_length = response.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > limit:
        raise InputError(f"{where}: {declared_length} bytes, more than max_bytes ({limit}); raise --max-bytes",
                         code="NW104")
    body = bytearray()
    # httpx timeouts are per read; a server dripping bytes would never trip them, so the whole body has a deadline.
    deadline = time.monotonic() + 3 * settings.fetch_timeout
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if time.monotonic() > deadline:
                raise FetchError(f"{where}: body still arriving after {3 * settings.fetch_timeout:.0f}s; gave up",
                                 code="NW120")
            if len(body) > limit:
                raise InputError(f"{where}: more than max_bytes ({limit}) bytes; stopped reading (raise --max-bytes)",
                                 code="NW104")
    except httpx.TimeoutException:
        raise FetchError(f"{where}: body not received within {settings.fetch_timeout}s", code="NW120") from None
    except httpx.HTTPError as e:
        raise FetchError(f"{where}: reading the body failed: {type(e).__name__}: {e}", code="NW120") from None
    kind = CONTENT_TYPES.get(mime)
    if kind == "pdf" or is_pdf(bytes(body[:1024])):
        from .pdf import read_pdf

        return read_pdf(bytes(body), source=original, raw_ref=final_url, where=where, settings=settings,
                        meta=Meta(url=final_url))
    return text_doc(bytes(body), source=original, raw_ref=final_url, where=where,
                    declared=charset_from_content_type(header), kind=kind, meta=Meta(url=final_url))
