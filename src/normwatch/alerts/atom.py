"""An alert's facts as an Atom 1.0 feed (RFC 4287), built with ElementTree so every value is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

__all__ = ["atom_feed"]

ATOM = "http://www.w3.org/2005/Atom"


def _title(f: dict[str, Any]) -> str:
    if f["kind"] == "attribution":
        who = f["claimant"] or "a source"
        return f"{who}: {f['incident']} attributed to {f['accused'] or 'an unnamed actor'} ({f['certainty']}, via {f['via']})"
    if f["kind"] == "stance":
        return f"{f['actor']}{' (' + f['affiliation'] + ')' if f['affiliation'] and f['affiliation'] != f['actor'] else ''}: {f['polarity']} {f['target']}"
    return f"{f['actor']} {f['action']} {f['instrument']}{' on ' + f['date'] if f['date'] else ''}"


def atom_feed(alert: dict[str, Any], facts: list[dict[str, Any]], base_url: str) -> bytes:
    """The feed document; `base_url` ("http://host") makes the links absolute, as Atom wants."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}/feeds/{alert['id']}.atom"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"normwatch: new {alert['kind']}s naming {alert['target']}"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(facts[0]["ingested_at"] if facts else alert["created_at"])
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base_url}/feeds/{alert['id']}.atom")
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "normwatch"
    for f in facts:
        e = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(e, f"{{{ATOM}}}id").text = f"urn:normwatch:{f['key']}"
        ET.SubElement(e, f"{{{ATOM}}}title").text = _title(f)
        ET.SubElement(e, f"{{{ATOM}}}updated").text = _stamp(f["ingested_at"])
        if f.get("published"):
            ET.SubElement(e, f"{{{ATOM}}}published").text = f"{f['published']}T00:00:00Z"
        ET.SubElement(e, f"{{{ATOM}}}link", href=f"{base_url}/documents/{f['doc_id']}")
        ET.SubElement(e, f"{{{ATOM}}}summary").text = f["evidence"]
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def _stamp(iso: str) -> str:
    """RFC 3339 with a Z, from the store's "2025-01-02T03:04:05+00:00"."""
    return iso.replace("+00:00", "Z") if iso.endswith("+00:00") else iso
