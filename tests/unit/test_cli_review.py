"""The account, token, audit and reextract commands, in process, with their exact output (issue 14)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from normwatch.cli import cli
from tests.web import sample

pytest.importorskip("argon2", reason="the accounts extra is not installed")


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    sample.build(url, with_hostile=False)
    return url


def run(*args, input=None, code=0):
    r = CliRunner().invoke(cli, list(args), input=input)
    assert r.exit_code == code, r.output
    return r


def test_user_token_lifecycle_is_audited(db):
    assert run("user", "add", "ana", "--role", "reviewer", "--password", "pw", "--db", db).output == \
        "added reviewer ana\n"
    assert "exists already" in run("user", "add", "ana", "--role", "admin", "--password", "x", "--db", db,
                                   code=1).output
    assert "role" in run("user", "add", "bob", "--role", "boss", "--db", db, code=2).output
    out = run("token", "create", "--user", "ana", "--scope", "review", "--expires-days", "7", "--db", db)
    token = out.stdout.strip().splitlines()[0]
    assert re.fullmatch(r"nw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", token)
    public_id = token.split("_")[1]
    assert "admin scope" in run("token", "create", "--user", "ana", "--scope", "admin", "--db", db, code=1).output
    listed = run("token", "list", "--format", "jsonl", "--db", db).output.splitlines()
    row = json.loads(listed[0])
    assert row["public_id"] == public_id and row["scopes"] == "review" and row["revoked_at"] is None
    assert token.split("_", 2)[2] not in "".join(listed)  # the secret is never shown again
    assert run("token", "revoke", public_id, "--db", db).output == f"revoked {public_id}\n"
    assert json.loads(run("token", "list", "--format", "jsonl", "--db", db).output)["revoked_at"]
    actions = [json.loads(x)["action"] for x in run("audit", "--db", db).output.splitlines()]
    assert actions == ["token.revoke", "token.create", "user.add"]


def test_password_is_asked_for_when_not_given(db):
    run("user", "add", "eve", "--role", "admin", "--db", db, input="s3cret\ns3cret\n")
    from normwatch.store import Store, accounts

    store = Store(db)
    with store.engine.connect() as conn:
        assert accounts.verify_password(conn, "eve", "s3cret")["role"] == "admin"
        assert accounts.verify_password(conn, "eve", "wrong") is None
        assert accounts.verify_password(conn, "nobody", "s3cret") is None
    store.close()


def test_reextract_keeps_reviews(db):
    from normwatch.store import Store, reviews

    store = Store(db)
    with store.engine.begin() as conn:
        doc, key = conn.exec_driver_sql("SELECT doc_id, fact_key FROM stances ORDER BY id LIMIT 1").first()
        reviews.review(conn, doc_id=doc, kind="stance", key=key, decision="confirm", user="ana")
    store.close()
    out = run("reextract", "--db", db).output.strip()
    assert re.fullmatch(r"documents=\d+ re-extracted=\d+ rejected=0", out)
    store = Store(db)
    with store.engine.connect() as conn:
        state = conn.exec_driver_sql("SELECT review FROM stances WHERE doc_id = ? AND fact_key = ?",
                                     (doc, key)).scalar()
    assert state == "confirmed"
    store.close()
    assert "unknown stage" in run("reextract", "--stage", "stances.v9", "--db", db, code=2).output
