"""Property tests over the sources and the cleaning step (issue 13, hypothesis).

Whatever the bytes, a source yields RawDocs or one-line Rejections and never raises; decoding
gives text or an InputError; cleaning gives a Document whose offsets stay inside its text, or a
CleanError; a Rejection's line is one printable line.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normwatch.errors import CleanError, InputError
from normwatch.model import RawDoc, Rejection
from normwatch.settings import Settings
from normwatch.sources import iter_inputs
from normwatch.sources.decode import decode_bytes
from normwatch.sources.jsonl import iter_jsonl
from normwatch.stages.clean import clean

pytestmark = pytest.mark.issue13

SETTINGS = Settings(min_text_chars=1)
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])

PREFIXES = [b"", b"\x1f\x8b\x08\x00", b"WARC/1.0\r\n", b"{\"text\": ", b"<!DOCTYPE html><html>", b"---\n",
            b"\xff\xfe", b"\xef\xbb\xbf", b"# ", b"%PDF-"]
raw_bytes = st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=3000))
texts = st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
                 | st.sampled_from(list("\n\n\"'[]()*_`#<>-:{}\u201c\u201d\u2028")
                                   + ["Russia said", "cyber", " ", "---\n", "<p>", "](x)", "title: &a x\n"]),
                 max_size=200).map("".join)


def _is_one_line(r: Rejection) -> bool:
    line = r.line()
    return "\n" not in line and "\r" not in line and "\x1b" not in line


@PROPS
@given(data=raw_bytes, name=st.sampled_from(["x.txt", "x.html", "x.md", "x.jsonl", "x.gz", "x.warc", "x"]))
def test_any_file_gives_docs_or_one_line_rejections(tmp_path_factory, data, name):
    d = tmp_path_factory.mktemp("prop")
    p = d / name
    p.write_bytes(data)
    for item in iter_inputs([str(p)], SETTINGS):
        assert isinstance(item, (RawDoc, Rejection))
        if isinstance(item, Rejection):
            assert item.code.startswith("NW") and _is_one_line(item)
        else:
            assert isinstance(item.content, str) and item.content.strip()


@PROPS
@given(data=raw_bytes, declared=st.sampled_from([None, "utf-8", "latin-1", "shift_jis", "utf-16", "nonsense"]))
def test_decode_gives_text_or_input_error(data, declared):
    try:
        text, charset = decode_bytes(data, declared)
    except InputError as e:
        assert e.code == "NW102"
        return
    assert isinstance(text, str) and charset
    text.encode("utf-8", "surrogatepass")


@PROPS
@given(lines=st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["text", "html", "title", "id", "url", "published", "x\x1b"]),
                    st.one_of(texts, st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
                    max_size=5).map(json.dumps),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1"))), max_size=8))
def test_jsonl_one_outcome_per_line(lines):
    numbered = [(i + 1, (ln.replace("\n", " ") + "\n").encode("utf-8", "surrogatepass")) for i, ln in enumerate(lines)]
    out = list(iter_jsonl(numbered, "p.jsonl", SETTINGS))
    nonblank = [n for n, b in numbered if b.strip()]
    assert len(out) == len(nonblank)  # no line lost, none doubled
    for (n, _), item in zip([x for x in numbered if x[1].strip()], out):
        assert item.raw_ref == f"p.jsonl:{n}"


@PROPS
@given(text=texts, kind=st.sampled_from(["text", "markdown", "html"]))
def test_clean_offsets_stay_inside(text, kind):
    raw = RawDoc(source="prop", raw_ref="prop", content=text, kind=kind)
    try:
        doc = clean(raw, SETTINGS)
    except CleanError as e:
        assert e.code in ("NW200", "NW201", "NW202")
        return
    assert doc.text.strip()
    for clean_at, raw_at in doc.offset_map:
        assert 0 <= clean_at <= len(doc.text) and 0 <= raw_at <= len(text)
    assert all(len(v or "") <= 1000 for v in (doc.meta.title, doc.meta.author, doc.meta.publisher))
