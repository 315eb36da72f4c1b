"""Attribution recall on news text (issue 4): results must not hinge on the document's date, and
KB incidents named in passing ("the SolarWinds breach") must be found.

The documents are read from ../shared at test time; none of their text is kept here.
"""

from __future__ import annotations

from normwatch.ingest import process
from normwatch.model import Document, Meta, RawDoc
from normwatch.settings import Settings

from ..conftest import shared_path


def extract(name: str, published: str | None = None, title: str | None = None) -> Document:
    p = shared_path("corpus", "news-text", name)
    raw = RawDoc(source=str(p), raw_ref=str(p), content=p.read_text(encoding="utf-8"), kind="text",
                 meta=Meta(published=published, title=title))
    doc = next(iter(process([raw], Settings(), use_prefilter=False)))
    assert isinstance(doc, Document)
    return doc


def claims(doc: Document) -> set[tuple[str, str, str | None, str, str]]:
    return {(i.incident, a.accused, a.claimant, a.certainty, a.via) for i in doc.incidents for a in i.attributions}


def test_channel_does_not_depend_on_the_published_date():
    # a vague "Russia's GRU ..." sentence must fold into the named incident whether or not the
    # document is dated; a date used to give it an id of its own, and the channel was lost
    undated, dated = extract("articleMD_0038.txt"), extract("articleMD_0038.txt", "2021-09-24")
    assert claims(undated) == claims(dated)
    assert ("incident:ghostwriter-2017", "state:RUS", "org:eu", "official", "state-organ") in claims(dated)


def test_headline_accusation_takes_the_time_the_body_gives():
    # headline without a time, body "between February and July 2021": one dated incident, with or without metadata
    for doc in (extract("articleMD_0044.txt"),
                extract("articleMD_0044.txt", "2021-08-13", "Russian cyberspies targeted the Slovak government for months")):
        svk = [i for i in doc.incidents if i.victim == "state:SVK"]
        assert len(svk) == 1 and svk[0].date and svk[0].date.startswith("2021") and svk[0].type == "espionage"
        assert {(a.accused, a.via) for a in svk[0].attributions} == {("state:RUS", "state-organ")}
        assert any(a.claimant == "org:eset" for a in svk[0].attributions)
        solar = [i for i in doc.incidents if i.incident == "incident:solarwinds-2020"]
        assert solar and solar[0].attributions[0].accused == "state:RUS"


def test_incidents_listed_by_name_in_one_sentence():
    doc = extract("articleMD_0079.txt", "2021-10-06")
    ids = {i.incident for i in doc.incidents}
    assert {"incident:solarwinds-2020", "incident:colonial-pipeline-2021", "incident:kaseya-2021"} <= ids
    # "the US Colonial Pipeline attack" is that incident, not some other US incident of the year
    assert "incident:covid-vaccine-research-2020" not in ids


def test_state_sector_victims_after_the_attack_verb():
    doc = extract("articleMD_0004.txt", "2021-07-21")
    usa = [i for i in doc.incidents if i.victim == "state:USA" and (i.date or "").startswith("2011")]
    assert usa and any(a.accused == "state:CHN" for a in usa[0].attributions)
