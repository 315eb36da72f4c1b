"""`normwatch kb`: look into and check the knowledge base from the command line.

    normwatch kb list state          # id<TAB>name, one per line
    normwatch kb show state:EST      # the record as YAML (or --format json)
    normwatch kb validate            # exit 0 "OK ..." or exit 1 and every problem
    normwatch kb stats               # counts per kind

Exit codes: 0 fine, 1 the KB has problems (validate) , 2 usage error or unloadable KB.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import click
import yaml

from .errors import KBError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# Plurals and file-style names people type for a kind.
_KIND_ALIASES = {
    "states": "state", "orgs": "org", "organisations": "org", "organizations": "org", "organisation": "org",
    "people": "person", "persons": "person", "instruments": "instrument", "propositions": "proposition",
    "threat-actors": "threat-actor", "threat_actors": "threat-actor", "threat_actor": "threat-actor",
    "actors": "threat-actor", "incidents": "incident", "events": "event",
}


def _kb(ctx: click.Context):
    from .kb import load_kb

    try:
        return load_kb(ctx.obj.get("data") if ctx.obj else None)
    except KBError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(EXIT_USAGE)


@click.group()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="knowledge-base folder to use instead of the packaged one")
@click.pass_context
def kb(ctx: click.Context, data: Path | None) -> None:
    """Look into and check the knowledge base (states, orgs, instruments, incidents, ...)."""
    ctx.ensure_object(dict)
    ctx.obj["data"] = data


@kb.command("list")
@click.argument("kind")
@click.pass_context
def list_(ctx: click.Context, kind: str) -> None:
    """Every record of KIND (state, org, person, instrument, proposition, threat-actor, incident, event)."""
    from .kb import KINDS

    k = _KIND_ALIASES.get(kind.lower(), kind.lower())
    if k not in KINDS:
        raise click.UsageError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    for rec in _kb(ctx).records(k):
        click.echo(f"{rec['id']}\t{rec.get('name', '')}")


@kb.command()
@click.argument("id")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.pass_context
def show(ctx: click.Context, id: str, fmt: str) -> None:
    """The record with this ID, as stored (dates as ISO strings)."""
    base = _kb(ctx)
    rec = base.get(id)
    if rec is None:
        close = difflib.get_close_matches(id, base.ids(), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; try `normwatch kb list KIND`"
        raise click.UsageError(f"no KB record {id!r}{hint}")
    if fmt == "json":
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
    else:
        click.echo(yaml.safe_dump(rec, allow_unicode=True, sort_keys=False, width=100), nl=False)


@kb.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check every file against the schema and every reference; list all problems."""
    from pathlib import Path

    from .kb import check_kb
    from .kb.lexicon import LEXICON_DIR, check_lexicon

    data = ctx.obj.get("data")
    base, problems = check_kb(data)
    # the extractor's cue tables live beside the records (kb/data/lexicon/) and are checked with
    # them; a folder without its own lexicon is read with the package's
    lex = Path(data) / "lexicon" if data and (Path(data) / "lexicon").is_dir() else LEXICON_DIR
    problems = [*problems, *check_lexicon(lex)]
    if problems:
        for p in problems:
            click.echo(p)
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(EXIT_PROBLEMS)
    assert base is not None
    stats = base.stats()
    click.echo(f"OK {len(base)} records valid ({_counts(stats)})")


@kb.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Counts per kind, and of provisions, definitions, subscriptions and topics."""
    s = _kb(ctx).stats()
    if fmt == "json":
        click.echo(json.dumps(s, indent=2))
        return
    width = max(len(k) for k in s)
    for k, v in s.items():
        click.echo(f"{k.ljust(width)}  {v}")


def _counts(stats: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in stats.items() if v)
