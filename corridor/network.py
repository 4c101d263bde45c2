"""OpenStreetMap road and rail networks: download, read, time, and tag against a region.

Networks are osmnx graphs: a :class:`networkx.MultiDiGraph` with node
attributes ``x`` (lon) and ``y`` (lat) in EPSG:4326 and an edge attribute
``length`` in metres (osmnx's great-circle length), with the edge shape in
``geometry`` where the edge is not straight.  Download one with
:func:`network_from_place`, :func:`network_from_bbox` or
:func:`network_from_region` (these download, through osmnx and its cache),
or read one offline with :func:`read_network` (``.osm.pbf`` extracts,
``.osm``, ``.osm.bz2``, ``.graphml``).  :func:`tag_edges` and :func:`border_crossings` measure a
network against a region with the measurement engine; routing on a network
is in :mod:`corridor.routing`.

osmnx is imported inside the functions that need it, so ``import corridor``
does not import it.

Examples
--------
A three-node road graph in osmnx's form, straight edges between gazetteer
points (the docstring examples of this module and :mod:`corridor.routing`
call it ``meghri_norduz()``):

>>> import networkx as nx
>>> import corridor
>>> G = nx.MultiDiGraph(crs="EPSG:4326")
>>> for name in ("Meghri", "Agarak", "Norduz"):
...     p = corridor.place(name)
...     G.add_node(name, x=p.lon, y=p.lat)
>>> for u, v in (("Meghri", "Agarak"), ("Agarak", "Norduz")):
...     length = corridor.distance_km(u, v) * 1000
...     _ = G.add_edge(u, v, highway="primary", length=length, name=f"{u}–{v}")
...     _ = G.add_edge(v, u, highway="primary", length=length, name=f"{v}–{u}")
>>> border_crossings(G)[["from_iso3", "to_iso3", "name"]].values.tolist()
[['ARM', 'IRN', 'Agarak–Norduz']]
"""

from __future__ import annotations

import bz2
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from . import _engine
from ._compat import keyword_only_after
from ._download import Budget, check_area, download, import_osmnx, osmnx_settings
from ._files import open_input
from ._graph import edges_of, label, point_at_m
from ._pbf import DEFAULT_MAX_PBF_NODES, OsmSettings, graph_from_ways, read_pbf_ways
from ._validate import count, one_of
from ._xml import DEFAULT_MAX_XML_BYTES, OSMCheck, RootCheck, open_maybe_bz2, scan_xml
from .errors import DataError, DownloadError, GeometryError, ParameterError, ParameterTypeError, UnknownPlaceError
from .geodesy import LocalProjection
from .measure import DEFAULT_SPEEDS_KMH, territory_km

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx

    from .region import Region

__all__ = [
    "KINDS",
    "MAX_AREA_KM2",
    "NETWORK_TYPES",
    "RAIL_FILTER",
    "TIMEOUT_S",
    "add_travel_times",
    "border_crossings",
    "network_from_bbox",
    "network_from_place",
    "network_from_region",
    "read_network",
    "tag_edges",
]

#: Overpass filter for railways (osmnx has no rail network type).
RAIL_FILTER = '["railway"~"^(rail|light_rail|narrow_gauge)$"]'

#: Network types: osmnx's road types plus ``"rail"``.
NETWORK_TYPES = ("drive", "drive_service", "walk", "bike", "all", "all_public", "rail")

#: What :func:`read_network` keeps: each ``kind`` and the way keys it reads.
KINDS = {"all": ("highway", "railway"), "road": ("highway",), "rail": ("railway",)}

#: Default largest area (km², geodesic area of the bounding box) to download.
MAX_AREA_KM2 = 20_000.0

#: Default deadline of a download function (seconds): every request, pause and retry included.
TIMEOUT_S = 60.0


_ROAD_KMH_FALLBACK = DEFAULT_SPEEDS_KMH[("road", "existing")]
_RAIL_KMH_FALLBACK = DEFAULT_SPEEDS_KMH[("rail", "existing")]


# ---------------------------------------------------------------------------
# downloading


def _filter_kwargs(network_type: str, custom_filter: str | None) -> dict[str, Any]:
    if custom_filter is not None:
        return {"network_type": "all", "custom_filter": custom_filter}
    if network_type not in NETWORK_TYPES:
        raise ParameterError(f"`network_type` must be one of {NETWORK_TYPES}, got {network_type!r}.")
    if network_type == "rail":
        return {"network_type": "all", "custom_filter": RAIL_FILTER}
    return {"network_type": network_type}


def network_from_bbox(
    bbox: Sequence[float],
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    simplify: bool = True,
    retain_all: bool = False,
    max_area_km2: float = MAX_AREA_KM2,
    timeout_s: float = TIMEOUT_S,
    retries: int = 1,
    cache_folder: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Download the road or rail network inside a bounding box from OpenStreetMap.

    Parameters
    ----------
    bbox : (west, south, east, north)
        Degrees, ``(lon, lat)`` order as everywhere in corridor.
    network_type : str, default "drive"
        An osmnx network type, or ``"rail"`` (railways through an Overpass
        filter, :data:`RAIL_FILTER`).  See :data:`NETWORK_TYPES`.
    custom_filter : str, optional
        An Overpass filter such as ``'["highway"~"motorway|trunk"]'``;
        overrides ``network_type``.
    simplify, retain_all
        As in osmnx.
    max_area_km2 : float
        Refuse (``ValueError``, before any download) a bounding box whose
        geodesic area on WGS84 exceeds this, in km².
    timeout_s : float, default 60
        Deadline of the whole call, in seconds (finite, > 0): every request,
        pause and retry included.  By then the call has returned or raised
        :class:`~corridor.errors.DownloadError`.  Also Overpass's own
        ``[timeout:]`` for the query.
    retries : int, default 1
        Extra attempts after a failure that may pass (no connection, a
        timeout, HTTP 429 or 5xx, an answer that is not JSON), each after the
        wait the server asks for (or 1, 2, 4, ... s) if it fits before the
        deadline.
    cache_folder : path, optional
        osmnx's response cache (default: osmnx's setting, ``./cache``).  An
        answer found there is used without asking the server; a corrupt
        cache file is removed and asked for again.

    Returns
    -------
    networkx.MultiDiGraph
        An osmnx graph (``x``/``y`` on nodes, ``length`` in metres on edges).

    Raises
    ------
    corridor.errors.DownloadError
        No internet, the deadline passed, the server refused or answered
        garbage (after ``retries``), or no network in the area.

    Examples
    --------
    >>> G = network_from_bbox((46.22, 38.89, 46.27, 38.92))  # doctest: +SKIP
    >>> network_from_bbox((38.0, 36.0, 52.0, 44.0))  # refused before any download
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: The area of the bounding box (38.0, 36.0, 52.0, 44.0) is about ...
    """
    budget = Budget(timeout_s, retries)
    what = f"the bounding box {tuple(bbox)}"
    check_area(bbox, max_area_km2, what)  # validates the box before it is built
    return _network_from_polygon(
        shapely.box(*(float(v) for v in bbox)),
        what=what,
        network_type=network_type,
        custom_filter=custom_filter,
        simplify=simplify,
        retain_all=retain_all,
        max_area_km2=max_area_km2,
        budget=budget,
        cache_folder=cache_folder,
    )


def _network_from_polygon(
    polygon: Any,
    *,
    what: str,
    network_type: str,
    custom_filter: str | None,
    simplify: bool,
    retain_all: bool,
    max_area_km2: float,
    budget: Budget,
    cache_folder: str | Path | None,
) -> nx.MultiDiGraph:
    check_area(polygon.bounds, max_area_km2, what)
    kw = _filter_kwargs(network_type, custom_filter)

    def call(ox: Any) -> Any:
        return ox.graph_from_polygon(polygon, simplify=simplify, retain_all=retain_all, **kw)

    def empty(exc: Exception) -> DownloadError:
        msg = (
            f"OpenStreetMap returned no network for {what}: check the area and "
            f"`network_type`, or load a file with `corridor.read_network(path)`. ({exc})"
        )
        return DownloadError(msg)

    with osmnx_settings(cache_folder=cache_folder):
        return download(call, what=f"the network for {what}", budget=budget, service="Overpass", on_empty=empty)


def network_from_place(
    query: str,
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    simplify: bool = True,
    retain_all: bool = False,
    max_area_km2: float = MAX_AREA_KM2,
    timeout_s: float = TIMEOUT_S,
    retries: int = 1,
    cache_folder: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Download the network inside a place's boundary, geocoded by OpenStreetMap's Nominatim.

    ``query`` is a Nominatim query (``"Syunik Province, Armenia"``), not a
    corridor gazetteer name; for a bounding box around a gazetteer place use
    :func:`network_from_bbox`.  The place's boundary is fetched first, then its
    bounding-box area is checked against ``max_area_km2`` before the network
    is downloaded.

    Parameters
    ----------
    query : str
        A Nominatim query.
    network_type, custom_filter, simplify, retain_all, max_area_km2, timeout_s, retries, cache_folder
        As in :func:`network_from_bbox`.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    corridor.errors.UnknownPlaceError
        Nominatim does not know the place.
    corridor.errors.GeometryError
        The place geocodes to a point or a line, not an area.
    corridor.errors.DownloadError
        No internet, the deadline passed (``timeout_s`` covers the geocode
        and the network), the server refused or answered garbage, or no
        network in the place.

    Examples
    --------
    >>> G = network_from_place("Meghri, Armenia")  # doctest: +SKIP
    >>> network_from_place("Meghri, Armenia", network_type="boats")  # refused before any download
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `network_type` must be one of ...
    """
    budget = Budget(timeout_s, retries)
    if not isinstance(query, str):
        raise ParameterTypeError(f"`query` must be a str (a Nominatim query), got {type(query).__name__}.")
    if not query.strip():
        raise ParameterError('`query` must name a place ("Syunik Province, Armenia"), got an empty string.')
    _filter_kwargs(network_type, custom_filter)  # refuse a bad type before anything is downloaded
    with osmnx_settings(cache_folder=cache_folder):
        polygon = _geocode_area(query, budget)
    return _network_from_polygon(
        polygon,
        what=repr(query),
        network_type=network_type,
        custom_filter=custom_filter,
        simplify=simplify,
        retain_all=retain_all,
        max_area_km2=max_area_km2,
        budget=budget,
        cache_folder=cache_folder,
    )


def _geocode_area(query: str, budget: Budget) -> Any:
    """The area of a place named in Nominatim, as one shapely (Multi)Polygon."""
    not_an_area = (
        f"OpenStreetMap's Nominatim geocodes {query!r} to a point (or a line), not an area: give a "
        'polygon place (a province, a district, a town with a boundary: "Meghri, Armenia") or use '
        "`network_from_bbox` around it."
    )

    def call(ox: Any) -> Any:
        try:
            return ox.geocode_to_gdf(query)
        except TypeError as exc:  # osmnx: no (Multi)Polygon among the results
            if "Polygon" not in str(exc):
                raise
            raise GeometryError(not_an_area) from exc

    def unknown(exc: Exception) -> UnknownPlaceError:
        msg = (
            f"OpenStreetMap's Nominatim does not know the place {query!r}. Try a fuller "
            f'name ("Syunik Province, Armenia") or `network_from_bbox`. ({exc})'
        )
        return UnknownPlaceError(msg)

    gdf = download(call, what=f"the place {query!r}", budget=budget, service="Nominatim", on_empty=unknown)
    polygon = shapely.union_all(np.asarray(gdf.geometry.values, dtype=object))
    if shapely.get_type_id(polygon) not in (3, 6) or polygon.is_empty:
        raise GeometryError(not_an_area)
    return polygon


def network_from_region(
    id: str,
    *args: Any,
    region: Region | None = None,
    buffer_km: float = 0.0,
    network_type: str = "drive",
    custom_filter: str | None = None,
    simplify: bool = True,
    retain_all: bool = False,
    max_area_km2: float = MAX_AREA_KM2,
    timeout_s: float = TIMEOUT_S,
    retries: int = 1,
    cache_folder: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Download the network inside a territory or part of a region (Syunik, Nakhchivan, ...).

    Parameters
    ----------
    id : str
        A territory or part id or name (``"AZE-2"``, ``"Nakhchivan"``).
    region : Region, optional
        Default: the built-in region.
    *args
        Only for the 0.1 call form ``network_from_region(region, id)``
        (deprecated).
    buffer_km : float, default 0
        Widen the area by this much (km, planar in a local equal-area
        projection) to include the roads just across its borders.
    network_type, custom_filter, simplify, retain_all, max_area_km2, timeout_s, retries, cache_folder
        As in :func:`network_from_bbox`.

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> G = network_from_region("Nakhchivan", network_type="rail")  # doctest: +SKIP
    >>> network_from_region("AZE")  # refused before any download: too large
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: The area of 'AZE' of region 'South Caucasus and Caspian (built-in)' is about ...
    """
    from ._compat import warn_deprecated
    from .region import Region, load_region

    if args or isinstance(id, Region):  # the 0.1 form: network_from_region(region, id)
        if len(args) != 1 or region is not None or not isinstance(id, Region):
            raise ParameterError("network_from_region takes (id, *, region=None, ...).")
        warn_deprecated("network_from_region(region, id) is deprecated; call network_from_region(id, region=region).")
        region, id = id, args[0]
    budget = Budget(timeout_s, retries)
    region = region if region is not None else load_region()
    polygon = region.geometry_of(id)
    if buffer_km:
        proj = LocalProjection(polygon)
        polygon = proj.to_lonlat(shapely.buffer(proj.to_local(polygon), float(buffer_km) * 1000.0))
    return _network_from_polygon(
        polygon,
        what=f"{id!r} of region {region.name!r}",
        network_type=network_type,
        custom_filter=custom_filter,
        simplify=simplify,
        retain_all=retain_all,
        max_area_km2=max_area_km2,
        budget=budget,
        cache_folder=cache_folder,
    )


# ---------------------------------------------------------------------------
# reading files


def read_network(
    path: str | Path,
    *,
    kind: str = "all",
    simplify: bool = True,
    retain_all: bool = True,
    max_bytes: int = DEFAULT_MAX_XML_BYTES,
    max_nodes: int = DEFAULT_MAX_PBF_NODES,
) -> nx.MultiDiGraph:
    """Read a network from an OSM extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``) or a GraphML file, offline.

    Ways that are neither a ``highway`` nor a ``railway`` (buildings, land use) are dropped,
    and the ``railway`` tag is kept on edges; ``kind`` keeps only one of the two.

    * ``.osm.pbf`` (the extracts Geofabrik and others publish) is read in one stream with
      pyosmium, the ways filtered by ``kind`` as they are read, into the graph osmnx builds
      from the same data as XML (same nodes, edges and attributes; see :mod:`corridor._pbf`):
      memory follows the road or rail network kept, not the file.  libosmium runs in a child
      process, so a corrupt file that crashes it is a ``DataError``.
    * OSM XML goes through :func:`osmnx.graph_from_xml`.  Before osmnx sees it, the file is
      read once with a hardened parser (defusedxml, :mod:`corridor._xml`): a document type
      declaration (so any entity, billion laughs or external reference), XML that is not
      well formed, bytes that are not UTF-8, a root other than ``<osm>`` or ``<graphml>``,
      OSM elements osmnx would choke on (a node without a finite ``lat``/``lon``, an id that
      is not an integer, a ``<nd>`` outside a way) and more than ``max_bytes`` bytes (after
      decompression) are refused.
    * GraphML goes through :func:`osmnx.load_graphml` (save one with ``osmnx.save_graphml``),
      kept whole unless ``kind`` is ``"road"`` or ``"rail"``.

    Parameters
    ----------
    path : path
    kind : {"all", "road", "rail"}, default "all"
        Keep ``highway`` and ``railway`` ways, only ``highway`` ways, or only ``railway`` ways.
    simplify : bool, default True
        Merge chains of degree-2 nodes into edges with a ``geometry`` (osmnx).
    retain_all : bool, default True
        Keep every connected piece (a railway need not touch a road), not only
        the largest.
    max_bytes : int, default 2,000,000,000
        Largest file to read, in bytes: for XML after decompression (a small ``.bz2`` that
        expands without end stops here), for PBF its size on disk.
    max_nodes : int, default 20,000,000
        (PBF) Most node references on the ways kept, counted while reading: a national
        extract whose roads would not fit in memory as a graph is refused early.

    Returns
    -------
    networkx.MultiDiGraph
        An osmnx graph: ``x``/``y`` (lon/lat) on nodes, ``length`` in metres
        on edges.

    Raises
    ------
    FileNotFoundError
        No such file.
    corridor.errors.ParameterError
        Not a ``.osm.pbf``, ``.osm``, ``.osm.bz2``, ``.xml``, ``.xml.bz2`` or ``.graphml`` name;
        an unknown ``kind``.
    corridor.errors.DataError
        A folder or a device, a file that is refused (above), larger than ``max_bytes``, a
        PBF that is truncated or corrupt, whose ways need more than ``max_nodes`` nodes or
        refer to nodes not in it, a file osmnx cannot read, or that holds no road or rail ways.

    Examples
    --------
    >>> from pathlib import Path
    >>> import corridor
    >>> osm = Path(corridor.__file__).parents[1] / "tests" / "data" / "West-Oakland.osm.bz2"
    >>> G = read_network(osm)  # real OSM data (ODbL), from osmnx's test suite
    >>> len(G), sum("railway" in d for _, _, d in G.edges(data=True))  # 4 railway edges kept
    (55, 4)
    >>> len(read_network(osm, kind="rail").edges)
    4
    >>> read_network("roads.osm.pbf")
    Traceback (most recent call last):
    ...
    FileNotFoundError: Network file 'roads.osm.pbf' does not exist.
    """
    path = Path(path)
    where = repr(str(path))
    keys = KINDS[one_of(kind, "kind", KINDS)]
    max_bytes, max_nodes = count(max_bytes, "max_bytes"), count(max_nodes, "max_nodes")
    name = path.name.lower()
    if name.endswith(".pbf"):
        G = _read_pbf(path, where, keys, simplify=simplify, retain_all=retain_all, limits=(max_bytes, max_nodes))
    else:
        G = _read_xml(path, where, keys, simplify=simplify, retain_all=retain_all, max_bytes=max_bytes)
    if len(G.edges) == 0:
        what = " or ".join(f"`{k}`" for k in keys)
        raise DataError(f"{where} holds no {'road or rail' if len(keys) > 1 else kind} ways (no {what} tags).")
    return G


def _read_xml(
    path: Path, where: str, keys: tuple[str, ...], *, simplify: bool, retain_all: bool, max_bytes: int
) -> Any:
    """Read OSM XML or GraphML: checked with the hardened parser first, then read by osmnx."""
    name = path.name.lower()
    with open_input(path, what="Network file", error=DataError) as f:
        is_graphml = name.endswith(".graphml")
        if not (is_graphml or name.endswith((".osm", ".osm.bz2", ".xml", ".xml.bz2"))):
            msg = (
                f"Cannot tell the format of {where}: use a .osm.pbf (OSM PBF), a .osm or "
                ".osm.bz2 (OSM XML) or a .graphml file."
            )
            raise ParameterError(msg)
        check = RootCheck(("graphml",), "GraphML") if is_graphml else OSMCheck()
        with open_maybe_bz2(f, path) as stream:
            scan_xml(stream, check, where=where, max_bytes=max_bytes, error=DataError)
    if isinstance(check, OSMCheck) and check.ways == 0:
        raise DataError(f"{where} holds no ways, so no road or rail network (it has {check.nodes:,} nodes).")
    G = _read_checked(path, is_graphml, keys, simplify=simplify, retain_all=retain_all)
    if is_graphml and len(G.edges):
        _check_graphml_graph(G, where)
    return G


def _read_pbf(
    path: Path, where: str, keys: tuple[str, ...], *, simplify: bool, retain_all: bool, limits: tuple[int, int]
) -> Any:
    """Read an OSM PBF extract with pyosmium into the graph osmnx would make of it as XML."""
    import os

    max_bytes, max_nodes = limits
    with open_input(path, what="Network file", error=DataError) as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(32)
    if size > max_bytes:
        msg = (
            f"{where} is {size:,} bytes, more than max_bytes={max_bytes:,}. Cut a smaller extract "
            "(`osmium extract -b west,south,east,north in.osm.pbf -o out.osm.pbf`) or raise `max_bytes`."
        )
        raise DataError(msg)
    if head and b"OSMHeader" not in head:
        hint = " It looks like XML: name it .osm." if head.lstrip().startswith(b"<") else ""
        msg = f"{where} is not an OSM PBF file: it does not start with an OSMHeader block.{hint}"
        raise DataError(msg)
    with osmnx_settings() as ox:
        settings = OsmSettings(
            way_tags=tuple(ox.settings.useful_tags_way),
            node_tags=tuple(ox.settings.useful_tags_node),
            all_oneway=bool(ox.settings.all_oneway),
            graph_attrs={
                "created_date": ox.utils.ts(),
                "created_with": f"corridor.read_network (pyosmium) as OSMnx {ox.__version__}",
                "crs": ox.settings.default_crs,
            },
            great_circle=ox.distance.great_circle,
        )
    ways = read_pbf_ways(path, keys=keys, settings=settings, max_nodes=max_nodes, where=where)
    return graph_from_ways(ways, settings, simplify=simplify, retain_all=retain_all)


def _read_checked(path: Path, is_graphml: bool, keys: tuple[str, ...], *, simplify: bool, retain_all: bool) -> Any:
    """Read a file :func:`read_network` has checked, with osmnx; its complaints become DataError.

    The file is well-formed XML of the right kind by now, so whatever osmnx or networkx
    raise while turning it into a graph (a way to a node not in the file, a GraphML value
    of the wrong type, an edge geometry that is not WKT) is about the content: every
    exception is reported as a :class:`DataError` naming the file, the original chained.
    """
    with osmnx_settings() as ox:
        try:
            if is_graphml:  # GraphML is kept whole unless a `kind` is asked for
                G = ox.load_graphml(path)
                return G if keys == KINDS["all"] else _of_kind(G, keys)
            return _read_osm_xml(ox, path, keys, simplify=simplify, retain_all=retain_all)
        except Exception as exc:  # see the docstring: ValueError, KeyError, NetworkXError, GEOSException, ...
            msg = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            raise DataError(f"Cannot read {str(path)!r} as a network: {msg}") from exc


def _check_graphml_graph(G: Any, where: str) -> None:
    """A GraphML graph is usable only as osmnx writes it: lon/lat nodes, edges with a length."""
    for n, d in G.nodes(data=True):
        x, y = d.get("x"), d.get("y")
        ok = isinstance(x, float) and isinstance(y, float) and abs(x) <= 180 and abs(y) <= 90
        if not ok:
            msg = (
                f"{where}: node {n!r} has no (lon, lat) in `x`/`y` (got x={x!r}, y={y!r}); corridor reads "
                "GraphML as osmnx saves an unprojected graph (`ox.save_graphml`)."
            )
            raise DataError(msg)
    for u, v, d in G.edges(data=True):
        length = d.get("length")
        if not (isinstance(length, float) and length >= 0):
            raise DataError(f"{where}: edge ({u!r}, {v!r}) has no length in metres (got {length!r}).")


def _read_osm_xml(ox: Any, path: Path, keys: tuple[str, ...], *, simplify: bool, retain_all: bool) -> Any:
    if path.suffix == ".bz2" or not path.name.lower().endswith(".bz2"):
        G = ox.graph_from_xml(path, simplify=False, retain_all=True)
    else:  # ".BZ2": osmnx decompresses ".bz2" only; the file was checked, so this copy is bounded
        with tempfile.TemporaryDirectory() as tmp:
            plain = Path(tmp) / "network.osm"
            with open(plain, "wb") as out, bz2.open(path, "rb") as src:
                shutil.copyfileobj(src, out)
            G = ox.graph_from_xml(plain, simplify=False, retain_all=True)
    return _routable(ox, G, keys, simplify=simplify, retain_all=retain_all)


def _of_kind(G: Any, keys: tuple[str, ...]) -> Any:
    """Drop the edges without one of ``keys`` (``highway``, ``railway``), then the nodes left alone."""
    drop = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if not any(key in d for key in keys)]
    if drop:
        G.remove_edges_from(drop)
        G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    return G


def _routable(ox: Any, G: Any, keys: tuple[str, ...], *, simplify: bool, retain_all: bool) -> Any:
    """Drop edges that are not of the kind (neither highway nor railway), then isolated nodes; simplify."""
    G = _of_kind(G, keys)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    if not retain_all and len(G):
        G = ox.truncate.largest_component(G, strongly=False)
    if simplify and len(G):
        G = ox.simplify_graph(G)
    return G


# ---------------------------------------------------------------------------
# speeds


def add_travel_times(
    G: nx.MultiDiGraph,
    *,
    speeds_kmh: Mapping[str, float] | None = None,
    fallback_kmh: float | None = None,
) -> nx.MultiDiGraph:
    """Add ``speed_kph`` and ``travel_time`` (seconds) to every edge, like osmnx; returns ``G``.

    Road edges go through :func:`osmnx.add_edge_speeds` (``maxspeed`` tags,
    else the mean per highway type, else ``speeds_kmh``/``fallback_kmh``).
    Rail edges take ``speeds_kmh[railway value]``, else ``speeds_kmh["rail"]``,
    else corridor's default for existing rail (``DEFAULT_SPEEDS_KMH``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Modified in place.
    speeds_kmh : mapping, optional
        km/h by highway type (``{"primary": 80}``) or railway type
        (``{"rail": 90}``): scenario speeds.
    fallback_kmh : float, optional
        km/h for road edges of a type with no tagged speed nor ``speeds_kmh``
        entry; default corridor's default for existing roads.

    Returns
    -------
    networkx.MultiDiGraph
        ``G`` itself.

    Examples
    --------
    >>> G = add_travel_times(meghri_norduz(), fallback_kmh=60)
    >>> round(G.edges["Meghri", "Agarak", 0]["travel_time"] / 60, 1)  # minutes
    6.3
    """
    import networkx as nx

    ox = import_osmnx()
    speeds = dict(speeds_kmh or {})
    fallback = float(fallback_kmh) if fallback_kmh is not None else _ROAD_KMH_FALLBACK
    road = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if "highway" in d]
    if road:
        H = G.edge_subgraph(road).copy()
        hwy = {key: val for key, val in speeds.items() if key != "rail"}
        H = ox.add_edge_speeds(H, hwy_speeds=hwy or None, fallback=fallback)
        nx.set_edge_attributes(G, nx.get_edge_attributes(H, "speed_kph"), "speed_kph")
    for _, _, d in G.edges(data=True):
        if "highway" not in d:
            rw = label(d.get("railway", "rail"))
            kph = speeds.get(rw, speeds.get("rail", _RAIL_KMH_FALLBACK))
            d["speed_kph"] = float(kph)
    return ox.add_edge_travel_times(G)


# ---------------------------------------------------------------------------
# territory and borders


@keyword_only_after(1, "region")
def tag_edges(G: nx.MultiDiGraph, *, region: Region | None = None) -> nx.MultiDiGraph:
    """Add the territory of every edge as an ``iso3`` attribute (in place); returns ``G``.

    ``iso3`` is the territory holding most of the edge's geodesic length
    (``"unassigned"`` outside every territory); ``crosses_border`` says whether
    the edge changes territory on the way.  Measured in one vectorised pass
    through the measurement engine.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An osmnx graph; modified in place.
    region : Region, optional
        Default: the built-in region.

    Returns
    -------
    networkx.MultiDiGraph
        ``G`` itself.

    Examples
    --------
    >>> G = tag_edges(meghri_norduz())
    >>> G.edges["Meghri", "Agarak", 0]["iso3"], G.edges["Agarak", "Norduz", 0]["crosses_border"]
    ('ARM', True)
    """
    import networkx as nx

    e = edges_of(G)
    eng = _engine.engine_for(region)
    table = territory_km(e.geoms, region=region)
    cols = np.asarray(table.columns)
    iso = cols[np.argmax(table.to_numpy(), axis=1)]
    sec = _engine.sections(_engine.split_lines(e.geoms, eng), eng, by="iso3")
    crossing = np.zeros(len(e.keys), dtype=bool)
    if len(sec):
        crossing[_engine.crossings_table(sec)["line"].to_numpy(dtype=int)] = True
    nx.set_edge_attributes(G, {k: str(i) for k, i in zip(e.keys, iso)}, "iso3")
    nx.set_edge_attributes(G, {k: bool(c) for k, c in zip(e.keys, crossing)}, "crosses_border")
    return G


@keyword_only_after(1, "region")
def border_crossings(G: nx.MultiDiGraph, *, region: Region | None = None) -> gpd.GeoDataFrame:
    """Edges where the network crosses an international border: candidate border crossings.

    A two-way road (an edge each way) is listed once.  An edge that crosses
    several times (into a salient and out) gives one row per crossing.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An osmnx graph.
    region : Region, optional
        Default: the built-in region.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per crossing, EPSG:4326: ``u``, ``v``, ``key``, ``from_iso3``,
        ``to_iso3``, ``border`` (``"ARM–AZE"``), ``kind`` (``"road"`` or
        ``"rail"``), ``highway``, ``railway``, ``name``, ``ref``, ``osmid``,
        ``oneway``, ``km`` (geodesic chainage of the crossing along the edge),
        ``geometry`` (the crossing point) and ``edge_geometry``.

    Examples
    --------
    >>> bc = border_crossings(meghri_norduz())
    >>> bc[["border", "kind", "name"]].values.tolist(), round(float(bc.geometry.y.iloc[0]), 2)
    ([['ARM–IRN', 'road', 'Agarak–Norduz']], 38.85)
    """
    import geopandas as gpd

    e = edges_of(G)
    eng = _engine.engine_for(region)
    sec = _engine.sections(_engine.split_lines(e.geoms, eng), eng, by="iso3")
    cols = [
        "u",
        "v",
        "key",
        "from_iso3",
        "to_iso3",
        "border",
        "kind",
        "highway",
        "railway",
        "name",
        "ref",
        "osmid",
        "oneway",
        "km",
    ]
    cx = _engine.crossings_table(sec) if len(sec) else pd.DataFrame(columns=["line", "km"])
    rows: list[dict[str, Any]] = []
    points, lines, seen = [], [], set()
    for line, km, a, b, border in zip(
        cx["line"], cx["km"], cx.get("from_iso3", ()), cx.get("to_iso3", ()), cx.get("border", ())
    ):
        i = int(line)
        u, v, k = e.keys[i]
        d = e.data[i]
        pt = point_at_m(e.geoms[i], float(km) * 1000.0)
        key = (frozenset((u, v)), round(pt[0], 7), round(pt[1], 7))
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "u": u,
                "v": v,
                "key": k,
                "from_iso3": a,
                "to_iso3": b,
                "border": border,
                "kind": "road" if "highway" in d else "rail",
                "highway": label(d.get("highway")),
                "railway": label(d.get("railway")),
                "name": label(d.get("name")),
                "ref": label(d.get("ref")),
                "osmid": label(d.get("osmid")),
                "oneway": bool(d.get("oneway", False)),
                "km": float(km),
            }
        )
        points.append(shapely.Point(pt))
        lines.append(e.geoms[i])
    df = pd.DataFrame(rows, columns=cols)
    out = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(points, crs="EPSG:4326"), crs="EPSG:4326")
    out["edge_geometry"] = gpd.GeoSeries(lines, crs="EPSG:4326", index=out.index)
    return out


_MOVED = ("NetworkPath", "Snap", "alternative_routes", "path_on_network", "route_on_network", "snap_to_network")


def __getattr__(name: str) -> Any:
    """Routing moved to :mod:`corridor.routing` in 0.2; the old names still import, with a warning."""
    if name in _MOVED:
        from . import routing
        from ._compat import warn_deprecated

        warn_deprecated(f"`corridor.network.{name}` moved to `corridor.routing.{name}`.")
        return getattr(routing, name)
    raise AttributeError(f"module 'corridor.network' has no attribute {name!r}")
