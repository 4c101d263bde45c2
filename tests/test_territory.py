"""Territory is sovereign territory: waters, surfaces, the Caspian, other corridors, the antimeridian.

Published figures (each with its source):
- Official areas: Armenia 29,743 km²; Georgia 69,700 km²; Azerbaijan 86,600 km²; Nakhchivan AR
  5,502.75 km² (national statistics, as quoted by the CIA World Factbook and Wikipedia).
- Lake Sevan: 1,242 km² (Wikipedia, "Lake Sevan"); 1,240–1,280 km² in other references.
- Lithuania–Poland border: 104 km (Wikipedia, "Lithuania–Poland border", citing the CIA World Factbook).
- Siliguri Corridor: 20–22 km wide at its narrowest (Wikipedia, "Siliguri Corridor"); 17 km elsewhere.
- Wakhan Corridor: 13–65 km wide; its western third 13–30 km (Wikipedia, "Wakhan Corridor").
- Neum: Bosnia and Herzegovina's only coastline, about 20 km, cutting Croatia's coast in two
  (Wikipedia, "Neum"); the corridor is 5 km wide at its narrowest (de.wikipedia, "Neum-Korridor").
- Baku/Alat – Türkmenbaşy ferry: 306 km (eurasia.travel, "Caspian ferry").
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import corridor
from corridor import Route

OFFICIAL_KM2 = {"ARM": (29_743, 0.015), "GEO": (69_700, 0.015), "AZE": (86_600, 0.02)}


def _area_without_sea(region, iso):
    parts = region.parts[region.parts["iso3"] == iso]
    return float((parts["area_km2"] - parts["sea_km2"]).sum())


@pytest.mark.parametrize(("iso", "official"), sorted(OFFICIAL_KM2.items()))
def test_areas_with_their_water_against_official_figures(region, iso, official):
    # official areas count land and inland water, not the territorial sea
    km2, rel = official
    assert _area_without_sea(region, iso) == pytest.approx(km2, rel=rel)


def test_nakhchivan_area(region):
    nax = region.parts.set_index("name").loc["Nakhchivan"]
    assert nax["area_km2"] - nax["sea_km2"] == pytest.approx(5_502.75, rel=0.05)
    assert nax["sea_km2"] == 0.0


def test_lake_sevan_is_armenian_inland_water(region):
    sevan = shapely.Point(45.30, 40.35)  # the middle of the lake
    assert region.countries.set_index("iso3").geometry["ARM"].contains(sevan)
    water = region.water.set_index("surface").geometry
    assert water["inland water"].contains(sevan) and not water["sea"].contains(sevan)
    lake = next(p for p in shapely.get_parts(water["inland water"]) if p.contains(sevan))
    assert corridor.geodesy.area_km2(lake) == pytest.approx(1_242, rel=0.03)


def test_a_route_across_lake_sevan(region):
    # from the north-west shore (near Sevan town) across the lake to its south-east shore
    a = corridor.analyze(Route.from_places([(45.05, 40.50), (45.45, 40.20)]), region=region)
    assert a.transit == ["ARM"] and len(a.crossings) == 0
    assert a.km_by_territory.to_dict() == pytest.approx({"ARM": a.length_km})
    surf = a.km_by_surface.loc["ARM"]
    assert surf["inland water"] > 35 and surf["land"] > 5
    assert set(a.sections["surface"]) == {"land", "inland water"}


def test_other_lakes_lie_in_their_states(region):
    water = region.water.set_index("surface").geometry["inland water"]
    terr = region.countries.set_index("iso3").geometry
    lakes = {
        "Lake Van": ("TUR", 42.9, 38.6),
        "Mingachevir reservoir": ("AZE", 46.8, 40.9),
        "Lake Urmia": ("IRN", 45.5, 37.7),
        "Lake Çıldır": ("TUR", 43.23, 41.05),
        "Lake Paravani": ("GEO", 43.80, 41.45),
    }
    for lake, (iso, lon, lat) in lakes.items():
        pt = shapely.Point(lon, lat)  # a point well inside the lake
        assert terr[iso].contains(pt) and water.contains(pt), lake


def test_the_caspian_off_baku_is_azerbaijani_sea(region):
    off_baku = shapely.Point(50.05, 40.25)
    assert region.countries.set_index("iso3").geometry["AZE"].contains(off_baku)
    assert region.water.set_index("surface").geometry["sea"].contains(off_baku)


def test_ferry_alat_to_turkmenbashi(region):
    ferry = Route.from_coords([(49.407, 39.948), (52.955, 40.022)], name="Alat – Türkmenbaşy", mode="other")
    assert ferry.length_km == pytest.approx(306, rel=0.02)  # the published 306 km
    a = corridor.analyze(ferry, region=region)
    km = a.km_by_territory
    assert a.transit == ["AZE", "TKM"]
    assert km["AZE"] > 20 and km["TKM"] > 5 and km["unassigned"] > 150
    # through Azerbaijani waters, the open Caspian and Turkmen waters: all at sea
    surf = a.km_by_surface
    # the two towns lie a few km inland: the rest is at sea
    assert surf["sea"].sum() > a.length_km - 15 and surf.get("land", 0).sum() < 15
    cx = a.crossings.iloc[0]
    assert cx["water_km"] == pytest.approx(km["unassigned"], abs=1.0)  # the open sea between
    t = corridor.headline_table([a])
    assert t["km_sea"].iloc[0] == pytest.approx(surf["sea"].sum())


def test_ferry_baku_to_aktau(region):
    a = corridor.analyze(Route.from_places(["Baku", "Aktau"], mode="other"), region=region)
    assert a.transit == ["AZE", "KAZ"]
    surf = a.km_by_surface
    # Kazakhstan's waters: 20.1 km, close to the 12 nmi (22.2 km) of a territorial sea
    # crossed nearly at right angles; the open Caspian between is nobody's
    assert surf.loc["KAZ", "sea"] == pytest.approx(20.1, abs=0.5)
    assert surf.loc["AZE", "sea"] == pytest.approx(13.3, abs=0.5)
    assert surf.loc["unassigned", "sea"] == pytest.approx(320.2, abs=1.0)


def test_default_region_reaches_across_the_caspian(region):
    assert {"ARM", "AZE", "GEO", "IRN", "TUR", "RUS", "KAZ", "TKM"} <= set(region.ids)
    for name in ("Aktau", "Kuryk", "Türkmenbaşy", "Qazvin", "Rasht", "Astrakhan"):
        p = corridor.place(name)
        assert region.extent_polygon.contains(shapely.Point(p.lon, p.lat)), name


def test_route_outside_the_region_warns_then_raises(region):
    with pytest.warns(corridor.OutsideRegionWarning, match=r"of route .* outside the data .*load_region\(bbox="):
        a = corridor.analyze(Route.from_coords([(44.5, 40.2), (60.0, 40.2)]), region=region)
    assert a.km_by_territory.sum() == pytest.approx(a.length_km)
    assert a.km_by_surface.loc["unassigned", "outside"] > 300
    with pytest.raises(corridor.OutsideRegionError, match="wholly outside"):
        corridor.analyze(Route.from_places([(2.35, 48.86), (13.40, 52.52)]), region=region)  # Paris–Berlin
    with pytest.raises(corridor.OutsideRegionError):  # swapped axes: (lat, lon) of Baku and Aktau
        corridor.analyze(Route.from_coords([(40.41, 49.87), (43.65, 51.17)]), region=region)


# ------------------------------------------------------------------ any region on Earth


@pytest.fixture(scope="module")
def baltic():
    return corridor.load_region(bbox=(19.0, 53.0, 29.0, 58.5))


def test_kaliningrad_is_a_russian_exclave(baltic):
    kal = baltic.parts.set_index("name").loc["Kaliningrad"]
    assert kal["iso3"] == "RUS" and kal["kind"] == "exclave"
    between = baltic.between("Kaliningrad", "RUS-1")
    assert between and between[0] == "LTU" and set(between) <= {"LTU", "LVA", "BLR"}


def test_kaliningrad_to_mainland_russia_crosses_lithuania(baltic):
    # Kaliningrad to Pskov oblast (Pechory): the rail transit through Lithuania and Latvia
    r = Route.from_places([(20.51, 54.71), (27.61, 57.81)], name="Kaliningrad – Pechory")
    a = corridor.analyze(r, region=baltic)
    assert a.transit[0] == "RUS" and a.transit[-1] == "RUS"
    assert "LTU" in a.transit and a.km_by_territory["LTU"] > 100


def test_suwalki_gap_border(baltic):
    assert baltic.border_length_km("LTU", "POL", at_sea=False) == pytest.approx(104, rel=0.10)
    assert set(baltic.neighbours("LTU")) >= {"BLR", "LVA", "POL", "RUS"}


def test_siliguri_corridor_width():
    south_asia = corridor.load_region(bbox=(86.5, 25.0, 90.5, 27.8))
    nepal, bangladesh = (south_asia.geometry_of(i) for i in ("NPL", "BGD"))
    p, q = shapely.get_coordinates(shapely.shortest_line(nepal, bangladesh))
    assert corridor.distance_km(tuple(p), tuple(q)) == pytest.approx(21, abs=4)  # 17–22 km published
    assert south_asia.between("NPL", "BGD") == ["IND"]


def test_wakhan_corridor_width():
    pamir = corridor.load_region(bbox=(70.0, 35.5, 75.5, 38.5))
    p, q = shapely.get_coordinates(shapely.shortest_line(pamir.geometry_of("TJK"), pamir.geometry_of("PAK")))
    assert 10 <= corridor.distance_km(tuple(p), tuple(q)) <= 18  # 13 km at its narrowest
    assert pamir.between("TJK", "PAK") == ["AFG"]


def test_neum_splits_the_croatian_coast():
    dalmatia = corridor.load_region(bbox=(16.5, 42.3, 18.7, 43.6))
    # Ploče – Neum – Dubrovnik along the coast (Neum 42.925°N 17.617°E, Wikipedia)
    r = Route.from_coords([(17.43, 43.05), (17.617, 42.925), (18.09, 42.65)], name="D8 through Neum")
    a = corridor.analyze(r, region=dalmatia)
    assert a.transit == ["HRV", "BIH", "HRV"]
    assert 5 <= a.km_by_territory["BIH"] <= 25


def test_a_region_across_the_antimeridian():
    bering = corridor.load_region(bbox=(170.0, 60.0, -160.0, 70.0))
    assert {"RUS", "USA"} <= set(bering.ids)
    # Anadyr to Nome, across the antimeridian and the Bering Sea
    r = Route.from_coords([(177.51, 64.73), (-165.41, 64.50)], name="Anadyr – Nome")
    assert r.length_km < 900  # the short way round
    a = corridor.analyze(r, region=bering)
    assert a.transit == ["RUS", "USA"]
    assert a.km_by_territory.sum() == pytest.approx(a.length_km)
    assert a.km_by_territory["RUS"] > 10 and a.km_by_territory["USA"] > 10


def test_fiji_across_the_antimeridian():
    fiji = corridor.load_region(bbox=(176.0, -20.0, -178.0, -15.0))
    assert "FJI" in fiji.ids
    # Suva to Lakeba in the Lau group (179.0°W): Fijian waters all the way
    a = corridor.analyze(Route.from_coords([(178.44, -18.14), (-178.8, -18.2)]), region=fiji)
    assert a.transit == ["FJI"]
    assert a.km_by_territory["FJI"] == pytest.approx(a.length_km, rel=0.02)


def test_regions_from_the_world_layers_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path))
    first = corridor.load_region(countries=["ARM", "GEO"])
    files = list(tmp_path.glob("region-*.gpkg"))
    assert len(files) == 1
    again = corridor.load_region(countries=["ARM", "GEO"])
    assert again.border_length_km("ARM", "GEO") == pytest.approx(first.border_length_km("ARM", "GEO"))
    files[0].write_bytes(b"not a geopackage")  # a corrupt entry is rebuilt
    rebuilt = corridor.load_region(countries=["ARM", "GEO"])
    assert rebuilt.border_length_km("ARM", "GEO") == pytest.approx(first.border_length_km("ARM", "GEO"))


def test_bad_world_requests():
    with pytest.raises(corridor.UnknownTerritoryError, match="XYZ"):
        corridor.load_region(countries=["ARM", "XYZ"])
    with pytest.raises(corridor.ParameterError, match="bbox"):
        corridor.load_region(bbox=(45, 41, 46, 40))
    with pytest.raises(corridor.ParameterError, match="Give either `source`"):
        corridor.load_region("file.gpkg", bbox=(44, 39, 46, 41))


def test_disputed_overlaps_become_their_own_territory():
    azov = corridor.load_region(bbox=(33.0, 44.3, 36.7, 46.0))  # Crimea, drawn in both RUS and UKR
    assert "RUS|UKR" in azov.ids
    simferopol = shapely.Point(34.10, 44.95)
    assert azov.geometry_of("RUS|UKR").contains(simferopol)
    assert (azov.cleaning["kind"] == "disputed").any()


def test_reversal_with_long_segments_is_symmetric(region):
    rng = np.random.default_rng(7)
    for _ in range(5):
        pts = np.column_stack([rng.uniform(41, 54, 4), rng.uniform(37, 46, 4)])
        r = Route.from_coords(pts)
        a, b = corridor.analyze(r, region=region), corridor.analyze(r.reversed(), region=region)
        diff = (a.km_by_territory - b.km_by_territory.reindex(a.km_by_territory.index, fill_value=0)).abs()
        assert diff.max() < 1e-6
