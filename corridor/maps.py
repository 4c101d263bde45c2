"""Interactive maps (folium/Leaflet) that can be shared as one offline HTML file.

:func:`make_map` draws a region (countries, exclaves, borders), routes, their
stops, border crossings and an optional border-proximity band on a
:class:`folium.Map`; :func:`save_map` writes it as a single self-contained
HTML file that makes no network request when opened.

Display data versus analysis data
---------------------------------
Maps show a *display copy* of the boundaries: the country coverage is
simplified with :func:`shapely.coverage_simplify` (topology preserving:
a border shared by two countries is simplified once, so neighbours still
meet exactly, with no gaps or overlaps) at a tolerance of
:data:`DISPLAY_TOLERANCE_DEG` = 0.003° (about 250 m east–west and 330 m
north–south at 40° N, under one screen pixel up to zoom 9), and every
coordinate is rounded to :data:`COORD_DECIMALS` = 4 decimals (about 10 m).
Every figure shown (lengths, km, crossings) comes from the full-resolution
data and analysis.

Every user-supplied string (route, stop and place names, sources, titles,
attribution) is escaped before it reaches HTML or JavaScript.

folium is imported inside the functions, so ``import corridor`` does not
import it.
"""

from __future__ import annotations

import html as _html
import json
import os
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely

from ._io import atomic_write as _atomic_write
from ._io import check_output_path as _check_output_path
from .errors import ParameterError
from .region import _shared_lines

if TYPE_CHECKING:
    import folium

    from .measure import RouteAnalysis
    from .region import Region
    from .route import Route

__all__ = [
    "COORD_DECIMALS",
    "DISPLAY_TOLERANCE_DEG",
    "ROUTE_COLORS",
    "make_map",
    "save_map",
]

#: Tolerance (degrees) of the topology-preserving display simplification.
DISPLAY_TOLERANCE_DEG = 0.003
#: Decimals kept in displayed coordinates (4 decimals ≈ 10 m).
COORD_DECIMALS = 4
#: Tolerance (degrees, ≈ 20 m) for simplifying route lines for display.
ROUTE_TOLERANCE_DEG = 0.0002

#: Colours given to routes in turn (distinct, print-safe, readable on the fills).
ROUTE_COLORS = ("#c8102e", "#1f4e9c", "#6a3d9a", "#e07b00", "#00796b", "#222222")

#: Muted land fills: the three South Caucasus states warm, neighbours grey.
TERRITORY_FILLS = {
    "ARM": "#f1dcc4",
    "AZE": "#d9e6cf",
    "GEO": "#e3dbeb",
    "IRN": "#e9e7e1",
    "TUR": "#e9e7e1",
    "RUS": "#e9e7e1",
}
_FILL_CYCLE = ("#f1dcc4", "#d9e6cf", "#e3dbeb", "#f3ecc8", "#d5e4ea", "#ecd5d5", "#e9e7e1")

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
BORDER_COLOR = "#5a5a5a"
HIGHLIGHT_COLOR = "#111111"
BAND_COLOR = "#f2b134"

_PLANNED = ("planned", "proposed", "under construction")


# ---------------------------------------------------------------------------
# escaping


def escape_text(value: Any) -> str:
    """Escape a user string for HTML text *and* for a JavaScript template literal.

    HTML-escapes ``& < > " '`` and also turns backticks, ``$``, braces and
    backslashes into character references, so the result is inert inside
    HTML, inside a JS template literal (as folium writes tooltips) and inside
    a JSON string.

    Examples
    --------
    >>> escape_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_text("`${x}`")
    '&#96;&#36;&#123;x&#125;&#96;'
    >>> escape_text("")
    ''
    """
    s = _html.escape(str(value), quote=True)
    for ch, ref in (
        ("\\", "&#92;"),
        ("`", "&#96;"),
        ("$", "&#36;"),
        ("{", "&#123;"),
        ("}", "&#125;"),
    ):
        s = s.replace(ch, ref)
    return s


def _js_string(value: str) -> str:
    """A JSON string literal safe inside an inline ``<script>``."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ---------------------------------------------------------------------------
# display data (shared with corridor.plot)


@dataclass(frozen=True)
class _Display:
    countries: list[tuple[str, str, Any]]  # iso3, name, simplified geometry
    borders: list[tuple[str, str, float, Any]]  # a, b, length_km (full data), lines
    labels: list[tuple[str, float, float, str]]  # text, lon, lat, "country" | "exclave"


_DISPLAY: weakref.WeakKeyDictionary[Any, dict[float, _Display]] = weakref.WeakKeyDictionary()


def _round(geom: Any, decimals: int = COORD_DECIMALS) -> Any:
    return shapely.set_precision(geom, 10.0**-decimals, mode="pointwise")


def _label_point(geom: Any) -> tuple[float, float]:
    from shapely.ops import polylabel

    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    if not polys:
        c = shapely.point_on_surface(geom)
        return float(c.x), float(c.y)
    big = max(polys, key=lambda p: p.area)
    try:
        p = polylabel(big, tolerance=0.01)
    except Exception:  # pragma: no cover - degenerate polygon
        p = shapely.point_on_surface(big)
    return float(p.x), float(p.y)


def display_layers(region: Region, *, tolerance_deg: float = DISPLAY_TOLERANCE_DEG) -> _Display:
    """Simplified countries, border lines and label points of a region (cached)."""
    cache = _DISPLAY.setdefault(region, {})
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
        merged = _shared_lines(ga, gb)
        if merged.is_empty:
            continue
        borders.append((str(a), str(b), float(length), merged))
    labels = [(n, *_label_point(g), "country") for _, n, g in countries]
    ex = region.parts[(region.parts["kind"] == "exclave") & region.parts["name"].notna()]
    for nm, g in zip(ex["name"], ex.geometry):
        labels.append((str(nm), *_label_point(g), "exclave"))
    out = _Display(countries, borders, labels)
    cache[tolerance_deg] = out
    return out


def territory_fill(iso3: str, k: int) -> str:
    """Muted fill colour of a territory (built-in ids have fixed colours)."""
    return TERRITORY_FILLS.get(iso3, _FILL_CYCLE[k % len(_FILL_CYCLE)])


def territory_color(iso3: str, k: int = 0) -> str:
    """Strong colour of a territory, for route sections and charts."""
    return TERRITORY_COLORS.get(iso3, _COLOR_CYCLE[k % len(_COLOR_CYCLE)])


@dataclass
class _Content:
    region: Region | None
    routes: list[Route]
    analyses: dict[int, RouteAnalysis]  # id(route) -> analysis
    highlight: list[tuple[str, str]]
    draw_borders: bool


def _collect(
    region: Region | None,
    routes: Route | Iterable[Route],
    analyses: RouteAnalysis | Iterable[RouteAnalysis],
    borders: str | Sequence[Sequence[str]] | None,
    crossings: bool,
) -> _Content:
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
            raise TypeError(f"`analyses` must hold RouteAnalysis objects, got {type(a).__name__}.")
    if region is None:
        region = ans[0].region if ans else load_region()
    if not isinstance(region, Region):
        raise TypeError(f"`region` must be a Region (or None), got {type(region).__name__}.")
    rs: list[Route] = []
    for r in routes:
        if not isinstance(r, Route):
            raise TypeError(f"`routes` must hold Route objects, got {type(r).__name__}.")
        rs.append(r)
    by_route: dict[int, RouteAnalysis] = {}
    for a in ans:
        if all(a.route is not r for r in rs):
            rs.append(a.route)
        by_route[id(a.route)] = a
    if crossings:
        for r in rs:
            if id(r) not in by_route:
                by_route[id(r)] = analyze(r, region)
    highlight: list[tuple[str, str]]
    if borders is None:
        draw, highlight = False, []
    elif isinstance(borders, str):
        if borders != "all":
            raise ParameterError(
                f"`borders` must be 'all', None or a list of pairs such as [('ARM', 'AZE')], got {borders!r}."
            )
        draw, highlight = True, []
    else:
        draw = True
        highlight = []
        for pair in borders:
            if isinstance(pair, str) or len(pair) != 2:
                raise ParameterError(f"Each border must be a pair of ids such as ('ARM', 'AZE'), got {pair!r}.")
            id_a, id_b = (region.iso3_of(str(x)) for x in pair)
            if not region.touches(id_a, id_b):
                raise ParameterError(f"{id_a} and {id_b} share no land border in this region; nothing to highlight.")
            highlight.append(cast("tuple[str, str]", tuple(sorted((id_a, id_b)))))
    return _Content(region, rs, by_route, highlight, draw)


def _sub_line(route: Route, from_km: float, to_km: float) -> Any:
    """The part of a route between two chainages, as a LineString in lon/lat."""
    vk = route.vertex_km
    inner = (vk > from_km) & (vk < to_km)
    ends = route.points_at_km(np.array([from_km, to_km]))
    xy = np.vstack([ends[:1], route.coords[inner], ends[1:]])
    return shapely.LineString(xy)


def _band(
    content: _Content, band_km: float, band_border: Sequence[str] | None
) -> tuple[str, Any, list[tuple[Route, Any, float]]]:
    """(label, band polygon lon/lat, [(route, inside lines lon/lat, km inside)])."""
    from .measure import _engine, _within_band

    eng = _engine(content.region)
    if band_border is None and content.highlight:
        band_border = content.highlight[0]
    key = tuple(band_border) if band_border is not None else None
    label, _ = eng.border_local(key)
    buf = eng.border_buffer(band_km, key)
    poly = eng.to_ll(shapely.simplify(buf, 100.0))
    # the measurement layer cuts the routes, so the map shows what km_near_border counts
    lines = np.array([r.geometry for r in content.routes], dtype=object)
    cut: np.ndarray | list[Any]
    km: np.ndarray | list[float]
    cut, km = _within_band(eng, lines, band_km, key) if len(lines) else ([], [])
    inside = [(r, g, float(k)) for r, g, k in zip(content.routes, cut, km) if not g.is_empty]
    return label, poly, inside


# ---------------------------------------------------------------------------
# folium helpers


def _geojson_lines(geom: Any, *, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    return shapely.geometry.mapping(_round(geom, decimals))


def _latlon(geom: Any, decimals: int = 5) -> list[list[list[float]]]:
    """Line parts as [[lat, lon], ...] lists, rounded."""
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "LineString" or part.is_empty:
            continue
        xy = np.round(shapely.get_coordinates(part), decimals)
        out.append([[float(y), float(x)] for x, y in xy])
    return out


_CSS = """
<style>
.leaflet-container.folium-map,.leaflet-container{background:%(sea)s!important;
 font-family:"Helvetica Neue",Helvetica,Arial,sans-serif}
.corridor-label{position:absolute;transform:translate(-50%%,-50%%);white-space:nowrap;
 pointer-events:none;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.corridor-label.country{font-size:13px;letter-spacing:.14em;text-transform:uppercase;
 color:#555;font-weight:600}
.corridor-label.exclave{font-size:12px;font-style:italic;color:#333;font-weight:600}
.corridor-label.minor{font-size:10px;font-weight:400}
.corridor-label.stop{font-size:11px;color:#111;transform:translate(6px,-50%%)}
.corridor-zoom-low .corridor-label.minor{display:none}
.corridor-zoom-low .corridor-label.stop.far{display:none}
.corridor-cross{width:10px;height:10px;background:#fff;border:2px solid #111;
 transform:rotate(45deg);box-sizing:border-box}
.corridor-legend{background:rgba(255,255,255,.93);padding:8px 10px;border-radius:3px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:12px;line-height:1.45;max-width:300px;color:#222}
.corridor-legend h4{margin:0 0 4px;font-size:13px}
.corridor-legend .row{display:flex;align-items:center;gap:6px}
.corridor-legend svg{flex:none}
.corridor-legend .sub{color:#666;font-size:11px}
.corridor-title{background:rgba(255,255,255,.93);padding:6px 10px;border-radius:3px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:15px;font-weight:700;color:#111;max-width:420px}
</style>
"""


def _legend_symbol(kind: str, color: str, *, dash: str | None = None) -> str:
    if kind == "line":
        d = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            '<svg width="30" height="10"><line x1="1" y1="5" x2="29" y2="5" stroke="#fff" '
            f'stroke-width="6"/><line x1="1" y1="5" x2="29" y2="5" stroke="{color}" '
            f'stroke-width="3.5"{d}/></svg>'
        )
    if kind == "border":
        return (
            f'<svg width="30" height="10"><line x1="1" y1="5" x2="29" y2="5" stroke="{color}" '
            f'stroke-width="{2.5 if color == HIGHLIGHT_COLOR else 1.2}"/></svg>'
        )
    if kind == "stop":
        return (
            '<svg width="30" height="10"><circle cx="15" cy="5" r="3.5" fill="#fff" '
            f'stroke="{color}" stroke-width="2"/></svg>'
        )
    if kind == "cross":
        return (
            '<svg width="30" height="12"><rect x="11" y="2" width="8" height="8" fill="#fff" '
            'stroke="#111" stroke-width="2" transform="rotate(45 15 6)"/></svg>'
        )
    if kind == "band":
        return (
            f'<svg width="30" height="12"><rect x="1" y="1" width="28" height="10" fill="{color}" '
            f'fill-opacity="0.35" stroke="{color}"/></svg>'
        )
    return ""


def _legend_row(symbol: str, text: str, sub: str = "") -> str:
    s = f' <span class="sub">{sub}</span>' if sub else ""
    return f'<div class="row">{symbol}<span>{text}{s}</span></div>'


def _control_element(js_body: str) -> Any:
    """A folium element running ``js_body`` with ``map`` bound to the parent map."""
    from branca.element import MacroElement
    from jinja2 import Template

    class _Script(MacroElement):  # type: ignore[misc]
        _template = Template(
            "{% macro script(this, kwargs) %}(function(map){ {{ this.js }} })"
            "({{ this._parent.get_name() }});{% endmacro %}"
        )

        def __init__(self, js: str) -> None:
            super().__init__()
            self._name = "CorridorScript"
            self.js = js

    return _Script(js_body)


def make_map(
    region: Region | None = None,
    *,
    routes: Route | Iterable[Route] = (),
    analyses: RouteAnalysis | Iterable[RouteAnalysis] = (),
    borders: str | Sequence[Sequence[str]] | None = "all",
    band_km: float | None = None,
    band_border: Sequence[str] | None = None,
    color_by: str = "route",
    colors: Sequence[str] | None = None,
    crossings: bool = True,
    stops: bool = True,
    labels: bool = True,
    title: str | None = None,
    tiles: str | None = None,
    attribution: str = "",
    tolerance_deg: float = DISPLAY_TOLERANCE_DEG,
    width: str | int = "100%",
    height: str | int = "100%",
) -> folium.Map:
    """An interactive map of a region, routes, crossings and border proximity.

    Parameters
    ----------
    region : Region, optional
        The base map.  Default: the analyses' region, else the built-in South
        Caucasus region.
    routes : Route or iterable of Route
        Routes to draw, each in its own colour, with stops as markers.
    analyses : RouteAnalysis or iterable of RouteAnalysis
        Analysed routes: drawn like ``routes``, with their crossings.
    borders : 'all', None or list of pairs, default 'all'
        ``'all'`` draws every international border (tooltip: its geodesic
        length in km); a list such as ``[('ARM', 'IRN')]`` also highlights
        those borders with their length in the legend; ``None`` draws none.
    band_km : float, optional
        Draw a band of this many km on each side of ``band_border`` and the
        parts of each route inside it (with their length in km).
    band_border : (a, b), optional
        Border of the band; default the first highlighted border, else every
        international border.
    color_by : {'route', 'territory'}, default 'route'
        Colour each route by itself, or each section by its territory.
    colors : sequence of str, optional
        Route colours (default :data:`ROUTE_COLORS`).
    crossings : bool, default True
        Mark international border crossings (routes without an analysis are
        analysed over ``region``).  Tooltip: km, from → to, border pair.
    stops, labels : bool, default True
        Draw stop markers (and names); label countries and named exclaves.
    title : str, optional
        A title box in the top-left corner.
    tiles : str, optional
        A folium tile layer name or URL template (for example
        ``'OpenStreetMap'``).  Default: none; the country polygons are the base
        map, so the map works offline.  Tiles need the network when viewed.
    attribution : str
        Credit for your data, shown after the region's attribution.
    tolerance_deg : float, default :data:`DISPLAY_TOLERANCE_DEG`
        Display simplification of the boundaries (degrees; topology preserving).
    width, height : str or int
        Size of the map element.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import corridor
    >>> from corridor.maps import make_map
    >>> m = make_map(borders=[("ARM", "IRN")])
    >>> type(m).__name__
    'Map'
    """
    try:
        import folium
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("Interactive maps need folium: `pip install folium`.") from exc

    if color_by not in ("route", "territory"):
        raise ParameterError(f"`color_by` must be 'route' or 'territory', got {color_by!r}.")
    if band_km is not None and not band_km > 0:
        raise ParameterError(f"`band_km` must be > 0 km, got {band_km!r}.")
    content = _collect(region, routes, analyses, borders, crossings)
    reg = content.region
    assert reg is not None
    palette = list(colors) if colors else list(ROUTE_COLORS)
    disp = display_layers(reg, tolerance_deg=tolerance_deg)

    m = folium.Map(
        location=None,
        tiles=None,
        width=width,
        height=height,
        control_scale=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # branca's Element.get_root() is typed as Element; on a Map it is the Figure
    cast("folium.Figure", m.get_root()).header.add_child(folium.Element(_CSS % {"sea": SEA_COLOR}))
    if tiles:
        folium.TileLayer(tiles, name="Tiles", overlay=False, control=True).add_to(m)

    legend: list[str] = []
    # ---- countries
    fg = folium.FeatureGroup(name="Countries", control=True)
    iso_index = {iso: k for k, (iso, _, _) in enumerate(disp.countries)}
    for k, (iso, name, geom) in enumerate(disp.countries):
        fill = territory_fill(iso, k)
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": _geojson_lines(geom)},
            style_function=lambda _f, fill=fill: {
                "fillColor": fill,
                "fillOpacity": 1.0,
                "stroke": False,
            },
            highlight_function=None,
            smooth_factor=0.5,
            tooltip=folium.Tooltip(escape_text(name), sticky=True),
            name=escape_text(name),
        ).add_to(fg)
    fg.add_to(m)

    # ---- borders
    if content.draw_borders and disp.borders:
        fb = folium.FeatureGroup(name="Borders")
        names = {iso: n for iso, n, _ in disp.countries}
        for a, b, length, lines in disp.borders:
            hl = (a, b) in content.highlight
            tip = (
                f"<b>{escape_text(names.get(a, a))} – {escape_text(names.get(b, b))}</b><br>{length:,.1f} km (geodesic)"
            )
            for coords in _latlon(lines, COORD_DECIMALS):
                folium.PolyLine(
                    coords,
                    color=HIGHLIGHT_COLOR if hl else BORDER_COLOR,
                    weight=3.0 if hl else 1.3,
                    opacity=0.95,
                    dash_array=None if hl else "6 3",
                    tooltip=folium.Tooltip(tip, sticky=True),
                    class_name="corridor-border" + (" corridor-border-highlight" if hl else ""),
                ).add_to(fb)
        fb.add_to(m)
        legend.append(_legend_row(_legend_symbol("border", BORDER_COLOR), "International border"))
        for a, b in content.highlight:
            hit = [x for x in disp.borders if (x[0], x[1]) == (a, b)]
            length = hit[0][2] if hit else reg.border_length_km(a, b)
            legend.append(
                _legend_row(
                    _legend_symbol("border", HIGHLIGHT_COLOR),
                    f"{escape_text(names.get(a, a))} – {escape_text(names.get(b, b))} border",
                    f"{length:,.1f} km",
                )
            )

    # ---- proximity band
    band_inside: dict[int, tuple[Any, float]] = {}
    if band_km is not None:
        label, poly, inside = _band(content, float(band_km), band_border)
        fband = folium.FeatureGroup(name=escape_text(f"Within {band_km:g} km of border"))
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": _geojson_lines(poly)},
            style_function=lambda _f: {
                "fillColor": BAND_COLOR,
                "fillOpacity": 0.28,
                "color": BAND_COLOR,
                "weight": 0.8,
            },
            tooltip=folium.Tooltip(escape_text(f"Within {band_km:g} km of the {label} border"), sticky=True),
        ).add_to(fband)
        for r, lines, km in inside:
            band_inside[id(r)] = (lines, km)
        fband.add_to(m)
        what = "border" if label == "international" else f"{label} border"
        legend.append(_legend_row(_legend_symbol("band", BAND_COLOR), escape_text(f"Within {band_km:g} km of {what}")))

    # ---- routes
    stop_seen: set[tuple[str, float, float]] = set()
    label_fg = folium.FeatureGroup(name="Labels", control=True) if labels else None
    for k, r in enumerate(content.routes):
        color = palette[k % len(palette)]
        dash = "9 6" if r.status in _PLANNED else None
        an = content.analyses.get(id(r))
        # routes that share track stay visible: earlier ones are drawn wider, underneath
        line_w = 3.5 + 3 * (len(content.routes) - 1 - k)
        group = folium.FeatureGroup(name=escape_text(r.name))
        tip = f"<b>{escape_text(r.name)}</b><br>{r.length_km:,.1f} km, {escape_text(r.mode)}, {escape_text(r.status)}"
        if r.source:
            tip += f"<br><i>Source: {escape_text(r.source)}</i>"
        geom = shapely.simplify(r.geometry, ROUTE_TOLERANCE_DEG)
        if id(r) in band_inside:
            lines, km = band_inside[id(r)]
            for coords in _latlon(lines):
                folium.PolyLine(
                    coords,
                    color=BAND_COLOR,
                    weight=13,
                    opacity=0.75,
                    tooltip=folium.Tooltip(
                        f"<b>{escape_text(r.name)}</b><br>{km:,.1f} km within {band_km:g} km of the border",
                        sticky=True,
                    ),
                    class_name="corridor-band-route",
                ).add_to(group)
        for coords in _latlon(geom):
            folium.PolyLine(coords, color="#ffffff", weight=line_w + 1.5, opacity=0.9, interactive=False).add_to(group)
        # (line, colour, tooltip): the whole route, or one piece per territory section
        pieces: list[tuple[Any, str, str]] = [(geom, color, tip)]
        if color_by == "territory" and an is not None:
            pieces = [
                (
                    shapely.simplify(_sub_line(r, row.from_km, row.to_km), ROUTE_TOLERANCE_DEG),
                    territory_color(str(row.iso3), iso_index.get(str(row.iso3), 0)),
                    tip + f"<br>{escape_text(row.part_id)}: km {row.from_km:,.1f}–{row.to_km:,.1f} "
                    f"({row.length_km:,.1f} km)",
                )
                for row in an.sections.itertuples()
                if row.to_km > row.from_km
            ]
        for piece, c, ptip in pieces:
            for coords in _latlon(piece):
                folium.PolyLine(
                    coords,
                    color=c,
                    weight=line_w,
                    opacity=1,
                    dash_array=dash,
                    tooltip=folium.Tooltip(ptip, sticky=True),
                    class_name="corridor-route",
                ).add_to(group)
        sub = f"{r.length_km:,.0f} km" + (f", {escape_text(r.status)}" if dash else "")
        legend.append(
            _legend_row(
                _legend_symbol("line", color if color_by == "route" else "#444", dash=dash),
                escape_text(r.name),
                sub,
            )
        )
        if stops:
            for s in r.stops:
                folium.CircleMarker(
                    (round(s.lat, 5), round(s.lon, 5)),
                    radius=4,
                    color=color if color_by == "route" else "#222",
                    weight=2,
                    fill=True,
                    fill_color="#ffffff",
                    fill_opacity=1,
                    tooltip=folium.Tooltip(
                        f"<b>{escape_text(s.name)}</b><br>{escape_text(r.name)}: km {s.km:,.1f}",
                    ),
                    class_name="corridor-stop",
                ).add_to(group)
                key = (s.name, round(s.lon, 3), round(s.lat, 3))
                if label_fg is not None and key not in stop_seen:
                    stop_seen.add(key)
                    folium.Marker(
                        (round(s.lat, 5), round(s.lon, 5)),
                        icon=folium.DivIcon(
                            html=f'<div class="corridor-label stop">{escape_text(s.name)}</div>',
                            icon_size=(0, 0),
                        ),
                        interactive=False,
                    ).add_to(label_fg)
        if crossings and an is not None and len(an.crossings):
            names = {iso: n for iso, n, _ in disp.countries}
            for cx in an.crossings.itertuples():
                pt = cx.geometry
                ctip = (
                    f"<b>Border crossing</b> at km {cx.km:,.1f}<br>"
                    f"{escape_text(names.get(cx.from_iso3, cx.from_iso3))} → "
                    f"{escape_text(names.get(cx.to_iso3, cx.to_iso3))}<br>"
                    f"Border {escape_text(cx.border)}<br><i>{escape_text(r.name)}</i>"
                )
                folium.Marker(
                    (round(pt.y, 5), round(pt.x, 5)),
                    icon=folium.DivIcon(
                        html='<div class="corridor-cross"></div>',
                        icon_size=(10, 10),
                        icon_anchor=(5, 5),
                        class_name="corridor-cross-icon",
                    ),
                    tooltip=folium.Tooltip(ctip),
                ).add_to(group)
        group.add_to(m)
    if content.routes and stops:
        legend.append(_legend_row(_legend_symbol("stop", "#444"), "Stop"))
    if crossings and any(len(a.crossings) for a in content.analyses.values()):
        legend.append(_legend_row(_legend_symbol("cross", "#111"), "Border crossing"))
    if color_by == "territory":
        present = sorted({str(x) for a in content.analyses.values() for x in a.sections["iso3"]})
        names = {iso: n for iso, n, _ in disp.countries}
        for iso in present:
            c = territory_color(iso, iso_index.get(iso, 0))
            legend.append(_legend_row(_legend_symbol("line", c), f"in {escape_text(names.get(iso, iso))}"))

    # ---- labels
    if label_fg is not None:
        for text, lon, lat, kind in disp.labels:
            cls = "country" if kind == "country" else "exclave"
            if kind == "exclave":
                g = reg.geometry_of(text) if _safe_resolve(reg, text) else None
                if g is not None and shapely.area(g) < 0.05:
                    cls += " minor"
            folium.Marker(
                (round(lat, 4), round(lon, 4)),
                icon=folium.DivIcon(
                    html=f'<div class="corridor-label {cls}">{escape_text(text)}</div>',
                    icon_size=(0, 0),
                ),
                interactive=False,
            ).add_to(label_fg)
        label_fg.add_to(m)

    folium.LayerControl(collapsed=True, position="topright").add_to(m)

    # ---- legend, scale bar, attribution, title, zoom-dependent labels
    if legend:
        body = '<div class="corridor-legend"><h4>Legend</h4>' + "".join(legend) + "</div>"
        m.add_child(
            _control_element(
                "var c=L.control({position:'bottomright'});c.onAdd=function(){"
                "var d=L.DomUtil.create('div','corridor-legend-box');d.innerHTML="
                + _js_string(body)
                + ";L.DomEvent.disableClickPropagation(d);return d;};c.addTo(map);"
            )
        )
    if title:
        tbody = f'<div class="corridor-title">{escape_text(title)}</div>'
        m.add_child(
            _control_element(
                "var c=L.control({position:'topleft'});c.onAdd=function(){"
                "var d=L.DomUtil.create('div','corridor-title-box');d.innerHTML="
                + _js_string(tbody)
                + ";return d;};c.addTo(map);"
            )
        )
    m.add_child(
        _control_element("L.control.scale({position:'bottomleft',metric:true,imperial:false,maxWidth:160}).addTo(map);")
    )
    # data credits only; each route's own source is in its tooltip
    credits = [c for c in (reg.attribution, attribution) if c]
    m.add_child(
        _control_element(
            "map.attributionControl.setPrefix('Leaflet');"
            + "".join(f"map.attributionControl.addAttribution({_js_string(escape_text(c))});" for c in credits)
            + "function z(){var e=map.getContainer();"
            "if(map.getZoom()<9){e.classList.add('corridor-zoom-low');}"
            "else{e.classList.remove('corridor-zoom-low');}}"
            "map.on('zoomend',z);map.whenReady(z);"
        )
    )

    # ---- fit to content
    if content.routes:
        bnds = np.array([r.geometry.bounds for r in content.routes])
        minx, miny = bnds[:, 0].min(), bnds[:, 1].min()
        maxx, maxy = bnds[:, 2].max(), bnds[:, 3].max()
        padx, pady = max((maxx - minx) * 0.15, 0.1), max((maxy - miny) * 0.15, 0.1)
        bounds = [[miny - pady, minx - padx], [maxy + pady, maxx + padx]]
    else:
        minx, miny, maxx, maxy = reg.countries.total_bounds
        bounds = [[miny, minx], [maxy, maxx]]
    m.fit_bounds([[float(v) for v in p] for p in bounds])
    return m


def _safe_resolve(region: Region, name: str) -> bool:
    try:
        region.resolve(name)
    except KeyError:
        return False
    return True


def save_map(m: folium.Map, path: str | os.PathLike[str], *, offline: bool = True) -> Path:
    """Write a map as one HTML file, atomically.

    Parameters
    ----------
    m : folium.Map
        A map, for example from :func:`make_map`.
    path : path-like
        Output ``.html`` file; its folder must exist.
    offline : bool, default True
        Inline Leaflet's JavaScript and CSS (from the installed xstatic-leaflet
        package) and drop folium's unused CDN resources, so the file opens
        with no network request.  A plugin that must load remote code raises
        :class:`corridor._offline.RemoteResourceError`.  With ``False`` the
        file links Leaflet from its CDN (smaller, needs the internet).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputPathError
        The folder of ``path`` does not exist, or ``path`` is a folder.
    """
    import folium

    from ._offline import inline_assets

    p = _check_output_path(path, (".html", ".htm"))
    if offline:
        tiles = [c for c in m._children.values() if isinstance(c, folium.raster_layers.TileLayer)]
        if tiles:
            msg = (
                "The map has an online tile layer, so the saved file would fetch tiles when opened. "
                "Make the map with `tiles=None` (the country polygons are the base map), or save "
                "it with `offline=False`."
            )
            raise ParameterError(msg)
    page = m.get_root().render()
    if offline:
        page = inline_assets(page)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(page)
            fh.flush()
            os.fsync(fh.fileno())

    return _atomic_write(p, write)
