"""Document ids longer than a content hash (JSONL `id`): stored up to 512 characters on SQLite and
PostgreSQL (migration 0010 widened the columns from 64), refused beyond with one line naming the
document (NW110) while the batch goes on."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from normwatch.cli import cli
from normwatch.store import Store
from normwatch.store.schema import DOC_ID_CHARS

BODY = ("Delegates at the United Nations discussed how international law applies to state behaviour in "
        "cyberspace, and whether the Budapest Convention on Cybercrime is enough or a new treaty is needed. ") * 3


def _jsonl(tmp_path, ids):
    p = tmp_path / "in.jsonl"
    p.write_text("".join(json.dumps({"id": i, "text": BODY + f" Item {n}."}) + "\n" for n, i in enumerate(ids)),
                 encoding="utf-8")
    return p


def test_long_ids_are_stored_and_too_long_ones_rejected_in_one_line(db_url, tmp_path):
    ok = "https://example.org/" + "a" * 300  # a URL as id: longer than the 64 characters of old
    too_long = "b" * (DOC_ID_CHARS + 1)
    p = _jsonl(tmp_path, [ok, too_long, "short-id"])
    res = CliRunner().invoke(cli, ["ingest", "-q", "--db", db_url, str(p)])
    assert res.exit_code == 1, res.output  # some rejected
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("rejected ")]
    assert len(lines) == 1 and f"line 2 of {p}" in lines[0] and "NW110" in lines[0] and "limit of 512" in lines[0]
    store = Store(db_url)
    with store.engine.connect() as conn:
        ids = set(conn.execute(text("SELECT id FROM documents")).scalars())
    store.close()
    assert ids == {ok, "short-id"}


@pytest.mark.postgres
def test_migration_0010_widens_an_old_postgresql_store(pg_url):
    store = Store(pg_url)
    with store.engine.begin() as conn:  # as a store migrated up to 0007 had them
        conn.execute(text("ALTER TABLE stances ALTER COLUMN doc_id TYPE VARCHAR(64)"))
        conn.execute(text("ALTER TABLE documents ALTER COLUMN id TYPE VARCHAR(64)"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0007'"))
    store.close()
    store = Store(pg_url)  # migrates to the head
    with store.engine.connect() as conn:
        widths = dict(conn.execute(text(
            "SELECT table_name || '.' || column_name, character_maximum_length FROM information_schema.columns "
            "WHERE (table_name, column_name) IN (('documents', 'id'), ('stances', 'doc_id'))")).all())
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    store.close()
    assert widths == {"documents.id": 512, "stances.doc_id": 512} and head == "0010"
