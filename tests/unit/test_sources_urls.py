"""URL fetching (issue 2, item 3): no real network — httpx.MockTransport and a fake resolver."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from normwatch.errors import FetchError
from normwatch.model import RawDoc, Rejection
from normwatch.settings import Settings
from normwatch.sources import iter_inputs, read_one

S = Settings()
PAGE = b"<html><head><title>T</title></head><body><p>Norms of responsible state behaviour.</p></body></html>"

# Public addresses for the fake hosts; the names under .internal resolve to private ones.
DNS = {
    "news.example": "93.184.216.34",
    "other.example": "2606:2800:220:1:248:1893:25c8:1946",
    "intranet.internal": "10.0.0.5",
    "meta.internal": "169.254.169.254",
    "localhost": "127.0.0.1",
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Resolve only the names in DNS (and IP literals); anything else fails as unknown, offline."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        addr = DNS.get(host, host)
        try:
            family = socket.AF_INET6 if ":" in addr else socket.AF_INET
            socket.inet_pton(family, addr)
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        sockaddr = (addr, port, 0, 0) if family == socket.AF_INET6 else (addr, port)
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def site(routes: dict[str, httpx.Response | Exception]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A mock web keyed by "host/path" (the Host header, since requests go to the checked address)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        key = request.headers["host"] + request.url.path
        answer = routes.get(key)
        if answer is None:
            return httpx.Response(404)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handler), seen


def html(body: bytes = PAGE, ctype: str = "text/html; charset=utf-8") -> httpx.Response:
    return httpx.Response(200, headers={"content-type": ctype}, content=body)


def redirect(to: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"location": to})


def split(items) -> tuple[list[RawDoc], list[Rejection]]:
    items = list(items)
    return ([i for i in items if isinstance(i, RawDoc)], [i for i in items if isinstance(i, Rejection)])


def test_fetch_page_pins_the_checked_address() -> None:
    transport, seen = site({"news.example/a": html()})
    [doc] = read_one("https://news.example/a", S, transport=transport)
    assert (doc.kind, doc.charset, doc.meta.url, doc.source) == ("html", "utf-8", "https://news.example/a",
                                                                 "https://news.example/a")
    assert "responsible state behaviour" in doc.content
    assert seen[0].url.host == "93.184.216.34" and seen[0].headers["host"] == "news.example"
    assert seen[0].extensions["sni_hostname"] == "news.example"


def test_redirects_are_followed_and_meta_url_is_final() -> None:
    transport, seen = site({
        "news.example/old": redirect("/new", 301),
        "news.example/new": redirect("https://other.example/final"),
        "other.example/final": html("café".encode("cp1252") + PAGE, "text/html; charset=iso-8859-1"),
    })
    [doc] = read_one("http://news.example/old", S, transport=transport)
    assert doc.meta.url == "https://other.example/final" and doc.source == "http://news.example/old"
    assert doc.content.startswith("café") and doc.charset == "cp1252"
    assert seen[-1].url.host == "2606:2800:220:1:248:1893:25c8:1946"


def test_plain_text_and_markdown_content_types() -> None:
    transport, _ = site({"news.example/t": html(b"Just words about norms.", "text/plain"),
                         "news.example/m": html(b"# Title\n\nA [link](https://x.org) **here**.", "text/markdown"),
                         "news.example/h": html(PAGE, "text/plain; charset=utf-8")})
    docs = [read_one(f"https://news.example/{p}", S, transport=transport)[0] for p in "tmh"]
    assert [d.kind for d in docs] == ["text", "markdown", "html"]  # HTML sent as text/plain is sniffed


def test_unreachable_url_then_batch_goes_on(tmp_path: Path) -> None:
    transport, _ = site({"news.example/down": httpx.ConnectError("Connection refused"),
                         "news.example/ok": html()})
    docs, rejs = split(iter_inputs(["https://news.example/down", "https://news.example/ok"], S, transport=transport))
    assert len(docs) == 1 and docs[0].meta.url == "https://news.example/ok"
    assert rejs[0].code == "NW120" and "https://news.example/down" in rejs[0].detail
    assert "Connection refused" in rejs[0].detail and rejs[0].source == "https://news.example/down"


def test_timeout_and_http_error_and_unknown_host() -> None:
    transport, _ = site({"news.example/slow": httpx.ReadTimeout("timed out")})
    for url, words in (("https://news.example/slow", "no answer within"), ("https://news.example/404", "HTTP 404"),
                       ("https://nowhere.invalid/", "cannot resolve")):
        with pytest.raises(FetchError) as e:
            read_one(url, S, transport=transport)
        assert e.value.code == "NW120" and words in str(e.value) and url.split("/")[2] in str(e.value)


@pytest.mark.parametrize("url", ["http://intranet.internal/x", "http://127.0.0.1:8080/", "http://localhost/",
                                 "http://meta.internal/latest/", "http://[::1]/", "http://0.0.0.0/"])
def test_private_addresses_are_refused(url: str) -> None:
    transport, seen = site({})
    docs, rejs = split(iter_inputs([url], S, transport=transport))
    assert not docs and rejs[0].code == "NW121" and url.split("/")[2].strip("[]").split(":")[0] in rejs[0].detail
    assert not seen  # refused before any connection


def test_private_addresses_allowed_when_asked() -> None:
    transport, _ = site({"intranet.internal/x": html()})
    [doc] = read_one("http://intranet.internal/x", Settings(allow_private=True), transport=transport)
    assert doc.meta.url == "http://intranet.internal/x"


def test_redirect_to_private_address_is_refused() -> None:
    transport, seen = site({"news.example/r": redirect("http://intranet.internal/admin"),
                            "news.example/ok": html()})
    docs, rejs = split(iter_inputs(["https://news.example/r", "https://news.example/ok"], S, transport=transport))
    assert len(docs) == 1 and rejs[0].code == "NW121"
    assert rejs[0].detail.startswith("https://news.example/r redirects to http://intranet.internal/admin: ")
    assert rejs[0].source == "https://news.example/r"
    assert [r.headers["host"] for r in seen] == ["news.example", "news.example"]


def test_too_many_redirects() -> None:
    routes = {f"news.example/{i}": redirect(f"/{i + 1}") for i in range(10)}
    transport, seen = site(routes)
    with pytest.raises(FetchError) as e:
        read_one("https://news.example/0", Settings(max_redirects=3), transport=transport)
    assert e.value.code == "NW123" and "https://news.example/0" in str(e.value)
    assert len(seen) == 4


def test_wrong_content_type() -> None:
    transport, _ = site({"news.example/f.png": html(b"\x89PNG\r\n", "image/png"), "news.example/ok": html()})
    docs, rejs = split(iter_inputs(["https://news.example/f.png", "https://news.example/ok"], S, transport=transport))
    assert len(docs) == 1 and rejs[0].code == "NW122"
    assert "image/png" in rejs[0].detail and "news.example/f.png" in rejs[0].detail


def test_pdf_urls_go_to_the_pdf_reader() -> None:
    pytest.importorskip("pypdfium2", reason="needs the pdf extra")
    # issue 15: application/pdf is read by sources/pdf.py; a broken one is rejected as a PDF
    transport, _ = site({"news.example/f.pdf": html(b"%PDF-1.7", "application/pdf")})
    docs, rejs = split(iter_inputs(["https://news.example/f.pdf"], S, transport=transport))
    assert not docs and rejs[0].code == "NW140" and "news.example/f.pdf" in rejs[0].detail


@pytest.mark.parametrize("url", ["ftp://news.example/a", "file:///etc/passwd", "gopher://x/"])
def test_other_schemes_are_refused(url: str) -> None:
    docs, rejs = split(iter_inputs([url], S))
    assert not docs and rejs[0].code == "NW124" and url in rejs[0].detail


def test_redirect_to_other_scheme_is_refused() -> None:
    transport, _ = site({"news.example/r": redirect("file:///etc/passwd")})
    with pytest.raises(FetchError) as e:
        read_one("https://news.example/r", S, transport=transport)
    assert e.value.code == "NW124"


def test_size_cap_while_streaming() -> None:
    def chunks():
        for _ in range(100):
            yield b"<p>" + b"x" * 997

    big = httpx.Response(200, headers={"content-type": "text/html"}, content=chunks())
    declared = httpx.Response(200, headers={"content-type": "text/html", "content-length": "999999"},
                              content=b"<p>small</p>")
    transport, _ = site({"news.example/big": big, "news.example/declared": declared})
    small = Settings(max_bytes=10_000)
    for path in ("big", "declared"):
        docs, rejs = split(iter_inputs([f"https://news.example/{path}"], small, transport=transport))
        assert not docs and rejs[0].code == "NW104" and f"news.example/{path}" in rejs[0].detail


def test_real_transport_against_a_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned request (address in the URL, name in Host) works over a real socket, on loopback only."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            hosts.append(self.headers["Host"])
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        url = f"http://localhost:{port}/page"
        [doc] = read_one(url, Settings(allow_private=True, fetch_timeout=5.0))
        assert doc.meta.url == url and "responsible state behaviour" in doc.content
        assert hosts == [f"localhost:{port}"]
        with pytest.raises(FetchError) as e:
            read_one(url, S)
        assert e.value.code == "NW121" and len(hosts) == 1
    finally:
        server.shutdown()
        server.server_close()
