"""Assessment, comparison and briefs over the real knowledge base, through the API and the pages (issue 6)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from normwatch.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('assess') / 'nw.db'}"
    with TestClient(create_app(db)) as c:
        yield c


def test_assessment_endpoint(client):
    r = client.get("/api/v1/incidents/incident:estonia-2007/assessment")
    assert r.status_code == 200
    data = r.json()
    assert data["incident"] == "incident:estonia-2007" and data["hypotheses"]
    r = client.get("/api/v1/incidents/incident:nope-1999/assessment")
    assert r.status_code == 404 and set(r.json()["error"]) == {"code", "message", "detail"}


def test_compare_and_brief_endpoints(client):
    r = client.get("/api/v1/compare", params={"ids": ["instrument:sco-code-of-conduct-2011",
                                                      "instrument:budapest-convention"]})
    assert r.status_code == 200 and len(r.json()["instruments"]) == 2
    r = client.get("/api/v1/instruments/instrument:sco-code-of-conduct-2011/brief")
    assert r.status_code == 200 and len(r.json()["answers"]) >= 4
    assert client.get("/api/v1/compare", params={"ids": ["instrument:nope"]}).status_code == 404


def test_incident_page_has_assessment_and_compare_page(client):
    page = client.get("/incidents/incident:estonia-2007")
    assert page.status_code == 200 and "Norm assessment" in page.text and "later instrument" in page.text
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "assessment" not in title.lower()
    page = client.get("/compare", params={"ids": ["instrument:un-gge-2015-report", "instrument:paris-call-2018"]})
    assert page.status_code == 200 and "Definitions" in page.text and "Concordance" in page.text
