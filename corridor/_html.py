"""Compact HTML summaries for Jupyter (every user string escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["analysis_html", "route_html"]

_STYLE = "border-collapse:collapse;font-family:sans-serif;font-size:12px"


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding:2px 8px'>{escape(k)}</th>"
        f"<td style='padding:2px 8px'>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table style='{_STYLE}'>{body}</table>"


def route_html(route: Any) -> str:
    """A route's summary as an HTML table."""
    rows = [
        ("Route", route.name),
        ("Length", f"{route.length_km:,.1f} km (geodesic, WGS84)"),
        ("Mode / status", f"{route.mode} / {route.status}"),
        ("Legs", str(len(route.legs))),
        ("Stops", " → ".join(f"{s.name} ({s.km:.1f} km)" for s in route.stops)),
    ]
    if route.source:
        rows.append(("Source", route.source))
    return _table(rows)


def analysis_html(an: Any) -> str:
    """An analysis' headline figures and sections as HTML tables."""
    head = _table(
        [
            ("Route", an.route.name),
            ("Length", f"{an.length_km:,.1f} km"),
            ("Transit", " → ".join(an.transit)),
            ("Crossings", str(len(an.crossings))),
            ("Closed crossings", str(len(an.closed_crossings))),
            ("Detour index", f"{an.detour_index:.3f}"),
            ("Travel time", f"{an.travel_time().total_h:,.1f} h ({an.params.source})"),
        ]
    )
    sec = an.sections[["iso3", "part_id", "from_km", "to_km", "length_km"]].round(2)
    return head + sec.to_html(index=False, escape=True)
