"""Make a clean polygonal coverage out of real, imperfect boundary data.

Real country polygons do not share vertices: along rivers they leave the
channel out (gaps) and elsewhere they overlap.  :func:`clean_coverage` turns
such a layer into a clean coverage in which every point belongs to at most one
territory and neighbours share their border as one exact line.

Method
------
1. Overlaps between two territories, and gaps narrower than ``gap_width_m``
   that touch at least two territories (found with a morphological closing of
   the union), form the *contested zone*.
2. The contested zone is split down its median between the territories around
   it: the edges of the uncontested land are densified, a Voronoi diagram of
   those points is built (GEOS, via shapely), and each piece of the zone goes to
   the territory whose edge is nearest.
3. ``shapely.coverage_clean`` (GEOS CoverageCleaner) then snaps the result so
   that shared edges are exactly identical.

Why not ``coverage_clean`` alone: GEOS merges a whole gap into a single
neighbour (the one with the longest shared border), which would move a river
border onto one bank.  Splitting gaps down the middle keeps the border in the
channel, as international river boundaries usually are; no library offers that
split, hence step 2.  All planar work happens in a local equal-area projection
(:func:`corridor.geodesy.local_crs`); areas reported are geodesic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import shapely

from ._threads import InlineExecutor, executor, thread_map
from ._validate import non_negative_number
from .errors import GeometryError, ParameterError, ParameterTypeError
from .geodesy import LocalProjection, area_km2

__all__ = ["MAX_GAP_WIDTH_M", "clean_coverage", "clean_coverage_then", "gap_width"]

T = TypeVar("T")


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (after make_valid): one MultiPolygon each."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.array([shapely.MultiPolygon() for _ in range(len(geoms))], dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    kinds = shapely.get_type_id(parts)
    if (kinds == 6).any():  # a collection holding a MultiPolygon: flatten it in place, in order
        nested = [list(shapely.get_parts(p)) if t == 6 else [p] for p, t in zip(parts, kinds)]
        owner = np.repeat(owner, [len(n) for n in nested])
        parts = np.array([q for n in nested for q in n], dtype=object)
        kinds = shapely.get_type_id(parts)
    polygon = (kinds == 3) & ~shapely.is_empty(geoms)[owner]  # an empty geometry stays MULTIPOLYGON EMPTY
    if polygon.any():
        shapely.multipolygons(parts[polygon], indices=owner[polygon], out=out)
    return out


#: Largest ``gap_width_m`` (metres): wider "gaps" are lakes, seas or whole countries, not slivers.
MAX_GAP_WIDTH_M = 50_000.0


def gap_width(value: Any) -> float:
    """``gap_width_m`` checked: a finite number of metres in ``[0, MAX_GAP_WIDTH_M]``."""
    out = non_negative_number(value, "gap_width_m", unit="metres")
    if out > MAX_GAP_WIDTH_M:
        msg = (
            f"`gap_width_m`={out:g} m is more than {MAX_GAP_WIDTH_M:,.0f} m: gaps that wide are lakes, "
            "seas or missing countries, not slivers between neighbours. The default is 1000 m."
        )
        raise ParameterError(msg)
    return out


def clean_coverage(
    geometries: Sequence[object] | np.ndarray,
    ids: Sequence[str],
    *,
    gap_width_m: float = 1000.0,
    step_m: float | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Resolve overlaps and split narrow gaps between territories.

    Parameters
    ----------
    geometries : array_like of (Multi)Polygon
        One geometry per territory, in EPSG:4326 ``(lon, lat)``.
    ids : sequence of str
        Territory ids, unique, in the order of ``geometries``.
    gap_width_m : float, default 1000
        Gaps narrower than this (metres) that touch two or more territories are
        split between them.  Wider gaps (lakes, reservoirs, open sea) stay
        unassigned.  The default fits river channels such as the Aras, whose
        gaps in OpenStreetMap-derived land polygons are tens to a few hundred
        metres wide.
    step_m : float, optional
        Spacing of the edge points used to find the median of a gap (metres).
        Default: ``gap_width_m / 20``.

    Returns
    -------
    cleaned : numpy.ndarray of MultiPolygon
        In EPSG:4326, forming a valid coverage.
    report : pandas.DataFrame
        What the cleaning moved: ``kind`` (``overlap``, ``enclave`` or
        ``gap``), ``between`` (the territories that claimed or bordered the
        piece, joined by ``|``), ``assigned_to`` and ``area_km2`` (geodesic).

    Notes
    -----
    An overlap that is almost all (90 %) of a separate polygon of one
    territory is an enclave that the surrounding territory's outline failed to
    cut out (Artsvashen, Yukhari Askipara and Barkhudarly in the built-in
    data): it goes wholly to the territory whose part it is.

    Steps that do not depend on each other run at the same time on threads when the process
    may use more than one CPU (the result is the same to the bit as on one).

    Examples
    --------
    Two squares with a 0.001° (85 m) gap between them: the gap is split down the middle.

    >>> import shapely
    >>> a, b = shapely.box(45.0, 40.0, 45.1, 40.1), shapely.box(45.101, 40.0, 45.2, 40.1)
    >>> cleaned, report = clean_coverage([a, b], ["A", "B"])
    >>> bool(shapely.coverage_is_valid(cleaned)), report["kind"].tolist(), round(float(report.area_km2.sum()), 2)
    (True, ['gap', 'gap'], 0.95)
    >>> clean_coverage([a, b], ["A", "A"])
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `ids` must be unique, one per territory.
    """
    out, report, _ = clean_coverage_then(geometries, ids, lambda _: None, gap_width_m=gap_width_m, step_m=step_m)
    return out, report


def clean_coverage_then(
    geometries: Sequence[object] | np.ndarray,
    ids: Sequence[str],
    then: Callable[[np.ndarray], T],
    *,
    gap_width_m: float = 1000.0,
    step_m: float | None = None,
) -> tuple[np.ndarray, pd.DataFrame, T]:
    """:func:`clean_coverage`, and ``then(cleaned)`` on this thread while the report is measured.

    The report (areas of the contested pieces in the cleaned territories) and what the caller
    does next with the cleaned territories (their topology) are independent GEOS and PROJ work,
    so they run at the same time on two threads (:mod:`corridor._threads`).
    """
    with executor() as pool:
        try:
            out, report_of = _clean_coverage(geometries, ids, gap_width_m=gap_width_m, step_m=step_m, pool=pool)
        except shapely.errors.GEOSException as exc:
            raise _failed(exc) from exc
        report = pool.submit(report_of)
        done = then(out)
        try:
            return out, report.result(), done
        except shapely.errors.GEOSException as exc:
            raise _failed(exc) from exc


def _failed(exc: Exception) -> GeometryError:
    msg = (
        f"Cleaning the coverage failed in GEOS ({exc}). Check the layer for broken "
        "geometries, or try another `gap_width_m`, or pass `clean=False` to load_region."
    )
    return GeometryError(msg)


def _clean_coverage(
    geometries: Sequence[object] | np.ndarray,
    ids: Sequence[str],
    *,
    gap_width_m: float,
    step_m: float | None,
    pool: Executor,
) -> tuple[np.ndarray, Callable[[], pd.DataFrame]]:
    """Implementation of :func:`clean_coverage`: the cleaned territories, and how to measure the report.

    Independent GEOS work runs on ``pool``: the narrow gaps are found while the overlaps are
    (and kept if no enclave changed a territory meanwhile; else found again), and the
    contested zone is split territory by territory.
    """
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise ParameterTypeError(f"`ids` must be a sequence of territory ids, got {type(ids).__name__}.")
    ids = [str(i) for i in ids]
    if len(set(ids)) != len(ids):
        raise ParameterError("`ids` must be unique, one per territory.")
    gap_width_m = gap_width(gap_width_m)
    geoms = np.asarray(geometries, dtype=object)
    if geoms.ndim != 1 or len(geoms) != len(ids):
        msg = f"`ids` has {len(ids)} ids for {geoms.size} geometries: give one id per geometry, in the same order."
        raise ParameterError(msg)
    geoms = _polygonal(shapely.make_valid(geoms))
    valid = ~shapely.is_empty(geoms)
    if not valid.any():
        raise ParameterError("No polygons to clean: every geometry is empty.")
    proj = LocalProjection(tuple(shapely.total_bounds(geoms[valid])))  # the bounds of the union
    P = _polygonal(shapely.make_valid(proj.to_local(geoms)))
    step = step_m if step_m is not None else max(gap_width_m / 20.0, 1.0)
    # 1b. ahead, on another thread (not on one CPU, where an enclave would waste it)
    speculate = gap_width_m > 0 and not isinstance(pool, InlineExecutor)
    ahead = pool.submit(_narrow_gaps, P.copy(), gap_width_m) if speculate else None

    # 1a. overlaps between pairs; enclaves drawn in both layers
    tree = shapely.STRtree(P)
    left, right = tree.query(P, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    # most neighbours only touch: a relate (GEOS RelateNG, a third of an overlay's time on the
    # benchmark layer) finds the pairs whose interiors meet in an area, and only those are overlaid
    keep = shapely.relate_pattern(P[left], P[right], "2********")
    pieces: list[tuple[object, tuple[int, ...], str]] = []
    enclaves: list[tuple[object, int]] = []
    for i, j in zip(left[keep].tolist(), right[keep].tolist()):
        inter = _polygonal(np.array([shapely.intersection(P[i], P[j])], dtype=object))[0]
        for piece in shapely.get_parts(inter):
            if piece.area <= 0:
                continue
            owner = _enclave_owner(piece, P, i, j)
            if owner is None:
                pieces.append((piece, (i, j), "overlap"))
            else:
                pieces.append((piece, (i, j), "enclave"))
                enclaves.append((piece, j if owner == i else i))
    for piece, other in enclaves:
        P[other] = _polygonal(np.array([shapely.difference(P[other], piece)], dtype=object))[0]

    # 1b. narrow gaps touching two or more territories, as they are now (found ahead if no
    # enclave was cut out of a territory since)
    if gap_width_m > 0:
        pieces.extend(ahead.result() if ahead is not None and not enclaves else _narrow_gaps(P, gap_width_m))

    contested = [p for p, _, kind in pieces if kind != "enclave"]
    if contested:
        original = P.copy()
        P = _split_contested(P, shapely.union_all(contested), step, gap_width_m)
        P = _reassign_fragments(P, original)

    # 3. exact shared edges; sub-metre slivers from the overlay are absorbed
    cleaned = _polygonal(shapely.make_valid(shapely.coverage_clean(P, gap_width=1.0)))
    out = _polygonal(shapely.make_valid(proj.to_lonlat(cleaned)))
    return out, lambda: _report(pieces, out, ids, proj)


def _narrow_gaps(P: np.ndarray, gap_width_m: float) -> list[tuple[object, tuple[int, ...], str]]:
    """Gaps narrower than ``gap_width_m`` that touch two or more territories, with their neighbours.

    The gaps are what a morphological closing of the union adds to it.  The territories'
    parts query a tree of the (small) gaps, so each large part is prepared once, instead
    of every gap measuring its distance to whole territories (minutes for Russia).
    """
    U = shapely.union_all(P)
    r = gap_width_m / 2.0
    closed = shapely.buffer(shapely.buffer(U, r, quad_segs=4), -r, quad_segs=4)
    gaps = shapely.get_parts(shapely.difference(closed, U))
    gaps = gaps[shapely.get_type_id(gaps) == 3]
    if not len(gaps):
        return []
    parts, owner = shapely.get_parts(P, return_index=True)
    part_idx, gap_idx = shapely.STRtree(gaps).query(parts, predicate="dwithin", distance=1.0)
    # (gap, territory) pairs, sorted by gap then territory: one run of rows per gap
    pairs = np.unique(np.column_stack([gap_idx, owner[part_idx]]), axis=0)
    starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]) if len(pairs) else np.zeros(0, dtype=int)
    ends = np.r_[starts[1:], len(pairs)]
    return [(gaps[pairs[s, 0]], tuple(pairs[s:e, 1].tolist()), "gap") for s, e in zip(starts, ends) if e - s >= 2]


def _enclave_owner(piece: object, P: np.ndarray, i: int, j: int) -> int | None:
    """If ``piece`` is (>= 90 % of) a separate small polygon of i or j, its owner."""
    for owner, other in ((i, j), (j, i)):
        parts = shapely.get_parts(P[owner])
        if len(parts) < 2:
            continue
        hit = shapely.intersects(parts, piece)
        for part in parts[hit]:
            if part.area < 0.5 * P[other].area and (shapely.intersection(part, piece).area >= 0.9 * part.area):
                return owner
    return None


def _split_contested(P: np.ndarray, C: object, step: float, gap_width_m: float) -> np.ndarray:
    """Give each piece of the contested zone ``C`` to the nearest territory."""
    n = len(P)
    near = shapely.buffer(C, step, quad_segs=2)

    def uncontested(g: Any) -> tuple[Any, np.ndarray]:
        """A territory without the zone, and the points of its edge along the zone (one per thread)."""
        e = _polygonal(shapely.make_valid(np.array([shapely.difference(g, C)], dtype=object)))[0]
        edge = shapely.intersection(shapely.boundary(e), near)  # (empty if e is, or is far from the zone)
        return e, shapely.get_coordinates(shapely.segmentize(edge, step))

    done = thread_map(uncontested, list(P), cost=shapely.get_num_coordinates(P))
    E = np.array([e for e, _ in done], dtype=object)
    pts_list = [xy for _, xy in done if len(xy)]
    lab_list = [np.full(len(xy), i) for i, (_, xy) in enumerate(done) if len(xy)]
    if not pts_list:
        return E
    pts = np.concatenate(pts_list)
    labels = np.concatenate(lab_list)
    # one generator per location (points where two territories meet appear twice)
    _, first = np.unique(np.round(pts, 3), axis=0, return_index=True)
    first.sort()
    pts, labels = pts[first], labels[first]
    extent = shapely.buffer(shapely.envelope(C), 10 * max(gap_width_m, step))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=extent, ordered=True))
    if len(cells) != len(pts):  # pragma: no cover - GEOS merged close points
        raise GeometryError("Voronoi diagram lost points; try a larger `step_m`.")

    def grown(i: int) -> Any:
        """Territory ``i`` with the pieces of the zone nearest to it (one territory per thread)."""
        sel = cells[labels == i]
        if len(sel) == 0:
            return E[i]
        # union_all, not coverage_union_all: clipped Voronoi cells need not be noded
        gained = shapely.intersection(C, shapely.union_all(shapely.make_valid(sel), grid_size=None))
        return shapely.union(E[i], gained)

    new = thread_map(grown, list(range(n)), cost=shapely.get_num_coordinates(E))
    return _polygonal(shapely.make_valid(np.array(new, dtype=object)))


def _reassign_fragments(P: np.ndarray, original: np.ndarray, min_area_m2: float = 1e4) -> np.ndarray:
    """Give fragments that cleaning cut off to the neighbour they belong to.

    A polygon part that is not its territory's largest, and is either tiny
    (under ``min_area_m2``) or mostly outside that territory's original
    outline, is a by-product of the split (a sliver of a gap that ended up
    detached); it joins the neighbour with which it shares the longest edge.
    Parts that touch no other territory (islands) are kept whatever their size.

    Territories are visited in order and a fragment joins its neighbour at once (a later
    territory sees it).  The tests run on all parts of a territory together, and only
    the piece of a neighbour near a fragment is grown by 1 m, not the whole territory.
    """
    P = P.copy()
    for i in range(len(P)):
        # only the polygons: an earlier overlay can leave collapsed lines or points in a collection
        parts = shapely.get_parts(P[i])
        parts = parts[shapely.get_type_id(parts) == 3]
        if len(parts) < 2:
            continue
        detached = _detached(parts, original[i], min_area_m2)
        keep = []
        for part, moves in zip(parts, detached):
            best = _neighbour_of(P, i, part) if moves else -1
            if best < 0:
                keep.append(part)
            else:
                P[best] = shapely.union(P[best], part)
        P[i] = shapely.MultiPolygon(keep) if keep else shapely.MultiPolygon()
    return _polygonal(shapely.make_valid(P))


def _detached(parts: np.ndarray, outline: Any, min_area_m2: float) -> np.ndarray:
    """Which parts (not the largest) are tiny or mostly outside ``outline``: fragments to give away."""
    areas = shapely.area(parts)
    candidate = np.ones(len(parts), dtype=bool)
    candidate[int(np.argmax(areas))] = False
    big = np.flatnonzero(candidate & (areas >= min_area_m2))
    if len(big):
        # the area inside the outline: all of a covered part, none of a disjoint one, else overlaid
        shapely.prepare(outline)
        covered = shapely.covers(outline, parts[big])
        own = np.where(covered, areas[big], 0.0)
        overlaid = ~covered & shapely.intersects(outline, parts[big])
        own[overlaid] = shapely.area(shapely.intersection(parts[big][overlaid], outline))
        candidate[big[own >= 0.5 * areas[big]]] = False
    return candidate


def _neighbour_of(P: np.ndarray, i: int, part: Any) -> int:
    """The territory (not ``i``) within 1 m of ``part`` that shares the longest edge with it, or -1.

    The shared edge is the part's boundary within 1 m of the neighbour, which depends only on
    the neighbour within 2 m of the part's bounding box: that piece is grown, not the whole.
    """
    x0, y0, x1, y1 = shapely.bounds(part)
    b = shapely.bounds(P)
    near = (b[:, 0] - x1 <= 1.0) & (x0 - b[:, 2] <= 1.0) & (b[:, 1] - y1 <= 1.0) & (y0 - b[:, 3] <= 1.0)
    ring = shapely.boundary(part)
    best, best_len = -1, 0.0
    for j in np.flatnonzero(near).tolist():
        if j == i or not shapely.dwithin(P[j], part, 1.0):
            continue
        near_j = shapely.intersection(P[j], shapely.box(x0 - 2.0, y0 - 2.0, x1 + 2.0, y1 + 2.0))
        shared = shapely.intersection(ring, shapely.buffer(near_j, 1.0)).length
        if shared > best_len:
            best, best_len = j, shared
    return best


def _report(
    pieces: list[tuple[object, tuple[int, ...], str]],
    out: np.ndarray,
    ids: list[str],
    proj: LocalProjection,
) -> pd.DataFrame:
    """Area (geodesic km²) of each contested piece, by who got it."""
    if not pieces:
        return _empty_report()
    pieces_ll = shapely.make_valid(proj.to_lonlat(np.array([p for p, _, _ in pieces], dtype=object)))
    p_idx, k_idx = shapely.STRtree(out).query(pieces_ll, predicate="intersects")
    order = np.argsort(p_idx, kind="stable")  # piece by piece, each in the tree's order
    p_idx, k_idx = p_idx[order], k_idx[order]
    try:
        inter = shapely.intersection(pieces_ll[p_idx], out[k_idx])
    except shapely.errors.GEOSException:  # robustness: the pair that fails is snapped to a 1e-9° grid
        inter = np.array([_intersection(a, b) for a, b in zip(pieces_ll[p_idx], out[k_idx])], dtype=object)
    areas = area_km2(inter)
    between = ["|".join(sorted(ids[k] for k in nb)) for _, nb, _ in pieces]
    rows = [
        (pieces[p][2], between[p], ids[k], float(a))
        for p, k, a in zip(p_idx.tolist(), k_idx.tolist(), areas)
        if a > 1e-9
    ]
    report = pd.DataFrame(rows, columns=["kind", "between", "assigned_to", "area_km2"])
    return report.groupby(["kind", "between", "assigned_to"], as_index=False)["area_km2"].sum()


def _intersection(a: Any, b: Any) -> Any:
    try:
        return shapely.intersection(a, b)
    except shapely.errors.GEOSException:
        return shapely.intersection(a, b, grid_size=1e-9)


def _empty_report() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Series(dtype=str),
            "between": pd.Series(dtype=str),
            "assigned_to": pd.Series(dtype=str),
            "area_km2": pd.Series(dtype=float),
        }
    )
