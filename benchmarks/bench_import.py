"""Import cost: ``import corridor`` against ``import geopandas``, side by side in one run.

Run with ``python -m pytest benchmarks/bench_import.py -s``.  Each is timed in fresh
interpreters (median of 7 runs, minus the cost of starting Python).  Target (issue 10):
``import corridor`` at most 1.2x ``import geopandas``: networkx, pydantic, yaml, osmnx,
folium and matplotlib load only where they are used.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _cost(stmt: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", stmt], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def test_import_corridor_against_geopandas():
    base = _cost("pass")
    gpd = _cost("import geopandas") - base
    cor = _cost("import corridor") - base
    first = _cost("import corridor; corridor.load_region()") - base
    print(
        f"\nimport geopandas {gpd * 1000:.0f} ms | import corridor {cor * 1000:.0f} ms "
        f"(ratio {cor / gpd:.2f}) | import corridor + load_region() {first * 1000:.0f} ms"
    )
    assert cor <= 1.2 * gpd
