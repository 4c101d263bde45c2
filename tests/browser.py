"""One headless Chromium for the browser tests, with every network request blocked.

A page may load ``file:``, ``data:`` and ``about:`` (``about:srcdoc`` for the maps framed in
notebooks and reports) and nothing else; what it tried to load, logged as an error or raised
as a dialog is kept in a :class:`PageLog` for the test to assert on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# CI sets CORRIDOR_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
REQUIRED = os.environ.get("CORRIDOR_REQUIRE_BROWSER") == "1"
LOCAL = ("file:", "data:", "about:")

#: Marks a test that needs Chromium (skipped without it, unless CI requires it).
needs_browser = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not REQUIRED, reason="needs Debian's chromium at /usr/bin/chromium"),
]


def browser_test(fn: Any) -> Any:
    """Mark one test function as :data:`needs_browser` does a module."""
    for mark in needs_browser:
        fn = mark(fn)
    return fn


@dataclass
class PageLog:
    """What a page tried to fetch from the network, its console errors and its dialogs."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def playwright_api() -> Any:
    """``playwright.sync_api``: required under CI, else the test is skipped without it."""
    if REQUIRED:
        assert CHROMIUM.exists(), "CORRIDOR_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing"
        import playwright.sync_api as sync_api

        return sync_api
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def offline_page(width: int = 1280, height: int = 860) -> Iterator[tuple[Any, PageLog]]:
    """A new page of a headless Chromium that reaches no network, and its log."""
    sync_api = playwright_api()
    log = PageLog()

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            log.blocked.append(r.request.url)
            r.abort()

    def on_dialog(d: Any) -> None:
        log.dialogs.append(d.message)
        d.dismiss()

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", route)
            page.on("console", lambda msg: log.errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: log.errors.append(str(exc)))
            page.on("dialog", on_dialog)
            ARTIFACTS.mkdir(exist_ok=True)
            yield page, log
        finally:
            browser.close()
