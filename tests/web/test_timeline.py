"""Positions over time (issue 14): server-rendered SVG timelines with a table fallback and evidence links."""

from __future__ import annotations

import re
from collections import Counter


def _subject(client):
    items = client.get("/api/v1/stances", params={"limit": 500}).json()["items"]
    return Counter(i["target"] for i in items).most_common(1)[0][0], items


def test_stance_timeline_counts_match_the_stances(client):
    target, items = _subject(client)
    counts = client.get(f"/api/v1/timeline/{target}").json()["items"]
    assert sum(r["n"] for r in counts) == sum(1 for i in items if i["target"] == target)
    per_year = Counter((i["published"] or "")[:4] or None for i in items if i["target"] == target)
    got = Counter()
    for r in counts:
        got[r["year"]] += r["n"]
    assert got == per_year


def test_timeline_page_is_svg_with_a_table_and_links_to_evidence(client):
    target, items = _subject(client)
    html = client.get(f"/timeline/{target}").text
    svg = re.search(r"<svg class=\"chart timeline\".*?</svg>", html, re.S).group(0)
    assert "<title" in svg and 'role="img"' in svg
    links = re.findall(r'<a href="([^"]+)" class="seg"', svg)
    assert links and all("#evidence" in h for h in links)
    assert 'id="timeline-table"' in html
    ev = client.get(links[0].replace("&amp;", "&").split("#")[0]).text
    assert 'id="evidence"' in ev and "<blockquote" in ev


def test_attribution_timeline_by_accused(client):
    r = client.get("/timeline/attributions")
    assert r.status_code == 200
    counts = client.get("/api/v1/timeline/attributions").json()["items"]
    total = len(client.get("/api/v1/attributions", params={"limit": 500}).json()["items"])
    assert sum(c["n"] for c in counts) == total
    if total:
        assert "<svg" in r.text and 'id="timeline-table"' in r.text


def test_unknown_subject_is_404(client):
    assert client.get("/timeline/state:XXX").status_code == 404
