"""Pilot tests run as anyio tests on asyncio (anyio's pytest plugin ships with anyio)."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
