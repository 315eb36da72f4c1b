"""The keyword prefilter: relevant pages pass, sports and recipes do not, and it is fast."""

from __future__ import annotations

import time

import pytest

from normwatch.stages.prefilter import is_relevant, relevance_hits


@pytest.mark.parametrize("text", [
    "Ransomware gang hits hospital; the DDoS attack lasted hours.",
    "<html><p>Cybersecurity officials said the hacking group was state-sponsored.</p></html>",
    "Norms of responsible state behaviour in the use of ICTs were discussed; information security matters.",
    "The Budapest Convention on cybercrime".encode("utf-8"),
    "MALWARE and a BOTNET".encode("utf-8"),
])
def test_relevant(text):
    assert is_relevant(text)


@pytest.mark.parametrize("text", [
    "Manchester United beat Arsenal 2-1 in a thrilling match at Old Trafford.",
    "<p>Recipe: slow-cooked lamb with rosemary and garlic. Serves four.</p>",
    "Our Cyber Monday deals on shoes.",  # a single mention is not enough
    "",
])
def test_irrelevant(text):
    assert not is_relevant(text)


def test_hits_counted():
    assert relevance_hits("cyber cyber hacker malware") == 4
    assert relevance_hits(b"nothing here") == 0


def test_fast_on_a_large_page():
    page = ("<div class='nav'>Sports News Weather</div>" + "<p>The match ended in a draw.</p>" * 20000).encode()
    t0 = time.perf_counter()
    assert not is_relevant(page)
    assert time.perf_counter() - t0 < 0.5
