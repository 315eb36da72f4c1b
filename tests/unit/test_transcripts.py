"""Official transcripts and an institution's own voice (issue 11, session 4): speaker-label turns,
anonymous officials as the publisher, questions and hosts silent, fact sheets. Each rule has a
negative twin. The texts are invented for the tests."""

from __future__ import annotations

from normwatch.stages.mentions import find_mentions
from normwatch.extraction.transcripts import institution_of, read_turns
from normwatch.kb import load_kb
from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.actors import find_actors
from normwatch.stages.segment import segment
from normwatch.stages.statements import find_statements

KB = load_kb()


def run(text: str, title: str | None = None, publisher: str | None = None):
    doc = segment(Document(text, source="t", meta=Meta(title=title, publisher=publisher)), Settings())
    doc.mentions = find_mentions(doc, KB)
    doc.actors = find_actors(doc, KB)
    doc.statements = find_statements(doc)
    doc.check_spans()
    return doc, [(s.speaker, s.affiliation, text[s.span.start:s.span.end]) for s in doc.statements]


BRIEFING_TITLE = "Press Briefing by Press Secretary Dana Holloway and Cyber Director Ilse Marwick"
BRIEFING = (BRIEFING_TITLE + "\n\n"
            "MS. HOLLOWAY: Good afternoon. We have a guest today.\n\n"
            "MS. MARWICK: Thank you. Ransomware attacks against hospitals rose sharply this year. "
            "The weather in the capital has been pleasant all week.\n\n"
            "Q Will you blame a state for the cyberattacks on the hospitals?\n\n"
            "MS. MARWICK: We will hold accountable any state that harbors ransomware criminals.\n")


def test_a_named_officials_on_topic_sentences_are_theirs():
    _, got = run(BRIEFING, BRIEFING_TITLE, "Department of State")
    said = {t: sp for sp, _, t in got}
    assert said["Ransomware attacks against hospitals rose sharply this year."] == "person:ilse-marwick"
    assert said["We will hold accountable any state that harbors ransomware criminals."] == "person:ilse-marwick"


def test_off_topic_sentences_and_questions_are_not_statements():
    _, got = run(BRIEFING, BRIEFING_TITLE, "Department of State")
    texts = [t for _, _, t in got]
    assert not any("weather" in t for t in texts)
    assert not any("Will you blame" in t for t in texts)
    assert not any("Good afternoon" in t for t in texts)


CALL_TITLE = "Background Press Call by Senior Administration Officials on Cyber Diplomacy"
CALL = (CALL_TITLE + "\n\n"
        "MODERATOR: This call is on background and embargoed until the cyber summit opens.\n\n"
        "SENIOR ADMINISTRATION OFFICIAL: Thanks. We will press partners to adopt the norms of "
        "responsible state behavior in cyberspace.\n\n"
        "Q Is the cyber agenda set?\n\n"
        "SENIOR ADMINISTRATION OFFICIAL: Yes. Our cyber diplomacy is focused on ransomware.\n")


def test_an_anonymous_official_speaks_as_the_publisher():
    _, got = run(CALL, CALL_TITLE, "Department of State")
    assert ("org:us-department-of-state", "state:USA",
            "We will press partners to adopt the norms of responsible state behavior in cyberspace.") in got
    assert not any("embargoed" in t for _, _, t in got)  # the host's housekeeping
    assert not any("agenda set" in t for _, _, t in got)  # the reporter's question


def test_an_anonymous_official_of_an_unknown_publisher_is_nobody():
    _, got = run(CALL, CALL_TITLE, "Some Blog")
    assert not any("norms of responsible" in t for _, _, t in got)


def test_an_office_label_resolves_to_the_person_holding_it():
    title = "Remarks by President Corvin Aldane on Cybersecurity"
    text = (title + "\n\nTHE PRESIDENT: Cyberattacks on our pipelines will be met with a response.\n\n"
            "Q Thank you, sir.\n")
    doc, got = run(text, title, "Department of State")
    president = [a.id for a in doc.actors if a.kind == "person" and "Aldane" in (a.name or "")]
    assert president and (president[0], "Cyberattacks on our pipelines will be met with a response.") in \
        [(sp, t) for sp, _, t in got]


def test_capitals_before_a_colon_are_no_transcript_by_themselves():
    text = ("WASHINGTON: The ministry said the cyberattack was contained. NOTE: this story was updated.\n\n"
            "Officials gave no further details of the hacking.")
    doc, _ = run(text, "Ministry says cyberattack contained", "Department of State")
    assert read_turns(doc) == []


FACT_TITLE = "FACT SHEET: New Steps to Counter Ransomware"
FACT = (FACT_TITLE + "\n\n"
        "Today the Administration announced new steps to counter ransomware. "
        "The program also funds new parks in three cities. "
        '"These steps will make our cyber defenses stronger," said Senator Rhea Tolland.\n')


def test_a_fact_sheets_on_topic_sentences_are_the_institutions():
    _, got = run(FACT, FACT_TITLE, "The White House")
    assert ("org:white-house", "state:USA", "Today the Administration announced new steps to counter ransomware.") in got
    assert not any("parks" in t for _, _, t in got)
    # the quoted senator keeps her own words
    assert not any(sp == "org:white-house" and "defenses stronger" in t for sp, _, t in got)


def test_a_news_report_is_not_in_the_publishers_voice():
    title = "Administration unveils ransomware steps"
    _, got = run(FACT.replace(FACT_TITLE, title), title, "The White House")
    assert not any(sp == "org:white-house" for sp, _, _ in got)


def test_a_publisher_resolves_through_the_kb_only():
    assert institution_of("The White House") == ("org:white-house", "state:USA")
    assert institution_of("Foreign, Commonwealth and Development Office")[0] == "org:uk-fcdo"
    assert institution_of("A Newspaper Nobody Knows") is None
    assert institution_of(None) is None


def test_inside_a_transcript_other_readings_must_be_on_topic_by_their_sentence():
    title = "Press Briefing by Press Secretary Dana Holloway"
    text = (title + "\n\n"
            "MS. HOLLOWAY: Ransomware is a priority. The cyber team is here. Hackers are busy. "
            "Cyberattacks rose. Malware spread.\n\n"
            "Q What about the farm bill?\n\n"
            'MS. HOLLOWAY: Senator Rhea Tolland said the farm bill "will pass this week." '
            'Senator Rhea Tolland said the ransomware bill "will stop cyber extortion."\n')
    _, got = run(text, title, "Department of State")
    texts = [t for _, _, t in got]
    assert not any("pass this week" in t for t in texts)
    assert any("stop cyber extortion" in t for t in texts)


def test_a_label_prefers_the_kb_person_the_text_names():
    title = "Press Briefing by Press Secretary Dana Holloway"
    text = (title + "\n\nMS. HOLLOWAY: Joining us are Deputy National Security Advisors\nAnne Neuberger and "
            "others.\n\nMS. NEUBERGER: Ransomware attacks on schools are rising.\n\nQ Thanks.\n")
    _, got = run(text, title, "Department of State")
    assert ("person:anne-neuberger", "Ransomware attacks on schools are rising.") in [(sp, t) for sp, _, t in got]
    # the twin: a surname no KB person has stays with the actor the document names
    _, got = run(text.replace("NEUBERGER", "HOLLOWAY"), title, "Department of State")
    assert ("person:dana-holloway", "Ransomware attacks on schools are rising.") in [(sp, t) for sp, _, t in got]
