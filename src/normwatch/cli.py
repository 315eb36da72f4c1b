"""The `normwatch` command line.

Exit codes (ingest, extract): 0 every document stored or extracted, 1 some rejected,
2 usage error or every document failed, 3 normwatch itself failed (a bug, or the store went
away mid-run): never "some inputs rejected" (issue 13).

Everything printed that comes from an input (names, titles, rejection details) goes through
`terminal.escape`, so an input cannot send escape sequences or extra lines to the terminal.
"""

from __future__ import annotations

import json
import os
import sys
import time

import click

from . import __version__
from .errors import NormwatchError
from .settings import SETTINGS, Settings, option_name
from .terminal import escape

EXIT_OK, EXIT_SOME_REJECTED, EXIT_FAILED, EXIT_CRASH = 0, 1, 2, 3


def settings_options(*names: str):
    """Click options for the named settings, generated from the settings table (one name everywhere)."""
    table = {st.name: st for st in SETTINGS}

    def decorate(f):
        for name in reversed(names):
            st = table[name]
            opt = option_name(name)
            if isinstance(st.default, bool):
                f = click.option(f"{opt}/--no-{opt[2:]}", name, default=None,
                                 help=f"{st.help} [default: {'on' if st.default else 'off'}]")(f)
            else:
                f = click.option(opt, name, type=type(st.default), default=None,
                                 help=f"{st.help} [default: {st.default}]")(f)
        return f

    return decorate


INPUT_SETTINGS = ("max_bytes", "min_text_chars", "fetch_timeout", "max_redirects", "allow_private",
                  "pdf_timeout")  # issue 15


@click.group()
@click.version_option(__version__, prog_name="normwatch")
def cli() -> None:
    """normwatch: an evidence-linked record of the international norms for state behaviour in cyberspace."""


def _settings(**kw) -> Settings:
    return Settings.load(**kw)


def _open_store(settings: Settings):
    from .store import Store

    return Store(settings.db)


def _fail(e: NormwatchError) -> None:
    click.echo(escape(f"error: {e}"), err=True)
    sys.exit(EXIT_FAILED)


class _Progress:
    """A one-line progress report on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, kind: str, item, counts) -> None:
        if kind == "rejected":
            self.clear()
            click.echo(f"rejected {item.line()}", err=True)
        if self.enabled and time.monotonic() - self.last > 0.2:
            self.last = time.monotonic()
            click.echo(f"\r{counts.seen} seen · {counts.stored} stored · {counts.existing} already stored · "
                       f"{counts.filtered} filtered · {counts.rejected} rejected", err=True, nl=False)

    def clear(self) -> None:
        if self.enabled:
            click.echo("\r\033[K", err=True, nl=False)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@settings_options("db", *INPUT_SETTINGS, "prefilter", "extract", "near_dup_threshold", "workers",
                  "extract_window_chars", "extract_seconds")
@click.option("--quiet", "-q", is_flag=True, help="no progress line")
def ingest(inputs, quiet, **options):
    """Read files, directories, URLs, WARC/WET and JSONL into the store."""
    from .ingest import ingest as run_ingest
    from .ingest_pool import resolve_workers

    settings = _settings(**options)
    try:
        store = _open_store(settings)
        run_id = store.start_run("ingest", list(inputs))
    except NormwatchError as e:
        _fail(e)
    progress = _Progress(not quiet)
    t0 = time.perf_counter()
    try:
        counts = run_ingest(list(inputs), store, settings, run_id=run_id, on_event=progress,
                            workers=resolve_workers(settings.workers))
    except BaseException as e:
        # The run ends here: say so in the runs table (a kill -9 cannot; the next run marks that one).
        progress.clear()
        _mark_run(store, run_id, "interrupted" if isinstance(e, KeyboardInterrupt) else "failed")
        if isinstance(e, NormwatchError):
            click.echo(escape(f"error: {e}"), err=True)
            sys.exit(EXIT_CRASH)
        raise
    progress.clear()
    store.finish_run(run_id, counts.as_dict())
    secs = time.perf_counter() - t0
    click.echo(f"{counts.seen} seen: {counts.stored} stored ({counts.near_duplicates} near-duplicates), "
               f"{counts.existing} already stored, {counts.filtered} filtered as irrelevant, "
               f"{counts.rejected} rejected in {secs:.1f}s")
    _print_stats(store.stats())
    if counts.rejected and not (counts.stored or counts.existing or counts.filtered):
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_SOME_REJECTED if counts.rejected else EXIT_OK)


def _mark_run(store, run_id: int, status: str) -> None:
    try:
        store.finish_run(run_id, {}, status=status)
    except Exception:  # noqa: BLE001 - the store may be what failed; the next run marks this one
        pass


def _print_stats(stats: dict[str, int]) -> None:
    click.echo("store: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in stats.items() if k != "runs"))


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True)
@click.option("--speaker", help="KB id of the first-person speaker of every input (e.g. state:USA)")
@settings_options(*INPUT_SETTINGS)
def extract(inputs, fmt, speaker, **options):
    """Print the extraction contract (DESIGN.md) for each document, without storing anything."""
    from .extract import extract_documents
    from .model import Rejection

    settings = _settings(**options)
    ok = rejected = 0
    docs = []
    items = extract_documents(list(inputs), settings, default_speaker=speaker)
    for out in items:
        if isinstance(out, Rejection):
            rejected += 1
            click.echo(f"rejected {out.line()}", err=True)
            continue
        ok += 1
        if fmt == "jsonl":
            click.echo(json.dumps(out.to_contract(), ensure_ascii=False))
        else:
            docs.append(out.to_contract())
    if fmt == "json":
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
    if rejected and not ok:
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_SOME_REJECTED if rejected else EXIT_OK)


@cli.command()
@click.argument("query")
@settings_options("db")
@click.option("--limit", default=10, show_default=True)
def search(query, db, limit):
    """Full-text search over stored documents, with snippets."""
    try:
        hits = _open_store(_settings(db=db)).search(query, limit)
    except NormwatchError as e:
        _fail(e)
    if not hits:
        click.echo("no match")
        return
    for h in hits:
        click.echo(escape(f"{h.doc_id}  {h.title or '(untitled)'}  [{h.source}]"))
        click.echo(escape(f"    {' '.join(h.snippet.split())}"))


@cli.command()
@settings_options("db")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(db, fmt):
    """Counts of documents, rejections and facts in the store."""
    try:
        st = _open_store(_settings(db=db)).stats()
    except NormwatchError as e:
        _fail(e)
    if fmt == "json":
        click.echo(json.dumps(st))
    else:
        for k, v in st.items():
            click.echo(f"{k.replace('_', ' '):<20} {v}")


def _listing(limit: int):
    """The command and options every store listing has: --db, --limit, --format text|jsonl."""
    def wrap(f):
        f = click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text",
                         show_default=True)(f)
        f = click.option("--limit", default=limit, show_default=True)(f)
        return cli.command()(settings_options("db")(f))
    return wrap


@_listing(limit=50)
def rejections(db, limit, fmt):
    """Documents that could not be used, with the reason and raw reference."""
    def line(r: dict) -> str:
        seen = f" (seen {r['count']}x)" if r["count"] > 1 else ""
        return f"{r['code']} {r['stage']:<8} {r['raw_ref']}: {r['detail']}{seen}"

    _echo_rows(db, lambda store: store.rejections(limit), fmt, line, "no rejections")


@_listing(limit=20)
def runs(db, limit, fmt):
    """Past and current runs with their state (running, done, failed, interrupted) and counts."""
    def line(r: dict) -> str:
        c = r["counts"] or {}
        summary = (f"{c.get('seen', 0)} seen, {c.get('stored', 0)} stored, {c.get('existing', 0)} already stored, "
                   f"{c.get('rejected', 0)} rejected" if c else f"{r['documents']} documents stored")
        inputs = " ".join(r["inputs"][:3]) + (f" (+{len(r['inputs']) - 3} more)" if len(r["inputs"]) > 3 else "")
        return f"{r['id']:>5} {r['status']:<11} {r['started_at']}  {r['command']} {inputs}: {summary}"

    _echo_rows(db, lambda store: store.runs(limit), fmt, line, "no runs")


def _echo_rows(db, fetch, fmt: str, line, empty: str) -> None:
    """Rows a store listing gives, one JSON object a line (``jsonl``) or one escaped text line each."""
    try:
        rows = fetch(_open_store(_settings(db=db)))
    except NormwatchError as e:
        _fail(e)
    for r in rows:
        click.echo(json.dumps(r, ensure_ascii=False) if fmt == "jsonl" else escape(line(r)))
    if not rows:
        click.echo(empty)


def _emit(result: dict, fmt: str, text_formatter) -> None:
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if fmt == "json" else text_formatter(result))


@cli.command()
@click.argument("incident")
@click.option("--as-of", help="assess as of this date (YYYY-MM-DD) instead of the incident date")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def assess(incident, as_of, fmt):
    """Which provisions an incident implicates, who was bound at the time, under which condition."""
    from .assess import assess_incident, format_text
    from .kb import load_kb

    try:
        result = assess_incident(load_kb(), incident, as_of=as_of)
    except KeyError as e:
        raise click.UsageError(str(e.args[0]))
    _emit(result, fmt, format_text)


@cli.command()
@click.argument("instruments", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
def compare(instruments, fmt):
    """Definitions, scope, binding force and a provision concordance of instruments, side by side."""
    from .compare import compare_instruments, format_html, format_text
    from .kb import load_kb

    try:
        result = compare_instruments(load_kb(), list(instruments))
    except KeyError as e:
        raise click.UsageError(str(e.args[0]))
    if fmt == "html":
        click.echo(format_html(result))
    else:
        _emit(result, fmt, format_text)


@cli.command()
@click.argument("instrument")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def brief(instrument, fmt):
    """A one-page answer for an instrument: definitions, hostile activities, military, non-state actors."""
    from .brief import brief as make_brief
    from .brief import format_text
    from .kb import load_kb

    try:
        result = make_brief(load_kb(), instrument)
    except KeyError as e:
        raise click.UsageError(str(e.args[0]))
    _emit(result, fmt, format_text)


def _add_commands_from_modules() -> None:
    """Commands that live in their own modules; `serve` needs the [web] extra."""
    from .cli_kb import kb
    from .evaluate import eval_command

    cli.add_command(kb)
    cli.add_command(eval_command, name="eval")
    from .watch.cli import watch, watch_sources  # issue 15

    from .alerts.cli import alert

    cli.add_command(watch)
    cli.add_command(watch_sources)
    cli.add_command(alert)
    from .cli_review import COMMANDS as review_commands  # issue 14: user, token, reextract, audit

    for name, command in review_commands.items():
        cli.add_command(command, name=name)
    # issue 12: store-to-store copy and the Parquet loader of the Spark job's output
    from .cli_scale import copy_command, load_command

    cli.add_command(copy_command)
    cli.add_command(load_command)
    try:
        from .cli_web import serve
    except ImportError as e:  # the web extra is missing: say how to get it instead of failing
        missing = e.name

        @cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
        def serve():
            """Serve the web UI and JSON API (needs: pip install 'normwatch[web]')."""
            raise click.ClickException(f"the web UI needs {missing}: pip install 'normwatch[web]'")
    else:
        cli.add_command(serve)


_add_commands_from_modules()


def main() -> None:
    """The console script: an error of normwatch itself is one line and exit code 3, not a traceback."""
    try:
        cli()
    except Exception as e:  # noqa: BLE001 - click handled usage errors already; this is a bug or a dead store
        from .sources.common import short_reason

        click.echo(escape(f"normwatch: internal error: {type(e).__name__}: {short_reason(e)} "
                          f"(this is a bug or the store failed; nothing is lost: run the same command again)"),
                   err=True)
        if os.environ.get("NORMWATCH_TRACEBACK"):
            raise
        sys.exit(EXIT_CRASH)


if __name__ == "__main__":
    main()
