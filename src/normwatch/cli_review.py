"""CLI for the analyst's loop: `user`, `token`, `reextract`, `audit` (and `export`, in cli_export.py).

    normwatch user add ana --role reviewer          # asks for a password (web login); --no-password: token only
    normwatch token create --user ana --scope review --expires-days 30   # prints the token once
    normwatch token list
    normwatch token revoke 3f2a9c0d41be
    normwatch reextract --stage stances.v2          # new stage versions over stored text; reviews kept
    normwatch audit --user ana --day 2026-12-03

Account commands act as the local administrator: whoever can run them can open the store
file anyway. Each is an audit row under the name `cli` (or `--by NAME`).
"""

from __future__ import annotations

import json
import sys

import click

from .errors import NormwatchError
from .settings import SETTINGS, Settings

# not imported from cli.py: cli.py imports this module while it is being set up (and twice,
# as __main__ and as normwatch.cli, under `python -m normwatch.cli`)
_DB = next(st for st in SETTINGS if st.name == "db")


def settings_options(*names: str):
    """The `--db` option, worded from the settings table like every other command's."""
    assert names == ("db",)
    return click.option("--db", "db", default=None, help=f"{_DB.help} [default: {_DB.default}]")


def _settings(**kw) -> Settings:
    return Settings.load(**kw)


def _fail(e: NormwatchError) -> None:
    click.echo(f"error: {e}", err=True)
    sys.exit(2)


def _store(db):
    from .store import Store

    try:
        return Store(_settings(db=db).db)
    except NormwatchError as e:
        _fail(e)


def _account_call(fn):
    """Run an account operation; its AccountError is a one-line error and exit 2."""
    from .store.accounts import AccountError

    try:
        return fn()
    except AccountError as e:
        raise click.ClickException(str(e)) from None


@click.group()
def user() -> None:
    """Accounts of reviewers and administrators."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]), required=True)
@click.option("--password", "password", default=None,
              help="password for the web login (default: asked for; NORMWATCH_PASSWORD also works)",
              envvar="NORMWATCH_PASSWORD")
@click.option("--no-password", is_flag=True, help="an account that only uses API tokens")
@click.option("--by", default="cli", show_default=True, help="who is recorded as adding the user")
@settings_options("db")
def user_add(name, role, password, no_password, by, db):
    """Add a user NAME with a role (reviewer: read and review; admin: also manage accounts)."""
    from .store import accounts

    if not no_password and not password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    store = _store(db)
    with store.engine.begin() as conn:
        u = _account_call(lambda: accounts.add_user(conn, name, role, password=None if no_password else password,
                                                    by=by))
    click.echo(f"added {u['role']} {u['name']}")


@user.command("list")
@settings_options("db")
def user_list(db):
    """Users with their roles."""
    from .store import accounts

    with _store(db).engine.connect() as conn:
        for u in accounts.list_users(conn):
            click.echo(f"{u['name']:<24} {u['role']:<9} since {u['created_at']}{' (disabled)' if u['disabled'] else ''}")


@click.group()
def token() -> None:
    """API tokens: random, shown once, stored as an HMAC, scoped and expiring."""


@token.command("create")
@click.option("--user", "user_name", required=True)
@click.option("--scope", "scopes", multiple=True, type=click.Choice(["read", "review", "admin"]),
              default=("read", "review"), show_default=True, help="repeat for several")
@click.option("--expires-days", default=90, show_default=True, type=int)
@click.option("--name", default=None, help="a label for the token (where it is used)")
@click.option("--by", default="cli", show_default=True)
@settings_options("db")
def token_create(user_name, scopes, expires_days, name, by, db):
    """Create a token for a user; it is printed once and cannot be shown again."""
    from .store import accounts

    store = _store(db)
    secret = _account_call(lambda: accounts.server_secret(store.url))
    with store.engine.begin() as conn:
        raw, row = _account_call(lambda: accounts.create_token(conn, secret, user_name, list(scopes),
                                                               days=expires_days, name=name, by=by))
    click.echo(raw)
    click.echo(f"token {row['public_id']} for {user_name}, scopes {row['scopes']}, expires {row['expires_at']} "
               "(shown once: store it now)", err=True)


@token.command("list")
@click.option("--user", "user_name", default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@settings_options("db")
def token_list(user_name, fmt, db):
    """Tokens (never their secret): id, user, scopes, expiry, revocation."""
    from .store import accounts

    with _store(db).engine.connect() as conn:
        rows = accounts.list_tokens(conn, user_name)
    for r in rows:
        if fmt == "jsonl":
            click.echo(json.dumps(r))
        else:
            state = f"revoked {r['revoked_at']}" if r["revoked_at"] else f"expires {r['expires_at']}"
            click.echo(f"{r['public_id']}  {r['user']:<16} {r['scopes']:<18} {state}  {r['name'] or ''}".rstrip())


@token.command("revoke")
@click.argument("token_id")
@click.option("--by", default="cli", show_default=True)
@settings_options("db")
def token_revoke(token_id, by, db):
    """Revoke a token by its id (the part after `nw_`, as `token list` shows it)."""
    from .store import accounts

    store = _store(db)
    with store.engine.begin() as conn:
        _account_call(lambda: accounts.revoke_token(conn, token_id, by=by))
    click.echo(f"revoked {token_id}")


@click.command()
@click.option("--stage", "stages", multiple=True,
              help="stage names to run instead of the default (each replaces the stage of the same kind)")
@click.option("--doc", "doc_ids", multiple=True, help="only these document ids")
@settings_options("db")
def reextract(stages, doc_ids, db):
    """Extract the stored documents again (a new stage version), keeping every review."""
    from . import pipeline
    from .reextract import reextract as run

    settings = _settings(db=db)
    store = _store(db)
    names = None
    if stages:
        pipeline.build()  # loads the built-in stages, so the names below can be looked up
        names = list(pipeline.DEFAULT_STAGES)
        for st in stages:
            base = st.rsplit(".", 1)[0]
            names = [st if n.rsplit(".", 1)[0] == base else n for n in names]
            if st not in names:
                names.append(st)
    try:
        counts = run(store, settings, stages=names, doc_ids=doc_ids or None)
    except NormwatchError as e:
        _fail(e)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


@click.command()
@click.option("--user", "user_name", default=None)
@click.option("--day", default=None, help="YYYY-MM-DD")
@click.option("--doc", "doc_id", default=None)
@click.option("--limit", default=100, show_default=True)
@settings_options("db")
def audit(user_name, day, doc_id, limit, db):
    """The audit trail, newest first, as JSON lines."""
    from .store.audit import audit_rows

    with _store(db).engine.connect() as conn:
        for r in audit_rows(conn, user=user_name, day=day, doc_id=doc_id, limit=limit):
            click.echo(json.dumps(r, ensure_ascii=False))


def _commands() -> dict:
    from .cli_export import export

    return {"user": user, "token": token, "reextract": reextract, "audit": audit, "export": export}


COMMANDS = _commands()
