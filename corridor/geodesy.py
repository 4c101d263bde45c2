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

from ._validate import as_lonlat
from .errors import GeometryError

__all__ = [
    "GEOD",
    "GEODESIC_TOLERANCE_M",
    "follow_geodesics",
    "follow_vertices",
    "may_stray",
    "geodesic_vertices",
    "LocalProjection",
    "area_km2",
    "densify_geodesic",
    "distance_m",
    "length_m",
    "local_crs",
    "points_at_m",
    "segment_lengths_m",
    "unwrap_lines",
    "unwrap_lon",
]

#: The WGS84 ellipsoid used for every geodesic computation in corridor.
GEOD = pyproj.Geod(ellps="WGS84")


def distance_m(a: Any, b: Any) -> float:
    """Geodesic distance on WGS84 between two points, in metres.

    Parameters
    ----------
    a, b : tuple of float, shapely.Point or Place
        ``(lon, lat)`` pairs in degrees, shapely Points, or objects with
        ``lon`` and ``lat`` attributes (such as :class:`corridor.Place`).

    Returns
    -------
    float
        Metres.

    Examples
    --------
    >>> round(distance_m((0, 0), (1, 0)), 3)
    111319.491
    >>> distance_m((45, 40), (45, 40))
    0.0
    """
    lon1, lat1 = as_lonlat(a)
    lon2, lat2 = as_lonlat(b)
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


def segment_lengths_m(coords: np.ndarray) -> np.ndarray:
    """Geodesic length in metres of each segment of a ``(n, 2)`` lon/lat array.

    Vectorised: one call to ``pyproj.Geod.inv`` for all ``n - 1`` segments.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` array of ``(lon, lat)`` in degrees.

    Returns
    -------
    numpy.ndarray
        ``n - 1`` lengths in metres (empty for fewer than two points).

    Examples
    --------
    >>> segment_lengths_m(np.array([(0, 0), (1, 0), (1, 1)])).round(3).tolist()
    [111319.491, 110574.389]
    >>> segment_lengths_m(np.zeros((1, 2))).tolist()
    []
    """
    coords = np.asarray(coords, dtype=float)
    if len(coords) < 2:
        return np.zeros(0)
    _, _, d = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    return np.asarray(d, dtype=float)


def points_at_m(xy: np.ndarray, cum_m: np.ndarray, m: Any) -> np.ndarray:
    """Points at geodesic distances ``m`` along a polyline, on the geodesic of each segment.

    Parameters
    ----------
    xy : numpy.ndarray
        ``(n, 2)`` lon/lat vertices (n >= 2).
    cum_m : numpy.ndarray
        Geodesic metres from the first vertex to each vertex (``n`` values, from 0).
    m : array_like of float
        Metres from the start (clipped to the line).

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` lon/lat; a point that falls on a vertex is that vertex exactly, and
        longitudes stay continuous with the vertices (past ±180° on a line that crosses
        the antimeridian).

    Examples
    --------
    >>> xy = np.array([(46.0, 38.9), (46.2, 38.9)])
    >>> cum = np.concatenate([[0.0], np.cumsum(segment_lengths_m(xy))])
    >>> points_at_m(xy, cum, [0.0, cum[-1] / 2, cum[-1]]).round(4).tolist()
    [[46.0, 38.9], [46.1, 38.9], [46.2, 38.9]]
    """
    m = np.clip(np.asarray(m, dtype=float), 0, cum_m[-1])
    i = np.clip(np.searchsorted(cum_m, m, side="right") - 1, 0, len(xy) - 2)
    az, _, _ = GEOD.inv(xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1])
    lon, lat, _ = GEOD.fwd(xy[i, 0], xy[i, 1], az, m - cum_m[i])
    lon = xy[i, 0] + ((np.asarray(lon) - xy[i, 0] + 180) % 360 - 180)  # continuous with the vertex
    out = np.column_stack([lon, np.asarray(lat)])
    at_end = m >= cum_m[i + 1]
    out[at_end] = xy[i + 1][at_end]
    return out


def length_m(geometry: Any) -> Any:
    """Geodesic length on WGS84, in metres, of lines (or polygon perimeters).

    Parameters
    ----------
    geometry : shapely geometry or array_like of geometries
        In ``(lon, lat)`` degrees (EPSG:4326).  An array gives an array.

    Returns
    -------
    float or numpy.ndarray
        Metres; 0 for empty or missing geometries.

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

    Parameters
    ----------
    geometry : shapely geometry or array_like of geometries
        Polygons in ``(lon, lat)`` degrees (EPSG:4326); an array gives an array.

    Returns
    -------
    float or numpy.ndarray
        Square kilometres (0 for empty or missing geometries).

    Examples
    --------
    >>> from shapely import box
    >>> round(area_km2(box(0, 0, 1, 1)), 1)
    12308.8
    >>> area_km2(None)
    0.0
    """
    if isinstance(geometry, BaseGeometry) or geometry is None:
        return float(_areas_km2(np.array([geometry], dtype=object))[0])
    return _areas_km2(np.asarray(geometry, dtype=object).ravel())


def _areas_km2(geoms: np.ndarray) -> np.ndarray:
    """:func:`area_km2` of an array of geometries.

    pyproj's area of each ring (``Geod.polygon_area_perimeter``), added per polygon as
    ``Geod.geometry_area_perimeter`` adds them (shell, then holes; polygons in order): the
    same figures, from the rings' coordinate arrays (pyproj reads each ring through
    ``coords.xy``, which made a region's areas 40 % slower).
    """
    out = np.zeros(len(geoms))
    ok = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if not len(ok):
        return out
    # pyproj adds signed ring areas: orient shells one way and holes the other first
    polys, of_geom = shapely.get_parts(shapely.orient_polygons(geoms[ok]), return_index=True)
    polygonal = np.isin(shapely.get_type_id(polys), (3,))
    rings, of_poly = shapely.get_rings(polys, return_index=True)
    xy, of_ring = shapely.get_coordinates(rings, return_index=True)
    bounds = np.searchsorted(of_ring, np.arange(len(rings) + 1))
    ring_area = np.array(
        [GEOD.polygon_area_perimeter(xy[a:b, 0], xy[a:b, 1])[0] for a, b in zip(bounds[:-1], bounds[1:])]
    )
    # ufunc.at adds in index order, as pyproj adds them
    poly_area = np.zeros(len(polys))
    np.add.at(poly_area, of_poly, ring_area)
    total = np.zeros(len(ok))
    np.add.at(total, of_geom[polygonal], poly_area[polygonal])
    out[ok] = np.abs(total) / 1e6
    return out


def _bounds(geometry_or_bounds: Any) -> tuple[float, float, float, float]:
    if isinstance(geometry_or_bounds, BaseGeometry):
        minx, miny, maxx, maxy = geometry_or_bounds.bounds
    else:
        minx, miny, maxx, maxy = (float(v) for v in geometry_or_bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise GeometryError("Cannot centre a local projection on an empty geometry.")
    return minx, miny, maxx, maxy


def _centre_lon(geometry_or_bounds: Any) -> float:
    minx, _, maxx, _ = _bounds(geometry_or_bounds)
    lon0 = (minx + maxx) / 2
    if maxx - minx > 180:  # lon/lat data across the antimeridian: centre on the short side
        lon0 = ((lon0 + 360) % 360) - 180
    return lon0


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
    geometry_or_bounds : shapely geometry or tuple of float
        A shapely geometry in EPSG:4326 or ``(min_lon, min_lat, max_lon, max_lat)``.

    Returns
    -------
    pyproj.CRS

    Examples
    --------
    >>> local_crs((45, 39, 47, 41)).coordinate_operation.method_name
    'Lambert Azimuthal Equal Area'
    >>> [p.value for p in local_crs((45, 39, 47, 41)).coordinate_operation.params][:2]
    [40.0, 46.0]
    >>> local_crs(shapely.LineString())
    Traceback (most recent call last):
    ...
    corridor.errors.GeometryError: Cannot centre a local projection on an empty geometry.
    """
    return pyproj.CRS.from_proj4(f"+proj=laea {_laea_centre(geometry_or_bounds)} +datum=WGS84 +units=m +no_defs")


def _laea_centre(geometry_or_bounds: Any) -> str:
    """``+lat_0=… +lon_0=…`` of :func:`local_crs`."""
    _, miny, _, maxy = _bounds(geometry_or_bounds)
    return f"+lat_0={(miny + maxy) / 2:.6f} +lon_0={_centre_lon(geometry_or_bounds):.6f}"


class LocalProjection:
    """Forward and inverse transforms between lon/lat and :func:`local_crs`.

    The one place corridor goes planar: buffers, offsets, nearest points and
    snapping tolerances, in metres, near the data.  Reported lengths are never
    measured here (see :func:`local_crs` for the distortion bound).

    Parameters
    ----------
    geometry_or_bounds : shapely geometry or tuple of float
        What to centre the projection on (see :func:`local_crs`).

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
        #: Longitudes come back within ±180° of this one (the data's centre, which may lie
        #: beyond 180° for data across the antimeridian)
        self.lon0 = _centre_lon(geometry_or_bounds)
        # the pipelines PROJ chooses between EPSG:4326 and this CRS, given directly: the same
        # transforms to the bit (tested), built in 0.1 ms instead of 11 ms of database lookups
        laea = f"+proj=laea {_laea_centre(geometry_or_bounds)} +x_0=0 +y_0=0 +ellps=WGS84"
        degrees = "+proj=unitconvert +xy_in=deg +xy_out=rad"
        self._fwd = pyproj.Transformer.from_pipeline(f"+proj=pipeline +step {degrees} +step {laea}")
        self._inv = pyproj.Transformer.from_pipeline(f"+proj=pipeline +step +inv {laea} +step +inv {degrees}")

    def xy_to_local(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """Projected ``(x, y)`` in metres of ``(lon, lat)``.

        Parameters
        ----------
        lon, lat : float or array_like
            Degrees.

        Returns
        -------
        tuple
            ``(x, y)`` metres, scalars or arrays like the input.
        """
        return self._fwd.transform(lon, lat)

    def xy_to_lonlat(self, x: Any, y: Any) -> tuple[Any, Any]:
        """``(lon, lat)`` of projected ``(x, y)``.

        Parameters
        ----------
        x, y : float or array_like
            Metres in the local projection.

        Returns
        -------
        tuple
            ``(lon, lat)`` degrees, scalars or arrays like the input.
        """
        lon, lat = self._inv.transform(x, y)
        return self._near_centre(lon), lat

    def _near_centre(self, lon: Any) -> Any:
        """Longitudes within ±180° of :attr:`lon0` (PROJ returns them in -180..180)."""
        lon = np.asarray(lon, dtype=float)
        out = self.lon0 + ((lon - self.lon0 + 180.0) % 360.0 - 180.0)
        return float(out) if out.ndim == 0 else out

    def to_local(self, geometry: Any) -> Any:
        """Geometries from lon/lat to the local projection.

        Parameters
        ----------
        geometry : shapely geometry or array_like of geometries

        Returns
        -------
        shapely geometry or numpy.ndarray
        """
        return shapely.transform(geometry, lambda xy: np.column_stack(self._fwd.transform(xy[:, 0], xy[:, 1])))

    def to_lonlat(self, geometry: Any) -> Any:
        """Geometries from the local projection to lon/lat.

        Parameters
        ----------
        geometry : shapely geometry or array_like of geometries

        Returns
        -------
        shapely geometry or numpy.ndarray
        """

        def inv(xy: np.ndarray) -> np.ndarray:
            lon, lat = self._inv.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([self._near_centre(lon), lat])

        return shapely.transform(geometry, inv)


def densify_geodesic(coords: Any, step_m: float = 1000.0) -> np.ndarray:
    """Insert points along the geodesic of every segment longer than ``step_m``.

    Each segment of length ``d`` gets ``floor(d / step_m)`` interior points,
    equally spaced along its geodesic on WGS84 (``pyproj.Geod.fwd``, in one
    vectorised call).  Longitudes stay continuous with the segment start, so
    a segment across the antimeridian runs beyond ±180°.

    Parameters
    ----------
    coords : array_like
        ``(n, 2)`` ``(lon, lat)`` in degrees.
    step_m : float, default 1000
        Largest spacing of the output vertices along each geodesic, metres.

    Returns
    -------
    numpy.ndarray
        ``(m, 2)`` ``(lon, lat)``, the input vertices included.

    Examples
    --------
    >>> densify_geodesic([(0, 0), (0.02, 0)], step_m=1000).round(4).tolist()  # 2.2 km: two points inserted
    [[0.0, 0.0], [0.0067, 0.0], [0.0133, 0.0], [0.02, 0.0]]
    >>> densify_geodesic([(0, 0)]).tolist()
    [[0.0, 0.0]]
    """
    xy = np.asarray(coords, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        return xy.copy()
    xy = unwrap_lon(xy)
    lon1, lat1, lon2, lat2 = xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]
    az, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    az, d = np.asarray(az, dtype=float), np.asarray(d, dtype=float)
    n = (d // float(step_m)).astype(np.int64)
    seg = np.repeat(np.arange(len(n)), n)
    k = np.arange(len(seg)) - np.repeat(np.cumsum(n) - n, n) + 1
    mlon, mlat, _ = GEOD.fwd(lon1[seg], lat1[seg], az[seg], d[seg] * k / (n[seg] + 1))
    mlon = lon1[seg] + ((np.asarray(mlon) - lon1[seg] + 180) % 360 - 180)
    # each segment's start, then its interior points; the last vertex closes the line
    starts = np.r_[0, np.cumsum(n + 1)[:-1]]
    out = np.empty((int((n + 1).sum()) + 1, 2))
    interior = np.ones(len(out), dtype=bool)
    interior[starts] = False
    interior[-1] = False
    out[starts] = xy[:-1]
    out[interior, 0], out[interior, 1] = mlon, mlat
    out[-1] = xy[-1]
    return out


def unwrap_lon(coords: Any) -> np.ndarray:
    """Longitudes made continuous along a line (no 360° jumps at the antimeridian).

    Each step in longitude is taken as the short way round (at most 180°), so
    a line from 179°E to 179°W runs on to 181°E.  The first vertex keeps its
    longitude.

    Parameters
    ----------
    coords : array_like
        ``(n, 2)`` ``(lon, lat)`` in degrees.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)``, a new array.

    Examples
    --------
    >>> unwrap_lon([(179.5, 65), (-179.5, 65)]).tolist()
    [[179.5, 65.0], [180.5, 65.0]]
    >>> unwrap_lon([(45, 40), (46, 40)]).tolist()
    [[45.0, 40.0], [46.0, 40.0]]
    """
    xy = np.array(coords, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        return xy
    step = np.diff(xy[:, 0])
    if (np.abs(step) > 180).any():
        step = (step + 180) % 360 - 180
        xy[1:, 0] = xy[0, 0] + np.cumsum(step)
    return xy


#: Largest distance (metres) between a segment drawn straight in lon/lat and the geodesic it stands for,
#: after :func:`follow_geodesics`: 0.5 m keeps every cut within 0.5 m of the geodesic and makes chainage
#: read forwards and backwards agree to 0.1 mm (``2 h² / L``; see docs/measurement.md).
GEODESIC_TOLERANCE_M = 0.5

#: Lateral distance between a lon/lat chord of geodesic length ``d`` and its geodesic is at most
#: ``d² tan(φ) / (8 b)`` times this factor (φ the larger |latitude| of its ends, b the polar radius):
#: measured 1.155 over 200,000 random segments of 100 m to 300 km up to 85° of latitude.
_DEVIATION_FACTOR = 1.2
_POLAR_RADIUS_M = 6_356_752.3


def geodesic_vertices(
    xy: np.ndarray, line: np.ndarray, *, max_deviation_m: float = GEODESIC_TOLERANCE_M
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of many lines with points added along each geodesic, where needed.

    Each segment whose straight lon/lat chord may stray more than ``max_deviation_m``
    from its geodesic gets ``n - 1`` points on the geodesic, equally spaced, with
    ``n = ceil(sqrt(bound / max_deviation_m))``; the bound on the deviation is
    ``1.2 d² tan(φ) / (8 b)`` (``d`` the length, ``φ`` the larger latitude of its ends,
    ``b`` the polar radius), which the deviation measured at the midpoint never
    exceeded in tests.  Longitudes are first made continuous along each line.
    Vectorised: one geodesic inverse for every segment, one direct for the new points.

    Parameters
    ----------
    xy : numpy.ndarray
        ``(m, 2)`` ``(lon, lat)`` of the vertices of all lines, in order.
    line : numpy.ndarray
        ``(m,)`` line index of each vertex (non-decreasing).
    max_deviation_m : float, default :data:`GEODESIC_TOLERANCE_M`

    Returns
    -------
    tuple of numpy.ndarray
        The new ``xy`` and ``line``, and the geodesic length (m) of the segment that
        starts at each vertex (0 at the last vertex of a line).  The input vertices
        are kept.

    Examples
    --------
    >>> xy = np.array([(40.0, 40.0), (50.0, 40.0)])  # 853 km along 40°N: the geodesic bulges north
    >>> dense, _, seg_m = geodesic_vertices(xy, np.zeros(2, dtype=int))
    >>> len(dense), round(float(dense[len(dense) // 2, 1]), 3), round(float(seg_m.sum()), 3)
    (171, 40.108, 853490.014)
    >>> len(geodesic_vertices(np.array([(45.0, 40.0), (45.001, 40.0)]), np.zeros(2, dtype=int))[0])
    2
    """
    xy = np.asarray(xy, dtype=float)
    line = np.asarray(line)
    if len(xy) < 2:
        return xy, line, np.zeros(len(xy))
    same = line[1:] == line[:-1]
    xy = unwrap_lines(xy, line)
    a, b = xy[:-1], xy[1:]
    # from the last vertex of a line to the first of the next: no segment, so a zero-length
    # inverse there (three times cheaper than between the far-apart ends of two lines)
    gap = np.flatnonzero(~same)
    # pyproj copies its inputs unless told to work in place: our own copies, written over
    az, lat1, d, lat2 = a[:, 0].copy(), a[:, 1].copy(), b[:, 0].copy(), b[:, 1].copy()
    d[gap], lat2[gap] = az.take(gap), lat1.take(gap)
    phi_max = min(max(-float(lat1.min()), float(lat1.max()), -float(xy[-1, 1]), float(xy[-1, 1])), 89.9)
    GEOD.inv(az, lat1, d, lat2, inplace=True)  # az: forward azimuth, d: length (m)
    del lat1, lat2
    d[gap] = 0.0
    # n > 1 only where the bound exceeds 1: the bound is computed for the segments long
    # enough for that at the largest latitude of the batch (a margin of 1e-9 covers rounding)
    c = _DEVIATION_FACTOR * np.tan(np.radians(phi_max)) / (8 * _POLAR_RADIUS_M) / max_deviation_m
    cand = np.flatnonzero(d > (1.0 - 1e-9) / np.sqrt(c)) if np.isfinite(c) and c > 0 else np.arange(len(d))
    # bound = 1.2 d² tan(φ) / (8 b), computed in place
    tan_phi = np.maximum(np.abs(a[:, 1].take(cand)), np.abs(b[:, 1].take(cand)))
    np.minimum(tan_phi, 89.9, out=tan_phi)
    np.tan(np.radians(tan_phi, out=tan_phi), out=tan_phi)
    bound = d.take(cand) ** 2
    bound *= _DEVIATION_FACTOR
    bound *= tan_phi
    bound /= 8 * _POLAR_RADIUS_M
    del tan_phi
    bound /= max_deviation_m
    n_cand = np.maximum(1, np.ceil(np.sqrt(bound, out=bound), out=bound)).astype(np.int64)
    del bound
    more = np.flatnonzero(n_cand > 1)
    if not len(more):
        return xy, line, np.r_[d, 0.0]
    # only the few segments that get points are expanded: segment many[i] becomes n[i] pieces
    many, n = cand.take(more), n_cand.take(more)
    k = n - 1  # points to insert after vertex many[i]
    seg = np.repeat(many, k)
    j = np.arange(len(seg)) - np.repeat(np.cumsum(k) - k, k) + 1
    lon0, lat0 = a[:, 0].take(seg), a[:, 1].take(seg)
    plon, plat, _ = GEOD.fwd(lon0, lat0, np.asarray(az).take(seg), d.take(seg) * j / np.repeat(n, k))
    plon = lon0 + ((np.asarray(plon) - lon0 + 180) % 360 - 180)  # stay continuous with the start
    # each vertex copied once per piece of the segment it starts; the copies become the new points
    reps = np.ones(len(xy), dtype=np.int64)
    reps[many] = n
    out = np.repeat(xy, reps, axis=0)
    inserted = np.repeat(many + (np.cumsum(k) - k), k) + j  # vertex many[i]'s first copy, plus j
    out[inserted, 0], out[inserted, 1] = plon, plat
    piece_m = np.r_[d, 0.0]
    piece_m[many] /= n
    return out, np.repeat(line, reps), np.repeat(piece_m, reps)


def may_stray(xy: np.ndarray, line: np.ndarray, *, max_deviation_m: float = GEODESIC_TOLERANCE_M) -> bool:
    """Whether a segment of the lines may stray more than ``max_deviation_m`` from its geodesic.

    A cheap screen for :func:`geodesic_vertices`: the bound of its docstring with an upper
    bound of each segment's geodesic length (the central angle on a sphere of the largest
    radius of curvature of WGS84, 6,399,594 m) instead of the length itself.  ``False``
    means that :func:`geodesic_vertices` adds no point.

    Parameters
    ----------
    xy, line : numpy.ndarray
        As :func:`geodesic_vertices`.
    max_deviation_m : float, default :data:`GEODESIC_TOLERANCE_M`

    Returns
    -------
    bool

    Examples
    --------
    >>> may_stray(np.array([(40.0, 40.0), (50.0, 40.0)]), np.zeros(2, dtype=int))
    True
    >>> may_stray(np.array([(45.0, 40.0), (45.001, 40.0)]), np.zeros(2, dtype=int))
    False
    """
    if len(xy) < 2:
        return False
    line = np.asarray(line)
    return bool(_stray(unwrap_lines(np.asarray(xy, dtype=float), line), line, max_deviation_m).any())


def _stray(xy: np.ndarray, line: np.ndarray, max_deviation_m: float) -> np.ndarray:
    """Per segment of (unwrapped) lines: whether it may stray (see :func:`may_stray`)."""
    same = line[1:] == line[:-1]
    lat1, lat2 = np.radians(xy[:-1, 1]), np.radians(xy[1:, 1])
    dlon = np.radians(xy[1:, 0] - xy[:-1, 0])
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    d = 2 * np.arcsin(np.minimum(1.0, np.sqrt(h))) * 6_399_594.0 * (1 + 1e-6)
    phi = np.radians(np.minimum(np.maximum(np.abs(xy[:-1, 1]), np.abs(xy[1:, 1])), 89.9))
    bound = _DEVIATION_FACTOR * d**2 * np.tan(phi) / (8 * _POLAR_RADIUS_M)
    return same & (bound > max_deviation_m * (1 - 1e-6))


def follow_vertices(
    xy: np.ndarray, line: np.ndarray, *, max_deviation_m: float = GEODESIC_TOLERANCE_M
) -> tuple[np.ndarray, np.ndarray]:
    """The vertices and line of :func:`geodesic_vertices`, without the lengths.

    The same points, at the cost of a geodesic inverse only for the segments that
    :func:`may_stray` cannot rule out.

    Parameters
    ----------
    xy, line : numpy.ndarray
        As :func:`geodesic_vertices`.
    max_deviation_m : float, default :data:`GEODESIC_TOLERANCE_M`

    Returns
    -------
    tuple of numpy.ndarray
        The new ``xy`` and ``line``.

    Examples
    --------
    >>> xy = np.array([(40.0, 40.0), (50.0, 40.0), (50.001, 40.0)])
    >>> dense, li = follow_vertices(xy, np.zeros(3, dtype=int))
    >>> np.array_equal(dense, geodesic_vertices(xy, np.zeros(3, dtype=int))[0]), len(dense)
    (True, 172)
    """
    xy, line = np.asarray(xy, dtype=float), np.asarray(line)
    if len(xy) < 2:
        return xy, line
    xy = unwrap_lines(xy, line)
    check = np.flatnonzero(_stray(xy, line, max_deviation_m))
    if not len(check):
        return xy, line
    # each segment that may stray, alone: the points geodesic_vertices adds to it
    pairs = np.stack([xy[check], xy[check + 1]], axis=1).reshape(-1, 2)
    dense, pair, _ = geodesic_vertices(pairs, np.repeat(np.arange(len(check)), 2), max_deviation_m=max_deviation_m)
    ends = np.r_[True, pair[1:] != pair[:-1]] | np.r_[pair[1:] != pair[:-1], True]
    counts = np.ones(len(xy), dtype=np.int64)
    counts[check] += np.bincount(pair[~ends], minlength=len(check))
    out = np.empty((int(counts.sum()), 2))
    first = np.r_[0, np.cumsum(counts)[:-1]]
    out[first] = xy
    mask = np.ones(len(out), dtype=bool)
    mask[first] = False
    out[mask] = dense[~ends]
    return out, np.repeat(line, counts)


def unwrap_lines(xy: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Longitudes made continuous within each line of a vertex array (see :func:`unwrap_lon`).

    Parameters
    ----------
    xy : numpy.ndarray
        ``(m, 2)`` ``(lon, lat)`` of the vertices of all lines, in order.
    line : numpy.ndarray
        ``(m,)`` line index of each vertex.

    Returns
    -------
    numpy.ndarray
        ``(m, 2)``; the input itself if nothing crosses the antimeridian.

    Examples
    --------
    >>> unwrap_lines(np.array([(179.5, 65), (-179.5, 65), (10, 0)]), np.array([0, 0, 1])).tolist()
    [[179.5, 65.0], [180.5, 65.0], [10.0, 0.0]]
    """
    if len(xy) and float(xy[:, 0].max()) - float(xy[:, 0].min()) <= 180:
        return xy  # no step can be longer than 180°
    same = line[1:] == line[:-1]
    dlon = np.diff(xy[:, 0])
    if not (same & (np.abs(dlon) > 180)).any():
        return xy
    adj = np.where(same, (dlon + 180) % 360 - 180, dlon)
    starts = np.flatnonzero(np.r_[True, ~same])
    csum = np.concatenate([[0.0], np.cumsum(adj)])
    base = np.repeat(xy[starts, 0] - csum[starts], np.diff(np.r_[starts, len(xy)]))
    return np.column_stack([base + csum[: len(xy)], xy[:, 1]])


def follow_geodesics(lines: Any, *, max_deviation_m: float = GEODESIC_TOLERANCE_M) -> np.ndarray:
    """Lines with points added along their geodesics so that no segment strays more than ``max_deviation_m``.

    Parameters
    ----------
    lines : array_like of LineString
        In ``(lon, lat)`` degrees.
    max_deviation_m : float, default :data:`GEODESIC_TOLERANCE_M`

    Returns
    -------
    numpy.ndarray of LineString

    Examples
    --------
    >>> from shapely import LineString
    >>> out = follow_geodesics([LineString([(40, 40), (50, 40)]), LineString([(45, 40), (45.001, 40)])])
    >>> [len(g.coords) for g in out]
    [171, 2]
    """
    arr = np.asarray(lines, dtype=object)
    xy, li = shapely.get_coordinates(arr, return_index=True)
    if len(xy) == 0 or not may_stray(xy, li, max_deviation_m=max_deviation_m):
        return arr
    dense, dli = follow_vertices(xy, li, max_deviation_m=max_deviation_m)
    if len(dense) == len(xy):
        return arr
    out = arr.copy()
    rebuilt = shapely.linestrings(dense, indices=dli)
    present = np.unique(dli)
    out[present] = rebuilt
    return out
