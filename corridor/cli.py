"""The ``corridor`` command line."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

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
        except Exception as exc:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                raise
            from .errors import CorridorError

            kind = "error" if isinstance(exc, CorridorError) else type(exc).__name__
            click.echo(f"corridor: {kind}: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    version=None, package_name="corridor", prog_name="corridor", message="%(prog)s %(version)s"
)
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Geospatial analysis of transport corridors (built-in data: South Caucasus)."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _emit(df: Any, fmt: str, *, title: str = "") -> None:
    import pandas as pd

    if fmt == "json":
        records = json.loads(df.to_json(orient="records", force_ascii=False))
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    elif fmt == "markdown":
        click.echo(_markdown(df))
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 50):
            if title:
                click.echo(title)
            click.echo(df.to_string(index=False))


def _markdown(df: Any) -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(out)


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
    if fmt == "table":
        df = df[["name", "lon", "lat", "iso3", "kind", "aliases"]]
    _emit(df, fmt)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
