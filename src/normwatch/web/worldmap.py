"""A world map of an instrument's parties, drawn as SVG on the server.

Why here and not in the browser: the CSP allows no inline script and nothing from a CDN,
and a server-rendered SVG works without JavaScript, prints, and is cached by nothing
cleverer than HTTP. The shapes are Natural Earth's 1:110m countries as TopoJSON from the
npm package `world-atlas` (package ISC, Natural Earth data public domain), installed into
`node_modules/` by `scripts/setup.sh`. When it is not installed the page keeps its
region table and says the map is missing; nothing here raises for that.

    from normwatch.web.worldmap import instrument_map
    m = instrument_map(kb, "instrument:budapest-convention", as_of="2010-01-01")
    m.svg        # Markup, ready for a template; None when the dataset is absent

The work happens once per process (`load_shapes` is cached): decode the delta-encoded,
quantized arcs, project them, simplify each shared arc once (so neighbours keep a common
border), round to a grid and write compact relative path strings. A request only joins
those strings with the statuses of one instrument.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from markupsafe import Markup, escape

__all__ = ["ATLAS_ENV", "CountryShape", "MapData", "Status", "atlas_path", "decode_arcs", "equal_earth",
           "instrument_map", "load_shapes", "numeric_to_alpha2", "render_svg", "shapes_from_topology",
           "simplify", "split_antimeridian", "state_ids", "statuses"]

ATLAS_ENV = "NORMWATCH_WORLD_ATLAS"
ATLAS_FILE = Path("node_modules") / "world-atlas" / "countries-110m.json"
REPO_ROOT = Path(__file__).resolve().parents[3]

WIDTH = 1000.0          # viewBox units across the whole world (the height follows the projection)
GRID = 0.5              # output coordinates are multiples of this: sub-pixel at any screen width
TOLERANCE = 0.6         # Douglas-Peucker tolerance in viewBox units; ~0.2 deg at the equator
DROP_IDS = frozenset({"010"})   # Antarctica: no state, and it would take a fifth of the height

# status -> (legend text, fallback fill). The fill attribute only shows when map.css is not
# loaded; the stylesheet sets the real colours (blue/orange are told apart by colour-blind readers).
STATUSES: dict[str, tuple[str, str]] = {
    "party": ("Party (bound)", "#1f5fa8"),
    "signatory": ("Signed or supported, not bound", "#e69f00"),
    "not-party": ("Not a party", "#d4d7db"),
    "no-data": ("No data (territory or unrecognised entity)", "#f6f8fa"),
}

# Equal Earth coefficients (Šavrič, Patterson & Jenny 2018)
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


# -- locating the dataset ------------------------------------------------------------------------

def atlas_path() -> Path | None:
    """The countries TopoJSON: $NORMWATCH_WORLD_ATLAS, else node_modules at the repo root or cwd."""
    env = os.environ.get(ATLAS_ENV)
    cands = [Path(env)] if env else []
    cands += [REPO_ROOT / ATLAS_FILE, Path.cwd() / ATLAS_FILE]
    return next((p for p in cands if p.is_file()), None)


# -- TopoJSON ------------------------------------------------------------------------------------

def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) points of every arc.

    A quantized topology (one with a `transform`) stores each arc as a first position and
    then deltas from the previous one, in integer grid steps; the transform scales and
    shifts the running sum back to degrees. Without a transform arcs are already absolute.
    """
    tr = topology.get("transform")
    arcs = topology.get("arcs") or []
    if not tr:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
    out = []
    for arc in arcs:
        x = y = 0
        pts = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _ring(arcs: Sequence[Sequence[tuple[float, float]]], indexes: Iterable[int]) -> list[tuple[float, float]]:
    """Concatenate a ring's arcs; ~i (negative) is arc i reversed; shared end points appear once."""
    pts: list[tuple[float, float]] = []
    for i in indexes:
        arc = list(arcs[i]) if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(arc if not pts else arc[1:])
    return pts


def _polygons(geom: dict[str, Any]) -> list[list[list[int]]]:
    """A geometry's polygons as lists of rings of arc indexes (empty for points and lines)."""
    if geom.get("type") == "Polygon":
        return [geom.get("arcs") or []]
    if geom.get("type") == "MultiPolygon":
        return list(geom.get("arcs") or [])
    return []


# -- the antimeridian ------------------------------------------------------------------------------

def _crosses(arc: Sequence[tuple[float, float]]) -> bool:
    """Whether an arc jumps across the antimeridian (world-atlas keeps Fiji and Chukotka whole)."""
    return any(abs(q[0] - p[0]) > 180 for p, q in zip(arc, arc[1:]))


def _clip(ring: list[tuple[float, float]], lon: float, keep_west: bool) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against one meridian: the part of a ring west (or east) of `lon`."""
    def inside(p: tuple[float, float]) -> bool:
        return p[0] <= lon if keep_west else p[0] >= lon

    out: list[tuple[float, float]] = []
    for i, q in enumerate(ring):
        p = ring[i - 1]
        if inside(q):
            if not inside(p):
                out.append(_cut(p, q, lon))
            out.append(q)
        elif inside(p):
            out.append(_cut(p, q, lon))
    return out


def _cut(p: tuple[float, float], q: tuple[float, float], lon: float) -> tuple[float, float]:
    t = (lon - p[0]) / (q[0] - p[0])
    return (lon, p[1] + t * (q[1] - p[1]))


def split_antimeridian(ring: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses 180 degrees as the pieces either side of it, each within [-180, 180].

    Longitudes are first made continuous (170, 185 instead of 170, -175); the ring is then
    cut at the meridian it spills over and the spilt piece shifted back by 360 degrees. A
    ring that winds round a pole (Antarctica) cannot be cut this way and is dropped.
    """
    pts = list(ring)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if not pts:
        return []
    flat = [pts[0]]
    for lon, lat in pts[1:]:
        prev = flat[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        flat.append((lon, lat))
    if abs(flat[-1][0] - flat[0][0]) > 180:
        return []
    lo, hi = min(p[0] for p in flat), max(p[0] for p in flat)
    if hi > 180:
        edge, shift = 180.0, -360.0
    elif lo < -180:
        edge, shift = -180.0, 360.0
    else:
        return [flat]
    main = _clip(flat, edge, keep_west=edge > 0)
    spill = [(lon + shift, lat) for lon, lat in _clip(flat, edge, keep_west=edge < 0)]
    return [r for r in (main, spill) if len(r) >= 3]


# -- projection and simplification ---------------------------------------------------------------

def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth projection of degrees to unit plane coordinates (y up).

    Chosen over equirectangular because it is equal-area: on a choropleth the eye weighs
    colour by area, and equirectangular would inflate Russia, Canada and Greenland several
    times over. It is a closed-form polynomial, so it costs no more in plain Python.
    """
    lam, phi = math.radians(lon), math.radians(lat)
    th = math.asin(_M * math.sin(phi))
    t2 = th * th
    t6 = t2 * t2 * t2
    x = lam * math.cos(th) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = th * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def _seg_dist(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: keep the end points and every point farther than `tolerance` from the chord.

    Iterative (an explicit stack), so a long coastline cannot hit the recursion limit.
    """
    n = len(points)
    if n <= 2 or tolerance <= 0:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, at = -1.0, -1
        for k in range(i + 1, j):
            d = _seg_dist(points[k], points[i], points[j])
            if d > best:
                best, at = d, k
        if at >= 0 and best > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(points, keep) if k]


# -- shapes ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountryShape:
    """One country outline, ready to draw: `d` is an SVG path in viewBox units."""

    numeric: str | None     # ISO 3166-1 numeric code as the dataset gives it ("233"), None when it has none
    name: str               # the dataset's own name ("Estonia", "W. Sahara")
    alpha2: str | None      # ISO 3166-1 alpha-2 derived from `numeric` ("EE")
    d: str


@dataclass(frozen=True)
class Shapes:
    countries: tuple[CountryShape, ...]
    view_box: tuple[float, float, float, float]


def _num(v: float) -> str:
    """A grid coordinate as short as SVG allows: 12, 12.5, -3."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """Rings as one path: absolute move to each ring's start, then relative steps (short numbers)."""
    out = []
    prev = (0.0, 0.0)
    for ring in rings:
        x0, y0 = ring[0]
        parts = [f"M{_num(x0)} {_num(y0)}l" if not out else f"m{_num(x0 - prev[0])} {_num(y0 - prev[1])}l"]
        # relative moves after the first keep every ring on the same short-number footing
        px, py = x0, y0
        coords = []
        for x, y in ring[1:]:
            coords += [_num(x - px), _num(y - py)]
            px, py = x, y
        parts.append(_join(coords))
        parts.append("z")
        out.append("".join(parts))
        prev = (x0, y0)  # after z the current point returns to the ring's start
    return "".join(out)


def _join(nums: list[str]) -> str:
    """Numbers separated by a space, except that a minus sign already separates."""
    s = []
    for i, n in enumerate(nums):
        if i and not n.startswith("-"):
            s.append(" ")
        s.append(n)
    return "".join(s)


def numeric_to_alpha2(numeric: str | None) -> str | None:
    """ISO 3166-1 numeric ("840") to alpha-2 ("US") via pycountry; None when unknown or absent."""
    if not numeric or not str(numeric).isdigit():
        return None
    try:
        import pycountry
    except ImportError:  # a dependency of the package, but the map must never take a page down
        return None
    c = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return c.alpha_2 if c else None


def shapes_from_topology(topology: dict[str, Any], object_name: str = "countries", width: float = WIDTH,
                         tolerance: float = TOLERANCE) -> Shapes:
    """Project, simplify and encode every country of a topology (see the module docstring)."""
    raw = decode_arcs(topology)
    x_max, _ = equal_earth(180.0, 0.0)
    k = width / (2 * x_max)

    def to_grid(pt: tuple[float, float]) -> tuple[float, float]:
        x, y = equal_earth(*pt)
        return (round(x * k / GRID) * GRID, round(-y * k / GRID) * GRID)   # SVG y grows downwards

    def encode(pts: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        simple = simplify([to_grid(p) for p in pts], tolerance)
        return [p for i, p in enumerate(simple) if i == 0 or p != simple[i - 1]]

    # shared arcs are simplified once, so two neighbours keep exactly the same border
    arcs = [encode(arc) for arc in raw]
    crossing = {i for i, arc in enumerate(raw) if _crosses(arc)}

    obj = (topology.get("objects") or {}).get(object_name) or {}
    geoms = obj.get("geometries") or ([obj] if obj.get("type") else [])
    countries = []
    xs: list[float] = []
    ys: list[float] = []
    for g in geoms:
        numeric = None if g.get("id") is None else str(g["id"])
        if numeric in DROP_IDS:
            continue
        rings = []
        for poly in _polygons(g):
            for ring_idx in poly:
                if any((i if i >= 0 else ~i) in crossing for i in ring_idx):
                    # a ring over the antimeridian is cut in degrees, then drawn on its own
                    pieces = [encode(r + r[:1]) for r in split_antimeridian(_ring(raw, ring_idx))]
                else:
                    pieces = [_ring(arcs, ring_idx)]
                for pts in pieces:
                    pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
                    if len(pts) > 1 and pts[0] == pts[-1]:
                        pts.pop()
                    if len(set(pts)) >= 3:   # a ring simplified to a line or a dot draws nothing
                        rings.append(pts)
        if not rings:
            continue
        for r in rings:
            xs += [p[0] for p in r]
            ys += [p[1] for p in r]
        name = str((g.get("properties") or {}).get("name") or numeric or "unnamed")
        countries.append(CountryShape(numeric, name, numeric_to_alpha2(numeric), _path(rings)))
    if not xs:
        return Shapes((), (0, 0, width, width / 2))
    pad = 2.0
    box = (min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)
    return Shapes(tuple(countries), box)


@lru_cache(maxsize=4)
def load_shapes(path: str) -> Shapes:
    """The shapes of a TopoJSON file, decoded once per process (about a quarter of a second)."""
    with open(path, encoding="utf-8") as f:
        return shapes_from_topology(json.load(f))


# -- knowledge base --------------------------------------------------------------------------------

def state_ids(shapes: Iterable[CountryShape], states: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Shape name -> KB state id.

    By alpha-2 (the KB's `iso2`) first; a shape without a numeric code (Natural Earth leaves
    Kosovo without one) matches a KB state by its name or an alias instead.
    """
    by_iso2: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for r in states:
        if r.get("iso2"):
            by_iso2[str(r["iso2"]).upper()] = r["id"]
        for n in [r.get("name"), r.get("official_name"), *(r.get("aliases") or [])]:
            if n:
                by_name.setdefault(str(n).casefold(), r["id"])
    out = {}
    for s in shapes:
        sid = by_iso2.get(s.alpha2 or "") if s.alpha2 else (by_name.get(s.name.casefold()) if not s.numeric else None)
        if sid:
            out[s.name] = sid
    return out


@dataclass(frozen=True)
class Status:
    """Where one state stands on the instrument on the map's date."""

    kind: str                   # a key of STATUSES
    action: str | None = None   # the latest act on record by that date ("ratified")
    date: str | None = None


def statuses(kb: Any, instrument: str, as_of: str | None = None) -> dict[str, Status]:
    """State id -> Status for every state with a subscription record on the instrument.

    Bound means what the KB says it means (`KB.parties`: ratified or acceded for a treaty;
    joined, sponsored or endorsed too for a political text), so the map agrees with the
    party counts elsewhere. A state whose latest act by `as_of` is anything else (signed,
    voted for, withdrew ...) is "signatory" unless it withdrew.
    """
    subs = kb.subscriptions(instrument=instrument)
    bound = kb.parties(instrument, as_of) if hasattr(kb, "parties") else set()
    status_of = getattr(kb, "status", None)
    out: dict[str, Status] = {}
    for actor in sorted({s["actor"] for s in subs if str(s.get("actor", "")).startswith("state:")}):
        st = status_of(actor, instrument, as_of) if status_of else None
        if not st:
            continue   # nothing on record yet by that date: "not a party"
        date = str(st["date"]) if st.get("date") else None
        if actor in bound:
            out[actor] = Status("party", st.get("action"), date)
        elif st.get("action") not in ("withdrew", "denounced"):   # not KB actions yet; never "signatory"
            out[actor] = Status("signatory", st.get("action"), date)
    return out


# -- rendering -----------------------------------------------------------------------------------

@dataclass
class MapData:
    """What the instrument page needs: the SVG (or None) and the legend with counts."""

    svg: Markup | None
    legend: list[dict[str, Any]] = field(default_factory=list)
    as_of: str | None = None
    unmapped: list[str] = field(default_factory=list)   # parties too small for Natural Earth 1:110m
    note: str | None = None


def _label(name: str, st: Status | None, kind: str) -> str:
    """A country's tooltip. It names the latest act and its date rather than "party since":
    for a political text the latest act (joined) may come after the first committing one."""
    act = " ".join(x for x in ((st.action if st else None), (st.date if st else None)) if x)
    if kind == "party":
        return f"{name}: party" + (f" ({act})" if act else "")
    if kind == "signatory":
        return f"{name}: {act or 'signed'}, not bound"
    if kind == "not-party":
        return f"{name}: not a party"
    return f"{name}: no data"


def render_svg(shapes: Shapes, kinds: dict[str, str], labels: dict[str, str], title: str,
               id_prefix: str = "wm") -> Markup:
    """The choropleth: one path per country in a group per status, each with a <title>.

    `kinds` and `labels` are keyed by shape name. Every text is escaped here because the
    result is Markup (the template will not escape it again).
    """
    x, y, w, h = shapes.view_box
    groups: dict[str, list[str]] = {k: [] for k in STATUSES}
    for s in shapes.countries:
        kind = kinds.get(s.name, "no-data")
        groups[kind].append(f'<path class="m-{kind}" d="{s.d}"><title>{escape(labels.get(s.name, s.name))}'
                            f"</title></path>")
    pid = escape(id_prefix)
    # no data is hatched, not just paler: it must not read as a lighter shade of "not a party"
    defs = (f'<defs><pattern id="{pid}-nd" width="4" height="4" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
            f'<path d="M0 0v4" stroke="#8c959f" stroke-width="1.2"/></pattern></defs>')
    fills = {**{k: v[1] for k, v in STATUSES.items()}, "no-data": f"url(#{pid}-nd)"}
    body = "".join(f'<g class="g-{k}" fill="{fills[k]}">{"".join(v)}</g>' for k, v in groups.items() if v)
    t = escape(title)
    svg = (f'<svg class="worldmap" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{t}" '
           f'viewBox="{_num(x)} {_num(y)} {_num(w)} {_num(h)}" width="100%" preserveAspectRatio="xMidYMid meet" '
           f'stroke="#fff" stroke-width="0.5" stroke-linejoin="round">'
           f'<title id="{pid}-t">{t}</title>{defs}{body}</svg>')
    return Markup(svg)


def instrument_map(kb: Any, instrument: str, as_of: str | None = None, name: str | None = None,
                   path: Path | None = None) -> MapData:
    """The parties map of one instrument, or MapData(svg=None, note=...) when it cannot be drawn.

    Args:
        kb: the knowledge base (`normwatch.kb.KB`; anything with records, subscriptions,
            parties and status will do).
        instrument: the instrument id.
        as_of: ISO date (or year, year-month); the map shows who stood where on that day.
        name: the display name for the title (defaults to the id).
        path: the TopoJSON file (defaults to `atlas_path()`).
    """
    path = path or atlas_path()
    if path is None:
        return MapData(None, note="The world map is not installed (run scripts/setup.sh, which needs npm); "
                                  "the parties are listed by region below.")
    try:
        shapes = load_shapes(str(path))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        return MapData(None, note=f"The world map could not be read ({type(e).__name__}); "
                                  "the parties are listed by region below.")
    states = kb.records("state") if hasattr(kb, "records") else []
    ids = state_ids(shapes.countries, states)
    st = statuses(kb, instrument, as_of)
    names = {r["id"]: r.get("name") or r["id"] for r in states}
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    for s in shapes.countries:
        sid = ids.get(s.name)
        if sid is None:
            kinds[s.name], labels[s.name] = "no-data", _label(s.name, None, "no-data")
            continue
        kind = st[sid].kind if sid in st else "not-party"
        kinds[s.name] = kind
        labels[s.name] = _label(names.get(sid, s.name), st.get(sid), kind)
    drawn = set(ids.values())
    unmapped = sorted(names.get(a, a) for a, v in st.items() if a not in drawn and v.kind == "party")
    counts: dict[str, int | None] = {k: 0 for k in STATUSES}
    for a, v in st.items():
        counts[v.kind] += 1
    counts["not-party"] = sum(1 for r in states if r["id"] not in st)
    counts["no-data"] = None   # shapes, not states: a count would not add up with the others
    when = f" as of {as_of}" if as_of else ""
    title = (f"World map of {name or instrument}{when}: {counts['party']} parties, "
             f"{counts['signatory']} signed or supported without being bound")
    legend = [{"kind": k, "label": STATUSES[k][0], "count": counts[k]} for k in STATUSES]
    return MapData(render_svg(shapes, kinds, labels, title), legend, as_of, unmapped)
