"""The STIX export reads the claims table (issue 11's claims, this session's clean-up): accusations
without a resolved incident, the basis of the accused, and denials as notes, not as links.

The old export read `attributions` (claims with an incident row only): every test here fails on it,
since the document below holds its claims in `doc.claims` and no incident attributions at all.
"""

from __future__ import annotations

import json

import pytest

from normwatch.model import Claim, Document, Incident, Meta, Span
from normwatch.store import Store

pytest.importorskip("stix2", reason="the export extra is not installed")

TEXT = ("Officials in Washington said APT28, run by Russia's GRU, was behind the hack of the Bundestag. "
        "A second report blamed APT28 for the same hack. London accused China of cyber espionage. "
        "Moscow denied any role in the Bundestag hack.")


def _span(words: str) -> Span:
    i = TEXT.index(words)
    return Span(i, i + len(words))


@pytest.fixture()
def bundle(tmp_path):
    from normwatch.exports.stix import stix_bundle
    from normwatch.exports.tables import Selection
    from normwatch.kb import load_kb

    doc = Document(TEXT, source="t", meta=Meta(title="claims", published="2016-01-02", publisher="Example News"))
    doc.incidents.append(Incident(incident="incident:bundestag-2015", victim="state:DEU", type="espionage",
                                  spans=[_span("the hack of the Bundestag")]))
    doc.claims += [
        Claim(accused="state:RUS", claimant="state:USA", certainty="official", via="state-organ",
              evidence=_span("Officials in Washington said APT28, run by Russia's GRU"), actor="threat-actor:apt28",
              incident="incident:bundestag-2015"),
        Claim(accused="state:RUS", claimant=None, certainty="alleged", via="unknown",
              evidence=_span("A second report blamed APT28 for the same hack"), actor="threat-actor:apt28",
              incident="incident:bundestag-2015", basis="community-assessment"),
        Claim(accused="state:CHN", claimant="state:GBR", certainty="alleged", via="unknown",
              evidence=_span("London accused China of cyber espionage")),
        Claim(accused="state:RUS", claimant="state:RUS", certainty="denied", via="unknown",
              evidence=_span("Moscow denied any role in the Bundestag hack"), incident="incident:bundestag-2015"),
    ]
    store = Store(f"sqlite:///{tmp_path / 'claims.db'}")
    store.add_document(doc)
    out = json.loads(stix_bundle(store.engine, load_kb(), Selection()).serialize())
    store.close()
    return out


def _objects(bundle, kind):
    return [o for o in bundle["objects"] if o["type"] == kind]


def _nwid(bundle, ref):
    return next(o.get("x_normwatch_id") for o in bundle["objects"] if o["id"] == ref)


def test_text_claim_links_incident_actor_and_state(bundle):
    claims = [o for o in _objects(bundle, "relationship") if o.get("x_normwatch_certainty") == "official"]
    links = {(_nwid(bundle, o["source_ref"]), _nwid(bundle, o["target_ref"])) for o in claims}
    assert links == {("incident:bundestag-2015", "threat-actor:apt28"), ("threat-actor:apt28", "state:RUS")}
    assert all(o["confidence"] == 85 and o["x_normwatch_basis"] == "text" for o in claims)
    assert all(_nwid(bundle, o["x_normwatch_claimant_ref"]) == "state:USA" for o in claims)
    assert all("characters" in o["external_references"][0]["description"] for o in claims)


def test_community_assessment_gives_no_state_link_of_its_own(bundle):
    claims = [o for o in _objects(bundle, "relationship") if o.get("x_normwatch_basis") == "community-assessment"]
    assert [(_nwid(bundle, o["source_ref"]), _nwid(bundle, o["target_ref"])) for o in claims] == [
        ("incident:bundestag-2015", "threat-actor:apt28")]
    assert claims[0]["confidence"] == 50 and "Example News attributes" in claims[0]["description"]


def test_claim_without_incident_or_actor_is_a_note(bundle):
    notes = [o for o in _objects(bundle, "note") if o["abstract"] == "accusation"]
    assert len(notes) == 1 and notes[0]["x_normwatch_certainty"] == "alleged"
    assert [_nwid(bundle, r) for r in notes[0]["object_refs"]] == ["state:CHN"]
    assert "London accused China" in notes[0]["content"]


def test_denial_is_a_note_over_the_accusations_it_disputes(bundle):
    assert not [o for o in _objects(bundle, "relationship") if o.get("x_normwatch_certainty") == "denied"]
    (denial,) = [o for o in _objects(bundle, "note") if o["abstract"] == "denial"]
    refs = {o["id"]: o for o in bundle["objects"] if o["id"] in denial["object_refs"]}
    assert {o.get("x_normwatch_id") for o in refs.values()} >= {"incident:bundestag-2015", "state:RUS"}
    assert "Moscow denied" in denial["content"] and denial["x_normwatch_certainty"] == "denied"


def test_report_refers_to_every_claim_object(bundle):
    (report,) = _objects(bundle, "report")
    made = {o["id"] for o in bundle["objects"] if o["type"] in ("note", "relationship") and "x_normwatch_certainty" in o}
    assert made and made <= set(report["object_refs"])


def test_bundle_validates(bundle, tmp_path):
    from stix2validator import ValidationOptions, validate_file

    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    result = validate_file(str(path), ValidationOptions(version="2.1"))
    assert result.is_valid, [e for o in result.object_results for e in o.errors]


def test_one_sentence_two_incidents_gives_two_relationships(tmp_path):
    """Claims of one sentence share a fact key (accused, claimant, span); each incident keeps its link."""
    from normwatch.exports.stix import stix_bundle
    from normwatch.exports.tables import Selection
    from normwatch.kb import load_kb

    text = "Experts blamed Russia for the attacks on Estonia in 2007 and on Georgia in 2008."
    ev = Span(0, len(text))
    doc = Document(text, source="t2", meta=Meta(title="two"))
    doc.claims += [Claim(accused="state:RUS", claimant=None, certainty="suspected", via="unknown", evidence=ev,
                         incident=i) for i in ("incident:estonia-2007", "incident:georgia-2008")]
    store = Store(f"sqlite:///{tmp_path / 'two.db'}")
    store.add_document(doc)
    out = json.loads(stix_bundle(store.engine, load_kb(), Selection()).serialize())
    store.close()
    rels = [o for o in _objects(out, "relationship") if o.get("x_normwatch_certainty") == "suspected"]
    assert sorted(_nwid(out, o["source_ref"]) for o in rels) == ["incident:estonia-2007", "incident:georgia-2008"]
