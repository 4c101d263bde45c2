"""Borders as institutions: crossing points, their status at a date, regimes, and crossings meeting them.

Facts asserted here come from data/crossing_points.csv, data/crossing_point_history.csv and
data/border_regimes.csv, each row with its source (data/README.md, "Crossing points and
border regimes"): e.g. Agarak–Norduz is Armenia's only crossing with Iran (en.wikipedia,
"Agarak, Meghri"); Margara–Alican and Akhurik–Akyaka closed since 1993 (Duvar English; egtre.info);
the Astara–Astara railway opened on 29 March 2018 (egtre.info); the EU Mission in Armenia
since 20 February 2023.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

import corridor
from corridor import CrossingPolicy, Route
from corridor.crossings import CROSSING_POINT_COLUMNS, MATCH_KM, USABLE_STATUSES
from corridor.errors import ParameterError, UnknownPlaceError

MUST_HAVE = {
    "agarak-norduz": ("ARM", "IRN"),
    "julfa-jolfa-road": ("AZE", "IRN"),
    "sadarak-dilucu": ("AZE", "TUR"),
    "astara-astara-road": ("AZE", "IRN"),
    "bilasuvar-bileh-savar": ("AZE", "IRN"),
    "aghband-kalaleh": ("AZE", "IRN"),
    "red-bridge": ("AZE", "GEO"),
    "bagratashen-sadakhlo": ("ARM", "GEO"),
    "sarp-sarpi": ("GEO", "TUR"),
    "kartsakhi-aktas": ("GEO", "TUR"),
    "margara-alican": ("ARM", "TUR"),
    "akhurik-akyaka-rail": ("ARM", "TUR"),
    "verkhny-lars-kazbegi": ("GEO", "RUS"),
    "yalama-samur-rail": ("AZE", "RUS"),
    "gurbulak-bazargan": ("IRN", "TUR"),
    "kapikoy-razi": ("IRN", "TUR"),
}


@pytest.fixture(scope="module")
def points():
    return corridor.crossing_points()


def test_gazetteer_has_the_points_users_look_for(points):
    assert len(points) >= 40
    assert list(points.columns) == [*CROSSING_POINT_COLUMNS, "geometry"]
    t = points.set_index("id")
    for pid, pair in MUST_HAVE.items():
        assert (t.loc[pid, "a"], t.loc[pid, "b"]) == pair, pid
    # every fact carries a source
    assert (points["coord_source"].str.len() > 10).all()
    assert (points["status_source"].str.len() > 10).all()
    assert set(points["status"]) <= {"open", "restricted", "closed", "planned"}
    assert (points["a"] < points["b"]).where(points["b"] != "", True).all()


def test_land_points_lie_near_their_border(region, points):
    land = points[points["kind"] == "border crossing"]
    borders = region.borders.set_index(["a", "b"])
    for r in land.itertuples():
        line = borders.loc[(r.a, r.b)].geometry
        proj = corridor.geodesy.LocalProjection(line)
        d_km = proj.to_local(r.geometry).distance(proj.to_local(line)) / 1000.0
        assert d_km < MATCH_KM, (r.id, d_km)  # most are settlement centres (notes say which)


def test_the_closed_border_between_armenia_and_turkiye():
    t = corridor.crossing_points(border="TUR-ARM")
    assert set(t["id"]) == {"margara-alican", "akhurik-akyaka-rail"}
    assert set(t["status"]) == {"closed"}
    assert corridor.crossing_point("Akyaka").modes == ("rail",)


def test_lookup_by_local_names_and_aliases():
    assert corridor.crossing_point("Nordooz").id == "agarak-norduz"
    assert corridor.crossing_point("SARPİ").id == "sarp-sarpi"
    with pytest.raises(UnknownPlaceError, match="Unknown crossing point"):
        corridor.crossing_point("Atlantis")


def test_status_at_a_date():
    at = {r.id: r.status for r in corridor.crossing_points(policy=CrossingPolicy(as_of="2026-01-01")).itertuples()}
    assert at["agarak-norduz"] == "open"  # restricted from the Iranian side since 4 March 2026
    assert at["gurbulak-bazargan"] == "open"  # day passengers stopped on 2 March 2026
    assert at["margara-alican"] == "closed"
    assert at["aghband-kalaleh"] == "unknown"  # nothing recorded before 23 February 2026
    old = {
        r.id: r.status for r in corridor.crossing_points(policy=CrossingPolicy(as_of=dt.date(2019, 6, 1))).itertuples()
    }
    assert old["red-bridge"] == "open" and old["sarp-sarpi"] == "open"
    assert old["astara-astara-rail"] == "open"  # opened 29 March 2018
    assert (
        corridor.crossing_points(policy=CrossingPolicy(as_of="2017-01-01"))
        .set_index("id")
        .loc["astara-astara-rail", "status"]
        == "unknown"
    )
    with pytest.raises(ParameterError, match="`as_of` must be a date"):
        CrossingPolicy(as_of="next year")


def test_policy_opens_a_border_and_a_point():
    p = CrossingPolicy(borders={"ARM-TUR": "open"}, points={"Margara": "closed"})
    t = corridor.crossing_points(border="ARM-TUR", policy=p).set_index("id")
    assert t.loc["akhurik-akyaka-rail", "status"] == "open" and t.loc["margara-alican", "status"] == "closed"
    assert t.loc["akhurik-akyaka-rail", "recorded_status"] == "closed"
    with pytest.raises(ParameterError, match="must be one of"):
        CrossingPolicy(borders={"ARM-TUR": "ajar"})


def test_closed_border_crossed_where_no_point_exists(region):
    a = corridor.analyze(Route.from_places(["Horadiz", "Nakhchivan"]), region=region)
    assert list(a.crossings["crossing_status"]) == ["no crossing point", "no crossing point"]
    assert len(a.closed_crossings) == 2


def test_crossings_meet_their_crossing_points(region):
    road = corridor.builtin_scenarios()[3].analyze(region=region)  # the road via Astara and Tabriz
    assert list(road.crossings["crossing_point_id"]) == ["astara-astara-road", "julfa-jolfa-road"]
    assert (road.crossings["point_distance_km"] < 3).all()
    assert set(road.crossings["crossing_status"]) <= set(USABLE_STATUSES)
    btk = corridor.builtin_scenarios()[2].analyze(region=region)
    cx = btk.crossings.set_index("crossing_point_id")
    assert cx.loc["boyuk-kesik-gardabani-rail", "crossing_status"] == "open"
    assert cx.loc["btk-kartsakhi-canbaz-rail", "crossing_status"] == "open"
    # the rail link Dilucu – Sadarak is planned: the crossing there is a road bridge only
    assert cx.loc["sadarak-dilucu", "mode_allowed"] == False  # noqa: E712
    assert cx.loc["sadarak-dilucu", "crossing_status"] == "no crossing point"


def test_ferry_meets_the_ports(region):
    a = corridor.builtin_scenarios("Middle Corridor")[0].analyze(region=region)
    (row,) = a.crossings.itertuples()
    assert row.crossing_point_id == "port-baku-alat>port-turkmenbasy"
    assert row.crossing_status == "open"
    assert row.dwell_point_h == pytest.approx(1.8)  # CAREC CPMM 2022, port of Baku


def test_dwell_from_the_crossing_point_first(region):
    r = Route.from_places(["Ganja", "Tbilisi"], mode="road")
    a = corridor.analyze(r, region=region)
    (cx,) = a.crossings.itertuples()
    assert cx.crossing_point_id == "red-bridge"
    tt = a.travel_time(dwell_h={"AZE-GEO": 2.0})
    assert tt.crossings["dwell_h"].tolist() == [13.6]  # CAREC CPMM 2022, Red Bridge, outbound
    assert tt.crossings["dwell_from"].tolist() == ["crossing point"]
    own = corridor.analyze(r, region=region, policy=CrossingPolicy(dwell_h={"Red Bridge": 3.0}))
    assert own.travel_time().crossings["dwell_h"].tolist() == [3.0]


def test_headline_counts_closed_crossings(region):
    t = corridor.analyze_many(
        [Route.from_places(["Horadiz", "Nakhchivan"]), Route.from_places(["Ganja", "Tbilisi"], mode="road")],
        region=region,
    )
    assert t["closed_crossings"].tolist() == [2, 0]
    assert t.loc[1, "crossing_points"].startswith("Red Bridge")
    assert t.loc[0, "crossing_points"] == "-; -"


def test_regimes(region):
    r = region.regimes.set_index("id")
    assert r.loc["arm-aze-euma", "since"] == "2023-02-20"
    assert r.loc["arm-irn-agarak-armenian", "since"] == "2025-01-01"
    a = corridor.analyze(Route.along_border("ARM", "IRN", side="ARM", offset_m=300), region=region)
    reg = a.regimes().set_index("id")
    assert reg.loc["arm-irn-russian-border-troops", "km_within"] == pytest.approx(a.length_km, rel=1e-6)
    assert reg.loc["arm-irn-russian-border-troops", "crossings"] == 0


def test_cli_crossings():
    out = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "crossings", "--border", "ARM-IRN", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == ["agarak-norduz"]
    table = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "crossings", "--as-of", "2026-01-01", "--status", "closed"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "margara-alican" in table.stdout and "at 2026-01-01" in table.stdout


def test_maps_show_crossing_points_and_regimes(region):
    from corridor._display import CLOSED_BORDER_COLOR, STATUS_COLORS, build_display

    road = corridor.builtin_scenarios()[3].analyze(region=region)
    d = build_display(region, [], [road], crossing_points="used", border_style="regime")
    assert {p.id for p in d.points} == {"astara-astara-road", "julfa-jolfa-road"}
    assert all(p.used for p in d.points)
    styles = {(b.a, b.b): b.style for b in d.borders}
    assert styles[("ARM", "AZE")] == "closed" and styles[("ARM", "TUR")] == "closed"
    assert styles[("ARM", "GEO")] == "open"
    assert styles[("GEO", "RUS")] == "monitored"  # EUMM Georgia
    arm_aze = next(b for b in d.borders if (b.a, b.b) == ("ARM", "AZE"))
    assert any("monitoring mission" in r for r in arm_aze.regimes)
    html = corridor.make_map(analyses=[road], border_style="regime").get_root().render()
    assert STATUS_COLORS["restricted"] in html and CLOSED_BORDER_COLOR in html
    assert "Crossing point: Astara–Astara (road)" in html
    # opening the border turns its points green on the map
    d2 = build_display(region, [], [], policy=CrossingPolicy(borders={"ARM-TUR": "open"}))
    assert {p.status for p in d2.points if p.id in ("margara-alican", "akhurik-akyaka-rail")} == {"open"}


def test_a_scenario_opens_a_border(region):
    t = corridor.compare(corridor.builtin_scenarios("Kars → Gyumri"), region=region)
    today = t.loc["Kars – Gyumri today (rail via Georgia)"]
    closed = t.loc["Kars – Gyumri direct (Akhurik–Akyaka, border as today)"]
    reopened = t.loc["Kars – Gyumri direct (Akhurik–Akyaka reopened)"]
    assert today["transit"] == "TUR-GEO-ARM" and today["closed_crossings"] == 0
    assert closed["closed_crossings"] == 1 and reopened["closed_crossings"] == 0
    assert reopened["crossing_points"].startswith("Akhurik–Akyaka")
    # the direct line is about a fifth of the way round through Georgia
    assert reopened["length_km"] == pytest.approx(68.7, abs=0.5)
    assert today["length_km"] / reopened["length_km"] > 5


def test_scenario_files_declare_institutions(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: x\nas_of: 2026-01-01\nborders: {ARM-TUR: open}\ncrossing_points: {Margara: closed}\n"
        "legs:\n  - places: [Kars, Gyumri]\n",
        encoding="utf-8",
    )
    s = corridor.Scenario.read(path)
    p = s.policy()
    assert p.as_of == dt.date(2026, 1, 1) and p.borders == {("ARM", "TUR"): "open"}
    assert p.points == {"margara-alican": "closed"}
    path.write_text("name: x\ncrossing_points: {Atlantis: open}\nlegs:\n  - places: [Kars, Gyumri]\n", encoding="utf-8")
    with pytest.raises(corridor.ScenarioError, match="Unknown crossing point 'Atlantis'"):
        corridor.Scenario.read(path)
