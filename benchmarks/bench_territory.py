"""Territory split: corridor's vectorised engine against the straightforward geopandas way and the floor.

Run with ``python -m pytest benchmarks/bench_territory.py -s`` (not part of the test run).
The batch: 2,000 seeded random-walk lines over the region (50 steps of ~2 km each).
The reference: ``geopandas.overlay(lines, countries, how="intersection")`` and pyproj's
geodesic ``Geod.geometry_length`` on each piece, summed per line and country, on the lines
densified along their geodesics as corridor follows them (``geodesy.follow_geodesics``:
segments whose lon/lat chord strays more than 0.5 m from the geodesic get points on it).

The floor: the least work any exact method must do on the batch, whatever it does to find
where the lines cross borders: one geodesic length per segment of the lines (``Geod.inv``
on every segment, as followed along its geodesic) plus one point-in-polygon lookup per
piece between two cuts (the midpoints of corridor's pieces, with the cheapest lookup corridor
has: the part of the grid cell a midpoint falls in where no boundary passes through that cell,
else the indexed midpoints against the prepared parts).  ``test_agree_and_ratio`` times
corridor, the floor and the reference side by side in one run (best of ``REPEAT``, CPU time
of this process; the reference once or twice).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

import corridor

N_LINES = 2000
N_STEPS = 50
REPEAT = 7


def random_walks(n: int = N_LINES, steps: int = N_STEPS, seed: int = 42) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    start = np.column_stack([rng.uniform(41.5, 53.5, n), rng.uniform(37.5, 46.0, n)])
    d = rng.normal(0, 0.02, size=(n, steps, 2))
    xy = start[:, None, :] + np.cumsum(d, axis=1)
    lines = shapely.linestrings(xy)
    return gpd.GeoDataFrame({"name": [f"walk{i}" for i in range(n)]}, geometry=lines, crs=4326)


def geopandas_reference(lines: gpd.GeoDataFrame, region: corridor.Region) -> pd.DataFrame:
    geod = pyproj.Geod(ellps="WGS84")
    lines = lines.assign(line=np.arange(len(lines)))
    lines = lines.set_geometry(corridor.geodesy.follow_geodesics(lines.geometry.values), crs=lines.crs)
    pieces = gpd.overlay(lines, region.countries[["iso3", "geometry"]], how="intersection", keep_geom_type=True)
    pieces["km"] = [geod.geometry_length(g) / 1000.0 for g in pieces.geometry]
    table = pieces.pivot_table(index="line", columns="iso3", values="km", aggfunc="sum", fill_value=0.0)
    return table.reindex(index=range(len(lines)), columns=sorted(region.countries["iso3"]), fill_value=0.0)


@pytest.fixture(scope="module")
def batch():
    return random_walks()


@pytest.fixture(scope="module")
def region():
    r = corridor.load_region()
    corridor.territory_km(random_walks(5), region=r)  # build the engine's index once
    return r


def test_corridor_territory_km(benchmark, batch, region):
    result = benchmark(corridor.territory_km, batch, region=region)
    assert len(result) == N_LINES


def test_geopandas_overlay(benchmark, batch, region):
    benchmark.pedantic(geopandas_reference, args=(batch, region), rounds=1, iterations=1)


def best_cpu(f, repeat: int = REPEAT) -> tuple[float, object]:
    """(best CPU seconds, last result) of ``repeat`` calls."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.process_time()
        out = f()
        times.append(time.process_time() - t0)
    return min(times), out


def floor_work(lines: np.ndarray, region: corridor.Region) -> Callable[[], object]:
    """The floor's work on ``lines`` (see the module's docstring), ready to be timed."""
    geod = pyproj.Geod(ellps="WGS84")
    dense = corridor.geodesy.follow_geodesics(lines)
    xy, li = shapely.get_coordinates(dense, return_index=True)
    same = li[1:] == li[:-1]
    lon0, lat0, lon1, lat1 = xy[:-1, 0][same], xy[:-1, 1][same], xy[1:, 0][same], xy[1:, 1][same]
    # the pieces corridor finds, one midpoint each (only their number and places matter here)
    pieces = corridor.geodesy.follow_geodesics(lines)
    eng = corridor._engine.engine_for(region)
    pc = corridor._engine.split_lines(pieces, eng)
    mid_m = (pc.from_m + pc.to_m) / 2
    pts = np.empty((len(mid_m), 2))
    for k in np.unique(pc.line):
        sel = pc.line == k
        c = shapely.get_coordinates(dense[k])
        cum = np.r_[0.0, np.cumsum(corridor.geodesy.segment_lengths_m(c))]
        pts[sel] = corridor.geodesy.points_at_m(c, cum, mid_m[sel])
    flat = np.zeros(len(pts), dtype=bool)
    k = np.arange(len(pts))

    def work() -> object:
        _, _, d = geod.inv(lon0, lat0, lon1, lat1)
        # the cheapest lookup known: the grid's empty cells, then the prepared parts for the rest
        return d, corridor._engine._place(pts, flat, k, k, eng, water=False)

    return work


def test_agree_and_ratio(batch, region):
    lines = np.asarray(batch.geometry.values, dtype=object)
    t_ours, ours = best_cpu(lambda: corridor.territory_km(batch, region=region))
    t_floor, _ = best_cpu(floor_work(lines, region))
    t_ref, ref = best_cpu(lambda: geopandas_reference(batch, region), repeat=2)
    cols = ref.columns
    diff = ours[cols].to_numpy() - ref.to_numpy()
    # agreement to a millimetre per line and country (both measure geodesic lengths
    # between the same vertices; overlay adds the same boundary points)
    assert np.abs(diff).max() < 1e-6
    print(
        f"\ncorridor.territory_km {t_ours:.3f} s, geopandas overlay + pyproj {t_ref:.2f} s, floor {t_floor:.3f} s "
        f"(CPU, {N_LINES} lines): {t_ref / t_ours:.1f}x faster than overlay, {t_ours / t_floor:.2f}x the floor; "
        f"max diff {np.abs(diff).max() * 1e6:.4f} mm"
    )


def million_vertex_coords() -> np.ndarray:
    """A 10,000 km route with a million vertices (seeded random walk, 10 m steps) over the region."""
    rng = np.random.default_rng(1)
    steps = rng.normal(0, 1, size=(1_000_000, 2))
    steps /= np.linalg.norm(steps, axis=1)[:, None]
    heading = np.array([1.0, 0.2]) / np.hypot(1.0, 0.2)
    steps = 0.3 * steps + heading  # mostly eastward
    xy = np.array([41.0, 38.0]) + np.cumsum(steps * 1e-4, axis=0)
    xy[:, 0] = ((xy[:, 0] - 41.0) % 14.0) + 41.0  # wrap inside the region's longitudes (40–55.5°E)
    xy[:, 1] = 36.5 + np.abs(((xy[:, 1] - 36.5) % 20.0) - 10.0)  # and latitudes (36–47.5°N)
    jump = np.r_[False, np.abs(np.diff(xy[:, 0])) > 1]
    return xy[~jump]


def test_million_vertex_route(region):
    xy = million_vertex_coords()
    r = corridor.Route.from_coords(xy)
    t_analyze, a = best_cpu(lambda: corridor.analyze(r, region=region), repeat=3)
    t_summary, _ = best_cpu(lambda: corridor.analyze(r, region=region).summary(), repeat=2)
    assert a.km_by_territory.sum() == pytest.approx(a.length_km, rel=1e-9)
    print(
        f"\n{len(xy):,} vertices, {a.length_km:,.0f} km: analyze {t_analyze:.1f} s, analyze + summary "
        f"{t_summary:.1f} s (CPU), {len(a.sections)} sections, {len(a.crossings)} crossings"
    )
