from __future__ import annotations

import pytest

import corridor


@pytest.fixture(scope="session")
def region() -> corridor.Region:
    return corridor.load_region()


@pytest.fixture(autouse=True)
def _restore_gazetteer():
    """Tests that add places leave the gazetteer as they found it."""
    yield
    corridor.reset_places()
