"""The measurement core: lines cut where they meet territory boundaries, in named stages.

Everything here is vectorised with shapely 2 and numpy; there is no Python
loop per vertex or per segment, so a route of a million vertices or a
network of thousands of edges is measured in one pass.

Stages of :func:`split_lines`
-----------------------------
1. :func:`_segments` — the lines' segments with their geodesic lengths
   (pyproj) and chainage, longitudes continuous across the antimeridian.
2. :func:`grid_events` — the segments of the territory boundaries sit in
   the cells of a regular grid (:class:`SegmentGrid`, built once per region);
   each segment of a line meets the few boundary segments of its cells, and
   the cuts are solved in arrays, each located as ``(segment, t)``.  Pairs
   near a degenerate case (touching, through a vertex, collinear) go to GEOS;
   a segment spanning many cells is cut into collinear pieces first.
3. :func:`_ordered_events` — cuts sorted along each line with its ends,
   duplicates merged, and each given its chainage.
4. :func:`_assign` — one point-in-polygon lookup per piece between two cuts
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

import hashlib
import io
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from ._files import atomic_write
from ._topology import line_segments, segment_keys
from ._validate import border_pair
from .datasets import cache_dir
from .errors import CorridorError, GeometryError
from .geodesy import GEOD, LocalProjection, follow_geodesics, follow_vertices, geodesic_vertices, length_m

if TYPE_CHECKING:
    from .region import Region

__all__ = [
    "BAND_SCHEMA",
    "CHUNK",
    "HOP_TOLERANCE_KM",
    "SURFACE_NAMES",
    "TILE_VERTICES",
    "UNASSIGNED",
    "Band",
    "BorderIndex",
    "Engine",
    "LocalLines",
    "Pieces",
    "SegmentGrid",
    "chunk_coords",
    "chunk_lines",
    "clearance_m",
    "crossings_table",
    "engine_for",
    "engine_key",
    "grid_events",
    "km_within",
    "local_lines",
    "min_clearance_m",
    "nearest_border",
    "pair_distances_m",
    "read_band",
    "sections",
    "split_lines",
    "subdivide",
    "within_band",
    "write_band",
]

UNASSIGNED = "unassigned"
#: Surfaces of a piece: in a territory ``land``, ``inland water`` or ``sea``; outside every
#: territory ``sea`` (open water inside the region, beyond every state's waters) or
#: ``outside`` (beyond the region's data); ``unknown`` where the region has no water layer.
SURFACE_NAMES = ("land", "inland water", "sea", "outside", "unknown")
LAND, INLAND, SEA, OUTSIDE, UNKNOWN = range(5)
#: Vertices per chunk of route or boundary in the STRtree.
CHUNK = 64
#: Two opposite crossings closer than this (km) are a hop over a wiggle of the
#: border line (for example 11 m into Armenia near the Aghband tripoint), not a
#: visit: both are dropped from the crossings (the km stay in the sections).
HOP_TOLERANCE_KM = 0.05
#: Pieces shorter than this (metres) join a neighbouring section (see :func:`sections`).
SLIVER_M = 1e-3
#: Vertices per chunk of a line meeting the tiles of a band (see :func:`km_within`).
BAND_CHUNK = 33
#: Vertices per tile of a band around borders (see :class:`Band`).
TILE_VERTICES = 256
#: Most cells of the grid of boundary segments (see :class:`SegmentGrid`).
GRID_MAX_CELLS = 4_000_000
#: Cell side of that grid, as a share of the side that would give one cell per segment.  Finer
#: cells hold fewer boundary segments each; the segments of lines in empty cells are dropped
#: before their cells are listed, so the extra cells cost little.  Measured on the benchmark
#: batch of ``benchmarks/bench_territory.py`` (grid events): 0.45-0.7 within 6 % (0.55 best),
#: 0.85 15 % slower.
GRID_CELL_SHARE = 0.55
#: A segment of a line whose box spans more cells than this is cut into pieces about a cell long.
GRID_MAX_SPAN = 16
#: Segments of lines handled at once: bounds the memory of a million-vertex line, and keeps the
#: arrays of candidate pairs small enough to be reused by the allocator (measured on the benchmark
#: batch of ``benchmarks/bench_territory.py``: 16k-64k equally fast, 262k 3 % slower).
GRID_BLOCK = 32_768
#: Relative rounding bound of an orientation in floating point (Shewchuk's 3.3e-16, with a margin):
#: beyond it the sign is certain, and GEOS (exact orientation) agrees.
ORIENT_ERR = 1e-15
#: First search radius (m) around a line for the nearest border (then as far as a seed, doubled until found).
CLEARANCE_START_M = 2000.0
#: Vertices per chunk of a line in the search for its nearest border.
CLEARANCE_CHUNK = 33
#: Vertices per chunk of a border in the index of nearest borders (see :class:`BorderIndex`).
BORDER_CHUNK = 32
#: Most (chunk start, border chunk) distances computed at once for the first search radius of the
#: lines that cross a border (see ``_seed_m``): about 30 MB of work.
SEED_PAIRS = 4_000_000
#: Bump when the bands or their cache files change (old cache files are then ignored).
BAND_SCHEMA = 1


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
        self.ids = sorted(region.countries["iso3"].astype(str))
        minx, miny, maxx, maxy = self.extent.bounds
        #: lines are moved to within ±180° of this longitude (regions across the antimeridian)
        self.lon0 = (minx + maxx) / 2
        self.proj = LocalProjection((minx, miny, maxx, maxy))
        self.to_local = self.proj.to_local
        self.to_ll = self.proj.to_lonlat
        self.region = region
        self._border_cache: dict[Any, Any] = {}
        #: key of the cache files of this region's bands (None: a region without a stable identity)
        self.cache_key = engine_key(self) if getattr(region, "data_key", None) else None
        acc = region.accuracy_m
        #: widths (km) of the bands of all borders kept on disk: those every analysis needs
        self.disk_band_km = (1.0, 5.0) + ((float(acc) / 1000.0,) if acc else ())

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
        return self.band(within_km, border).polygon

    def band(self, within_km: float, border: Any = None) -> Band:
        """The band within ``within_km`` of a border, with its index of tiles (see :class:`Band`).

        The bands of all borders that every analysis needs (1 km, 5 km and the region's
        accuracy) are kept on disk for regions with a stable identity (:func:`read_band`).
        """
        key = ("buffer", None if border is None else border_pair(border), float(within_km))
        if key not in self._border_cache:
            disk = border is None and self.cache_key is not None and float(within_km) in self.disk_band_km
            path = self.band_path(within_km) if disk else None
            band = read_band(path) if path is not None else None
            if band is None:
                _, local = self.border_local(border)
                # simplify first (to 1 % of the distance): the buffer's edge moves by at
                # most that much, and building it is 4-10x faster on detailed borders
                simple = shapely.simplify(local, within_km * 1000.0 / 100.0)
                band = Band.of(shapely.buffer(simple, within_km * 1000.0, quad_segs=8))
                if path is not None:
                    write_band(path, band)
            self._border_cache[key] = band
        return self._border_cache[key]

    def band_path(self, within_km: float) -> Path | None:
        """The cache file of the band within ``within_km`` of all borders (None: no cache folder).

        Named by :func:`engine_key` and the width.
        """
        key = hashlib.sha256(f"{self.cache_key}|{float(within_km)!r}".encode()).hexdigest()[:24]
        try:
            return cache_dir() / f"band-{key}.npz"
        except CorridorError:  # a cache folder that cannot be made: keep the bands in memory
            return None

    def segment_grid(self) -> SegmentGrid:
        """The boundary segments (the edges of territories, water and the extent) on a grid."""
        if "grid" not in self._border_cache:
            self._border_cache["grid"] = SegmentGrid.of(self.bnd)
        return self._border_cache["grid"]

    def run_table(self) -> RunTable | None:
        """The part and surfaces in each empty cell of :meth:`segment_grid` (see :class:`RunTable`).

        None if the parts' edges are not all in the grid (the parts are not the territories').
        """
        if "cells" not in self._border_cache:
            usable = _parts_in_grid(self)
            self._border_cache["cells"] = RunTable(self.segment_grid(), _tell_parts(self), 3) if usable else None
        return self._border_cache["cells"]

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

    def pair_index(self) -> BorderIndex:
        """An STRtree over chunks of every pair's border, each chunk labelled with its pair."""
        if "pair_index" not in self._border_cache:
            self._border_cache["pair_index"] = BorderIndex.of(self.pair_borders_local(), self._eps())
        return self._border_cache["pair_index"]

    def border_index(self, border: Any) -> BorderIndex:
        """The same as :meth:`pair_index` for one border (a pair of territory or part ids)."""
        key = ("index", border_pair(border))
        if key not in self._border_cache:
            self._border_cache[key] = BorderIndex.of([self.border_local(border)], self._eps())
        return self._border_cache[key]

    def _eps(self) -> float:
        """A bound on how much the projection may reorder distances (relative), with a margin.

        At angular distance θ from the centre the scales are ``cos(θ/2)`` and ``1/cos(θ/2)``
        (:func:`corridor.geodesy.local_crs`), so two distances measured in the projection
        compare as their geodesic lengths do unless they differ by less than ``1/cos²(θ/2) - 1``.
        """
        minx, miny, maxx, maxy = self.extent.bounds
        lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
        _, _, d = GEOD.inv(np.full(4, lon0), np.full(4, lat0), [minx, minx, maxx, maxx], [miny, maxy, miny, maxy])
        theta = min(float(np.max(d)) / 6_356_752.3, 3.0)
        return 2.0 * (1.0 / np.cos(theta / 2) ** 2 - 1.0) + 0.01


@dataclass
class Band:
    """A band around borders (local projection): the polygon, and its tiles in an STRtree.

    The tiles (at most :data:`TILE_VERTICES` vertices each) cover the polygon exactly, so a
    line meets the band's few tiles near it instead of the whole band.
    """

    polygon: Any
    tiles: np.ndarray
    tree: shapely.STRtree
    _grid: SegmentGrid | None = None

    @classmethod
    def of(cls, polygon: Any, tiles: np.ndarray | None = None) -> Band:
        """The band of a polygon, tiled (unless ``tiles`` are given), prepared and indexed."""
        tiles = subdivide(polygon, TILE_VERTICES) if tiles is None else tiles
        shapely.prepare(polygon)
        shapely.prepare(tiles)
        return cls(polygon, tiles, shapely.STRtree(tiles))

    def grid(self) -> SegmentGrid:
        """The segments of the band's edge on a grid (built on first use)."""
        if self._grid is None:
            self._grid = SegmentGrid.of(shapely.get_parts(shapely.boundary(self.polygon)))
        return self._grid


@dataclass
class BorderIndex:
    """Chunks of borders (local projection) labelled with their border, in an STRtree.

    ``eps`` bounds how far distances in the projection may differ from the geodesic
    ones (relative), so that the candidates for the nearest border are never missed.
    """

    labels: list[str]
    chunks: np.ndarray
    label: np.ndarray
    bounds: np.ndarray
    first_xy: np.ndarray
    tree: shapely.STRtree
    first_tree: shapely.STRtree
    eps: float

    @classmethod
    def of(cls, borders: list[tuple[str, Any]], eps: float) -> BorderIndex:
        """The index of ``[(label, lines)]``."""
        geoms = np.array([g for _, g in borders], dtype=object)
        chunks, label = chunk_lines(geoms, BORDER_CHUNK, return_index=True)
        shapely.prepare(chunks)
        first = shapely.get_coordinates(shapely.get_point(chunks, 0))
        tree, first_tree = shapely.STRtree(chunks), shapely.STRtree(shapely.points(first))
        labels = [lbl for lbl, _ in borders]
        return cls(labels, chunks, label, shapely.bounds(chunks), first, tree, first_tree, eps)


def subdivide(polygon: Any, max_vertices: int) -> np.ndarray:
    """Polygons of at most ``max_vertices`` vertices that cover ``polygon`` exactly (halving boxes)."""
    todo = shapely.get_parts(np.array([polygon], dtype=object))
    done = []
    for _ in range(64):
        todo = todo[(shapely.get_type_id(todo) == 3) & ~shapely.is_empty(todo)]
        small = shapely.get_num_coordinates(todo) <= max_vertices
        done.append(todo[small])
        big = todo[~small]
        if not len(big):
            break
        b = shapely.bounds(big)
        wide = (b[:, 2] - b[:, 0]) >= (b[:, 3] - b[:, 1])
        mx, my = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
        lo = shapely.box(b[:, 0], b[:, 1], np.where(wide, mx, b[:, 2]), np.where(wide, b[:, 3], my))
        hi = shapely.box(np.where(wide, mx, b[:, 0]), np.where(wide, b[:, 1], my), b[:, 2], b[:, 3])
        halves = shapely.intersection(np.concatenate([big, big]), np.concatenate([lo, hi]))
        todo = shapely.get_parts(shapely.get_parts(halves))
    else:
        done.append(todo[shapely.get_type_id(todo) == 3])
    return np.concatenate(done)


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


def chunk_lines(geoms: np.ndarray, size: int, *, return_index: bool = False) -> Any:
    """Cut (multi)lines into LineStrings of at most ``size`` vertices (shared ends).

    With ``return_index``, also the index of the input geometry of each chunk.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, p_of = shapely.get_parts(geoms, return_index=True)
    parts, p2 = shapely.get_parts(parts, return_index=True)
    p_of = p_of[p2]
    keep = np.isin(shapely.get_type_id(parts), (1, 2))
    parts, p_of = parts[keep], p_of[keep]
    xy, li = shapely.get_coordinates(parts, return_index=True)
    chunks, of_part, _ = chunk_coords(xy, li, size)
    return (chunks, p_of[of_part]) if return_index else chunks


def chunk_coords(xy: np.ndarray, line: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LineStrings of at most ``size`` vertices (shared ends) along the lines of a vertex array.

    ``xy`` holds the vertices of all lines in order, ``line`` the line of each (every line
    with two vertices or more).  Returns the chunks, the line of each and its first vertex.
    """
    if len(xy) == 0:
        return np.array([], dtype=object), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    counts = np.diff(np.r_[starts, len(line)])
    # chunk j of a line runs from its vertex j * step to (j + 1) * step (or its last vertex)
    step = size - 1
    per_line = (counts - 2) // step + 1
    of_line = np.repeat(np.arange(len(starts)), per_line)
    j = np.arange(len(of_line)) - np.repeat(np.cumsum(per_line) - per_line, per_line)
    first = starts[of_line] + j * step
    sizes = np.minimum((j + 1) * step, counts[of_line] - 1) - j * step + 1
    # the source vertex of each output vertex (the ends shared by consecutive chunks twice)
    src = np.arange(int(sizes.sum())) + np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
    chunks = shapely.linestrings(xy[src], indices=np.repeat(np.arange(len(sizes)), sizes))
    return chunks, np.repeat(line[starts], per_line), first


# ---------------------------------------------------------------------------
# bands on disk


def engine_key(eng: Engine) -> str:
    """The key of a region's cache files: its data, the borders and projection used, corridor's version.

    The region's ``data_key`` (the built-in file's checksum, or the key of a region built
    from the world layers) names its data; the borders' WKB and the projection are hashed
    too, so a region changed after loading never reads another's bands.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("corridor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        ver = "0+unknown"
    borders = np.asarray(eng.region.borders.geometry.values, dtype=object)
    src = {
        "schema": BAND_SCHEMA,
        "version": ver,
        "data": str(eng.region.data_key),
        "borders": hashlib.sha256(b"".join(shapely.to_wkb(borders))).hexdigest(),
        "projection": eng.proj.crs.to_wkt(),
        "tile_vertices": TILE_VERTICES,
    }
    return hashlib.sha256(json.dumps(src, sort_keys=True).encode()).hexdigest()


def read_band(path: Path) -> Band | None:
    """The band stored in a cache file, or ``None`` if it is missing, truncated or not a band file."""
    try:
        if not path.is_file():
            return None
        # read whole, then parsed in memory: a broken zip leaves no file open
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as z:
            blob, offsets, digest = z["wkb"], z["offsets"], str(z["sha256"])
        data = blob.tobytes()
        if hashlib.sha256(data).hexdigest() != digest or offsets[0] != 0 or offsets[-1] != len(data):
            return None
        geoms = shapely.from_wkb([data[a:b] for a, b in zip(offsets[:-1], offsets[1:])])
        if len(geoms) < 1 or not np.isin(shapely.get_type_id(geoms), (3, 6)).all():
            return None
        return Band.of(geoms[0], geoms[1:])
    except Exception:  # a broken cache file is a miss: numpy, zipfile and GEOS fail in many ways
        return None


def write_band(path: Path, band: Band) -> None:
    """Store a band in a cache file, atomically; a cache that cannot be written is skipped."""
    wkb = shapely.to_wkb(np.concatenate([np.array([band.polygon], dtype=object), band.tiles]))
    offsets = np.cumsum([0, *map(len, wkb)]).astype(np.int64)
    blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)
    digest = np.array(hashlib.sha256(blob.tobytes()).hexdigest())
    try:
        atomic_write(path, lambda tmp: np.savez(tmp, wkb=blob, offsets=offsets, sha256=digest))
    except (OSError, CorridorError):
        pass


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
    #: the lines' vertices with points on their geodesics (lon/lat), the line of each and the
    #: geodesic length (m) of the piece that starts there (0 at each line's last vertex)
    dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

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
    first_of_line: np.ndarray


def split_lines(
    lines: np.ndarray, eng: Engine, coords: tuple[np.ndarray, np.ndarray] | None = None, *, water: bool = True
) -> Pieces:
    """Cut lines (lon/lat LineStrings) at the territory boundaries of ``eng``'s region.

    ``coords``: the lines' coordinates and the line of each, if known.  ``water=False``
    leaves out the water polygons when the surface of each piece is told (for callers that
    only need the territories and what lies outside the region: the pieces and their parts
    are the same).
    """
    n = len(lines)
    seg, length, dense = _segments(lines, n, eng.lon0, coords)
    if seg is None:
        return Pieces.empty(n, length)
    ev_seg, ev_t, ev_on = grid_events(seg.xy, seg.idx, eng.segment_grid())
    ev_line, ev_m, pos, on = _ordered_events(seg, ev_seg, ev_t, ev_on)
    ok = ev_line[1:] == ev_line[:-1]
    lo, hi = np.flatnonzero(ok), np.flatnonzero(ok) + 1
    part, surface = _place(_midpoints(seg, pos, lo, hi), on, lo, hi, eng, water)
    return Pieces(ev_line.take(lo), ev_m.take(lo), ev_m.take(hi), part, surface, length, dense)


def _place(
    mid: np.ndarray, on: np.ndarray, lo: np.ndarray, hi: np.ndarray, eng: Engine, water: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The part and surface of each piece, from its midpoint ``mid`` (lon/lat rows).

    A midpoint in an empty cell of the boundary grid takes its cell's (:class:`RunTable`);
    the others (near a boundary, or a stretch along one) are looked up in the parts and
    water polygons.
    """
    table = eng.run_table()
    if table is None:
        told, values = np.zeros(len(mid), dtype=bool), np.zeros((len(mid), 3), dtype=np.int64)
    else:
        told, values = table.lookup(mid)
    part, surface = values[:, 0].copy(), values[:, 1 if water else 2].copy()
    todo = np.flatnonzero(~told | (on.take(lo) & on.take(hi)))
    if len(todo):
        pts = shapely.points(mid.take(todo, axis=0))
        tree = shapely.STRtree(pts)
        part[todo] = p = _assign(pts, on, lo.take(todo), hi.take(todo), eng, tree)
        surface[todo] = _surface(pts, p, eng, tree, water)
    return part, surface


def _segments(
    lines: np.ndarray, n: int, lon0: float = 0.0, coords: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[_Segments | None, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """The segments, the length (m) of each line and the vertices followed along the geodesics."""
    xy, li = shapely.get_coordinates(lines, return_index=True) if coords is None else coords
    if len(xy) < 2:
        return None, np.zeros(n), None
    # keep longitudes continuous along each line (antimeridian), and follow each
    # segment's geodesic: long segments get points on it, so cuts are found on the
    # geodesic and chainage reads the same forwards and backwards
    xy, li, piece_m = geodesic_vertices(xy, li)
    dense = (xy, li, piece_m)
    # each line in the region's longitude frame (a whole number of turns away)
    inside = float(xy[:, 0].min()) > lon0 - 180.0 and float(xy[:, 0].max()) < lon0 + 180.0
    first = np.zeros(0, dtype=np.int64) if inside else np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
    turns = np.round((xy[first, 0] - lon0) / 360.0)  # (none when every vertex is within 180° of lon0)
    if turns.any():
        xy = xy.copy()
        xy[:, 0] -= np.repeat(turns, np.diff(np.r_[first, len(li)])) * 360.0
    nonzero = li[1:] == li[:-1]
    vertex = np.ascontiguousarray(xy).view(np.complex128).ravel()  # (lon, lat) as one number: one comparison
    nonzero &= vertex[1:] != vertex[:-1]
    seg_idx = np.flatnonzero(nonzero)  # segment k joins vertex k and k+1
    seg_line = li.take(seg_idx)
    seg_m = piece_m.take(seg_idx)
    length = np.bincount(seg_line, weights=seg_m, minlength=n)
    if len(seg_idx) == 0:
        return None, length, dense
    first_of_line = np.r_[True, seg_line[1:] != seg_line[:-1]]
    return _Segments(xy, seg_idx, seg_line, seg_m, first_of_line), length, dense


@dataclass
class SegmentGrid:
    """The segments of the boundaries registered in the cells of a regular grid.

    The segments of cell ``c`` are entries ``start[c]:start[c + 1]`` of ``seg`` (rows
    ``x0, y0, x1, y1``) and ``box`` (rows ``min x, min y, max x, max y``): a segment is
    listed once in every cell its box meets, so the entries of neighbouring cells lie
    side by side in memory.  Cells are about three times as many as segments
    (:data:`GRID_CELL_SHARE`), so a short segment of a line meets a handful of boundary
    segments in its few cells; ``occupied`` marks the cells that hold any and ``near``
    the cells with an occupied cell among their eight neighbours or themselves.
    """

    seg: np.ndarray
    box: np.ndarray
    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    start: np.ndarray
    occupied: np.ndarray  # per cell: does it hold a segment?
    near: np.ndarray  # per cell: does it or one of its eight neighbours hold a segment?

    @classmethod
    def of(cls, lines: np.ndarray) -> SegmentGrid:
        """The grid of the segments of ``lines`` (lon/lat LineStrings)."""
        seg = _distinct_segments(line_segments(lines)[3])
        lo = np.minimum(seg[:, :2], seg[:, 2:]).min(axis=0) - 1e-9
        hi = np.maximum(seg[:, :2], seg[:, 2:]).max(axis=0) + 1e-9
        w, h = hi - lo
        cell = max(
            GRID_CELL_SHARE * float(np.sqrt(w * h / max(len(seg), 1))), float(np.sqrt(w * h / GRID_MAX_CELLS)), 1e-9
        )
        while True:
            nx, ny = int(w // cell) + 1, int(h // cell) + 1
            ix0, iy0, ix1, iy1 = _cells(_boxes(seg[:, :2], seg[:, 2:]), lo, cell, nx, ny)
            count = (ix1 - ix0 + 1) * (iy1 - iy0 + 1)
            if count.sum() <= 16 * len(seg) + 1024:
                break
            cell *= 2.0  # long diagonal segments fill too many cells: coarser
        ids, owner = _expand_cells(ix0, iy0, ix1, iy1, ny)
        order = np.argsort(ids, kind="stable")
        start = np.searchsorted(ids[order], np.arange(nx * ny + 1))
        entry = owner[order]
        box = np.ascontiguousarray(_boxes(seg[:, :2], seg[:, 2:])[:, entry])
        occupied = start[1:] > start[:-1]
        padded = np.pad(occupied.reshape(nx, ny), 1)
        near = np.zeros((nx, ny), dtype=bool)
        for dx in range(3):
            for dy in range(3):
                near |= padded[dx : dx + nx, dy : dy + ny]
        x0, y0 = float(lo[0]), float(lo[1])
        seg = np.ascontiguousarray(seg[entry].T)
        return cls(seg, box, x0, y0, cell, nx, ny, start, occupied, near.ravel())


class RunTable:
    """What lies in each empty cell of a :class:`SegmentGrid`, told run by run.

    No segment of the grid passes through an empty cell: a segment is listed in every cell
    its box meets, and a point's cell is computed with the same monotone arithmetic as a
    box's, so a point in an empty cell lies strictly outside every segment's box.  The cell
    is a connected rectangle, and so is a run of empty cells next to each other in a column:
    every point of a run is on the same side of every edge of the grid, and ``tell`` at the
    centre of the run's first cell tells them all (a point-in-polygon lookup for polygons
    whose edges are the grid's).  Runs are told when a point first falls in them (a grid
    of a continent has millions of cells; a batch meets few of them).

    ``tell(points)`` takes ``(n, 2)`` coordinates and returns ``(n, width)`` integers.
    """

    def __init__(self, grid: SegmentGrid, tell: Callable[[np.ndarray], np.ndarray], width: int) -> None:
        self.grid, self.tell = grid, tell
        n = grid.nx * grid.ny
        empty = ~grid.occupied
        # runs of empty cells along a column (cell id = ix * ny + iy)
        first = empty.copy()
        first[1:] &= ~(empty[:-1] & (np.arange(1, n) % grid.ny != 0))
        self.start = np.flatnonzero(first)  # the first cell of each run
        #: per cell: its run, -1 for an occupied cell (int32: up to GRID_MAX_CELLS cells)
        self.run = np.where(empty, np.cumsum(first) - 1, -1).astype(np.int32)
        self.value = np.zeros((len(self.start), width), dtype=np.int32)
        #: per run: 0 not told yet, 1 told, 2 cannot be told (its centre rounds into another cell)
        self.state = np.zeros(len(self.start), dtype=np.int8)

    def lookup(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(told, values)`` of points ``xy``: ``told`` is False where a point must be looked up itself."""
        grid = self.grid
        ux = (xy[:, 0] - grid.x0) / grid.cell
        uy = (xy[:, 1] - grid.y0) / grid.cell
        on = (ux >= 0) & (ux < grid.nx) & (uy >= 0) & (uy < grid.ny)  # (False for NaN)
        cx, cy = _vertex_cells(np.where(on[:, None], xy, (grid.x0, grid.y0)), grid)
        run = self.run.take(cx * grid.ny + cy)
        run[~on] = -1  # off the grid: not told
        inside = run >= 0
        r = run.compress(inside)
        new = np.unique(r.compress(self.state.take(r) == 0))
        if len(new):
            self._tell(new)
        told = np.zeros(len(xy), dtype=bool)
        told[inside] = self.state.take(r) == 1
        values = np.zeros((len(xy), self.value.shape[1]), dtype=np.int64)
        values[inside] = np.take(self.value, r, axis=0)
        return told, values

    def _tell(self, runs: np.ndarray) -> None:
        grid = self.grid
        ix, iy = np.divmod(self.start.take(runs), grid.ny)
        centre = np.column_stack([grid.x0 + (ix + 0.5) * grid.cell, grid.y0 + (iy + 0.5) * grid.cell])
        cx, cy = _vertex_cells(centre, grid)
        self.value[runs] = self.tell(centre)
        self.state[runs] = np.where((cx == ix) & (cy == iy), 1, 2)  # last: a run is told once its values are in


def _tell_parts(eng: Engine) -> Callable[[np.ndarray], np.ndarray]:
    """For :class:`RunTable`: the part and the surface (with and without water) of points."""

    def tell(xy: np.ndarray) -> np.ndarray:
        pts = shapely.points(xy)
        tree = shapely.STRtree(pts)
        k = np.arange(len(pts))
        part = _assign(pts, np.zeros(len(pts), dtype=bool), k, k, eng, tree)
        return np.column_stack([part, _surface(pts, part, eng, tree, True), _surface(pts, part, eng, tree, False)])

    return tell


def _parts_in_grid(eng: Engine) -> bool:
    """Whether every edge of the engine's parts is a segment of its grid (as when the parts are the territories')."""
    # the parts are the territories' polygons, as they are when the region derived them: their
    # rings are the grid's (1 ms); else every edge is looked up among the grid's segments (30 ms)
    territories = shapely.get_parts(np.asarray(eng.region.countries.geometry.values, dtype=object))
    if set(shapely.to_wkb(eng.part_geoms)) <= set(shapely.to_wkb(territories)):
        return True
    grid = eng.segment_grid()
    seg = line_segments(shapely.get_parts(shapely.boundary(eng.part_geoms)))[3]
    return bool(np.isin(segment_keys(seg), segment_keys(np.ascontiguousarray(grid.seg.T))).all())


def _distinct_segments(seg: np.ndarray) -> np.ndarray:
    """The rows ``(x0, y0, x1, y1)`` of ``seg`` without repeats in either direction (first kept, in order).

    A border between two territories is a segment of both their boundaries: in the grid once,
    it is tested once (four segments in ten on the built-in region).
    """
    _, first = np.unique(segment_keys(seg), return_index=True)
    return seg[np.sort(first)]


def _boxes(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``(min x, min y, max x, max y)`` of segments from ``p`` to ``q``: an array of 4 rows."""
    return np.stack(
        [
            np.minimum(p[:, 0], q[:, 0]),
            np.minimum(p[:, 1], q[:, 1]),
            np.maximum(p[:, 0], q[:, 0]),
            np.maximum(p[:, 1], q[:, 1]),
        ]
    )


def _cells(box: np.ndarray, lo: np.ndarray, cell: float, nx: int, ny: int) -> tuple[np.ndarray, ...]:
    """The range of grid cells ``(ix0, iy0, ix1, iy1)`` of each box (clipped to the grid)."""
    return (
        _cell_of(box[0], lo[0], cell, nx),
        _cell_of(box[1], lo[1], cell, ny),
        _cell_of(box[2], lo[0], cell, nx),
        _cell_of(box[3], lo[1], cell, ny),
    )


def _cell_of(v: np.ndarray, lo: float, cell: float, n: int) -> np.ndarray:
    """``floor((v - lo) / cell)`` clipped to ``0 .. n - 1``, as integers (clipped first, so truncation floors)."""
    out = v - lo
    out /= cell
    np.clip(out, 0, n - 1, out=out)
    return out.astype(np.int64)


def _expand_cells(
    ix0: np.ndarray, iy0: np.ndarray, ix1: np.ndarray, iy1: np.ndarray, ny: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every (cell id, segment) of the segments' cell ranges (those in one cell first)."""
    wx, wy = ix1 - ix0 + 1, iy1 - iy0 + 1
    one = (wx == 1) & (wy == 1)
    many = np.flatnonzero(~one)
    count = wx.take(many) * wy.take(many)
    owner = np.repeat(many, count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    wo = wy.take(owner)
    ix = ix0.take(owner) + k // wo
    iy = iy0.take(owner) + k % wo
    single = np.flatnonzero(one)
    return np.concatenate([ix0.take(single) * ny + iy0.take(single), ix * ny + iy]), np.concatenate([single, owner])


def grid_events(xy: np.ndarray, idx: np.ndarray, grid: SegmentGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where segments ``xy[idx[k]] → xy[idx[k] + 1]`` meet the grid's segments: ``(k, t, on a stretch)``.

    Candidate pairs come from the grid (:class:`SegmentGrid`); a pair whose four
    orientations are certain in floating point crosses properly (or not at all) and
    is solved in arrays; a pair near a degenerate case (touching, through a vertex,
    collinear) is left to GEOS.  A segment spanning many cells is cut into collinear
    pieces about a cell long first.  ``t`` is the position along the segment (0 to 1);
    the flag marks the points of a stretch running along a grid segment.
    """
    out = []
    for first in range(0, len(idx), GRID_BLOCK):
        block = idx[first : first + GRID_BLOCK]
        # most segments lie in empty cells and are dropped before anything else is computed:
        # those whose ends lie in neighbouring cells (or one) that are not near a boundary
        # segment (every cell of their box neighbours both ends' cells), from the cells of
        # each vertex, computed once; the cells of the others' boxes follow from their ends'
        v0, v1 = int(block.min()), int(block.max()) + 2
        if v1 - v0 <= 2 * len(block):  # most vertices in the range: each vertex once
            cx, cy = _vertex_cells(xy[v0:v1], grid)
            near = grid.near.take(cx * grid.ny + cy)
            maybe = near[:-1] & near[1:]
            maybe |= np.abs(np.diff(cx)) > 1
            maybe |= np.abs(np.diff(cy)) > 1
            sel = np.flatnonzero(maybe.take(block - v0))
            a = block.take(sel) - v0
            ax, bx, ay, by = cx.take(a), cx.take(a + 1), cy.take(a), cy.take(a + 1)
        else:  # a few segments spread along long lines (the edge of a band): their own ends only
            ax, ay = _vertex_cells(np.take(xy, block, axis=0), grid)
            bx, by = _vertex_cells(np.take(xy, block + 1, axis=0), grid)
            maybe = grid.near.take(ax * grid.ny + ay) & grid.near.take(bx * grid.ny + by)
            maybe |= (np.abs(bx - ax) > 1) | (np.abs(by - ay) > 1)
            sel = np.flatnonzero(maybe)
            ax, bx, ay, by = ax.take(sel), bx.take(sel), ay.take(sel), by.take(sel)
        ix0, ix1 = np.minimum(ax, bx), np.maximum(ax, bx)
        iy0, iy1 = np.minimum(ay, by), np.maximum(ay, by)
        k = block.take(sel)
        p, q = np.take(xy, k, axis=0), np.take(xy, k + 1, axis=0)
        ev_seg, ev_t, ev_on = _segment_events(p, q, grid, (ix0, iy0, ix1, iy1))
        out.append((first + sel.take(ev_seg), ev_t, ev_on))
    if not out:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool)
    return tuple(np.concatenate([o[i] for o in out]) for i in range(3))  # type: ignore[return-value]


def _vertex_cells(xy: np.ndarray, grid: SegmentGrid) -> tuple[np.ndarray, np.ndarray]:
    """The grid column and row of each point (clipped to the grid), as :func:`_cells` computes them."""
    return _cell_of(xy[:, 0], grid.x0, grid.cell, grid.nx), _cell_of(xy[:, 1], grid.y0, grid.cell, grid.ny)


def _segment_events(
    p: np.ndarray, q: np.ndarray, grid: SegmentGrid, cells: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`grid_events` of segments ``p → q`` spanning ``cells`` (see :func:`_cells`)."""
    lo = np.array([grid.x0, grid.y0])
    box = _boxes(p, q)
    long_seg = (cells[2] - cells[0] + 1) * (cells[3] - cells[1] + 1) > GRID_MAX_SPAN
    if not long_seg.any():
        return _block_events(p, q, box, cells, grid)
    # long segments: collinear pieces about a cell long, each its own segment
    ls = np.flatnonzero(long_seg)
    n = np.ceil(np.hypot(*(q[ls] - p[ls]).T) / grid.cell).astype(np.int64)
    of = np.repeat(ls, n)
    j = np.arange(len(of)) - np.repeat(np.cumsum(n) - n, n)
    t0, t1 = j / np.repeat(n, n), (j + 1) / np.repeat(n, n)
    short = np.flatnonzero(~long_seg)
    owner = np.concatenate([short, of])
    t_lo = np.concatenate([np.zeros(len(short)), t0])
    t_hi = np.concatenate([np.ones(len(short)), t1])
    pp, qq = p[owner] + (q[owner] - p[owner]) * t_lo[:, None], p[owner] + (q[owner] - p[owner]) * t_hi[:, None]
    pp[: len(short)], qq[: len(short)] = p[short], q[short]
    box = _boxes(pp, qq)
    ev_seg, ev_t, ev_on = _block_events(pp, qq, box, _cells(box, lo, grid.cell, grid.nx, grid.ny), grid)
    return owner[ev_seg], t_lo[ev_seg] + (t_hi[ev_seg] - t_lo[ev_seg]) * ev_t, ev_on


def _block_events(
    p: np.ndarray, q: np.ndarray, box: np.ndarray, cells: tuple[np.ndarray, ...], grid: SegmentGrid
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The events ``(segment, t, on a boundary stretch)`` of segments ``p → q`` (see :func:`grid_events`).

    Gathers use ``take`` and ``compress``: for the 1-d arrays here numpy's ``take`` is about
    1.3x and ``compress`` 4x faster than indexing with integer and boolean arrays.
    """
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool))
    if not len(p):
        return empty
    ids, owner = _occupied_cells(cells, grid)
    first = grid.start.take(ids)
    n = grid.start.take(ids + 1) - first
    if not len(n):
        return empty
    # the pairs (segment s, grid entry j) of each cell, then those whose boxes meet: in x, then in y
    s = np.repeat(owner, n)
    end = np.cumsum(n)
    j = np.arange(int(end[-1])) + np.repeat(first - (end - n), n)
    s, j = _boxes_meet(s, j, box, grid.box, 0)
    s, j = _boxes_meet(s, j, box, grid.box, 1)
    if not len(s):
        return empty
    ax0, ay0, ax1, ay1 = (c.take(j) for c in grid.seg)
    px, py, qx, qy = p[:, 0].take(s), p[:, 1].take(s), q[:, 0].take(s), q[:, 1].take(s)
    rx, ry, wx, wy = qx - px, qy - py, ax1 - ax0, ay1 - ay0
    o1, e1 = _orient(px, py, rx, ry, ax0, ay0)
    o2, e2 = _orient(px, py, rx, ry, ax1, ay1)
    o3, e3 = _orient(ax0, ay0, wx, wy, px, py)
    o4, e4 = _orient(ax0, ay0, wx, wy, qx, qy)
    sure = (np.abs(o1) > e1) & (np.abs(o2) > e2) & (np.abs(o3) > e3) & (np.abs(o4) > e4)
    cross = np.flatnonzero(sure & (np.sign(o1) != np.sign(o2)) & (np.sign(o3) != np.sign(o4)))
    # a proper crossing: t along the line's segment from the two areas
    o3c = o3.take(cross)
    t = np.clip(o3c / (o3c - o4.take(cross)), 0.0, 1.0)
    hard = np.flatnonzero(~sure)
    hs, ht, hon = _exact_events(
        s.take(hard),
        np.column_stack([px.take(hard), py.take(hard)]),
        np.column_stack([qx.take(hard), qy.take(hard)]),
        np.column_stack([ax0.take(hard), ay0.take(hard)]),
        np.column_stack([ax1.take(hard), ay1.take(hard)]),
    )
    return (
        np.concatenate([s.take(cross), hs]),
        np.concatenate([t, ht]),
        np.concatenate([np.zeros(len(t), dtype=bool), hon]),
    )


def _occupied_cells(cells: tuple[np.ndarray, ...], grid: SegmentGrid) -> tuple[np.ndarray, np.ndarray]:
    """Every (occupied cell id, segment) of the segments' cell ranges ``(ix0, iy0, ix1, iy1)``.

    Most segments span at most 2 x 2 cells: their four corner cells are tested at once
    (per segment in the order of :func:`_expand_cells`); the others are expanded.
    """
    ix0, iy0, ix1, iy1 = cells
    dx, dy = ix1 - ix0, iy1 - iy0
    small = np.flatnonzero((dx <= 1) & (dy <= 1))
    dxs, dys = dx.take(small) == 1, dy.take(small) == 1
    corner = (ix0.take(small) * grid.ny + iy0.take(small))[:, None] + np.array([0, 1, grid.ny, grid.ny + 1])
    hit = grid.occupied.take(corner, mode="clip")  # beyond the grid: only corners masked below
    hit[:, 1] &= dys
    hit[:, 2] &= dxs
    hit[:, 3] &= dxs & dys
    k = np.flatnonzero(hit)
    ids, owner = corner.ravel().take(k), small.take(k // 4)
    wide = np.flatnonzero((dx > 1) | (dy > 1))
    if len(wide):
        w_ids, w_owner = _expand_cells(ix0.take(wide), iy0.take(wide), ix1.take(wide), iy1.take(wide), grid.ny)
        full = np.flatnonzero(grid.occupied.take(w_ids))
        ids = np.concatenate([ids, w_ids.take(full)])
        owner = np.concatenate([owner, wide.take(w_owner.take(full))])
    return ids, owner


def _boxes_meet(
    s: np.ndarray, j: np.ndarray, box: np.ndarray, grid_box: np.ndarray, axis: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(s, j)`` whose boxes (``box[:, s]``, ``grid_box[:, j]``) overlap along ``axis`` (0: x, 1: y)."""
    a, b = grid_box[axis + 2].take(j), box[axis].take(s)
    meet = a >= b
    np.take(grid_box[axis], j, out=a)
    np.take(box[axis + 2], s, out=b)
    meet &= a <= b
    keep = np.flatnonzero(meet)
    return s.take(keep), j.take(keep)


def _orient(
    ox: np.ndarray, oy: np.ndarray, dx: np.ndarray, dy: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Twice the signed area of (o, o + d, (x, y)), and a bound on its rounding error."""
    left, right = dx * (y - oy), dy * (x - ox)
    return left - right, ORIENT_ERR * (np.abs(left) + np.abs(right)) + 1e-300


def _exact_events(
    s: np.ndarray, p0: np.ndarray, p1: np.ndarray, a0: np.ndarray, a1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events of segment pairs near a degenerate case, from GEOS (points, or stretches along a boundary)."""
    if not len(s):
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool)
    inter = shapely.intersection(
        shapely.linestrings(np.stack([p0, p1], axis=1)), shapely.linestrings(np.stack([a0, a1], axis=1))
    )
    parts, part_of = shapely.get_parts(inter, return_index=True)
    pxy, pidx = shapely.get_coordinates(parts, return_index=True)
    on_line = np.isin(shapely.get_type_id(parts), (1, 2))[pidx]
    k = part_of[pidx]
    r = p1[k] - p0[k]
    rr = (r * r).sum(axis=1)
    t = np.clip(((pxy - p0[k]) * r).sum(axis=1) / np.where(rr > 0, rr, 1.0), 0.0, 1.0)
    return s[k], t, on_line


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
    order = np.lexsort((pos, seg.line.take(ev_seg)))
    pos, ev_seg, ev_t, ev_on = pos.take(order), ev_seg.take(order), ev_t.take(order), ev_on.take(order)
    lines_of_ev = seg.line.take(ev_seg)
    new_pos = np.r_[True, (np.diff(pos) > 1e-12) | (np.diff(lines_of_ev) != 0)]
    # an event is "on a boundary stretch" if any duplicate at its position is
    grp = np.cumsum(new_pos) - 1
    on_any = np.zeros(int(grp[-1]) + 1, dtype=bool)
    np.logical_or.at(on_any, grp, ev_on)
    keep = np.flatnonzero(new_pos)
    pos, ev_seg, ev_t = pos.take(keep), ev_seg.take(keep), ev_t.take(keep)
    ev_line = seg.line.take(ev_seg)
    # chainage of each event: its share of the (sub-)segment, from the geodesic distances to
    # both ends (d1 / (d1 + d2)), so that it reads the same forwards and backwards exactly
    share = np.where(ev_t >= 1.0, 1.0, 0.0)
    inner = np.flatnonzero((ev_t > 0.0) & (ev_t < 1.0))  # the ends of lines and segments need none
    v = seg.idx.take(ev_seg.take(inner))
    a, b = np.take(seg.xy, v, axis=0), np.take(seg.xy, v + 1, axis=0)
    p = a + (b - a) * ev_t.take(inner)[:, None]
    _, _, d1 = GEOD.inv(a[:, 0], a[:, 1], p[:, 0], p[:, 1])
    _, _, d2 = GEOD.inv(p[:, 0], p[:, 1], b[:, 0], b[:, 1])
    d1, d2 = np.asarray(d1), np.asarray(d2)
    share[inner] = np.where(d1 + d2 > 0, d1 / np.where(d1 + d2 > 0, d1 + d2, 1.0), 0.0)
    return ev_line, _start_m(seg, ev_seg, ev_line) + seg.m.take(ev_seg) * share, pos, on_any


def _start_m(seg: _Segments, ev_seg: np.ndarray, ev_line: np.ndarray) -> np.ndarray:
    """The chainage (m) of the start of segment ``ev_seg[i]`` on its line (sorted; every line's first segment in).

    The lengths of the segments between consecutive events are summed (``reduceat``), then
    these sums along each line's events, in extended precision, so that a line's chainage
    does not depend on the lines before it in the batch.
    """
    run = np.add.reduceat(seg.m, ev_seg)  # from each event's segment to the next event's (exclusive)
    gap = np.zeros(len(ev_seg))
    gap[1:] = run[:-1]
    gap[1:] *= ev_seg[1:] > ev_seg[:-1]  # events on one segment: nothing between them
    new_line = np.flatnonzero(np.r_[True, ev_line[1:] != ev_line[:-1]])
    gap[new_line] = 0.0  # each line's first event is at its start
    start = np.cumsum(gap, dtype=np.longdouble)
    start -= np.repeat(start[new_line], np.diff(np.r_[new_line, len(gap)]))
    return start.astype(float)


def _midpoints(seg: _Segments, pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The midpoint of each piece (rows ``lon, lat`` in the region's frame)."""
    mid = (pos.take(lo) + pos.take(hi)) / 2
    ms = np.minimum(np.floor(mid).astype(np.int64), len(seg.idx) - 1)
    mt = mid - ms
    v = seg.idx.take(ms)
    ma, mb = np.take(seg.xy, v, axis=0), np.take(seg.xy, v + 1, axis=0)
    return ma + (mb - ma) * mt[:, None]


def _assign(
    pts: np.ndarray, on: np.ndarray, lo: np.ndarray, hi: np.ndarray, eng: Engine, tree: shapely.STRtree
) -> np.ndarray:
    """The part index (-1 = unassigned) of each piece, from its midpoint (``tree``: of ``pts``)."""
    # index the points and query with the (prepared) parts: GEOS prepares the
    # query geometry, so point-in-polygon runs on the indexed polygons
    qp, qi = tree.query(eng.part_geoms, predicate="intersects")
    # a stretch along a boundary: look within 1e-9° (0.1 mm) so that it touches
    # both sides whatever the rounding, and let the rule decide
    along = np.flatnonzero(on[lo] & on[hi])
    if len(along):
        ai, ap = eng.part_tree.query(pts[along], predicate="dwithin", distance=1e-9)
        qi = np.concatenate([qi, along[ai]])
        qp = np.concatenate([qp, ap])
    # lowest part index wins: parts are sorted by territory id (the on-border rule)
    none = np.iinfo(np.int64).max
    part = np.full(len(lo), none, dtype=np.int64)
    np.minimum.at(part, qi, qp)
    part[part == none] = -1
    return part


def _surface(pts: np.ndarray, part: np.ndarray, eng: Engine, tree: shapely.STRtree, water: bool = True) -> np.ndarray:
    """The surface code of each piece, from its midpoint (see :data:`SURFACE_NAMES`; ``tree``: of ``pts``).

    ``water=False``: without looking at the water polygons (only :data:`OUTSIDE` is then certain).
    """
    out = np.full(len(pts), LAND if eng.has_water else UNKNOWN)
    unassigned = np.flatnonzero(part < 0)
    if len(unassigned):
        inside = shapely.intersects(eng.extent, pts[unassigned])
        out[unassigned] = np.where(inside, SEA if eng.has_water else UNKNOWN, OUTSIDE)
    if water and len(eng.water_geoms) and len(pts):
        qp, qi = tree.query(eng.water_geoms, predicate="intersects")
        if len(qi):
            # where a point is in two water polygons (on their shared edge), the larger code wins (sea)
            code = np.full(len(pts), -1, dtype=np.int64)
            np.maximum.at(code, qi, eng.water_code[qp])
            idx = np.flatnonzero((code >= 0) & (out != OUTSIDE))
            out[idx] = code[idx]
    return out


# ---------------------------------------------------------------------------
# sections and crossings


def sections(pc: Pieces, eng: Engine, *, by: str = "part") -> pd.DataFrame:
    """Merge consecutive pieces in the same territory (or part) and surface into sections.

    Columns: ``line``, ``iso3``, ``part_id``, ``surface``, ``from_km``, ``to_km``, ``length_km``.
    """
    if not len(pc.line):
        return pd.DataFrame(columns=["line", "iso3", "part_id", "surface", "from_km", "to_km", "length_km"])
    part, surface = _without_slivers(pc)
    # a section starts where the line, the territory (or part) or the surface changes
    iso_code = np.unique(eng.part_iso3, return_inverse=True)[1]
    key = np.where(part >= 0, part if by == "part" else iso_code[np.maximum(part, 0)], -1)
    line = pc.line
    start = np.flatnonzero(np.r_[True, (line[1:] != line[:-1]) | (key[1:] != key[:-1]) | (surface[1:] != surface[:-1])])
    end = np.r_[start[1:], len(line)] - 1
    p = part[start]
    from_km, to_km = pc.from_m[start] / 1000.0, pc.to_m[end] / 1000.0
    return pd.DataFrame(
        {
            "line": line[start],
            "iso3": np.where(p >= 0, eng.part_iso3[np.maximum(p, 0)], UNASSIGNED).astype(object),
            "part_id": np.where(p >= 0, eng.part_ids[np.maximum(p, 0)], UNASSIGNED).astype(object),
            "surface": np.asarray(SURFACE_NAMES, dtype=object)[surface[start]],
            "from_km": from_km,
            "to_km": to_km,
            "length_km": to_km - from_km,
        }
    )


def _without_slivers(pc: Pieces) -> tuple[np.ndarray, np.ndarray]:
    """The part and surface of each piece, a sliver taking those of a neighbour.

    A sliver piece (under 1 mm, where two boundaries that coincide in the data are cut a
    hair apart) joins the longer of its nearest pieces on its line that are not slivers
    (the one before on a tie; the same read backwards).
    """
    part, surface = pc.part.copy(), pc.surface.copy()
    length = pc.to_m - pc.from_m
    tiny = length < SLIVER_M
    if not tiny.any() or tiny.all():
        return part, surface
    n = len(length)
    i = np.arange(n)
    before = np.maximum.accumulate(np.where(tiny, -1, i))
    after = np.minimum.accumulate(np.where(tiny, n, i)[::-1])[::-1]
    ok_b = (before >= 0) & (pc.line[np.maximum(before, 0)] == pc.line)
    ok_a = (after < n) & (pc.line[np.minimum(after, n - 1)] == pc.line)
    len_b = np.where(ok_b, length[np.maximum(before, 0)], -1.0)
    len_a = np.where(ok_a, length[np.minimum(after, n - 1)], -1.0)
    take_after = ~ok_b | (len_a > len_b)
    src = np.where(take_after, after, before)
    use = tiny & np.where(take_after, ok_a, ok_b)
    part[use], surface[use] = part[src[use]], surface[src[use]]
    return part, surface


def crossings_table(secs: pd.DataFrame, *, hop_km: float = HOP_TOLERANCE_KM) -> pd.DataFrame:
    """International crossings from sections (vectorised over lines).

    Columns: ``line``, ``km``, ``from_iso3``, ``to_iso3``, ``water_km``, ``border``.
    """
    iso = secs["iso3"].to_numpy(dtype=object)
    keep = np.flatnonzero(iso != UNASSIGNED)
    iso = iso[keep]
    line = secs["line"].to_numpy()[keep]
    from_km, to_km = secs["from_km"].to_numpy(dtype=float)[keep], secs["to_km"].to_numpy(dtype=float)[keep]
    # a crossing where a line's next (assigned) section lies in another territory
    hit = np.flatnonzero((line[1:] == line[:-1]) & (iso[1:] != iso[:-1]))
    out = pd.DataFrame(
        {
            "line": line[hit + 1].astype(int),
            "km": (to_km[hit] + from_km[hit + 1]) / 2,
            "from_iso3": iso[hit],
            "to_iso3": iso[hit + 1],
            "water_km": from_km[hit + 1] - to_km[hit],
        }
    ).astype({"from_iso3": str, "to_iso3": str})
    if hop_km > 0 and len(out) > 1 and _any_hop(out, hop_km):
        out = _drop_hops(out, hop_km)
    a, b = out["from_iso3"].to_numpy(dtype=object), out["to_iso3"].to_numpy(dtype=object)
    first = a < b
    out["border"] = (np.where(first, a, b) + "–" + np.where(first, b, a)).tolist()
    return out.reset_index(drop=True)


def _any_hop(cx: pd.DataFrame, hop_km: float) -> bool:
    """Whether two consecutive crossings are a hop (see :func:`_drop_hops`; without one it changes nothing)."""
    line, km = cx["line"].to_numpy(), cx["km"].to_numpy()
    a, b = cx["from_iso3"].to_numpy(dtype=object), cx["to_iso3"].to_numpy(dtype=object)
    back = (line[1:] == line[:-1]) & (a[:-1] == b[1:]) & (b[:-1] == a[1:])
    return bool((back & (km[1:] - km[:-1] < hop_km)).any())


def _drop_hops(cx: pd.DataFrame, hop_km: float) -> pd.DataFrame:
    """Merge runs of back-and-forth crossings closer than ``hop_km``.

    A run of alternating crossings of one border (A→B, B→A, A→B, ...), each within
    ``hop_km`` of the next, is a wiggle of the border line: an even run is no crossing
    at all; an odd run is one crossing, placed mid-way between the run's first and last,
    so that the rule reads the same forwards and backwards.
    """
    line, km = cx["line"].to_numpy(), cx["km"].to_numpy(dtype=float)
    a, b = cx["from_iso3"].to_numpy(dtype=object), cx["to_iso3"].to_numpy(dtype=object)
    water = cx["water_km"].to_numpy(dtype=float)
    # crossing i goes on with the run of crossing i - 1: same line, back over the same border, soon
    link = np.r_[False, (line[1:] == line[:-1]) & (a[1:] == b[:-1]) & (b[1:] == a[:-1]) & (km[1:] - km[:-1] < hop_km)]
    first = np.flatnonzero(~link)
    last = np.r_[first[1:], len(cx)] - 1
    odd = (last - first) % 2 == 0
    first, last = first[odd], last[odd]
    water_km = water[first]
    for k in np.flatnonzero(last > first):  # the water of a longer run, summed in order
        water_km[k] = float(sum(water[first[k] : last[k] + 1].tolist()))
    out = pd.DataFrame(
        {"line": line[first], "km": (km[first] + km[last]) / 2, "from_iso3": a[first], "to_iso3": b[first]}
    )
    out["water_km"] = water_km
    return out.astype({"line": int, "km": float, "from_iso3": str, "to_iso3": str, "water_km": float})


# ---------------------------------------------------------------------------
# proximity: lines near borders, through indexes of small pieces


@dataclass
class LocalLines:
    """Lines along their geodesics in the local projection, and their chunks for the indexes.

    ``xy`` holds the projected vertices of all lines in order and ``line`` the line of each;
    ``chunks`` (at most ``size`` vertices each, sharing their ends) cut them up so that an
    STRtree over borders or bands finds the few pieces near each stretch of a line:
    ``chunk_line`` is the line of each, ``chunk_first`` and ``chunk_last`` its first and
    last vertex.
    """

    n: int
    xy: np.ndarray
    line: np.ndarray
    chunks: np.ndarray
    chunk_line: np.ndarray
    chunk_first: np.ndarray
    chunk_last: np.ndarray

    @classmethod
    def of(cls, n: int, xy: np.ndarray, line: np.ndarray, size: int) -> LocalLines:
        """The lines of a vertex array in chunks of at most ``size`` vertices."""
        chunks, chunk_line, first = chunk_coords(xy, line, size)
        # a chunk ends where the next begins, or just before when the next is another line's
        last = np.r_[first[1:], len(xy)] - np.r_[chunk_line[1:] != chunk_line[:-1], True]
        return cls(n, xy, line, chunks, chunk_line, first, last)

    def rechunked(self, size: int) -> LocalLines:
        """The same lines in chunks of at most ``size`` vertices."""
        return LocalLines.of(self.n, self.xy, self.line, size)

    @cached_property
    def chunk_bounds(self) -> np.ndarray:
        """``(min x, min y, max x, max y)`` of each chunk."""
        return shapely.bounds(self.chunks)


def local_lines(eng: Engine, lines_ll: np.ndarray, dense: tuple[np.ndarray, ...] | None = None) -> LocalLines:
    """Lon/lat lines followed along their geodesics, projected, and chunked (see :class:`LocalLines`).

    ``dense`` is the lines' vertices with points on their geodesics and the line of each
    (:attr:`Pieces.dense`, from the split), when at hand.
    """
    if dense is None:
        xy, li = follow_vertices(*shapely.get_coordinates(lines_ll, return_index=True))
    else:
        xy, li = dense[0], dense[1]
    x, y = eng.proj.xy_to_local(xy[:, 0], xy[:, 1])
    return LocalLines.of(len(lines_ll), np.column_stack([x, y]), li, BAND_CHUNK)


def clearance_m(eng: Engine, lines_local: np.ndarray, border_local: Any) -> np.ndarray:
    """Geodesic distance (m) from each projected geometry to the projected border.

    The nearest pair of points is found in the local projection, then
    measured geodesically; 0 where they intersect.
    """
    sl = shapely.shortest_line(lines_local, border_local)
    d = _geodesic_of(eng, sl)
    inter = shapely.intersects(lines_local, border_local)
    return np.where(inter, 0.0, d)


def _geodesic_of(eng: Engine, segments: np.ndarray) -> np.ndarray:
    """Geodesic length (m) of two-point lines in the local projection (their ends, unprojected)."""
    ends = shapely.get_coordinates(segments).reshape(-1, 2, 2)
    lon, lat = eng.proj.xy_to_lonlat(ends[:, :, 0].ravel(), ends[:, :, 1].ravel())
    lon = np.asarray(lon).reshape(-1, 2)
    lat = np.asarray(lat).reshape(-1, 2)
    _, _, d = GEOD.inv(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])
    return np.asarray(d, dtype=float)


def nearest_border(eng: Engine, pts_local: np.ndarray, border: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic distance (m) from each projected point to the nearest border, and that border's label.

    ``border`` is one pair, or ``None`` for every border of the region (each point gets the
    nearest pair, the first in the region's order on a tie).  One nearest-neighbour query
    over the chunks of the borders finds the nearest point in the local projection, which
    is then measured geodesically (as :func:`clearance_m` against the whole border).
    """
    idx = eng.pair_index() if border is None else eng.border_index(border)
    if not len(idx.chunks):
        return np.full(len(pts_local), np.nan), np.full(len(pts_local), "", dtype=object)
    (qi, bj), _ = idx.tree.query_nearest(pts_local, return_distance=True, all_matches=True)
    # on a tie the first border of the region's order, then the first chunk along it
    order = np.lexsort((bj, idx.label[bj], qi))
    first = order[np.r_[True, qi[order][1:] != qi[order][:-1]]]
    qi, bj = qi[first], bj[first]
    d = np.full(len(pts_local), np.nan)
    d[qi] = _geodesic_of(eng, shapely.shortest_line(pts_local[qi], idx.chunks[bj]))
    d[qi] = np.where(shapely.intersects(pts_local[qi], idx.chunks[bj]), 0.0, d[qi])
    labels = np.full(len(pts_local), "", dtype=object)
    labels[qi] = np.asarray(idx.labels, dtype=object)[idx.label[bj]]
    return d, labels


def _chunk_pairs(
    ll: LocalLines,
    idx: BorderIndex,
    lines: np.ndarray,
    radius: np.ndarray,
    exclude: np.ndarray | None,
    nearest_only: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (line chunk, border chunk) near each other, with their planar distance.

    Only for the chunks of ``lines``, border chunks whose box lies within ``radius[line]``
    of theirs; pairs of a (line, label) in ``exclude`` are left out.  Returns the line chunk,
    the border chunk and the distance (m) of the pairs that may be the nearest of their
    (line, label): every pair whose boxes are nearer than the best distance found.  With
    ``nearest_only``, only the labels that may be within ``1 + idx.eps`` of the line's
    nearest label, and the shortest line between the chunks of each pair (else None).
    """
    c = np.flatnonzero(np.isin(ll.chunk_line, lines))
    r = radius[ll.chunk_line[c]]
    b = np.take(ll.chunk_bounds, c, axis=0)
    qi, bj = idx.tree.query(shapely.box(b[:, 0] - r, b[:, 1] - r, b[:, 2] + r, b[:, 3] + r))
    ci = c[qi]
    line, lab = ll.chunk_line[ci], idx.label[bj]
    if exclude is not None and len(ci):
        ok = ~exclude[line, lab]
        ci, bj, line, lab = ci[ok], bj[ok], line[ok], lab[ok]
    if not len(ci):
        return ci, bj, np.zeros(0), np.zeros(0, dtype=object)
    # cheap bounds: an upper bound per (line, label) from the distances between the ends of
    # the line's chunks and the first vertex of the border's; a lower bound per pair from
    # their bounding boxes
    key = line * len(idx.labels) + lab
    best = np.full(ll.n * len(idx.labels), np.inf)
    bx = np.take(idx.first_xy, bj, axis=0)
    a, b = np.take(ll.xy, ll.chunk_first.take(ci), axis=0), np.take(ll.xy, ll.chunk_last.take(ci), axis=0)
    ends = np.minimum(np.hypot(*(a - bx).T), np.hypot(*(b - bx).T))
    np.minimum.at(best, key, ends)
    cb, bb = np.take(ll.chunk_bounds, ci, axis=0), np.take(idx.bounds, bj, axis=0)
    gap_x = np.maximum(0.0, np.maximum(cb[:, 0] - bb[:, 2], bb[:, 0] - cb[:, 2]))
    gap_y = np.maximum(0.0, np.maximum(cb[:, 1] - bb[:, 3], bb[:, 1] - cb[:, 3]))
    gap = np.hypot(gap_x, gap_y) * (1.0 - 1e-9) - 1e-6  # both bounds may be the same corner
    # exact distances nearest box first (per line, then per (line, label)), until no box is
    # nearer than the best found
    d = np.full(len(ci), np.nan)
    sl = np.full(len(ci), None, dtype=object)
    line_best = np.full(ll.n, np.inf)

    def nearer() -> np.ndarray:
        if not nearest_only:
            return gap <= best[key]
        np.minimum.at(line_best, line, best[key])
        return (gap <= best[key]) & (gap <= line_best[line] * (1.0 + idx.eps))

    pending = nearer()
    wave = 0
    while pending.any():
        p = np.flatnonzero(pending)
        if wave < 2:  # the nearest box of each line, then of each (line, label)
            group = line if wave == 0 and nearest_only else key
            order = p[np.lexsort((gap[p], group[p]))]
            p = order[np.r_[True, group[order][1:] != group[order][:-1]]]
        # then every box still nearer than the best of its (line, label), at once
        if nearest_only:  # the nearest points, for the geodesic distance between them
            sl[p] = shapely.shortest_line(ll.chunks[ci[p]], idx.chunks[bj[p]])
            xy = shapely.get_coordinates(sl[p]).reshape(-1, 2, 2)
            d[p] = np.hypot(xy[:, 1, 0] - xy[:, 0, 0], xy[:, 1, 1] - xy[:, 0, 1])
        else:
            d[p] = shapely.distance(ll.chunks[ci[p]], idx.chunks[bj[p]])
        np.minimum.at(best, key[p], d[p])
        pending[p] = False
        pending &= nearer()
        wave += 1
    done = ~np.isnan(d)
    return ci[done], bj[done], d[done], sl[done]


def _seed_m(ll: LocalLines, idx: BorderIndex, lines: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """For each of ``lines``: from the starts of its chunks to the nearest first vertex of a border chunk (m).

    Only where to start searching: border chunks of the pairs a line leaves out
    (``exclude[line, k]``) are skipped when that costs little (every distance is computed for
    the chunks of the lines that cross a border, up to :data:`SEED_PAIRS` of them), else
    counted like the others.
    """
    c = np.flatnonzero(np.isin(ll.chunk_line, lines))
    near = np.full(ll.n, np.inf)
    skips = np.zeros(len(c), dtype=bool) if exclude is None else np.asarray(exclude.any(axis=1))[ll.chunk_line[c]]
    if skips.sum() * len(idx.first_xy) > SEED_PAIRS:
        skips[:] = False
    plain, rest = c[~skips], c[skips]
    if len(plain):
        pts = shapely.points(np.take(ll.xy, ll.chunk_first[plain], axis=0))
        (qi, _), d = idx.first_tree.query_nearest(pts, return_distance=True)
        np.minimum.at(near, ll.chunk_line[plain[qi]], d)
    if len(rest) and exclude is not None:
        xy = np.take(ll.xy, ll.chunk_first[rest], axis=0)
        d = np.hypot(xy[:, None, 0] - idx.first_xy[None, :, 0], xy[:, None, 1] - idx.first_xy[None, :, 1])
        d[exclude[ll.chunk_line[rest]][:, idx.label]] = np.inf
        np.minimum.at(near, ll.chunk_line[rest], d.min(axis=1))
    return near[lines]


def min_clearance_m(eng: Engine, ll: LocalLines, exclude: np.ndarray) -> np.ndarray:
    """Geodesic distance (m) from each line to the nearest border pair it does not cross (inf: none).

    ``exclude[line, k]`` leaves out pair ``k`` of :meth:`Engine.pair_index` for that line.
    The same figure as :func:`clearance_m` against each pair's whole border, the smallest
    over the pairs left: the pairs whose nearest point in the local projection may be the
    geodesically nearest (within the projection's distortion) are found through an index
    of border chunks, searching out from each line until one is found, and only those are
    measured geodesically.
    """
    idx = eng.pair_index()
    best = np.full(ll.n, np.inf)
    if not len(ll.chunks) or not len(idx.chunks):
        return best
    # short chunks: small boxes find few border chunks, and each distance is cheap
    if CLEARANCE_CHUNK != BAND_CHUNK:
        ll = ll.rechunked(CLEARANCE_CHUNK)
    radius = np.full(ll.n, CLEARANCE_START_M)
    bounds = np.vstack([ll.chunk_bounds, idx.bounds])
    r_max = float(np.hypot(*(bounds[:, 2:].max(axis=0) - bounds[:, :2].min(axis=0))))
    active = np.unique(ll.chunk_line)
    found_c, found_s = [], []
    # search first as far as the nearest first vertex of a border chunk (of a pair the line does
    # not leave out) from the starts of the lines' chunks (at least CLEARANCE_START_M, at most
    # everything), then twice as far until the nearest is found
    seed = _seed_m(ll, idx, active, exclude) * (1.0 + idx.eps) + 1.0
    radius[active] = np.minimum(np.maximum(radius[active], seed), r_max)
    while len(active):
        ci, bj, d, sl = _chunk_pairs(ll, idx, active, radius, exclude, nearest_only=True)
        # per (line, pair): the nearest pair of chunks (the first along the line on a tie)
        key = ll.chunk_line[ci] * len(idx.labels) + idx.label[bj]
        order = np.lexsort((bj, ci, d, key))
        first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(order) else order
        ci, bj, d, sl = ci[first], bj[first], d[first], sl[first]
        line = ll.chunk_line[ci]
        near = np.full(ll.n, np.inf)
        np.minimum.at(near, line, d)
        done = (near[active] * (1.0 + idx.eps) <= radius[active]) | (radius[active] >= r_max)
        # the pairs that may be the geodesically nearest of a line that is done
        take = np.isin(line, active[done]) & (d <= near[line] * (1.0 + idx.eps))
        found_c.append(ci[take])
        found_s.append(sl[take])
        active = active[~done]
        radius[active] *= 2.0
    ci, sl = np.concatenate(found_c), np.concatenate(found_s)
    if len(ci):  # (a line that meets a border has a shortest line of length 0)
        np.minimum.at(best, ll.chunk_line[ci], _geodesic_of(eng, sl))
    return best


def pair_distances_m(eng: Engine, ll: LocalLines, max_m: float) -> pd.DataFrame:
    """Planar distance (m, local projection) from each line to each border pair within ``max_m``.

    Columns ``line``, ``border`` (label ``A–B``), ``distance_m``: the same figure as
    ``shapely.distance`` between the projected line and the pair's whole border.
    """
    idx = eng.pair_index()
    lines = np.unique(ll.chunk_line)
    ci, bj, d, _ = _chunk_pairs(ll, idx, lines, np.full(ll.n, float(max_m)), None)
    df = pd.DataFrame({"line": ll.chunk_line[ci], "k": idx.label[bj], "distance_m": d})
    df = df.groupby(["line", "k"], as_index=False)["distance_m"].min()
    df = df[df["distance_m"] <= max_m]
    labels = np.asarray(idx.labels, dtype=object)
    return pd.DataFrame(
        {"line": df["line"].to_numpy(), "border": labels[df["k"].to_numpy()], "distance_m": df["distance_m"].to_numpy()}
    )


def within_band(
    eng: Engine, lines_ll: np.ndarray, within_km: float, border: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The parts of each line within ``within_km`` of a border (lon/lat) and their geodesic km."""
    buf = eng.border_buffer(within_km, border)
    inside = eng.to_ll(shapely.intersection(eng.to_local(follow_geodesics(lines_ll)), buf))
    return inside, np.asarray(length_m(inside), dtype=float) / 1000.0


def km_within(
    eng: Engine, lines_ll: np.ndarray, within_km: float, border: Any = None, *, local: LocalLines | None = None
) -> np.ndarray:
    """Geodesic km of each line within ``within_km`` of a border (default: any international border).

    The figure of :func:`within_band` (the geodesic length of the lines' parts inside the
    band, in the local projection), through the band's index: a chunk of a line inside one
    tile counts whole; a chunk meeting the band's edge is cut where its segments cross the
    edge (:func:`grid_events` on the band's edge) and its pieces inside are measured.
    ``local`` (from :func:`local_lines`) saves projecting the lines again.
    """
    band = eng.band(within_km, border)
    ll = local if local is not None else local_lines(eng, lines_ll)
    out = np.zeros(ll.n)
    if not len(ll.chunks) or not len(band.tiles):
        return out
    ci, ti = band.tree.query(ll.chunks, predicate="intersects")
    if not len(ci):
        return out
    whole = np.zeros(len(ll.chunks), dtype=bool)
    whole[ci[shapely.covers(band.tiles[ti], ll.chunks[ci])]] = True
    near = np.zeros(len(ll.chunks), dtype=bool)
    near[ci] = True
    w = np.flatnonzero(whole)
    c, u0, u1 = _inside(ll, np.flatnonzero(near & ~whole), band)
    c, u0, u1 = np.concatenate([w, c]), np.concatenate([ll.chunk_first[w], u0]), np.concatenate([ll.chunk_last[w], u1])
    np.add.at(out, ll.chunk_line[c], _length_between(eng, ll, u0.astype(float), u1.astype(float)) / 1000.0)
    return out


def _inside(ll: LocalLines, chunks: np.ndarray, band: Band) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pieces of some chunks of lines inside a band: the chunk, start and end of each.

    Positions along the lines are vertex indices plus the share of the segment (``u``).
    """
    if not len(chunks):
        return chunks, np.zeros(0), np.zeros(0)
    first, last = ll.chunk_first[chunks], ll.chunk_last[chunks]
    n = last - first
    seg_chunk = np.repeat(np.arange(len(chunks)), n)
    idx = np.arange(int(n.sum())) + np.repeat(first - (np.cumsum(n) - n), n)
    x, y = ll.xy[:, 0], ll.xy[:, 1]
    moves = (x[idx] != x[idx + 1]) | (y[idx] != y[idx + 1])
    idx, seg_chunk = idx[moves], seg_chunk[moves]
    ev_k, ev_t, _ = grid_events(ll.xy, idx, band.grid())
    u = np.concatenate([idx[ev_k] + ev_t, first, last]).astype(float)
    c = np.concatenate([seg_chunk[ev_k], np.arange(len(chunks)), np.arange(len(chunks))])
    order = np.lexsort((u, c))
    u, c = u[order], c[order]
    pair = np.flatnonzero((c[1:] == c[:-1]) & (u[1:] > u[:-1]))
    u0, u1 = u[pair], u[pair + 1]
    inside = shapely.intersects(band.polygon, shapely.points(_local_at(ll, (u0 + u1) / 2)))
    return chunks[c[pair][inside]], u0[inside], u1[inside]


def _local_at(ll: LocalLines, u: np.ndarray) -> np.ndarray:
    """Projected points at positions ``u`` (vertex index plus share of the segment)."""
    i = np.minimum(np.floor(u).astype(np.int64), len(ll.xy) - 2)
    f = (u - i)[:, None]
    return ll.xy[i] + (ll.xy[i + 1] - ll.xy[i]) * f


def _length_between(eng: Engine, ll: LocalLines, u0: np.ndarray, u1: np.ndarray) -> np.ndarray:
    """Geodesic length (m) from ``u0`` to ``u1`` along the lines (``u0 < u1`` on one line).

    Measured as :func:`within_band` measures its parts: the projected points at both ends
    and the projected vertices between, unprojected, with the geodesic between each two.
    """
    i0, i1 = np.ceil(u0).astype(np.int64), np.floor(u1).astype(np.int64)
    count = np.maximum(i1 - i0 + 1, 0) + 2  # the two ends and the vertices between
    piece = np.repeat(np.arange(len(u0)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    vertex = np.minimum(np.repeat(i0, count) + k - 1, len(ll.xy) - 1)
    xy = ll.xy[vertex]
    start, end = k == 0, k == np.repeat(count, count) - 1
    xy[start] = _local_at(ll, u0)
    xy[end] = _local_at(ll, u1)
    lon, lat = eng.proj.xy_to_lonlat(xy[:, 0], xy[:, 1])
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    same = piece[1:] == piece[:-1]
    return np.bincount(piece[:-1][same], weights=np.asarray(d)[same], minlength=len(u0))
