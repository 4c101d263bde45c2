"""Escaping for every output format a user string can reach: HTML, JavaScript, matplotlib text.

Strings that come from users or data files (route, stop, place and scenario
names, sources, titles, attribution) pass through one of these before they
reach a page or a figure.  Style values (colours) are validated instead.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .errors import ParameterError

__all__ = ["check_color", "escape_text", "js_string", "mpl_text"]

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,30})$")


def escape_text(value: Any) -> str:
    """Escape a user string for HTML text *and* for a JavaScript template literal.

    HTML-escapes ``& < > " '`` and also turns backticks, ``$``, braces and
    backslashes into character references, so the result is inert inside
    HTML, inside a JS template literal (as folium writes tooltips) and inside
    a JSON string.

    Parameters
    ----------
    value : Any
        Converted with ``str()``.

    Returns
    -------
    str

    Examples
    --------
    >>> escape_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_text("`${x}`")
    '&#96;&#36;&#123;x&#125;&#96;'
    >>> escape_text("")
    ''
    """
    s = html.escape(str(value), quote=True)
    for ch, ref in (("\\", "&#92;"), ("`", "&#96;"), ("$", "&#36;"), ("{", "&#123;"), ("}", "&#125;")):
        s = s.replace(ch, ref)
    return s


def js_string(value: str) -> str:
    r"""A JSON string literal safe inside an inline ``<script>``.

    Parameters
    ----------
    value : str

    Returns
    -------
    str

    Examples
    --------
    >>> js_string("</script>")
    '"\\u003c/script\\u003e"'
    """
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def mpl_text(value: Any) -> str:
    r"""A user string made literal for matplotlib (no mathtext from ``$``).

    Parameters
    ----------
    value : Any

    Returns
    -------
    str

    Examples
    --------
    >>> mpl_text("$5 per km")
    '\\$5 per km'
    """
    return str(value).replace("\\", "\\\\").replace("$", r"\$")


def check_color(value: Any, name: str = "colors") -> str:
    """A colour as ``#rgb``, ``#rrggbb`` (with optional alpha) or a CSS name; else a ParameterError.

    Parameters
    ----------
    value : Any
    name : str
        The parameter, for the message.

    Returns
    -------
    str

    Examples
    --------
    >>> check_color("#c8102e")
    '#c8102e'
    >>> check_color("red;background:url(x)")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `colors`: 'red;background:url(x)' is not a colour; ...
    """
    if not isinstance(value, str) or not _COLOR.match(value):
        msg = f"`{name}`: {value!r} is not a colour; give '#rrggbb' or a CSS colour name."
        raise ParameterError(msg)
    return value
