"""Files in and out: route line layers, and tables (CSV, JSON, Markdown, HTML).

Route files are read with GDAL (through geopandas/pyogrio) from any line
layer it reads: GeoJSON, GeoPackage, FlatGeobuf, GPX, KML, Shapefile.  They
are written as GeoJSON (RFC 7946), GeoPackage or FlatGeobuf, one feature per
leg, per gap between legs and per stop, and read back as the route that was
written.
Tables are written as text in one of four formats.  Every write is atomic
(:func:`corridor._files.atomic_write`): a failed or interrupted write never
leaves a half-written file.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ._files import atomic_write, atomic_write_text, open_input
from ._validate import check_leg_attrs, lonlat_array, non_negative_number, positive_number
from ._xml import DEFAULT_MAX_XML_BYTES, RootCheck, scan_xml
from .errors import CRSError, DataError, GeometryError, ParameterError, ParameterTypeError
from .geodesy import GEOD, segment_lengths_m
from .route import Leg, Route, Stop

__all__ = [
    "MAX_LAYER_NAME_CHARS",
    "MAX_ROUTE_VERTICES",
    "ROUTE_FEATURE_KINDS",
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

#: The kinds of feature in a route file written by :func:`write_route` (its ``kind`` column).
ROUTE_FEATURE_KINDS = ("leg", "gap", "stop")

#: Longest layer name :func:`write_route` gives (the full name is in the ``route`` column).
MAX_LAYER_NAME_CHARS = 100

#: Columns that mark a layer as a route file written by :func:`write_route` (corridor ≥ 0.3).
_ROUTE_FILE_MARK = frozenset({"seq", "kind", "route", "leg"})
#: Route attributes written as ``route_<attribute>`` columns when the first leg does not tell them.
_ROUTE_ATTRS = ("mode", "status", "speed_kmh", "source", "published_km", "published_source")
#: Leg ends closer than this to a vertex (km: 1 mm) are cut at the vertex.
_SNAP_KM = 1e-6


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

    A file written by :func:`write_route` comes back as the route that was
    written: its name, its legs with their own attributes, and its stops with
    their chainage (see :func:`write_route` for the layout).

    Any other layer of several lines is joined in file order when each starts
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
        The route's name (default: the file's ``route`` column, else the first
        line's ``name``, else the file name).
    mode, status, speed_kmh
        The route's attributes (see :class:`corridor.Leg`) when the file does not
        say: a file written by :func:`write_route` keeps its legs' own.
    source : str, optional
        Likewise; default ``"file <name>"``.
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
        a KML or GPX file with a document type declaration (entities are never expanded);
        a route file whose columns say something impossible (an unknown mode, a negative
        speed, features out of order).
    corridor.errors.CRSError
        A layer without a CRS, or one that cannot be reprojected to lon/lat.
    corridor.errors.GeometryError
        No lines (an empty layer, only points), a polygon, NaN or infinite coordinates,
        latitudes beyond ±90°, more than ``max_vertices`` vertices, or lines that do not chain.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> a = Route.from_places(["Meghri", "Ordubad"], name="a")
    >>> b = Route.from_places(["Ordubad", "Julfa"], name="b", status="planned")
    >>> back = read_route(Route.join([a, b], name="Meghri – Julfa").write(folder / "r.fgb"))
    >>> back.name, [(lg.name, lg.status) for lg in back.legs], round(back.length_km, 1)
    ('Meghri – Julfa', [('a', 'existing'), ('b', 'planned')], 53.6)
    >>> read_route(folder / "missing.geojson")
    Traceback (most recent call last):
    ...
    FileNotFoundError: Route file '.../missing.geojson' does not exist.
    """
    path = Path(path)
    where = repr(str(path))
    max_vertices = int(positive_number(max_vertices, "max_vertices"))
    check_leg_attrs(mode, status, speed_kmh)
    tolerance_m = non_negative_number(tolerance_m, "tolerance_m", unit="metres")
    given = {"name": name, "mode": mode, "status": status, "speed_kmh": speed_kmh, "source": source}
    _check_route_file(path, where)
    gdf, layer_name = _read_layer(path, layer, where)
    gdf = _checked_layer(gdf, where, max_vertices)
    if _ROUTE_FILE_MARK <= set(gdf.columns):
        stops = _stops_layer(path, gdf, layer_name, where, max_vertices)
        return _route_from_file(gdf, stops, path, where, tolerance_m, name)
    if {"route", "leg", "from_km"} <= set(gdf.columns) and pd.api.types.is_numeric_dtype(gdf["from_km"]):
        gdf = gdf.sort_values("from_km", kind="stable")  # written by corridor 0.2 (FlatGeobuf reorders)
        name = name if name is not None else _text(gdf["route"].iloc[0]) or None
    return _route_from_lines(gdf, path, where, tolerance_m, given | {"name": name})


def _route_from_lines(gdf: Any, path: Path, where: str, tolerance_m: float, given: dict[str, Any]) -> Route:
    """A single-leg route from the lines of any layer, chained in order; named points become stops."""
    lines, points, name_col = _lines_and_points(gdf, path)
    coords = _chain(lines, tolerance_m, where=str(path))
    label = given["name"]
    if label is None and name_col is not None:
        line_rows = gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]
        first = line_rows[name_col].iloc[0] if len(line_rows) else None
        label = first if isinstance(first, str) and first else None
    try:
        r = Route.from_coords(
            coords,
            name=label or path.stem,
            mode=given["mode"],
            status=given["status"],
            speed_kmh=given["speed_kmh"],
            source=given["source"] if given["source"] is not None else f"file {path.name}",
        )
    except GeometryError as exc:  # a zero-length route, say: name the file
        raise GeometryError(f"{where}: {exc}") from None
    if points:
        ends = [("start", *r.start)] if points[0][1:] != r.start else []
        tail = [("end", *r.end)] if points[-1][1:] != r.end else []
        r = r._with_stops([*ends, *points, *tail])
        r = replace(r, stops=tuple(sorted(r.stops, key=lambda st: st.km)))
    return r


def _checked_layer(gdf: Any, where: str, max_vertices: int, *, what: str = "lines") -> Any:
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
        if what == "lines":
            raise GeometryError(f"{where} holds no lines.")
        return gdf
    lonlat_array(
        shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object)),
        what=f"layer of {where}" if what == "lines" else f"{what} of {where}",
    )
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


def _read_layer(path: Path, layer: str | int | None, where: str) -> tuple[Any, str | None]:
    """The layer as a GeoDataFrame (GPX: tracks, else routes) and its name; GDAL's complaints as DataError."""
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
    name = kw.get("layer")
    if isinstance(name, int):
        names = _layer_names(path)
        name = names[name] if -len(names) <= name < len(names) else None
    return gdf, name


def _layer_names(path: Path) -> list[str]:
    """The names of the file's layers (empty if GDAL cannot list them)."""
    import pyogrio

    try:
        return [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception:  # let the reader report the problem
        return []


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


def _stops_layer(path: Path, gdf: Any, layer_name: str | None, where: str, max_vertices: int) -> Any:
    """A route file's stops: its ``stop`` features, else the GeoPackage layer ``<layer> stops``."""
    if (gdf["kind"] == "stop").any():
        return gdf[gdf["kind"] == "stop"]
    names = _layer_names(path)
    wanted = f"{layer_name if layer_name is not None else names[0] if names else ''} stops"
    if wanted not in names:
        return gdf.iloc[:0]
    stops, _ = _read_layer(path, wanted, where)
    return _checked_layer(stops, f"{where} (layer {wanted!r})", max_vertices, what="stops")


def _route_from_file(gdf: Any, stops: Any, path: Path, where: str, tolerance_m: float, name: str | None) -> Route:
    """The route of a file written by :func:`write_route`: its legs, gaps and stops in ``seq`` order."""
    lines = _by_seq(gdf[gdf["kind"] != "stop"], where)
    bad = sorted(set(map(str, lines["kind"])) - set(ROUTE_FEATURE_KINDS))
    if bad or not (lines["kind"] == "leg").any():
        msg = (
            f"{where} is a corridor route file whose `kind` column says {', '.join(map(repr, bad)) or 'no leg'}; "
            f"expected lines of kind 'leg' (at least one) or 'gap', and points of kind 'stop'. Fix the "
            "column, or delete the `seq` column to read the lines as a plain layer."
        )
        raise DataError(msg)
    coords, spans = _join_parts(lines, where, tolerance_m)
    cum = np.concatenate([[0.0], np.cumsum(segment_lengths_m(coords))]) / 1000.0
    legs = [
        _leg_from_row(row, float(cum[s]), float(cum[e]), where)
        for row, (s, e) in zip(lines.to_dict("records"), spans)
        if row["kind"] == "leg"
    ]
    first = lines.iloc[0]
    attrs = _route_attrs(first, legs, where)
    written = first["route"] if isinstance(first["route"], str) else path.stem  # "" is a name; null is none
    label = name if name is not None else written
    try:
        r = Route(shapely.LineString(coords), (), tuple(legs), label, **attrs)
    except (ParameterError, ParameterTypeError) as exc:
        raise DataError(f"{where}: the route's attributes: {exc}") from None
    except GeometryError as exc:
        raise GeometryError(f"{where}: {exc}") from None
    written_km = _optional_number(lines["to_km"].iloc[-1], "to_km", where) if "to_km" in lines else None
    return replace(r, stops=_stops_from_rows(_by_seq(stops, where), r, written_km, where, tolerance_m))


def _by_seq(gdf: Any, where: str) -> Any:
    """The features ordered by their ``seq`` column (whole numbers, each once); without one, as they are."""
    if "seq" not in gdf.columns:  # a GeoPackage's stops layer, edited
        return gdf
    seq = pd.to_numeric(gdf["seq"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if not (np.isfinite(seq) & (seq == np.round(seq))).all() or len(np.unique(seq)) != len(seq):
        msg = (
            f"{where} is a corridor route file, but its `seq` column does not number the features "
            "0, 1, 2, … (a missing, fractional or repeated value); corridor cannot tell their order. "
            "Fix the column, or delete it to read the lines as a plain layer."
        )
        raise DataError(msg)
    return gdf.iloc[np.argsort(seq, kind="stable")]


def _part_coords(geom: Any, where: str, seq: Any, tolerance_m: float) -> np.ndarray:
    """The vertices of one leg or gap; a line cut at the antimeridian (RFC 7946) is joined again."""
    if geom.geom_type == "LineString":
        return shapely.get_coordinates(geom)
    if geom.geom_type != "MultiLineString":
        raise GeometryError(f"{where}: feature {seq} is a {geom.geom_type}; a leg or gap must be a line.")
    parts = [shapely.get_coordinates(p) for p in shapely.get_parts(geom) if not p.is_empty]
    out = parts[0]
    for c in parts[1:]:
        (x0, y0), (x1, y1) = out[-1], c[0]
        if abs(x0) == 180.0 and x1 == -x0 and y1 == y0:  # the two points GDAL put on the antimeridian
            out = np.vstack([out[:-1], c[1:]])
        elif GEOD.inv(x0, y0, x1, y1)[2] <= tolerance_m:
            out = np.vstack([out, c[1:] if (x0, y0) == (x1, y1) else c])
        else:
            raise GeometryError(f"{where}: the parts of feature {seq} do not connect; a leg must be one line.")
    return out


def _join_parts(lines: Any, where: str, tolerance_m: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The route's vertices from its legs and gaps in order, and each one's first and last vertex."""
    pieces: list[np.ndarray] = []
    spans: list[tuple[int, int]] = []
    n = 0
    for seq, kind, geom in zip(lines["seq"], lines["kind"], lines.geometry):
        c = _part_coords(geom, where, seq, tolerance_m)
        start = 0
        if pieces:
            d = GEOD.inv(*pieces[-1][-1], *c[0])[2]
            if d > tolerance_m:
                msg = (
                    f"{where}: feature {seq} ({kind}) starts {d:.0f} m from the end of the line before it "
                    f"(tolerance {tolerance_m:g} m); a route file's legs and gaps must follow one another. "
                    "Was a line moved or deleted? Fix it, or delete the `seq` column to read the lines as "
                    "a plain layer."
                )
                raise GeometryError(msg)
            start, c = (n - 1, c[1:]) if d == 0 else (n, c)
        pieces.append(c)
        n += len(c)
        spans.append((start, n - 1))
    return np.vstack(pieces), spans


def _text(v: Any) -> str:
    """A text cell: missing (None, NaN) as ``""``."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


def _optional_number(v: Any, column: str, where: str) -> float | None:
    """A number cell: missing as None; text or a bool is refused."""
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise DataError(f"{where}: column `{column}` holds {v!r}; expected a number or nothing.")
    return float(v)


def _leg_from_row(row: dict[str, Any], from_km: float, to_km: float, where: str) -> Leg:
    """One leg of a route file, its attributes checked."""
    values: dict[str, Any] = {
        "mode": _text(row.get("mode")),
        "status": _text(row.get("status")),
        "speed_kmh": _optional_number(row.get("speed_kmh"), "speed_kmh", where),
        "source": _text(row.get("source")),
        "published_km": _optional_number(row.get("published_km"), "published_km", where),
        "published_source": _text(row.get("published_source")),
    }
    try:
        check_leg_attrs(values["mode"], values["status"], values["speed_kmh"])
        if values["published_km"] is not None:
            positive_number(values["published_km"], "published_km", unit="km")
    except (ParameterError, ParameterTypeError) as exc:
        raise DataError(f"{where}: leg {_text(row.get('leg'))!r} (feature {row['seq']}): {exc}") from None
    return Leg(_text(row.get("leg")), from_km, to_km, **values)


def _route_attrs(first: Any, legs: list[Leg], where: str) -> dict[str, Any]:
    """The route's own attributes: its ``route_*`` columns, else its first leg's (as :meth:`Route.join` sets them)."""
    lead = legs[0]
    attrs: dict[str, Any] = {
        "mode": lead.mode,
        "status": lead.status,
        "speed_kmh": lead.speed_kmh,
        "source": lead.source,
        "published_km": lead.published_km if len(legs) == 1 else None,
        "published_source": lead.published_source if len(legs) == 1 else "",
    }
    if "route_mode" in first.index:
        for a in _ROUTE_ATTRS:
            v = first.get(f"route_{a}")
            num = a in ("speed_kmh", "published_km")
            attrs[a] = _optional_number(v, f"route_{a}", where) if num else _text(v)
    return attrs


def _stops_from_rows(stops: Any, route: Route, written_km: float | None, where: str, tolerance_m: float) -> tuple:
    """The stops of a route file, their chainage as written (scaled to the length read back)."""
    length = route.length_km
    scale = length / written_km if written_km is not None and written_km > 0 else 1.0
    out = []
    for row, geom in zip(stops.to_dict("records"), stops.geometry):
        label = _text(row.get("stop"))
        if geom.geom_type != "Point":
            raise GeometryError(f"{where}: stop {label!r} is a {geom.geom_type}; a stop must be a point.")
        km = _optional_number(row.get("km"), "km", where)
        km = route.km_of((geom.x, geom.y)) if km is None else km * scale
        if not -tolerance_m / 1000 <= km <= length + tolerance_m / 1000:
            msg = (
                f"{where}: stop {label!r} is at km {km:g}, beyond the route (0 to {length:.3f} km). "
                "Fix its `km`, or empty it to place the stop where it lies."
            )
            raise DataError(msg)
        out.append(Stop(label, float(geom.x), float(geom.y), min(max(km, 0.0), length)))
    return tuple(out)


def write_route(route: Route, path: str | Path) -> Path:
    """Write a route to a file, atomically: GeoJSON, GeoPackage or FlatGeobuf.

    :func:`read_route` reads the file back as the same route
    (:meth:`Route.equals`): its name, its legs with their attributes, its
    stops with their chainage.  The layer is named after the route
    (tidied: no control characters, at most 100 characters, not a name
    GeoPackage reserves).  Features, in route order (the ``seq`` column):

    * a line per leg (``kind`` ``"leg"``): ``route`` (the route's name),
      ``leg``, ``mode``, ``status``, ``speed_kmh``, ``source``,
      ``published_km``, ``published_source``, ``from_km``, ``to_km``,
      ``length_km``;
    * a line per stretch no leg covers (``kind`` ``"gap"``: the links
      :meth:`Route.join` bridges), with ``route``, ``from_km``, ``to_km``,
      ``length_km``;
    * a point per stop (``kind`` ``"stop"``): ``route``, ``stop``, ``km``.
      GeoJSON and FlatGeobuf hold them in the same layer (geometry type
      Unknown); a GeoPackage in a second layer, ``"<layer> stops"``.

    A route whose own attributes are not its first leg's also gets
    ``route_mode``, ``route_status``, ``route_speed_kmh``, ``route_source``,
    ``route_published_km`` and ``route_published_source``.  GeoJSON follows
    RFC 7946: no ``crs`` member, lon/lat with at most 7 decimals (1 cm), a
    line across the antimeridian cut in two there (read back as one).
    FlatGeobuf is written without a spatial index, so its features stay in
    route order.  Other formats (KML, GPX, Shapefile) are refused: convert
    the GeoJSON with ``ogr2ogr`` if you need them.

    Parameters
    ----------
    route : Route
        Its legs must follow one another along it, each of positive length.
    path : path-like
        ``.geojson``, ``.json``, ``.gpkg`` or ``.fgb``; its folder must exist.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    corridor.errors.ParameterError
        Another file type; legs that overlap or run beyond the route.

    Examples
    --------
    >>> import tempfile, pathlib, pyogrio
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = write_route(Route.from_places(["Meghri", "Ordubad"]), folder / "r.gpkg")
    >>> [name for name, _ in pyogrio.list_layers(path)]
    ['Meghri – Ordubad', 'Meghri – Ordubad stops']
    >>> write_route(Route.from_places(["Meghri", "Ordubad"]), folder / "r.kml")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Cannot write a route as '.kml'; use one of .fgb, .geojson, .gpkg, .json ...
    """
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    driver = WRITE_DRIVERS.get(path.suffix.lower())
    if driver is None:
        msg = (
            f"Cannot write a route as {path.suffix or 'a file without extension'!r}; use one of "
            f"{', '.join(sorted(WRITE_DRIVERS))} (convert with ogr2ogr for KML, GPX or Shapefile)."
        )
        raise ParameterError(msg)
    if not isinstance(route, Route):
        raise ParameterTypeError(f"`write_route` writes a Route, got {type(route).__name__}.")
    lines, stops = _route_frames(route)
    layer = _layer_name(route.name)
    options = {"GeoJSON": {"RFC7946": "YES", "COORDINATE_PRECISION": "7"}, "FlatGeobuf": {"SPATIAL_INDEX": "NO"}}

    def write(tmp: Path) -> None:
        if driver == "GPKG":
            pyogrio.write_dataframe(lines, tmp, driver=driver, layer=layer, geometry_type="LineString")
            if len(stops):
                stop_layer = f"{layer} stops"
                pyogrio.write_dataframe(stops, tmp, driver=driver, layer=stop_layer, geometry_type="Point", append=True)
        else:
            both = gpd.GeoDataFrame(pd.concat([lines, stops], ignore_index=True), crs="EPSG:4326")
            pyogrio.write_dataframe(
                both, tmp, driver=driver, layer=layer, geometry_type="Unknown", layer_options=options[driver]
            )

    return atomic_write(path, write)


def _layer_name(name: str) -> str:
    r"""The layer name of a route file: the route's name, tidied for GeoPackage tables and GIS lists.

    Control characters become spaces, runs of spaces one; at most
    :data:`MAX_LAYER_NAME_CHARS` characters; a name GeoPackage reserves
    (``gpkg…``, ``sqlite_…``, ``rtree_…``) gets ``"route "`` in front; an
    empty one is ``"route"``.

    Examples
    --------
    >>> _layer_name("TRIPP / Zangezur\nrail (via Armenia)")
    'TRIPP / Zangezur rail (via Armenia)'
    >>> _layer_name("gpkg_contents"), _layer_name(" \t")
    ('route gpkg_contents', 'route')
    """
    text = " ".join("".join(" " if unicodedata.category(c)[0] == "C" else c for c in name).split())
    if len(text) > MAX_LAYER_NAME_CHARS:
        text = text[: MAX_LAYER_NAME_CHARS - 1].rstrip() + "…"
    if text.lower().startswith(("gpkg", "sqlite_", "rtree_")):
        text = f"route {text}"
    return text or "route"


def _route_parts(route: Route) -> list[tuple[str, int | None, float, float]]:
    """The route's legs and the gaps between them, in order: ``(kind, leg index, from_km, to_km)``."""
    length = route.length_km
    parts: list[tuple[str, int | None, float, float]] = []
    at = 0.0
    for k, lg in enumerate(route.legs):
        a, b = lg.from_km, min(lg.to_km, length)
        problem = (
            "starts before the one before it ends"
            if a < at - _SNAP_KM
            else "has no length"
            if b <= a + _SNAP_KM
            else "ends beyond the route"
            if lg.to_km > length + _SNAP_KM
            else ""
        )
        if problem:
            msg = (
                f"Cannot write route {route.name!r}: leg {k} ({lg.name!r}, {a:.6f} to {lg.to_km:.6f} km) {problem}. "
                f"A route's legs follow one another along it (0 to {length:.6f} km), each of positive length."
            )
            raise ParameterError(msg)
        if a > at + _SNAP_KM:
            parts.append(("gap", None, at, a))
        else:
            a = at
        parts.append(("leg", k, a, b))
        at = b
    if at < length - _SNAP_KM:
        parts.append(("gap", None, at, length))
    return parts


def _cut(route: Route, km: np.ndarray, xy: np.ndarray, a: float, b: float) -> np.ndarray:
    """The route's vertices ``xy`` (at ``km``) from km ``a`` to ``b``; an end within 1 mm of a vertex is that vertex."""
    i = 0 if a == 0 else int(np.searchsorted(km, a - _SNAP_KM, side="left"))
    j = len(km) - 1 if b == route.length_km else int(np.searchsorted(km, b - _SNAP_KM, side="left"))
    head = xy[:0] if i < len(km) and abs(km[i] - a) <= _SNAP_KM else route.points_at_km([a])
    on_j = j < len(km) and abs(km[j] - b) <= _SNAP_KM
    tail = xy[:0] if on_j else route.points_at_km([b])
    return np.vstack([head, xy[i : j + 1] if on_j else xy[i:j], tail])


def _route_frames(route: Route) -> tuple[Any, Any]:
    """The route's lines (legs and gaps) and its stops as two GeoDataFrames, in the file's columns."""
    import geopandas as gpd

    parts = _route_parts(route)
    own = _own_attrs(route)
    rows = []
    for seq, (kind, k, a, b) in enumerate(parts):
        lg = route.legs[k] if k is not None else None
        row: dict[str, Any] = {"seq": seq, "kind": kind, "route": route.name}
        row["leg"] = lg.name if lg else None
        row.update({a_: getattr(lg, a_) if lg else None for a_ in _ROUTE_ATTRS})
        row.update({"from_km": a, "to_km": b, "length_km": b - a})
        row.update({f"route_{a_}": getattr(route, a_) for a_ in own})
        rows.append(row)
    km, xy = route.vertex_km, route.coords
    geoms = [shapely.LineString(_cut(route, km, xy, a, b)) for _, _, a, b in parts]
    lines = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    floats = ["speed_kmh", "published_km", "from_km", "to_km", "length_km"]
    lines = lines.astype({c: "float64" for c in floats + [f"route_{a}" for a in own if a.endswith("km")]})
    stops = gpd.GeoDataFrame(
        {
            "seq": np.arange(len(parts), len(parts) + len(route.stops), dtype=np.int64),
            "kind": ["stop"] * len(route.stops),
            "route": [route.name] * len(route.stops),
            "stop": [s.name for s in route.stops],
            "km": np.array([s.km for s in route.stops], dtype=float),
        },
        geometry=[shapely.Point(s.lon, s.lat) for s in route.stops],
        crs="EPSG:4326",
    )
    return lines, stops


def _own_attrs(route: Route) -> tuple[str, ...]:
    """All of :data:`_ROUTE_ATTRS` if the route's own attributes are not those :func:`read_route` derives, else ()."""
    lead = route.legs[0]
    one = len(route.legs) == 1
    derived = (
        lead.mode,
        lead.status,
        lead.speed_kmh,
        lead.source,
        lead.published_km if one else None,
        lead.published_source if one else "",
    )
    return _ROUTE_ATTRS if tuple(getattr(route, a) for a in _ROUTE_ATTRS) != derived else ()


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
