"""Regions: territories, their parts, shared borders, tripoints and adjacency.

A :class:`Region` is a clean polygonal coverage of territories (countries, or
any admin level) with everything derived from it: polygon parts (mainland,
exclaves, islands), land borders as whole geodesic-measured lines (per pair of
territories and per pair of parts), tripoints and an adjacency graph.

The built-in South Caucasus region is derived once, when the data file is
built (``data/build_region.py``), so :func:`load_region` only reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._builds import OSM_ATTRIBUTION, built_layers
from ._cache import cache_file, cache_key, digest, geometry_digest, load, store
from ._coverage import clean_coverage_then, gap_width
from ._store import read_layers, write_layers
from ._topology import derive_topology, shared_lines
from ._validate import positive_number
from .datasets import data_path, manifest, verify_checksum
from .errors import (
    ColumnError,
    CRSError,
    DataError,
    GeometryError,
    ParameterError,
    ParameterTypeError,
    UnknownTerritoryError,
)
from .geodesy import LocalProjection, length_m

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["BUILTIN_ATTRIBUTION", "WORLD_ATTRIBUTION", "Region", "load_region"]

#: Attribution to show wherever the built-in data or the world layers are shown.
BUILTIN_ATTRIBUTION = OSM_ATTRIBUTION
WORLD_ATTRIBUTION = OSM_ATTRIBUTION

#: The built-in region's file and window (min lon, min lat, max lon, max lat; see data/README.md).
BUILTIN_FILE = "caucasus_caspian.gpkg"
BUILTIN_WINDOW = (40.0, 36.0, 55.5, 47.5)


@dataclass(frozen=True, eq=False)
class Region:
    """Territories as a clean coverage, with parts, borders and tripoints.

    Build one with :func:`load_region` (the built-in region, or your own
    polygon layer); the constructor takes already derived tables.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        One row per territory: ``iso3`` (the id), ``name``, ``geometry``.
    parts : geopandas.GeoDataFrame
        One row per polygon part: ``part_id``, ``iso3``, ``kind``
        (``mainland``, ``exclave``, ``island`` or ``clipped``), ``name``,
        ``area_km2`` (geodesic), ``geometry``.
    borders : geopandas.GeoDataFrame
        One row per pair of territories sharing a land border: ``a``, ``b``
        (sorted ids), ``length_km`` (geodesic), ``geometry`` (lines).
    part_borders : geopandas.GeoDataFrame
        The same per pair of parts: ``a``, ``b`` (part ids), ``iso3_a``,
        ``iso3_b``, ``length_km``, ``geometry``.
    tripoints : geopandas.GeoDataFrame
        Points where three (or more) territories meet: ``ids`` (tuple),
        ``geometry``.
    cleaning : pandas.DataFrame
        What cleaning the coverage moved (see :func:`corridor.clean_coverage`).
    name : str
        A label.
    attribution : str
        The data credit to show on maps.
    gap_width_m : float
        The gap tolerance the cleaning used (metres).
    water : geopandas.GeoDataFrame, optional
        Water inside the territories: ``surface`` (``sea``, ``inland water`` or
        ``unclaimed land``), ``geometry``; ``None`` when the source has no water
        layer (sections then have surface ``unknown``).
    extent : shapely.Polygon, optional
        The area the data covers (see :attr:`extent_polygon`).
    accuracy_m : float, optional
        Positional accuracy of the borders (metres): the median distance from
        them to the same borders in an independent dataset (``accuracy_source``),
        sampled every 100 m.  A route closer to a border than this may lie on
        either side of it in reality; see :attr:`corridor.RouteAnalysis.uncertain_km`.
        ``None`` when unknown (your own layers, unless you pass it).
    border_accuracy : pandas.DataFrame, optional
        The same per border: ``a``, ``b``, ``samples``, ``median_m``, ``p90_m``, ``max_m``.
    accuracy_source : str
        What the borders were compared with.
    data_key : str, optional
        A stable identity of the data (the built-in file's checksum, or the cache key of a
        region built from the world layers): data derived from the region, such as the
        bands around its borders, are cached on disk under it.  ``None`` for your own
        layers (derived data are then kept in memory only).

    Examples
    --------
    >>> import corridor
    >>> region = corridor.load_region()
    >>> region.ids
    ['ARM', 'AZE', 'GEO', 'IRN', 'IRQ', 'KAZ', 'RUS', 'SYR', 'TKM', 'TUR']
    >>> region.exclaves["name"].dropna().tolist()[:2]
    ['Artsvashen', 'Nakhchivan']
    """

    countries: gpd.GeoDataFrame
    parts: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    part_borders: gpd.GeoDataFrame
    tripoints: gpd.GeoDataFrame
    cleaning: pd.DataFrame = field(default_factory=pd.DataFrame)
    name: str = "region"
    attribution: str = ""
    gap_width_m: float = 0.0
    water: gpd.GeoDataFrame | None = None
    extent: Any = None
    accuracy_m: float | None = None
    border_accuracy: pd.DataFrame | None = None
    accuracy_source: str = ""
    data_key: str | None = field(default=None, repr=False)

    @property
    def extent_polygon(self) -> Any:
        """The area the region's data covers (a polygon, lon/lat): beyond it, km are ``outside``.

        The clipping window of the built-in and of ``bbox=`` regions, the union of the
        territories of a ``countries=`` region, else the bounding box of the territories.
        """
        if self.extent is not None:
            return self.extent
        return shapely.box(*self.countries.total_bounds)

    # ------------------------------------------------------------------ ids
    @property
    def ids(self) -> list[str]:
        """Territory ids, in table order."""
        return [str(i) for i in self.countries["iso3"]]

    @property
    def recipe(self) -> dict[str, Any] | None:
        """How to load this region again, in another process: keyword arguments of :func:`load_region`.

        ``{}`` for the built-in region, the ``source``, ``bbox``, ``countries``,
        ``gap_width_m`` and ``cache`` of a region built from the world layers or
        Natural Earth (read back from the cache folder), and ``None`` for a region
        from your own layer or tables, which has no shorter description than itself.
        corridor's dask path loads a region with a recipe once on each worker instead
        of shipping it, and ships one without a recipe once per worker.

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().recipe
        {}
        >>> corridor.load_region(countries=["ARM"]).recipe["countries"]
        ['ARM']
        """
        if self is _BUILTIN_REGION:
            return {}
        recipe = _RECIPES.get(self)
        return None if recipe is None else dict(recipe)

    @cached_property
    def _aliases(self) -> dict[str, tuple[str, str]]:
        """Lower-case name → ("territory" | "part", id)."""
        out: dict[str, tuple[str, str]] = {}
        for pid, nm in zip(self.parts["part_id"], self.parts["name"]):
            if isinstance(nm, str) and nm:
                out.setdefault(nm.casefold(), ("part", str(pid)))
            out[str(pid).casefold()] = ("part", str(pid))
        for iso, nm in zip(self.countries["iso3"], self.countries["name"]):
            out[str(nm).casefold()] = ("territory", str(iso))
            out[str(iso).casefold()] = ("territory", str(iso))
        return out

    def resolve(self, id_or_name: str) -> tuple[str, str]:
        """Return ``("territory", iso3)`` or ``("part", part_id)`` for an id or name.

        Territory ids, part ids (``"AZE-2"``), territory names (``"Armenia"``)
        and part names (``"Nakhchivan"``) are accepted, ignoring case.

        Parameters
        ----------
        id_or_name : str

        Returns
        -------
        tuple of (str, str)

        Raises
        ------
        corridor.errors.UnknownTerritoryError
            Listing the territory ids.

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().resolve("nakhchivan")
        ('part', 'AZE-2')
        >>> corridor.load_region().resolve("Atlantis")
        Traceback (most recent call last):
        ...
        corridor.errors.UnknownTerritoryError: Unknown territory or part 'Atlantis'. Territories: ...
        """
        if not isinstance(id_or_name, str):
            msg = f"A territory or part id must be a string, got {type(id_or_name).__name__} {id_or_name!r}."
            raise ParameterTypeError(msg)
        key = id_or_name.casefold()
        if key in self._aliases:
            return self._aliases[key]
        msg = (
            f"Unknown territory or part {id_or_name!r}. Territories: {', '.join(self.ids)}; "
            "parts are listed in `region.parts` (for example "
            f"{', '.join(map(str, self.parts['part_id'][:3]))})."
        )
        raise UnknownTerritoryError(msg)

    def geometry_of(self, id_or_name: str) -> Any:
        """The (multi)polygon of a territory or part, in EPSG:4326.

        Parameters
        ----------
        id_or_name : str

        Returns
        -------
        shapely.Polygon or shapely.MultiPolygon

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().geometry_of("Nakhchivan").geom_type
        'Polygon'
        """
        kind, key = self.resolve(id_or_name)
        if kind == "territory":
            return self.countries.geometry[self.countries["iso3"] == key].iloc[0]
        return self.parts.geometry[self.parts["part_id"] == key].iloc[0]

    def iso3_of(self, id_or_name: str) -> str:
        """The territory id of a territory or part.

        Parameters
        ----------
        id_or_name : str

        Returns
        -------
        str

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().iso3_of("Nakhchivan")
        'AZE'
        """
        kind, key = self.resolve(id_or_name)
        if kind == "territory":
            return key
        return str(self.parts.loc[self.parts["part_id"] == key, "iso3"].iloc[0])

    # ------------------------------------------------------------ adjacency
    def neighbours(self, id_or_name: str) -> list[str]:
        """Sorted ids of the territories (or parts) sharing a land border.

        For a territory, neighbouring territories; for a part, neighbouring
        parts.

        Parameters
        ----------
        id_or_name : str

        Returns
        -------
        list of str

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().neighbours("ARM")
        ['AZE', 'GEO', 'IRN', 'TUR']
        >>> corridor.load_region().neighbours("Nakhchivan")
        ['ARM-1', 'IRN-1', 'TUR-1']
        """
        kind, key = self.resolve(id_or_name)
        table = self.borders if kind == "territory" else self.part_borders
        a, b = table["a"].astype(str), table["b"].astype(str)
        return sorted(set(b[a == key]) | set(a[b == key]))

    @cached_property
    def adjacency(self) -> nx.Graph:
        """Territory adjacency as a networkx Graph; edge attribute ``length_km``."""
        import networkx as nx

        g = nx.Graph()
        for iso, nm in zip(self.countries["iso3"], self.countries["name"]):
            g.add_node(str(iso), name=str(nm))
        for a, b, length in zip(self.borders["a"], self.borders["b"], self.borders["length_km"]):
            g.add_edge(str(a), str(b), length_km=float(length))
        return g

    @cached_property
    def part_adjacency(self) -> nx.Graph:
        """Part adjacency as a networkx Graph; edge attribute ``length_km``."""
        import networkx as nx

        g = nx.Graph()
        for pid, iso, kind in zip(self.parts["part_id"], self.parts["iso3"], self.parts["kind"]):
            g.add_node(str(pid), iso3=str(iso), kind=str(kind))
        for a, b, length in zip(self.part_borders["a"], self.part_borders["b"], self.part_borders["length_km"]):
            g.add_edge(str(a), str(b), length_km=float(length))
        return g

    def border(self, a: str, b: str) -> Any:
        """The shared border of two territories or parts, as (multi)lines.

        Parameters
        ----------
        a, b : str
            Territory or part ids or names.

        Returns
        -------
        shapely.MultiLineString
            Empty if they do not touch.

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().border("ARM", "IRN").geom_type
        'MultiLineString'
        >>> corridor.load_region().border("ARM", "RUS").is_empty
        True
        """
        ka, ia = self.resolve(a)
        kb, ib = self.resolve(b)
        if ka == kb == "territory":
            table = self.borders
            x, y = sorted((ia, ib))
            hit = table[(table["a"] == x) & (table["b"] == y)]
            return hit.geometry.iloc[0] if len(hit) else shapely.MultiLineString()
        ga, gb = self.geometry_of(a), self.geometry_of(b)
        return shared_lines(ga, gb)

    def border_length_km(self, a: str, b: str, *, at_sea: bool = True) -> float:
        """Geodesic length on WGS84 of the border shared by ``a`` and ``b``, in km.

        Parameters
        ----------
        a, b : str
            Territory or part ids or names.
        at_sea : bool, default True
            Count the stretches at sea (between two states' sea waters); ``False``
            gives the land boundary as atlases and the CIA World Factbook report it
            (rivers and lakes included).

        Returns
        -------
        float
            0 if they do not touch.

        Examples
        --------
        >>> import corridor
        >>> region = corridor.load_region()
        >>> round(region.border_length_km("AZE", "IRN"), 1)
        755.2
        >>> round(region.border_length_km("AZE", "IRN", at_sea=False), 1)
        725.9
        >>> region.border_length_km("GEO", "IRN")
        0.0
        """
        lines = self.border(a, b)
        if not at_sea and self.water is not None:
            sea = self.water.geometry[self.water["surface"] == "sea"]
            if len(sea):
                lines = shapely.difference(lines, sea.iloc[0])
        return float(length_m(lines)) / 1000.0

    def border_km_by_surface(self, a: str, b: str) -> dict[str, float]:
        """Geodesic km of the ``a``–``b`` border on land, through inland water and at sea.

        A river border counts as land where the river is a line in the data and
        as inland water where it is drawn as a polygon (reservoirs, wide reaches).

        Parameters
        ----------
        a, b : str
            Territory or part ids or names.

        Returns
        -------
        dict of str to float
            ``{"land": km, "inland water": km, "sea": km}``; all 0 if they do not touch.

        Examples
        --------
        >>> import corridor
        >>> km = corridor.load_region().border_km_by_surface("Nakhchivan", "IRN")
        >>> {k: round(v, 1) for k, v in km.items()}  # the Aras reservoir
        {'land': 190.3, 'inland water': 32.8, 'sea': 0.0}
        """
        lines = self.border(a, b)
        total = float(length_m(lines)) / 1000.0
        out = {"land": total, "inland water": 0.0, "sea": 0.0}
        if self.water is not None:
            for surface, geom in zip(self.water["surface"], self.water.geometry):
                if surface in out and surface != "land":
                    out[surface] = float(length_m(shapely.intersection(lines, geom))) / 1000.0
            out["land"] = max(total - out["inland water"] - out["sea"], 0.0)
        return out

    def touches(self, a: str, b: str) -> bool:
        """Whether two territories or parts share a land border (not just a point).

        Parameters
        ----------
        a, b : str
            Territory or part ids or names.

        Returns
        -------
        bool

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().touches("Nakhchivan", "TUR")
        True
        >>> corridor.load_region().touches("Nakhchivan", "AZE-1")
        False
        """
        return self.border_length_km(a, b) > 0

    def between(self, a: str, b: str) -> list[str]:
        """Territories crossed by the shortest line from ``a`` to ``b``.

        For two parts of one country that do not touch, this says which
        countries lie between them (Nakhchivan and mainland Azerbaijan:
        Armenia).  Empty if ``a`` and ``b`` touch.

        Parameters
        ----------
        a, b : str
            Territory or part ids or names.

        Returns
        -------
        list of str
            Territory ids in order along the shortest line.

        Examples
        --------
        >>> import corridor
        >>> corridor.load_region().between("Nakhchivan", "AZE-1")
        ['ARM']
        >>> corridor.load_region().between("ARM", "AZE")
        []
        """
        ga, gb = self.geometry_of(a), self.geometry_of(b)
        if shapely.intersects(ga, gb):
            return []
        proj = LocalProjection(shapely.union(ga, gb))
        line = proj.to_lonlat(shapely.shortest_line(proj.to_local(ga), proj.to_local(gb)))
        # the territories whose interior the line passes through, ordered along it
        hits = []
        for iso, geom in zip(self.countries["iso3"], self.countries.geometry):
            inside = shapely.intersection(line, geom)
            if float(length_m(inside)) > 1.0:
                centre = shapely.line_locate_point(line, shapely.centroid(inside))
                hits.append((centre, str(iso)))
        ends = {self.iso3_of(a), self.iso3_of(b)}
        return [iso for _, iso in sorted(hits) if iso not in ends]

    @property
    def regimes(self) -> pd.DataFrame:
        """Who guards the region's borders under what arrangement since when (facts with sources).

        The rows of :func:`corridor.border_regimes` whose territories are all in the
        region: border guards, monitoring missions, corridor arrangements, closures.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> r = load_region()
        >>> t = r.regimes.set_index("id")
        >>> t.loc["arm-aze-euma", ["kind", "since"]].tolist()
        ['monitoring mission', '2023-02-20']
        """
        from .crossings import border_regimes

        return border_regimes(ids=self.ids)

    @property
    def exclaves(self) -> gpd.GeoDataFrame:
        """Parts of kind ``exclave`` (as :attr:`parts`)."""
        return self.parts[self.parts["kind"] == "exclave"].reset_index(drop=True)

    # -------------------------------------------------------------- display
    def __repr__(self) -> str:
        return (
            f"<Region {self.name!r}: {len(self.countries)} territories, {len(self.parts)} parts, "
            f"{len(self.borders)} borders, {len(self.tripoints)} tripoints>"
        )

    def border_table(self) -> pd.DataFrame:
        """Borders as a plain table: ``a``, ``b``, names, ``length_km`` and the km at sea.

        Returns
        -------
        pandas.DataFrame
            ``a``, ``b``, ``name_a``, ``name_b``, ``length_km`` (geodesic, 0.1 km),
            ``land_km``, ``inland_water_km`` (lakes, reservoirs and rivers drawn
            as polygons) and ``sea_km`` (between two states' sea waters), when the
            region has a water layer.

        Examples
        --------
        >>> import corridor
        >>> t = corridor.load_region().border_table()
        >>> t[(t.a == "AZE") & (t.b == "IRN")][["length_km", "land_km", "inland_water_km", "sea_km"]].values.tolist()
        [[755.2, 684.0, 41.9, 29.2]]
        """
        names = dict(zip(self.countries["iso3"], self.countries["name"]))
        df = pd.DataFrame(
            {
                "a": self.borders["a"].astype(str),
                "b": self.borders["b"].astype(str),
                "name_a": [names.get(x, x) for x in self.borders["a"]],
                "name_b": [names.get(x, x) for x in self.borders["b"]],
                "length_km": self.borders["length_km"].astype(float).round(1),
            }
        )
        for col in ("land_km", "inland_water_km", "sea_km"):
            if col in self.borders.columns:
                df[col] = self.borders[col].astype(float).round(1).to_numpy()
        return df.sort_values(["a", "b"]).reset_index(drop=True)

    def _repr_html_(self) -> str:
        from html import escape

        head = f"<p><b>Region {escape(self.name)}</b> — {escape(self.attribution)}</p>"
        return head + self.border_table().to_html(index=False, escape=True)

    def explore(self, **kwargs: Any) -> Any:
        """Interactive map of the region (see :func:`corridor.make_map`).

        Parameters
        ----------
        **kwargs
            Passed to :func:`corridor.make_map`.

        Returns
        -------
        folium.Map
        """
        from .maps import make_map

        return make_map(region=self, **kwargs)


# ---------------------------------------------------------------------------
# loading


def _region_from_layers(layers: dict[str, Any], meta: dict[str, Any], **overrides: Any) -> Region:
    """A Region from stored layers; name, attribution, gap width and accuracy from ``meta``."""
    acc = meta.get("accuracy_m")
    kwargs: dict[str, Any] = {
        "name": str(meta.get("name", "region")),
        "attribution": str(meta.get("attribution", "")),
        "gap_width_m": float(meta.get("gap_width_m", 0.0)),
        "accuracy_m": None if acc is None else float(acc),
        "accuracy_source": str(meta.get("accuracy_source", "")),
    }
    kwargs.update(overrides)
    return Region(
        countries=layers["countries"],
        parts=layers["parts"],
        borders=layers["borders"],
        part_borders=layers["part_borders"],
        tripoints=layers["tripoints"],
        cleaning=layers["cleaning"],
        water=layers.get("water"),
        extent=layers.get("extent"),
        border_accuracy=layers.get("accuracy"),
        **kwargs,
    )


def _read_builtin() -> Region:
    path = data_path(BUILTIN_FILE)
    verify_checksum(path)
    layers, meta = read_layers(path)
    key = manifest()[BUILTIN_FILE]["sha256"]
    return _region_from_layers(layers, meta, attribution=BUILTIN_ATTRIBUTION, data_key=key)


_BUILTIN_REGION: Region | None = None


def load_region(
    source: str | Path | gpd.GeoDataFrame | None = None,
    *,
    bbox: Sequence[float] | None = None,
    countries: Sequence[str] | None = None,
    id_column: str | None = None,
    name_column: str | None = None,
    clean: bool = True,
    gap_width_m: float = 1000.0,
    layer: str | int | None = None,
    attribution: str = "",
    repair: bool = False,
    cache: bool = True,
    accuracy_m: float | None = None,
) -> Region:
    """The built-in region, a region anywhere on Earth, or one built from your own polygon layer.

    Parameters
    ----------
    source : path, GeoDataFrame or {"world", "naturalearth"}, optional
        Your own polygon layer: any layer GDAL reads, or a GeoDataFrame, at any
        admin level and in any CRS (reprojected to EPSG:4326).  Omit it for the
        built-in region or for ``bbox`` / ``countries`` from the shipped
        OpenStreetMap world layers (``"world"``).  ``"naturalearth"`` builds the
        region from Natural Earth 10m instead (public domain, land only, an
        independent second source for a sensitivity check; without ``bbox`` or
        ``countries``, the built-in window).
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Build a region from the shipped world layers: every territory in the box,
        clipped to it (``min_lon > max_lon`` crosses the antimeridian).  Offline;
        cached after the first build.
    countries : sequence of str, optional
        ISO 3166-1 alpha-3 codes of the territories to build a region of (whole,
        or clipped to ``bbox`` if both are given).  Beyond them is outside the data.
    id_column, name_column : str
        With your own layer: the column of territory ids (rows that share an id
        are merged) and, optionally, of display names (default: the ids).
    clean : bool, default True
        Make the layer a clean coverage (see :func:`corridor.clean_coverage`).
    gap_width_m : float, default 1000
        Gaps narrower than this between territories are split between them.
    layer : str or int, optional
        Layer to read from a multi-layer file.
    attribution : str
        Data credit to show on maps.
    repair : bool, default False
        Fix invalid polygons with ``shapely.make_valid`` instead of raising
        :class:`~corridor.errors.GeometryError`.
    cache : bool, default True
        Keep a region built from the world layers, or cleaned from your own layer, in corridor's
        cache folder (:func:`corridor.datasets.cache_dir`); a changed layer is cleaned again.
    accuracy_m : float, optional
        With your own layer: its positional accuracy (m), if known (:attr:`Region.accuracy_m`).

    Returns
    -------
    Region

    Raises
    ------
    corridor.errors.ParameterError
        ``id_column`` missing, polygons without an id, a bad ``bbox``, or
        ``source`` together with ``bbox``/``countries``.
    corridor.errors.UnknownTerritoryError
        A code in ``countries`` that the world layers do not have.
    corridor.errors.CRSError
        The layer has no CRS.
    corridor.errors.GeometryError
        No polygons, other geometry types, or invalid polygons (without ``repair``).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> load_region().name
    'South Caucasus and Caspian (built-in)'
    >>> load_region(countries=["ARM"]).neighbours("ARM")
    []
    >>> two = gpd.GeoDataFrame({"id": ["A", "B"]}, crs=4326,
    ...     geometry=[shapely.box(45, 40, 45.1, 40.1), shapely.box(45.1, 40, 45.2, 40.1)])
    >>> load_region(two, id_column="id").neighbours("A")
    ['B']
    >>> load_region(two)
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Pass `id_column=` naming the column of territory ids; GeoDataFrame has: ['id'].
    """
    global _BUILTIN_REGION
    gap_width_m = gap_width(gap_width_m)
    named = isinstance(source, str) and source in ("world", "naturalearth")
    if source is not None and not named and (bbox is not None or countries is not None):
        raise ParameterError("Give either `source` (your own layer) or `bbox`/`countries` (the world layers).")
    if named or bbox is not None or countries is not None:
        return _recipe_built(str(source) if named else "world", bbox, countries, gap_width_m=gap_width_m, cache=cache)
    if source is None:
        if _BUILTIN_REGION is None:
            _BUILTIN_REGION = _read_builtin()
        return _BUILTIN_REGION
    opts: dict[str, Any] = {"id_column": id_column, "name_column": name_column, "layer": layer}
    opts.update(attribution=attribution, accuracy_m=accuracy_m, cache=cache)
    return _from_layer(source, clean=clean, gap_width_m=gap_width_m, repair=repair, **opts)


#: The load_region arguments of each region built on request (:attr:`Region.recipe`).
_RECIPES: WeakKeyDictionary[Region, dict[str, Any]] = WeakKeyDictionary()


def _recipe_built(source: str, bbox: Any, countries: Any, *, gap_width_m: float, cache: bool) -> Region:
    """:func:`_built`, remembering the load_region arguments that build the region again (:attr:`Region.recipe`)."""
    region = _built(source, bbox, countries, gap_width_m=gap_width_m, cache=cache)
    ids = None if countries is None else [countries] if isinstance(countries, str) else [str(c) for c in countries]
    box = None if bbox is None else tuple(float(v) for v in bbox)
    _RECIPES[region] = {"source": source, "bbox": box, "countries": ids, "gap_width_m": gap_width_m, "cache": cache}
    return region


def _built(source: str, bbox: Any, countries: Any, *, gap_width_m: float, cache: bool) -> Region:
    """A region built on request from the world layers or Natural Earth."""
    if source == "naturalearth" and bbox is None and countries is None:
        bbox = BUILTIN_WINDOW  # the built-in region's window, from the other source
    from ._builds import built_key

    layers, meta = built_layers(bbox, countries, source=source, gap_width_m=gap_width_m, cache=cache)
    key = built_key(bbox, countries, source=source, gap_width_m=gap_width_m)
    return _region_from_layers(layers, meta, data_key=key)


def _from_layer(
    source: str | Path | gpd.GeoDataFrame,
    *,
    id_column: str | None,
    name_column: str | None,
    clean: bool,
    gap_width_m: float,
    layer: str | int | None,
    attribution: str,
    repair: bool,
    accuracy_m: float | None = None,
    cache: bool = True,
) -> Region:
    """A region from the user's own polygon layer (a cleaned one kept in the cache folder)."""
    gdf, where = _read_layer(source, layer)
    opts: dict[str, Any] = {"id_column": id_column, "name_column": name_column, "repair": repair}
    key = _layer_key(gdf, clean=clean, gap_width_m=gap_width_m, **opts) if cache and clean else None
    path = cache_file("userregion", key, ".gpkg") if key is not None else None
    hit = load(path, _read_cached_layers)
    if hit is not None:
        layers = hit
    else:
        layers = _layer_layers(gdf, where, clean=clean, gap_width_m=gap_width_m, **opts)
        meta = {"built_from": "user layer", "columns": _columns(layers)}
        store(path, lambda tmp: write_layers(tmp, {**layers, "extent": None}, meta))
    return Region(
        countries=layers["countries"],
        parts=layers["parts"],
        borders=layers["borders"],
        part_borders=layers["part_borders"],
        tripoints=layers["tripoints"],
        cleaning=layers["cleaning"],
        name=where,
        attribution=attribution,
        gap_width_m=gap_width_m if clean else 0.0,
        accuracy_m=None if accuracy_m is None else positive_number(accuracy_m, "accuracy_m", unit="metres"),
        accuracy_source="stated by the user" if accuracy_m is not None else "",
    )


def _layer_layers(
    gdf: gpd.GeoDataFrame,
    where: str,
    *,
    id_column: str | None,
    name_column: str | None,
    clean: bool,
    gap_width_m: float,
    repair: bool,
) -> dict[str, Any]:
    """The layers of a region from a user's layer: checked, dissolved by id, cleaned, derived."""
    gdf = _checked_layer(gdf, where, id_column=id_column, name_column=name_column, repair=repair)
    assert id_column is not None  # checked above
    names = (
        gdf.groupby(id_column)[name_column].first()
        if name_column is not None
        else pd.Series({i: i for i in gdf[id_column].unique()})
    )
    diss = gdf[[id_column, gdf.geometry.name]].dissolve(by=id_column)
    ids = [str(i) for i in diss.index]
    geoms = np.asarray(diss.geometry.values, dtype=object)

    def derived(geoms: np.ndarray) -> dict[str, Any]:
        countries = gpd.GeoDataFrame(
            {"iso3": ids, "name": [str(names.get(i, i)) for i in ids]},
            geometry=list(geoms),
            crs="EPSG:4326",
        )
        return {"countries": countries, **derive_topology(countries, cleaned=clean)}

    if clean:  # (clean_coverage makes the polygons valid itself; the topology runs beside its report)
        _, report, layers = clean_coverage_then(geoms, ids, derived, gap_width_m=gap_width_m)
    else:
        report = pd.DataFrame(columns=["kind", "between", "assigned_to", "area_km2"])
        layers = derived(shapely.make_valid(geoms))
    return {"countries": layers.pop("countries"), "cleaning": report, **layers}


_TABLES = ("countries", "parts", "borders", "part_borders", "tripoints", "cleaning")


def _columns(layers: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Each table's columns and their dtypes, to restore what a GeoPackage does not keep."""
    return {t: [[str(c), str(layers[t][c].dtype)] for c in layers[t].columns] for t in _TABLES}


def _read_cached_layers(path: Path) -> dict[str, Any]:
    """A cached user region's layers, with the column order and dtypes they were built with."""
    layers, meta = read_layers(path)
    for t, cols in meta["columns"].items():
        frame = layers[t][[c for c, _ in cols]].copy()
        for c, dtype in cols:
            if c != "geometry" and str(frame[c].dtype) != dtype:
                frame[c] = frame[c].astype(dtype)
        layers[t] = frame
    return layers


#: Bump when the layers cached for a user's layer change for the same input.
_LAYER_SCHEMA = 1


def _layer_key(
    gdf: gpd.GeoDataFrame,
    *,
    id_column: str | None,
    name_column: str | None,
    clean: bool,
    gap_width_m: float,
    repair: bool,
) -> str | None:
    """A key of a user's layer as read (geometry WKB, ids, names, CRS) and the parameters; ``None`` if not keyable."""
    if id_column not in gdf.columns or (name_column is not None and name_column not in gdf.columns):
        return None  # refused later, with the message
    if gdf.crs is None:
        return None
    cols = [gdf[id_column]] + ([gdf[name_column]] if name_column is not None else [])
    return cache_key(
        kind="userregion",
        schema=_LAYER_SCHEMA,
        geometry=geometry_digest(np.asarray(gdf.geometry.values, dtype=object)),
        columns=digest("\x1f".join(map(str, col.tolist())) for col in cols),
        named=name_column is not None,
        crs=gdf.crs.to_wkt(),
        clean=clean,
        gap_width_m=float(gap_width_m),
        repair=repair,
    )


def _read_layer(source: str | Path | gpd.GeoDataFrame, layer: str | int | None) -> tuple[gpd.GeoDataFrame, str]:
    """The user's polygon layer and a label for messages."""
    if isinstance(source, gpd.GeoDataFrame):
        return source.copy(), "GeoDataFrame"
    if not isinstance(source, (str, Path)):
        msg = f"`source` must be a file path or a GeoDataFrame, got {type(source).__name__}."
        raise ParameterTypeError(msg)
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"Region file {str(path)!r} does not exist.")
    try:
        gdf = gpd.read_file(path, layer=layer) if layer is not None else gpd.read_file(path)
    except Exception as exc:  # GDAL reports many kinds of trouble; say which file
        raise DataError(f"Cannot read {str(path)!r} as a polygon layer: {exc}") from exc
    return gdf, str(path)


def _checked_layer(
    gdf: gpd.GeoDataFrame,
    where: str,
    *,
    id_column: str | None,
    name_column: str | None,
    repair: bool,
) -> gpd.GeoDataFrame:
    """The layer checked (ids, CRS, polygon types, validity) and in EPSG:4326."""
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    if id_column is None:
        raise ParameterError(f"Pass `id_column=` naming the column of territory ids; {where} has: {cols}.")
    if id_column not in gdf.columns:
        raise ColumnError(f"`id_column` {id_column!r} is not a column of {where}; columns: {cols}.")
    if name_column is not None and name_column not in gdf.columns:
        raise ColumnError(f"`name_column` {name_column!r} is not a column of {where}; columns: {cols}.")
    if gdf.crs is None:
        msg = (
            f"{where} has no CRS. Set it first, for example "
            "`gdf = gdf.set_crs('EPSG:4326')` if the coordinates are (lon, lat) degrees."
        )
        raise CRSError(msg)
    gdf = gdf[~(gdf.geometry.is_empty | gdf.geometry.isna())]
    types = set(gdf.geom_type)
    if not types <= {"Polygon", "MultiPolygon"}:
        raise GeometryError(f"{where}: a region needs polygons, found {sorted(types)}.")
    if len(gdf) == 0:
        raise GeometryError(f"{where}: no polygons to build a region from.")
    missing_ids = gdf[id_column].isna() | (gdf[id_column].astype(str).str.strip() == "")
    if missing_ids.any():
        msg = (
            f"{where}: {int(missing_ids.sum())} polygon(s) have no `{id_column}`; give every "
            "territory an id (or drop those rows) so that nothing is silently left out."
        )
        raise ParameterError(msg)
    if not gdf.crs.is_geographic:
        # densify straight edges before reprojecting, so that shared edges with
        # different vertices (T-junctions) stay within centimetres of each other
        gdf = gdf.set_geometry(shapely.segmentize(np.asarray(gdf.geometry.values, dtype=object), 100.0))
    gdf = gdf.to_crs("EPSG:4326")
    gdf[id_column] = gdf[id_column].astype(str)
    invalid = ~shapely.is_valid(np.asarray(gdf.geometry.values, dtype=object))
    if invalid.any():
        if not repair:
            bad = gdf[invalid]
            reasons = [
                f"{i}: {shapely.is_valid_reason(g)}"
                for i, g in zip(bad[id_column].tolist()[:5], bad.geometry.tolist()[:5])
            ]
            more = f" and {int(invalid.sum()) - 5} more" if invalid.sum() > 5 else ""
            msg = (
                f"{where}: {int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} "
                f"({'; '.join(reasons)}{more}). Pass `repair=True` to fix them with "
                "shapely.make_valid, or fix the layer first."
            )
            raise GeometryError(msg)
        gdf = gdf.set_geometry(shapely.make_valid(np.asarray(gdf.geometry.values, dtype=object)))
    return gdf
