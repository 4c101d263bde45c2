"""The router cache: reused per graph and options, rebuilt when the graph changes, bounded, thread-safe.

Runs on ``tests/data/border_town.osm`` (hand-made, CC0) as ``tests/test_network.py`` does.
"""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import networkx as nx
import pytest
import shapely

from corridor.network import add_travel_times, read_network
from corridor.routing import (
    ROUTER_CACHE_SIZE,
    alternative_routes,
    clear_router_cache,
    path_on_network,
    route_on_network,
)

BORDER_TOWN = Path(__file__).parent / "data" / "border_town.osm"
XY = {
    102: (44.9850, 39.0000),
    105: (44.9970, 39.0000),
    108: (45.0060, 39.0000),
    201: (44.9848, 39.0030),
    305: (44.9970, 39.0120),
    502: (44.9910, 39.0030),
    603: (45.0060, 39.0080),
}
MID_EDGE = (44.9965, 39.0060)  # 43 m west of Enclave Road, mid-way along an edge


@pytest.fixture(scope="module")
def G_town() -> nx.MultiDiGraph:
    return read_network(BORDER_TOWN)


@pytest.fixture
def G(G_town: nx.MultiDiGraph) -> nx.MultiDiGraph:
    clear_router_cache()
    return G_town.copy()


def _fresh(G: nx.MultiDiGraph, a, b, **kw):
    clear_router_cache()
    return path_on_network(G, a, b, **kw)


def test_repeated_calls_reuse_one_router(G: nx.MultiDiGraph) -> None:
    for a, b in [(102, 603), (105, 305), (603, 102)]:
        route_on_network(G, XY[a], XY[b])
    path_on_network(G, XY[105], XY[108])
    alternative_routes(G, XY[105], XY[305], k=2)
    assert clear_router_cache() == 1
    # another weight, mode or avoid is another router
    route_on_network(G, XY[105], XY[305])
    route_on_network(G, (44.988, 38.997), (45.012, 38.997), mode="rail")
    assert clear_router_cache() == 2


def test_cached_answers_equal_fresh_ones(G: nx.MultiDiGraph) -> None:
    # points mid-edge are spliced into the cached DiGraph for one query and taken out after it
    pairs = [(MID_EDGE, XY[305]), (XY[102], MID_EDGE), (XY[105], XY[305]), (MID_EDGE, XY[603]), (XY[502], XY[201])]
    fresh = [_fresh(G, a, b) for a, b in pairs]
    clear_router_cache()
    cached = [path_on_network(G, a, b) for a, b in pairs + pairs]
    for p, q in zip(fresh + fresh, cached):
        assert q.nodes == p.nodes and q.edges == p.edges
        assert q.cost == pytest.approx(p.cost, rel=1e-12)
        assert shapely.equals_exact(q.geometry, p.geometry, tolerance=0)
    n_nodes = len(G)
    assert clear_router_cache() == 1 and len(G) == n_nodes


def test_new_speeds_rebuild_the_router(G: nx.MultiDiGraph) -> None:
    add_travel_times(G, speeds_kmh={"tertiary": 100.0})
    fast = route_on_network(G, XY[105], XY[305], weight="travel_time")
    add_travel_times(G, speeds_kmh={"tertiary": 30.0})  # same graph, same counts, new weights
    slow = route_on_network(G, XY[105], XY[305], weight="travel_time")
    assert slow.length_km > fast.length_km  # at 30 km/h the bypass wins: not the stale router
    # an edge weight changed by hand is noticed too
    G.edges[301, 305, 0]["travel_time"] = 1e-3
    G.edges[305, 301, 0]["travel_time"] = 1e-3
    again = route_on_network(G, XY[105], XY[305], weight="travel_time")
    assert again.length_km == pytest.approx(fast.length_km)


def test_removed_edges_rebuild_the_router(G: nx.MultiDiGraph) -> None:
    from corridor.errors import NoPathError

    route_on_network(G, XY[105], XY[108])
    G.remove_edges_from([(105, 108, 0), (108, 105, 0), (305, 603, 0), (603, 305, 0)])
    with pytest.raises(NoPathError, match="No path"):
        route_on_network(G, XY[105], XY[108])


def test_a_copy_has_its_own_router(G: nx.MultiDiGraph) -> None:
    before = path_on_network(G, XY[105], XY[305])
    H = G.copy()
    H.remove_edges_from([(301, 305, 0), (305, 301, 0)])
    other = path_on_network(H, XY[105], XY[305])
    assert other.cost > before.cost
    assert path_on_network(G, XY[105], XY[305]).cost == pytest.approx(before.cost)


def test_the_cache_is_bounded_and_keeps_no_graph_alive(G_town: nx.MultiDiGraph) -> None:
    clear_router_cache()
    graphs = [G_town.copy() for _ in range(ROUTER_CACHE_SIZE + 3)]
    for H in graphs:
        route_on_network(H, XY[105], XY[305])
    refs = [weakref.ref(H) for H in graphs]
    del graphs, H
    gc.collect()
    assert all(r() is None for r in refs)  # the cached routers hold no reference to their graph
    assert clear_router_cache() == 0  # and went with them
    J = G_town.copy()
    for _ in range(3):
        route_on_network(J, XY[105], XY[305])
    assert clear_router_cache() == 1


def test_routing_from_threads(G: nx.MultiDiGraph) -> None:
    pairs = [(MID_EDGE, XY[305]), (XY[102], XY[603]), (XY[502], XY[201]), (XY[603], MID_EDGE)] * 4
    expected = [_fresh(G, a, b).cost for a, b in pairs]
    clear_router_cache()
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda ab: path_on_network(G, *ab).cost, pairs))
    assert got == pytest.approx(expected, rel=1e-12)


def test_errors_leave_the_router_clean(G: nx.MultiDiGraph) -> None:
    from corridor.errors import GeometryError

    ok = path_on_network(G, MID_EDGE, XY[305])
    with pytest.raises(GeometryError, match="max_snap_m"):
        path_on_network(G, MID_EDGE, (44.5, 39.0))
    with pytest.raises(GeometryError, match="same point"):
        alternative_routes(G, XY[105], XY[105])
    with pytest.raises(ValueError, match="two distinct points"):
        alternative_routes(G, MID_EDGE, MID_EDGE)  # two snapped nodes at one point: spliced, then taken out
    again = path_on_network(G, MID_EDGE, XY[305])
    assert again.nodes == ok.nodes and again.cost == pytest.approx(ok.cost, rel=1e-12)
    assert clear_router_cache() == 1
