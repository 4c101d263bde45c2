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
    """Turns every error into ``corridor: error: ...`` and status 1 (a traceback with --debug).

    Usage mistakes too (an unknown option, a missing argument): click would print
    ``Error:`` and exit 2; corridor says ``corridor: error:`` and names the help to read.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - click's entry point
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("corridor: error: aborted.", err=True)
            sys.exit(1)
        except click.UsageError as exc:
            cmd = exc.ctx.command_path if exc.ctx is not None else "corridor"
            click.echo(f"corridor: error: {exc.format_message()} (see `{cmd} --help`)", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"corridor: error: {exc.format_message()}", err=True)
            sys.exit(1)
        _flush_quietly()
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (`corridor demo | head`): stop quietly, as Unix tools do
            _silence_stdout()
            ctx.exit(141)
        except Exception as exc:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                raise
            from .errors import CorridorError

            # one line: the message's first line (validation errors list more lines below it)
            kind = "error" if isinstance(exc, (CorridorError, OSError)) else type(exc).__name__
            click.echo(f"corridor: {kind}: {exc}", err=True)
            ctx.exit(1)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush cannot fail on a closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(141)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=None, package_name="corridor", prog_name="corridor", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Geospatial analysis of transport corridors (built-in data: South Caucasus)."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _emit(df: Any, fmt: str, *, title: str = "") -> None:

    if fmt in ("json", "csv", "markdown"):
        from .io import table_text

        click.echo(table_text(df, fmt, index=False), nl=False)
    else:
        if title:
            click.echo(title)
        _print_table(df)


def _print_table(
    df: Any, *, headers: dict[str, str] | None = None, wide: bool = False, index: bool = False, digits: int = 1
) -> None:
    """A table for reading, fitted to the terminal (100 columns when piped): rich wraps long cells.

    ``wide`` prints every column at full width instead (pandas); ``headers`` gives short
    column titles (the machine names stay in CSV and JSON).
    """
    import shutil

    import pandas as pd
    from rich import box
    from rich.console import Console
    from rich.table import Table

    if index:
        df = df.reset_index()
    if wide:
        with pd.option_context("display.width", 10_000, "display.max_columns", None, "display.max_colwidth", None):
            click.echo(df.to_string(index=False, float_format=lambda x: f"{x:.{digits}f}"))
        return
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 0), collapse_padding=True)
    cells = [[_cell(v, digits) for v in row] for row in df.itertuples(index=False)]
    for k, c in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        longest = max((len(r[k]) for r in cells), default=0)
        # short cells (numbers, codes) keep their width; long text (names, sources) wraps at spaces
        table.add_column(
            (headers or {}).get(str(c), str(c)),
            justify="right" if numeric else "left",
            no_wrap=numeric or longest <= 16,
            overflow="ellipsis" if numeric or longest <= 16 else "fold",
            ratio=None if numeric or longest <= 16 else 1,
            min_width=None if numeric or longest <= 16 else 12,
        )
    for row in cells:
        table.add_row(*row)
    Console(width=width, force_terminal=False, no_color=True, highlight=False, soft_wrap=False).print(table)


def _cell(v: Any, digits: int) -> str:
    """A table cell: floats rounded, NaN as '–', markup-free text."""
    from rich.markup import escape

    if isinstance(v, float):
        return "–" if v != v else f"{v:,.{digits}f}"
    return escape(str(v))


#: Output formats of the commands that print a table.
FORMATS = ["table", "csv", "json", "markdown"]
#: The ``--format`` option those commands share.
format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
)


@main.command()
@format_option
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
@format_option
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
@format_option
def places_cmd(query: str | None, fmt: str) -> None:
    """List the built-in places (optionally those matching QUERY)."""
    from .places import places

    df = places(query)
    if df.empty:
        raise click.ClickException(f"no place matches {query!r}; `corridor places` lists them all.")
    if fmt == "table":
        df = df[["name", "lon", "lat", "iso3", "kind", "aliases"]]
    _emit(df, fmt)


#: Columns of the comparison shown by the table format, with short titles (CSV, JSON and --wide have them all).
_TABLE_COLUMNS = {
    "length_km": "km",
    "transit": "transit",
    "crossings": "cross",
    "closed_crossings": "closed",
    "min_clearance_km": "clear",
    "travel_time_h": "hours",
}


def _print_comparison(df: Any, *, wide: bool) -> None:
    """The comparison for reading: the main columns and the territories crossed, fitted to 100 columns."""
    if wide:
        _print_table(df, wide=True, index=True)
        return
    skip = ("km_within", "km_without", "km_inland", "km_sea")
    km = [c for c in df.columns if c.startswith("km_") and not c.startswith(skip) and df[c].sum() > 0]
    cols = ["length_km", *km, *[c for c in _TABLE_COLUMNS if c != "length_km"]]
    shown = df[cols].reset_index()
    headers = {"scenario": "scenario", **_TABLE_COLUMNS, **{c: c[3:] for c in km}}
    _print_table(shown, headers=headers)
    click.echo(
        "km: geodesic length; ARM…: km in each territory; cross, closed: border crossings, and those with no\n"
        "open crossing point of the route's mode; clear: km to the nearest border not crossed; hours: travel\n"
        "time. Every column (km near borders, uncertain km, ...): --wide, or --format csv / json."
    )


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


def _compare_and_print(scenarios: list[Any], fmt: str, *, wide: bool = False) -> Any:
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
        _print_comparison(df, wide=wide)
    else:
        click.echo(comparison_text(df, fmt), nl=False)
    # a table is for reading: the notes follow it, wrapped; machine formats keep stdout clean
    for msg in notes:
        text = f"note: {msg}"
        if fmt == "table":
            text = click.wrap_text(text, width=100, subsequent_indent="      ")
        click.echo(text, err=fmt != "table")
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
@click.option("--wide", is_flag=True, help="Print every column of the comparison at full width.")
def demo(out_dir: str | None, wide: bool) -> None:
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
    df = _compare_and_print(scenarios, "table", wide=wide)
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
@format_option
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an offline HTML map of the scenarios.",
)
@click.option("--wide", is_flag=True, help="Table format: every column at full width.")
def compare_cmd(files: tuple[str, ...], fmt: str, map_path: str | None, wide: bool) -> None:
    """Compare scenario files (YAML), folders of them, or route files."""
    if map_path:
        from ._files import check_output_path

        check_output_path(map_path, (".html", ".htm"))  # fail before the work, not after
    scenarios = _load_any(files)
    _compare_and_print(scenarios, fmt, wide=wide)
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
    import pandas as pd

    from .measure import analyze
    from .route import Route

    if route_file.lower().endswith((".yaml", ".yml")):
        raise click.ClickException(f"{route_file} looks like a scenario file; use `corridor compare {route_file}`.")
    with _notes() as notes:
        a = analyze(Route.read(route_file, mode=mode, status=status))
    record = _analysis_record(a)
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2, allow_nan=False))
        for msg in notes:
            click.echo(f"note: {msg}", err=True)
        return
    click.echo(f"{record['name']}: {record['length_km']:.1f} km (geodesic, WGS84); transit {record['transit']}")
    _print_table(a.sections.drop(columns=["iso3"], errors="ignore").round(2), digits=2)
    if record["crossings"]:
        click.echo("Crossings:")
        cx = pd.DataFrame(record["crossing_list"]).astype(object)
        cx["km"] = [f"{v:,.2f}" for v in cx["km"]]
        cx["lon"], cx["lat"] = [f"{v:.5f}" for v in cx["lon"]], [f"{v:.5f}" for v in cx["lat"]]
        _print_table(cx.where(cx.notna(), "–"))
    keys = ["closed_crossings", "km_within_1km_border", "km_within_5km_border", "min_clearance_km"]
    keys += ["uncertain_km", "detour_index", "travel_time_h"]
    for k in keys:
        v = record[k]
        click.echo(f"{k}: {v:,.3f}" if isinstance(v, float) else f"{k}: {'–' if v is None else v}")
    click.echo(f"travel assumptions: {record['travel_assumptions']}")
    for msg in notes:
        click.echo(f"note: {msg}")


def _analysis_record(a: Any) -> dict[str, Any]:
    """One analysis in the comparison's JSON vocabulary (the headline-figure names), with its crossings listed.

    The same keys as a record of ``corridor compare --format json`` (``name`` for ``scenario``),
    plus ``crossing_list``: each crossing's km, territories, border, position and crossing point.
    """
    from .io import table_text
    from .measure import headline_table

    row = json.loads(table_text(headline_table([a]), "json"))[0]
    row["crossing_list"] = [
        {
            "km": round(float(c.km), 3),
            "from": c.from_iso3,
            "to": c.to_iso3,
            "border": c.border,
            "lon": round(float(c.geometry.x), 5),
            "lat": round(float(c.geometry.y), 5),
            "crossing_point": c.crossing_point,
            "crossing_status": c.crossing_status,
        }
        for c in a.crossings.itertuples()
    ]
    row["travel_assumptions"] = a.params.source
    return dict(row)


@main.command("validate")
@format_option
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
        _print_table(shown, headers={"difference_pct": "difference"})
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
