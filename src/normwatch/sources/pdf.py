"""PDF documents as a source: the text layer, page by page, read with pypdfium2.

Why pypdfium2 (the `pdf` extra): it binds PDFium, the PDF engine of Chromium, shipped as a
wheel with no system library; it opens damaged files PDFium can repair, says when a file is
encrypted, and gives each text run's box, which is what header, footer and column repair
need (`cleaning/pdf.py`). pdfminer.six gives boxes too but is pure Python and several times
slower per page.

`read_pdf(data, ...)` returns a RawDoc whose `content` is the cleaned text (kind "pdf"),
whose `pages` maps offsets to page numbers, and whose `meta` has the title, date and UN
document symbol from the info dictionary and the first page. It raises InputError:

- NW140 the file is not a PDF PDFium can read (malformed, cut short);
- NW141 it is encrypted and needs a password;
- NW142 it has no text layer (a scan): OCR is out of scope, so such files are rejected;
- NW143 the `pdf` extra is not installed;
- NW144 reading it took longer than `pdf_timeout` seconds (checked between pages).

The size limit (`max_bytes`) is checked by the caller before the bytes are read.
"""

from __future__ import annotations

import re
import time

from ..cleaning.dates import find_date, iso_date
from ..cleaning.pdf import Page, Run, clean_pdf, find_symbol
from ..errors import InputError
from ..model import Meta, RawDoc
from ..settings import Settings

__all__ = ["is_pdf", "read_pdf"]

# A page with fewer characters than this counts as having no text (a scanned image, a blank).
MIN_PAGE_CHARS = 20
_MARKER = re.compile(r"([^\W\d_]{2,}[.,;:)”’\"]?)(\d{1,3})(?=\s|$)")
_LETTER_DIGIT = re.compile(r"[^\W\d_][.,;:)”’\"]?\d")  # a cheap test before _MARKER
_BAD_TITLES = re.compile(r"^(?:untitled|microsoft word\b.*|.*\.(?:docx?|pdf|rtf|odt)|\s*)$", re.I)


def is_pdf(head: bytes) -> bool:
    """True when the bytes start a PDF (leading whitespace or a BOM, as some servers add, is allowed)."""
    return head[:1024].lstrip(b"\x00\t\r\n \xef\xbb\xbf").startswith(b"%PDF-")


def _load():
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:
        raise InputError("PDF input needs the pdf extra: pip install 'normwatch[pdf]'", code="NW143") from None
    return pdfium, pdfium_c


def _open(pdfium, data: bytes, where: str):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError(f"{where}: the PDF is encrypted and needs a password; decrypt it first "
                             f"(e.g. qpdf --decrypt)", code="NW141") from None
        raise InputError(f"{where}: not a readable PDF ({msg.rstrip('.')}); the file may be cut short "
                         f"or damaged", code="NW140") from None


def _superscript(tp, c, run: Run, text: str, m: re.Match) -> bool:
    """Whether the digits of a marker candidate are set smaller than the letter before them."""
    frac = (m.start(2) + 0.5) / max(1, len(text))
    x = run.x0 + (run.x1 - run.x0) * frac
    y = (run.y0 + run.y1) / 2
    idx = tp.get_index(x, y, max(4.0, run.height), run.height)
    if idx is None or idx < 0:
        return False
    digits = m.group(2)
    lo, hi = max(0, idx - 8), min(tp.count_chars(), idx + 8)
    window = tp.get_text_range(lo, hi - lo)
    at = window.find(digits, max(0, idx - lo - len(digits)))
    if at < 0:
        at = window.find(digits)
    if at < 1:
        return False
    d, before = lo + at, lo + at - 1
    size_d, size_b = c.FPDFText_GetFontSize(tp.raw, d), c.FPDFText_GetFontSize(tp.raw, before)
    if size_b > 0 and size_d < 0.8 * size_b:
        return True
    bd, bb = tp.get_charbox(d), tp.get_charbox(before)
    return bd[1] > bb[1] + 0.25 * max(1.0, bb[3] - bb[1])


def _page_runs(page, c, number: int) -> Page:
    width, height = page.get_size()
    tp = page.get_textpage()
    try:
        runs = []
        rects = [tp.get_rect(k) for k in range(tp.count_rects())]
        for (x0, y0, x1, y1), text in zip(rects, _rect_texts(tp, rects)):
            run = Run(text, x0, y0, x1, y1)
            if _LETTER_DIGIT.search(text) and _MARKER.search(text):
                # footnote markers pdfium merged into the word: drop the digits that are superscript
                text = _MARKER.sub(lambda m: m.group(1) if _superscript(tp, c, run, text, m) else m.group(0), text)
                run.text = text
            runs.append(run)
        return Page(number, width, height, runs)
    finally:
        tp.close()


def _rect_texts(tp, rects: list[tuple[float, float, float, float]]) -> list[str]:
    """The text of each rect: slices of the page text between the rects' first characters.

    PDFium builds rects from the characters in order, so rect k holds the characters from its
    first one up to rect k+1's first one. Finding a first character by position is about 20
    times cheaper than asking for the text inside each rect; when the indices found do not
    ascend (overlapping text), the page falls back to the text inside each rect.
    """
    starts = []
    for x0, y0, x1, y1 in rects:
        h = max(0.5, y1 - y0)
        starts.append(tp.get_index(x0 + min(0.5, (x1 - x0) / 2), (y0 + y1) / 2, min(1.0, h / 4), h / 4))
    if all(s is not None and s >= 0 for s in starts) and all(a < b for a, b in zip(starts, starts[1:])):
        full = tp.get_text_range()
        if len(full) == tp.count_chars():  # one str char per PDFium char (no surrogate pairs)
            ends = starts[1:] + [len(full)]
            return [full[a:b].replace("\r", "").replace("\n", "") for a, b in zip(starts, ends)]
    return [tp.get_text_bounded(*r) for r in rects]


def _info_date(value: str | None) -> str | None:
    """An ISO date from a PDF date string ("D:20150722120000+02'00'")."""
    m = re.match(r"^(?:D:)?((?:19|20)\d\d)(\d\d)(\d\d)", (value or "").strip())
    if not m or m.group(1) == "2000" and m.group(2) == "01" and m.group(3) == "01":
        return None  # 2000-01-01 is what writers set when asked for reproducible output
    return iso_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")


def read_pdf(data: bytes, *, source: str, raw_ref: str, where: str, settings: Settings,
             meta: Meta | None = None, doc_id: str | None = None) -> RawDoc:
    """A RawDoc of kind "pdf" from the bytes of one PDF; raises InputError NW140-NW144 (see the module doc)."""
    pdfium, c = _load()
    deadline = time.monotonic() + settings.pdf_timeout
    pdf = _open(pdfium, data, where)
    try:
        try:
            n = len(pdf)
            info = pdf.get_metadata_dict(skip_empty=True)
        except pdfium.PdfiumError as e:
            raise InputError(f"{where}: not a readable PDF ({e})", code="NW140") from None
        if n == 0:
            raise InputError(f"{where}: the PDF has no pages", code="NW140")
        pages: list[Page] = []
        for i in range(n):
            if time.monotonic() > deadline:
                raise InputError(f"{where}: reading took more than pdf_timeout ({settings.pdf_timeout:g}s) at page "
                                 f"{i + 1} of {n}; raise --pdf-timeout", code="NW144")
            try:
                page = pdf[i]
            except pdfium.PdfiumError as e:
                raise InputError(f"{where}: page {i + 1} of {n} cannot be read ({e})", code="NW140") from None
            try:
                pages.append(_page_runs(page, c, i + 1))
            finally:
                page.close()
    finally:
        pdf.close()
    chars = [sum(len(r.text.strip()) for r in p.runs) for p in pages]
    if sum(chars) < MIN_PAGE_CHARS * max(1, min(n, 3)) or all(ch < MIN_PAGE_CHARS for ch in chars):
        raise InputError(f"{where}: no text layer ({sum(chars)} characters on {n} pages): a scanned PDF? "
                         f"OCR is not supported; run it through an OCR tool (e.g. ocrmypdf) first", code="NW142")
    cleaned = clean_pdf(pages)
    given = meta or Meta()
    title = info.get("Title", "").strip()
    if _BAD_TITLES.match(title):
        title = ""
    date = None
    if cleaned.date_line:
        found = find_date(cleaned.date_line)
        date = found[0] if found else None
    date = date or _info_date(info.get("CreationDate"))
    symbol = cleaned.symbol or find_symbol(info.get("Subject", "") or "") or find_symbol(title)
    author = (info.get("Author") or "").strip() or None
    out = Meta(title=given.title or cleaned.title or title or None, publisher=given.publisher,
               author=given.author or author, published=given.published or date, language=given.language,
               url=given.url, speaker=given.speaker, symbol=given.symbol or symbol)
    return RawDoc(source=source, raw_ref=raw_ref, content=cleaned.text, kind="pdf", meta=out, id=doc_id,
                  pages=cleaned.pages)
