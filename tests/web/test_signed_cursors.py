"""Pagination cursors are signed (HMAC under a key from the app's server secret): a cursor the app
issued pages on, in this app and in another app of the same store (another worker); an edited or
forged one, even with a well-formed payload, is a 400 in the API's error shape."""

from __future__ import annotations

import base64
import json

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from normwatch.model import Document, Meta  # noqa: E402
from normwatch.store import Store  # noqa: E402
from normwatch.web.app import create_app  # noqa: E402

TEXT = ("Delegates discussed the Budapest Convention on Cybercrime and state behaviour in cyberspace, "
        "and how international law applies to it. ") * 3


@pytest.fixture()
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    for i in range(5):
        store.add_document(Document(TEXT + f"Part {i}.", source=f"mem://{i}", id=f"doc-{i}",
                                    meta=Meta(title=f"Doc {i}", published=f"2020-01-0{i + 1}")))
    yield store
    store.close()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_issued_cursor_pages_on_in_every_app_of_the_store(store):
    first = TestClient(create_app(store)).get("/api/v1/documents", params={"limit": 2}).json()
    cursor = first["next_cursor"]
    assert cursor and "." in cursor
    other = TestClient(create_app(store))  # a second worker: same store, same secret, same key
    page = other.get("/api/v1/documents", params={"limit": 2, "cursor": cursor})
    assert page.status_code == 200
    assert not {d["id"] for d in page.json()["items"]} & {d["id"] for d in first["items"]}


def test_forged_and_edited_cursors_are_400(store):
    c = TestClient(create_app(store), raise_server_exceptions=False)
    cursor = c.get("/api/v1/documents", params={"limit": 2}).json()["next_cursor"]
    payload, mac = cursor.split(".")
    values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    edited = _b64(json.dumps([values[0], "2099-01-01", values[2]]).encode())
    for bad in (payload,                       # the old, unsigned form
                f"{edited}.{mac}",             # the sort key changed, the signature kept
                f"{payload}.{_b64(b'0' * 16)}",  # a made-up signature
                f"{payload}.{mac[:-2]}"):      # a cut one
        r = c.get("/api/v1/documents", params={"cursor": bad})
        assert r.status_code == 400, (bad, r.text[:200])
        err = r.json()["error"]
        assert err["code"] == "NW801" and "cursor" in err["message"] + json.dumps(err["detail"])


def test_another_store_secret_refuses_the_cursor(store, tmp_path):
    cursor = TestClient(create_app(store)).get("/api/v1/documents", params={"limit": 2}).json()["next_cursor"]
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    r = TestClient(create_app(other), raise_server_exceptions=False).get("/api/v1/documents",
                                                                         params={"cursor": cursor})
    other.close()
    assert r.status_code == 400
