"""Every API error has one shape: {"error": {"code", "message", "detail"}} (and pages get HTML)."""

from __future__ import annotations

import pytest

BAD = [
    ("GET", "/api/v1/nope", 404),
    ("GET", "/api/v1/documents/no-such-doc", 404),
    ("GET", "/api/v1/actors/state:XXX", 404),
    ("GET", "/api/v1/instruments/instrument:none", 404),
    ("GET", "/api/v1/instruments/instrument:none/parties", 404),
    ("GET", "/api/v1/propositions/proposition:none", 404),
    ("GET", "/api/v1/incidents/incident:none", 404),
    ("GET", "/api/v1/incidents/incident:none/graph", 404),
    ("GET", "/api/v1/events/event:none", 404),
    ("GET", "/api/v1/documents?limit=0", 400),
    ("GET", "/api/v1/documents?limit=100000", 400),
    ("GET", "/api/v1/documents?limit=abc", 400),
    ("GET", "/api/v1/documents?sort=title", 400),
    ("GET", "/api/v1/documents?cursor=not-a-cursor", 400),
    ("GET", "/api/v1/documents?from=yesterday", 400),
    ("GET", "/api/v1/documents?format=xml", 400),
    ("GET", "/api/v1/stances?polarity=love", 400),
    ("GET", "/api/v1/positions?by=everyone", 400),
    ("GET", "/api/v1/positions/evidence", 400),
    ("GET", "/api/v1/search", 400),
    ("POST", "/api/v1/documents", 405),
    ("DELETE", "/api/v1/documents/x", 405),
    ("PUT", "/api/v1/stats", 405),
]


@pytest.mark.parametrize("method,path,status", BAD)
def test_error_shape(client, method, path, status):
    r = client.request(method, path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "detail"}
    assert body["error"]["code"].startswith("NW8")
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_bad_parameter_names_the_parameter(client):
    detail = client.get("/api/v1/documents?limit=0").json()["error"]["detail"]
    assert detail[0]["param"] == "limit"


def test_internal_error_keeps_the_shape_and_hides_details(sample_db, monkeypatch):
    from fastapi.testclient import TestClient

    from normwatch.web.app import create_app

    app = create_app(sample_db)
    monkeypatch.setattr(app.state.ctx.queries, "stats", lambda: 1 / 0)
    r = TestClient(app, raise_server_exceptions=False).get("/api/v1/stats")
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "NW803", "message": "internal server error", "detail": None}}


def test_pages_answer_errors_in_html(client):
    r = client.get("/documents/no-such-doc")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "NW800" in r.text


def test_no_endpoint_reads_a_file_path(client):
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/api/v1/documents/..%2F..%2Fetc%2Fpasswd",
                 "/static/../../store/db.py"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "import" not in r.text
