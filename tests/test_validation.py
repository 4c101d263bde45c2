"""`corridor.validate()`: every figure against its published value, with its source."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import corridor
from corridor.validation import VALIDATION_COLUMNS


@pytest.fixture(scope="module")
def table():
    return corridor.validate()


def test_table_shape_and_sources(table):
    assert list(table.columns) == list(VALIDATION_COLUMNS)
    assert len(table) >= 25
    assert table["source"].str.len().min() > 10
    assert set(table["verdict"]) == {"ok", "outside"}


def test_borders_areas_and_tripoints_pass(table):
    t = table.set_index("figure")
    geo = t[~t["note"].str.contains("scenario leg")]
    assert (geo["verdict"] == "ok").all(), geo[geo["verdict"] != "ok"]
    assert t.loc["Armenia area (land and inland water)", "corridor"] == pytest.approx(29_732, abs=5)
    assert t.loc["ARM–AZE–IRN tripoint (east)", "corridor"] < 0.5  # km from the published point


def test_rail_verdicts(table):
    t = table.set_index("figure")
    assert t.loc["TRIPP: the Armenian section", "verdict"] == "ok"
    assert t.loc["Alat – Türkmenbaşy ferry", "verdict"] == "ok"
    # a mountain line modelled by straight legs between the stations we could source
    assert t.loc["Tbilisi – Akhalkalaki – Kartsakhi railway (BTK in Georgia)", "verdict"] == "outside"
    assert t.loc["Tbilisi – Akhalkalaki – Kartsakhi railway (BTK in Georgia)", "difference_pct"] == pytest.approx(
        -25.5, abs=0.5
    )
    assert t.loc["Kartsakhi – Kars railway (BTK in Türkiye)", "verdict"] == "ok"


def test_world_figures():
    t = corridor.validate(world=True).set_index("figure")
    row = t.loc["Lithuania–Poland border (Suwałki gap)"]
    assert row["verdict"] == "ok" and row["corridor"] == pytest.approx(104, rel=0.02)


def test_cli_validate():
    out = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "validate", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)
    assert len(rows) >= 25 and rows[0]["figure"] == "Armenia–Azerbaijan border"
    strict = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "validate", "--strict"], capture_output=True, text=True
    )
    assert strict.returncode == 1 and "figures within tolerance" in strict.stdout
