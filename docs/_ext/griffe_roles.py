"""Griffe extension: Sphinx roles in corridor's docstrings, rendered for mkdocstrings.

corridor's docstrings are numpydoc, checked by numpydoc and read in Jupyter and by
``help()``; they cross-reference with Sphinx roles (``:func:`analyze```,
``:class:`~corridor.errors.DataError```, ``:data:`HEADLINE_COLUMNS```), which
Markdown would show verbatim.  This extension rewrites each role, in every docstring of
the package, before mkdocstrings parses it:

* a target that resolves to an object the API reference documents becomes an autorefs
  cross-reference, ``[`analyze`][corridor.measure.analyze]`` (a link in the site);
* anything else (a builtin such as ``PermissionError``, a private module, a third-party
  name) becomes inline code, so nothing can fail ``mkdocs build --strict`` as a
  dangling reference.

Targets are resolved as Sphinx would: as written, then relative to the enclosing class,
then to the module, then to the package.  ``~`` shows only the last component.

It also gives attributes the descriptions Sphinx would find, since griffe reads only a
string literal after an assignment:

* a module constant documented by ``#:`` comments above it (``#: The headline figures ...``)
  gets them as its docstring;
* a dataclass field, documented in its class's ``Parameters`` or ``Attributes`` section,
  gets that entry's description.

An RST literal-block marker (``Hierarchy::``) becomes a colon.

Special methods (``__repr__``, ``__post_init__``) are marked not public, so that
``filters: public`` (which follows each module's ``__all__``) leaves them out.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

LITERAL_MARKER = re.compile(r"(\S)::[ \t]*\n\n")
ROLE = re.compile(r":(?:py:)?(?:func|class|data|meth|attr|mod|exc|obj|const):`(?P<target>[^`]+)`")

#: Modules whose pages render their ``__all__`` (docs/reference/*.md), and the names the
#: top-level page renders from private modules.
DOCUMENTED_MODULES = (
    "corridor.crossings",
    "corridor.datasets",
    "corridor.errors",
    "corridor.geodesy",
    "corridor.io",
    "corridor.maps",
    "corridor.measure",
    "corridor.network",
    "corridor.places",
    "corridor.plot",
    "corridor.region",
    "corridor.route",
    "corridor.routing",
    "corridor.scenario",
    "corridor.validation",
)
EXTRA_DOCUMENTED = ("corridor._coverage.clean_coverage", "corridor._show_versions.show_versions")


def _all_names(module: Any) -> list[str]:
    exports = getattr(module, "exports", None)
    if not exports:
        return []
    return [e if isinstance(e, str) else getattr(e, "name", str(e)) for e in exports]


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles into autorefs cross-references or inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.documented: set[str] = set()

    # -- which paths are rendered somewhere in the reference ---------------------------
    def _collect(self, pkg: griffe.Module) -> None:
        self.documented = {"corridor", *DOCUMENTED_MODULES, *EXTRA_DOCUMENTED}
        for modpath in DOCUMENTED_MODULES:
            mod = pkg[modpath.split(".", 1)[1]]
            for name in _all_names(mod):
                try:
                    obj = mod[name]
                except (KeyError, griffe.AliasResolutionError):
                    continue
                path = f"{modpath}.{name}"
                self.documented.add(path)
                target = self._final(obj)
                if target is not None and target.is_class:
                    for mname in target.members:
                        if not mname.startswith("_"):
                            self.documented.add(f"{path}.{mname}")
                            self.documented.add(f"{target.path}.{mname}")

    @staticmethod
    def _final(obj: Any) -> Any:
        try:
            return obj.final_target if obj.is_alias else obj
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None

    def _resolve(self, pkg: griffe.Module, scope: Any, target: str) -> str | None:
        candidates = [target]
        cls = scope if getattr(scope, "is_class", False) else getattr(scope, "parent", None)
        while cls is not None and not getattr(cls, "is_class", False):
            cls = getattr(cls, "parent", None)
        if cls is not None:
            candidates.append(f"{cls.path}.{target}")
        mod = scope if getattr(scope, "is_module", False) else getattr(scope, "module", None)
        if mod is not None:
            candidates.append(f"{mod.path}.{target}")
        candidates.append(f"corridor.{target}")
        for cand in candidates:
            if cand != "corridor" and not cand.startswith("corridor."):
                continue
            try:
                obj = pkg if cand == "corridor" else pkg[cand[len("corridor.") :]]
            except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            final = self._final(obj)
            for path in (getattr(obj, "path", None), getattr(final, "path", None), cand):
                if path in self.documented:
                    return path
            return None  # it exists, but no page renders it
        return None

    def _rewrite(self, pkg: griffe.Module, obj: Any) -> None:
        doc = obj.docstring
        if doc is None or ":" not in doc.value:
            return

        def repl(m: re.Match[str]) -> str:
            raw = m.group("target").strip()
            short = raw.startswith("~")
            target = raw.lstrip("~").removesuffix("()")
            shown = target.rsplit(".", 1)[-1] if short else target
            path = self._resolve(pkg, obj, target)
            if path is None:
                return f"`{shown}`"
            return f"[`{shown}`][{path}]"

        # an RST literal-block marker ("Hierarchy::") is a colon in Markdown, where the
        # indented block that follows is code anyway
        doc.value = LITERAL_MARKER.sub(r"\1:\n\n", ROLE.sub(repl, doc.value))

    # -- attribute descriptions ---------------------------------------------------------
    @staticmethod
    def _comment_doc(obj: Any, lines_cache: dict[str, list[str]]) -> str | None:
        path = getattr(obj, "filepath", None)
        if obj.lineno is None or path is None:
            return None
        key = str(path)
        if key not in lines_cache:
            lines_cache[key] = path.read_text(encoding="utf-8").splitlines()
        lines = lines_cache[key]
        doc: list[str] = []
        i = obj.lineno - 2
        while i >= 0 and lines[i].strip().startswith("#:"):
            doc.insert(0, lines[i].strip()[2:].strip())
            i -= 1
        return "\n".join(doc) or None

    @staticmethod
    def _field_doc(obj: Any) -> str | None:
        cls = obj.parent
        if not getattr(cls, "is_class", False) or cls.docstring is None:
            return None
        for section in cls.docstring.parse("numpy", warnings=False):
            if section.kind.value not in ("parameters", "attributes"):
                continue
            for item in section.value:
                names = [n.strip() for n in item.name.split(",")]
                if obj.name in names and item.description:
                    return item.description
        return None

    def _describe(self, obj: Any, lines_cache: dict[str, list[str]]) -> None:
        if not obj.is_attribute or obj.docstring is not None or obj.name.startswith("_"):
            return
        text = self._comment_doc(obj, lines_cache) or self._field_doc(obj)
        if text:
            obj.docstring = griffe.Docstring(text, lineno=obj.lineno, parent=obj)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Describe attributes, then rewrite every docstring of the package, once it is loaded."""
        if pkg.name != "corridor":
            return
        self._collect(pkg)
        lines_cache: dict[str, list[str]] = {}
        seen: set[int] = set()
        objects: list[Any] = []

        def walk(obj: Any) -> None:
            if id(obj) in seen or obj.is_alias:
                return
            seen.add(id(obj))
            objects.append(obj)
            for member in obj.members.values():
                walk(member)

        walk(pkg)
        for obj in objects:  # before the roles are rewritten: field docs come from class docstrings
            self._describe(obj, lines_cache)
            if obj.name.startswith("__") and obj.name.endswith("__") and not obj.is_module:
                obj.public = False  # __repr__, __post_init__, ...: not API to document
        for obj in objects:
            self._rewrite(pkg, obj)
