"""Stage 7, incidents and attribution: which cyber incidents a document speaks of, and who is blamed.

Incidents come from four readings of a sentence:
  1. a KB incident named by the mentions stage (alias, "Russia v. Estonia", ...) or by a KB keyword
     beside an attack word (`incident_match`);
  2. the "X v. Y" notation (X accused, Y victim) with the sentence's years, matched to a KB incident;
  3. an attack cue with a victim state in a victim slot and a year: a KB incident with that victim,
     year (and type) or else a new one, `incident:<victim>-<year>-<type>` (`incident_reading`);
  4. an accusation: a perpetrator's attack verb on an identifiable victim, with or without a time
     (`incident_reading`). In a short report (a tracker's description, a news brief) it is the
     report's one incident; in a longer text it is kept only with a victim state and a time.
Attribution claims come from the incident's sentence (and a following sentence that refers back
to it): accused, claimant, certainty and channel (`incident_attrib`, `attrib_cues`). Every other
sentence that blames, links, suspects or denies gives a claim too, attached to the incident it is
about or to a new one built from its victim, time, type and actor (`incident_claims`); `doc.claims`
holds them all and each incident's `attributions` is the view of its own.

This module only walks the sentences and settles the result per document; the readings live in
`normwatch.extraction.incident_*`.

Run:  normwatch extract FILE --format jsonl   (the "incidents" list)
"""

from __future__ import annotations

from typing import Any

from ..extraction.attrib_cues import group_state, is_accused
from ..extraction.cues import M, all_mentions, default_kb, drop_nested, kb_get, sentence_spans, state_slug, within
from ..extraction.incident_attrib import attributions
from ..extraction.incident_claims import claims_of, named_by_actor, sentence_claims, titled
from ..extraction.incident_cues import ATTACK, ATTRIB_VERB, KW_ATTACK_AFTER, PERPETRATOR_REF, REFERS_BACK, doer_inside
from ..extraction.incident_match import Hit, kb_hit, keyword_hits, versus_hits
from ..extraction.incident_reading import cue_hits, report_frame
from ..model import Attribution, Document, Incident, Span
from ..pipeline import stage
from ..settings import Settings

MAX_SPANS = 100  # spans and claims kept per incident
BACK_SENTENCES = 2  # how far back "the attack" may refer
NAMED_HOW = ("name", "alias", "abbreviation")  # an incident named outright, not inferred
NEAR_CUE = 60


@stage("incidents.v1", requires=("sentences", "mentions"), assigns=("incidents", "claims"))
def extract_incidents(doc: Document, settings: Settings) -> Document:
    """Fill `doc.incidents` and `doc.claims` (see the module docstring)."""
    kb = default_kb()
    incs = find_incidents(doc, kb)
    claims = claims_of(incs)
    claims += sentence_claims(doc, kb, sentence_spans(doc), all_mentions(doc), incs)
    named_by_actor(kb, incs, claims)
    titled(kb, incs)
    doc.incidents.extend(incs)
    doc.claims.extend(claims)
    return doc


def find_incidents(doc: Document, kb: Any) -> list[Incident]:
    """Incidents with attribution claims, one per incident id, in order of first mention."""
    text = doc.text
    sents = sentence_spans(doc)
    ms = all_mentions(doc)
    named = drop_nested([m for m in ms if m.kind in ("state", "instrument", "org", "event")])
    states = [m for m in named if m.kind == "state" and m.how != "capital"]
    orgs = [m for m in named if m.kind == "org"]
    groups = [m for m in ms if m.kind == "threat-actor"]
    kb_incs = [m for m in ms if m.kind == "incident"]
    doc_states = frozenset(m.id for m in states)
    doc_accused = frozenset(m.id for m in states if is_accused(text, m))
    frame = report_frame(doc, states, sents)
    out: dict[str, Incident] = {}
    weak: set[str] = set()
    accusations: set[str] = set()  # new incidents read from a perpetrator's attack (kept without a time)
    first_accusation: str | None = None
    span_sets: dict[str, set[Span]] = {}
    last: tuple[int, Hit] | None = None  # the latest sentence with exactly one incident
    for i, s in enumerate(sents):
        s_states, s_groups, s_orgs = within(states, s.start, s.end), within(groups, s.start, s.end), within(orgs, s.start, s.end)
        hits = versus_hits(doc, kb, s, s_states)
        versus = bool(hits)
        covered = {h.incident for h in hits}
        s_incs = within(kb_incs, s.start, s.end)
        # "the US Colonial Pipeline attack": the name wins over a victim-and-year guess around it, and
        # over any other guess overlapping that guess ("UK" in "the UK after the 2017 WannaCry attack")
        blocked = [Span(n.start, n.end) for n in s_incs if n.how in NAMED_HOW]
        for m in s_incs:
            if m.how not in NAMED_HOW and any(b.overlaps(Span(m.start, m.end)) for b in blocked):
                blocked.append(Span(m.start, m.end))
        for m in s_incs:
            if m.how not in NAMED_HOW and Span(m.start, m.end) in blocked:
                continue
            if m.how not in NAMED_HOW and not ATTACK.search(text, max(s.start, m.start - NEAR_CUE), min(s.end, m.end + NEAR_CUE)):
                continue  # an inferred mention (victim + year) needs an attack word beside it
            if m.how not in NAMED_HOW and doer_inside(text, s_states, m):
                continue  # "Russian hackers ... in 2017" names the attacker, not a victim of a 2017 incident
            if m.id not in covered and not any(h.span.overlaps(Span(m.start, m.end)) for h in hits):
                hits.append(kb_hit(kb, m.id, Span(m.start, m.end), s))
                covered.add(m.id)
        # "She cited the SolarWinds breach, ... and the Kaseya breach": a list can name one incident
        # by its alias and the next by its keyword beside an attack word
        named_only = not hits or all(m.how in NAMED_HOW for m in s_incs if m.id in covered)
        for h in keyword_hits(kb, text, s) if named_only and not versus else ():
            if hits and not KW_ATTACK_AFTER.match(text, h.span.end, min(s.end, h.span.end + 40)):
                continue  # beside a named incident only "the Kaseya breach" form, not a keyword near any attack word
            if h.incident not in covered and not any(h.span.overlaps(o.span) for o in hits):
                hits.append(h)
                covered.add(h.incident)
        for h in hits:
            _victim_named(kb, h, s_states)
        if not hits and last is not None and i - last[0] <= BACK_SENTENCES \
                and ATTRIB_VERB.search(text, s.start, s.end) and REFERS_BACK.search(text, s.start, s.end):
            # "Ukraine attributed the attack to the GRU": a claim about the incident just told
            h = last[1]
            h2 = Hit(h.incident, h.victim, h.type, h.date, h.name, h.span, s)
            for att in attributions(doc, kb, h2, s, s_states, s_groups, s_orgs, doc_states, doc_accused):
                _add(out[h.incident], att)
            continue
        if not hits:
            if frame is not None and not s_groups:
                s_groups = _perpetrator_ref(kb, text, s, groups, states, doc_accused)
            hits = cue_hits(doc, kb, s, s_states, s_groups, s_orgs, frame)
        if not hits:
            continue
        for h in hits:
            # a short report (or a news lead) tells one operation: a later accusation against the
            # same victim (in a short report, also one naming no victim) is that incident again
            if h.accusation and kb_get(kb, h.incident) is None:
                if first_accusation is None:
                    first_accusation = h.incident
                elif h.victim == out[first_accusation].victim and (h.victim or frame is not None):
                    first = out[first_accusation]
                    first.type = first.type or h.type
                    if first.date is None and h.date and kb_get(kb, first_accusation) is None:
                        # the headline told it without a time, the body dates it: the dated reading
                        # names it ("slovakia" becomes "slovakia-2021")
                        first.date = h.date
                        dated = "incident:" + "-".join(p for p in (state_slug(kb, h.victim), h.date[:4], first.type) if p)
                        _rename(out, span_sets, accusations, weak, first_accusation, dated)
                        first_accusation = first.incident
                    h.incident = first_accusation
        last = (i, hits[0]) if len(hits) == 1 else None
        for h in hits:
            inc = out.get(h.incident)
            if inc is None:
                inc = out[h.incident] = Incident(h.incident, h.victim, h.type, [], [], h.date, h.name)
                if h.weak:
                    weak.add(h.incident)
            elif not h.weak:
                weak.discard(h.incident)
            if h.accusation:
                accusations.add(h.incident)
            # a set beside the list: one incident can be named thousands of times in a long text
            seen = span_sets.setdefault(h.incident, set())
            if h.span not in seen and len(inc.spans) < MAX_SPANS:
                seen.add(h.span)
                inc.spans.append(h.span)
            for att in attributions(doc, kb, h, s, s_states, s_groups, s_orgs, doc_states, doc_accused):
                _add(inc, att)
    return _settle(kb, list(out.values()), weak, accusations, short=frame is not None)


def _settle(kb: Any, incs: list[Incident], weak: set[str] = frozenset(),
            accusations: set[str] = frozenset(), short: bool = False) -> list[Incident]:
    """Document-level tidying once every sentence is read.

    - A vague new incident (no date, not in the KB) in a document that names exactly one KB
      incident with the same victim (or none), and no dated new one, is that incident told again ("attacks targeting
      the US" in a report on the Exchange hack): its spans and claims join it.
    - A claim whose sentence names no channel takes the channel the document gives elsewhere
      for the same accused ("blamed China" ... "hackers affiliated with the MSS").
    """
    named = [i for i in incs if kb_get(kb, i.incident) is not None]
    # a dated new incident beside the KB one is another candidate: a vague reading could be either
    dated_new = [i for i in incs if kb_get(kb, i.incident) is None and i.date and i.victim and i.incident not in weak]
    if len(named) == 1 and not dated_new:
        main = named[0]
        keep: list[Incident] = []
        for inc in incs:
            if inc is not main and kb_get(kb, inc.incident) is None and not inc.date and inc.victim in (None, main.victim):
                for sp in inc.spans:
                    if sp not in main.spans and len(main.spans) < MAX_SPANS:
                        main.spans.append(sp)
                for att in inc.attributions:
                    _add(main, att)
                continue
            keep.append(inc)
        incs = keep
    # A new incident is worth stating when the text gives its victim, its kind and its time, or
    # when it is an accusation: a perpetrator's attack on an identifiable victim, with its claim
    # (in a longer text, one whose victim state and time the text gives).
    # Anything vaguer ("counter-ransomware efforts", "Chinese hackers" with no one hit) gets an
    # id no other source would give it, and says less than the claims already kept above.
    incs = [i for i in incs if kb_get(kb, i.incident) is not None
            or (i.victim and i.type and i.date and i.incident not in weak)
            or (i.incident in accusations and i.attributions and (short or (i.victim and i.date)))]
    for inc in incs:
        first: dict[str, str] = {}
        for a in inc.attributions:
            if a.via != "unknown":
                first.setdefault(a.accused, a.via)
        atts = list(inc.attributions)
        inc.attributions = []
        for a in atts:
            if a.via == "unknown" and a.accused in first:
                a = Attribution(a.accused, a.claimant, a.certainty, first[a.accused], a.evidence)
            _add(inc, a)
    return incs


def _perpetrator_ref(kb: Any, text: str, s: Span, groups: list[M], states: list[M],
                     doc_accused: frozenset[str]) -> list[M]:
    """"This threat actor targets ..." in a short report that named one perpetrator before: that one.

    Returns a stand-in mention over the referring words (a threat actor, or the accused state
    when the report named no group), or nothing when the reference could mean several.
    """
    ref = PERPETRATOR_REF.search(text, s.start, s.end)
    if not ref:
        return []
    before = {g.id for g in groups if g.end <= s.start and group_state(kb, g.id)[0]}
    if len(before) == 1:
        return [M(before.pop(), "threat-actor", ref.start(), ref.end(), "back-reference")]
    if before:
        return []
    earlier = {m.id for m in states if m.end <= s.start and m.id in doc_accused and is_accused(text, m)}
    if len(earlier) == 1:
        return [M(earlier.pop(), "state", ref.start(), ref.end(), "back-reference")]
    return []


def _victim_named(kb: Any, h: Hit, s_states: list[M]) -> None:
    """A KB incident with several victims takes the one its sentence names ("the Kaseya breach, which
    forced Swedish supermarkets to close" is told as Sweden's)."""
    rec = kb_get(kb, h.incident)
    if not rec or h.victim is None:
        return
    victims = [v for v in rec.get("victims") or [] if str(v).startswith("state:")]
    named = [m.id for m in s_states if m.id in victims]
    if named and h.victim not in named:
        h.victim = named[0]


def _rename(out: dict[str, Incident], span_sets: dict[str, set[Span]], accusations: set[str],
            weak: set[str], old: str, new: str) -> None:
    """Give an incident read so far a new id everywhere the walk keeps it (order kept)."""
    if old == new or new in out:
        return
    items = [(new if k == old else k, v) for k, v in out.items()]
    out.clear()
    out.update(items)
    out[new].incident = new
    if old in span_sets:
        span_sets[new] = span_sets.pop(old)
    for bag in (accusations, weak):
        if old in bag:
            bag.discard(old)
            bag.add(new)


def _add(inc: Incident, att: Attribution) -> None:
    key = (att.accused, att.claimant, att.certainty, att.via)
    if len(inc.attributions) < MAX_SPANS and all((a.accused, a.claimant, a.certainty, a.via) != key for a in inc.attributions):
        inc.attributions.append(att)

__all__ = ["extract_incidents", "find_incidents"]
