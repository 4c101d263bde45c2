"""A shareable report of a scenario comparison: one offline HTML file, printable to PDF.

:func:`report` puts together, for a list of scenarios, everything an analyst
hands on: the map (:func:`corridor.maps.compare_map`, Leaflet inlined as
:func:`corridor.maps.save_map` does), the comparison table
(:func:`corridor.compare`) with the unit and meaning of each column, charts as
inline SVG (:func:`corridor.plot.plot_comparison`,
:func:`corridor.plot.plot_border_profile`), the crossing points each route
uses, the assumptions behind the travel times (speeds, dwell) and the
published lengths with their sources, the boundary uncertainty, the data
credits, the corridor version and the date.

Presentation only: every figure comes from the measurement layer
(:func:`corridor.compare`, :meth:`corridor.Scenario.analyze`,
:meth:`corridor.Scenario.leg_table`); nothing is measured here.  Every user
string (scenario names, descriptions, sources, the title) is escaped.  The
file needs no network: no external script, stylesheet, font or image; the map
sits in a sandboxed ``<iframe srcdoc>``, so its page keeps its own styles.

matplotlib, folium and pandas are imported inside the functions, so
``import corridor`` does not import them.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._escape import escape_text
from ._files import atomic_write_text, check_output_path
from .errors import CorridorWarning, ParameterTypeError, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from .measure import RouteAnalysis
    from .region import Region
    from .scenario import Scenario

__all__ = ["DEFAULT_TITLE", "report"]

#: The report's title when none is given.
DEFAULT_TITLE = "Corridor comparison"

#: Scenarios side by side in one table of the comparison (more make several tables, to fit A4).
_PER_TABLE = 4

_esc = escape_text


@dataclass(frozen=True)
class _Parts:
    """What a report shows, from the measurement layer: the table, the analyses, the map page, the notes."""

    scenarios: list[Scenario]
    table: pd.DataFrame
    analyses: list[RouteAnalysis]
    map_page: str
    notes: list[str]
    region: Region
    version: str
    when: dt.datetime


def report(
    scenarios: Scenario | Sequence[Scenario],
    path: str | os.PathLike[str],
    *,
    region: Region | None = None,
    title: str | None = None,
) -> Path:
    """Write a comparison of scenarios as one self-contained, offline HTML report.

    The report holds: the title, the date and the corridor version; a line on
    how to read it; the map of every scenario; the comparison table
    (:func:`corridor.compare`) with the unit and meaning of each column ("–"
    where there is no value); a bar chart of the km per territory and each
    route's border profile (inline SVG); the crossing points each route uses,
    with their status, the closed ones flagged; the assumptions (speeds,
    dwell at borders) and the published length of each leg, with their
    sources; the boundary uncertainty; the data credits and each scenario's
    sources.  It opens without a network and prints to A4 (print
    stylesheet: the map sized for the page, tables that break between rows).
    Warnings of the analysis (:class:`~corridor.errors.CorridorWarning`) are
    listed in the report and raised once each.

    Parameters
    ----------
    scenarios : Scenario or sequence of Scenario
        With unique names (as :func:`corridor.compare`).
    path : path-like
        The ``.html`` file to write, atomically; its folder must exist.
    region : Region, optional
        Default: the built-in region.
    title : str, optional
        Default :data:`DEFAULT_TITLE`, "Corridor comparison".

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    corridor.errors.ParameterTypeError
        Something other than a Scenario, or a title that is not a string.
    corridor.errors.OutputPathError
        The folder of ``path`` does not exist, or ``path`` is a folder.
    corridor.errors.ScenarioError
        No scenario, or two with one name.

    Examples
    --------
    >>> import corridor, tempfile, pathlib
    >>> out = corridor.report(corridor.builtin_scenarios()[:2], pathlib.Path(tempfile.mkdtemp()) / "report.html")
    >>> text = out.read_text(encoding="utf-8")
    >>> "TRIPP / Zangezur rail (via Armenia)" in text, '<meta charset="utf-8">' in text
    (True, True)
    >>> corridor.report(["TRIPP"], "report.html")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterTypeError: `report` takes Scenario objects (from corridor.read_scenarios, ...), got str.
    """
    items = _checked_scenarios(scenarios)
    if title is None:
        title = DEFAULT_TITLE
    elif not isinstance(title, str):
        raise ParameterTypeError(f"`title` must be a string, got {type(title).__name__}.")
    out = check_output_path(path, (".html", ".htm"))  # before the work, not after
    parts = _gather(items, region)
    return atomic_write_text(out, _page(title, parts))


def _checked_scenarios(scenarios: Any) -> list[Scenario]:
    from .scenario import Scenario

    items = [scenarios] if isinstance(scenarios, Scenario) else scenarios
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise ParameterTypeError(
            f"`report` takes a Scenario or a list of them, got {type(scenarios).__name__}; "
            "read files with corridor.read_scenarios()."
        )
    items = list(items)
    if not items:
        raise ScenarioError("`report` needs at least one scenario.")
    bad = [s for s in items if not isinstance(s, Scenario)]
    if bad:
        raise ParameterTypeError(
            "`report` takes Scenario objects (from corridor.read_scenarios, Scenario.from_dict or "
            f"builtin_scenarios), got {type(bad[0]).__name__}."
        )
    return items


def _gather(scenarios: list[Scenario], region: Region | None) -> _Parts:
    """Ask the measurement layer for everything the report shows; collect its warnings as notes."""
    from importlib.metadata import PackageNotFoundError, version

    from ._offline import inline_assets
    from .maps import compare_map
    from .scenario import compare

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorridorWarning)
        table = compare(scenarios, region=region)
        analyses = [s.analyze(region=region) for s in scenarios]
        m = compare_map(scenarios, region=region, title=None)
        map_page = inline_assets(m.get_root().render())
    notes: list[str] = []
    for w in caught:  # each corridor warning once, in the report and to the caller; others as they came
        if issubclass(w.category, CorridorWarning):
            if str(w.message) not in notes:
                notes.append(str(w.message))
                warnings.warn(w.message, stacklevel=3)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    try:
        corridor_version = version("corridor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        corridor_version = "0+unknown"
    return _Parts(
        scenarios,
        table,
        analyses,
        _printable_map(map_page),
        notes,
        analyses[0].region,
        corridor_version,
        dt.datetime.now(dt.timezone.utc),
    )


#: Added to the map's own page: its colours printed (the sea is a background), no buttons on
#: paper, a smaller credit.
_MAP_CSS = (
    "html,body,.leaflet-container{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".leaflet-control-attribution{font-size:9px}"
    "@media print{.leaflet-control-zoom,.leaflet-control-layers{display:none}}"
)

#: The legend as a strip under the map, in two columns, rather than over the routes (%d: its height).
_LEGEND_STRIP_CSS = (
    ".folium-map{height:calc(100%% - %(h)dpx)!important}"
    ".leaflet-control.corridor-legend-box{position:fixed;left:0;right:0;bottom:0;height:%(h)dpx;"
    "margin:0!important;float:none;clear:none}"
    ".corridor-legend{max-width:none!important;height:100%%;box-sizing:border-box;border-radius:0!important;"
    "box-shadow:none!important;border-top:1px solid #d6dae0;columns:2;column-gap:16px;"
    "padding:4px 8px!important;font-size:10.5px!important;line-height:1.35!important;overflow:hidden}"
    ".corridor-legend h4{column-span:all;font-size:11px!important;margin:0 0 2px!important}"
    ".corridor-legend .row{break-inside:avoid}"
)


def _printable_map(page: str) -> str:
    """The map's page with :data:`_MAP_CSS` and, when it has a legend, the legend under the map."""
    css = _MAP_CSS
    rows = page.count('class=\\"row\\"')  # the legend's rows, in the script that adds it
    if rows and "corridor-legend-box" in page:
        css += _LEGEND_STRIP_CSS % {"h": 24 + math.ceil(rows / 2) * 15}
    style = f"<style>{css}</style>"
    head_end = page.find("</head>")
    if head_end < 0:
        return style + page
    return page[:head_end] + style + page[head_end:]


# ---------------------------------------------------------------------------
# the page

_CSS = """
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d6dae0;--head:#f1f3f6;--warn:#b3261e;--ok:#2e7d32;--amber:#9a6700}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;padding:24px;color:var(--ink);background:#fff;
 font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
.page{max-width:186mm;margin:0 auto}
h1{font-size:24px;line-height:1.2;margin:0 0 4px}
h2{font-size:17px;margin:26px 0 8px;padding-bottom:3px;border-bottom:2px solid var(--ink);break-after:avoid}
h3{font-size:14px;margin:16px 0 6px;break-after:avoid}
h4{font-size:12.5px;margin:10px 0 2px;break-after:avoid}
p{margin:6px 0}
.subtitle{color:var(--muted);margin:0 0 10px}
.howto{background:var(--head);border-left:3px solid var(--ink);padding:6px 10px;margin:10px 0}
nav{font-size:12px;color:var(--muted)}nav a{color:inherit}
.note,.caption{color:var(--muted);font-size:11.5px}
code{font:11.5px/1.3 ui-monospace,"DejaVu Sans Mono",monospace}
table{width:100%;border-collapse:collapse;font-size:11.5px;font-variant-numeric:tabular-nums;margin:6px 0 4px}
caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 4px}
th,td{padding:3px 6px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
thead th{background:var(--head);vertical-align:bottom;border-bottom:1px solid #aab1bb}
thead{display:table-header-group}
tr{break-inside:avoid}
td.num,th.num{text-align:right;white-space:nowrap}
td.na{color:var(--muted)}
table.comparison th[scope=row] code{font-weight:600}
.unit{color:var(--muted);font-weight:400}
dl.glossary{columns:2;column-gap:18px;font-size:11px;line-height:1.3;margin:4px 0}
dl.glossary div{break-inside:avoid;margin:0 0 5px}
dl.glossary dt{font-weight:600}dl.glossary dd{margin:0;color:var(--muted)}
table.comparison{table-layout:fixed;break-inside:avoid}
table.comparison th[scope=row]{width:27%;font-weight:400}
table.comparison thead th.num{white-space:normal;overflow-wrap:anywhere}
table.comparison td{overflow-wrap:anywhere}
.warn{color:var(--warn);font-weight:600}
.flag{display:inline-block;padding:0 4px;border-radius:3px;font-size:10.5px;font-weight:600;color:#fff;
 background:var(--warn);white-space:nowrap}
tr.closed td{background:#fdf0ef}
.status-open{color:var(--ok)}.status-restricted{color:var(--amber)}
.status-closed,.status-planned,.status-unknown,.status-none{color:var(--warn)}
figure{margin:8px 0 14px;break-inside:avoid}
figure svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:11.5px}
iframe.map{display:block;width:100%;height:165mm;border:1px solid var(--line);break-inside:avoid}
ol.sources,ul.sources{padding-left:20px;margin:4px 0}
ol.sources li,ul.sources li{margin:2px 0;font-size:11.5px}
dl.assumptions{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
dl.assumptions dt{color:var(--muted)}dl.assumptions dd{margin:0}
footer{margin-top:28px;padding-top:6px;border-top:1px solid var(--line);color:var(--muted);font-size:11px}
section.scenario{break-inside:auto}
@page{size:A4;margin:12mm 12mm 15mm}
@media print{
 body{padding:0;font-size:10.5pt}
 .page{max-width:none}
 nav{display:none}
 h2{break-before:auto}
 section.major{break-before:page}
 a{color:inherit;text-decoration:none}
}
"""


def _css_string(text: str) -> str:
    """A CSS string literal holding ``text`` (every character but letters, digits and spaces escaped)."""
    body = "".join(c if c.isalnum() and c.isascii() or c == " " else f"\\{ord(c):x} " for c in text)
    return f'"{body}"'


def _page_css(title: str, version: str) -> str:
    """The stylesheet, with the page footer of the printed copy (title, version, page numbers)."""
    footer = _css_string(f"{title[:80]} · corridor {version}")
    margin_boxes = (
        "@page{@bottom-left{content:" + footer + ";font:8pt sans-serif;color:#5b6470}"
        '@bottom-right{content:"page " counter(page) " of " counter(pages);font:8pt sans-serif;color:#5b6470}}'
    )
    return _CSS + margin_boxes


def _page(title: str, parts: _Parts) -> str:
    body = "\n".join(
        [
            _header(title, parts),
            _map_section(parts),
            _comparison_section(parts),
            _charts_section(parts),
            _crossings_section(parts),
            _assumptions_section(parts),
            _uncertainty_section(parts),
            _credits_section(parts),
            _footer(title, parts),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="corridor {_esc(parts.version)}">\n'
        f"<title>{_esc(title)}</title>\n<style>{_page_css(title, parts.version)}</style>\n</head>\n"
        f'<body>\n<div class="page">\n{body}\n</div>\n<script>{_LOAD_MAP}</script>\n</body>\n</html>\n'
    )


#: The map's page goes into its frame once the report is laid out: a frame filled while the
#: report is still being parsed can start at 0 × 0 pixels, and Leaflet would fit the routes into that.
_LOAD_MAP = (
    "document.querySelectorAll('iframe[data-srcdoc]').forEach(function(f){"
    "void f.offsetWidth;f.srcdoc=f.getAttribute('data-srcdoc');f.removeAttribute('data-srcdoc');});"
)

_SECTIONS = (
    ("map", "Map"),
    ("comparison", "Comparison"),
    ("charts", "Charts"),
    ("crossings", "Crossing points used"),
    ("assumptions", "Assumptions and published lengths"),
    ("uncertainty", "Boundary uncertainty"),
    ("credits", "Sources and credits"),
)


def _header(title: str, parts: _Parts) -> str:
    groups = sorted({s.group for s in parts.scenarios if s.group})
    n = len(parts.scenarios)
    what = f"{n} scenario{'s' if n != 1 else ''}" + (f" ({_esc(', '.join(groups))})" if groups else "")
    subtitle = (
        f"{what} · region {_esc(parts.region.name)} · made {parts.when:%Y-%m-%d} with corridor {_esc(parts.version)}"
    )
    howto = (
        "<b>How to read this.</b> Every length is geodesic on WGS84, in km; the territory of a km is "
        "sovereign territory as drawn in the boundary data (land, inland waters, territorial sea). "
        "Travel times in hours are planning assumptions (the speeds and border dwell times listed "
        "under <a href='#assumptions'>Assumptions</a>), not timetables. Published lengths are set "
        "beside the modelled ones, never used to rescale them. “–” means no value (no published "
        "length, say)."
    )
    nav = " · ".join(f"<a href='#{k}'>{label}</a>" for k, label in _SECTIONS)
    return (
        f"<header>\n<h1>{_esc(title)}</h1>\n<p class='subtitle'>{subtitle}</p>\n"
        f"<p class='howto'>{howto}</p>\n<nav>Contents: {nav}</nav>\n</header>"
    )


def _map_section(parts: _Parts) -> str:
    doc = html.escape(parts.map_page, quote=True)
    return (
        "<section id='map'>\n<h2>Map</h2>\n"
        f"<iframe class='map' title='Map of the scenarios' sandbox='allow-scripts' data-srcdoc=\"{doc}\"></iframe>\n"
        "<p class='caption'>Each scenario in its own colour, with its stops and its border crossings "
        "(diamonds); official crossing points as squares coloured by status. On screen, the layer "
        "button switches scenarios on and off and every feature has a tooltip.</p>\n</section>"
    )


# ---------------------------------------------------------------------------
# the comparison table


def _format(value: Any, unit: str) -> tuple[str, str]:
    """A figure as (text, CSS class): "–" for none, units' usual decimals, text escaped."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return "–", "num na"
    if type(value).__name__ in ("bool", "bool_"):
        return ("yes" if value else "no"), ""
    if isinstance(value, numbers.Number):
        x = float(value)  # type: ignore[arg-type]
        if math.isnan(x):
            return "–", "num na"
        if math.isinf(x):
            return ("∞" if x > 0 else "−∞"), "num"
        if unit == "count":
            return f"{int(x):,}", "num"
        if unit == "ratio":
            return f"{x:.2f}", "num"
        if unit == "h":
            return f"{x:,.2f}", "num"
        if unit == "km" and 0 < abs(x) < 10:
            return f"{x:,.2f}", "num"  # 244 m from a border is not "0.2 km"
        if unit in ("km", "km/h"):
            return f"{x:,.1f}", "num"
        return (f"{x:,.0f}" if unit else f"{x:g}"), "num"
    return _esc(value), ""


def _meaning(column: str, parts: _Parts) -> str:
    from .measure import HEADLINE_COLUMNS

    if column in HEADLINE_COLUMNS:
        return HEADLINE_COLUMNS[column]
    if column == "cost":
        return "cost_per_km × length_km + cost_per_crossing × crossings, with each scenario's own costs"
    ident = column[3:] if column.startswith("km_") else column
    names = dict(zip(parts.region.countries["iso3"].astype(str), parts.region.countries["name"].astype(str)))
    return f"km in {names.get(ident, ident)} ({ident})"


def _comparison_section(parts: _Parts) -> str:
    from .io import column_units

    df = parts.table
    units = column_units(df)
    tables = []
    for start in range(0, len(df), _PER_TABLE):
        chunk = df.iloc[start : start + _PER_TABLE]
        head = "".join(f"<th scope='col' class='num'>{_esc(name)}</th>" for name in chunk.index)
        rows = []
        for col in df.columns:
            unit = units[str(col)]
            label = f"<code>{_esc(col)}</code>" + (f" <span class='unit'>({_esc(unit)})</span>" if unit else "")
            cells = []
            for value in chunk[col]:
                text, cls = _format(value, unit)
                if col == "closed_crossings" and text not in ("0", "–"):
                    cls += " warn"
                cells.append(f"<td class='{cls.strip()}'>{text}</td>" if cls.strip() else f"<td>{text}</td>")
            meaning = _esc(_meaning(str(col), parts))
            rows.append(f"<tr><th scope='row' title='{meaning}'>{label}</th>{''.join(cells)}</tr>")
        span = f"{start + 1}–{start + len(chunk)}" if len(chunk) > 1 else f"{start + 1}"
        more = f" (scenarios {span} of {len(df)})" if len(df) > _PER_TABLE else ""
        tables.append(
            f"<table class='comparison'>\n<caption>Headline figures{more}</caption>\n"
            f"<thead><tr><th scope='col'>figure (unit)</th>{head}</tr></thead>\n"
            f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>"
        )
    glossary = "".join(
        f"<div><dt><code>{_esc(col)}</code>{f' ({_esc(units[str(col)])})' if units[str(col)] else ''}</dt>"
        f"<dd>{_esc(_meaning(str(col), parts))}</dd></div>"
        for col in df.columns
    )
    currency = df.attrs.get("cost_currency")
    cost = f" Costs are in {_esc(currency)}." if currency else ""
    return (
        "<section id='comparison' class='major'>\n<h2>Comparison</h2>\n"
        "<p class='note'>One column per scenario (<code>corridor.compare</code>), with the names its CSV and "
        f"JSON exports use; what each figure means follows the table.{cost} Closed crossings (in red) are "
        "crossings with no open or restricted official crossing point of the route's mode.</p>\n"
        + "\n".join(tables)
        + f"\n<h3>What the figures mean</h3>\n<dl class='glossary'>{glossary}</dl>\n</section>"
    )


# ---------------------------------------------------------------------------
# charts (matplotlib, inline SVG)


def _svg(fig: Any, salt: str) -> str:
    """A matplotlib figure as an inline ``<svg>`` element: text kept as text, ids unique in the page."""
    import io

    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    svg = text[text.index("<svg") :]
    return svg.replace('id="', f'id="{salt}-').replace("url(#", f"url(#{salt}-").replace('href="#', f'href="#{salt}-')


def _charts_section(parts: _Parts) -> str:
    from matplotlib.figure import Figure

    from .measure import HEADLINE_COLUMNS
    from .plot import plot_border_profile, plot_comparison

    df = parts.table
    # the territories only: km_inland_water, km_sea and km_without_published overlap them
    territory = [c for c in df.columns if c.startswith("km_") and (c not in HEADLINE_COLUMNS or c == "km_unassigned")]
    fig = Figure(figsize=(7.2, 0.55 * len(df) + 1.4), layout="constrained")
    plot_comparison(df[["length_km", "crossings", *territory]], ax=fig.add_subplot())
    figures = [
        "<figure>" + _svg(fig, "bars") + "<figcaption>Km of each route in each territory (geodesic), "
        "with its length and number of international border crossings.</figcaption></figure>"
    ]
    for k, (s, a) in enumerate(zip(parts.scenarios, parts.analyses)):
        step = max(0.5, round(a.length_km / 600.0, 1))
        fig, ax = plot_border_profile(a, step_km=step, figsize=(7.2, 2.4))
        ax.set_title("", loc="left")  # the scenario's name heads the figure in the page, where it can wrap
        figures.append(
            f"<figure><h4>{_esc(s.name)}</h4>{_svg(fig, f'profile{k}')}<figcaption>Distance to the nearest "
            f"international border every {step:g} km along the route; diamonds mark crossings, the strip "
            "below the territory of each section.</figcaption></figure>"
        )
    return (
        "<section id='charts'>\n<h2>Charts</h2>\n<h3>Km by territory</h3>\n"
        + figures[0]
        + "\n<h3>Border profiles</h3>\n"
        + "\n".join(figures[1:])
        + "\n</section>"
    )


# ---------------------------------------------------------------------------
# crossing points, assumptions, uncertainty, credits


def _table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]], *, row_classes: Any = None) -> str:
    """A table of (column, unit) headers and formatted rows."""
    head = "".join(
        f"<th scope='col'{' class=num' if unit and unit != 'text' else ''}>{_esc(name)}"
        + (f" <span class='unit'>({_esc(unit)})</span>" if unit and unit not in ("text", "count", "ratio") else "")
        + "</th>"
        for name, unit in columns
    )
    body = []
    for k, row in enumerate(rows):
        cells = []
        for (_, unit), value in zip(columns, row):
            if isinstance(value, _Markup):
                cells.append(f"<td>{value}</td>")
                continue
            text, cls = _format(value, "" if unit == "text" else unit)
            cells.append(f"<td class='{cls}'>{text}</td>" if cls else f"<td>{text}</td>")
        cls = row_classes[k] if row_classes is not None else ""
        body.append(f"<tr class='{cls}'>{''.join(cells)}</tr>" if cls else f"<tr>{''.join(cells)}</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{chr(10).join(body)}\n</tbody>\n</table>"


class _Markup(str):
    """HTML built here from escaped parts (put in a table cell as it is)."""


def _status(value: Any) -> _Markup:
    text = "–" if value is None or isinstance(value, float) and math.isnan(value) else str(value)
    key = {"no crossing point": "none", "–": "none"}.get(text, text)
    return _Markup(f"<span class='status-{_esc(key.replace(' ', '-'))}'>{_esc(text)}</span>")


def _crossings_section(parts: _Parts) -> str:
    blocks = []
    for k, (s, a) in enumerate(zip(parts.scenarios, parts.analyses)):
        cx = a.crossings
        head = f"<h3 id='crossings-{k}'>{_esc(s.name)}</h3>"
        if not len(cx):
            blocks.append(f"{head}<p>No international border crossing.</p>")
            continue
        dwell = a.travel_time().crossings
        closed = set(a.closed_crossings.index)
        rows, classes = [], []
        for i, (idx, r) in enumerate(cx.iterrows()):
            bad = idx in closed
            point = r.get("crossing_point")
            flag = " <span class='flag'>not usable</span>" if bad else ""
            rows.append(
                [
                    r["km"],
                    f"{r['border']} ({r['from_iso3']} → {r['to_iso3']})",
                    point if isinstance(point, str) and point else "– (none matched)",
                    _status(r.get("point_status")),
                    r.get("mode"),
                    r.get("mode_allowed"),
                    _Markup(_status(r.get("crossing_status")) + flag),
                    dwell["dwell_h"].iloc[i] if i < len(dwell) else None,
                    dwell["dwell_from"].iloc[i] if i < len(dwell) else None,
                ]
            )
            classes.append("closed" if bad else "")
        columns = [
            ("at km", "km"),
            ("border", "text"),
            ("crossing point", "text"),
            ("point status", "text"),
            ("route mode", "text"),
            ("mode allowed", "text"),
            ("crossing status", "text"),
            ("dwell", "h"),
            ("dwell from", "text"),
        ]
        n_bad = len(closed)
        summary = (
            f"<p class='warn'>{n_bad} of {len(cx)} crossings not usable by this route's mode.</p>"
            if n_bad
            else f"<p>All {len(cx)} crossings at an open or restricted crossing point of the route's mode.</p>"
        )
        blocks.append(head + summary + _table(columns, rows, row_classes=classes))
    policies = sorted({_policy_text(a) for a in parts.analyses})
    return (
        "<section id='crossings' class='major'>\n<h2>Crossing points used</h2>\n"
        "<p class='note'>Each international border crossing of each route, with the official crossing "
        "point it is matched to (within 25 km, of the route's mode) and that point's status; a crossing "
        "is <em>not usable</em> when its point is closed or planned, admits another mode only, or there is "
        f"none. Statuses: {_esc('; '.join(policies))}. Dwell: the hours assumed there, and whether they "
        "come from the crossing point's published figure, the scenario's figure for the border pair, or "
        "its default.</p>\n" + "\n".join(blocks) + "\n</section>"
    )


def _policy_text(a: RouteAnalysis) -> str:
    policy = a.policy
    as_of = getattr(policy, "as_of", None)
    return f"{policy.source}, " + (f"as of {as_of}" if as_of else "as recorded")


def _speed_key(key: Any) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


def _assumptions(s: Scenario, a: RouteAnalysis) -> str:
    """The speeds, dwell times and costs behind a scenario's figures, and where they come from."""
    params = a.params
    origin = f"file {s.path.name}" if s.path is not None else params.source
    speeds = ", ".join(f"{_speed_key(k)} {v:g} km/h" for k, v in params.speeds_kmh.items()) or "none"
    dwell = ", ".join(f"{'–'.join(k)} {v:g} h" for k, v in params.dwell_h.items())
    rows = [
        ("Assumptions from", _esc(f"{origin} ({params.source})")),
        (
            "Speeds given",
            _esc(speeds) + "; any other mode/status: the package defaults "
            "(<code>corridor.measure.DEFAULT_SPEEDS_KMH</code>); a leg's own speed wins",
        ),
        (
            "Dwell at borders",
            _esc((dwell + "; " if dwell else "") + f"any other border {params.default_dwell_h:g} h per crossing")
            + " (a crossing point's published dwell wins)",
        ),
    ]
    p = s.parameters
    if p.cost_per_km is not None or p.cost_per_crossing is not None:
        cost = f"{p.cost_per_km or 0:g} {p.currency}/km, {p.cost_per_crossing or 0:g} {p.currency} per crossing"
        rows.append(("Costs", _esc(cost)))
    return "<dl class='assumptions'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _legs(s: Scenario, a: RouteAnalysis) -> str:
    """Each leg: modelled and published km, speed and hours, then each leg's sources."""
    legs = s.leg_table()
    timing = a.travel_time().legs
    same = len(timing) == len(legs)
    rows = [
        [
            r["leg"],
            r["mode"],
            r["status"],
            r["length_km"],
            r["published_km"],
            r["ratio_to_published"],
            timing["speed_kmh"].iloc[i] if same else None,
            timing["hours"].iloc[i] if same else None,
        ]
        for i, (_, r) in enumerate(legs.iterrows())
    ]
    columns = [
        ("leg", "text"),
        ("mode", "text"),
        ("status", "text"),
        ("modelled", "km"),
        ("published", "km"),
        ("ratio", "ratio"),
        ("speed", "km/h"),
        ("time", "h"),
    ]
    notes = []
    for _, r in legs.iterrows():
        bits = []
        if isinstance(r["published_source"], str) and r["published_source"]:
            bits.append(f"published length: {_esc(r['published_source'])}")
        if isinstance(r["source"], str) and r["source"]:
            bits.append(_esc(r["source"]))
        if bits:
            notes.append(f"<li><b>{_esc(r['leg'])}</b>: {'. '.join(bits)}</li>")
    sources = f"<ol class='sources'>{''.join(notes)}</ol>" if notes else ""
    return _table(columns, rows) + sources


def _assumptions_section(parts: _Parts) -> str:
    blocks = [
        f"<section class='scenario'><h3>{_esc(s.name)}</h3>{_assumptions(s, a)}{_legs(s, a)}</section>"
        for s, a in zip(parts.scenarios, parts.analyses)
    ]
    return (
        "<section id='assumptions' class='major'>\n<h2>Assumptions and published lengths</h2>\n"
        "<p class='note'>Speeds and dwell times are planning assumptions, each scenario's own. Each leg's "
        "modelled length is geodesic along its line; the published length, where there is one, is the "
        "figure its source gives (ratio = modelled / published).</p>\n" + "\n".join(blocks) + "\n</section>"
    )


def _near_misses(a: RouteAnalysis) -> str:
    nm = a.near_misses
    if not len(nm):
        return "–"
    return "; ".join(
        f"{r.iso3} {r.distance_km:.2f} km away ({r.border})" + (" — within the accuracy" if r.within_accuracy else "")
        for r in nm.itertuples()
    )


def _uncertainty_section(parts: _Parts) -> str:
    acc = parts.region.accuracy_m
    if acc:
        intro = (
            f"The boundaries of {_esc(parts.region.name)} lie a median {acc / 1000:.2f} km from another "
            "dataset's (<code>Region.accuracy_m</code>). Closer to a border than that, the side a km falls "
            "on depends on the dataset: <code>uncertain_km</code> counts those km, and a territory a route "
            "stays out of by less than that may be entered over other boundary data."
        )
    else:
        intro = "The region states no positional accuracy of its boundaries, so uncertain_km is not known."
    rows = [
        [s.name, row["uncertain_km"], row["km_within_1km_border"], row["min_clearance_km"], _near_misses(a)]
        for s, a, (_, row) in zip(parts.scenarios, parts.analyses, parts.table.iterrows())
    ]
    columns = [
        ("scenario", "text"),
        ("uncertain", "km"),
        ("within 1 km of a border", "km"),
        ("min. clearance", "km"),
        ("territories passed within 5 km, not entered", "text"),
    ]
    notes = "".join(f"<li>{_esc(n)}</li>" for n in parts.notes)
    warned = f"<h3>Warnings of the analysis</h3><ul class='sources'>{notes}</ul>" if notes else ""
    return (
        f"<section id='uncertainty'>\n<h2>Boundary uncertainty</h2>\n<p>{intro}</p>\n"
        f"{_table(columns, rows)}\n{warned}\n</section>"
    )


def _credits_section(parts: _Parts) -> str:
    from .crossings import crossing_points

    ids = sorted({str(i) for a in parts.analyses for i in a.crossings.get("crossing_point_id", []) if i})
    points = crossing_points()
    used = points[points["id"].isin(ids)]
    point_items = "".join(
        f"<li><b>{_esc(r['name'])}</b>: status {_esc(r['status'])} — {_esc(r['status_source'])}</li>"
        for _, r in used.iterrows()
    )
    credit = _esc(parts.region.attribution or "not stated")
    odbl = (
        " Data © OpenStreetMap contributors, available under the Open Database License (ODbL) 1.0."
        if "openstreetmap" in (parts.region.attribution or "").lower()
        else ""
    )
    blocks = []
    for s in parts.scenarios:
        where = f" <span class='note'>(file {_esc(s.path.name)})</span>" if s.path is not None else ""
        desc = f"<p>{_esc(s.description)}</p>" if s.description else ""
        src = "".join(f"<li>{_esc(x)}</li>" for x in s.sources)
        listed = f"<ul class='sources'>{src}</ul>" if src else "<p class='note'>No sources given.</p>"
        blocks.append(f"<h3>{_esc(s.name)}{where}</h3>{desc}{listed}")
    return (
        "<section id='credits'>\n<h2>Sources and credits</h2>\n"
        f"<p><b>Boundaries</b> ({_esc(parts.region.name)}): {credit}.{odbl}</p>\n"
        "<p><b>Crossing points</b> used by these routes, with each one's status as recorded and its source "
        "(corridor's data/crossing_points.csv; a scenario's date or openings can change the status it uses, "
        "as the crossing tables above show):</p>\n"
        f"<ul class='sources'>{point_items or '<li>none</li>'}</ul>\n"
        + "\n".join(blocks)
        + f"\n<p class='note'>Software: corridor {_esc(parts.version)} (MIT); map drawn with Leaflet (BSD 2-Clause) "
        "through folium; charts with matplotlib.</p>\n</section>"
    )


def _footer(title: str, parts: _Parts) -> str:
    return (
        f"<footer>{_esc(title)} · made {parts.when:%Y-%m-%d %H:%M} UTC with corridor {_esc(parts.version)} · "
        f"lengths geodesic on WGS84 · boundary data: {_esc(parts.region.attribution or 'not stated')}</footer>"
    )
