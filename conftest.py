"""Names the docstring examples share (pytest's ``doctest_namespace``).

``meghri_norduz`` is the three-node road graph the :mod:`corridor.network`
module docstring builds: Meghri – Agarak – Norduz, straight edges between the
gazetteer's points, across the Armenia–Iran border on the Aras.

Every test and example writes corridor's cache to a temporary folder.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory):
    """Regions built during the tests go to a temporary cache, never the user's (subprocesses too)."""
    old = os.environ.get("CORRIDOR_CACHE_DIR")
    os.environ["CORRIDOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("corridor-cache"))
    yield
    if old is None:
        os.environ.pop("CORRIDOR_CACHE_DIR", None)
    else:
        os.environ["CORRIDOR_CACHE_DIR"] = old


def _meghri_norduz():
    import networkx as nx

    import corridor

    G = nx.MultiDiGraph(crs="EPSG:4326")
    for name in ("Meghri", "Agarak", "Norduz"):
        p = corridor.place(name)
        G.add_node(name, x=p.lon, y=p.lat)
    for u, v in (("Meghri", "Agarak"), ("Agarak", "Norduz")):
        length = corridor.distance_km(u, v) * 1000
        G.add_edge(u, v, highway="primary", length=length, name=f"{u}–{v}")
        G.add_edge(v, u, highway="primary", length=length, name=f"{v}–{u}")
    return G


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["meghri_norduz"] = _meghri_norduz
