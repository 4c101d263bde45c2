"""Define a scenario in Python and compare it with the built-in ones.

The custom scenario is the *northern* route through Armenia that Soviet
railways once made possible: Baku – Ganja – Qazax, across to Ijevan, Yerevan
and Yeraskh, and into Nakhchivan at Sadarak.  The lines through Ijevan and
along the Turkish border to Yeraskh exist in part but have been closed to
Azerbaijani traffic since the early 1990s, so the scenario marks them
``proposed`` (a reopening) with an assumed 80 km/h.  Legs are straight lines
between stations, a model rather than surveyed track.

It is written exactly like a YAML scenario file (see ``data/scenarios/``),
as a dict passed to :meth:`corridor.Scenario.from_dict`.

Writes ``comparison.md`` and ``scenarios_map.html`` (offline) into the folder
given on the command line (default: a new temporary folder) and prints the
table.

Usage::

    python examples/compare_custom_scenario.py [OUTPUT_DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import corridor
from corridor.io import comparison_text

NORTHERN_ROUTE = {
    "name": "Northern rail via Ijevan and Yerevan (via Armenia)",
    "description": "Baku – Qazax – Ijevan – Yerevan – Yeraskh – Sadarak – Nakhchivan.",
    "legs": [
        {
            "name": "Baku – Ganja – Qazax (existing)",
            "places": ["Baku", "Ganja", "Qazax"],
            "mode": "rail",
            "status": "existing",
        },
        {
            "name": "Qazax – Ijevan – Yerevan – Yeraskh (Armenia, closed to transit)",
            "places": ["Qazax", "Ijevan", "Yerevan", "Yeraskh"],
            "mode": "rail",
            "status": "proposed",
        },
        {
            "name": "Yeraskh – Sadarak – Sharur – Nakhchivan",
            "places": ["Yeraskh", "Sadarak", "Sharur", "Nakhchivan"],
            "mode": "rail",
            "status": "proposed",
        },
    ],
    "parameters": {
        "speeds_kmh": {"rail/existing": 60, "rail/proposed": 80},
        "dwell": {"default_h": 1.0},
    },
    "sources": ["Illustrative scenario for the corridor examples; assumptions, not plans."],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", help="output folder (default: a new temporary folder)")
    args = ap.parse_args(argv)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
    else:
        out = Path(tempfile.mkdtemp(prefix="corridor-example-"))

    custom = corridor.Scenario.from_dict(NORTHERN_ROUTE, where="NORTHERN_ROUTE")
    builtin = corridor.builtin_scenarios()
    scenarios = [*builtin, custom]
    region = corridor.load_region()
    df = corridor.compare(scenarios, region=region)

    cols = [
        "length_km",
        "km_AZE",
        "km_ARM",
        "km_IRN",
        "km_GEO",
        "km_TUR",
        "transit",
        "crossings",
        "km_within_5km_border",
        "detour_index",
        "travel_time_h",
    ]
    print(comparison_text(df[cols].sort_values("travel_time_h"), "table"))

    row = df.loc[custom.name]
    tripp = df.loc[builtin[0].name]
    print(
        f"The northern route is {row['length_km']:.0f} km, {row['km_ARM']:.0f} km of it in "
        f"Armenia (TRIPP: {tripp['length_km']:.0f} km, {tripp['km_ARM']:.0f} km in Armenia)."
    )

    md = corridor.export_comparison(df, out / "comparison.md")
    html = corridor.save_map(
        corridor.compare_map(scenarios, region=region, title="Baku – Nakhchivan, with a custom route"),
        out / "scenarios_map.html",
    )
    print(f"wrote {md}")
    print(f"wrote {html}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
