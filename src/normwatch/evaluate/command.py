"""The ``normwatch eval`` command and what it needs to find predictions and gold documents."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..errors import NormwatchError
from .gold import Gold, GoldError, _basename, load_gold
from .report import format_report
from .scoring import score


def read_predictions(path: str) -> list[dict]:
    """Contract objects from a JSONL file (one per line) or a JSON array; ``-`` reads stdin."""
    raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    stripped = raw.lstrip()
    if stripped.startswith("["):
        return json.loads(stripped)
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise GoldError(f"line {n}: {e.msg}", source=path, code="NW132",
                                hint="predictions are one JSON object per line (normwatch extract --format jsonl)")
    return out


def default_corpus() -> Path:
    """../shared/corpus beside the work tree, or $NORMWATCH_SHARED/corpus."""
    env = os.environ.get("NORMWATCH_SHARED")
    return Path(env) / "corpus" if env else Path.cwd().parent / "shared" / "corpus"


def gold_paths(gold: Gold, corpus: Path) -> list[str]:
    """Files of the gold documents under `corpus`: their `source`, else found by base name."""
    out = []
    index: dict[str, Path] | None = None
    for gd in gold.documents.values():
        if gd.source and (corpus / gd.source).is_file():
            out.append(str(corpus / gd.source))
            continue
        if index is None:
            index = {}
            for p in sorted(corpus.rglob("*")):
                if p.is_file():
                    index.setdefault(p.name, p)
        p = index.get(_basename(gd.key))
        if p is None:
            raise GoldError(f"gold document {gd.key!r} not found under {corpus}", hint="pass --corpus DIR")
        out.append(str(p))
    return out


def run_extraction(paths: list[str], gold: Gold) -> list[dict]:
    """Extract the given files now, giving each speech its gold `speaker`."""
    # imported here so scoring saved predictions works without the extraction stages
    from ..extract import extract_paths
    from ..settings import Settings

    speaker = {}
    for gd in gold.documents.values():
        if gd.speaker:
            for n in gd.names():
                speaker[n] = gd.speaker
    out = []
    for item in extract_paths(paths, Settings.load(), speaker or None):
        if isinstance(item, dict):
            out.append(item)
        else:
            click.echo(f"rejected {item.line() if hasattr(item, 'line') else item}", err=True)
    return out


@click.command("eval")
@click.argument("gold_path", metavar="GOLD")
@click.argument("inputs", nargs=-1, metavar="[PRED.jsonl | PATH...]")
@click.option("--run", "run", is_flag=True,
              help="extract INPUTS now (no INPUTS: the gold documents found under --corpus)")
@click.option("--corpus", type=click.Path(file_okay=False), default=None,
              help="where gold documents live for --run [default: $NORMWATCH_SHARED/corpus or ../shared/corpus]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--details", is_flag=True, help="also list every miss and false positive")
def eval_command(gold_path, inputs, run, corpus, fmt, details):
    """Precision, recall and F1 per kind of fact against gold annotations (a file or a directory)."""
    try:
        gold = load_gold(gold_path)
        if run:
            paths = list(inputs) or gold_paths(gold, Path(corpus) if corpus else default_corpus())
            predictions = run_extraction(paths, gold)
        else:
            if len(inputs) != 1:
                raise click.UsageError("give one PRED.jsonl, or --run [PATH...] to extract now")
            predictions = read_predictions(inputs[0])
    except NormwatchError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except (OSError, json.JSONDecodeError) as e:
        click.echo(f"error: cannot read predictions: {e}", err=True)
        sys.exit(2)
    click.echo(format_report(score(gold, predictions), fmt, details))
