"""Routes: immutable lines in ``(lon, lat)`` with named stops, legs and metadata.

A :class:`Route` holds its geometry (LineString, EPSG:4326), its stops with
their chainage (geodesic km from the start) and its legs, each with its own
mode, status and speed.  Build one with the classmethod constructors
(:meth:`Route.from_coords`, :meth:`Route.from_places`, :meth:`Route.read`,
:meth:`Route.along_border`) and join several with :meth:`Route.join`.

File input and output live in :mod:`corridor.io`; :meth:`Route.read`,
:meth:`Route.write` and :meth:`Route.explore` are one-line delegates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely

from ._compat import warn_deprecated
from ._typing import MODES, STATUSES
from ._validate import check_leg_attrs, lonlat_array, non_negative_number, number, one_of, positive_number
from .errors import GeometryError, ParameterError, ParameterTypeError, UnknownStopError
from .geodesy import GEOD, LocalProjection, densify_geodesic, points_at_m, segment_lengths_m
from .places import Place, normalize_name, resolve_named_point, resolve_point

if TYPE_CHECKING:
    import geopandas as gpd

    from .region import Region

__all__ = ["GEODESIC_STEP_M", "MIN_OFFSET_M", "MODES", "STATUSES", "Leg", "Route", "Stop"]

#: Spacing of vertices when a straight leg is drawn along the geodesic (metres).
GEODESIC_STEP_M = 1000.0

#: Smallest offset of :meth:`Route.along_border` (metres): closer, a line lies on the
#: border within the geometry's floating-point precision (1 µm gave 44.6 km "in Iran").
MIN_OFFSET_M = 1.0


@dataclass(frozen=True)
class Stop:
    """A named point on a route with its chainage.

    Parameters
    ----------
    name : str
    lon, lat : float
        Degrees, EPSG:4326.
    km : float
        Geodesic km from the start of the route.

    Examples
    --------
    >>> Stop("Meghri", 46.243, 38.903, 0.0).name
    'Meghri'
    """

    name: str
    lon: float
    lat: float
    km: float


@dataclass(frozen=True)
class Leg:
    """A stretch of a route with its own attributes.

    Parameters
    ----------
    name : str
    from_km, to_km : float
        Chainage of its ends on the route (geodesic km).
    mode : {"rail", "road", "ferry", "other"}
    status : {"existing", "planned", "under construction", "disused", "proposed"}
    speed_kmh : float, optional
        Its own speed, overriding the defaults by mode and status.
    source : str
        Where its alignment or facts come from.
    published_km : float, optional
        The line's length as published (an operator's or a ministry's figure),
        to set beside the modelled :attr:`length_km`; never used to rescale it.
    published_source : str
        Who published it, and when.

    Examples
    --------
    >>> Leg("Meghri – Ordubad", 10.0, 29.5, status="planned").length_km
    19.5
    """

    name: str
    from_km: float
    to_km: float
    mode: str = "rail"
    status: str = "existing"
    speed_kmh: float | None = None
    source: str = ""
    published_km: float | None = None
    published_source: str = ""

    @property
    def length_km(self) -> float:
        """Geodesic length of the leg in km."""
        return self.to_km - self.from_km


def _dedupe(arr: np.ndarray, *, what: str = "route") -> np.ndarray:
    """Drop consecutive duplicate vertices; at least two distinct points must remain."""
    keep = np.ones(len(arr), dtype=bool)
    keep[1:] = (np.diff(arr, axis=0) != 0).any(axis=1)
    arr = arr[keep]
    if len(arr) < 2:
        msg = f"The {what} needs at least two distinct points, got {len(arr)} (a single point?)."
        raise GeometryError(msg)
    return arr


@dataclass(frozen=True, eq=False)
class Route:
    """An immutable route: a LineString in ``(lon, lat)`` with stops and legs.

    Use the constructors (:meth:`from_coords`, :meth:`from_places`,
    :meth:`read`, :meth:`along_border`) rather than building one directly.

    Parameters
    ----------
    geometry : shapely.LineString
        EPSG:4326, ``(lon, lat)``.
    stops : tuple of Stop
        Named points with their chainage in km.
    legs : tuple of Leg
        Stretches with their own mode, status and speed; they cover the route.
        Default: one leg with the route's attributes.
    name, mode, status, speed_kmh, source, published_km, published_source
        Metadata of the whole route (the first leg's, for joined routes); see :class:`Leg`.
    assumptions : mapping
        The travel and crossing assumptions the route was built with: a
        :class:`corridor.Scenario`'s route carries its ``"travel"``
        (:class:`~corridor.measure.TravelParams`) and ``"policy"``
        (:class:`~corridor.CrossingPolicy`), which :func:`corridor.analyze` uses
        when it is given none, so an analysis of a scenario's route has the
        scenario's speeds, dwell times and open borders.  Not part of equality.

    Examples
    --------
    >>> r = Route.from_places(["Meghri", "Ordubad", "Julfa"])
    >>> r
    <Route 'Meghri – Julfa': 53.6 km, rail, existing, 1 leg(s); Meghri → Ordubad → Julfa>
    >>> round(r.distance_between_km("Ordubad", "Julfa"), 1)
    34.6
    """

    geometry: shapely.LineString
    stops: tuple[Stop, ...] = ()
    legs: tuple[Leg, ...] = ()
    name: str = "route"
    mode: str = "rail"
    status: str = "existing"
    speed_kmh: float | None = None
    source: str = ""
    published_km: float | None = None
    published_source: str = ""
    assumptions: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _cum_m: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.geometry, shapely.LineString) or self.geometry.is_empty:
            raise GeometryError("A route's geometry must be a non-empty LineString.")
        if not isinstance(self.name, str):
            raise ParameterTypeError(f"A route's `name` must be a string, got {type(self.name).__name__}.")
        check_leg_attrs(self.mode, self.status, self.speed_kmh)
        if self.published_km is not None:
            object.__setattr__(self, "published_km", positive_number(self.published_km, "published_km", unit="km"))
        coords = shapely.get_coordinates(self.geometry)
        cum = np.concatenate([[0.0], np.cumsum(segment_lengths_m(coords))])
        object.__setattr__(self, "_cum_m", cum)
        if not cum[-1] > 0:
            raise GeometryError("The route has zero length: give at least two distinct points.")
        if not self.legs:
            leg = Leg(
                self.name,
                0.0,
                self.length_km,
                self.mode,
                self.status,
                self.speed_kmh,
                self.source,
                self.published_km,
                self.published_source,
            )
            object.__setattr__(self, "legs", (leg,))

    # ---------------------------------------------------------------- values
    @property
    def length_km(self) -> float:
        """Geodesic length on WGS84, in km."""
        return float(self._cum_m[-1]) / 1000.0

    @property
    def coords(self) -> np.ndarray:
        """Vertices as an ``(n, 2)`` array of ``(lon, lat)``."""
        return shapely.get_coordinates(self.geometry)

    @property
    def vertex_km(self) -> np.ndarray:
        """Chainage (geodesic km from the start) of every vertex."""
        return self._cum_m / 1000.0

    @property
    def start(self) -> tuple[float, float]:
        """First vertex ``(lon, lat)``."""
        x, y = self.coords[0]
        return float(x), float(y)

    @property
    def end(self) -> tuple[float, float]:
        """Last vertex ``(lon, lat)``."""
        x, y = self.coords[-1]
        return float(x), float(y)

    def point_at_km(self, km: float) -> tuple[float, float]:
        """The ``(lon, lat)`` at a chainage.

        Parameters
        ----------
        km : float
            Geodesic km from the start, between 0 and :attr:`length_km`.

        Returns
        -------
        tuple of float

        Raises
        ------
        corridor.errors.ParameterError
            ``km`` is not finite or lies beyond the route's ends (by more than 1 mm).

        Examples
        --------
        >>> r = Route.from_coords([(46.0, 38.9), (46.2, 38.9)])
        >>> [round(v, 4) for v in r.point_at_km(r.length_km / 2)]
        [46.1, 38.9]
        >>> r.point_at_km(100)
        Traceback (most recent call last):
        ...
        corridor.errors.ParameterError: `km`=100 is beyond the route, which runs from 0 to 17.350 km.
        """
        km = number(km, "km", unit="km")
        if not -1e-6 <= km <= self.length_km + 1e-6:
            raise ParameterError(f"`km`={km:g} is beyond the route, which runs from 0 to {self.length_km:.3f} km.")
        lon, lat = self.points_at_km(np.array([km]))[0]
        return float(lon), float(lat)

    def points_at_km(self, km: Any) -> np.ndarray:
        """Vectorised :meth:`point_at_km`: points on the geodesic of each segment.

        Parameters
        ----------
        km : array_like of float
            Geodesic km from the start (clipped to the route).

        Returns
        -------
        numpy.ndarray
            ``(n, 2)`` lon/lat.
        """
        try:
            km_arr = np.asarray(km, dtype=float)
        except (TypeError, ValueError):
            raise ParameterTypeError(f"`km` must be numbers (km), got {type(km).__name__}.") from None
        if not np.isfinite(km_arr).all():
            raise ParameterError("`km` must be finite numbers (km); it holds NaN or infinity.")
        return points_at_m(self.coords, self._cum_m, km_arr * 1000.0)

    def km_of(self, point: Any) -> float:
        """Chainage (km) of the point on the route nearest to ``point``.

        Parameters
        ----------
        point : str, Place or (lon, lat)

        Returns
        -------
        float
            Geodesic km from the start.

        Examples
        --------
        >>> r = Route.from_places(["Meghri", "Ordubad"])
        >>> round(r.km_of("Ordubad"), 3) == round(r.length_km, 3)
        True
        """
        p = resolve_point(point)
        proj = LocalProjection(self.geometry)
        line = proj.to_local(self.geometry)
        q = proj.to_local(shapely.Point(p))
        frac = shapely.line_locate_point(line, q, normalized=True)
        # map the planar fraction to a vertex interval, then to geodesic chainage
        proj_xy = shapely.get_coordinates(line)
        seg = np.hypot(*np.diff(proj_xy, axis=0).T)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        d = frac * cum[-1]
        i = int(np.clip(np.searchsorted(cum, d, side="right") - 1, 0, len(seg) - 1))
        t = (d - cum[i]) / seg[i] if seg[i] > 0 else 0.0
        return float(self._cum_m[i] + t * (self._cum_m[i + 1] - self._cum_m[i])) / 1000.0

    def distance_between_km(self, a: str | int, b: str | int) -> float:
        """Along-route distance (km) between two stops, by name or index.

        Parameters
        ----------
        a, b : str or int
            Stop names (case and diacritics ignored) or indices.

        Returns
        -------
        float

        Raises
        ------
        corridor.errors.UnknownStopError
            No such stop on the route.

        Examples
        --------
        >>> r = Route.from_places(["Meghri", "Ordubad", "Julfa"])
        >>> round(r.distance_between_km(0, "julfa"), 1)
        53.6
        """
        return abs(self._stop(b).km - self._stop(a).km)

    def _stop(self, key: str | int) -> Stop:
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not -len(self.stops) <= int(key) < len(self.stops):
                raise UnknownStopError(f"Route {self.name!r} has {len(self.stops)} stops; no stop {key}.")
            return self.stops[int(key)]
        if not isinstance(key, str):
            raise ParameterTypeError(f"A stop is a name or an index, got {type(key).__name__} {key!r}.")
        for s in self.stops:
            if normalize_name(s.name) == normalize_name(key):
                return s
        names = ", ".join(s.name for s in self.stops)
        raise UnknownStopError(f"No stop {key!r} on route {self.name!r}; stops: {names}.")

    # ---------------------------------------------------------- constructors
    @classmethod
    def from_coords(
        cls,
        coords: Iterable[Sequence[float]],
        *,
        name: str = "route",
        mode: str = "rail",
        status: str = "existing",
        speed_kmh: float | None = None,
        source: str = "",
        stops: Sequence[tuple[str, float, float]] | Sequence[str] | None = None,
        geodesic: bool = False,
    ) -> Route:
        """A route through ``(lon, lat)`` pairs.

        Parameters
        ----------
        coords : sequence of (lon, lat)
            At least two distinct points; NaN, infinite or latitude beyond ±90
            (swapped axes) raise :class:`~corridor.errors.GeometryError`.
        name, mode, status, speed_kmh, source
            The route's metadata (see :class:`Leg`).
        stops : sequence, optional
            ``(name, lon, lat)`` triples placed at their nearest point on the
            route, or names for the vertices (one per coordinate).
            Default: ``start`` and ``end``.
        geodesic : bool, default False
            Draw each segment along the geodesic (densified every 1 km)
            instead of straight in lon/lat.

        Returns
        -------
        Route

        Examples
        --------
        >>> r = Route.from_coords([(46.24, 38.90), (46.02, 38.90)], name="Meghri–Ordubad")
        >>> round(r.length_km, 3)
        19.085
        >>> Route.from_coords([(46.24, 38.90)])
        Traceback (most recent call last):
        ...
        corridor.errors.GeometryError: The route needs at least two distinct points, got 1 (a single point?).
        """
        check_leg_attrs(mode, status, speed_kmh)
        if coords is None or isinstance(coords, (str, bytes)):
            raise GeometryError(f"`coords` must be a sequence of (lon, lat) pairs, got {type(coords).__name__}.")
        raw = _dedupe(lonlat_array(coords if isinstance(coords, np.ndarray) else list(coords)))
        arr = densify_geodesic(raw, GEODESIC_STEP_M) if geodesic else raw
        r = cls(shapely.LineString(arr), (), (), name, mode, status, speed_kmh, source)
        if stops is None:
            st = [("start", *raw[0]), ("end", *raw[-1])]
        elif len(stops) and isinstance(stops[0], str):
            if len(stops) != len(raw):
                raise ParameterError("`stops` given as names needs one name per coordinate.")
            st = [(str(n), *xy) for n, xy in zip(stops, raw)]
        else:
            triples = cast("Sequence[tuple[str, float, float]]", stops)
            st = [(str(n), float(x), float(y)) for n, x, y in triples]
        return r._with_stops(st)

    def _with_stops(self, stops: Sequence[tuple[str, float, float]]) -> Route:
        out = []
        for nm, x, y in stops:
            km = 0.0 if (x, y) == self.start else self.length_km if (x, y) == self.end else None
            if km is None:
                km = self.km_of((x, y))
            out.append(Stop(nm, float(x), float(y), float(km)))
        return replace(self, stops=tuple(out), legs=self.legs)

    @classmethod
    def from_places(
        cls,
        names: Sequence[str | Place | tuple[float, float]],
        *,
        name: str | None = None,
        mode: str = "rail",
        status: str = "existing",
        speed_kmh: float | None = None,
        source: str = "",
    ) -> Route:
        """A route through gazetteer places, with straight geodesic legs between them.

        Each leg follows the geodesic (a vertex every 1 km).  Items may also be
        :class:`~corridor.Place` objects or ``(lon, lat)`` pairs.

        Parameters
        ----------
        names : sequence of str, Place or (lon, lat)
            At least two places, in order.
        name : str, optional
            Default ``"first – last"``.
        mode, status, speed_kmh, source
            The route's metadata (see :class:`Leg`).

        Returns
        -------
        Route

        Examples
        --------
        >>> r = Route.from_places(["Meghri", "Ordubad"])
        >>> [s.name for s in r.stops], round(r.length_km, 1)
        (['Meghri', 'Ordubad'], 19.1)
        >>> Route.from_places(["Meghri"])
        Traceback (most recent call last):
        ...
        corridor.errors.GeometryError: `from_places` needs at least two places.
        """
        if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
            raise ParameterTypeError(f"`names` must be a list of places, got {type(names).__name__}.")
        if len(names) < 2:
            raise GeometryError("`from_places` needs at least two places.")
        pts = [resolve_named_point(item) for item in names]
        xy = lonlat_array([(x, y) for _, x, y in pts])
        if (np.diff(xy, axis=0) == 0).all(axis=1).any():
            raise GeometryError("Consecutive places are identical; a leg would have zero length.")
        label = name or " – ".join(p[0] for p in (pts[0], pts[-1]))
        r = cls(
            shapely.LineString(densify_geodesic(xy, GEODESIC_STEP_M)), (), (), label, mode, status, speed_kmh, source
        )
        # stops sit on vertices: compute their chainage from the leg lengths
        leg_km = segment_lengths_m(xy)  # geodesic leg lengths equal the densified sums
        cum = np.concatenate([[0.0], np.cumsum(leg_km)]) / 1000.0
        cum *= r.length_km / cum[-1]
        stops = tuple(Stop(n, x, y, float(k)) for (n, x, y), k in zip(pts, cum))
        return replace(r, stops=stops)

    @classmethod
    def read(
        cls,
        path: str | Path,
        *,
        layer: str | int | None = None,
        name: str | None = None,
        mode: str = "rail",
        status: str = "existing",
        speed_kmh: float | None = None,
        source: str | None = None,
        tolerance_m: float = 1.0,
        max_vertices: int = 5_000_000,  # corridor.io.MAX_ROUTE_VERTICES
    ) -> Route:
        """Read a route from a line layer (GeoJSON, GPKG, FlatGeobuf, GPX, KML, Shapefile).

        A file written by :meth:`write` comes back equal (:meth:`equals`).

        Parameters
        ----------
        path, layer, name, mode, status, speed_kmh, source, tolerance_m, max_vertices
            As in :func:`corridor.io.read_route`.

        Returns
        -------
        Route
        """
        from .io import read_route

        return read_route(
            path,
            layer=layer,
            name=name,
            mode=mode,
            status=status,
            speed_kmh=speed_kmh,
            source=source,
            tolerance_m=tolerance_m,
            max_vertices=max_vertices,
        )

    @classmethod
    def along_border(
        cls,
        a: str | Sequence[str],
        b: str | Sequence[str],
        *args: Any,
        region: Region | None = None,
        side: str | Sequence[str],
        offset_m: float,
        start: Any = None,
        end: Any = None,
        connect: bool | str = False,
        smooth_m: float | None = None,
        name: str | None = None,
        mode: str = "rail",
        status: str = "planned",
        speed_kmh: float | None = None,
        source: str = "",
    ) -> Route:
        """Follow the border between ``a`` and ``b`` at ``offset_m`` inside ``side``.

        Parameters
        ----------
        a, b : str or sequence of str
            Territories or parts (ids or names) on each side of the border.
            Either may be a list (several territories), or ``"*"`` for "any
            territory but the other side".
        *args
            Only for the 0.1 call form ``along_border(region, a, b, ...)`` (deprecated).
        region : Region, optional
            Default: the built-in region.
        side : str or sequence of str
            Which side to run on: ``a``, ``b`` (the same values), or the
            literal ``"a"``/``"b"``.
        offset_m : float
            Distance from the border into ``side`` (metres, > 0).
        start, end : place name, Place or (lon, lat), optional
            Where the route starts and ends (default: the ends of the border).
            The route starts and ends where these project onto the offset
            line, so that it never leaves ``side``.
        connect : bool or {"start", "end"}, default False
            Also run straight from ``start`` to the offset line and from it to
            ``end`` (the stops are then the places themselves), or only at the
            ``"start"`` or the ``"end"``.  These connectors may cross other
            territories.
        smooth_m : float, optional
            Simplification tolerance of the offset line (default
            ``offset_m / 5``).
        name, mode, status, speed_kmh, source
            The route's metadata (see :class:`Leg`); status defaults to ``planned``.

        Returns
        -------
        Route

        Notes
        -----
        The offset line is the boundary of the ``side`` territory eroded by
        ``offset_m`` (a negative buffer in a local metric projection), so it
        lies inside ``side`` at about ``offset_m`` from the border, with round
        turns instead of the spikes an offset curve makes on a meandering
        river, and it bridges gaps in the border (reservoirs) along the shore.

        Examples
        --------
        >>> r = Route.along_border("ARM", "IRN", side="ARM", offset_m=300)
        >>> round(r.length_km, 1)
        43.3
        >>> Route.along_border("ARM", "IRN", side="ARM", offset_m=-5)
        Traceback (most recent call last):
        ...
        corridor.errors.ParameterError: `offset_m` must be > 0 (metres), got -5.0.
        """
        from ._along import along_border_coords
        from .region import Region, load_region

        if args or a is None or isinstance(a, Region):  # the 0.1 form: along_border(region, a, b, ...)
            if len(args) != 1 or region is not None:
                raise ParameterTypeError("Route.along_border takes (a, b, *, region=None, side=..., offset_m=...).")
            warn_deprecated(
                "Route.along_border(region, a, b, ...) is deprecated; "
                "call Route.along_border(a, b, region=region, ...)."
            )
            region, a, b = cast("Region | None", a), b, args[0]
        offset, smooth = _offsets(offset_m, smooth_m)
        coords, stops, label = along_border_coords(
            region if region is not None else load_region(),
            a,
            b,
            side=side,
            offset_m=offset,
            start=start,
            end=end,
            smooth_m=smooth,
            connect=one_of(connect, "connect", (False, True, "start", "end")),
        )
        r = cls.from_coords(coords, name=name or label, mode=mode, status=status, speed_kmh=speed_kmh, source=source)
        return r._with_stops(stops)

    # ------------------------------------------------------------ operations
    def reversed(self) -> Route:
        """The same route driven the other way (stops and legs mirrored).

        Returns
        -------
        Route

        Examples
        --------
        >>> [s.name for s in Route.from_places(["Meghri", "Ordubad"]).reversed().stops]
        ['Ordubad', 'Meghri']
        """
        L = self.length_km
        geom = shapely.LineString(self.coords[::-1])
        stops = tuple(Stop(s.name, s.lon, s.lat, L - s.km) for s in reversed(self.stops))
        legs = tuple(replace(leg, from_km=L - leg.to_km, to_km=L - leg.from_km) for leg in reversed(self.legs))
        return replace(self, geometry=geom, stops=stops, legs=legs)

    def slice(self, from_km: float, to_km: float) -> Route:
        """The part of the route between two chainages (km), with its stops and legs.

        Parameters
        ----------
        from_km, to_km : float
            ``0 <= from_km < to_km <= length_km``.

        Returns
        -------
        Route

        Examples
        --------
        >>> r = Route.from_places(["Meghri", "Ordubad", "Julfa"])
        >>> round(r.slice(0, 10).length_km, 6)
        10.0
        >>> r.slice(10, 5)
        Traceback (most recent call last):
        ...
        corridor.errors.ParameterError: Need 0 <= from_km < to_km <= 53.648, got 10.0, 5.0.
        """
        from_km, to_km = number(from_km, "from_km", unit="km"), number(to_km, "to_km", unit="km")
        L = self.length_km
        if not (0 <= from_km < to_km <= L + 1e-9):
            raise ParameterError(f"Need 0 <= from_km < to_km <= {L:.3f}, got {from_km}, {to_km}.")
        to_km = min(to_km, L)
        km = self.vertex_km
        inner = (km > from_km) & (km < to_km)
        pts = np.vstack(
            [
                self.points_at_km(np.array([from_km])),
                self.coords[inner],
                self.points_at_km(np.array([to_km])),
            ]
        )
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = (np.diff(pts, axis=0) != 0).any(axis=1)
        if keep.sum() < 2:
            msg = (
                f"The slice from {from_km!r} to {to_km!r} km is shorter than the coordinates can tell "
                "apart (its ends fall on the same point); take a longer slice."
            )
            raise ParameterError(msg)
        geom = shapely.LineString(pts[keep])
        stops = tuple(Stop(s.name, s.lon, s.lat, s.km - from_km) for s in self.stops if from_km <= s.km <= to_km)
        legs = tuple(
            replace(lg, from_km=max(lg.from_km, from_km) - from_km, to_km=min(lg.to_km, to_km) - from_km)
            for lg in self.legs
            if lg.to_km > from_km and lg.from_km < to_km
        )
        r = replace(self, geometry=geom, stops=stops, legs=legs)
        return r._rescale_legs()

    def _rescale_legs(self) -> Route:
        """Snap leg ends to the (re-measured) length after geometry changes."""
        if not self.legs:
            return self
        L = self.length_km
        legs = list(self.legs)
        legs[-1] = replace(legs[-1], to_km=L)
        legs[0] = replace(legs[0], from_km=0.0)
        return replace(self, legs=tuple(legs))

    @classmethod
    def join(cls, routes: Sequence[Route], *, name: str | None = None, tolerance_m: float = 50.0) -> Route:
        """Join routes end to start into one multi-leg route; each leg keeps its attributes.

        Parameters
        ----------
        routes : sequence of Route
            In order; each must start within ``tolerance_m`` of the previous end.
        name : str, optional
            Default: the names joined by ``" + "``.
        tolerance_m : float, default 50
            Largest gap bridged by a straight segment (geodesic metres).

        Returns
        -------
        Route

        Raises
        ------
        corridor.errors.GeometryError
            Two consecutive routes do not meet.

        Examples
        --------
        >>> a = Route.from_places(["Meghri", "Ordubad"], name="a")
        >>> b = Route.from_places(["Ordubad", "Julfa"], name="b", status="planned")
        >>> [(lg.name, lg.status) for lg in Route.join([a, b]).legs]
        [('a', 'existing'), ('b', 'planned')]
        >>> Route.join([b, a])
        Traceback (most recent call last):
        ...
        corridor.errors.GeometryError: Route 'a' starts 53491 m from the end of 'b' (tolerance 50 m); ...
        """
        routes = list(routes)
        if not routes:
            raise GeometryError("`Route.join` needs at least one route.")
        bad = [r for r in routes if not isinstance(r, Route)]
        if bad:
            raise ParameterTypeError(f"`Route.join` joins Route objects, got {type(bad[0]).__name__}.")
        tol = number(tolerance_m, "tolerance_m", unit="metres")
        coords = [routes[0].coords]
        for prev, nxt in zip(routes[:-1], routes[1:]):
            gap = GEOD.inv(*prev.end, *nxt.start)[2]
            if gap > tol:
                msg = (
                    f"Route {nxt.name!r} starts {gap:.0f} m from the end of {prev.name!r} "
                    f"(tolerance {tol:g} m); reverse one of them or bridge the gap."
                )
                raise GeometryError(msg)
            c = nxt.coords
            if gap == 0:
                c = c[1:]
            coords.append(c)
        first = routes[0]
        r = cls(
            shapely.LineString(np.vstack(coords)),
            (),
            (),
            name or " + ".join(x.name for x in routes),
            first.mode,
            first.status,
            first.speed_kmh,
            first.source,
        )
        offset = 0.0
        legs: list[Leg] = []
        stops: list[Stop] = []
        for k, x in enumerate(routes):
            if k:
                offset += GEOD.inv(*routes[k - 1].end, *x.start)[2] / 1000.0
            for lg in x.legs:
                legs.append(replace(lg, from_km=lg.from_km + offset, to_km=lg.to_km + offset))
            for s in x.stops:
                if stops and k and s.km == 0 and stops[-1].name == s.name:
                    continue
                stops.append(Stop(s.name, s.lon, s.lat, s.km + offset))
            offset += x.length_km
        scale = r.length_km / offset if offset else 1.0
        legs = [replace(lg, from_km=lg.from_km * scale, to_km=lg.to_km * scale) for lg in legs]
        stops = [replace(s, km=s.km * scale) for s in stops]
        return replace(r, legs=tuple(legs), stops=tuple(stops))._rescale_legs()

    def with_attrs(self, **kwargs: Any) -> Route:
        """A copy with other metadata (``name``, ``mode``, ``status``, ``speed_kmh``, ``source``, ``published_km``...).

        On a single-leg route the leg follows the change.

        Parameters
        ----------
        **kwargs
            New values of ``name``, ``mode``, ``status``, ``speed_kmh``, ``source``,
            ``published_km`` or ``published_source``.

        Returns
        -------
        Route

        Examples
        --------
        >>> Route.from_places(["Meghri", "Ordubad"]).with_attrs(status="planned").legs[0].status
        'planned'
        """
        allowed = {"name", "mode", "status", "speed_kmh", "source", "published_km", "published_source"}
        unknown = sorted(set(kwargs) - allowed)
        if unknown:
            raise ParameterError(f"`with_attrs` sets {', '.join(sorted(allowed))}; unknown: {', '.join(unknown)}.")
        r = replace(self, **kwargs)  # __post_init__ checks them
        if len(self.legs) == 1:
            r = replace(r, legs=(replace(self.legs[0], **kwargs),))
        return r

    # ---------------------------------------------------------------- export
    def to_gdf(self) -> gpd.GeoDataFrame:
        """The legs as a GeoDataFrame (one row per leg, EPSG:4326).

        Returns
        -------
        geopandas.GeoDataFrame
            ``route``, ``leg``, ``mode``, ``status``, ``speed_kmh``, ``from_km``,
            ``to_km``, ``length_km``, ``source``, ``published_km``,
            ``published_source``, ``geometry``.

        Examples
        --------
        >>> Route.from_places(["Meghri", "Ordubad"]).to_gdf()[["leg", "mode"]].values.tolist()
        [['Meghri – Ordubad', 'rail']]
        """
        import geopandas as gpd

        rows, geoms = [], []
        for lg in self.legs:
            part = self.slice(lg.from_km, lg.to_km) if len(self.legs) > 1 else self
            geoms.append(part.geometry)
            rows.append(
                {
                    "route": self.name,
                    "leg": lg.name,
                    "mode": lg.mode,
                    "status": lg.status,
                    "speed_kmh": lg.speed_kmh,
                    "from_km": lg.from_km,
                    "to_km": lg.to_km,
                    "length_km": lg.length_km,
                    "source": lg.source,
                    "published_km": lg.published_km,
                    "published_source": lg.published_source,
                }
            )
        return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")

    def stops_gdf(self) -> gpd.GeoDataFrame:
        """The stops as a GeoDataFrame of points with their chainage.

        Returns
        -------
        geopandas.GeoDataFrame
            ``route``, ``stop``, ``km``, ``geometry``.

        Examples
        --------
        >>> Route.from_places(["Meghri", "Ordubad"]).stops_gdf()["stop"].tolist()
        ['Meghri', 'Ordubad']
        """
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {
                "route": [self.name] * len(self.stops),
                "stop": [s.name for s in self.stops],
                "km": [s.km for s in self.stops],
            },
            geometry=[shapely.Point(s.lon, s.lat) for s in self.stops],
            crs="EPSG:4326",
        )

    def write(self, path: str | Path) -> Path:
        """Write the route to a file, atomically (see :func:`corridor.io.write_route`).

        Parameters
        ----------
        path : path-like
            ``.geojson``, ``.json``, ``.gpkg`` or ``.fgb``.

        Returns
        -------
        pathlib.Path
        """
        from .io import write_route

        return write_route(self, path)

    def equals(self, other: object, *, tolerance_m: float = 0.01, km_tolerance_m: float = 1.0) -> bool:
        """Whether ``other`` is the same route, as written to a file and read back.

        The same name and attributes; the same legs (names and attributes equal,
        ends within ``km_tolerance_m``); the same stops (names equal, positions
        within ``tolerance_m``, chainage within ``km_tolerance_m``); as many
        vertices, each within ``tolerance_m``; lengths within ``km_tolerance_m``.
        ``==`` stays identity, as for every Route.

        Parameters
        ----------
        other : object
        tolerance_m : float, default 0.01
            Geodesic metres between vertices or stops (GeoJSON keeps 7 decimals: ≤ 1 cm).
        km_tolerance_m : float, default 1
            Metres between chainages (km of stops and leg ends) and between lengths.

        Returns
        -------
        bool

        Examples
        --------
        >>> r = Route.from_places(["Meghri", "Ordubad"])
        >>> r.equals(Route.from_places(["Meghri", "Ordubad"])), r.equals(r.reversed()), r.equals("Meghri")
        (True, False, False)
        """
        tol = non_negative_number(tolerance_m, "tolerance_m", unit="metres")
        km_tol = non_negative_number(km_tolerance_m, "km_tolerance_m", unit="metres")
        if not isinstance(other, Route) or len(self.coords) != len(other.coords):
            return False
        attrs = ("name", "mode", "status", "speed_kmh", "source", "published_km", "published_source")
        if [getattr(self, a) for a in attrs] != [getattr(other, a) for a in attrs]:
            return False
        if len(self.legs) != len(other.legs) or len(self.stops) != len(other.stops):
            return False
        leg_attrs = ("name", *attrs[1:])
        for a, b in zip(self.legs, other.legs):
            same = [getattr(a, k) for k in leg_attrs] == [getattr(b, k) for k in leg_attrs]
            if not same or max(abs(a.from_km - b.from_km), abs(a.to_km - b.to_km)) * 1000 > km_tol:
                return False
        if [s.name for s in self.stops] != [s.name for s in other.stops]:
            return False
        km = np.array([[s.km, o.km] for s, o in zip(self.stops, other.stops)] + [[self.length_km, other.length_km]])
        if np.abs(km[:, 0] - km[:, 1]).max() * 1000 > km_tol:
            return False
        xy = np.vstack([self.coords, [(s.lon, s.lat) for s in self.stops]]) if self.stops else self.coords
        xy_o = np.vstack([other.coords, [(s.lon, s.lat) for s in other.stops]]) if other.stops else other.coords
        return bool(GEOD.inv(xy[:, 0], xy[:, 1], xy_o[:, 0], xy_o[:, 1])[2].max() <= tol)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(self.geometry),
            "properties": {
                "name": self.name,
                "mode": self.mode,
                "status": self.status,
                "length_km": self.length_km,
            },
        }

    def __repr__(self) -> str:
        stops = " → ".join(s.name for s in self.stops[:6]) + (" → …" if len(self.stops) > 6 else "")
        return (
            f"<Route {self.name!r}: {self.length_km:.1f} km, {self.mode}, {self.status}, "
            f"{len(self.legs)} leg(s); {stops}>"
        )

    def _repr_html_(self) -> str:
        from ._html import route_html

        return route_html(self)

    def explore(self, **kwargs: Any) -> Any:
        """Interactive map of the route (see :func:`corridor.make_map`).

        Parameters
        ----------
        **kwargs
            Passed to :func:`corridor.make_map`.

        Returns
        -------
        folium.Map
        """
        from .maps import make_map

        return make_map(routes=[self], **kwargs)


def _offsets(offset_m: Any, smooth_m: Any) -> tuple[float, float]:
    """``offset_m`` and ``smooth_m`` of :meth:`Route.along_border`, checked."""
    offset = positive_number(offset_m, "offset_m", unit="metres")
    if offset < MIN_OFFSET_M:
        msg = (
            f"`offset_m`={offset:g} is less than {MIN_OFFSET_M:g} m: a line that close lies on the border "
            "within the precision of the geometry, on either side. Give at least 1 m (the built-in "
            "borders are only known to about a kilometre: see `Region.accuracy_m`)."
        )
        raise ParameterError(msg)
    smooth = offset / 5 if smooth_m is None else non_negative_number(smooth_m, "smooth_m", unit="metres")
    if smooth >= offset:
        raise ParameterError(
            f"`smooth_m`={smooth:g} must be smaller than `offset_m`={offset:g}, or the line may touch the border."
        )
    return offset, smooth
