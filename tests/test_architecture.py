"""The house rules of docs/architecture.md, checked: layers, private names, cycles, sizes, imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "corridor"
MODULES = {f"corridor.{p.stem}" if p.stem != "__init__" else "corridor": p for p in sorted(PKG.glob("*.py"))}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[: -node.level] if module != "corridor" else ["corridor"]
    if module == "corridor" and node.level == 1:
        base = ["corridor"]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, tree: ast.Module, *, module_level_only: bool) -> list[tuple[str, list[str], int]]:
    """(imported corridor module, names, line) for each import; optionally only those at module level."""
    out = []
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    for node in nodes:
        if module_level_only and isinstance(node, ast.If):
            test = ast.unparse(node.test)
            if "TYPE_CHECKING" in test:
                continue  # imports for type checkers only
        if isinstance(node, ast.ImportFrom):
            src = _resolve(module, node)
            if src.startswith("corridor"):
                names = [a.name for a in node.names]
                if src == "corridor":  # from . import x  ->  corridor.x
                    for n in names:
                        out.append((f"corridor.{n}", [], node.lineno))
                else:
                    out.append((src, names, node.lineno))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("corridor"):
                    out.append((a.name, [], node.lineno))
    return out


def test_import_contracts_are_kept():
    """import-linter layers (pyproject.toml): a lower layer never imports a higher one."""
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


def test_every_module_has_a_layer():
    """A new module must be placed in the layers contract, or import-linter never checks it."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = conf["tool"]["importlinter"]["contracts"][0]["layers"]
    placed = {m.strip() for layer in layers for m in layer.split("|")}
    missing = sorted(m for m in MODULES if m not in placed and m not in ("corridor", "corridor.__main__"))
    assert not missing, f"add to [tool.importlinter] layers in pyproject.toml: {missing}"


def test_no_module_imports_another_modules_private_names():
    bad = []
    for module, path in MODULES.items():
        for src, names, line in _imports(module, _tree(path), module_level_only=False):
            if src == module:
                continue
            bad += [f"{module}:{line} takes {src}.{n}" for n in names if n.startswith("_") and not n.startswith("__")]
    assert not bad, "\n".join(bad)


def test_no_import_cycles_at_module_level():
    g = nx.DiGraph()
    for module, path in MODULES.items():
        if module == "corridor":
            continue  # the package imports its public names
        for src, _, _ in _imports(module, _tree(path), module_level_only=True):
            if src in MODULES and src != module:
                g.add_edge(module, src)
    cycles = list(nx.simple_cycles(g))
    assert not cycles, cycles


def test_upward_delegates_are_lazy_one_liners():
    """The ignored (upward) imports of the layers contract happen only inside functions."""
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ignored = [tuple(x.split(" -> ")) for x in cfg["tool"]["importlinter"]["contracts"][0]["ignore_imports"]]
    assert ignored
    for importer, imported in ignored:
        tree = _tree(MODULES[importer])
        top = {src for src, _, _ in _imports(importer, tree, module_level_only=True)}
        assert imported not in top, f"{importer} imports {imported} at module level"
        # and every function that imports it is short: a delegate, not a second implementation
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = _imports(importer, ast.Module(body=node.body, type_ignores=[]), module_level_only=False)
                if any(src == imported for src, _, _ in inner):
                    body = [b for b in node.body if not isinstance(b, (ast.Expr, ast.ImportFrom, ast.Import))]
                    assert len(body) <= 2, f"{importer}.{node.name} does more than delegate to {imported}"


def test_no_function_over_100_lines():
    long = []
    for module, path in MODULES.items():
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > 100:
                    long.append(f"{module}.{node.name}: {n} lines")
    assert not long, long


def test_every_public_module_declares_all():
    for module, path in MODULES.items():
        tree = _tree(path)
        declared = [
            n
            for n in tree.body
            if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
        ]
        if module in ("corridor.cli",):
            continue
        assert declared, f"{module} has no __all__"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "corridor"))
def test_all_names_exist(module):
    import importlib

    mod = importlib.import_module(module)
    missing = [n for n in getattr(mod, "__all__", []) if not hasattr(mod, n)]
    assert not missing


def test_import_corridor_is_light():
    """`import corridor` loads none of the heavy or optional dependencies (they load where used)."""
    heavy = ["networkx", "pydantic", "yaml", "osmnx", "folium", "matplotlib", "geopandas", "pyogrio", "dask"]
    code = f"import sys, corridor; print([m for m in {heavy!r} if m in sys.modules])"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]", res.stdout


def test_public_names_import_lazily():
    code = (
        "import sys, corridor; corridor.Route; a = 'networkx' in sys.modules; "
        "corridor.compare; print(a, 'pydantic' in sys.modules, 'folium' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["False", "True", "False"]


def test_readme_states_every_headline_figure_once():
    from corridor.measure import HEADLINE_COLUMNS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Headline figures and comparison columns", 1)[1].split("###", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    named = [name for line in rows for name in line.split("|")[1].replace("`", "").replace(" ", "").split(",")]
    assert sorted(set(named) - {"cost"}) == sorted(HEADLINE_COLUMNS)
    assert len(named) == len(set(named))
