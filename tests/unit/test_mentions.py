"""KB mentions (issue 4, stage 2): gazetteer rules and described instruments, incidents, events.

Most tests use a small hand-made KB (`small_kb()`) so they do not depend on how complete
the real KB is while it is being written; one test runs the real KB on the origin text.
"""

from __future__ import annotations

from normwatch.kb import SurfaceForm
from normwatch.model import Document, Meta
from normwatch.settings import Settings
from normwatch.stages.mentions import find_mentions, instrument_mentions
from normwatch.stages.segment import segment

from ..conftest import shared_path


class SmallKB:
    """Just enough of the KB interface (records, get, kind, name, surface_forms) for the stages."""

    def __init__(self, records: list[dict]) -> None:
        self._recs = {r["id"]: r for r in records}

    def kind(self, id: str) -> str | None:
        return id.split(":", 1)[0] if id in self._recs else None

    def get(self, id: str) -> dict | None:
        return self._recs.get(id)

    def name(self, id: str) -> str:
        r = self._recs.get(id)
        return r["name"] if r else id

    def records(self, kind: str) -> list[dict]:
        return [r for r in self._recs.values() if r["id"].split(":", 1)[0] == kind]

    def surface_forms(self) -> list[SurfaceForm]:
        out = []
        for r in self._recs.values():
            kind = r["id"].split(":", 1)[0]
            amb = set(r.get("ambiguous") or [])
            groups = [("name", [r["name"]]), ("alias", r.get("aliases") or []),
                      ("abbreviation", r.get("abbreviations") or []), ("demonym", r.get("demonyms") or []),
                      ("adjective", r.get("adjectives") or []),
                      ("capital", [r["capital"]] if r.get("capital") else [])]
            for how, texts in groups:
                for t in texts:
                    cs = how not in ("name", "alias") or len(t.split()) == 1
                    out.append(SurfaceForm(t, r["id"], kind, how, cs, t in amb or how == "capital"))
        return out


def small_kb() -> SmallKB:
    return SmallKB([
        {"id": "state:EST", "name": "Estonia", "adjectives": ["Estonian"], "demonyms": ["Estonians"], "capital": "Tallinn"},
        {"id": "state:RUS", "name": "Russia", "adjectives": ["Russian"], "capital": "Moscow"},
        {"id": "state:GEO", "name": "Georgia", "ambiguous": ["Georgia"], "capital": "Tbilisi"},
        {"id": "state:CHN", "name": "China", "adjectives": ["Chinese"], "capital": "Beijing"},
        {"id": "state:AUS", "name": "Australia", "adjectives": ["Australian"], "capital": "Canberra"},
        {"id": "state:NLD", "name": "Netherlands", "aliases": ["the Netherlands"], "capital": "Amsterdam"},
        {"id": "state:USA", "name": "United States", "aliases": ["the United States"], "abbreviations": ["US", "U.S."],
         "capital": "Washington"},
        {"id": "state:HUN", "name": "Hungary", "capital": "Budapest"},
        {"id": "org:un", "name": "United Nations", "abbreviations": ["UN", "U.N."]},
        {"id": "org:un-gge", "name": "UN Group of Governmental Experts", "abbreviations": ["GGE"], "parent": "org:un",
         "kind": "un-body", "aliases": ["Group of Governmental Experts"]},
        {"id": "org:microsoft", "name": "Microsoft", "kind": "company"},
        {"id": "org:harvard-university", "name": "Harvard University", "aliases": ["Harvard"], "kind": "university"},
        {"id": "org:harvard-kennedy-school", "name": "Harvard Kennedy School", "parent": "org:harvard-university",
         "kind": "university", "aliases": ["Harvard's Kennedy School of Government"]},
        {"id": "org:us-department-of-state", "name": "U.S. Department of State", "kind": "government-agency",
         "state": "state:USA", "aliases": ["Department of State", "State Department"]},
        {"id": "person:christopher-painter", "name": "Christopher Painter", "affiliation": "state:USA",
         "role": "Coordinator for Cyber Issues"},
        {"id": "instrument:budapest-convention", "name": "Convention on Cybercrime", "aliases": ["Budapest Convention"]},
        {"id": "instrument:un-gge-2013-report", "name": "Report of the GGE (2013)", "body": "org:un-gge",
         "adopted": "2013-06-24"},
        {"id": "instrument:un-gge-2015-report", "name": "Report of the GGE (2015)", "body": "org:un-gge",
         "adopted": "2015-07-22"},
        {"id": "instrument:sco-code-of-conduct-2011", "name": "International Code of Conduct for Information Security",
         "adopted": "2011-09-12"},
        {"id": "instrument:sco-code-of-conduct-2015", "name": "International Code of Conduct for Information Security (2015)",
         "adopted": "2015-01-09", "supersedes": "instrument:sco-code-of-conduct-2011"},
        {"id": "instrument:microsoft-cybersecurity-norms-2014", "name": "International Cybersecurity Norms",
         "adopted": "2014-12-03", "descriptions": [r"\bsix (?:basic )?norms\b"]},
        {"id": "incident:estonia-2007", "name": "DDoS campaign against Estonia", "victims": ["state:EST"],
         "start": "2007-04-27", "type": "ddos"},
        {"id": "incident:georgia-2008", "name": "Cyber attacks on Georgia", "victims": ["state:GEO"],
         "start": "2008-07-20", "type": "ddos"},
        {"id": "event:gccs-2015", "name": "Global Conference on CyberSpace 2015", "aliases": ["GCCS 2015"],
         "start": "2015-04-16"},
        {"id": "event:gccs-2011", "name": "London Conference on Cyberspace", "aliases": ["GCCS 2011"],
         "start": "2011-11-01"},
        {"id": "threat-actor:apt28", "name": "APT28", "aliases": ["Fancy Bear"]},
    ])


KB = small_kb()


def found(text: str, published: str | None = None) -> list[tuple[str, str, str]]:
    doc = segment(Document(text, source="t", meta=Meta(published=published)), Settings())
    ms = find_mentions(doc, KB)
    for m in ms:
        assert m.span.end <= len(text)
    return [(m.kb_id, text[m.span.start:m.span.end], m.how) for m in ms]


def ids(text: str, published: str | None = None) -> list[str]:
    return [i for i, _, _ in found(text, published)]


def test_names_aliases_and_abbreviations():
    got = found("Estonia and the United States met at the UN with Fancy Bear watching.")
    assert ("state:EST", "Estonia", "name") in got
    assert ("state:USA", "the United States", "alias") in got
    assert ("org:un", "UN", "abbreviation") in got
    assert ("threat-actor:apt28", "Fancy Bear", "alias") in got


def test_word_boundaries_and_case():
    assert ids("Estonians, unable, Chinatown") == ["state:EST"]  # the demonym, not "UN" in "unable"
    assert "state:USA" not in ids("Tell us about the bus.")  # "US" is case-sensitive


def test_longest_match_wins():
    got = found("He praised the Budapest Convention.")
    assert got == [("instrument:budapest-convention", "Budapest Convention", "alias")]


def test_pro_adjective():
    assert ("state:RUS", "Russian", "pro-adjective") in found("Pro-Russian hacktivists hit the sites.") or \
        ("state:RUS", "Russian", "pro-adjective") in found("The pro-Russian hacktivists hit the sites.")
    assert found("The pro-Russian hacktivists hit the sites.")[0][2] == "pro-adjective"


def test_capital_only_as_speaker_or_in_political_sentence():
    assert ("state:RUS", "Moscow", "capital") in found("Moscow denied any role in the attack.")
    assert "state:RUS" not in ids("She studied ballet in Moscow for years.")
    assert "state:NLD" not in ids("The conference took place in Amsterdam last week.")


def test_ambiguous_form_needs_political_context():
    assert "state:GEO" not in ids("Peaches from Georgia taste sweet.")
    assert "state:GEO" in ids("Russia attacked Georgia with DDoS in 2008.")


def test_gge_and_year_is_that_years_report():
    text = ("In 2013, the UN Group of Governmental Experts (GGE) published a report on developments in the field "
            "of information and telecommunications.")
    got = [g for g in found(text) if g[0].startswith("instrument:")]
    assert [g[0] for g in got] == ["instrument:un-gge-2013-report"]
    assert got[0][1].startswith("2013")


def test_update_of_known_instrument_is_its_successor():
    text = ("China and Russia had submitted a draft of an International Code of Conduct for Information Security "
            "in 2011, and the draft was updated in January 2015.")
    got = {g[0]: g[1] for g in found(text) if g[0].startswith("instrument:")}
    assert "instrument:sco-code-of-conduct-2011" in got
    assert got["instrument:sco-code-of-conduct-2015"] == "the draft was updated in January 2015"


def test_instrument_by_description_regex():
    got = found("Therefore we developed six basic norms, not a treaty.")
    assert ("instrument:microsoft-cybersecurity-norms-2014", "six basic norms", "description") in got


def test_incidents_by_victim_year_and_type():
    text = "Like in the Russia v. Estonia and Russia v. Georgia DDoS attack back in 2007 and 2008 respectively."
    got = {g[0]: g[1] for g in found(text)}
    assert "incident:estonia-2007" in got and "incident:georgia-2008" in got
    assert got["incident:estonia-2007"].startswith("Russia v. Estonia")
    assert "incident:estonia-2007" not in ids("Estonia joined NATO in 2004 and hosted a summit in 2007.")


def test_event_by_series_name_and_year():
    text = "During the two-day 2015 Global Conference on CyberSpace (GCCS) in The Hague, people met."
    got = found(text)
    assert ("event:gccs-2015", "2015 Global Conference on CyberSpace", "name-year") in got
    assert "event:gccs-2011" not in ids(text)
    # no year near the name: the publication year decides
    assert "event:gccs-2015" in ids("The Global Conference on CyberSpace opened today.", published="2015-04-16")


def test_instrument_mentions_one_per_span():
    doc = segment(Document("The Budapest Convention and the Budapest Convention.", source="t"), Settings())
    ims = instrument_mentions(find_mentions(doc, KB))
    assert [m.instrument for m in ims] == ["instrument:budapest-convention"] * 2
    assert len({(m.span.start, m.span.end) for m in ims}) == 2


def test_real_kb_on_origin_text():
    path = shared_path("corpus", "origin", "000_bc119b1e5d9b1ff6.txt")
    from normwatch.kb import load_kb
    from normwatch.stages.mentions import mentions

    text = path.read_text(encoding="utf-8")
    doc = mentions(segment(Document(text, source=str(path)), Settings()), Settings())
    got = {m.kb_id for m in doc.mentions}
    assert {"state:EST", "state:AUS", "org:microsoft", "event:gccs-2015"} <= got
    kb = load_kb()
    if kb.get("instrument:budapest-convention"):
        assert "instrument:budapest-convention" in {m.instrument for m in doc.instrument_mentions}
    for m in doc.mentions:
        assert m.span.end <= len(text)


def test_head_of_government_administration_is_its_state():
    from normwatch.kb import load_kb
    text = "The Biden administration attributes the hack to China. The Biden-Harris Administration said so."
    doc = segment(Document(text, source="t"), Settings())
    got = [(m.kb_id, text[m.span.start:m.span.end]) for m in find_mentions(doc, load_kb()) if m.how == "administration"]
    assert got == [("state:USA", "Biden administration"), ("state:USA", "Biden-Harris Administration")]


# --- issue 4: generic descriptions are not KB instruments -----------------------------------------

def test_lowercase_generic_title_is_not_the_instrument():
    assert "instrument:budapest-convention" not in ids("We also believe it is important to start work on a "
                                                       "convention on cybercrime in the United Nations.")
    assert "instrument:budapest-convention" in ids("Japan was the first Asian member of the Convention on Cybercrime.")
    assert "instrument:budapest-convention" in ids("JAPAN JOINS THE CONVENTION ON CYBERCRIME")


def test_title_casing_rule():
    from normwatch.extraction.instrument_checks import title_cased_like

    assert title_cased_like("the Paris Call", "the Paris Call") and title_cased_like("The Paris Call", "the Paris Call")
    assert title_cased_like("UN cybercrime treaty", "UN cybercrime treaty")
    assert not title_cased_like("UN cybercrime convention", "UN Cybercrime Convention")
    assert title_cased_like("Convention On Cybercrime", "Convention on Cybercrime")  # headline case


def _charter_kb() -> SmallKB:
    return SmallKB([
        {"id": "state:RUS", "name": "Russia", "adjectives": ["Russian"]},
        {"id": "instrument:un-charter", "name": "Charter of the United Nations", "aliases": ["UN Charter"]},
    ])


def test_an_instrument_is_mentioned_whatever_the_topic_of_the_sentence():
    # Two independent annotators counted the Charter wherever a speech invokes it; the
    # record of mentions is of instruments, and the stances stage decides what is cyber.
    filler = " Our farmers need rain, our children need schools and our towns need roads." * 8
    war = "Russia's war against its neighbour violates the Charter of the United Nations." + filler
    cyber = filler + " International law, including the UN Charter, applies in cyberspace." + filler
    for text, want in ((war, ["instrument:un-charter"]), (cyber, ["instrument:un-charter"])):
        doc = segment(Document(text, source="t", meta=Meta()), Settings())
        assert [m.kb_id for m in find_mentions(doc, _charter_kb()) if m.kind == "instrument"] == want


def test_body_year_needs_the_year_beside_the_body_and_no_range():
    assert "instrument:un-gge-2015-report" in ids("States can use the 2015 UN Group of Governmental Experts norms.")
    # a mandate, not a report: "the GGE that sat from 2013 to 2015"
    assert not [i for i in ids("The GGE, which sat from 2013 to 2015, wrote no report that year.")
                if i.startswith("instrument:")]
    # the year belongs to another phrase far from the body
    far = ("The GGE met again; meanwhile, in a separate and unrelated development reported in 2013, "
           "officials issued guidance.")
    assert not [i for i in ids(far) if i.startswith("instrument:")]
