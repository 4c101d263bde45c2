"""Interactive maps (folium/Leaflet), shareable as one offline HTML file.

:func:`make_map` renders the display model (:mod:`corridor._display`: the
region's countries, exclaves and borders, routes, their stops, border
crossings and an optional border-proximity band) on a :class:`folium.Map`;
:func:`save_map` writes it as a single self-contained HTML file that makes
no network request when opened; :func:`compare_map` puts scenarios on one map.

Displayed coordinates are rounded to :data:`COORD_DECIMALS` = 4 decimals
(about 10 m) and boundaries simplified for display (see
:data:`DISPLAY_TOLERANCE_DEG`); every figure shown comes from the
full-resolution data and analysis.  Every user-supplied string (route, stop
and place names, sources, titles, attribution) is escaped before it reaches
HTML or JavaScript, and colours are validated.

folium is imported inside the functions, so ``import corridor`` does not
import it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely

from ._compat import keyword_only_after
from ._display import (
    BAND_COLOR,
    BORDER_COLOR,
    DISPLAY_TOLERANCE_DEG,
    HIGHLIGHT_COLOR,
    REGIME_BORDER_COLORS,
    ROUTE_COLORS,
    SEA_COLOR,
    STATUS_COLORS,
    WATER_COLORS,
    Display,
    LegendEntry,
    RouteLayer,
    build_display,
    display_layers,
)
from ._escape import escape_text, js_string
from ._files import atomic_write, check_output_path
from .errors import ParameterError, ParameterTypeError, RemoteResourceError

if TYPE_CHECKING:
    import folium

    from .measure import RouteAnalysis
    from .region import Region
    from .route import Route

__all__ = [
    "COORD_DECIMALS",
    "DISPLAY_TOLERANCE_DEG",
    "ROUTE_COLORS",
    "compare_map",
    "display_layers",
    "escape_text",
    "make_map",
    "offline_repr_html",
    "save_map",
]

#: Decimals kept in displayed coordinates (4 decimals ≈ 10 m).
COORD_DECIMALS = 4


def _import_folium() -> Any:
    try:
        import folium
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("Interactive maps need folium: `pip install folium`.") from exc
    return folium


def _round(geom: Any, decimals: int = COORD_DECIMALS) -> Any:
    return shapely.set_precision(geom, 10.0**-decimals, mode="pointwise")


def _geojson(geom: Any, *, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    return {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(_round(geom, decimals))}


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
.corridor-label.place{font-size:11px;color:#444;font-style:italic;transform:translate(5px,-50%%)}
.corridor-zoom-low .corridor-label.minor{display:none}
.corridor-zoom-mid .corridor-label.place{display:none}
.corridor-zoom-low .corridor-label.stop.far{display:none}
.corridor-cross{width:10px;height:10px;background:#fff;border:2px solid #111;
 transform:rotate(45deg);box-sizing:border-box}
.corridor-point{width:9px;height:9px;border:1.5px solid #fff;box-sizing:border-box;
 box-shadow:0 0 0 1px rgba(0,0,0,.55)}
.corridor-point.used{width:12px;height:12px;border-width:2px}
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
    if kind == "point":
        return (
            f'<svg width="30" height="12"><rect x="10" y="1" width="10" height="10" fill="{color}" '
            'stroke="#fff" stroke-width="1.5"/></svg>'
        )
    if kind == "regime":
        return (
            f'<svg width="30" height="10"><line x1="1" y1="5" x2="29" y2="5" stroke="{color}" stroke-width="3"/></svg>'
        )
    return ""


def _legend_row(e: LegendEntry) -> str:
    kind = {"highlight": "border"}.get(e.kind, e.kind)
    symbol = _legend_symbol(kind, e.color, dash="9 6" if e.dashed else None)
    sub = f' <span class="sub">{escape_text(e.sub)}</span>' if e.sub else ""
    return f'<div class="row">{symbol}<span>{escape_text(e.text)}{sub}</span></div>'


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


@keyword_only_after(0, "region")
def make_map(
    *,
    region: Region | None = None,
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
    crossing_points: bool | str = True,
    border_style: str = "plain",
    policy: Any = None,
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
        Route colours as ``#rrggbb`` or CSS names (default :data:`ROUTE_COLORS`).
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
    crossing_points : bool or "used", default True
        Draw the official crossing points in view as squares coloured by status
        (open, restricted, closed, planned, unknown; tooltip: names, modes, status,
        since when, source), or only those the routes use (``"used"``), or none.
    border_style : {"plain", "regime"}, default "plain"
        ``"regime"`` colours each border by institution: red where no crossing point
        is open, blue under a current monitoring mission; its tooltip lists who
        guards it under what arrangement since when (:func:`corridor.border_regimes`).
    policy : CrossingPolicy, optional
        Statuses at a date, with a scenario's openings and closures (default: the
        analyses' own policy, else the data as recorded).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = make_map(borders=[("ARM", "IRN")])
    >>> type(m).__name__
    'Map'
    >>> make_map(color_by="country")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `color_by` must be one of 'route', 'territory'; got 'country'.
    """
    tiles, width, height = _checked_page_values(tiles, attribution, width, height)
    # every other parameter is the display model's, under the same name
    d = build_display(**{k: v for k, v in locals().items() if k not in ("tiles", "width", "height")})
    folium = _import_folium()
    return _render(folium, d, tiles=tiles, width=width, height=height, tiles_attribution=attribution)


_TILE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 ._-]{0,63}$")
_TILE_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&()*+,;=%{}-]+$")
_CSS_SIZE = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|vw|em|rem)$")


def _checked_page_values(
    tiles: Any, attribution: Any, width: Any, height: Any
) -> tuple[str | None, str | int, str | int]:
    """Refuse tile names, URLs and sizes that would inject markup or script into the page.

    A tile layer is a provider name (``'OpenStreetMap'``, ``'CartoDB positron'``) or an
    ``http(s)`` URL template with ``{z}``, ``{x}``, ``{y}`` and an ``attribution``; sizes
    are an int (pixels) or a CSS length such as ``'100%'`` or ``'600px'``.
    """
    if tiles is not None:
        if not isinstance(tiles, str):
            raise ParameterTypeError(f"`tiles` must be a provider name or URL template, got {type(tiles).__name__}.")
        is_url = tiles.startswith(("http://", "https://"))
        if not (_TILE_URL.match(tiles) if is_url else _TILE_NAME.match(tiles)):
            msg = (
                f"`tiles`={tiles[:80]!r} is neither a tile provider name (such as 'OpenStreetMap' or "
                "'CartoDB positron') nor an http(s) URL template such as "
                "'https://tile.example.org/{z}/{x}/{y}.png'."
            )
            raise ParameterError(msg)
        if is_url and not all(k in tiles for k in ("{z}", "{x}", "{y}")):
            raise ParameterError(f"The tile URL template {tiles[:80]!r} needs {{z}}, {{x}} and {{y}}.")
        if is_url and not (isinstance(attribution, str) and attribution.strip()):
            raise ParameterError("A tile URL template needs `attribution=` naming the tiles' source and licence.")
    sizes = []
    for name, v in (("width", width), ("height", height)):
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            raise ParameterTypeError(f"`{name}` must be an int (pixels) or a CSS length such as '100%', got {v!r}.")
        if isinstance(v, int) and not 0 < v <= 100_000 or isinstance(v, str) and not _CSS_SIZE.match(v):
            raise ParameterError(
                f"`{name}` must be a positive size in pixels or a CSS length such as '100%' or '600px'; got {v!r}."
            )
        sizes.append(v)
    return tiles, sizes[0], sizes[1]


def _render(
    folium: Any,
    d: Display,
    *,
    tiles: str | None,
    width: str | int,
    height: str | int,
    tiles_attribution: str = "",
) -> folium.Map:
    """The folium map of a display model."""
    m = folium.Map(
        location=None, tiles=None, width=width, height=height, control_scale=False, zoom_snap=0.25, zoom_delta=0.5
    )
    # branca's Element.get_root() is typed as Element; on a Map it is the Figure
    cast("folium.Figure", m.get_root()).header.add_child(folium.Element(_CSS % {"sea": SEA_COLOR}))
    if tiles:
        attr = escape_text(tiles_attribution) if tiles.startswith(("http://", "https://")) else None
        folium.TileLayer(tiles, name="Tiles", overlay=False, control=True, attr=attr).add_to(m)
    _draw_territories(folium, m, d)
    _draw_borders(folium, m, d)
    _draw_band(folium, m, d)
    for rl in d.routes:
        _draw_route(folium, m, d, rl)
    _draw_points(folium, m, d)
    _draw_labels(folium, m, d)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    if not tiles:
        # in Jupyter the map shows offline too: Leaflet inlined as save_map does
        m._repr_html_ = functools.partial(offline_repr_html, m)
    _draw_controls(m, d)
    minx, miny, maxx, maxy = d.extent
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def offline_repr_html(m: Any, **kwargs: Any) -> str:
    """A map as Jupyter shows it (an ``<iframe srcdoc>``), with Leaflet inlined: no network request.

    :func:`make_map` binds it as the map's ``_repr_html_``, so ``Route.explore()``,
    ``RouteAnalysis.explore()`` and ``Region.explore()`` display offline in a notebook and
    in its HTML export.  A map that loads other remote code falls back to folium's own
    (online) display.

    Parameters
    ----------
    m : folium.Map
    **kwargs
        Passed to the page's ``render``.

    Returns
    -------
    str
        HTML for a notebook cell.

    Examples
    --------
    >>> html = offline_repr_html(make_map())
    >>> "<iframe srcdoc=" in html, "unpkg.com" in html
    (True, False)
    """
    from html import escape

    from ._offline import inline_assets

    root = m.get_root()
    try:
        page = inline_assets(root.render(**kwargs))
    except RemoteResourceError:
        return str(type(m)._repr_html_(m, **kwargs))
    width = getattr(root, "width", "100%")
    ratio = getattr(root, "ratio", "60%")
    return (
        f'<div style="width:{width};"><div style="position:relative;width:100%;height:0;padding-bottom:{ratio};">'
        f'<iframe srcdoc="{escape(page)}" style="position:absolute;width:100%;height:100%;left:0;top:0;'
        'border:none !important;" allowfullscreen webkitallowfullscreen mozallowfullscreen></iframe></div></div>'
    )


def _draw_territories(folium: Any, m: Any, d: Display) -> None:
    fg = folium.FeatureGroup(name="Countries", control=True)
    for t in d.territories:
        folium.GeoJson(
            _geojson(t.geometry),
            style_function=lambda _f, fill=t.fill: {"fillColor": fill, "fillOpacity": 1.0, "stroke": False},
            highlight_function=None,
            smooth_factor=0.5,
            tooltip=folium.Tooltip(escape_text(t.name), sticky=True),
            name=escape_text(t.name),
        ).add_to(fg)
    for surface, g in d.water:
        folium.GeoJson(
            _geojson(g),
            style_function=lambda _f, c=WATER_COLORS[surface]: {"fillColor": c, "fillOpacity": 1.0, "stroke": False},
            highlight_function=None,
            smooth_factor=0.5,
            interactive=False,
            name=surface,
        ).add_to(fg)
    fg.add_to(m)


def _draw_borders(folium: Any, m: Any, d: Display) -> None:
    if not d.borders:
        return
    fb = folium.FeatureGroup(name="Borders")
    for bl in d.borders:
        tip = f"<b>{escape_text(bl.name_a)} – {escape_text(bl.name_b)}</b><br>{bl.length_km:,.1f} km (geodesic)"
        if bl.regimes:
            tip += "".join(f"<br>{escape_text(r)}" for r in bl.regimes)
        color, weight, dash = (HIGHLIGHT_COLOR, 3.0, None) if bl.highlighted else (BORDER_COLOR, 1.3, "6 3")
        if bl.style in REGIME_BORDER_COLORS and not bl.highlighted:
            color, weight, dash = REGIME_BORDER_COLORS[bl.style], 2.6, None
        for coords in _latlon(bl.lines, COORD_DECIMALS):
            folium.PolyLine(
                coords,
                color=color,
                weight=weight,
                opacity=0.95,
                dash_array=dash,
                tooltip=folium.Tooltip(tip, sticky=True),
                class_name="corridor-border" + (" corridor-border-highlight" if bl.highlighted else ""),
            ).add_to(fb)
    fb.add_to(m)


def _draw_band(folium: Any, m: Any, d: Display) -> None:
    if d.band is None:
        return
    b = d.band
    fband = folium.FeatureGroup(name=escape_text(f"Within {b.within_km:g} km of border"))
    folium.GeoJson(
        _geojson(b.polygon),
        style_function=lambda _f: {"fillColor": BAND_COLOR, "fillOpacity": 0.28, "color": BAND_COLOR, "weight": 0.8},
        tooltip=folium.Tooltip(escape_text(f"Within {b.within_km:g} km of the {b.what}"), sticky=True),
    ).add_to(fband)
    fband.add_to(m)


def _draw_route(folium: Any, m: Any, d: Display, rl: RouteLayer) -> None:
    r = rl.route
    # routes that share track stay visible: earlier ones are drawn wider, underneath
    line_w = 3.0 + 4 * (rl.n_routes - 1 - rl.rank)
    group = folium.FeatureGroup(name=escape_text(r.name))
    tip = f"<b>{escape_text(r.name)}</b><br>{r.length_km:,.1f} km, {escape_text(r.mode)}, {escape_text(r.status)}"
    if r.source:
        tip += f"<br><i>Source: {escape_text(r.source)}</i>"
    if rl.band_lines is not None and d.band is not None:
        band_tip = f"<b>{escape_text(r.name)}</b><br>{rl.band_km:,.1f} km within {d.band.within_km:g} km of the border"
        for coords in _latlon(rl.band_lines):
            folium.PolyLine(
                coords,
                color=BAND_COLOR,
                weight=13,
                opacity=0.75,
                tooltip=folium.Tooltip(band_tip, sticky=True),
                class_name="corridor-band-route",
            ).add_to(group)
    for coords in _latlon(rl.geometry):
        folium.PolyLine(coords, color="#ffffff", weight=line_w + 1.0, opacity=0.9, interactive=False).add_to(group)
    for piece in rl.pieces:
        ptip = tip + (f"<br>{escape_text(piece.detail)}" if piece.detail else "")
        for coords in _latlon(piece.geometry):
            folium.PolyLine(
                coords,
                color=piece.color,
                weight=line_w,
                opacity=1,
                dash_array="9 6" if rl.dashed else None,
                tooltip=folium.Tooltip(ptip, sticky=True),
                class_name="corridor-route",
            ).add_to(group)
    if d.show_stops:
        stop_color = rl.color if d.color_by == "route" else "#222"
        for name, lon, lat, km in rl.stops:
            folium.CircleMarker(
                (round(lat, 5), round(lon, 5)),
                radius=4,
                color=stop_color,
                weight=2,
                fill=True,
                fill_color="#ffffff",
                fill_opacity=1,
                tooltip=folium.Tooltip(f"<b>{escape_text(name)}</b><br>{escape_text(r.name)}: km {km:,.1f}"),
                class_name="corridor-stop",
            ).add_to(group)
    for cx in rl.crossings:
        ctip = (
            f"<b>Border crossing</b> at km {cx.km:,.1f}<br>"
            f"{escape_text(cx.from_name)} → {escape_text(cx.to_name)}<br>"
            f"Border {escape_text(cx.border)}<br>"
            + (
                f"Crossing point: {escape_text(cx.crossing_point or 'none within 25 km')} "
                f"({escape_text(cx.crossing_status)})<br>"
                if cx.crossing_status
                else ""
            )
            + f"<i>{escape_text(r.name)}</i>"
        )
        folium.Marker(
            (round(cx.lat, 5), round(cx.lon, 5)),
            icon=folium.DivIcon(
                html='<div class="corridor-cross"></div>',
                icon_size=(10, 10),
                icon_anchor=(5, 5),
                class_name="corridor-cross-icon",
            ),
            tooltip=folium.Tooltip(ctip),
        ).add_to(group)
    group.add_to(m)


def _draw_points(folium: Any, m: Any, d: Display) -> None:
    """Official crossing points as squares coloured by status, with their facts in the tooltip.

    The markers are made in the page from one JSON payload (one element instead of three per
    point: a page with dozens of points renders and saves several times faster).
    """
    if not d.points:
        return
    fg = folium.FeatureGroup(name="Crossing points", control=True).add_to(m)
    rows = []
    for p in d.points:
        tip = (
            f"<b>{escape_text(p.name)}</b><br>{escape_text(p.kind)}: {escape_text(p.modes.replace('|', ', '))}<br>"
            f"Status: <b>{escape_text(p.status)}</b>"
            + (f" since {escape_text(p.since)}" if p.since else "")
            + f"<br><i>Source: {escape_text(p.source[:300])}</i>"
        )
        color = STATUS_COLORS.get(p.status, "#999999")
        rows.append([round(p.lat, 5), round(p.lon, 5), 12 if p.used else 9, color, int(p.used), tip])
    js = (
        "var g=" + fg.get_name() + ";JSON.parse(" + js_string(json.dumps(rows)) + ").forEach(function(r){"
        "var h='<div class=\"corridor-point'+(r[4]?' used':'')+'\" style=\"background:'+r[3]+'\"></div>';"
        "L.marker([r[0],r[1]],{icon:L.divIcon({html:h,iconSize:[r[2],r[2]],iconAnchor:[r[2]/2,r[2]/2],"
        "className:'corridor-point-icon'})}).bindTooltip(r[5],{maxWidth:360}).addTo(g);});"
    )
    m.add_child(_control_element(js))


def _draw_labels(folium: Any, m: Any, d: Display) -> None:
    """Labels: countries at the centre of their visible part (placed in the page), the others fixed.

    A declutter pass in the page hides a label that would overlap one of higher rank.  The
    markers are made in the page from one JSON payload (text escaped here).
    """
    if not d.show_labels:
        return
    fg = folium.FeatureGroup(name="Labels", control=True).add_to(m)
    rows = []
    for lb in d.labels:
        if lb.kind == "country":
            continue  # placed by the page script at the visible centre of the territory
        nd = 5 if lb.kind in ("stop", "place") else 4
        rows.append(
            [round(lb.lat, nd), round(lb.lon, nd), lb.kind + (" minor" if lb.minor else ""), escape_text(lb.text)]
        )
    fixed = (
        "var g=" + fg.get_name() + ";JSON.parse(" + js_string(json.dumps(rows)) + ").forEach(function(r){"
        "L.marker([r[0],r[1]],{interactive:false,icon:L.divIcon({className:'',iconSize:[0,0],"
        "html:'<div class=\"corridor-label '+r[2]+'\">'+r[3]+'</div>'})}).addTo(g);});"
    )
    m.add_child(_control_element(fixed))
    m.add_child(_control_element("(" + _LABEL_JS + ")(map, " + js_string(json.dumps(_label_shapes(d))) + ");"))


def _label_shapes(d: Display) -> list[dict[str, Any]]:
    """Each labelled territory's outline, coarsely simplified (0.02°), as [[lat, lon], ...] rings."""
    names = {lb.text for lb in d.labels if lb.kind == "country"}
    out = []
    for terr in d.territories:
        if terr.name not in names:
            continue
        rings = []
        for poly in shapely.get_parts(shapely.simplify(terr.geometry, 0.02)):
            if poly.geom_type == "Polygon" and poly.area > 0.01:
                xy = np.round(np.asarray(poly.exterior.coords), 3)
                rings.append([[float(y), float(x)] for x, y in xy])
        if rings:
            out.append({"name": escape_text(terr.name), "rings": rings})
    return out


#: The page script behind the labels (written for corridor; Leaflet's own clipping helper): each
#: country label goes to the area centroid of the largest part of the territory inside the view,
#: hidden when that part is too small; then labels are taken in rank order (country, exclave,
#: stop, place) and one that overlaps a label already shown is hidden.
_LABEL_JS = """function(map, payload){
 var shapes = JSON.parse(payload), layer = L.layerGroup().addTo(map), marks = [];
 shapes.forEach(function(s){
  var m = L.marker([0,0], {interactive:false, icon:L.divIcon({className:'', iconSize:[0,0],
   html:'<div class="corridor-label country">'+s.name+'</div>'})});
  marks.push([m, s.rings]);
 });
 var rank = {country:0, exclave:1, stop:2, place:3};
 function centre(rings){
  var b = map.getPixelBounds(), best = null;
  var view = L.bounds(L.point(0,0), b.max.subtract(b.min));
  rings.forEach(function(r){
   var pts = r.map(function(ll){ return map.latLngToContainerPoint(ll); });
   var c = L.PolyUtil.clipPolygon(pts, view, false);
   if (c.length < 3) return;
   var a = 0, x = 0, y = 0;
   for (var i = 0, j = c.length - 1; i < c.length; j = i++) {
    var f = c[j].x * c[i].y - c[i].x * c[j].y; a += f; x += (c[j].x + c[i].x) * f; y += (c[j].y + c[i].y) * f;
   }
   a = a / 2; if (Math.abs(a) < 1) return;
   if (!best || Math.abs(a) > best.a) best = {a: Math.abs(a), p: L.point(x / (6 * a), y / (6 * a))};
  });
  return best;
 }
 function place(){
  marks.forEach(function(mr){
   var c = centre(mr[1]);
   if (c && c.a > 9000) { mr[0].setLatLng(map.containerPointToLatLng(c.p)); layer.addLayer(mr[0]); }
   else { layer.removeLayer(mr[0]); }
  });
  var els = Array.prototype.slice.call(map.getContainer().querySelectorAll('.corridor-label'));
  els.forEach(function(e){ e.style.visibility = ''; });
  var kind = function(e){ for (var k in rank) { if (e.classList.contains(k)) return rank[k]; } return 9; };
  els.sort(function(p, q){ return kind(p) - kind(q); });
  var kept = [];
  els.forEach(function(e){
   var r = e.getBoundingClientRect();
   if (r.width === 0) return;
   var hit = kept.some(function(k){
    return r.left < k.right + 2 && r.right > k.left - 2 && r.top < k.bottom + 1 && r.bottom > k.top - 1;
   });
   if (hit) { e.style.visibility = 'hidden'; } else { kept.push(r); }
  });
 }
 map.on('moveend zoomend resize', place);
 map.whenReady(function(){ setTimeout(place, 0); });
}"""


def _draw_controls(m: Any, d: Display) -> None:
    """Legend, title, scale bar, attribution and zoom-dependent label classes."""
    if d.legend:
        body = '<div class="corridor-legend"><h4>Legend</h4>' + "".join(_legend_row(e) for e in d.legend) + "</div>"
        m.add_child(
            _control_element(
                "var c=L.control({position:'bottomright'});c.onAdd=function(){"
                "var d=L.DomUtil.create('div','corridor-legend-box');d.innerHTML="
                + js_string(body)
                + ";L.DomEvent.disableClickPropagation(d);return d;};c.addTo(map);"
            )
        )
    if d.title:
        tbody = f'<div class="corridor-title">{escape_text(d.title)}</div>'
        m.add_child(
            _control_element(
                "var c=L.control({position:'topleft'});c.onAdd=function(){"
                "var d=L.DomUtil.create('div','corridor-title-box');d.innerHTML="
                + js_string(tbody)
                + ";return d;};c.addTo(map);"
            )
        )
    m.add_child(
        _control_element("L.control.scale({position:'bottomleft',metric:true,imperial:false,maxWidth:160}).addTo(map);")
    )
    # data credits only; each route's own source is in its tooltip
    m.add_child(
        _control_element(
            "map.attributionControl.setPrefix('Leaflet');"
            + "".join(f"map.attributionControl.addAttribution({js_string(escape_text(c))});" for c in d.credits)
            + "function z(){var e=map.getContainer(),k=map.getZoom();"
            "e.classList.toggle('corridor-zoom-low',k<9);e.classList.toggle('corridor-zoom-mid',k<10);}"
            "map.on('zoomend',z);map.whenReady(z);"
        )
    )


@keyword_only_after(1, "region")
def compare_map(scenarios: Sequence[Any], *, region: Region | None = None, **kwargs: Any) -> folium.Map:
    """One interactive map with every scenario as its own layer (see :func:`make_map`).

    Parameters
    ----------
    scenarios : sequence of Scenario
    region : Region, optional
        Default: the built-in region.
    **kwargs
        Passed to :func:`make_map` (``title`` defaults to "Corridor scenarios").

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import corridor
    >>> m = compare_map(corridor.builtin_scenarios()[:1])
    >>> "TRIPP" in m.get_root().render()
    True
    """
    analyses = [s.analyze(region=region) for s in scenarios]
    kwargs.setdefault("title", "Corridor scenarios")
    return make_map(region=region, analyses=analyses, **kwargs)


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
        :class:`~corridor.errors.RemoteResourceError`.  With ``False`` the
        file links Leaflet from its CDN (smaller, needs the internet).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    corridor.errors.OutputPathError
        The folder of ``path`` does not exist, or ``path`` is a folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = save_map(make_map(), pathlib.Path(tempfile.mkdtemp()) / "map.html")
    >>> "unpkg.com" in out.read_text(encoding="utf-8")
    False
    >>> save_map(make_map(), "no/such/folder/map.html")
    Traceback (most recent call last):
    ...
    corridor.errors.OutputPathError: Cannot write 'no/such/folder/map.html': folder 'no/such/folder' does not exist. ...
    """
    folium = _import_folium()

    from ._offline import inline_assets

    p = check_output_path(path, (".html", ".htm"))
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

    return atomic_write(p, write)
