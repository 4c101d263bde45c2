"""OSM PBF extracts read in one stream (pyosmium), into the graph osmnx would build from the same data.

osmnx reads OSM XML only, and holds the whole file in memory.  :func:`read_pbf_ways` reads a
``.osm.pbf`` extract once, as a stream, with libosmium (pyosmium), in a child process
(:mod:`corridor._pbf_reader`: libosmium can crash on a crafted file, and the caller's Python
must survive it):

* the location of every node goes into libosmium's sparse index (16 bytes a node; in memory for a
  file up to :data:`PBF_INDEX_IN_MEMORY_BYTES`, in a temporary file beyond);
* ways without one of the requested keys (``highway``, ``railway``) and nodes without one of
  osmnx's node tags are dropped by libosmium before Python sees them;
* the ways kept are held as arrays (way ids, node ids, integer lon/lat), at most ``max_nodes``
  node references, with the tags osmnx keeps on edges.

:func:`graph_from_ways` then builds the graph that osmnx's ``graph_from_xml`` followed by
``simplify_graph`` builds from the same ways (corridor's :func:`corridor.network.read_network`
path for XML): the same nodes and attributes, the same edges, keys and attributes (``osmid``,
the way's tags, ``oneway``, ``reversed``, ``length`` by osmnx's great circle, ``geometry`` of
merged edges, lists of the distinct values of merged ways), the same ring removal.  It follows
osmnx's algorithm step by step, on arrays: the interstitial nodes are removed before networkx
sees them, so memory follows the simplified graph, not the raw ways.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError

__all__ = [
    "DEFAULT_MAX_PBF_NODES",
    "PBF_INDEX_IN_MEMORY_BYTES",
    "READER_STATS",
    "OsmSettings",
    "OsmWays",
    "graph_from_ways",
    "read_pbf_ways",
]

#: Default most node references on the ways kept from a PBF extract (``read_network(max_nodes=)``).
DEFAULT_MAX_PBF_NODES = 20_000_000
#: PBF files up to this size (bytes) keep libosmium's node-location index in memory; larger ones on disk.
PBF_INDEX_IN_MEMORY_BYTES = 512_000_000

_READER = Path(__file__).with_name("_pbf_reader.py")  # run as a script in a child process
#: The last reader process's peak memory in kB (``peak_kb``; None where unknown), for benchmarks.
READER_STATS: dict[str, int | None] = {}
_UNDEFINED = 2_147_483_647  # libosmium's coordinate of a node it has no location for
_PRECISION = 10_000_000  # libosmium stores lon/lat as integers of 1e-7 degree
_ONEWAY = {"yes", "true", "1", "-1", "reverse", "T", "F"}  # osmnx's _add_paths
_REVERSED = {"-1", "reverse", "T"}
_AGGREGATE = ("length", "travel_time")  # osmnx's default edge_attr_aggs: summed


@dataclass(frozen=True)
class OsmSettings:
    """What osmnx's settings say about building a graph (read once, under corridor's osmnx settings)."""

    way_tags: tuple[str, ...]
    node_tags: tuple[str, ...]
    all_oneway: bool
    graph_attrs: dict[str, Any]
    great_circle: Callable[..., Any]


@dataclass
class OsmWays:
    """The ways kept from an OSM file, as arrays.

    ``refs[ptr[i]:ptr[i + 1]]`` are the node ids of way ``ids[i]`` with their integer
    lon/lat (1e-7 degree) in ``x``/``y``; ``tags[i]`` its kept tags, in osmnx's order.
    ``tagged`` maps node ids to the node tags osmnx keeps.
    """

    ids: np.ndarray
    ptr: np.ndarray
    refs: np.ndarray
    x: np.ndarray
    y: np.ndarray
    tags: list[dict[str, str]]
    tagged: dict[int, dict[str, str]]


# ---------------------------------------------------------------------------
# reading


def read_pbf_ways(path: Path, *, keys: Sequence[str], settings: OsmSettings, max_nodes: int, where: str) -> OsmWays:
    """Stream ``path`` once: the ways with one of ``keys`` and their node locations.

    The pass runs in a child process (:mod:`corridor._pbf_reader`): a file that crashes
    libosmium ends in a :class:`DataError` here.
    """
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{where} is empty: an OSM PBF file starts with a header block.")
    with tempfile.TemporaryDirectory(prefix="corridor-pbf-") as tmp:
        index = "sparse_mem_array"
        if size > PBF_INDEX_IN_MEMORY_BYTES:
            index = f"sparse_file_array,{os.path.join(tmp, 'locations')}"
        job = {
            "path": str(Path(path).resolve()),
            "keys": list(keys),
            "way_tags": list(settings.way_tags),
            "node_tags": list(settings.node_tags),
            "max_nodes": max_nodes,
            "index": index,
            "where": where,
        }
        Path(tmp, "job.json").write_text(json.dumps(job), encoding="utf-8")
        _run_reader(tmp, where)
        out = _load(tmp)
    _check_locations(out, where)
    return out


def _run_reader(jobdir: str, where: str) -> None:
    """Run :mod:`corridor._pbf_reader` on the job; its refusal or its death is a DataError."""
    if not sys.executable:  # pragma: no cover - an embedded interpreter
        raise RuntimeError("Reading .osm.pbf runs pyosmium in a child Python, and sys.executable is not set.")
    reader = _READER
    run = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
    # cwd: the private job folder, so no module of the caller's folder shadows one the reader imports
    done = subprocess.run(
        [sys.executable, "-c", run, str(reader), jobdir], cwd=jobdir, capture_output=True, text=True, check=False
    )
    status = Path(jobdir, "status.json")
    if done.returncode != 0 or not status.exists():
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"exit status {done.returncode}"
        last = (done.stderr.strip().splitlines() or [""])[-1][:300]
        msg = (
            f"{where} could not be read: libosmium's reader stopped ({how}{': ' + last if last else ''}). "
            "The file is corrupt, or crafted to crash libosmium (a tag with a NUL byte inside can). "
            "Download it again, or check it with `osmium fileinfo -e`."
        )
        raise DataError(msg)
    result = json.loads(status.read_text(encoding="utf-8"))
    READER_STATS["peak_kb"] = result.get("peak_kb")
    if result["error"]:
        raise DataError(result["error"])


def _load(jobdir: str) -> OsmWays:
    """The arrays and tags the reader wrote (a private folder of this process: trusted pickle)."""

    def arr(name: str, dtype: Any) -> np.ndarray:
        return np.fromfile(os.path.join(jobdir, name), dtype=dtype)

    with open(os.path.join(jobdir, "tags.pickle"), "rb") as f:
        tags, tagged = pickle.load(f)  # noqa: S301 - written by our own child process, just now
    return OsmWays(
        arr("ids", np.int64),
        arr("ptr", np.int64),
        arr("refs", np.int64),
        arr("x", np.int32),
        arr("y", np.int32),
        tags,
        tagged,
    )


def _check_locations(w: OsmWays, where: str) -> None:
    """Every node of a kept way has a location, within ±180° and ±90°."""
    missing = (w.x == _UNDEFINED) | (w.y == _UNDEFINED)
    if missing.any():
        k = int(np.argmax(missing))
        way = int(w.ids[np.searchsorted(w.ptr, k, side="right") - 1])
        msg = (
            f"{where}: way {way} refers to node {int(w.refs[k])}, which is not in the file "
            f"({int(missing.sum()):,} such references). The extract was cut without complete ways "
            "(`osmium extract --strategy simple`), its ways come before its nodes (sort it with "
            "`osmium sort`), or the node has a negative id. Cut it with the default strategy, "
            "complete_ways."
        )
        raise DataError(msg)
    bad = (np.abs(w.x.astype(np.int64)) > 180 * _PRECISION) | (np.abs(w.y.astype(np.int64)) > 90 * _PRECISION)
    if bad.any():
        k = int(np.argmax(bad))
        msg = (
            f"{where}: node {int(w.refs[k])} is at lon {w.x[k] / _PRECISION}, lat {w.y[k] / _PRECISION}, "
            "outside ±180° and ±90°."
        )
        raise DataError(msg)


# ---------------------------------------------------------------------------
# the unsimplified graph (osmnx's _create_graph, then corridor's filter), as arrays


@dataclass
class _Raw:
    """Nodes (sorted ids, lon/lat) and directed edges (node indices, way, reversed, key, length).

    Edges are in the order osmnx adds them: way by way, each way's segments forwards, then
    (a two-way way) backwards.
    """

    nid: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray
    v: np.ndarray
    way: np.ndarray
    rev: np.ndarray
    key: np.ndarray
    length: np.ndarray


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A stable sort of ``values`` and, in sorted order, where each run of equal values starts."""
    order = np.argsort(values, kind="stable")
    s = values[order]
    start = np.ones(len(s), dtype=bool)
    start[1:] = s[1:] != s[:-1]
    return order, start


def _cumcount(values: np.ndarray) -> np.ndarray:
    """How many earlier entries have the same value: the key networkx gives each parallel edge."""
    order, start = _runs(values)
    idx = np.arange(len(values))
    out = np.empty(len(values), dtype=np.int64)
    out[order] = idx - np.maximum.accumulate(np.where(start, idx, 0))
    return out


def _way_attrs(w: OsmWays, settings: OsmSettings) -> tuple[list[dict[str, Any]], np.ndarray, np.ndarray]:
    """Each way's edge attributes as osmnx's ``_add_paths`` sets them, whether it is one-way, reversed."""
    attrs: list[dict[str, Any]] = []
    oneway = np.zeros(len(w.ids), dtype=bool)
    flip = np.zeros(len(w.ids), dtype=bool)
    for i, (osmid, t) in enumerate(zip(w.ids.tolist(), w.tags)):
        one = settings.all_oneway or t.get("oneway") in _ONEWAY or t.get("junction") == "roundabout"
        d: dict[str, Any] = {"osmid": osmid, **t}
        if not settings.all_oneway:
            d["oneway"] = one
        attrs.append(d)
        oneway[i], flip[i] = one, one and t.get("oneway") in _REVERSED
    return attrs, oneway, flip


def _edges(w: OsmWays, settings: OsmSettings) -> tuple[_Raw, list[dict[str, Any]]]:
    """The directed edges osmnx makes of the ways, in its order, and each way's edge attributes."""
    attrs, oneway, flip = _way_attrs(w, settings)
    way_of = np.repeat(np.arange(len(w.ids), dtype=np.int32), np.diff(w.ptr))
    keep = np.ones(len(w.refs), dtype=bool)  # consecutive duplicates removed (osmnx: groupby)
    keep[1:] = (w.refs[1:] != w.refs[:-1]) | (way_of[1:] != way_of[:-1])
    refs, x, y, way_of = w.refs[keep], w.x[keep], w.y[keep], way_of[keep]
    del keep
    starts = np.concatenate([[0], np.cumsum(np.bincount(way_of, minlength=len(w.ids)))])
    pos = np.arange(len(refs))
    f = flip[way_of]
    pos[f] = starts[way_of[f]] + starts[way_of[f] + 1] - 1 - pos[f]  # ways travelled against their node order
    refs, x, y = refs[pos], x[pos], y[pos]
    del pos, f
    order, start = _runs(refs)
    node = np.empty(len(refs), dtype=np.int64)
    node[order] = np.cumsum(start) - 1
    first_ref = order[start]
    nid, lon, lat = refs[first_ref], x[first_ref] / _PRECISION, y[first_ref] / _PRECISION
    del order, start, first_ref, refs, x, y
    seg = np.flatnonzero(way_of[:-1] == way_of[1:])  # each segment, at its first node
    back = seg[~oneway[way_of[seg]]]
    # per way: its segments forwards, then (two-way) backwards, as osmnx adds them
    at = np.concatenate([seg, back])
    rev = np.concatenate([np.zeros(len(seg), dtype=bool), np.ones(len(back), dtype=bool)])
    order = np.lexsort((at, rev, way_of[at]))
    at, rev = at[order], rev[order]
    a, b = node[at], node[at + 1]
    u, v = np.where(rev, b, a), np.where(rev, a, b)
    del a, b, node, order
    used = np.zeros(len(nid), dtype=bool)  # nodes of one-node ways have no edge: osmnx drops them as isolated
    used[u] = used[v] = True
    renum = np.cumsum(used) - 1
    nid, lon, lat, u, v = nid[used], lon[used], lat[used], renum[u], renum[v]
    length = np.asarray(settings.great_circle(lat[u], lon[u], lat[v], lon[v]), dtype=float)
    length[np.isnan(length)] = 0.0
    key = _cumcount(u * len(nid) + v)
    return _Raw(nid, lon, lat, u, v, way_of[at], rev, key, length), attrs


def _edge_attrs(attrs: list[dict[str, Any]], way: int, rev: bool, length: Any) -> dict[str, Any]:
    d = dict(attrs[way])
    d["reversed"] = rev
    d["length"] = length
    return d


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Weakly connected components: each node labelled with the smallest node index of its component."""
    parent = np.arange(n)
    while True:
        ru, rv = parent[u], parent[v]
        diff = ru != rv
        if not diff.any():
            return parent
        np.minimum.at(parent, np.maximum(ru[diff], rv[diff]), np.minimum(ru[diff], rv[diff]))
        while True:  # point every node at its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up


def _largest_component(raw: _Raw) -> np.ndarray:
    """Edges of the largest weakly connected component (osmnx: the first of the largest in node order)."""
    label = _components(len(raw.nid), raw.u, raw.v)
    size = np.bincount(label, minlength=len(raw.nid))
    best = int(np.flatnonzero(size == size.max())[0])  # labels are the smallest node index
    return label[raw.u] == best


# ---------------------------------------------------------------------------
# simplification: osmnx's simplify_graph, step by step, on arrays


def _endpoints(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Endpoints as osmnx's ``_is_endpoint`` (strict) finds them.

    A self-loop, no edge in or out, or not a plain through node (two neighbours and 2 or 4 edges).
    """
    out_d = np.bincount(u, minlength=n)
    in_d = np.bincount(v, minlength=n)
    pairs = np.concatenate([u * n + v, v * n + u])
    pairs.sort()
    distinct = np.ones(len(pairs), dtype=bool)
    distinct[1:] = pairs[1:] != pairs[:-1]
    neighbours = np.bincount(pairs[distinct] // n, minlength=n)
    loop = np.zeros(n, dtype=bool)
    loop[u[u == v]] = True
    deg = out_d + in_d
    return loop | (out_d == 0) | (in_d == 0) | ~((neighbours == 2) & ((deg == 2) | (deg == 4)))


class _Successors:
    """Each node's successors in networkx's order (first edge added first), and that first edge."""

    def __init__(self, n: int, u: np.ndarray, v: np.ndarray) -> None:
        order, start = _runs(u * n + v)  # stable: within a pair, the first edge added comes first
        first = np.sort(order[start])  # the first edge of each pair, in the order edges were added
        first = first[np.argsort(u[first], kind="stable")]
        self.ptr = array("q", np.searchsorted(u[first], np.arange(n + 1)).tobytes())
        self.node = array("q", v[first].astype(np.int64).tobytes())
        self.edge = array("q", first.astype(np.int64).tobytes())


def _build_path(succ: _Successors, endpoint: bytes, e: int, j0: int) -> tuple[list[int], list[int]]:
    """The path osmnx's ``_build_path`` takes from endpoint ``e`` through its successor ``succ.node[j0]``.

    Returns the nodes and, for each step, the first edge between the two nodes (the one
    ``simplify_graph`` takes the attributes of).
    """
    ptr, node, edge = succ.ptr, succ.node, succ.edge
    s = node[j0]
    path, edges, seen = [e, s], [edge[j0]], {e, s}
    for j in range(ptr[s], ptr[s + 1]):
        successor = node[j]
        if successor in seen:
            continue
        path.append(successor)
        edges.append(edge[j])
        seen.add(successor)
        while not endpoint[successor]:
            nxt = [k for k in range(ptr[successor], ptr[successor + 1]) if node[k] not in seen]
            if len(nxt) == 1:
                successor = node[nxt[0]]
                path.append(successor)
                edges.append(edge[nxt[0]])
                seen.add(successor)
            elif not nxt:
                back = [k for k in range(ptr[successor], ptr[successor + 1]) if node[k] == e]
                return ([*path, e], [*edges, edge[back[0]]]) if back else (path, edges)
            else:  # pragma: no cover - osmnx raises GraphSimplificationError here too
                raise DataError(f"Cannot simplify the graph near node index {successor}.")
        return path, edges
    return path, edges


def _paths(raw: _Raw, endpoint: np.ndarray) -> tuple[list[list[int]], list[list[int]]]:
    """The paths to merge and their edges, in osmnx's order: endpoints as a set of their ids iterates."""
    succ = _Successors(len(raw.nid), raw.u, raw.v)
    ep = endpoint.tobytes()
    eps = set(raw.nid[endpoint].tolist())  # built in node order, so it iterates as osmnx's set does
    order = np.searchsorted(raw.nid, np.fromiter(eps, dtype=np.int64, count=len(eps))).tolist()
    del eps
    paths, edges = [], []
    ptr, node = succ.ptr, succ.node
    for e in order:
        for j in range(ptr[e], ptr[e + 1]):
            if not ep[node[j]]:
                p, pe = _build_path(succ, ep, e, j)
                paths.append(p)
                edges.append(pe)
    return paths, edges


def _merge(attrs: list[dict[str, Any]], ways: list[int], revs: list[bool], lengths: list[Any]) -> dict[str, Any]:
    """The attributes osmnx gives a merged path: lengths summed, else the one value or a list of the distinct."""
    if len(set(ways)) == 1 and len(set(revs)) == 1:  # one way, one direction: the same values
        return _edge_attrs(attrs, ways[0], revs[0], sum(lengths))
    merged: dict[str, Any] = {}
    for w, r, x in zip(ways, revs, lengths):
        for k, val in _edge_attrs(attrs, w, r, x).items():
            merged.setdefault(k, []).append(val)
    for k, vals in merged.items():
        if k in _AGGREGATE:
            merged[k] = sum(vals)
        elif len(set(vals)) == 1:
            merged[k] = vals[0]
        else:
            merged[k] = list(set(vals))
    return merged


@dataclass
class _Simplified:
    """The simplified graph: which nodes and raw edges stay, and the merged edges added."""

    node_kept: np.ndarray
    edge_kept: np.ndarray
    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    attrs: list[dict[str, Any]]


def _simplify(raw: _Raw, attrs: list[dict[str, Any]]) -> _Simplified:
    import shapely

    n = len(raw.nid)
    paths, path_edges = _paths(raw, _endpoints(n, raw.u, raw.v))
    sizes = np.array([len(p) for p in paths], dtype=np.int64)
    flat = np.fromiter((x for p in paths for x in p), dtype=np.int64, count=int(sizes.sum()))
    nu = flat[np.cumsum(sizes) - sizes] if len(paths) else np.zeros(0, dtype=np.int64)
    nv = flat[np.cumsum(sizes) - 1] if len(paths) else np.zeros(0, dtype=np.int64)
    gone = np.zeros(n, dtype=bool)
    inner = np.ones(len(flat), dtype=bool)
    inner[np.cumsum(sizes) - sizes] = inner[np.cumsum(sizes) - 1] = False
    gone[flat[inner]] = True
    del paths, inner
    geoms = shapely.linestrings(raw.lon[flat], raw.lat[flat], indices=np.repeat(np.arange(len(sizes)), sizes))
    del flat
    merged = []
    for k, g in enumerate(geoms.tolist()):
        e = np.asarray(path_edges[k])
        path_edges[k] = []  # freed as it goes
        d = _merge(attrs, raw.way[e].tolist(), raw.rev[e].tolist(), list(raw.length[e]))
        d["geometry"] = g
        merged.append(d)
    del path_edges, geoms
    # keys: after the raw edges between the two ends, in the order the merged edges are added
    order, start = _runs(raw.u * n + raw.v)
    pair_raw = (raw.u * n + raw.v)[order[start]]
    count_raw = np.diff(np.append(np.flatnonzero(start), len(order)))
    pair = nu * n + nv
    at = np.clip(np.searchsorted(pair_raw, pair), 0, max(len(pair_raw) - 1, 0))
    before = np.where(pair_raw[at] == pair, count_raw[at], 0) if len(pair_raw) else np.zeros_like(pair)
    key = before + _cumcount(pair)
    new_kept = ~gone[nu] & ~gone[nv]
    out = _Simplified(
        ~gone,
        ~gone[raw.u] & ~gone[raw.v],
        nu[new_kept],
        nv[new_kept],
        key[new_kept],
        [d for d, k in zip(merged, new_kept.tolist()) if k],
    )
    _remove_rings(raw, out)
    return out


def _remove_rings(raw: _Raw, s: _Simplified) -> None:
    """As osmnx's ``_remove_rings``: drop the components of the simplified graph without an endpoint."""
    n = len(raw.nid)
    u = np.concatenate([raw.u[s.edge_kept], s.u])
    v = np.concatenate([raw.v[s.edge_kept], s.v])
    endpoint = _endpoints(n, u, v) & s.node_kept
    if not (s.node_kept & ~endpoint).any():
        return
    label = _components(n, u, v)
    has_endpoint = np.zeros(n, dtype=bool)
    has_endpoint[label[endpoint]] = True
    ring = s.node_kept & ~has_endpoint[label]
    if ring.any():
        s.node_kept &= ~ring
        s.edge_kept &= ~ring[raw.u]
        keep = ~ring[s.u]
        s.u, s.v, s.key = s.u[keep], s.v[keep], s.key[keep]
        s.attrs = [d for d, k in zip(s.attrs, keep.tolist()) if k]


# ---------------------------------------------------------------------------
# the networkx graph


def graph_from_ways(w: OsmWays, settings: OsmSettings, *, simplify: bool, retain_all: bool) -> Any:
    """The osmnx graph of the ways: as ``graph_from_xml`` + corridor's filter + ``simplify_graph``."""
    import networkx as nx

    G = nx.MultiDiGraph(**settings.graph_attrs)
    if not len(w.refs):
        return G
    raw, attrs = _edges(w, settings)
    if not retain_all and len(raw.u):
        raw = _subset(raw, _largest_component(raw))
    if not simplify:
        G.add_nodes_from(_node_data(w, raw, np.ones(len(raw.nid), dtype=bool)))
        _add_raw_edges(G, raw, attrs, np.arange(len(raw.u)))
        return G
    s = _simplify(raw, attrs)
    G.add_nodes_from(_node_data(w, raw, s.node_kept))
    _add_raw_edges(G, raw, attrs, _adjacency_order(raw, np.flatnonzero(s.edge_kept)))
    ids = raw.nid
    G.add_edges_from(zip(ids[s.u].tolist(), ids[s.v].tolist(), s.key.tolist(), s.attrs))
    G.graph["simplified"] = True
    return G


def _node_data(w: OsmWays, raw: _Raw, kept: np.ndarray) -> Any:
    """Nodes as osmnx makes them: ``y``, ``x``, then the node tags osmnx keeps."""
    for nid, x, y in zip(raw.nid[kept].tolist(), raw.lon[kept].tolist(), raw.lat[kept].tolist()):
        d: dict[str, Any] = {"y": y, "x": x}
        d.update(w.tagged.get(nid, ()))
        yield nid, d


def _add_raw_edges(G: Any, raw: _Raw, attrs: list[dict[str, Any]], edges: np.ndarray) -> None:
    ids = raw.nid
    G.add_edges_from(
        (u, v, k, _edge_attrs(attrs, w, r, x))
        for u, v, k, w, r, x in zip(
            ids[raw.u[edges]].tolist(),
            ids[raw.v[edges]].tolist(),
            raw.key[edges].tolist(),
            raw.way[edges].tolist(),
            raw.rev[edges].tolist(),
            list(raw.length[edges]),  # numpy floats, as osmnx's add_edge_lengths sets them
        )
    )


def _adjacency_order(raw: _Raw, edges: np.ndarray) -> np.ndarray:
    """Raw edges in networkx's adjacency order: by node, by successor (first added first), by key.

    ``simplify_graph`` starts from ``G.copy()``, which adds the edges again in that order.
    """
    order, start = _runs(raw.u * len(raw.nid) + raw.v)
    head = np.empty(len(order), dtype=np.int64)  # each edge: the first edge of its pair
    head[order] = order[np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))]
    return edges[np.lexsort((raw.key[edges], head[edges], raw.u[edges]))]


def _subset(raw: _Raw, edges: np.ndarray) -> _Raw:
    """The raw graph on some of its edges (and the nodes they touch)."""
    used = np.zeros(len(raw.nid), dtype=bool)
    used[raw.u[edges]] = used[raw.v[edges]] = True
    renum = np.cumsum(used) - 1
    return _Raw(
        raw.nid[used],
        raw.lon[used],
        raw.lat[used],
        renum[raw.u[edges]],
        renum[raw.v[edges]],
        raw.way[edges],
        raw.rev[edges],
        raw.key[edges],
        raw.length[edges],
    )
