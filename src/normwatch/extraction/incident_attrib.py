"""Attribution claims for one incident reading in one sentence: accused, claimant, certainty, channel.

Why apart from the stage: who is blamed and who says so are read from the same sentence with
the same slot cues (`attrib_cues`), whichever way the incident itself was found (KB name,
"X v. Y", attack cue, a back-reference in the next sentence).
"""

from __future__ import annotations

from typing import Any

from .attrib_cues import (ACCUSED_AFTER, FORMAL_BLAME, GROUP_VICTIM_BEFORE, certainty, channel, following, group_basis,
                          group_state, is_accused, is_claimant, superseded)
from .cues import M, coordinated, kb_get
from .incident_cues import AGENT, ATTRIB_VERB, GOV_SUBJECT, INCIDENT_NOUN_AFTER, STATE_AGENT, STATE_BODY, victim_slot
from .incident_match import Hit
from ..model import Attribution, Document, Span

def statement_speaker(doc: Document, s: Span) -> str | None:
    for st in doc.statements:
        if st.span.overlaps(s) and st.speaker:
            return st.affiliation or st.speaker
    return None


def without_other_organs(kb: Any, text: str, s: Span, orgs: list[M], accused: str) -> str:
    """The sentence with other states' agencies blanked: "the NSA issued an advisory on Chinese
    hackers" names a US organ as the claimant, not China's channel."""
    sent = text[s.start:s.end]
    for m in orgs:
        st = org_state(kb, m.id)
        if st and st != accused and s.start <= m.start and m.end <= s.end:
            a, b = m.start - s.start, m.end - s.start
            sent = sent[:a] + " " * (b - a) + sent[b:]
    return sent


def text_names(doc: Document, kb: Any, state: str) -> bool:
    """The document names the state itself, or one of its agencies ("Russian military intelligence")."""
    return any(m.kb_id == state or (m.kind == "org" and org_state(kb, m.kb_id) == state) for m in doc.mentions)


def verb_pos(text: str, s: Span) -> int:
    """Where the sentence's verb of attribution starts (its end when it has none)."""
    m = ATTRIB_VERB.search(text, s.start, s.end)
    return m.start() if m else s.end


def governmental(kb: Any, who: str) -> bool:
    """A state, a government agency or an intergovernmental body: who can attribute formally."""
    if who.startswith("state:"):
        return True
    rec = kb_get(kb, who) or {}
    return rec.get("kind") in ("government-agency", "igo", "un-body") or (
        rec.get("state") is not None and rec.get("kind") != "company")


def org_state(kb: Any, org_id: str) -> str | None:
    """The state a government agency belongs to (org:gru -> state:RUS), else None."""
    rec = kb_get(kb, org_id) or {}
    return rec.get("state") if rec.get("kind") == "government-agency" else None


def attributions(doc: Document, kb: Any, h: Hit, s: Span, states: list[M], groups: list[M],
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
    # "Monaco said" after "Deputy Attorney General Lisa Monaco": a person's surname, not the state
    surnames = {a.name.split()[-1] for a in doc.actors if a.kind == "person" and a.name and " " in a.name}
    claim_ms = [m for m in claim_ms if not (m.kind == "state" and text[m.start:m.end] in surnames)]
    claimants: list[str] = []
    for m in claim_ms:
        cid = (org_state(kb, m.id) or m.id) if m.kind == "org" else m.id
        if cid not in claimants:
            claimants.append(cid)
    actor_of: dict[str, str] = {}  # accused state -> the threat actor it came through
    stateless: dict[str, str | None] = {}  # named threat actors with no known state -> category
    for g in groups:
        if g.kind == "state":  # a back-reference to the state a short report accused before
            accused.append((g.id, None))
            continue
        if GROUP_VICTIM_BEFORE.search(text[max(s.start, g.start - 70):g.start]):
            continue  # "compromised the networks of the Dukes": the group was hit, not the doer
        st, cat = group_state(kb, g.id)
        if st and doc_states is not None and st not in doc_states and doc_accused - {st}:
            # the KB ties the group to a state the text never names, while the text blames another:
            # the text's own claim stands (a group's KB link can postdate or differ from the report)
            continue
        if st:
            accused.append((st, cat))
            actor_of.setdefault(st, g.id)
        elif g.id not in stateless:
            stateless[g.id] = cat  # a named group the KB ties to no state
    # "The Australian government launched cyberattacks against ... Australians", "Morocco's government used
    # Pegasus to target activists in Morocco": a state named as the subject doing it is a doer even where
    # its own people are the victims
    own = {m.id for m in states if m.id == h.victim and m not in claim_ms and not victim_slot(text, m)
           and ACCUSED_AFTER.match(following(text, m.end, 40)) and is_accused(text, m)}
    # "The FSB and the GRU have conducted ...": a doer's coordinated partners are doers too
    doers = [m for m in both if m not in claim_ms and (m.id != h.victim or m.id in own) and is_accused(text, m)]
    # (only a run that is the subject of the verb after it: in "Russia v. Estonia and Russia v. Georgia"
    # Estonia is no partner of the second Russia)
    partners = {id(p) for d in doers if ACCUSED_AFTER.match(text[d.end:d.end + 40])
                for p in coordinated(text, both, both.index(d)) if p.start < d.start}
    for m in orgs:
        st = org_state(kb, m.id)
        if st and m not in claim_ms and (m in doers or id(m) in partners):
            accused.append((st, "state-organ"))
    # "originally believed to be the work of Russian or North Korean actors, was later attributed to Iran"
    turn = superseded(text, s.start, s.end)
    for m in states:
        if (m.id == h.victim and m.id not in own) or m in claim_ms or (turn is not None and m.end <= turn):
            continue
        if m in doers or id(m) in partners:
            # "carried out by the Islamic Republic of Iran": the state itself is named as the doer
            agent = STATE_AGENT.search(text[max(s.start, m.start - 40):m.start]) or STATE_BODY.match(text, m.end)
            accused.append((m.id, AGENT if agent else None))
    cert = certainty(sent)
    if not accused and cert == "denied":
        # "Russia denied any role in ...": the one denying is the one accused
        accused = [(c, None) for c in claimants if c.startswith("state:")]
        claimants = []
    # the victim does not attack itself (a victim's own agency named in the sentence is its responder),
    # unless the text names the state itself as the doer
    accused = [(a, c) for a, c in accused if a != h.victim or a in own]
    if accused and len(stateless) == 1:
        # "DarkUniverse was a threat group affiliated with Russia": the one group named is the channel
        # of the state the text accuses
        only = next(iter(stateless))
        for a, _ in accused:
            actor_of.setdefault(a, only)
    elif not accused and cert != "denied":
        # an actor-only claim: a named threat actor with no known state is accused by itself
        # (accused null, the actor kept), so the claim and its incident are not lost
        return _actor_only(doc, kb, s, stateless, claimants, cert, orgs)
    if not accused:
        return []
    speaker = statement_speaker(doc, s)
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
            elif cert == "official" and who is None and not GOV_SUBJECT.search(text, s.start, verb_pos(text, s)):
                c = "alleged"  # no government is named as making it
            elif cert == "official" and who and not governmental(kb, who):
                c = "alleged"  # a company's or researcher's attribution is not a government's formal one
            elif cert == "alleged" and who and who == doc.meta.speaker and who.startswith("state:"):
                c = "official"  # a government's own speech or statement is a formal attribution
            elif cert == "alleged" and who and governmental(kb, who) and FORMAL_BLAME.search(sent):
                c = "official"  # "Denmark blamed Russia": a government blaming in public attributes formally
            if (acc, who) in seen:
                continue
            seen.add((acc, who))
            via = channel(without_other_organs(kb, text, s, orgs, acc), None if cat == AGENT else cat)
            if cat == AGENT and via in ("state-sponsored-proxy", "unknown"):
                via = "state-organ"
            # the state is the text's own word when the text names it anywhere; otherwise only the
            # KB's record of the named threat actor links them (a community assessment)
            basis = "text" if acc not in actor_of or text_names(doc, kb, acc) else group_basis(kb, actor_of[acc])
            out.append(Attribution(acc, who, c, via, s, actor_of.get(acc), basis))
    return out


def _actor_only(doc: Document, kb: Any, s: Span, stateless: dict[str, str | None], claimants: list[str],
                cert: str, orgs: list[M]) -> list[Attribution]:
    """Claims against named threat actors the KB ties to no state: accused null, the actor named."""
    text = doc.text
    speaker = statement_speaker(doc, s) or (doc.meta.speaker if not claimants else None)
    who_all: list[str | None] = [speaker] if speaker else (claimants or [None])
    out = []
    for gid, cat in stateless.items():
        for who in who_all:
            c = cert
            if cert == "official" and (who is None or not governmental(kb, who)):
                c = "alleged"  # no government is named as making it
            via = channel(without_other_organs(kb, text, s, orgs, ""), cat)
            out.append(Attribution(None, who, c, via, s, gid, "text"))
    return out
