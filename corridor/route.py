"""Routes: immutable lines in ``(lon, lat)`` with named stops, legs and metadata.

A :class:`Route` holds its geometry (LineString, EPSG:4326), its stops with
their chainage (geodesic km from the start) and its legs, each with its own
mode, status and speed.  Build one with the classmethod constructors
(:meth:`Route.from_coords`, :meth:`Route.from_places`, :meth:`Route.read`,
:meth:`Route.along_border`) and join several with :meth:`Route.join`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely

from .errors import CRSError, GeometryError, ParameterError
from .geodesy import GEOD, LocalProjection, segment_lengths_m
from .places import Place, place

if TYPE_CHECKING:
    import geopandas as gpd

    from .region import Region

__all__ = ["MODES", "STATUSES", "Leg", "Route", "Stop"]

MODES = ("rail", "road", "other")
STATUSES = ("existing", "planned", "under construction", "disused", "proposed")

#: Spacing of vertices when a straight leg is drawn along the geodesic (metres).
GEODESIC_STEP_M = 1000.0


@dataclass(frozen=True)
class Stop:
    """A named point on a route with its chainage (geodesic km from the start)."""

    name: str
    lon: float
    lat: float
    km: float


@dataclass(frozen=True)
class Leg:
    """A stretch of a route with its own attributes; ``from_km``/``to_km`` on the route."""

    name: str
    from_km: float
    to_km: float
    mode: str = "rail"
    status: str = "existing"
    speed_kmh: float | None = None
    source: str = ""

    @property
    def length_km(self) -> float:
        """Geodesic length of the leg in km."""
        return self.to_km - self.from_km


def _check_attrs(mode: str, status: str, speed_kmh: float | None) -> None:
    if mode not in MODES:
        raise ParameterError(f"`mode` must be one of {MODES}, got {mode!r}.")
    if status not in STATUSES:
        raise ParameterError(f"`status` must be one of {STATUSES}, got {status!r}.")
    if speed_kmh is not None and not (np.isfinite(speed_kmh) and speed_kmh > 0):
        raise ParameterError(f"`speed_kmh` must be a positive number, got {speed_kmh!r}.")


def _validate_coords(coords: Any, *, what: str = "route") -> np.ndarray:
    try:
        arr = np.asarray(coords, dtype=float)
    except (TypeError, ValueError) as exc:
        raise GeometryError(f"The {what} coordinates must be numbers as (lon, lat) pairs.") from exc
    if arr.ndim != 2 or arr.shape[1] not in (2, 3) or len(arr) == 0:
        msg = f"The {what} needs an (n, 2) sequence of (lon, lat) pairs, got shape {arr.shape}."
        raise GeometryError(msg)
    arr = arr[:, :2]
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise GeometryError(f"The {what} has a NaN or infinite coordinate at position {i}: {arr[i]}.")
    if (np.abs(arr) > 360).any():
        i = int(np.flatnonzero((np.abs(arr) > 360).any(axis=1))[0])
        msg = (
            f"Coordinate {arr[i].tolist()} at position {i} of the {what} is not (lon, lat) in "
            "degrees: it looks projected (metres). Give the layer its CRS, or reproject to "
            "EPSG:4326, before building a route."
        )
        raise GeometryError(msg)
    if (np.abs(arr[:, 0]) > 180).any():
        i = int(np.flatnonzero(np.abs(arr[:, 0]) > 180)[0])
        msg = f"Longitude {arr[i, 0]} at position {i} of the {what} is beyond ±180°; give (lon, lat) in degrees."
        raise GeometryError(msg)
    if (np.abs(arr[:, 1]) > 90).any():
        i = int(np.flatnonzero(np.abs(arr[:, 1]) > 90)[0])
        msg = (
            f"Latitude {arr[i, 1]} at position {i} of the {what} is beyond ±90°: the axes look "
            "swapped. Coordinates are (lon, lat)."
        )
        raise GeometryError(msg)
    # drop consecutive duplicates
    keep = np.ones(len(arr), dtype=bool)
    keep[1:] = (np.diff(arr, axis=0) != 0).any(axis=1)
    arr = arr[keep]
    if len(arr) < 2:
        msg = f"The {what} needs at least two distinct points, got {len(arr)} (a single point?)."
        raise GeometryError(msg)
    return arr


def _geodesic_densify(coords: np.ndarray, step_m: float = GEODESIC_STEP_M) -> np.ndarray:
    """Insert points along the geodesic of each segment longer than ``step_m``."""
    out = [coords[:1]]
    for (lon1, lat1), (lon2, lat2) in zip(coords[:-1], coords[1:]):
        _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
        n = int(d // step_m)
        if n > 0:
            mids = np.asarray(GEOD.npts(lon1, lat1, lon2, lat2, n), dtype=float).reshape(-1, 2)
            # keep longitudes continuous with the start (antimeridian)
            mids[:, 0] = lon1 + ((mids[:, 0] - lon1 + 180) % 360 - 180)
            out.append(mids)
        end = np.array([[lon1 + ((lon2 - lon1 + 180) % 360 - 180), lat2]])
        out.append(end)
    return np.concatenate(out)


@dataclass(frozen=True, eq=False)
class Route:
    """An immutable route: a LineString in ``(lon, lat)`` with stops and legs.

    Use the constructors rather than building one directly.

    Attributes
    ----------
    geometry : shapely.LineString
        EPSG:4326, ``(lon, lat)``.
    stops : tuple of Stop
        Named points with their chainage in km.
    legs : tuple of Leg
        Stretches with their own mode, status and speed; they cover the route.
    name, mode, status, speed_kmh, source
        Metadata of the whole route (the first leg's, for joined routes).
    """

    geometry: shapely.LineString
    stops: tuple[Stop, ...] = ()
    legs: tuple[Leg, ...] = ()
    name: str = "route"
    mode: str = "rail"
    status: str = "existing"
    speed_kmh: float | None = None
    source: str = ""
    _cum_m: np.ndarray = field(default=cast("np.ndarray", None), repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.geometry, shapely.LineString) or self.geometry.is_empty:
            raise GeometryError("A route's geometry must be a non-empty LineString.")
        _check_attrs(self.mode, self.status, self.speed_kmh)
        coords = shapely.get_coordinates(self.geometry)
        cum = np.concatenate([[0.0], np.cumsum(segment_lengths_m(coords))])
        object.__setattr__(self, "_cum_m", cum)
        if cum[-1] <= 0:
            raise GeometryError("The route has zero length: give at least two distinct points.")
        if not self.legs:
            leg = Leg(self.name, 0.0, self.length_km, self.mode, self.status, self.speed_kmh, self.source)
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
        """The ``(lon, lat)`` at a chainage (km), interpolated along the geodesic."""
        return tuple(self.points_at_km(np.array([km]))[0])  # type: ignore[return-value]

    def points_at_km(self, km: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`point_at_km`: ``(n, 2)`` lon/lat."""
        m = np.clip(np.asarray(km, dtype=float) * 1000.0, 0, self._cum_m[-1])
        xy = self.coords
        i = np.clip(np.searchsorted(self._cum_m, m, side="right") - 1, 0, len(xy) - 2)
        seg = self._cum_m[i + 1] - self._cum_m[i]
        t = np.where(seg > 0, (m - self._cum_m[i]) / np.where(seg > 0, seg, 1), 0.0)
        return xy[i] + (xy[i + 1] - xy[i]) * t[:, None]

    def km_of(self, point: Any) -> float:
        """Chainage (km) of the point on the route nearest to ``point`` (place or lon/lat)."""
        p = _as_place_or_point(point)
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
        """Along-route distance (km) between two stops, by name or index."""
        return abs(self._stop(b).km - self._stop(a).km)

    def _stop(self, key: str | int) -> Stop:
        if isinstance(key, int):
            return self.stops[key]
        from .places import normalize_name

        for s in self.stops:
            if normalize_name(s.name) == normalize_name(key):
                return s
        names = ", ".join(s.name for s in self.stops)
        raise KeyError(f"No stop {key!r} on route {self.name!r}; stops: {names}.")

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
        stops : sequence, optional
            ``(name, lon, lat)`` triples placed at their nearest point on the
            route, or names for the vertices (one per coordinate).
            Default: ``start`` and ``end``.
        geodesic : bool, default False
            Draw each segment along the geodesic (densified every 1 km)
            instead of straight in lon/lat.

        Examples
        --------
        >>> r = Route.from_coords([(46.24, 38.90), (46.02, 38.90)], name="Meghri–Ordubad")
        >>> round(r.length_km, 3)
        19.085
        """
        _check_attrs(mode, status, speed_kmh)
        arr = _validate_coords(list(coords) if not isinstance(coords, np.ndarray) else coords)
        raw = arr
        if geodesic:
            arr = _geodesic_densify(arr)
        geom = shapely.LineString(arr)
        r = cls(geom, (), (), name, mode, status, speed_kmh, source)
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

        Examples
        --------
        >>> r = Route.from_places(["Meghri", "Ordubad"])
        >>> [s.name for s in r.stops], round(r.length_km, 1)
        (['Meghri', 'Ordubad'], 19.1)
        """
        if len(names) < 2:
            raise GeometryError("`from_places` needs at least two places.")
        pts = []
        for item in names:
            if isinstance(item, (str, Place)):
                p = place(item)
                pts.append((p.name, p.lon, p.lat))
            else:
                lon, lat = _as_place_or_point(item)
                pts.append((f"{lon:.4f}, {lat:.4f}", float(lon), float(lat)))
        xy = _validate_coords([(x, y) for _, x, y in pts])
        if len(xy) != len(pts):
            raise GeometryError("Consecutive places are identical; a leg would have zero length.")
        dense = _geodesic_densify(xy)
        label = name or " – ".join(p[0] for p in (pts[0], pts[-1]))
        r = cls(shapely.LineString(dense), (), (), label, mode, status, speed_kmh, source)
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
    ) -> Route:
        """Read a route from any line layer GDAL reads (GeoJSON, GPKG, GPX, KML, Shapefile).

        A layer of several lines is joined in file order when each starts
        where the previous one ends (within ``tolerance_m``; reversed pieces
        are turned round); otherwise a :class:`GeometryError` says where the
        chain breaks.  A layer in another CRS is reprojected; one without a
        CRS raises :class:`~corridor.errors.CRSError`.
        """
        import geopandas as gpd

        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"Route file {str(path)!r} does not exist.")
        kw: dict[str, Any] = {}
        if layer is not None:
            kw["layer"] = layer
        elif path.suffix.lower() == ".gpx":
            kw["layer"] = "tracks"
        else:
            kw.update(_line_layer(path))
        try:
            gdf = gpd.read_file(path, **kw)
        except Exception as exc:
            raise GeometryError(f"Cannot read {str(path)!r} as a line layer: {exc}") from exc
        if path.suffix.lower() == ".gpx" and len(gdf) == 0 and layer is None:
            gdf = gpd.read_file(path, layer="routes")
        if gdf.crs is None:
            msg = (
                f"{str(path)!r} has no CRS; corridor cannot tell degrees from metres. "
                "Set one (for GeoJSON, coordinates must be WGS84 lon/lat)."
            )
            raise CRSError(msg)
        gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)].to_crs("EPSG:4326")
        if len(gdf) == 0:
            raise GeometryError(f"{str(path)!r} holds no lines.")
        lines = []
        points: list[tuple[str, float, float]] = []
        name_col = next((c for c in ("name", "Name", "NAME") if c in gdf.columns), None)
        for k, g in enumerate(gdf.geometry):
            if g.geom_type == "LineString":
                lines.append(g)
            elif g.geom_type == "MultiLineString":
                lines.extend(shapely.get_parts(g))
            elif g.geom_type == "Point":  # placemarks / waypoints: named ones become stops
                label_k = gdf[name_col].iloc[k] if name_col else None
                if isinstance(label_k, str) and label_k:
                    points.append((label_k, g.x, g.y))
            else:
                msg = f"{str(path)!r} holds a {g.geom_type}; a route needs LineStrings."
                raise GeometryError(msg)
        if not lines:
            raise GeometryError(f"{str(path)!r} holds no lines (only points?); a route needs LineStrings.")
        coords = _chain(lines, tolerance_m, where=str(path))
        label = name
        if label is None and name_col is not None:
            line_rows = gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]
            first = line_rows[name_col].iloc[0] if len(line_rows) else None
            label = first if isinstance(first, str) and first else None
        r = cls.from_coords(
            coords,
            name=label or path.stem,
            mode=mode,
            status=status,
            speed_kmh=speed_kmh,
            source=source if source is not None else f"file {path.name}",
        )
        if points:
            ends = [("start", *r.start)] if points[0][1:] != r.start else []
            tail = [("end", *r.end)] if points[-1][1:] != r.end else []
            r = r._with_stops([*ends, *points, *tail])
            r = replace(r, stops=tuple(sorted(r.stops, key=lambda st: st.km)))
        return r

    @classmethod
    def along_border(
        cls,
        region: Region | None,
        a: str | Sequence[str],
        b: str | Sequence[str],
        *,
        side: str | Sequence[str],
        offset_m: float,
        start: Any = None,
        end: Any = None,
        name: str | None = None,
        mode: str = "rail",
        status: str = "planned",
        speed_kmh: float | None = None,
        source: str = "",
        smooth_m: float | None = None,
        connect: bool = False,
    ) -> Route:
        """Follow the border between ``a`` and ``b`` at ``offset_m`` inside ``side``.

        Parameters
        ----------
        region : Region or None
            Default: the built-in region.
        a, b : str or sequence of str
            Territories or parts (ids or names) on each side of the border.
            Either may be a list (several territories), or ``"*"`` for "any
            territory but the other side".
        side : str or sequence of str
            Which side to run on: ``a``, ``b`` (the same values), or the
            literal ``"a"``/``"b"``.
        offset_m : float
            Distance from the border into ``side`` (metres, > 0).
        start, end : place name, Place or (lon, lat), optional
            Where the route starts and ends (default: the ends of the border).
            The route starts and ends where these project onto the offset
            line, so that it never leaves ``side``.
        connect : bool, default False
            Also run straight from ``start`` to the offset line and from it to
            ``end`` (the stops are then the places themselves).  These
            connectors may cross other territories.
        smooth_m : float, optional
            Simplification tolerance of the offset line (default
            ``offset_m / 5``).

        Notes
        -----
        The offset line is the boundary of the ``side`` territory eroded by
        ``offset_m`` (a negative buffer in a local metric projection), so it
        lies inside ``side`` at about ``offset_m`` from the border, with round
        turns instead of the spikes an offset curve makes on a meandering
        river, and it bridges gaps in the border (reservoirs) along the shore.
        """
        from ._along import along_border_coords
        from .region import load_region

        region = region or load_region()
        if offset_m <= 0 or not np.isfinite(offset_m):
            raise ParameterError(f"`offset_m` must be a positive number of metres, got {offset_m!r}.")
        coords, stops, label = along_border_coords(
            region,
            a,
            b,
            side=side,
            offset_m=offset_m,
            start=start,
            end=end,
            smooth_m=smooth_m if smooth_m is not None else offset_m / 5,
            connect=connect,
        )
        r = cls.from_coords(coords, name=name or label, mode=mode, status=status, speed_kmh=speed_kmh, source=source)
        return r._with_stops(stops)

    # ------------------------------------------------------------ operations
    def reversed(self) -> Route:
        """The same route driven the other way (stops and legs mirrored)."""
        L = self.length_km
        geom = shapely.LineString(self.coords[::-1])
        stops = tuple(Stop(s.name, s.lon, s.lat, L - s.km) for s in reversed(self.stops))
        legs = tuple(replace(leg, from_km=L - leg.to_km, to_km=L - leg.from_km) for leg in reversed(self.legs))
        return replace(self, geometry=geom, stops=stops, legs=legs)

    def slice(self, from_km: float, to_km: float) -> Route:
        """The part of the route between two chainages (km), with its stops and legs."""
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

        Consecutive routes must meet within ``tolerance_m`` (a gap up to that
        is bridged by a straight segment); otherwise :class:`GeometryError`.
        """
        routes = list(routes)
        if not routes:
            raise GeometryError("`Route.join` needs at least one route.")
        coords = [routes[0].coords]
        for prev, nxt in zip(routes[:-1], routes[1:]):
            gap = GEOD.inv(*prev.end, *nxt.start)[2]
            if gap > tolerance_m:
                msg = (
                    f"Route {nxt.name!r} starts {gap:.0f} m from the end of {prev.name!r} "
                    f"(tolerance {tolerance_m:g} m); reverse one of them or bridge the gap."
                )
                raise GeometryError(msg)
            c = nxt.coords
            if gap == 0:
                c = c[1:]
            coords.append(c)
        all_xy = np.vstack(coords)
        first = routes[0]
        r = cls(
            shapely.LineString(all_xy),
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
        """A copy with other metadata (``name``, ``mode``, ``status``, ``speed_kmh``, ``source``).

        On a single-leg route the leg follows the change.
        """
        r = replace(self, **kwargs)
        _check_attrs(r.mode, r.status, r.speed_kmh)
        if len(self.legs) == 1:
            leg = replace(
                self.legs[0],
                **{k: v for k, v in kwargs.items() if k in ("name", "mode", "status", "speed_kmh", "source")},
            )
            r = replace(r, legs=(leg,))
        return r

    # ---------------------------------------------------------------- export
    def to_gdf(self) -> gpd.GeoDataFrame:
        """The legs as a GeoDataFrame (one row per leg, EPSG:4326)."""
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
                }
            )
        return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")

    def stops_gdf(self) -> gpd.GeoDataFrame:
        """The stops as a GeoDataFrame of points with their chainage."""
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

    #: File types :meth:`write` produces (single-file formats GDAL writes reliably).
    WRITE_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".fgb": "FlatGeobuf"}

    def write(self, path: str | Path) -> Path:
        """Write the route to a file, atomically: GeoJSON, GeoPackage or FlatGeobuf.

        One feature per leg (``route``, ``leg``, ``mode``, ``status``,
        ``speed_kmh``, ``from_km``, ``to_km``, ``length_km``, ``source``).  A
        GeoPackage also gets a ``stops`` layer with the named stops.  Other
        formats (KML, GPX, Shapefile) are refused: convert the GeoJSON with
        ``ogr2ogr`` if you need them.
        """
        from ._io import atomic_write

        path = Path(path)
        driver = self.WRITE_DRIVERS.get(path.suffix.lower())
        if driver is None:
            msg = (
                f"Cannot write a route as {path.suffix or 'a file without extension'!r}; use one of "
                f"{', '.join(sorted(self.WRITE_DRIVERS))} (convert with ogr2ogr for KML, GPX or Shapefile)."
            )
            raise ParameterError(msg)
        gdf = self.to_gdf()
        layer = "".join(c if c.isalnum() else "_" for c in path.stem) or "route"

        def write(tmp: Path) -> None:
            if driver == "GPKG":
                gdf.to_file(tmp, driver=driver, layer=layer)
                self.stops_gdf().to_file(tmp, driver=driver, layer="stops")
            else:
                gdf.to_file(tmp, driver=driver)

        return atomic_write(path, write)

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
        """Interactive map of the route (see :func:`corridor.make_map`)."""
        from .maps import make_map

        return make_map(routes=[self], **kwargs)


def _as_place_or_point(p: Any) -> tuple[float, float]:
    if isinstance(p, (str, Place)):
        q = place(p)
        return (q.lon, q.lat)
    if isinstance(p, shapely.Point):
        return (p.x, p.y)
    try:
        xy = np.asarray(p, dtype=float)
    except (TypeError, ValueError) as exc:
        raise GeometryError(f"Expected a place name or (lon, lat), got {p!r}.") from exc
    if xy.shape != (2,) or not np.isfinite(xy).all():
        raise GeometryError(f"Expected a place name or (lon, lat), got {p!r}.")
    if abs(xy[1]) > 90:
        raise GeometryError(f"Latitude {xy[1]} of {p!r} is beyond ±90°: axes swapped? Use (lon, lat).")
    return float(xy[0]), float(xy[1])


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
