"""The measurement engine's speed: analyze_many against territory_km, border_profile, a fresh process.

Run with ``python -m pytest benchmarks/bench_analysis.py -s`` (not part of the test run).
Every ratio is measured side by side in one run: the best of ``REPEAT`` runs of each
(CPU time of this process, so that other work on the machine counts less; wall time too).

* ``analyze_many`` (every headline figure: km per territory and surface, transit,
  crossings and their crossing points, km within 1 and 5 km of a border, clearance,
  uncertain km, detour) against ``territory_km`` (km per territory only) on the batch of
  ``bench_territory`` (2,000 seeded random walks); the rows of ``analyze_many`` equal those
  of ``analyze`` (``headline_table``): text and counts exactly, km to 1e-9 km.
* ``RouteAnalysis.border_profile(step_km=0.1)`` on the built-in TRIPP route against the
  straightforward way (every sample against every border, then the nearest one measured
  geodesically, as corridor 0.1 did), with the same distances and labels.
* A fresh process's first ``analyze_many``: with an empty cache folder (the border bands
  are built and written) and with the bands on disk.
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
import pandas as pd
import pytest
import shapely
from bench_territory import random_walks

import corridor
from corridor import _engine

REPEAT = 5
HERE = Path(__file__).resolve().parent


def best_of(f, repeat: int = REPEAT) -> tuple[float, float, object]:
    """(best CPU seconds, best wall seconds, last result) of ``repeat`` calls."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = f()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall), out


@pytest.fixture(scope="module")
def region():
    r = corridor.load_region()
    corridor.analyze_many(random_walks(5), region=r)  # the engine's indexes and bands, once
    return r


def test_analyze_many_against_territory_km(region):
    batch = random_walks()
    n = len(batch)
    routes = [corridor.Route.from_coords(shapely.get_coordinates(g), mode="rail") for g in batch.geometry]
    tk_cpu, tk_wall, _ = best_of(lambda: corridor.territory_km(batch, region=region))
    am_cpu, am_wall, table = best_of(lambda: corridor.analyze_many(batch, region=region))
    ar_cpu, ar_wall, _ = best_of(lambda: corridor.analyze_many(routes, region=region))
    assert len(table) == n
    print(
        f"\nanalyze_many {am_cpu * 1000 / n:.3f} ms/line, territory_km {tk_cpu * 1000 / n:.3f} ms/line (CPU): "
        f"analyze_many / territory_km = {am_cpu / tk_cpu:.2f}x (wall {am_wall / tk_wall:.2f}x) on {n:,} lines; "
        f"the same lines as Routes (with travel times) {ar_cpu / tk_cpu:.2f}x (wall {ar_wall / tk_wall:.2f}x)"
    )


def test_analyze_many_equals_analyze(region):
    lines = random_walks(200, seed=7).geometry
    routes = [corridor.Route.from_coords(shapely.get_coordinates(g), name=f"walk {i}") for i, g in enumerate(lines)]
    many = corridor.analyze_many(routes, region=region).set_index("name")
    one = corridor.headline_table([corridor.analyze(r, region=region) for r in routes])
    # the same rows: text and counts exactly, km to 1e-9 km (analyze sums km over sections by
    # part, analyze_many by territory: the same lengths, added in another order)
    pd.testing.assert_frame_equal(many, one, check_exact=False, rtol=0, atol=1e-9, check_names=False)


def _profile_the_old_way(a: corridor.RouteAnalysis, step_km: float) -> pd.DataFrame:
    """border_profile as corridor 0.1 computed it: every sample against every border."""
    eng = _engine.engine_for(a.region)
    km = np.unique(np.r_[np.arange(0.0, a.length_km, step_km), a.length_km])
    xy = a.route.points_at_km(km)
    pts = shapely.points(np.column_stack(eng.proj.xy_to_local(xy[:, 0], xy[:, 1])))
    candidates = eng.pair_borders_local()
    dist = np.vstack([shapely.distance(pts, g) for _, g in candidates])
    best = np.argmin(dist, axis=0)
    geod = np.empty(len(pts))
    for k, (_, g) in enumerate(candidates):
        sel = best == k
        if sel.any():
            geod[sel] = _engine.clearance_m(eng, pts[sel], g)
    labels = np.array([lbl for lbl, _ in candidates])[best]
    return pd.DataFrame({"km": km, "distance_km": geod / 1000.0, "border": labels, "lon": xy[:, 0], "lat": xy[:, 1]})


def test_border_profile(region):
    tripp = next(s for s in corridor.builtin_scenarios() if "TRIPP" in s.name)
    a = corridor.analyze(tripp.route, region=region)
    new_cpu, new_wall, new = best_of(lambda: a.border_profile(step_km=0.1))
    old_cpu, old_wall, old = best_of(lambda: _profile_the_old_way(a, 0.1), repeat=2)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    print(
        f"\nborder_profile(step_km=0.1) on {tripp.route.name!r} ({len(new):,} samples): {new_cpu * 1000:.0f} ms, "
        f"every sample against every border {old_cpu * 1000:.0f} ms (CPU): {old_cpu / new_cpu:.0f}x "
        f"(wall {old_wall / new_wall:.0f}x); same distances and labels"
    )


FRESH = r"""
import json, sys, time
t0 = time.perf_counter()
import corridor
sys.path.insert(0, {here!r})
from bench_territory import random_walks
lines = random_walks(5)
region = corridor.load_region()
t1 = time.perf_counter()
corridor.analyze_many(lines, region=region)
t2 = time.perf_counter()
print(json.dumps({{"import_and_load_s": t1 - t0, "first_analyze_many_s": t2 - t1}}))
"""


def _fresh(cache: str) -> dict[str, float]:
    env = dict(os.environ, CORRIDOR_CACHE_DIR=cache)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])
    code = FRESH.format(here=str(HERE))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_fresh_process():
    with tempfile.TemporaryDirectory() as cache:
        cold = _fresh(cache)  # builds the bands and writes them to the cache folder
        warm = min((_fresh(cache) for _ in range(3)), key=lambda r: r["first_analyze_many_s"])
    print(
        f"\nfresh process, first analyze_many: {cold['first_analyze_many_s']:.2f} s with an empty cache "
        f"(bands built and written), {warm['first_analyze_many_s']:.2f} s with the bands on disk "
        f"({cold['first_analyze_many_s'] / warm['first_analyze_many_s']:.0f}x); import and load_region "
        f"{warm['import_and_load_s']:.2f} s"
    )
