"""The display model: what a map shows, decided once for every renderer.

:func:`build_display` turns a region, routes and analyses into a
:class:`Display`: the territories (simplified for display), the borders to
draw and highlight, each route's colour, dash and pieces (whole, or one piece
per territory section), its stops and crossings, the proximity band with the
km of each route inside it, the labels, the legend entries, the extent and
the credits.  :func:`corridor.make_map` (folium) and :func:`corridor.plot_map`
(matplotlib) only render it, so both show the same thing and refuse the same
bad input with the same error.

Display data versus analysis data
---------------------------------
Maps show a *display copy* of the boundaries: the country coverage is
simplified with :func:`shapely.coverage_simplify` (topology preserving: a
border shared by two countries is simplified once, so neighbours still meet
exactly) at :data:`DISPLAY_TOLERANCE_DEG` = 0.003° (about 250 m east–west and
330 m north–south at 40° N, under one screen pixel up to zoom 9).  Every
figure shown (lengths, km, crossings) comes from the full-resolution data and
the measurement layer; nothing here measures.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from . import _engine
from ._escape import check_color
from ._topology import shared_lines
from ._validate import one_of, positive_number
from .errors import ParameterError, ParameterTypeError, UnknownTerritoryError

if TYPE_CHECKING:
    from .measure import RouteAnalysis
    from .region import Region
    from .route import Route

__all__ = [
    "BAND_COLOR",
    "BORDER_COLOR",
    "CLOSED_BORDER_COLOR",
    "DISPLAY_TOLERANCE_DEG",
    "HIGHLIGHT_COLOR",
    "MONITORED_BORDER_COLOR",
    "PLANNED_STATUSES",
    "REGIME_BORDER_COLORS",
    "ROUTE_COLORS",
    "ROUTE_TOLERANCE_DEG",
    "SEA_COLOR",
    "STATUS_COLORS",
    "WATER_COLORS",
    "BandLayer",
    "BorderLine",
    "Display",
    "DisplayLayers",
    "Label",
    "LegendEntry",
    "PointMark",
    "RouteLayer",
    "build_display",
    "display_layers",
    "sub_line",
    "territory_color",
    "territory_fill",
]

#: Tolerance (degrees) of the topology-preserving display simplification.
DISPLAY_TOLERANCE_DEG = 0.003
#: Tolerance (degrees, ≈ 20 m) for simplifying route lines for display.
ROUTE_TOLERANCE_DEG = 0.0002

#: Colours given to routes in turn (distinct, print-safe, readable on the fills).
ROUTE_COLORS = (
    "#c8102e",
    "#1f4e9c",
    "#6a3d9a",
    "#e07b00",
    "#00796b",
    "#222222",
    "#b8860b",
    "#d81b60",
    "#5d4037",
    "#0097a7",
)

#: Muted land fills: the three South Caucasus states warm, neighbours grey.
TERRITORY_FILLS = {
    "ARM": "#f1dcc4",
    "AZE": "#d9e6cf",
    "GEO": "#e3dbeb",
    "IRN": "#e9e7e1",
    "TUR": "#efe3e0",
    "RUS": "#e4e8ec",
}
_FILL_CYCLE = ("#f1dcc4", "#d9e6cf", "#e3dbeb", "#f3ecc8", "#e4e8ec", "#ecd5d5", "#e9e7e1", "#efe3e0")

#: Stronger territory colours, for routes coloured by territory and bar charts.
TERRITORY_COLORS = {
    "ARM": "#c9772f",
    "AZE": "#3f8f4a",
    "GEO": "#7b5ea7",
    "IRN": "#8c8c7a",
    "TUR": "#b05a5a",
    "RUS": "#5b7a9c",
    "unassigned": "#9cc3da",  # mostly water: a light blue, unlike Iran's grey-olive
}
_COLOR_CYCLE = ("#c9772f", "#3f8f4a", "#7b5ea7", "#b5a02a", "#3b8bb0", "#b05a5a", "#8c8c7a")

SEA_COLOR = "#cfe0ea"
#: Water inside territories: a state's sea waters a shade darker than the open sea, lakes darker still.
WATER_COLORS = {"sea": "#c2d7e5", "inland water": "#aecbe0"}
BORDER_COLOR = "#5a5a5a"
HIGHLIGHT_COLOR = "#111111"
BAND_COLOR = "#f2b134"

#: Colours of crossing-point statuses (open green, restricted amber, closed red, planned blue, unknown grey).
STATUS_COLORS = {
    "open": "#2e7d32",
    "restricted": "#e0a100",
    "closed": "#c62828",
    "planned": "#3f51b5",
    "unknown": "#9e9e9e",
}
#: Colour of borders with no open crossing point (``border_style="regime"``).
CLOSED_BORDER_COLOR = "#c62828"
#: Colour of borders under a current monitoring mission (``border_style="regime"``).
MONITORED_BORDER_COLOR = "#1565c0"

#: Border colours by institution (``border_style="regime"``).
REGIME_BORDER_COLORS = {"closed": CLOSED_BORDER_COLOR, "monitored": MONITORED_BORDER_COLOR}

#: Statuses drawn dashed.
PLANNED_STATUSES = ("planned", "proposed", "under construction")


def _distinct_fills(region: Region, ids: list[str]) -> dict[str, str]:
    """Muted fills such that neighbours never share one: the fixed colours first, then greedy colouring."""
    fills: dict[str, str] = {}
    neighbours = {i: set(region.neighbours(i)) for i in ids}
    palette = [*dict.fromkeys([*TERRITORY_FILLS.values(), *_FILL_CYCLE])]
    order = [i for i in ids if i in TERRITORY_FILLS] + sorted(
        (i for i in ids if i not in TERRITORY_FILLS), key=lambda i: -len(neighbours[i])
    )
    for iso in order:
        used = {fills[x] for x in neighbours[iso] if x in fills}
        want = TERRITORY_FILLS.get(iso)
        fills[iso] = want if want and want not in used else next((c for c in palette if c not in used), palette[0])
    return fills


def territory_fill(iso3: str, k: int) -> str:
    """Muted fill colour of a territory (built-in ids have fixed colours)."""
    return TERRITORY_FILLS.get(iso3, _FILL_CYCLE[k % len(_FILL_CYCLE)])


def territory_color(iso3: str, k: int = 0) -> str:
    """Strong colour of a territory, for route sections and charts."""
    return TERRITORY_COLORS.get(iso3, _COLOR_CYCLE[k % len(_COLOR_CYCLE)])


# ---------------------------------------------------------------------------
# the region, simplified for display (cached per region and tolerance)


@dataclass(frozen=True)
class DisplayLayers:
    """Simplified countries, their shared border lines and label points."""

    countries: list[tuple[str, str, Any]]  # iso3, name, simplified geometry
    borders: list[tuple[str, str, float, Any]]  # a, b, length_km (full data), lines
    labels: list[tuple[str, float, float, str]]  # text, lon, lat, "country" | "exclave"
    water: list[tuple[str, Any]] = field(default_factory=list)  # surface, simplified geometry


_LAYERS: weakref.WeakKeyDictionary[Any, dict[float, DisplayLayers]] = weakref.WeakKeyDictionary()


def _label_point(geom: Any) -> tuple[float, float]:
    from shapely.ops import polylabel

    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    if not polys:
        c = shapely.point_on_surface(geom)
        return float(c.x), float(c.y)
    big = max(polys, key=lambda p: p.area)
    try:
        p = polylabel(big, tolerance=0.01)
    except Exception:  # pragma: no cover - degenerate polygon (GEOS raises several kinds)
        p = shapely.point_on_surface(big)
    return float(p.x), float(p.y)


def display_layers(region: Region, *, tolerance_deg: float = DISPLAY_TOLERANCE_DEG) -> DisplayLayers:
    """Simplified countries, border lines and label points of a region (cached).

    Parameters
    ----------
    region : Region
    tolerance_deg : float, default :data:`DISPLAY_TOLERANCE_DEG`
        Topology-preserving simplification tolerance, degrees.

    Returns
    -------
    DisplayLayers

    Examples
    --------
    >>> import corridor
    >>> layers = display_layers(corridor.load_region())
    >>> [b[:2] for b in layers.borders][:2]
    [('ARM', 'IRN'), ('ARM', 'TUR')]
    """
    cache = _LAYERS.setdefault(region, {})
    if tolerance_deg in cache:
        return cache[tolerance_deg]
    geoms = np.asarray(region.countries.geometry.values, dtype=object)
    simple = shapely.coverage_simplify(geoms, tolerance_deg) if tolerance_deg > 0 else geoms
    simple = shapely.make_valid(simple)
    ids = [str(i) for i in region.countries["iso3"]]
    names = [str(n) for n in region.countries["name"]]
    by_id = dict(zip(ids, simple))
    countries = [(i, n, g) for i, n, g in zip(ids, names, simple)]
    borders = []
    for a, b, length in zip(region.borders["a"], region.borders["b"], region.borders["length_km"]):
        ga, gb = by_id.get(str(a)), by_id.get(str(b))
        if ga is None or gb is None:
            continue
        # the same derivation as Region.borders, on the simplified display shapes
        merged = shared_lines(ga, gb)
        if not merged.is_empty:
            borders.append((str(a), str(b), float(length), merged))
    water = []
    if region.water is not None:
        for surface, g in zip(region.water["surface"], region.water.geometry):
            if str(surface) in ("sea", "inland water") and not g.is_empty:
                simple = shapely.make_valid(shapely.simplify(g, tolerance_deg)) if tolerance_deg > 0 else g
                water.append((str(surface), simple))
    labels = [(n, *_label_point(g), "country") for _, n, g in countries]
    ex = region.parts[(region.parts["kind"] == "exclave") & region.parts["name"].notna()]
    for nm, g in zip(ex["name"], ex.geometry):
        labels.append((str(nm), *_label_point(g), "exclave"))
    out = DisplayLayers(countries, borders, labels, water)
    cache[tolerance_deg] = out
    return out


# ---------------------------------------------------------------------------
# the display model


@dataclass(frozen=True)
class Territory:
    """A territory to fill: its id, name, simplified geometry and fill colour."""

    iso3: str
    name: str
    geometry: Any
    fill: str


@dataclass(frozen=True)
class BorderLine:
    """A border to draw: the pair, names, geodesic length (full data) and display lines."""

    a: str
    b: str
    name_a: str
    name_b: str
    length_km: float
    lines: Any
    highlighted: bool
    style: str = "plain"  # "plain", or with border_style="regime": "closed", "monitored", "open"
    regimes: tuple[str, ...] = ()  # current arrangements, for tooltips


@dataclass(frozen=True)
class PointMark:
    """An official crossing point to draw: status (after the policy), modes, date and source."""

    id: str
    name: str
    lon: float
    lat: float
    kind: str
    modes: str
    status: str
    since: str
    source: str
    used: bool


@dataclass(frozen=True)
class BandLayer:
    """The proximity band: its polygon (lon/lat), half-width and what it is around."""

    within_km: float
    label: str  # "international" or "A–B"
    polygon: Any

    @property
    def what(self) -> str:
        """``"border"`` or ``"A–B border"``."""
        return "border" if self.label == "international" else f"{self.label} border"


@dataclass(frozen=True)
class Piece:
    """A piece of a route to draw in one colour, with a tooltip line (and its territory when by territory)."""

    geometry: Any
    color: str
    detail: str
    iso3: str = ""


@dataclass(frozen=True)
class CrossingMark:
    """A border crossing of a route: where, at which km, from and to."""

    lon: float
    lat: float
    km: float
    from_iso3: str
    to_iso3: str
    from_name: str
    to_name: str
    border: str
    crossing_point: str = ""
    crossing_status: str = ""


@dataclass(frozen=True)
class RouteLayer:
    """A route as drawn: colour, dash, width rank, pieces, stops, crossings, band lines."""

    route: Route
    color: str
    dashed: bool
    rank: int  # 0 for the first route; earlier routes are drawn wider, underneath
    n_routes: int
    geometry: Any  # simplified for display
    pieces: list[Piece]
    stops: list[tuple[str, float, float, float]]  # name, lon, lat, km
    crossings: list[CrossingMark]
    band_lines: Any = None
    band_km: float = 0.0

    @property
    def subtitle(self) -> str:
        """``"521 km, planned"`` and the km in the band, for legends."""
        sub = f"{self.route.length_km:,.0f} km" + (f", {self.route.status}" if self.dashed else "")
        if self.band_lines is not None:
            sub += f"; {self.band_km:,.1f} km in band"
        return sub


@dataclass(frozen=True)
class Label:
    """A text label: ``country``, ``exclave`` (``minor`` for small ones) or ``stop``."""

    text: str
    lon: float
    lat: float
    kind: str
    minor: bool = False


@dataclass(frozen=True)
class LegendEntry:
    """A legend row: a symbol kind (line, border, highlight, band, stop, cross), colour and text."""

    kind: str
    color: str
    text: str
    sub: str = ""
    dashed: bool = False


@dataclass(frozen=True)
class Display:
    """Everything a renderer draws, in drawing order."""

    region: Region
    territories: list[Territory]
    water: list[tuple[str, Any]]
    borders: list[BorderLine]
    band: BandLayer | None
    routes: list[RouteLayer]
    labels: list[Label]
    legend: list[LegendEntry]
    extent: tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)
    credits: list[str]
    title: str | None
    color_by: str
    show_stops: bool
    show_labels: bool
    names: dict[str, str] = field(default_factory=dict)
    points: list[PointMark] = field(default_factory=list)
    border_style: str = "plain"


def build_display(
    region: Region | None,
    routes: Route | Iterable[Route],
    analyses: RouteAnalysis | Iterable[RouteAnalysis],
    *,
    borders: str | Sequence[Sequence[str]] | None = "all",
    band_km: float | None = None,
    band_border: Sequence[str] | None = None,
    color_by: str = "route",
    colors: Sequence[str] | None = None,
    crossings: bool = True,
    stops: bool = True,
    labels: bool = True,
    title: str | None = None,
    attribution: str = "",
    tolerance_deg: float = DISPLAY_TOLERANCE_DEG,
    pad: float = 0.15,
    min_pad_deg: float = 0.1,
    crossing_points: bool | str = True,
    border_style: str = "plain",
    policy: Any = None,
) -> Display:
    """The display model of a map (see :func:`corridor.make_map` for the parameters)."""
    one_of(color_by, "color_by", ("route", "territory"))
    one_of(crossing_points, "crossing_points", (True, False, "used"))
    one_of(border_style, "border_style", ("plain", "regime"))
    band = None if band_km is None else positive_number(band_km, "band_km", unit="km")
    palette = [check_color(c) for c in colors] if colors else list(ROUTE_COLORS)
    if not palette:
        raise ParameterError("`colors` must hold at least one colour.")
    reg, rs, by_route = _collect(region, routes, analyses, crossings)
    highlight, draw = _border_choice(reg, borders)
    layers = display_layers(reg, tolerance_deg=tolerance_deg)
    names = {iso: n for iso, n, _ in layers.countries}
    iso_index = {iso: k for k, (iso, _, _) in enumerate(layers.countries)}
    fills = _distinct_fills(reg, [iso for iso, _, _ in layers.countries])
    terr = [Territory(iso, n, g, fills[iso]) for iso, n, g in layers.countries]
    policy = _policy(policy, by_route)
    blines = [
        BorderLine(a, b, names.get(a, a), names.get(b, b), length, lines, (a, b) in highlight)
        for a, b, length, lines in (layers.borders if draw else [])
    ]
    if border_style == "regime":
        blines = _regime_styles(reg, blines, policy)
    band_on = band_border if band_border is not None else (highlight[0] if highlight else None)
    band_layer, inside = _band(reg, rs, band, band_on)
    route_layers = [
        _route_layer(r, k, len(rs), palette, by_route.get(id(r)), color_by, names, iso_index, inside.get(k), crossings)
        for k, r in enumerate(rs)
    ]
    extent = _extent(reg, rs, pad, min_pad_deg)
    points = _points(reg, extent, route_layers, crossing_points, policy) if crossing_points else []
    legend = _legend(reg, blines, band_layer, route_layers, color_by, names, iso_index, stops, crossings)
    legend += _point_legend(points, blines)
    return Display(
        region=reg,
        territories=terr,
        water=layers.water,
        borders=blines,
        band=band_layer,
        routes=route_layers,
        labels=_labels(reg, layers, route_layers, labels, stops),
        legend=legend,
        extent=extent,
        credits=[c for c in (reg.attribution, attribution) if c],
        title=title,
        color_by=color_by,
        show_stops=stops,
        show_labels=labels,
        names=names,
        points=points,
        border_style=border_style,
    )


def _policy(policy: Any, by_route: dict[int, RouteAnalysis]) -> Any:
    """The crossing policy to show: the one given, else the analyses' (if they agree), else the data's."""
    from .crossings import CrossingPolicy

    if policy is not None:
        if not isinstance(policy, CrossingPolicy):
            raise ParameterTypeError(f"`policy` must be a CrossingPolicy, got {type(policy).__name__}.")
        return policy
    own = {id(a.policy): a.policy for a in by_route.values()}
    return next(iter(own.values())) if len(own) == 1 else CrossingPolicy()


def _points(
    region: Region, extent: tuple[float, float, float, float], routes: list[RouteLayer], which: Any, policy: Any
) -> list[PointMark]:
    """Official crossing points in view (or only those the routes use), with their status under ``policy``."""
    from .crossings import crossing_points

    used = {cx.crossing_point for rl in routes for cx in rl.crossings if cx.crossing_point}
    t = crossing_points(policy=policy)
    t = t[t["a"].isin(region.ids) & (t["b"].isin(region.ids) | (t["b"] == ""))]
    w, s, e, n = extent
    out = []
    for r in t.itertuples():
        is_used = any(r.name == u or r.name in u.split(" → ") for u in used)
        in_view = w <= r.lon <= e and s <= r.lat <= n
        if (which == "used" and is_used) or (which is True and in_view):
            out.append(
                PointMark(
                    r.id, r.name, r.lon, r.lat, r.kind, r.modes, str(r.status), r.status_since, r.status_source, is_used
                )
            )
    return out


def _regime_styles(region: Region, borders: list[BorderLine], policy: Any) -> list[BorderLine]:
    """Borders styled by institution: no open crossing point (closed), a monitoring mission, else open."""
    from dataclasses import replace

    from .crossings import USABLE_STATUSES, border_regimes, crossing_points

    pts = crossing_points(policy=policy)
    reg = border_regimes(ids=region.ids)
    current = reg[reg["status"] == "current"]
    out = []
    for bl in borders:
        on = pts[(pts["a"] == bl.a) & (pts["b"] == bl.b)]
        rows = current[(current["a"] == bl.a) & (current["b"] == bl.b)]
        notes = tuple(f"{r.kind}: {r.actor}" + (f" (since {r.since})" if r.since else "") for r in rows.itertuples())
        if not on["status"].isin(USABLE_STATUSES).any():
            style = "closed"
        elif (rows["kind"] == "monitoring mission").any():
            style = "monitored"
        else:
            style = "open"
        out.append(replace(bl, style=style, regimes=notes))
    return out


def _point_legend(points: list[PointMark], borders: list[BorderLine]) -> list[LegendEntry]:
    out = []
    for status in STATUS_COLORS:
        k = sum(p.status == status for p in points)
        if k:
            out.append(LegendEntry("point", STATUS_COLORS[status], f"Crossing point: {status}", f"{k}"))
    styles = {bl.style for bl in borders}
    if "closed" in styles:
        out.append(LegendEntry("regime", CLOSED_BORDER_COLOR, "Border with no open crossing point"))
    if "monitored" in styles:
        out.append(LegendEntry("regime", MONITORED_BORDER_COLOR, "Border under a monitoring mission"))
    return out


def _collect(
    region: Region | None,
    routes: Route | Iterable[Route],
    analyses: RouteAnalysis | Iterable[RouteAnalysis],
    crossings: bool,
) -> tuple[Region, list[Route], dict[int, RouteAnalysis]]:
    """The region, every route (analysed routes included) and the analyses by route."""
    from .measure import RouteAnalysis, analyze
    from .region import Region, load_region
    from .route import Route

    if isinstance(routes, Route):
        routes = [routes]
    if isinstance(analyses, RouteAnalysis):
        analyses = [analyses]
    ans = list(analyses)
    for a in ans:
        if not isinstance(a, RouteAnalysis):
            raise ParameterTypeError(f"`analyses` must hold RouteAnalysis objects, got {type(a).__name__}.")
    if region is None:
        region = ans[0].region if ans else load_region()
    if not isinstance(region, Region):
        raise ParameterTypeError(f"`region` must be a Region (or None), got {type(region).__name__}.")
    rs: list[Route] = []
    for r in routes:
        if not isinstance(r, Route):
            raise ParameterTypeError(f"`routes` must hold Route objects, got {type(r).__name__}.")
        rs.append(r)
    by_route: dict[int, RouteAnalysis] = {}
    for a in ans:
        if all(a.route is not r for r in rs):
            rs.append(a.route)
        by_route[id(a.route)] = a
    if crossings:
        for r in rs:
            if id(r) not in by_route:
                by_route[id(r)] = analyze(r, region=region)
    return region, rs, by_route


def _border_choice(region: Region, borders: Any) -> tuple[list[tuple[str, str]], bool]:
    """(highlighted pairs, draw all borders?) from ``borders``."""
    if borders is None:
        return [], False
    if isinstance(borders, str):
        if borders != "all":
            msg = f"`borders` must be 'all', None or a list of pairs such as [('ARM', 'AZE')], got {borders!r}."
            raise ParameterError(msg)
        return [], True
    highlight: list[tuple[str, str]] = []
    for pair in borders:
        if isinstance(pair, str) or len(pair) != 2:
            raise ParameterError(f"Each border must be a pair of ids such as ('ARM', 'AZE'), got {pair!r}.")
        id_a, id_b = sorted(region.iso3_of(str(x)) for x in pair)
        if not region.touches(id_a, id_b):
            raise ParameterError(f"{id_a} and {id_b} share no land border in this region; nothing to highlight.")
        highlight.append((id_a, id_b))
    return highlight, True


def sub_line(route: Route, from_km: float, to_km: float) -> Any:
    """The part of a route between two chainages, as a LineString in lon/lat."""
    vk = route.vertex_km
    inner = (vk > from_km) & (vk < to_km)
    ends = route.points_at_km(np.array([from_km, to_km]))
    return shapely.LineString(np.vstack([ends[:1], route.coords[inner], ends[1:]]))


def _band(
    region: Region, routes: list[Route], within_km: float | None, border: Any
) -> tuple[BandLayer | None, dict[int, tuple[Any, float]]]:
    """The band polygon and, per route index, its lines inside the band and their km."""
    if within_km is None:
        return None, {}
    eng = _engine.engine_for(region)
    key = tuple(border) if border is not None else None
    label, _ = eng.border_local(key)
    buf = eng.border_buffer(within_km, key)
    poly = eng.to_ll(shapely.simplify(buf, 100.0))
    inside: dict[int, tuple[Any, float]] = {}
    if routes:
        # the measurement layer cuts the routes, so the map shows what km_near_border counts
        cut, km = _engine.within_band(eng, np.array([r.geometry for r in routes], dtype=object), within_km, key)
        inside = {k: (g, float(v)) for k, (g, v) in enumerate(zip(cut, km)) if not g.is_empty}
    return BandLayer(within_km, label, poly), inside


def _route_layer(
    r: Route,
    k: int,
    n: int,
    palette: list[str],
    an: RouteAnalysis | None,
    color_by: str,
    names: dict[str, str],
    iso_index: dict[str, int],
    band: tuple[Any, float] | None,
    crossings: bool,
) -> RouteLayer:
    color = palette[k % len(palette)]
    geom = shapely.simplify(r.geometry, ROUTE_TOLERANCE_DEG)
    pieces = [Piece(geom, color, "")]
    if color_by == "territory" and an is not None:
        pieces = [
            Piece(
                shapely.simplify(sub_line(r, row.from_km, row.to_km), ROUTE_TOLERANCE_DEG),
                territory_color(str(row.iso3), iso_index.get(str(row.iso3), 0)),
                f"{row.part_id}: km {row.from_km:,.1f}–{row.to_km:,.1f} ({row.length_km:,.1f} km)",
                str(row.iso3),
            )
            for row in an.sections.itertuples()
            if row.to_km > row.from_km
        ]
    marks = []
    if crossings and an is not None:
        for cx in an.crossings.itertuples():
            a, b = str(cx.from_iso3), str(cx.to_iso3)
            marks.append(
                CrossingMark(
                    float(cx.geometry.x),
                    float(cx.geometry.y),
                    float(cx.km),
                    a,
                    b,
                    names.get(a, a),
                    names.get(b, b),
                    str(cx.border),
                    str(getattr(cx, "crossing_point", "") or ""),
                    str(getattr(cx, "crossing_status", "") or ""),
                )
            )
    return RouteLayer(
        route=r,
        color=color,
        dashed=r.status in PLANNED_STATUSES,
        rank=k,
        n_routes=n,
        geometry=geom,
        pieces=pieces,
        stops=[(s.name, s.lon, s.lat, s.km) for s in r.stops],
        crossings=marks,
        band_lines=band[0] if band else None,
        band_km=band[1] if band else 0.0,
    )


def _legend(
    region: Region,
    borders: list[BorderLine],
    band: BandLayer | None,
    routes: list[RouteLayer],
    color_by: str,
    names: dict[str, str],
    iso_index: dict[str, int],
    stops: bool,
    crossings: bool,
) -> list[LegendEntry]:
    out: list[LegendEntry] = []
    if borders:
        out.append(LegendEntry("border", BORDER_COLOR, "International border"))
        for bl in borders:
            if bl.highlighted:
                out.append(
                    LegendEntry(
                        "highlight", HIGHLIGHT_COLOR, f"{bl.name_a} – {bl.name_b} border", f"{bl.length_km:,.1f} km"
                    )
                )
    if band is not None:
        out.append(LegendEntry("band", BAND_COLOR, f"Within {band.within_km:g} km of {band.what}"))
    for rl in routes:
        color = rl.color if color_by == "route" else "#444444"
        out.append(LegendEntry("line", color, rl.route.name, rl.subtitle, rl.dashed))
    if routes and stops:
        out.append(LegendEntry("stop", "#444444", "Stop"))
    if crossings and any(rl.crossings for rl in routes):
        out.append(LegendEntry("cross", "#111111", "Border crossing"))
    if color_by == "territory":
        for iso in sorted({p.iso3 for rl in routes for p in rl.pieces if p.iso3}):
            out.append(LegendEntry("line", territory_color(iso, iso_index.get(iso, 0)), f"in {names.get(iso, iso)}"))
    return out


def _labels(region: Region, layers: DisplayLayers, routes: list[RouteLayer], labels: bool, stops: bool) -> list[Label]:
    if not labels:
        return []
    out = []
    for text, lon, lat, kind in layers.labels:
        minor = False
        if kind == "exclave":
            try:
                minor = float(shapely.area(region.geometry_of(text))) < 0.05
            except UnknownTerritoryError:
                minor = False
        out.append(Label(text, lon, lat, kind, minor))
    seen: set[tuple[str, float, float]] = set()
    if stops:
        for rl in routes:
            for name, lon, lat, _ in rl.stops:
                key = (name, round(lon, 3), round(lat, 3))
                if key not in seen:
                    seen.add(key)
                    out.append(Label(name, lon, lat, "stop"))
    out += _place_labels(region, {(round(lon, 2), round(lat, 2)) for _, lon, lat in seen})
    return out


def _place_labels(region: Region, taken: set[tuple[float, float]]) -> list[Label]:
    """Gazetteer towns, stations and ports in the region (shown at street zooms): context near the routes."""
    from .places import places

    t = places()
    w, s, e, n = region.countries.total_bounds
    inside = t[(t["lon"] >= w) & (t["lon"] <= e) & (t["lat"] >= s) & (t["lat"] <= n) & (t["kind"] != "tripoint")]
    return [
        Label(str(r.name), float(r.lon), float(r.lat), "place")
        for r in inside.itertuples()
        if (round(float(r.lon), 2), round(float(r.lat), 2)) not in taken
    ]


def _extent(region: Region, routes: list[Route], pad: float, min_pad_deg: float) -> tuple[float, float, float, float]:
    """The routes with a margin (``pad`` of their size, at least ``min_pad_deg``), else the region."""
    if routes:
        b = np.array([r.geometry.bounds for r in routes])
        minx, miny, maxx, maxy = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
        px, py = max((maxx - minx) * pad, min_pad_deg), max((maxy - miny) * pad, min_pad_deg)
        return float(minx - px), float(miny - py), float(maxx + px), float(maxy + py)
    minx, miny, maxx, maxy = region.countries.total_bounds
    return float(minx), float(miny), float(maxx), float(maxy)
