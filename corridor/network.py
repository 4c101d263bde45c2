"""OpenStreetMap road and rail networks: load, route, snap, avoid, and find border crossings.

Networks are osmnx graphs: a :class:`networkx.MultiDiGraph` with node
attributes ``x`` (lon) and ``y`` (lat) in EPSG:4326 and an edge attribute
``length`` in metres (osmnx's great-circle length), with the edge shape in
``geometry`` where the edge is not straight.  Download one with
:func:`network_from_place`, :func:`network_from_bbox` or
:func:`network_from_region` (internet, through osmnx and its cache), or read
one offline with :func:`read_network` (``.osm``, ``.osm.bz2``, ``.graphml``).

Routes on a network (:func:`route_on_network`, :func:`alternative_routes`)
are ordinary :class:`~corridor.Route` objects whose geometry follows the edge
shapes, so :func:`corridor.analyze` measures them like any other route.
Origins, destinations and via points snap to the nearest point on the nearest
edge; :func:`path_on_network` returns the path with the snap distances.

osmnx is imported inside the functions that need it, so ``import corridor``
does not import it.
"""

from __future__ import annotations

import bz2
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from .errors import DataError, DownloadError, GeometryError, NoPathError, ParameterError, UnknownPlaceError
from .geodesy import LocalProjection, _as_point, area_km2, distance_m, length_m, segment_lengths_m
from .measure import DEFAULT_SPEEDS_KMH, _crossings_table, _engine, _sections, _split, territory_km
from .places import Place, place
from .route import Route, Stop

if TYPE_CHECKING:
    import geopandas as gpd

    from .region import Region

__all__ = [
    "NETWORK_TYPES",
    "NetworkPath",
    "Snap",
    "add_travel_times",
    "alternative_routes",
    "border_crossings",
    "network_from_bbox",
    "network_from_place",
    "network_from_region",
    "path_on_network",
    "read_network",
    "route_on_network",
    "snap_to_network",
    "tag_edges",
]

#: Overpass filter for railways (osmnx has no rail network type).
RAIL_FILTER = '["railway"~"^(rail|light_rail|narrow_gauge)$"]'

#: Network types: osmnx's road types plus ``"rail"``.
NETWORK_TYPES = ("drive", "drive_service", "walk", "bike", "all", "all_public", "rail")

#: Default largest area (km², geodesic area of the bounding box) to download.
MAX_AREA_KM2 = 20_000.0

#: Default timeout of each HTTP request (seconds).
TIMEOUT_S = 60.0

#: Way tags kept on edges, besides osmnx's defaults.
_EXTRA_WAY_TAGS = ("railway", "usage", "service", "electrified", "gauge", "maxspeed", "ref")

_ROAD_KMH_FALLBACK = DEFAULT_SPEEDS_KMH[("road", "existing")]
_RAIL_KMH_FALLBACK = DEFAULT_SPEEDS_KMH[("rail", "existing")]


def _import_osmnx() -> Any:
    try:
        import osmnx as ox
    except ImportError as exc:  # pragma: no cover - osmnx is a dependency
        raise ImportError("corridor.network needs osmnx: `pip install osmnx`.") from exc
    return ox


@contextmanager
def _osmnx_settings(*, timeout_s: float | None = None, cache_folder: str | Path | None = None) -> Iterator[Any]:
    """Set osmnx settings for one call and restore them (and ``socket.getaddrinfo``) after.

    osmnx keeps its settings in module globals, and its downloader replaces
    ``socket.getaddrinfo`` to pin the Overpass server's IP; both are restored.
    Not thread-safe (neither are osmnx settings).
    """
    ox = _import_osmnx()
    names = ("requests_timeout", "useful_tags_way", "cache_folder", "overpass_rate_limit")
    saved = {n: getattr(ox.settings, n) for n in names}
    saved_getaddrinfo = socket.getaddrinfo
    try:
        tags = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = tags + [t for t in _EXTRA_WAY_TAGS if t not in tags]
        if timeout_s is not None:
            ox.settings.requests_timeout = float(timeout_s)
        if cache_folder is not None:
            ox.settings.cache_folder = str(cache_folder)
        yield ox
    finally:
        for n, v in saved.items():
            setattr(ox.settings, n, v)
        socket.getaddrinfo = saved_getaddrinfo


# ---------------------------------------------------------------------------
# downloading


def _filter_kwargs(network_type: str, custom_filter: str | None) -> dict[str, Any]:
    if custom_filter is not None:
        return {"network_type": "all", "custom_filter": custom_filter}
    if network_type not in NETWORK_TYPES:
        raise ParameterError(f"`network_type` must be one of {NETWORK_TYPES}, got {network_type!r}.")
    if network_type == "rail":
        return {"network_type": "all", "custom_filter": RAIL_FILTER}
    return {"network_type": network_type}


def _check_area(bounds: Sequence[float], max_area_km2: float, what: str) -> float:
    west, south, east, north = (float(v) for v in bounds)
    if not (np.isfinite([west, south, east, north]).all() and west < east and south < north):
        msg = (
            f"The bounding box of {what} must be (west, south, east, north) in degrees with "
            f"west < east and south < north, got {tuple(bounds)}."
        )
        raise GeometryError(msg)
    area = float(area_km2(shapely.box(west, south, east, north)))
    if area > max_area_km2:
        msg = (
            f"The area of {what} is about {area:,.0f} km² (its bounding box), more than "
            f"`max_area_km2`={max_area_km2:,.0f} km²: the download would be slow and the graph "
            "might not fit in memory. Choose a smaller area (a province, a bounding box of a "
            "few tens of km), a sparser `network_type`, or raise `max_area_km2` if you are sure."
        )
        raise ParameterError(msg)
    return area


def _probe(url: str, timeout_s: float) -> bool:
    """Whether ``url`` answers within a short timeout (a few seconds at most)."""
    import requests

    try:
        requests.get(url, timeout=min(timeout_s, 10.0), headers={"User-Agent": "corridor"})
    except requests.exceptions.RequestException:
        return False
    return True


def _download(call: Any, *, what: str, timeout_s: float, retries: int) -> Any:
    """Run an osmnx download, turning network failures into :class:`DownloadError`."""
    import requests

    ox = _import_osmnx()
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    if not _probe(ox.settings.overpass_url.rstrip("/") + "/status", timeout_s):
        # Cannot reach Overpass: skip its rate-limit status check (osmnx would sleep a
        # minute before trying); a cached answer still works, anything else fails fast.
        ox.settings.overpass_rate_limit = False
    last: Exception | None = None
    for _ in range(max(int(retries), 0) + 1):
        try:
            return call(ox)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            last = exc
        except ResponseStatusCodeError as exc:
            last = exc
        except InsufficientResponseError as exc:
            msg = (
                f"OpenStreetMap returned no network for {what}: check the area and "
                f"`network_type`, or load a file with `corridor.read_network(path)`. ({exc})"
            )
            raise DownloadError(msg) from exc
    msg = (
        f"Could not download the network for {what} from OpenStreetMap "
        f"(timeout {timeout_s:g} s, {retries + 1} attempt(s)): {last}. Check the internet "
        "connection and try later, or load an OSM file with `corridor.read_network(path)`."
    )
    raise DownloadError(msg) from last


def network_from_bbox(
    bbox: Sequence[float],
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    simplify: bool = True,
    retain_all: bool = False,
    max_area_km2: float = MAX_AREA_KM2,
    timeout_s: float = TIMEOUT_S,
    retries: int = 1,
    cache_folder: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Download the road or rail network inside a bounding box from OpenStreetMap.

    Parameters
    ----------
    bbox : (west, south, east, north)
        Degrees, ``(lon, lat)`` order as everywhere in corridor.
    network_type : str, default "drive"
        An osmnx network type, or ``"rail"`` (railways through an Overpass
        filter, :data:`RAIL_FILTER`).  See :data:`NETWORK_TYPES`.
    custom_filter : str, optional
        An Overpass filter such as ``'["highway"~"motorway|trunk"]'``;
        overrides ``network_type``.
    simplify, retain_all
        As in osmnx.
    max_area_km2 : float
        Refuse (``ValueError``, before any download) a bounding box whose
        geodesic area on WGS84 exceeds this, in km².
    timeout_s : float
        Timeout of each HTTP request, in seconds.
    retries : int
        Extra attempts after a connection error or timeout.
    cache_folder : path, optional
        osmnx's response cache (default: osmnx's setting, ``./cache``).

    Returns
    -------
    networkx.MultiDiGraph
        An osmnx graph (``x``/``y`` on nodes, ``length`` in metres on edges).

    Raises
    ------
    corridor.errors.DownloadError
        No internet, a timeout, or no network in the area.
    """
    what = f"the bounding box {tuple(bbox)}"
    _check_area(bbox, max_area_km2, what)  # validates the box before it is built
    return _network_from_polygon(
        shapely.box(*(float(v) for v in bbox)),
        what=what,
        network_type=network_type,
        custom_filter=custom_filter,
        simplify=simplify,
        retain_all=retain_all,
        max_area_km2=max_area_km2,
        timeout_s=timeout_s,
        retries=retries,
        cache_folder=cache_folder,
    )


def _network_from_polygon(
    polygon: Any,
    *,
    what: str,
    network_type: str,
    custom_filter: str | None,
    simplify: bool,
    retain_all: bool,
    max_area_km2: float,
    timeout_s: float,
    retries: int,
    cache_folder: str | Path | None,
) -> nx.MultiDiGraph:
    _check_area(polygon.bounds, max_area_km2, what)
    kw = _filter_kwargs(network_type, custom_filter)

    def call(ox: Any) -> Any:
        return ox.graph_from_polygon(polygon, simplify=simplify, retain_all=retain_all, **kw)

    with _osmnx_settings(timeout_s=timeout_s, cache_folder=cache_folder):
        return _download(call, what=what, timeout_s=timeout_s, retries=retries)


def network_from_place(
    query: str,
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    simplify: bool = True,
    retain_all: bool = False,
    max_area_km2: float = MAX_AREA_KM2,
    timeout_s: float = TIMEOUT_S,
    retries: int = 1,
    cache_folder: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Download the network inside a place's boundary, geocoded by OpenStreetMap's Nominatim.

    ``query`` is a Nominatim query (``"Syunik Province, Armenia"``), not a
    corridor gazetteer name; for a bounding box around a gazetteer place use
    :func:`network_from_bbox`.  The place's boundary is fetched first, then its
    bounding-box area is checked against ``max_area_km2`` before the network
    is downloaded.  Other parameters as in :func:`network_from_bbox`.

    Raises
    ------
    corridor.errors.UnknownPlaceError
        Nominatim does not know the place.
    corridor.errors.DownloadError
        No internet, a timeout, or no network in the place.
    """
    import requests

    with _osmnx_settings(timeout_s=timeout_s, cache_folder=cache_folder) as ox:
        from osmnx._errors import InsufficientResponseError

        try:
            gdf = ox.geocode_to_gdf(query)
        except InsufficientResponseError as exc:
            msg = (
                f"OpenStreetMap's Nominatim does not know the place {query!r}. Try a fuller "
                'name ("Syunik Province, Armenia") or `network_from_bbox`.'
            )
            raise UnknownPlaceError(msg) from exc
        except (requests.exceptions.RequestException, ValueError) as exc:
            msg = (
                f"Could not geocode {query!r} with Nominatim: {exc}. Check the internet "
                "connection and try later, or load an OSM file with `corridor.read_network(path)`."
            )
            raise DownloadError(msg) from exc
        polygon = shapely.union_all(np.asarray(gdf.geometry.values, dtype=object))
        if shapely.get_type_id(polygon) not in (3, 6):
            msg = (
                f"Nominatim returned a {polygon.geom_type} for {query!r}, not an area; use "
                "`network_from_bbox` around it instead."
            )
            raise GeometryError(msg)
        return _network_from_polygon(
            polygon,
            what=repr(query),
            network_type=network_type,
            custom_filter=custom_filter,
            simplify=simplify,
            retain_all=retain_all,
            max_area_km2=max_area_km2,
            timeout_s=timeout_s,
            retries=retries,
            cache_folder=cache_folder,
        )


def network_from_region(
    region: Region,
    id: str,
    *,
    buffer_km: float = 0.0,
    network_type: str = "drive",
    custom_filter: str | None = None,
    simplify: bool = True,
    retain_all: bool = False,
    max_area_km2: float = MAX_AREA_KM2,
    timeout_s: float = TIMEOUT_S,
    retries: int = 1,
    cache_folder: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Download the network inside a territory or part of a region (Syunik, Nakhchivan, ...).

    Parameters
    ----------
    region : Region
    id : str
        A territory or part id or name (``"AZE-2"``, ``"Nakhchivan"``).
    buffer_km : float, default 0
        Widen the area by this much (km, planar in a local equal-area
        projection) to include the roads just across its borders.

    Other parameters as in :func:`network_from_bbox`.
    """
    polygon = region.geometry_of(id)
    if buffer_km:
        proj = LocalProjection(polygon)
        polygon = proj.to_lonlat(shapely.buffer(proj.to_local(polygon), float(buffer_km) * 1000.0))
    return _network_from_polygon(
        polygon,
        what=f"{id!r} of region {region.name!r}",
        network_type=network_type,
        custom_filter=custom_filter,
        simplify=simplify,
        retain_all=retain_all,
        max_area_km2=max_area_km2,
        timeout_s=timeout_s,
        retries=retries,
        cache_folder=cache_folder,
    )


# ---------------------------------------------------------------------------
# reading files


def read_network(path: str | Path, *, simplify: bool = True, retain_all: bool = True) -> nx.MultiDiGraph:
    """Read a network from an OSM XML file (``.osm``, ``.osm.bz2``) or a GraphML file, offline.

    OSM XML goes through :func:`osmnx.graph_from_xml`; ways that are neither
    a ``highway`` nor a ``railway`` (buildings, land use) are dropped, and the
    ``railway`` tag is kept on edges.  GraphML goes through
    :func:`osmnx.load_graphml` (save one with ``osmnx.save_graphml``).

    Parameters
    ----------
    path : path
    simplify : bool, default True
        Merge chains of degree-2 nodes into edges with a ``geometry`` (osmnx).
    retain_all : bool, default True
        Keep every connected piece (a railway need not touch a road), not only
        the largest.

    Returns
    -------
    networkx.MultiDiGraph
        An osmnx graph: ``x``/``y`` (lon/lat) on nodes, ``length`` in metres
        on edges.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"Network file {str(path)!r} does not exist.")
    name = path.name.lower()
    is_graphml = name.endswith(".graphml")
    if not (is_graphml or name.endswith((".osm", ".osm.bz2", ".xml", ".xml.bz2"))):
        msg = (
            f"Cannot tell the format of {str(path)!r}: use a .osm or .osm.bz2 (OSM XML) "
            "or a .graphml file. For .pbf, convert first (`osmium cat in.pbf -o out.osm`)."
        )
        raise ParameterError(msg)
    with _osmnx_settings() as ox:
        try:
            if is_graphml:
                G = ox.load_graphml(path)
            else:
                G = _read_osm_xml(ox, path, simplify=simplify, retain_all=retain_all)
        except (OSError, ValueError, KeyError) as exc:
            raise DataError(f"Cannot read {str(path)!r} as a network: {exc}") from exc
    if len(G.edges) == 0:
        msg = f"{str(path)!r} holds no road or rail ways (no `highway` or `railway` tags)."
        raise DataError(msg)
    return G


def _read_osm_xml(ox: Any, path: Path, *, simplify: bool, retain_all: bool) -> Any:
    try:
        G = ox.graph_from_xml(path, simplify=False, retain_all=True)
    except (OSError, UnicodeDecodeError):
        if not path.name.lower().endswith(".bz2"):
            raise
        # an osmnx that cannot read bz2 itself: decompress to a temporary file
        fd, tmp = tempfile.mkstemp(suffix=".osm")
        try:
            with os.fdopen(fd, "wb") as out, bz2.open(path, "rb") as src:
                shutil.copyfileobj(src, out)
            G = ox.graph_from_xml(tmp, simplify=False, retain_all=True)
        finally:
            os.unlink(tmp)
    return _routable(ox, G, simplify=simplify, retain_all=retain_all)


def _routable(ox: Any, G: Any, *, simplify: bool, retain_all: bool) -> Any:
    """Drop edges that are neither highway nor railway, then isolated nodes; simplify."""
    drop = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if "highway" not in d and "railway" not in d]
    G.remove_edges_from(drop)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    if not retain_all and len(G):
        G = ox.truncate.largest_component(G, strongly=False)
    if simplify and len(G):
        G = ox.simplify_graph(G)
    return G


# ---------------------------------------------------------------------------
# edge geometry


@dataclass
class _Edges:
    keys: list[tuple[Any, Any, int]]
    geoms: np.ndarray  # lon/lat LineStrings oriented u -> v
    data: list[dict[str, Any]]


def _edges(G: nx.MultiDiGraph, mode: str | None = None) -> _Edges:
    """Edges (optionally of one mode) with their lon/lat geometry oriented from u to v."""
    if len(G) == 0 or len(G.edges) == 0:
        raise GeometryError("The network is empty: it has no edges.")
    keys, data, geoms = [], [], []
    for u, v, k, d in G.edges(keys=True, data=True):
        if mode == "road" and "highway" not in d:
            continue
        if mode == "rail" and "railway" not in d:
            continue
        keys.append((u, v, k))
        data.append(d)
        geoms.append(d.get("geometry"))
    if not keys:
        raise GeometryError(f"The network has no {mode} edges.")
    garr = np.empty(len(geoms), dtype=object)
    garr[:] = geoms
    missing = np.array([g is None for g in geoms])
    ux = np.array([(G.nodes[u]["x"], G.nodes[u]["y"]) for u, _, _ in keys], dtype=float)
    vx = np.array([(G.nodes[v]["x"], G.nodes[v]["y"]) for _, v, _ in keys], dtype=float)
    if missing.any():
        idx = np.flatnonzero(missing)
        pts = np.stack([ux[idx], vx[idx]], axis=1).reshape(-1, 2)
        garr[idx] = shapely.linestrings(pts, indices=np.repeat(np.arange(len(idx)), 2))
    # orient each geometry from u to v
    first = shapely.get_coordinates(shapely.get_point(garr, 0))
    last = shapely.get_coordinates(shapely.get_point(garr, -1))
    flip = ((first - ux) ** 2).sum(axis=1) > ((last - ux) ** 2).sum(axis=1)
    if flip.any():
        garr[flip] = shapely.reverse(garr[flip])
    return _Edges(keys, garr, data)


def _mode_of(G: nx.MultiDiGraph, mode: str | None) -> str:
    if mode in ("road", "rail"):
        return mode
    if mode is not None:
        raise ParameterError(f"`mode` must be 'road', 'rail' or None, got {mode!r}.")
    has_road = any("highway" in d for _, _, d in G.edges(data=True))
    return "road" if has_road else "rail"


def _label(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(sorted({str(x) for x in value}))
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


# ---------------------------------------------------------------------------
# snapping


@dataclass(frozen=True)
class Snap:
    """Where a point meets the network.

    Attributes
    ----------
    name : str
        The place name, or ``"lon, lat"``.
    lon, lat : float
        The point given.
    snapped_lon, snapped_lat : float
        The nearest point on the nearest edge.
    distance_m : float
        Geodesic distance on WGS84 from the point to the network, in metres.
    edge : (u, v, key)
        The edge of the graph snapped to.
    fraction : float
        Position along the edge, 0 at ``u`` and 1 at ``v`` (planar, local
        projection).
    """

    name: str
    lon: float
    lat: float
    snapped_lon: float
    snapped_lat: float
    distance_m: float
    edge: tuple[Any, Any, int]
    fraction: float


class _Snapper:
    """An STRtree over edge geometries in a local metric projection."""

    def __init__(self, edges: _Edges) -> None:
        self.edges = edges
        minx, miny, maxx, maxy = shapely.total_bounds(edges.geoms)
        self.proj = LocalProjection((minx, miny, maxx, maxy))
        self.local = self.proj.to_local(edges.geoms)
        self.tree = shapely.STRtree(self.local)

    def snap(self, name: str, lon: float, lat: float, max_snap_m: float) -> tuple[Snap, int, float]:
        x, y = self.proj.xy_to_local(lon, lat)
        p = shapely.Point(x, y)
        i = int(self.tree.query_nearest(p, all_matches=False)[0])
        line = self.local[i]
        d = float(shapely.line_locate_point(line, p))
        slon, slat = _lonlat_at(self.edges.geoms[i], line, d)
        dist = distance_m((lon, lat), (slon, slat))
        if dist > max_snap_m:
            msg = (
                f"{name} ({lon:.5f}, {lat:.5f}) is {dist / 1000:,.2f} km from the nearest edge "
                f"of the network, more than `max_snap_m`={max_snap_m:g} m. Is it inside the "
                "network's area? Load a larger network or raise `max_snap_m`."
            )
            raise GeometryError(msg)
        frac = d / line.length if line.length > 0 else 0.0
        s = Snap(name, lon, lat, float(slon), float(slat), float(dist), self.edges.keys[i], frac)
        return s, i, d


def _lonlat_at(geom: Any, local: Any, d: float) -> tuple[float, float]:
    """The lon/lat point at planar distance ``d`` along ``local``, on ``geom``'s segments."""
    xy = shapely.get_coordinates(geom)
    lxy = shapely.get_coordinates(local)
    seg = np.hypot(*np.diff(lxy, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    k = int(np.clip(np.searchsorted(cum, d, side="right") - 1, 0, len(seg) - 1))
    t = float(np.clip((d - cum[k]) / seg[k], 0.0, 1.0)) if seg[k] > 0 else 0.0
    p = xy[k] + (xy[k + 1] - xy[k]) * t
    return float(p[0]), float(p[1])


def _as_named_point(item: Any) -> tuple[str, float, float]:
    if isinstance(item, (str, Place)):
        p = place(item)
        return p.name, p.lon, p.lat
    lon, lat = _as_point(item)
    return f"{lon:.5f}, {lat:.5f}", lon, lat


def snap_to_network(
    G: nx.MultiDiGraph,
    points: Sequence[Any],
    *,
    mode: str | None = None,
    max_snap_m: float = 500.0,
) -> pd.DataFrame:
    """Snap places or ``(lon, lat)`` points to the nearest point on the nearest edge.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``name``, ``lon``, ``lat``, ``snapped_lon``,
        ``snapped_lat``, ``distance_m`` (geodesic, metres), ``u``, ``v``,
        ``key`` and ``fraction`` along the edge.
    """
    sn = _Snapper(_edges(G, _mode_of(G, mode)))
    rows = []
    for item in points:
        name, lon, lat = _as_named_point(item)
        s, _, _ = sn.snap(name, lon, lat, max_snap_m)
        u, v, k = s.edge
        rows.append(
            {
                **{f: getattr(s, f) for f in ("name", "lon", "lat", "snapped_lon", "snapped_lat", "distance_m")},
                "u": u,
                "v": v,
                "key": k,
                "fraction": s.fraction,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# routing


@dataclass(frozen=True)
class NetworkPath:
    """A path on a network between snapped points.

    Attributes
    ----------
    geometry : shapely.LineString
        ``(lon, lat)``, following the edge shapes, from the first snapped
        point to the last.
    nodes : tuple
        Graph nodes passed, in order (snapped points are not graph nodes).
    edges : tuple of (u, v, key)
        Graph edges used, wholly or in part, in order.
    weight : str
        The edge attribute minimised.
    cost : float
        Sum of ``weight`` along the path (a partial edge counts pro rata).
    length_m : float
        Sum of the edges' ``length`` (osmnx, metres) along the path.
    snaps : tuple of Snap
        Origin, via points and destination, with their snap distances.
    stop_m : tuple of float
        Geodesic chainage of each snapped point along ``geometry``, in metres.
    mode : str
        ``"road"`` or ``"rail"``.
    travel_time_s : float or None
        Sum of ``travel_time`` along the path, where every edge has one.
    """

    geometry: shapely.LineString
    nodes: tuple[Any, ...]
    edges: tuple[tuple[Any, Any, int], ...]
    weight: str
    cost: float
    length_m: float
    snaps: tuple[Snap, ...]
    stop_m: tuple[float, ...]
    mode: str
    travel_time_s: float | None = None

    def to_route(self, *, name: str | None = None, status: str = "existing") -> Route:
        """Return the path as a :class:`~corridor.Route` with a stop at each snapped point."""
        snaps = ", ".join(f"{s.name} {s.distance_m:.0f} m" for s in self.snaps)
        speed = None
        if self.travel_time_s:
            speed = (self.length_m / 1000.0) / (self.travel_time_s / 3600.0)
        label = name or f"{self.snaps[0].name} – {self.snaps[-1].name}"
        r = Route.from_coords(
            shapely.get_coordinates(self.geometry),
            name=label,
            mode=self.mode,
            status=status,
            speed_kmh=speed,
            source=f"OpenStreetMap network (osmnx), by {self.weight}; snapped: {snaps}",
        )
        km = np.minimum(np.asarray(self.stop_m) / 1000.0, r.length_km)
        stops = tuple(Stop(s.name, s.snapped_lon, s.snapped_lat, float(k)) for s, k in zip(self.snaps, km))
        return replace(r, stops=stops)


def _avoid_ids(region: Region | None, avoid: Any) -> tuple[Region, list[str]]:
    from .region import load_region

    region = region if region is not None else load_region()
    items = [avoid] if isinstance(avoid, str) else list(avoid)
    ids = []
    for a in items:
        kind, key = region.resolve(a)
        if kind == "part":
            msg = (
                f"`avoid` takes territory ids; {a!r} is the part {key!r} of "
                f"{region.iso3_of(key)!r}. Pass the territory id instead."
            )
            raise ParameterError(msg)
        ids.append(key)
    return region, ids


class _Router:
    """A DiGraph of the cheapest edge per (u, v), with snapped points spliced in."""

    def __init__(
        self,
        G: nx.MultiDiGraph,
        *,
        weight: str,
        mode: str | None,
        avoid: Any,
        region: Region | None,
        max_snap_m: float,
    ) -> None:
        self.mode = _mode_of(G, mode)
        self.weight = weight
        self.max_snap_m = max_snap_m
        self.G = G
        self.edges = _edges(G, self.mode)
        self.index = {key: i for i, key in enumerate(self.edges.keys)}
        self.snapper = _Snapper(self.edges)
        lacking = [d for d in self.edges.data if weight not in d]
        if lacking:
            hint = (
                " Add travel times first: `G = corridor.network.add_travel_times(G)`."
                if weight == "travel_time"
                else ""
            )
            msg = (
                f"{len(lacking)} of {len(self.edges.data)} edges have no `{weight}` attribute to use as `weight`.{hint}"
            )
            raise ParameterError(msg)
        self.avoid: list[str] = []
        self.region: Region | None = None
        blocked = np.zeros(len(self.edges.keys), dtype=bool)
        if avoid:
            self.region, self.avoid = _avoid_ids(region, avoid)
            blocked = self._enters_avoided(self.edges.geoms)
        self.blocked = blocked
        D = nx.DiGraph()
        for i, ((u, v, _), d) in enumerate(zip(self.edges.keys, self.edges.data)):
            if blocked[i]:
                continue
            w = float(d[weight])
            if not D.has_edge(u, v) or w < D[u][v]["w"]:
                D.add_edge(u, v, w=w, idx=i, frac=(0.0, 1.0), geom=self.edges.geoms[i])
        D.add_nodes_from(G.nodes)
        self.D = D
        self.snaps: list[Snap] = []
        self.snap_nodes: list[Any] = []

    def _enters_avoided(self, geoms: np.ndarray) -> np.ndarray:
        table = territory_km(geoms, self.region)
        return (table[self.avoid].to_numpy() > 1e-9).any(axis=1)

    def add_points(self, items: Sequence[tuple[str, float, float]]) -> None:
        """Snap the points and splice them into the DiGraph as new nodes."""
        found = [self.snapper.snap(n, x, y, self.max_snap_m) for n, x, y in items]
        if self.avoid:
            for s, _, _ in found:
                pt = shapely.Point(s.snapped_lon, s.snapped_lat)
                for a in self.avoid:
                    if self.region is not None and self.region.geometry_of(a).covers(pt):
                        msg = f"{s.name} is in {a}, which `avoid` excludes: no path can avoid {a} and reach it."
                        raise NoPathError(msg)
        by_edge: dict[int, list[tuple[float, int]]] = {}
        nodes: list[Any] = []
        for j, (s, i, d) in enumerate(found):
            line = self.snapper.local[i]
            u, v, _ = s.edge
            if d <= 0.01:
                nodes.append(u)
            elif d >= line.length - 0.01:
                nodes.append(v)
            else:
                node = ("snap", j)
                nodes.append(node)
                by_edge.setdefault(i, []).append((d, j))
        for i, cuts in by_edge.items():
            self._splice(i, sorted(cuts), found)
        self.snaps = [s for s, _, _ in found]
        self.snap_nodes = nodes

    def _splice(self, i: int, cuts: list[tuple[float, int]], found: list[Any]) -> None:
        u, v, _ = self.edges.keys[i]
        local = self.snapper.local[i]
        length = local.length
        fracs = [0.0] + [d / length for d, _ in cuts] + [1.0]
        ids: list[Any] = [u] + [("snap", j) for _, j in cuts] + [v]
        pts = [(found[j][0].snapped_lon, found[j][0].snapped_lat) for _, j in cuts]
        pieces = _cut(self.edges.geoms[i], local, [d for d, _ in cuts], pts)
        # the same way the other way round (two-way roads): the reverse edge
        rev = [
            r
            for r in (self.index.get((v, u, kk)) for kk in self.G[v].get(u, {}))
            if r is not None and shapely.equals(self.edges.geoms[r], self.edges.geoms[i])
        ]
        variants = [(i, ids, pieces, fracs, False)]
        for r in rev[:1]:
            rpieces = [shapely.reverse(p) for p in reversed(pieces)]
            rfracs = [1.0 - f for f in reversed(fracs)]
            variants.append((r, ids[::-1], rpieces, rfracs, True))
        for idx, nodes, geoms, fr, _ in variants:
            glen = np.asarray(length_m(np.asarray(geoms, dtype=object)), dtype=float)
            total = glen.sum()
            share = glen / total if total > 0 else np.full(len(glen), 1.0 / len(glen))
            w_total = float(self.edges.data[idx][self.weight])
            ok = ~self._enters_avoided(np.asarray(geoms, dtype=object)) if self.avoid else None
            for p in range(len(geoms)):
                if ok is not None and not ok[p]:
                    continue
                a, b = nodes[p], nodes[p + 1]
                w = w_total * share[p]
                if not self.D.has_edge(a, b) or w < self.D[a][b]["w"]:
                    self.D.add_edge(a, b, w=w, idx=idx, frac=(fr[p], fr[p + 1]), geom=geoms[p])

    def path(self, nodes: Sequence[Any]) -> list[Any]:
        out: list[Any] = [nodes[0]]
        for a, b in zip(nodes[:-1], nodes[1:]):
            if a == b:
                continue
            try:
                leg = nx.shortest_path(self.D, a, b, weight="w")
            except nx.NetworkXNoPath:
                raise NoPathError(self._no_path_msg(a, b)) from None
            out.extend(leg[1:])
        return out

    def _no_path_msg(self, a: Any, b: Any) -> str:
        na = self._name_of(a)
        nb = self._name_of(b)
        extra = f" without entering {', '.join(self.avoid)}" if self.avoid else ""
        return (
            f"No path on the {self.mode} network from {na} to {nb}{extra}. The network may be "
            "disconnected there (one-way streets, a missing link, a clipped area)"
            + (", or every path crosses the avoided territory." if self.avoid else ".")
        )

    def _name_of(self, node: Any) -> str:
        if node in self.snap_nodes:
            return self.snaps[self.snap_nodes.index(node)].name
        return f"node {node!r}"

    def to_path(self, seq: Sequence[Any]) -> NetworkPath:
        coords: list[np.ndarray] = []
        edges: list[tuple[Any, Any, int]] = []
        cost, length, tt = 0.0, 0.0, 0.0
        has_tt = True
        for a, b in zip(seq[:-1], seq[1:]):
            e = self.D[a][b]
            g = shapely.get_coordinates(e["geom"])
            coords.append(g if not coords else g[1:])
            key = self.edges.keys[e["idx"]]
            if not edges or edges[-1] != key:
                edges.append(key)
            d = self.edges.data[e["idx"]]
            full = float(d[self.weight])
            share = e["w"] / full if full > 0 else e["frac"][1] - e["frac"][0]
            cost += e["w"]
            length += float(d.get("length", 0.0)) * share
            if "travel_time" in d:
                tt += float(d["travel_time"]) * share
            else:
                has_tt = False
        if not coords:
            raise GeometryError("The origin and the destination snap to the same point.")
        xy = np.concatenate(coords)
        geom = shapely.LineString(xy)
        # chainage of each stop: geodesic length up to the vertex where its node is reached
        cum = np.concatenate([[0.0], np.cumsum(segment_lengths_m(xy))])
        ends = np.cumsum([len(c) for c in coords]) - 1  # vertex index of seq[k + 1]
        stop_m, start = [], 0
        last = len(self.snap_nodes) - 1
        for j, n in enumerate(self.snap_nodes):
            hits = [k for k in range(start, len(seq)) if seq[k] == n]
            k = hits[-1] if j == last else hits[0]
            start = k
            stop_m.append(float(cum[ends[k - 1]]) if k > 0 else 0.0)
        nodes = tuple(n for n in seq if not (isinstance(n, tuple) and n[:1] == ("snap",)))
        return NetworkPath(
            geom,
            nodes,
            tuple(edges),
            self.weight,
            float(cost),
            float(length),
            tuple(self.snaps),
            tuple(stop_m),
            self.mode,
            float(tt) if has_tt else None,
        )


def _cut(geom: Any, local: Any, dists: Sequence[float], pts: Sequence[tuple[float, float]]) -> list[Any]:
    """Cut a lon/lat line at planar distances along its local twin, keeping its vertices."""
    xy = shapely.get_coordinates(geom)
    lxy = shapely.get_coordinates(local)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(lxy, axis=0).T))])
    pieces = []
    start = [xy[0]]
    prev_vertex = 1
    for d, p in zip(dists, pts):
        k = int(np.searchsorted(cum, d, side="left"))  # vertices before index k lie before d
        mid = xy[prev_vertex:k]
        piece = np.vstack([np.asarray(start), mid, [p]]) if len(mid) else np.vstack([start, [p]])
        pieces.append(shapely.LineString(piece))
        start = [p]
        prev_vertex = k
    rest = xy[prev_vertex:]
    pieces.append(shapely.LineString(np.vstack([np.asarray(start), rest])))
    return pieces


def path_on_network(
    G: nx.MultiDiGraph,
    origin: Any,
    destination: Any,
    *,
    weight: str = "length",
    via: Sequence[Any] = (),
    avoid: str | Sequence[str] | None = None,
    region: Region | None = None,
    mode: str | None = None,
    max_snap_m: float = 500.0,
) -> NetworkPath:
    """The cheapest path between two points on a network, with the snap distances.

    Parameters as in :func:`route_on_network`.

    Returns
    -------
    NetworkPath
    """
    items = [_as_named_point(p) for p in (origin, *via, destination)]
    router = _Router(G, weight=weight, mode=mode, avoid=avoid, region=region, max_snap_m=max_snap_m)
    router.add_points(items)
    seq = router.path(router.snap_nodes)
    return router.to_path(seq)


def route_on_network(
    G: nx.MultiDiGraph,
    origin: Any,
    destination: Any,
    *,
    weight: str = "length",
    via: Sequence[Any] = (),
    avoid: str | Sequence[str] | None = None,
    region: Region | None = None,
    mode: str | None = None,
    max_snap_m: float = 500.0,
    name: str | None = None,
) -> Route:
    """The cheapest route between two places on a network, as a :class:`~corridor.Route`.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An osmnx graph (from :func:`read_network` or a ``network_from_*``).
    origin, destination : str, Place or (lon, lat)
        Gazetteer places or points; each snaps to the nearest point on the
        nearest edge of the network (not only to the nearest node).
    weight : str, default "length"
        Edge attribute to minimise: ``"length"`` (metres) or
        ``"travel_time"`` (seconds, see :func:`add_travel_times`).
    via : sequence
        Points to pass through, in order.
    avoid : str or sequence of str, optional
        Territory ids of ``region`` the route must not enter: every edge with
        any length inside them (measured by the measurement engine) is removed.
    region : Region, optional
        For ``avoid``; default the built-in region.
    mode : {"road", "rail"}, optional
        Route on ``highway`` edges or ``railway`` edges.  Default: road when
        the graph has any, else rail.
    max_snap_m : float, default 500
        A point farther than this (geodesic metres) from every edge is an error.
    name : str, optional
        The route's name (default ``"origin – destination"``).

    Returns
    -------
    Route
        Geometry along the edge shapes; stops at the snapped origin, via points
        and destination; ``source`` reports each snap distance in metres;
        ``speed_kmh`` is the mean speed where edges carry ``travel_time``.

    Raises
    ------
    corridor.errors.NoPathError
        No path joins the points (or every path enters an avoided territory).
    corridor.errors.GeometryError
        A point is farther than ``max_snap_m`` from the network, or the
        network is empty.
    corridor.errors.UnknownPlaceError
        A place name is not in the gazetteer.
    """
    path = path_on_network(
        G,
        origin,
        destination,
        weight=weight,
        via=via,
        avoid=avoid,
        region=region,
        mode=mode,
        max_snap_m=max_snap_m,
    )
    return path.to_route(name=name)


def alternative_routes(
    G: nx.MultiDiGraph,
    origin: Any,
    destination: Any,
    *,
    k: int = 3,
    weight: str = "length",
    avoid: str | Sequence[str] | None = None,
    region: Region | None = None,
    mode: str | None = None,
    max_snap_m: float = 500.0,
) -> list[Route]:
    """Up to ``k`` shortest simple paths as routes, cheapest first.

    Uses :func:`networkx.shortest_simple_paths` (Yen's algorithm) on the
    cheapest edge between each pair of nodes.  Other parameters as in
    :func:`route_on_network`.  Fewer than ``k`` routes come back when the
    network has fewer simple paths.
    """
    if int(k) < 1:
        raise ParameterError(f"`k` must be at least 1, got {k!r}.")
    items = [_as_named_point(p) for p in (origin, destination)]
    router = _Router(G, weight=weight, mode=mode, avoid=avoid, region=region, max_snap_m=max_snap_m)
    router.add_points(items)
    a, b = router.snap_nodes
    if a == b:
        raise GeometryError("The origin and the destination snap to the same point.")
    try:
        seqs = list(islice(nx.shortest_simple_paths(router.D, a, b, weight="w"), int(k)))
    except nx.NetworkXNoPath:
        raise NoPathError(router._no_path_msg(a, b)) from None
    out = []
    for i, seq in enumerate(seqs):
        r = router.to_path(seq).to_route()
        out.append(replace(r, name=f"{r.name} ({i + 1})") if i else r)
    return out


# ---------------------------------------------------------------------------
# speeds


def add_travel_times(
    G: nx.MultiDiGraph,
    *,
    speeds_kmh: Mapping[str, float] | None = None,
    fallback_kmh: float | None = None,
) -> nx.MultiDiGraph:
    """Add ``speed_kph`` and ``travel_time`` (seconds) to every edge, like osmnx; returns ``G``.

    Road edges go through :func:`osmnx.add_edge_speeds` (``maxspeed`` tags,
    else the mean per highway type, else ``speeds_kmh``/``fallback_kmh``).
    Rail edges take ``speeds_kmh[railway value]``, else ``speeds_kmh["rail"]``,
    else corridor's default for existing rail (``DEFAULT_SPEEDS_KMH``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Modified in place.
    speeds_kmh : mapping, optional
        km/h by highway type (``{"primary": 80}``) or railway type
        (``{"rail": 90}``): scenario speeds.
    fallback_kmh : float, optional
        km/h for road edges of a type with no tagged speed nor ``speeds_kmh``
        entry; default corridor's default for existing roads.
    """
    ox = _import_osmnx()
    speeds = dict(speeds_kmh or {})
    fallback = float(fallback_kmh) if fallback_kmh is not None else _ROAD_KMH_FALLBACK
    road = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if "highway" in d]
    if road:
        H = G.edge_subgraph(road).copy()
        hwy = {key: val for key, val in speeds.items() if key != "rail"}
        H = ox.add_edge_speeds(H, hwy_speeds=hwy or None, fallback=fallback)
        nx.set_edge_attributes(G, nx.get_edge_attributes(H, "speed_kph"), "speed_kph")
    for _, _, d in G.edges(data=True):
        if "highway" not in d:
            rw = _label(d.get("railway", "rail"))
            kph = speeds.get(rw, speeds.get("rail", _RAIL_KMH_FALLBACK))
            d["speed_kph"] = float(kph)
    return ox.add_edge_travel_times(G)


# ---------------------------------------------------------------------------
# territory and borders


def tag_edges(G: nx.MultiDiGraph, region: Region | None = None) -> nx.MultiDiGraph:
    """Add the territory of every edge as an ``iso3`` attribute (in place); returns ``G``.

    ``iso3`` is the territory holding most of the edge's geodesic length
    (``"unassigned"`` outside every territory); ``crosses_border`` says whether
    the edge changes territory on the way.  Measured in one vectorised pass
    through the measurement engine.
    """
    e = _edges(G)
    eng = _engine(region)
    table = territory_km(e.geoms, region)
    cols = np.asarray(table.columns)
    iso = cols[np.argmax(table.to_numpy(), axis=1)]
    sec = _sections(_split(e.geoms, eng), eng, by="iso3")
    crossing = np.zeros(len(e.keys), dtype=bool)
    if len(sec):
        crossing[_crossings_table(sec)["line"].to_numpy(dtype=int)] = True
    nx.set_edge_attributes(G, {k: str(i) for k, i in zip(e.keys, iso)}, "iso3")
    nx.set_edge_attributes(G, {k: bool(c) for k, c in zip(e.keys, crossing)}, "crosses_border")
    return G


def border_crossings(G: nx.MultiDiGraph, region: Region | None = None) -> gpd.GeoDataFrame:
    """Edges where the network crosses an international border: candidate border crossings.

    A two-way road (an edge each way) is listed once.  An edge that crosses
    several times (into a salient and out) gives one row per crossing.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per crossing, EPSG:4326: ``u``, ``v``, ``key``, ``from_iso3``,
        ``to_iso3``, ``border`` (``"ARM–AZE"``), ``kind`` (``"road"`` or
        ``"rail"``), ``highway``, ``railway``, ``name``, ``ref``, ``osmid``,
        ``oneway``, ``km`` (geodesic chainage of the crossing along the edge),
        ``geometry`` (the crossing point) and ``edge_geometry``.
    """
    import geopandas as gpd

    e = _edges(G)
    eng = _engine(region)
    sec = _sections(_split(e.geoms, eng), eng, by="iso3")
    cols = [
        "u",
        "v",
        "key",
        "from_iso3",
        "to_iso3",
        "border",
        "kind",
        "highway",
        "railway",
        "name",
        "ref",
        "osmid",
        "oneway",
        "km",
    ]
    cx = _crossings_table(sec) if len(sec) else pd.DataFrame(columns=["line", "km"])
    rows: list[dict[str, Any]] = []
    points, lines, seen = [], [], set()
    for line, km, a, b, border in zip(
        cx["line"], cx["km"], cx.get("from_iso3", ()), cx.get("to_iso3", ()), cx.get("border", ())
    ):
        i = int(line)
        u, v, k = e.keys[i]
        d = e.data[i]
        pt = _point_at_m(e.geoms[i], float(km) * 1000.0)
        key = (frozenset((u, v)), round(pt[0], 7), round(pt[1], 7))
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "u": u,
                "v": v,
                "key": k,
                "from_iso3": a,
                "to_iso3": b,
                "border": border,
                "kind": "road" if "highway" in d else "rail",
                "highway": _label(d.get("highway")),
                "railway": _label(d.get("railway")),
                "name": _label(d.get("name")),
                "ref": _label(d.get("ref")),
                "osmid": _label(d.get("osmid")),
                "oneway": bool(d.get("oneway", False)),
                "km": float(km),
            }
        )
        points.append(shapely.Point(pt))
        lines.append(e.geoms[i])
    df = pd.DataFrame(rows, columns=cols)
    out = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(points, crs="EPSG:4326"), crs="EPSG:4326")
    out["edge_geometry"] = gpd.GeoSeries(lines, crs="EPSG:4326", index=out.index)
    return out


def _point_at_m(geom: Any, m: float) -> tuple[float, float]:
    xy = shapely.get_coordinates(geom)
    seg = segment_lengths_m(xy)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    i = int(np.clip(np.searchsorted(cum, m, side="right") - 1, 0, len(seg) - 1))
    t = (m - cum[i]) / seg[i] if seg[i] > 0 else 0.0
    p = xy[i] + (xy[i + 1] - xy[i]) * float(np.clip(t, 0.0, 1.0))
    return float(p[0]), float(p[1])
