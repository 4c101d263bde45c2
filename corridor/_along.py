"""Offset lines along a border, for :meth:`corridor.Route.along_border` (pure geometry).

Works on a region's polygons and borders and returns coordinates; it knows
nothing of routes.  Planar work happens in :class:`corridor.geodesy.LocalProjection`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
import shapely.ops

from ._cache import (
    Memo,
    cache_file,
    cache_key,
    digest,
    geometry_digest,
    load,
    read_npz,
    store,
    write_npz,
)
from .errors import GeometryError, ParameterError
from .geodesy import LocalProjection
from .places import resolve_named_point

__all__ = ["along_border_coords", "region_key"]

#: Bump when what :func:`along_border_coords` returns for the same call changes (old entries are not read).
SCHEMA = 1

#: Answers within this process (a new Scenario object rebuilds its route from these).
_MEMO = Memo(maxsize=256)
#: Content keys of regions without a data checksum, computed once per Region object.
_CONTENT_KEYS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _group(region: Any, spec: str | Sequence[str], other: list[str] | None = None) -> list[str]:
    if isinstance(spec, str) and spec == "*":
        if other is None:
            raise ParameterError("Only one of `a` and `b` may be '*'.")
        other_iso = {region.iso3_of(o) for o in other}
        return [i for i in region.ids if i not in other_iso]
    items = [spec] if isinstance(spec, str) else list(spec)
    for it in items:
        region.resolve(it)  # raises UnknownTerritoryError with the list
    return [str(i) for i in items]


def along_border_coords(
    region: Any,
    a: str | Sequence[str],
    b: str | Sequence[str],
    *,
    side: str | Sequence[str],
    offset_m: float,
    start: Any,
    end: Any,
    smooth_m: float,
    connect: bool | str = False,
    cache: bool = True,
) -> tuple[np.ndarray, list[tuple[str, float, float]], str]:
    """Coordinates, stops and a label of a line ``offset_m`` inside ``side`` along the a–b border.

    See :meth:`corridor.Route.along_border` for the parameters and the method.  With
    ``cache`` (the default) the answer is kept in memory for this process and on disk in
    :func:`corridor.datasets.cache_dir` (``along-<key>.npz``), under a key of the region's data
    (:func:`region_key`), the corridor version and every parameter, with ``start`` and
    ``end`` as the points and names they resolve to.
    """
    ends = (_end_point(start), _end_point(end))
    key = _cache_key(region, a, b, side, offset_m, smooth_m, ends, connect) if cache else None
    if key is not None:
        hit = _MEMO.get(key)
        if hit is None:
            hit = load(cache_file("along", key), _read_entry)
            if hit is not None:
                _MEMO.put(key, hit)
        if hit is not None:
            return hit[0].copy(), list(hit[1]), hit[2]
    out = _trace(region, a, b, side=side, offset_m=offset_m, ends=ends, smooth_m=smooth_m, connect=connect)
    if key is not None:
        coords = out[0].copy()
        coords.flags.writeable = False
        _MEMO.put(key, (coords, tuple(out[1]), out[2]))
        store(cache_file("along", key), lambda tmp: _write_entry(tmp, out))
    return out


def region_key(region: Any) -> str:
    """A key of everything :func:`along_border_coords` reads from ``region``.

    The region's data checksum: the built-in region's (the SHA-256 of its GeoPackage in
    ``manifest.json``), or a ``data_key`` the region carries; else a SHA-256 of the ids,
    names and geometries (WKB) of its territories, parts and borders, computed once per
    Region object.
    """
    known = getattr(region, "data_key", None)
    if known is not None:
        return str(known)
    key = _CONTENT_KEYS.get(region)
    if key is None:
        c, p, b = region.countries, region.parts, region.borders
        columns = [c["iso3"], c["name"], p["part_id"], p["iso3"], p["name"], b["a"], b["b"]]
        texts = ["\x1f".join(map(str, col.tolist())) for col in columns]
        geoms = [geometry_digest(np.asarray(t.geometry.values, dtype=object)) for t in (c, p, b)]
        key = "content:" + digest([*texts, *geoms])
        _CONTENT_KEYS[region] = key
    return key


def _cache_key(
    region: Any, a: Any, b: Any, side: Any, offset_m: float, smooth_m: float, ends: Any, connect: Any
) -> str | None:
    """The cache key of a call, or ``None`` if a part of it cannot be keyed (then it is not cached)."""
    try:
        return cache_key(
            kind="along",
            schema=SCHEMA,
            region=region_key(region),
            a=a,
            b=b,
            side=side,
            offset_m=float(offset_m),
            smooth_m=float(smooth_m),
            start=ends[0],
            end=ends[1],
            connect=connect,
        )
    except (TypeError, ValueError, KeyError, AttributeError):  # not keyable: compute, do not cache
        return None


def _write_entry(path: Any, out: tuple[np.ndarray, list[tuple[str, float, float]], str]) -> None:
    coords, stops, label = out
    xy = np.array([[x, y] for _, x, y in stops], dtype=float).reshape(-1, 2)
    write_npz(
        path,
        {"coords": np.asarray(coords, dtype=float), "stops_xy": xy},
        {"stops": [n for n, _, _ in stops], "label": label},
    )


def _read_entry(path: Any) -> tuple[np.ndarray, tuple[tuple[str, float, float], ...], str]:
    """An entry written by :func:`_write_entry`; raises on anything else (a miss)."""
    arrays, meta = read_npz(path)
    coords, xy = arrays["coords"], arrays["stops_xy"]
    names, label = meta["stops"], meta["label"]
    ok = coords.dtype == np.float64 and coords.ndim == 2 and coords.shape[1] == 2 and len(coords) >= 2
    ok = ok and xy.dtype == np.float64 and xy.shape == (len(names), 2) and bool(np.isfinite(coords).all())
    if not ok or not isinstance(label, str) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{path}: not an along-border entry")
    coords.flags.writeable = False
    stops = tuple((str(n), float(x), float(y)) for n, (x, y) in zip(names, xy.tolist()))
    return coords, stops, label


def _trace(
    region: Any,
    a: str | Sequence[str],
    b: str | Sequence[str],
    *,
    side: str | Sequence[str],
    offset_m: float,
    ends: tuple[tuple[tuple[float, float] | None, str], tuple[tuple[float, float] | None, str]],
    smooth_m: float,
    connect: bool | str,
) -> tuple[np.ndarray, list[tuple[str, float, float]], str]:
    """The work of :func:`along_border_coords`, with ``start`` and ``end`` resolved."""
    S, OTHER = _sides(region, a, b, side)
    border_ll = _border_between(region, S, OTHER)
    side_ll = shapely.union_all([region.geometry_of(s) for s in S])
    proj = LocalProjection(border_ll)
    border = proj.to_local(border_ll)
    comps = _eroded_side(proj.to_local(side_ll), offset_m, S)
    band = shapely.buffer(border, offset_m * 1.5 + smooth_m, quad_segs=8)
    (s_xy, s_name), (e_xy, e_name) = ends
    spine = _longest_chain(border)
    limit_m = max(25_000.0, 20 * offset_m)
    if s_xy is None and e_xy is None:
        gap = _cluster_gap_m(border, limit_m)
        if gap > 0:
            msg = (
                f"The border of {'/'.join(S)} with {'/'.join(OTHER)} is in separate stretches "
                f"({gap / 1000:.0f} km apart); give `start` and `end`, or a part (for example "
                "'Nakhchivan' or 'AZE-1') instead of the whole territory."
            )
            raise ParameterError(msg)
    p_start = proj.to_local(shapely.Point(s_xy)) if s_xy is not None else shapely.get_point(spine, 0)
    p_end = proj.to_local(shapely.Point(e_xy)) if e_xy is not None else shapely.get_point(spine, -1)
    for label, pt, given in (("start", p_start, s_xy), ("end", p_end, e_xy)):
        if given is not None and shapely.distance(pt, border) > limit_m:
            msg = (
                f"`{label}` is {shapely.distance(pt, border) / 1000:.0f} km from the "
                f"{'/'.join(S)}–{'/'.join(OTHER)} border (at most {limit_m / 1000:.0f} km allowed); "
                "choose places near that border, or another border."
            )
            raise ParameterError(msg)
    sub = _offset_arc(comps, band, p_start, p_end, whole_ring_ok=s_xy is None and e_xy is None)
    if smooth_m > 0:
        sub = shapely.simplify(sub, smooth_m, preserve_topology=True)
    sub_ll = shapely.get_coordinates(proj.to_lonlat(sub))
    out = [sub_ll]
    names: list[tuple[str, float, float]] = []
    # stops: at the places themselves when connected, else where they project
    for label, xy, name, at in (("start", s_xy, s_name, sub_ll[0]), ("end", e_xy, e_name, sub_ll[-1])):
        if xy is not None and connect in (True, label):
            out.insert(0 if label == "start" else len(out), np.array([xy]))
            names.append((name, *xy))
        else:
            names.append((name if xy is not None else label, float(at[0]), float(at[1])))
    label = f"along {'/'.join(S)}–{'/'.join(OTHER)} border ({offset_m:g} m inside {'/'.join(S)})"
    return np.vstack(out), names, label


def _sides(region: Any, a: Any, b: Any, side: Any) -> tuple[list[str], list[str]]:
    """The members of the side to run on and of the other side, checked."""
    if isinstance(a, str) and a == "*":
        B = _group(region, b)
        A = _group(region, a, B)
    else:
        A = _group(region, a)
        B = _group(region, b, A)
    side_key = side if isinstance(side, str) else tuple(side)
    if side_key in ("a", a if isinstance(a, str) else tuple(a)):
        S, OTHER = A, B
    elif side_key in ("b", b if isinstance(b, str) else tuple(b)):
        S, OTHER = B, A
    else:
        raise ParameterError(f"`side` must be `a` or `b` (or their values {a!r} / {b!r}), got {side!r}.")
    overlap = {region.iso3_of(x) for x in S} & {region.iso3_of(x) for x in OTHER}
    overlap_parts = set(S) & set(OTHER)
    if overlap_parts or (overlap and not _parts_only(region, S, OTHER)):
        both = sorted(overlap_parts or overlap)
        raise ParameterError(f"{', '.join(both)} is on both sides of the border; `a` and `b` must not overlap.")
    return S, OTHER


def _border_between(region: Any, S: list[str], OTHER: list[str]) -> Any:
    """Every line shared by a member of S and a member of OTHER, merged (lon/lat)."""
    pieces = [g for s in S for o in OTHER if not (g := region.border(s, o)).is_empty]
    if not pieces:
        raise GeometryError(f"{S} and {OTHER} share no border in this region.")
    return shapely.line_merge(shapely.union_all(pieces))


def _eroded_side(side_poly: Any, offset_m: float, S: list[str]) -> list[Any]:
    """The side territory (holes filled) eroded by ``offset_m``: its polygons (local metres)."""
    side_poly = shapely.make_valid(side_poly)
    # fill holes (lakes, oxbows): eroding around them would push the line inland
    parts = [p for p in shapely.get_parts(side_poly) if p.geom_type == "Polygon"]
    side_poly = shapely.union_all(shapely.polygons(shapely.get_exterior_ring(np.array(parts, dtype=object))))
    # erode the side territory: its boundary runs inside at offset_m from every edge
    eroded = shapely.buffer(side_poly, -offset_m, quad_segs=16)
    if eroded.is_empty:
        raise GeometryError(f"`offset_m`={offset_m:g} is wider than the territory {S}.")
    return [c for c in shapely.get_parts(eroded) if c.geom_type == "Polygon"]


def _end_point(spec: Any) -> tuple[tuple[float, float] | None, str]:
    """``(lon, lat)`` and a display name of a start/end given as a place, Place or pair."""
    if spec is None:
        return None, ""
    name, lon, lat = resolve_named_point(spec)
    return (lon, lat), name


def _offset_arc(comps: list[Any], band: Any, p_start: Any, p_end: Any, *, whole_ring_ok: bool) -> Any:
    """The arc of the eroded component's edge from p_start to p_end that stays in ``band``."""
    # the component of the eroded territory that runs along the border near both ends
    near_band = [c for c in comps if shapely.intersects(shapely.get_exterior_ring(c), band)]
    if not near_band:
        raise GeometryError("Could not trace an offset line along that border.")
    comp = min(near_band, key=lambda c: shapely.distance(c, p_start) + shapely.distance(c, p_end))
    ring = shapely.LineString(shapely.get_coordinates(shapely.get_exterior_ring(comp)))
    d0 = float(shapely.line_locate_point(ring, p_start))
    d1 = float(shapely.line_locate_point(ring, p_end))
    if abs(d1 - d0) < 1e-6:
        if whole_ring_ok:  # a closed border (an enclave): the whole ring
            return ring
        raise GeometryError("`start` and `end` project to the same point of the border.")
    return _best_arc(ring, d0, d1, band)


def _longest_chain(border: Any) -> Any:
    """One line through all border pieces, in order, for locating along the border.

    Hand-written: ``shapely.line_merge`` joins only pieces that touch, and the
    pieces of a border are separated by water (reservoirs) that this bridges.
    """
    parts = [p for p in shapely.get_parts(border) if p.geom_type == "LineString"]
    if len(parts) == 1:
        return parts[0]
    # greedy chaining from the piece with an end farthest from the others
    remaining = parts[:]
    chain = [remaining.pop(int(np.argmax([p.length for p in remaining])))]
    coords = shapely.get_coordinates(chain[0])
    while remaining:
        head, tail = shapely.Point(coords[0]), shapely.Point(coords[-1])
        best = None
        for k, p in enumerate(remaining):
            c = shapely.get_coordinates(p)
            for where, pt in (("tail", tail), ("head", head)):
                for rev in (False, True):
                    q = (
                        shapely.Point(c[-1] if rev else c[0])
                        if where == "tail"
                        else shapely.Point(c[0] if rev else c[-1])
                    )
                    d = pt.distance(q)
                    if best is None or d < best[0]:
                        best = (d, k, where, rev)
        _, k, where, rev = best  # type: ignore[misc]
        c = shapely.get_coordinates(remaining.pop(k))
        if rev:
            c = c[::-1]
        coords = np.vstack([coords, c]) if where == "tail" else np.vstack([c, coords])
    return shapely.LineString(coords)


def _best_arc(ring: Any, d0: float, d1: float, band: Any) -> Any:
    """Of the two arcs of a closed ring from d0 to d1, the one that stays in ``band``."""
    L = ring.length
    sub = shapely.ops.substring
    if d0 < d1:
        fwd = sub(ring, d0, d1)
        back_a, back_b = sub(ring, d1, L), sub(ring, 0, d0)
        other = _concat(back_a, back_b)
        other = shapely.LineString(shapely.get_coordinates(other)[::-1])
    else:
        fwd = _concat(sub(ring, d0, L), sub(ring, 0, d1))
        other = shapely.LineString(shapely.get_coordinates(sub(ring, d1, d0))[::-1])

    def outside(arc: Any) -> float:
        return arc.length - shapely.intersection(arc, band).length

    return min((fwd, other), key=lambda arc: (round(outside(arc), 3), arc.length))


def _concat(a: Any, b: Any) -> Any:
    ca, cb = shapely.get_coordinates(a), shapely.get_coordinates(b)
    c = np.vstack([ca, cb[1:] if len(ca) and len(cb) and (ca[-1] == cb[0]).all() else cb])
    return shapely.LineString(c)


def _parts_only(region: Any, S: list[str], OTHER: list[str]) -> bool:
    """True when the sides are different parts (Nakhchivan vs mainland AZE is fine)."""
    kinds = [region.resolve(x)[0] for x in (*S, *OTHER)]
    return all(k == "part" for k in kinds)


def _line_pieces(g: Any) -> list[Any]:
    return [p for p in shapely.get_parts(g) if p.geom_type == "LineString"]


def _cluster_gap_m(border: Any, limit_m: float) -> float:
    """0 if the border pieces form one stretch (gaps under ``limit_m``), else the gap between stretches.

    Gaps under the limit are water (reservoirs) on one border; larger ones
    mean separate borders (Nakhchivan's and mainland Azerbaijan's with Iran).
    """
    import networkx as nx

    pieces = _line_pieces(border)
    g = nx.Graph()
    g.add_nodes_from(range(len(pieces)))
    d = {
        (i, j): float(shapely.distance(pieces[i], pieces[j]))
        for i in range(len(pieces))
        for j in range(i + 1, len(pieces))
    }
    g.add_edges_from(pair for pair, dist in d.items() if dist <= limit_m)
    comp = {i: k for k, nodes in enumerate(nx.connected_components(g)) for i in nodes}
    if len(set(comp.values())) < 2:
        return 0.0
    return min(dist for (i, j), dist in d.items() if comp[i] != comp[j])
