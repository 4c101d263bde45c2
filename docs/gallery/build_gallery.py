"""Make the figures of the documentation's gallery from the package, offline.

Each figure is one short piece of code, run here exactly as the gallery page shows it,
in a fresh namespace, with the output folder as the working directory.  The docs build
(``docs/_ext/hooks.py``) runs this script into a temporary folder and puts the images
into the site, so nothing here is committed but the code.  Run it by hand with::

    python docs/gallery/build_gallery.py OUT_DIR

It writes ``OUT_DIR/<slug>.png`` for each figure (and the offline HTML maps the
screenshots are taken of) and ``OUT_DIR/gallery.json``: title, caption, code and files of
each figure, in order.  Screenshots of the interactive maps need Debian's headless
Chromium (``/usr/bin/chromium``, installed by ``.ci/run``); without it those figures are
listed as skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from pathlib import Path

#: The figures, in page order: slug, title, caption (Markdown) and the code that makes them.
FIGURES: list[dict[str, str]] = [
    {
        "slug": "region",
        "title": "The South Caucasus and its borders",
        "caption": (
            "`corridor.plot_map()` with no route, on the South Caucasus part of the built-in "
            "region (which reaches from the Black Sea to the Caspian's east shore): every "
            "international border dashed, the exclaves labelled in italics, and the official "
            "crossing points as squares coloured by status (open, restricted, closed, planned)."
        ),
        "code": """
            import corridor

            corridor.plot_map(
                extent=(42.0, 37.0, 50.0, 43.5), title="The South Caucasus", path="region.png", dpi=90
            )
        """,
    },
    {
        "slug": "scenarios_map",
        "title": "Baku → Nakhchivan: the four built-in scenarios",
        "caption": (
            "`corridor.plot_map()` of the analyses of `corridor.builtin_scenarios()`: (a) the "
            "TRIPP / Zangezur rail along the north bank of the Aras through Armenia's Syunik "
            "province, (b) the Aras corridor through Iran, (c) Baku–Tbilisi–Kars plus "
            "Kars–Iğdır–Nakhchivan through Georgia and Türkiye, (d) today's road via Astara "
            "and Tabriz.  Diamonds mark where each route crosses an international border."
        ),
        "code": """
            import corridor

            scenarios = corridor.builtin_scenarios()
            analyses = [s.analyze() for s in scenarios]
            corridor.plot_map(analyses=analyses, title="Baku → Nakhchivan", path="scenarios_map.png", dpi=90)
        """,
    },
    {
        "slug": "zangezur_band",
        "title": "The Zangezur link and the 5 km band along the Armenia–Iran border",
        "caption": (
            '`corridor.plot_map(band_km=5, border_style="regime")` zoomed on Syunik: the '
            "TRIPP line from Horadiz through Meghri to Julfa and Nakhchivan, the 5 km band "
            "on each side of the Armenia–Iran border (the route's km inside it are in the "
            "legend), and the borders coloured by their regime (no open crossing point, "
            "under a monitoring mission), with the official crossing points named."
        ),
        "code": """
            import corridor

            tripp = corridor.builtin_scenarios()[0].analyze()
            corridor.plot_map(
                analyses=[tripp],
                borders=[("ARM", "IRN")],
                band_km=5,
                border_style="regime",
                extent=(45.0, 38.6, 47.4, 39.6),
                title="TRIPP / Zangezur: 5 km from Iran",
                path="zangezur_band.png",
                dpi=90,
            )
        """,
    },
    {
        "slug": "border_profile",
        "title": "Distance to the nearest border along the TRIPP line",
        "caption": (
            "`corridor.plot_border_profile()`: the geodesic distance (km) from each point of "
            "the route to the nearest international border, against km along the route; "
            "crossings at distance 0 with `from → to`, and the strip under the curve shows "
            "the territory of each section.  The Aras stretch runs within 1 km of Iran for "
            "most of its length."
        ),
        "code": """
            import corridor

            tripp = corridor.builtin_scenarios()[0].analyze()
            corridor.plot_border_profile(tripp, step_km=1, within_km=5, path="border_profile.png", dpi=90)
        """,
    },
    {
        "slug": "territory",
        "title": "Km per territory part",
        "caption": (
            '`corridor.plot_territory(by="part")`: the TRIPP line\'s km in each part of each '
            "territory (`AZE-1` is mainland Azerbaijan, `AZE-2` the Nakhchivan exclave)."
        ),
        "code": """
            import corridor

            tripp = corridor.builtin_scenarios()[0].analyze()
            corridor.plot_territory(tripp, by="part", path="territory.png", dpi=90)
        """,
    },
    {
        "slug": "comparison",
        "title": "The scenarios compared: km per territory",
        "caption": (
            "`corridor.plot.plot_comparison()` of `corridor.compare()`: one bar per scenario, "
            "split into its km in each territory (the headline columns `km_<ID>`), with its "
            "length and number of border crossings."
        ),
        "code": """
            import corridor

            table = corridor.compare(corridor.builtin_scenarios())
            # plot_comparison stacks every km_ column: leave out the three that overlap the
            # territories' km (by publication, by surface), so that each bar sums to length_km
            overlapping = ["km_without_published", "km_inland_water", "km_sea"]
            corridor.plot.plot_comparison(table.drop(columns=overlapping), path="comparison.png")
        """,
    },
    {
        "slug": "comparison_time",
        "title": "The scenarios compared: travel time",
        "caption": (
            '`plot_comparison(table, "travel_time_h", stacked_territory=False)`: running time '
            "at each scenario's leg speeds plus dwell at each border crossing, in hours.  "
            "Speeds and dwell times are the scenarios' stated planning assumptions."
        ),
        "code": """
            import corridor
            from corridor.plot import plot_comparison

            table = corridor.compare(corridor.builtin_scenarios())
            plot_comparison(table, "travel_time_h", stacked_territory=False, path="comparison_time.png")
        """,
    },
    {
        "slug": "compare_map",
        "title": "The interactive comparison map (screenshot)",
        "caption": (
            "A headless-Chromium screenshot of the offline HTML page that "
            "`corridor.save_map(corridor.compare_map(...))` writes (one file, Leaflet inlined, "
            "no tiles, no network).  Each scenario is a layer; tooltips give km, crossings "
            "and sources.  [Open the interactive map](maps/compare_map.html)."
        ),
        "code": """
            import corridor

            m = corridor.compare_map(corridor.builtin_scenarios())
            corridor.save_map(m, "compare_map.html")  # then: chromium --headless --screenshot
        """,
        "screenshot": "compare_map.html",
    },
    {
        "slug": "zangezur_map",
        "title": "Interactive map of the TRIPP line with border regimes (screenshot)",
        "caption": (
            '`corridor.make_map(band_km=5, border_style="regime")` of the built-in TRIPP '
            "scenario, saved offline and taken by headless Chromium: the 5 km band along the "
            "Armenia–Iran border with the route's km inside it, the official crossing points "
            "as squares by status, and borders coloured by regime (red: no open crossing "
            "point; blue: under a monitoring mission).  "
            "[Open the interactive map](maps/zangezur_map.html)."
        ),
        "code": """
            import corridor

            tripp = corridor.builtin_scenarios()[0].analyze()
            m = corridor.make_map(
                analyses=[tripp],
                borders=[("ARM", "IRN")],
                band_km=5,
                border_style="regime",
                title="TRIPP / Zangezur",
            )
            corridor.save_map(m, "zangezur_map.html")  # then: chromium --headless --screenshot
        """,
        "screenshot": "zangezur_map.html",
    },
]

CHROMIUM = "/usr/bin/chromium"


def _chromium() -> str | None:
    for candidate in (CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def screenshot(html: Path, png: Path, *, size: tuple[int, int] = (1400, 900)) -> None:
    """Take a screenshot of an offline HTML page with headless Chromium (no network)."""
    exe = _chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    with tempfile.TemporaryDirectory(prefix="corridor-chromium-") as profile:
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--proxy-server=127.0.0.1:9",  # the page is offline; anything else fails fast
            f"--user-data-dir={profile}",
            "--virtual-time-budget=8000",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot of {html.name}")


def build(out: Path) -> list[dict[str, str]]:
    """Run every figure's code in ``out`` and return the gallery's entries."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import corridor

    out.mkdir(parents=True, exist_ok=True)
    entries = []
    here = Path.cwd()
    os.chdir(out)
    try:
        for fig in FIGURES:
            t0 = time.perf_counter()
            code = textwrap.dedent(fig["code"]).strip("\n")
            entry = {k: v for k, v in fig.items() if k != "code"} | {"code": code}
            with warnings.catch_warnings():
                # the built-in Aras routes run closer to Iran than the boundary data's
                # accuracy, by design: the warning is for analysts, not for a figure
                warnings.simplefilter("ignore", corridor.BoundaryUncertaintyWarning)
                exec(compile(code, f"<gallery {fig['slug']}>", "exec"), {"__name__": "__gallery__"})
            plt.close("all")
            if "screenshot" in fig:
                try:
                    screenshot(out / fig["screenshot"], out / f"{fig['slug']}.png")
                except (FileNotFoundError, RuntimeError, subprocess.SubprocessError) as exc:
                    entry["skipped"] = f"no screenshot: {exc}"
            if not (out / f"{fig['slug']}.png").exists() and "skipped" not in entry:
                raise RuntimeError(f"gallery figure {fig['slug']!r} wrote no {fig['slug']}.png")
            entry["seconds"] = f"{time.perf_counter() - t0:.1f}"
            entries.append(entry)
    finally:
        os.chdir(here)
    (out / "gallery.json").write_text(json.dumps(entries, indent=1, ensure_ascii=False), encoding="utf-8")
    return entries


def main(argv: list[str]) -> int:
    """Command line: ``build_gallery.py OUT_DIR``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    for e in build(Path(argv[1])):
        print(f"{e['slug']:>16}  {e['seconds']:>5} s  {e.get('skipped', 'ok')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
