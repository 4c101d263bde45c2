"""Static figures (matplotlib) for reports: maps, border profiles, km per territory, comparisons.

:func:`plot_map` renders the same display model as :func:`corridor.make_map`
(:mod:`corridor._display`) in a local Lambert azimuthal equal-area projection
centred on the content (:func:`corridor.geodesy.local_crs`), so the scale bar
is true to within 0.2 % over the South Caucasus.  Every figure in a label
comes from the full-resolution analysis.

matplotlib is imported inside the functions, so ``import corridor`` does not
import it.  Figures are built with :class:`matplotlib.figure.Figure` (no
pyplot state is touched); pass ``path=`` to save a PNG, SVG or PDF.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
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
    build_display,
    territory_color,
)
from ._escape import mpl_text
from ._files import atomic_write, check_output_path
from ._validate import one_of
from .errors import ColumnError
from .geodesy import LocalProjection

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .measure import RouteAnalysis
    from .region import Region
    from .route import Route

__all__ = ["plot_border_profile", "plot_comparison", "plot_map", "plot_territory"]

_SUFFIXES = (".png", ".svg", ".pdf")
_FONT: dict[str, Any] = {"family": "sans-serif"}
_text = mpl_text


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("Static figures need matplotlib: `pip install matplotlib`.") from exc
    return matplotlib


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    _mpl()
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _save(fig: Figure, path: str | os.PathLike[str] | None, dpi: int) -> None:
    if path is None:
        return
    p = check_output_path(path, _SUFFIXES)
    fmt = p.suffix.lower().lstrip(".")
    atomic_write(p, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))


def _nice_km(width_km: float) -> float:
    target = width_km / 5
    exp = 10 ** np.floor(np.log10(target))
    for f in (5, 2, 1):
        if f * exp <= target:
            return float(f * exp)
    return float(exp)


def _halo(width: float = 3.0) -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white")]


class _Canvas:
    """Axes in a local metric projection of the display's extent, with drawing helpers."""

    def __init__(self, ax: Axes, extent: tuple[float, float, float, float]) -> None:
        self.ax = ax
        self.local = LocalProjection(extent)
        self.proj = self.local.to_local
        box = self.proj(shapely.box(*extent).segmentize(0.05))
        self.x0, self.y0, self.x1, self.y1 = box.bounds
        self.view = shapely.box(self.x0, self.y0, self.x1, self.y1)
        self.span = max(self.x1 - self.x0, self.y1 - self.y0)

    def proj_valid(self, g: Any) -> Any:
        """``g`` projected, and repaired where projecting a simplified outline made it self-intersect."""
        out = self.proj(g)
        return out if shapely.is_valid(out) else shapely.make_valid(out)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self.local.xy_to_local(lon, lat)
        return float(x), float(y)

    def poly(self, g: Any, **kw: Any) -> None:
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MPath

        for poly in shapely.get_parts(g):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            verts, codes = [], []
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                verts.append(xy)
                codes.append(np.r_[MPath.MOVETO, np.full(len(xy) - 2, MPath.LINETO), MPath.CLOSEPOLY])
            self.ax.add_patch(PathPatch(MPath(np.vstack(verts), np.concatenate(codes)), **kw))

    def lines(self, g: Any, **kw: Any) -> None:
        for part in shapely.get_parts(g):
            if part.geom_type == "LineString" and not part.is_empty:
                xy = np.asarray(part.coords)
                self.ax.plot(xy[:, 0], xy[:, 1], **kw)
            elif part.geom_type == "MultiLineString":
                self.lines(part, **kw)


@keyword_only_after(0, "region")
def plot_map(
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
    extent: tuple[float, float, float, float] | None = None,
    attribution: str = "",
    ax: Axes | None = None,
    figsize: tuple[float, float] = (10.0, 7.5),
    path: str | os.PathLike[str] | None = None,
    dpi: int = 200,
    tolerance_deg: float = DISPLAY_TOLERANCE_DEG / 3,
    crossing_points: bool | str = True,
    border_style: str = "plain",
    policy: Any = None,
) -> tuple[Figure, Axes]:
    """A static map with the same content as :func:`corridor.make_map`.

    Parameters
    ----------
    region : Region, optional
        The base map.  Default: the analyses' region, else the built-in region.
    routes, analyses, borders, band_km, band_border, color_by, colors
        As for :func:`corridor.make_map`.
    crossings, stops, labels, title, attribution
        As for :func:`corridor.make_map`.
    extent : (min_lon, min_lat, max_lon, max_lat), optional
        Area to show; default the routes with a margin, else the region.
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.
    figsize : (width, height), default (10, 7.5)
        Inches, for a new figure.
    path : path-like, optional
        Save to this ``.png``, ``.svg`` or ``.pdf`` (atomically; the folder
        must exist, else :class:`~corridor.errors.OutputPathError`).
    dpi : int, default 200
        Resolution of a PNG.
    tolerance_deg : float, default 0.001
        Display simplification of boundaries (topology preserving), degrees.
    crossing_points, border_style, policy
        As for :func:`corridor.make_map`: official crossing points as squares
        coloured by status; borders coloured by institution.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)

    Examples
    --------
    >>> import corridor
    >>> fig, ax = plot_map(routes=[corridor.Route.from_places(["Meghri", "Ordubad"])])
    >>> type(fig).__name__
    'Figure'
    >>> plot_map(band_km=-1)
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `band_km` must be > 0 (km), got -1.0.
    """
    d = build_display(
        region,
        routes,
        analyses,
        borders=borders,
        band_km=band_km,
        band_border=band_border,
        color_by=color_by,
        colors=colors,
        crossings=crossings,
        stops=stops,
        labels=labels,
        title=title,
        attribution=attribution,
        tolerance_deg=tolerance_deg,
        crossing_points=crossing_points,
        border_style=border_style,
        policy=policy,
    )
    fig, c = _canvas(extent if extent is not None else d.extent, ax, figsize)
    _plot_base(c, d)
    _plot_routes(c, d)
    _plot_points(c, d)
    label_artists = _plot_labels(c, d) if d.show_labels else []
    _frame(c, d)
    _declutter(c.ax, label_artists)  # once the limits are set, so that label boxes are in place
    _save(fig, path, dpi)
    return fig, c.ax


def _canvas(
    ext: tuple[float, float, float, float], ax: Axes | None, figsize: tuple[float, float]
) -> tuple[Figure, _Canvas]:
    """A figure sized to the extent's shape (unless given), with its canvas."""
    if ax is None and figsize == (10.0, 7.5):
        x0, y0, x1, y1 = LocalProjection(ext).to_local(shapely.box(*ext).segmentize(0.05)).bounds
        figsize = (10.0, float(np.clip(10.0 * (y1 - y0) / (x1 - x0) + 0.7, 4.0, 12.0)))
    fig, ax = _new_axes(ax, figsize)
    ax.set_facecolor(SEA_COLOR)
    return fig, _Canvas(ax, ext)


def _plot_base(c: _Canvas, d: Display) -> None:
    """Territory fills, borders and the proximity band."""
    for t in d.territories:
        g = shapely.intersection(c.proj_valid(t.geometry), c.view.buffer((c.x1 - c.x0) * 0.05))
        c.poly(g, facecolor=t.fill, edgecolor="none", zorder=1)
    for surface, w in d.water:
        c.poly(
            shapely.intersection(c.proj_valid(w), c.view.buffer((c.x1 - c.x0) * 0.05)),
            facecolor=WATER_COLORS[surface],
            edgecolor="none",
            zorder=1.5,
        )
    for bl in d.borders:
        regime = REGIME_BORDER_COLORS.get(bl.style) if not bl.highlighted else None
        c.lines(
            c.proj(bl.lines),
            color=regime or (HIGHLIGHT_COLOR if bl.highlighted else BORDER_COLOR),
            lw=1.8 if bl.highlighted or regime else 0.8,
            ls="-" if bl.highlighted or regime else (0, (4, 2)),
            zorder=3 if bl.highlighted or regime else 2,
        )
    if d.band is not None:
        c.poly(
            shapely.intersection(c.proj_valid(d.band.polygon), c.view),
            facecolor=BAND_COLOR,
            alpha=0.3,
            edgecolor=BAND_COLOR,
            lw=0.6,
            zorder=2.5,
        )


def _plot_routes(c: _Canvas, d: Display) -> None:
    for rl in d.routes:
        ls = (0, (5, 3)) if rl.dashed else "-"
        if rl.band_lines is not None:
            c.lines(c.proj(rl.band_lines), color=BAND_COLOR, lw=9, alpha=0.8, solid_capstyle="round", zorder=4)
        # routes that share track stay visible: earlier ones are drawn wider, underneath
        lw = 2.2 + 1.8 * (rl.n_routes - 1 - rl.rank)
        z = 5 + rl.rank * 0.01
        c.lines(c.proj(rl.geometry), color="white", lw=lw + 1.2, zorder=z, solid_capstyle="round")
        for piece in rl.pieces:
            c.lines(c.proj(piece.geometry), color=piece.color, lw=lw, ls=ls, zorder=z + 0.005)
        if d.show_stops and rl.stops:
            xy = np.array([c.xy(lon, lat) for _, lon, lat, _ in rl.stops])
            edge = rl.color if d.color_by == "route" else "#222"
            c.ax.scatter(xy[:, 0], xy[:, 1], s=22, facecolor="white", edgecolor=edge, lw=1.4, zorder=8)
        if rl.crossings:
            cxy = np.array([c.xy(cx.lon, cx.lat) for cx in rl.crossings])
            c.ax.scatter(cxy[:, 0], cxy[:, 1], marker="D", s=26, facecolor="white", edgecolor="#111", lw=1.3, zorder=9)


def _plot_points(c: _Canvas, d: Display) -> None:
    """Official crossing points as squares coloured by status (larger where a route uses them)."""
    if not d.points:
        return
    xy = np.array([c.xy(p.lon, p.lat) for p in d.points])
    colors = [STATUS_COLORS.get(p.status, "#999999") for p in d.points]
    sizes = [46 if p.used else 24 for p in d.points]
    c.ax.scatter(xy[:, 0], xy[:, 1], marker="s", s=sizes, c=colors, edgecolors="white", linewidths=1.0, zorder=8.5)


def _plot_labels(c: _Canvas, d: Display) -> list[Any]:
    """Labels in rank order (country, exclave, stop, place), for :func:`_declutter`."""
    rank = {"country": 0, "exclave": 1, "stop": 2, "place": 3}
    artists = []
    for lb in sorted(d.labels, key=lambda lb: rank.get(lb.kind, 9)):
        if lb.kind == "place" and c.span > 150_000:
            continue  # gazetteer places only on close-up maps
        art = _country_label(c, d, lb) if lb.kind == "country" else _point_label(c, lb)
        if art is not None:
            artists.append(art)
    return artists


def _country_label(c: _Canvas, d: Display, lb: Any) -> Any:
    """A country's label at the centre of its visible part, if enough of it is in view."""
    from shapely.ops import polylabel

    geom = next(t.geometry for t in d.territories if t.name == lb.text)
    vis = shapely.intersection(c.proj_valid(geom), c.view.buffer(-c.span * 0.04))
    if vis.is_empty or shapely.area(vis) < (c.span**2) * 0.004:
        return None
    big = max((p for p in shapely.get_parts(vis) if p.geom_type == "Polygon"), key=lambda p: p.area)
    pt = polylabel(big, tolerance=c.span / 200)
    return c.ax.text(
        pt.x,
        pt.y,
        _text(lb.text.upper()),
        ha="center",
        va="center",
        fontsize=10,
        color="#555",
        fontweight="bold",
        zorder=7,
        path_effects=_halo(),
        **_FONT,
    )


def _point_label(c: _Canvas, lb: Any) -> Any:
    """A stop, place or exclave label, if its point is in view."""
    px, py = c.xy(lb.lon, lb.lat)
    if not c.view.contains(shapely.Point(px, py)) or (lb.minor and c.span > 400_000):
        return None
    if lb.kind in ("stop", "place"):
        place = lb.kind == "place"
        return c.ax.annotate(
            _text(lb.text),
            (px, py),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=7.5 if place else 8,
            color="#555" if place else "#111",
            style="italic" if place else "normal",
            zorder=9,
            path_effects=_halo(),
        )
    return c.ax.text(
        px,
        py,
        _text(lb.text),
        ha="center",
        va="center",
        fontsize=9,
        style="italic",
        color="#333",
        fontweight="bold",
        zorder=7,
        path_effects=_halo(),
    )


def _declutter(ax: Any, artists: list[Any]) -> None:
    """Hide each label that overlaps one kept before it (artists come in rank order)."""
    canvas = ax.figure.canvas
    if not hasattr(canvas, "get_renderer"):  # a Figure made without pyplot has no drawing canvas yet
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(ax.figure)
    renderer = canvas.get_renderer()
    kept: list[Any] = []
    for art in artists:
        box = art.get_window_extent(renderer).expanded(1.02, 1.05)
        if any(box.overlaps(k) for k in kept):
            art.set_visible(False)
        else:
            kept.append(box)


def _legend_handle(e: LegendEntry) -> Any:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    label = _text(f"{e.text} ({e.sub})" if e.sub else e.text)
    if e.kind == "border":
        return Line2D([], [], color=BORDER_COLOR, lw=0.8, ls=(0, (4, 2)), label=label)
    if e.kind == "highlight":
        return Line2D([], [], color=HIGHLIGHT_COLOR, lw=1.8, label=label)
    if e.kind == "band":
        return Patch(facecolor=BAND_COLOR, alpha=0.4, edgecolor=BAND_COLOR, label=label)
    if e.kind == "stop":
        return _marker_handle("o", e.color, e.text)
    if e.kind == "cross":
        return _marker_handle("D", e.color, e.text)
    if e.kind == "point":
        return Line2D(
            [], [], ls="none", marker="s", markersize=6, markerfacecolor=e.color, markeredgecolor="white", label=label
        )
    if e.kind == "regime":
        return Line2D([], [], color=e.color, lw=1.8, label=label)
    return Line2D([], [], color=e.color, lw=2.6, ls=(0, (5, 3)) if e.dashed else "-", label=label)


def _frame(c: _Canvas, d: Display) -> None:
    """Limits, scale bar, legend (below the map), credits and title."""
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    ax = c.ax
    ax.set_xlim(c.x0, c.x1)
    ax.set_ylim(c.y0, c.y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for sp in ax.spines.values():
        sp.set_color("#999")
        sp.set_linewidth(0.6)
    km = _nice_km((c.x1 - c.x0) / 1000)
    bar = AnchoredSizeBar(
        ax.transData,
        km * 1000,
        f"{km:g} km",
        "lower left",
        pad=0.6,
        borderpad=0.8,
        sep=4,
        frameon=True,
        size_vertical=(c.y1 - c.y0) / 250,
        color="#222",
        fontproperties={"size": 8},
    )
    bar.patch.set_alpha(0.85)
    bar.patch.set_edgecolor("none")
    ax.add_artist(bar)
    handles = [_legend_handle(e) for e in d.legend]
    if handles:
        # below the map, so that it never hides a route, a label or the scale bar
        leg = ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.0, -0.035),
            ncols=2,
            fontsize=8,
            frameon=False,
            title_fontsize=9,
        )
        leg.set_zorder(20)
    credit = "; ".join(d.credits)
    if credit:
        ax.text(
            1.0,
            -0.006,
            _text(credit),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=6,
            color="#555",
            zorder=21,
            path_effects=_halo(2),
        )
    if d.title:
        ax.set_title(_text(d.title), loc="left", fontsize=13, fontweight="bold")


def plot_border_profile(
    analysis: RouteAnalysis,
    *,
    step_km: float = 0.5,
    border: Sequence[str] | None = None,
    within_km: float | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (10.0, 4.0),
    path: str | os.PathLike[str] | None = None,
    dpi: int = 200,
) -> tuple[Figure, Axes]:
    """Distance to the border (geodesic km) against km along the route.

    Crossings are marked at distance 0 with ``from → to``; a strip under the
    curve shows the territory of each section.

    Parameters
    ----------
    analysis : RouteAnalysis
        From :func:`corridor.analyze`.
    step_km : float, default 0.5
        Sampling interval along the route (km).
    border : (a, b), optional
        Distance to this border only; default the nearest international border.
    within_km : float, optional
        Draw a reference line at this distance (a proximity threshold).
    ax, figsize, path, dpi
        As for :func:`plot_map`.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)

    Examples
    --------
    >>> import corridor
    >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
    >>> fig, ax = plot_border_profile(a, within_km=5)
    >>> ax.get_xlabel()
    'Distance along route (km, geodesic)'
    >>> plot_border_profile(a, step_km=-1)
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `step_km` must be > 0 (km), got -1.0.
    """
    from matplotlib.patches import Patch

    prof = analysis.border_profile(step_km=step_km, border=border)
    fig, ax = _new_axes(ax, figsize)
    color = ROUTE_COLORS[0]
    ax.fill_between(prof["km"], 0, prof["distance_km"], color=color, alpha=0.12, lw=0)
    ax.plot(prof["km"], prof["distance_km"], color=color, lw=1.8)
    top = float(max(prof["distance_km"].max(), within_km or 0, 1.0)) * 1.15
    strip = top * 0.06
    regs = analysis.region
    iso_index = {str(i): k for k, i in enumerate(regs.countries["iso3"])}
    names = dict(zip(regs.countries["iso3"].astype(str), regs.countries["name"].astype(str)))
    seen: dict[str, Any] = {}
    for row in analysis.sections.itertuples():
        iso = str(row.iso3)
        c = territory_color(iso, iso_index.get(iso, 0))
        ax.broken_barh([(row.from_km, row.to_km - row.from_km)], (-strip * 1.6, strip), color=c, lw=0)
        if iso not in seen:
            nm = names.get(iso, "Unassigned" if iso == "unassigned" else iso)
            seen[iso] = Patch(color=c, label=_text(nm))
    _mark_crossings(ax, analysis)
    if within_km is not None:
        ax.axhline(within_km, color=BAND_COLOR, lw=1.2, ls="--")
        ax.text(
            prof["km"].iloc[-1],
            within_km,
            f" {within_km:g} km",
            va="bottom",
            ha="right",
            fontsize=8,
            color="#8a5a00",
        )
    ax.set_xlim(0, analysis.length_km)
    ax.set_ylim(-strip * 1.8, top)
    ax.set_xlabel("Distance along route (km, geodesic)")
    what = "border" if border is None else f"{'–'.join(map(str, border))} border"
    ax.set_ylabel(f"Distance to {_text(what)} (km)")
    _chart_style(ax, f"{analysis.route.name}: distance to the {what}", grid="y")
    ax.legend(
        handles=list(seen.values()),
        loc="upper right",
        fontsize=8,
        ncols=min(len(seen), 4),
        frameon=False,
        title="Territory",
        title_fontsize=8,
    )
    _save(fig, path, dpi)
    return fig, ax


def _mark_crossings(ax: Any, analysis: RouteAnalysis) -> None:
    """Crossings at distance 0, labelled ``from→to`` where the labels do not crowd."""
    last_label = -np.inf
    for cx in analysis.crossings.itertuples():
        ax.axvline(cx.km, color="#111", lw=0.6, ls=":", zorder=1)
        ax.scatter([cx.km], [0], marker="D", s=28, facecolor="white", edgecolor="#111", lw=1.2, zorder=5)
        if cx.km - last_label < analysis.length_km * 0.025:
            continue  # too close to the previous label to read
        last_label = cx.km
        ax.annotate(
            _text(f"{cx.from_iso3}→{cx.to_iso3}"),
            (cx.km, 0),
            xytext=(0, 8),
            textcoords="offset points",
            rotation=90,
            fontsize=7,
            ha="center",
            va="bottom",
            path_effects=_halo(2),
            zorder=6,
        )


def plot_territory(
    analysis: RouteAnalysis,
    *,
    by: str = "iso3",
    ax: Axes | None = None,
    figsize: tuple[float, float] = (7.0, 3.2),
    path: str | os.PathLike[str] | None = None,
    dpi: int = 200,
) -> tuple[Figure, Axes]:
    """Km of the route in each territory (or part), as horizontal bars.

    Parameters
    ----------
    analysis : RouteAnalysis
        From :func:`corridor.analyze`.
    by : {'iso3', 'part'}, default 'iso3'
        One bar per territory, or per part (``'AZE-2'`` is Nakhchivan).
    ax, figsize, path, dpi
        As for :func:`plot_map`.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)

    Examples
    --------
    >>> import corridor
    >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
    >>> fig, ax = plot_territory(a, by="part")
    >>> [t.get_text() for t in ax.get_yticklabels()][-1]
    'Azerbaijan (mainland) (AZE-1)'
    """
    one_of(by, "by", ("iso3", "part"))
    km = analysis.km_by_territory if by == "iso3" else analysis.km_by_part()
    km = km[km > 0].sort_values()
    reg = analysis.region
    names = dict(zip(reg.countries["iso3"].astype(str), reg.countries["name"].astype(str)))
    pnames = dict(zip(reg.parts["part_id"].astype(str), reg.parts["name"]))
    iso_index = {str(i): k for k, i in enumerate(reg.countries["iso3"])}
    fig, ax = _new_axes(ax, figsize)
    labels, colors = [], []
    for key in km.index.astype(str):
        iso = key if by == "iso3" else (reg.iso3_of(key) if key != "unassigned" else key)
        if by == "iso3":
            labels.append(names.get(key, "Unassigned (water, gaps)" if key == "unassigned" else key))
        else:
            nm = pnames.get(key)
            labels.append(f"{nm} ({key})" if isinstance(nm, str) and nm else key)
        colors.append(territory_color(iso, iso_index.get(iso, 0)))
    y = np.arange(len(km))
    ax.barh(y, km.to_numpy(), color=colors, height=0.62)
    ax.set_yticks(y, [_text(s) for s in labels])
    total = float(analysis.length_km)
    for yi, v in zip(y, km.to_numpy()):
        # numpy integers are accepted wherever matplotlib's stubs say float
        ax.text(v, cast(float, yi), f"  {v:,.1f} km ({v / total:.0%})", va="center", fontsize=8)
    ax.set_xlim(0, float(km.max()) * 1.35 if len(km) else 1)
    ax.set_xlabel("km (geodesic)")
    _chart_style(ax, f"{analysis.route.name}: {total:,.1f} km by territory", grid="x")
    ax.set_axisbelow(True)
    _save(fig, path, dpi)
    return fig, ax


def _chart_style(ax: Any, title: str, *, grid: str) -> None:
    """The house style of corridor's charts: bold left title, open frame, light grid."""
    ax.set_title(_text(title), loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=grid, color="#ddd", lw=0.6)


def _marker_handle(marker: str, edge: str, label: str) -> Any:
    """A legend entry for a white marker with a coloured edge (stops, crossings)."""
    from matplotlib.lines import Line2D

    return Line2D(
        [], [], ls="none", marker=marker, markersize=5, markerfacecolor="white", markeredgecolor=edge, label=label
    )


def plot_comparison(
    df: pd.DataFrame,
    column: str = "length_km",
    *,
    stacked_territory: bool = True,
    path: str | os.PathLike[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bar chart of a comparison: km per territory stacked (default) or one column.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`corridor.compare` (or :func:`corridor.analyze_many` indexed by name).
    column : str, default "length_km"
        The column to draw when ``stacked_territory`` is False.
    stacked_territory : bool, default True
        One bar per scenario, split into its km per territory.
    path : path-like, optional
        Save to this ``.png``, ``.svg`` or ``.pdf``.
    ax : matplotlib Axes, optional
        Draw into these axes.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import corridor
    >>> table = corridor.compare(corridor.builtin_scenarios()[:2])
    >>> fig = plot_comparison(table)
    >>> plot_comparison(table, "speed", stacked_territory=False)
    Traceback (most recent call last):
    ...
    corridor.errors.ColumnError: `column` 'speed' is not a column of the comparison; ...
    """
    if not stacked_territory and column not in df.columns:
        raise ColumnError(f"`column` {column!r} is not a column of the comparison; columns: {list(df.columns)}.")
    fig, ax = _new_axes(ax, (9, 0.7 * len(df) + 1.8))
    names = ["\n".join(textwrap.wrap(_text(n), 34)) for n in df.index]
    if stacked_territory:
        # km per territory only: not km_within_*, km_without_published or the water totals (a split of the same km)
        skip = ("km_within", "km_without", "km_inland_water", "km_sea")
        cols = [c for c in df.columns if c.startswith("km_") and not c.startswith(skip) and df[c].sum() > 0]
        left = pd.Series(0.0, index=df.index)
        for k, c in enumerate(cols):
            iso = c[3:]
            label = "water / outside" if iso == "unassigned" else iso
            ax.barh(names, df[c], left=left, color=territory_color(iso, k), edgecolor="white", label=label)
            left = left + df[c]
        for y, (total, cx) in enumerate(zip(df["length_km"], df["crossings"])):
            ax.text(total + 5, y, f"{total:,.0f} km · {cx} crossing{'s' if cx != 1 else ''}", va="center", fontsize=9)
        ax.set_xlabel("km (geodesic) by territory")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, frameon=False, ncols=min(len(cols), 7))
        ax.set_xlim(0, float(df["length_km"].max()) * 1.4)
    else:
        ax.barh(names, df[column], color="#3b6ea5")
        ax.set_xlabel(_text(column))
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    _save(fig, path, 150)
    return fig
