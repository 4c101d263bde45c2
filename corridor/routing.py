"""Routing on OpenStreetMap networks: snapping, cheapest and alternative paths, avoiding territories.

Origins, destinations and via points snap to the nearest point on the
nearest edge (not only the nearest node); paths come back as
:class:`NetworkPath` (with the snap distances) or as ordinary
:class:`~corridor.Route` objects whose geometry follows the edge shapes, so
:func:`corridor.analyze` measures them like any other route.  Shortest paths
are networkx's (Dijkstra; Yen's algorithm for alternatives).

The router of a graph (its edges, a spatial index for snapping, a DiGraph of the
cheapest edge between each pair of nodes) is built on the first call and reused by
later calls on the same graph with the same ``weight``, ``mode``, ``avoid`` and
``region``: repeated routing costs about what osmnx's shortest path costs.  It is
rebuilt when the graph gains or loses nodes or edges or any edge's ``weight`` value
changes; other changes made in place (coordinates, geometries, tags) need
:func:`clear_router_cache`.  At most :data:`ROUTER_CACHE_SIZE` routers are kept, and
none outlives its graph.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ._graph import Edges, edges_of, mode_of
from ._validate import as_lonlat
from .errors import GeometryError, NoPathError, ParameterError
from .geodesy import LocalProjection, distance_m, length_m, segment_lengths_m
from .measure import territory_km
from .places import Place, place
from .route import Route, Stop

if TYPE_CHECKING:
    from .region import Region

__all__ = [
    "ROUTER_CACHE_SIZE",
    "NetworkPath",
    "Snap",
    "alternative_routes",
    "clear_router_cache",
    "path_on_network",
    "route_on_network",
    "snap_to_network",
]


# ---------------------------------------------------------------------------
# snapping


@dataclass(frozen=True)
class Snap:
    """Where a point meets the network (see :func:`snap_to_network`).

    Parameters
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

    Examples
    --------
    >>> p = path_on_network(meghri_norduz(), "Meghri", "Norduz")
    >>> p.snaps[0].name, round(p.snaps[0].distance_m, 1)
    ('Meghri', 0.0)
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

    def __init__(self, edges: Edges) -> None:
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
    lon, lat = as_lonlat(item)
    return f"{lon:.5f}, {lat:.5f}", lon, lat


def snap_to_network(
    G: nx.MultiDiGraph,
    points: Sequence[Any],
    *,
    mode: str | None = None,
    max_snap_m: float = 500.0,
) -> pd.DataFrame:
    """Snap places or ``(lon, lat)`` points to the nearest point on the nearest edge.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An osmnx graph.
    points : sequence of str, Place or (lon, lat)
        The points to snap.
    mode : {"road", "rail"}, optional
        Snap to ``highway`` or ``railway`` edges (default: road if any).
    max_snap_m : float, default 500
        A point farther than this (geodesic metres) from every edge is an error.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``name``, ``lon``, ``lat``, ``snapped_lon``,
        ``snapped_lat``, ``distance_m`` (geodesic, metres), ``u``, ``v``,
        ``key`` and ``fraction`` along the edge.

    Examples
    --------
    >>> s = snap_to_network(meghri_norduz(), [(46.21, 38.89)])
    >>> s[["u", "v"]].values.tolist(), round(float(s.distance_m[0]))
    ([['Meghri', 'Agarak']], 493)
    >>> snap_to_network(meghri_norduz(), ["Yerevan"])
    Traceback (most recent call last):
    ...
    corridor.errors.GeometryError: Yerevan (44.51400, 40.18100) is 204.45 km from the nearest edge ...
    """
    sn = _Snapper(edges_of(G, mode_of(G, mode)))
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
    """A path on a network between snapped points (see :func:`path_on_network`).

    Parameters
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

    Examples
    --------
    >>> p = path_on_network(meghri_norduz(), "Meghri", "Norduz")
    >>> p.nodes, round(p.length_m)
    (('Meghri', 'Agarak', 'Norduz'), 9071)
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
        """Return the path as a :class:`~corridor.Route` with a stop at each snapped point.

        Parameters
        ----------
        name : str, optional
            Default ``"origin – destination"``.
        status : str, default "existing"
            The route's status.

        Returns
        -------
        Route
        """
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


#: Most routers kept at once, least recently used dropped first (see :func:`clear_router_cache`).
ROUTER_CACHE_SIZE = 4


class _Router:
    """A DiGraph of the cheapest edge per (u, v) of one graph, mode, weight and avoid.

    Built once and reused by every call on the same graph (see :func:`_router_for`): it holds
    the graph's edge dicts and node ids, never the graph itself, so a cached router does not
    keep its graph alive.  Snapped points are spliced into ``D`` for one query and removed
    after it (:meth:`query`), under ``lock``.
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        *,
        weight: str,
        mode: str | None,
        avoid: Any,
        region: Region | None,
    ) -> None:
        self.mode = mode_of(G, mode)
        self.weight = weight
        self.edges = edges_of(G, self.mode)
        lacking = sum(1 for d in self.edges.data if weight not in d)
        if lacking:
            hint = (
                " Add travel times first: `G = corridor.network.add_travel_times(G)`."
                if weight == "travel_time"
                else ""
            )
            msg = f"{lacking} of {len(self.edges.data)} edges have no `{weight}` attribute to use as `weight`.{hint}"
            raise ParameterError(msg)
        self.index = {key: i for i, key in enumerate(self.edges.keys)}
        self.snapper = _Snapper(self.edges)
        self.avoid: list[str] = []
        self.region: Region | None = None
        blocked = np.zeros(len(self.edges.keys), dtype=bool)
        if avoid:
            self.region, self.avoid = _avoid_ids(region, avoid)
            blocked = self._enters_avoided(self.edges.geoms)
        self.blocked = blocked
        best: dict[tuple[Any, Any], int] = {}
        weights = [float(d[weight]) for d in self.edges.data]
        for i, (u, v, _), b in zip(range(len(weights)), self.edges.keys, blocked.tolist()):
            if b:
                continue
            j = best.get((u, v))
            if j is None or weights[i] < weights[j]:
                best[(u, v)] = i
        geoms = self.edges.geoms.tolist()
        D = nx.DiGraph()
        D.add_nodes_from(G.nodes)
        D.add_edges_from(
            (u, v, {"w": weights[i], "idx": i, "frac": (0.0, 1.0), "geom": geoms[i]}) for (u, v), i in best.items()
        )
        self.D = D
        self.lock = threading.Lock()

    def _enters_avoided(self, geoms: np.ndarray) -> np.ndarray:
        table = territory_km(geoms, region=self.region)
        return (table[self.avoid].to_numpy() > 1e-9).any(axis=1)

    @contextmanager
    def query(
        self, G: nx.MultiDiGraph, items: Sequence[tuple[str, float, float]], max_snap_m: float
    ) -> Iterator[_Query]:
        """Snap the points, splice them into ``D`` for the block, and take them out again."""
        with self.lock:
            q = _Query(self, G, max_snap_m)
            try:
                q.add_points(items)
                yield q
            finally:
                self.D.remove_nodes_from([n for n in q.spliced if n in self.D])


class _Query:
    """One routing query on a router: the snapped points and the paths between them."""

    def __init__(self, router: _Router, G: nx.MultiDiGraph, max_snap_m: float) -> None:
        self.router = router
        self.D = router.D
        self.edges = router.edges
        self.G = G
        self.max_snap_m = max_snap_m
        self.snaps: list[Snap] = []
        self.snap_nodes: list[Any] = []
        self.spliced: list[Any] = []

    def add_points(self, items: Sequence[tuple[str, float, float]]) -> None:
        """Snap the points and splice them into the DiGraph as new nodes."""
        r = self.router
        found = [r.snapper.snap(n, x, y, self.max_snap_m) for n, x, y in items]
        if r.avoid:
            for s, _, _ in found:
                pt = shapely.Point(s.snapped_lon, s.snapped_lat)
                for a in r.avoid:
                    if r.region is not None and r.region.geometry_of(a).covers(pt):
                        msg = f"{s.name} is in {a}, which `avoid` excludes: no path can avoid {a} and reach it."
                        raise NoPathError(msg)
        by_edge: dict[int, list[tuple[float, int]]] = {}
        nodes: list[Any] = []
        for j, (s, i, d) in enumerate(found):
            line = r.snapper.local[i]
            u, v, _ = s.edge
            if d <= 0.01:
                nodes.append(u)
            elif d >= line.length - 0.01:
                nodes.append(v)
            else:
                node = ("snap", j)
                nodes.append(node)
                by_edge.setdefault(i, []).append((d, j))
        self.spliced = [("snap", j) for cuts in by_edge.values() for _, j in cuts]
        for i, cuts in by_edge.items():
            self._splice(i, sorted(cuts), found)
        self.snaps = [s for s, _, _ in found]
        self.snap_nodes = nodes

    def _splice(self, i: int, cuts: list[tuple[float, int]], found: list[Any]) -> None:
        r = self.router
        u, v, _ = self.edges.keys[i]
        local = r.snapper.local[i]
        length = local.length
        fracs = [0.0] + [d / length for d, _ in cuts] + [1.0]
        ids: list[Any] = [u] + [("snap", j) for _, j in cuts] + [v]
        pts = [(found[j][0].snapped_lon, found[j][0].snapped_lat) for _, j in cuts]
        pieces = _cut(self.edges.geoms[i], local, [d for d, _ in cuts], pts)
        # the same way the other way round (two-way roads): the reverse edge
        rev = [
            k
            for k in (r.index.get((v, u, kk)) for kk in self.G[v].get(u, {}))
            if k is not None and shapely.equals(self.edges.geoms[k], self.edges.geoms[i])
        ]
        # each piece's share of the edge's weight, by geodesic length; the pieces an avoided territory
        # holds (both measured once: the reverse edge has the same pieces the other way round)
        glen = np.asarray(length_m(np.asarray(pieces, dtype=object)), dtype=float)
        total = glen.sum()
        share = glen / total if total > 0 else np.full(len(glen), 1.0 / len(glen))
        ok = ~r._enters_avoided(np.asarray(pieces, dtype=object)) if r.avoid else np.ones(len(pieces), dtype=bool)
        variants = [(i, ids, pieces, fracs, share, ok)]
        for k in rev[:1]:
            rpieces = [shapely.reverse(p) for p in reversed(pieces)]
            rfracs = [1.0 - f for f in reversed(fracs)]
            variants.append((k, ids[::-1], rpieces, rfracs, share[::-1], ok[::-1]))
        for idx, nodes, geoms, fr, sh, keep in variants:
            w_total = float(self.edges.data[idx][r.weight])
            for p in range(len(geoms)):
                if not keep[p]:
                    continue
                a, b = nodes[p], nodes[p + 1]
                w = w_total * sh[p]
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
                raise NoPathError(self.no_path_msg(a, b)) from None
            out.extend(leg[1:])
        return out

    def no_path_msg(self, a: Any, b: Any) -> str:
        r = self.router
        na = self._name_of(a)
        nb = self._name_of(b)
        extra = f" without entering {', '.join(r.avoid)}" if r.avoid else ""
        return (
            f"No path on the {r.mode} network from {na} to {nb}{extra}. The network may be "
            "disconnected there (one-way streets, a missing link, a clipped area)"
            + (", or every path crosses the avoided territory." if r.avoid else ".")
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
            full = float(d[self.router.weight])
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
            self.router.weight,
            float(cost),
            float(length),
            tuple(self.snaps),
            tuple(stop_m),
            self.router.mode,
            float(tt) if has_tt else None,
        )


# ---------------------------------------------------------------------------
# the router cache


@dataclass
class _Entry:
    graph: weakref.ref[Any]
    fingerprint: tuple[int, int, int]
    router: _Router


_CACHE: OrderedDict[tuple[Hashable, ...], _Entry] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _fingerprint(G: nx.MultiDiGraph, weight: str) -> tuple[int, int, int]:
    """Node count, edge count and a hash of every edge's ``weight`` in adjacency order: one pass."""
    ws = tuple(d.get(weight) for _, nbrs in G.adjacency() for keys in nbrs.values() for d in keys.values())
    return len(G), len(ws), hash(ws)


def _forget(graph_id: int, _ref: Any) -> None:
    """Drop the routers of a graph that is gone (a weakref callback)."""
    with _CACHE_LOCK:
        for key in [k for k, e in _CACHE.items() if k[0] == graph_id and e.graph() is None]:
            del _CACHE[key]


def _router_for(G: nx.MultiDiGraph, *, weight: str, mode: str | None, avoid: Any, region: Region | None) -> _Router:
    """The cached router of ``G`` for these options, or a new one (then cached).

    The key is ``id(G)`` with the options (``region`` by identity, and only with ``avoid``);
    an entry is used only while its graph is alive (a weak reference) and has the same
    :func:`_fingerprint`.  At most :data:`ROUTER_CACHE_SIZE` routers are kept.
    """
    items = () if not avoid else (avoid,) if isinstance(avoid, str) else tuple(avoid)
    key = (id(G), weight, mode, items, id(region) if items else None)
    try:
        hash(key)
    except TypeError:  # an unhashable weight or avoid item: refused further on, or not cacheable
        return _Router(G, weight=weight, mode=mode, avoid=avoid, region=region)
    fp = _fingerprint(G, weight)
    with _CACHE_LOCK:
        e = _CACHE.get(key)
        if e is not None and e.graph() is G and e.fingerprint == fp:
            _CACHE.move_to_end(key)
            return e.router
    router = _Router(G, weight=weight, mode=mode, avoid=avoid, region=region)
    try:
        ref = weakref.ref(G, functools.partial(_forget, id(G)))
    except TypeError:  # a graph class without weak references: not cached
        return router
    with _CACHE_LOCK:
        _CACHE[key] = _Entry(ref, fp, router)
        _CACHE.move_to_end(key)
        while len(_CACHE) > ROUTER_CACHE_SIZE:
            _CACHE.popitem(last=False)
    return router


def clear_router_cache() -> int:
    """Forget every cached router; returns how many there were.

    :func:`route_on_network`, :func:`path_on_network` and :func:`alternative_routes` build a
    router for a graph (its edges, a spatial index, a DiGraph of the cheapest edge between
    each pair of nodes) once, and reuse it for every later call on the same graph with the
    same ``weight``, ``mode``, ``avoid`` and ``region``.  A router is reused while the graph
    is the same object, has the same number of nodes and edges, and the same ``weight``
    value on every edge (so ``add_travel_times`` with new speeds, or an edge added or
    removed, builds a new one).  Changing anything else in place (node coordinates, edge
    geometries, ``highway``/``railway`` tags) is not noticed: call this function after such
    a change.  At most :data:`ROUTER_CACHE_SIZE` routers are kept (the least recently used
    is dropped first), and a router goes when its graph is garbage-collected.

    Returns
    -------
    int
        The number of routers forgotten.

    Examples
    --------
    >>> G = meghri_norduz()
    >>> _ = route_on_network(G, "Meghri", "Norduz")
    >>> clear_router_cache() >= 1, clear_router_cache()
    (True, 0)
    """
    with _CACHE_LOCK:
        n = len(_CACHE)
        _CACHE.clear()
    return n


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

    Parameters
    ----------
    G, origin, destination, weight, via, avoid, region, mode, max_snap_m
        As in :func:`route_on_network`.

    Returns
    -------
    NetworkPath

    Examples
    --------
    >>> p = path_on_network(meghri_norduz(), "Meghri", "Norduz")
    >>> [s.name for s in p.snaps], p.edges[0]
    (['Meghri', 'Norduz'], ('Meghri', 'Agarak', 0))
    >>> path_on_network(meghri_norduz(), "Meghri", "Norduz", avoid="IRN")
    Traceback (most recent call last):
    ...
    corridor.errors.NoPathError: Norduz is in IRN, which `avoid` excludes: no path can avoid IRN and reach it.
    """
    items = [_as_named_point(p) for p in (origin, *via, destination)]
    router = _router_for(G, weight=weight, mode=mode, avoid=avoid, region=region)
    with router.query(G, items, max_snap_m) as q:
        return q.to_path(q.path(q.snap_nodes))


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

    Notes
    -----
    The first call on a graph builds its router; later calls with the same ``weight``,
    ``mode``, ``avoid`` and ``region`` reuse it while the graph keeps its nodes, edges and
    ``weight`` values (see :func:`clear_router_cache` for the rule).  Calls on one graph
    from several threads take turns on its router.

    Examples
    --------
    >>> import corridor
    >>> r = route_on_network(meghri_norduz(), "Meghri", "Norduz", name="M2 to Iran")
    >>> corridor.analyze(r).transit, round(r.length_km, 2)
    (['ARM', 'IRN'], 9.07)
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
    cheapest edge between each pair of nodes.  Fewer than ``k`` routes come
    back when the network has fewer simple paths.

    Parameters
    ----------
    G, origin, destination, weight, avoid, region, mode, max_snap_m
        As in :func:`route_on_network`.
    k : int, default 3
        How many routes at most.

    Returns
    -------
    list of Route

    Examples
    --------
    >>> [r.name for r in alternative_routes(meghri_norduz(), "Meghri", "Norduz")]
    ['Meghri – Norduz']
    >>> alternative_routes(meghri_norduz(), "Meghri", "Norduz", k=0)
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `k` must be at least 1, got 0.
    """
    if int(k) < 1:
        raise ParameterError(f"`k` must be at least 1, got {k!r}.")
    items = [_as_named_point(p) for p in (origin, destination)]
    router = _router_for(G, weight=weight, mode=mode, avoid=avoid, region=region)
    with router.query(G, items, max_snap_m) as q:
        a, b = q.snap_nodes
        if a == b:
            raise GeometryError("The origin and the destination snap to the same point.")
        try:
            seqs = list(islice(nx.shortest_simple_paths(q.D, a, b, weight="w"), int(k)))
        except nx.NetworkXNoPath:
            raise NoPathError(q.no_path_msg(a, b)) from None
        paths = [q.to_path(seq) for seq in seqs]
    out = []
    for i, p in enumerate(paths):
        r = p.to_route()
        out.append(replace(r, name=f"{r.name} ({i + 1})") if i else r)
    return out
