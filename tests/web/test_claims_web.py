"""Claims in the store, the API and the pages (issue 11): claims with and without an incident,
denials, new incidents with readable titles, the claimant -> accused graph, assessment of a new incident."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from normwatch.model import Attribution, Claim, Document, Incident, Meta, Span
from normwatch.store import Store
from normwatch.web.app import create_app

from .sample import at

TEXT = ("Lithuanian officials blamed Russia on Tuesday for phishing emails sent to journalists in 2024. "
        "Russia denied any role. Separately, a Chinese state-backed group breached the networks of "
        "Norwegian ministries in 2024, the Norwegian government said.")
NEW = "incident:norway-2024-data-theft"
TITLE = "Data theft against Norway (2024)"


def document() -> Document:
    t = TEXT
    d = Document(t, source="tests:claims", meta=Meta(title="Claims test", publisher="Test Wire",
                                                     published="2024-05-02", language="en"))
    first = at(t, "Lithuanian officials blamed Russia on Tuesday for phishing emails sent to journalists in 2024.")
    denial = at(t, "Russia denied any role.")
    breach = at(t, "a Chinese state-backed group breached the networks of Norwegian ministries in 2024")
    d.claims += [
        Claim("state:RUS", "state:LTU", "official", "unknown", first),  # no incident resolved
        Claim("state:RUS", "state:RUS", "denied", "unknown", denial),
        Claim("state:CHN", "state:NOR", "official", "state-sponsored-proxy", breach, "threat-actor:apt31", NEW,
              "community-assessment"),
    ]
    inc = Incident(NEW, "state:NOR", "data-theft", [breach], [], "2024", TITLE)
    inc.attributions.append(Attribution("state:CHN", "state:NOR", "official", "state-sponsored-proxy", breach,
                                        "threat-actor:apt31", "community-assessment"))
    d.incidents.append(inc)
    return d


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    u = f"sqlite:///{tmp_path_factory.mktemp('claims') / 'c.db'}"
    s = Store(u)
    s.add_document(document())
    s.close()
    return u


@pytest.fixture(scope="module")
def client(url) -> TestClient:
    return TestClient(create_app(url), raise_server_exceptions=False)


def test_claims_round_trip_through_the_store(url):
    s = Store(url)
    try:
        got = s.get_document(document().id)
    finally:
        s.close()
    assert got["claims"] == document().to_contract()["claims"]
    assert got["incidents"][0]["title"] == TITLE
    assert s.stats()["claims"] == 3


def test_claims_endpoint_filters_and_pages(client):
    all_ = client.get("/api/v1/claims").json()["items"]
    assert {(c["accused"], c["certainty"], c["incident"]) for c in all_} == {
        ("state:RUS", "official", None), ("state:RUS", "denied", None), ("state:CHN", "official", NEW)}
    denied = client.get("/api/v1/claims?certainty=denied").json()["items"]
    assert [c["accused"] for c in denied] == ["state:RUS"]
    by_actor = client.get("/api/v1/claims?actor=threat-actor:apt31").json()["items"]
    assert by_actor[0]["basis"] == "community-assessment" and by_actor[0]["quote"].startswith("a Chinese")
    assert client.get("/api/v1/claims?certainty=sure").status_code == 400  # the one error shape
    page = client.get("/api/v1/claims?limit=1").json()
    assert len(page["items"]) == 1 and page["next_cursor"]


def test_claims_graph(client):
    g = client.get("/api/v1/claims/graph").json()
    edges = {(e["source"], e["target"]): e for e in g["edges"]}
    assert edges[("state:LTU", "state:RUS")]["count"] == 1
    assert edges[("state:RUS", "state:RUS")]["certainty"] == {"denied": 1}
    assert ("state:NOR", "state:CHN") in edges


def test_incidents_page_shows_a_readable_title_for_a_new_incident(client):
    html = client.get("/incidents").text
    assert TITLE in html
    assert f">{NEW}<" not in html  # not a bare id
    page = client.get(f"/incidents/{NEW}").text
    assert f"<h1>{TITLE}</h1>" in page
    assert "community assessment" in page


def test_a_new_incident_is_assessed_with_its_claims(client):
    inc = client.get(f"/api/v1/incidents/{NEW}").json()
    assert inc["name"] == TITLE
    assert [a["accused"] for a in inc["attributions"]] == ["state:CHN"]
    a = client.get(f"/api/v1/incidents/{NEW}/assessment").json()
    assert {h["accused"] for h in a["hypotheses"]} == {"state:CHN"}


def test_a_rejected_claim_is_hidden_and_shown_on_request(tmp_path):
    from normwatch.store import reviews

    u = f"sqlite:///{tmp_path / 'r.db'}"
    st = Store(u)
    st.add_document(document())
    doc_id = document().id
    with st.engine.begin() as conn:
        row = conn.execute(s_claims().select().where(s_claims().c.certainty == "denied")).mappings().first()
        reviews.review(conn, doc_id=doc_id, kind="claim", key=row["fact_key"], decision="reject",
                       reason="not a denial", user="test")
    st.close()
    c = TestClient(create_app(u), raise_server_exceptions=False)
    assert [x["certainty"] for x in c.get("/api/v1/claims?certainty=denied").json()["items"]] == []
    got = c.get("/api/v1/claims?certainty=denied&review=all").json()["items"]
    assert [x["review"] for x in got] == ["rejected"]


def s_claims():
    from normwatch.store.schema import claims
    return claims
