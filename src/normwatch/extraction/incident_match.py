"""Matching incident readings to the knowledge base: KB incidents by victim and year, by keyword, by "X v. Y".

Why apart from the stage: these functions decide an incident's identity (a KB id, or a new
`incident:<victim>-<year>-<type>` slug) from the KB's own fields (`victims`, `start`, `type`,
`aliases`, `keywords`), so they work for any incident added to the KB later.
The KB-wide tables (keyword regex, state names) are built once per KB and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .cues import M, find_dates, kb_cache, kb_get, records, state_slug
from .incident_cues import (
    CYBER_SENTENCE,
    KW_ATTACK_AFTER,
    KW_ATTACK_BEFORE,
    RESPECTIVELY,
    VAGUE_NOUN,
    sentence_type,
)
from ..model import Document, Span

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
    accusation: bool = False  # read from a perpetrator's attack on an identifiable victim (no time needed)

def versus_hits(doc: Document, kb: Any, s: Span, states: list[M]) -> list[Hit]:
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
    typ = sentence_type(text, s)
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
        hit = match_or_new(kb, vic, year, typ, Span(a, b), s)
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
            sid = state_names(kb).get(name)
            if sid:
                return sid, pos - len(name)
    else:
        seg = text[pos:min(bound, pos + 50)]
        m = _CAP_AFTER.match(seg)
        words = m.group(1).split() if m else []
        for k in range(len(words), 0, -1):
            name = " ".join(words[:k]).rstrip(".,;")
            sid = state_names(kb).get(name)
            if sid:
                return sid, pos + len(name)
    return None


def state_names(kb: Any) -> dict[str, str]:
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

def kb_incidents(kb: Any) -> list[dict]:
    return records(kb, "incident")


def match_or_new(kb: Any, victim: str | None, year: str | None, typ: str | None, span: Span, s: Span,
                  allow_new: bool = True, need_year: bool = True) -> Hit | None:
    """A KB incident with this victim and year (and type, when both say), else a new incident."""
    best = None
    # without a year, "an attack on the US" could be any of a dozen KB incidents: match none
    for rec in kb_incidents(kb) if victim and year else []:
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

def keyword_table(kb: Any) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex over the distinctive aliases and keywords of KB incidents, and form -> incident id.

    A form shared by two incidents ("DDoS", "ransomware"), a state's name ("Estonia") or
    another entity's name ("FireEye", "Google") names no one incident: left out.
    """
    cache = kb_cache(kb)
    if "incident_keywords" in cache:
        return cache["incident_keywords"]
    others: dict[str, set[str]] = {n: {i} for n, i in state_names(kb).items()}
    try:
        for sf in kb.surface_forms():
            if sf.kind != "incident":
                others.setdefault(sf.text, set()).add(sf.id)
    except Exception:  # noqa: BLE001 - a partial KB has no forms yet
        pass
    owners: dict[str, set[str]] = {}
    aliases: set[str] = set()
    for rec in kb_incidents(kb):
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


def keyword_hits(kb: Any, text: str, s: Span) -> list[Hit]:
    rx, forms = keyword_table(kb)
    if rx is None:
        return []
    years = {d.year for d in find_dates(text, s.start, s.end)}
    out: list[Hit] = []
    for m in rx.finditer(text, s.start, s.end):
        iid = forms.get(re.sub(r"\s+", " ", m.group(0)))
        if not iid or any(h.incident == iid for h in out):
            continue
        after = KW_ATTACK_AFTER.match(text, m.end(), min(s.end, m.end() + 40))
        before = KW_ATTACK_BEFORE.search(text[max(s.start, m.start() - 60):m.start()])
        if not (after or before):
            continue
        cue = (after or before).group(0)
        if m.group(0) in kb_cache(kb).get("incident_keyword_only", ()) and VAGUE_NOUN.search(cue) \
                and not CYBER_SENTENCE.search(text, s.start, s.end):
            continue  # "a vaccination campaign against COVID-19", "missile attacks on Kyiv": not that incident

        rec = kb_get(kb, iid) or {}
        start = str(rec.get("start") or "")[:4]
        if years and start.isdigit() and not any(abs(y - int(start)) <= 2 for y in years):
            continue  # "the 2023 Exchange Server flaw" is not the 2021 incident
        out.append(kb_hit(kb, iid, Span(m.start(), m.end()), s))
    return out


MAX_VICTIM_STATES = 3  # a KB incident against more states than this is a campaign with no one victim


def kb_hit(kb: Any, iid: str, span: Span, s: Span) -> Hit:
    rec = kb_get(kb, iid) or {}
    victims = rec.get("victims") or [None]
    # naming the first of four victim states would be a guess; the contract says null, not guessed
    victim = victims[0] if sum(1 for v in victims if str(v).startswith("state:")) <= MAX_VICTIM_STATES else None
    return Hit(iid, victim, rec.get("type"), str(rec.get("start") or "") or None, rec.get("name"), span, s)
