import numpy as np
import pytest
import shapely

from corridor import geodesy
from corridor.errors import GeometryError


def test_known_answer_pyproj():
    # pyproj's documented known answer for Geod.geometry_length on WGS84
    assert geodesy.length_m(shapely.LineString([(1, 2), (3, 4)])) == pytest.approx(313588.397, abs=1e-3)


def test_length_vectorised_matches_single():
    lines = [
        shapely.LineString([(1, 2), (3, 4)]),
        shapely.MultiLineString([[(0, 0), (1, 0)], [(10, 10), (10, 11)]]),
        shapely.LineString(),
        None,
    ]
    out = geodesy.length_m(np.array(lines, dtype=object))
    assert out[0] == pytest.approx(313588.397, abs=1e-3)
    assert out[1] == pytest.approx(111319.491 + 110575.0, rel=2e-3)
    assert out[2] == 0.0 and out[3] == 0.0


def test_distance_equator_degree():
    assert geodesy.distance_m((0, 0), (1, 0)) == pytest.approx(111319.491, abs=1e-3)


def test_distance_across_antimeridian_is_short_way():
    assert geodesy.distance_m((179.5, 0), (-179.5, 0)) == pytest.approx(111319.491, abs=1e-3)


def test_area_one_degree_box():
    # 1° x 1° at the equator on WGS84: 12,308.8 km² (pyproj Geod.geometry_area_perimeter)
    assert geodesy.area_km2(shapely.box(0, 0, 1, 1)) == pytest.approx(12308.778, rel=1e-5)


@pytest.mark.parametrize("bad", [(float("nan"), 1), (1, float("inf")), (45, 120), "x", None])
def test_distance_bad_points(bad):
    with pytest.raises(GeometryError):
        geodesy.distance_m(bad, (45, 40))


def test_swapped_axes_message():
    with pytest.raises(GeometryError, match="swapped"):
        geodesy.distance_m((39.2, 145.4), (45, 40))


def test_local_crs_distortion_small():
    crs = geodesy.local_crs((38, 36, 52, 44))
    import pyproj

    tf = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x1, y1 = tf.transform(46.24, 38.90)  # Meghri
    x2, y2 = tf.transform(45.41, 39.21)  # Nakhchivan
    planar = float(np.hypot(x2 - x1, y2 - y1))
    geod = geodesy.distance_m((46.24, 38.90), (45.41, 39.21))
    assert planar == pytest.approx(geod, rel=2e-3)


def test_area_of_many_polygons_is_pyprojs_polygon_by_polygon():
    # the built-in territories (multipolygons) and a square with a hole: the same figures as
    # pyproj's geometry_area_perimeter of each, to the last bit
    from corridor import load_region
    from corridor.geodesy import GEOD, area_km2

    region = load_region()
    holed = shapely.box(45, 40, 46, 41).difference(shapely.box(45.2, 40.2, 45.4, 40.4))
    geoms = [*region.countries.geometry, holed, None, shapely.Polygon()]
    want = [
        0.0 if g is None or g.is_empty else abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(g))[0]) / 1e6
        for g in geoms
    ]
    assert area_km2(np.array(geoms, dtype=object)).tolist() == want
    assert area_km2(holed) == want[-3]
    # a 1° square at 40.5°N: 111.0 km × 84.6 km (about 9,390 km²), less a 0.2° square (375 km²)
    assert float(area_km2(holed)) == pytest.approx(9_390 - 375, rel=0.01)


@pytest.mark.parametrize(
    "bounds",
    [(40, 36, 55.5, 47.5), (170, -20, 190, -10), (177, -19, -178, -15), (-5, 89, 5, 90), (10, -65, 30, -55)],
)
def test_local_projection_transforms_equal_pyprojs_between_the_crss(bounds):
    # LocalProjection builds its pipelines directly; they must be the ones PROJ picks from the CRSs
    import pyproj

    from corridor.geodesy import LocalProjection, local_crs

    proj, crs = LocalProjection(bounds), local_crs(bounds)
    fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-180, 360, 5000), rng.uniform(-90, 90, 5000)
    x, y = fwd.transform(lon, lat)
    np.testing.assert_array_equal(np.array(proj.xy_to_local(lon, lat)), np.array((x, y)))
    ok = np.isfinite(x)
    back = inv.transform(x[ok], y[ok])
    np.testing.assert_array_equal(proj._inv.transform(x[ok], y[ok]), back)
    assert proj.crs == crs
