"""Files in and out: route line layers, and tables (CSV, JSON, Markdown, HTML).

Route files are read with GDAL (through geopandas/pyogrio) from any line
layer it reads: GeoJSON, GeoPackage, FlatGeobuf, GPX, KML, Shapefile.  They
are written as GeoJSON, GeoPackage or FlatGeobuf, one feature per leg.
Tables are written as text in one of four formats.  Every write is atomic
(:func:`corridor._files.atomic_write`): a failed or interrupted write never
leaves a half-written file.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from ._files import atomic_write, atomic_write_text, open_input
from ._validate import lonlat_array, positive_number
from ._xml import DEFAULT_MAX_XML_BYTES, RootCheck, scan_xml
from .errors import CRSError, DataError, GeometryError, ParameterError
from .geodesy import GEOD
from .route import Route

if TYPE_CHECKING:
    pass

__all__ = [
    "MAX_ROUTE_VERTICES",
    "TABLE_FORMATS",
    "WRITE_DRIVERS",
    "column_units",
    "comparison_text",
    "export_comparison",
    "export_table",
    "markdown_table",
    "read_route",
    "table_text",
    "write_route",
]

#: File types :func:`write_route` produces (single-file formats GDAL writes reliably).
WRITE_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".fgb": "FlatGeobuf"}

#: Default largest number of vertices in a route file (:func:`read_route`'s ``max_vertices``).
MAX_ROUTE_VERTICES = 5_000_000

#: Text formats of :func:`table_text`, by file extension.
TABLE_FORMATS = {".csv": "csv", ".md": "markdown", ".html": "html", ".htm": "html", ".json": "json"}


# ---------------------------------------------------------------------------
# routes


def read_route(
    path: str | Path,
    *,
    layer: str | int | None = None,
    name: str | None = None,
    mode: str = "rail",
    status: str = "existing",
    speed_kmh: float | None = None,
    source: str | None = None,
    tolerance_m: float = 1.0,
    max_vertices: int = MAX_ROUTE_VERTICES,
) -> Route:
    """Read a route from any line layer GDAL reads (GeoJSON, GPKG, FlatGeobuf, GPX, KML, Shapefile).

    A layer of several lines is joined in file order when each starts
    where the previous one ends (within ``tolerance_m``; reversed pieces
    are turned round); otherwise a :class:`~corridor.errors.GeometryError`
    says where the chain breaks.  A layer in another CRS is reprojected; one
    without a CRS raises :class:`~corridor.errors.CRSError`.  Named points
    (KML placemarks, GPX waypoints) become stops.

    Parameters
    ----------
    path : path-like
        The file.
    layer : str or int, optional
        The layer of a multi-layer file (default: the first line layer).
    name : str, optional
        The route's name (default: the first line's ``name``, else the file name).
    mode, status, speed_kmh
        The route's attributes (see :class:`corridor.Leg`).
    source : str, optional
        Default ``"file <name>"``.
    tolerance_m : float, default 1
        Largest gap (geodesic metres) between consecutive lines of the layer.
    max_vertices : int, default 5,000,000
        Refuse a layer with more vertices than this (:data:`MAX_ROUTE_VERTICES`).

    Returns
    -------
    Route

    Raises
    ------
    FileNotFoundError
        No such file.
    corridor.errors.DataError
        A folder, a device or a pipe; a file GDAL cannot read (garbage, truncated);
        a KML or GPX file with a document type declaration (entities are never expanded).
    corridor.errors.CRSError
        A layer without a CRS, or one that cannot be reprojected to lon/lat.
    corridor.errors.GeometryError
        No lines (an empty layer, only points), a polygon, NaN or infinite coordinates,
        latitudes beyond ±90°, more than ``max_vertices`` vertices, or lines that do not chain.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = Route.from_places(["Meghri", "Ordubad"]).write(folder / "r.geojson")
    >>> round(read_route(path).length_km, 1)
    19.1
    >>> read_route(folder / "missing.geojson")
    Traceback (most recent call last):
    ...
    FileNotFoundError: Route file '.../missing.geojson' does not exist.
    """
    path = Path(path)
    where = repr(str(path))
    max_vertices = int(positive_number(max_vertices, "max_vertices"))
    _check_route_file(path, where)
    gdf = _checked_layer(_read_layer(path, layer, where), where, max_vertices)
    lines, points, name_col = _lines_and_points(gdf, path)
    coords = _chain(lines, tolerance_m, where=str(path))
    label = name
    if label is None and name_col is not None:
        line_rows = gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]
        first = line_rows[name_col].iloc[0] if len(line_rows) else None
        label = first if isinstance(first, str) and first else None
    try:
        r = Route.from_coords(
            coords,
            name=label or path.stem,
            mode=mode,
            status=status,
            speed_kmh=speed_kmh,
            source=source if source is not None else f"file {path.name}",
        )
    except GeometryError as exc:  # a zero-length route, say: name the file
        raise GeometryError(f"{where}: {exc}") from None
    if points:
        ends = [("start", *r.start)] if points[0][1:] != r.start else []
        tail = [("end", *r.end)] if points[-1][1:] != r.end else []
        r = r._with_stops([*ends, *points, *tail])
        r = replace(r, stops=tuple(sorted(r.stops, key=lambda st: st.km)))
    return r


def _checked_layer(gdf: Any, where: str, max_vertices: int) -> Any:
    """The layer's non-empty geometries in lon/lat, with a CRS, finite and within range."""
    if gdf.crs is None:
        msg = (
            f"{where} has no CRS; corridor cannot tell degrees from metres. "
            "Set one (for GeoJSON, coordinates must be WGS84 lon/lat)."
        )
        raise CRSError(msg)
    gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    n = int(shapely.get_num_coordinates(np.asarray(gdf.geometry.values, dtype=object)).sum())
    if n > max_vertices:
        msg = (
            f"{where} holds {n:,} vertices; routes are limited to `max_vertices`={max_vertices:,}. Simplify the "
            "lines first (`shapely.simplify`, `ogr2ogr -simplify`), or raise `max_vertices`."
        )
        raise GeometryError(msg)
    try:
        gdf = gdf.to_crs("EPSG:4326")
    except Exception as exc:  # pyproj refuses some CRSs only when asked to transform
        raise CRSError(f"Cannot reproject {where} from {gdf.crs.name!r} to lon/lat (EPSG:4326): {exc}") from exc
    if len(gdf) == 0:
        raise GeometryError(f"{where} holds no lines.")
    lonlat_array(shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object)), what=f"layer of {where}")
    return gdf


def _lines_and_points(gdf: Any, path: Path) -> tuple[list[Any], list[tuple[str, float, float]], str | None]:
    """The layer's lines (multi-lines exploded) and its named points, in file order."""
    lines: list[Any] = []
    points: list[tuple[str, float, float]] = []
    name_col = next((c for c in ("name", "Name", "NAME") if c in gdf.columns), None)
    for k, g in enumerate(gdf.geometry):
        if g.geom_type == "LineString":
            lines.append(g)
        elif g.geom_type == "MultiLineString":
            lines.extend(part for part in shapely.get_parts(g) if not part.is_empty)
        elif g.geom_type == "Point":  # placemarks / waypoints: named ones become stops
            label_k = gdf[name_col].iloc[k] if name_col else None
            if isinstance(label_k, str) and label_k:
                points.append((label_k, g.x, g.y))
        else:
            raise GeometryError(f"{str(path)!r} holds a {g.geom_type}; a route needs LineStrings.")
    if not lines:
        raise GeometryError(f"{str(path)!r} holds no lines (only points?); a route needs LineStrings.")
    return lines, points, name_col


def _chain(lines: list[Any], tolerance_m: float, *, where: str) -> np.ndarray:
    """Join lines in order into one coordinate array (turning reversed pieces).

    Hand-written because ``shapely.line_merge`` needs exactly shared end points
    and does not keep the file's order; here ends may be up to ``tolerance_m``
    apart (geodesic) and a break is reported at the line where it happens.
    """
    out = shapely.get_coordinates(lines[0])
    for k, line in enumerate(lines[1:], start=1):
        c = shapely.get_coordinates(line)
        d_fwd = GEOD.inv(*out[-1], *c[0])[2]
        d_rev = GEOD.inv(*out[-1], *c[-1])[2]
        if k == 1:  # the first piece may itself be reversed
            d_ff = GEOD.inv(*out[0], *c[0])[2]
            d_fr = GEOD.inv(*out[0], *c[-1])[2]
            if min(d_ff, d_fr) < min(d_fwd, d_rev) and min(d_ff, d_fr) <= tolerance_m:
                out = out[::-1]
                d_fwd, d_rev = d_ff, d_fr
        if d_fwd <= tolerance_m:
            out = np.vstack([out, c[1:] if d_fwd == 0 else c])
        elif d_rev <= tolerance_m:
            c = c[::-1]
            out = np.vstack([out, c[1:] if d_rev == 0 else c])
        else:
            msg = (
                f"{where}: line {k + 1} does not connect to line {k} (nearest end "
                f"{min(d_fwd, d_rev):.0f} m away, tolerance {tolerance_m:g} m). Put the lines in "
                "route order, or join them yourself."
            )
            raise GeometryError(msg)
    return out


#: Root elements of the XML route formats, checked (with defusedxml) before GDAL reads them.
_XML_ROOTS = {".kml": ("kml", "KML"), ".gpx": ("gpx", "GPX")}


def _check_route_file(path: Path, where: str) -> None:
    """Refuse a folder, a device or a pipe; read a KML or GPX file once with defusedxml."""
    with open_input(path, what="Route file", error=DataError) as f:
        root = _XML_ROOTS.get(path.suffix.lower())
        if root is not None:
            check = RootCheck((root[0],), root[1])
            scan_xml(f, check, where=where, max_bytes=DEFAULT_MAX_XML_BYTES, error=DataError, utf8=False)


def _read_layer(path: Path, layer: str | int | None, where: str) -> Any:
    """The layer as a GeoDataFrame (GPX: tracks, else routes); GDAL's complaints as DataError."""
    import geopandas as gpd

    kw: dict[str, Any] = {}
    if layer is not None:
        kw["layer"] = layer
    elif path.suffix.lower() == ".gpx":
        kw["layer"] = "tracks"
    else:
        kw.update(_line_layer(path))
    try:
        with np.errstate(invalid="ignore"):  # a NaN vertex: refused by name after the read
            gdf = gpd.read_file(path, **kw)
            if path.suffix.lower() == ".gpx" and len(gdf) == 0 and layer is None:
                gdf = gpd.read_file(path, layer="routes")
    except Exception as exc:  # GDAL reports many kinds of trouble; say which file
        raise DataError(f"Cannot read {where} as a line layer: {str(exc).strip()}") from exc
    return gdf


def _line_layer(path: Path) -> dict[str, Any]:
    """``{"layer": name}`` of the first line layer of a multi-layer file, else ``{}``."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception:  # let the reader report the problem
        return {}
    if len(layers) < 2:
        return {}
    for name, gtype in layers:
        if gtype and "LineString" in str(gtype):
            return {"layer": str(name)}
    return {"layer": str(layers[0][0])}


def write_route(route: Route, path: str | Path) -> Path:
    """Write a route to a file, atomically: GeoJSON, GeoPackage or FlatGeobuf.

    One feature per leg (``route``, ``leg``, ``mode``, ``status``,
    ``speed_kmh``, ``from_km``, ``to_km``, ``length_km``, ``source``).  A
    GeoPackage also gets a ``stops`` layer with the named stops.  Other
    formats (KML, GPX, Shapefile) are refused: convert the GeoJSON with
    ``ogr2ogr`` if you need them.

    Parameters
    ----------
    route : Route
    path : path-like
        ``.geojson``, ``.json``, ``.gpkg`` or ``.fgb``; its folder must exist.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_route(Route.from_places(["Meghri", "Ordubad"]), folder / "r.gpkg").name
    'r.gpkg'
    >>> write_route(Route.from_places(["Meghri", "Ordubad"]), folder / "r.kml")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Cannot write a route as '.kml'; use one of .fgb, .geojson, .gpkg, .json ...
    """
    path = Path(path)
    driver = WRITE_DRIVERS.get(path.suffix.lower())
    if driver is None:
        msg = (
            f"Cannot write a route as {path.suffix or 'a file without extension'!r}; use one of "
            f"{', '.join(sorted(WRITE_DRIVERS))} (convert with ogr2ogr for KML, GPX or Shapefile)."
        )
        raise ParameterError(msg)
    gdf = route.to_gdf()
    layer = "".join(c if c.isalnum() else "_" for c in path.stem) or "route"

    def write(tmp: Path) -> None:
        if driver == "GPKG":
            gdf.to_file(tmp, driver=driver, layer=layer)
            route.stops_gdf().to_file(tmp, driver=driver, layer="stops")
        else:
            gdf.to_file(tmp, driver=driver)

    return atomic_write(path, write)


# ---------------------------------------------------------------------------
# tables


def _escape_cell(v: Any) -> Any:
    """A Markdown table cell: ``|`` escaped, line breaks as spaces."""
    if isinstance(v, str):
        return " ".join(v.replace("|", "\\|").split())
    return v


def markdown_table(df: pd.DataFrame, *, index: bool = True) -> str:
    r"""A DataFrame as a Markdown table (pandas + tabulate), ``|`` and line breaks in cells escaped.

    Parameters
    ----------
    df : pandas.DataFrame
    index : bool, default True
        Include the index as the first column.

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"a|b": ["x|y"], "km": [1.5]}), index=False), end="")
    | a\|b   |   km |
    |:-------|-----:|
    | x\|y   | 1.50 |
    """
    out = df.copy()
    out.columns = [_escape_cell(str(c)) for c in out.columns]
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].map(_escape_cell)
    out.index = out.index.map(_escape_cell)
    return out.to_markdown(index=index, floatfmt=".2f") + "\n"


def _json_value(v: Any) -> Any:
    """A value for strict JSON: NaN and infinity become null."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def table_text(
    df: pd.DataFrame,
    fmt: str,
    *,
    index: bool = True,
    caption: str | None = None,
    attribution: str | None = None,
) -> str:
    """A table as text: ``csv``, ``json`` (a list of records), ``markdown``, ``html`` or ``table``.

    JSON is strict: NaN and infinity are written as ``null``.  ``table`` is
    pandas' plain-text rendering.  ``html`` is a whole UTF-8 page
    (``<meta charset="utf-8">``, ``lang``) holding one table with a
    ``<caption>``, the unit of each column in its header
    (:func:`column_units`), NaN shown as "–", and a footer with the
    attribution of the data, the corridor version and the date.

    Parameters
    ----------
    df : pandas.DataFrame
    fmt : {"csv", "json", "markdown", "html", "table"}
    index : bool, default True
        Include the index (in JSON, as the first key of each record).
    caption : str, optional
        HTML only: the table's caption (default: ``"Corridor comparison"`` for a
        table indexed by ``scenario``, as :func:`corridor.compare` returns, else
        ``"Corridor table"``).
    attribution : str, optional
        HTML only: who made the data behind the figures (default:
        ``df.attrs["attribution"]``, else the built-in boundary data's credit,
        © OpenStreetMap contributors, ODbL).  Give your region's credit
        (:attr:`corridor.Region.attribution`) for a table computed on your own
        boundaries.

    Returns
    -------
    str

    Examples
    --------
    >>> df = pd.DataFrame({"km": [1.25, float("inf")]}, index=pd.Index(["a", "b"], name="route"))
    >>> print(table_text(df, "json"), end="")
    [
      {
        "route": "a",
        "km": 1.25
      },
      {
        "route": "b",
        "km": null
      }
    ]
    >>> table_text(df, "xml")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Unknown format 'xml'; use csv, json, markdown, html or table.
    """
    if fmt == "csv":
        return _csv_safe(df).to_csv(float_format="%.6g", index=index)
    if fmt == "json":
        flat = df.reset_index() if index else df
        recs = [{str(k): _json_value(v) for k, v in r.items()} for r in flat.to_dict(orient="records")]
        return json.dumps(recs, ensure_ascii=False, indent=2, allow_nan=False, default=_json_default) + "\n"
    if fmt == "markdown":
        return markdown_table(df, index=index)
    if fmt == "html":
        return _html_page(df, index=index, caption=caption, attribution=attribution)
    if fmt == "table":
        with pd.option_context(
            "display.width", 250, "display.max_columns", 60, "display.float_format", lambda x: f"{x:.1f}"
        ):
            return df.to_string(index=index) + "\n"
    raise ParameterError(f"Unknown format {fmt!r}; use csv, json, markdown, html or table.")


#: Units of the columns whose names do not end in one (:func:`column_units`).
_NAMED_UNITS = {
    "km": "km",
    "hours": "h",
    "crossings": "count",
    "closed_crossings": "count",
    "ratio_to_published": "ratio",
    "detour_index": "ratio",
}


def column_units(df: pd.DataFrame) -> dict[str, str]:
    """The unit of each column of a table of corridor figures, read from its name.

    ``*_km`` and ``km_*`` are km, ``*_m`` metres, ``*_h`` and ``hours`` hours,
    ``*_kmh`` km/h, ``*_pct`` %; ``crossings`` and ``closed_crossings`` are
    counts; ``ratio_to_published`` and ``detour_index`` ratios; ``cost`` is in
    ``df.attrs["cost_currency"]`` (as :func:`corridor.compare` sets it).
    Text columns (``transit``, names) get ``""``.

    Parameters
    ----------
    df : pandas.DataFrame

    Returns
    -------
    dict
        Column name → unit.

    Examples
    --------
    >>> t = pd.DataFrame(columns=["length_km", "km_ARM", "travel_time_h", "crossings", "transit", "cost"])
    >>> t.attrs["cost_currency"] = "EUR"
    >>> column_units(t)
    {'length_km': 'km', 'km_ARM': 'km', 'travel_time_h': 'h', 'crossings': 'count', 'transit': '', 'cost': 'EUR'}
    >>> column_units(pd.DataFrame())
    {}
    """
    out = {}
    for c in df.columns:
        name = str(c)
        if name in _NAMED_UNITS:
            unit = _NAMED_UNITS[name]
        elif name == "cost":
            unit = str(df.attrs.get("cost_currency", ""))
        elif name.endswith("_kmh"):
            unit = "km/h"
        elif name.endswith("_km") or name.startswith("km_"):
            unit = "km"
        elif name.endswith("_m"):
            unit = "m"
        elif name.endswith("_h"):
            unit = "h"
        elif name.endswith("_pct"):
            unit = "%"
        else:
            unit = ""
        out[name] = unit
    return out


_PAGE_CSS = (
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;color:#1a1a1a;"
    "margin:24px}"
    "table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}"
    "caption{caption-side:top;text-align:left;font-weight:600;font-size:16px;padding:0 0 8px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}"
    "thead th{background:#f2f4f7;text-align:left}td{text-align:right;white-space:nowrap}"
    "tbody tr>:first-child{text-align:left;white-space:normal;min-width:14em}"
    "p.attribution{font-size:12px;color:#555;max-width:60em}"
    "@media print{body{margin:0}@page{size:A4 landscape;margin:12mm}}"
)


def _html_page(df: pd.DataFrame, *, index: bool, caption: str | None, attribution: str | None) -> str:
    """A table as a whole UTF-8 HTML page: caption, units in the header, attribution (every string escaped)."""
    import datetime as dt
    import html
    from importlib.metadata import PackageNotFoundError, version

    from ._builds import OSM_ATTRIBUTION

    try:
        corridor_version = version("corridor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        corridor_version = "0+unknown"
    if caption is None:
        caption = "Corridor comparison" if df.index.name == "scenario" else "Corridor table"
    if attribution is None:
        attribution = str(df.attrs.get("attribution") or f"boundaries {OSM_ATTRIBUTION}")
    units = column_units(df)
    shown = df.rename(columns={c: f"{c} ({units[str(c)]})" if units[str(c)] else str(c) for c in df.columns})

    def number(x: float) -> str:
        return "∞" if x == math.inf else "-∞" if x == -math.inf else f"{x:.3f}"

    if index and any(n is not None for n in shown.index.names):
        shown, index = shown.reset_index(), False  # the index's name in the header row, not a row of its own
    table = shown.to_html(escape=True, float_format=number, na_rep="–", index=index, border=0)
    first_close = table.index(">") + 1
    table = table[:first_close] + f"\n  <caption>{html.escape(caption)}</caption>" + table[first_close:]
    today = dt.date.today().isoformat()
    footer = (
        "Lengths are geodesic on WGS84; units are in the column headers; – means no value. "
        f"Data: {html.escape(attribution)}. Made with corridor {html.escape(corridor_version)} on {today}."
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="corridor {html.escape(corridor_version)}">\n'
        f"<title>{html.escape(caption)}</title>\n<style>{_PAGE_CSS}</style>\n</head>\n<body>\n"
        f'{table}\n<p class="attribution">{footer}</p>\n</body>\n</html>\n'
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(v: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) gets a leading ``'``."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """The table with formula-like text cells (and index labels) defused for spreadsheets (OWASP, CSV injection)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(_csv_cell)
    if not isinstance(out.index, pd.MultiIndex) and (
        out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype)
    ):
        out.index = out.index.map(_csv_cell)
    out.columns = [_csv_cell(c) for c in out.columns]
    return out


def _json_default(v: Any) -> Any:
    """Numpy scalars and other values JSON does not know."""
    if isinstance(v, np.generic):
        return _json_value(v.item())
    return str(v)


def export_table(
    df: pd.DataFrame,
    path: str | Path,
    *,
    format: str | None = None,
    caption: str | None = None,
    attribution: str | None = None,
) -> Path:
    """Write a table to CSV, Markdown, HTML or JSON (by extension or ``format``), atomically.

    HTML is a whole UTF-8 page with a caption, units in the header and the
    data's attribution (see :func:`table_text`).

    Parameters
    ----------
    df : pandas.DataFrame
    path : path-like
        ``.csv``, ``.md``, ``.html``/``.htm`` or ``.json``; its folder must exist.
    format : {"csv", "markdown", "html", "json"}, optional
        Overrides the extension.
    caption, attribution : str, optional
        HTML only: the table's caption and the data's credit (see :func:`table_text`).

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = export_table(pd.DataFrame({"km": [1.5]}), pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> p.read_text().splitlines()
    [',km', '0,1.5']
    >>> export_table(pd.DataFrame(), "table.xlsx")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Cannot tell the format of 'table.xlsx'; use .csv, .md, .html or .json ...
    """
    path = Path(path)
    fmt = format or TABLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParameterError(
            f"Cannot tell the format of {str(path)!r}; use .csv, .md, .html or .json or pass `format=`."
        )
    return atomic_write_text(path, table_text(df, fmt, caption=caption, attribution=attribution))


#: The comparison table as text (the name used since corridor 0.1).
comparison_text = table_text
#: Write a comparison table (the name used since corridor 0.1).
export_comparison = export_table
