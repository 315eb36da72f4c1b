"""Which commitments an incident touches, who was bound by them at the time, and under which condition.

    normwatch assess incident:estonia-2007 [--as-of DATE] [--format text|json]

For an incident and each attribution hypothesis on record (accused × channel × certainty):

1. the incident's facts (type, sectors, effects, channel) give a set of topic tags;
2. every provision of every instrument carrying one of those tags is a candidate;
3. for each, who was bound at the incident date (or `as_of`): parties, sponsors and
   endorsers by date; an instrument adopted later is marked "later instrument", never a breach;
4. the condition under which the provision reaches the accused: direct-conduct provisions
   need a state organ or a proxy under the state's control; for patriotic hackers or criminals
   only the territorial state's due-diligence and cooperation duties apply;
5. a one-line rationale citing the provision.

It is an analysis aid over the knowledge base, not a legal verdict, and every output says so.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

DISCLAIMER = ("Analysis aid generated from the normwatch knowledge base: it lists commitments the recorded facts "
              "touch and who was bound by them; it is not a legal verdict on responsibility.")

# Tags whose provisions govern a state's own conduct (need state organ / controlled proxy to reach it).
DIRECT_TAGS = {"critical-infrastructure", "use-of-force", "non-intervention", "sovereignty", "cert-protection",
               "supply-chain", "ict-restraint", "state-responsibility", "election-integrity", "arms-control",
               "vulnerability-disclosure"}
# Tags whose provisions are duties of the state where the activity originates, whoever carried it out.
TERRITORIAL_TAGS = {"due-diligence"}
COOPERATION_TAGS = {"mutual-assistance", "international-cooperation", "information-sharing", "data-preservation",
                    "extradition", "procedural-powers"}
CRIMINAL_LAW_TAGS = {"criminalisation"}

TYPE_TAGS = {
    "ddos": {"criminalisation", "critical-infrastructure"},
    "sabotage": {"criminalisation", "critical-infrastructure", "use-of-force", "non-intervention"},
    "wiper": {"criminalisation", "critical-infrastructure", "use-of-force"},
    "ransomware": {"criminalisation", "critical-infrastructure"},
    "espionage": {"criminalisation", "sovereignty"},
    "data-theft": {"criminalisation", "sovereignty"},
    "defacement": {"criminalisation"},
    "supply-chain": {"criminalisation", "supply-chain", "vulnerability-disclosure"},
    "influence": {"non-intervention", "election-integrity"},
}
# Every incident engages the duties owed whoever acted: due diligence and cooperation.
ALWAYS_TAGS = {"due-diligence", "mutual-assistance", "international-cooperation"}
CI_SECTORS = {"energy", "power", "electricity", "finance", "banking", "health", "healthcare", "government",
              "telecommunications", "telecom", "transport", "water", "elections", "emergency-services", "satellite",
              "critical-infrastructure", "oil", "gas", "pipeline", "nuclear"}
BOUND_ACTIONS = {"ratified", "acceded", "joined"}
POLITICAL_ACTIONS = {"sponsored", "endorsed", "welcomed", "voted-for", "signed"}
RESPONSIBLE_CHANNELS = {"state-organ", "state-sponsored-proxy"}


@dataclass
class Line:
    instrument: str
    instrument_name: str
    provision: str
    heading: str | None
    topics: list[str]
    duty: str  # direct | due-diligence | cooperation | criminal-law
    later_instrument: bool
    accused_status: str
    victim_status: str
    applies: bool
    condition: str
    met: bool
    rationale: str


@dataclass
class Hypothesis:
    accused: str | None
    via: str
    certainty: str
    claimant: str | None
    lines: list[Line] = field(default_factory=list)


def _date(rec: dict, *keys: str) -> str | None:
    for k in keys:
        v = rec.get(k)
        if v:
            return str(v)
    return None


def incident_tags(incident: dict) -> set[str]:
    tags = set(ALWAYS_TAGS)
    tags |= TYPE_TAGS.get(incident.get("type") or "", {"criminalisation"})
    sectors = {str(s).lower() for s in incident.get("sectors") or []}
    if sectors & CI_SECTORS:
        tags.add("critical-infrastructure")
    if {"cert", "csirt", "incident-response"} & sectors:
        tags.add("cert-protection")
    effects = set(incident.get("effects") or [])
    if "destruction" in effects:
        tags |= {"use-of-force", "critical-infrastructure"}
    return tags


# For criminal-law provisions, the offences an incident type is made of (matched in heading or summary).
TYPE_OFFENCES = {
    "ddos": r"system interference|misuse of devices|attempt|aiding",
    "sabotage": r"data interference|system interference|attempt|misuse of devices",
    "wiper": r"data interference|system interference|attempt|misuse of devices",
    "ransomware": r"data interference|system interference|fraud|extortion|attempt|misuse of devices",
    "espionage": r"illegal access|interception|attempt|misuse of devices",
    "data-theft": r"illegal access|interception|attempt|misuse of devices",
    "defacement": r"illegal access|data interference",
    "supply-chain": r"illegal access|data interference|system interference|misuse of devices",
}


def duty_of(topics: set[str]) -> str:
    """What kind of duty a provision states, from all its topic tags (precedence: most specific first)."""
    if topics & CRIMINAL_LAW_TAGS:
        return "criminal-law"
    if topics & TERRITORIAL_TAGS:
        return "due-diligence"
    if topics & COOPERATION_TAGS and not topics & (DIRECT_TAGS - {"critical-infrastructure"}):
        return "cooperation"
    if topics & DIRECT_TAGS:
        return "direct"
    return "cooperation"


def offence_fits(prov: dict, incident_type: str | None) -> bool:
    pattern = TYPE_OFFENCES.get(incident_type or "")
    if not pattern:
        return True
    return bool(re.search(pattern, f"{prov.get('heading') or ''} {prov.get('summary') or ''}", re.I))


def status_at(kb, actor: str | None, instrument: dict, when: str | None) -> str:
    """How `actor` stood towards the instrument on `when`: party, signatory, sponsor, endorser, welcomed-by-GA, none."""
    if not actor:
        return "unknown"
    rec = kb.status(actor, instrument["id"], as_of=when)
    if rec:
        action = rec["action"]
        return {"ratified": "party", "acceded": "party", "joined": "party", "signed": "signatory",
                "sponsored": "sponsor", "endorsed": "endorser"}.get(action, action)
    # A report the General Assembly welcomed speaks to every member state, politically.
    for sub in kb.subscriptions(instrument=instrument["id"]):
        if sub["actor"] == "org:un-general-assembly" and (not when or not sub.get("date") or sub["date"] <= when):
            member = kb.get(actor) or {}
            if member.get("status") == "member":
                return "welcomed-by-GA"
    return "none"


def _bound_phrase(status: str) -> str:
    return {"party": "a party", "signatory": "a signatory (not bound to perform)", "sponsor": "a sponsor",
            "endorser": "an endorser", "welcomed-by-GA": "a UN member (report welcomed by the General Assembly)",
            "none": "not a subscriber", "unknown": "unknown"}.get(status, status)


def _condition(duty: str, via: str) -> tuple[bool, str]:
    if duty == "direct":
        ok = via in RESPONSIBLE_CHANNELS
        return ok, ("reaches the accused state directly only if the operators were a state organ or a proxy under its "
                    "control" + ("; the hypothesis says so" if ok else f"; the hypothesis says '{via}', so it does not"))
    if duty == "due-diligence":
        return True, "applies to the state from whose territory the activity came, whoever carried it out"
    if duty == "criminal-law":
        return True, "a duty to criminalise and prosecute the conduct, owed by parties whatever the channel"
    return True, "a duty to cooperate and assist, owed whatever the channel"


def assess_incident(kb, incident_id: str, as_of: str | None = None, incident: dict | None = None,
                    claims: list[dict] | None = None) -> dict[str, Any]:
    """Assessment of one incident (a KB record, or `incident` given as a dict in the KB's incident shape).

    `claims` are attribution claims read from documents ({accused, via, certainty, claimant}, as the
    store keeps them): each is a hypothesis beside those the KB records.

    Returns a dict: incident facts, the date used, the implicated tags, one block per attribution
    hypothesis with its lines, and the disclaimer. See docs/assessment.md for the schema.
    """
    inc = incident or kb.get(incident_id)
    if inc is None:
        raise KeyError(f"unknown incident {incident_id!r}; try `normwatch kb list incident`")
    when = as_of or _date(inc, "start", "date")
    tags = incident_tags(inc)
    victim = (inc.get("victims") or [None])[0]
    hyps = [Hypothesis(a.get("accused"), a.get("via") or "unknown", a.get("certainty") or "suspected",
                       a.get("claimant")) for a in [*(inc.get("attributions") or []), *(claims or [])]
            if not a.get("accused") or str(a.get("accused")).startswith("state:")]
    # Claims that repeat the same accused and channel differ only in who said it: assess once, keep claimants.
    seen: dict[tuple, Hypothesis] = {}
    for h in hyps:
        if h.certainty == "denied":
            continue
        seen.setdefault((h.accused, h.via), h)
    hyps = list(seen.values()) or [Hypothesis(None, "unknown", "suspected", None)]

    for instrument in sorted(kb.records("instrument"), key=lambda r: _date(r, "adopted", "opened") or ""):
        adopted = _date(instrument, "opened", "adopted")
        later = bool(when and adopted and adopted > when)
        for prov in instrument.get("provisions") or []:
            ptags = set(prov.get("topics") or []) & tags
            if not ptags:
                continue
            duty = duty_of(set(prov.get("topics") or []))
            if duty == "criminal-law" and not offence_fits(prov, inc.get("type")):
                continue
            for h in hyps:
                acc = status_at(kb, h.accused, instrument, when)
                vic = status_at(kb, victim, instrument, when)
                applies, condition = _condition(duty, h.via)
                met = applies and not later and acc in {"party", "sponsor", "endorser", "welcomed-by-GA", "signatory"}
                h.lines.append(Line(
                    instrument=instrument["id"], instrument_name=instrument.get("name", instrument["id"]),
                    provision=str(prov.get("number")), heading=prov.get("heading"), topics=sorted(ptags), duty=duty,
                    later_instrument=later, accused_status=acc, victim_status=vic, applies=applies,
                    condition=condition, met=met,
                    rationale=_rationale(kb, instrument, prov, duty, later, adopted, h, acc, vic, victim, applies)))
    return {
        "incident": inc.get("id", incident_id),
        "name": inc.get("name"),
        "date": when,
        "victim": victim,
        "type": inc.get("type"),
        "topics": sorted(tags),
        "hypotheses": [{"accused": h.accused, "via": h.via, "certainty": h.certainty, "claimant": h.claimant,
                        "lines": [asdict(ln) for ln in h.lines]} for h in hyps],
        "disclaimer": DISCLAIMER,
    }


def _rationale(kb, instrument, prov, duty, later, adopted, h, acc, vic, victim, applies) -> str:
    cite = f"{instrument.get('name', instrument['id'])} {prov.get('number')}"
    if later:
        return f"{cite}: later instrument (from {adopted}); it cannot have been breached by this incident."
    who = kb.name(h.accused) if h.accused else "the unidentified perpetrator's state"
    parts = [f"{cite} ({prov.get('heading') or ', '.join(prov.get('topics') or [])}):"]
    parts.append(f"{who} was {_bound_phrase(acc)}; {kb.name(victim) if victim else 'the victim'} was {_bound_phrase(vic)}.")
    if duty == "direct" and not applies:
        parts.append(f"Direct responsibility needs a state organ or controlled proxy; on the '{h.via}' hypothesis only "
                     "due-diligence and cooperation duties reach the state.")
    elif duty == "due-diligence":
        parts.append("Due diligence: the territorial state should not knowingly allow such use of its territory.")
    elif duty == "cooperation":
        parts.append("Cooperation: requests for assistance and evidence should be answered.")
    elif duty == "criminal-law":
        parts.append("Parties must criminalise this conduct and be able to prosecute it.")
    return " ".join(parts)


def format_text(result: dict[str, Any], width: int = 80) -> str:
    import textwrap

    out = []
    for head in (f"{result['incident']} — {result.get('name') or ''}".strip(),
                 f"date {result.get('date')}, victim {result.get('victim')}, type {result.get('type')}",
                 "topics: " + ", ".join(result["topics"])):
        out += textwrap.wrap(head, width=width, subsequent_indent="  ")
    out.append("")
    for h in result["hypotheses"]:
        out += textwrap.wrap(f"Hypothesis: {h['accused'] or 'unknown'} via {h['via']} ({h['certainty']})",
                             width=width, subsequent_indent="  ")
        for ln in h["lines"]:
            mark = "later" if ln["later_instrument"] else ("applies" if ln["applies"] else "n/a")
            out.extend(textwrap.wrap(f"[{mark}] {ln['rationale']}", width=width, initial_indent="  ",
                                     subsequent_indent="      "))
        out.append("")
    out.extend(textwrap.wrap(result["disclaimer"], width=width))
    return "\n".join(out)
