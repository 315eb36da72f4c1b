"""Unit tests of the clean stage: boilerplate lines, glued markers, header metadata, Markdown, errors."""

from __future__ import annotations

import doctest
import glob

import pytest

from normwatch.cleaning import boilerplate, dates, header, language, lines, markdown
from normwatch.cleaning.boilerplate import filter_lines, strip_markers
from normwatch.cleaning.lines import normalise_inline
from normwatch.errors import CleanError
from normwatch.model import Meta, RawDoc
from normwatch.settings import Settings
from normwatch.stages.clean import clean
from tests.conftest import shared_path

BODY = ("The delegates agreed that international law applies to the conduct of states in cyberspace, "
        "and several of them called for more capacity building in developing countries.")


def _clean(text: str, kind: str = "text", **meta) -> object:
    return clean(RawDoc(source="t", raw_ref="t", content=text, kind=kind, meta=Meta(**meta)),
                 Settings(min_text_chars=20))


@pytest.mark.parametrize("module", [boilerplate, dates, header, language, lines, markdown])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("line", [
    "Facebook Twitter LinkedIn E-mail RSS",
    "You are here: Home",
    "Home > News > World > Asia",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "4 + nine =",
    "Name * Email * Website",
    "You may use these HTML tags and attributes: <a href=\"\"> <b>",
    "Off the wire",
    "Most viewed",
    "Related",
    "A A A",
    "Print",
    "Story one • Story two about things • Story three • Story four",
])
def test_boilerplate_lines_dropped(line):
    text = _clean(f"{line}\n\n{BODY}\n\n{BODY}").text
    assert line not in text
    assert BODY in text


def test_glued_markers_cut_but_line_kept():
    assert strip_markers('need some time." EnditemFacebook Twitter') == 'need some time."'
    assert strip_markers("Xinhua, April 17, 2015 Adjust font size:") == "Xinhua, April 17, 2015"
    assert strip_markers("the end of it. (END)") == "the end of it."
    assert strip_markers("read it on Facebook.") == "read it on Facebook."
    # "font size" inside a sentence is words, not a control
    s = "it can't be fooled by rotation, font size changes, or colour."
    assert strip_markers(s) == s


def test_comment_section_dropped_to_the_end():
    text = _clean(f"{BODY}\n\n3 Responses to this post\n\nJohn says: I disagree with all of this, "
                  "it is a long comment with many words in it.").text
    assert text == BODY


def test_report_heading_discussion_is_not_a_comment_section():
    text = _clean(f"{BODY}\n\nDiscussion\n\n{BODY} More.").text
    assert "Discussion" in text and text.endswith("More.")


def test_header_dateline_gives_publisher_and_date():
    doc = _clean(f"Home\n\nStates meet on cyber norms\n\nXinhua, April 17, 2015 Adjust font size:\n\n{BODY}")
    assert (doc.meta.title, doc.meta.publisher, doc.meta.published) == (
        "States meet on cyber norms", "Xinhua", "2015-04-17")
    assert "Adjust font size" not in doc.text


def test_citation_in_body_is_not_the_dateline():
    doc = _clean(f"A Blog Post Title\n\n{BODY}\n\nSome Article China Daily. September 19, 2011.\n\n{BODY}")
    assert doc.meta.published is None and doc.meta.publisher is None
    assert "September 19, 2011" in doc.text


def test_breadcrumb_ending_with_title():
    doc = _clean(f"Home Cyber world, politics Multilateral Cyber Security\n\nMultilateral Cyber Security\n\n{BODY}")
    assert doc.meta.title == "Multilateral Cyber Security"
    assert not doc.text.startswith("Home")


def test_given_metadata_wins():
    doc = _clean(f"States meet\n\nXinhua, April 17, 2015\n\n{BODY}", publisher="Reuters", title="Given")
    assert (doc.meta.publisher, doc.meta.title, doc.meta.published) == ("Reuters", "Given", "2015-04-17")


def test_whitespace_normalised_paragraphs_kept():
    doc = _clean(f"{BODY}   with  \t spaces\u00a0here.\n\n\n\n{BODY}")
    assert "with spaces here." in doc.text
    assert "\n\n" in doc.text and "\n\n\n" not in doc.text


def test_markdown_stripped_and_front_matter_read():
    md = ("---\ntitle: \"Norms Report\"\nauthor: Jane Doe\ndate: 2024-12-11 12:00:00 +0800\n"
          "source_url: https://example.org/r\n---\n\n# Heading One\n\n![logo](/x.png)\n\n"
          f"Read **the** [report](https://example.org/a \"t\") and _this_. {BODY}\n")
    doc = _clean(md, kind="markdown")
    assert doc.meta.title == "Norms Report" and doc.meta.author == "Jane Doe"
    assert doc.meta.published == "2024-12-11" and doc.meta.url == "https://example.org/r"
    assert doc.text.startswith("Heading One\n\nRead the report and this.")
    assert "logo" not in doc.text and "](" not in doc.text


def test_id_given_or_hashed_and_offsets_point_back():
    raw = f"Title Of The Page\n\n  {BODY}"
    doc = _clean(raw)
    assert len(doc.id) == 16
    assert _clean(raw).id == doc.id
    for c, r in doc.offset_map:
        assert doc.text[c : c + 10] == raw[r : r + 10]
    given = clean(RawDoc(source="t", raw_ref="t", content=raw, id="abc"), Settings(min_text_chars=20))
    assert given.id == "abc"


def test_bytes_content_decoded():
    doc = clean(RawDoc(source="t", raw_ref="t", content=BODY.encode("utf-8"), kind=None), Settings(min_text_chars=20))
    assert doc.text == BODY and doc.meta.language == "en"


def test_errors_nw200_and_nw201():
    with pytest.raises(CleanError) as e:
        _clean("Facebook Twitter\n\nLeave a Reply")
    assert e.value.code == "NW200"
    with pytest.raises(CleanError) as e:
        clean(RawDoc(source="t", raw_ref="t", content="Short text here."), Settings(min_text_chars=200))
    assert e.value.code == "NW201"


def test_html_paragraphs_and_metadata():
    paras = [f"Paragraph {i}. {BODY}" for i in range(4)]
    html = ("<html><head><title>Cyber norms meeting | Example News</title>"
            "<meta property=\"article:published_time\" content=\"2015-04-17\"></head><body>"
            "<nav><a href='/'>Home</a> <a href='/w'>World</a></nav><article><h1>Cyber norms meeting</h1>"
            + "".join(f"<p>{p}</p>" for p in paras) + "</article><footer>Copyright Example</footer></body></html>")
    doc = _clean(html, kind="html")
    for p in paras:
        assert p in doc.text
    assert "\n\n".join(paras[:2]) in doc.text
    assert doc.meta.published == "2015-04-17"
    assert doc.offset_map and all(html[r:r + 12] == doc.text[c:c + 12] for c, r in doc.offset_map)


@pytest.mark.corpus
def test_french_text_kept_and_marked():
    path = shared_path("corpus", "instruments", "paris_call", "paris_call_fr.md")
    doc = clean(RawDoc(source=str(path), raw_ref=str(path), content=path.read_text(encoding="utf-8"),
                       kind="markdown"), Settings())
    assert doc.meta.language == "fr"
    assert "Logo" not in doc.text


def _paragraph_chars_kept(raw: str, text: str) -> float:
    # invisible characters (zero-width spaces) are meant to go; everything else must stay
    paras = [normalise_inline(p) for p in raw.splitlines() if p.strip()]
    total = sum(len(p) for p in paras)
    return sum(len(p) for p in paras if p in text) / total


@pytest.mark.corpus
def test_clean_texts_pass_unharmed():
    files = (sorted(glob.glob(str(shared_path("corpus", "ungdc-cyber") / "*_2021.txt")))[:12]
             + sorted(glob.glob(str(shared_path("corpus", "news-text") / "whitehouse_*.txt")))[:8]
             + sorted(glob.glob(str(shared_path("corpus", "news-text") / "securityfeed_*.txt")))[:8]
             + [str(shared_path("corpus", "instruments", "budapest_convention",
                                "ETS185_convention_on_cybercrime_en.txt"))])
    assert len(files) > 20
    for f in files:
        raw = open(f, encoding="utf-8").read()
        doc = clean(RawDoc(source=f, raw_ref=f, content=raw, kind="text"), Settings())
        kept = _paragraph_chars_kept(raw, doc.text)
        assert kept >= 0.99, f"{f}: only {kept:.3f} of paragraph characters kept"
        assert doc.meta.language == "en"


def test_tag_cloud_lines_are_dropped():
    from normwatch.cleaning.boilerplate import _is_tag_cloud

    assert _is_tag_cloud("[[Microsoft]] [[UK]] [[NCSC]] [[state-backed]]")
    assert _is_tag_cloud("#cyber #ddos #estonia")
    assert not _is_tag_cloud("The [[Microsoft]] report said the attack on [[UK]] firms was serious.")
    assert not _is_tag_cloud("[[Microsoft]]")


def test_page_feet_of_a_verbatim_record_are_dropped_without_breaking_the_sentence():
    from normwatch.cleaning.lines import join_lines, split_lines

    wrapped = ["Allow me to begin by thanking the", "President for his work in the", "last session of this body.",
               " I shall be brief and speak about", "three matters of principle that", "concern all of us here.",
               "Developing countries must strengthen", "their capacity for an efficient mode of", "",
               "08-51839 8", "", "transferring development aid to those", "most in need of it.",
               " Secondly, donors can coordinate", "their procedures better than", "they have so far.", "",
               "9 08-51839", "", "Finally, cyberattacks are an international", "problem for every nation."]
    text, _ = join_lines(filter_lines(split_lines("\n".join(wrapped))))
    assert "08-51839" not in text
    assert "mode of\ntransferring" in text  # no paragraph break inside the sentence
    assert "\n\nI shall be brief" in text and "\n\nSecondly" in text  # indented lines start paragraphs
    assert "they have so far.\n\nFinally" in text  # a page foot between sentences keeps the break


def test_page_furniture_is_not_a_title():
    from normwatch.cleaning.header import is_title_like
    from normwatch.cleaning.boilerplate import is_page_furniture

    assert not is_title_like("08-51839 8")
    for foot in ("08-51839 8", "9 08-51839", "A/63/PV.5", "Page 3 of 12", "- 12 -", "17"):
        assert is_page_furniture(foot), foot
    for line in ("Estonia 2007", "G7 statement", "In 2015 the GGE agreed"):
        assert not is_page_furniture(line), line
