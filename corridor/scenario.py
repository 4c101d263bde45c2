"""Scenarios and their side-by-side comparison.

A :class:`Scenario` is a named corridor option: its legs (each from places,
coordinates, a file or an along-border spec, with mode, status and speed) and
its parameters (speeds, dwell time at borders, optional costs).  Scenarios are
written in Python or in YAML files, which are loaded safely (``yaml.safe_load``
after a streaming check of size, encoding, depth, nodes and aliases, see
:mod:`corridor._yaml`) and validated with pydantic: errors name the file, the
field and what was expected; unknown keys, duplicate keys and numbers that are
not finite are errors.

:func:`compare` turns scenarios into one table whose columns are a stable
contract (see :data:`COMPARISON_COLUMNS`): the headline figures of each
scenario's route (:data:`corridor.measure.HEADLINE_COLUMNS`, travel time with
the scenario's own speeds and dwell times) plus its cost.  Writing the table
out is :func:`corridor.io.export_comparison`; drawing it is
:func:`corridor.plot.plot_comparison` and :func:`corridor.maps.compare_map`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._compat import keyword_only_after, warn_deprecated
from ._files import is_folder
from ._typing import MODES, STATUSES
from ._validate import border_pair

# the limits of a scenario file, importable from here as before (see corridor._yaml)
from ._yaml import MAX_YAML_ALIASES as MAX_YAML_ALIASES
from ._yaml import MAX_YAML_BYTES as MAX_YAML_BYTES
from ._yaml import MAX_YAML_DEPTH as MAX_YAML_DEPTH
from ._yaml import MAX_YAML_NODES as MAX_YAML_NODES
from ._yaml import MAX_YAML_NUMBER_CHARS as MAX_YAML_NUMBER_CHARS
from ._yaml import load_yaml_mapping
from .crossings import CrossingPolicy, crossing_point
from .datasets import data_path
from .errors import CorridorError, ParameterError, ParameterTypeError, ScenarioError, UnknownPlaceError
from .measure import DEFAULT_DWELL_H, HEADLINE_COLUMNS, RouteAnalysis, TravelParams, TravelTime, analyze, headline_table
from .route import Route

if TYPE_CHECKING:
    from .region import Region

__all__ = [
    "BUILTIN_GROUPS",
    "COMPARISON_COLUMNS",
    "Scenario",
    "builtin_scenarios",
    "compare",
    "read_scenarios",
]

#: The comparison table's columns, in order: the headline figures
#: (:data:`corridor.measure.HEADLINE_COLUMNS`; ``km_<ID>`` stands for one column
#: per territory some scenario passes through) and ``cost``, which appears only when a
#: scenario gives costs.  The index is the scenario name.
COMPARISON_COLUMNS = (*HEADLINE_COLUMNS, "cost")


# ---------------------------------------------------------------------------
# validation models (pydantic): unknown keys are errors


class _Strict(BaseModel):
    # unknown keys are errors; so are .inf and .nan wherever a number is expected
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class AlongBorderSpec(_Strict):
    """``along_border`` leg: follow a border at an offset."""

    a: str | list[str]
    b: str | list[str]
    side: str | list[str]
    offset_m: float = Field(gt=0)
    start: str | tuple[float, float] | None = None
    end: str | tuple[float, float] | None = None
    connect: bool | Literal["start", "end"] = False


class PublishedSpec(_Strict):
    """A leg's length as published: the figure, who published it, and when."""

    length_km: float = Field(gt=0)
    source: str = Field(min_length=1)
    date: str = ""


class LegSpec(_Strict):
    """One leg of a scenario: exactly one of ``places``, ``coords``, ``file``, ``along_border``."""

    name: str | None = None
    places: list[str] | None = None
    coords: list[tuple[float, float]] | None = None
    file: str | None = None
    along_border: AlongBorderSpec | None = None
    mode: Literal["rail", "road", "ferry", "other"] = "rail"
    status: Literal["existing", "planned", "under construction", "disused", "proposed"] = "existing"
    speed_kmh: float | None = Field(default=None, gt=0)
    source: str = ""
    published: PublishedSpec | None = None

    @model_validator(mode="after")
    def _one_geometry(self) -> LegSpec:
        given = [k for k in ("places", "coords", "file", "along_border") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ParameterError(
                f"each leg needs exactly one of `places`, `coords`, `file`, `along_border` (got {given or 'none'})"
            )
        if self.places is not None and len(self.places) < 2:
            raise ParameterError("`places` needs at least two place names")
        if self.coords is not None and len(self.coords) < 2:
            raise ParameterError("`coords` needs at least two (lon, lat) pairs")
        return self


def _known_point(name: str) -> None:
    """A crossing point name or id that the gazetteer knows (a ValueError for pydantic otherwise)."""
    try:
        crossing_point(name)
    except UnknownPlaceError as exc:
        raise ParameterError(str(exc)) from None


class DwellSpec(_Strict):
    """Dwell time at international border crossings (hours)."""

    default_h: float = Field(default=DEFAULT_DWELL_H, ge=0)
    per_border: dict[str, float] = Field(default_factory=dict)
    per_crossing_point: dict[str, float] = Field(default_factory=dict)

    @field_validator("per_crossing_point")
    @classmethod
    def _points(cls, v: dict[str, float]) -> dict[str, float]:
        for k, h in v.items():
            _known_point(k)
            if h < 0:
                raise ParameterError(f"dwell time for {k!r} must be >= 0")
        return v

    @field_validator("per_border")
    @classmethod
    def _pairs(cls, v: dict[str, float]) -> dict[str, float]:
        for k, h in v.items():
            border_pair(k)  # the same parsing travel_time uses; raises on anything but a pair
            if h < 0:
                raise ParameterError(f"dwell time for {k!r} must be >= 0")
        return v


class ParamsSpec(_Strict):
    """Scenario parameters."""

    speeds_kmh: dict[str, float] = Field(default_factory=dict)
    dwell: DwellSpec = Field(default_factory=DwellSpec)
    cost_per_km: float | None = Field(default=None, ge=0)
    cost_per_crossing: float | None = Field(default=None, ge=0)
    currency: str = "USD"

    @field_validator("speeds_kmh")
    @classmethod
    def _speed_keys(cls, v: dict[str, float]) -> dict[str, float]:
        for k, s in v.items():
            mode, _, status = k.partition("/")
            if mode not in MODES or (status and status not in STATUSES):
                raise ParameterError(
                    f"speed key {k!r} must be a mode ({', '.join(MODES)}) or 'mode/status' "
                    f"with a status among {', '.join(STATUSES)}"
                )
            if not s > 0:
                raise ParameterError(f"speed for {k!r} must be > 0")
        return v


_POINT_STATUS = Literal["open", "restricted", "closed", "planned"]


class ScenarioSpec(_Strict):
    """A scenario file."""

    name: str = Field(min_length=1)
    description: str = ""
    group: str = ""
    legs: list[LegSpec] = Field(min_length=1)
    parameters: ParamsSpec = Field(default_factory=ParamsSpec)
    sources: list[str] = Field(default_factory=list)
    as_of: dt.date | None = None
    borders: dict[str, _POINT_STATUS] = Field(default_factory=dict)
    crossing_points: dict[str, _POINT_STATUS] = Field(default_factory=dict)

    @field_validator("borders")
    @classmethod
    def _border_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            border_pair(k)
        return v

    @field_validator("crossing_points")
    @classmethod
    def _point_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            _known_point(k)
        return v


# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scenario:
    """A named corridor option with its legs and parameters.

    Build one with :meth:`from_dict`, :meth:`read` (YAML), or directly from
    routes with :meth:`from_routes`; the constructor takes validated parts.

    Parameters
    ----------
    name : str
        Unique within a comparison.
    description : str
        What the option is.
    legs : tuple of LegSpec
        The validated legs (from places, coordinates, a file or ``along_border``).
    parameters : ParamsSpec
        Speeds, dwell times and costs.
    sources : tuple of str
        Where the facts come from.
    base_dir : pathlib.Path, optional
        Folder that ``file:`` legs are relative to.
    routes : tuple of Route
        Ready-made routes (instead of legs), joined end to start.
    path : pathlib.Path, optional
        The YAML file it was read from (named in error messages).
    group : str
        Which comparison it belongs to (the built-in ones: ``"Baku → Nakhchivan"``,
        ``"Middle Corridor"``, ``"INSTC"``, ``"Kars → Gyumri"``); scenarios compared
        together share an origin and a destination.
    as_of : datetime.date, optional
        Evaluate the crossing points at this date (see :class:`corridor.CrossingPolicy`).
    borders : mapping
        Borders the scenario opens or closes: ``{"ARM-TUR": "open"}`` (every crossing
        point of the border takes that status).
    crossing_points : mapping
        Crossing points it opens or closes: ``{"akhurik-akyaka-rail": "open"}``.

    Examples
    --------
    >>> s = Scenario.from_dict({"name": "Meghri–Julfa", "legs": [{"places": ["Meghri", "Ordubad", "Julfa"]}]})
    >>> s, round(s.route.length_km, 1)
    (<Scenario 'Meghri–Julfa': 1 leg(s)>, 53.6)
    """

    name: str
    description: str = ""
    legs: tuple[LegSpec, ...] = ()
    parameters: ParamsSpec = field(default_factory=ParamsSpec)
    sources: tuple[str, ...] = ()
    base_dir: Path | None = None
    routes: tuple[Route, ...] = ()
    path: Path | None = None
    group: str = ""
    as_of: dt.date | None = None
    borders: Mapping[str, str] = field(default_factory=dict)
    crossing_points: Mapping[str, str] = field(default_factory=dict)
    _analyses: dict[int, tuple[Any, RouteAnalysis]] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "scenario", base_dir: Path | None = None) -> Scenario:
        """Validate a scenario given as a dict (the YAML structure).

        Parameters
        ----------
        data : dict
            ``name``, ``legs`` and optionally ``description``, ``parameters``, ``sources``.
        where : str, default "scenario"
            Named at the start of error messages (a file name).
        base_dir : pathlib.Path, optional
            Folder that ``file:`` legs are relative to.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> Scenario.from_dict({"name": "x", "legs": [{"places": ["Meghri"]}]})
        Traceback (most recent call last):
        ...
        corridor.errors.ScenarioError: scenario: `legs[0]`: Value error, `places` needs at least two place names
        """
        try:
            spec = ScenarioSpec.model_validate(data)
        except ValidationError as exc:
            raise ScenarioError(_format_validation(exc, where)) from None
        return cls(
            spec.name,
            spec.description,
            tuple(spec.legs),
            spec.parameters,
            tuple(spec.sources),
            base_dir,
            group=spec.group,
            as_of=spec.as_of,
            borders=dict(spec.borders),
            crossing_points=dict(spec.crossing_points),
        )

    @classmethod
    def from_routes(
        cls,
        name: str,
        routes: Sequence[Route],
        *,
        description: str = "",
        parameters: dict[str, Any] | None = None,
    ) -> Scenario:
        """A scenario from ready-made routes (joined end to start).

        Parameters
        ----------
        name : str
        routes : sequence of Route
            In order; each starts where the previous one ends (within 2 km).
        description : str
        parameters : dict, optional
            As the ``parameters`` of a scenario file (``speeds_kmh``, ``dwell``, costs).

        Returns
        -------
        Scenario

        Examples
        --------
        >>> import corridor
        >>> r = corridor.Route.from_places(["Meghri", "Ordubad"])
        >>> s = Scenario.from_routes("by car", [r.with_attrs(mode="road")], parameters={"speeds_kmh": {"road": 50}})
        >>> round(s.travel_time().running_h, 2)
        0.38
        """
        try:
            params = ParamsSpec.model_validate(parameters or {})
        except ValidationError as exc:
            raise ScenarioError(_format_validation(exc, f"scenario {name!r}")) from None
        return cls(name, description, (), params, (), None, tuple(routes))

    @classmethod
    def read(cls, path: str | Path) -> Scenario:
        """Read and validate a YAML scenario file.

        Parameters
        ----------
        path : path-like

        Returns
        -------
        Scenario

        Examples
        --------
        >>> from corridor.datasets import data_path
        >>> Scenario.read(data_path("scenarios") / "a_tripp_zangezur_rail.yaml").name
        'TRIPP / Zangezur rail (via Armenia)'
        >>> Scenario.read("missing.yaml")
        Traceback (most recent call last):
        ...
        FileNotFoundError: Scenario file 'missing.yaml' does not exist.
        """
        path = Path(path)
        data = load_yaml_mapping(path)
        s = cls.from_dict(data, where=str(path), base_dir=path.parent)
        return replace(s, path=path)

    # ----------------------------------------------------------------- build
    @cached_property
    def route(self) -> Route:
        """The scenario's legs joined into one multi-leg :class:`Route`.

        The route carries the scenario's assumptions (``Route.assumptions``), so
        ``corridor.analyze(scenario.route)`` measures it as :meth:`analyze` does.
        """
        if self.routes:
            parts = list(self.routes)
        else:
            parts = [self._build_leg(k, leg) for k, leg in enumerate(self.legs)]
        if len(parts) == 1:
            joined = parts[0].with_attrs(name=self.name)
        else:
            try:
                joined = Route.join(parts, name=self.name, tolerance_m=2000.0)
            except CorridorError as exc:
                raise ScenarioError(f"{self._where()}scenario {self.name!r}: legs do not connect: {exc}") from None
        # an analysis of this route uses the scenario's speeds, dwell times and open borders
        return replace(joined, assumptions={"travel": self.travel_params(), "policy": self.policy()})

    def _build_leg(self, k: int, leg: LegSpec) -> Route:
        route = self._leg_geometry(k, leg)
        if leg.published is None:
            return route
        p = leg.published
        return route.with_attrs(
            published_km=p.length_km, published_source=f"{p.source} ({p.date})" if p.date else p.source
        )

    def _leg_geometry(self, k: int, leg: LegSpec) -> Route:
        where = f"{self._where()}scenario {self.name!r}, legs[{k}]"
        label = leg.name or f"{self.name} leg {k + 1}"
        try:
            if leg.places is not None:
                return Route.from_places(
                    leg.places, name=label, mode=leg.mode, status=leg.status, speed_kmh=leg.speed_kmh, source=leg.source
                )
            if leg.coords is not None:
                return Route.from_coords(
                    leg.coords,
                    geodesic=True,
                    name=label,
                    mode=leg.mode,
                    status=leg.status,
                    speed_kmh=leg.speed_kmh,
                    source=leg.source,
                )
            if leg.file is not None:
                p = Path(leg.file)
                if not p.is_absolute() and self.base_dir is not None:
                    p = self.base_dir / p
                return Route.read(
                    p, name=label, mode=leg.mode, status=leg.status, speed_kmh=leg.speed_kmh, source=leg.source
                )
            ab = leg.along_border
            assert ab is not None
            return Route.along_border(
                ab.a,
                ab.b,
                side=ab.side,
                offset_m=ab.offset_m,
                start=ab.start,
                end=ab.end,
                connect=ab.connect,
                name=label,
                mode=leg.mode,
                status=leg.status,
                speed_kmh=leg.speed_kmh,
                source=leg.source,
            )
        except (CorridorError, KeyError, ValueError, FileNotFoundError) as exc:
            msg = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            raise ScenarioError(f"{where}: {msg}") from None

    def leg_table(self) -> pd.DataFrame:
        """Each leg with its modelled and published length.

        Returns
        -------
        pandas.DataFrame
            ``leg``, ``mode``, ``status``, ``length_km`` (modelled, geodesic),
            ``published_km``, ``ratio_to_published`` (modelled / published; NaN
            where no figure is published), ``published_source`` and ``source``.

        Examples
        --------
        >>> s = builtin_scenarios()[0]
        >>> t = s.leg_table().set_index("leg")
        >>> float(t.loc["Horadiz – Aghband (under construction)", "published_km"])
        110.4
        """
        df = pd.DataFrame(self.route.to_gdf().drop(columns="geometry"))
        df["ratio_to_published"] = df["length_km"] / df["published_km"].astype(float)
        cols = ["leg", "mode", "status", "length_km", "published_km", "ratio_to_published", "published_source"]
        return df[[*cols, "source"]]

    def travel_params(self) -> TravelParams:
        """The scenario's speeds and dwell times as :class:`~corridor.measure.TravelParams`.

        Returns
        -------
        TravelParams

        Examples
        --------
        >>> s = Scenario.from_dict({"name": "x", "legs": [{"places": ["Meghri", "Ordubad"]}],
        ...                         "parameters": {"speeds_kmh": {"rail": 80}}})
        >>> s.travel_params().speeds_kmh, s.travel_params().source
        ({'rail': 80.0}, "scenario 'x'")
        """
        p = self.parameters
        return TravelParams(self.speeds(), p.dwell.per_border, p.dwell.default_h, f"scenario {self.name!r}")

    def policy(self) -> CrossingPolicy:
        """Which crossing points are open in this scenario: its date, openings, closures and dwell per point.

        Returns
        -------
        CrossingPolicy

        Examples
        --------
        >>> s = Scenario.from_dict({"name": "open", "legs": [{"places": ["Kars", "Gyumri"]}],
        ...                         "borders": {"ARM-TUR": "open"}})
        >>> s.policy().borders
        {('ARM', 'TUR'): 'open'}
        """
        return CrossingPolicy(
            as_of=self.as_of,
            borders=self.borders,
            points=self.crossing_points,
            dwell_h=self.parameters.dwell.per_crossing_point,
            source=f"scenario {self.name!r}",
        )

    @keyword_only_after(1, "region")
    def analyze(self, *, region: Region | None = None) -> RouteAnalysis:
        """Analyse the scenario's route, with the scenario's speeds and dwell times.

        The analysis carries :meth:`travel_params`, so its
        :meth:`~corridor.RouteAnalysis.travel_time` and
        :meth:`~corridor.RouteAnalysis.summary` use this scenario's assumptions.

        Parameters
        ----------
        region : Region, optional
            Default: the built-in region.

        Returns
        -------
        RouteAnalysis

        Examples
        --------
        >>> import corridor
        >>> a = corridor.builtin_scenarios()[0].analyze()
        >>> a.travel_time().params.source
        "scenario 'TRIPP / Zangezur rail (via Armenia)'"
        """
        # a scenario is immutable: its analysis over a region is kept (compare, then compare_map)
        known = self._analyses.get(id(region))
        if known is not None and known[0] is region:
            return known[1]
        a = analyze(self.route, region=region, params=self.travel_params(), policy=self.policy())
        try:
            a.travel_time()  # the dwell keys must name territories of this region
        except CorridorError as exc:
            raise ScenarioError(f"{self._where()}scenario {self.name!r}, parameters.dwell: {exc}") from None
        self._analyses[id(region)] = (region, a)
        return a

    @keyword_only_after(1, "region")
    def travel_time(self, *, region: Region | None = None) -> TravelTime:
        """Travel time with this scenario's speeds and dwell times (as in :func:`compare`).

        Parameters
        ----------
        region : Region, optional
            Default: the built-in region.

        Returns
        -------
        TravelTime
        """
        return self.analyze(region=region).travel_time()

    def speeds(self) -> dict[Any, float]:
        """Speed overrides as ``{mode: v}`` / ``{(mode, status): v}``.

        Returns
        -------
        dict
        """
        out: dict[Any, float] = {}
        for k, v in self.parameters.speeds_kmh.items():
            mode, _, status = k.partition("/")
            out[(mode, status) if status else mode] = v
        return out

    def _where(self) -> str:
        return f"{self.path}: " if self.path is not None else ""

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r}: {len(self.legs) or len(self.routes)} leg(s)>"


_MAX_ERRORS_SHOWN = 20


def _format_validation(exc: ValidationError, where: str) -> str:
    lines = []
    errors = exc.errors()
    for err in errors[:_MAX_ERRORS_SHOWN]:
        loc = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in err["loc"])
        loc = loc.replace(".[", "[")
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not allowed; check the spelling)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        got = err.get("input")
        got_txt = ""
        if err["type"] not in ("extra_forbidden", "missing") and not isinstance(got, (dict, list)):
            try:
                shown = repr(got)
            except ValueError:  # an int too long for Python to print (over 4,300 digits)
                shown = f"an integer of about {got.bit_length() * 0.30103:,.0f} digits" if isinstance(got, int) else "?"
            got_txt = f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
        lines.append(f"{where}: `{loc or '(top level)'}`: {msg}{got_txt}")
    if len(errors) > _MAX_ERRORS_SHOWN:
        lines.append(f"{where}: ... and {len(errors) - _MAX_ERRORS_SHOWN:,} more errors.")
    return "\n".join(lines)


def read_scenarios(paths: str | Path | Iterable[str | Path]) -> list[Scenario]:
    """Read several scenario files (or every ``*.yaml``/``*.yml`` in a folder).

    Parameters
    ----------
    paths : path-like or iterable of path-like
        Files or folders.

    Returns
    -------
    list of Scenario
        Their names must be unique.

    Examples
    --------
    >>> from corridor.datasets import data_path
    >>> len(read_scenarios(data_path("scenarios")))
    10
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Scenario] = []
    for p in paths:
        p = Path(p)
        if is_folder(p):
            files = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not files:
                raise ScenarioError(f"{p}: no *.yaml scenario files in this folder.")
            out.extend(Scenario.read(f) for f in files)
        else:
            out.append(Scenario.read(p))
    names = [s.name for s in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ScenarioError(f"Scenario names must be unique; repeated: {', '.join(sorted(dup))}.")
    return out


BUILTIN_GROUPS = ("Baku → Nakhchivan", "Middle Corridor", "INSTC", "Kars → Gyumri")


def builtin_scenarios(group: str | None = "Baku → Nakhchivan") -> list[Scenario]:
    """The built-in scenarios (``data/scenarios``), each leg with its sources.

    ``"Baku → Nakhchivan"`` (the default): (a) TRIPP / Zangezur rail along the
    north bank of the Aras; (b) the Aras corridor through Iran; (c) Baku–Tbilisi–
    Kars plus Kars–Iğdır–Nakhchivan through Türkiye; (d) today's road via Astara
    and Iran; all from Baku to Nakhchivan so that they compare like for like.
    ``"Middle Corridor"``: Baku across the Caspian by ferry to Türkmenbaşy or
    Aktau.  ``"INSTC"``: the western route of the North–South corridor, Baku –
    Astara – Rasht – Qazvin.

    Parameters
    ----------
    group : str or None, default "Baku → Nakhchivan"
        One of :data:`BUILTIN_GROUPS`, or ``None`` for all of them.

    Returns
    -------
    list of Scenario

    Examples
    --------
    >>> [s.route.stops[-1].name for s in builtin_scenarios()]
    ['Nakhchivan', 'Nakhchivan', 'Nakhchivan', 'Nakhchivan']
    >>> [s.name for s in builtin_scenarios("INSTC")]
    ['INSTC west: Baku – Astara – Rasht – Qazvin']
    >>> builtin_scenarios("Silk Road")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Unknown scenario group 'Silk Road'; the built-in groups are ...
    """
    if group is not None and group not in BUILTIN_GROUPS:
        raise ParameterError(
            f"Unknown scenario group {group!r}; the built-in groups are {', '.join(map(repr, BUILTIN_GROUPS))} "
            "(or None for all)."
        )
    found = read_scenarios(data_path("scenarios"))
    return [s for s in found if group is None or s.group == group]


# ---------------------------------------------------------------------------
# comparison


@keyword_only_after(1, "region")
def compare(
    scenarios: Sequence[Scenario] | Scenario,
    *,
    region: Region | None = None,
    progress: Any = None,
) -> pd.DataFrame:
    """Compare scenarios side by side: one row per scenario (index: its name).

    Columns (a stable contract, :data:`COMPARISON_COLUMNS`): the headline
    figures of each route (:data:`corridor.measure.HEADLINE_COLUMNS`) —
    ``length_km``; one ``km_<ID>`` per territory some scenario passes
    through and ``km_unassigned``; ``km_inland_water`` and ``km_sea``;
    ``transit``; ``crossings``; ``km_within_1km_border`` and
    ``km_within_5km_border``; ``min_clearance_km`` (distance to
    international borders the route does not cross); ``detour_index``;
    ``travel_time_h`` (the scenario's speeds and dwell times) — and ``cost``
    when a scenario gives ``cost_per_km`` or ``cost_per_crossing``, in the
    scenarios' ``currency`` (one for all; kept in ``df.attrs["cost_currency"]``).

    Parameters
    ----------
    scenarios : Scenario or sequence of Scenario
        With unique names.
    region : Region, optional
        Default: the built-in region.
    progress : callable, optional
        Called with each scenario's name before it is analysed.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import corridor
    >>> t = corridor.compare(corridor.builtin_scenarios())
    >>> t["transit"].tolist()[:2]
    ['AZE-ARM-AZE', 'AZE-IRN-AZE']
    >>> corridor.compare([])
    Traceback (most recent call last):
    ...
    corridor.errors.ScenarioError: `compare` needs at least one scenario.
    """
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    scenarios = list(scenarios)
    if not scenarios:
        raise ScenarioError("`compare` needs at least one scenario.")
    bad = [s for s in scenarios if not isinstance(s, Scenario)]
    if bad:
        raise ParameterTypeError(f"`compare` takes Scenario objects, got {type(bad[0]).__name__}.")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError("Scenario names must be unique in a comparison.")
    costed = [
        s for s in scenarios if s.parameters.cost_per_km is not None or s.parameters.cost_per_crossing is not None
    ]
    currencies = sorted({s.parameters.currency for s in costed})
    if len(currencies) > 1:
        raise ScenarioError(f"Costs are given in several currencies ({', '.join(currencies)}); use one.")
    analyses = []
    for s in scenarios:
        if progress is not None:
            progress(s.name)
        analyses.append(s.analyze(region=region))
    df = headline_table(analyses, names=names)
    df.index.name = "scenario"
    df.attrs["attribution"] = analyses[0].region.attribution
    if costed:
        df["cost"] = [
            float("nan")
            if s.parameters.cost_per_km is None and s.parameters.cost_per_crossing is None
            else (s.parameters.cost_per_km or 0.0) * row.length_km
            + (s.parameters.cost_per_crossing or 0.0) * row.crossings
            for s, row in zip(scenarios, df.itertuples())
        ]
        df.attrs["cost_currency"] = currencies[0]
    return df


_MOVED = {
    "markdown_table": ("corridor.io", "markdown_table"),
    "comparison_text": ("corridor.io", "comparison_text"),
    "export_comparison": ("corridor.io", "export_comparison"),
    "plot_comparison": ("corridor.plot", "plot_comparison"),
    "compare_map": ("corridor.maps", "compare_map"),
}


def __getattr__(name: str) -> Any:
    """Names that moved out of this module in 0.2 still import, with a deprecation warning."""
    if name in _MOVED:
        import importlib

        module, attr = _MOVED[name]
        warn_deprecated(f"`corridor.scenario.{name}` moved to `{module}.{attr}`.")
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'corridor.scenario' has no attribute {name!r}")
