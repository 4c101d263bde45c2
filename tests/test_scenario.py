import json
import textwrap

import pandas as pd
import pytest

import corridor
from corridor import Scenario
from corridor.errors import ScenarioError
from corridor.io import comparison_text, export_comparison


@pytest.fixture(scope="module")
def builtins():
    return corridor.builtin_scenarios()


@pytest.fixture(scope="module")
def table(builtins):
    return corridor.compare(builtins)


def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def test_builtin_scenarios_have_sources(builtins):
    assert len(builtins) == 4
    for s in builtins:
        assert s.sources, s.name
        # rail from Baku's station, the road from the city centre
        assert s.route.stops[0].name in ("Baku station", "Baku") and s.route.stops[-1].name == "Nakhchivan"
        for leg in s.route.legs:
            assert leg.source, (s.name, leg.name)


def test_comparison_contract(table, builtins):
    assert table.index.name == "scenario"
    assert list(table.index) == [s.name for s in builtins]
    # one column per territory some scenario passes through: not Iraq, Kazakhstan, Russia,
    # Syria or Turkmenistan, which the region holds but no Baku → Nakhchivan route touches
    ids = ["ARM", "AZE", "GEO", "IRN", "TUR"]
    expected = [
        "length_km",
        "published_km",
        "ratio_to_published",
        "km_without_published",
        *[f"km_{i}" for i in ids],
        "km_unassigned",
        "km_inland_water",
        "km_sea",
        "transit",
        "crossings",
        "closed_crossings",
        "crossing_points",
        "km_within_1km_border",
        "km_within_5km_border",
        "min_clearance_km",
        "uncertain_km",
        "detour_index",
        "travel_time_h",
    ]
    assert list(table.columns) == expected


def test_comparison_makes_geographic_sense(table):
    tripp = table.loc["TRIPP / Zangezur rail (via Armenia)"]
    aras = table.loc["Aras corridor (via Iran)"]
    btk = table.loc["Baku–Tbilisi–Kars + Kars–Iğdır–Nakhchivan (via Georgia and Türkiye)"]
    road = table.loc["Road via Astara and Tabriz (Iran, today)"]
    # TRIPP crosses Armenia (Meghri, ~45 km) and never Iran; the Aras corridor the reverse
    assert 40 < tripp["km_ARM"] < 60 and tripp["km_IRN"] == 0
    assert aras["km_ARM"] == 0 and 90 < aras["km_IRN"] < 120
    assert tripp["transit"] == "AZE-ARM-AZE" and aras["transit"] == "AZE-IRN-AZE"
    assert btk["transit"] == "AZE-GEO-TUR-AZE" and btk["crossings"] == 3
    # via Georgia and Türkiye is the long way round: almost twice the Aras routes
    assert btk["length_km"] > 1.7 * tripp["length_km"]
    assert tripp["travel_time_h"] < aras["travel_time_h"] < road["travel_time_h"] < btk["travel_time_h"]
    # closest approach to a border it does not cross: TRIPP keeps ~500 m from Iran
    assert 0.2 < tripp["min_clearance_km"] < 0.6
    assert road["min_clearance_km"] > 10
    # the Aras routes hug the border for much of their length
    # (BTK's Nakhchivan line runs by the Aras from Şahtaxtı through Başbaşı: 131 km of it)
    assert tripp["km_within_5km_border"] > 200 and btk["km_within_5km_border"] < 0.6 * tripp["km_within_5km_border"]


def test_analyze_many_agrees_with_compare(table, builtins):
    many = corridor.analyze_many([s.route for s in builtins]).set_index("name")
    for col in ("length_km", "km_ARM", "km_IRN", "crossings", "km_within_5km_border", "min_clearance_km"):
        assert many[col].tolist() == pytest.approx(table[col].tolist(), rel=1e-9), col


def test_comparison_matches_analysis(table, builtins):
    s = builtins[0]
    a = corridor.analyze(s.route)
    row = table.loc[s.name]
    assert row["length_km"] == pytest.approx(a.length_km)
    assert row["km_ARM"] == pytest.approx(a.km_by_territory["ARM"])
    assert row["crossings"] == len(a.crossings)
    assert row["km_within_5km_border"] == pytest.approx(a.km_near_border(5.0))
    tt = a.travel_time(speeds=s.speeds(), dwell_h={"ARM-AZE": 0.5}, default_dwell_h=1.0)
    assert row["travel_time_h"] == pytest.approx(tt.total_h)


def test_exports(table, tmp_path):
    for ext in ("csv", "md", "html", "json"):
        p = export_comparison(table, tmp_path / f"c.{ext}")
        assert p.stat().st_size > 100
    recs = json.loads((tmp_path / "c.json").read_text())
    assert {"scenario", "length_km", "km_ARM", "transit"} <= set(recs[0])
    back = pd.read_csv(tmp_path / "c.csv", index_col="scenario")
    assert back["crossings"].tolist() == table["crossings"].tolist()
    md = comparison_text(table, "markdown").splitlines()
    assert [c.strip() for c in md[0].strip("|").split("|")][:2] == ["scenario", "length_km"]
    assert len(md) == 2 + len(table)  # header, rule, one row per scenario
    # a "|" in a name is escaped, so every row keeps the same number of cells
    odd = table.rename(index={table.index[0]: "via A|B"})
    rows = comparison_text(odd, "markdown").splitlines()
    assert "via A\\|B" in rows[2]
    assert len({r.replace("\\|", "").count("|") for r in rows}) == 1
    fig = corridor.plot_comparison(table, path=tmp_path / "bars.png")
    assert (tmp_path / "bars.png").stat().st_size > 10_000
    assert len(fig.axes) == 1


def test_costs(tmp_path):
    p = write(
        tmp_path,
        """
        name: costed
        legs:
          - places: [Meghri, Ordubad]
        parameters:
          cost_per_km: 2.0
          cost_per_crossing: 100
    """,
    )
    s = Scenario.read(p)
    df = corridor.compare([s])
    a = corridor.analyze(s.route)
    assert df.loc["costed", "cost"] == pytest.approx(2.0 * a.length_km + 100 * len(a.crossings))
    assert df.attrs["cost_currency"] == "USD"
    euro = Scenario.from_dict(
        {
            "name": "euro",
            "legs": [{"places": ["Kars", "Gyumri"]}],
            "parameters": {"cost_per_km": 1.0, "currency": "EUR"},
        }
    )
    with pytest.raises(ScenarioError, match="several currencies"):
        corridor.compare([s, euro])


def test_python_scenario_and_along_border_leg():
    s = Scenario.from_dict(
        {
            "name": "north bank",
            "legs": [
                {
                    "along_border": {"a": "ARM", "b": "IRN", "side": "ARM", "offset_m": 400},
                    "status": "planned",
                }
            ],
        }
    )
    a = s.analyze()
    assert a.km_by_territory.get("IRN", 0.0) == 0.0
    assert s.route.legs[0].status == "planned"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "name: x\nlegs:\n  - places: [Meghri, Ordubad]\n    speed: 5\n",
            r"legs\[0\]\.speed`: unknown key",
        ),
        (
            "name: x\nlegs:\n  - places: [Meghri, Ordubad]\n    speed_kmh: fast\n",
            r"speed_kmh`.*number",
        ),
        ("name: x\nlegs: []\n", r"`legs`.*at least 1"),
        ("legs:\n  - places: [Meghri, Ordubad]\n", r"`name`: required field is missing"),
        ("name: x\nlegs:\n  - places: [Meghri]\n", r"at least two place"),
        (
            "name: x\nlegs:\n  - places: [Meghri, Ordubad]\n    coords: [[45, 40], [46, 40]]\n",
            r"exactly one of",
        ),
        ("name: x\nlegs:\n  - places: [Meghri, Ordubad]\n    mode: boat\n", r"mode"),
        (
            "name: x\nlegs:\n  - places: [Meghri, Ordubad]\nparameters:\n  speeds_kmh: {plane: 800}\n",
            r"speed key 'plane'",
        ),
        (
            "name: x\nlegs:\n  - places: [Meghri, Ordubad]\nparameters:\n  dwell: {per_border: {ARM: 1}}\n",
            r"pair",
        ),
        ("- just\n- a list\n", r"expected a mapping"),
        ("name: [unclosed\n", r"not valid scenario YAML \(line"),
    ],
)
def test_invalid_scenarios(tmp_path, text, match):
    p = write(tmp_path, text)
    with pytest.raises(ScenarioError, match=match) as info:
        Scenario.read(p)
    assert str(p) in str(info.value)  # the message names the file


def test_unknown_place_in_scenario(tmp_path):
    p = write(tmp_path, "name: x\nlegs:\n  - places: [Meghri, Atlantis]\n")
    s = Scenario.read(p)
    with pytest.raises(ScenarioError, match=r"legs\[0\].*Atlantis") as info:
        _ = s.route
    assert str(p) in str(info.value)


def test_malicious_yaml_tag_is_refused(tmp_path):
    p = write(tmp_path, "name: !!python/object/apply:os.system ['touch pwned']\nlegs: []\n")
    with pytest.raises(ScenarioError, match="not valid scenario YAML"):
        Scenario.read(p)
    assert not (tmp_path / "pwned").exists()


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 12):
        prev = chr(ord("a") + k - 1)
        cur = chr(ord("a") + k)
        lines.append(f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    p = write(tmp_path, "\n".join(lines) + "\nname: bomb\nlegs: []\n")
    with pytest.raises(ScenarioError, match="alias"):
        Scenario.read(p)


def test_huge_file_is_refused(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_text("name: x\n" + "# padding\n" * 200_000)
    with pytest.raises(ScenarioError, match="limited"):
        Scenario.read(p)


def test_duplicate_names_and_folder(tmp_path):
    write(tmp_path, "name: same\nlegs:\n  - places: [Meghri, Ordubad]\n", "a.yaml")
    write(tmp_path, "name: same\nlegs:\n  - places: [Kars, Gyumri]\n", "b.yaml")
    with pytest.raises(ScenarioError, match="unique"):
        corridor.read_scenarios(tmp_path)


def test_a_scenarios_route_carries_its_assumptions(builtins):
    """One travel-time answer: analyze(scenario.route) uses the scenario's speeds and dwell times."""
    s = builtins[0]
    a = corridor.analyze(s.route)
    assert a.params.source == f"scenario {s.name!r}"
    assert a.travel_time().total_h == pytest.approx(s.analyze().travel_time().total_h)
    assert "travel assumptions: scenario" in repr(a)
    many = corridor.analyze_many([s.route]).iloc[0]
    assert many["travel_time_h"] == pytest.approx(a.travel_time().total_h)
    plain = corridor.analyze(corridor.Route.from_places(["Meghri", "Ordubad"]))
    assert plain.params.source == "package defaults" and "package defaults" in plain._repr_html_()
    # the scenario's open borders come with the route too
    kg = corridor.builtin_scenarios("Kars → Gyumri")[2]
    assert len(corridor.analyze(kg.route).closed_crossings) == 0
