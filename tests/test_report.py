"""The shareable report (corridor.report, `corridor report`) and the HTML table export."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import corridor
from corridor.io import column_units, export_table, table_text

# ---------------------------------------------------------------------------
# the comparison HTML export


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return corridor.compare(corridor.builtin_scenarios())


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
