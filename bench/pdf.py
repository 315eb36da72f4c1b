"""PDF pages per second: our PDF source (runs + cleaning) against pypdfium2 alone, in one run.

    .venv/bin/python bench/pdf.py [--docs 30]

Writes UN-report-like PDFs from ../shared/corpus texts with tests/pdfmaker.py (reportlab) into a
temporary folder, then times, over the same files and in alternating order:
- pypdfium2 alone: open, and for every page its text page and `get_text_range()` (the plain text,
  no layout), which is the least any PDFium-based reader does;
- our source: `sources.pdf.read_pdf` (text runs with boxes, headers/footers, columns,
  hyphenation, footnote markers, metadata), without the extraction stages.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import pypdfium2 as pdfium  # noqa: E402

from normwatch.settings import Settings  # noqa: E402
from normwatch.sources.pdf import read_pdf  # noqa: E402
from tests.conftest import SHARED  # noqa: E402
from tests.pdfmaker import corpus_paragraphs, make_report  # noqa: E402


def library_alone(blobs: list[bytes]) -> int:
    pages = 0
    for data in blobs:
        pdf = pdfium.PdfDocument(data)
        for page in pdf:
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def ours(blobs: list[bytes]) -> int:
    pages = 0
    settings = Settings()
    for i, data in enumerate(blobs):
        raw = read_pdf(data, source=f"b{i}", raw_ref=f"b{i}", where=f"b{i}", settings=settings)
        pages += len(raw.pages or [])
    return pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    texts = sorted(glob.glob(str(SHARED / "corpus" / "ungdc-cyber" / "*_7[0258]_*.txt")))[: args.docs - 1]
    texts.append(str(SHARED / "corpus" / "instruments" / "budapest_convention" / "ETS185_convention_on_cybercrime_en.txt"))
    blobs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(texts):
            out = os.path.join(tmp, f"{i}.pdf")
            make_report(corpus_paragraphs(open(path, encoding="utf-8").read()), out, two_column_pages=(2, 3, 5, 8),
                        footnote_every=7)
            blobs.append(open(out, "rb").read())
    total = {"pypdfium2 alone": 0.0, "normwatch PDF source": 0.0}
    pages = {}
    for r in range(args.rounds):
        order = [("pypdfium2 alone", library_alone), ("normwatch PDF source", ours)]
        if r % 2:
            order.reverse()
        for name, fn in order:
            t0 = time.perf_counter()
            pages[name] = fn(blobs)
            total[name] += time.perf_counter() - t0
    print(f"{len(blobs)} PDFs, {pages['pypdfium2 alone']} pages, {args.rounds} rounds")
    for name, secs in total.items():
        print(f"{name:24s} {pages[name] * args.rounds / secs:8.1f} pages/s")
    ratio = (pages["normwatch PDF source"] / total["normwatch PDF source"]) / (pages["pypdfium2 alone"] / total["pypdfium2 alone"])
    print(f"ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
