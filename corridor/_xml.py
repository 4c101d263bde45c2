"""XML inputs checked before any other parser sees them: defusedxml, bounded, structured.

corridor hands OSM XML and GraphML to osmnx (and KML or GPX to GDAL), whose parsers
trust their input.  :func:`scan_xml` reads the file first, in a stream, with
defusedxml's expat reader, and refuses:

* a document type declaration (``<!DOCTYPE``), so no entity, no billion laughs, no
  external entity and no external DTD is ever expanded or fetched (OSM XML, GraphML,
  KML and GPX have none);
* bytes that are not well-formed XML (truncated, empty, binary), with the line and column;
* more than ``max_bytes`` bytes (counted after decompression: a ``.bz2`` bomb stops there);
* with ``utf8=True``, bytes that are not UTF-8 (the offset of the first bad byte) or a
  declared encoding other than UTF-8;
* elements nested deeper than :data:`MAX_XML_DEPTH`;
* whatever the content handler refuses: :class:`OSMCheck` (the structure osmnx's OSM reader
  relies on) and :class:`RootCheck` (the root element of GraphML, KML or GPX).

Every refusal is ``error`` (a :class:`~corridor.errors.CorridorError`) naming the file.
"""

from __future__ import annotations

import bz2
import codecs
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from xml.sax.handler import ContentHandler

__all__ = [
    "DEFAULT_MAX_XML_BYTES",
    "MAX_XML_DEPTH",
    "OSMCheck",
    "RootCheck",
    "open_maybe_bz2",
    "scan_xml",
]

#: Default largest XML input in bytes, after decompression (2 GB).
DEFAULT_MAX_XML_BYTES = 2_000_000_000
#: Deepest element nesting (OSM XML needs 3, GraphML 4, KML a dozen).
MAX_XML_DEPTH = 64

_CHUNK = 1 << 16
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
#: Most digits of an OSM id, ref, version, changeset or uid (a signed 64-bit integer has 19).
_MAX_INT_DIGITS = 19


def open_maybe_bz2(f: IO[bytes], path: Path) -> IO[bytes]:
    """``f`` itself, or a stream of its decompressed bytes if ``path`` ends in ``.bz2`` (any case)."""
    if path.name.lower().endswith(".bz2"):
        return bz2.BZ2File(f, "rb")
    return f


class _Refused(Exception):
    """What a content handler refuses; :func:`scan_xml` adds the file and the position."""


class RootCheck(ContentHandler):
    """Refuses a root element other than one of ``roots`` (namespace prefixes ignored)."""

    def __init__(self, roots: tuple[str, ...], what: str) -> None:
        super().__init__()
        self.roots, self.what, self.depth = roots, what, 0

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - the SAX name
        if self.depth == 0 and name.rpartition(":")[2] not in self.roots:
            expected = " or ".join(f"<{r}>" for r in self.roots)
            raise _Refused(f"the root element is <{name}>, expected {expected}: this is not {self.what}")
        self.depth += 1

    def endElement(self, name: str) -> None:  # noqa: N802
        self.depth -= 1


class OSMCheck(ContentHandler):
    """The structure osmnx's OSM XML reader relies on, checked element by element.

    The root is ``<osm>``; ``<node>``, ``<way>`` and ``<relation>`` sit directly in it
    with an integer ``id`` (a node also a finite ``lat`` within ±90 and ``lon`` within
    ±180); ``<tag>`` (with ``k`` and ``v``) sits in one of them, ``<nd>`` (with an integer
    ``ref``) in a way and ``<member>`` in a relation.  Counts ``nodes`` and ``ways``.
    """

    _ELEMENTS = ("node", "way", "relation")
    _RESERVED = ("type", "tags", "nodes", "members")  # osmnx builds its dicts with these

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.nodes = self.ways = 0

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - the SAX name
        parent = self.stack[-1] if self.stack else None
        self.stack.append(name)
        if parent is None:
            if name != "osm":
                raise _Refused(f"the root element is <{name}>, expected <osm>: this is not OSM XML")
        elif name in self._ELEMENTS:
            self._element(name, parent, attrs)
        elif name == "tag":
            self._child(name, parent, self._ELEMENTS)
            if "k" not in attrs or "v" not in attrs:
                raise _Refused("a <tag> without its `k` and `v` attributes")
        elif name == "nd":
            self._child(name, parent, ("way",))
            _integer(attrs, "ref", "nd")
        elif name == "member":
            self._child(name, parent, ("relation",))
            if "ref" in attrs:
                _integer(attrs, "ref", "member")

    def endElement(self, name: str) -> None:  # noqa: N802
        self.stack.pop()

    def _child(self, name: str, parent: str, parents: tuple[str, ...]) -> None:
        if parent not in parents:
            raise _Refused(f"a <{name}> inside <{parent}>; it belongs in {' or '.join(f'<{p}>' for p in parents)}")

    def _element(self, name: str, parent: str, attrs: Any) -> None:
        if parent != "osm":
            raise _Refused(f"a <{name}> inside <{parent}>; it belongs directly in <osm>")
        bad = [a for a in self._RESERVED if a in attrs]
        if bad:
            raise _Refused(f"a <{name}> with an attribute `{bad[0]}`, which OSM elements do not have")
        for key in ("id", "version", "changeset", "uid"):
            if key == "id" or key in attrs:
                _integer(attrs, key, name)
        if name != "relation":  # osmnx reads lat and lon of nodes, and of ways that have them
            for key, bound in (("lat", 90.0), ("lon", 180.0)):
                if name == "node" or key in attrs:
                    _coordinate(attrs, key, bound, name)
        self.nodes += name == "node"
        self.ways += name == "way"


def _integer(attrs: Any, key: str, element: str) -> None:
    value = attrs.get(key)
    text = str(value).strip() if value is not None else ""
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_INT_DIGITS:
        got = "none" if value is None else repr(value[:30])
        raise _Refused(f"a <{element}> whose `{key}` is not an integer of at most 19 digits (got {got})")


def _coordinate(attrs: Any, key: str, bound: float, element: str) -> None:
    value = attrs.get(key)
    try:
        x = float(value) if value is not None and len(value) <= 40 else math.nan
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and abs(x) <= bound):
        got = "none" if value is None else repr(value[:30])
        raise _Refused(f"a <{element}> whose `{key}` is not a number within ±{bound:g}° (got {got})")


def scan_xml(
    stream: IO[bytes],
    handler: ContentHandler,
    *,
    where: str,
    max_bytes: int,
    error: Callable[[str], Exception],
    utf8: bool = True,
) -> int:
    """Parse ``stream`` with defusedxml, feeding ``handler``; return the bytes read.

    Parameters
    ----------
    stream : binary file
        Already decompressed (see :func:`open_maybe_bz2`).
    handler : xml.sax.handler.ContentHandler
        Checks the structure; raises to refuse.
    where : str
        Names the file at the start of every message.
    max_bytes : int
        Refuse a stream longer than this.
    error : callable
        Builds the exception to raise from a message.
    utf8 : bool, default True
        Require UTF-8 bytes (a UTF-8 byte-order mark allowed).

    Returns
    -------
    int

    Examples
    --------
    >>> import io
    >>> from corridor.errors import DataError
    >>> bomb = b'<!DOCTYPE osm [<!ENTITY a "aaaa">]><osm>&a;</osm>'
    >>> scan_xml(io.BytesIO(bomb), OSMCheck(), where="x.osm", max_bytes=10**6, error=DataError)
    Traceback (most recent call last):
    ...
    corridor.errors.DataError: x.osm: refused: the file has a document type declaration (<!DOCTYPE osm>); ...
    """
    from defusedxml.expatreader import create_parser

    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(_Depth(handler))
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    total = 0
    while True:
        chunk = _read(stream, where, error)
        if total == 0 and utf8:
            _check_start(chunk, where, error)
        if utf8:
            _check_utf8(decoder, chunk, total, where, error)
        total += len(chunk)
        if total > max_bytes:
            msg = (
                f"{where}: more than {max_bytes:,} bytes of XML (after decompression); "
                "raise `max_bytes` if the file is genuinely this large."
            )
            raise error(msg)
        if total == 0:
            raise error(f"{where}: the file is empty (0 bytes); expected XML.")
        _feed(parser, chunk, where, error)
        if not chunk:
            return total


def _feed(parser: Any, chunk: bytes, where: str, error: Callable[[str], Exception]) -> None:
    """Feed ``chunk`` to the parser (close it on ``b""``); its complaints as ``error``."""
    from xml.sax import SAXParseException

    from defusedxml import DefusedXmlException

    try:
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
    except _Refused as exc:
        raise error(f"{where}: refused{_at(parser)}: {exc}.") from None
    except (SAXParseException, DefusedXmlException) as exc:
        raise _translated(exc, where, error) from None
    except (LookupError, ValueError) as exc:  # expat and an encoding it cannot read: "UTF-7", "nan"
        raise error(f"{where}: the XML declares an encoding that cannot be read ({exc}).") from None


def _translated(exc: Exception, where: str, error: Callable[[str], Exception]) -> Exception:
    """The message of an expat or defusedxml refusal."""
    from xml.sax import SAXParseException

    from defusedxml import DTDForbidden

    if isinstance(exc, DTDForbidden):
        msg = (
            f"{where}: refused: the file has a document type declaration (<!DOCTYPE {exc.name}>); "
            "OSM XML, GraphML, KML and GPX need none, and corridor expands no entities."
        )
        return error(msg)
    if isinstance(exc, SAXParseException):
        at = f" at line {exc.getLineNumber()}, column {(exc.getColumnNumber() or 0) + 1}"
        return error(f"{where}: not well-formed XML{at}: {exc.getMessage()} (is the file truncated, or not XML?)")
    return error(f"{where}: refused: the file declares or refers to an XML entity ({exc}).")


class _Depth(ContentHandler):
    """Forwards to a handler, refusing elements nested deeper than :data:`MAX_XML_DEPTH`."""

    def __init__(self, inner: ContentHandler) -> None:
        super().__init__()
        self.inner, self.depth = inner, 0

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _Refused(f"elements nested more than {MAX_XML_DEPTH} levels deep")
        self.inner.startElement(name, attrs)

    def endElement(self, name: str) -> None:  # noqa: N802
        self.depth -= 1
        self.inner.endElement(name)


def _at(parser: Any) -> str:
    return f" at line {parser.getLineNumber()}, column {parser.getColumnNumber() + 1}"


def _read(stream: IO[bytes], where: str, error: Callable[[str], Exception]) -> bytes:
    try:
        return stream.read(_CHUNK)
    except (OSError, EOFError, ValueError) as exc:  # a corrupt or truncated .bz2
        raise error(f"{where}: cannot decompress or read the file: {exc}.") from None


def _check_start(chunk: bytes, where: str, error: Callable[[str], Exception]) -> None:
    for bom, name in _BOMS:
        if chunk.startswith(bom):
            raise error(f"{where}: the file is {name} (byte-order mark at byte 0); save it as UTF-8.")
    m = _DECLARED.match(chunk.removeprefix(codecs.BOM_UTF8))
    if m and m.group(1).decode("ascii").lower() not in _UTF8_NAMES:
        msg = f"{where}: the XML declares encoding {m.group(1).decode('ascii')!r}; corridor reads UTF-8 XML only."
        raise error(msg)


def _check_utf8(decoder: Any, chunk: bytes, offset: int, where: str, error: Callable[[str], Exception]) -> None:
    try:
        decoder.decode(chunk, final=not chunk)
    except UnicodeDecodeError as exc:
        at = offset + exc.start
        msg = f"{where}: not UTF-8: the byte at offset {at} is not valid UTF-8 ({exc.reason}); save the file as UTF-8."
        raise error(msg) from None
