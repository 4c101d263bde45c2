"""Generate the tutorial notebooks in this folder from the cell texts below.

The notebooks are written *without outputs* so that git holds only their
source; ``tests/test_notebooks.py`` executes them offline.  Edit the cells
here, then run::

    python notebooks/build_notebooks.py

and commit the regenerated ``.ipynb`` files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def _code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


# ---------------------------------------------------------------------------
# quickstart.ipynb

QUICKSTART = [
    _md(
        """
# corridor quickstart

`corridor` measures transport corridors on real OpenStreetMap-derived boundaries (the built-in
region reaches from the Black Sea across the Caspian; any other region is built on request),
**offline**: which territories a route crosses and for how many km, where it crosses
international borders, how long it runs close to a border, and how long the trip takes under
stated assumptions.  Every length is **geodesic on the WGS84 ellipsoid**; coordinates are always
`(lon, lat)`.

This notebook walks through the basics:

1. the built-in region and its border table,
2. neighbours, the Nakhchivan exclave and `between()`,
3. looking up places (with their many transliterations),
4. a route from places, its analysis, and a map,
5. the Caspian and regions elsewhere on Earth.

Nothing here needs the internet.  The only file written is `quickstart_map.html`, in the working
directory.
"""
    ),
    _code(
        """
%matplotlib inline
import pandas as pd

import corridor

pd.set_option("display.precision", 2)
pd.set_option("display.width", 120)
corridor.__version__
"""
    ),
    _md(
        """
## 1. The region

`load_region()` reads the built-in region (Armenia, Azerbaijan and Georgia whole; Iran, Türkiye,
Russia, Kazakhstan, Turkmenistan, Iraq and Syria cut to 40–55.5°E, 36–47.5°N, with the whole
Caspian) and checks its checksum.  Each territory is **sovereign territory**: land, lakes and
rivers, and territorial sea.  Nothing is derived at load time, so it takes about 0.15 s.
"""
    ),
    _code(
        """
region = corridor.load_region()
region
"""
    ),
    _md(
        """
### The border table

One row per pair of territories that share a border, with its **geodesic length in km**.  Two
short rows matter for the Zangezur question:

- **ARM–IRN** is the whole Armenia–Iran border: the few dozen km of the Aras valley south of
  Meghri.  This strip of Armenia's Syunik province is what separates mainland Azerbaijan from its
  Nakhchivan exclave.
- **AZE–TUR** is the short border between Nakhchivan and Türkiye near Sadarak/Dilucu: the only
  place where Azerbaijan touches Türkiye.

Each border is split by surface: `land_km`, `inland_water_km` (lakes, reservoirs) and `sea_km`.
Lengths depend on the resolution of the source data (1:10 m here); a finer boundary is longer
(the coastline paradox).  Against the CIA World Factbook the land borders agree within 10 %
(`data/README.md` has the table).
"""
    ),
    _code(
        """
region.border_table()
"""
    ),
    _md(
        """
## 2. Neighbours, parts and the exclave

`neighbours()` takes a territory id (ISO 3166-1 alpha-3) or a name.
"""
    ),
    _code(
        """
print("Armenia:   ", region.neighbours("ARM"))
print("Azerbaijan:", region.neighbours("AZE"))
"""
    ),
    _md(
        """
A territory is made of **parts**: its mainland, exclaves and small islands.  Azerbaijan's
parts include its mainland (`AZE-1`) and the **Nakhchivan Autonomous Republic** (`AZE-2`), an
exclave wedged between Armenia, Iran and Türkiye.  (Tiny river islands are listed too; we hide
them here.)
"""
    ),
    _code(
        """
parts = region.parts
cols = ["part_id", "iso3", "kind", "name", "area_km2", "land_km2", "inland_water_km2", "sea_km2"]
parts.loc[parts["kind"].isin(["mainland", "exclave"]), cols]
"""
    ),
    _md(
        """
Asked about a part, `neighbours()` answers with parts.  Nakhchivan borders Armenia, Iran and
Türkiye, but **not** mainland Azerbaijan.  `between(a, b)` says which territories separate two
parts: between the exclave and the mainland lies Armenia alone.  That is the geographic fact
behind the whole Zangezur / TRIPP debate.
"""
    ),
    _code(
        """
print("Nakhchivan borders:", region.neighbours("Nakhchivan"))
print("Between Nakhchivan and mainland Azerbaijan:", region.between("Nakhchivan", "AZE-1"))
"""
    ),
    _md(
        """
**Tripoints** are where three territories meet.  There are two ARM–AZE–IRN tripoints on the Aras,
one at each end of the Armenia–Iran border, and an AZE–IRN–TUR tripoint at the western tip of
Nakhchivan.
"""
    ),
    _code(
        """
region.tripoints
"""
    ),
    _md(
        """
## 3. Places

The gazetteer knows the stations, towns and border crossings used by the scenarios.  Names in
this region are spelled many ways (Azerbaijani Latin, Russian transliteration, English), so
`place()` accepts the common variants and returns one canonical place.
"""
    ),
    _code(
        """
for name in ["Naxçıvan", "Nakhichevan", "Culfa", "Djulfa", "Mehri"]:
    p = corridor.place(name)
    print(f"{name!r:15} -> {p.name:12} ({p.lon:.3f}, {p.lat:.3f})  {p.iso3}  {p.kind}")
"""
    ),
    _md(
        """
Note that **Julfa** (Azerbaijan, in Nakhchivan) and **Jolfa** (Iran) are different towns facing
each other across the Aras.  `places(query)` searches the gazetteer; an unknown name raises
`UnknownPlaceError` (a `KeyError`) with a clear message.
"""
    ),
    _code(
        """
print(corridor.place("Julfa").iso3, corridor.place("Jolfa").iso3)
corridor.places("Meghri")[["name", "lon", "lat", "iso3", "kind", "aliases"]]
"""
    ),
    _code(
        """
try:
    corridor.place("Atlantis")
except corridor.UnknownPlaceError as exc:
    print("UnknownPlaceError:", exc)
"""
    ),
    _md(
        """
## 4. A route and its analysis

`Route.from_places` joins places with **straight geodesic legs** (a vertex every km): a route
"as the crow flies" between stations, not a road network.  Here is a road trip from Tabriz in
Iran across the Aras at Jolfa–Julfa, through Nakhchivan to the Turkish border at Dilucu.
"""
    ),
    _code(
        """
route = corridor.Route.from_places(
    ["Tabriz", "Marand", "Jolfa", "Julfa", "Nakhchivan", "Sharur", "Sadarak", "Dilucu"],
    name="Tabriz – Nakhchivan – Dilucu",
    mode="road",
)
route
"""
    ),
    _code(
        """
analysis = corridor.analyze(route)
analysis
"""
    ),
    _md(
        """
`sections` lists each stretch of the route in one territory part (`from_km`/`to_km` along the
route) and its **surface** (`land`, `inland water`, `sea`); `km_by_territory` sums them (it
always adds up to the route length; the open sea beyond every state's waters, or anything
outside the data, shows as `unassigned`).  `crossings` lists the international border crossings
with their km along the route.
"""
    ),
    _code(
        """
analysis.sections
"""
    ),
    _code(
        """
print(analysis.km_by_territory.round(1).to_dict())
analysis.crossings[["km", "from_iso3", "to_iso3", "border"]]
"""
    ),
    _md(
        """
Proximity: how many km of the route run within 5 km of *any* international border, and of
which borders.  This route hugs the Aras, which is the Iran–Nakhchivan border, for much of
its length.
"""
    ),
    _code(
        """
print(f"km within 5 km of a border: {analysis.km_near_border(5):.1f} of {analysis.length_km:.1f}")
analysis.borders_alongside(5)
"""
    ),
    _md(
        """
**Travel time** uses default speeds by mode and status (`corridor.measure.DEFAULT_SPEEDS_KMH`,
70 km/h for an existing road) plus a dwell time at each international crossing (1 h by default).
These are *planning assumptions*, not timetables: pass your own with `speeds=`, `dwell_h=` and
`default_dwell_h=`.
"""
    ),
    _code(
        """
tt = analysis.travel_time()
print(tt)
print(analysis.travel_time(default_dwell_h=3.0))
tt.table()
"""
    ),
    _code(
        """
fig, ax = corridor.plot_territory(analysis)
fig
"""
    ),
    _md(
        """
### Straight legs are only a model

Add one more stop, Iğdır in Türkiye.  The straight line from Dilucu to Iğdır cuts across the
bend of the Aras, so it clips Iranian territory near the AZE–IRN–TUR tripoint, and the analysis
duly reports extra crossings.  The analysis is exact for the geometry it is given; whether the
geometry is realistic is up to you (use along-border legs, your own line files, or an
OpenStreetMap network with `corridor.network_from_bbox`).
"""
    ),
    _code(
        """
stops = ["Tabriz", "Marand", "Jolfa", "Julfa", "Nakhchivan", "Sharur", "Sadarak", "Dilucu"]
longer = corridor.analyze(
    corridor.Route.from_places([*stops, "Iğdır"], name="... – Iğdır", mode="road")
)
print("crossings to Dilucu:", len(analysis.crossings), "| to Iğdır:", len(longer.crossings))
print("transit to Iğdır:", " → ".join(longer.transit))
"""
    ),
    _md(
        """
## 5. A map

`make_map` draws the region, every international border (hover for its length), the route and
its crossings as an interactive Leaflet map.  `save_map` writes it as one HTML file that opens
offline (Leaflet is inlined).
"""
    ),
    _code(
        """
m = corridor.make_map(region=region, analyses=[analysis], title="Tabriz – Nakhchivan – Dilucu")
print("written:", corridor.save_map(m, "quickstart_map.html"))
m
"""
    ),
    _md(
        """
## 6. The Caspian, and any region on Earth

The Middle Corridor crosses the Caspian by ferry.  A straight line from Alat (Azerbaijan's new
port) to Türkmenbaşy runs through Azerbaijani waters, the open Caspian (which the source assigns
to no state) and Turkmen waters; `km_by_surface` says how much of each territory's share is sea.
"""
    ),
    _code(
        """
ferry = corridor.Route.from_places(["Alat", "Türkmenbaşy"], name="Alat – Türkmenbaşy ferry")
fa = corridor.analyze(ferry)
print(f"{fa.length_km:.0f} km (published: 306 km); transit {fa.transit}")
fa.km_by_surface.round(1)
"""
    ),
    _md(
        """
Other corridors need other regions.  `load_region(bbox=...)` builds one from the shipped world
layers, offline, and caches it.  Kaliningrad is a Russian exclave; between it and Belarus, the
**Suwałki gap** is the Lithuania–Poland border.
"""
    ),
    _code(
        """
baltic = corridor.load_region(bbox=(19, 53, 29, 58.5))
# area_km2 holds its territorial sea; the Curonian and Vistula lagoons join the Baltic, so they are sea too
print(baltic.exclaves[["part_id", "name", "area_km2", "land_km2", "sea_km2"]].round(0).to_string(index=False))
print("Lithuania–Poland border:", round(baltic.border_length_km("LTU", "POL")), "km (Factbook: 104 km)")
print("between Kaliningrad and mainland Russia:", baltic.between("Kaliningrad", "RUS-1"))
"""
    ),
    _md(
        """
Next: `zangezur_scenarios.ipynb` compares the corridor options between mainland Azerbaijan and
Nakhchivan.
"""
    ),
]


# ---------------------------------------------------------------------------
# zangezur_scenarios.ipynb

SCENARIOS = [
    _md(
        """
# Zangezur / TRIPP: comparing the corridor options

Mainland Azerbaijan and its **Nakhchivan exclave** are separated by Armenia's Syunik province
(the region Azerbaijan calls *Zangezur*).  Since the railways of the Soviet era were cut in the
early 1990s, traffic between the two has gone round, mostly through Iran.  Several links are now
planned or being built:

- **(a) TRIPP / Zangezur rail**: Horadiz – Aghband in Azerbaijan, a short section through
  Armenia at Meghri (the "Trump Route for International Peace and Prosperity" of the
  US–Armenia–Azerbaijan declaration of 8 August 2025), then Ordubad – Julfa – Nakhchivan, all
  along the north bank of the Aras;
- **(b) the Aras corridor through Iran**, on the south bank of the same river;
- **(c) Baku – Tbilisi – Kars plus the Kars – Iğdır – Nakhchivan railway** through Georgia and
  Türkiye, avoiding both Armenia and Iran;
- **(d) today's road** via Astara, Ardabil and Tabriz in Iran.

This notebook compares them with `corridor`: length, km in each country, border crossings, km
close to a border, and travel time.

**Read the numbers with their assumptions in mind.**  Lengths and territory shares are measured
exactly (geodesic, on OpenStreetMap-derived boundaries) *for the modelled alignments*, which are
straight legs between sourced stations or lines 300–500 m from the border, not surveyed track;
section 2 sets each leg beside its published length.  Speeds and
dwell times at borders are **planning assumptions** written in each scenario file, not
timetables.  The only file written is `zangezur_scenarios_map.html`, in the working directory.
"""
    ),
    _code(
        """
%matplotlib inline
import warnings

import pandas as pd
from IPython.display import Markdown, display

import corridor

region = corridor.load_region()
"""
    ),
    _md(
        """
## 1. The built-in scenarios

They live in YAML files in `data/scenarios/` (you can write your own: see
`examples/compare_custom_scenario.py`).  Each has legs, built from places, coordinates, a file,
or a line that follows a border at a given offset, with a mode, a status and a source.  All four
run from **Baku to Nakhchivan city**, so they compare like for like.
"""
    ),
    _code(
        """
scenarios = corridor.builtin_scenarios()
for s in scenarios:
    print(s.name)
    for leg in s.legs:
        print(f"    {leg.name}  [{leg.mode}, {leg.status}]")
"""
    ),
    _md(
        """
The parameters are a validated (pydantic) model: speeds in km/h by `mode` or `mode/status`, and
the dwell time at each international border crossing, a default plus per-border overrides.
"""
    ),
    _code(
        """
for s in scenarios:
    p = s.parameters
    print(
        f"{s.name}\\n    speeds {p.speeds_kmh}\\n"
        f"    dwell default {p.dwell.default_h} h, per border {p.dwell.per_border}"
    )
"""
    ),
    _md(
        """
## 2. The comparison table

`compare()` analyses every scenario and returns one row per scenario.  The column names are a
stable contract: `length_km`, `km_<ID>` per territory, `transit`, `crossings`, `closed_crossings`,
`km_within_1km_border`, `km_within_5km_border`, `min_clearance_km`, `detour_index`,
`travel_time_h` (and `cost` when given).
"""
    ),
    _code(
        """
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", corridor.BoundaryUncertaintyWarning)
    df = corridor.compare(scenarios, region=region)
# each warning says that a "0 km in X" rests on a margin below the boundary data's accuracy:
# section 5 looks at them; from here on they are not repeated
warnings.simplefilter("ignore", corridor.BoundaryUncertaintyWarning)
short = {s.name: s.name.split(" (")[0] for s in scenarios}
cols = ["length_km", "ratio_to_published", "km_AZE", "km_ARM", "km_IRN", "km_GEO", "km_TUR"]
cols += ["transit", "crossings", "km_within_5km_border", "uncertain_km", "detour_index", "travel_time_h"]
df[cols].rename(index=short).round(1)
"""
    ),
    _md(
        """
The same table as Markdown (also available as CSV, HTML and JSON via
`corridor.export_comparison`):
"""
    ),
    _code(
        """
display(Markdown(corridor.io.comparison_text(df[cols].rename(index=short), "markdown")))
"""
    ),
    _md(
        """
### Modelled against published lengths

Every leg follows its line station by station (stations in `data/places.csv`, each with its
source), or the river bank at a stated distance from the border, and the scenario file records
the line's published length and who published it.  `ratio_to_published` above is the modelled km
of those legs over the published km; per leg it reads as below.  A ratio well under 1 means the
straight legs between the stations we could source cut the curves of a mountain line (Tbilisi –
Kars, Kars – Dilucu): the km per country are then a lower bound.  Nothing is ever rescaled to
fit a figure.
"""
    ),
    _code(
        """
legs = pd.concat([s.leg_table().assign(scenario=short[s.name]) for s in scenarios])
legs = legs[legs["published_km"].notna()]
legs[["scenario", "leg", "length_km", "published_km", "ratio_to_published", "published_source"]].round(3)
"""
    ),
    _md(
        """
### What the numbers mean

- **Length.** TRIPP (a) and the Aras corridor through Iran (b) are almost the same length: they
  follow the two banks of the same river.  The route through Georgia and Türkiye (c) is close
  to twice as long, because it goes round Armenia to the north and west.  The Astara road (d)
  goes round to the south, through Iran.
- **Km per country.** The whole point of TRIPP is its short transit: only the stretch along the
  Aras at Meghri is in Armenia, a few dozen km, a tenth of the trip.  The Iran options spend
  roughly 100 km (b) to 350 km (d) in Iran; (c) spends hundreds of km in Georgia and Türkiye.
  `km_unassigned` (in the full table) is length in no state's territory (here 0: every option
  stays on land or in a state's waters); the territory columns always add up to `length_km`, and
  `km_inland_water` / `km_sea` say how much of it runs over water.
- **Crossings.** Each option leaves Azerbaijan and enters it again (two crossings); (c) crosses
  three borders (AZE–GEO, GEO–TUR, TUR–AZE at Dilucu–Sadarak).
- **Near the border.** (a) and (b) run *along* the Aras, which is the border, so hundreds of km
  lie within 5 km of it. `min_clearance_km` is the closest each option comes to a border it does
  *not* cross: a few hundred metres for the Aras lines (to Iran for TRIPP, to Armenia for the
  Iranian bank), tens of km for the Astara road.
- **Detour index** = length / geodesic distance between the end points (Baku to Nakhchivan);
  the Aras routes are about a third longer than the straight line, the northern route well over
  twice as long.
"""
    ),
    _code(
        """
tripp, aras = scenarios[0].name, scenarios[1].name
assert 0 < df.loc[tripp, "km_ARM"] < 0.2 * df.loc[tripp, "length_km"]
assert df.loc[tripp, "km_IRN"] == 0 and df.loc[aras, "km_ARM"] == 0
share = df.loc[tripp, "km_ARM"] / df.loc[tripp, "length_km"]
print(f"TRIPP: {df.loc[tripp, 'km_ARM']:.1f} km in Armenia ({share:.0%} of the trip)")
"""
    ),
    _code(
        """
corridor.plot_comparison(df.rename(index=short))
"""
    ),
    _md(
        """
## 3. TRIPP along the Aras: the border profile

The TRIPP alignment is modelled as a line along the north bank of the Aras: 500 m from the Iranian
border in Azerbaijan and Nakhchivan, 300 m in the narrow Meghri gorge in Armenia.  The border profile plots the
distance from the route to the nearest international border against km along the route: the
long flat stretch near zero is the Aras valley from Horadiz to Julfa; the two drops to zero are
the crossings into and out of Armenia.
"""
    ),
    _code(
        """
a = scenarios[0].analyze(region=region)
fig, ax = corridor.plot_border_profile(a, step_km=1, within_km=5)
fig
"""
    ),
    _code(
        """
profile = a.border_profile(step_km=1)
close = profile[profile["distance_km"] <= 1.0]
print(
    f"{len(close)} of {len(profile)} one-km samples are within 1 km of a border, "
    f"from km {close['km'].min():.0f} to km {close['km'].max():.0f}"
)
profile.groupby("border")["distance_km"].agg(["count", "min", "median"]).round(2)
"""
    ),
    _md(
        """
Which borders the route runs alongside (km of the route within 5 km of each border).  Along the
Armenian section the railway is close to **two** borders at once: the Iranian one across the
river, and the Armenia–Azerbaijan borders at either end of the Meghri strip.
"""
    ),
    _code(
        """
a.borders_alongside(5)
"""
    ),
    _code(
        """
a.crossings[["km", "from_iso3", "to_iso3", "border"]]
"""
    ),
    _md(
        """
## 4. Travel time, and how much it hangs on assumptions

Travel time = running time of each leg at its speed + a dwell time at each international
crossing.  For TRIPP the scenario file assumes 60 km/h on existing lines, 100 km/h on new ones,
and 0.5 h at each Armenia–Azerbaijan crossing (the declaration promises unhindered transit, but
how it will work at the border is not settled).
"""
    ),
    _code(
        """
p = scenarios[0].parameters
tt = a.travel_time(
    speeds=scenarios[0].speeds(), dwell_h=p.dwell.per_border, default_dwell_h=p.dwell.default_h
)
print(tt)
tt.table().round(2)
"""
    ),
    _md(
        """
Note that `RouteAnalysis.summary()` and `travel_time()` *without arguments* use the package
defaults (1 h per crossing), not the scenario's parameters; `compare()` always uses the
scenario's own.  The same route with other assumptions is another scenario: here TRIPP with no
stop at all at the Armenian border, and with three hours.
"""
    ),
    _code(
        """
variants = [
    corridor.Scenario.from_routes(
        f"TRIPP, {h:g} h per ARM–AZE crossing",
        [scenarios[0].route],
        parameters={
            "speeds_kmh": p.speeds_kmh,
            "dwell": {"default_h": 1.0, "per_border": {"ARM-AZE": h}},
        },
    )
    for h in (0.0, 3.0)
]
sens = corridor.compare([*scenarios, *variants], region=region)
sens = sens[["length_km", "crossings", "travel_time_h"]].rename(index=short)
sens.sort_values("travel_time_h").round(2)
"""
    ),
    _code(
        """
rows = []
for s in scenarios:
    q = s.parameters
    t = s.analyze(region=region).travel_time(
        speeds=s.speeds(), dwell_h=q.dwell.per_border, default_dwell_h=q.dwell.default_h
    )
    row = {"running_h": t.running_h, "dwell_h": t.dwell_h, "total_h": t.total_h}
    rows.append({"scenario": short[s.name], **row})
pd.DataFrame(rows).set_index("scenario").round(2)
"""
    ),
    _md(
        """
With the files' assumptions TRIPP is the fastest option, about two hours ahead of the Aras
corridor through Iran.  But the two routes have almost the same length and the same number of
crossings, and their *running* times come out almost equal (new railway at 100 km/h against a
shorter road section at 70 km/h).  The gap is the assumed dwell time: 0.5 h per Armenian
crossing against 1.5 h per Iranian one.  With three hours at each Armenian crossing, TRIPP falls
behind both Iranian options.  The *ranking* by time is therefore a statement about
assumptions; the lengths, km per country and crossings are statements about geography.
`examples/sweep_dwell_time.py` sweeps the dwell time from 0 to 6 h and prints where the ranking
changes.
"""
    ),
    _md(
        """
## 5. How sure is "0 km in Iran"?

TRIPP never enters Iran *in this data*, but it runs a few hundred metres from the Iranian border
along the Aras, and boundary datasets disagree by more than that: the built-in borders lie a
median 1.15 km from Natural Earth's (`region.accuracy_m`, measured every 100 m along every
border).  `compare()` warned about it (the warnings caught in section 2):
"""
    ),
    _code(
        """
print(f"positional accuracy: {region.accuracy_m:.0f} m (median offset from {region.accuracy_source})")
for w in caught:
    print("-", str(w.message).split(", closer than")[0])
a = scenarios[0].analyze(region=region)
a.near_misses
"""
    ),
    _md(
        """
`uncertain_km` counts the km of a route closer to a border than that accuracy: there, which side
of the border the route is on depends on the dataset.  For TRIPP it is most of the Aras valley.
`boundary_sensitivity` measures the same routes over Natural Earth as well (an independent,
coarser source, shipped offline) and shows the spread per territory: the figures to quote with a
range.
"""
    ),
    _code(
        """
print({k: round(v, 1) for k, v in a.uncertain_km_by_territory.items()})
sens = corridor.boundary_sensitivity(scenarios[:2])
sens.round(1)
"""
    ),
    _md(
        """
## 6. Which crossing points would the TRIPP link use, and what is open today?

A railway can cross a border only where a crossing point exists and is open to trains.  Each
crossing of an analysis is matched to the nearest official crossing point of that border
(`corridor.crossing_points()`: 41 road and rail crossings and Caspian ports, each with its status,
the date it holds from, and sources).  TRIPP's two crossings are on the Armenia–Azerbaijan
border, which has no open crossing point at all:
"""
    ),
    _code(
        """
tripp = scenarios[0].analyze(region=region)
tripp.crossings[["km", "border", "mode", "crossing_point", "crossing_status"]].round(1)
"""
    ),
    _md(
        """
`closed_crossings` in the comparison counts such crossings per scenario, and `crossing_points`
names the points used: the Aras corridor needs the Aghband–Kalaleh bridge (built, not yet open),
and the route through Türkiye needs a rail crossing at Sadarak–Dilucu, where today there is only
the road bridge.  What is open on Armenia's and Nakhchivan's borders with Iran, now and at the
start of 2026:
"""
    ),
    _code(
        """
now = corridor.crossing_points(border="ARM-IRN")
then = corridor.crossing_points(border="ARM-IRN", policy=corridor.CrossingPolicy(as_of="2026-01-01"))
print(now[["id", "modes", "status", "status_since"]].to_string(index=False))
print("on 2026-01-01:", dict(zip(then["id"], then["status"])))
df[["closed_crossings", "crossing_points"]].rename(index=short)
"""
    ),
    _md(
        """
Borders are institutions too: who guards them, under what arrangement, since when.  The current
regimes along TRIPP (km of the route within 5 km of each border; a regime of one stretch, such as
the Tavush section, is listed with the km along the whole border, so read its `stretch`):
"""
    ),
    _code(
        """
tripp.regimes()[["id", "stretch", "kind", "since", "km_within", "crossings"]].round(1)
"""
    ),
    _md(
        """
A scenario can open or close borders and crossing points (`borders: {ARM-TUR: open}`,
`crossing_points: {akhurik-akyaka-rail: open}`, `as_of: 2026-01-01` in its file).  The built-in
Kars → Gyumri group shows what reopening the Armenia–Türkiye border would change: the direct
railway is a fifth of the way round through Georgia, and its crossing stops counting as closed.
"""
    ),
    _code(
        """
kg = corridor.compare(corridor.builtin_scenarios("Kars → Gyumri"), region=region)
kg[["length_km", "transit", "crossings", "closed_crossings", "crossing_points"]].round(1)
"""
    ),
    _md(
        """
## 7. All scenarios on one map

Each scenario is its own layer (toggle them in the layer control); crossings are marked, official
crossing points are squares coloured by status, and hovering a border shows its length and who
guards it.  The map is also saved as a self-contained HTML file that
opens offline.
"""
    ),
    _code(
        """
m = corridor.compare_map(
    scenarios, region=region, title="Baku – Nakhchivan: corridor options", border_style="regime"
)
print("written:", corridor.save_map(m, "zangezur_scenarios_map.html"))
m
"""
    ),
    _md(
        """
## Assumptions and limits

- **Alignments** are models: straight geodesic legs between sourced stations, or lines at a
  fixed offset (300–500 m) from the border.  Each leg with a published length shows the ratio
  (section 2); mountain lines come out 15–20 % short.
- **Boundary accuracy**: the borders are good to about a kilometre (section 5); a "0 km" that
  rests on a few hundred metres is a statement about the data as much as about the route.
- **Speeds and dwell times** are planning assumptions stated in each scenario file, not
  published timetables.  Change them and re-run; treat the time ranking as conditional.
- **Boundaries** come from OpenStreetMap-derived 1:10 m data (© OpenStreetMap contributors,
  ODbL).  They are de facto lines at that resolution, not legal delimitation; the
  Armenia–Azerbaijan border in particular is not yet delimited.
- **Status** of each leg (existing, under construction, planned) is as of the sources listed in
  the scenario files; plans change.
"""
    ),
]


NOTEBOOKS = {
    "quickstart.ipynb": QUICKSTART,
    "zangezur_scenarios.ipynb": SCENARIOS,
}


def build() -> dict[str, nbformat.NotebookNode]:
    """The notebooks, by file name, without outputs."""
    out = {}
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=[nbformat.from_dict(c) for c in cells])
        nb.metadata["kernelspec"] = dict(KERNELSPEC)
        nb.metadata["language_info"] = {"name": "python"}
        # stable cell ids so that regenerating gives identical files
        for k, cell in enumerate(nb.cells):
            cell["id"] = f"{Path(name).stem}-{k:02d}"
        nbformat.validate(nb)
        out[name] = nb
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the notebooks next to this script (or into the folder given)."""
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else HERE
    for name, nb in build().items():
        path = target / name
        nbformat.write(nb, path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
