"""Shared fixtures. Tests that read ../shared skip with a clear reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# the throwaway PostgreSQL server and the store fixture over SQLite and PostgreSQL (issue 12)
from .pg_server import db_url, pg_server, pg_url, pytest_collection_modifyitems  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NORMWATCH_SHARED", ROOT.parent / "shared")).resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent: the shared corpus is needed for this test (set NORMWATCH_SHARED)")
    return p


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture
def origin_dir() -> Path:
    return shared_path("corpus", "origin")


@pytest.fixture
def origin_gold() -> Path:
    return shared_path("gold", "origin.json")
