"""The built-in region against real geography and published figures.

Published border lengths: CIA World Factbook, 2024 edition, "Land boundaries"
(Armenia, Azerbaijan, Georgia, Iran, Turkey, Russia entries). Areas: Armstat,
Azstat, Geostat (see data/README.md, "Validation").
"""

import json
import subprocess
import sys

import geopandas as gpd
import networkx as nx
import pytest
import shapely

import corridor
from corridor.errors import CRSError, DataError, GeometryError, UnknownTerritoryError

from .common import squares_gdf, tiny_layer

# CIA World Factbook 2024, km
FACTBOOK_KM = {
    ("ARM", "AZE"): 996,
    ("ARM", "GEO"): 219,
    ("ARM", "IRN"): 44,
    ("ARM", "TUR"): 311,
    ("AZE", "GEO"): 428,
    ("AZE", "IRN"): 689,
    ("AZE", "RUS"): 338,
    ("AZE", "TUR"): 17,
    ("GEO", "RUS"): 894,
    ("GEO", "TUR"): 273,
    ("IRN", "TUR"): 534,
}
# borders the region's window (40.0–55.5 °E, 36.0–47.5 °N) cuts: only their part inside counts
CLIPPED = {
    ("IRN", "IRQ"),
    ("IRN", "TKM"),
    ("IRQ", "SYR"),
    ("IRQ", "TUR"),
    ("KAZ", "RUS"),
    ("KAZ", "TKM"),
    ("SYR", "TUR"),
}


def test_countries(region):
    assert sorted(region.countries["iso3"]) == ["ARM", "AZE", "GEO", "IRN", "IRQ", "KAZ", "RUS", "SYR", "TKM", "TUR"]
    assert region.countries.crs.to_epsg() == 4326
    assert shapely.coverage_is_valid(region.countries.geometry.values)


def test_armenia_neighbours(region):
    assert region.neighbours("ARM") == ["AZE", "GEO", "IRN", "TUR"]
    assert region.neighbours("Armenia") == ["AZE", "GEO", "IRN", "TUR"]


def test_border_pairs_exactly_factbook(region):
    pairs = set(zip(region.borders["a"], region.borders["b"]))
    assert pairs == set(FACTBOOK_KM) | CLIPPED


@pytest.mark.parametrize(("pair", "published"), sorted(FACTBOOK_KM.items()))
def test_border_lengths_against_factbook(region, pair, published):
    # Within 10 %: the Factbook measured land boundaries on coarser maps; OSM river
    # borders follow more meanders (data/README.md). Its figures leave out the sea.
    length = region.border_length_km(*pair, at_sea=False)
    assert length == pytest.approx(published, rel=0.10)


def test_nakhchivan_exclave(region):
    nax = region.parts[region.parts["name"] == "Nakhchivan"].iloc[0]
    assert nax["iso3"] == "AZE" and nax["kind"] == "exclave" and nax["part_id"] == "AZE-2"
    # Nakhchivan AR: 5,502.75 km² official (Azstat); the OSM boundary gives 3.4 % less
    assert nax["area_km2"] == pytest.approx(5502.75, rel=0.05)
    assert nax["inland_water_km2"] == pytest.approx(56.7, abs=1)  # its share of the Aras reservoir
    neighbours = region.neighbours("Nakhchivan")
    assert {region.iso3_of(p) for p in neighbours} == {"ARM", "IRN", "TUR"}
    assert not region.touches("Nakhchivan", "AZE-1")
    assert region.between("Nakhchivan", "Azerbaijan (mainland)") == ["ARM"]
    # Factbook: Armenia–Nakhchivan 221 km, Iran–Nakhchivan 179 km; Türkiye 17 km
    assert region.border_length_km("Nakhchivan", "ARM") == pytest.approx(221, rel=0.13)
    # the Iran border runs 32.8 km through the Aras reservoir (Araz Su Qovşağı), which
    # the Factbook's 179 km predates; the rest is the river, within 7 % of it
    km = region.border_km_by_surface("Nakhchivan", "IRN")
    assert km["land"] == pytest.approx(179, rel=0.07)
    assert km["inland water"] == pytest.approx(32.8, abs=1.0)
    assert km["sea"] == 0.0
    assert sum(km.values()) == pytest.approx(region.border_length_km("Nakhchivan", "IRN"))
    assert region.border_length_km("Nakhchivan", "TUR") == pytest.approx(17, rel=0.10)


def test_part_borders_split_azerbaijan_iran(region):
    pb = region.part_borders
    nax_irn = pb[(pb["a"] == "AZE-2") & (pb["b"] == "IRN-1")]["length_km"].sum()
    main_irn = pb[(pb["a"] == "AZE-1") & (pb["b"] == "IRN-1")]["length_km"].sum()
    assert nax_irn + main_irn == pytest.approx(region.border_length_km("AZE", "IRN"), rel=1e-6)
    assert main_irn == pytest.approx(689 - 179, rel=0.05)


def test_other_exclaves(region):
    ex = region.exclaves.set_index("name")
    assert ex.loc["Artsvashen", "iso3"] == "ARM"
    assert ex.loc["Artsvashen", "area_km2"] == pytest.approx(40, rel=0.1)  # Wikipedia: 40 km²
    assert ex.loc["Yukhari Askipara", "iso3"] == "AZE"
    # Artsvashen lies inside mainland Azerbaijan: its only neighbour
    assert region.neighbours("Artsvashen") == ["AZE-1"]


def test_armenia_iran_border_is_one_line_along_the_aras(region):
    line = region.border("ARM", "IRN")
    assert shapely.get_num_geometries(line) == 1
    # the Aras between Agarak and Meghri: the border runs between the two towns
    meghri, norduz = corridor.place("Meghri"), corridor.place("Norduz")
    assert line.bounds[1] < meghri.lat and line.bounds[3] > norduz.lat
    assert line.bounds[0] == pytest.approx(46.0, abs=0.15)
    assert line.bounds[2] == pytest.approx(46.55, abs=0.15)


def test_tripoints(region):
    labels = sorted(region.tripoints["label"])
    assert labels == sorted(
        [
            "ARM–AZE–GEO",
            "ARM–AZE–IRN",
            "ARM–AZE–IRN",  # once for Nakhchivan, once for mainland Azerbaijan
            "ARM–AZE–TUR",
            "ARM–GEO–TUR",
            "AZE–GEO–RUS",
            "AZE–IRN–TUR",
            "IRN–IRQ–TUR",
            "IRQ–SYR–TUR",
        ]
    )
    # every tripoint lies on the boundary of all three countries
    for ids, pt in zip(region.tripoints["ids"], region.tripoints.geometry):
        for iso in ids:
            assert shapely.dwithin(region.geometry_of(iso).boundary, pt, 1e-9)


def test_adjacency_graph(region):
    g = region.adjacency
    assert isinstance(g, nx.Graph)
    assert g["ARM"]["IRN"]["length_km"] == pytest.approx(region.border_length_km("ARM", "IRN"))
    # shortest land path Georgia → Iran goes through one country
    assert len(nx.shortest_path(g, "GEO", "IRN")) == 3
    assert not g.has_edge("ARM", "RUS")


def test_cleaning_report(region):
    rep = region.cleaning
    gaps = rep[(rep["kind"] == "gap") & (rep["between"] == "ARM|IRN")]
    assert set(gaps["assigned_to"]) == {"ARM", "IRN"}  # split, not given to one side
    assert region.gap_width_m == 1000.0
    # the source layer is nearly clean: every repair is under half a km²
    assert set(rep["kind"]) == {"gap", "overlap"}
    assert rep["area_km2"].max() < 0.5 and rep["area_km2"].sum() < 1.0


def test_unknown_territory(region):
    with pytest.raises(UnknownTerritoryError, match="ARM, AZE"):
        region.neighbours("XXX")
    with pytest.raises(KeyError):
        region.neighbours("Atlantis")


def test_load_is_cached_and_light():
    code = (
        "import sys, time; t=time.perf_counter(); import corridor; r=corridor.load_region();"
        "r.adjacency; print(time.perf_counter()-t);"
        "print(sorted(m for m in ('folium','osmnx','matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[1] == "[]"


def test_corrupt_data_file(tmp_path, monkeypatch):
    from corridor import datasets as _data

    bad = tmp_path / "caucasus_caspian.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(DataError, match="corrupt"):
        _data.verify_checksum(bad)


# ------------------------------------------------------------------ user regions
def _tiny_layer():
    return tiny_layer()


def test_user_region_from_file_in_other_crs(tmp_path):
    path = tmp_path / "units.gpkg"
    _tiny_layer().to_crs("EPSG:32638").to_file(path)
    r = corridor.load_region(path, id_column="code", name_column="label")
    assert r.neighbours("A") == ["B", "C"]
    assert r.countries.crs.to_epsg() == 4326
    # the gap is split: A–B border about 11.1 km long (0.1° of latitude)
    assert r.border_length_km("A", "B") == pytest.approx(11.1, rel=0.01)
    gap = r.cleaning[r.cleaning["kind"] == "gap"]
    assert set(gap["assigned_to"]) >= {"A", "B"}
    assert len(r.tripoints) == 1 and r.tripoints["ids"].iloc[0] == ("A", "B", "C")


def test_user_region_without_cleaning_keeps_gap():
    r = corridor.load_region(_tiny_layer(), id_column="code", clean=False)
    assert r.neighbours("A") == ["C"]


def test_user_region_errors(tmp_path):
    gdf = _tiny_layer()
    with pytest.raises(KeyError, match="code"):
        corridor.load_region(gdf, id_column="nope")
    with pytest.raises(ValueError, match="id_column"):
        corridor.load_region(gdf)
    with pytest.raises(CRSError, match="set_crs"):
        corridor.load_region(gdf.set_crs(None, allow_override=True), id_column="code")
    with pytest.raises(GeometryError, match="polygons"):
        corridor.load_region(gdf.set_geometry(shapely.centroid(gdf.geometry.values)), id_column="code")
    with pytest.raises(FileNotFoundError):
        corridor.load_region(tmp_path / "missing.gpkg", id_column="code")
    bowtie = shapely.Polygon([(45, 40), (45.1, 40.1), (45.1, 40), (45, 40.1), (45, 40)])
    bad = gpd.GeoDataFrame({"code": ["X", "Y"]}, geometry=[bowtie, shapely.box(45.1, 40, 45.2, 40.1)], crs=4326)
    with pytest.raises(GeometryError, match=r"X: Self-intersection.*repair=True"):
        corridor.load_region(bad, id_column="code")
    fixed = corridor.load_region(bad, id_column="code", repair=True)
    assert fixed.neighbours("X") == ["Y"]


def test_cli_borders_json():
    out = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "borders", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)
    assert {(r["a"], r["b"]) for r in rows} == set(FACTBOOK_KM) | CLIPPED
    aze_irn = next(r for r in rows if (r["a"], r["b"]) == ("AZE", "IRN"))
    assert aze_irn["sea_km"] == pytest.approx(29.2, abs=0.2)


def test_cli_version():
    out = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"corridor {corridor.__version__}"


def test_user_region_projected_t_junction_and_missing_ids():
    # test squares in UTM 38N: A spans the full height, B and C are stacked beside it
    a = shapely.box(500000, 4400000, 520000, 4450000)
    b = shapely.box(520000, 4400000, 540000, 4425000)
    c = shapely.box(520000, 4425000, 540000, 4450000)
    g = gpd.GeoDataFrame({"id": ["A", "B", "C"]}, geometry=[a, b, c], crs=32638)
    r = corridor.load_region(g, id_column="id")
    # 25 km of grid edge each; UTM's scale factor near the central meridian is ~0.9996
    assert r.border_length_km("A", "B") == pytest.approx(25.0, rel=0.002)
    assert r.border_length_km("A", "C") == pytest.approx(25.0, rel=0.002)
    assert len(r.tripoints) == 1 and r.tripoints["ids"].iloc[0] == ("A", "B", "C")
    g.loc[1, "id"] = None
    with pytest.raises(ValueError, match="no `id`"):
        corridor.load_region(g, id_column="id")


@pytest.mark.parametrize("deg", [1, 2, 5])
def test_user_region_of_large_test_boxes_cleans(deg):
    # two test boxes deg° wide and 2·deg° tall sharing an edge on 44+deg°E
    g = squares_gdf(["A", "B"]).set_geometry(
        [shapely.box(44, 39, 44 + deg, 39 + 2 * deg), shapely.box(44 + deg, 39, 44 + 2 * deg, 39 + 2 * deg)], crs=4326
    )
    r = corridor.load_region(g, id_column="id")
    assert r.neighbours("A") == ["B"]
    # the shared meridian edge: 2·deg° of latitude, about 111 km per degree
    assert r.border_length_km("A", "B") == pytest.approx(111.1 * 2 * deg, rel=0.005)
