"""`normwatch copy` and `normwatch load`: moving a store's contents between databases (issue 12).

    normwatch copy --from sqlite:///var/normwatch.db --to postgresql://host/normwatch
    normwatch load out/ --db postgresql://host/normwatch      # Parquet written by jobs/spark_extract.py
"""

from __future__ import annotations

import sys

import click

from .errors import NormwatchError


def _store(url: str):
    from .store import Store

    return Store(url)


@click.command(name="copy")
@click.option("--from", "source", required=True, help="SQLAlchemy URL of the store to copy from")
@click.option("--to", "target", required=True, help="SQLAlchemy URL of the store to copy into (created if new)")
def copy_command(source, target):
    """Copy every document, fact, rejection, review and run from one store into another (idempotent)."""
    from .store.transfer import copy_store

    try:
        counts = copy_store(_store(source), _store(target))
    except NormwatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    facts = sum(v for k, v in counts.items() if k not in ("documents", "already", "rejections", "reviews", "runs"))
    click.echo(f"copied {counts['documents']} documents ({counts['already']} already there), {facts} fact rows, "
               f"{counts['rejections']} rejections, {counts['reviews']} reviews, {counts['runs']} runs")


@click.command(name="load")
@click.argument("path")
@click.option("--db", default=None, help="SQLAlchemy URL of the store [default: NORMWATCH_DB or sqlite:///normwatch.db]")
@click.option("--with-skips", is_flag=True, help="also record the pages the prefilter dropped, as rejections")
def load_command(path, db, with_skips):
    """Load the Parquet output of jobs/spark_extract.py into the store (idempotent)."""
    from .settings import Settings
    from .store.parquet import load_parquet

    settings = Settings.load(db=db)
    try:
        counts = load_parquet(path, _store(settings.db), with_skips=with_skips,
                              near_dup_threshold=settings.near_dup_threshold)
    except NormwatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    facts = sum(counts.get(t, 0) for t in ("actors", "statements", "stances", "instrument_mentions",
                                           "subscriptions", "incidents", "attributions", "events"))
    click.echo(f"loaded {counts['documents']} documents ({counts['already']} already there), {facts} facts, "
               f"{counts['rejections']} rejections ({counts['skips_left_out']} prefilter skips left out)")
