"""cleaning/pdf.py on hand-built pages (no PDF library): each repair on its own (issue 15)."""

from __future__ import annotations

from normwatch.cleaning.pdf import Page, Run, _join_hyphen, clean_pdf, find_symbol, page_of

W, H = 595.0, 842.0


def line(text: str, y: float, x0: float = 72.0, x1: float | None = None, size: float = 10.0) -> Run:
    return Run(text, x0, y, x1 if x1 is not None else x0 + 5.0 * len(text), y + size)


def page(n: int, body: list[Run], *, header: str | None = "A/70/174", footer: str | None = None) -> Page:
    runs = list(body)
    if header:
        runs.append(line(header, 790, x0=480, x1=523, size=8))
    runs.append(line(footer or f"15-12137 {n}/3", 40, size=8))
    return Page(n, W, H, runs)


def test_running_headers_footers_and_page_numbers_go():
    pages = [page(n, [line(f"Body text of page {n} says something about norms.", 700)]) for n in (1, 2, 3)]
    out = clean_pdf(pages)
    assert "A/70/174" not in out.text and "15-12137" not in out.text and "/3" not in out.text
    assert out.text.count("Body text of page") == 3 and out.dropped == 6
    assert out.symbol == "A/70/174"


def test_page_map_and_page_of():
    pages = [page(n, [line(f"Paragraph on page {n} ends here.", 700)]) for n in (1, 2, 3)]
    out = clean_pdf(pages)
    assert [p for _, p in out.pages] == [1, 2, 3]
    for n in (1, 2, 3):
        assert page_of(out.pages, out.text.index(f"page {n}")) == n


def test_paragraph_cut_by_a_page_break_is_joined_and_mapped():
    p1 = page(1, [line("The Group recommended that States cooperate to pre-", 120)])
    p2 = page(2, [line("vent harmful practices, and that they report.", 750)])
    out = clean_pdf([p1, p2, page(3, [line("Another paragraph.", 700)])])
    assert "cooperate to prevent harmful practices" in out.text
    assert page_of(out.pages, out.text.index("vent harmful")) == 2
    assert page_of(out.pages, out.text.index("cooperate")) == 1


def test_hyphen_kept_for_real_compounds():
    vocab = {"state", "sponsored", "state-sponsored", "information"}
    assert _join_hyphen("by state-", "sponsored actors", vocab) == "by state-sponsored actors"
    assert _join_hyphen("of informa-", "tion security", vocab) == "of information security"
    assert _join_hyphen("the Secretary-", "General said", set()) == "the Secretary-General said"
    assert _join_hyphen("soft\x02", "ware", set()) == "software"


def test_two_columns_read_column_by_column():
    left = [line(f"left {i} words words", 700 - 12 * i, x0=72, x1=280) for i in range(6)]
    right = [line(f"right {i} words words", 700 - 12 * i, x0=310, x1=520) for i in range(6)]
    title = line("A heading across both columns of the page", 730, x0=72, x1=520)
    out = clean_pdf([Page(1, W, H, [title, *right, *left])])  # stream order: right column first
    text = out.text
    assert text.index("heading") < text.index("left 0") < text.index("left 5") < text.index("right 0")


def test_superscript_marker_run_is_dropped_and_footnote_kept():
    body = [line("International law applies.", 700), Run("3", 203, 704, 207, 710),
            line("Second line of the body text here.", 688)]
    notes = [line("3 See A/68/98, para. 19.", 100, size=7)]
    out = clean_pdf([Page(1, W, H, body + notes)])
    assert "applies.3" not in out.text and "applies. 3" not in out.text
    assert out.text.endswith("3 See A/68/98, para. 19.")


def test_find_symbol():
    assert find_symbol("United Nations A/RES/70/237 General Assembly") == "A/RES/70/237"
    assert find_symbol("S/2015/123.") == "S/2015/123"
    assert find_symbol("no symbol and/or 3/4 here") is None
