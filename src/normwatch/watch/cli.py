"""`normwatch watch CONFIG [--once]` and `normwatch watch-sources` (issue 15)."""

from __future__ import annotations

import json
import sys

import click

from ..cli import INPUT_SETTINGS, _open_store, _settings, settings_options
from ..errors import NormwatchError

__all__ = ["watch", "watch_sources"]


@click.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--once", is_flag=True, help="run one cycle and exit (for cron)")
@settings_options("db", *INPUT_SETTINGS, "prefilter", "extract", "near_dup_threshold")
def watch(config, once, **options):
    """Poll the feeds, sitemaps and index pages listed in CONFIG and ingest new items.

    Honours robots.txt, waits per host, caps requests per cycle, backs off on errors, and
    keeps its state in the store, so a restart resumes. Without --once it runs until
    SIGTERM or Ctrl-C and finishes the item in progress first. Exit codes: 0, or 1 when some
    source failed in the (last) cycle, 2 on a bad config.

    \b
    CONFIG (YAML):
      per_host_delay: 5        # seconds between requests to one host
      max_requests: 200        # per cycle; also interval: 900, backoff: 60, max_attempts: 3
      sources:
        - {url: "https://example.org/rss.xml", kind: feed}      # RSS/Atom
        - {url: "https://example.org/sitemap.xml", kind: sitemap}
        - {url: "https://example.org/news/", kind: index, pattern: "/news/\\d+"}
    """
    try:
        from .config import load_config
        from .runner import run_cycle, run_forever
    except ImportError as e:  # feedparser or protego missing
        raise click.ClickException(f"watch needs {e.name}: pip install 'normwatch[watch]'")
    settings = _settings(**options)
    try:
        cfg = load_config(config)
        store = _open_store(settings)
    except NormwatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    last = {}

    def report(r) -> None:
        from ..alerts.webhook import deliver_all

        last["r"] = r
        click.echo(r.line())
        for f in r.failed:
            click.echo(f"failed {f}", err=True)
        # alerts with a webhook hear of what this cycle stored
        for alert_id, (n, err) in deliver_all(store, settings).items():
            if n or err:
                click.echo(f"alert {alert_id}: {'webhook failed: ' + err if err else f'{n} facts posted'}",
                           err=bool(err))

    if once:
        report(run_cycle(store, cfg, settings))
    else:
        run_forever(store, cfg, settings, on_cycle=report)
        click.echo("watch: stopped")
    sys.exit(1 if last.get("r") and last["r"].failed else 0)


@click.command("watch-sources")
@settings_options("db")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table")
def watch_sources(as_json, **options):
    """The watched sources and their state: last success, last error, items found."""
    from .state import WatchState

    rows = WatchState(_open_store(_settings(**options))).sources()
    for r in rows:
        if as_json:
            click.echo(json.dumps(r, sort_keys=True))
        else:
            err = f" · last error {r['last_error_at']}: {r['last_error']}" if r["last_error"] else ""
            click.echo(f"{r['url']} [{r['kind']}] · last success {r['last_success'] or 'never'} · "
                       f"{r['items_found']} items found, {r['items_ingested']} ingested{err}")
