"""Documents with known facts, written for these tests (our own words), and hostile documents.

The web tests need facts of every kind whatever the extraction stages find today, so these
documents carry hand-placed facts; spans are found in the text, never typed as numbers.
`hostile()` documents carry script, event-handler, javascript: and SVG payloads in every
field that reaches a page.
"""

from __future__ import annotations

from normwatch.model import (
    Actor,
    Attribution,
    Document,
    Event,
    Incident,
    InstrumentMention,
    Meta,
    Span,
    Stance,
    Statement,
    Subscription,
)


def at(text: str, phrase: str, nth: int = 0) -> Span:
    """The span of the nth occurrence of `phrase` in `text` (fails loudly when absent)."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(phrase, i + 1)
    return Span(i, i + len(phrase))


MEETING = (
    "Delegates met in Exampleville on 3 May 2016 for a ministerial round table on conduct in cyberspace.\n\n"
    "Estonian Foreign Minister Jane Roe told the meeting: \"We do not need a new treaty; the Budapest "
    "Convention already gives us the tools.\" She added that Estonia ratified the convention years ago.\n\n"
    "A Russian envoy, Ivan Doe, argued that a binding convention on cybercrime under the United Nations "
    "is long overdue. He also blamed unnamed Western services for the 2007 outages, which Estonian "
    "officials had earlier attributed to patriotic hackers acting from Russia.\n\n"
    "The round table ended with a short chair's summary that called for more capacity building."
)


def meeting() -> Document:
    t = MEETING
    d = Document(t, source="tests:meeting", meta=Meta(title="Round table on cyber conduct", publisher="Test Wire",
                                                       published="2016-05-04", language="en",
                                                       url="https://example.org/round-table"))
    d.actors += [
        Actor("person:jane-roe", "person", "Jane Roe", "Foreign Minister", "state:EST", [at(t, "Jane Roe")]),
        Actor("person:ivan-doe", "person", "Ivan Doe", "envoy", "state:RUS", [at(t, "Ivan Doe")]),
        Actor("state:EST", "state", "Estonia", None, None, [at(t, "Estonia", 0), at(t, "Estonian", 0)]),
    ]
    quote = at(t, "We do not need a new treaty; the Budapest Convention already gives us the tools.")
    reported = at(t, "a binding convention on cybercrime under the United Nations is long overdue")
    d.statements += [Statement("person:jane-roe", "state:EST", True, quote),
                     Statement("person:ivan-doe", "state:RUS", False, reported)]
    d.stances += [
        Stance("person:jane-roe", "state:EST", "proposition:new-un-cybercrime-treaty", "oppose", 0.9,
               at(t, "We do not need a new treaty")),
        Stance("person:jane-roe", "state:EST", "instrument:budapest-convention", "support", 0.8, quote),
        Stance("person:ivan-doe", "state:RUS", "proposition:new-un-cybercrime-treaty", "support", 0.85, reported),
    ]
    d.instrument_mentions.append(InstrumentMention("instrument:budapest-convention", at(t, "Budapest Convention")))
    d.subscriptions.append(Subscription("state:EST", "instrument:budapest-convention", "ratified", None,
                                        at(t, "Estonia ratified the convention years ago")))
    d.incidents.append(Incident("incident:estonia-2007", "state:EST", "ddos", [at(t, "the 2007 outages")], [
        Attribution(None, "state:RUS", "alleged", "unknown", at(t, "blamed unnamed Western services for the 2007 outages")),
        Attribution("state:RUS", "state:EST", "suspected", "patriotic-hackers",
                    at(t, "Estonian officials had earlier attributed to patriotic hackers acting from Russia")),
    ]))
    d.events.append(Event("event:test-round-table-2016", "Exampleville round table", "Exampleville", "2016-05-03",
                          "2016-05-03", at(t, "Delegates met in Exampleville on 3 May 2016"),
                          ["person:jane-roe", "person:ivan-doe"], "a chair's summary calling for capacity building"))
    return d


LATER = (
    "In 2019 the Estonian government said again that existing law applies online. Officials in Tallinn "
    "stressed that they oppose a new treaty on cybercrime, and that the Budapest Convention remains the "
    "reference point for cooperation between police forces."
)


def later() -> Document:
    t = LATER
    d = Document(t, source="tests:later", meta=Meta(title="Estonia restates its view", publisher="Test Wire",
                                                     published="2019-02-01", language="en"))
    d.stances.append(Stance("state:EST", None, "proposition:new-un-cybercrime-treaty", "oppose", 0.7,
                            at(t, "they oppose a new treaty on cybercrime")))
    d.instrument_mentions.append(InstrumentMention("instrument:budapest-convention", at(t, "Budapest Convention")))
    return d


UNDATED = (
    "An undated note says the Paris Call deserves wider support among companies and that voluntary norms "
    "are a good start."
)


def undated() -> Document:
    """A document with no publication date: lists sorted by date must still show it, once."""
    t = UNDATED
    d = Document(t, source="tests:undated", meta=Meta(title="Undated note", language="en"))
    d.stances.append(Stance("org:microsoft", None, "proposition:voluntary-norms", "support", 0.6,
                            at(t, "voluntary norms are a good start")))
    return d


PAYLOADS = [
    "<script>window.__pwned = 1; document.title = 'pwned';</script>",
    "<img src=x onerror=\"window.__pwned = 2; document.title = 'pwned'\">",
    "<a href=\"javascript:window.__pwned = 3\">click me</a>",
    "<svg onload=\"window.__pwned = 4\"><script>window.__pwned = 5</script></svg>",
    "<iframe srcdoc=\"<script>parent.__pwned = 6</script>\"></iframe>",
    "\"><script>window.__pwned = 7</script>",
    "'--><svg/onload=window.__pwned=8>",
    "<math><mi xlink:href=\"javascript:window.__pwned=9\">x</mi></math>",
]


def hostile() -> list[Document]:
    """Documents whose every displayed field is an attack; none of it may run in a browser."""
    out = []
    for i, p in enumerate(PAYLOADS):
        t = f"Report number {i} on cyber norms. {p} The delegate said {p} and left. Budapest Convention."
        d = Document(t, source=f"tests:hostile-{i}",
                     meta=Meta(title=f"Hostile {i} {p}", publisher=p, published="2020-01-0" + str(1 + i % 9),
                               url="javascript:window.__pwned=10" if i % 2 else f"https://example.org/{p}",
                               author=p))
        first = at(t, p)
        d.actors.append(Actor(f"person:{i}-{p}", "person", p, p, "state:EST", [first]))
        d.statements.append(Statement(f"person:{i}-{p}", "state:EST", True, at(t, p, 1)))
        d.stances.append(Stance(f"person:{i}-{p}", "state:EST", "proposition:new-un-cybercrime-treaty", "mixed",
                                0.5, Span(first.start, at(t, p, 1).end)))
        d.instrument_mentions.append(InstrumentMention("instrument:budapest-convention", at(t, "Budapest Convention")))
        d.incidents.append(Incident(f"incident:x-{i}", None, None, [first],
                                    [Attribution(p, p, "alleged", "unknown", at(t, p, 1))]))
        out.append(d)
    return out


N_PLAIN = 3  # meeting, later, undated


def build(url: str, *, with_hostile: bool = True) -> None:
    """A store at `url` holding the sample documents."""
    from normwatch.store import Store

    store = Store(url)
    try:
        for d in [meeting(), later(), undated(), *(hostile() if with_hostile else [])]:
            store.add_document(d)
    finally:
        store.close()
