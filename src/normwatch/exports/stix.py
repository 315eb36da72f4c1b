"""STIX 2.1 bundles of the attribution record, built with the `stix2` library.

    bundle = stix_bundle(store.engine, kb, Selection())    # a stix2.Bundle; str(bundle) is its JSON

What maps to what:
- states and organisations (claimants, accused, victims) -> `identity` (class organization;
  people -> individual), with the normwatch id in `x_normwatch_id`;
- KB threat actors named as accused -> `threat-actor` and `intrusion-set`, both with the KB's
  aliases; the intrusion set is `attributed-to` the threat actor, and the threat actor is
  `attributed-to` the state the KB links it to;
- incidents -> `incident`;
- each attribution claim -> an `attributed-to` relationship from the incident to the accused,
  carrying the claimant (`x_normwatch_claimant_ref`, and named in `description`), the
  certainty as STIX `confidence` (`CONFIDENCE`), the channel (`x_normwatch_via`), the review
  state, and the document as an external reference whose description holds the evidence span
  and its text;
- each document with incidents -> a `report` referring to them and to its claims.

Ids are UUIDv5 of the normwatch ids (documents, claims by document and key), so exporting the
same store twice gives the same objects. A claim whose accused is unknown has nothing to
point at: its incident and document still appear, the relationship does not.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from .tables import Selection, rows

EXTENSION_PROPERTIES = ("x_normwatch_id", "x_normwatch_claimant_ref", "x_normwatch_certainty", "x_normwatch_via",
                        "x_normwatch_review")
NAMESPACE = uuid.UUID("2f0b8a51-3c1e-5d1e-9a57-6e6f726d7761")  # fixed: ids stay stable across exports
# certainty words on STIX's 0-100 confidence scale (Admiralty-like: confirmed high, suspected low);
# a denial is a claim that the accused did not do it, so it carries no confidence in the link
CONFIDENCE = {"confirmed": 95, "official": 85, "alleged": 50, "suspected": 30, "denied": 0}
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
                    "review state", version="1.0", extension_types=["toplevel-property-extension"],
        schema="x_normwatch_id: the normwatch identifier (state:RUS, threat-actor:apt28, incident:...); "
               "x_normwatch_claimant_ref: the identity making the claim; x_normwatch_certainty: confirmed, official, "
               "alleged, suspected or denied; x_normwatch_via: state-organ, state-sponsored-proxy, patriotic-hackers, "
               "criminal or unknown; x_normwatch_review: machine, confirmed or corrected",
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
            objects[sid] = stix2.Incident(id=sid, name=rec.get("name") or nid, x_normwatch_id=nid, allow_custom=True,
                                          **extra, **stamp)
        return sid

    docs = {d["id"]: d for d in rows(engine, "documents", sel)}
    per_doc: dict[str, set[str]] = {}
    for inc in rows(engine, "incidents", sel):
        ref = incident_ref(inc["incident"])
        refs = per_doc.setdefault(inc["doc_id"], set())
        refs.add(ref)
        if inc.get("victim"):
            refs.add(actor_ref(inc["victim"]))
    for a in rows(engine, "attributions", sel):
        doc = docs.get(a["doc_id"])
        if doc is None:
            continue
        inc = incident_ref(a["incident"])
        refs = per_doc.setdefault(a["doc_id"], set())
        refs.add(inc)
        accused = actor_ref(a["accused"])
        claimant = actor_ref(a["claimant"])
        if claimant:
            refs.add(claimant)
        if accused is None:
            continue
        refs.add(accused)
        ext = {"source_name": doc.get("publisher") or "normwatch document", "external_id": a["doc_id"],
               "description": f"evidence, characters {a['start']}-{a['end']} of the cleaned text: {a.get('quote') or ''}"}
        if doc.get("url") and str(doc["url"]).startswith(("http://", "https://")):
            ext["url"] = doc["url"]
        who = name_of(a["claimant"]) if a["claimant"] else "unnamed commentators"
        rid = _id("relationship", f"{a['doc_id']}|attribution|{a['fact_key']}")
        objects[rid] = stix2.Relationship(
            id=rid, relationship_type="attributed-to", source_ref=inc, target_ref=accused,
            confidence=CONFIDENCE.get(a["certainty"], 50),
            description=f"{who} attributes {name_of(a['incident'])} to {name_of(a['accused'])} "
                        f"({a['certainty']}, via {a['via']})",
            external_references=[ext], x_normwatch_claimant_ref=claimant, x_normwatch_certainty=a["certainty"],
            x_normwatch_via=a["via"], x_normwatch_review=a["review"], allow_custom=True, **stamp)
        refs.add(rid)
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
