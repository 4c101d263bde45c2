"""Gazetteer of places for corridor work: towns, stations and border crossings.

The built-in places live in ``data/places.csv`` (shipped in the wheel); each
has ``(lon, lat)``, its country, a kind, aliases and transliterations, and a
source note.  Lookup ignores case and diacritics.
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._data import data_path
from .errors import GeometryError, UnknownPlaceError

__all__ = ["Gazetteer", "Place", "add_places", "builtin_gazetteer", "place", "places"]


def normalize_name(name: str) -> str:
    """Fold case and strip diacritics and punctuation, for lookup.

    Examples
    --------
    >>> normalize_name("Naxçıvan")
    'naxcivan'
    >>> normalize_name("Iğdır")
    'igdir'
    """
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ı", "i").replace("ə", "e").replace("Ə", "e").casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


@dataclass(frozen=True)
class Place:
    """A named point: ``(lon, lat)`` in degrees (EPSG:4326) with its country.

    Attributes
    ----------
    name, lon, lat, iso3, kind, aliases, source
    """

    name: str
    lon: float
    lat: float
    iso3: str
    kind: str = "place"
    aliases: tuple[str, ...] = field(default=())
    source: str = ""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.lon) and np.isfinite(self.lat)):
            raise GeometryError(f"Place {self.name!r} has a NaN or infinite coordinate.")
        if abs(self.lat) > 90 or abs(self.lon) > 180:
            msg = (
                f"Place {self.name!r} has (lon, lat) = ({self.lon}, {self.lat}) out of range; "
                "are the axes swapped? Give (lon, lat)."
            )
            raise GeometryError(msg)

    @property
    def coords(self) -> tuple[float, float]:
        """``(lon, lat)``."""
        return (self.lon, self.lat)

    @property
    def point(self) -> Any:
        """The place as a shapely Point."""
        import shapely

        return shapely.Point(self.lon, self.lat)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "Point", "coordinates": (self.lon, self.lat)}


class Gazetteer:
    """A set of places with case- and diacritic-insensitive lookup."""

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self._places: dict[str, Place] = {}
        self._index: dict[str, str] = {}
        for p in places:
            self.add(p)

    def add(self, p: Place, *, replace: bool = True) -> None:
        """Add a place (replacing one of the same name unless ``replace`` is False)."""
        key = normalize_name(p.name)
        if key in self._places and not replace:
            raise ValueError(f"Place {p.name!r} exists already; pass `replace=True`.")
        self._places[key] = p
        for alias in (p.name, *p.aliases):
            self._index[normalize_name(alias)] = key
        # the exact name always wins over another place's alias
        self._index[key] = key

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_name(name) in self._index

    def get(self, name: str) -> Place:
        """Return the place called ``name`` (or one of its aliases)."""
        key = normalize_name(name)
        if key in self._index:
            return self._places[self._index[key]]
        close = difflib.get_close_matches(key, list(self._index), n=5, cutoff=0.6)
        names = list(dict.fromkeys(self._places[self._index[c]].name for c in close))
        hint = f" Closest matches: {', '.join(names)}." if names else ""
        msg = (
            f"Unknown place {name!r}.{hint} See `corridor.places()` for the list, "
            "or add your own with `corridor.add_places(...)`."
        )
        raise UnknownPlaceError(msg)

    def to_frame(self) -> pd.DataFrame:
        """The places as a DataFrame (one row per place)."""
        rows = [
            {
                "name": p.name,
                "lon": p.lon,
                "lat": p.lat,
                "iso3": p.iso3,
                "kind": p.kind,
                "aliases": "|".join(p.aliases),
                "source": p.source,
            }
            for p in self
        ]
        return pd.DataFrame(rows, columns=["name", "lon", "lat", "iso3", "kind", "aliases", "source"])

    def search(self, query: str) -> pd.DataFrame:
        """Places whose name or alias contains ``query`` (case/diacritics ignored)."""
        q = normalize_name(query)
        df = self.to_frame()
        hit = [q in normalize_name(n) or q in normalize_name(a) for n, a in zip(df["name"], df["aliases"])]
        return df[hit].reset_index(drop=True)


def _places_from_frame(df: pd.DataFrame, *, where: str) -> list[Place]:
    missing = {"name", "lon", "lat"} - set(df.columns)
    if missing:
        msg = (
            f"{where}: missing column(s) {sorted(missing)}; a places table needs "
            "`name`, `lon`, `lat` (and optionally `iso3`, `kind`, `aliases`, `source`)."
        )
        raise ValueError(msg)
    out = []
    for i, row in enumerate(df.to_dict("records")):
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except (TypeError, ValueError) as exc:
            raise GeometryError(f"{where}, row {i + 1}: `lon`/`lat` must be numbers.") from exc
        aliases = row.get("aliases")
        al = tuple(a.strip() for a in str(aliases).split("|") if a.strip()) if isinstance(aliases, str) else ()
        out.append(
            Place(
                name=str(row["name"]),
                lon=lon,
                lat=lat,
                iso3=str(row.get("iso3") or ""),
                kind=str(row.get("kind") or "place"),
                aliases=al,
                source=str(row.get("source") or ""),
            )
        )
    return out


_BUILTIN: Gazetteer | None = None


def builtin_gazetteer() -> Gazetteer:
    """The gazetteer in use: built-in places plus those added by the user."""
    global _BUILTIN
    if _BUILTIN is None:
        text = data_path("places.csv").read_text(encoding="utf-8")
        df = pd.DataFrame(list(csv.DictReader(io.StringIO(text))))
        _BUILTIN = Gazetteer(_places_from_frame(df, where="places.csv"))
    return _BUILTIN


def place(name: str | Place) -> Place:
    """Look up a place by name or alias, ignoring case and diacritics.

    Raises
    ------
    corridor.errors.UnknownPlaceError
        A ``LookupError`` listing the closest matches.

    Examples
    --------
    >>> place("Naxçıvan").name
    'Nakhchivan'
    >>> place("MEHRI").iso3
    'ARM'
    """
    if isinstance(name, Place):
        return name
    return builtin_gazetteer().get(name)


def places(query: str | None = None) -> pd.DataFrame:
    """All places (or those matching ``query``) as a DataFrame."""
    g = builtin_gazetteer()
    return g.to_frame() if query is None else g.search(query)


def add_places(source: str | Path | pd.DataFrame | Iterable[Place]) -> int:
    """Add places from a CSV file, a DataFrame or Place objects; returns how many.

    A table needs ``name``, ``lon``, ``lat`` columns; ``iso3``, ``kind``,
    ``aliases`` (separated by ``|``) and ``source`` are optional.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"Places file {str(path)!r} does not exist.")
        new = _places_from_frame(pd.read_csv(path, dtype={"aliases": str}), where=str(path))
    elif isinstance(source, pd.DataFrame):
        new = _places_from_frame(source, where="DataFrame")
    else:
        new = list(source)
    g = builtin_gazetteer()
    for p in new:
        g.add(p)
    return len(new)
