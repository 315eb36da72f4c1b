"""CSV exports defuse spreadsheet formulas: a text cell starting with = + - @ tab or CR gets a
leading quote (CSV injection); numbers, JSONL and the API's CSV follow the same rule or stay exact."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from normwatch.cli import cli
from normwatch.model import Document, Meta
from normwatch.store import Store

TITLES = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "plain title"]


@pytest.fixture()
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'csv.db'}"
    store = Store(url)
    for i, title in enumerate(TITLES):
        text = f"Document {i} on the Budapest Convention and cyber norms at the United Nations."
        store.add_document(Document(text, source=f"mem://{i}", meta=Meta(title=title, published="2015-01-01")))
    store.close()
    return url


def _export(*args):
    r = CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_csv_export_defuses_formula_cells(db):
    out = _export("--format", "csv", "--table", "documents", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    titles = {r["title"] for r in rows}
    assert titles == {"'" + t if t != "plain title" else t for t in TITLES}
    assert all(r["chars"].isdigit() for r in rows)  # numbers are not touched


def test_jsonl_export_stays_exact(db):
    out = _export("--format", "jsonl", "--table", "documents", "--db", db)
    assert {json.loads(line)["title"] for line in out.splitlines()} == set(TITLES)


def test_defuse_rule():
    from normwatch.exports.files import _csv_cell, defuse

    assert [defuse(c + "x") for c in "=+-@\t\r"] == ["'" + c + "x" for c in "=+-@\t\r"]
    assert defuse("x=1") == "x=1" and defuse("") == ""
    assert _csv_cell(-5) == "-5" and _csv_cell(-0.5) == "-0.5" and _csv_cell(True) == "true"
