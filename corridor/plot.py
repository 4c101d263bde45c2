"""Static figures (matplotlib) for reports: maps, border profiles, km per territory.

Maps are drawn in a local Lambert azimuthal equal-area projection centred on
the content (:func:`corridor.geodesy.local_crs`), so the scale bar is true to
within 0.2 % over the South Caucasus.  Boundaries are the same topology
preserving display copy as the interactive maps (see :mod:`corridor.maps`);
every figure in a label comes from the full-resolution analysis.

matplotlib is imported inside the functions, so ``import corridor`` does not
import it.  Figures are built with :class:`matplotlib.figure.Figure` (no
pyplot state is touched); pass ``path=`` to save a PNG, SVG or PDF.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely

from .maps import (
    BAND_COLOR,
    BORDER_COLOR,
    DISPLAY_TOLERANCE_DEG,
    HIGHLIGHT_COLOR,
    ROUTE_COLORS,
    SEA_COLOR,
    _atomic_write,
    _band,
    _check_output_path,
    _collect,
    _sub_line,
    display_layers,
    territory_color,
    territory_fill,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .measure import RouteAnalysis
    from .region import Region
    from .route import Route

__all__ = ["plot_border_profile", "plot_map", "plot_territory"]

_SUFFIXES = (".png", ".svg", ".pdf")
_PLANNED = ("planned", "proposed", "under construction")
_FONT: dict[str, Any] = {"family": "sans-serif"}


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("Static figures need matplotlib: `pip install matplotlib`.") from exc
    return matplotlib


def _text(value: Any) -> str:
    """A user string made literal for matplotlib (no mathtext from ``$``)."""
    return str(value).replace("\\", "\\\\").replace("$", r"\$")


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
    p = _check_output_path(path, _SUFFIXES)
    fmt = p.suffix.lower().lstrip(".")
    _atomic_write(p, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))


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


def plot_map(
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
    extent: tuple[float, float, float, float] | None = None,
    attribution: str = "",
    ax: Axes | None = None,
    figsize: tuple[float, float] = (10.0, 7.5),
    path: str | os.PathLike[str] | None = None,
    dpi: int = 200,
    tolerance_deg: float = DISPLAY_TOLERANCE_DEG / 3,
) -> tuple[Figure, Axes]:
    """A static map with the same content as :func:`corridor.maps.make_map`.

    Parameters
    ----------
    region, routes, analyses, borders, band_km, band_border, color_by, colors
        As for :func:`corridor.maps.make_map`.
    crossings, stops, labels, title, attribution
        As for :func:`corridor.maps.make_map`.
    extent : (minlon, minlat, maxlon, maxlat), optional
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

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    from .geodesy import LocalProjection

    if color_by not in ("route", "territory"):
        raise ValueError(f"`color_by` must be 'route' or 'territory', got {color_by!r}.")
    content = _collect(region, routes, analyses, borders, crossings)
    reg = content.region
    assert reg is not None
    disp = display_layers(reg, tolerance_deg=tolerance_deg)
    palette = list(colors) if colors else list(ROUTE_COLORS)

    if extent is None:
        if content.routes:
            bnds = np.array([r.geometry.bounds for r in content.routes])
            minx, miny, maxx, maxy = bnds[:, 0].min(), bnds[:, 1].min(), bnds[:, 2].max(), bnds[:, 3].max()
            padx = max((maxx - minx) * 0.12, 0.15)
            pady = max((maxy - miny) * 0.12, 0.15)
            extent = (minx - padx, miny - pady, maxx + padx, maxy + pady)
        else:
            extent = tuple(float(v) for v in reg.countries.total_bounds)  # type: ignore[assignment]
    assert extent is not None
    local = LocalProjection(extent)
    proj = local.to_local
    fwd = local.xy_to_local
    box_ll = shapely.box(*extent).segmentize(0.05)
    box = proj(box_ll)
    x0, y0, x1, y1 = box.bounds
    view = shapely.box(x0, y0, x1, y1)

    if ax is None and figsize == (10.0, 7.5):
        aspect = (y1 - y0) / (x1 - x0)
        figsize = (10.0, float(np.clip(10.0 * aspect + 0.7, 4.0, 12.0)))
    fig, ax = _new_axes(ax, figsize)
    ax.set_facecolor(SEA_COLOR)

    def draw_poly(g: Any, **kw: Any) -> None:
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MPath

        for poly in shapely.get_parts(g):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            rings = [poly.exterior, *poly.interiors]
            verts, codes = [], []
            for ring in rings:
                xy = np.asarray(ring.coords)
                verts.append(xy)
                codes.append(np.r_[MPath.MOVETO, np.full(len(xy) - 2, MPath.LINETO), MPath.CLOSEPOLY])
            ax.add_patch(PathPatch(MPath(np.vstack(verts), np.concatenate(codes)), **kw))

    def draw_lines(g: Any, **kw: Any) -> None:
        for part in shapely.get_parts(g):
            if part.geom_type == "LineString" and not part.is_empty:
                xy = np.asarray(part.coords)
                ax.plot(xy[:, 0], xy[:, 1], **kw)
            elif part.geom_type == "MultiLineString":
                draw_lines(part, **kw)

    iso_index = {iso: k for k, (iso, _, _) in enumerate(disp.countries)}
    names = {iso: n for iso, n, _ in disp.countries}
    for k, (iso, _name, geom) in enumerate(disp.countries):
        g = shapely.intersection(proj(geom), view.buffer((x1 - x0) * 0.05))
        draw_poly(g, facecolor=territory_fill(iso, k), edgecolor="none", zorder=1)

    handles: list[Any] = []
    if content.draw_borders:
        for a, b, _length, lines in disp.borders:
            hl = (a, b) in content.highlight
            draw_lines(
                proj(lines),
                color=HIGHLIGHT_COLOR if hl else BORDER_COLOR,
                lw=1.8 if hl else 0.8,
                ls="-" if hl else (0, (4, 2)),
                zorder=3 if hl else 2,
            )
        handles.append(Line2D([], [], color=BORDER_COLOR, lw=0.8, ls=(0, (4, 2)), label="International border"))
        for a, b in content.highlight:
            hit = [x for x in disp.borders if (x[0], x[1]) == (a, b)]
            length = hit[0][2] if hit else reg.border_length_km(a, b)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=HIGHLIGHT_COLOR,
                    lw=1.8,
                    label=_text(f"{names.get(a, a)} – {names.get(b, b)} border ({length:,.1f} km)"),
                )
            )

    band_inside: dict[int, tuple[Any, float]] = {}
    if band_km is not None:
        if not band_km > 0:
            raise ValueError(f"`band_km` must be > 0 km, got {band_km!r}.")
        label, poly, inside = _band(content, float(band_km), band_border)
        draw_poly(
            shapely.intersection(proj(poly), view),
            facecolor=BAND_COLOR,
            alpha=0.3,
            edgecolor=BAND_COLOR,
            lw=0.6,
            zorder=2.5,
        )
        for r, lines, km in inside:
            band_inside[id(r)] = (lines, km)
        what = "border" if label == "international" else f"{label} border"
        handles.append(
            Patch(
                facecolor=BAND_COLOR,
                alpha=0.4,
                edgecolor=BAND_COLOR,
                label=_text(f"Within {band_km:g} km of {what}"),
            )
        )

    stop_seen: set[tuple[str, float, float]] = set()
    any_cross = False
    for k, r in enumerate(content.routes):
        color = palette[k % len(palette)]
        ls = (0, (5, 3)) if r.status in _PLANNED else "-"
        an = content.analyses.get(id(r))
        if id(r) in band_inside:
            lines, km = band_inside[id(r)]
            draw_lines(proj(lines), color=BAND_COLOR, lw=9, alpha=0.8, solid_capstyle="round", zorder=4)
        g = proj(r.geometry)
        draw_lines(g, color="white", lw=4.5, zorder=5, solid_capstyle="round")
        if color_by == "territory" and an is not None:
            for row in an.sections.itertuples():
                if row.to_km <= row.from_km:
                    continue
                c = territory_color(str(row.iso3), iso_index.get(str(row.iso3), 0))
                draw_lines(proj(_sub_line(r, row.from_km, row.to_km)), color=c, lw=2.6, ls=ls, zorder=6)
        else:
            draw_lines(g, color=color, lw=2.6, ls=ls, zorder=6)
        extra = f", {r.status}" if r.status in _PLANNED else ""
        in_band = f"; {band_inside[id(r)][1]:,.1f} km in band" if id(r) in band_inside else ""
        handles.append(
            Line2D(
                [],
                [],
                color=color if color_by == "route" else "#444",
                lw=2.6,
                ls=ls,
                label=_text(f"{r.name} ({r.length_km:,.0f} km{extra}{in_band})"),
            )
        )
        if stops and r.stops:
            xy = np.array([fwd(s.lon, s.lat) for s in r.stops])
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=22,
                facecolor="white",
                edgecolor=color if color_by == "route" else "#222",
                lw=1.4,
                zorder=8,
            )
            for s, (sx, sy) in zip(r.stops, xy):
                key = (s.name, round(s.lon, 3), round(s.lat, 3))
                if labels and key not in stop_seen and view.contains(shapely.Point(sx, sy)):
                    stop_seen.add(key)
                    ax.annotate(
                        _text(s.name),
                        (sx, sy),
                        xytext=(5, 4),
                        textcoords="offset points",
                        fontsize=8,
                        color="#111",
                        zorder=9,
                        path_effects=_halo(),
                    )
        if crossings and an is not None and len(an.crossings):
            any_cross = True
            cxy = np.array([fwd(p.x, p.y) for p in an.crossings.geometry])
            ax.scatter(
                cxy[:, 0],
                cxy[:, 1],
                marker="D",
                s=26,
                facecolor="white",
                edgecolor="#111",
                lw=1.3,
                zorder=9,
            )
    if content.routes and stops:
        handles.append(_marker_handle("o", "#444", "Stop"))
    if any_cross:
        handles.append(_marker_handle("D", "#111", "Border crossing"))
    if color_by == "territory":
        present = sorted({str(x) for a in content.analyses.values() for x in a.sections["iso3"]})
        for iso in present:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=territory_color(iso, iso_index.get(iso, 0)),
                    lw=2.6,
                    label=_text(f"in {names.get(iso, iso)}"),
                )
            )

    if labels:
        from shapely.ops import polylabel

        span = max(x1 - x0, y1 - y0)
        simple_by_name = {n: gg for _, n, gg in disp.countries}
        for text, lon, lat, kind in disp.labels:
            if kind == "country":
                g = proj(simple_by_name[text])
                vis = shapely.intersection(g, view.buffer(-span * 0.04))
                if vis.is_empty or shapely.area(vis) < (span**2) * 0.004:
                    continue
                big = max(
                    (p for p in shapely.get_parts(vis) if p.geom_type == "Polygon"),
                    key=lambda p: p.area,
                )
                pt = polylabel(big, tolerance=span / 200)
                ax.text(
                    pt.x,
                    pt.y,
                    _text(text.upper()),
                    ha="center",
                    va="center",
                    fontsize=10,
                    color="#555",
                    fontweight="bold",
                    zorder=7,
                    path_effects=_halo(),
                    **_FONT,
                )
            else:
                px, py = fwd(lon, lat)
                if not view.contains(shapely.Point(px, py)):
                    continue
                part = reg.geometry_of(text)
                if float(shapely.area(part)) < 0.05 and span > 400_000:
                    continue
                ax.text(
                    px,
                    py,
                    _text(text),
                    ha="center",
                    va="center",
                    fontsize=9,
                    style="italic",
                    color="#333",
                    fontweight="bold",
                    zorder=7,
                    path_effects=_halo(),
                )

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for sp in ax.spines.values():
        sp.set_color("#999")
        sp.set_linewidth(0.6)
    km = _nice_km((x1 - x0) / 1000)
    bar = AnchoredSizeBar(
        ax.transData,
        km * 1000,
        f"{km:g} km",
        "lower left",
        pad=0.6,
        borderpad=0.8,
        sep=4,
        frameon=True,
        size_vertical=(y1 - y0) / 250,
        color="#222",
        fontproperties={"size": 8},
    )
    bar.patch.set_alpha(0.85)
    bar.patch.set_edgecolor("none")
    ax.add_artist(bar)
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
    credit = "; ".join(c for c in (reg.attribution, attribution) if c)
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
    if title:
        ax.set_title(_text(title), loc="left", fontsize=13, fontweight="bold")
    _save(fig, path, dpi)
    return fig, ax


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
    """
    if by not in ("iso3", "part"):
        raise ValueError(f"`by` must be 'iso3' or 'part', got {by!r}.")
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
