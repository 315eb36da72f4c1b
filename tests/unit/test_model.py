"""Document model: span invariants, frozen text, identity, the contract shape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normwatch.model import Document, Meta, Span, Stance, content_hash, slugify


@given(st.text(max_size=200), st.integers(-5, 250), st.integers(-5, 250))
def test_span_validation_on_arbitrary_text(text, a, b):
    doc = Document(text, source="t")
    if 0 <= a <= b <= len(text):
        s = doc.span(a, b)
        assert doc.span_text(s) == text[a:b] and len(doc.span_text(s)) == b - a
    else:
        with pytest.raises(ValueError):
            doc.span(a, b)


def test_text_is_frozen():
    doc = Document("abc", source="t")
    with pytest.raises(AttributeError):
        doc.text = "changed"


def test_span_type_checked():
    with pytest.raises(TypeError):
        Span(1.0, 2)  # type: ignore[arg-type]


def test_identity_ignores_case_and_whitespace_but_not_url():
    assert content_hash("A  b\nC") == content_hash("a b c")
    assert content_hash("a b c", "https://x.example") != content_hash("a b c")


def test_slugs_follow_design():
    assert slugify("Keit Pentus-Rosimannus") == "keit-pentus-rosimannus"
    assert slugify("Joseph S. Nye") == "joseph-s-nye"
    assert slugify("Zoë Ångström") == "zoe-angstrom"


def test_unknown_enum_values_refused():
    doc = Document("x" * 10, source="t")
    with pytest.raises(ValueError):
        Stance("a", None, "t", "enthusiastic", 0.5, doc.span(0, 1))


def test_contract_shape_and_check_spans():
    doc = Document("Hello world", source="s.txt", meta=Meta(title="T", language="en"))
    doc.sentences.append(doc.span(0, 11))
    c = doc.to_contract()
    assert set(c) == {"doc", "actors", "speaking_entities", "statements", "stances", "instrument_mentions",
                      "subscriptions", "incidents", "claims", "events"}
    assert c["doc"]["text"] == "Hello world" and c["doc"]["title"] == "T"
    doc.sentences.append(Span(0, 99))  # bypassing doc.span() is caught by the check
    with pytest.raises(ValueError):
        doc.check_spans()
