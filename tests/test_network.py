"""OpenStreetMap networks: loading, snapping, routing, avoid, alternatives, border crossings.

Offline tests run on ``tests/data/border_town.osm`` (hand-made, CC0) with two tiny invented
territories defined here; the ``network`` tests download from OpenStreetMap.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

import corridor
from corridor.errors import (
    DataError,
    DownloadError,
    GeometryError,
    NoPathError,
    UnknownPlaceError,
    UnknownTerritoryError,
)
from corridor.geodesy import distance_m
from corridor.network import (
    add_travel_times,
    border_crossings,
    network_from_bbox,
    network_from_place,
    network_from_region,
    read_network,
    tag_edges,
)
from corridor.routing import alternative_routes, path_on_network, route_on_network, snap_to_network

DATA = Path(__file__).parent / "data"
BORDER_TOWN = DATA / "border_town.osm"

# node ids and coordinates of the fixture
XY = {
    102: (44.9850, 39.0000),
    105: (44.9970, 39.0000),
    108: (45.0060, 39.0000),
    201: (44.9848, 39.0030),
    305: (44.9970, 39.0120),
    603: (45.0060, 39.0080),
    502: (44.9910, 39.0030),
}

# tiny invented territories for unit tests only: AAA west, BBB east with a salient into AAA
AAA = shapely.Polygon(
    [
        (44.980, 38.995),
        (45.000, 38.995),
        (45.000, 39.004),
        (44.995, 39.004),
        (44.995, 39.008),
        (45.000, 39.008),
        (45.000, 39.015),
        (44.980, 39.015),
    ]
)
BBB = shapely.Polygon(
    [
        (45.000, 38.995),
        (45.020, 38.995),
        (45.020, 39.015),
        (45.000, 39.015),
        (45.000, 39.008),
        (44.995, 39.008),
        (44.995, 39.004),
        (45.000, 39.004),
    ]
)


@pytest.fixture(scope="module")
def town_region() -> corridor.Region:
    gdf = gpd.GeoDataFrame(
        {"iso3": ["AAA", "BBB"], "name": ["Aland", "Beeland"]},
        geometry=[AAA, BBB],
        crs="EPSG:4326",
    )
    return corridor.load_region(gdf, id_column="iso3", name_column="name")


@pytest.fixture(scope="module")
def G_town() -> nx.MultiDiGraph:
    return read_network(BORDER_TOWN)


@pytest.fixture
def G(G_town: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return G_town.copy()  # tests that add attributes must not leak them


# ---------------------------------------------------------------- loading


def test_read_osm_follows_osmnx_conventions(G: nx.MultiDiGraph) -> None:
    assert isinstance(G, nx.MultiDiGraph)
    assert G.graph["crs"] == "epsg:4326"
    assert all("x" in d and "y" in d for _, d in G.nodes(data=True))
    assert all(d["length"] > 0 for *_, d in G.edges(data=True))
    # the building is dropped; roads and the railway stay, the railway tag kept
    assert not any("building" in d for *_, d in G.edges(data=True))
    kinds = {"rail" if "railway" in d else "road" for *_, d in G.edges(data=True)}
    assert kinds == {"road", "rail"}
    # one-way streets have one edge, two-way streets one each way
    assert G.has_edge(502, 201) and not G.has_edge(201, 502)  # Market Street, westwards
    assert G.has_edge(105, 301) and G.has_edge(301, 105)
    # the Border Highway edge 104 -> 105 is 600 m of longitude at 39 °N (osmnx great circle)
    assert G[104][105][0]["length"] == pytest.approx(518.49, abs=0.01)


def test_read_bz2_and_graphml(tmp_path: Path) -> None:
    import osmnx as ox

    W = read_network(DATA / "West-Oakland.osm.bz2")
    assert len(W) > 40 and len(W.edges) > 100
    H = read_network(BORDER_TOWN)
    ox.save_graphml(H, tmp_path / "town.graphml")
    H2 = read_network(tmp_path / "town.graphml")
    assert sorted(H2.nodes) == sorted(H.nodes)
    assert len(H2.edges) == len(H.edges)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_network(tmp_path / "missing.osm")
    bad = tmp_path / "net.pbf"
    bad.write_bytes(b"x")
    with pytest.raises(DataError, match="not an OSM PBF file"):
        read_network(bad)
    txt = tmp_path / "net.txt"
    txt.write_bytes(BORDER_TOWN.read_bytes())
    with pytest.raises(ValueError, match="Cannot tell the format"):
        read_network(txt)
    empty = tmp_path / "empty.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"><node id="1" lat="39" lon="45"/></osm>')
    with pytest.raises(DataError):
        read_network(empty)


def test_settings_restored(tmp_path: Path) -> None:
    import osmnx as ox

    tags = list(ox.settings.useful_tags_way)
    timeout = ox.settings.requests_timeout
    read_network(BORDER_TOWN)
    assert ox.settings.useful_tags_way == tags
    assert ox.settings.requests_timeout == timeout


def test_import_corridor_does_not_import_osmnx() -> None:
    code = "import sys, corridor, corridor.network; print('osmnx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- snapping


def test_snap_mid_edge(G: nx.MultiDiGraph) -> None:
    # 0.0005° west of Enclave Road (44.997 °E): 43.3 m at 39.006 °N, mid-way along an edge
    df = snap_to_network(G, [(44.9965, 39.0060)])
    row = df.iloc[0]
    assert (row["u"], row["v"]) in {(301, 305), (305, 301)}
    assert row["snapped_lon"] == pytest.approx(44.997, abs=1e-9)
    assert row["snapped_lat"] == pytest.approx(39.006, abs=1e-7)
    assert row["distance_m"] == pytest.approx(distance_m((44.9965, 39.006), (44.997, 39.006)))
    assert row["distance_m"] == pytest.approx(43.31, abs=0.01)
    assert 0.0 < row["fraction"] < 1.0


def test_route_from_mid_edge(G: nx.MultiDiGraph) -> None:
    p = path_on_network(G, (44.9965, 39.0060), XY[305])
    # the last 6 of the 10 segments (by length) of edge 301 -> 305, not via a node
    full = G[301][305][0]["length"]
    assert p.cost == pytest.approx(full * 0.6, rel=1e-4)
    assert p.snaps[0].distance_m == pytest.approx(43.31, abs=0.01)
    r = p.to_route()
    assert r.stops[0].lon == pytest.approx(44.997)
    assert r.stops[0].km == 0.0
    assert r.stops[-1].km == pytest.approx(r.length_km)
    assert "43 m" in r.source
    assert r.mode == "road"


def test_far_point_is_an_error(G: nx.MultiDiGraph) -> None:
    with pytest.raises(GeometryError, match="max_snap_m"):
        route_on_network(G, (44.5, 39.0), XY[305])
    # a larger tolerance accepts it
    r = route_on_network(G, (44.9965, 39.0060), XY[305], max_snap_m=50.0)
    assert r.length_km > 0


# ---------------------------------------------------------------- routing


@pytest.mark.parametrize(("a", "b"), [(102, 603), (105, 305), (201, 502), (502, 201), (603, 102)])
def test_shortest_path_matches_networkx(G: nx.MultiDiGraph, a: int, b: int) -> None:
    import osmnx as ox

    p = path_on_network(G, XY[a], XY[b])
    expected = nx.shortest_path_length(G, a, b, weight="length")
    assert p.cost == pytest.approx(expected, rel=1e-9)
    assert p.length_m == pytest.approx(expected, rel=1e-9)
    assert list(p.nodes) == ox.shortest_path(G, a, b, weight="length")
    r = p.to_route()
    # geodesic WGS84 length of the same geometry vs osmnx great-circle lengths: within 0.5 %
    assert r.length_km * 1000 == pytest.approx(expected, rel=5e-3)
    assert r.start == pytest.approx(XY[a]) and r.end == pytest.approx(XY[b])


def test_oneway_is_respected(G: nx.MultiDiGraph) -> None:
    west = path_on_network(G, XY[502], XY[201])  # Market Street is one-way westwards
    east = path_on_network(G, XY[201], XY[502])
    assert (502, 201, 0) in west.edges
    assert (502, 201, 0) not in east.edges
    assert east.cost > west.cost


def test_route_with_via_and_analyze(G: nx.MultiDiGraph, town_region: corridor.Region) -> None:
    r = route_on_network(G, XY[102], XY[603], via=[XY[108]], name="through Beetown")
    assert [round(s.km, 3) for s in r.stops] == sorted(round(s.km, 3) for s in r.stops)
    assert r.stops[1].lon == pytest.approx(45.006)
    assert r.name == "through Beetown"
    a = corridor.analyze(r, region=town_region)
    assert a.km_by_territory["AAA"] > 0 and a.km_by_territory["BBB"] > 0
    assert len(a.crossings) >= 1


def test_rail_mode(G: nx.MultiDiGraph) -> None:
    # Aville station (44.988) to Beetown station (45.012) along 38.997 °N
    r = route_on_network(G, (44.988, 38.997), (45.012, 38.997), mode="rail")
    assert r.mode == "rail"
    assert r.length_km == pytest.approx(distance_m((44.988, 38.997), (45.012, 38.997)) / 1000)
    assert np.allclose(shapely.get_coordinates(r.geometry)[:, 1], 38.997)


def test_travel_time_weights(G: nx.MultiDiGraph) -> None:
    with pytest.raises(ValueError, match="add_travel_times"):
        route_on_network(G, XY[105], XY[305], weight="travel_time")
    add_travel_times(G, speeds_kmh={"tertiary": 30.0, "rail": 90.0})
    assert all("travel_time" in d for *_, d in G.edges(data=True))
    assert G[104][105][0]["speed_kph"] == 60.0  # maxspeed=60 on the Border Highway
    slow = route_on_network(G, XY[105], XY[305], weight="travel_time")
    short = route_on_network(G, XY[105], XY[305], weight="length")
    # at 30 km/h on Enclave Road, the bypass on faster roads wins on time
    assert slow.length_km > short.length_km
    assert slow.speed_kmh is not None and slow.speed_kmh > 30.0


# ---------------------------------------------------------------- avoid


def test_avoid_routes_around_a_territory(G: nx.MultiDiGraph, town_region: corridor.Region) -> None:
    direct = route_on_network(G, XY[105], XY[305])
    around = route_on_network(G, XY[105], XY[305], avoid=["BBB"], region=town_region)
    km = corridor.territory_km([direct, around], region=town_region)
    # Enclave Road crosses the salient: 0.004° of latitude, 444.8 m in BBB
    assert km.loc[0, "BBB"] == pytest.approx(0.4448, abs=1e-3)
    assert km.loc[1, "BBB"] == 0.0
    assert around.length_km > direct.length_km


def test_avoid_without_path(G: nx.MultiDiGraph, town_region: corridor.Region) -> None:
    with pytest.raises(NoPathError, match="BBB"):
        route_on_network(G, XY[105], XY[108], avoid="BBB", region=town_region)
    # the origin itself (Aville station) lies in the avoided territory
    with pytest.raises(NoPathError, match="AAA"):
        route_on_network(G, (44.988, 38.997), (45.012, 38.997), mode="rail", avoid="AAA", region=town_region)
    with pytest.raises(UnknownTerritoryError):
        route_on_network(G, XY[105], XY[305], avoid="ZZZ", region=town_region)


def test_no_path_on_disconnected_network(G: nx.MultiDiGraph) -> None:
    G.remove_edges_from([(105, 108, 0), (108, 105, 0), (305, 603, 0), (603, 305, 0)])
    with pytest.raises(NoPathError, match="No path"):
        route_on_network(G, XY[105], XY[108])


# ---------------------------------------------------------------- alternatives


def test_alternatives(G: nx.MultiDiGraph) -> None:
    routes = alternative_routes(G, XY[105], XY[305], k=3)
    assert len(routes) == 3
    lengths = [r.length_km for r in routes]
    assert lengths == sorted(lengths)
    geoms = [r.geometry for r in routes]
    assert not any(geoms[i].equals(geoms[j]) for i in range(3) for j in range(i + 1, 3))
    best = route_on_network(G, XY[105], XY[305])
    assert routes[0].length_km == pytest.approx(best.length_km)
    assert len({r.name for r in routes}) == 3
    with pytest.raises(ValueError, match="`k`"):
        alternative_routes(G, XY[105], XY[305], k=0)


# ---------------------------------------------------------------- borders


def test_tag_edges(G: nx.MultiDiGraph, town_region: corridor.Region) -> None:
    tag_edges(G, region=town_region)
    assert G[104][105][0]["iso3"] == "AAA"
    assert G[108][602][0]["iso3"] == "BBB"
    assert G[105][108][0]["crosses_border"] is True
    assert G[104][105][0]["crosses_border"] is False
    # Enclave Road: 0.4 of its length in BBB, so mostly AAA, and it crosses twice
    assert G[301][305][0]["iso3"] == "AAA"
    assert G[301][305][0]["crosses_border"] is True


def test_border_crossings(G: nx.MultiDiGraph, town_region: corridor.Region) -> None:
    bc = border_crossings(G, region=town_region)
    assert bc.crs.to_epsg() == 4326
    assert len(bc) == 5  # two-way edges listed once
    pts = sorted((round(p.x, 6), round(p.y, 4)) for p in bc.geometry)
    assert pts == [(44.997, 39.004), (44.997, 39.008), (45.0, 38.997), (45.0, 39.0), (45.0, 39.012)]
    assert set(bc["border"]) == {"AAA–BBB"}
    rail = bc[bc["kind"] == "rail"]
    assert len(rail) == 1 and rail["railway"].iloc[0] == "rail"
    primary = bc[bc["highway"] == "primary"]
    assert primary["name"].iloc[0] == "Border Highway" and primary["ref"].iloc[0] == "M1"
    enclave = bc[bc["name"] == "Enclave Road"].sort_values("km")
    assert list(zip(enclave["from_iso3"], enclave["to_iso3"])) in (
        [("AAA", "BBB"), ("BBB", "AAA")],
        [("BBB", "AAA"), ("AAA", "BBB")],
    )


def test_border_crossings_none(G: nx.MultiDiGraph) -> None:
    aaa = corridor.load_region(gpd.GeoDataFrame({"iso3": ["AAA"]}, geometry=[AAA], crs="EPSG:4326"), id_column="iso3")
    bc = border_crossings(G, region=aaa)
    assert len(bc) == 0 and "highway" in bc.columns


# ---------------------------------------------------------------- errors


def test_errors(G: nx.MultiDiGraph) -> None:
    with pytest.raises(UnknownPlaceError):
        route_on_network(G, "Nowhere-on-Earth", XY[305])
    with pytest.raises(GeometryError, match="empty"):
        route_on_network(nx.MultiDiGraph(), XY[105], XY[305])
    with pytest.raises(GeometryError, match="same point"):
        alternative_routes(G, XY[105], XY[105])
    with pytest.raises(GeometryError, match="swapped"):
        route_on_network(G, (39.0, 144.997), XY[305])


def test_download_refuses_large_area() -> None:
    # the whole South Caucasus: refused before any request
    with pytest.raises(ValueError, match="smaller area"):
        network_from_bbox((38.0, 36.0, 52.0, 44.0))
    with pytest.raises(GeometryError, match="west < east"):
        network_from_bbox((46.0, 39.0, 45.0, 40.0))
    with pytest.raises(ValueError, match="network_type"):
        network_from_bbox((46.0, 39.0, 46.01, 39.01), network_type="boats")


def test_region_too_large_is_refused(region: corridor.Region) -> None:
    with pytest.raises(ValueError, match="smaller area"):
        network_from_region("AZE", region=region)


def test_download_without_network_fails_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import osmnx as ox

    # an Overpass server that refuses connections: as if offline
    monkeypatch.setattr(ox.settings, "overpass_url", "http://127.0.0.1:9/api")
    getaddrinfo = socket.getaddrinfo
    timeout = ox.settings.requests_timeout
    with pytest.raises(DownloadError, match="read_network"):
        network_from_bbox((46.0, 39.0, 46.01, 39.01), timeout_s=5, cache_folder=tmp_path)
    assert socket.getaddrinfo is getaddrinfo
    assert ox.settings.requests_timeout == timeout
    assert ox.settings.overpass_rate_limit is True


# ---------------------------------------------------------------- online


@pytest.mark.network
def test_online_bbox_meghri(tmp_path: Path) -> None:
    G = network_from_bbox((46.22, 38.89, 46.27, 38.92), cache_folder=tmp_path)
    assert len(G.edges) > 10
    r = route_on_network(G, (46.23, 38.90), (46.26, 38.91), max_snap_m=2000)
    assert r.length_km > 0


@pytest.mark.network
def test_online_rail_and_crossings(tmp_path: Path) -> None:
    G = network_from_bbox((44.5, 40.9, 45.2, 41.4), network_type="rail", cache_folder=tmp_path)
    assert all("railway" in d for *_, d in G.edges(data=True))
    bc = border_crossings(G)
    assert (bc["border"] == "ARM–GEO").any()


@pytest.mark.network
def test_online_place(tmp_path: Path) -> None:
    G = network_from_place("Meghri, Armenia", cache_folder=tmp_path)
    assert len(G) > 50  # Meghri's streets and the M2 road
    xs = [d["x"] for _, d in G.nodes(data=True)]
    assert 45.8 < min(xs) and max(xs) < 46.7  # southern Syunik, around Meghri (46.24°E)
    with pytest.raises(UnknownPlaceError):
        network_from_place("Qwzxv-no-such-place-Kjhg", cache_folder=tmp_path)
