"""The shareable report (corridor.report, `corridor report`) and the HTML table export."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd
import pytest

import corridor
from corridor.io import column_units, export_table, table_text
from tests.browser import ARTIFACTS, browser_test, offline_page

# ---------------------------------------------------------------------------
# the comparison HTML export


@pytest.fixture(scope="module")
def table(builtin_report) -> pd.DataFrame:
    return builtin_report[1]


def test_html_export_is_a_whole_utf8_page_with_caption_units_and_attribution(table, tmp_path):
    path = export_table(table, tmp_path / "comparison.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in text
    assert '<meta charset="utf-8">' in text
    assert "<caption>Corridor comparison</caption>" in text
    assert "<th>length_km (km)</th>" in text and "<th>travel_time_h (h)</th>" in text
    assert "<th>crossings (count)</th>" in text and "<th>transit</th>" in text
    assert "<th>scenario</th>" in text  # the index's name heads its column
    assert "© OpenStreetMap contributors (ODbL)" in text
    assert f"corridor {corridor.__version__}" in text and dt.date.today().isoformat() in text
    # the road via Astara has no published length: a dash, not "NaN"
    assert "NaN" not in text and "<td>–</td>" in text
    assert "Road via Astara and Tabriz (Iran, today)" in text


def test_html_export_caption_attribution_and_escaping():
    df = pd.DataFrame({"name": ["<script>alert(1)</script>"], "cost": [1.5]})
    df.attrs["cost_currency"] = "EUR"
    text = table_text(df, "html", index=False, caption="<b>mine</b>", attribution="my data & co")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<caption>&lt;b&gt;mine&lt;/b&gt;</caption>" in text
    assert "my data &amp; co" in text
    assert "<th>cost (EUR)</th>" in text
    assert "<th>name</th>" in text


def test_column_units():
    df = pd.DataFrame(columns=["km", "from_km", "dwell_h", "speed_kmh", "offset_m", "difference_pct", "detour_index"])
    assert column_units(df) == {
        "km": "km",
        "from_km": "km",
        "dwell_h": "h",
        "speed_kmh": "km/h",
        "offset_m": "m",
        "difference_pct": "%",
        "detour_index": "ratio",
    }


# ---------------------------------------------------------------------------
# the report

EVIL_NAME = "<script>alert(1)</script> `${window.__pwned=1}`"
EVIL_SOURCE = '<img src=x onerror="window.__pwned=2">'
EVIL_TITLE = '</title><script>alert(3)</script> "quoted" {braces}'


def _split(text: str) -> tuple[str, str]:
    """The report without its map, and the map's own page (the frame's srcdoc, unescaped)."""
    m = re.search(r'data-srcdoc="([^"]*)"', text)
    assert m, "no map frame"
    return text[: m.start()] + text[m.end() :], html.unescape(m.group(1))


def _row(text: str, column: str) -> list[str]:
    """The cells of the comparison table's row for ``column`` (first table)."""
    m = re.search(rf"<tr><th scope='row'[^>]*><code>{column}</code>.*?</th>(.*?)</tr>", text)
    assert m, column
    return re.findall(r"<td[^>]*>(.*?)</td>", m.group(1))


@pytest.fixture(scope="module")
def builtin_report(tmp_path_factory) -> tuple[str, pd.DataFrame, list]:
    scenarios = corridor.builtin_scenarios()
    path = corridor.report(scenarios, tmp_path_factory.mktemp("report") / "report.html")
    return path.read_text(encoding="utf-8"), corridor.compare(scenarios), scenarios


def test_report_holds_the_comparison(builtin_report):
    text, table, _ = builtin_report
    names = list(table.index)
    tripp, road = (
        names.index("TRIPP / Zangezur rail (via Armenia)"),
        names.index("Road via Astara and Tabriz (Iran, today)"),
    )
    assert _row(text, "km_ARM")[tripp] == f"{table['km_ARM'].iloc[tripp]:,.1f}" == "44.1"
    assert _row(text, "length_km") == [f"{v:,.1f}" for v in table["length_km"]]
    assert _row(text, "travel_time_h") == [f"{v:,.2f}" for v in table["travel_time_h"]]
    assert _row(text, "transit") == list(table["transit"])
    assert _row(text, "crossings") == [str(v) for v in table["crossings"]]
    assert _row(text, "min_clearance_km")[tripp] == f"{table['min_clearance_km'].iloc[tripp]:.2f}"  # 0.24, not 0.2
    assert _row(text, "published_km")[road] == "–"  # no published length: a dash, never NaN
    assert not re.search(r"<td[^>]*>\s*(NaN|nan|None|inf)\s*</td>", _split(text)[0])
    # the units in the header, and the meaning of every column
    assert "<code>length_km</code> <span class='unit'>(km)</span>" in text
    assert "<code>travel_time_h</code> <span class='unit'>(h)</span>" in text
    for column, meaning in corridor.HEADLINE_COLUMNS.items():
        if column != "km_<ID>":
            assert f"<dd>{corridor.maps.escape_text(meaning)}</dd>" in text, column
    assert "km in Armenia (ARM)" in text


def test_report_holds_crossings_assumptions_sources_version_and_date(builtin_report):
    text, table, scenarios = builtin_report
    for point in (
        "Aghband–Kalaleh bridge",
        "Julfa–Jolfa (road)",
        "Sadarak–Dilucu (Umid Bridge)",
        "Astara–Astara (road)",
    ):
        assert point in text
    assert text.count("<span class='flag'>not usable</span>") == int(table["closed_crossings"].sum())
    assert "no crossing point" in text and "restricted" in text
    # assumptions: speeds and dwell from the scenario files, published lengths with their sources
    assert "file a_tripp_zangezur_rail.yaml" in text and "rail/planned 100 km/h" in text
    assert "ARM–AZE 0.5 h" in text and "any other border 1 h per crossing" in text
    assert "Azerbaijan Railways via Trend, axis length Horadiz–Aghband" in text
    for s in scenarios:
        for source in s.sources:
            assert corridor.maps.escape_text(source) in text
    # boundary uncertainty and credits
    assert "a median 1.15 km" in text and "uncertain_km" in text
    assert "© OpenStreetMap contributors (ODbL)" in text and "ODbL" in text
    assert f"corridor {corridor.__version__}" in text
    assert dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d") in text
    # charts: one bar chart and one border profile per scenario, inline
    assert text.count("<svg") >= 1 + len(scenarios)


def test_report_is_offline_and_one_file(builtin_report):
    text, _, _ = builtin_report
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text and '<meta charset="utf-8">' in text
    assert "@media print" in text and "@page" in text
    inner = _split(text)[1]  # the map's own page, in the frame's srcdoc
    assert "leaflet" in inner.lower() and "TRIPP / Zangezur rail (via Armenia)" in inner
    for page in (text, inner):
        assert not re.search(r"<script[^>]+src\s*=", page, re.I)
        assert not re.search(r"<link[^>]+href\s*=\s*[\"']?(https?:)?//", page, re.I)
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", page, re.I)
        assert "@import" not in page


def test_report_escapes_user_strings(tmp_path):
    evil = corridor.Scenario.from_dict(
        {
            "name": EVIL_NAME,
            "description": EVIL_SOURCE,
            "sources": [EVIL_SOURCE],
            "legs": [{"places": ["Meghri", "Ordubad"], "source": EVIL_SOURCE}],
        }
    )
    path = corridor.report([evil], tmp_path / "evil.html", title=EVIL_TITLE)
    text = path.read_text(encoding="utf-8")
    outer, inner = _split(text)
    for page in (outer, inner):
        assert "<script>alert" not in page
        assert "<img src=x" not in page
    assert "</title><script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("<title>") == 1


def test_report_refusals(tmp_path):
    scenarios = corridor.builtin_scenarios()[:1]
    with pytest.raises(corridor.ParameterTypeError, match="takes Scenario objects"):
        corridor.report(["TRIPP"], tmp_path / "r.html")
    with pytest.raises(corridor.ParameterTypeError, match="a Scenario or a list"):
        corridor.report("TRIPP", tmp_path / "r.html")
    with pytest.raises(corridor.ParameterTypeError, match="`title` must be a string"):
        corridor.report(scenarios, tmp_path / "r.html", title=3)
    with pytest.raises(corridor.ScenarioError, match="at least one scenario"):
        corridor.report([], tmp_path / "r.html")
    with pytest.raises(corridor.OutputPathError, match="does not exist"):
        corridor.report(scenarios, tmp_path / "missing" / "r.html")
    with pytest.raises(corridor.ParameterError, match="Unsupported file type"):
        corridor.report(scenarios, tmp_path / "r.pdf")
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_report_is_the_function_after_importing_the_module():
    import importlib

    module = importlib.import_module("corridor.report")
    assert callable(corridor.report) and corridor.report is module.report


def test_report_command(tmp_path):
    from tests.test_cli import run

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "s.yaml").write_text(
        "name: Meghri – Ordubad road\nlegs:\n  - places: [Meghri, Ordubad]\n    mode: road\n"
    )
    out = run("report", str(folder), "--builtin", "-o", str(tmp_path / "r.html"), "--title", "Zangezur <b>too</b>")
    assert "Wrote" in out.stdout and "KB" in out.stdout
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h1>Zangezur &lt;b&gt;too&lt;/b&gt;</h1>" in text
    assert (
        "Meghri – Ordubad road" in text and "Road via Astara and Tabriz (Iran, today)" in text
    )  # folder and --builtin
    out = run("report", "--builtin", "-o", str(tmp_path / "nope" / "b.html"), check=False)
    assert out.returncode == 1 and out.stderr.startswith("corridor: error:") and "does not exist" in out.stderr
    out = run("report", "-o", str(tmp_path / "c.html"), check=False)
    assert out.returncode == 1 and "--builtin" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "scenarios"]


# ---------------------------------------------------------------------------
# the report in a real headless Chromium, every network request blocked, and printed


@browser_test
def test_report_in_chromium_and_printed(tmp_path):
    evil = corridor.Scenario.from_dict(
        {"name": EVIL_NAME, "sources": [EVIL_SOURCE], "legs": [{"places": ["Meghri", "Ordubad"], "mode": "road"}]}
    )
    path = corridor.report([*corridor.builtin_scenarios(), evil], tmp_path / "report.html", title=EVIL_TITLE)
    with offline_page(1100, 900) as (page, log):
        page.goto(path.as_uri())
        frame = page.frame_locator("iframe.map")
        frame.locator(".leaflet-overlay-pane svg path").first.wait_for()
        page.wait_for_timeout(300)
        assert frame.locator(".leaflet-overlay-pane svg path").count() > 50  # countries, borders, routes
        assert frame.locator(".corridor-route").count() >= 5
        box = page.locator("iframe.map").bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 500
        # the routes were fitted into the frame, not into a frame of 0 × 0 pixels (zoom 0)
        zoom = page.frames[1].evaluate("() => window[Object.keys(window).find(k => k.startsWith('map_'))].getZoom()")
        assert zoom >= 5
        assert page.locator("figure svg").count() == 1 + 5  # the bar chart and five border profiles
        assert page.locator("table.comparison").count() == 2  # four scenarios a table, to fit A4
        assert EVIL_NAME in page.locator("table.comparison thead").last.inner_text()
        assert page.title() == EVIL_TITLE
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        pdf = page.pdf(path=str(ARTIFACTS / "report.pdf"), prefer_css_page_size=True, print_background=True)
        assert page.evaluate("window.__pwned") is None
        assert frame.locator("img[src=x]").count() == 0 and page.locator("img[src=x]").count() == 0
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 2
    assert log.blocked == []
    assert log.errors == []
    assert log.dialogs == []
