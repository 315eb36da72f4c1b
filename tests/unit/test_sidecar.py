"""Metadata from an index.csv beside plain files."""

import os

from normwatch.settings import Settings
from normwatch.sources import iter_inputs
from normwatch.sources.sidecar import sidecar_meta


def _write(tmp_path, header, *rows):
    (tmp_path / "index.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_row_found_by_id_stem(tmp_path):
    _write(tmp_path, "id,publisher,url,date,title,author",
           'a_01,Example News,https://example.org/a,"November 23, 2021",A headline,Jane Roe')
    assert sidecar_meta(str(tmp_path / "a_01.txt")) == {
        "publisher": "Example News", "url": "https://example.org/a", "published": "2021-11-23",
        "title": "A headline", "author": "Jane Roe"}


def test_speech_index_gives_the_speaking_state(tmp_path):
    _write(tmp_path, "file,iso3,year,session", "EST_63_2008.txt,EST,2008,63")
    assert sidecar_meta(str(tmp_path / "EST_63_2008.txt")) == {"speaker": "state:EST"}


def test_no_index_no_row_or_broken_index_give_nothing(tmp_path):
    assert sidecar_meta(str(tmp_path / "x.txt")) == {}
    _write(tmp_path, "id,title", "other,Other")
    assert sidecar_meta(str(tmp_path / "x.txt")) == {}
    (tmp_path / "index.csv").write_bytes(b"\x00\xff\xfe garbage \x00")
    assert sidecar_meta(str(tmp_path / "x.txt")) == {}


def test_edited_index_is_read_again(tmp_path):
    _write(tmp_path, "id,title", "x,First")
    assert sidecar_meta(str(tmp_path / "x.txt"))["title"] == "First"
    _write(tmp_path, "id,title", "x,Second")
    st = os.stat(tmp_path / "index.csv")
    os.utime(tmp_path / "index.csv", (st.st_atime, st.st_mtime + 5))
    assert sidecar_meta(str(tmp_path / "x.txt"))["title"] == "Second"


def test_speaker_column_must_be_a_kb_id(tmp_path):
    _write(tmp_path, "id,speaker", "x,Some Person", "y,person:jane-roe")
    assert sidecar_meta(str(tmp_path / "x.txt")) == {}
    assert sidecar_meta(str(tmp_path / "y.txt")) == {"speaker": "person:jane-roe"}


def test_files_source_takes_metadata_from_the_index_and_skips_the_index(tmp_path):
    _write(tmp_path, "id,publisher,date,title", "story,Example News,2021-10-06,The headline")
    (tmp_path / "story.txt").write_text("The headline\n\n" + "Body text about cyber norms. " * 20, encoding="utf-8")
    raws = list(iter_inputs([str(tmp_path)], Settings()))
    assert [r.source.rsplit("/", 1)[-1] for r in raws] == ["story.txt"]
    assert (raws[0].meta.publisher, raws[0].meta.published, raws[0].meta.title) == (
        "Example News", "2021-10-06", "The headline")
