"""`normwatch alert add|list|remove|deliver|feed` (issue 15)."""

from __future__ import annotations

import json
import sys

import click

from ..cli import _open_store, _settings, settings_options
from ..errors import NormwatchError

__all__ = ["alert"]


@click.group()
def alert() -> None:
    """Saved queries over new facts: each is an Atom feed at /feeds/ID.atom and, optionally, a webhook."""


@alert.command("add")
@click.argument("alert_id")
@click.option("--kind", type=click.Choice(["attribution", "stance", "subscription"]), required=True,
              help="attribution claims naming TARGET, stances on it, or subscriptions to it")
@click.option("--target", required=True, help="a KB id: state:RUS, instrument:budapest-convention ...")
@click.option("--webhook", "webhook_url", help="POST new facts here, signed (X-Normwatch-Signature)")
@click.option("--secret", help="HMAC key of the webhook (default: a random one, printed once)")
@settings_options("db")
def add(alert_id, kind, target, webhook_url, secret, **options):
    """Save an alert; new facts count from now on."""
    from . import add_alert

    try:
        made = add_alert(_open_store(_settings(**options)), alert_id, kind, target, webhook_url=webhook_url,
                         secret=secret)
    except NormwatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    click.echo(f"alert {made['id']}: {made['kind']} · {made['target']} · feed {made['feed']}")
    if made.get("secret") and not secret:
        click.echo(f"webhook secret (shown once): {made['secret']}")


@alert.command("list")
@settings_options("db")
def list_(**options):
    """Every saved alert, one JSON object per line."""
    from . import list_alerts

    for a in list_alerts(_open_store(_settings(**options))):
        click.echo(json.dumps(a, sort_keys=True))


@alert.command("remove")
@click.argument("alert_id")
@settings_options("db")
def remove(alert_id, **options):
    from . import remove_alert

    if not remove_alert(_open_store(_settings(**options)), alert_id):
        click.echo(f"error: no alert {alert_id}", err=True)
        sys.exit(2)
    click.echo(f"removed {alert_id}")


@alert.command("deliver")
@settings_options("db", "fetch_timeout", "allow_private")
def deliver(**options):
    """Post the facts stored since the last delivery to every alert's webhook (`watch` does it after each cycle)."""
    from .webhook import deliver_all

    settings = _settings(**options)
    failed = 0
    for alert_id, (n, err) in deliver_all(_open_store(settings), settings).items():
        click.echo(f"{alert_id}: {'failed: ' + err if err else str(n) + ' facts posted'}")
        failed += bool(err)
    sys.exit(1 if failed else 0)


@alert.command("feed")
@click.argument("alert_id")
@click.option("--base-url", default="http://127.0.0.1:8000", help="where the web UI is served, for links")
@settings_options("db")
def feed(alert_id, base_url, **options):
    """Print the alert's Atom feed."""
    from . import get_alert, matching_facts
    from .atom import atom_feed

    store = _open_store(_settings(**options))
    a = get_alert(store, alert_id)
    if a is None:
        click.echo(f"error: no alert {alert_id}", err=True)
        sys.exit(2)
    sys.stdout.buffer.write(atom_feed(a, matching_facts(store, a), base_url.rstrip("/")) + b"\n")
