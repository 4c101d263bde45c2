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
