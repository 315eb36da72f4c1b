"""Subscriptions, round two (issue 4): the general ways texts report joining an instrument.

Texts are made up here, in the shapes news and official statements use; the KB is a small fake
that also knows a few organisations (an intergovernmental body may subscribe, a UN organ that
adopts a text does not).
"""

from __future__ import annotations

from normwatch.stages.subscriptions import find_subscriptions

from .test_stances import FakeKB, add_mentions, doc_of, fake_kb

STATES = [("Estonia", "state:EST"), ("Latvia", "state:LVA"), ("Japan", "state:JPN"), ("Chile", "state:CHL"),
          ("Ghana", "state:GHA"), ("Canada", "state:CAN"), ("Mexico", "state:MEX")]
BC = [("Budapest Convention", "instrument:budapest-convention"), ("Convention on Cybercrime", "instrument:budapest-convention")]
NORMS = [("11 voluntary, non-binding norms of responsible state behaviour", "instrument:un-gge-2013-report")]
PARIS = [("Paris Call", "instrument:paris-call-2018")]
ORGS = [("Asean", "org:asean"), ("General Assembly", "org:un-general-assembly"), ("Microsoft", "org:microsoft")]


def kb() -> FakeKB:
    recs = list(fake_kb()._recs.values()) + [
        {"id": "org:asean", "name": "ASEAN", "kind": "igo"},
        {"id": "org:un-general-assembly", "name": "UN General Assembly", "kind": "un-body"},
        {"id": "org:microsoft", "name": "Microsoft", "kind": "company"},
    ]
    return FakeKB(recs)


def subs(text: str, extra=()) -> set[tuple[str, str, str, str | None]]:
    doc = doc_of(text)
    add_mentions(doc, STATES + ORGS + list(extra))
    return {(s.actor, s.instrument, s.action, s.date) for s in find_subscriptions(doc, kb())}


def test_subscribed_in_principle_by_an_organisation():
    text = ("To date, Asean is the only regional organisation to have subscribed, in principle, to the "
            "11 voluntary, non-binding norms of responsible state behaviour in cyberspace.")
    assert subs(text, NORMS) == {("org:asean", "instrument:un-gge-2013-report", "endorsed", None)}


def test_endorsed_adopted_and_signed_up_to():
    assert subs("Japan has endorsed the Paris Call.", PARIS) == {("state:JPN", "instrument:paris-call-2018", "endorsed", None)}
    assert subs("Chile formally signed up to the Paris Call in 2019.", PARIS) == {
        ("state:CHL", "instrument:paris-call-2018", "signed", "2019")}
    assert subs("Ghana adopted the 11 voluntary, non-binding norms of responsible state behaviour.", NORMS) == {
        ("state:GHA", "instrument:un-gge-2013-report", "endorsed", None)}


def test_a_un_organ_adopting_a_text_is_no_subscription():
    text = "The General Assembly adopted the 11 voluntary, non-binding norms of responsible state behaviour."
    assert subs(text, NORMS) == set()


def test_company_endorses_a_declaration_not_a_treaty():
    assert subs("Microsoft endorsed the Paris Call.", PARIS) == {("org:microsoft", "instrument:paris-call-2018", "endorsed", None)}
    assert subs("Microsoft signed the Budapest Convention.", BC) == set()


def test_acceded_and_nth_state_to_ratify():
    assert subs("Ghana acceded to the Budapest Convention in 2018.", BC) == {
        ("state:GHA", "instrument:budapest-convention", "acceded", "2018")}
    assert subs("Chile became the 50th state to ratify the Budapest Convention, in April 2017.", BC) == {
        ("state:CHL", "instrument:budapest-convention", "ratified", "2017-04")} or \
        subs("Chile became the 50th state to ratify the Budapest Convention, in April 2017.", BC) == {
        ("state:CHL", "instrument:budapest-convention", "ratified", "2017")}


def test_signed_then_ratified_gives_two_dated_facts():
    got = subs("Japan signed the Convention on Cybercrime in 2001 and ratified it in 2012.", BC)
    assert got == {("state:JPN", "instrument:budapest-convention", "signed", "2001"),
                   ("state:JPN", "instrument:budapest-convention", "ratified", "2012")}


def test_a_party_to_apposition():
    got = subs("Canada, a party to the Budapest Convention, called for its wider use.", BC)
    assert got == {("state:CAN", "instrument:budapest-convention", "joined", None)}
    got = subs("Canada is a state party to the Convention on Cybercrime.", BC)
    assert got == {("state:CAN", "instrument:budapest-convention", "joined", None)}


def test_not_a_party_is_no_subscription():
    assert subs("Mexico is not a party to the Budapest Convention.", BC) == set()
    assert subs("Mexico has not ratified the Budapest Convention.", BC) == set()
    assert subs("Mexico refused to sign the Budapest Convention.", BC) == set()


def test_signatories_including():
    got = subs("The Budapest Convention now has 68 signatories, including Estonia, Latvia and Japan.", BC)
    assert {a for a, *_ in got} == {"state:EST", "state:LVA", "state:JPN"}
    assert {act for _, _, act, _ in got} == {"signed"}


def test_call_to_ratify_is_no_subscription():
    assert subs("Estonia urged Mexico to ratify the Budapest Convention.", BC) == set()
    assert subs("Estonia called on all states to join the Budapest Convention.", BC) == set()


def test_support_of_something_else_and_endorsing_a_view():
    # the supported thing is another object; the declaration is named later, negated
    assert subs("Although Japan nominally supports open standards, it hasn't signed the Paris Call.", PARIS) == set()
    assert subs("Chile has endorsed that international law, including the Budapest Convention, applies.", BC) == set()


def test_holders_list_needs_an_introducer():
    got = subs("Canada and others joined Mexico as signatories to the Estonia-led Paris Call.", PARIS)
    assert ("state:EST", "instrument:paris-call-2018", "signed", None) not in got
    got = subs("Ratifications now number 45, including non-members of Asean, Japan and Chile, of the Budapest Convention.", BC)
    assert {a for a, *_ in got} == {"state:JPN", "state:CHL"}
