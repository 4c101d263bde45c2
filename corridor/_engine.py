"""The measurement core: lines cut where they meet territory boundaries, in named stages.

Everything here is vectorised with shapely 2 and numpy; there is no Python
loop per vertex or per segment, so a route of a million vertices or a
network of thousands of edges is measured in one pass.

Stages of :func:`split_lines`
-----------------------------
1. :func:`_segments` — the lines' segments with their geodesic lengths
   (pyproj) and chainage, longitudes continuous across the antimeridian.
2. :func:`_query_chunks` — consecutive segments grouped into short chunks
   (at most ``CHUNK`` vertices and about ``CHUNK_DEG`` long; long segments
   cut into collinear pieces) so that their bounding boxes stay small.
3. :func:`_cut_events` — an STRtree over chunks of the territory boundaries
   finds chunk/boundary pairs; their intersections are the cuts, each located
   as ``(segment, t)``.
4. :func:`_ordered_events` — cuts sorted along each line with its ends,
   duplicates merged, and each given its chainage.
5. :func:`_assign` — one point-in-polygon lookup per piece between two cuts
   (points indexed, queried with the prepared parts).

Rules
-----
* Lengths are geodesic on WGS84 between the vertices of the line as given.
  Territory km always add up to that length: a cut inside a segment sits at
  the geodesic distance from the segment's start to the cut point.
* A stretch lying exactly on a border is assigned to the territory whose id
  sorts first; it is never counted twice.
* Length outside every territory (water, sea, beyond the region) is
  ``unassigned``; it is never dropped.
* A crossing is a change of territory between consecutive assigned sections;
  a route that touches a border and comes back does not cross it.  When water
  lies between the two territories the crossing is placed mid-way across it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from ._validate import border_pair
from .errors import GeometryError
from .geodesy import GEOD, LocalProjection, follow_geodesics, geodesic_vertices, length_m

if TYPE_CHECKING:
    from .region import Region

__all__ = [
    "CHUNK",
    "CHUNK_DEG",
    "HOP_TOLERANCE_KM",
    "SURFACE_NAMES",
    "UNASSIGNED",
    "Engine",
    "Pieces",
    "chunk_lines",
    "clearance_m",
    "crossings_table",
    "engine_for",
    "km_within",
    "sections",
    "split_lines",
    "within_band",
]

UNASSIGNED = "unassigned"
#: Surfaces of a piece: in a territory ``land``, ``inland water`` or ``sea``; outside every
#: territory ``sea`` (open water inside the region, beyond every state's waters) or
#: ``outside`` (beyond the region's data); ``unknown`` where the region has no water layer.
SURFACE_NAMES = ("land", "inland water", "sea", "outside", "unknown")
LAND, INLAND, SEA, OUTSIDE, UNKNOWN = range(5)
#: Vertices per chunk of route or boundary in the STRtree.
CHUNK = 64
#: Planar length (degrees) after which a route chunk is cut.
CHUNK_DEG = 0.25
#: Two opposite crossings closer than this (km) are a hop over a wiggle of the
#: border line (for example 11 m into Armenia near the Aghband tripoint), not a
#: visit: both are dropped from the crossings (the km stay in the sections).
HOP_TOLERANCE_KM = 0.05
#: Pieces shorter than this (metres) join a neighbouring section (see :func:`sections`).
SLIVER_M = 1e-3


# ---------------------------------------------------------------------------
# the per-region index, built once and cached


class Engine:
    """Spatial indexes of one region: parts, boundary chunks, borders (local metres)."""

    def __init__(self, region: Region) -> None:
        parts = region.parts.sort_values(["iso3", "part_id"]).reset_index(drop=True)
        self.part_geoms = np.asarray(parts.geometry.values, dtype=object)
        self.part_ids = parts["part_id"].astype(str).to_numpy()
        self.part_iso3 = parts["iso3"].astype(str).to_numpy()
        shapely.prepare(self.part_geoms)
        self.part_tree = shapely.STRtree(self.part_geoms)
        # water (sea, inland water) and the region's extent: their edges cut the lines too
        water = region.water
        self.has_water = water is not None
        if water is not None and len(water):
            wparts, widx = shapely.get_parts(np.asarray(water.geometry.values, dtype=object), return_index=True)
            code = {"sea": SEA, "inland water": INLAND, "unclaimed land": LAND}
            self.water_geoms = wparts
            self.water_code = np.array([code[str(s)] for s in water["surface"].to_numpy()[widx]], dtype=int)
        else:
            self.water_geoms = np.array([], dtype=object)
            self.water_code = np.zeros(0, dtype=int)
        shapely.prepare(self.water_geoms)
        self.extent = region.extent_polygon
        shapely.prepare(self.extent)
        rings = np.concatenate(
            [
                shapely.boundary(np.asarray(region.countries.geometry.values, dtype=object)),
                shapely.boundary(self.water_geoms),
                np.array([shapely.boundary(self.extent)], dtype=object),
            ]
        )
        self.bnd = chunk_lines(rings, CHUNK)
        self.bnd_tree = shapely.STRtree(self.bnd)
        self.ids = sorted(region.countries["iso3"].astype(str))
        minx, miny, maxx, maxy = self.extent.bounds
        #: lines are moved to within ±180° of this longitude (regions across the antimeridian)
        self.lon0 = (minx + maxx) / 2
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
        """(label, lines in the local projection, prepared) of a border or of all borders."""
        key = ("local", None if border is None else border_pair(border))
        if key not in self._border_cache:
            label, lines = self.border_lines(border)
            local = self.to_local(lines)
            shapely.prepare(local)
            self._border_cache[key] = (label, local)
        return self._border_cache[key]

    def border_buffer(self, within_km: float, border: Any = None) -> Any:
        """The band within ``within_km`` of a border (local projection, prepared)."""
        key = ("buffer", None if border is None else border_pair(border), float(within_km))
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
        """``[(label "A–B", lines in the local projection)]`` for every border of the region."""
        key = "pairs"
        if key not in self._border_cache:
            out = []
            for a, b, g in zip(self.region.borders["a"], self.region.borders["b"], self.region.borders.geometry):
                local = self.to_local(g)
                shapely.prepare(local)
                out.append((f"{a}–{b}", local))
            self._border_cache[key] = out
        return self._border_cache[key]


_ENGINES: weakref.WeakKeyDictionary[Any, Engine] = weakref.WeakKeyDictionary()


def engine_for(region: Region | None) -> Engine:
    """The (cached) engine of a region; ``None`` is the built-in region."""
    from .region import load_region

    region = region if region is not None else load_region()
    eng = _ENGINES.get(region)
    if eng is None:
        eng = Engine(region)
        _ENGINES[region] = eng
    return eng


def chunk_lines(geoms: np.ndarray, size: int) -> np.ndarray:
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
# the split


@dataclass
class Pieces:
    """The pieces of N lines between consecutive cuts.

    ``line`` (index of the input line), ``from_m``/``to_m`` (chainage,
    geodesic metres), ``part`` (index into the engine's parts, -1 for
    unassigned) and ``surface`` (index into :data:`SURFACE_NAMES`) per piece;
    ``length_m`` per input line.
    """

    line: np.ndarray
    from_m: np.ndarray
    to_m: np.ndarray
    part: np.ndarray
    surface: np.ndarray
    length_m: np.ndarray

    @classmethod
    def empty(cls, n_lines: int, length: np.ndarray | None = None) -> Pieces:
        z = np.zeros(0)
        zi = np.zeros(0, dtype=int)
        return cls(zi, z, z, zi, zi, np.zeros(n_lines) if length is None else length)

    def outside_km(self, n_lines: int) -> np.ndarray:
        """Km of each line outside the region's extent."""
        out = np.zeros(n_lines)
        sel = self.surface == OUTSIDE
        np.add.at(out, self.line[sel], (self.to_m[sel] - self.from_m[sel]) / 1000.0)
        return out


@dataclass
class _Segments:
    """Non-zero segments of N lines: ``k`` joins vertex ``idx[k]`` and ``idx[k] + 1`` of ``xy``."""

    xy: np.ndarray
    idx: np.ndarray
    line: np.ndarray
    m: np.ndarray  # geodesic length
    start_m: np.ndarray  # chainage of the start vertex on its line
    first_of_line: np.ndarray
    plen: np.ndarray  # planar length (degrees)
    pcum: np.ndarray
    pstart: np.ndarray


def split_lines(lines: np.ndarray, eng: Engine) -> Pieces:
    """Cut lines (lon/lat LineStrings) at the territory boundaries of ``eng``'s region."""
    n = len(lines)
    seg, length = _segments(lines, n, eng.lon0)
    if seg is None:
        return Pieces.empty(n, length)
    chunks, first_seg, last_seg, g0 = _query_chunks(seg)
    ev_seg, ev_t, ev_on = _cut_events(seg, chunks, first_seg, last_seg, g0, eng)
    ev_line, ev_m, pos, on = _ordered_events(seg, ev_seg, ev_t, ev_on)
    ok = ev_line[1:] == ev_line[:-1]
    lo, hi = np.flatnonzero(ok), np.flatnonzero(ok) + 1
    pts = _midpoints(seg, pos, lo, hi)
    part = _assign(pts, on, lo, hi, eng)
    return Pieces(ev_line[lo], ev_m[lo], ev_m[hi], part, _surface(pts, part, eng), length)


def _segments(lines: np.ndarray, n: int, lon0: float = 0.0) -> tuple[_Segments | None, np.ndarray]:
    xy, li = shapely.get_coordinates(lines, return_index=True)
    if len(xy) < 2:
        return None, np.zeros(n)
    # keep longitudes continuous along each line (antimeridian), and follow each
    # segment's geodesic: long segments get points on it, so cuts are found on the
    # geodesic and chainage reads the same forwards and backwards
    xy, li, piece_m = geodesic_vertices(xy, li)
    # each line in the region's longitude frame (a whole number of turns away)
    first = np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
    turns = np.round((xy[first, 0] - lon0) / 360.0)
    if turns.any():
        xy = xy.copy()
        xy[:, 0] -= np.repeat(turns, np.diff(np.r_[first, len(li)])) * 360.0
    same = li[1:] == li[:-1]
    nonzero = same & (np.diff(xy, axis=0) != 0).any(axis=1)
    seg_idx = np.flatnonzero(nonzero)  # segment k joins vertex k and k+1
    seg_line = li[seg_idx]
    seg_m = piece_m[seg_idx]
    length = np.zeros(n)
    np.add.at(length, seg_line, seg_m)
    if len(seg_idx) == 0:
        return None, length
    # chainage at each segment start
    cum = np.cumsum(seg_m)
    first_of_line = np.r_[True, seg_line[1:] != seg_line[:-1]]
    line_base = np.maximum.accumulate(np.where(first_of_line, cum - seg_m, 0.0))
    # planar positions along segments, to turn a located point into (segment, t)
    plen = np.hypot(xy[seg_idx + 1, 0] - xy[seg_idx, 0], xy[seg_idx + 1, 1] - xy[seg_idx, 1])
    pcum = np.cumsum(plen)
    seg = _Segments(xy, seg_idx, seg_line, seg_m, cum - seg_m - line_base, first_of_line, plen, pcum, pcum - plen)
    return seg, length


def _query_chunks(seg: _Segments) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chunks of consecutive segments of one line (``CHUNK - 1`` segments, about ``CHUNK_DEG`` long).

    A segment longer than ``CHUNK_DEG`` is cut into collinear pieces, each its
    own chunk: planar positions along the segment are unchanged, so events map
    back to ``(segment, t)`` exactly, and each piece has a small bounding box.
    Returns the chunks, their first and last segment and their planar offset.
    """
    xy, seg_idx, plen, pstart = seg.xy, seg.idx, seg.plen, seg.pstart
    idx = np.arange(len(seg_idx))
    line_p0 = np.maximum.accumulate(np.where(seg.first_of_line, pstart, 0.0))
    bucket = np.floor((pstart - line_p0) / CHUNK_DEG)
    long_seg = plen > CHUNK_DEG
    brk = seg.first_of_line | np.r_[True, (bucket[1:] != bucket[:-1]) | long_seg[1:] | long_seg[:-1]]
    ord_in_grp = idx - np.maximum.accumulate(np.where(brk, idx, 0))
    new_chunk = brk | (ord_in_grp % (CHUNK - 1) == 0)
    chunk_of_seg = np.cumsum(new_chunk) - 1
    last_of_chunk = np.r_[chunk_of_seg[1:] != chunk_of_seg[:-1], True]
    v_idx = np.concatenate([seg_idx, seg_idx[last_of_chunk] + 1])
    v_chunk = np.concatenate([chunk_of_seg, chunk_of_seg[last_of_chunk]])
    v_ord = np.concatenate([np.arange(len(seg_idx)), np.flatnonzero(last_of_chunk) + 0.5])
    order = np.lexsort((v_ord, v_chunk))
    chunks = shapely.linestrings(xy[v_idx[order]], indices=v_chunk[order])
    first_seg = np.flatnonzero(new_chunk)
    last_seg = np.r_[first_seg[1:], len(seg_idx)] - 1
    g0 = pstart[first_seg]
    if not long_seg.any():
        return chunks, first_seg, last_seg, g0
    ls = np.flatnonzero(long_seg)
    n_pieces = np.ceil(plen[ls] / CHUNK_DEG).astype(int)
    seg_of_piece = np.repeat(ls, n_pieces)
    j = np.arange(len(seg_of_piece)) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    n_of_piece = np.repeat(n_pieces, n_pieces)
    t0, t1 = j / n_of_piece, (j + 1) / n_of_piece
    a_xy, b_xy = xy[seg_idx[seg_of_piece]], xy[seg_idx[seg_of_piece] + 1]
    p0 = a_xy + (b_xy - a_xy) * t0[:, None]
    p1 = a_xy + (b_xy - a_xy) * t1[:, None]
    pieces = shapely.linestrings(np.stack([p0, p1], axis=1))
    keep = ~long_seg[first_seg]  # the long segments' own chunks are replaced
    return (
        np.concatenate([chunks[keep], pieces]),
        np.concatenate([first_seg[keep], seg_of_piece]),
        np.concatenate([last_seg[keep], seg_of_piece]),
        np.concatenate([g0[keep], pstart[seg_of_piece] + t0 * plen[seg_of_piece]]),
    )


def _cut_events(
    seg: _Segments,
    chunks: np.ndarray,
    first_seg: np.ndarray,
    last_seg: np.ndarray,
    g0: np.ndarray,
    eng: Engine,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the chunks meet boundary chunks: ``(segment, t, on a boundary stretch)`` per point."""
    ci, bi = eng.bnd_tree.query(chunks, predicate="intersects")
    if not len(ci):
        return np.zeros(0, dtype=int), np.zeros(0), np.zeros(0, dtype=bool)
    inter = shapely.intersection(chunks[ci], eng.bnd[bi])
    parts, part_of = shapely.get_parts(inter, return_index=True)
    pxy, pidx = shapely.get_coordinates(parts, return_index=True)
    if not len(pxy):
        return np.zeros(0, dtype=int), np.zeros(0), np.zeros(0, dtype=bool)
    # points of a stretch that runs along a boundary (a linear intersection)
    on_line = np.isin(shapely.get_type_id(parts), (1, 2))[pidx]
    pc = ci[part_of[pidx]]
    d = shapely.line_locate_point(chunks[pc], shapely.points(pxy))
    g = g0[pc] + d
    s = np.searchsorted(seg.pcum, g, side="left")
    s = np.clip(s, first_seg[pc], last_seg[pc])
    t = np.clip((g - seg.pstart[s]) / np.where(seg.plen[s] > 0, seg.plen[s], 1.0), 0.0, 1.0)
    return s, t, on_line


def _ordered_events(
    seg: _Segments, ev_seg: np.ndarray, ev_t: np.ndarray, ev_on: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every cut plus each line's ends, sorted along the lines, merged, with chainage.

    Returns the line, chainage (m), position (segment + t) and on-boundary flag of each event.
    """
    line_first = np.flatnonzero(seg.first_of_line)
    line_last = np.r_[line_first[1:], len(seg.idx)] - 1
    n_cuts = len(ev_seg)
    ev_seg = np.concatenate([ev_seg, line_first, line_last])
    ev_t = np.concatenate([ev_t, np.zeros(len(line_first)), np.ones(len(line_last))])
    ev_on = np.concatenate([ev_on[:n_cuts], np.zeros(len(line_first) + len(line_last), dtype=bool)])
    pos = ev_seg + ev_t
    # sort by line, then position (a line's end and the next line's start share a position)
    order = np.lexsort((pos, seg.line[ev_seg]))
    pos, ev_seg, ev_t, ev_on = pos[order], ev_seg[order], ev_t[order], ev_on[order]
    lines_of_ev = seg.line[ev_seg]
    new_pos = np.r_[True, (np.diff(pos) > 1e-12) | (np.diff(lines_of_ev) != 0)]
    # an event is "on a boundary stretch" if any duplicate at its position is
    grp = np.cumsum(new_pos) - 1
    on_any = np.zeros(int(grp[-1]) + 1, dtype=bool)
    np.logical_or.at(on_any, grp, ev_on)
    pos, ev_seg, ev_t = pos[new_pos], ev_seg[new_pos], ev_t[new_pos]
    # chainage of each event: its share of the (sub-)segment, from the geodesic distances to
    # both ends (d1 / (d1 + d2)), so that it reads the same forwards and backwards exactly
    a = seg.xy[seg.idx[ev_seg]]
    b = seg.xy[seg.idx[ev_seg] + 1]
    p = a + (b - a) * ev_t[:, None]
    _, _, d1 = GEOD.inv(a[:, 0], a[:, 1], p[:, 0], p[:, 1])
    _, _, d2 = GEOD.inv(p[:, 0], p[:, 1], b[:, 0], b[:, 1])
    d1, d2 = np.asarray(d1), np.asarray(d2)
    share = np.where(d1 + d2 > 0, d1 / np.where(d1 + d2 > 0, d1 + d2, 1.0), 0.0)
    share = np.where(ev_t >= 1.0, 1.0, np.where(ev_t <= 0.0, 0.0, share))
    return seg.line[ev_seg], seg.start_m[ev_seg] + seg.m[ev_seg] * share, pos, on_any


def _midpoints(seg: _Segments, pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The midpoint of each piece (Points, lon/lat in the region's frame)."""
    mid = (pos[lo] + pos[hi]) / 2
    ms = np.minimum(np.floor(mid).astype(int), len(seg.idx) - 1)
    mt = mid - ms
    ma, mb = seg.xy[seg.idx[ms]], seg.xy[seg.idx[ms] + 1]
    return shapely.points(ma + (mb - ma) * mt[:, None])


def _assign(pts: np.ndarray, on: np.ndarray, lo: np.ndarray, hi: np.ndarray, eng: Engine) -> np.ndarray:
    """The part index (-1 = unassigned) of each piece, from its midpoint."""
    # index the points and query with the (prepared) parts: GEOS prepares the
    # query geometry, so point-in-polygon runs on the indexed polygons
    qp, qi = shapely.STRtree(pts).query(eng.part_geoms, predicate="intersects")
    # a stretch along a boundary: look within 1e-9° (0.1 mm) so that it touches
    # both sides whatever the rounding, and let the rule decide
    along = np.flatnonzero(on[lo] & on[hi])
    if len(along):
        ai, ap = eng.part_tree.query(pts[along], predicate="dwithin", distance=1e-9)
        qi = np.concatenate([qi, along[ai]])
        qp = np.concatenate([qp, ap])
    part = np.full(len(lo), -1)
    if len(qi):
        # lowest part index wins: parts are sorted by territory id (the on-border rule)
        best = pd.Series(qp).groupby(qi).min()
        part[best.index.to_numpy()] = best.to_numpy()
    return part


def _surface(pts: np.ndarray, part: np.ndarray, eng: Engine) -> np.ndarray:
    """The surface code of each piece, from its midpoint (see :data:`SURFACE_NAMES`)."""
    out = np.full(len(pts), LAND if eng.has_water else UNKNOWN)
    unassigned = np.flatnonzero(part < 0)
    if len(unassigned):
        inside = shapely.intersects(eng.extent, pts[unassigned])
        out[unassigned] = np.where(inside, SEA if eng.has_water else UNKNOWN, OUTSIDE)
    if len(eng.water_geoms) and len(pts):
        qp, qi = shapely.STRtree(pts).query(eng.water_geoms, predicate="intersects")
        if len(qi):
            # where a point is in two water polygons (on their shared edge), the larger code wins (sea)
            code = pd.Series(eng.water_code[qp]).groupby(qi).max()
            idx = code.index.to_numpy()
            keep = out[idx] != OUTSIDE
            out[idx[keep]] = code.to_numpy()[keep]
    return out


# ---------------------------------------------------------------------------
# sections and crossings


def sections(pc: Pieces, eng: Engine, *, by: str = "part") -> pd.DataFrame:
    """Merge consecutive pieces in the same territory (or part) and surface into sections.

    Columns: ``line``, ``iso3``, ``part_id``, ``surface``, ``from_km``, ``to_km``, ``length_km``.
    """
    iso = np.where(pc.part >= 0, eng.part_iso3[np.maximum(pc.part, 0)], UNASSIGNED)
    pid = np.where(pc.part >= 0, eng.part_ids[np.maximum(pc.part, 0)], UNASSIGNED)
    key = pid if by == "part" else iso
    surface = np.asarray(SURFACE_NAMES, dtype=object)[pc.surface]
    df = pd.DataFrame(
        {
            "line": pc.line,
            "iso3": iso,
            "part_id": pid,
            "surface": surface,
            "key": key,
            "from_m": pc.from_m,
            "to_m": pc.to_m,
        }
    )
    if df.empty:
        return pd.DataFrame(columns=["line", "iso3", "part_id", "surface", "from_km", "to_km", "length_km"])
    # a sliver piece (under 1 mm, where two boundaries that coincide in the data are cut a
    # hair apart) joins the longer of its neighbours on its line (the same read backwards)
    length = (df["to_m"] - df["from_m"]).to_numpy()
    tiny = pd.Series(length < SLIVER_M, index=df.index)
    if tiny.any() and not tiny.all():
        cols = ["iso3", "part_id", "surface", "key"]
        masked = df[cols + ["from_m"]].assign(len_m=length).mask(tiny, None)
        before = masked.groupby(df["line"]).ffill()
        after = masked.groupby(df["line"]).bfill()
        take_after = before["len_m"].isna() | (after["len_m"].fillna(-1.0) > before["len_m"].fillna(-1.0))
        chosen = before[cols].where(~take_after, after[cols])
        df[cols] = chosen.where(tiny, df[cols]).fillna(df[cols])
    brk = (
        (df["line"] != df["line"].shift()) | (df["key"] != df["key"].shift()) | (df["surface"] != df["surface"].shift())
    )
    grp = brk.cumsum()
    out = df.groupby(grp, sort=False).agg(
        line=("line", "first"),
        iso3=("iso3", "first"),
        part_id=("part_id", "first"),
        surface=("surface", "first"),
        from_m=("from_m", "first"),
        to_m=("to_m", "last"),
    )
    out["from_km"] = out["from_m"] / 1000.0
    out["to_km"] = out["to_m"] / 1000.0
    out["length_km"] = out["to_km"] - out["from_km"]
    return out.drop(columns=["from_m", "to_m"]).reset_index(drop=True)


def crossings_table(secs: pd.DataFrame, *, hop_km: float = HOP_TOLERANCE_KM) -> pd.DataFrame:
    """International crossings from sections (vectorised over lines).

    Columns: ``line``, ``km``, ``from_iso3``, ``to_iso3``, ``water_km``, ``border``.
    """
    s = secs[secs["iso3"] != UNASSIGNED]
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
    """Merge runs of back-and-forth crossings closer than ``hop_km`` (a loop over crossings only).

    A run of alternating crossings of one border (A→B, B→A, A→B, ...), each within
    ``hop_km`` of the next, is a wiggle of the border line: an even run is no crossing
    at all; an odd run is one crossing, placed mid-way between the run's first and last,
    so that the rule reads the same forwards and backwards.
    """
    rows = cx[["line", "km", "from_iso3", "to_iso3", "water_km"]].to_numpy()
    runs: list[list[int]] = []
    for i, (line, km, a, b, _) in enumerate(rows):
        if runs:
            j = runs[-1][-1]
            pl, pk, pa, pb, _ = rows[j]
            if pl == line and pa == b and pb == a and km - pk < hop_km:
                runs[-1].append(i)
                continue
        runs.append([i])
    keep = []
    for run in runs:
        if len(run) % 2 == 0:
            continue
        first, last = rows[run[0]], rows[run[-1]]
        keep.append((first[0], (first[1] + last[1]) / 2, first[2], first[3], float(sum(rows[k][4] for k in run))))
    return pd.DataFrame(keep, columns=["line", "km", "from_iso3", "to_iso3", "water_km"]).astype(
        {"line": int, "km": float, "from_iso3": str, "to_iso3": str, "water_km": float}
    )


# ---------------------------------------------------------------------------
# proximity


def clearance_m(eng: Engine, lines_local: np.ndarray, border_local: Any) -> np.ndarray:
    """Geodesic distance (m) from each projected geometry to the projected border.

    The nearest pair of points is found in the local projection, then
    measured geodesically; 0 where they intersect.
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


def within_band(
    eng: Engine, lines_ll: np.ndarray, within_km: float, border: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The parts of each line within ``within_km`` of a border (lon/lat) and their geodesic km."""
    buf = eng.border_buffer(within_km, border)
    inside = eng.to_ll(shapely.intersection(eng.to_local(follow_geodesics(lines_ll)), buf))
    return inside, np.asarray(length_m(inside), dtype=float) / 1000.0


def km_within(eng: Engine, lines_ll: np.ndarray, within_km: float, border: Any = None) -> np.ndarray:
    """Geodesic km of each line within ``within_km`` of a border (default: any international border)."""
    return within_band(eng, lines_ll, within_km, border)[1]
