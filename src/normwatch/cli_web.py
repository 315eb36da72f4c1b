"""`normwatch serve`: the JSON API and the web pages over a store.

The lead registers it with `cli.add_command(serve)`. The web extra (FastAPI, Jinja2,
uvicorn) is optional: without it the command says what to install instead of failing
with a traceback.
"""

from __future__ import annotations

import os
import sys

import click

from .settings import SETTINGS

_DB_DEFAULT = next(s.default for s in SETTINGS if s.name == "db")


@click.command()
@click.option("--db", default=None, help=f"SQLAlchemy URL of the store [default: {_DB_DEFAULT}]")
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to listen on")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port")
@click.option("--workers", default=1, show_default=True, type=int,
              help="worker processes (one per core: SQLite reads scale across processes, not threads)")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="answer repeated API requests from memory until the store changes")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="log every request (costs about a tenth of the throughput)")
@click.option("--admin-token", default=None,
              help="bearer token the alert management API (/api/admin/alerts) requires; prefer "
                   "NORMWATCH_ADMIN_TOKEN, since options show in the process list [default: off]")
@click.option("--require-read-token/--no-require-read-token", "require_read_token", default=None,
              help="reads need a read-scoped token or a login too [default: off]")
@click.option("--proxy-headers/--no-proxy-headers", default=False, show_default=True,
              help="trust X-Forwarded-Proto from a TLS proxy on 127.0.0.1 (session cookies become Secure)")
def serve(db: str | None, host: str, port: int, workers: int, cache: bool, access_log: bool,
          admin_token: str | None = None, require_read_token: bool | None = None,
          proxy_headers: bool = False) -> None:
    """Serve the JSON API (/api/v1; the one write there is a review, with a token) and the web pages."""
    try:
        import uvicorn

        import normwatch.web.app  # noqa: F401 - fail early when FastAPI or Jinja2 is missing
    except ImportError as e:
        click.echo(f"error: the web extra is not installed ({e.name}): pip install 'normwatch[web]'", err=True)
        sys.exit(2)
    from .settings import Settings

    url = Settings.load(db=db).db
    # workers import the app afresh, so the store URL reaches them through the environment
    os.environ["NORMWATCH_DB"] = url
    os.environ["NORMWATCH_API_CACHE"] = "1" if cache else "0"
    if admin_token:  # issue 15: read by web/feeds.py in every worker
        os.environ["NORMWATCH_ADMIN_TOKEN"] = admin_token
    if require_read_token is not None:
        os.environ["NORMWATCH_REQUIRE_READ_TOKEN"] = "1" if require_read_token else "0"
    click.echo(f"normwatch: serving {url} on http://{host}:{port}/", err=True)
    uvicorn.run("normwatch.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=access_log, proxy_headers=proxy_headers,
                # the C event loop and HTTP parser when installed (uvicorn[standard]), said explicitly
                loop=_have("uvloop", "auto"), http=_have("httptools", "auto"))


def _have(module: str, fallback: str) -> str:
    """`module` if it can be imported, else `fallback` (uvicorn's choice)."""
    import importlib.util

    return module if importlib.util.find_spec(module) else fallback
