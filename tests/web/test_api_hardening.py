"""API hardening of issue 13: crafted cursors, ids with any character, HEAD, 405 with Allow, and
links that never come from the Host header."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from normwatch.model import Document, Meta  # noqa: E402
from normwatch.store import Store  # noqa: E402
from normwatch.web.app import create_app  # noqa: E402

pytestmark = pytest.mark.issue13

ODD_IDS = ["a/b", "../../etc/passwd", "x?y=1#z", "sp ace", "per%cent", "ünï/cödé", "semi;colon", "/lead"]
TEXT = ("Officials discussed the Budapest Convention on Cybercrime and state behaviour in cyberspace at length, "
        "with several delegations calling for more capacity building. ")
LISTS = ["documents", "stances", "statements", "attributions", "actors", "rejections",
         "actors/state:EST/statements", "actors/state:EST/stances"]


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('odd') / 'odd.db'}"
    store = Store(url)
    for i, doc_id in enumerate(ODD_IDS):
        store.add_document(Document(TEXT * 3 + f"Number {i}.", source=f"odd{i}", id=doc_id,
                                    meta=Meta(title=f"Odd {i}", published=f"2020-01-0{i + 1}")))
    return url


@pytest.fixture(scope="module")
def client(odd):
    return TestClient(create_app(odd), raise_server_exceptions=False)


def _bad_cursors():
    def enc(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    kinds = ["documents-published", "documents-id", "stances-id", "documents"]
    values = [[1, 2, 3], {"a": 1}, True, 10**30, -(10**30), "x" * 5000, [None], float("inf")]
    out = ["!!!", "%%%", "AAAA", "=" * 10, "x" * 10_000, enc("not a list"), enc([]), enc([None, None])]
    out += [enc([k, v, v]) for k in kinds for v in values if not isinstance(v, float)]
    out += [base64.urlsafe_b64encode(b'["documents-published", Infinity, NaN]').decode()]
    return out


@pytest.mark.parametrize("endpoint", LISTS)
def test_crafted_cursors_are_400_in_the_error_shape(client, endpoint):
    for cursor in _bad_cursors():
        r = client.get(f"/api/v1/{endpoint}", params={"cursor": cursor})
        assert r.status_code == 400, (endpoint, cursor[:60], r.status_code, r.text[:200])
        body = r.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}
        assert body["error"]["code"] == "NW801"


@pytest.mark.parametrize("doc_id", ODD_IDS)
def test_any_id_opens_by_url_encoding(client, doc_id):
    seg = quote(doc_id, safe="")
    r = client.get(f"/api/v1/documents/{seg}")
    assert r.status_code == 200, r.text[:200]
    assert r.json()["doc"]["id"] == doc_id
    page = client.get(f"/documents/{seg}")
    assert page.status_code == 200 and "Odd" in page.text


def test_list_links_encode_ids(client):
    page = client.get("/documents").text
    for doc_id in ODD_IDS:
        assert f'href="/documents/{quote(doc_id, safe=":")}"' in page, doc_id


def test_head_wherever_get(client):
    for path in ["/api/v1/stats", "/api/v1/documents", "/", "/documents", f"/api/v1/documents/{quote('a/b', safe='')}"]:
        g, h = client.get(path), client.head(path)
        assert h.status_code == g.status_code == 200, path
        assert h.content == b"" and h.headers["content-type"] == g.headers["content-type"]


def test_405_carries_allow(client):
    r = client.post("/api/v1/documents")
    assert r.status_code == 405
    assert set(m.strip() for m in r.headers["allow"].split(",")) >= {"GET", "HEAD"}
    assert r.json()["error"]["code"] == "NW802"


def test_links_ignore_host_header(client):
    r = client.get("/api/v1/documents", params={"limit": 1}, headers={"host": "evil.example"})
    assert "evil.example" not in r.text and "evil.example" not in r.headers.get("link", "")
    assert r.json()["next"].startswith("/api/v1/documents?")
    page = client.get("/documents", headers={"host": "evil.example"})
    assert "evil.example" not in page.text


def test_base_url_setting(odd):
    c = TestClient(create_app(odd, base_url="https://nw.example.org/"), raise_server_exceptions=False)
    r = c.get("/api/v1/documents", params={"limit": 1}, headers={"host": "evil.example"})
    assert r.json()["next"].startswith("https://nw.example.org/api/v1/documents?")
    assert 'rel="canonical" href="https://nw.example.org/documents"' in c.get("/documents").text
