"""Turn the positioned text runs of a PDF's pages into clean text with a page map.

A PDF text layer is a set of positioned runs, not a text: running headers and footers
repeat on every page (the document symbol "A/70/174", the job number "15-12137", "3/20"),
two-column pages interleave, words are hyphenated at line ends, and footnotes sit at the
foot of each page. This module is pure (no PDF library): `sources/pdf.py` reads the runs
with pypdfium2 and hands them here as `Run`s, so each repair can be tested on its own.

What it does, in order (each step needs the one before):
1. runs on one baseline and close together become a line; a far gap (a column gutter) splits;
2. header and footer lines (top and bottom bands of the page) are dropped when they repeat
   on many pages once digits are masked, or look like a page number, a job number or a UN
   masthead line; the first page's masthead gives the symbol and the date;
3. a page whose lines leave a vertical gutter free is read column by column; full-width
   lines (a title, a table heading) cut the page into bands read in order;
4. lines join into paragraphs (a wider gap or an indented first line starts one); a word
   split at a line end is joined back, keeping the hyphen only for real compounds
   (the document's own vocabulary decides: "informa-/tion" -> "information",
   "Secretary-/General" stays);
5. smaller lines below the body are footnotes: they become their own paragraphs at the end
   of their page.

`clean_pdf(pages)` returns the text and `pages`: (start offset, page number) per page, so
any span maps to the page it starts on (`page_of`).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["Run", "Page", "PdfText", "clean_pdf", "page_of", "find_symbol", "HEADER_BAND", "FOOTER_BAND"]

HEADER_BAND = 0.86  # lines starting above 86% of the page height may be running headers
FOOTER_BAND = 0.10  # lines ending below 10% of it may be footers
HYPHENS = ("-", "\x02", "\ufffe", "\xad", "\u2010")  # pdfium marks a line-end hyphen as \x02

_PAGE_NO = re.compile(r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
# UN job numbers as page 1 prints them ("15-12137 (E) 280715 290715"), barcodes, Geneva numbers
_JOB_NO = re.compile(r"^(?:\d{2}-\d{4,6}(?:\s*\([A-Z]\))?(?:\s+\d{6})*|\*\d{6,10}\*|GE\.\d{2}-\d{4,6}.*)$")
_MASTHEAD = re.compile(r"^(?:United Nations|General Assembly|Security Council|Economic and Social Council|"
                       r"Distr\.?:?\s.*|Original:\s.*|Provisional|Limited|Please recycle)$", re.I)
SYMBOL = re.compile(r"\b(?:A|S|E|ST|UNEP|TD|CCPR|CRC|CEDAW|DP|ICCD|FCCC|CD|UNW|WP)"
                    r"(?:/[A-Z0-9][A-Za-z0-9.\-]*){2,}\b")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+", re.UNICODE)


@dataclass(slots=True)
class Run:
    """A run of text on one line of a page, with its box in PDF space (points, y grows upwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    runs: list[Run] = field(default_factory=list)


@dataclass(slots=True)
class PdfText:
    text: str
    pages: list[tuple[int, int]]  # (start offset in text, page number), ascending
    symbol: str | None = None
    title: str | None = None
    date_line: str | None = None  # the first page's masthead line holding a date ("Distr.: General 22 July 2015")
    dropped: int = 0  # header/footer lines removed


def page_of(pages: list[tuple[int, int]], offset: int) -> int | None:
    """The page number that `offset` falls on, from a `PdfText.pages` map."""
    i = bisect_right([p[0] for p in pages], offset) - 1
    return pages[i][1] if i >= 0 else (pages[0][1] if pages else None)


def find_symbol(text: str) -> str | None:
    m = SYMBOL.search(text)
    return m.group(0).rstrip(".") if m else None


def _norm(text: str) -> str:
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return " ".join(text.replace("\r", " ").replace("\n", " ").split())


# -- 1. lines -------------------------------------------------------------------------------------

def _lines(page: Page) -> list[Run]:
    """Runs on one baseline joined into lines; a gap wider than two line heights splits them."""
    runs = sorted((r for r in page.runs if r.text.strip()), key=lambda r: (-(r.y0 + r.y1) / 2, r.x0))
    rows: list[list[Run]] = []
    for r in runs:
        mid = (r.y0 + r.y1) / 2
        if rows:
            last = rows[-1]
            ref = max(last, key=lambda x: x.height)
            if abs(mid - (ref.y0 + ref.y1) / 2) < max(ref.height, r.height) * 0.45:
                last.append(r)
                continue
        rows.append([r])
    out: list[Run] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        main = max(r.height for r in row)
        cur: Run | None = None
        for r in row:
            # a superscript (small and raised) of digits or a dagger is a footnote marker
            if r.height < 0.75 * main and re.fullmatch(r"[\d*†‡,\s]{1,6}", r.text.strip()) and cur is not None:
                continue
            if cur is not None and r.x0 - cur.x1 < 2.0 * main:
                # runs that touch are one word split by a font change; others are words apart
                sep = "" if r.x0 - cur.x1 < 0.15 * main and not cur.text.endswith(" ") else " "
                cur = Run(cur.text.rstrip() + sep + r.text.strip() if sep else cur.text + r.text.strip(),
                          cur.x0, min(cur.y0, r.y0), r.x1, max(cur.y1, r.y1))
                continue
            if cur is not None:
                out.append(cur)
            cur = Run(r.text.strip(), r.x0, r.y0, r.x1, r.y1)
        if cur is not None:
            out.append(cur)
    for line in out:
        line.text = _norm(line.text)
    return [line for line in out if line.text]


# -- 2. headers and footers -----------------------------------------------------------------------

def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _in_band(line: Run, page: Page) -> bool:
    return line.y0 > page.height * HEADER_BAND or line.y1 < page.height * FOOTER_BAND


def _drop_furniture(pages: list[Page], lines: list[list[Run]]) -> tuple[list[list[Run]], int, list[str]]:
    """Remove running headers/footers; returns the kept lines, the count dropped and page 1's masthead lines."""
    seen: dict[str, set[int]] = {}
    for page, ls in zip(pages, lines):
        for line in ls:
            if _in_band(line, page):
                seen.setdefault(_mask(line.text), set()).add(page.number)
    need = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, v in seen.items() if len(v) >= need}
    kept: list[list[Run]] = []
    dropped = 0
    masthead: list[str] = []
    for page, ls in zip(pages, lines):
        keep = []
        for line in ls:
            if _in_band(line, page):
                t = line.text
                if (_mask(t) in repeated or _PAGE_NO.match(t) or _JOB_NO.match(t)
                        or (page.number == pages[0].number and _MASTHEAD.match(t))
                        or (SYMBOL.fullmatch(t) is not None)):
                    dropped += 1
                    if page.number == pages[0].number:
                        masthead.append(t)
                    continue
            keep.append(line)
        kept.append(keep)
    return kept, dropped, masthead


# -- 3. columns -----------------------------------------------------------------------------------

def _gutter(lines: list[Run], width: float) -> float | None:
    """The x of a free vertical gutter in the middle of the page, when lines stand on both sides of it."""
    if len(lines) < 8:
        return None
    # lines crossing each whole x, by a running sum over where lines start and end
    lo, hi = int(width * 0.3), int(width * 0.7)
    diff = [0] * (hi - lo + 2)
    for ln in lines:
        a, b = max(lo, int(ln.x0) + 1), min(hi + 1, int(ln.x1 + 0.999999))  # whole x with x0 < x < x1
        if a < b:
            diff[a - lo] += 1
            diff[b - lo] -= 1
    crossing, best_x, run = len(lines) + 1, float(lo), 0
    for i in range(hi - lo + 1):
        run += diff[i]
        if run < crossing:
            crossing, best_x = run, float(lo + i)
    x = best_x
    left = [ln for ln in lines if ln.x1 <= x]
    right = [ln for ln in lines if ln.x0 >= x]
    if crossing > 0.15 * len(lines) or len(left) < 3 or len(right) < 3:
        return None
    # a column is left-aligned: most of its lines start where its leftmost line starts
    # (right-aligned masthead lines or a ragged single column have no such edge)
    edge = min(ln.x0 for ln in right)
    if sum(1 for ln in right if ln.x0 - edge < 3.0) < max(3, 0.5 * len(right)):
        return None
    return x


def _reading_order(lines: list[Run], width: float) -> list[list[Run]]:
    """Blocks of lines in reading order: one per column of each band between full-width lines."""
    lines = sorted(lines, key=lambda ln: (-ln.y1, ln.x0))
    x = _gutter(lines, width)
    if x is None:
        return [lines]
    blocks: list[list[Run]] = []
    band: list[Run] = []

    def flush() -> None:
        if band:
            left = [ln for ln in band if ln.x1 <= x]
            right = [ln for ln in band if ln.x0 >= x]
            blocks.extend(b for b in (left, right) if b)
            band.clear()

    for ln in lines:
        if ln.x0 < x < ln.x1:  # full width: ends the band above it
            flush()
            blocks.append([ln])
        else:
            band.append(ln)
    flush()
    return blocks


# -- 4. paragraphs and hyphenation ----------------------------------------------------------------

def _join_hyphen(left: str, right: str, vocab: set[str]) -> str:
    """Join a line ending in a hyphen to the next one: drop the hyphen unless the compound is real."""
    head = left[:-1]
    a = re.search(r"([^\W\d_]+)$", head[-80:])  # the tail only: an end-anchored search rescans from every start
    b = re.match(r"([^\W\d_]+)", right)
    if not a or not b:
        return f"{head}-{right}"
    whole = (a.group(1) + b.group(1)).lower()
    if whole in vocab:
        return head + right
    if b.group(1)[0].isupper() or f"{a.group(1)}-{b.group(1)}".lower() in vocab:
        return f"{head}-{right}"
    return head + right


@dataclass(slots=True)
class _Para:
    lines: list[Run]
    page: int
    note: bool = False
    first_in_block: bool = False


def _paragraphs(blocks: list[list[Run]], page: Page, body_height: float) -> tuple[list[_Para], list[_Para]]:
    """Split a page's blocks into paragraphs; small lines at the foot of the page are footnotes."""
    paras: list[_Para] = []
    notes: list[_Para] = []
    body_lines = [ln for b in blocks for ln in b if ln.height >= 0.85 * body_height]
    lowest_body = min((ln.y0 for ln in body_lines), default=0.0)
    for block in blocks:
        gaps = [a.y0 - b.y1 for a, b in zip(block, block[1:]) if 0 <= a.y0 - b.y1 < 3 * body_height]
        usual = statistics.median(gaps) if gaps else body_height * 0.3
        left = min((ln.x0 for ln in block), default=0.0)
        right = max((ln.x1 for ln in block), default=0.0)
        prev: Run | None = None
        for ln in block:
            small = ln.height < 0.85 * body_height and ln.y1 <= lowest_body + 1
            if small:
                if prev is None or not notes or re.match(r"^\d{1,3}\s", ln.text) or not notes[-1].note:
                    notes.append(_Para([ln], page.number, note=True))
                else:
                    notes[-1].lines.append(ln)
                continue
            starts = (prev is None or not paras
                      or prev.y0 - ln.y1 > usual + 0.5 * body_height
                      or ln.x0 - left > 0.8 * body_height
                      or (prev.x1 < right - 3 * body_height and _SENTENCE_END.search(prev.text) is not None))
            if starts:
                paras.append(_Para([ln], page.number, first_in_block=prev is None))
            else:
                paras[-1].lines.append(ln)
            prev = ln
    return paras, notes


def _para_text(lines: list[Run], vocab: set[str]) -> str:
    text = lines[0].text
    for ln in lines[1:]:
        if text[-1:] in HYPHENS and len(text) > 1 and text[-2].isalpha() and ln.text[:1].isalpha():
            text = _join_hyphen(text, ln.text, vocab)
        else:
            text = f"{text} {ln.text}"
    return text.replace("\xad", "")


def _vocabulary(lines: list[list[Run]]) -> set[str]:
    """Words as the document spells them within lines, for deciding line-end hyphens."""
    vocab: set[str] = set()
    for ls in lines:
        for ln in ls:
            text = ln.text.lower()
            if text[-1:] in HYPHENS:  # the cut word is what is being decided
                text = text.rpartition(" ")[0]
            vocab.update(_COMPOUND.findall(text))
            vocab.update(_WORD.findall(text))
    return vocab


def _title(lines: list[Run], body_height: float) -> str | None:
    """The largest lines at the top of page 1, when clearly larger than the body text."""
    if not lines:
        return None
    top = max(lines, key=lambda ln: ln.height)
    if top.height < 1.25 * body_height:
        return None
    parts = [ln.text for ln in sorted(lines, key=lambda ln: -ln.y1) if abs(ln.height - top.height) < 0.1 * top.height]
    return " ".join(parts)[:300] or None


def clean_pdf(pages: list[Page]) -> PdfText:
    """Clean text and page map from the runs of every page (pages in document order)."""
    raw_lines = [_lines(p) for p in pages]
    kept, dropped, masthead = _drop_furniture(pages, raw_lines)
    heights = [ln.height for ls in kept for ln in ls]
    body_height = statistics.median(heights) if heights else 10.0
    vocab = _vocabulary(kept)
    symbol = next((find_symbol(t) for t in masthead if find_symbol(t)), None)
    if symbol is None:
        symbol = next((find_symbol(ln.text) for ls in raw_lines for ln in ls
                       if find_symbol(ln.text)), None)
    date_line = next((t for t in masthead if re.search(r"(?:19|20)\d\d", t)), None)
    title = _title(kept[0], body_height) if kept else None
    out: list[str] = []
    page_map: list[tuple[int, int]] = []
    pos = 0
    last_is_body = False  # the paragraph written last is body text, so one cut by a break may go on
    for page, ls in zip(pages, kept):
        paras, notes = _paragraphs(_reading_order(ls, page.width), page, body_height)
        first = True
        for para in paras + notes:
            text = _para_text(para.lines, vocab)
            cont = (para.first_in_block and last_is_body and not para.note
                    and not _SENTENCE_END.search(out[-1]) and text[:1].islower())
            if cont:
                # a paragraph cut by a column or page break: join it, and the page starts inside it
                joined = (_join_hyphen(out[-1], text, vocab) if out[-1][-1:] in HYPHENS
                          else f"{out[-1]} {text}")
                pos += len(joined) - len(out[-1])
                out[-1] = joined
                start = pos - len(text)
            else:
                if out:
                    pos += 2
                start = pos
                out.append(text)
                pos += len(text)
            if first:
                page_map.append((start, page.number))
                first = False
            last_is_body = not para.note
    for i, t in enumerate(out):
        out[i] = t.replace("\x02", "-").replace("\ufffe", "-")
    text = "\n\n".join(out)
    return PdfText(text=text, pages=page_map, symbol=symbol, title=title, date_line=date_line, dropped=dropped)
