from __future__ import annotations

import pytest

import corridor


@pytest.fixture(scope="session")
def region() -> corridor.Region:
    return corridor.load_region()
