"""Exports of a store built from the shared corpus (issue 14): STIX 2.1 passes stix2-validator with no
errors, the data package passes `frictionless validate`, Parquet reads back, and every format
follows review state and filters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from normwatch.settings import Settings
from normwatch.store import Store, reviews
from tests.conftest import shared_path

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
pytest.importorskip("stix2", reason="the export extra is not installed")


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """The origin documents and the news pages of ../shared/corpus, with one attribution rejected."""
    from normwatch.ingest import ingest

    inputs = [str(shared_path("corpus", "origin")), str(shared_path("corpus", "news-html"))]
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'corpus.db'}"
    store = Store(url)
    ingest(inputs, store, Settings.load(db=url))
    with store.engine.begin() as conn:
        att = conn.exec_driver_sql("SELECT doc_id, fact_key FROM attributions ORDER BY id LIMIT 1").first()
        assert att, "the corpus should give at least one attribution"
        reviews.review(conn, doc_id=att[0], kind="attribution", key=att[1], decision="reject", user="ana")
    yield store, url, att
    store.close()


@pytest.fixture(scope="module")
def rejected_claim(corpus_store):
    """One accusation of the claims table rejected (the STIX export reads claims, not attributions)."""
    store = corpus_store[0]
    with store.engine.begin() as conn:
        claim = conn.exec_driver_sql("SELECT doc_id, fact_key FROM claims WHERE accused IS NOT NULL "
                                     "AND certainty != 'denied' ORDER BY id DESC LIMIT 1").first()
        assert claim, "the corpus should give at least one accusation"
        reviews.review(conn, doc_id=claim[0], kind="claim", key=claim[1], decision="reject", user="ana")
    return tuple(claim)


def _run(*args):
    from normwatch.cli import cli

    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def test_stix_bundle_validates_with_no_errors(corpus_store, rejected_claim, tmp_path):
    from stix2validator import ValidationOptions, validate_file

    store, url, rejected = corpus_store
    out = tmp_path / "bundle.json"
    _run("export", "--format", "stix", "--out", str(out), "--db", url)
    result = validate_file(str(out), ValidationOptions(version="2.1"))
    errors = [e for o in result.object_results for e in o.errors]
    assert result.is_valid and errors == []
    bundle = json.loads(out.read_text())
    types = {o["type"] for o in bundle["objects"]}
    assert {"identity", "incident", "relationship", "report"} <= types
    claims = [o for o in bundle["objects"] if o["type"] == "relationship" and "x_normwatch_certainty" in o]
    assert claims and all(0 <= o["confidence"] <= 100 for o in claims)
    assert all(o["external_references"][0]["external_id"] for o in claims)
    assert all("characters" in o["external_references"][0]["description"] for o in claims)
    # claims come from the claims table; the rejected one gives no relationship and no note
    assert all(o["x_normwatch_review"] != "rejected" for o in bundle["objects"] if "x_normwatch_review" in o)
    doc_id, key = rejected_claim
    start, end = key.split("|")[-2:]
    made = [o for o in bundle["objects"] if o["type"] in ("relationship", "note") and "x_normwatch_certainty" in o]
    assert made and not [o for o in made if o["external_references"][0]["external_id"] == doc_id
                         and f"characters {start}-{end} " in o["external_references"][0]["description"]]


def test_stix_threat_actors_carry_aliases(tmp_path):
    """A KB threat actor accused in a document becomes a threat-actor and an intrusion set with aliases."""
    from normwatch.exports.stix import stix_bundle
    from normwatch.exports.tables import Selection
    from normwatch.kb import load_kb
    from normwatch.model import Attribution, Document, Incident, Meta, Span

    text = "Officials in Washington said APT28 was behind the hack of the Bundestag in 2015, run by Russia's GRU."
    doc = Document(text, source="t", meta=Meta(title="t", published="2016-01-02"))
    doc.incidents.append(Incident(incident="incident:bundestag-2015", victim="state:DEU", type="espionage",
                                  spans=[Span(0, len(text))],
                                  attributions=[Attribution(accused="threat-actor:apt28", claimant="state:USA",
                                                            certainty="official", via="state-organ",
                                                            evidence=Span(0, len(text)))]))
    store = Store(f"sqlite:///{tmp_path / 'ta.db'}")
    store.add_document(doc)
    bundle = json.loads(stix_bundle(store.engine, load_kb(), Selection()).serialize())
    by_type = {}
    for o in bundle["objects"]:
        by_type.setdefault(o["type"], []).append(o)
    assert "Fancy Bear" in by_type["threat-actor"][0]["aliases"]
    assert "Fancy Bear" in by_type["intrusion-set"][0]["aliases"]
    claim = next(o for o in by_type["relationship"] if o.get("x_normwatch_certainty"))
    assert claim["confidence"] == 85 and claim["target_ref"].startswith("threat-actor--")
    assert claim["x_normwatch_claimant_ref"].startswith("identity--")
    store.close()


def test_datapackage_passes_frictionless_validate(corpus_store, tmp_path):
    store, url, _ = corpus_store
    out = tmp_path / "pkg"
    _run("export", "--format", "datapackage", "--out", str(out), "--db", url)
    exe = Path(sys.executable).with_name("frictionless")
    r = subprocess.run([str(exe), "validate", "--json", str(out / "datapackage.json")], capture_output=True,
                       text=True, timeout=300)
    report = json.loads(r.stdout)
    assert report["valid"], json.dumps(report)[:2000]
    assert r.returncode == 0
    names = {res["name"] for res in json.loads((out / "datapackage.json").read_text())["resources"]}
    assert {"documents", "stances", "attributions"} <= names


def test_parquet_reads_back_and_leaves_rejected_out(corpus_store, tmp_path):
    import pyarrow.parquet as pq

    store, url, rejected = corpus_store
    out = tmp_path / "pq"
    _run("export", "--format", "parquet", "--out", str(out), "--db", url)
    t = pq.read_table(out / "attributions.parquet").to_pylist()
    assert t and (rejected[0], rejected[1]) not in {(r["doc_id"], r["fact_key"]) for r in t}
    _run("export", "--format", "parquet", "--out", str(tmp_path / "pq2"), "--include-rejected", "--db", url)
    t2 = pq.read_table(tmp_path / "pq2" / "attributions.parquet").to_pylist()
    assert len(t2) == len(t) + 1
    assert [r["review"] for r in t2 if (r["doc_id"], r["fact_key"]) == tuple(rejected)] == ["rejected"]
    docs = pq.read_table(out / "documents.parquet")
    with store.engine.connect() as conn:
        assert docs.num_rows == conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()


def test_filters_narrow_every_format(corpus_store):
    store, url, _ = corpus_store
    all_rows = [json.loads(x) for x in _run("export", "--format", "jsonl", "--table", "stances", "--db", url
                                           ).output.splitlines()]
    assert all_rows
    actor = all_rows[0]["affiliation"] or all_rows[0]["actor"]
    mine = [json.loads(x) for x in _run("export", "--format", "jsonl", "--table", "stances", "--actor", actor,
                                        "--db", url).output.splitlines()]
    assert mine and all(actor in (r["actor"], r["affiliation"]) for r in mine) and len(mine) <= len(all_rows)
    years = sorted({d["published"][:4] for d in
                    (json.loads(x) for x in _run("export", "--format", "jsonl", "--table", "documents", "--db", url
                                                 ).output.splitlines()) if d["published"]})
    first = years[0]
    docs = [json.loads(x) for x in _run("export", "--format", "jsonl", "--table", "documents", "--to", first,
                                        "--db", url).output.splitlines()]
    assert docs and all(d["published"][:4] == first for d in docs)
    csv_out = _run("export", "--format", "csv", "--table", "stances", "--instrument", "instrument:budapest-convention",
                   "--db", url).output
    assert csv_out.splitlines()[0].startswith("id,doc_id,actor")
    assert all("instrument:budapest-convention" in line for line in csv_out.splitlines()[1:] if line.strip())


def test_export_api_serves_stix_and_zips(corpus_store):
    import io
    import zipfile

    from fastapi.testclient import TestClient

    from normwatch.web.app import create_app

    store, url, _ = corpus_store
    c = TestClient(create_app(store), raise_server_exceptions=False)
    r = c.get("/api/v1/export", params={"format": "stix"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/stix+json")
    assert json.loads(r.content)["type"] == "bundle"
    z = c.get("/api/v1/export", params={"format": "datapackage"})
    assert z.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert "datapackage.json" in names and "stances.csv" in names
    assert c.get("/api/v1/export", params={"format": "xml"}).status_code == 400
