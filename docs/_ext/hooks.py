"""MkDocs hooks for corridor's documentation: one source of truth, made at build time, offline.

* **Notebooks with their outputs.**  ``notebooks/*.ipynb`` are stored without outputs.  The
  build executes each one with nbclient in a fresh ``python3`` kernel, in a temporary
  working directory (what the notebooks write stays out of the source tree), with HTTP(S)
  pointed at a dead proxy so that a notebook that reached for the network would fail, and
  hands the executed copy to mkdocs-jupyter as ``notebooks/<name>.ipynb``.
  ``CORRIDOR_DOCS_QUICK=1`` renders the stored notebooks unexecuted and leaves the gallery
  out (a quick local build; never in CI).
* **The gallery.**  ``docs/gallery/build_gallery.py`` runs in a subprocess (beside the
  notebooks) into a temporary folder; its PNGs become ``gallery/img/*.png`` and its offline
  HTML maps ``gallery/maps/*.html``, and the ``<!-- gallery -->`` marker of
  ``gallery/index.md`` becomes one figure, caption and code block per entry.
* **The command line's help.**  ``<!-- cli-help -->`` becomes ``corridor --help`` and each
  command's ``--help``, as this checkout's CLI prints them.
* **Includes.**  ``<!-- include: PATH -->`` inserts a repository file (``data/README.md``),
  ``<!-- include: README.md#Section title -->`` one section of it (its body, without the
  heading); links inside are rewritten to the site's pages, or to plain text where the
  site has no page for them.
* **No remote assets.**  Every page is checked for a ``<script src>``, ``<link href>``,
  ``<img src>``, ``<iframe src>`` or ``import()`` on another host; one is a warning, so
  ``mkdocs build --strict`` fails.  (Outputs of notebook cells that are HTML documents in an
  ``<iframe srcdoc>``, such as folium maps, are the notebooks' own business.)

The package is imported from this checkout: the subprocesses and kernels get the
repository root first on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.corridor")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("quickstart.ipynb", "zangezur_scenarios.ipynb")
GALLERY_SCRIPT = ROOT / "docs" / "gallery" / "build_gallery.py"

#: Repository files that have a page in the site: repo path -> docs path.
REPO_PAGES = {
    "README.md": "index.md",
    "data/README.md": "data/index.md",
    "docs/architecture.md": "architecture.md",
    "docs/errors.md": "errors.md",
    "docs/maps.md": "maps.md",
    "notebooks/quickstart.ipynb": "notebooks/quickstart.ipynb",
    "notebooks/zangezur_scenarios.ipynb": "notebooks/zangezur_scenarios.ipynb",
}

OFFLINE_ENV = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
    "PYTHONIOENCODING": "utf-8",
    "MPLBACKEND": "Agg",
}

_state: dict[str, Any] = {}


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(OFFLINE_ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    # regions built on request are cached here, not in the user's cache: every build starts clean
    for var, sub in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib"), ("CORRIDOR_CACHE_DIR", "cache")):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    return env


# ---------------------------------------------------------------------------
# notebooks and gallery, made before the files are collected


def _execute_notebook(src: Path, dst: Path, workdir: Path, env: dict[str, str], errors: list[str]) -> None:
    try:
        import nbformat
        from nbclient import NotebookClient

        t0 = time.perf_counter()
        nb = nbformat.read(src, as_version=4)
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(workdir)}},
        )
        client.execute(env=env, cwd=str(workdir))
        nbformat.write(nb, dst)
        log.info("corridor docs: executed %s in %.1f s", src.name, time.perf_counter() - t0)
    except Exception as exc:  # reported as an error by on_files
        errors.append(f"{src.name}: {type(exc).__name__}: {exc}")


def on_pre_build(config: Any) -> None:
    """Execute the notebooks and build the gallery, in parallel, into a temporary folder."""
    old = _state.get("tmp")
    if old is not None:
        old.cleanup()
    tmp = tempfile.TemporaryDirectory(prefix="corridor-docs-")
    _state["tmp"] = tmp
    base = Path(tmp.name)
    env = _env(base / "state")

    quick = os.environ.get("CORRIDOR_DOCS_QUICK", "0") not in ("", "0")
    gallery_out = base / "gallery"
    gallery_out.mkdir()
    gallery = None
    if not quick:
        gallery = subprocess.Popen(
            [sys.executable, str(GALLERY_SCRIPT), str(gallery_out)],
            cwd=str(base),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    else:
        (gallery_out / "gallery.json").write_text("[]", encoding="utf-8")

    executed: dict[str, Path] = {}
    errors: list[str] = []
    threads = []
    if not quick:
        for name in NOTEBOOKS:
            workdir = base / "run" / Path(name).stem
            workdir.mkdir(parents=True)
            dst = base / "executed" / "notebooks" / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            executed[name] = dst
            th = threading.Thread(
                target=_execute_notebook, args=(ROOT / "notebooks" / name, dst, workdir, env, errors), daemon=True
            )
            th.start()
            threads.append(th)
    else:
        log.info("corridor docs: CORRIDOR_DOCS_QUICK=1: notebooks without outputs, no gallery")
        for name in NOTEBOOKS:
            executed[name] = ROOT / "notebooks" / name

    if gallery is not None:
        out, _ = gallery.communicate(timeout=600)
        if gallery.returncode != 0:
            raise RuntimeError(f"docs/gallery/build_gallery.py failed:\n{out}")
        log.info("corridor docs: gallery built\n%s", out.rstrip())
    for th in threads:
        th.join()
    if errors:
        raise RuntimeError("a notebook failed to execute:\n" + "\n".join(errors))
    _state["notebooks"] = executed
    _state["gallery_dir"] = gallery_out
    _state["gallery"] = json.loads((gallery_out / "gallery.json").read_text(encoding="utf-8"))


@event_priority(100)  # before mkdocs-jupyter wraps the notebooks
def on_files(files: Files, config: Any) -> Files:
    """Add the executed notebooks and the gallery's images and maps to the site."""
    for name, path in _state["notebooks"].items():
        # a File with a real src_dir (not File.generated): mkdocs-jupyter's wrapper needs one
        src_dir = str(path.parents[1])
        files.append(File(f"notebooks/{name}", src_dir, config["site_dir"], config["use_directory_urls"]))
    gdir: Path = _state["gallery_dir"]
    for entry in _state["gallery"]:
        png = gdir / f"{entry['slug']}.png"
        if png.exists():
            files.append(File.generated(config, f"gallery/img/{png.name}", abs_src_path=str(png)))
        if "screenshot" in entry:
            html = gdir / entry["screenshot"]
            files.append(File.generated(config, f"gallery/maps/{html.name}", abs_src_path=str(html)))
    return files


# ---------------------------------------------------------------------------
# includes and the gallery page

INCLUDE = re.compile(r"^<!-- include: (?P<path>[^#\s]+)(?:#(?P<section>[^>]+?))? -->\s*$", re.MULTILINE)
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")


def _section(text: str, title: str, where: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(#{1,6}) (.*?)\s*$", line)
        if m and m.group(2) == title:
            level = len(m.group(1))
            body = []
            fence = False
            for follow in lines[i + 1 :]:
                if follow.startswith("```"):
                    fence = not fence
                h = re.match(r"^(#{1,6}) ", follow)
                if h and not fence and len(h.group(1)) <= level:
                    break
                body.append(follow)
            return "\n".join(body).strip("\n")
    raise ValueError(f"{where}: no section {title!r} to include")


def _rewrite_links(text: str, source: str, page_src: str) -> str:
    """Links of ``source`` (a repository path) made relative to the page ``page_src``."""

    def repl(m: re.Match[str]) -> str:
        target = m.group("target")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return m.group(0)
        path, _, anchor = target.partition("#")
        repo_path = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        doc = REPO_PAGES.get(repo_path)
        if doc is None:
            return m.group("text")  # no page for it in the site: keep the words
        rel = posixpath.relpath(doc, posixpath.dirname(page_src) or ".")
        return f"[{m.group('text')}]({rel}{'#' + anchor if anchor else ''})"

    return LINK.sub(repl, text)


def _include(m: re.Match[str], page_src: str) -> str:
    rel = m.group("path")
    text = (ROOT / rel).read_text(encoding="utf-8")
    if m.group("section"):
        text = _section(text, m.group("section").strip(), rel)
    return _rewrite_links(text, rel, page_src)


def _gallery_markdown() -> str:
    if not _state["gallery"]:
        return '!!! note "Quick build"\n    `CORRIDOR_DOCS_QUICK=1`: the gallery is made only by a full build.\n'
    parts = []
    for e in _state["gallery"]:
        parts.append(f"## {e['title']}\n")
        if "skipped" in e:
            parts.append(f'!!! note "Not made in this build"\n    {e["skipped"]} (needs `/usr/bin/chromium`).\n')
        else:
            alt = e["title"].replace("[", "").replace("]", "")
            parts.append(
                f'<figure markdown="span">\n  ![{alt}](img/{e["slug"]}.png){{ loading=lazy }}\n'
                f'  <figcaption markdown="span">{e["caption"]}</figcaption>\n</figure>\n'
            )
        parts.append(f"```python\n{e['code']}\n```\n")
    return "\n".join(parts)


CLI_HELP = """
import json
from click.testing import CliRunner
from corridor.cli import main
runner = CliRunner()
out = {"": runner.invoke(main, ["--help"], prog_name="corridor", terminal_width=100).output}
for name in sorted(main.commands):
    out[name] = runner.invoke(main, [name, "--help"], prog_name="corridor", terminal_width=100).output
print(json.dumps(out))
"""


def _cli_markdown() -> str:
    """``corridor --help`` and each command's ``--help``, as the installed CLI prints them."""
    env = _env(Path(_state["tmp"].name) / "state")
    proc = subprocess.run(
        [sys.executable, "-c", CLI_HELP], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"corridor --help failed:\n{proc.stderr}")
    helps = json.loads(proc.stdout)
    parts = ["```text\n$ corridor --help\n" + helps.pop("").rstrip() + "\n```\n"]
    for name, text in helps.items():
        parts.append(f"### `corridor {name}`\n\n```text\n$ corridor {name} --help\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Expand the include, gallery and CLI help markers."""
    src = page.file.src_uri
    markdown = INCLUDE.sub(lambda m: _include(m, src), markdown)
    if "<!-- gallery -->" in markdown:
        markdown = markdown.replace("<!-- gallery -->", _gallery_markdown())
    if "<!-- cli-help -->" in markdown:
        markdown = markdown.replace("<!-- cli-help -->", _cli_markdown())
    return markdown


# ---------------------------------------------------------------------------
# the built site loads nothing from another host

REMOTE = re.compile(
    r"<(?:script|img|iframe|audio|video|source)\b[^>]*?\ssrc=[\"'](?P<a>(?:https?:)?//[^\"']+)"
    r"|<link\b[^>]*?\shref=[\"'](?P<b>(?:https?:)?//[^\"']+)"
    r"|\bimport\(\s*[\"'](?P<c>(?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)
#: What nbconvert's template adds to every notebook page and these notebooks never use: MathJax
#: (an empty loader: mkdocs-jupyter's ``custom_mathjax_url`` is unset) and a module that would
#: import mermaid from a CDN if a cell held a diagram.
NOTEBOOK_EXTRAS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r'|<script type="module">(?:(?!</script>).)*?jp-Mermaid.*?</script>',
    re.DOTALL,
)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Drop nbconvert's unused MathJax and mermaid loaders; warn about remote assets."""
    if page.file.src_uri.endswith(".ipynb"):
        output = NOTEBOOK_EXTRAS.sub("", output)
    for m in REMOTE.finditer(output):
        url = m.group("a") or m.group("b") or m.group("c")
        log.warning("%s loads a remote asset: %s", page.file.src_uri, url)
    return output


def on_post_build(config: Any) -> None:
    """Remove the temporary folder."""
    tmp = _state.pop("tmp", None)
    if tmp is not None:
        shutil.rmtree(tmp.name, ignore_errors=True)
