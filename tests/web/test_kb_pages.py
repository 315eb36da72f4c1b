"""Pages and API answers that lean on the knowledge base, over a small stand-in KB.

The real KB grows in parallel; these tests pin how instrument, incident and event records
are shown (parties by region, cumulative chart, scope, recorded attributions) whatever
the real data holds today.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from normwatch.web.app import create_app
from normwatch.web.kbview import KBView

RECORDS = {
    "state:EST": {"id": "state:EST", "name": "Estonia", "region": "Europe"},
    "state:RUS": {"id": "state:RUS", "name": "Russia", "region": "Europe"},
    "state:JPN": {"id": "state:JPN", "name": "Japan", "region": "Asia"},
    "instrument:budapest-convention": {
        "id": "instrument:budapest-convention", "name": "Convention on Cybercrime", "kind": "treaty",
        "binding": True, "adopted": "2001-11-08", "opened": "2001-11-23", "in_force": "2004-07-01",
        "summary": "A treaty on <b>cybercrime</b> written for this test.",
        "provisions": [{"number": "Art. 2", "heading": "Illegal access", "summary": "Access without right.",
                        "topics": ["criminalisation"]}],
        "definitions": [{"term": "computer system", "provision": "Art. 1(a)", "summary": "A device."}],
        "scope": {"states": {"applies": True, "provision": "Art. 2", "note": None},
                  "military": {"applies": None, "provision": None, "note": "not addressed"}},
    },
    "incident:estonia-2007": {"id": "incident:estonia-2007", "name": "DDoS campaign against Estonia",
                              "start": "2007-04-27", "type": "ddos", "victims": ["state:EST"],
                              "attributions": [{"claimant": None, "accused": "state:RUS", "via": "patriotic-hackers",
                                                "certainty": "suspected", "date": "2007-05"}]},
    "event:test-round-table-2016": {"id": "event:test-round-table-2016", "name": "Exampleville Round Table",
                                    "place": "Exampleville", "start": "2016-05-03",
                                    "outcome": "A chair's summary, in our words."},
}
SUBS = [
    {"actor": "state:EST", "instrument": "instrument:budapest-convention", "action": "signed", "date": "2001-11-23"},
    {"actor": "state:EST", "instrument": "instrument:budapest-convention", "action": "ratified", "date": "2003-05-12"},
    {"actor": "state:JPN", "instrument": "instrument:budapest-convention", "action": "ratified", "date": "2012-07-03"},
]


class StandInKB:
    """The part of `normwatch.kb.KB` the web layer uses."""

    def get(self, id):  # noqa: A002
        return RECORDS.get(id)

    def records(self, kind):
        return [r for i, r in RECORDS.items() if i.startswith(kind + ":")]

    def name(self, id):  # noqa: A002
        return RECORDS.get(id, {}).get("name", id)

    def kind(self, id):  # noqa: A002
        return id.split(":", 1)[0] if id in RECORDS else None

    def subscriptions(self, instrument=None, actor=None):
        return [dict(s) for s in SUBS if instrument in (None, s["instrument"]) and actor in (None, s["actor"])]

    def parties(self, instrument, as_of=None):
        return {s["actor"] for s in SUBS if s["instrument"] == instrument and s["action"] == "ratified"}


@pytest.fixture(scope="module")
def kb_client(sample_db) -> TestClient:
    app = create_app(sample_db)
    app.state.ctx.kb = KBView(StandInKB())
    return TestClient(app)


def test_instrument_api(kb_client):
    i = kb_client.get("/api/v1/instruments/instrument:budapest-convention").json()
    assert i["name"] == "Convention on Cybercrime"
    assert i["bound"] == ["state:EST", "state:JPN"]
    assert i["cumulative"] == [{"date": "2003-05-12", "count": 1}, {"date": "2012-07-03", "count": 2}]
    assert set(i["parties_by_region"]) == {"Europe", "Asia"}
    assert i["provisions"][0]["number"] == "Art. 2"


def test_instrument_page(kb_client):
    page = kb_client.get("/instruments/instrument:budapest-convention").text
    assert "<polyline" in page and "Illegal access" in page and "computer system" in page
    assert "&lt;b&gt;cybercrime&lt;/b&gt;" in page, "KB text is escaped too"
    assert re.search(r"<summary>Asia \(1\)</summary>", page) and re.search(r"<summary>Europe \(1\)</summary>", page)
    assert "unclear" in page  # a scope flag the instrument leaves open


def test_parties_csv(kb_client):
    r = kb_client.get("/api/v1/instruments/instrument:budapest-convention/parties", params={"format": "csv"})
    assert r.text.splitlines()[0].startswith("actor,") and len(r.text.splitlines()) == 4


def test_actor_subscriptions_from_kb(kb_client):
    a = kb_client.get("/api/v1/actors/state:EST").json()
    assert [(s["action"], s["date"]) for s in a["subscriptions"]] == [("signed", "2001-11-23"),
                                                                      ("ratified", "2003-05-12")]
    assert a["region"] == "Europe"


def test_matrix_region_filter(kb_client):
    cells = kb_client.get("/api/v1/positions", params={"region": "Asia"}).json()["items"]
    assert cells == []
    cells = kb_client.get("/api/v1/positions", params={"region": "Europe", "actor_kind": "state"}).json()["items"]
    assert {c["actor"] for c in cells} == {"state:EST", "state:RUS"}


def test_incident_and_event_pages_show_kb_facts(kb_client):
    page = kb_client.get("/incidents/incident:estonia-2007").text
    assert "DDoS campaign against Estonia" in page and "patriotic-hackers" in page and "2007-04-27" in page
    page = kb_client.get("/events/event:test-round-table-2016").text
    assert "A chair&#39;s summary, in our words." in page
    assert "Jane Roe" in page and "We do not need a new treaty" in page
