"""A one-page answer to the questions people ask of any instrument, every sentence grounded in provisions.

    normwatch brief instrument:sco-code-of-conduct-2011

The four questions (from the blog post in corpus/origin that asks them of the 2011 Code):
what do its key terms mean, what "hostile activities" does it address, does it bind the
military, and can it reach non-state actors (hacktivists, patriotic hackers) acting for a state?
Each answer is built from the knowledge base's definitions, undefined terms, scope flags and
provision topics, and cites the provisions it rests on; where the record is silent it says so.
"""

from __future__ import annotations

from typing import Any

KEY_TERMS = ("cyberspace", "information space", "information security", "ict", "computer system", "computer data",
             "hostile activities", "cyber attack", "cyber weapon", "information weapon", "critical infrastructure",
             "proxies", "hacktivism")
HOSTILE_TAGS = ("use-of-force", "non-intervention", "sovereignty", "critical-infrastructure", "ict-restraint",
                "arms-control", "information-content", "criminalisation")


def _cite(p: dict) -> str:
    return f"{p.get('number')}" + (f" ({p['heading']})" if p.get("heading") else "")


def brief(kb, instrument_id: str) -> dict[str, Any]:
    r = kb.get(instrument_id)
    if r is None or kb.kind(instrument_id) != "instrument":
        raise KeyError(f"unknown instrument {instrument_id!r}; try `normwatch kb list instrument`")
    name = r.get("name", instrument_id)
    provisions = r.get("provisions") or []
    scope = r.get("scope") or {}
    answers = []

    # 1. definitions
    sents = []
    for d in r.get("definitions") or []:
        sents.append({"text": f"It defines \"{d['term']}\": {d.get('summary') or ''}".strip(),
                      "grounds": [d.get("provision")] if d.get("provision") else []})
    undefined = [u for u in r.get("undefined_terms") or []]
    if undefined:
        sents.append({"text": "It leaves undefined: " + ", ".join(u["term"] for u in undefined) + ".",
                      "grounds": []})
        for u in undefined:
            if u.get("note"):
                sents.append({"text": f"On \"{u['term']}\": {u['note']}", "grounds": []})
    if not sents:
        sents.append({"text": "The knowledge base records no definitions for it.", "grounds": []})
    answers.append({"question": "How does it define its terms?", "sentences": sents})

    # 2. hostile activities: what conduct it addresses
    sents = []
    for tag in HOSTILE_TAGS:
        hits = [p for p in provisions if tag in (p.get("topics") or [])]
        if hits:
            sents.append({"text": f"On {tag.replace('-', ' ')}: " + "; ".join(
                f"{_cite(p)}: {p.get('summary')}" for p in hits[:3]),
                "grounds": [str(p.get("number")) for p in hits[:3]]})
    if not any(u["term"].lower() == "hostile activities" for u in undefined) and not sents:
        sents.append({"text": "No provision recorded addresses hostile or aggressive use of ICTs.", "grounds": []})
    answers.append({"question": "What hostile activities does it address?", "sentences": sents})

    # 3 and 4: the military; non-state actors
    for flag, question in (("military", "Does it bind the military?"),
                           ("state_organs", "Does it reach state organs acting for the state?"),
                           ("non_state_actors", "Can it address non-state actors (hacktivists, patriotic hackers, "
                                                "proxies) acting for a state?")):
        f = scope.get(flag) or {}
        applies = f.get("applies")
        verdict = {True: "Yes", False: "No", None: "The text is silent or unclear"}.get(applies, str(applies))
        text = f"{verdict}" + (f", per {f['provision']}" if f.get("provision") else "") + \
               (f": {f['note']}" if f.get("note") else ".")
        sents = [{"text": text, "grounds": [f["provision"]] if f.get("provision") else []}]
        if flag == "non_state_actors":
            dd = [p for p in provisions if "due-diligence" in (p.get("topics") or [])]
            if dd:
                sents.append({"text": "Due diligence: " + "; ".join(f"{_cite(p)}: {p.get('summary')}" for p in dd),
                              "grounds": [str(p.get("number")) for p in dd]})
            else:
                sents.append({"text": "No due-diligence provision is recorded, so a state that lets its "
                                      "'patriotic' citizens act is not addressed by this instrument.", "grounds": []})
        answers.append({"question": question, "sentences": sents})

    return {
        "instrument": instrument_id,
        "name": name,
        "kind": r.get("kind"),
        "binding": r.get("binding"),
        "adopted": r.get("adopted"),
        "answers": answers,
    }


def format_text(result: dict[str, Any], width: int = 80) -> str:
    import textwrap

    out = textwrap.wrap(f"{result['name']} ({result['instrument']})", width=width, subsequent_indent="  ")
    out += [f"{result.get('kind')}, binding: {result.get('binding')}, adopted {result.get('adopted')}", ""]
    for a in result["answers"]:
        out += textwrap.wrap(a["question"], width=width, subsequent_indent="  ")
        for s in a["sentences"]:
            g = f" [{', '.join(s['grounds'])}]" if s["grounds"] else ""
            out += textwrap.wrap(s["text"] + g, width=width, initial_indent="  - ", subsequent_indent="    ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
