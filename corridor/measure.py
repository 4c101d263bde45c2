"""The measurement engine: territory sections, crossings, border proximity, travel time.

Everything here is vectorised with shapely 2 and numpy: lines are cut where
they meet territory boundaries (found with an STRtree over boundary chunks and
route chunks), and each piece between two cuts is looked up once.  There is no
Python loop per vertex or per segment, so a route of a million vertices or a
network of thousands of edges is measured in one pass.

Rules
-----
* Lengths are geodesic on WGS84 between the vertices of the line as given
  (straight in lon/lat between vertices, like ``pyproj.Geod.geometry_length``).
  Territory km always add up to that length: a cut inside a segment sits at
  the geodesic distance from the segment's start to the cut point.  On very
  long straight segments (hundreds of km) this attributes up to ~1 % of the
  segment differently from measuring each cut piece on its own; densify such
  lines (``Route.from_coords(..., geodesic=True)``) and both agree to the mm.
* A stretch lying exactly on a border (on the boundary of two territories) is
  assigned to the territory whose id sorts first; it is never counted twice.
* Length outside every territory (water, sea, beyond the region) is
  ``unassigned``; it is never dropped, so totals always sum to the length.
* A crossing is a change of territory between consecutive assigned sections;
  a route that touches a border and comes back does not cross it.  When water
  lies between the two territories the crossing is placed mid-way across it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from .errors import CRSError, GeometryError, ParameterError, UnknownTerritoryError
from .geodesy import GEOD, LocalProjection, distance_m, length_m
from .route import Route

if TYPE_CHECKING:
    import geopandas as gpd

    from .region import Region

__all__ = [
    "DEFAULT_DWELL_H",
    "DEFAULT_SPEEDS_KMH",
    "RouteAnalysis",
    "TravelTime",
    "analyze",
    "analyze_many",
    "distance_km",
    "territory_km",
]

UNASSIGNED = "unassigned"
_CHUNK = 64  # vertices per chunk of route or boundary in the STRtree
_CHUNK_DEG = 0.25  # planar length (degrees) after which a route chunk is cut

#: Default speeds (km/h) by (mode, status): planning assumptions, not published
#: figures.  Override them per leg (``Route.speed_kmh``) or per call.
DEFAULT_SPEEDS_KMH: dict[tuple[str, str], float] = {
    ("rail", "existing"): 60.0,
    ("rail", "planned"): 100.0,
    ("rail", "under construction"): 100.0,
    ("rail", "proposed"): 100.0,
    ("rail", "disused"): 40.0,
    ("road", "existing"): 70.0,
    ("road", "planned"): 90.0,
    ("road", "under construction"): 90.0,
    ("road", "proposed"): 90.0,
    ("road", "disused"): 40.0,
    ("other", "existing"): 50.0,
}

#: Default dwell time per international border crossing (hours).
DEFAULT_DWELL_H = 1.0


# ---------------------------------------------------------------------------
# engine: per-region index, built once and cached


class _Engine:
    def __init__(self, region: Region) -> None:
        parts = region.parts.sort_values(["iso3", "part_id"]).reset_index(drop=True)
        self.part_geoms = np.asarray(parts.geometry.values, dtype=object)
        self.part_ids = parts["part_id"].astype(str).to_numpy()
        self.part_iso3 = parts["iso3"].astype(str).to_numpy()
        shapely.prepare(self.part_geoms)
        self.part_tree = shapely.STRtree(self.part_geoms)
        rings = shapely.boundary(np.asarray(region.countries.geometry.values, dtype=object))
        self.bnd = _chunk_lines(rings, _CHUNK)
        self.bnd_tree = shapely.STRtree(self.bnd)
        self.ids = sorted(region.countries["iso3"].astype(str))
        minx, miny, maxx, maxy = region.countries.total_bounds
        self.proj = LocalProjection((minx, miny, maxx, maxy))
        self.to_local = self.proj.to_local
        self.to_ll = self.proj.to_lonlat
        self.region = region
        self._border_cache: dict[Any, Any] = {}

    def border_lines(self, border: Any = None) -> tuple[str, Any]:
        """(label, lon/lat lines) of one border (a pair) or of all international borders."""
        if border is None:
            lines = shapely.union_all(np.asarray(self.region.borders.geometry.values, dtype=object))
            return "international", lines
        a, b = border
        lines = self.region.border(a, b)
        if lines.is_empty:
            raise GeometryError(f"{a} and {b} share no land border in this region.")
        return "–".join(sorted((str(a), str(b)))), lines

    def border_local(self, border: Any = None) -> tuple[str, Any]:
        key = ("local", _border_key(border))
        if key not in self._border_cache:
            label, lines = self.border_lines(border)
            local = self.to_local(lines)
            shapely.prepare(local)
            self._border_cache[key] = (label, local)
        return self._border_cache[key]

    def border_buffer(self, within_km: float, border: Any = None) -> Any:
        key = ("buffer", _border_key(border), float(within_km))
        if key not in self._border_cache:
            _, local = self.border_local(border)
            # simplify first (to 1 % of the distance): the buffer's edge moves by at
            # most that much, and building it is 4-10x faster on detailed borders
            simple = shapely.simplify(local, within_km * 1000.0 / 100.0)
            buf = shapely.buffer(simple, within_km * 1000.0, quad_segs=8)
            shapely.prepare(buf)
            self._border_cache[key] = buf
        return self._border_cache[key]

    def pair_borders_local(self) -> list[tuple[str, Any]]:
        key = "pairs"
        if key not in self._border_cache:
            out = []
            for a, b, g in zip(self.region.borders["a"], self.region.borders["b"], self.region.borders.geometry):
                local = self.to_local(g)
                shapely.prepare(local)
                out.append((f"{a}–{b}", local))
            self._border_cache[key] = out
        return self._border_cache[key]


def _border_key(border: Any) -> Any:
    return None if border is None else _pair_key(border)


_ENGINES: weakref.WeakKeyDictionary[Any, _Engine] = weakref.WeakKeyDictionary()


def _engine(region: Region | None) -> _Engine:
    from .region import load_region

    region = region if region is not None else load_region()
    eng = _ENGINES.get(region)
    if eng is None:
        eng = _Engine(region)
        _ENGINES[region] = eng
    return eng


def _chunk_lines(geoms: np.ndarray, size: int) -> np.ndarray:
    """Cut (multi)lines into LineStrings of at most ``size`` vertices (shared ends)."""
    parts = shapely.get_parts(shapely.get_parts(geoms))
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    xy, li = shapely.get_coordinates(parts, return_index=True)
    if len(xy) == 0:
        return np.array([], dtype=object)
    # ordinal of each vertex within its line
    starts = np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
    counts = np.diff(np.r_[starts, len(li)])
    ordinal = np.arange(len(li)) - np.repeat(starts, counts)
    nseg = np.repeat(counts - 1, counts)
    # vertex v belongs to chunk ordinal // (size-1); chunk boundaries are duplicated
    step = size - 1
    c_main = ordinal // step
    is_boundary = (ordinal % step == 0) & (ordinal > 0) & (ordinal < nseg + 1)
    line_chunk_base = np.repeat(np.r_[0, np.cumsum((counts - 2) // step + 1)[:-1]], counts)
    ids_main = line_chunk_base + np.minimum(c_main, (nseg - 1) // step)
    ids_dup = line_chunk_base + c_main - 1
    all_xy = np.concatenate([xy, xy[is_boundary]])
    all_id = np.concatenate([ids_main, ids_dup[is_boundary]])
    all_ord = np.concatenate([ordinal, ordinal[is_boundary]])
    order = np.lexsort((all_ord, all_id))
    return shapely.linestrings(all_xy[order], indices=all_id[order])


# ---------------------------------------------------------------------------
# core split


@dataclass
class _Pieces:
    line: np.ndarray  # int, index of the input line
    from_m: np.ndarray
    to_m: np.ndarray
    part: np.ndarray  # int index into engine parts, -1 = unassigned
    length_m: np.ndarray  # per input line


def _as_lines(lines: Any) -> np.ndarray:
    if isinstance(lines, Route):
        return np.array([lines.geometry], dtype=object)
    if isinstance(lines, shapely.Geometry):
        return np.array([lines], dtype=object)
    if hasattr(lines, "geometry") and hasattr(lines, "crs"):  # GeoDataFrame / GeoSeries
        if lines.crs is None:
            raise CRSError("The lines have no CRS; set one (EPSG:4326 for lon/lat) first.")
        arr = np.asarray(lines.to_crs("EPSG:4326").geometry.values, dtype=object)
    else:
        items = list(lines)
        arr = np.array([x.geometry if isinstance(x, Route) else x for x in items], dtype=object)
    types = shapely.get_type_id(arr)
    if (types == 5).any():  # MultiLineString: merge what connects
        arr = arr.copy()
        arr[types == 5] = shapely.line_merge(arr[types == 5])
        types = shapely.get_type_id(arr)
    bad = ~np.isin(types, (1, 2, -1)) & ~shapely.is_empty(arr)
    if bad.any() or (types == 5).any():
        i = int(np.flatnonzero(bad | (types == 5))[0])
        kind = arr[i].geom_type if arr[i] is not None else "missing"
        msg = (
            f"Line {i} is a {kind}, not one LineString"
            + (" (its parts do not connect end to end)" if kind == "MultiLineString" else "")
            + "; split it into separate lines or join its parts first."
        )
        raise GeometryError(msg)
    return arr


def _split(lines: np.ndarray, eng: _Engine) -> _Pieces:
    n = len(lines)
    xy, li = shapely.get_coordinates(lines, return_index=True)
    if len(xy) < 2:
        return _Pieces(np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros(0, int), np.zeros(n))
    same = li[1:] == li[:-1]
    # keep longitudes continuous along each line (antimeridian)
    dlon = np.diff(xy[:, 0])
    wrap = same & (np.abs(dlon) > 180)
    if wrap.any():
        adj = np.where(same, (dlon + 180) % 360 - 180, dlon)
        x = xy[:, 0].copy()
        starts = np.flatnonzero(np.r_[True, ~same])
        csum = np.concatenate([[0.0], np.cumsum(adj)])
        base = np.repeat(x[starts] - csum[starts], np.diff(np.r_[starts, len(x)]))
        xy = np.column_stack([base + csum[: len(x)], xy[:, 1]])
    nonzero = same & (np.diff(xy, axis=0) != 0).any(axis=1)
    seg_idx = np.flatnonzero(nonzero)  # segment k joins vertex k and k+1
    seg_line = li[seg_idx]
    _, _, seg_m = GEOD.inv(xy[seg_idx, 0], xy[seg_idx, 1], xy[seg_idx + 1, 0], xy[seg_idx + 1, 1])
    seg_m = np.asarray(seg_m, dtype=float)
    length = np.zeros(n)
    np.add.at(length, seg_line, seg_m)
    if len(seg_idx) == 0:
        return _Pieces(np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros(0, int), length)
    # chainage at each segment start
    cum = np.cumsum(seg_m)
    first_of_line = np.r_[True, seg_line[1:] != seg_line[:-1]]
    line_base = np.maximum.accumulate(np.where(first_of_line, cum - seg_m, 0.0))
    seg_start_m = cum - seg_m - line_base

    # planar positions along segments, to turn a located point into (segment, t)
    plen = np.hypot(xy[seg_idx + 1, 0] - xy[seg_idx, 0], xy[seg_idx + 1, 1] - xy[seg_idx, 1])
    pcum = np.cumsum(plen)
    pstart = pcum - plen
    # chunks of consecutive segments of one line: at most _CHUNK - 1 segments and
    # about _CHUNK_DEG of length, so that chunk bounding boxes stay small; a
    # segment longer than that is a chunk of its own, cut into pieces below
    idx = np.arange(len(seg_idx))
    line_p0 = np.maximum.accumulate(np.where(first_of_line, pstart, 0.0))
    bucket = np.floor((pstart - line_p0) / _CHUNK_DEG)
    long_seg = plen > _CHUNK_DEG
    brk = first_of_line | np.r_[True, (bucket[1:] != bucket[:-1]) | long_seg[1:] | long_seg[:-1]]
    ord_in_grp = idx - np.maximum.accumulate(np.where(brk, idx, 0))
    new_chunk = brk | (ord_in_grp % (_CHUNK - 1) == 0)
    chunk_of_seg = np.cumsum(new_chunk) - 1
    last_of_chunk = np.r_[chunk_of_seg[1:] != chunk_of_seg[:-1], True]
    v_idx = np.concatenate([seg_idx, seg_idx[last_of_chunk] + 1])
    v_chunk = np.concatenate([chunk_of_seg, chunk_of_seg[last_of_chunk]])
    v_ord = np.concatenate([np.arange(len(seg_idx)), np.flatnonzero(last_of_chunk) + 0.5])
    order = np.lexsort((v_ord, v_chunk))
    chunks = shapely.linestrings(xy[v_idx[order]], indices=v_chunk[order])
    chunk_first_seg = np.flatnonzero(new_chunk)
    chunk_last_seg = np.r_[chunk_first_seg[1:], len(seg_idx)] - 1
    chunk_g0 = pstart[chunk_first_seg]
    if long_seg.any():
        # cut each long segment into collinear pieces of about _CHUNK_DEG, each its
        # own chunk: planar positions along the segment are unchanged, so events
        # map back to (segment, t) exactly, and each piece has a small bounding box
        ls = np.flatnonzero(long_seg)
        n_pieces = np.ceil(plen[ls] / _CHUNK_DEG).astype(int)
        seg_of_piece = np.repeat(ls, n_pieces)
        j = np.arange(len(seg_of_piece)) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
        n_of_piece = np.repeat(n_pieces, n_pieces)
        t0, t1 = j / n_of_piece, (j + 1) / n_of_piece
        a_xy, b_xy = xy[seg_idx[seg_of_piece]], xy[seg_idx[seg_of_piece] + 1]
        p0 = a_xy + (b_xy - a_xy) * t0[:, None]
        p1 = a_xy + (b_xy - a_xy) * t1[:, None]
        pieces = shapely.linestrings(np.stack([p0, p1], axis=1))
        keep = ~long_seg[chunk_first_seg]  # the long segments' own chunks are replaced
        chunks = np.concatenate([chunks[keep], pieces])
        chunk_first_seg = np.concatenate([chunk_first_seg[keep], seg_of_piece])
        chunk_last_seg = np.concatenate([chunk_last_seg[keep], seg_of_piece])
        chunk_g0 = np.concatenate([chunk_g0[keep], pstart[seg_of_piece] + t0 * plen[seg_of_piece]])

    ci, bi = eng.bnd_tree.query(chunks, predicate="intersects")
    ev_seg = np.zeros(0, dtype=int)
    ev_t = np.zeros(0)
    ev_on = np.zeros(0, dtype=bool)
    if len(ci):
        inter = shapely.intersection(chunks[ci], eng.bnd[bi])
        parts, part_of = shapely.get_parts(inter, return_index=True)
        pxy, pidx = shapely.get_coordinates(parts, return_index=True)
        # points of a stretch that runs along a boundary (a linear intersection)
        on_line = np.isin(shapely.get_type_id(parts), (1, 2))[pidx]
        pidx = part_of[pidx]
        if len(pxy):
            ev_on = on_line
            pc = ci[pidx]
            d = shapely.line_locate_point(chunks[pc], shapely.points(pxy))
            g = chunk_g0[pc] + d
            s = np.searchsorted(pcum, g, side="left")
            s = np.clip(s, chunk_first_seg[pc], chunk_last_seg[pc])
            t = np.clip((g - pstart[s]) / np.where(plen[s] > 0, plen[s], 1.0), 0.0, 1.0)
            ev_seg, ev_t = s, t
    # events: every cut plus the start and end of each line
    line_first = np.flatnonzero(first_of_line)
    line_last = np.r_[line_first[1:], len(seg_idx)] - 1
    ev_seg = np.concatenate([ev_seg, line_first, line_last])
    ev_t = np.concatenate([ev_t, np.zeros(len(line_first)), np.ones(len(line_last))])
    n_ends = len(line_first) + len(line_last)
    ev_on = np.concatenate([ev_on[: len(ev_seg) - n_ends], np.zeros(n_ends, dtype=bool)])
    pos = ev_seg + ev_t
    # sort by line, then position (a line's end and the next line's start share a position)
    order = np.lexsort((pos, seg_line[ev_seg]))
    pos, ev_seg, ev_t, ev_on = pos[order], ev_seg[order], ev_t[order], ev_on[order]
    lines_of_ev = seg_line[ev_seg]
    new_pos = np.r_[True, (np.diff(pos) > 1e-12) | (np.diff(lines_of_ev) != 0)]
    # an event is "on a boundary stretch" if any duplicate at its position is
    grp = np.cumsum(new_pos) - 1
    on_any = np.zeros(int(grp[-1]) + 1, dtype=bool)
    np.logical_or.at(on_any, grp, ev_on)
    pos, ev_seg, ev_t = pos[new_pos], ev_seg[new_pos], ev_t[new_pos]
    ev_on = on_any
    # chainage of each event: geodesic from its segment's start vertex
    a = xy[seg_idx[ev_seg]]
    b = xy[seg_idx[ev_seg] + 1]
    p = a + (b - a) * ev_t[:, None]
    _, _, dm = GEOD.inv(a[:, 0], a[:, 1], p[:, 0], p[:, 1])
    dm = np.where(ev_t >= 1.0, seg_m[ev_seg], np.minimum(np.asarray(dm), seg_m[ev_seg]))
    ev_m = seg_start_m[ev_seg] + dm
    ev_line = seg_line[ev_seg]
    # pieces between consecutive events of the same line
    ok = ev_line[1:] == ev_line[:-1]
    lo, hi = np.flatnonzero(ok), np.flatnonzero(ok) + 1
    mid = (pos[lo] + pos[hi]) / 2
    ms = np.minimum(np.floor(mid).astype(int), len(seg_idx) - 1)
    mt = mid - ms
    ma, mb = xy[seg_idx[ms]], xy[seg_idx[ms] + 1]
    mp = ma + (mb - ma) * mt[:, None]
    pts = shapely.points(mp)
    # index the points and query with the (prepared) parts: GEOS prepares the
    # query geometry, so point-in-polygon runs on the indexed polygons
    qp, qi = shapely.STRtree(pts).query(eng.part_geoms, predicate="intersects")
    # a stretch along a boundary: look within 1e-9° (0.1 mm) so that it touches
    # both sides whatever the rounding, and let the rule decide
    along = np.flatnonzero(ev_on[lo] & ev_on[hi])
    if len(along):
        ai, ap = eng.part_tree.query(pts[along], predicate="dwithin", distance=1e-9)
        qi = np.concatenate([qi, along[ai]])
        qp = np.concatenate([qp, ap])
    part = np.full(len(lo), -1)
    if len(qi):
        # lowest part index wins: parts are sorted by territory id (the on-border rule)
        best = pd.Series(qp).groupby(qi).min()
        part[best.index.to_numpy()] = best.to_numpy()
    return _Pieces(ev_line[lo], ev_m[lo], ev_m[hi], part, length)


def _sections(pc: _Pieces, eng: _Engine, *, by: str = "part") -> pd.DataFrame:
    """Merge consecutive pieces in the same territory (or part) into sections."""
    iso = np.where(pc.part >= 0, eng.part_iso3[np.maximum(pc.part, 0)], UNASSIGNED)
    pid = np.where(pc.part >= 0, eng.part_ids[np.maximum(pc.part, 0)], UNASSIGNED)
    key = pid if by == "part" else iso
    df = pd.DataFrame(
        {
            "line": pc.line,
            "iso3": iso,
            "part_id": pid,
            "key": key,
            "from_m": pc.from_m,
            "to_m": pc.to_m,
        }
    )
    if df.empty:
        return pd.DataFrame(columns=["line", "iso3", "part_id", "from_km", "to_km", "length_km"])
    brk = (df["line"] != df["line"].shift()) | (df["key"] != df["key"].shift())
    grp = brk.cumsum()
    out = df.groupby(grp, sort=False).agg(
        line=("line", "first"),
        iso3=("iso3", "first"),
        part_id=("part_id", "first"),
        from_m=("from_m", "first"),
        to_m=("to_m", "last"),
    )
    out["from_km"] = out["from_m"] / 1000.0
    out["to_km"] = out["to_m"] / 1000.0
    out["length_km"] = out["to_km"] - out["from_km"]
    return out.drop(columns=["from_m", "to_m"]).reset_index(drop=True)


#: Two opposite crossings closer than this (km) are a hop over a wiggle of the
#: border line (for example 11 m into Armenia near the Aghband tripoint), not a
#: visit: both are dropped from the crossings (the km stay in the sections).
HOP_TOLERANCE_KM = 0.05


def _crossings_table(sections: pd.DataFrame, *, hop_km: float = HOP_TOLERANCE_KM) -> pd.DataFrame:
    """International crossings from sections (vectorised over lines)."""
    s = sections[sections["iso3"] != UNASSIGNED]
    prev_iso = s["iso3"].shift()
    prev_line = s["line"].shift()
    prev_to = s["to_km"].shift()
    hit = (prev_line == s["line"]) & (prev_iso != s["iso3"])
    out = pd.DataFrame(
        {
            "line": s["line"][hit].astype(int),
            "km": ((prev_to[hit] + s["from_km"][hit]) / 2).astype(float),
            "from_iso3": prev_iso[hit].astype(str),
            "to_iso3": s["iso3"][hit].astype(str),
            "water_km": (s["from_km"][hit] - prev_to[hit]).astype(float),
        }
    ).reset_index(drop=True)
    if hop_km > 0 and len(out) > 1:
        out = _drop_hops(out, hop_km)
    out["border"] = ["–".join(sorted(p)) for p in zip(out["from_iso3"], out["to_iso3"])]
    return out.reset_index(drop=True)


def _drop_hops(cx: pd.DataFrame, hop_km: float) -> pd.DataFrame:
    """Remove pairs of opposite crossings closer than ``hop_km`` (a loop over crossings only)."""
    keep: list[int] = []
    rows = cx[["line", "km", "from_iso3", "to_iso3"]].to_numpy()
    for i, (line, km, a, b) in enumerate(rows):
        if keep:
            j = keep[-1]
            pl, pk, pa, pb = rows[j]
            if pl == line and pa == b and pb == a and km - pk < hop_km:
                keep.pop()
                continue
        keep.append(i)
    return cx.iloc[keep]


# ---------------------------------------------------------------------------
# public vectorised building blocks


def territory_km(lines: Any, region: Region | None = None, *, by: str = "iso3") -> pd.DataFrame:
    """Km of each line in each territory: one row per line, one column per id.

    Parameters
    ----------
    lines : Route, LineString, sequence of them, GeoSeries or GeoDataFrame
        In EPSG:4326 (GeoDataFrames are reprojected; one without CRS raises).
    region : Region, optional
        Default: the built-in region.
    by : {"iso3", "part"}
        Columns per territory id, or per part id.

    Returns
    -------
    pandas.DataFrame
        Columns: every territory (or part) id, then ``unassigned``; rows sum to
        each line's geodesic length.  The index follows the input's.

    Examples
    --------
    >>> import corridor
    >>> t = corridor.territory_km([corridor.Route.from_places(["Yerevan", "Gyumri"])])
    >>> float(t.loc[0, "ARM"].round(1)), float(t.loc[0, "TUR"])
    (87.6, 0.0)
    """
    if by not in ("iso3", "part"):
        raise ParameterError(f"`by` must be 'iso3' or 'part', got {by!r}.")
    eng = _engine(region)
    arr = _as_lines(lines)
    pc = _split(arr, eng)
    cols = list(eng.ids) if by == "iso3" else list(np.sort(eng.part_ids))
    key = np.where(
        pc.part >= 0,
        (eng.part_iso3 if by == "iso3" else eng.part_ids)[np.maximum(pc.part, 0)],
        UNASSIGNED,
    )
    df = pd.DataFrame({"line": pc.line, "key": key, "km": (pc.to_m - pc.from_m) / 1000.0})
    table = df.pivot_table(index="line", columns="key", values="km", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=range(len(arr)), columns=[*cols, UNASSIGNED], fill_value=0.0)
    table.columns.name = None
    if isinstance(lines, (pd.Series, pd.DataFrame)) and len(lines.index) == len(arr):
        table.index = lines.index
    return table.astype(float)


def distance_km(a: Any, b: Any) -> float:
    """Geodesic distance (km) between two places or ``(lon, lat)`` points.

    Examples
    --------
    >>> round(distance_km("Meghri", "Ordubad"), 1)
    19.1
    """
    from .route import _as_place_or_point

    return distance_m(_as_place_or_point(a), _as_place_or_point(b)) / 1000.0


def _geodesic_clearance_m(eng: _Engine, lines_local: np.ndarray, border_local: Any) -> np.ndarray:
    """Geodesic distance (m) from each projected line to the projected border.

    The nearest pair of points is found in the local projection, then
    measured geodesically.
    """
    sl = shapely.shortest_line(lines_local, border_local)
    ends = shapely.get_coordinates(sl).reshape(-1, 2, 2)
    lon, lat = eng.proj.xy_to_lonlat(ends[:, :, 0].ravel(), ends[:, :, 1].ravel())
    lon = np.asarray(lon).reshape(-1, 2)
    lat = np.asarray(lat).reshape(-1, 2)
    _, _, d = GEOD.inv(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])
    d = np.asarray(d, dtype=float)
    inter = shapely.intersects(lines_local, border_local)
    return np.where(inter, 0.0, d)


def _within_band(
    eng: _Engine, lines_ll: np.ndarray, within_km: float, border: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The parts of each line within ``within_km`` of a border (lon/lat) and their km."""
    buf = eng.border_buffer(within_km, border)
    inside = eng.to_ll(shapely.intersection(eng.to_local(lines_ll), buf))
    return inside, np.asarray(length_m(inside), dtype=float) / 1000.0


def _km_within(eng: _Engine, lines_ll: np.ndarray, within_km: float, border: Any = None) -> np.ndarray:
    return _within_band(eng, lines_ll, within_km, border)[1]


# ---------------------------------------------------------------------------
# travel time


@dataclass(frozen=True)
class TravelTime:
    """Travel time of a route: per-leg running time plus dwell at border crossings."""

    legs: pd.DataFrame
    crossings: pd.DataFrame

    @property
    def running_h(self) -> float:
        """Hours in motion."""
        return float(self.legs["hours"].sum())

    @property
    def dwell_h(self) -> float:
        """Hours waiting at border crossings."""
        return float(self.crossings["dwell_h"].sum()) if len(self.crossings) else 0.0

    @property
    def total_h(self) -> float:
        """Total hours."""
        return self.running_h + self.dwell_h

    def table(self) -> pd.DataFrame:
        """Legs, crossings and a total as one table (``kind``, ``what``, ``km``, ``hours``)."""
        rows = [
            ("leg", f"{r.leg} ({r.mode}, {r.status}, {r.speed_kmh:g} km/h)", r.length_km, r.hours)
            for r in self.legs.itertuples()
        ]
        rows += [("crossing", f"{r.border} at km {r.km:.1f}", 0.0, r.dwell_h) for r in self.crossings.itertuples()]
        rows.append(("total", "", float(self.legs["length_km"].sum()), self.total_h))
        return pd.DataFrame(rows, columns=["kind", "what", "km", "hours"])

    def __repr__(self) -> str:
        return f"<TravelTime {self.total_h:.2f} h: {self.running_h:.2f} h running + {self.dwell_h:.2f} h at borders>"


def _pair_key(k: Any) -> tuple[str, str]:
    if isinstance(k, str):
        parts = [p for p in k.replace("–", "-").split("-") if p]
        if len(parts) != 2:
            raise ParameterError(f"Border key {k!r}: give a pair such as 'ARM-AZE' or ('ARM', 'AZE').")
        return tuple(sorted(parts))  # type: ignore[return-value]
    a, b = k
    return tuple(sorted((str(a), str(b))))  # type: ignore[return-value]


def speed_for(mode: str, status: str, speeds: Mapping[Any, float] | None = None) -> float:
    """The speed (km/h) for a mode and status.

    Lookup order: ``speeds[(mode, status)]``, ``speeds[mode]``, then
    :data:`DEFAULT_SPEEDS_KMH` for ``(mode, status)`` and ``(mode, "existing")``.

    Examples
    --------
    >>> speed_for("rail", "planned", {"rail": 120})
    120.0
    >>> speed_for("rail", "planned")
    100.0
    """
    user: dict[Any, float] = {}
    for k, v in (speeds or {}).items():
        try:
            v = float(v)
        except (TypeError, ValueError):
            v = float("nan")
        if not (np.isfinite(v) and v > 0):
            raise ParameterError(f"Speed for {k!r} must be a positive number of km/h, got {v!r}.")
        user[k if isinstance(k, str) else tuple(k)] = v
    for key in ((mode, status), mode):
        if key in user:
            return user[key]
    for key in ((mode, status), (mode, "existing")):
        if key in DEFAULT_SPEEDS_KMH:
            return DEFAULT_SPEEDS_KMH[key]  # type: ignore[index]
    raise ParameterError(f"No speed for mode {mode!r}, status {status!r}; pass `speeds=`.")


# ---------------------------------------------------------------------------
# analysis of one route


@dataclass(frozen=True, eq=False)
class RouteAnalysis:
    """Measurements of one route over a region (see :func:`analyze`).

    Attributes
    ----------
    route : Route
    region : Region
    length_km : float
        Geodesic length.
    sections : pandas.DataFrame
        Ordered territory sections: ``iso3``, ``part_id``, ``from_km``,
        ``to_km``, ``length_km``; stretches outside every territory are
        ``unassigned``.
    crossings : geopandas.GeoDataFrame
        International crossings in route order: ``km``, ``from_iso3``,
        ``to_iso3``, ``border``, ``water_km`` (unassigned water between the
        two sides), ``geometry`` (Point).
    """

    route: Route
    region: Region
    length_km: float
    sections: pd.DataFrame
    crossings: gpd.GeoDataFrame
    _eng: _Engine = field(repr=False)

    @property
    def km_by_territory(self) -> pd.Series:
        """Km per territory id (plus ``unassigned``); sums to ``length_km``."""
        s = self.sections.groupby("iso3", sort=True)["length_km"].sum()
        s.name = "km"
        return s

    def km_by_part(self) -> pd.Series:
        """Km per part id (plus ``unassigned``)."""
        s = self.sections.groupby("part_id", sort=True)["length_km"].sum()
        s.name = "km"
        return s

    @property
    def transit(self) -> list[str]:
        """Territories crossed, in order: the first, then each one entered at a crossing."""
        first = [x for x in self.sections["iso3"] if x != UNASSIGNED][:1]
        return first + [str(x) for x in self.crossings["to_iso3"]]

    @property
    def detour_index(self) -> float:
        """Route length / geodesic distance between its two ends."""
        d = distance_m(self.route.start, self.route.end) / 1000.0
        return float("inf") if d == 0 else self.length_km / d

    @cached_property
    def min_border_clearance_km(self) -> float:
        """Smallest geodesic distance (km) from the route to any international border (0 if it crosses)."""
        _, border = self._eng.border_local(None)
        local = self._eng.to_local(np.array([self.route.geometry], dtype=object))
        return float(_geodesic_clearance_m(self._eng, local, border)[0]) / 1000.0

    @cached_property
    def clearance_uncrossed_km(self) -> float:
        """Smallest geodesic distance (km) to an international border the route does not cross.

        Borders between the pairs of territories at the route's crossings are
        left out, so a route that crosses Armenia–Azerbaijan but runs along
        the Aras shows how close it keeps to Iran.  NaN if the route crosses
        every border of the region.
        """
        crossed = {tuple(sorted(p)) for p in zip(self.crossings["from_iso3"], self.crossings["to_iso3"])}
        pairs = [
            (label, g) for label, g in self._eng.pair_borders_local() if tuple(sorted(label.split("–"))) not in crossed
        ]
        if not pairs:
            return float("nan")
        local = self._eng.to_local(np.array([self.route.geometry], dtype=object))
        d = [float(_geodesic_clearance_m(self._eng, local, g)[0]) for _, g in pairs]
        return min(d) / 1000.0

    def border_profile(self, *, step_km: float = 1.0, border: Sequence[str] | None = None) -> pd.DataFrame:
        """Distance from the route to a border, sampled along the route.

        Parameters
        ----------
        step_km : float, default 1
            Sampling interval along the route (km); the end is always sampled.
        border : (a, b), optional
            A pair of territory or part ids; default: any international border
            (the nearest one is named in ``border``).

        Returns
        -------
        pandas.DataFrame
            ``km``, ``distance_km`` (geodesic), ``border``, ``lon``, ``lat``.
        """
        if not step_km > 0:
            raise ParameterError(f"`step_km` must be > 0, got {step_km}.")
        km = np.unique(np.r_[np.arange(0.0, self.length_km, step_km), self.length_km])
        xy = self.route.points_at_km(km)
        pts = shapely.points(np.column_stack(self._eng.proj.xy_to_local(xy[:, 0], xy[:, 1])))
        if border is not None:
            candidates = [self._eng.border_local(tuple(border))]
        else:
            candidates = self._eng.pair_borders_local()
        dist = np.vstack([shapely.distance(pts, g) for _, g in candidates])
        best = np.argmin(dist, axis=0)
        labels = np.array([lbl for lbl, _ in candidates])[best]
        # geodesic distance to the nearest point found in the projection
        geod = np.empty(len(pts))
        for k, (_, g) in enumerate(candidates):
            sel = best == k
            if sel.any():
                geod[sel] = _geodesic_clearance_m(self._eng, pts[sel], g)
        return pd.DataFrame(
            {
                "km": km,
                "distance_km": geod / 1000.0,
                "border": labels,
                "lon": xy[:, 0],
                "lat": xy[:, 1],
            }
        )

    def km_near_border(self, within_km: float, *, border: Sequence[str] | None = None) -> float:
        """Km of the route within ``within_km`` of a border (default: any international border).

        The band is built in the region's local projection from the border
        simplified to 1 % of ``within_km``, so its edge is within 1 % of the
        distance asked for.
        """
        if not within_km > 0:
            raise ParameterError(f"`within_km` must be > 0, got {within_km}.")
        b = tuple(border) if border is not None else None
        return float(_km_within(self._eng, np.array([self.route.geometry], dtype=object), within_km, b)[0])

    def borders_alongside(self, within_km: float) -> pd.DataFrame:
        """Which borders the route runs along within ``within_km``, and for how many km each."""
        rows = []
        for a, b in zip(self.region.borders["a"], self.region.borders["b"]):
            km = self.km_near_border(within_km, border=(a, b))
            if km > 0:
                rows.append((f"{a}–{b}", a, b, km))
        df = pd.DataFrame(rows, columns=["border", "a", "b", "km"])
        return df.sort_values("km", ascending=False).reset_index(drop=True)

    def travel_time(
        self,
        *,
        speeds: Mapping[Any, float] | None = None,
        dwell_h: Mapping[Any, float] | None = None,
        default_dwell_h: float = DEFAULT_DWELL_H,
    ) -> TravelTime:
        """Travel time: per-leg speeds plus a dwell time per international crossing.

        Parameters
        ----------
        speeds : mapping, optional
            ``{(mode, status): km/h}`` or ``{mode: km/h}``, overriding
            :data:`DEFAULT_SPEEDS_KMH`.  A leg's own ``speed_kmh`` wins.
        dwell_h : mapping, optional
            Hours per crossing of a given border: ``{("ARM", "AZE"): 0.5}`` or
            ``{"ARM-AZE": 0.5}``.
        default_dwell_h : float, default 1.0
            Hours per crossing of any other border.
        """
        rows = []
        for lg in self.route.legs:
            v = lg.speed_kmh if lg.speed_kmh is not None else speed_for(lg.mode, lg.status, speeds)
            rows.append((lg.name, lg.mode, lg.status, lg.length_km, v, lg.length_km / v))
        legs = pd.DataFrame(rows, columns=["leg", "mode", "status", "length_km", "speed_kmh", "hours"])
        if not (np.isfinite(default_dwell_h) and default_dwell_h >= 0):
            raise ParameterError(f"`default_dwell_h` must be >= 0 hours, got {default_dwell_h!r}.")
        dwell: dict[tuple[str, str], float] = {}
        known = set(self.region.ids)
        for k, v in (dwell_h or {}).items():
            pair = _pair_key(k)
            unknown = [x for x in pair if x not in known]
            if unknown:
                msg = (
                    f"`dwell_h` key {k!r}: unknown territory {', '.join(unknown)}; "
                    f"territories are {', '.join(sorted(known))}."
                )
                raise UnknownTerritoryError(msg)
            if not (np.isfinite(float(v)) and float(v) >= 0):
                raise ParameterError(f"`dwell_h` for {k!r} must be >= 0 hours, got {v!r}.")
            dwell[pair] = float(v)
        cx = pd.DataFrame(
            {
                "km": self.crossings["km"].to_numpy(),
                "border": self.crossings["border"].to_numpy(),
                "dwell_h": [
                    dwell.get(_pair_key((a, b)), default_dwell_h)
                    for a, b in zip(self.crossings["from_iso3"], self.crossings["to_iso3"])
                ],
            }
        )
        return TravelTime(legs, cx)

    def summary(self) -> dict[str, Any]:
        """The headline figures as a JSON-serialisable dict."""
        kbt = self.km_by_territory
        return {
            "name": self.route.name,
            "length_km": round(self.length_km, 3),
            "km_by_territory": {k: round(float(v), 3) for k, v in kbt.items()},
            "transit": self.transit,
            "crossings": [
                {"km": round(float(r.km), 3), "from": r.from_iso3, "to": r.to_iso3} for r in self.crossings.itertuples()
            ],
            "min_border_clearance_km": round(self.min_border_clearance_km, 3),
            "clearance_uncrossed_km": round(self.clearance_uncrossed_km, 3),
            "km_within_1km_border": round(self.km_near_border(1.0), 3),
            "km_within_5km_border": round(self.km_near_border(5.0), 3),
            "detour_index": round(self.detour_index, 4),
            "travel_time_h": round(self.travel_time().total_h, 3),
        }

    def __repr__(self) -> str:
        terr = ", ".join(f"{k} {v:.1f}" for k, v in self.km_by_territory.items())
        return (
            f"<RouteAnalysis {self.route.name!r}: {self.length_km:.1f} km ({terr}); {len(self.crossings)} crossing(s)>"
        )

    def _repr_html_(self) -> str:
        from ._html import analysis_html

        return analysis_html(self)

    def explore(self, **kwargs: Any) -> Any:
        """Interactive map of the route with its sections and crossings."""
        from .maps import make_map

        return make_map(self.region, analyses=[self], **kwargs)


def analyze(route: Route, region: Region | None = None) -> RouteAnalysis:
    """Measure a route over a region (default: the built-in South Caucasus).

    Examples
    --------
    >>> import corridor
    >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
    >>> a.transit
    ['AZE', 'ARM', 'AZE']
    """
    if not isinstance(route, Route):
        raise TypeError(
            f"`analyze` needs a Route, got {type(route).__name__}; "
            "build one with Route.from_coords / from_places / read."
        )
    import geopandas as gpd

    eng = _engine(region)
    pc = _split(np.array([route.geometry], dtype=object), eng)
    sec = _sections(pc, eng).drop(columns="line")
    cx = _crossings_table(_sections(pc, eng)).drop(columns="line")
    pts = route.points_at_km(cx["km"].to_numpy()) if len(cx) else np.zeros((0, 2))
    crossings = gpd.GeoDataFrame(cx, geometry=list(shapely.points(pts)) if len(cx) else [], crs="EPSG:4326")
    return RouteAnalysis(route, eng.region, float(pc.length_m.sum()) / 1000.0, sec, crossings, eng)


def analyze_many(
    routes: Iterable[Route] | gpd.GeoDataFrame,
    region: Region | None = None,
    *,
    name_column: str = "name",
) -> pd.DataFrame:
    """Headline figures of many routes at once, vectorised: one row per route.

    Columns: ``name``, ``length_km``, one ``km_<ID>`` per territory and
    ``km_unassigned``, ``transit``, ``crossings``, ``km_within_1km_border``,
    ``km_within_5km_border``, ``min_clearance_km`` (to borders the line does
    not cross, as in :func:`corridor.compare`), ``detour_index``.
    """
    eng = _engine(region)
    if hasattr(routes, "geometry") and hasattr(routes, "crs"):
        gdf: gpd.GeoDataFrame = routes
        lines = _as_lines(gdf)
        names = list(map(str, gdf[name_column])) if name_column in gdf.columns else list(map(str, gdf.index))
    else:
        rs = list(routes)
        lines = _as_lines(rs)
        names = [r.name if isinstance(r, Route) else str(i) for i, r in enumerate(rs)]
    pc = _split(lines, eng)
    sec = _sections(pc, eng, by="iso3")
    table = pd.DataFrame({"name": names, "length_km": pc.length_m / 1000.0})
    km = sec.pivot_table(index="line", columns="iso3", values="length_km", aggfunc="sum", fill_value=0.0)
    for iso in [*eng.ids, UNASSIGNED]:
        col = km[iso] if iso in km.columns else pd.Series(0.0, index=km.index)
        table[f"km_{iso}"] = col.reindex(range(len(lines)), fill_value=0.0).to_numpy()
    cx = _crossings_table(sec)
    assigned = sec[sec["iso3"] != UNASSIGNED]
    first = assigned.groupby("line")["iso3"].first()
    entered = cx.groupby("line")["to_iso3"].agg(list)
    table["transit"] = [
        "-".join(([first[k]] if k in first.index else []) + (entered[k] if k in entered.index else []))
        for k in range(len(lines))
    ]
    table["crossings"] = cx.groupby("line").size().reindex(range(len(lines)), fill_value=0).to_numpy()
    table["km_within_1km_border"] = _km_within(eng, lines, 1.0)
    table["km_within_5km_border"] = _km_within(eng, lines, 5.0)
    # clearance to the borders each line does not cross (as in compare())
    local = eng.to_local(lines)
    crossed = set(zip(cx["line"].astype(int), cx["border"]))
    best = np.full(len(lines), np.inf)
    for label, g in eng.pair_borders_local():
        d = _geodesic_clearance_m(eng, local, g) / 1000.0
        skip = np.array([(k, label) in crossed for k in range(len(lines))], dtype=bool)
        best = np.where(skip, best, np.minimum(best, d))
    table["min_clearance_km"] = np.where(np.isfinite(best), best, np.nan)
    xy0 = shapely.get_coordinates(shapely.get_point(lines, 0))
    xy1 = shapely.get_coordinates(shapely.get_point(lines, -1))
    _, _, d = GEOD.inv(xy0[:, 0], xy0[:, 1], xy1[:, 0], xy1[:, 1])
    d = np.asarray(d) / 1000.0
    table["detour_index"] = np.where(d > 0, table["length_km"] / np.where(d > 0, d, 1), np.inf)
    return table
