"""Issue 15: a PDF ingested into the store shows its page numbers in the API and on the document page."""

from __future__ import annotations

import pytest

pytest.importorskip("pypdfium2", reason="needs the pdf extra")
pytest.importorskip("reportlab", reason="the test PDF is written with reportlab")

from fastapi.testclient import TestClient  # noqa: E402

from normwatch.ingest import ingest  # noqa: E402
from normwatch.settings import Settings  # noqa: E402
from normwatch.store import Store  # noqa: E402
from normwatch.web.app import create_app  # noqa: E402
from tests.pdfmaker import make_report  # noqa: E402

PARAS = [
    "The Group of Governmental Experts met in New York to discuss developments in the field of "
    "information and telecommunications in the context of international security.",
] * 14 + [
    "Estonia said that the Budapest Convention on Cybercrime remains the most effective framework "
    "for international co-operation against cybercrime, and it supports the Convention.",
    "The Russian Federation said it supports a new United Nations convention on cybercrime.",
] + ["Member States reaffirmed that international law applies to the use of ICTs by States."] * 10


def test_pdf_pages_in_store_api_and_page(tmp_path):
    pdf = tmp_path / "report.pdf"
    made = make_report(PARAS, str(pdf), symbol="A/70/174", two_column_pages=(2,))
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    store = Store(url)
    counts = ingest([str(pdf)], store, Settings(db=url, prefilter=False))
    assert counts.stored == 1, counts
    doc_id = store.document_ids()[0]
    stored = store.get_document(doc_id)
    assert stored["doc"]["symbol"] == "A/70/174"
    assert [p["page"] for p in stored["doc"]["pages"]] == list(range(1, made.pages + 1))
    client = TestClient(create_app(url), raise_server_exceptions=False)
    r = client.get(f"/api/v1/documents/{doc_id}")
    assert r.status_code == 200
    d = r.json()
    assert d["doc"]["pages"] == stored["doc"]["pages"]
    text = d["doc"]["text"]
    ranges = d["doc"]["pages"]
    facts = d["statements"] + d["instrument_mentions"]
    assert facts, "the sample sentences carry statements and mentions"
    for f in facts:
        start = f["span"][0]
        want = next(p["page"] for p in ranges if p["start"] <= start < p["end"])
        assert f["page"] == want
        # the fact's words are on that page of the PDF
        first_word = text[f["span"][0]:f["span"][1]].split()[0].strip(".,")
        assert first_word in made.words_on_page[want] or any(first_word in w for w in made.words_on_page[want])
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert "PDF, %d pages" % made.pages in page.text and "symbol A/70/174" in page.text
    assert 'href="#f-page-2">p. 2</a>' in page.text
    assert 'id="f-page-2"' in page.text and 'title="page 2 of the PDF"' in page.text
