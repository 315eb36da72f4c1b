"""The parties world map (issue 5): TopoJSON decoding, projection, id mapping, SVG, fallback, page.

Most tests draw a tiny hand-made topology (two squares standing in for Estonia and Russia),
so they run whether or not `npm` has installed the world-atlas dataset; the tests of the real
dataset skip when it is absent.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from normwatch.web import worldmap as wm

SVG_NS = "{http://www.w3.org/2000/svg}"
BUDAPEST = "instrument:budapest-convention"


def tiny_topology() -> dict:
    """Two neighbouring squares sharing one border arc, plus a two-part country and Antarctica.

    Quantized: scale 0.5 deg per step, shifted to (20, 50); arcs are delta-encoded.
    """
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [20, 50]},
        "arcs": [
            [[10, 0], [0, 10]],                      # 0: shared border, (25,50) -> (25,55)
            [[10, 10], [-10, 0], [0, -10], [10, 0]],  # 1: rest of the west square
            [[10, 0], [10, 0], [0, 10], [-10, 0]],    # 2: rest of the east square
            [[40, 0], [2, 0], [0, 2], [-2, 0], [0, -2]],   # 3: island A
            [[50, 0], [2, 0], [0, 2], [-2, 0], [0, -2]],   # 4: island B
            [[0, -200], [10, 0], [0, 2], [-10, 0], [0, -2]],  # 5: "Antarctica"
        ],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "233", "properties": {"name": "Estonia"}},
            {"type": "Polygon", "arcs": [[2, -1]], "id": "643", "properties": {"name": "Russia"}},
            {"type": "MultiPolygon", "arcs": [[[3]], [[4]]], "id": "840", "properties": {"name": "United States"}},
            {"type": "Polygon", "arcs": [[5]], "id": "010", "properties": {"name": "Antarctica"}},
            {"type": "Polygon", "arcs": [[3]], "properties": {"name": "Kosovo"}},
        ]}},
    }


@pytest.fixture
def tiny_atlas(tmp_path, monkeypatch) -> Path:
    p = tmp_path / "countries.json"
    p.write_text(json.dumps(tiny_topology()), encoding="utf-8")
    monkeypatch.setenv(wm.ATLAS_ENV, str(p))
    return p


class FakeKB:
    """Just the KB calls the map makes, over a handful of records."""

    def __init__(self, subs: list[dict]) -> None:
        self.subs = subs

    def records(self, kind: str) -> list[dict]:
        return [{"id": "state:EST", "name": "Estonia", "iso2": "EE"},
                {"id": "state:RUS", "name": "Russian Federation", "iso2": "RU"},
                {"id": "state:USA", "name": "United States", "iso2": "US"},
                {"id": "state:XKX", "name": "Kosovo", "iso2": "XK"}] if kind == "state" else []

    def subscriptions(self, instrument=None, actor=None) -> list[dict]:
        return [s for s in self.subs if s["instrument"] == instrument]

    def status(self, actor, instrument, as_of=None):
        subs = [s for s in self.subs if s["actor"] == actor and s["instrument"] == instrument
                and (as_of is None or s["date"] <= as_of)]
        return max(subs, key=lambda s: s["date"]) if subs else None

    def parties(self, instrument, as_of=None) -> set[str]:
        out = set()
        for a in {s["actor"] for s in self.subs}:
            st = self.status(a, instrument, as_of)
            if st and st["action"] == "ratified":
                out.add(a)
        return out


FAKE_SUBS = [
    {"actor": "state:EST", "instrument": "i:x", "action": "signed", "date": "2001-11-23"},
    {"actor": "state:EST", "instrument": "i:x", "action": "ratified", "date": "2003-05-12"},
    {"actor": "state:USA", "instrument": "i:x", "action": "signed", "date": "2001-11-23"},
]


def paths(svg: str) -> dict[str, ET.Element]:
    """Country title text -> its <path>, from an SVG that must be well-formed XML."""
    root = ET.fromstring(svg)
    return {p.find(f"{SVG_NS}title").text: p for p in root.iter(f"{SVG_NS}path")
            if p.find(f"{SVG_NS}title") is not None}


# -- decoding -------------------------------------------------------------------------------------

def test_decode_arcs_undoes_delta_encoding_and_transform():
    arcs = wm.decode_arcs(tiny_topology())
    assert arcs[0] == [(25.0, 50.0), (25.0, 55.0)]
    assert arcs[1] == [(25.0, 55.0), (20.0, 55.0), (20.0, 50.0), (25.0, 50.0)]


def test_decode_arcs_without_transform_are_absolute():
    assert wm.decode_arcs({"arcs": [[[1, 2], [3, 4]]]}) == [[(1.0, 2.0), (3.0, 4.0)]]


def test_rings_join_arcs_and_reverse_negative_indexes():
    arcs = wm.decode_arcs(tiny_topology())
    east = wm._ring(arcs, [2, -1])
    # arc 2 runs (25,50)->(30,50)->(30,55)->(25,55); ~0 is arc 0 reversed, (25,55)->(25,50)
    assert east == [(25.0, 50.0), (30.0, 50.0), (30.0, 55.0), (25.0, 55.0), (25.0, 50.0)]


def test_shapes_keep_countries_drop_antarctica_and_share_borders():
    shapes = wm.shapes_from_topology(tiny_topology())
    by_name = {s.name: s for s in shapes.countries}
    assert set(by_name) == {"Estonia", "Russia", "United States", "Kosovo"}
    assert by_name["Estonia"].alpha2 == "EE" and by_name["Kosovo"].numeric is None
    assert by_name["United States"].d.count("M") + by_name["United States"].d.count("m") == 2   # two islands
    for s in shapes.countries:
        assert s.d.startswith("M") and s.d.endswith("z")
    x, y, w, h = shapes.view_box
    assert w > 0 and h > 0 and y < 0   # north is up: positive latitudes have negative SVG y


# -- projection, simplification, antimeridian -----------------------------------------------------

def test_equal_earth_is_centred_symmetric_and_equal_area():
    assert wm.equal_earth(0, 0) == (0.0, 0.0)
    x, y = wm.equal_earth(30, 45)
    assert wm.equal_earth(-30, -45) == pytest.approx((-x, -y))

    def cell_area(lat: float) -> float:   # a 0.1 x 0.1 degree cell, as a projected quadrilateral
        pts = [wm.equal_earth(lo, la) for lo, la in ((0, lat), (0.1, lat), (0.1, lat + 0.1), (0, lat + 0.1))]
        return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(pts, pts[1:] + pts[:1]))) / 2

    # on the sphere a cell's area is proportional to sin(lat2) - sin(lat1)
    sphere = (math.sin(math.radians(0.1)) - 0) / (math.sin(math.radians(60.1)) - math.sin(math.radians(60)))
    assert cell_area(0) / cell_area(60) == pytest.approx(sphere, rel=1e-3)


def test_simplify_drops_collinear_points_and_keeps_corners():
    line = [(float(i), 0.0) for i in range(10)]
    assert wm.simplify(line, 0.5) == [(0.0, 0.0), (9.0, 0.0)]
    spike = [(0.0, 0.0), (1.0, 2.4), (2.0, 5.0), (3.0, 0.0)]   # (1, 2.4) lies next to the rising chord
    assert wm.simplify(spike, 0.5) == [(0.0, 0.0), (2.0, 5.0), (3.0, 0.0)]


def test_ring_over_the_antimeridian_is_split_into_two_halves():
    ring = [(170.0, 60.0), (-170.0, 60.0), (-170.0, 65.0), (170.0, 65.0), (170.0, 60.0)]
    pieces = wm.split_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        assert all(-180 <= lon <= 180 for lon, _ in piece)
    assert {round(abs(lon)) for piece in pieces for lon, _ in piece} == {170, 180}
    assert wm.split_antimeridian([(10.0, 0.0), (20.0, 0.0), (20.0, 5.0)]) == [[(10.0, 0.0), (20.0, 0.0), (20.0, 5.0)]]


# -- ids -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("numeric", "state"), [("840", "state:USA"), ("643", "state:RUS"), ("233", "state:EST"),
                                                 ("158", "state:TWN"), ("076", "state:BRA")])
def test_numeric_codes_map_to_kb_states(numeric, state):
    from normwatch.kb import load_kb

    shape = wm.CountryShape(numeric, "whatever", wm.numeric_to_alpha2(numeric), "M0 0z")
    assert wm.state_ids([shape], load_kb().records("state")) == {"whatever": state}


def test_shape_without_code_matches_by_name_and_unknown_codes_match_nothing():
    states = FakeKB([]).records("state")
    shapes = [wm.CountryShape(None, "Kosovo", None, "M0 0z"), wm.CountryShape(None, "Somaliland", None, "M0 0z"),
              wm.CountryShape("304", "Greenland", wm.numeric_to_alpha2("304"), "M0 0z")]
    assert wm.state_ids(shapes, states) == {"Kosovo": "state:XKX"}
    assert wm.numeric_to_alpha2(None) is None and wm.numeric_to_alpha2("999") is None


# -- statuses and SVG -------------------------------------------------------------------------------

def test_statuses_follow_the_date():
    kb = FakeKB(FAKE_SUBS)
    now = wm.statuses(kb, "i:x")
    assert now["state:EST"] == wm.Status("party", "ratified", "2003-05-12")
    assert now["state:USA"].kind == "signatory" and "state:RUS" not in now
    then = wm.statuses(kb, "i:x", as_of="2002-01-01")
    assert then["state:EST"] == wm.Status("signatory", "signed", "2001-11-23")
    assert wm.statuses(kb, "i:x", as_of="2000-01-01") == {}


def test_map_classes_titles_and_legend(tiny_atlas):
    m = wm.instrument_map(FakeKB(FAKE_SUBS), "i:x", name="Test Convention")
    got = paths(str(m.svg))
    assert got["Estonia: party (ratified 2003-05-12)"].get("class") == "m-party"
    assert got["United States: signed 2001-11-23, not bound"].get("class") == "m-signatory"
    assert got["Russian Federation: not a party"].get("class") == "m-not-party"
    root = ET.fromstring(str(m.svg))
    assert root.get("role") == "img" and "Test Convention" in root.get("aria-label")
    assert root.get("width") == "100%" and len(root.get("viewBox").split()) == 4
    assert {x["kind"]: x["count"] for x in m.legend} == {"party": 1, "signatory": 1, "not-party": 2, "no-data": None}


def test_names_are_escaped_in_the_svg():
    shapes = wm.Shapes((wm.CountryShape("233", 'A<b>&"c', "EE", "M0 0l1 0 0 1z"),), (0, 0, 10, 10))
    hostile = '<script>alert(1)</script> & "x"'
    svg = str(wm.render_svg(shapes, {'A<b>&"c': "party"}, {'A<b>&"c': hostile}, title=hostile))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)   # still well-formed
    assert root.get("aria-label") == hostile
    assert next(root.iter(f"{SVG_NS}title")).text == hostile


def test_absent_dataset_gives_a_note_not_an_error(monkeypatch):
    monkeypatch.setattr(wm, "atlas_path", lambda: None)
    m = wm.instrument_map(FakeKB(FAKE_SUBS), "i:x")
    assert m.svg is None and "not installed" in m.note


def test_unreadable_dataset_gives_a_note_not_an_error(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"arcs": [[1, 2', encoding="utf-8")
    m = wm.instrument_map(FakeKB(FAKE_SUBS), "i:x", path=bad)
    assert m.svg is None and "could not be read" in m.note


# -- the page ---------------------------------------------------------------------------------------

def test_instrument_page_has_the_map_with_a_party_highlighted(client, tiny_atlas):
    r = client.get(f"/instruments/{BUDAPEST}")
    assert r.status_code == 200
    html = r.text
    start, end = html.index("<svg class=\"worldmap\""), html.index("</svg>", html.index("<svg class=\"worldmap\""))
    got = paths(html[start:end + 6])
    est = next(p for t, p in got.items() if t.startswith("Estonia: party (ratified 2003"))
    assert est.get("class") == "m-party"
    assert html.index("worldmap") < html.index("By region")   # the map sits above the region table
    assert '<link rel="stylesheet" href="/static/map.css">' in html
    assert client.get("/static/map.css").status_code == 200


def test_instrument_page_map_as_of_a_date(client, tiny_atlas):
    html = client.get(f"/instruments/{BUDAPEST}", params={"as_of": "2002-06-01"}).text
    assert any(t.startswith("Estonia: signed 2001-11-23") for t in paths(html[html.index("<svg class=\"worldmap\""):
                                                                              html.index("</svg>") + 6]))
    assert "on 2002-06-01" in html
    assert client.get(f"/instruments/{BUDAPEST}", params={"as_of": "yesterday"}).status_code == 400


def test_instrument_page_without_dataset_keeps_the_table(client, monkeypatch):
    monkeypatch.setattr(wm, "atlas_path", lambda: None)
    r = client.get(f"/instruments/{BUDAPEST}")
    assert r.status_code == 200
    assert "map is not installed" in r.text and "By region" in r.text and "<svg class=\"worldmap\"" not in r.text


# -- the real dataset (skipped when npm has not installed it) ----------------------------------------

def real_atlas() -> Path:
    p = wm.REPO_ROOT / wm.ATLAS_FILE
    if not p.is_file():
        pytest.skip("world-atlas is not installed (scripts/setup.sh runs npm ci)")
    return p


def test_real_dataset_every_un_member_drawn_is_mapped():
    from normwatch.kb import load_kb

    shapes = wm.load_shapes(str(real_atlas()))
    assert len(shapes.countries) > 170
    ids = wm.state_ids(shapes.countries, load_kb().records("state"))
    assert {"state:USA", "state:RUS", "state:EST", "state:XKX", "state:CHN"} <= set(ids.values())
    unmapped = {s.name for s in shapes.countries if s.name not in ids}
    assert unmapped <= {"W. Sahara", "Falkland Is.", "Greenland", "Fr. S. Antarctic Lands", "Puerto Rico",
                        "New Caledonia", "N. Cyprus", "Somaliland"}


def test_real_dataset_budapest_map_stays_small(client, monkeypatch):
    monkeypatch.setenv(wm.ATLAS_ENV, str(real_atlas()))
    html = client.get(f"/instruments/{BUDAPEST}").text
    svg = html[html.index("<svg class=\"worldmap\""):html.index("</svg>", html.index("<svg class=\"worldmap\"")) + 6]
    assert len(svg.encode()) < 80_000
    got = paths(svg)
    assert got["United States: party (ratified 2006-09-29)"].get("class") == "m-party"
    assert any(t.startswith("Russia") and t.endswith("not a party") for t in got)
