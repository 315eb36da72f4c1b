"""STIX 2.1 bundles of the attribution record, built with the `stix2` library.

    bundle = stix_bundle(store.engine, kb, Selection())    # a stix2.Bundle; str(bundle) is its JSON

What maps to what:
- states and organisations (claimants, accused, victims) -> `identity` (class organization;
  people -> individual), with the normwatch id in `x_normwatch_id`;
- KB threat actors named as accused -> `threat-actor` and `intrusion-set`, both with the KB's
  aliases; the intrusion set is `attributed-to` the threat actor, and the threat actor is
  `attributed-to` the state the KB links it to;
- incidents -> `incident`;
- each accusation in the `claims` table (issue 11: every claim, with or without a resolved
  incident) -> `attributed-to` relationships for the links its text makes, each carrying the
  claimant (`x_normwatch_claimant_ref`, and named in `description`), the certainty as STIX
  `confidence` (`CONFIDENCE`) and as `x_normwatch_certainty`, the channel (`x_normwatch_via`),
  the basis (`x_normwatch_basis`), the review state, and the document as an external reference
  whose description holds the evidence span and its text. The links:
    * a threat actor named -> the incident `attributed-to` the threat actor (when the incident is
      resolved), and the threat actor `attributed-to` the accused state when the text names it
      (basis `text`); with basis `community-assessment` the text names only the actor, so the
      claim gives no state link of its own: the state is reached through the knowledge base's
      threat-actor -> state relationship, marked as the KB's;
    * no threat actor -> the incident `attributed-to` the accused (state or organisation);
  STIX has no claim object and no "accuses" relationship: who makes the claim is a property of
  the relationship (not `created_by_ref`, which would say the claimant wrote the STIX object);
- a claim with none of those links (no incident resolved and no threat actor named) -> a `note`
  about the accused, authored by the claimant, so no accusation is lost;
- a denial (certainty `denied`: the accused denies) -> a `note` authored by the denying party
  about the incident or threat actor, the denier, and every exported accusation of that denier
  over the same incident or actor; never a relationship, since an `attributed-to` with
  confidence 0 would still read as a link asserted;
- each document with incidents or claims -> a `report` referring to them.

Ids are UUIDv5 of the normwatch ids (documents, claims by document and key), so exporting the
same store twice gives the same objects. A claim naming neither an accused nor a threat actor
has nothing to point at: its incident and document still appear.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from .tables import Selection, rows

EXTENSION_PROPERTIES = ("x_normwatch_id", "x_normwatch_claimant_ref", "x_normwatch_certainty", "x_normwatch_via",
                        "x_normwatch_basis", "x_normwatch_review")
NAMESPACE = uuid.UUID("2f0b8a51-3c1e-5d1e-9a57-6e6f726d7761")  # fixed: ids stay stable across exports
# certainty words on STIX's 0-100 confidence scale (Admiralty-like: confirmed high, suspected low);
# a denial is not a link at all (it becomes a note), so it has no confidence here
CONFIDENCE = {"confirmed": 95, "official": 85, "alleged": 50, "suspected": 30}
THREAT_ACTOR_TYPES = {"state-organ": ["nation-state"], "state-sponsored-proxy": ["nation-state"],
                      "patriotic-hackers": ["activist"], "criminal": ["crime-syndicate"]}


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def _when(value: str | None, fallback: dt.datetime) -> dt.datetime:
    """A document date (YYYY, YYYY-MM or YYYY-MM-DD) as a UTC datetime, or `fallback`."""
    if not value:
        return fallback
    parts = [int(p) for p in value[:10].split("-")] + [1, 1]
    try:
        return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.timezone.utc)
    except ValueError:
        return fallback


def stix_bundle(engine, kb: Any, sel: Selection):
    """A STIX 2.1 Bundle of the selected incidents, attribution claims, actors and documents."""
    import stix2

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    stamp = {"created": now, "modified": now}
    objects: dict[str, Any] = {}
    # the x_normwatch_ properties are declared as a top-level property extension, as STIX 2.1 asks
    system = stix2.Identity(id=_id("identity", "normwatch"), name="normwatch", identity_class="system",
                            description="An evidence-linked record of international cyber norms", **stamp)
    extension = stix2.ExtensionDefinition(
        id=_id("extension-definition", "normwatch-properties"), created_by_ref=system.id, name="normwatch properties",
        description="normwatch identifiers, and for attribution claims the claimant, certainty word, channel and "
                    "basis and review state", version="1.1", extension_types=["toplevel-property-extension"],
        schema="x_normwatch_id: the normwatch identifier (state:RUS, threat-actor:apt28, incident:...); "
               "x_normwatch_claimant_ref: the identity making the claim; x_normwatch_certainty: confirmed, official, "
               "alleged, suspected or denied; x_normwatch_via: state-organ, state-sponsored-proxy, patriotic-hackers, "
               "criminal or unknown; x_normwatch_basis: text (the text names the accused) or community-assessment "
               "(only the KB's record of the threat actor the text names links it to a state); "
               "x_normwatch_review: machine, confirmed or corrected",
        extension_properties=list(EXTENSION_PROPERTIES), **stamp)
    objects[system.id] = system
    objects[extension.id] = extension
    stamp = {**stamp, "extensions": {extension.id: {"extension_type": "toplevel-property-extension"}}}
    plain = {k: v for k, v in stamp.items() if k != "extensions"}  # objects without normwatch properties

    def name_of(nid: str) -> str:
        try:
            return kb.name(nid) if kb is not None else nid
        except Exception:  # noqa: BLE001 - an id the KB does not know keeps its id as a name
            return nid

    def actor_ref(nid: str | None) -> str | None:
        """The STIX object standing for a normwatch actor id (made on first use)."""
        if not nid:
            return None
        kind = nid.split(":", 1)[0]
        if kind == "threat-actor":
            return threat_actor(nid)
        sid = _id("identity", nid)
        if sid not in objects:
            objects[sid] = stix2.Identity(id=sid, name=name_of(nid), identity_class="individual" if kind == "person"
                                          else "organization", x_normwatch_id=nid, allow_custom=True, **stamp)
        return sid

    def threat_actor(nid: str) -> str:
        tid = _id("threat-actor", nid)
        if tid in objects:
            return tid
        rec = (kb.get(nid) if kb is not None else None) or {}
        aliases = [a for a in rec.get("aliases") or [] if a]
        types = THREAT_ACTOR_TYPES.get(rec.get("category") or "", ["unknown"])
        common = {"name": rec.get("name") or nid, "x_normwatch_id": nid, "allow_custom": True, **stamp}
        if rec.get("summary"):
            common["description"] = rec["summary"]
        objects[tid] = stix2.ThreatActor(id=tid, threat_actor_types=types, **({"aliases": aliases} if aliases else {}),
                                         **common)
        iid = _id("intrusion-set", nid)
        objects[iid] = stix2.IntrusionSet(id=iid, **({"aliases": aliases} if aliases else {}), **common)
        rel = _id("relationship", f"{nid}|intrusion-set")
        objects[rel] = stix2.Relationship(id=rel, relationship_type="attributed-to", source_ref=iid, target_ref=tid,
                                          **plain)
        if rec.get("state"):
            sref = actor_ref(rec["state"])
            rid = _id("relationship", f"{nid}|state")
            objects[rid] = stix2.Relationship(id=rid, relationship_type="attributed-to", source_ref=tid,
                                              target_ref=sref, description="as the knowledge base records it",
                                              **plain)
        return tid

    def incident_ref(nid: str) -> str:
        sid = _id("incident", nid)
        if sid not in objects:
            rec = (kb.get(nid) if kb is not None else None) or {}
            extra = {"description": rec["summary"]} if rec.get("summary") else {}
            objects[sid] = stix2.Incident(id=sid, name=rec.get("name") or titles.get(nid) or nid, x_normwatch_id=nid, allow_custom=True,
                                          **extra, **stamp)
        return sid

    docs = {d["id"]: d for d in rows(engine, "documents", sel)}
    incidents = list(rows(engine, "incidents", sel))
    titles = {i["incident"]: i["title"] for i in incidents if i.get("title")}
    per_doc: dict[str, set[str]] = {}
    for inc in incidents:
        ref = incident_ref(inc["incident"])
        refs = per_doc.setdefault(inc["doc_id"], set())
        refs.add(ref)
        if inc.get("victim"):
            refs.add(actor_ref(inc["victim"]))

    def evidence(c: dict, doc: dict) -> dict:
        ext = {"source_name": doc.get("publisher") or "normwatch document", "external_id": c["doc_id"],
               "description": f"evidence, characters {c['start']}-{c['end']} of the cleaned text: {c.get('quote') or ''}"}
        if doc.get("url") and str(doc["url"]).startswith(("http://", "https://")):
            ext["url"] = doc["url"]
        return ext

    def claim_props(c: dict, doc: dict, claimant: str | None) -> dict:
        return {"external_references": [evidence(c, doc)], "x_normwatch_claimant_ref": claimant,
                "x_normwatch_certainty": c["certainty"], "x_normwatch_via": c["via"],
                "x_normwatch_basis": c["basis"], "x_normwatch_review": c["review"], "allow_custom": True, **stamp}

    def claim_key(c: dict) -> str:
        # a claim's fact_key (accused, claimant, span) is shared by claims of one sentence about two
        # incidents: the incident and actor keep their STIX ids apart
        return f"{c['doc_id']}|claim|{c['fact_key']}|{c['incident'] or ''}|{c['actor'] or ''}"

    accusations: dict[tuple[str, str], list[str]] = {}  # (incident or actor ref, accused ref) -> relationships
    denials = []
    for c in rows(engine, "claims", sel):
        doc = docs.get(c["doc_id"])
        if doc is None:
            continue
        refs = per_doc.setdefault(c["doc_id"], set())
        inc = incident_ref(c["incident"]) if c["incident"] else None
        actor = actor_ref(c["actor"]) if c["actor"] else None
        accused = actor_ref(c["accused"])
        claimant = actor_ref(c["claimant"])
        refs.update(r for r in (inc, actor, accused, claimant) if r)
        if c["certainty"] == "denied":
            denials.append((c, doc, inc, actor, accused))
            continue
        links = []  # (source, target): what the text says is attributed to whom
        if actor:
            if inc:
                links.append((inc, actor))
            if accused and c["basis"] == "text":
                links.append((actor, accused))
        elif inc and accused:
            links.append((inc, accused))
        # an unnamed claimant is the document's own voice
        who = name_of(c["claimant"]) if c["claimant"] else (doc.get("author") or doc.get("publisher") or "the author")
        what = name_of(c["incident"]) if c["incident"] else "an unresolved incident"
        for n, (src, dst) in enumerate(links):
            rid = _id("relationship", f"{claim_key(c)}|{n}")
            target = c["actor"] if dst == actor else c["accused"]
            source = c["actor"] if src == actor else c["incident"]
            objects[rid] = stix2.Relationship(
                id=rid, relationship_type="attributed-to", source_ref=src, target_ref=dst,
                confidence=CONFIDENCE.get(c["certainty"], 50),
                description=f"{who} attributes {name_of(source)} to {name_of(target)} "
                            f"({c['certainty']}, via {c['via']}, basis {c['basis']})",
                **claim_props(c, doc, claimant))
            accusations.setdefault((src, dst), []).append(rid)
            refs.add(rid)
        about = [r for r in (accused, actor, inc) if r]
        if not links and about:
            # nothing STIX can link (no incident resolved, no threat actor): a note keeps the accusation
            nid = _id("note", claim_key(c))
            accused_name = name_of(c["accused"] or c["actor"])
            objects[nid] = stix2.Note(
                id=nid, abstract="accusation", authors=[who], object_refs=sorted(about),
                content=f"{who} accuses {accused_name} over {what} ({c['certainty']}, via {c['via']}, "
                        f"basis {c['basis']}): {c.get('quote') or ''}", **claim_props(c, doc, claimant))
            refs.add(nid)
    for c, doc, inc, actor, accused in denials:
        if accused is None:
            continue
        disputed = [r for src in (inc, actor) if src for r in accusations.get((src, accused), [])]
        about = sorted({r for r in (inc, actor, accused) if r} | set(disputed))
        nid = _id("note", f"{claim_key(c)}|denial")
        denier = name_of(c["accused"])
        what = name_of(c["incident"] or c["actor"]) if (c["incident"] or c["actor"]) else "the accusations"
        objects[nid] = stix2.Note(id=nid, abstract="denial", authors=[denier], object_refs=about,
                                  content=f"{denier} denies responsibility for {what}: {c.get('quote') or ''}",
                                  **claim_props(c, doc, actor_ref(c["claimant"])))
        per_doc.setdefault(c["doc_id"], set()).add(nid)
    for doc_id, refs in sorted(per_doc.items()):
        doc = docs.get(doc_id)
        refs.discard(None)
        if doc is None or not refs:
            continue
        ext = {"source_name": doc.get("publisher") or "normwatch document", "external_id": doc_id}
        if doc.get("url") and str(doc["url"]).startswith(("http://", "https://")):
            ext["url"] = doc["url"]
        sid = _id("report", doc_id)
        objects[sid] = stix2.Report(id=sid, name=doc.get("title") or doc.get("source") or doc_id,
                                    published=_when(doc.get("published"), now), report_types=["threat-report"],
                                    object_refs=sorted(refs), external_references=[ext], **plain)
    return stix2.Bundle(objects=list(objects.values()), allow_custom=True)
