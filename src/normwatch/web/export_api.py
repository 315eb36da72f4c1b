"""`/api/v1/export`: the CLI's exports over HTTP (needs the `export` extra for STIX and Parquet).

    GET /api/v1/export?format=stix                         a STIX 2.1 bundle (application/stix+json)
    GET /api/v1/export?format=jsonl&table=stances           one table as JSON lines (csv likewise)
    GET /api/v1/export?format=datapackage&from=2015         a zip: datapackage.json + one CSV per table
    GET /api/v1/export?format=parquet                       a zip of one Parquet file per table

Filters as everywhere: `from`, `to`, `actor`, `instrument`; `include_rejected=true` keeps
rejected facts. A whole-store export is built in memory: on a large store, use the CLI.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..exports.tables import TABLES, Selection, columns, rows
from .api import DATE_FROM, DATE_TO

api = APIRouter(prefix="/api/v1")


@api.get("/export", summary="The store (or a selection) as STIX 2.1, a data package, Parquet, CSV or JSONL")
def export(request: Request, format: str = Query(..., pattern="^(stix|parquet|datapackage|csv|jsonl)$"),
           published_from: str | None = DATE_FROM, published_to: str | None = DATE_TO,
           actor: str | None = None, instrument: str | None = None, include_rejected: bool = False,
           table: str | None = Query(None, pattern="^(" + "|".join(TABLES) + ")$",
                                     description="one table (csv, jsonl, parquet); default: all, zipped")) -> Response:
    sel = Selection(published_from=published_from, published_to=published_to, actor=actor or None,
                    instrument=instrument or None, include_rejected=include_rejected,
                    tables=(table,) if table else TABLES)
    try:
        return _build(request, format, table, sel)
    except ImportError as e:  # the export extra is missing on this server
        from .app import error_body
        from .export import JSONText

        return JSONText(error_body(501, f"this export needs {e.name}: pip install 'normwatch[export]'"),
                        status_code=501)


def _build(request: Request, format: str, table: str | None, sel: Selection) -> Response:
    engine = request.app.state.store.engine
    if format == "stix":
        from ..exports.stix import stix_bundle

        body = stix_bundle(engine, request.app.state.ctx.kb, sel).serialize()
        return Response(body, media_type="application/stix+json;version=2.1",
                        headers={"Content-Disposition": 'attachment; filename="normwatch.stix.json"'})
    if table and format in ("csv", "jsonl"):
        from ..exports.files import _csv_cell

        if format == "jsonl":
            from .export import dumps

            body = b"".join(dumps(r) + b"\n" for r in rows(engine, table, sel))
            return Response(body, media_type="application/x-ndjson; charset=utf-8")
        import csv

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        cols = columns(table)
        w.writerow(cols)
        for r in rows(engine, table, sel):
            w.writerow([_csv_cell(r.get(c)) for c in cols])
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{table}.csv"'})
    from ..exports import files

    with tempfile.TemporaryDirectory(prefix="nw-export-") as tmp:
        files.write(engine, format, Path(tmp), sel)
        if table and format == "parquet":
            return Response((Path(tmp) / f"{table}.parquet").read_bytes(), media_type="application/vnd.apache.parquet",
                            headers={"Content-Disposition": f'attachment; filename="{table}.parquet"'})
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(Path(tmp).iterdir()):
                z.write(p, p.name)
    return Response(buf.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="normwatch-{format}.zip"'})
