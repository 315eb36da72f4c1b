"""Write real PDFs with a UN-report-like layout, for the PDF source tests and bench/pdf.py.

reportlab lays out the text itself (our own line breaking, so we know where words were
hyphenated) and writes an ordinary PDF with an embedded TrueType font (Vera, shipped inside
reportlab) and a ToUnicode map, as office suites do. The layout has what real UN documents
have and what a PDF text layer breaks:

- a masthead on page 1 (organ, symbol, distribution, date, title in a larger font);
- a running header with the document symbol on every later page (left on even pages, right
  on odd ones) and a footer with the job number and "page/total";
- two columns on some pages;
- words hyphenated at line ends;
- superscript footnote markers with the footnote text at the foot of the page.

`make_report(paragraphs, path, ...)` returns a `Made` record: what was drawn on which page,
so tests can check page numbers on spans.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import reportlab

_FONT_DIR = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
FONT, BOLD = "Vera", "VeraBd"
pdfmetrics.registerFont(TTFont(FONT, os.path.join(_FONT_DIR, "Vera.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, os.path.join(_FONT_DIR, "VeraBd.ttf")))

WIDTH, HEIGHT = A4
MARGIN_X, TOP, BOTTOM = 72.0, HEIGHT - 90.0, 80.0
SIZE, LEADING = 10.0, 12.5
GUTTER = 24.0
NOTE_SOURCES = ("on developments in the field of information and telecommunications",
                "on the work of the Group of Governmental Experts, sect. III",
                "containing the views of Member States received in response to resolution 70/237",
                "on advancing responsible State behaviour in cyberspace, annex")


@dataclass
class Made:
    """What was drawn: the body words of each page (1-based) and the footnotes added."""

    pages: int = 0
    words_on_page: dict[int, list[str]] = field(default_factory=dict)
    hyphenated: list[str] = field(default_factory=list)  # words split across two lines
    footnotes: list[str] = field(default_factory=list)


def _width(s: str, size: float = SIZE, font: str = FONT) -> float:
    return pdfmetrics.stringWidth(s, font, size)


def _next_line(words: list[str], width: float, made: Made) -> tuple[str, list[str]]:
    """One line of greedy line breaking and the words left; a long word that does not fit is
    hyphenated so the line fills (letters-only words of 8+ letters, 3+ letters each side)."""
    cur = ""
    for i, w in enumerate(words):
        trial = f"{cur} {w}" if cur else w
        if _width(trial) <= width:
            cur = trial
            continue
        if not cur:  # a single word wider than the line: draw it anyway
            return w, words[i + 1:]
        core = w.rstrip(".,;:)")
        if len(core) >= 8 and core.isalpha():
            for cut in range(len(core) - 3, 2, -1):
                head = f"{cur} {w[:cut]}-"
                if _width(head) <= width:
                    made.hyphenated.append(core)
                    return head, [w[cut:]] + words[i + 1:]
        return cur, words[i:]
    return cur, []


def make_report(paragraphs: list[str], path: str, *, symbol: str = "A/70/999", job: str = "15-12345",
                title: str = "Developments in the field of information and telecommunications",
                date: str = "22 July 2015", two_column_pages: tuple[int, ...] = (3, 5),
                footnote_every: int = 0, info_title: str | None = None, interleave: bool = False) -> Made:
    """Lay `paragraphs` out as a UN-style report at `path`; returns what went on which page.

    `footnote_every`: add a superscript marker and a footnote after every n-th paragraph (0: none).
    `info_title`: the Title of the PDF info dictionary (None: left empty, as many office exports do).
    `interleave`: write two-column pages row by row (left line, right line, ...), as some
    writers do, so reading order cannot come from the content stream.
    """
    made = Made()
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setAuthor("United Nations")
    if info_title is not None:
        c.setTitle(info_title)
    c.setCreator("normwatch tests/pdfmaker.py")
    # pages are drawn after their content is known, since the footer needs the total
    pages: list[dict] = []

    def new_page() -> dict:
        p = {"lines": [], "notes": [], "two": (len(pages) + 1) in two_column_pages}
        pages.append(p)
        return p

    page = new_page()
    first_top = TOP - 120.0  # below the masthead
    paras = list(paragraphs)
    note_no = 0
    # fill pages column by column: (x, width, y) slots
    def columns(p: dict, top: float) -> list[tuple[float, float]]:
        if p["two"]:
            w = (WIDTH - 2 * MARGIN_X - GUTTER) / 2
            return [(MARGIN_X, w), (MARGIN_X + w + GUTTER, w)]
        return [(MARGIN_X, WIDTH - 2 * MARGIN_X)]

    top = first_top
    cols = columns(page, top)
    col = 0
    y = top
    for n, para in enumerate(paras, 1):
        words = para.split()
        if not words:
            continue
        marker = ""
        if footnote_every and n % footnote_every == 0:
            note_no += 1
            marker = str(note_no)
        while words:
            if y < BOTTOM + 40.0 + 10.0 * len(page["notes"]):
                col += 1
                if col >= len(cols):
                    page = new_page()
                    top = TOP
                    cols = columns(page, top)
                    col = 0
                y = top
            x, w = cols[col]
            line, words = _next_line(words, w - 6.0, made)
            page["lines"].append((x, y, line, marker if not words else ""))
            made.words_on_page.setdefault(len(pages), []).extend(line.split())
            y -= LEADING
        if marker:
            source = NOTE_SOURCES[(note_no - 1) % len(NOTE_SOURCES)]
            note = f"{marker} See the report of the Secretary-General, {source}."
            page["notes"].append(note)
            made.footnotes.append(note[len(marker) + 1:])
        y -= LEADING * 0.6  # paragraph gap
    made.pages = len(pages)
    total = len(pages)
    for i, p in enumerate(pages, 1):
        if i == 1:
            c.setFont(FONT, 9)
            c.drawString(MARGIN_X, HEIGHT - 50, "United Nations")
            c.drawRightString(WIDTH - MARGIN_X, HEIGHT - 50, symbol)
            c.drawString(MARGIN_X, HEIGHT - 64, "General Assembly")
            c.drawRightString(WIDTH - MARGIN_X, HEIGHT - 64, f"Distr.: General {date}")
            c.drawRightString(WIDTH - MARGIN_X, HEIGHT - 76, "Original: English")
            c.setFont(BOLD, 15)
            c.drawString(MARGIN_X, TOP - 60, title)
        else:
            c.setFont(BOLD, 9)
            if i % 2:
                c.drawRightString(WIDTH - MARGIN_X, HEIGHT - 50, symbol)
            else:
                c.drawString(MARGIN_X, HEIGHT - 50, symbol)
        c.setFont(FONT, 8)
        c.drawString(MARGIN_X, 40, job)
        c.drawRightString(WIDTH - MARGIN_X, 40, f"{i}/{total}")
        drawn = sorted(p["lines"], key=lambda ln: (-ln[1], ln[0])) if interleave and p["two"] else p["lines"]
        for x, y, line, marker in drawn:
            c.setFont(FONT, SIZE)
            c.drawString(x, y, line)
            if marker:
                c.setFont(FONT, 6)
                c.drawString(x + _width(line) + 0.5, y + 4, marker)
        ny = BOTTOM + 10.0 * len(p["notes"])
        for note in p["notes"]:
            c.setFont(FONT, 8)
            c.drawString(MARGIN_X, ny, note)
            ny -= 10.0
        c.showPage()
    c.save()
    return made


def corpus_paragraphs(text: str) -> list[str]:
    """Paragraphs of a corpus text: blank-line blocks, or lines when the file has no blank lines."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if len(blocks) < 3:
        blocks = [b for b in text.splitlines() if b.strip()]
    return [" ".join(b.split()) for b in blocks]
