"""The ``corridor`` command line."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, cast

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

__all__ = ["main"]


def _version() -> str:
    from . import __version__

    return __version__


class _Group(click.Group):
    """Turns corridor errors into one clear line (a traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (`corridor demo | head`): stop quietly, as Unix tools do
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except Exception as exc:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                raise
            from .errors import CorridorError

            # one line: the message's first line (validation errors list more lines below it)
            kind = "error" if isinstance(exc, (CorridorError, OSError)) else type(exc).__name__
            click.echo(f"corridor: {kind}: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=None, package_name="corridor", prog_name="corridor", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Geospatial analysis of transport corridors (built-in data: South Caucasus)."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _emit(df: Any, fmt: str, *, title: str = "") -> None:
    import pandas as pd

    if fmt in ("json", "csv", "markdown"):
        from .io import table_text

        click.echo(table_text(df, fmt, index=False), nl=False)
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 50):
            if title:
                click.echo(title)
            click.echo(df.to_string(index=False))


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def borders(fmt: str) -> None:
    """Print the land borders of the built-in region, with geodesic lengths in km."""
    from .region import load_region

    region = load_region()
    _emit(
        region.border_table(),
        fmt,
        title=f"Land borders — {region.name}\nData: {region.attribution}\n",
    )


@main.command("crossings")
@click.option("--border", help="Only one border, such as ARM-IRN.")
@click.option(
    "--status", type=click.Choice(["open", "restricted", "closed", "planned", "unknown"]), help="Only this status."
)
@click.option(
    "--mode", type=click.Choice(["road", "rail", "pedestrian", "ferry"]), help="Only points open to this mode."
)
@click.option("--as-of", "as_of", help="Evaluate the statuses at this date (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def crossings_cmd(border: str | None, status: str | None, mode: str | None, as_of: str | None, fmt: str) -> None:
    """Print the official border crossing points and ferry ports, with status, date and source."""
    from .crossings import CrossingPolicy, crossing_points

    policy = CrossingPolicy(as_of=as_of) if as_of else None
    t = crossing_points(border=border, status=status, mode=mode, policy=policy)
    if fmt == "table":
        cols = ["id", "a", "b", "part", "modes", "status", "status_since"]
        if policy is not None:
            cols = ["id", "a", "b", "part", "modes", "recorded_status", "status_since", "status"]
        when = f" at {as_of}" if as_of else " (as recorded)"
        _emit(
            t[cols],
            fmt,
            title=f"Official crossing points{when}: {len(t)}\nSources: `corridor crossings --format json`\n",
        )
    else:
        _emit(t.drop(columns="geometry"), fmt)


@main.command("places")
@click.argument("query", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
)
def places_cmd(query: str | None, fmt: str) -> None:
    """List the built-in places (optionally those matching QUERY)."""
    from .places import places

    df = places(query)
    if df.empty:
        raise click.ClickException(f"no place matches {query!r}; `corridor places` lists them all.")
    if fmt == "table":
        df = df[["name", "lon", "lat", "iso3", "kind", "aliases"]]
    _emit(df, fmt)


FORMATS = ["table", "csv", "json", "markdown"]

#: Columns shown by the table format (the CSV/JSON have them all).
_TABLE_COLUMNS = [
    "length_km",
    "ratio_to_published",
    "transit",
    "crossings",
    "km_within_5km_border",
    "min_clearance_km",
    "uncertain_km",
    "detour_index",
    "travel_time_h",
]


def _progress(names: list[str]) -> Any:
    """A progress callback: a bar on a terminal's stderr, silent when piped."""
    stream = sys.stderr
    if not stream.isatty():
        return None, None
    # click types a length-only bar as ProgressBar[int], but current_item is only shown as a label
    bar = cast(
        "ProgressBar[str]",
        click.progressbar(length=len(names), label="Analysing scenarios", file=stream, show_pos=True),
    )
    bar.__enter__()

    def step(name: str) -> None:
        bar.update(1, current_item=name)

    return step, bar


def _load_any(files: tuple[str, ...]) -> list[Any]:
    """Scenario YAML files (or folders of them) and route files, as scenarios."""
    from pathlib import Path

    from .route import Route
    from .scenario import Scenario, read_scenarios

    out: list[Any] = []
    for f in files:
        p = Path(f)
        if not p.exists():
            raise click.ClickException(f"{f}: no such file or folder.")
        if p.is_dir() or p.suffix.lower() in (".yaml", ".yml"):
            out.extend(read_scenarios([p]))
        else:
            r = Route.read(p)
            out.append(Scenario.from_routes(r.name, [r]))
    return out


def _compare_and_print(scenarios: list[Any], fmt: str) -> Any:
    from .io import comparison_text
    from .scenario import compare

    step, bar = _progress([s.name for s in scenarios])
    try:
        with _notes() as notes:
            df = compare(scenarios, progress=step)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "table":
        skip = ("km_within", "km_without")
        km = [c for c in df.columns if c.startswith("km_") and not c.startswith(skip) and df[c].sum() > 0]
        shown = df[["length_km", *km, *[c for c in _TABLE_COLUMNS if c != "length_km"]]].copy()
        # modelled / published wants two decimals; "-" where no length is published
        shown["ratio_to_published"] = [f"{v:.2f}" if v == v else "-" for v in shown["ratio_to_published"]]
        click.echo(comparison_text(shown, "table"), nl=False)
    else:
        click.echo(comparison_text(df, fmt), nl=False)
    # a table is for reading: the notes follow it; machine formats keep stdout clean
    for msg in notes:
        click.echo(f"note: {msg}", err=fmt != "table")
    return df


class _notes:
    """Collect corridor's warnings as notes to print after the output (not as Python warnings)."""

    def __enter__(self) -> list[str]:
        import warnings

        from .errors import CorridorWarning

        self._ctx = warnings.catch_warnings(record=True)
        self._caught = self._ctx.__enter__()
        warnings.simplefilter("always", CorridorWarning)
        self._notes: list[str] = []
        return self._notes

    def __exit__(self, *exc: Any) -> None:
        from .errors import CorridorWarning

        self._ctx.__exit__(*exc)
        seen = set()
        for w in self._caught:
            if issubclass(w.category, CorridorWarning) and str(w.message) not in seen:
                seen.add(str(w.message))
                self._notes.append(str(w.message))
            elif not issubclass(w.category, CorridorWarning):
                import warnings

                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output folder (default: a new corridor-demo-<time> folder here); "
    "comparison.csv and corridor_map.html in it are replaced.",
)
def demo(out_dir: str | None) -> None:
    """Compare the built-in Baku → Nakhchivan scenarios; write a table and an offline map.

    Prints the comparison and writes comparison.csv and corridor_map.html into the
    output folder.
    """
    import datetime as dt
    from pathlib import Path

    from .io import export_comparison
    from .maps import compare_map, save_map
    from .scenario import builtin_scenarios

    if out_dir is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path.cwd() / f"corridor-demo-{stamp}"
        out.mkdir()
    else:
        out = Path(out_dir)
        if not out.parent.exists():
            raise click.ClickException(f"{out.parent}: folder does not exist; create it first.")
        out.mkdir(exist_ok=True)
    scenarios = builtin_scenarios()
    click.echo("Baku → Nakhchivan: built-in corridor scenarios (geodesic km, WGS84)\n")
    df = _compare_and_print(scenarios, "table")
    csv_path = export_comparison(df, out / "comparison.csv")
    with _notes():  # the same notes as the table's, already printed
        m = compare_map(scenarios, title="Baku → Nakhchivan: corridor scenarios")
    map_path = save_map(m, out / "corridor_map.html")
    click.echo(
        "\nSpeeds and border dwell times are planning assumptions (see data/scenarios/*.yaml)."
        "\nData: © OpenStreetMap contributors (ODbL)."
    )
    click.echo(f"\nWrote {csv_path}\nWrote {map_path} (opens offline in any browser)")


@main.command("compare")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an offline HTML map of the scenarios.",
)
def compare_cmd(files: tuple[str, ...], fmt: str, map_path: str | None) -> None:
    """Compare scenario files (YAML), folders of them, or route files."""
    if map_path:
        from ._files import check_output_path

        check_output_path(map_path, (".html", ".htm"))  # fail before the work, not after
    scenarios = _load_any(files)
    _compare_and_print(scenarios, fmt)
    if map_path:
        from .maps import compare_map, save_map

        with _notes():  # the same notes as the table's, already printed
            m = compare_map(scenarios)
        written = save_map(m, map_path)
        click.echo(f"Wrote {written}", err=True)


@main.command("analyze")
@click.argument("route_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--mode", type=click.Choice(["rail", "road", "ferry", "other"]), default="rail")
@click.option("--status", default="existing", show_default=True)
def analyze_cmd(route_file: str, fmt: str, mode: str, status: str) -> None:
    """Analyse one route file: length, territory, crossings, border proximity."""
    from .measure import analyze
    from .route import Route

    if route_file.lower().endswith((".yaml", ".yml")):
        raise click.ClickException(f"{route_file} looks like a scenario file; use `corridor compare {route_file}`.")
    with _notes() as notes:
        a = analyze(Route.read(route_file, mode=mode, status=status))
    summary = a.summary()
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        for msg in notes:
            click.echo(f"note: {msg}", err=True)
        return
    click.echo(f"{summary['name']}: {summary['length_km']:.1f} km (geodesic)")
    click.echo(a.sections.round(2).to_string(index=False))
    if len(a.crossings):
        click.echo("\nCrossings:")
        click.echo(a.crossings.drop(columns="geometry").round(2).to_string(index=False))
    click.echo(f"\ntransit: {'-'.join(summary['transit'])}")
    for k in (
        "min_clearance_km",
        "uncertain_km",
        "km_within_1km_border",
        "km_within_5km_border",
        "detour_index",
        "travel_time_h",
    ):
        click.echo(f"{k}: {summary[k]}")
    for msg in notes:
        click.echo(f"note: {msg}")


@main.command("validate")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--world", is_flag=True, help="Also check figures that need a region built from the world layers.")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any figure is outside its tolerance.")
def validate_cmd(fmt: str, world: bool, strict: bool) -> None:
    """Check corridor's figures against published ones (borders, areas, tripoints, line lengths)."""
    from .io import table_text
    from .validation import validate

    t = validate(world=world)
    if fmt == "table":
        shown = t[["figure", "published", "corridor", "unit", "difference_pct", "tolerance", "verdict"]].copy()
        shown["difference_pct"] = [f"{v:+.1f} %" if v == v else "" for v in shown["difference_pct"]]
        click.echo(table_text(shown.set_index("figure"), "table"), nl=False)
        ok = int((t["verdict"] == "ok").sum())
        click.echo(f"\n{ok} of {len(t)} figures within tolerance; sources: `corridor validate --format csv`.")
    else:
        click.echo(table_text(t, fmt, index=False), nl=False)
    if strict and (t["verdict"] != "ok").any():
        raise click.exceptions.Exit(1)


@main.command("map")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="HTML file to write (offline, self-contained).",
)
def map_cmd(files: tuple[str, ...], output: str) -> None:
    """Write an offline HTML map of scenario or route files."""
    from ._files import check_output_path
    from .maps import compare_map, save_map

    check_output_path(output, (".html", ".htm"))

    with _notes() as notes:
        m = compare_map(_load_any(files))
    written = save_map(m, output)
    for msg in notes:
        click.echo(f"note: {msg}", err=True)
    click.echo(f"Wrote {written}")


@main.command("report")
@click.argument("files", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="HTML file to write (one self-contained page; opens offline, prints to PDF).",
)
@click.option("--title", default=None, help='The report\'s title (default "Corridor comparison").')
@click.option("--builtin", is_flag=True, help="Add the built-in Baku → Nakhchivan scenarios.")
def report_cmd(files: tuple[str, ...], output: str, title: str | None, builtin: bool) -> None:
    """Write one offline HTML report comparing scenario files (YAML), folders of them, or route files.

    The report holds the map, the comparison table with units, charts, the crossing
    points used, the assumptions and published lengths with their sources, the boundary
    uncertainty and the data credits; print it to PDF from a browser.
    """
    from ._files import check_output_path
    from .report import report

    check_output_path(output, (".html", ".htm"))  # fail before the work, not after
    if not files and not builtin:
        raise click.UsageError("give scenario files or folders, or --builtin for the built-in scenarios.")
    scenarios = _load_any(files)
    if builtin:
        from .scenario import builtin_scenarios

        scenarios = [*builtin_scenarios(), *scenarios]
    with _notes() as notes:
        written = report(scenarios, output, title=title)
    for msg in notes:
        click.echo(f"note: {msg}", err=True)
    size_kb = written.stat().st_size / 1024
    click.echo(f"Wrote {written} ({size_kb:,.0f} KB; opens offline in any browser, prints to PDF from it)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
