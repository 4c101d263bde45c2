"""``read_network`` on OSM PBF extracts: the same graph as from the same data as OSM XML, and its limits.

The PBF files are written here, at run time, with pyosmium: from the shipped XML extracts
(``tests/data/West-Oakland.osm.bz2``, real OSM data, ODbL; ``border_town.osm``, CC0) and from
seeded random extracts built to hit osmnx's corner cases (one-way and reversed ways,
roundabouts, rings, ways that revisit a node, consecutive duplicate nodes, one-node ways,
parallel ways, ways that are both road and rail, dropped buildings), and files that are
empty, garbage, truncated, corrupt or crafted to crash libosmium (which runs in a child process).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from corridor.errors import DataError, ParameterError
from corridor.network import read_network
from corridor.routing import path_on_network

osmium = pytest.importorskip("osmium")
from osmium.osm.mutable import Node, Way  # noqa: E402

DATA = Path(__file__).parent / "data"
OAKLAND = DATA / "West-Oakland.osm.bz2"
BORDER_TOWN = DATA / "border_town.osm"
LEVEL_CROSSING = 601  # border_town.osm: Vokzal Street meets the railway
OPTIONS = [{}, {"simplify": False}, {"kind": "road"}, {"kind": "rail"}, {"retain_all": False}]


def copy_osm(src: Path, dst: Path) -> Path:
    """Write every element of ``src`` to ``dst`` (PBF or XML by the name) with pyosmium."""
    with osmium.SimpleWriter(str(dst)) as w:
        for o in osmium.FileProcessor(str(src)):
            if o.is_node():
                w.add_node(o)
            elif o.is_way():
                w.add_way(o)
            elif o.is_relation():
                w.add_relation(o)
    return dst


def write_osm(path: Path, nodes: list[Any], ways: list[Any], header: Any = None) -> Path:
    kw = {"header": header} if header is not None else {}
    with osmium.SimpleWriter(str(path), **kw) as w:
        for n in nodes:
            w.add_node(n)
        for x in ways:
            w.add_way(x)
    return path


def _value(key: str, val: Any) -> Any:
    if key == "length":
        return round(float(val), 3)  # within a millimetre
    if key == "geometry":
        return tuple(val.coords)
    if isinstance(val, list):
        return ("list", tuple(sorted(map(repr, val))))
    return val


def assert_same_graph(G: nx.MultiDiGraph, H: nx.MultiDiGraph, *, keys: bool = True) -> None:
    """Same nodes (in order) with the same attributes; the same edges and attributes.

    ``keys=True``: the same (u, v, key) in the same order with the same attributes in the same
    order (lengths within 1 mm, geometries coordinate for coordinate); ``keys=False``: between
    each pair of nodes, the same edges whatever their keys.
    """
    assert list(G.nodes) == list(H.nodes)
    assert [G.nodes[n] for n in G] == [H.nodes[n] for n in H]
    assert G.graph["crs"] == H.graph["crs"] and G.graph.get("simplified") == H.graph.get("simplified")
    if keys:
        assert list(G.edges(keys=True)) == list(H.edges(keys=True))
        for e in G.edges(keys=True):
            a, b = G.edges[e], H.edges[e]
            assert list(a) == list(b), e
            assert [type(x) for x in a.values()] == [type(x) for x in b.values()], e
            for k in a:
                if k == "length":
                    assert abs(a[k] - b[k]) < 1e-3, (e, a[k], b[k])
                elif k == "geometry":
                    assert a[k].equals_exact(b[k], tolerance=0), e
                else:
                    assert a[k] == b[k], (e, k, a[k], b[k])
        return

    def by_pair(X: nx.MultiDiGraph) -> dict[tuple[Any, Any], list[Any]]:
        out: dict[tuple[Any, Any], list[Any]] = {}
        for u, v, d in X.edges(data=True):
            out.setdefault((u, v), []).append(tuple(sorted((k, _value(k, x)) for k, x in d.items())))
        return {p: sorted(map(repr, x)) for p, x in out.items()}

    assert by_pair(G) == by_pair(H)


@pytest.fixture(scope="module")
def oakland_pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_osm(OAKLAND, tmp_path_factory.mktemp("pbf") / "west-oakland.osm.pbf")


# ---------------------------------------------------------------- the same graph as XML


@pytest.mark.parametrize("kw", OPTIONS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "default")
@pytest.mark.parametrize("src", [OAKLAND, BORDER_TOWN], ids=lambda p: p.name)
def test_pbf_equals_xml(src: Path, kw: dict[str, Any], tmp_path: Path) -> None:
    pbf = copy_osm(src, tmp_path / "extract.osm.pbf")
    assert_same_graph(read_network(src, **kw), read_network(pbf, **kw))


def test_real_extract_keeps_osmnx_tags(oakland_pbf: Path) -> None:
    G = read_network(oakland_pbf)
    assert (len(G), len(G.edges)) == (55, 114)
    tags = {k for *_, d in G.edges(data=True) for k in d}
    assert {"osmid", "highway", "railway", "name", "oneway", "reversed", "length", "geometry"} <= tags
    assert all(isinstance(d["length"], float) and d["length"] > 0 for *_, d in G.edges(data=True))
    B = read_network(copy_osm(BORDER_TOWN, oakland_pbf.with_name("town.osm.pbf")))
    highway = B.edges[104, 105, 0]
    assert (highway["name"], highway["ref"], highway["maxspeed"], highway["highway"]) == (
        "Border Highway",
        "M1",
        "60",
        "primary",
    )
    rail = [d for *_, d in B.edges(data=True) if "railway" in d][0]
    assert (rail["usage"], rail["gauge"], rail["electrified"]) == ("main", "1520", "contact_line")
    assert B.nodes[LEVEL_CROSSING]["railway"] == "level_crossing"  # node tags osmnx keeps


def _random_extract(seed: int, *, dropped: bool) -> tuple[list[Any], list[Any]]:
    rng = random.Random(seed)
    node_tags = [{}, {}, {}, {"highway": "traffic_signals"}, {"railway": "level_crossing"}, {"ref": "7"}]
    nodes = [
        Node(
            id=3 * i,
            location=(round(45 + rng.random() * 0.01, 7), round(39 + rng.random() * 0.01, 7)),
            tags=rng.choice(node_tags),
        )
        for i in range(1, 41)
    ]
    ways = []
    for w in range(1, 31):
        refs = [3 * rng.randint(1, 40) for _ in range(rng.choice([1, 2, 2, 3, 4, 6, 10]))]
        if rng.random() < 0.15 and len(refs) > 2:
            refs.append(refs[0])  # closed
        if rng.random() < 0.1:
            refs.insert(1, refs[0])  # a consecutive duplicate
        r = rng.random()
        if r < 0.6:
            tags = {"highway": rng.choice(["primary", "residential", "service"])}
        elif r < 0.8:
            tags = {"railway": rng.choice(["rail", "tram"])}
        elif r < 0.85 or not dropped:
            tags = {"highway": "residential", "railway": "tram"}
        else:
            tags = {"building": "yes"}
        if rng.random() < 0.4:
            tags["oneway"] = rng.choice(["yes", "-1", "reverse", "T", "F", "no", "true", "1", "reversible"])
        if rng.random() < 0.1:
            tags["junction"] = "roundabout"
        for key, values, p in (
            ("name", ["A", "B", "Élan"], 0.5),
            ("maxspeed", ["50", "90"], 0.3),
            ("lanes", ["1", "2"], 0.2),
        ):
            if rng.random() < p:
                tags[key] = rng.choice(values)
        ways.append(Way(id=5 * w, nodes=refs, tags=tags))
    ring = [Node(id=200 + k, location=(45.02 + 0.001 * (k % 2), 39.02 + 0.001 * (k // 2))) for k in range(4)]
    ways.append(Way(id=500, nodes=[200, 201, 203, 202, 200], tags={"highway": "residential"}))  # removed as a ring
    return nodes + ring, ways


@pytest.mark.parametrize("dropped", [False, True], ids=["roads-and-rails", "with-dropped-ways"])
def test_random_extracts_equal_xml(dropped: bool, tmp_path: Path) -> None:
    """osmnx's corner cases, 20 seeds x 3 or 4 options. With dropped ways (buildings, or roads for
    kind="rail") sharing a segment with a kept one, osmnx's XML graph numbers that segment's
    keys after the dropped edge it removed; the PBF graph numbers them as a download would.
    """
    checked = 0
    for seed in range(20):
        nodes, ways = _random_extract(seed, dropped=dropped)
        xml = write_osm(tmp_path / f"r{seed}.osm", nodes, ways)
        pbf = write_osm(tmp_path / f"r{seed}.osm.pbf", nodes, ways)
        for kw in OPTIONS[:2] + OPTIONS[3:] if dropped else OPTIONS[:2] + OPTIONS[4:]:
            try:
                G = read_network(xml, **kw)
            except DataError:
                with pytest.raises(DataError):
                    read_network(pbf, **kw)
                continue
            assert_same_graph(G, read_network(pbf, **kw), keys=not dropped)
            checked += 1
    assert checked > 40


def test_kind_filters_while_reading(oakland_pbf: Path) -> None:
    rail = read_network(oakland_pbf, kind="rail")
    road = read_network(oakland_pbf, kind="road")
    assert len(rail.edges) == 4 and all("railway" in d for *_, d in rail.edges(data=True))
    assert all("highway" in d for *_, d in road.edges(data=True))
    assert len(road.edges) + len(rail.edges) == len(read_network(oakland_pbf).edges)


def test_routing_on_a_pbf_graph(oakland_pbf: Path) -> None:
    G, H = read_network(OAKLAND), read_network(oakland_pbf)
    a, b = (-122.3016, 37.8070), (-122.2960, 37.8090)
    p, q = path_on_network(G, a, b), path_on_network(H, a, b)
    assert p.nodes == q.nodes and p.length_m == pytest.approx(q.length_m, abs=1e-3)


# ---------------------------------------------------------------- limits and refusals


def _two_roads() -> tuple[list[Any], list[Any]]:
    nodes = [Node(id=i, location=(45.0 + 0.001 * i, 39.0)) for i in range(1, 6)]
    ways = [
        Way(id=1, nodes=[1, 2, 3], tags={"highway": "primary"}),
        Way(id=2, nodes=[3, 4, 5], tags={"highway": "primary"}),
    ]
    return nodes, ways


def test_refusals(tmp_path: Path, oakland_pbf: Path) -> None:
    def refused(path: Path, match: str, **kw: Any) -> None:
        with pytest.raises(DataError, match=match):
            read_network(path, **kw)

    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    refused(empty, "is empty")
    garbage = tmp_path / "garbage.osm.pbf"
    garbage.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 10)
    refused(garbage, "not an OSM PBF file")
    xml = tmp_path / "xml.osm.pbf"
    xml.write_bytes(BORDER_TOWN.read_bytes())
    refused(xml, "looks like XML")
    data = oakland_pbf.read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[: len(data) // 2])
    refused(cut, "truncated, corrupt")
    folder = tmp_path / "folder.osm.pbf"
    folder.mkdir()
    refused(folder, "folder")
    refused(oakland_pbf, "max_bytes", max_bytes=1000)
    refused(oakland_pbf, "max_nodes=100", max_nodes=100)
    nodes, ways = _two_roads()
    refused(
        write_osm(tmp_path / "missing.osm.pbf", nodes[:-1], ways), "way 2 refers to node 5, which is not in the file"
    )
    far = [*nodes[:-1], Node(id=5, location=(45.0, 95.0))]
    refused(write_osm(tmp_path / "far.osm.pbf", far, ways), "node 5 is at lon 45.0, lat 95.0")
    plain = osmium.io.File(str(tmp_path / "plain.osm.pbf"), "osm.pbf,pbf_compression=none")
    with osmium.SimpleWriter(plain) as w:
        for n in nodes:
            w.add_node(n)
        w.add_way(Way(id=1, nodes=[1, 2], tags={"highway": "primary", "name": "QQÉlanQQ"}))
    raw = (tmp_path / "plain.osm.pbf").read_bytes()
    at = raw.index("QQÉlanQQ".encode())
    bad = tmp_path / "latin.osm.pbf"
    bad.write_bytes(raw[: at + 2] + b"\xff\xfe" + raw[at + 4 :])  # É's two UTF-8 bytes made invalid
    refused(bad, "not UTF-8")
    header = osmium.io.Header()
    header.has_multiple_object_versions = True
    refused(write_osm(tmp_path / "history.osh.pbf", nodes, ways, header), "history file")
    buildings = [Way(id=1, nodes=[1, 2, 3, 1], tags={"building": "yes"})]
    refused(write_osm(tmp_path / "buildings.osm.pbf", nodes, buildings), "no road or rail ways")
    refused(write_osm(tmp_path / "roads.osm.pbf", nodes, ways), "no rail ways", kind="rail")
    with pytest.raises(FileNotFoundError):
        read_network(tmp_path / "nowhere.osm.pbf")
    with pytest.raises(ParameterError, match="`kind` must be one of"):
        read_network(oakland_pbf, kind="boats")
    with pytest.raises(ParameterError, match="max_nodes"):
        read_network(oakland_pbf, max_nodes=-1)


def test_a_crash_of_libosmium_is_a_data_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libosmium runs in a child process: when it dies (here a stand-in that segfaults), Python does not."""
    from corridor import _pbf

    crash = tmp_path / "crash.py"
    crash.write_text("import ctypes\nctypes.string_at(0)\n")
    monkeypatch.setattr(_pbf, "_READER", crash)
    nodes, ways = _two_roads()
    with pytest.raises(DataError, match=r"libosmium's reader stopped \((signal|exit status)"):
        read_network(write_osm(tmp_path / "roads.osm.pbf", nodes, ways))


def test_a_tag_with_a_nul_byte_is_refused(tmp_path: Path) -> None:
    """libosmium walks a way's tags as NUL-terminated strings; a NUL inside one puts it out of step."""
    nodes, _ = _two_roads()
    plain = osmium.io.File(str(tmp_path / "plain.osm.pbf"), "osm.pbf,pbf_compression=none")
    with osmium.SimpleWriter(plain) as w:
        for n in nodes:
            w.add_node(n)
        w.add_way(Way(id=1, nodes=[1, 2], tags={"highway": "primary", "name": "QQxxQQ"}))
    raw = (tmp_path / "plain.osm.pbf").read_bytes()
    at = raw.index(b"QQxxQQ")
    bad = tmp_path / "nul.osm.pbf"
    bad.write_bytes(raw[: at + 2] + b"\x00" + raw[at + 3 :])
    with pytest.raises(DataError):
        read_network(bad)


def test_mutated_files_are_read_or_refused(oakland_pbf: Path, tmp_path: Path) -> None:
    """Bytes flipped, cut or repeated, in a compressed and an uncompressed PBF: a graph or a
    DataError, never another exception, never a crash (one of these crashed libosmium)."""
    plain = osmium.io.File(str(tmp_path / "plain.osm.pbf"), "osm.pbf,pbf_compression=none")
    with osmium.SimpleWriter(plain) as w:
        for o in osmium.FileProcessor(str(OAKLAND)):
            if o.is_node():
                w.add_node(o)
            elif o.is_way():
                w.add_way(o)
    _mutate(oakland_pbf.read_bytes(), tmp_path, random.Random(7), 30)
    _mutate((tmp_path / "plain.osm.pbf").read_bytes(), tmp_path, random.Random(1), 30)


def _mutate(data: bytes, tmp_path: Path, rng: random.Random, n: int) -> None:
    outcomes = set()
    for i in range(n):
        b = bytearray(data)
        kind = i % 3
        if kind == 0:
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif kind == 1:
            b = b[: rng.randrange(len(b))]
        else:
            a = rng.randrange(len(b))
            b = b[:a] + b[a : a + rng.randint(1, 200)] + b[a:]
        path = tmp_path / f"m{i}.osm.pbf"
        path.write_bytes(bytes(b))
        try:
            G = read_network(path)
            outcomes.add("graph")
            assert all(d["length"] >= 0 for *_, d in G.edges(data=True))
        except DataError:
            outcomes.add("refused")
    assert "refused" in outcomes


def test_import_corridor_does_not_import_osmium() -> None:
    code = "import sys, corridor, corridor.network; print('osmium' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
