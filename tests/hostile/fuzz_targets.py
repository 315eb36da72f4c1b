"""atheris fuzz targets for the decoders and parsers (issue 13); `test_fuzz.py` runs each for a
few seconds in the suite. By hand, for longer:

    .venv/bin/python tests/hostile/fuzz_targets.py jsonl -max_total_time=600

A target fails (and atheris saves the input) on any exception but the documented ones: an
InputError/CleanError for bad input, nothing else.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["normwatch"]):
    from normwatch.cleaning.markdown import MarkdownText, strip_inline
    from normwatch.errors import CleanError, InputError
    from normwatch.model import RawDoc, Rejection
    from normwatch.settings import Settings
    from normwatch.sources.decode import decode_bytes
    from normwatch.sources.detect import detect_kind
    from normwatch.sources.jsonl import record_to_doc
    from normwatch.sources.warc import _content_decoded, iter_warc
    from normwatch.stages.clean import clean

SETTINGS = Settings(min_text_chars=1, max_bytes=1_000_000)
TMP = tempfile.mkdtemp(prefix="nw-fuzz-")


def decode(data: bytes) -> None:
    detect_kind(data[:65536], "x")
    try:
        text, _ = decode_bytes(data, None)
    except InputError:
        return
    text.encode("utf-8", "surrogatepass")


def jsonl(data: bytes) -> None:
    try:
        record_to_doc(data, source="f.jsonl", number=1)
    except InputError:
        pass


def markdown(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    md = MarkdownText.parse(text)
    for line in md.lines:
        assert -1 <= line.raw_start <= len(text)
    strip_inline(text[:2000])


def warc(data: bytes) -> None:
    path = os.path.join(TMP, "f.warc")
    with open(path, "wb") as f:
        f.write(b"WARC/1.0\r\n" + data)
    for item in iter_warc(path, SETTINGS):
        assert isinstance(item, (RawDoc, Rejection))
    try:
        _content_decoded(data, "gzip", "fuzz", 1_000_000)
    except InputError:
        pass


def cleaning(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    kind = fdp.PickValueInList(["text", "markdown", "html"])
    raw = RawDoc(source="fuzz", raw_ref="fuzz", content=fdp.ConsumeUnicodeNoSurrogates(4000), kind=kind)
    try:
        doc = clean(raw, SETTINGS)
    except CleanError:
        return
    doc.check_spans()


TARGETS = {"decode": decode, "jsonl": jsonl, "markdown": markdown, "warc": warc, "clean": cleaning}


if __name__ == "__main__":
    name = sys.argv.pop(1)
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()
