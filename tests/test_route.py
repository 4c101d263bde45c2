import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

import corridor
from corridor import Route
from corridor.errors import CRSError, GeometryError, OutputPathError


@pytest.mark.parametrize(
    ("coords", "match"),
    [
        ([], "shape"),
        ([(45.0, 40.0)], "two distinct"),
        ([(45.0, 40.0), (45.0, 40.0)], "two distinct"),
        ([(45.0, 40.0), (float("nan"), 40.1)], "NaN"),
        ([(45.0, 40.0), (float("inf"), 40.1)], "NaN or infinite"),
        ([(40.0, 45.0), (39.2, 145.4)], "swapped"),
        ([("a", "b"), (1, 2)], "numbers"),
        ([(500000.0, 4400000.0), (510000.0, 4410000.0)], "projected"),
    ],
)
def test_from_coords_rejects_bad_input(coords, match):
    with pytest.raises(GeometryError, match=match):
        Route.from_coords(coords)


def test_from_coords_bad_attrs():
    with pytest.raises(ValueError, match="mode"):
        Route.from_coords([(45, 40), (46, 40)], mode="boat")
    with pytest.raises(ValueError, match="speed"):
        Route.from_coords([(45, 40), (46, 40)], speed_kmh=-5)


def test_from_places_geodesic_legs_and_stops():
    r = Route.from_places(["Meghri", "Ordubad", "Julfa"], name="Meghri–Julfa")
    assert [s.name for s in r.stops] == ["Meghri", "Ordubad", "Julfa"]
    legs = corridor.distance_km("Meghri", "Ordubad") + corridor.distance_km("Ordubad", "Julfa")
    # densified along the geodesic: same length as the geodesic legs to the metre
    assert r.length_km == pytest.approx(legs, abs=1e-3)
    assert r.stops[1].km == pytest.approx(corridor.distance_km("Meghri", "Ordubad"), abs=1e-3)
    assert r.distance_between_km("Ordubad", "Julfa") == pytest.approx(
        corridor.distance_km("Ordubad", "Julfa"), abs=1e-3
    )


def test_reversed_slice_join():
    r = Route.from_places(["Horadiz", "Aghband", "Meghri"])
    rev = r.reversed()
    assert rev.length_km == pytest.approx(r.length_km, rel=1e-12)
    assert [s.name for s in rev.stops] == ["Meghri", "Aghband", "Horadiz"]
    assert rev.stops[1].km == pytest.approx(r.length_km - r.stops[1].km, abs=1e-9)
    a, b = r.slice(0, 40.0), r.slice(40.0, r.length_km)
    assert a.length_km == pytest.approx(40.0, abs=1e-4)  # to 0.1 m
    j = Route.join([a, b])
    assert j.length_km == pytest.approx(r.length_km, abs=1e-4)
    with pytest.raises(GeometryError, match="starts"):
        Route.join([a, Route.from_places(["Kars", "Gyumri"])])
    with pytest.raises(ValueError, match="from_km"):
        r.slice(10, 5)
    tiny = Route.from_coords([(43.0, 39.0), (43.00000000000001, 39.0)])  # 0.6 nanometres
    with pytest.raises(ValueError, match="shorter than the coordinates can tell apart"):
        tiny.slice(0, tiny.length_km / 2)


def test_multi_leg_join_keeps_leg_attributes():
    rail = Route.from_places(["Horadiz", "Aghband"], mode="rail", status="under construction")
    road = Route.from_places(["Aghband", "Meghri"], mode="road", status="existing", speed_kmh=50)
    j = Route.join([rail, road], name="mixed")
    assert [(lg.mode, lg.status, lg.speed_kmh) for lg in j.legs] == [
        ("rail", "under construction", None),
        ("road", "existing", 50),
    ]
    assert j.legs[0].to_km == pytest.approx(rail.length_km, abs=1e-6)
    assert j.legs[-1].to_km == pytest.approx(j.length_km)
    gdf = j.to_gdf()
    assert list(gdf["mode"]) == ["rail", "road"]


def test_write_read_roundtrip(tmp_path):
    r = Route.from_places(["Kars", "Gyumri"], name="Kars–Gyumri")
    path = r.write(tmp_path / "kg.geojson")
    back = Route.read(path)
    assert back.length_km == pytest.approx(r.length_km, rel=1e-9)
    assert json.loads(path.read_text())["type"] == "FeatureCollection"
    with pytest.raises(OutputPathError, match="does not exist"):
        r.write(tmp_path / "missing" / "x.geojson")
    assert not list(tmp_path.glob(".kg-*"))  # no temporary file left behind


def test_read_joins_connected_lines_and_reprojects(tmp_path):
    a = shapely.LineString([(45.0, 40.0), (45.1, 40.0)])
    b = shapely.LineString([(45.2, 40.1), (45.1, 40.0)])  # reversed piece
    gdf = gpd.GeoDataFrame({"name": ["x", "y"]}, geometry=[a, b], crs="EPSG:4326")
    path = tmp_path / "two.gpkg"
    gdf.to_crs("EPSG:32638").to_file(path)
    r = Route.read(path)
    assert r.start == pytest.approx((45.0, 40.0)) and r.end == pytest.approx((45.2, 40.1))
    gap = gpd.GeoDataFrame(geometry=[a, shapely.LineString([(46, 41), (46.1, 41)])], crs=4326)
    gap.to_file(tmp_path / "gap.geojson")
    with pytest.raises(GeometryError, match="does not connect"):
        Route.read(tmp_path / "gap.geojson")


def test_read_without_crs_is_an_error(tmp_path):
    gdf = gpd.GeoDataFrame(geometry=[shapely.LineString([(45, 40), (46, 40)])])
    with pytest.warns(UserWarning, match="crs"):
        gdf.to_file(tmp_path / "nocrs.shp")
    with pytest.raises(CRSError, match="no CRS"):
        Route.read(tmp_path / "nocrs.shp")


def test_geo_interface_and_repr():
    r = Route.from_places(["Kars", "Gyumri"])
    gi = r.__geo_interface__
    assert gi["geometry"]["type"] == "LineString"
    assert "Kars" in repr(r)
    assert "<table" in r._repr_html_()


def test_antimeridian_length_is_short_way():
    r = Route.from_coords([(179.5, 40.0), (-179.5, 40.0)])
    assert r.length_km == pytest.approx(85.397, abs=0.01)  # 1° of longitude at 40°N
    # outside the built-in data, and the hint names a bbox across the antimeridian
    with pytest.raises(corridor.errors.OutsideRegionError, match=r"bbox=\(178\.5, 39\.0, -178\.5, 41\.0\)"):
        corridor.analyze(r)
    # Fiji: Vanua Levu's east coast across the antimeridian (180° runs through Taveuni)
    fiji = corridor.load_region(bbox=(177, -19, -178, -15))
    r = Route.from_coords([(179.5, -16.5), (-179.9, -16.5)])
    assert r.length_km == pytest.approx(64.06, abs=0.01)
    kbt = corridor.analyze(r, region=fiji).km_by_territory
    assert kbt.to_dict() == pytest.approx({"FJI": r.length_km})


def test_along_border_armenia_iran_stays_in_armenia(region):
    r = Route.along_border("ARM", "IRN", region=region, side="ARM", offset_m=300)
    a = corridor.analyze(r, region=region)
    kbt = a.km_by_territory
    assert kbt.get("IRN", 0.0) == 0.0 and len(a.crossings) == 0
    # close to the border's own length (48.0 km on this data); at 300 m the line cuts
    # the tightest meanders of the Aras, and crosses small lakes (unassigned water)
    assert kbt["ARM"] == pytest.approx(region.border_length_km("ARM", "IRN"), rel=0.15)
    assert kbt.get("unassigned", 0.0) < 2.0
    prof = a.border_profile(step_km=0.2, border=("ARM", "IRN"))
    q05, q50, q95 = prof["distance_km"].quantile([0.05, 0.5, 0.95])
    assert q50 == pytest.approx(0.3, abs=0.02)
    assert 0.2 < q05 and q95 < 0.45  # at about the offset all along
    assert prof["distance_km"].min() > 0.1  # never on or across the border


def test_along_border_north_bank_horadiz_julfa(region):
    r = Route.along_border(["AZE", "ARM"], "IRN", region=region, side="a", offset_m=500, start="Horadiz", end="Julfa")
    a = corridor.analyze(r, region=region)
    kbt = a.km_by_territory
    assert kbt.get("IRN", 0.0) == 0.0
    # AZE → ARM (Meghri) → AZE (Nakhchivan); near the Aghband tripoint the offset line
    # recrosses a wiggle of the ARM–AZE border within 15 m, which shows as a short hop
    assert a.transit[0] == "AZE" and a.transit[-1] == "AZE" and set(a.transit) == {"AZE", "ARM"}
    by_part = a.km_by_part()
    assert by_part["AZE-2"] > 40  # Nakhchivan from Ordubad to Julfa
    assert 35 < by_part["ARM-1"] < 55  # the Meghri stretch
    # the old Horadiz–Julfa railway was about 240 km long along the river
    assert 200 < r.length_km < 260
    prof = a.border_profile(step_km=0.5, border=("AZE", "IRN"))
    into_armenia = a.crossings["km"].iloc[0]
    on_aze_iran = prof[prof["km"] < into_armenia - 3]  # Horadiz → Aghband, before Armenia
    # at about 500 m, except where the Khudafarin reservoir widens the Aras (up to ~4 km)
    assert on_aze_iran["distance_km"].median() == pytest.approx(0.5, abs=0.05)
    assert on_aze_iran["distance_km"].quantile(0.9) < 0.75
    # smooth: no spikes (no segment turns back sharply)
    xy = r.coords
    v = np.diff(xy, axis=0)
    cos = (v[1:] * v[:-1]).sum(1) / (np.linalg.norm(v[1:], axis=1) * np.linalg.norm(v[:-1], axis=1))
    assert (cos > -0.9).all()


def test_along_border_south_bank_through_iran(region):
    r = Route.along_border("*", "IRN", region=region, side="b", offset_m=500, start="Horadiz", end="Julfa")
    a = corridor.analyze(r, region=region)
    # the mirror of the north bank: all in Iran, no crossing (stops where the places project)
    assert a.transit == ["IRN"] and len(a.crossings) == 0
    assert set(a.km_by_territory.index) <= {"IRN", "unassigned"}  # small lakes are water
    assert a.km_by_territory.get("unassigned", 0.0) < 5.0
    assert [s.name for s in r.stops] == ["Horadiz", "Julfa"]
    joined = Route.along_border(
        "*", "IRN", region=region, side="b", offset_m=500, start="Aghband", end="Jolfa", connect=True
    )
    assert corridor.analyze(joined, region=region).transit == ["AZE", "IRN"]  # the connector from Aghband


def test_along_border_errors(region):
    with pytest.raises(KeyError):
        Route.along_border("ARM", "XXX", region=region, side="ARM", offset_m=300)
    with pytest.raises(ValueError, match="offset_m"):
        Route.along_border("ARM", "IRN", region=region, side="ARM", offset_m=0)
    with pytest.raises(ValueError, match="side"):
        Route.along_border("ARM", "IRN", region=region, side="GEO", offset_m=300)
    with pytest.raises(GeometryError, match="share no border"):
        Route.along_border("ARM", "RUS", region=region, side="ARM", offset_m=300)


GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="corridor tests" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Meghri to Agarak</name><trkseg>
    <trkpt lat="38.903" lon="46.243"></trkpt>
    <trkpt lat="38.890" lon="46.215"></trkpt>
    <trkpt lat="38.870" lon="46.184"></trkpt>
  </trkseg></trk>
</gpx>
"""

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
  <name>Julfa to Nakhchivan</name>
  <LineString><coordinates>45.630,38.957 45.500,39.080 45.412,39.209</coordinates></LineString>
</Placemark></Document></kml>
"""


def test_read_gpx_and_kml(tmp_path):
    (tmp_path / "t.gpx").write_text(GPX)
    r = Route.read(tmp_path / "t.gpx")
    assert r.name == "Meghri to Agarak"
    assert r.start == pytest.approx((46.243, 38.903)) and r.end == pytest.approx((46.184, 38.870))
    expected = corridor.distance_km((46.243, 38.903), (46.215, 38.890)) + corridor.distance_km(
        (46.215, 38.890), (46.184, 38.870)
    )
    assert r.length_km == pytest.approx(expected, abs=1e-6)
    (tmp_path / "t.kml").write_text(KML)
    k = Route.read(tmp_path / "t.kml")
    assert k.start == pytest.approx((45.630, 38.957)) and k.end == pytest.approx((45.412, 39.209))
    assert corridor.analyze(k).transit == ["AZE"]


def test_along_border_refuses_ambiguous_or_far_requests(region):
    # mainland Azerbaijan's and Nakhchivan's borders with Iran are separate stretches
    with pytest.raises(ValueError, match="separate stretches"):
        Route.along_border("AZE", "IRN", region=region, side="a", offset_m=500)
    # Nakhchivan alone is one stretch (the Aras reservoir gap is bridged along the shore)
    nax = corridor.analyze(
        Route.along_border("Nakhchivan", "IRN", region=region, side="a", offset_m=500), region=region
    )
    assert nax.transit == ["AZE"] and nax.km_by_part().get("AZE-2", 0) > 180
    with pytest.raises(ValueError, match="from the ARM–IRN border"):
        Route.along_border("ARM", "IRN", region=region, side="ARM", offset_m=500, start="Yerevan", end="Meghri")
    with pytest.raises(ValueError, match="both sides"):
        Route.along_border(["ARM", "AZE"], ["AZE", "IRN"], region=region, side="a", offset_m=500)
    # an enclave: the whole ring around Artsvashen, inside it
    ring = Route.along_border("Artsvashen", "*", region=region, side="a", offset_m=200)
    a = corridor.analyze(ring, region=region)
    assert a.transit == ["ARM"] and 20 < ring.length_km < 30


def test_write_formats(tmp_path):
    r = Route.from_places(["Horadiz", "Aghband", "Meghri"], name="east")
    for ext in ("geojson", "gpkg", "fgb"):
        back = Route.read(r.write(tmp_path / f"r.{ext}"))
        assert back.length_km == pytest.approx(r.length_km, rel=1e-9)
    import geopandas as gpd

    stops = gpd.read_file(tmp_path / "r.gpkg", layer="east stops")  # layers are named after the route
    assert list(stops["stop"]) == ["Horadiz", "Aghband", "Meghri"]
    for ext in ("kml", "shp", "gpx", "csv"):
        with pytest.raises(ValueError, match="geojson"):
            r.write(tmp_path / f"r.{ext}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.fgb", "r.geojson", "r.gpkg"]


def test_read_kml_with_placemarks_as_stops(tmp_path):
    kml = KML.replace(
        "<Placemark>",
        "<Placemark><name>Julfa station</name><Point><coordinates>45.630,38.957</coordinates></Point>"
        "</Placemark><Placemark>",
        1,
    )
    (tmp_path / "p.kml").write_text(kml)
    r = Route.read(tmp_path / "p.kml")
    assert [s.name for s in r.stops] == ["Julfa station", "end"]
    assert r.name == "Julfa to Nakhchivan"


def test_longitude_beyond_180_is_refused():
    with pytest.raises(GeometryError, match="±180"):
        Route.from_coords([(44.5, 40.1), (200.0, 40.0)])
