"""Invariants of the measurement engine, checked by hypothesis on generated lines.

Fixed example budgets (settings below), so CI runs the same amount of work each time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor import Route

from .common import squares_gdf

BUDGET = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# points over the built-in region (40–55.5°E, 36–47.5°N), where segments of hundreds of km
# cross many borders, coasts and the open Caspian
lon = st.floats(40.5, 55.0, allow_nan=False)
lat = st.floats(36.5, 47.0, allow_nan=False)
points = st.lists(st.tuples(lon, lat), min_size=2, max_size=7, unique=True)


def _route(pts):
    try:
        return Route.from_coords(pts)
    except corridor.GeometryError:  # consecutive duplicates left a single point
        return None


@BUDGET
@given(points)
def test_km_sum_to_length_and_reversal_is_symmetric(region, pts):
    r = _route(pts)
    if r is None:
        return
    a, b = corridor.analyze(r, region=region), corridor.analyze(r.reversed(), region=region)
    assert a.km_by_territory.sum() == pytest.approx(a.length_km, abs=1e-9)
    ka, kb = a.km_by_territory, b.km_by_territory.reindex(a.km_by_territory.index, fill_value=0.0)
    assert (ka - kb).abs().max() < 1e-6  # 1 mm, in km
    assert len(a.crossings) == len(b.crossings)
    if len(a.crossings):
        back = a.length_km - b.crossings["km"].to_numpy()[::-1]
        assert np.abs(a.crossings["km"].to_numpy() - back).max() < 1e-6
        assert list(b.crossings["from_iso3"]) == list(a.crossings["to_iso3"])[::-1]


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points, st.floats(0.05, 0.95))
def test_slice_and_join_add_up(region, pts, frac):
    r = _route(pts)
    if r is None:
        return
    cut = r.length_km * frac
    a, b = r.slice(0, cut), r.slice(cut, r.length_km)
    assert a.length_km + b.length_km == pytest.approx(r.length_km, abs=1e-6)
    joined = Route.join([a, b])
    assert joined.length_km == pytest.approx(r.length_km, abs=1e-6)
    kr = corridor.analyze(r, region=region).km_by_territory
    kj = corridor.analyze(joined, region=region).km_by_territory.reindex(kr.index, fill_value=0.0)
    # the cut point is a new vertex on the geodesic, so the geodesic is followed by other chords
    # (each within GEODESIC_TOLERANCE_M = 0.5 m of it): a border crossed at an angle θ near the
    # cut moves by up to 0.5 m / sin θ (documented); 5 m allows crossings down to 6°
    assert (kr - kj).abs().max() < 5e-3


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(points, min_size=1, max_size=6))
def test_analyze_many_equals_analyze(region, many):
    routes = [r for r in map(_route, many) if r is not None]
    if not routes:
        return
    table = corridor.analyze_many(routes, region=region)
    for k, r in enumerate(routes):
        s = corridor.analyze(r, region=region)
        row = table.iloc[k]
        assert row["transit"] == "-".join(s.transit)
        assert row["crossings"] == len(s.crossings)
        for iso, km in s.km_by_territory.items():
            assert row[f"km_{iso}"] == pytest.approx(km, abs=1e-9)
        assert row["min_clearance_km"] == pytest.approx(s.min_clearance_km, abs=1e-9, nan_ok=True)


inner = st.tuples(st.floats(45.001, 45.099), st.floats(40.001, 40.099))


@BUDGET
@given(st.lists(inner, min_size=2, max_size=8, unique=True))
def test_a_route_inside_one_territory_has_no_crossing(pts):
    r = _route(pts)
    if r is None:
        return
    a = corridor.analyze(r, region=_squares())
    assert len(a.crossings) == 0 and a.transit == ["A"]
    assert a.km_by_territory.to_dict() == pytest.approx({"A": a.length_km}, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    # inside the row of squares (a route along their outer edge is a float-rounding coin toss:
    # shifted, it may fall just outside the data and raise OutsideRegionError)
    st.lists(st.tuples(st.floats(45.001, 45.299), st.floats(40.001, 40.099)), min_size=2, max_size=6, unique=True),
    st.floats(-100.0, 100.0),
)
def test_shifting_region_and_route_in_longitude_keeps_the_km(pts, dlon):
    """A shift in longitude is an isometry of the ellipsoid: every geodesic km stays the same."""
    r = _route(pts)
    if r is None:
        return
    base = corridor.analyze(r, region=_squares()).km_by_territory
    shifted_region = corridor.load_region(
        squares_gdf(["A", "B", "C"]).set_geometry(
            shapely.transform(squares_gdf(["A", "B", "C"]).geometry.values, lambda xy: xy + [dlon, 0.0]), crs=4326
        ),
        id_column="id",
    )
    moved = Route.from_coords(np.asarray(pts) + [dlon, 0.0])
    km = corridor.analyze(moved, region=shifted_region).km_by_territory.reindex(base.index, fill_value=0.0)
    pd.testing.assert_series_equal(km, base, atol=1e-6, check_names=False)


_SQUARES: list[corridor.Region] = []


def _squares() -> corridor.Region:
    if not _SQUARES:
        _SQUARES.append(corridor.load_region(squares_gdf(["A", "B", "C"]), id_column="id"))
    return _SQUARES[0]
