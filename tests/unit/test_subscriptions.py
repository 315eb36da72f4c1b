"""Subscriptions stage (issue 4, stage 6): sponsored / ratified / signed / endorsed from text."""

from __future__ import annotations

import json

from normwatch.stages.subscriptions import find_subscriptions

from ..conftest import shared_path
from .test_stances import add_mentions, doc_of, fake_kb, origin_news_doc

STATES = [("China", "state:CHN"), ("Russia", "state:RUS"), ("Tajikistan", "state:TJK"), ("Uzbekistan", "state:UZB"),
          ("Australia", "state:AUS"), ("Japan", "state:JPN"), ("United States", "state:USA"),
          ("France", "state:FRA"), ("Hungary", "state:HUN")]


def subs(text: str, extra=()):
    doc = doc_of(text)
    add_mentions(doc, STATES + list(extra))
    return {(s.actor, s.instrument, s.action, s.date) for s in find_subscriptions(doc, fake_kb())}


CODE = [("International Code of Conduct for Information Security", "instrument:sco-code-of-conduct-2011")]
BC = [("Budapest Convention", "instrument:budapest-convention")]


def test_joint_letter_is_sponsorship_of_each_state():
    text = ("The permanent representatives of China, Russia, Tajikistan and Uzbekistan jointly sent a letter to the "
            "Secretary-General, requesting him to circulate the International Code of Conduct for Information Security.")
    got = subs(text, CODE)
    assert {a for a, *_ in got} == {"state:CHN", "state:RUS", "state:TJK", "state:UZB"}
    assert all(i == "instrument:sco-code-of-conduct-2011" and act == "sponsored" for _, i, act, _ in got)


def test_submitted_with_others_and_year():
    text = ("He recalled that China, Russia and others had submitted a draft of an International Code of Conduct for "
            "Information Security to the General Assembly in 2011, and the draft was updated in January 2015.")
    assert subs(text, CODE) == {("state:CHN", "instrument:sco-code-of-conduct-2011", "sponsored", "2011"),
                                ("state:RUS", "instrument:sco-code-of-conduct-2011", "sponsored", "2011")}


def test_ratifications_after_instrument_sentence():
    text = ("The Budapest Convention is the main cybercrime treaty. It entered into force in 2004. "
            "The total number of ratifications is now 45, including Australia, Japan and the United States.")
    got = subs(text, BC)
    assert got == {(s, "instrument:budapest-convention", "ratified", None) for s in ("state:AUS", "state:JPN", "state:USA")}


def test_signed_with_full_date_and_place_not_actor():
    text = "France signed the Budapest Convention on 23 November 2001 in Hungary."
    assert subs(text, BC) == {("state:FRA", "instrument:budapest-convention", "signed", "2001-11-23")}


def test_ratify_not_for_declarations_and_supports_paris_call():
    text = "Japan supports the Paris Call for Trust and Security in Cyberspace."
    got = subs(text, [("Paris Call for Trust and Security in Cyberspace", "instrument:paris-call-2018")])
    assert got == {("state:JPN", "instrument:paris-call-2018", "endorsed", None)}


def test_no_instrument_no_subscription():
    assert subs("China and Russia signed a gas deal in 2014.") == set()
    assert subs("Russia sent a letter to Japan in 2011.", CODE) == set()


def test_origin_subscriptions_f1():
    gold = json.loads(shared_path("gold", "origin.json").read_text(encoding="utf-8"))
    doc = origin_news_doc()
    got = {(s.actor, s.instrument, s.action) for s in find_subscriptions(doc, fake_kb())}
    want = {(g["actor"], g["instrument"], g["action"]) for g in gold["subscriptions"] if g["doc"] == "000_bc119b1e5d9b1ff6.txt"}
    tp = len(got & want)
    f1 = 2 * tp / (len(got) + len(want))
    assert f1 >= 0.85, (got, want)
