"""Stage 7, incidents and attribution: which cyber incidents a document speaks of, and who is blamed.

Incidents come from three readings of a sentence (a new incident, not in the KB, is kept only
when the text gives its victim, its kind and its time; see `_settle`):
  1. a KB incident named by the mentions stage (alias, "Russia v. Estonia", ...);
  2. the "X v. Y" notation (X accused, Y victim) with the sentence's years, paired in order
     when the sentence says "respectively" — matched to a KB incident by victim and year;
  3. an attack cue (DDoS, ransomware, breach ...) with a victim state in a victim slot and a
     year: a KB incident with that victim, year (and type) or else a new one,
     `incident:<victim>-<year>-<type>`, which is not in the KB.
Attribution claims come from the incident's sentence (and a following sentence that refers
back to it): accused (a state in the accused slot, a KB threat actor's state, the X of
"X v. Y"), claimant (the speaker of a statement, a subject that attributes or says; null for
the author's own voice), certainty and channel (`attrib_cues`).

Run:  normwatch extract FILE --format jsonl   (the "incidents" list)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..pipeline import stage
from ..extraction.attrib_cues import certainty, channel, group_state, is_accused, is_claimant
from ..extraction.cues import (
    M,
    all_mentions,
    coordinated,
    default_kb,
    drop_nested,
    find_dates,
    kb_cache,
    kb_get,
    records,
    sentence_spans,
    state_slug,
    within,
)
from ..model import Attribution, Document, Incident, Span, slugify
from ..settings import Settings

TYPE_CUES: list[tuple[str, re.Pattern]] = [
    ("ddos", re.compile(r"\b(?:DDoS|D?DoS attacks?|(?:distributed )?denial[- ]of[- ]service)\b", re.I)),
    ("ransomware", re.compile(r"\bransomware\b", re.I)),
    ("wiper", re.compile(r"\bwiper\b|\bwiped\b", re.I)),
    ("supply-chain", re.compile(r"\bsupply[- ]chain (?:attack|compromise|hack)", re.I)),
    ("defacement", re.compile(r"\bdefac(?:ed|ement|ing)\b", re.I)),
    ("data-theft", re.compile(r"\b(?:data (?:breach|theft|leak)|breach(?:ed)?|stole|stolen|exfiltrat\w+)\b", re.I)),
    ("espionage", re.compile(r"\b(?:espionage|spying|cyber-?spying|spied|spyware|surveil\w+|intelligence[- ]gathering|"
                             r"(?:collect|gather)(?:ed|ing)? intelligence|steal(?:ing)? (?:\w+ )?(?:information|secrets|intelligence))\b",
                             re.I)),
    ("sabotage", re.compile(r"\b(?:sabotage|blackout|power outage)\b", re.I)),
    ("influence", re.compile(r"\b(?:hack[- ]and[- ]leak|disinformation campaign|influence operation)\b", re.I)),
]
ATTACK = re.compile(
    r"\b(?:cyber-?\s?attacks?|attack(?:s|ed)?|DDoS|denial[- ]of[- ]service|ransomware|breach(?:es|ed)?|hack(?:s|ed)?|intrusions?|"
    r"intruded|compromis(?:e|es|ed|ing)|wiper|malware|spyware|backdoors?|(?:spear-?)?phishing|espionage|"
    r"cyber-?\s?operations?|campaign|target(?:ed|ing|s)|exfiltrat\w+|stole|steal|infected|password spraying)\b", re.I)
# Only verbs and prepositions of attacking mark a victim: "in"/"of" are too often the attacker's home.
VICTIM_BEFORE = re.compile(
    r"(?:\b(?:attacks?|cyber-?\s?attacks?|DDoS|operations?|campaigns?|intrusions?|hacks?|breach(?:es)?|strikes?|"
    r"ransomware|wiper|malware|espionage)\s+(?:\w+\s+){0,2}?(?:against|on|targeting|into)|"
    r"\b(?:targeting|targeted|attacked|hacked|breached|infiltrated|disrupted|crippled|paralysed|paralyzed|struck|hit))"
    r"\s+(?:the\s+)?$",
    re.I)
VICTIM_NOUN_AFTER = re.compile(
    r"^\s*(?:government|governmental|state|parliament|ministry|ministries|banks?|networks?|websites?|infrastructure|"
    r"power grid|grid|elections?|officials|media|agencies|companies|servers)\b(?![- ](?:sponsored|backed|linked|affiliated))",
    re.I)
# Before a state: the state itself is the doer ("orchestrated and carried out by Iran").
STATE_AGENT = re.compile(r"\b(?:carried out|conducted|orchestrated|perpetrated|launched|committed) by\s+(?:the\s+)?$", re.I)
AGENT = "agent"  # category marker: the accused state named as the doer itself
MAX_SPANS = 100  # spans and claims kept per incident
BACK_SENTENCES = 2  # how far back "the attack" may refer
NAMED_HOW = ("name", "alias", "abbreviation")  # an incident named outright, not inferred
NEAR_CUE = 60
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
REFERS_BACK = re.compile(r"\b(?:the|this|that|these|those) (?:cyber-?\s?)?(?:attacks?|incidents?|operations?|campaigns?|breach(?:es)?|hacks?|intrusions?|aggression)\b|\b(?:it|they)\b", re.I)
ATTRIB_VERB = re.compile(
    r"\b(?:attribut\w+|blam\w+|accus\w+|behind|responsible|suspect\w*|den(?:y|ied|ies)|"
    r"(?:carried out|conducted|orchestrated|perpetrated|launched|sponsored) by|linked to)\b", re.I)
# "Albania was the target of a cyberattack", "the US was hit": the state before is the victim.
VICTIM_AFTER = re.compile(
    r"^\s+(?:(?:was|were|is|are|has been|have been|had been|became)\s+(?:\w+\s+){0,2}?(?:target|victim)s?\s+of\b|"
    r"(?:was|were|has been|have been|had been)\s+(?:\w+\s+)?(?:attacked|hit|targeted|hacked|breached|struck))",
    re.I)
INCIDENT_NOUN_AFTER = re.compile(r"[’']?s?\s+(?:[\w-]+\s+)?(?:hack|breach|attack|compromise|incident|intrusion|campaign|"
                                 r"backdoor|supply[- ]chain attack)s?\b", re.I)
# "the Russian government is behind": the state's own body is the doer (a state organ), unlike
# "government-backed hackers" (a proxy).
STATE_BODY = re.compile(r"\s+(?:government|military|armed forces|regime|authorities|leadership|intelligence services?)\b"
                        r"(?![- ](?:backed|sponsored|linked|affiliated))", re.I)
# "The Biden administration attributes ...", "the government formally attributed ...": a government
# speaks even when the mentions stage names no state for it.
GOV_SUBJECT = re.compile(r"\b(?:administration|government|White House|State Department|Department of|ministry|"
                         r"authorities|officials)\b", re.I)
# "last July", "this year", "earlier this month": the incident's year is the document's own.
RELATIVE_TIME = re.compile(
    r"\b(?:last|this|earlier this|late last|earlier in the) (?:year|month|week|spring|summer|autumn|fall|winter|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\b|\brecently\b", re.I)


@dataclass
class Hit:
    """One reading of an incident in a sentence, before merging."""

    incident: str
    victim: str | None
    type: str | None
    date: str | None
    name: str | None
    span: Span
    sentence: Span
    accused: list[tuple[str, str | None]] = field(default_factory=list)  # (state id, group category)
    weak: bool = False  # the victim is only a state named nearby, not one the text marks as hit


@stage("incidents.v1", requires=("sentences", "mentions"), assigns=("incidents",))
def extract_incidents(doc: Document, settings: Settings) -> Document:
    """Fill `doc.incidents` (see the module docstring)."""
    doc.incidents.extend(find_incidents(doc, default_kb()))
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
    out: dict[str, Incident] = {}
    weak: set[str] = set()
    span_sets: dict[str, set[Span]] = {}
    last: tuple[int, Hit] | None = None  # the latest sentence with exactly one incident
    for i, s in enumerate(sents):
        s_states, s_groups, s_orgs = within(states, s.start, s.end), within(groups, s.start, s.end), within(orgs, s.start, s.end)
        hits = _versus_hits(doc, kb, s, s_states)
        covered = {h.incident for h in hits}
        for m in within(kb_incs, s.start, s.end):
            if m.how not in NAMED_HOW and not ATTACK.search(text, max(s.start, m.start - NEAR_CUE), min(s.end, m.end + NEAR_CUE)):
                continue  # an inferred mention (victim + year) needs an attack word beside it
            if m.how not in NAMED_HOW and _doer_inside(text, s_states, m):
                continue  # "Russian hackers ... in 2017" names the attacker, not a victim of a 2017 incident
            if m.id not in covered and not any(h.span.overlaps(Span(m.start, m.end)) for h in hits):
                hits.append(_kb_hit(kb, m.id, Span(m.start, m.end), s))
                covered.add(m.id)
        if not hits:
            hits = _keyword_hits(kb, text, s)
        if not hits and last is not None and i - last[0] <= BACK_SENTENCES \
                and ATTRIB_VERB.search(text, s.start, s.end) and REFERS_BACK.search(text, s.start, s.end):
            # "Ukraine attributed the attack to the GRU": a claim about the incident just told
            h = last[1]
            h2 = Hit(h.incident, h.victim, h.type, h.date, h.name, h.span, s)
            for att in _attributions(doc, kb, h2, s, s_states, s_groups, s_orgs, doc_states, doc_accused):
                _add(out[h.incident], att)
            continue
        if not hits:
            hits = _cue_hits(doc, kb, s, s_states, s_groups, s_orgs)
        if not hits:
            continue
        last = (i, hits[0]) if len(hits) == 1 else None
        for h in hits:
            inc = out.get(h.incident)
            if inc is None:
                inc = out[h.incident] = Incident(h.incident, h.victim, h.type, [], [], h.date, h.name)
                if h.weak:
                    weak.add(h.incident)
            elif not h.weak:
                weak.discard(h.incident)
            # a set beside the list: one incident can be named thousands of times in a long text
            seen = span_sets.setdefault(h.incident, set())
            if h.span not in seen and len(inc.spans) < MAX_SPANS:
                seen.add(h.span)
                inc.spans.append(h.span)
            for att in _attributions(doc, kb, h, s, s_states, s_groups, s_orgs, doc_states, doc_accused):
                _add(inc, att)
    return _settle(kb, list(out.values()), weak)


def _settle(kb: Any, incs: list[Incident], weak: set[str] = frozenset()) -> list[Incident]:
    """Document-level tidying once every sentence is read.

    - A vague new incident (no date, not in the KB) in a document that names exactly one KB
      incident with the same victim (or none) is that incident told again ("attacks targeting
      the US" in a report on the Exchange hack): its spans and claims join it.
    - A claim whose sentence names no channel takes the channel the document gives elsewhere
      for the same accused ("blamed China" ... "hackers affiliated with the MSS").
    """
    named = [i for i in incs if kb_get(kb, i.incident) is not None]
    if len(named) == 1:
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
    # A new incident is worth stating only when the text gives its victim, its kind and its time:
    # anything vaguer ("Chinese hackers targeted ...", "counter-ransomware efforts") gets an id
    # no other source would give it, and says less than the claims already kept above.
    incs = [i for i in incs if kb_get(kb, i.incident) is not None
            or (i.victim and i.type and i.date and i.incident not in weak)]
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


def _add(inc: Incident, att: Attribution) -> None:
    key = (att.accused, att.claimant, att.certainty, att.via)
    if len(inc.attributions) < MAX_SPANS and all((a.accused, a.claimant, a.certainty, a.via) != key for a in inc.attributions):
        inc.attributions.append(att)


# --- readings of a sentence ------------------------------------------------------------------

def _sentence_type(text: str, s: Span, near: int | None = None) -> str | None:
    """The incident type the sentence names (the cue nearest `near` when several)."""
    best: tuple[int, str] | None = None
    for typ, rx in TYPE_CUES:
        m = rx.search(text, s.start, s.end)
        if m:
            if near is None:
                return typ
            d = abs(m.start() - near)
            if best is None or d < best[0]:
                best = (d, typ)
    return best[1] if best else None


def _versus_hits(doc: Document, kb: Any, s: Span, states: list[M]) -> list[Hit]:
    """"Russia v. Estonia and Russia v. Georgia ... in 2007 and 2008 respectively".

    The sides are read from the text around each "v." (a state mention there, or a state's
    name), because the mentions stage may have covered "Russia v. Estonia" with one
    incident mention and left no state mentions inside it.
    """
    text = doc.text
    pairs: list[tuple[str, str, int, int]] = []  # accused, victim, start, end
    for vm in VS_TOKEN.finditer(text, s.start, s.end):
        left = _side(text, kb, states, vm.start(), s.start, before=True)
        right = _side(text, kb, states, vm.end(), s.end, before=False)
        if left and right and left[0] != right[0]:
            pairs.append((left[0], right[0], left[1], right[1]))
    if not pairs:
        return []
    years = find_dates(text, s.start, s.end)
    typ = _sentence_type(text, s)
    respectively = bool(RESPECTIVELY.search(text, s.start, s.end))
    hits: list[Hit] = []
    for k, (acc, vic, a, b) in enumerate(pairs):
        if respectively and len(years) == len(pairs):
            year = years[k].iso[:4]
        elif len(years) == 1:
            year = years[0].iso[:4]
        else:
            later = [d for d in years if d.start >= b]  # the nearest year after the pair
            year = later[0].iso[:4] if later else None
        hit = _match_or_new(kb, vic, year, typ, Span(a, b), s)
        if hit is None:
            continue
        hit.accused.append((acc, None))
        hits.append(hit)
    return hits


VS_TOKEN = re.compile(r"\s(?:v\.|vs\.?|versus)\s")
_CAP_BEFORE = re.compile(r"((?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*)$")
_CAP_AFTER = re.compile(r"^([A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3})")


def _side(text: str, kb: Any, states: list[M], pos: int, bound: int, before: bool) -> tuple[str, int] | None:
    """The state named right before (or after) a "v." at `pos`, with the far end of its name."""
    for m in states:
        if before and m.end <= pos and not text[m.end:pos].strip():
            return m.id, m.start
        if not before and m.start >= pos and not text[pos:m.start].strip():
            return m.id, m.end
    if before:
        seg = text[max(bound, pos - 50):pos]
        m = _CAP_BEFORE.search(seg)
        words = m.group(1).split() if m else []
        for k in range(len(words)):
            name = " ".join(words[k:])
            sid = _state_names(kb).get(name)
            if sid:
                return sid, pos - len(name)
    else:
        seg = text[pos:min(bound, pos + 50)]
        m = _CAP_AFTER.match(seg)
        words = m.group(1).split() if m else []
        for k in range(len(words), 0, -1):
            name = " ".join(words[:k]).rstrip(".,;")
            sid = _state_names(kb).get(name)
            if sid:
                return sid, pos + len(name)
    return None


def _state_names(kb: Any) -> dict[str, str]:
    """State names and aliases -> id, from the KB's surface forms (cached per KB)."""
    cache = kb_cache(kb)
    if "state_names" not in cache:
        names: dict[str, str] = {}
        try:
            for f in kb.surface_forms():
                if f.kind == "state" and f.how in ("name", "alias", "abbreviation"):
                    names.setdefault(f.text, f.id)
        except Exception:  # noqa: BLE001 - a partial KB has no forms yet
            pass
        for rec in records(kb, "state"):
            if rec.get("name"):
                names.setdefault(rec["name"], rec["id"])
        cache["state_names"] = names
    return cache["state_names"]


def _cue_hits(doc: Document, kb: Any, s: Span, states: list[M], groups: list[M], orgs: list[M] = ()) -> list[Hit]:
    """An attack cue with a victim in a victim slot, and a year or a named perpetrator.

    Incident descriptions often give no year in the sentence ("Chinese threat actors
    targeted the Belgian ministry"): when a perpetrator is named, the document's own date
    supplies the year.
    """
    text = doc.text
    cue = ATTACK.search(text, s.start, s.end)
    if not cue:
        return []
    victims = [m for m in states if _victim_slot(text, m)]
    accused = {m.id for m in states if is_accused(text, m)}
    perpetrator = bool(accused) or any(group_state(kb, g.id)[0] for g in groups) or any(
        _org_state(kb, m.id) and is_accused(text, m) for m in orgs)
    if victims:
        vic = victims[0]
        typ = _sentence_type(text, s, vic.start)
        years = find_dates(text, s.start, s.end)
        span = Span(min(cue.start(), vic.start), max(cue.end(), vic.end))
        if years:
            year = min(years, key=lambda d: abs(d.start - vic.start)).iso[:4]
            hit = _match_or_new(kb, vic.id, year, typ, span, s, allow_new=typ is not None)
            return [hit] if hit else []
        dy = doc_year(doc)
        if dy and RELATIVE_TIME.search(text, s.start, s.end):
            # "Last July, Albania was the target of a cyberattack": only a KB incident of that year
            for y in (dy, dy - 1):
                hit = _match_or_new(kb, vic.id, str(y), typ, span, s, allow_new=False)
                if hit:
                    return [hit]
    if not perpetrator:
        return []
    # A named perpetrator makes it an incident report even without a strict victim slot —
    # but only where a document tells one incident (a short description, or the lead of a
    # news report): in a long analysis every passing "Chinese hackers" would become one.
    if not _in_lead(doc, s):
        return []
    in_slot = bool(victims)
    if not victims:
        victims = [m for m in states if m.id not in accused and not _is_origin(text, m)]
    vic_id = victims[0].id if victims else None
    typ = _sentence_type(text, s, victims[0].start if victims else cue.start())
    span = Span(cue.start(), cue.end()) if not victims else Span(min(cue.start(), victims[0].start),
                                                                  max(cue.end(), victims[0].end))
    years = find_dates(text, s.start, s.end)
    year = years[0].iso[:4] if years else ((doc.meta.published or "")[:4] or None)
    if vic_id is None:
        # one unnamed incident per document: what a description of one operation tells
        typ = None
        year = (doc.meta.published or "")[:4] or None
    # a state merely named beside the perpetrator ("believed to be Iran that targets ...") may be
    # anything: it can pick a KB incident, but a new incident needs a victim the text marks as one
    hit = _match_or_new(kb, vic_id, year, typ, span, s, allow_new=True, need_year=False)
    if hit and not in_slot:
        hit.weak = True
    return [hit] if hit else []


def doc_year(doc: Document) -> int | None:
    """The year a document was written: its date, else the latest plausible year its text names."""
    pub = (doc.meta.published or "")[:4]
    if pub.isdigit():
        return int(pub)
    m = _GA_SESSION.search(doc.text[:20_000])
    if m:  # "the seventy-seventh session" of the General Assembly opened in 1945 + 77
        n = _ORDINALS.get(m.group(1).lower().replace(" ", "-"))
        if n:
            return 1945 + n
    # collections often date their files by name ("ALB_77_2022.txt", "2021-07-19-statement.html")
    m = _NAME_YEAR.search(os.path.basename(doc.source or ""))
    if m:
        return int(m.group(1))
    ys = [d.year for d in find_dates(doc.text[:200_000]) if 1990 <= d.year <= 2035]
    return max(ys) if ys else None


_TENS = {"fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80}
_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9}
_ORDINALS = dict(_TENS)
_ORDINALS.update({f"{t[:-4]}y-{u}": v + w for t, v in _TENS.items() for u, w in _UNITS.items()})
_ORDINALS = {k.replace("fiftiy", "fifty").replace("sixtiy", "sixty").replace("seventiy", "seventy")
             .replace("eightiy", "eighty"): v for k, v in _ORDINALS.items()}
_GA_SESSION = re.compile(r"\b((?:fift|sixt|sevent|eight)(?:ieth|y[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)))"
                         r" session\b", re.I)
_NAME_YEAR = re.compile(r"(?:^|[_-])((?:19|20)\d\d)(?=[_.-]|$)")


LEAD_CHARS = 4000  # a document this short, or this much of a longer one, tells its main incident


def _in_lead(doc: Document, s: Span) -> bool:
    return len(doc.text) <= LEAD_CHARS or s.start < _lead_end(doc)


def _lead_end(doc: Document) -> int:
    """Where the lead ends: the first three body paragraphs, or LEAD_CHARS at most."""
    paras = [p for p in doc.paragraphs if p.end - p.start > 120][:3]
    return min(LEAD_CHARS, paras[-1].end) if paras else LEAD_CHARS // 2


def _doer_inside(text: str, states: list[M], m: M) -> bool:
    """An inferred incident mention whose state (at its start) stands in the slot of the accused."""
    return any(m.start <= st.start < m.end and is_accused(text, st) for st in states)


def _is_origin(text: str, m: M) -> bool:
    """"an Israel-based company", "Russian-speaking": where someone is from, not a victim."""
    return bool(re.match(r"[- ](?:based|speaking|made|owned|headquartered)\b", text[m.end:m.end + 16]))


def _victim_slot(text: str, m: M) -> bool:
    if is_accused(text, m):
        return False
    if VICTIM_BEFORE.search(text[max(0, m.start - 60):m.start]):
        return True
    if VICTIM_AFTER.match(text[m.end:m.end + 60]):
        return True
    return m.how in ("adjective", "demonym", "name") and bool(VICTIM_NOUN_AFTER.match(text[m.end:m.end + 40]))


def _kb_incidents(kb: Any) -> list[dict]:
    return records(kb, "incident")


def _match_or_new(kb: Any, victim: str | None, year: str | None, typ: str | None, span: Span, s: Span,
                  allow_new: bool = True, need_year: bool = True) -> Hit | None:
    """A KB incident with this victim and year (and type, when both say), else a new incident."""
    best = None
    # without a year, "an attack on the US" could be any of a dozen KB incidents: match none
    for rec in _kb_incidents(kb) if victim and year else []:
        if victim not in (rec.get("victims") or []):
            continue
        start = str(rec.get("start") or "")
        if year and not start.startswith(year):
            continue
        if typ and rec.get("type") and rec.get("type") != typ and typ != "data-theft":
            continue
        if best is not None:
            # two KB incidents fit "an attack on the US in 2021" and nothing tells which: neither
            best = None
            break
        best = rec
    if best is not None:
        return Hit(best["id"], victim, best.get("type") or typ, str(best.get("start") or "") or year, best.get("name"), span, s)
    if not allow_new or (need_year and not (year and typ)):
        return None
    parts = [p for p in (state_slug(kb, victim) if victim else "unknown-victim", year, typ) if p]
    vid = "incident:" + "-".join(parts)
    return Hit(vid, victim, typ, year, None, span, s)


# A cyber word in the sentence: a KB keyword ("Kyiv", "COVID-19") beside "attacks" or "campaign"
# names the incident only in a sentence about cyber operations.
CYBER = re.compile(r"\b(?:cyber\w*|hack\w*|malware|ransomware|wiper|DDoS|denial[- ]of[- ]service|breach\w*|intrusions?|"
                   r"espionage|(?:spear-?)?phishing|exploit\w*|vulnerabilit\w+|zero-days?|spyware|backdoors?|leak\w*|"
                   r"servers?|networks?|computers?|data)\b", re.I)
# Attack nouns that name nothing cyber on their own: a keyword beside them needs a cyber sentence.
_VAGUE_NOUN = re.compile(r"\b(?:campaigns?|incident)\b|\b(?:missile|rocket|drone|air|artillery|military|terrorist|armed)\s+"
                         r"(?:\w+\s+)?(?:attacks?|strikes?)\b", re.I)
# A KB incident's distinctive word next to an attack noun names it: "the Microsoft Exchange
# hacking campaign", "its attack on software company SolarWinds", "vulnerabilities in Exchange Server".
_KW_ATTACK_AFTER = re.compile(
    r"(?:[’']s)?\s+(?:[\w-]+\s+){0,2}?(?:hack\w*|(?:cyber-?\s?)?attacks?|breach\w*|compromises?|campaigns?|intrusions?|"
    r"exploitation|zero-days?|vulnerabilit\w+|incident)\b", re.I)
_KW_ATTACK_BEFORE = re.compile(
    r"\b(?:hack\w*|(?:cyber-?\s?)?attacks?|breach\w*|compromise[sd]?|campaigns?|intrusions?|exploit\w*|vulnerabilit\w+|"
    r"zero-days?)\s+(?:of|on|against|in|into|targeting)\s+(?:[\w-]+\s+){0,3}?$", re.I)


def _keyword_table(kb: Any) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex over the distinctive aliases and keywords of KB incidents, and form -> incident id.

    A form shared by two incidents ("DDoS", "ransomware"), a state's name ("Estonia") or
    another entity's name ("FireEye", "Google") names no one incident: left out.
    """
    cache = kb_cache(kb)
    if "incident_keywords" in cache:
        return cache["incident_keywords"]
    others: dict[str, set[str]] = {n: {i} for n, i in _state_names(kb).items()}
    try:
        for sf in kb.surface_forms():
            if sf.kind != "incident":
                others.setdefault(sf.text, set()).add(sf.id)
    except Exception:  # noqa: BLE001 - a partial KB has no forms yet
        pass
    owners: dict[str, set[str]] = {}
    aliases: set[str] = set()
    for rec in _kb_incidents(kb):
        victims = set(rec.get("victims") or [])
        aliases.update(str(f).strip() for f in rec.get("aliases") or [])
        for f in list(rec.get("aliases") or []) + list(rec.get("keywords") or []):
            f = str(f).strip()
            # another entity's name names this incident only when it is the incident's own victim company
            if len(f) >= 4 and f[:1].isupper() and others.get(f, set()) <= victims - {i for i in victims if i.startswith("state:")}:
                owners.setdefault(f, set()).add(rec["id"])
    forms = {f: ids.pop() for f, ids in owners.items() if len(ids) == 1}
    rx = None
    if forms:
        alt = "|".join(re.escape(f).replace(r"\ ", " ").replace(" ", r"\s+") for f in sorted(forms, key=len, reverse=True))
        rx = re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])")
    cache["incident_keywords"] = (rx, forms)
    cache["incident_keyword_only"] = {f for f in forms if f not in aliases}
    return rx, forms


def _keyword_hits(kb: Any, text: str, s: Span) -> list[Hit]:
    rx, forms = _keyword_table(kb)
    if rx is None:
        return []
    years = {d.year for d in find_dates(text, s.start, s.end)}
    out: list[Hit] = []
    for m in rx.finditer(text, s.start, s.end):
        iid = forms.get(re.sub(r"\s+", " ", m.group(0)))
        if not iid or any(h.incident == iid for h in out):
            continue
        after = _KW_ATTACK_AFTER.match(text, m.end(), min(s.end, m.end() + 40))
        before = _KW_ATTACK_BEFORE.search(text[max(s.start, m.start() - 60):m.start()])
        if not (after or before):
            continue
        cue = (after or before).group(0)
        if m.group(0) in kb_cache(kb).get("incident_keyword_only", ()) and _VAGUE_NOUN.search(cue) \
                and not CYBER.search(text, s.start, s.end):
            continue  # "a vaccination campaign against COVID-19", "missile attacks on Kyiv": not that incident

        rec = kb_get(kb, iid) or {}
        start = str(rec.get("start") or "")[:4]
        if years and start.isdigit() and not any(abs(y - int(start)) <= 2 for y in years):
            continue  # "the 2023 Exchange Server flaw" is not the 2021 incident
        out.append(_kb_hit(kb, iid, Span(m.start(), m.end()), s))
    return out


MAX_VICTIM_STATES = 3  # a KB incident against more states than this is a campaign with no one victim


def _kb_hit(kb: Any, iid: str, span: Span, s: Span) -> Hit:
    rec = kb_get(kb, iid) or {}
    victims = rec.get("victims") or [None]
    # naming the first of four victim states would be a guess; the contract says null, not guessed
    victim = victims[0] if sum(1 for v in victims if str(v).startswith("state:")) <= MAX_VICTIM_STATES else None
    return Hit(iid, victim, rec.get("type"), str(rec.get("start") or "") or None, rec.get("name"), span, s)


# --- attribution -------------------------------------------------------------------------------

def _statement_speaker(doc: Document, s: Span) -> str | None:
    for st in doc.statements:
        if st.span.overlaps(s) and st.speaker:
            return st.affiliation or st.speaker
    return None


def _without_other_organs(kb: Any, text: str, s: Span, orgs: list[M], accused: str) -> str:
    """The sentence with other states' agencies blanked: "the NSA issued an advisory on Chinese
    hackers" names a US organ as the claimant, not China's channel."""
    sent = text[s.start:s.end]
    for m in orgs:
        st = _org_state(kb, m.id)
        if st and st != accused and s.start <= m.start and m.end <= s.end:
            a, b = m.start - s.start, m.end - s.start
            sent = sent[:a] + " " * (b - a) + sent[b:]
    return sent


def _verb_pos(text: str, s: Span) -> int:
    """Where the sentence's verb of attribution starts (its end when it has none)."""
    m = ATTRIB_VERB.search(text, s.start, s.end)
    return m.start() if m else s.end


def _governmental(kb: Any, who: str) -> bool:
    """A state, a government agency or an intergovernmental body: who can attribute formally."""
    if who.startswith("state:"):
        return True
    rec = kb_get(kb, who) or {}
    return rec.get("kind") in ("government-agency", "igo", "un-body") or (
        rec.get("state") is not None and rec.get("kind") != "company")


def _org_state(kb: Any, org_id: str) -> str | None:
    """The state a government agency belongs to (org:gru -> state:RUS), else None."""
    rec = kb_get(kb, org_id) or {}
    return rec.get("state") if rec.get("kind") == "government-agency" else None


def _attributions(doc: Document, kb: Any, h: Hit, s: Span, states: list[M], groups: list[M],
                  orgs: list[M] = (), doc_states: frozenset[str] | None = None,
                  doc_accused: frozenset[str] = frozenset()) -> list[Attribution]:
    text = doc.text
    sent = text[s.start:s.end]
    accused: list[tuple[str, str | None]] = list(h.accused)
    victim_orgs = {v for v in (kb_get(kb, h.incident) or {}).get("victims") or [] if str(v).startswith("org:")}
    # "the SolarWinds breach that has since been attributed to ...": the company names the incident, it is
    # not the one attributing it
    claim_ms = [m for m in list(states) + list(orgs) if is_claimant(text, m, s.start)
                and not (m.kind == "org" and (m.id in victim_orgs or INCIDENT_NOUN_AFTER.match(text, m.end)))]
    # "Ukraine, the United States and the United Kingdom attributed ...": every one of them claims it
    both = sorted(list(states) + list(orgs), key=lambda m: m.start)
    for c in list(claim_ms):
        idx = next((i for i, m in enumerate(both) if m is c), None)
        if idx is not None:
            for m in coordinated(text, both, idx):
                if m not in claim_ms:
                    claim_ms.append(m)
    claimants: list[str] = []
    for m in claim_ms:
        cid = (_org_state(kb, m.id) or m.id) if m.kind == "org" else m.id
        if cid not in claimants:
            claimants.append(cid)
    for g in groups:
        st, cat = group_state(kb, g.id)
        if st and doc_states is not None and st not in doc_states and doc_accused - {st}:
            # the KB ties the group to a state the text never names, while the text blames another:
            # the text's own claim stands (a group's KB link can postdate or differ from the report)
            continue
        if st:
            accused.append((st, cat))
    for m in orgs:
        st = _org_state(kb, m.id)
        if st and m not in claim_ms and is_accused(text, m):
            accused.append((st, "state-organ"))
    for m in states:
        if m.id == h.victim or m in claim_ms:
            continue
        if is_accused(text, m):
            # "carried out by the Islamic Republic of Iran": the state itself is named as the doer
            agent = STATE_AGENT.search(text[max(s.start, m.start - 40):m.start]) or STATE_BODY.match(text, m.end)
            accused.append((m.id, AGENT if agent else None))
    cert = certainty(sent)
    if not accused and cert == "denied":
        # "Russia denied any role in ...": the one denying is the one accused
        accused = [(c, None) for c in claimants if c.startswith("state:")]
        claimants = []
    # the victim does not attack itself (a victim's own agency named in the sentence is its responder)
    accused = [(a, c) for a, c in accused if a != h.victim]
    if not accused:
        return []
    speaker = _statement_speaker(doc, s)
    if not speaker and not claimants and doc.meta.speaker:
        speaker = doc.meta.speaker  # a speech's own voice makes the claim
    who_all: list[str | None] = [speaker] if speaker else (claimants or [None])
    out: list[Attribution] = []
    seen: set[tuple[str, str | None]] = set()
    for acc, cat in accused:
        for who in who_all:
            if who == acc and cert != "denied":
                continue
            c = cert
            if cert == "denied":
                who = acc  # the accused denies it
            elif cert == "official" and who is None and not GOV_SUBJECT.search(text, s.start, _verb_pos(text, s)):
                c = "alleged"  # no government is named as making it
            elif cert == "official" and who and not _governmental(kb, who):
                c = "alleged"  # a company's or researcher's attribution is not a government's formal one
            elif cert == "alleged" and who and who == doc.meta.speaker and who.startswith("state:"):
                c = "official"  # a government's own speech or statement is a formal attribution
            if (acc, who) in seen:
                continue
            seen.add((acc, who))
            via = channel(_without_other_organs(kb, text, s, orgs, acc), None if cat == AGENT else cat)
            if cat == AGENT and via in ("state-sponsored-proxy", "unknown"):
                via = "state-organ"
            out.append(Attribution(acc, who, c, via, s))
    return out


__all__ = ["extract_incidents", "find_incidents", "slugify"]
