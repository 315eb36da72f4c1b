"""Pages render from the sample store, link to each other, and never echo stored markup."""

from __future__ import annotations

import re

import pytest

from . import sample

PAGES = ["/", "/documents", "/documents?q=treaty", "/actors", "/actors/state:EST", "/actors/person:jane-roe",
         "/instruments", "/instruments/instrument:budapest-convention", "/propositions",
         "/propositions/proposition:new-un-cybercrime-treaty", "/matrix", "/matrix?from=2019&to=2019",
         "/matrix?actor=state:EST&target=proposition:new-un-cybercrime-treaty", "/incidents",
         "/incidents/incident:estonia-2007", "/events", "/events/event:test-round-table-2016", "/rejections"]


def all_doc_ids(client) -> list[str]:
    return [d["id"] for d in client.get("/api/v1/documents", params={"limit": 500}).json()["items"]]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert '<main id="main"' in r.text and 'name="viewport"' in r.text


def test_document_page_highlights_each_kind(client):
    doc = client.get("/api/v1/documents", params={"q": "Exampleville"}).json()["items"][0]["id"]
    page = client.get(f"/documents/{doc}").text
    for kind in ("actor", "statement", "stance", "instrument", "subscription", "incident", "attribution", "event"):
        assert f'data-kind="{kind}"' in page, kind
    d = client.get(f"/api/v1/documents/{doc}").json()
    s = next(x for x in d["stances"] if x["actor"] == "person:ivan-doe")
    m = re.search(rf'<mark id="f-stance-{s["evidence"][0]}-{s["evidence"][1]}"[^>]*>(.*?)</mark>', page, re.S)
    assert m and re.sub("<[^>]+>", "", m.group(1)).startswith("a binding convention")


def test_matrix_cell_links_to_evidence_that_links_to_the_document(client):
    page = client.get("/matrix").text
    links = re.findall(r'<a class="cell-link" href="([^"]+)" data-actor="state:RUS"', page)
    assert links
    ev = client.get(links[0].replace("&amp;", "&")).text
    target = re.search(r'<section id="evidence".*?</section>', ev, re.S).group()
    href = re.search(r'href="(/documents/[^"]+)"', target).group(1)
    assert "#f-stance-" in href


@pytest.mark.parametrize("payload", sample.PAYLOADS)
def test_stored_markup_is_escaped_on_every_page(client, payload):
    docs = all_doc_ids(client)
    pages = [f"/documents/{d}" for d in docs] + PAGES
    for path in pages:
        body = client.get(path).text
        assert payload not in body, (path, payload)
    assert "<script>window" not in "".join(client.get(p).text for p in pages)


def test_javascript_urls_never_become_links(client):
    for d in all_doc_ids(client):
        assert 'href="javascript:' not in client.get(f"/documents/{d}").text.lower()


def test_static_assets_are_local(client):
    page = client.get("/").text
    for src in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not src.startswith(("http://", "https://", "//")) or "/api/" in src or src.startswith("http://testserver")
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200
    assert "style=" not in page and "<script>" not in page
