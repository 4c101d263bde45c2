"""Geodesic measurement on the WGS84 ellipsoid, with units in every name.

All lengths and distances here are **geodesic on WGS84** (``pyproj.Geod``),
computed from ``(lon, lat)`` coordinates in degrees.  Nothing is measured in
degrees.  :func:`local_crs` gives a local metric projection for the few
planar operations (buffers, offsets) that need one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .errors import GeometryError

__all__ = [
    "GEOD",
    "LocalProjection",
    "area_km2",
    "distance_m",
    "length_m",
    "local_crs",
    "segment_lengths_m",
]

#: The WGS84 ellipsoid used for every geodesic computation in corridor.
GEOD = pyproj.Geod(ellps="WGS84")


def _as_point(p: Any) -> tuple[float, float]:
    """Return ``(lon, lat)`` from a Point, a Place-like object or a pair."""
    if isinstance(p, shapely.Point):
        if p.is_empty:
            raise GeometryError("Empty point: pass a point with coordinates (lon, lat).")
        return float(p.x), float(p.y)
    if hasattr(p, "lon") and hasattr(p, "lat"):
        return float(p.lon), float(p.lat)
    try:
        lon, lat = p
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        msg = f"Expected a point as `(lon, lat)`, a shapely Point or a Place, got {p!r}."
        raise GeometryError(msg) from exc
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise GeometryError(f"Point {p!r} has a NaN or infinite coordinate.")
    if abs(lat) > 90:
        msg = f"Latitude {lat} of point {p!r} is beyond ±90°: are the axes swapped? Use (lon, lat)."
        raise GeometryError(msg)
    return lon, lat


def distance_m(a: Any, b: Any) -> float:
    """Geodesic distance on WGS84 between two points, in metres.

    Parameters
    ----------
    a, b
        ``(lon, lat)`` pairs in degrees, shapely Points, or objects with
        ``lon`` and ``lat`` attributes (such as :class:`corridor.Place`).

    Examples
    --------
    >>> round(distance_m((0, 0), (1, 0)), 3)
    111319.491
    >>> distance_m((45, 40), (45, 40))
    0.0
    """
    lon1, lat1 = _as_point(a)
    lon2, lat2 = _as_point(b)
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


def segment_lengths_m(coords: np.ndarray) -> np.ndarray:
    """Geodesic length in metres of each segment of a ``(n, 2)`` lon/lat array.

    Vectorised: one call to ``pyproj.Geod.inv`` for all ``n - 1`` segments.
    """
    coords = np.asarray(coords, dtype=float)
    if len(coords) < 2:
        return np.zeros(0)
    _, _, d = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    return np.asarray(d, dtype=float)


def length_m(geometry: Any) -> Any:
    """Geodesic length on WGS84, in metres, of lines (or polygon perimeters).

    Parameters
    ----------
    geometry : shapely geometry or array_like of geometries
        In ``(lon, lat)`` degrees (EPSG:4326).  An array gives an array.

    Examples
    --------
    >>> from shapely import LineString
    >>> round(length_m(LineString([(1, 2), (3, 4)])), 3)
    313588.397
    >>> length_m(LineString())
    0.0
    """
    if isinstance(geometry, BaseGeometry) or geometry is None:
        return _length_one(geometry)
    geoms = np.asarray(geometry, dtype=object)
    return _lengths_many(geoms.ravel()).reshape(geoms.shape)


def _length_one(geom: BaseGeometry | None) -> float:
    if geom is None or geom.is_empty:
        return 0.0
    return float(_lengths_many(np.array([geom], dtype=object))[0])


def _lengths_many(geoms: np.ndarray) -> np.ndarray:
    """Vectorised geodesic length of many (multi)lines or polygon boundaries."""
    out = np.zeros(len(geoms))
    if len(geoms) == 0:
        return out
    geoms = np.where(shapely.is_missing(geoms), shapely.LineString(), geoms)
    poly = shapely.get_type_id(geoms) >= 3
    poly &= shapely.get_type_id(geoms) != 4  # not MultiPoint
    poly &= shapely.get_type_id(geoms) != 5  # not MultiLineString
    poly &= shapely.get_type_id(geoms) != 7  # collections: measure members
    geoms = np.where(poly, shapely.boundary(geoms), geoms)
    # Explode to simple lines, remembering which input each came from.
    parts, idx = shapely.get_parts(geoms, return_index=True)
    lines, idx2 = shapely.get_parts(parts, return_index=True)  # collections of multis
    idx = idx[idx2]
    ok = np.isin(shapely.get_type_id(lines), (1, 2))
    lines, idx = lines[ok], idx[ok]
    coords, cidx = shapely.get_coordinates(lines, return_index=True)
    if len(coords) < 2:
        return out
    seg = segment_lengths_m(coords)
    same = cidx[:-1] == cidx[1:]
    np.add.at(out, idx[cidx[:-1][same]], seg[same])
    return out


def area_km2(geometry: Any) -> Any:
    """Geodesic area on WGS84, in square kilometres, of polygons.

    Examples
    --------
    >>> from shapely import box
    >>> round(area_km2(box(0, 0, 1, 1)), 1)
    12308.8
    """
    if isinstance(geometry, BaseGeometry) or geometry is None:
        if geometry is None or geometry.is_empty:
            return 0.0
        return abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e6
    return np.array([area_km2(g) for g in np.asarray(geometry, dtype=object).ravel()])


def local_crs(geometry_or_bounds: Any) -> pyproj.CRS:
    """A local Lambert azimuthal equal-area CRS centred on the data, in metres.

    For planar work (buffers, offsets, snapping tolerances) near the data.
    Distortion bound: at angular distance θ from the centre the radial and
    tangential scales are ``cos(θ/2)`` and ``1/cos(θ/2)``, so lengths are off
    by at most 0.2 % within 7° (about 780 km) of the centre and 1 % within
    16°.  Corridor never reports lengths measured in this projection; it uses
    it only where a planar tolerance is needed.

    Parameters
    ----------
    geometry_or_bounds
        A shapely geometry in EPSG:4326 or ``(minlon, minlat, maxlon, maxlat)``.
    """
    if isinstance(geometry_or_bounds, BaseGeometry):
        minx, miny, maxx, maxy = geometry_or_bounds.bounds
    else:
        minx, miny, maxx, maxy = (float(v) for v in geometry_or_bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise GeometryError("Cannot centre a local projection on an empty geometry.")
    lon0 = (minx + maxx) / 2
    lat0 = (miny + maxy) / 2
    if maxx - minx > 180:  # crosses the antimeridian: centre on the short side
        lon0 = ((lon0 + 360) % 360) - 180
    return pyproj.CRS.from_proj4(f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs")


class LocalProjection:
    """Forward and inverse transforms between lon/lat and :func:`local_crs`.

    The one place corridor goes planar: buffers, offsets, nearest points and
    snapping tolerances, in metres, near the data.  Reported lengths are never
    measured here (see :func:`local_crs` for the distortion bound).

    Examples
    --------
    >>> from shapely import Point
    >>> proj = LocalProjection((45, 39, 47, 41))
    >>> p = proj.to_local(Point(46, 40))
    >>> round(p.x, 6), round(p.y, 6)
    (0.0, 0.0)
    >>> round(proj.to_lonlat(p).x, 9)
    46.0
    """

    def __init__(self, geometry_or_bounds: Any) -> None:
        self.crs = local_crs(geometry_or_bounds)
        self._fwd = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self._inv = pyproj.Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    def xy_to_local(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """Projected ``(x, y)`` in metres of ``(lon, lat)`` (scalars or arrays)."""
        return self._fwd.transform(lon, lat)

    def xy_to_lonlat(self, x: Any, y: Any) -> tuple[Any, Any]:
        """``(lon, lat)`` of projected ``(x, y)`` (scalars or arrays)."""
        return self._inv.transform(x, y)

    def to_local(self, geometry: Any) -> Any:
        """Geometries (one or an array) from lon/lat to the local projection."""
        return shapely.transform(geometry, lambda xy: np.column_stack(self._fwd.transform(xy[:, 0], xy[:, 1])))

    def to_lonlat(self, geometry: Any) -> Any:
        """Geometries (one or an array) from the local projection to lon/lat."""
        return shapely.transform(geometry, lambda xy: np.column_stack(self._inv.transform(xy[:, 0], xy[:, 1])))
