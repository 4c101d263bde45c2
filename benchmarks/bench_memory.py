"""Peak memory of analysing a million-vertex route, measured in a fresh process each.

Run with ``python -m pytest benchmarks/bench_memory.py -s`` (not part of the test run).
The route is ``bench_territory.million_vertex_coords()`` (a 10,000 km seeded random walk
of 10 m steps over the built-in region); its input is the ``(n, 2)`` float array of its
vertices (16 MB).  Each measurement runs in its own Python process: the region, the
engine and the bands are loaded first by a small analysis and the route is built, then
the high-water mark of the resident set is reset (Linux ``/proc/self/clear_refs``) and
read after the measured call; its excess over the resident set before the call is the
memory the call needed beyond what the process already held (the route included).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import gc, json, resource, sys, warnings
sys.path.insert(0, {here!r})
warnings.simplefilter("ignore")
import corridor
from bench_territory import million_vertex_coords

region = corridor.load_region()
warm = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]), region=region)
warm.summary()
xy = million_vertex_coords()
route = corridor.Route.from_coords(xy)
gc.collect()

def status_kb(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

try:  # Linux: reset the high-water mark, so the peak is this call's own
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before, peak = status_kb("VmRSS"), lambda: status_kb("VmHWM")
except OSError:  # elsewhere: the process's peak so far (this call's peak if it is the largest)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
a = corridor.analyze(route, region=region)
{what}
after = peak()
print(json.dumps({{"input_mb": xy.nbytes / 2**20, "peak_mb": max(after - before, 0) / 1024, "n": len(xy)}}))
"""

WHAT = {
    "analyze": "",
    "analyze + summary": "a.summary()",
    "analyze + border_profile(step_km=1)": "a.border_profile(step_km=1.0)",
}


def peak_mb(what: str) -> dict[str, float]:
    """The extra peak memory (MB) of one measured call, in a fresh process."""
    code = CHILD.format(here=str(HERE), what=WHAT[what])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_peak_memory_of_a_million_vertex_route():
    rows = {what: peak_mb(what) for what in WHAT}
    print()
    for what, r in rows.items():
        print(
            f"{what}: peak {r['peak_mb']:.0f} MB above the process's, "
            f"{r['peak_mb'] / r['input_mb']:.1f}x its input ({r['n']:,} vertices, {r['input_mb']:.0f} MB)"
        )
