"""What instruments say, side by side: definitions, scope, binding force, and a provision concordance.

    normwatch compare instrument:sco-code-of-conduct-2011 instrument:budapest-convention [--format text|json|html]

The concordance pairs each provision of one instrument with the closest provisions of the
others by TF-IDF cosine over heading + summary + topic tags (computed here with numpy; no
model download), and lists the curated links of `kb/data/concordance.yaml` with their sources.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import yaml

SCOPE_FLAGS = ("states", "state_organs", "military", "non_state_actors", "private_sector", "individuals")
CONCORDANCE = Path(__file__).parent / "kb" / "data" / "concordance.yaml"
_TOKEN = re.compile(r"[a-z][a-z\-]+")
_STOP = set("""a an and are as at be by for from in into is it its of on or that the their them these this to
with without should shall may must not other such any all each which who whom states state parties party""".split())


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP and len(t) > 2]


def _provision_text(p: dict) -> list[str]:
    toks = _tokens(f"{p.get('heading') or ''} {p.get('summary') or ''}")
    # topic tags count as strong shared vocabulary
    return toks + [f"#{t}" for t in p.get("topics") or []] * 2


def tfidf_matrix(docs: list[list[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for d in docs:
        for t in d:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(docs), max(1, len(vocab))))
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)
    for i, d in enumerate(docs):
        for t, c in Counter(d).items():
            m[i, vocab[t]] = (1 + math.log(c)) * math.log((1 + n) / (1 + df[t]) + 1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return m / norms


def load_concordance(path: Path = CONCORDANCE) -> list[dict]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    links = data.get("links") or []
    for ln in links:
        if not ln.get("source"):
            raise ValueError(f"{path}: concordance link {ln.get('provisions')} has no source")
    return links


def concordance(kb, ids: list[str], top: int = 2, min_score: float = 0.12) -> list[dict]:
    """For each provision of each instrument, the closest provisions of the other instruments."""
    provs: list[tuple[str, dict]] = []
    for iid in ids:
        for p in kb.get(iid).get("provisions") or []:
            provs.append((iid, p))
    if not provs:
        return []
    m = tfidf_matrix([_provision_text(p) for _, p in provs])
    sims = m @ m.T
    rows = []
    for i, (iid, p) in enumerate(provs):
        matches = []
        for j in np.argsort(-sims[i]):
            jid, q = provs[j]
            if jid == iid or sims[i, j] < min_score:
                continue
            matches.append({"instrument": jid, "provision": str(q.get("number")), "heading": q.get("heading"),
                            "score": round(float(sims[i, j]), 3),
                            "shared_topics": sorted(set(p.get("topics") or []) & set(q.get("topics") or []))})
            if len(matches) >= top:
                break
        rows.append({"instrument": iid, "provision": str(p.get("number")), "heading": p.get("heading"),
                     "matches": matches})
    return rows


def compare_instruments(kb, ids: list[str]) -> dict[str, Any]:
    recs = []
    for iid in ids:
        r = kb.get(iid)
        if r is None or kb.kind(iid) != "instrument":
            raise KeyError(f"unknown instrument {iid!r}; try `normwatch kb list instrument`")
        recs.append(r)
    terms = sorted({d["term"].lower() for r in recs for d in r.get("definitions") or []} |
                   {u["term"].lower() for r in recs for u in r.get("undefined_terms") or []})
    definitions = []
    for term in terms:
        row = {"term": term, "by": {}}
        for r in recs:
            d = next((d for d in r.get("definitions") or [] if d["term"].lower() == term), None)
            u = next((u for u in r.get("undefined_terms") or [] if u["term"].lower() == term), None)
            if d:
                row["by"][r["id"]] = {"defined": True, "provision": d.get("provision"), "summary": d.get("summary")}
            elif u:
                row["by"][r["id"]] = {"defined": False, "note": u.get("note")}
            else:
                row["by"][r["id"]] = {"defined": False, "note": "term not used or not recorded"}
        definitions.append(row)
    scope = []
    for flag in SCOPE_FLAGS:
        row = {"flag": flag, "by": {}}
        for r in recs:
            f = (r.get("scope") or {}).get(flag) or {}
            row["by"][r["id"]] = {"applies": f.get("applies"), "provision": f.get("provision"), "note": f.get("note")}
        scope.append(row)
    wanted = set(ids)
    curated = [ln for ln in load_concordance()
               if len({p.split("#")[0] for p in ln.get("provisions", [])} & wanted) >= 2]
    return {
        "instruments": [{"id": r["id"], "name": r.get("name"), "kind": r.get("kind"), "binding": r.get("binding"),
                         "adopted": r.get("adopted"), "in_force": r.get("in_force"), "body": r.get("body"),
                         "enforcement": r.get("enforcement")} for r in recs],
        "definitions": definitions,
        "scope": scope,
        "concordance": concordance(kb, ids) if len(ids) > 1 else [],
        "curated_concordance": curated,
    }


def _yn(v) -> str:
    return {True: "yes", False: "no", None: "unclear"}.get(v, str(v))


def format_text(result: dict[str, Any], width: int = 80) -> str:
    import textwrap

    ids = [i["id"] for i in result["instruments"]]
    short = {i: i.split(":", 1)[1][:22] for i in ids}
    out = ["Instruments:"]
    for i in result["instruments"]:
        out += textwrap.wrap(f"- {i['name']} ({i['id']}): {i['kind']}, binding {_yn(i['binding'])}, adopted "
                             f"{i['adopted']}" + (f", in force {i['in_force']}" if i.get("in_force") else "")
                             + (f"; enforcement: {i['enforcement']}" if i.get("enforcement") else ""),
                             width=width, subsequent_indent="  ")
    out += ["", "Definitions:"]
    for row in result["definitions"]:
        cells = []
        for iid in ids:
            c = row["by"][iid]
            cells.append(f"{short[iid]}: " + (f"defined ({c['provision']})" if c["defined"] else "not defined"))
        out += textwrap.wrap(f"- {row['term']}: " + "; ".join(cells), width=width, subsequent_indent="  ")
    out += ["", "Scope:"]
    for row in result["scope"]:
        cells = []
        for iid in ids:
            c = row["by"][iid]
            cells.append(f"{short[iid]}: {_yn(c['applies'])}" + (f" ({c['provision']})" if c.get("provision") else ""))
        out += textwrap.wrap(f"- {row['flag'].replace('_', ' ')}: " + "; ".join(cells), width=width,
                             subsequent_indent="  ")
    if result["concordance"]:
        out += ["", "Concordance (closest provisions, TF-IDF cosine):"]
        for row in result["concordance"]:
            if not row["matches"]:
                continue
            ms = "; ".join(f"{short[m['instrument']]} {m['provision']} {m['score']:.2f}" for m in row["matches"])
            out += textwrap.wrap(f"- {short[row['instrument']]} {row['provision']} -> {ms}", width=width,
                                 subsequent_indent="  ")
    if result["curated_concordance"]:
        out += ["", "Curated concordance:"]
        for ln in result["curated_concordance"]:
            out += textwrap.wrap(f"- {' = '.join(ln['provisions'])}: {ln.get('note', '')} [{ln['source']}]",
                                 width=width, subsequent_indent="  ")
    return "\n".join(out)


def format_html(result: dict[str, Any]) -> str:
    """A standalone HTML page of the comparison (every value escaped)."""
    from html import escape as e

    ids = [i["id"] for i in result["instruments"]]
    head = "".join(f"<th>{e(i['name'] or i['id'])}</th>" for i in result["instruments"])

    def table(title: str, rows: list[dict], key: str, cell) -> str:
        body = "".join(f"<tr><th>{e(r[key].replace('_', ' '))}</th>" +
                       "".join(f"<td>{cell(r['by'][i])}</td>" for i in ids) + "</tr>" for r in rows)
        return f"<h2>{e(title)}</h2><table><tr><th></th>{head}</tr>{body}</table>"

    def dcell(c: dict) -> str:
        if c["defined"]:
            return f"defined in {e(str(c.get('provision')))}: {e(c.get('summary') or '')}"
        return f"<em>not defined</em> {e(c.get('note') or '')}"

    def scell(c: dict) -> str:
        return f"{e(_yn(c['applies']))} {e(c.get('provision') or '')} <small>{e(c.get('note') or '')}</small>"

    conc = "".join(
        f"<tr><td>{e(r['instrument'])} {e(r['provision'])}</td><td>" +
        "; ".join(f"{e(m['instrument'])} {e(m['provision'])} ({m['score']:.2f})" for m in r["matches"]) +
        "</td></tr>" for r in result["concordance"] if r["matches"])
    return ("<!doctype html><meta charset=utf-8><title>normwatch comparison</title>"
            "<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
            "</style><h1>Comparison</h1>"
            + table("Definitions", result["definitions"], "term", dcell)
            + table("Scope", result["scope"], "flag", scell)
            + f"<h2>Concordance</h2><table>{conc}</table>")
