"""Stage `mentions.v1`: every KB entity named or described in the text, with its span.

Two passes:
  1. the gazetteer (one Aho-Corasick automaton over the KB's surface forms) finds names,
     aliases, abbreviations, demonyms and capitals, then context rules keep a capital only
     when it stands for its state ("Moscow denied ...") and ambiguous forms only in a
     political sentence; "pro-Russian" becomes a mention of Russia (how="pro-adjective");
  2. description rules (`extraction.descriptions`) find instruments, incidents and events
     that are described rather than named ("in 2013, the GGE published a report").
All instrument mentions are also listed in `doc.instrument_mentions`, one per span.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
import weakref
from typing import Any

from ..extraction.descriptions import DescriptionRules, year_of
from ..extraction.instrument_checks import title_cased_like
from ..extraction.gazetteer import Hit, gazetteer_for
from ..extraction.speech import AFTER_SUBJECT
from ..kb import load_kb
from ..model import Document, InstrumentMention, Mention, Span
from ..pipeline import stage
from ..settings import Settings

# Words that make a sentence clearly political, so an ambiguous form or a capital in it
# is read as the state (or organisation) rather than a city, a person or a company.
POLITICAL = re.compile(
    r"\b(?:government|governments|minister|ministry|president|prime minister|foreign|embassy|ambassador|"
    r"diplomat\w*|sanction\w*|kremlin|regime|officials?|authorities|military|army|troops|war|treaty|"
    r"talks|summit|relations|bilateral|accus\w+|attribut\w+|state-sponsored|state-backed|nation-state|"
    r"cyber\w*|hack\w*|attack\w*|invasion|invaded|intelligence|election\w*|parliament|negotiat\w+|united nations|un|nato)\b",
    re.I,
)
# A capital after one of these is a place ("a conference in The Hague"), not a metonym.
LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|from|to|near|into|visit\w*|outside|across|around|via|of|based)\s+$", re.I)
# A capital followed by another capitalised word is part of a longer name ("Budapest
# Convention", "Victoria\nNuland" in hard-wrapped text): one space or one line break.
NAME_CONTINUES = re.compile(r"(?: |\r?\n)[A-Z][a-z]")
PREFIX = re.compile(r"\b(pro|anti)-$", re.I)
# Sentence-sized context windows for the rules, capped so a 1 MB line stays cheap.
MAX_CONTEXT = 2000
RECENT_SENTENCES = 2


def _kb(settings: Settings) -> Any:
    return load_kb()


_rules_cache: "weakref.WeakKeyDictionary[Any, DescriptionRules]" = weakref.WeakKeyDictionary()
_rules_lock = threading.Lock()


def rules_for(kb: Any) -> DescriptionRules:
    """Description rules for a KB, built once per KB object."""
    with _rules_lock:
        r = _rules_cache.get(kb)
        if r is None:
            r = DescriptionRules(kb)
            _rules_cache[kb] = r
        return r


@stage("mentions.v1", requires=("sentences",), assigns=("mentions", "instrument_mentions"))
def mentions(doc: Document, settings: Settings) -> Document:
    """Fill `doc.mentions` and `doc.instrument_mentions` from the knowledge base.

    Args:
        doc: a segmented document.
        settings: unused apart from the stage signature; the KB is the package's.
    Returns:
        the same document with both lists replaced.
    """
    ms = find_mentions(doc, _kb(settings))
    doc.mentions = ms
    doc.instrument_mentions = instrument_mentions(ms)
    return doc


def find_mentions(doc: Document, kb: Any) -> list[Mention]:
    """All mentions in text order (gazetteer hits filtered by context, then described entities)."""
    text = doc.text
    sentences = list(doc.sentences) or [Span(0, len(text))]
    hits = gazetteer_for(kb).scan(text)
    out: list[Mention] = []
    starts = [s.start for s in sentences]
    # Sentences holding an unambiguous state: a place for an ambiguous form to mean a state too.
    stately = {_sentence_of(sentences, starts, h.start) for h in hits
               if h.form.kind == "state" and not h.form.ambiguous and h.form.how in ("name", "alias", "abbreviation")}
    actors = ActorContext(text, hits, kb)
    for h in hits:
        if h.form.kind == "instrument" and not title_cased_like(text[h.start:h.end], h.form.text):
            continue  # "a convention on cybercrime" is a generic treaty, not the Convention on Cybercrime
        sent = _sentence_of(sentences, starts, h.start)
        if h.form.kind == "threat-actor":
            if actors.names(h, sent):
                out.append(Mention(h.form.id, h.form.kind, Span(h.start, h.end), h.form.how))
            continue
        m = _keep(text, h, sent, sent in stately)
        if m is not None:
            out.append(m)
    out.extend(_described(doc, kb, sentences, out))
    out.extend(_administrations(text, kb))
    out.sort(key=lambda m: (m.span.start, -m.span.end))
    return _dedupe(out)


_cue_cache: "weakref.WeakKeyDictionary[Any, re.Pattern | None]" = weakref.WeakKeyDictionary()
# How far either side of an ambiguous threat-actor alias its cue may stand ("a few words").
CUE_WINDOW = 40


def _actor_cues(kb: Any) -> re.Pattern | None:
    """One pattern over the KB's threat-actor context cues (threat_actors.yaml `context_cues`)."""
    with _rules_lock:
        try:
            if kb in _cue_cache:
                return _cue_cache[kb]
        except TypeError:  # not weakly referenceable: build it each time
            pass
        cues = kb.threat_actor_cues() if hasattr(kb, "threat_actor_cues") else []
        rx = re.compile("|".join(f"(?:{c})" for c in cues), re.I) if cues else None
        try:
            _cue_cache[kb] = rx
        except TypeError:
            pass
        return rx


class ActorContext:
    """Whether a threat-actor alias found by the gazetteer names the actor here.

    Why: the field's thousand-odd actors go by names that are also words ("Lotus", "Equation"),
    short tokens, other vendors' names or malware. A form the KB marks `ambiguous` needs a
    threat-actor cue within a few words (the form's own words do not count), or one of the
    actor's unambiguous names elsewhere in the document. Any form written all in lower case
    where the KB writes capitals ("comment crew") is a common phrase, not the name.
    """

    def __init__(self, text: str, hits: list[Hit], kb: Any) -> None:
        self.text = text
        self.cues = _actor_cues(kb)
        self.sure = {h.form.id for h in hits if h.form.kind == "threat-actor" and not h.form.ambiguous
                     and not self._lowered(h)}

    def _lowered(self, h: Hit) -> bool:
        surface = self.text[h.start:h.end]
        return surface.islower() and not h.form.text.islower()

    def names(self, h: Hit, sent: Span) -> bool:
        if self._lowered(h):
            return False
        if not h.form.ambiguous or h.form.id in self.sure:
            return True
        if self.cues is None:
            return False
        before = self.text[max(sent.start, h.start - CUE_WINDOW):h.start]
        after = self.text[h.end:min(sent.end, h.end + CUE_WINDOW)]
        return bool(self.cues.search(before) or self.cues.search(after))


_admin_cache: "weakref.WeakKeyDictionary[Any, re.Pattern | None]" = weakref.WeakKeyDictionary()
# Heads of government whose surname names their government: "the Biden administration".
HEAD_ROLE = re.compile(r"^(?:President|Prime Minister|Chancellor)\b")


def _administration_rx(kb: Any) -> tuple[re.Pattern, dict[str, str]] | None:
    """One pattern over the KB's heads of government: "<Surname>[-<Name>] administration"."""
    with _rules_lock:
        if kb in _admin_cache:
            return _admin_cache[kb]
        states: dict[str, str] = {}
        records = kb.records("person") if kb is not None and hasattr(kb, "records") else []
        for r in records:
            aff = r.get("affiliation") or ""
            if aff.startswith("state:") and HEAD_ROLE.match(r.get("role") or "") and r.get("name"):
                states.setdefault(r["name"].split()[-1], aff)
        found = None
        if states:
            alt = "|".join(re.escape(k) for k in sorted(states, key=len, reverse=True))
            found = (re.compile(rf"\b({alt})(?:[-\u2013][A-Z][a-z]+)?\s+[Aa]dministration\b"), states)
        _admin_cache[kb] = found
        return found


def _administrations(text: str, kb: Any) -> list[Mention]:
    """"The Biden administration" speaks for its state, as "Washington" or "the White House" do."""
    try:
        compiled = _administration_rx(kb)
    except TypeError:  # a KB object that cannot be weakly referenced: no cache, no rule
        return []
    if compiled is None:
        return []
    rx, states = compiled
    return [Mention(states[m.group(1)], "state", Span(m.start(), m.end()), "administration")
            for m in rx.finditer(text)]


def _sentence_of(sentences: list[Span], starts: list[int], pos: int) -> Span:
    i = bisect_right(starts, pos) - 1
    if 0 <= i < len(sentences) and sentences[i].start <= pos < sentences[i].end:
        return sentences[i]
    return Span(max(0, pos - 200), pos)


def _keep(text: str, h: Hit, sent: Span, with_states: bool = False) -> Mention | None:
    """The mention for a gazetteer hit, or None when its context says it is something else."""
    f = h.form
    span = Span(h.start, h.end)
    how = f.how
    lo = max(sent.start, h.start - 6)
    if f.kind == "state" and how in ("adjective", "demonym", "name"):
        p = PREFIX.search(text, lo, h.start)
        if p:
            return Mention(f.id, f.kind, span, f"{p.group(1).lower()}-adjective")
    if how == "capital":
        after = text[h.end : min(len(text), h.end + 80)]
        if NAME_CONTINUES.match(after):
            return None  # part of a longer name: "Budapest Convention", "Washington Post"
        if AFTER_SUBJECT.match(after) or (f.text.lower().startswith("the kremlin")):
            return Mention(f.id, f.kind, span, "capital")
        before = text[max(sent.start, h.start - 20) : h.start]
        ctx = text[sent.start : min(sent.end, sent.start + MAX_CONTEXT)]
        if not LOCATIVE_BEFORE.search(before) and POLITICAL.search(ctx) and not _place_like(text, h):
            return Mention(f.id, f.kind, span, "capital")
        return None
    if f.ambiguous and not with_states:
        ctx = text[sent.start : min(sent.end, sent.start + MAX_CONTEXT)]
        if not POLITICAL.search(ctx):
            return None
    return Mention(f.id, f.kind, span, how)


def _place_like(text: str, h: Hit) -> bool:
    """A capital used as an address or dateline ("WASHINGTON -", "Beijing, China")."""
    after = text[h.end : h.end + 3]
    return after.startswith((",", " -", " —", " (")) or text[h.start : h.end].isupper()


def _described(doc: Document, kb: Any, sentences: list[Span], named: list[Mention]) -> list[Mention]:
    """Instruments, incidents and events found by description, sentence by sentence."""
    text = doc.text
    rules = rules_for(kb)
    out: list[Mention] = []
    recent: list[list[str]] = []  # instrument ids mentioned per recent sentence
    i = 0
    pub_year = year_of(doc.meta.published) if doc.meta else None
    ordered = sorted(named, key=lambda m: m.span.start)
    for sent in sentences:
        a, b = sent.start, min(sent.end, sent.start + MAX_CONTEXT)
        inside: list[Mention] = []
        while i < len(ordered) and ordered[i].span.start < sent.start:
            i += 1
        j = i
        while j < len(ordered) and ordered[j].span.start < sent.end:
            inside.append(ordered[j])
            j += 1
        found: list[Mention] = []
        for f in rules.by_description(text, a, b):
            found.append(Mention(f.id, f.kind, Span(f.start, f.end), f.how))
        bodies = [(m.kb_id, m.span.start, m.span.end) for m in inside if m.kind == "org"]
        for f in rules.by_body_year(text, a, b, bodies):
            if _kind_of(kb, f.id) in NOT_BY_BODY_YEAR:
                continue
            found.append(Mention(f.id, f.kind, Span(f.start, f.end), f.how))
        prior = [iid for ids in recent for iid in ids] + [m.kb_id for m in inside if m.kind == "instrument"]
        for f in rules.by_update(text, a, b, prior):
            found.append(Mention(f.id, f.kind, Span(f.start, f.end), f.how))
        states = [(m.kb_id, m.span.start, m.span.end) for m in inside if m.kind == "state" and m.how != "capital"]
        for f in rules.incidents_in(text, a, b, states):
            found.append(Mention(f.id, f.kind, Span(f.start, f.end), f.how))
        for f in rules.events_in(text, a, b, pub_year):
            found.append(Mention(f.id, f.kind, Span(f.start, f.end), f.how))
        out.extend(found)
        recent.append([m.kb_id for m in inside + found if m.kind == "instrument"])
        recent = recent[-RECENT_SENTENCES:]
    return out


# A body adopts many resolutions and decisions a year: "in 2018 the General Assembly adopted a
# resolution" does not say which (issue 11 added the GA's ICT resolutions to the KB); a framework is
# built over years, not adopted in one.
NOT_BY_BODY_YEAR = frozenset({"resolution", "decision", "framework"})


def _kind_of(kb: Any, iid: str) -> str | None:
    rec = kb.get(iid) if kb is not None and hasattr(kb, "get") else None
    return (rec or {}).get("kind")


def _dedupe(ms: list[Mention]) -> list[Mention]:
    """One mention per (id, span); a described mention inside a named one of the same id is dropped."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Mention] = []
    named = {}
    for m in ms:
        if m.how not in ("description", "body-year", "update", "victim-year", "name-year"):
            named.setdefault(m.kb_id, []).append(m.span)
    for m in ms:
        key = (m.kb_id, m.span.start, m.span.end)
        if key in seen:
            continue
        if m.how in ("description", "body-year", "update", "victim-year", "name-year") and any(
            s.contains(m.span) for s in named.get(m.kb_id, [])
        ):
            continue
        seen.add(key)
        out.append(m)
    return out


def instrument_mentions(ms: list[Mention]) -> list[InstrumentMention]:
    """One InstrumentMention per instrument span (the first id wins on an identical span)."""
    out: list[InstrumentMention] = []
    spans: set[tuple[int, int]] = set()
    for m in ms:
        if m.kind != "instrument":
            continue
        key = (m.span.start, m.span.end)
        if key in spans:
            continue
        spans.add(key)
        out.append(InstrumentMention(m.kb_id, m.span))
    return out
