"""The measurement engine on real geography and on invariants."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import corridor
from corridor import Route
from corridor.errors import CRSError

from .common import squares_gdf, squares_region


def test_horadiz_nakhchivan_straight_line(region):
    # The geodesic Horadiz → Nakhchivan runs at 39.2–39.45°N, north of the Aras
    # (the Armenia–Iran border is at ~38.85°N), so it crosses Armenia's Syunik
    # but does not enter Iran.
    a = corridor.analyze(Route.from_places(["Horadiz", "Nakhchivan"]), region=region)
    assert a.transit == ["AZE", "ARM", "AZE"]
    assert list(a.crossings["from_iso3"]) == ["AZE", "ARM"]
    assert list(a.crossings["to_iso3"]) == ["ARM", "AZE"]
    assert a.crossings["km"].tolist() == pytest.approx([77.45, 116.42], abs=0.5)
    assert a.km_by_territory["ARM"] == pytest.approx(38.7, abs=0.5)
    assert "IRN" not in a.km_by_territory
    assert a.km_by_territory.sum() == pytest.approx(a.length_km, rel=1e-9)
    assert a.length_km == pytest.approx(corridor.distance_km("Horadiz", "Nakhchivan"), abs=1e-3)
    assert a.detour_index == pytest.approx(1.0, abs=1e-6)
    # crossing points lie on the Armenia–Azerbaijan border
    border = region.border("ARM", "AZE")
    for pt in a.crossings.geometry:
        assert shapely.distance(pt, border) < 1e-4


def test_zangezur_line_along_the_aras(region):
    r = Route.from_places(["Horadiz", "Aghband", "Meghri", "Ordubad", "Julfa", "Nakhchivan"])
    a = corridor.analyze(r, region=region)
    assert a.transit[0] == "AZE" and a.transit[-1] == "AZE"
    # Straight legs between the riverside towns cut across the Aras meanders into
    # Iran (first at km ~47, east of Aghband); hence Route.along_border for real lines.
    assert a.crossings.iloc[0][["from_iso3", "to_iso3"]].tolist() == ["AZE", "IRN"]
    assert a.crossings["km"].iloc[0] == pytest.approx(47.3, abs=0.5)
    assert a.km_by_territory["IRN"] > 40
    assert a.km_by_territory["ARM"] == pytest.approx(13.9, abs=0.5)
    assert a.km_by_part()["AZE-2"] > 70  # Nakhchivan exclave from Ordubad on
    with pytest.warns(corridor.CorridorDeprecationWarning, match="min_clearance_km"):
        assert a.min_border_clearance_km == 0.0  # it crosses borders (the 0.1 quantity)
    assert a.km_near_border(5.0) > a.km_near_border(1.0) > 0
    prof = a.border_profile(step_km=1.0)
    assert prof["km"].iloc[-1] == pytest.approx(a.length_km)
    assert set(prof["border"]) <= {"–".join(p) for p in zip(region.borders["a"], region.borders["b"])}
    # Meghri lies about 3 km from the Aras (Armenia–Iran border)
    at_meghri = prof.iloc[(prof["km"] - r.stops[2].km).abs().argmin()]
    assert at_meghri["distance_km"] == pytest.approx(3.0, abs=2.0)
    alongside = a.borders_alongside(5.0).set_index("border")["km"]
    assert alongside.index[0] in ("AZE–IRN", "ARM–IRN", "ARM–AZE")
    s = a.summary()
    import json

    assert json.loads(json.dumps(s))["length_km"] == pytest.approx(a.length_km, abs=1e-3)


def test_reversing_mirrors_crossings(region):
    r = Route.from_places(["Horadiz", "Nakhchivan"])
    a, b = corridor.analyze(r, region=region), corridor.analyze(r.reversed(), region=region)
    assert b.length_km == pytest.approx(a.length_km, rel=1e-12)
    pd.testing.assert_series_equal(a.km_by_territory, b.km_by_territory, rtol=1e-9)
    assert b.crossings["km"].tolist() == pytest.approx((a.length_km - a.crossings["km"])[::-1].tolist(), abs=1e-6)
    assert list(b.crossings["from_iso3"]) == list(a.crossings["to_iso3"])[::-1]


def test_route_inside_one_country(region):
    a = corridor.analyze(Route.from_places(["Yerevan", "Gyumri"]), region=region)
    assert a.transit == ["ARM"] and len(a.crossings) == 0
    # all in Armenia except 0.43 km of water the land polygons leave out
    assert a.km_by_territory["ARM"] == pytest.approx(a.length_km, abs=0.5)
    # Gyumri lies about 10 km from the Turkish border (the Akhurian river)
    assert 5 < a.min_clearance_km < 15


def test_route_exactly_on_border_is_assigned_once(region):
    line = region.border("ARM", "IRN").geoms[0]
    r = Route.from_coords(shapely.get_coordinates(line))
    a = corridor.analyze(r, region=region)
    # documented rule: on a border, the territory whose id sorts first
    assert a.km_by_territory.to_dict() == pytest.approx({"ARM": a.length_km}, rel=1e-9)
    assert len(a.crossings) == 0


def test_touch_and_return_is_not_a_crossing():
    reg = squares_region(["A", "B"])
    touch = Route.from_coords([(45.05, 40.05), (45.1, 40.06), (45.05, 40.07)])
    a = corridor.analyze(touch, region=reg)
    assert len(a.crossings) == 0 and a.transit == ["A"]
    cross = Route.from_coords([(45.05, 40.05), (45.15, 40.05), (45.05, 40.06)])
    b = corridor.analyze(cross, region=reg)
    assert list(zip(b.crossings["from_iso3"], b.crossings["to_iso3"])) == [("A", "B"), ("B", "A")]
    assert b.crossings["km"].iloc[0] == pytest.approx(corridor.distance_km((45.05, 40.05), (45.1, 40.05)), abs=1e-3)


def test_route_through_a_sliver_gap_counts_unassigned():
    # two test squares 100 m apart, not cleaned: the gap is reported, not dropped
    gdf = squares_gdf(["A", "B"], gap_deg=0.0012)
    reg = corridor.load_region(gdf, id_column="id", clean=False)
    a = corridor.analyze(Route.from_coords([(45.05, 40.05), (45.15, 40.05)]), region=reg)
    gap_km = corridor.distance_km((45.1, 40.05), (45.1012, 40.05))
    assert a.km_by_territory["unassigned"] == pytest.approx(gap_km, abs=1e-4)
    assert len(a.crossings) == 1 and a.crossings["water_km"].iloc[0] == pytest.approx(gap_km, abs=1e-4)
    # cleaned, the gap is split and nothing is unassigned
    clean = corridor.load_region(gdf, id_column="id")
    c = corridor.analyze(Route.from_coords([(45.05, 40.05), (45.15, 40.05)]), region=clean)
    assert "unassigned" not in c.km_by_territory


def test_route_leaving_the_region_is_reported(region):
    # Yerevan due east across the Caspian to 58 °E: the data end at 55.5 °E
    r = Route.from_coords([(44.5, 40.2), (58.0, 40.2)])
    with pytest.warns(corridor.errors.OutsideRegionWarning, match=r"19% of route .*bbox=\(43\.5") as rec:
        a = corridor.analyze(r, region=region)
    assert rec[0].filename == __file__  # the warning points at the caller's line
    surf = a.km_by_surface
    assert surf.loc["unassigned", "outside"] == pytest.approx(213.1, abs=0.5)
    # the central Caspian beyond the states' sea areas is unassigned sea
    assert surf.loc["unassigned", "sea"] == pytest.approx(132.4, abs=0.5)
    assert surf.loc["ARM", "inland water"] == pytest.approx(34.9, abs=0.5)  # Lake Sevan
    assert a.km_by_territory.sum() == pytest.approx(a.length_km, rel=1e-9)


def test_territory_km_vectorised_matches_analyze(region):
    routes = [
        Route.from_places(["Horadiz", "Nakhchivan"]),
        Route.from_places(["Kars", "Iğdır", "Sadarak", "Nakhchivan"]),
        Route.from_places(["Tbilisi", "Baku"]),
    ]
    t = corridor.territory_km(routes, region=region)
    for k, r in enumerate(routes):
        kbt = corridor.analyze(r, region=region).km_by_territory
        for iso, km in kbt.items():
            assert t.loc[k, iso] == pytest.approx(km, abs=1e-9)
        assert t.loc[k].sum() == pytest.approx(r.length_km, rel=1e-9)
    gdf = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[r.geometry for r in routes], crs=4326)
    many = corridor.analyze_many(gdf, region=region)
    assert list(many["name"]) == ["a", "b", "c"]
    assert many.loc[0, "transit"] == "AZE-ARM-AZE"
    assert many.loc[0, "crossings"] == 2
    assert many.loc[2, "transit"] == "GEO-AZE"
    assert many.loc[0, "km_ARM"] == pytest.approx(t.loc[0, "ARM"])
    with pytest.raises(CRSError):
        corridor.territory_km(gdf.set_crs(None, allow_override=True), region=region)


def test_travel_time_speeds_and_dwell(region):
    r = Route.from_places(["Horadiz", "Nakhchivan"], mode="rail", status="planned")
    a = corridor.analyze(r, region=region)
    tt = a.travel_time(dwell_h={"ARM-AZE": 0.5})
    assert tt.running_h == pytest.approx(a.length_km / 100.0)
    assert tt.dwell_h == pytest.approx(2 * 0.5)
    tt2 = a.travel_time(speeds={("rail", "planned"): 120.0}, default_dwell_h=2.0)
    assert tt2.total_h == pytest.approx(a.length_km / 120.0 + 4.0)
    assert tt2.table()["kind"].tolist() == ["leg", "crossing", "crossing", "total"]


def test_analyze_other_crs_route_file(tmp_path, region):
    r = Route.from_places(["Yerevan", "Gyumri"])
    gpd.GeoDataFrame(geometry=[r.geometry], crs=4326).to_crs("EPSG:32638").to_file(tmp_path / "r.gpkg")
    back = Route.read(tmp_path / "r.gpkg")
    assert corridor.analyze(back, region=region).length_km == pytest.approx(r.length_km, rel=1e-6)


# ------------------------------------------------------------------ invariants
lon = st.floats(43.0, 48.5)
lat = st.floats(38.5, 41.5)
walk = st.lists(st.tuples(lon, lat), min_size=2, max_size=8, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coords=walk, cut=st.floats(0.05, 0.95))
def test_invariants(region, coords, cut):
    r = Route.from_coords(coords, geodesic=True)
    assume(r.length_km > 1e-6)  # slices of a route shorter than a millimetre are refused (see below)
    a = corridor.analyze(r, region=region)
    # totals sum to the length
    assert a.km_by_territory.sum() == pytest.approx(a.length_km, rel=1e-6)
    # crossings alternate consistently
    cx = a.crossings
    for prev, nxt in zip(cx.itertuples(), list(cx.itertuples())[1:]):
        assert nxt.from_iso3 == prev.to_iso3
        assert nxt.km >= prev.km
    # slicing and joining keep every total (legs drawn along the geodesic, so a
    # vertex added by the cut does not change the length; it re-densifies the leg
    # within the 0.5 m geodesic tolerance, which moves a crossing of an oblique
    # border by millimetres to a few metres)
    km = cut * r.length_km
    parts = [r.slice(0, km), r.slice(km, r.length_km)]
    j = corridor.analyze(Route.join(parts), region=region)
    pd.testing.assert_series_equal(
        a.km_by_territory[a.km_by_territory > 1e-6],
        j.km_by_territory[j.km_by_territory > 1e-6],
        rtol=1e-7,
        atol=5e-3,
    )
