"""Gazetteer of places for corridor work: towns, stations, ports and border crossings.

The built-in places live in ``data/places.csv`` (shipped in the wheel); each
has ``(lon, lat)``, its country, a kind, aliases and transliterations, and a
source note.  Lookup ignores case and diacritics (``"Naxçıvan"`` finds
Nakhchivan).  :func:`add_places` adds your own for the session;
:func:`reset_places` takes them out again.
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

from ._validate import as_lonlat
from .datasets import data_path
from .errors import ColumnError, GeometryError, ParameterError, ParameterTypeError, UnknownPlaceError

__all__ = [
    "Gazetteer",
    "Place",
    "add_places",
    "builtin_gazetteer",
    "normalize_name",
    "place",
    "places",
    "reset_places",
    "resolve_named_point",
    "resolve_point",
]

_COLUMNS = ["name", "lon", "lat", "iso3", "kind", "aliases", "source"]


def normalize_name(name: str) -> str:
    """Fold case and strip diacritics and punctuation, for lookup.

    Parameters
    ----------
    name : str
        Any spelling.

    Returns
    -------
    str
        Lower-case ASCII-like key with single spaces.

    Examples
    --------
    >>> normalize_name("Naxçıvan")
    'naxcivan'
    >>> normalize_name("Iğdır")
    'igdir'
    >>> normalize_name("")
    ''
    """
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ı", "i").replace("ə", "e").replace("Ə", "e").casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


@dataclass(frozen=True)
class Place:
    """A named point: ``(lon, lat)`` in degrees (EPSG:4326) with its country.

    Parameters
    ----------
    name : str
        The usual English name.
    lon, lat : float
        Degrees, WGS84.
    iso3 : str
        The territory it lies in.
    kind : str, default "place"
        ``city``, ``town``, ``railway station``, ``border crossing``, ``port``, ...
    aliases : tuple of str
        Other spellings and transliterations.
    source : str
        Where the coordinates come from.

    Examples
    --------
    >>> Place("Meghri", 46.243, 38.903, "ARM").coords
    (46.243, 38.903)
    >>> Place("Nowhere", 38.9, 146.2, "ARM")
    Traceback (most recent call last):
    ...
    corridor.errors.GeometryError: Place 'Nowhere' has (lon, lat) = (38.9, 146.2) out of range; ...
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
    """A set of places with case- and diacritic-insensitive lookup.

    Parameters
    ----------
    places : iterable of Place
        The initial places.

    Examples
    --------
    >>> g = Gazetteer([Place("Meghri", 46.243, 38.903, "ARM", aliases=("Mehri",))])
    >>> g.get("MEHRI").name, len(g), "Kapan" in g
    ('Meghri', 1, False)
    """

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self._places: dict[str, Place] = {}
        self._index: dict[str, str] = {}
        for p in places:
            self.add(p)

    def add(self, p: Place, *, replace: bool = True) -> None:
        """Add a place (replacing one of the same name unless ``replace`` is False).

        Parameters
        ----------
        p : Place
        replace : bool, default True

        Returns
        -------
        None
        """
        if not isinstance(p, Place):
            raise ParameterTypeError(f"Gazetteer.add takes a Place, got {type(p).__name__}.")
        key = normalize_name(p.name)
        if not key:
            raise ParameterError(f"Place name {p.name!r} has no letters or digits to look it up by.")
        if key in self._places and not replace:
            raise ParameterError(f"Place {p.name!r} exists already; pass `replace=True`.")
        self._places[key] = p
        for alias in (p.name, *p.aliases):
            k = normalize_name(alias)
            # another place's own name always wins over this place's alias ("Āstārā" of
            # Astara (Iran) must not take "Astara", the Azerbaijani town)
            if k and not (k in self._places and k != key):
                self._index[k] = key
        # the exact name always wins over another place's alias
        self._index[key] = key

    def copy(self) -> Gazetteer:
        """An independent copy (adding to it leaves this one unchanged).

        Returns
        -------
        Gazetteer
        """
        g = Gazetteer()
        g._places = dict(self._places)
        g._index = dict(self._index)
        return g

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_name(name) in self._index

    def get(self, name: str) -> Place:
        """Return the place called ``name`` (or one of its aliases).

        Parameters
        ----------
        name : str

        Returns
        -------
        Place

        Raises
        ------
        corridor.errors.UnknownPlaceError
            With the closest matches.
        """
        if not isinstance(name, str):
            raise ParameterTypeError(f"A place name must be a string, got {type(name).__name__} {name!r}.")
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
        """The places as a DataFrame (one row per place).

        Returns
        -------
        pandas.DataFrame
            ``name``, ``lon``, ``lat``, ``iso3``, ``kind``, ``aliases`` (``|``-separated), ``source``.
        """
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
        return pd.DataFrame(rows, columns=_COLUMNS)

    def search(self, query: str) -> pd.DataFrame:
        """Places whose name or alias contains ``query`` (case and diacritics ignored).

        Parameters
        ----------
        query : str

        Returns
        -------
        pandas.DataFrame
            As :meth:`to_frame`.
        """
        if not isinstance(query, str):
            raise ParameterTypeError(f"`query` must be a string, got {type(query).__name__}.")
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
        raise ColumnError(msg)
    out = []
    for i, row in enumerate(df.to_dict("records")):
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except (TypeError, ValueError) as exc:
            raise GeometryError(f"{where}, row {i + 1}: `lon`/`lat` must be numbers.") from exc
        name = row["name"]
        if not isinstance(name, str) or not name.strip():
            raise ParameterError(f"{where}, row {i + 1}: `name` must be a non-empty string, got {name!r}.")
        aliases = row.get("aliases")
        al = tuple(a.strip() for a in str(aliases).split("|") if a.strip()) if isinstance(aliases, str) else ()
        iso3 = row.get("iso3")
        kind = row.get("kind")
        source = row.get("source")
        out.append(
            Place(
                name=name.strip(),
                lon=lon,
                lat=lat,
                iso3=iso3 if isinstance(iso3, str) else "",
                kind=kind if isinstance(kind, str) and kind else "place",
                aliases=al,
                source=source if isinstance(source, str) else "",
            )
        )
    return out


_BUILTIN: Gazetteer | None = None
_IN_USE: Gazetteer | None = None


def _builtin_places() -> Gazetteer:
    global _BUILTIN
    if _BUILTIN is None:
        text = data_path("places.csv").read_text(encoding="utf-8")
        df = pd.DataFrame(list(csv.DictReader(io.StringIO(text))))
        _BUILTIN = Gazetteer(_places_from_frame(df, where="places.csv"))
    return _BUILTIN


def builtin_gazetteer() -> Gazetteer:
    """The gazetteer in use: the built-in places plus those added by :func:`add_places`.

    Returns
    -------
    Gazetteer

    Examples
    --------
    >>> "Meghri" in builtin_gazetteer()
    True
    """
    global _IN_USE
    if _IN_USE is None:
        _IN_USE = _builtin_places().copy()
    return _IN_USE


def reset_places() -> None:
    """Remove every place added by :func:`add_places`: back to the built-in gazetteer.

    Returns
    -------
    None

    Examples
    --------
    >>> add_places([Place("Test Halt", 45.0, 40.0, "ARM")])
    1
    >>> reset_places()
    >>> "Test Halt" in builtin_gazetteer()
    False
    """
    global _IN_USE
    _IN_USE = None


def place(name: str | Place) -> Place:
    """Look up a place by name or alias, ignoring case and diacritics.

    Parameters
    ----------
    name : str or Place
        A name or alias (a Place is returned as it is).

    Returns
    -------
    Place

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
    >>> place("Meghrii")
    Traceback (most recent call last):
    ...
    corridor.errors.UnknownPlaceError: Unknown place 'Meghrii'. Closest matches: Meghri. ...
    """
    if isinstance(name, Place):
        return name
    return builtin_gazetteer().get(name)


def places(query: str | None = None) -> pd.DataFrame:
    """All places (or those matching ``query``) as a DataFrame.

    Parameters
    ----------
    query : str, optional
        Part of a name or alias (case and diacritics ignored).

    Returns
    -------
    pandas.DataFrame
        ``name``, ``lon``, ``lat``, ``iso3``, ``kind``, ``aliases``, ``source``.

    Examples
    --------
    >>> places("julfa")["name"].tolist()
    ['Julfa', 'Jolfa']
    >>> len(places("no such place"))
    0
    """
    g = builtin_gazetteer()
    return g.to_frame() if query is None else g.search(query)


def add_places(source: str | Path | pd.DataFrame | Iterable[Place]) -> int:
    """Add places from a CSV file, a DataFrame or Place objects, for this session.

    A table needs ``name``, ``lon``, ``lat`` columns; ``iso3``, ``kind``,
    ``aliases`` (separated by ``|``) and ``source`` are optional.  A place with
    the name of an existing one replaces it.  :func:`reset_places` undoes it.

    Parameters
    ----------
    source : path, DataFrame or iterable of Place

    Returns
    -------
    int
        How many places were added.

    Examples
    --------
    >>> add_places([Place("Nrnadzor", 46.13, 38.95, "ARM", kind="village")])
    1
    >>> place("nrnadzor").kind
    'village'
    >>> reset_places()
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"Places file {str(path)!r} does not exist.")
        try:
            table = pd.read_csv(path, dtype={"aliases": str, "name": str})
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ParameterError(f"Cannot read {str(path)!r} as a CSV table of places: {exc}") from None
        new = _places_from_frame(table, where=str(path))
    elif isinstance(source, pd.DataFrame):
        new = _places_from_frame(source, where="DataFrame")
    elif isinstance(source, Iterable) and not isinstance(source, (bytes, dict)):
        items: list[Any] = list(source)
        bad = [p for p in items if not isinstance(p, Place)]
        if bad:
            msg = (
                f"`add_places` takes a CSV path, a DataFrame or Place objects; got {type(bad[0]).__name__} {bad[0]!r}."
            )
            raise ParameterTypeError(msg)
        new = items
    else:
        msg = f"`add_places` takes a CSV path, a DataFrame or Place objects; got {type(source).__name__}."
        raise ParameterTypeError(msg)
    g = builtin_gazetteer()
    for p in new:
        g.add(p)
    return len(new)


def resolve_named_point(p: Any) -> tuple[str, float, float]:
    """``(name, lon, lat)`` of a place name, a :class:`Place`, a Point or a ``(lon, lat)`` pair.

    Points without a name are labelled ``"lon, lat"`` (4 decimals).

    Parameters
    ----------
    p : str, Place, shapely.Point or tuple of float

    Returns
    -------
    tuple of (str, float, float)

    Examples
    --------
    >>> resolve_named_point("Mehri")
    ('Meghri', 46.243, 38.903)
    >>> resolve_named_point((45.0, 40.0))
    ('45.0000, 40.0000', 45.0, 40.0)
    """
    if isinstance(p, (str, Place)):
        q = place(p)
        return q.name, q.lon, q.lat
    lon, lat = as_lonlat(p)
    return f"{lon:.4f}, {lat:.4f}", lon, lat


def resolve_point(p: Any) -> tuple[float, float]:
    """``(lon, lat)`` of a place name, a :class:`Place`, a Point or a ``(lon, lat)`` pair.

    Parameters
    ----------
    p : str, Place, shapely.Point or tuple of float

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> resolve_point("Ordubad")
    (46.023, 38.905)
    >>> resolve_point((46.0, 120.0))
    Traceback (most recent call last):
    ...
    corridor.errors.GeometryError: Latitude 120.0 of the point (46.0, 120.0) is beyond ±90°: ...
    """
    _, lon, lat = resolve_named_point(p)
    return lon, lat
