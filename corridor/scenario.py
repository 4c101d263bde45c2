"""Scenarios and their side-by-side comparison.

A :class:`Scenario` is a named corridor option: its legs (each from places,
coordinates, a file or an along-border spec, with mode, status and speed) and
its parameters (speeds, dwell time at borders, optional costs).  Scenarios are
written in Python or in YAML files, which are loaded safely (``yaml.safe_load``
after a streaming check for alias bombs) and validated with pydantic: errors
name the file, the field and what was expected; unknown keys are errors.

:func:`compare` turns scenarios into one table whose columns are a stable
contract (see :data:`COMPARISON_COLUMNS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._data import data_path
from ._io import atomic_write, atomic_write_text, check_output_path
from .errors import CorridorError, ParameterError, ScenarioError
from .measure import DEFAULT_DWELL_H, RouteAnalysis, _pair_key, analyze
from .route import MODES, STATUSES, Route

if TYPE_CHECKING:
    from .region import Region

__all__ = [
    "COMPARISON_COLUMNS",
    "Scenario",
    "builtin_scenarios",
    "compare",
    "compare_map",
    "export_comparison",
    "plot_comparison",
    "read_scenarios",
]

#: The comparison table's columns, in order (``km_<ID>`` stands for one column
#: per territory of the region, then ``km_unassigned``; ``cost`` appears only
#: when a scenario gives costs).  The index is the scenario name.
COMPARISON_COLUMNS = (
    "length_km",
    "km_<ID>",
    "transit",
    "crossings",
    "km_within_1km_border",
    "km_within_5km_border",
    "min_clearance_km",
    "detour_index",
    "travel_time_h",
    "cost",
)

MAX_YAML_BYTES = 1_000_000
MAX_YAML_ALIASES = 100
MAX_YAML_EVENTS = 200_000


# ---------------------------------------------------------------------------
# validation models (pydantic): unknown keys are errors


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlongBorderSpec(_Strict):
    """``along_border`` leg: follow a border at an offset."""

    a: str | list[str]
    b: str | list[str]
    side: str | list[str]
    offset_m: float = Field(gt=0)
    start: str | tuple[float, float] | None = None
    end: str | tuple[float, float] | None = None
    connect: bool = False


class LegSpec(_Strict):
    """One leg of a scenario: exactly one of ``places``, ``coords``, ``file``, ``along_border``."""

    name: str | None = None
    places: list[str] | None = None
    coords: list[tuple[float, float]] | None = None
    file: str | None = None
    along_border: AlongBorderSpec | None = None
    mode: Literal["rail", "road", "other"] = "rail"
    status: Literal["existing", "planned", "under construction", "disused", "proposed"] = "existing"
    speed_kmh: float | None = Field(default=None, gt=0)
    source: str = ""

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


class DwellSpec(_Strict):
    """Dwell time at international border crossings (hours)."""

    default_h: float = Field(default=DEFAULT_DWELL_H, ge=0)
    per_border: dict[str, float] = Field(default_factory=dict)

    @field_validator("per_border")
    @classmethod
    def _pairs(cls, v: dict[str, float]) -> dict[str, float]:
        for k, h in v.items():
            _pair_key(k)  # the same parsing travel_time uses; raises on anything but a pair
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


class ScenarioSpec(_Strict):
    """A scenario file."""

    name: str = Field(min_length=1)
    description: str = ""
    legs: list[LegSpec] = Field(min_length=1)
    parameters: ParamsSpec = Field(default_factory=ParamsSpec)
    sources: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scenario:
    """A named corridor option with its legs and parameters.

    Build one with :meth:`from_dict`, :meth:`read` (YAML), or directly from
    routes with :meth:`from_routes`.
    """

    name: str
    description: str = ""
    legs: tuple[LegSpec, ...] = ()
    parameters: ParamsSpec = field(default_factory=ParamsSpec)
    sources: tuple[str, ...] = ()
    base_dir: Path | None = None
    routes: tuple[Route, ...] = ()
    path: Path | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "scenario", base_dir: Path | None = None) -> Scenario:
        """Validate a scenario given as a dict (the YAML structure)."""
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
        """A scenario from ready-made routes (joined end to start)."""
        try:
            params = ParamsSpec.model_validate(parameters or {})
        except ValidationError as exc:
            raise ScenarioError(_format_validation(exc, f"scenario {name!r}")) from None
        return cls(name, description, (), params, (), None, tuple(routes))

    @classmethod
    def read(cls, path: str | Path) -> Scenario:
        """Read and validate a YAML scenario file."""
        path = Path(path)
        data = _load_yaml(path)
        s = cls.from_dict(data, where=str(path), base_dir=path.parent)
        return replace(s, path=path)

    # ----------------------------------------------------------------- build
    @cached_property
    def route(self) -> Route:
        """The scenario's legs joined into one multi-leg :class:`Route`."""
        if self.routes:
            parts = list(self.routes)
        else:
            parts = [self._build_leg(k, leg) for k, leg in enumerate(self.legs)]
        if len(parts) == 1:
            return parts[0].with_attrs(name=self.name)
        try:
            return Route.join(parts, name=self.name, tolerance_m=2000.0)
        except CorridorError as exc:
            where = f"{self.path}: " if self.path is not None else ""
            raise ScenarioError(f"{where}scenario {self.name!r}: legs do not connect: {exc}") from None

    def _build_leg(self, k: int, leg: LegSpec) -> Route:
        where = f"{self.path}: " if self.path is not None else ""
        where += f"scenario {self.name!r}, legs[{k}]"
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
                None,
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

    def analyze(self, region: Region | None = None) -> RouteAnalysis:
        """Analyse the scenario's route.

        The analysis knows nothing of the scenario's parameters: use
        :meth:`travel_time` for the time with this scenario's speeds and dwell
        times (``analysis.travel_time()`` uses the package defaults).
        """
        return analyze(self.route, region)

    def travel_time(self, region: Region | None = None) -> Any:
        """Travel time with this scenario's speeds and dwell times (as in :func:`compare`)."""
        p = self.parameters
        try:
            return self.analyze(region).travel_time(
                speeds=self.speeds(), dwell_h=p.dwell.per_border, default_dwell_h=p.dwell.default_h
            )
        except CorridorError as exc:
            where = f"{self.path}: " if self.path is not None else ""
            raise ScenarioError(f"{where}scenario {self.name!r}, parameters: {exc}") from None

    def speeds(self) -> dict[Any, float]:
        """Speed overrides as ``{mode: v}`` / ``{(mode, status): v}``."""
        out: dict[Any, float] = {}
        for k, v in self.parameters.speeds_kmh.items():
            mode, _, status = k.partition("/")
            out[(mode, status) if status else mode] = v
        return out

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r}: {len(self.legs) or len(self.routes)} leg(s)>"


def _format_validation(exc: ValidationError, where: str) -> str:
    lines = []
    for err in exc.errors():
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
            got_txt = f" (got {got!r})"
        lines.append(f"{where}: `{loc or '(top level)'}`: {msg}{got_txt}")
    return "\n".join(lines)


def _load_yaml(path: Path) -> dict[str, Any]:
    """Safely load a YAML mapping: size, alias and event limits, no object construction."""
    if not path.exists():
        raise FileNotFoundError(f"Scenario file {str(path)!r} does not exist.")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ScenarioError(f"{path}: file is {size:,} bytes; scenario files are limited to {MAX_YAML_BYTES:,} bytes.")
    text = path.read_text(encoding="utf-8")
    # stream the events first: aliases are counted before anything is expanded
    aliases = events = 0
    try:
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            events += 1
            if isinstance(ev, yaml.AliasEvent):
                aliases += 1
            if aliases > MAX_YAML_ALIASES or events > MAX_YAML_EVENTS:
                raise ScenarioError(
                    f"{path}: too many YAML aliases or nodes (limit {MAX_YAML_ALIASES} aliases, "
                    f"{MAX_YAML_EVENTS:,} nodes); is this an alias bomb? Write the values out."
                )
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{path}: not valid scenario YAML{at}: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{path}: expected a mapping with `name` and `legs` at the top level, got {type(data).__name__}."
        )
    return data


def read_scenarios(paths: str | Path | Iterable[str | Path]) -> list[Scenario]:
    """Read several scenario files (or every ``*.yaml``/``*.yml`` in a folder)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Scenario] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
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


def builtin_scenarios() -> list[Scenario]:
    """The built-in scenarios (``data/scenarios``), each with its sources.

    (a) TRIPP / Zangezur rail along the north bank of the Aras; (b) the Aras
    corridor through Iran; (c) Baku–Tbilisi–Kars plus Kars–Iğdır–Nakhchivan
    through Türkiye; (d) today's road via Astara and Iran.  All run from Baku
    to Nakhchivan so that they compare like for like.
    """
    return read_scenarios(data_path("scenarios"))


# ---------------------------------------------------------------------------
# comparison


def compare(
    scenarios: Sequence[Scenario] | Scenario,
    region: Region | None = None,
    *,
    progress: Any = None,
) -> pd.DataFrame:
    """Compare scenarios side by side: one row per scenario (index: its name).

    Columns (a stable contract, :data:`COMPARISON_COLUMNS`): ``length_km``;
    one ``km_<ID>`` per territory of the region and ``km_unassigned``;
    ``transit`` (territories crossed, in order, joined by ``-``);
    ``crossings`` (international crossings); ``km_within_1km_border`` and
    ``km_within_5km_border`` (any international border);
    ``min_clearance_km`` (smallest distance to an international border the
    route does not cross: crossing a border makes the distance to it 0, so
    the crossed pairs are left out); ``detour_index`` (length / geodesic distance between
    the ends); ``travel_time_h`` (scenario speeds and dwell times); ``cost``
    when a scenario gives ``cost_per_km`` or ``cost_per_crossing``, in the
    scenarios' ``currency`` (one for all; kept in ``df.attrs["cost_currency"]``).

    ``progress`` is an optional callable called with each scenario's name.
    """
    from .measure import _engine

    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    scenarios = list(scenarios)
    if not scenarios:
        raise ScenarioError("`compare` needs at least one scenario.")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError("Scenario names must be unique in a comparison.")
    eng = _engine(region)
    ids = list(eng.ids)
    rows = []
    costed = [
        s for s in scenarios if s.parameters.cost_per_km is not None or s.parameters.cost_per_crossing is not None
    ]
    any_cost = bool(costed)
    currencies = sorted({s.parameters.currency for s in costed})
    if len(currencies) > 1:
        raise ScenarioError(f"Costs are given in several currencies ({', '.join(currencies)}); use one.")
    for s in scenarios:
        if progress is not None:
            progress(s.name)
        a = analyze(s.route, eng.region)
        kbt = a.km_by_territory
        row: dict[str, Any] = {"scenario": s.name, "length_km": a.length_km}
        for iso in ids:
            row[f"km_{iso}"] = float(kbt.get(iso, 0.0))
        row["km_unassigned"] = float(kbt.get("unassigned", 0.0))
        row["transit"] = "-".join(a.transit)
        row["crossings"] = int(len(a.crossings))
        row["km_within_1km_border"] = a.km_near_border(1.0)
        row["km_within_5km_border"] = a.km_near_border(5.0)
        row["min_clearance_km"] = a.clearance_uncrossed_km
        row["detour_index"] = a.detour_index
        p = s.parameters
        try:
            tt = a.travel_time(speeds=s.speeds(), dwell_h=p.dwell.per_border, default_dwell_h=p.dwell.default_h)
        except CorridorError as exc:
            where = f"{s.path}: " if s.path is not None else ""
            raise ScenarioError(f"{where}scenario {s.name!r}, parameters.dwell: {exc}") from None
        row["travel_time_h"] = tt.total_h
        if any_cost:
            if p.cost_per_km is None and p.cost_per_crossing is None:
                row["cost"] = float("nan")
            else:
                row["cost"] = (p.cost_per_km or 0.0) * a.length_km + (p.cost_per_crossing or 0.0) * len(a.crossings)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("scenario")
    df.index.name = "scenario"
    if currencies:
        df.attrs["cost_currency"] = currencies[0]
    return df


def markdown_table(df: pd.DataFrame, *, index: bool = True) -> str:
    """A DataFrame as a Markdown table (pandas + tabulate), ``|`` in cells escaped."""

    def esc(v: Any) -> Any:
        return v.replace("|", "\\|") if isinstance(v, str) else v

    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(esc)
    out.index = out.index.map(esc)
    return out.to_markdown(index=index, floatfmt=".2f") + "\n"


def comparison_text(df: pd.DataFrame, fmt: str) -> str:
    """The comparison as text: ``csv``, ``json`` (records), ``markdown``, ``html`` or ``table``."""
    if fmt == "csv":
        return df.to_csv(float_format="%.6g")
    if fmt == "json":
        recs = json.loads(df.reset_index().to_json(orient="records", force_ascii=False))
        return json.dumps(recs, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return markdown_table(df)
    if fmt == "html":
        return df.to_html(escape=True, float_format=lambda x: f"{x:.3f}")
    if fmt == "table":
        with pd.option_context(
            "display.width",
            250,
            "display.max_columns",
            60,
            "display.float_format",
            lambda x: f"{x:.1f}",
        ):
            return df.to_string() + "\n"
    raise ParameterError(f"Unknown format {fmt!r}; use csv, json, markdown, html or table.")


def export_comparison(df: pd.DataFrame, path: str | Path, *, format: str | None = None) -> Path:
    """Write a comparison to CSV, Markdown, HTML or JSON (by extension or ``format``); atomic."""
    path = Path(path)
    fmt = format or {
        ".csv": "csv",
        ".md": "markdown",
        ".html": "html",
        ".htm": "html",
        ".json": "json",
    }.get(path.suffix.lower())
    if fmt is None:
        raise ParameterError(
            f"Cannot tell the format of {str(path)!r}; use .csv, .md, .html or .json or pass `format=`."
        )
    return atomic_write_text(path, comparison_text(df, fmt))


def plot_comparison(
    df: pd.DataFrame,
    column: str = "length_km",
    *,
    stacked_territory: bool = True,
    path: str | Path | None = None,
    ax: Any = None,
) -> Any:
    """Bar chart of a comparison: km per territory stacked (default) or one column.

    Returns the matplotlib Figure.
    """
    from matplotlib.figure import Figure

    from .maps import territory_color

    if ax is None:
        fig = Figure(figsize=(9, 0.7 * len(df) + 1.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    import textwrap

    names = ["\n".join(textwrap.wrap(str(n).replace("$", r"\$"), 34)) for n in df.index]
    if stacked_territory:
        cols = [c for c in df.columns if c.startswith("km_") and not c.startswith("km_within") and df[c].sum() > 0]
        left = pd.Series(0.0, index=df.index)
        for k, c in enumerate(cols):
            iso = c[3:]
            color = territory_color(iso, k)
            label = "water / outside" if iso == "unassigned" else iso
            ax.barh(names, df[c], left=left, color=color, edgecolor="white", label=label)
            left = left + df[c]
        for y, (total, cx) in enumerate(zip(df["length_km"], df["crossings"])):
            ax.text(
                total + 5,
                y,
                f"{total:,.0f} km · {cx} crossing{'s' if cx != 1 else ''}",
                va="center",
                fontsize=9,
            )
        ax.set_xlabel("km (geodesic) by territory")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, frameon=False, ncols=min(len(cols), 7))
        ax.set_xlim(0, float(df["length_km"].max()) * 1.4)
    else:
        ax.barh(names, df[column], color="#3b6ea5")
        ax.set_xlabel(column)
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    if path is not None:
        atomic_write(check_output_path(path, (".png", ".svg", ".pdf")), lambda tmp: fig.savefig(tmp, dpi=150))
    return fig


def compare_map(scenarios: Sequence[Scenario], region: Region | None = None, **kwargs: Any) -> Any:
    """One interactive map with every scenario as its own layer (see :func:`corridor.make_map`)."""
    from .maps import make_map

    analyses = [analyze(s.route, region) for s in scenarios]
    kwargs.setdefault("title", "Corridor scenarios")
    return make_map(region, analyses=analyses, **kwargs)
