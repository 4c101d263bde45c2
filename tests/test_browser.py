"""The offline map in a real headless Chromium, with every network request blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

import corridor
from corridor.maps import make_map, save_map
from tests.browser import ARTIFACTS, needs_browser, offline_page, playwright_api

EVIL_ROUTE = '<img src=x onerror="window.__pwned=1;alert(1)"> `${window.__pwned=3}`'
EVIL_STOP = "</script><script>window.__pwned=2;alert(2)</script>"

pytestmark = needs_browser


@pytest.fixture(scope="module")
def page_html(tmp_path_factory) -> Path:
    zangezur = corridor.Route.from_places(
        ["Horadiz", "Aghband", "Meghri", "Ordubad", "Julfa", "Nakhchivan"],
        name=EVIL_ROUTE,
        status="planned",
    )
    stops = [(EVIL_STOP if i == 2 else s.name, s.lon, s.lat) for i, s in enumerate(zangezur.stops)]
    zangezur = zangezur._with_stops(stops)
    araz = corridor.Route.along_border(
        ["AZE", "ARM"], "IRN", side="a", offset_m=500, start="Horadiz", end="Julfa"
    ).with_attrs(name="Araz valley 'quoted' \"route\"")
    m = make_map(
        routes=[araz],
        analyses=[corridor.analyze(zangezur)],
        borders=[("ARM", "IRN")],
        band_km=5,
        title="Zangezur ${x} `title`",
    )
    return save_map(m, tmp_path_factory.mktemp("browser") / "map.html")


def test_offline_map_in_chromium(page_html: Path):
    with offline_page(1280, 860) as (page, log):
        page.goto(page_html.as_uri())
        page.wait_for_selector(".leaflet-container .leaflet-overlay-pane svg path")
        page.wait_for_timeout(500)

        box = page.locator(".folium-map").bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 400
        assert page.locator(".corridor-route").count() >= 2
        assert page.locator(".corridor-border").count() >= 5
        assert page.locator(".corridor-border-highlight").count() >= 1
        assert page.locator(".corridor-stop").count() >= 6
        assert page.locator(".corridor-cross").count() >= 1
        legend = page.locator(".corridor-legend").inner_text()
        assert "Legend" in legend and "Araz valley 'quoted' \"route\"" in legend
        assert EVIL_ROUTE in legend  # shown as text
        assert "Border crossing" in legend
        assert page.locator(".leaflet-control-scale-line").count() == 1
        assert "OpenStreetMap contributors" in page.locator(".leaflet-control-attribution").inner_text()
        assert "Nakhchivan" in page.locator(".leaflet-marker-pane").inner_text()
        assert "${x}" in page.locator(".corridor-title").inner_text()
        page.screenshot(path=str(ARTIFACTS / "offline_map.png"))
        # open every tooltip: the injected names must show as text and run nothing
        n_tips = page.evaluate(
            """() => {
              const key = Object.keys(window).find(k => k.startsWith('map_'));
              let n = 0;
              window[key].eachLayer(l => {
                const at = l.getLatLng ? l.getLatLng()
                  : l.getCenter ? l.getCenter()
                  : l.getBounds ? l.getBounds().getCenter() : null;
                if (at && l.getTooltip && l.getTooltip()) {
                  l.getTooltip().options.permanent = true;
                  l.openTooltip(at);
                  n += 1;
                }
              });
              return n;
            }"""
        )
        assert n_tips > 10
        page.wait_for_timeout(300)
        tips = page.locator(".leaflet-tooltip-pane").inner_text()
        assert EVIL_ROUTE in tips and EVIL_STOP in tips
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src=x]").count() == 0

        page.screenshot(path=str(ARTIFACTS / "offline_map_tooltips.png"))
    assert log.blocked == []
    assert log.errors == []
    assert log.dialogs == []


def test_notebook_maps_render_offline(tmp_path):
    """explore() in Jupyter: execute a notebook, export it to HTML, open it with every request blocked."""
    playwright_api()  # skip before the notebook runs, not after
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_code_cell("import corridor\nr = corridor.Route.from_places(['Meghri', 'Ordubad'], name='Meghri line')"),
            new_code_cell("r.explore()"),
            new_code_cell("corridor.analyze(r).explore(color_by='territory')"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = [o for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert len(shown) == 2 and all("<iframe srcdoc=" in o["data"]["text/html"] for o in shown)
    assert not any("unpkg.com" in o["data"]["text/html"] or "cdn.jsdelivr" in o["data"]["text/html"] for o in shown)
    # nbconvert's own page links MathJax and require.js from a CDN: switched off here, the map is ours
    body, _ = HTMLExporter(mathjax_url="", require_js_url="", jquery_url="").from_notebook_node(nb)
    page_path = tmp_path / "notebook.html"
    page_path.write_text(body, encoding="utf-8")

    with offline_page(1100, 1800) as (page, log):
        page.goto(page_path.as_uri())
        frames = [f for f in page.frames if f != page.main_frame]
        assert len(frames) == 2
        for f in frames:
            f.wait_for_selector(".leaflet-overlay-pane svg path", timeout=20_000)
            assert f.locator(".corridor-route").count() >= 1
            assert f.locator(".corridor-border").count() >= 3
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "notebook_offline.png"), full_page=True)
    assert log.blocked == []
    assert log.errors == []


def test_labels_at_every_zoom(tmp_path):
    """Every territory in view is labelled at its visible centre, places show at street zooms, no label overlaps."""
    scenarios = corridor.builtin_scenarios()
    path = save_map(corridor.compare_map(scenarios), tmp_path / "labels.html")
    js_map = "window[Object.keys(window).find(k => k.startsWith('map_'))]"
    shown = """() => Array.from(document.querySelectorAll('.corridor-label')).filter(e => {
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return r.width > 0 && s.visibility !== 'hidden' && s.display !== 'none'
          && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight;
      }).map(e => { const r = e.getBoundingClientRect(); return [e.innerText, r.left, r.top, r.right, r.bottom]; })"""
    with offline_page(1400, 900) as (page, log):
        page.goto(path.as_uri())
        page.wait_for_selector(".leaflet-overlay-pane svg path")
        for (lat, lon, zoom), expected in [
            ((None, None, None), {"ARMENIA", "AZERBAIJAN", "IRAN", "GEORGIA", "TÜRKIYE"}),
            ((39.05, 45.9, 9), {"ARMENIA", "AZERBAIJAN", "IRAN"}),
            ((38.90, 46.24, 12), {"ARMENIA", "AZERBAIJAN", "IRAN", "Meghri", "Agarak"}),
        ]:
            if zoom is not None:
                page.evaluate(f"() => {js_map}.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
            page.wait_for_timeout(600)
            labels = page.evaluate(shown)
            texts = {t.upper() if t.upper() == t else t for t, *_ in labels}
            assert expected <= {t if t in expected else t.upper() for t in texts}, (zoom, sorted(texts))
            for i, (ta, *a) in enumerate(labels):  # no two visible labels overlap
                for tb, *b in labels[i + 1 :]:
                    overlap = a[0] < b[2] - 1 and a[2] > b[0] + 1 and a[1] < b[3] - 1 and a[3] > b[1] + 1
                    assert not overlap, (zoom, ta, tb)
            page.screenshot(path=str(ARTIFACTS / f"labels_zoom_{zoom or 'overview'}.png"))
    assert log.blocked == []
