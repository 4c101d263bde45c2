"""The engine's indexed paths give the figures of the straightforward ones they replace.

Each test computes a figure both ways on seeded random lines over the built-in region:
clearance and nearest border through the border-chunk index against every border pair in
turn, km in a band through its tiles against the intersection with the whole band, the
crossing points matched in arrays against ``match_crossings`` line by line, the points
on the geodesics without lengths against ``geodesic_vertices``, and the part and surface of
points from the empty cells of the boundary grid against the point-in-polygon lookup.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

import corridor
from corridor import _engine, measure
from corridor.crossings import CrossingPolicy, match_crossings
from corridor.geodesy import follow_geodesics, follow_vertices, geodesic_vertices


def _walks(n: int, seed: int, steps: int = 30, step_deg: float = 0.03) -> np.ndarray:
    rng = np.random.default_rng(seed)
    start = np.column_stack([rng.uniform(42.0, 53.0, n), rng.uniform(38.0, 45.5, n)])
    xy = start[:, None, :] + np.cumsum(rng.normal(0, step_deg, size=(n, steps, 2)), axis=1)
    return shapely.linestrings(xy)


@pytest.fixture(scope="module")
def eng(region):
    return _engine.engine_for(region)


@pytest.fixture(scope="module")
def lines():
    return _walks(120, seed=5)


def test_clearance_through_the_index_equals_every_pair_in_turn(eng, lines):
    pc = _engine.split_lines(lines, eng)
    cx = _engine.crossings_table(_engine.sections(pc, eng, by="iso3"))
    ll = _engine.local_lines(eng, lines, pc.dense)
    fast = measure._clearance_km(eng, ll, cx)
    local = eng.to_local(follow_geodesics(lines))
    crossed = set(zip(cx["line"].astype(int), cx["border"]))
    slow = np.full(len(lines), np.inf)
    for label, g in eng.pair_borders_local():
        d = _engine.clearance_m(eng, local, g) / 1000.0
        skip = np.array([(k, label) in crossed for k in range(len(lines))])
        slow = np.where(skip, slow, np.minimum(slow, d))
    np.testing.assert_array_equal(fast, np.where(np.isfinite(slow), slow, np.nan))


def test_nearest_border_equals_every_border_in_turn(eng, lines):
    xy = shapely.get_coordinates(lines)[::7]
    pts = shapely.points(np.column_stack(eng.proj.xy_to_local(xy[:, 0], xy[:, 1])))
    d, labels = _engine.nearest_border(eng, pts)
    pairs = eng.pair_borders_local()
    best = np.argmin(np.vstack([shapely.distance(pts, g) for _, g in pairs]), axis=0)
    slow = np.empty(len(pts))
    for k, (_, g) in enumerate(pairs):
        sel = best == k
        slow[sel] = _engine.clearance_m(eng, pts[sel], g)
    np.testing.assert_array_equal(d, slow)
    assert list(labels) == [pairs[k][0] for k in best]


@pytest.mark.parametrize(("within_km", "border"), [(1.0, None), (5.0, None), (2.0, ("ARM", "AZE"))])
def test_km_in_a_band_through_its_tiles_equals_the_whole_band(eng, lines, within_km, border):
    fast = _engine.km_within(eng, lines, within_km, border)
    _, slow = _engine.within_band(eng, lines, within_km, border)
    assert np.abs(fast - slow).max() < 1e-9  # km: the same parts, summed in another order


def test_crossing_points_in_arrays_equal_match_crossings_line_by_line(eng, region):
    rng = np.random.default_rng(9)
    lines = _walks(150, seed=9, steps=40, step_deg=0.05)
    modes = ["rail", "road", "ferry", "other"]
    routes = [corridor.Route.from_coords(shapely.get_coordinates(g), mode=modes[i % 4]) for i, g in enumerate(lines)]
    policies = [CrossingPolicy(as_of="2015-01-01") if rng.random() < 0.3 else CrossingPolicy() for _ in routes]
    pc = _engine.split_lines(lines, eng)
    cx = _engine.crossings_table(_engine.sections(pc, eng, by="iso3"))
    assert len(cx) > 50
    fast = measure._with_crossing_points(eng, cx, lines, routes, policies)
    land = measure._land_pairs(eng)
    rows = []
    for k, part in cx.groupby("line", sort=True):
        g = measure._gpd_points(part, routes[k].points_at_km(part["km"].to_numpy()))
        mode = measure._mode_at(routes[k], part["km"].to_numpy())
        matched = match_crossings(g, mode, land_pairs=land, route=routes[k], policy=policies[k])
        rows.append(pd.concat([part, matched], axis=1))
    # the same values; the dtypes of the text columns may differ (line by line, a line with
    # no crossing point at all makes the concatenated column ``object``, with None not NaN)
    slow = pd.concat(rows).sort_index()
    assert list(fast.columns) == list(slow.columns)
    for c in fast.columns:
        a, b = fast[c].astype(object), slow[c].astype(object)
        assert (a.isna() == b.isna()).all(), c
        assert a[a.notna()].tolist() == b[b.notna()].tolist(), c


def test_points_on_the_geodesics_without_lengths_equal_geodesic_vertices():
    rng = np.random.default_rng(2)
    xy = np.column_stack([rng.uniform(-180, 180, 400), rng.uniform(-85, 85, 400)])
    line = np.repeat(np.arange(80), 5)
    dense, li = follow_vertices(xy, line)
    ref, ref_li, _ = geodesic_vertices(xy, line)
    np.testing.assert_array_equal(dense, ref)
    np.testing.assert_array_equal(li, ref_li)


def _placed_by_geos(eng, mid: np.ndarray, water: bool) -> tuple[np.ndarray, np.ndarray]:
    pts = shapely.points(mid)
    tree = shapely.STRtree(pts)
    k = np.arange(len(pts))
    part = _engine._assign(pts, np.zeros(len(pts), dtype=bool), k, k, eng, tree)
    return part, _engine._surface(pts, part, eng, tree, water)


@pytest.mark.parametrize("water", [True, False])
def test_part_and_surface_from_the_cells_equal_point_in_polygon(eng, water):
    grid = eng.segment_grid()
    rng = np.random.default_rng(11)
    x1, y1 = grid.x0 + grid.nx * grid.cell, grid.y0 + grid.ny * grid.cell
    anywhere = np.column_stack([rng.uniform(grid.x0 - 1, x1 + 1, 20_000), rng.uniform(grid.y0 - 1, y1 + 1, 20_000)])
    # points on the lines between cells, and the corners of cells, where rounding decides the cell
    ix, iy = rng.integers(0, grid.nx, 5000), rng.integers(0, grid.ny, 5000)
    on_x = np.column_stack([grid.x0 + ix * grid.cell, rng.uniform(grid.y0, y1, 5000)])
    on_y = np.column_stack([rng.uniform(grid.x0, x1, 5000), grid.y0 + iy * grid.cell])
    corners = np.column_stack([grid.x0 + ix * grid.cell, grid.y0 + iy * grid.cell])
    mid = np.concatenate([anywhere, on_x, on_y, corners, np.nextafter(corners, -np.inf)])
    k = np.arange(len(mid))
    part, surface = _engine._place(mid, np.zeros(len(mid), dtype=bool), k, k, eng, water)
    ref_part, ref_surface = _placed_by_geos(eng, mid, water)
    np.testing.assert_array_equal(part, ref_part)
    np.testing.assert_array_equal(surface, ref_surface)
    table = eng.run_table()
    assert (table.run >= 0).mean() > 0.8  # most cells are told by the table (the rest are near a boundary)
    assert (table.state == 1).sum() > 1000  # runs told for the points above
    assert set(np.unique(surface)) >= ({_engine.LAND, _engine.SEA, _engine.INLAND} if water else {_engine.LAND})


def test_no_cells_are_told_when_the_parts_are_not_the_grids_edges(region):
    eng = _engine.Engine(region)
    eng.part_geoms = shapely.transform(eng.part_geoms, lambda c: c + 1e-7)  # parts not drawn from the boundaries
    shapely.prepare(eng.part_geoms)
    assert eng.run_table() is None
    mid = np.array([(45.0, 40.0), (44.5, 40.2)])
    k = np.arange(2)
    part, _ = _engine._place(mid, np.zeros(2, dtype=bool), k, k, eng, True)
    np.testing.assert_array_equal(part, _placed_by_geos(eng, mid, True)[0])


def _hops_one_by_one(cx: pd.DataFrame, hop_km: float) -> list[tuple]:
    """The hop rule crossing by crossing: runs of back-and-forth crossings within ``hop_km``."""
    runs: list[list[int]] = []
    rows = list(cx.itertuples(index=False))
    for i, r in enumerate(rows):
        p = rows[i - 1] if i else None
        if runs and p.line == r.line and p.from_iso3 == r.to_iso3 and p.to_iso3 == r.from_iso3 and r.km - p.km < hop_km:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        if len(run) % 2:
            f, la = rows[run[0]], rows[run[-1]]
            out.append((f.line, (f.km + la.km) / 2, f.from_iso3, f.to_iso3, float(sum(rows[k].water_km for k in run))))
    return out


def test_hops_dropped_as_one_by_one():
    # seeded crossings of two lines, with runs of 1 to 5 back-and-forth crossings of one border
    rng = np.random.default_rng(5)
    rows, km = [], 0.0
    for line in (0, 1):
        for _ in range(60):
            a, b = ("ARM", "AZE") if rng.random() < 0.7 else ("GEO", "ARM")
            for _k in range(int(rng.integers(1, 6))):
                km += float(rng.uniform(0.001, 0.049))
                rows.append((line, km, a, b, float(rng.choice([0.0, rng.uniform(0, 0.01)]))))
                a, b = b, a
            km += float(rng.uniform(0.05, 3.0))
    cx = pd.DataFrame(rows, columns=["line", "km", "from_iso3", "to_iso3", "water_km"])
    got = _engine._drop_hops(cx, 0.05)
    want = _hops_one_by_one(cx, 0.05)
    assert len(want) < len(cx) / 2  # runs were merged
    assert list(got.itertuples(index=False, name=None)) == want
    assert list(got.columns) == ["line", "km", "from_iso3", "to_iso3", "water_km"]
    assert got["line"].dtype.kind == "i" and got["km"].dtype.kind == got["water_km"].dtype.kind == "f"
