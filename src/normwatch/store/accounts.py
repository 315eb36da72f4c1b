"""Accounts, API tokens and web sessions: who may review, and how they prove it.

    with store.engine.begin() as conn:
        accounts.add_user(conn, "ana", "reviewer", password="...", by="admin")
        token, row = accounts.create_token(conn, secret, "ana", ["read", "review"], days=90)
    accounts.check_token(conn, secret, token)   # -> Principal or None

Tokens look like `nw_<public id>_<secret>`: the public id finds the row, the secret part is
checked against its HMAC-SHA256 under the server secret (`server_secret`), so the table alone
opens nothing and a check costs microseconds (a write endpoint checks one per request).
Tokens are random (256 bits), shown once, scoped (read / review / admin) and expire.
Passwords (for the web login only) are hashed with argon2id (argon2-cffi, the `accounts`
extra): they are chosen by people, so they need a slow hash. Session cookies are random too
and stored as their HMAC. Every account change is an audit row (`reviews.record`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from . import schema as s
from .reviews import record

ROLES = ("reviewer", "admin")
SCOPES = ("read", "review", "admin")
ROLE_SCOPES = {"reviewer": {"read", "review"}, "admin": {"read", "review", "admin"}}
SECRET_ENV = "NORMWATCH_SECRET"


class AccountError(ValueError):
    """An account operation that cannot be done (unknown user, bad role or scope); one line for the CLI."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a user name, role and the scopes its credential carries."""

    user: str
    role: str
    scopes: frozenset[str]
    via: str  # token | session
    csrf: str | None = None
    session: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def server_secret(db_url: str) -> bytes:
    """The key tokens and sessions are hashed under: NORMWATCH_SECRET, or a file beside a SQLite store.

    The file (`<store>.secret`, mode 0600) is made on first use, so the CLI and the server
    of one store agree without setup. Other databases need NORMWATCH_SECRET: there is no
    file beside them that every server would share."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode("utf-8")
    if not db_url.startswith("sqlite:///") or db_url.endswith(":memory:"):
        raise AccountError(f"set {SECRET_ENV}: tokens of a non-SQLite store are hashed under a shared secret")
    path = Path(db_url.removeprefix("sqlite:///") + ".secret").expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def _mac(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the accounts extra is missing
        raise AccountError("passwords need argon2-cffi: pip install 'normwatch[accounts]'") from None
    return PasswordHasher()


# -- users --------------------------------------------------------------------------------------

def add_user(conn: Connection, name: str, role: str, *, password: str | None = None, by: str = "cli") -> dict:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    if not name or len(name) > 64 or not all(ch.isalnum() or ch in "._-" for ch in name):
        raise AccountError(f"user name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
    if conn.execute(select(s.users.c.id).where(s.users.c.name == name)).first():
        raise AccountError(f"user {name!r} exists already")
    pw = _hasher().hash(password) if password else None
    res = conn.execute(insert(s.users).values(name=name, role=role, password_hash=pw, created_at=_iso(_now()),
                                              disabled=False))
    record(conn, user=by, action="user.add", after={"name": name, "role": role, "password": bool(pw)})
    return {"id": int(res.inserted_primary_key[0]), "name": name, "role": role}


def set_password(conn: Connection, name: str, password: str, *, by: str = "cli") -> None:
    user = _user(conn, name)
    conn.execute(update(s.users).where(s.users.c.id == user["id"]).values(password_hash=_hasher().hash(password)))
    record(conn, user=by, action="user.password", after={"name": name})


def list_users(conn: Connection) -> list[dict]:
    u = s.users.c
    return [dict(r) for r in conn.execute(select(u.id, u.name, u.role, u.created_at, u.disabled)
                                          .order_by(u.name)).mappings()]


def _user(conn: Connection, name: str) -> dict:
    row = conn.execute(select(s.users).where(s.users.c.name == name)).mappings().first()
    if row is None:
        raise AccountError(f"no user {name!r} (add one with: normwatch user add NAME --role reviewer)")
    return dict(row)


def verify_password(conn: Connection, name: str, password: str) -> dict | None:
    """The user if `password` is theirs (and they may log in), else None. Costs one argon2 hash either way."""
    ph = _hasher()  # first: without argon2-cffi this is the one-line install hint
    from argon2.exceptions import VerificationError, VerifyMismatchError

    row = conn.execute(select(s.users).where(s.users.c.name == name)).mappings().first()
    stored = row["password_hash"] if row is not None else None
    try:
        if stored is None or row["disabled"]:
            # same work for unknown names, so timing does not tell which names exist
            ph.verify(_DUMMY_HASH(), password + "x")
            return None
        ph.verify(stored, password)
        return dict(row)
    except (VerifyMismatchError, VerificationError, ValueError):
        return None


_dummy: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - a constant computed once
    if not _dummy:
        _dummy.append(_hasher().hash(secrets.token_hex(8)))
    return _dummy[0]


# -- tokens -------------------------------------------------------------------------------------

def create_token(conn: Connection, secret: bytes, user: str, scopes: list[str], *, days: int = 90,
                 name: str | None = None, by: str = "cli") -> tuple[str, dict]:
    """A new token for `user`; returns (the token, shown only now, and its row without the hash)."""
    u = _user(conn, user)
    bad = [sc for sc in scopes if sc not in SCOPES]
    if bad:
        raise AccountError(f"unknown scope {bad[0]!r}; scopes: {', '.join(SCOPES)}")
    beyond = set(scopes) - ROLE_SCOPES[u["role"]]
    if beyond:
        raise AccountError(f"a {u['role']} cannot hold the {', '.join(sorted(beyond))} scope")
    if not 1 <= days <= 3650:
        raise AccountError("a token lives 1 to 3650 days")
    public_id = secrets.token_hex(6)
    raw = secrets.token_urlsafe(32)
    created = _now()
    row = {"public_id": public_id, "user_id": u["id"], "name": name, "hash": _mac(secret, raw),
           "scopes": " ".join(sc for sc in SCOPES if sc in scopes), "created_at": _iso(created),
           "expires_at": _iso(created + dt.timedelta(days=days)), "revoked_at": None}
    conn.execute(insert(s.tokens).values(**row))
    shown = {k: v for k, v in row.items() if k != "hash"}
    shown["user"] = user
    record(conn, user=by, action="token.create", after={k: v for k, v in shown.items() if k != "user_id"})
    return f"nw_{public_id}_{raw}", shown


def list_tokens(conn: Connection, user: str | None = None) -> list[dict]:
    t, u = s.tokens.c, s.users.c
    q = (select(t.public_id, u.name.label("user"), t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at)
         .select_from(s.tokens.join(s.users, u.id == t.user_id)).order_by(t.created_at, t.id))
    if user:
        q = q.where(u.name == user)
    return [dict(r) for r in conn.execute(q).mappings()]


def revoke_token(conn: Connection, public_id: str, *, by: str = "cli") -> None:
    public_id = _public_id(public_id) or public_id
    t = s.tokens.c
    row = conn.execute(select(s.tokens).where(t.public_id == public_id)).mappings().first()
    if row is None:
        raise AccountError(f"no token {public_id!r} (normwatch token list shows them)")
    if row["revoked_at"] is None:
        conn.execute(update(s.tokens).where(t.id == row["id"]).values(revoked_at=_iso(_now())))
    record(conn, user=by, action="token.revoke", after={"public_id": public_id})


def _public_id(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "nw" or not parts[1] or not parts[2]:
        return None
    return parts[1]


def check_token(conn: Connection, secret: bytes, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None if it is unknown, wrong, revoked or expired."""
    public_id = _public_id(token)
    if public_id is None:
        return None
    t, u = s.tokens.c, s.users.c
    row = conn.execute(select(t.hash, t.scopes, t.expires_at, t.revoked_at, u.name, u.role, u.disabled)
                       .select_from(s.tokens.join(s.users, u.id == t.user_id))
                       .where(t.public_id == public_id)).mappings().first()
    if row is None or not hmac.compare_digest(row["hash"], _mac(secret, token.split("_", 2)[2])):
        return None
    if row["revoked_at"] is not None or row["disabled"] or row["expires_at"] <= _iso(_now()):
        return None
    # a role lowered after the token was made caps what the token can do
    scopes = frozenset(row["scopes"].split()) & ROLE_SCOPES.get(row["role"], set())
    return Principal(row["name"], row["role"], scopes, "token")


# -- sessions -----------------------------------------------------------------------------------

def create_session(conn: Connection, secret: bytes, user_id: int, *, hours: float = 12) -> tuple[str, str]:
    """A new web session; returns (cookie value, CSRF token). Expired sessions are swept here."""
    created = _now()
    conn.execute(delete(s.sessions).where(s.sessions.c.expires_at <= _iso(created)))
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(insert(s.sessions).values(id_hash=_mac(secret, cookie), user_id=user_id, csrf=csrf,
                                           created_at=_iso(created),
                                           expires_at=_iso(created + dt.timedelta(hours=hours))))
    return cookie, csrf


def check_session(conn: Connection, secret: bytes, cookie: str) -> Principal | None:
    ss, u = s.sessions.c, s.users.c
    row = conn.execute(select(ss.csrf, ss.expires_at, u.name, u.role, u.disabled)
                       .select_from(s.sessions.join(s.users, u.id == ss.user_id))
                       .where(ss.id_hash == _mac(secret, cookie))).mappings().first()
    if row is None or row["disabled"] or row["expires_at"] <= _iso(_now()):
        return None
    return Principal(row["name"], row["role"], frozenset(ROLE_SCOPES.get(row["role"], set())), "session",
                     csrf=row["csrf"], session=cookie)


def end_session(conn: Connection, secret: bytes, cookie: str) -> None:
    conn.execute(delete(s.sessions).where(s.sessions.c.id_hash == _mac(secret, cookie)))
