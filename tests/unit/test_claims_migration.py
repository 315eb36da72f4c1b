"""Migration 0005 (issue 11): the claims table and incidents.title, from a database at 0008 (its parent) and back."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from normwatch.store import Store
from normwatch.store.db import MIGRATIONS


def _alembic(store: Store, action, rev: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        action(cfg, rev)


def _shape(store: Store) -> tuple[bool, bool]:
    insp = inspect(store.engine)
    return "claims" in insp.get_table_names(), "title" in {c["name"] for c in insp.get_columns("incidents")}


def test_0005_upgrades_its_parent_and_downgrades(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert _shape(store) == (True, True)
        _alembic(store, command.downgrade, "0008")
        assert _shape(store) == (False, False)
        store.migrate()
        assert _shape(store) == (True, True)
        idx = {i["name"] for i in inspect(store.engine).get_indexes("claims")}
        assert {"ix_claims_doc", "ix_claims_incident", "ix_claims_accused", "ix_claims_claimant",
                "ix_claims_doc_key", "ix_claims_reviewed"} <= idx
        cols = {c["name"] for c in inspect(store.engine).get_columns("claims")}
        assert {"fact_key", "review", "kept"} <= cols  # reviewable like the other facts
    finally:
        store.close()
