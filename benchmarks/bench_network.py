"""Networks: the cached router against osmnx's shortest path, and reading ``.osm.pbf`` extracts.

Run with ``python benchmarks/bench_network.py [OUT.md]`` (prints the tables and writes them,
README-ready, to ``OUT.md``; default ``/work/research/networks_readme.md``) or
``python -m pytest benchmarks/bench_network.py -s``.  Everything is measured side by side in
one run, best of several rounds, and reported as ratios (the machine may be shared).

Routing: a synthetic city of 75 x 75 junctions (19,122 edges, about the issue's 19,320-edge
graph) read from PBF, and the real West-Oakland extract (tests/data, ODbL).  Five routes
between seeded points: ``route_on_network`` with its router cached (after the first call),
as before (a router built for every call), the first call alone, and osmnx's
``shortest_path`` between the nearest nodes of the same points.

Reading: West-Oakland converted to PBF with pyosmium at run time; synthetic extracts written
here (a city with buildings; a region; a "national" extract of 2.6 million nodes and 313,000
ways: roads, railways and buildings), each read by ``read_network`` as PBF and, where osmnx
can, as OSM XML, in a fresh interpreter each: seconds and peak resident memory (RSS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

OUT = Path("/work/research/networks_readme.md")
ROOT = Path(__file__).resolve().parents[1]
OAKLAND = ROOT / "tests" / "data" / "West-Oakland.osm.bz2"
#: name: (generator arguments, read as XML too)
EXTRACTS = {
    "city": ({"n": 75, "buildings": 2.0}, True),
    "region": ({"n": 150, "shape": 4, "buildings": 3.0, "rail_lines": 4}, True),
    "national": ({"n": 300, "shape": 8, "buildings": 3.0, "rail_lines": 6}, False),
}


# ---------------------------------------------------------------------------
# a synthetic OSM extract: a grid of streets, railways and buildings


def write_grid_osm(
    path: str | Path,
    *,
    n: int = 70,
    shape: int = 2,
    street_blocks: int = 4,
    buildings: float = 0.0,
    rail_lines: int = 2,
    drop: float = 0.02,
    seed: int = 0,
) -> dict[str, int]:
    """Write an invented OSM extract (PBF or XML by the name) and return its element counts.

    An ``n`` x ``n`` grid of junctions about 300 m apart near 44°E 40°N; streets east-west
    and north-south as ways of ``street_blocks`` blocks with ``shape`` curving shape nodes per
    block (primary avenues every 10th line with ``ref`` and ``maxspeed``, secondary every 3rd,
    residential otherwise; some one-way, some ``oneway=-1``; a fraction ``drop`` of ways
    missing); ``rail_lines`` railways between the streets; ``buildings`` closed building ways
    per block on average (dropped by ``read_network``).  Coordinates are invented.
    """
    import osmium
    from osmium.osm.mutable import Node, Way

    rng = np.random.default_rng(seed)
    dx, dy = 0.004, 0.003
    ii, jj = np.meshgrid(np.arange(n), np.arange(n))
    jx = (44.0 + ii * dx + rng.uniform(-0.0004, 0.0004, ii.shape)).ravel()
    jy = (40.0 + jj * dy + rng.uniform(-0.0003, 0.0003, jj.shape)).ravel()
    lon, lat = [jx], [jy]
    next_id = n * n + 1

    def junction(i: int, j: int) -> int:
        return 1 + j * n + i

    # shape nodes of every block, east-west then north-south
    t = (np.arange(1, shape + 1) / (shape + 1))[None, :]
    blocks = {}
    for axis in (0, 1):  # blocks east-west from (i, j), then north-south
        a = np.array(
            [(i, j) for j in range(n) for i in range(n - 1)]
            if axis == 0
            else [(i, j) for i in range(n) for j in range(n - 1)]
        )
        u = a[:, 1] * n + a[:, 0]
        v = u + (1 if axis == 0 else n)
        wiggle = rng.normal(0, 0.00015, (len(a), shape))
        x = jx[u][:, None] + (jx[v] - jx[u])[:, None] * t + (wiggle if axis == 1 else 0)
        y = jy[u][:, None] + (jy[v] - jy[u])[:, None] * t + (wiggle if axis == 0 else 0)
        ids = next_id + np.arange(len(a) * shape).reshape(len(a), shape)
        next_id += len(a) * shape
        lon.append(x.ravel())
        lat.append(y.ravel())
        for k, (i, j) in enumerate(a):
            blocks[(axis, int(i), int(j))] = ids[k]
    ways: list[tuple[list[int], dict[str, str]]] = []
    for axis in (0, 1):
        for line in range(n):
            tags = _street_tags(axis, line)
            for start in range(0, n - 1, street_blocks):
                if rng.random() < drop:
                    continue
                refs: list[int] = []
                for b in range(start, min(start + street_blocks, n - 1)):
                    i, j = (b, line) if axis == 0 else (line, b)
                    refs.append(junction(i, j))
                    refs.extend(int(x) for x in blocks[(axis, i, j)])
                end = min(start + street_blocks, n - 1)
                refs.append(junction(end, line) if axis == 0 else junction(line, end))
                ways.append((refs, tags))
    # railways: east-west lines half a block north of a street, nodes every quarter block
    for r in range(rail_lines):
        row = (r + 1) * n // (rail_lines + 1)
        m = 4 * (n - 1) + 1
        x = 44.0 + np.arange(m) * dx / 4
        y = 40.0 + (row + 0.5) * dy + 0.0002 * np.sin(np.arange(m) / 7)
        ids = next_id + np.arange(m)
        next_id += m
        lon.append(x)
        lat.append(y)
        tags = {"railway": "rail", "usage": "main", "gauge": "1520", "maxspeed": "120", "name": f"Line {r + 1}"}
        for s in range(0, m - 1, 40):
            ways.append(([int(v) for v in ids[s : s + 41]], tags))
    # buildings: closed squares of four nodes inside the blocks
    nb = rng.poisson(buildings, (n - 1) * (n - 1)) if buildings else np.zeros(0, dtype=int)
    if nb.sum():
        cell = np.repeat(np.arange(len(nb)), nb)
        cx = 44.0 + (cell % (n - 1) + rng.uniform(0.2, 0.8, len(cell))) * dx
        cy = 40.0 + (cell // (n - 1) + rng.uniform(0.2, 0.8, len(cell))) * dy
        s = 0.00008
        bx = np.stack([cx - s, cx + s, cx + s, cx - s], axis=1)
        by = np.stack([cy - s, cy - s, cy + s, cy + s], axis=1)
        ids = next_id + np.arange(4 * len(cell)).reshape(-1, 4)
        next_id += 4 * len(cell)
        lon.append(bx.ravel())
        lat.append(by.ravel())
        btags = {"building": "yes"}
        ways.extend(([int(a), int(b), int(c), int(d), int(a)], btags) for a, b, c, d in ids)
    xs = np.round(np.concatenate(lon), 7)
    ys = np.round(np.concatenate(lat), 7)
    signals = {"highway": "traffic_signals"}
    path = Path(path)
    if path.exists():
        path.unlink()
    with osmium.SimpleWriter(str(path)) as w:
        for k in range(len(xs)):
            tags = signals if k < n * n and k % 7 == 3 else {}
            w.add_node(Node(id=k + 1, location=(float(xs[k]), float(ys[k])), tags=tags))
        for k, (refs, tags) in enumerate(ways):
            w.add_way(Way(id=k + 1, nodes=refs, tags=tags))
    return {"nodes": len(xs), "ways": len(ways)}


def _street_tags(axis: int, line: int) -> dict[str, str]:
    kind = "Avenue" if axis == 0 else "Road"
    if line % 10 == 0:
        return {"highway": "primary", "name": f"{kind} {line}", "ref": f"M{line}", "maxspeed": "60"}
    if line % 3 == 0:
        return {"highway": "secondary", "name": f"{kind} {line}", "maxspeed": "50"}
    tags = {"highway": "residential", "name": f"{kind} {line} Street"}
    if line % 9 == 1:
        tags["oneway"] = "yes"
    elif line % 9 == 2:
        tags["oneway"] = "-1"
    return tags


def copy_to_pbf(src: Path, dst: Path) -> Path:
    """Every element of an OSM file, written again as PBF with pyosmium."""
    import osmium

    with osmium.SimpleWriter(str(dst)) as w:
        for o in osmium.FileProcessor(str(src)):
            if o.is_node():
                w.add_node(o)
            elif o.is_way():
                w.add_way(o)
            elif o.is_relation():
                w.add_relation(o)
    return dst


# ---------------------------------------------------------------------------
# routing


def _pairs(G, k: int = 5, seed: int = 1) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """``k`` seeded pairs of points a third of the way along edges of the largest strongly connected
    component, at least half the graph's extent apart (so the routes cross the graph)."""
    import networkx as nx
    import shapely

    core = max(nx.strongly_connected_components(G), key=len)
    edges = [(u, v, d) for u, v, d in G.edges(data=True) if u in core and v in core and "highway" in d]
    xy = np.array([(d["x"], d["y"]) for _, d in G.nodes(data=True)])
    span = xy.max(axis=0) - xy.min(axis=0)
    rng = np.random.default_rng(seed)

    def point(e):
        u, v, d = e
        line = d.get("geometry") or shapely.LineString([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in (u, v)])
        p = line.interpolate(0.37, normalized=True)
        return (p.x, p.y)

    out: list[tuple[tuple[float, float], tuple[float, float]]] = []
    while len(out) < k:
        a, b = (point(edges[i]) for i in rng.integers(len(edges), size=2))
        if np.hypot(*((np.subtract(a, b)) / span)) > 0.5:
            out.append((a, b))
    return out


def _best(f, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def bench_routing(G, name: str, rounds: int = 7) -> dict:
    """Five routes on ``G``: cached, as before (a router per call), first call, and osmnx."""
    import osmnx as ox

    from corridor.routing import clear_router_cache, route_on_network

    pairs = _pairs(G)
    ids = np.array(list(G.nodes), dtype=object)
    xy = np.array([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in ids])

    def nearest(p):
        return ids[int(np.argmin(((xy - np.asarray(p)) ** 2).sum(axis=1)))]

    node_pairs = [(nearest(a), nearest(b)) for a, b in pairs]

    def cached():
        for a, b in pairs:
            route_on_network(G, a, b)

    def uncached():
        for a, b in pairs:
            clear_router_cache()
            route_on_network(G, a, b)

    def first():
        clear_router_cache()
        route_on_network(G, *pairs[0])

    def osmnx():
        for a, b in node_pairs:
            ox.shortest_path(G, a, b, weight="length")

    times = {f.__name__: float("inf") for f in (cached, uncached, first, osmnx)}
    for _ in range(rounds):  # interleaved, so a busy moment hits every method alike
        for f in (uncached, first, osmnx, cached):
            times[f.__name__] = min(times[f.__name__], _best(f, 1))
    clear_router_cache()
    lengths = [route_on_network(G, a, b).length_km for a, b in pairs]
    again = [route_on_network(G, a, b).length_km for a, b in pairs]
    assert lengths == again, "a cached router answered differently"
    return {"graph": name, "nodes": len(G), "edges": len(G.edges), **times}


# ---------------------------------------------------------------------------
# reading

_READ = """
import ctypes, gc, json, sys, time
import networkx, numpy, osmium, osmnx, shapely
from corridor.network import read_network

def status(key):  # kB; VmHWM is this process's own peak (ru_maxrss would carry the parent's over exec)
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))

base = status("VmRSS")
t = time.perf_counter()
G = read_network(sys.argv[1], kind=sys.argv[2])
dt = time.perf_counter() - t
peak = status("VmHWM")
gc.collect()
try:
    ctypes.CDLL("libc.so.6").malloc_trim(0)
except OSError:
    pass
held = status("VmRSS")
from corridor import _pbf
reader = _pbf.READER_STATS.get("peak_kb") if sys.argv[1].endswith(".pbf") else None
print(json.dumps({"s": dt, "peak_mb": peak / 1024, "base_mb": base / 1024, "graph_mb": (held - base) / 1024,
                  "reader_mb": reader / 1024 if reader else None, "nodes": len(G), "edges": len(G.edges)}))
"""


def measure_read(path: Path, kind: str = "all", rounds: int = 3) -> dict:
    """``read_network(path, kind=kind)`` in fresh interpreters: best time, its peak RSS."""
    best: dict = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", _READ, str(path), kind], capture_output=True, text=True, check=True, env=env
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        if not best or r["s"] < best["s"]:
            best = r
    return best


def bench_reading(tmp: Path, extracts: dict = EXTRACTS) -> list[dict]:
    rows = []
    pbf = copy_to_pbf(OAKLAND, tmp / "west-oakland.osm.pbf")
    rows.append(_row("West-Oakland (real, ODbL)", {"nodes": 446, "ways": 66}, OAKLAND, pbf, os.path.getsize(OAKLAND)))
    for name, (kw, as_xml) in extracts.items():
        pbf = tmp / f"{name}.osm.pbf"
        counts = write_grid_osm(pbf, **kw)
        xml = None
        if as_xml:
            xml = tmp / f"{name}.osm"
            write_grid_osm(xml, **kw)
        rows.append(_row(f"synthetic {name}", counts, xml, pbf, None, rounds=1 if name == "national" else 3))
        if name == "national":
            for kind in ("road", "rail"):
                r = measure_read(pbf, kind, rounds=1)
                rows.append(
                    {"extract": f"synthetic {name}, kind={kind!r}", **counts, "pbf_mb": rows[-1]["pbf_mb"], "pbf": r}
                )
    return rows


def _row(name: str, counts: dict, xml: Path | None, pbf: Path, xml_bytes: int | None, rounds: int = 3) -> dict:
    row = {"extract": name, **counts, "pbf_mb": os.path.getsize(pbf) / 1e6, "pbf": measure_read(pbf, rounds=rounds)}
    if xml is not None:
        row["xml_mb"] = (xml_bytes or os.path.getsize(xml)) / 1e6
        row["xml"] = measure_read(xml, rounds=rounds)
        assert (row["xml"]["nodes"], row["xml"]["edges"]) == (row["pbf"]["nodes"], row["pbf"]["edges"])
    return row


# ---------------------------------------------------------------------------
# report


def report(routing: list[dict], reading: list[dict]) -> str:
    lines = [
        "### Networks at scale: a cached router and `.osm.pbf` extracts",
        "",
        "`route_on_network`, `path_on_network` and `alternative_routes` build a graph's router (its "
        "edges, a spatial index for snapping, a DiGraph of the cheapest edge per pair of nodes) on the "
        "first call and reuse it while the graph keeps its nodes, edges and `weight` values (at most "
        "`ROUTER_CACHE_SIZE` = 4 routers, none outliving its graph; `clear_router_cache()` after other "
        "in-place changes). Five routes between the same points, best of 7 rounds, one run "
        "(`benchmarks/bench_network.py`):",
        "",
        "| graph | nodes | edges | 5 routes, cached router | osmnx `shortest_path` (nearest nodes) | cached / osmnx "
        "| router rebuilt every call (as before) | that / osmnx | first call (builds the router) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in routing:
        lines.append(
            f"| {r['graph']} | {r['nodes']:,} | {r['edges']:,} | {r['cached'] * 1000:.1f} ms | "
            f"{r['osmnx'] * 1000:.1f} ms | **{r['cached'] / r['osmnx']:.2f}×** | {r['uncached'] * 1000:.0f} ms | "
            f"{r['uncached'] / r['osmnx']:.1f}× | {r['first'] * 1000:.0f} ms |"
        )
    if routing:
        small = min(routing, key=lambda r: r["edges"])
        lines += [
            "",
            "`route_on_network` snaps both points to the nearest point of the nearest edge, splices them "
            "into the router for the query and returns a `Route` with its stops; osmnx's `shortest_path` "
            "runs the search between node ids found beforehand. On the larger graph the search dominates, "
            "and the router's DiGraph (the cheapest edge per pair of nodes) searches faster than osmnx on "
            f"the MultiDiGraph; on {small['graph'].split(' (')[0]}'s {small['edges']} edges the fixed cost "
            f"per route (about {small['cached'] / 5 * 1000:.1f} ms) is most of it.",
        ]
    lines += [
        "",
        "`read_network` reads `.osm.pbf` extracts (the format of every national extract) with pyosmium, "
        "in one stream: ways without `highway`/`railway` (or without the one key `kind=` asks for) are "
        "dropped by libosmium before Python sees them, and the graph is simplified on arrays before "
        "networkx sees it. The graph is the one osmnx builds from the same data as OSM XML (same nodes, "
        "edges, keys and attributes; tested). libosmium runs in a child process (a corrupt or crafted "
        "file that crashes it is a `DataError`, not a dead interpreter): *reader's peak* is that "
        "process's, with its node-location index (16 bytes a node of the file). Each read in a fresh "
        "interpreter; *peak RSS* includes its ~200 MB of Python, numpy, networkx and osmnx; *graph* is "
        "what the interpreter holds after the read, less what it held before:",
        "",
        "| extract | OSM nodes | OSM ways | graph nodes | graph edges | PBF file | read | peak RSS | reader's peak "
        "| graph | as OSM XML (osmnx): file | read | peak RSS | PBF speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reading:
        p = r["pbf"]
        x = r.get("xml")
        xml = (
            f"{_size(r['xml_mb'])} | {x['s']:.2f} s | {x['peak_mb']:,.0f} MB | **{x['s'] / p['s']:.1f}×**"
            if x
            else "not run (osmnx holds the whole file in memory) | | |"
        )
        lines.append(
            f"| {r['extract']} | {r['nodes']:,} | {r['ways']:,} | {p['nodes']:,} | {p['edges']:,} | "
            f"{_size(r['pbf_mb'])} | {p['s']:.2f} s | {p['peak_mb']:,.0f} MB | {p['reader_mb'] or 0:,.0f} MB | "
            f"{max(p['graph_mb'], 0):,.0f} MB | "
            f"{xml} |"
        )
    return "\n".join(lines) + "\n"


def _size(mb: float) -> str:
    return f"{mb * 1000:,.0f} kB" if mb < 1 else f"{mb:,.1f} MB"


def routing_graphs(tmp: Path) -> list[tuple[str, object]]:
    from corridor.network import read_network

    city = tmp / "routing-city.osm.pbf"
    write_grid_osm(city, n=75)
    return [
        ("synthetic city (75 × 75 junctions)", read_network(city)),
        ("West-Oakland (real, ODbL)", read_network(copy_to_pbf(OAKLAND, tmp / "oakland.osm.pbf"))),
    ]


def main(out: Path = OUT) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-network-") as d:
        tmp = Path(d)
        routing = [bench_routing(G, name) for name, G in routing_graphs(tmp)]
        reading = bench_reading(tmp)
    text = report(routing, reading)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text


def test_routing_cached_within_2x_of_osmnx(tmp_path):
    rows = [bench_routing(G, name) for name, G in routing_graphs(tmp_path)]
    print("\n" + report(rows, []))
    city = rows[0]
    assert city["cached"] <= 2.0 * city["osmnx"]


def test_reading_pbf(tmp_path):
    small = {k: v for k, v in EXTRACTS.items() if k == "city"}
    print("\n" + report([], bench_reading(tmp_path, small)))


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
