"""Highlights: nested marks, overlaps split into fragments, every piece escaped, text preserved."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from normwatch.web.highlight import Mark, render

TAG = re.compile(r"</?mark\b[^>]*>")


def plain(markup: str) -> str:
    return html.unescape(TAG.sub("", markup))


def balanced(markup: str) -> bool:
    depth = 0
    for m in TAG.finditer(markup):
        depth += -1 if m.group().startswith("</") else 1
        if depth < 0:
            return False
    return depth == 0


def test_nested_spans_nest():
    out = str(render("Jane Roe said no.", [Mark("s", "statement", 0, 17, "q"), Mark("a", "actor", 0, 8, "Jane")]))
    assert out.startswith('<mark id="f-s"') and '<mark id="f-a"' in out
    assert out.index('id="f-s"') < out.index('id="f-a"')
    assert plain(out) == "Jane Roe said no."


def test_crossing_spans_become_fragments_with_one_anchor():
    text = "abcdefghij"
    out = str(render(text, [Mark("x", "stance", 0, 6, "x"), Mark("y", "actor", 3, 9, "y")]))
    assert balanced(out)
    assert out.count('id="f-y"') == 1 and out.count('data-fact="y"') == 2
    assert out.count('data-part="cont"') == 1
    assert plain(out) == text


def test_text_and_labels_are_escaped():
    text = '<script>alert(1)</script> & "x"'
    out = str(render(text, [Mark("k", "actor", 0, 8, '"><script>alert(2)</script>')]))
    assert "<script>" not in out
    assert plain(out) == text


def test_empty_and_out_of_range_spans_are_dropped():
    out = str(render("abc", [Mark("e", "actor", 1, 1, "e"), Mark("o", "actor", 2, 9, "o")]))
    assert out == "abc"


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)).map(sorted), max_size=12)


@given(st.text(alphabet="ab<>&\"' \n", max_size=40), spans)
def test_any_spans_give_balanced_markup_over_the_same_text(text, pairs):
    marks = [Mark(f"k{i}", "actor", a, b, "l") for i, (a, b) in enumerate(pairs)]
    out = str(render(text, marks))
    assert balanced(out)
    assert plain(out) == text
    kept = {m.key for m in marks if 0 <= m.start < m.end <= len(text)}
    assert {k for k in kept if f'id="f-{k}"' in out} == kept
