"""`normwatch export`: the store in STIX 2.1, Parquet, a Frictionless data package, CSV or JSONL.

    normwatch export --format stix > bundle.json
    normwatch export --format datapackage --out var/package --from 2015 --actor state:RUS
    normwatch export --format csv --table stances           # one table to stdout
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_review import _store, settings_options

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _date(ctx, param, value):
    import re

    if value is not None and not re.match(DATE, value):
        raise click.BadParameter("use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


@click.command()
@click.option("--format", "fmt", type=click.Choice(["stix", "parquet", "datapackage", "csv", "jsonl"]), required=True)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="file (stix) or directory (the others); stix and a single --table go to stdout without it")
@click.option("--from", "published_from", callback=_date, default=None, help="earliest publication date")
@click.option("--to", "published_to", callback=_date, default=None, help="latest publication date (inclusive)")
@click.option("--actor", default=None, help="only documents and facts about this actor id")
@click.option("--instrument", default=None, help="only documents and facts about this instrument id")
@click.option("--include-rejected", is_flag=True, help="keep facts a reviewer rejected (marked review=rejected)")
@click.option("--table", "tables", multiple=True, help="only these tables (repeat); default: all")
@settings_options("db")
def export(fmt, out, published_from, published_to, actor, instrument, include_rejected, tables, db):
    """Export documents and facts, respecting review state and the filters."""
    from .exports.tables import TABLES, Selection

    bad = [t for t in tables if t not in TABLES]
    if bad:
        raise click.BadParameter(f"unknown table {bad[0]!r}; tables: {', '.join(TABLES)}", param_hint="--table")
    sel = Selection(published_from=published_from, published_to=published_to, actor=actor, instrument=instrument,
                    include_rejected=include_rejected, tables=tuple(tables) or TABLES)
    store = _store(db)
    try:
        if fmt == "stix":
            from .exports.stix import stix_bundle
            from .kb import load_kb

            text = stix_bundle(store.engine, load_kb(), sel).serialize(pretty=True)
            if out:
                out.write_text(text + "\n", encoding="utf-8")
            else:
                click.echo(text)
            return
        from .exports import files
        from .exports.tables import rows

        if out is None:
            if fmt not in ("csv", "jsonl") or len(sel.tables) != 1:
                raise click.UsageError(f"--format {fmt} writes a directory: give --out DIR (or one --table for "
                                       "csv/jsonl on stdout)")
            name = sel.tables[0]
            _to_stdout(fmt, name, rows(store.engine, name, sel))
            return
        counts = files.write(store.engine, fmt, out, sel)
        click.echo(" ".join(f"{k}={v}" for k, v in counts.items()), err=True)
    except ImportError as e:
        raise click.ClickException(f"this export needs {e.name}: pip install 'normwatch[export]'") from None


def _to_stdout(fmt: str, name: str, items) -> None:
    import csv
    import json

    from .exports.files import _csv_cell
    from .exports.tables import columns

    if fmt == "jsonl":
        for r in items:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    w = csv.writer(sys.stdout, lineterminator="\r\n")
    cols = columns(name)
    w.writerow(cols)
    for r in items:
        w.writerow([_csv_cell(r.get(c)) for c in cols])
