import pandas as pd
import pytest
import shapely

import corridor
from corridor.errors import GeometryError, UnknownPlaceError

REQUIRED = [
    "Horadiz",
    "Zangilan",
    "Aghband",
    "Minjivan",
    "Kapan",
    "Goris",
    "Meghri",
    "Agarak",
    "Yeraskh",
    "Yerevan",
    "Gyumri",
    "Ordubad",
    "Julfa",
    "Jolfa",
    "Nakhchivan",
    "Sadarak",
    "Kars",
    "Iğdır",
    "Dilucu",
    "Tbilisi",
    "Baku",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_required_places_exist(name):
    p = corridor.place(name)
    assert p.source


def test_every_place_inside_its_country(region):
    df = corridor.places()
    for row in df.itertuples():
        geom = region.geometry_of(row.iso3)
        assert shapely.contains_xy(geom, row.lon, row.lat), f"{row.name} not in {row.iso3}"


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Nakhichevan", "Nakhchivan"),
        ("Naxçıvan", "Nakhchivan"),
        ("NAXCIVAN", "Nakhchivan"),
        ("Culfa", "Julfa"),
        ("Djulfa", "Julfa"),
        ("Mehri", "Meghri"),
        ("Igdir", "Iğdır"),
        ("Jolfa (Iran)", "Jolfa"),
    ],
)
def test_aliases(alias, name):
    assert corridor.place(alias).name == name


def test_julfa_and_jolfa_are_across_the_aras():
    julfa, jolfa = corridor.place("Julfa"), corridor.place("Jolfa")
    assert (julfa.iso3, jolfa.iso3) == ("AZE", "IRN")
    assert corridor.geodesy.distance_m(julfa, jolfa) < 3000


def test_unknown_place_suggests():
    with pytest.raises(UnknownPlaceError, match="Meghri") as info:
        corridor.place("Megri x")
    assert isinstance(info.value, LookupError)


def test_add_places_from_dataframe_and_csv(tmp_path):
    n = corridor.add_places(
        pd.DataFrame(
            {
                "name": ["Test Depot"],
                "lon": [45.0],
                "lat": [40.0],
                "iso3": ["ARM"],
                "aliases": ["TD|Depot"],
            }
        )
    )
    assert n == 1 and corridor.place("depot").lon == 45.0
    path = tmp_path / "p.csv"
    path.write_text("name,lon,lat\nSecond Depot,46.1,39.5\n")
    corridor.add_places(path)
    assert corridor.place("second depot").lat == 39.5
    with pytest.raises(corridor.ColumnError, match="lon"):
        corridor.add_places(pd.DataFrame({"name": ["x"]}))
    with pytest.raises(GeometryError, match="swapped"):
        corridor.add_places(pd.DataFrame({"name": ["y"], "lon": [39.0], "lat": [145.0]}))


def test_a_place_name_wins_over_another_places_alias():
    # "Āstārā", an alias of Astara (Iran), folds to "astara": the Azerbaijani town keeps its name
    assert corridor.place("Astara").iso3 == "AZE"
    assert corridor.place("Astara (IRN)").iso3 == "IRN"
    assert corridor.place("Astara (Iran)").iso3 == "IRN"
