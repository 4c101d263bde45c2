"""The documentation site (mkdocs.yml, docs/) stays true to the package.

These tests do not run mkdocs (``.ci/run`` builds the site with ``mkdocs build --strict``
after the test suite, with the ``docs`` extra): they check what can go stale without the
build noticing.

* Every public name of ``corridor`` is in the API reference, and every public module has
  its page, rendered by mkdocstrings (``::: corridor.<module>``) and in the nav.
* The ``>>>`` examples of the user guide and the home page run, and print what the pages say
  (doctest, as for the docstrings).
* Each ``<!-- include: FILE#Section -->`` marker names a file and section that exist, so the
  site keeps including README.md and data/README.md rather than copies of them.
* The gallery's figures each have a title, a caption and the code that makes them.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import corridor

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

#: The public modules, each with a page in docs/reference/.
PUBLIC_MODULES = [
    "crossings",
    "datasets",
    "errors",
    "geodesy",
    "io",
    "maps",
    "measure",
    "network",
    "places",
    "plot",
    "region",
    "route",
    "routing",
    "scenario",
    "validation",
]


def _nav_pages(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [p for item in node for p in _nav_pages(item)]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _nav_pages(value)]
    return []


def _mkdocs_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_public_name_is_in_the_api_reference() -> None:
    index = (REFERENCE / "index.md").read_text(encoding="utf-8")
    missing = [name for name in corridor.__all__ if f"`{name}`" not in index and f"`corridor.{name}`" not in index]
    assert not missing, f"docs/reference/index.md does not list {missing}"


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_module_has_a_reference_page(module: str) -> None:
    page = REFERENCE / f"{module}.md"
    assert page.exists(), f"no {page.relative_to(ROOT)}"
    text = page.read_text(encoding="utf-8")
    assert re.search(rf"^::: corridor\.{module}$", text, re.MULTILINE), f"{page.name} does not render corridor.{module}"
    assert f"reference/{module}.md" in _nav_pages(_mkdocs_config()["nav"])


def test_the_nav_lists_the_existing_design_pages() -> None:
    pages = _nav_pages(_mkdocs_config()["nav"])
    for page in ("architecture.md", "maps.md", "errors.md", "index.md", "gallery/index.md", "data/index.md"):
        assert page in pages
        assert (DOCS / page).exists()


def _md_with_examples() -> list[Path]:
    """The home page and the user guide (the design pages' ``>>>`` snippets are illustrations)."""
    pages = [DOCS / "index.md", *(DOCS / "guide").glob("*.md")]
    return sorted(p for p in pages if ">>> " in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", _md_with_examples(), ids=lambda p: str(p.relative_to(DOCS)))
def test_the_examples_of_the_pages_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    # tables print whole, as in a notebook (the notebooks set display.width the same way)
    options = {"display.width": 200, "display.max_columns": 30}
    saved = {k: pd.get_option(k) for k in options}
    for k, v in options.items():
        pd.set_option(k, v)
    try:
        result = _run_doctest(page)
    finally:
        for k, v in saved.items():
            pd.set_option(k, v)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) of {page.relative_to(ROOT)} failed (see the output above)"


def _run_doctest(page: Path) -> doctest.TestResults:
    return doctest.testfile(
        str(page),
        module_relative=False,
        globs={},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        report=True,
        verbose=False,
    )


INCLUDE = re.compile(r"^<!-- include: (?P<path>[^#\s]+)(?:#(?P<section>[^>]+?))? -->\s*$", re.MULTILINE)


def _includes() -> list[tuple[str, str, str | None]]:
    out = []
    for page in sorted(DOCS.rglob("*.md")):
        for m in INCLUDE.finditer(page.read_text(encoding="utf-8")):
            out.append((str(page.relative_to(DOCS)), m.group("path"), m.group("section")))
    return out


def test_the_site_includes_the_readmes_rather_than_copies() -> None:
    included = {(path, section) for _, path, section in _includes()}
    assert ("data/README.md", None) in included
    assert ("README.md", "Measurement rules") in included
    assert ("README.md", "Headline figures and comparison columns (stable contract)") in included


@pytest.mark.parametrize(("page", "path", "section"), _includes())
def test_each_include_names_a_file_and_section_that_exist(page: str, path: str, section: str | None) -> None:
    target = ROOT / path
    assert target.is_file(), f"{page} includes {path}, which does not exist"
    if section:
        headings = re.findall(r"^#{1,6} (.*?)\s*$", target.read_text(encoding="utf-8"), re.MULTILINE)
        assert section.strip() in headings, f"{page} includes {path}#{section}: no such heading"


def test_the_gallery_figures_have_a_caption_and_their_code() -> None:
    spec = importlib.util.spec_from_file_location("build_gallery", DOCS / "gallery" / "build_gallery.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    slugs = [f["slug"] for f in mod.FIGURES]
    assert len(slugs) == len(set(slugs)) >= 6
    for fig in mod.FIGURES:
        assert fig["title"] and fig["caption"] and "import corridor" in fig["code"]
        made = fig.get("screenshot", f"{fig['slug']}.png")
        assert f'"{made}"' in fig["code"], f"{fig['slug']}: its code does not write {made}"
    shown = {"plot_map", "plot_border_profile", "plot_territory", "plot_comparison", "save_map"}
    code = "\n".join(f["code"] for f in mod.FIGURES)
    assert all(name in code for name in shown)
