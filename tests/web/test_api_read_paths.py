"""The faster read paths (issue 5) answer exactly what the plain definitions say.

Each test compares a list the API computes with a shortcut (no NULL-date statement under a
date range, undated fact rows found from the fact's own index, rank by rowid then fetch) with
the same list derived in Python from a wider answer.
"""

from __future__ import annotations

import sqlite3

import pytest

from normwatch.store.adapters import fts_query


def _all_pages(client, path: str, params: dict) -> list[dict]:
    seen, cursor = [], None
    while True:
        body = client.get(path, params={**params, "limit": 1, **({"cursor": cursor} if cursor else {})}).json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return seen


@pytest.mark.parametrize("sort", ["-published", "published"])
def test_date_range_never_lists_undated_documents_and_pages_like_the_whole_list(client, sort):
    whole = client.get("/api/v1/documents", params={"sort": sort, "limit": 500}).json()["items"]
    expected = [d["id"] for d in whole if d["published"] and "2010" <= d["published"][:4] <= "2019"]
    assert expected, "the sample store has documents dated 2010-2019"
    paged = _all_pages(client, "/api/v1/documents", {"sort": sort, "from": "2010", "to": "2019"})
    assert [d["id"] for d in paged] == expected


@pytest.mark.parametrize("sort", ["-id", "id", "-published", "published"])
def test_polarity_filter_equals_filtering_the_target_list(client, sort):
    rows = client.get("/api/v1/stances", params={"sort": sort, "limit": 500}).json()["items"]
    targets = {r["target"] for r in rows}
    checked = 0
    for target in sorted(targets):
        whole = client.get("/api/v1/stances", params={"target": target, "sort": sort, "limit": 500}).json()["items"]
        for pol in {r["polarity"] for r in whole}:
            expected = [r["row"] for r in whole if r["polarity"] == pol]
            paged = _all_pages(client, "/api/v1/stances", {"target": target, "polarity": pol, "sort": sort})
            assert [r["row"] for r in paged] == expected
            checked += 1
    assert checked


def test_undated_stances_of_a_target_are_listed(client):
    """Undated rows come from the NULL-date statement, whose plan the read path changed."""
    rows = client.get("/api/v1/stances", params={"limit": 500}).json()["items"]
    undated = [r for r in rows if r["published"] is None]
    assert undated, "the sample store has a stance in an undated document"
    target = undated[0]["target"]
    listed = client.get("/api/v1/stances", params={"target": target, "sort": "published", "limit": 500}).json()["items"]
    assert undated[0]["row"] in {r["row"] for r in listed}
    assert listed[0]["published"] is None  # undated first when oldest first


def test_search_order_is_bm25_over_the_stored_matches(client, sample_db):
    word = "Estonia"
    hits = [h["id"] for h in client.get("/api/v1/search", params={"q": word}).json()["items"]]
    if sample_db.startswith("postgresql"):
        # PostgreSQL ranks with ts_rank over the generated tsvector (issue 12)
        from sqlalchemy import text

        from normwatch.store import Store

        with Store(sample_db, migrate=False).engine.connect() as pg:
            expected = list(pg.execute(text(
                "SELECT id FROM documents WHERE search @@ websearch_to_tsquery('english', :q) "
                "ORDER BY ts_rank(search, websearch_to_tsquery('english', :q)) DESC, id LIMIT 20"), {"q": word}).scalars())
        assert hits and hits == expected
        return
    conn = sqlite3.connect(sample_db.removeprefix("sqlite:///"))
    try:
        expected = [r[0] for r in conn.execute(
            "SELECT doc_id FROM documents_fts WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts) LIMIT 20",
            (fts_query(word),))]
    finally:
        conn.close()
    assert hits and hits == expected
