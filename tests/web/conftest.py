"""An in-process app over a small store of sample documents (tests/web/sample.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from normwatch.web.app import create_app  # noqa: E402

from . import sample  # noqa: E402


@pytest.fixture(scope="session", params=("sqlite", "postgresql"))
def sample_db(request, tmp_path_factory) -> str:
    """The sample store, once on SQLite and once on PostgreSQL: every API test runs on both."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'sample.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    sample.build(url)
    return url


@pytest.fixture(scope="session")
def client(sample_db) -> TestClient:
    return TestClient(create_app(sample_db), raise_server_exceptions=False)
