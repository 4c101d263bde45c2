"""clean_coverage on tiny test polygons (invented squares, about 10 km across)."""

import numpy as np
import pytest
import shapely

from corridor import clean_coverage, geodesy

from .common import square


def test_overlap_is_split_down_the_middle():
    # A and B overlap in a strip 0.002° wide (about 170 m at 40°N)
    a = shapely.box(45.0, 40.0, 45.101, 40.1)
    b = shapely.box(45.099, 40.0, 45.2, 40.1)
    out, report = clean_coverage([a, b], ["A", "B"])
    assert shapely.coverage_is_valid(out)
    assert shapely.area(shapely.intersection(out[0], out[1])) == 0
    # the shared border runs along the median, 45.100°E, whole (one line)
    shared = shapely.intersection(out[0].boundary, out[1].boundary)
    xy = shapely.get_coordinates(shared)
    inner = xy[(xy[:, 1] > 40.002) & (xy[:, 1] < 40.098)]  # away from the outer corners
    assert len(inner) > 10 and np.allclose(inner[:, 0], 45.1, atol=2e-5)  # within ~2 m
    assert np.abs(xy[:, 0] - 45.1).max() < 0.0011  # never beyond the overlap strip
    assert geodesy.length_m(shapely.line_merge(shared)) == pytest.approx(11_104, rel=0.01)
    ov = report[report["kind"] == "overlap"].set_index("assigned_to")["area_km2"]
    assert ov["A"] == pytest.approx(ov["B"], rel=0.05)  # half each


def test_enclave_drawn_in_both_layers_goes_to_its_owner():
    outer = shapely.box(45.0, 40.0, 45.2, 40.2)  # no hole for the enclave
    enclave = shapely.box(45.08, 40.08, 45.12, 40.12)
    home = shapely.box(45.2, 40.0, 45.4, 40.2)
    owner = shapely.MultiPolygon([home, enclave])
    out, report = clean_coverage([outer, owner], ["OUT", "OWN"])
    assert shapely.coverage_is_valid(out)
    assert shapely.contains(out[1], enclave.centroid)
    assert not shapely.contains(out[0], enclave.centroid)
    row = report[report["kind"] == "enclave"]
    assert list(row["assigned_to"]) == ["OWN"]
    assert row["area_km2"].iloc[0] == pytest.approx(geodesy.area_km2(enclave), rel=1e-6)


def test_wide_water_stays_unassigned():
    # a 3 km gap (a reservoir) is wider than gap_width_m=1000 and stays water
    a, b = square(0), square(1, gap_deg=0.035)
    out, report = clean_coverage([a, b], ["A", "B"])
    assert not shapely.intersects(out[0], out[1])
    assert report.empty


def test_bad_arguments():
    a = square()
    with pytest.raises(ValueError, match="unique"):
        clean_coverage([a, a], ["A", "A"])
    with pytest.raises(ValueError, match="gap_width_m"):
        clean_coverage([a], ["A"], gap_width_m=-1)


def test_shifted_row_of_squares_cleans_to_polygons():
    # found by hypothesis: at this longitude an overlay left a collapsed line among the parts
    import corridor

    from .common import squares_gdf

    g = squares_gdf(["A", "B", "C"])
    g = g.set_geometry(shapely.transform(g.geometry.values, lambda xy: xy + [-81.97659646496804, 0.0]), crs=4326)
    r = corridor.load_region(g, id_column="id")
    assert r.neighbours("B") == ["A", "C"]
    assert r.border_length_km("A", "B") == pytest.approx(11.1036, abs=1e-3)  # 0.1° of latitude at 40 °N


def _same_rows(a, b):
    assert [(x, y) for x, y, _ in a] == [(x, y) for x, y, _ in b]
    for (_, _, g), (_, _, h) in zip(a, b):
        assert shapely.get_num_geometries(g) == shapely.get_num_geometries(h)
        assert shapely.equals_exact(g, h, 0)  # the same vertices, in the same order and direction


@pytest.mark.parametrize("source", ["builtin", "naturalearth"])
def test_borders_of_a_valid_coverage_from_shared_segments_equal_the_overlays(source):
    from corridor import load_region
    from corridor._topology import pair_borders

    r = load_region() if source == "builtin" else load_region(source="naturalearth")
    for ids, geoms in [
        (list(r.countries.iso3), np.asarray(r.countries.geometry.values)),
        (list(r.parts.part_id), np.asarray(r.parts.geometry.values)),  # with enclaves: closed loops
    ]:
        assert shapely.coverage_is_valid(geoms)
        fast = pair_borders(ids, geoms, coverage=True)
        _same_rows(fast, pair_borders(ids, geoms))
    armenia_azerbaijan = {(a, b): g for a, b, g in fast}.get(("ARM-1", "AZE-1"))
    assert armenia_azerbaijan is not None and geodesy.length_m(armenia_azerbaijan) > 400_000  # the long border


def test_borders_of_loops_and_a_pinched_border_from_shared_segments():
    from corridor._topology import pair_borders

    # A holds two enclaves of B, one touching A's hole edge at a vertex; C meets A along a line
    # that touches itself at one point (a pinch)
    a = shapely.Polygon(
        [(0, 0), (10, 0), (10, 10), (0, 10)],
        [[(1, 1), (3, 1), (3, 3), (1, 3)], [(5, 5), (7, 5), (7, 7), (5, 7)]],
    )
    b = shapely.MultiPolygon([shapely.box(1, 1, 3, 3), shapely.box(5, 5, 7, 7)])
    c = shapely.Polygon([(10, 0), (12, 0), (12, 10), (10, 10), (10, 6), (11, 5), (10, 4)])
    a = shapely.difference(a, c)
    geoms = np.array([a, b, c], dtype=object)
    assert shapely.coverage_is_valid(geoms)
    fast = pair_borders(["A", "B", "C"], geoms, coverage=True)
    _same_rows(fast, pair_borders(["A", "B", "C"], geoms))
    lines = {(x, y): g for x, y, g in fast}
    assert round(lines[("A", "B")].length, 9) == 16.0  # both enclaves' whole outlines
    assert shapely.get_num_geometries(lines[("A", "B")]) == 2
    # B's two triangles touch at (5, 7), where both notch into A: the border meets itself there
    # (four of its segments end at that vertex), and so do A's two polygons
    t1, t2 = shapely.Polygon([(2, 10), (5, 7), (4, 10)]), shapely.Polygon([(6, 10), (5, 7), (8, 10)])
    notched = np.array(
        [shapely.difference(shapely.box(0, 0, 10, 10), shapely.union(t1, t2)), shapely.MultiPolygon([t1, t2])]
    )
    assert shapely.coverage_is_valid(notched)
    fast = pair_borders(["A", "B"], notched, coverage=True)
    _same_rows(fast, pair_borders(["A", "B"], notched))
    assert shapely.get_num_geometries(fast[0][2]) == 4
    # a vertex repeated in both rings where they meet: no zero-length piece in the border
    d = shapely.Polygon([(0, 0), (2, 0), (2, 1), (2, 1), (2, 2), (0, 2)])
    e = shapely.Polygon([(2, 0), (4, 0), (4, 2), (2, 2), (2, 1), (2, 1)])
    pair = np.array([d, e], dtype=object)
    _same_rows(pair_borders(["D", "E"], pair, coverage=True), pair_borders(["D", "E"], pair))
    assert shapely.get_coordinates(pair_borders(["D", "E"], pair, coverage=True)[0][2]).tolist() == [
        [2.0, 0.0],
        [2.0, 1.0],
        [2.0, 2.0],
    ]


def test_runs_of_equal_keys_are_exact_even_when_two_keys_mix_alike():
    from corridor._topology import _MIX, runs_of_equal, segment_keys

    def runs(keys, order):
        twin = np.flatnonzero(keys[order][1:] == keys[order][:-1])
        return sorted(zip(order[twin].tolist(), order[twin + 1].tolist()))

    rng = np.random.default_rng(7)
    keys = segment_keys(rng.integers(0, 3, (2000, 4)).astype(float))  # many repeats, both directions
    assert runs(keys, runs_of_equal(keys)) == runs(keys, np.argsort(keys, kind="stable"))
    # two different keys built to mix to the same 64-bit value, with a twin of the first after
    # the second: sorting by the mix alone would part the twins, so the keys are sorted instead
    a0, a1 = np.uint64(1), np.uint64(2)
    b0 = np.uint64(3)
    inverse = pow(int(_MIX[1]), -1, 2**64)
    with np.errstate(over="ignore"):
        b1 = np.uint64(((int(a0 * _MIX[0]) ^ int(a1 * _MIX[1]) ^ int(b0 * _MIX[0])) * inverse) % 2**64)
    words = np.array([[a0, a1, 0, 0], [b0, b1, 0, 0], [a0, a1, 0, 0]], dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = np.bitwise_xor.reduce(words * _MIX, axis=1)
    assert mixed[0] == mixed[1] == mixed[2]
    keys = words.view(np.dtype((np.void, 32))).ravel()
    assert runs(keys, runs_of_equal(keys)) == [(0, 2)]


def test_cleaning_on_threads_equals_cleaning_on_one(monkeypatch):
    # the six-country window of the world layer: overlaps, river gaps and an enclave-free run
    # that finds the narrow gaps ahead, on another thread
    from corridor import _threads
    from corridor._world import WORLD_TERRITORIES, read_world

    raw = read_world(WORLD_TERRITORIES, bbox=(43.0, 38.5, 47.0, 41.5), ids=["ARM", "AZE", "GEO", "IRN", "TUR"])
    geoms, ids = np.asarray(raw.geometry.values, dtype=object), list(raw["A3"])
    threaded, report = clean_coverage(geoms, ids)
    monkeypatch.setattr(_threads, "usable_cpus", lambda: 1)
    alone, report_alone = clean_coverage(geoms, ids)
    assert [shapely.to_wkb(g) for g in threaded] == [shapely.to_wkb(g) for g in alone]
    assert report.equals(report_alone)
    assert set(report["kind"]) == {"gap", "overlap"}
    gaps = report[(report["kind"] == "gap") & (report["between"] == "ARM|IRN")]
    assert set(gaps["assigned_to"]) == {"ARM", "IRN"}  # the Aras channel split between its banks


def test_a_geos_failure_on_a_thread_is_a_cleaning_error_and_the_callers_own_error_is_its_own(monkeypatch):
    from corridor import _coverage
    from corridor.errors import GeometryError

    a, b = shapely.box(45.0, 40.0, 45.1, 40.1), shapely.box(45.101, 40.0, 45.2, 40.1)  # an 85 m gap

    def broken(*args, **kwargs):
        raise shapely.errors.GEOSException("TopologyException: side location conflict")

    with monkeypatch.context() as m:
        m.setattr(_coverage, "_narrow_gaps", broken)  # found ahead on a thread where there are two CPUs
        with pytest.raises(GeometryError, match="side location conflict.*clean=False"):
            clean_coverage([a, b], ["A", "B"])
    with monkeypatch.context() as m:
        m.setattr(_coverage, "_report", broken)  # measured beside the caller's next step
        with pytest.raises(GeometryError, match="Cleaning the coverage failed in GEOS"):
            _coverage.clean_coverage_then([a, b], ["A", "B"], lambda out: len(out))

    def mine(out):
        raise KeyError("the caller's own")

    with pytest.raises(KeyError, match="the caller's own"):
        _coverage.clean_coverage_then([a, b], ["A", "B"], mine)
    out, report, n = _coverage.clean_coverage_then([a, b], ["A", "B"], lambda out: len(out))
    assert n == 2 and set(report["kind"]) == {"gap"}
