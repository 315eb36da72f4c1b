"""Exports in the field's formats: STIX 2.1, Parquet, a Frictionless data package, CSV, JSONL.

Needs the `export` extra (stix2, pyarrow, frictionless) for STIX and Parquet; CSV, JSONL and
the data package's files are written with the standard library. See `tables.Selection` for
the filters and the review-state rule every format follows.
"""

from .tables import TABLES, Selection

FORMATS = ("stix", "parquet", "datapackage", "csv", "jsonl")

__all__ = ["FORMATS", "TABLES", "Selection"]
