"""Make a rendered folium page self-contained: Leaflet inlined from xstatic-leaflet.

No JavaScript or CSS is copied into this repository: Leaflet's files are read
from the installed ``xstatic-leaflet`` package at save time.  The resources
folium links by default that corridor's maps do not use (jQuery, Bootstrap,
Font Awesome, Leaflet.awesome-markers) are dropped; any other remote script or
stylesheet makes :func:`inline_assets` raise, naming it, rather than leaving a
network request in a file that claims to be offline.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from .errors import RemoteResourceError

__all__ = ["inline_assets", "leaflet_dir"]

_SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>\s*</script>""", re.I)
_LINK_CSS = re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']([^"']+)["'][^>]*/?>""", re.I)

#: Resources that folium adds to every map and corridor's maps never use.
_UNUSED = (
    "jquery",
    "bootstrap",
    "fontawesome",
    "font-awesome",
    "awesome-markers",
    "awesome.rotate",
    "glyphicons",
)


def leaflet_dir() -> Path:
    """Folder of the installed xstatic-leaflet files (``leaflet.js``, ``leaflet.css``)."""
    try:
        from xstatic.pkg import leaflet
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("Saving an offline map needs xstatic-leaflet: `pip install xstatic-leaflet`.") from exc
    return Path(leaflet.BASE_DIR)


@lru_cache(maxsize=1)
def _leaflet_js() -> str:
    js = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    return js.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def _leaflet_css() -> str:
    base = leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        img = base / match.group(1)
        if not img.is_file():  # pragma: no cover - shipped with the package
            return "url()"
        b64 = base64.b64encode(img.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{b64})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    return css.replace("</style", "<\\/style")


def _is_remote(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.I))


def inline_assets(html: str) -> str:
    """Replace Leaflet's CDN links by inline copies; drop unused folium defaults.

    Raises
    ------
    RemoteResourceError
        When the page loads another remote script or stylesheet (a plugin):
        save with ``offline=False`` or remove that plugin.
    """
    uses_awesome = "L.AwesomeMarkers" in html
    blocked: list[str] = []

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if not _is_remote(url):
            return match.group(0)
        name = url.rsplit("/", 1)[-1].lower()
        if name in ("leaflet.js", "leaflet-src.js"):
            return "<script>" + _leaflet_js() + "</script>"
        if any(k in url.lower() for k in _UNUSED) and not (uses_awesome and "awesome-markers" in url.lower()):
            return ""
        blocked.append(url)
        return match.group(0)

    def link(match: re.Match[str]) -> str:
        tag, url = match.group(0), match.group(1)
        if "stylesheet" not in tag.lower() or not _is_remote(url):
            return tag
        name = url.rsplit("/", 1)[-1].lower()
        if name == "leaflet.css":
            return "<style>" + _leaflet_css() + "</style>"
        if any(k in url.lower() for k in _UNUSED) and not uses_awesome:
            return ""
        blocked.append(url)
        return tag

    out = _SCRIPT_SRC.sub(script, html)
    out = _LINK_CSS.sub(link, out)
    if blocked:
        msg = (
            "Cannot save this map offline: it loads "
            + ", ".join(repr(u) for u in blocked)
            + " from the network (a folium plugin or icon set). Remove it, or call "
            "`save_map(m, path, offline=False)` for a file that needs the internet."
        )
        raise RemoteResourceError(msg)
    return out
