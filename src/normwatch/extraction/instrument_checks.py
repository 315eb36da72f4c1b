"""When a name found by the gazetteer really names a KB instrument, and not a generic thing.

Why: the gazetteer matches multi-word names in any case, so "start work on a convention on
cybercrime" (a proposal for a new treaty) would be the Budapest Convention, whose title is
"Convention on Cybercrime". A title is written as a title: the words the KB capitalises are
capitalised in the text too (or the whole text is in capitals). And an instrument that is not
itself about cyberspace (the UN Charter) is part of this record only where the text applies it
to cyberspace: "Russia's war violates the UN Charter" is not a cyber-norms mention.
"""

from __future__ import annotations

import re
from typing import Any

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Words in an instrument's own names that make it an instrument about cyberspace.
CYBER_NAME = re.compile(r"cyber|information|telecommunication|\bICTs?\b|internet|digital|computer|electronic|"
                        r"\bGGE\b|\bOEWG\b|Governmental Experts|Open-ended Working Group", re.I)


def title_cased_like(surface: str, form: str) -> bool:
    """Every word the KB form capitalises is capitalised in the surface ("Convention on Cybercrime")."""
    if surface.isupper() or surface == form:
        return True
    got, want = _WORD.findall(surface), _WORD.findall(form)
    if len(got) != len(want):
        return surface.lower() == form.lower() and not any(w[:1].isupper() for w in want)
    return all(not w[:1].isupper() or g[:1].isupper() for g, w in zip(got, want))


def cyber_instruments(kb: Any) -> frozenset[str]:
    """Ids of the KB instruments whose names speak of cyberspace, information security or ICTs."""
    out = set()
    for rec in kb.records("instrument"):
        names = [rec.get("name") or ""] + [str(a) for a in rec.get("aliases") or []]
        if any(CYBER_NAME.search(n) for n in names):
            out.add(rec["id"])
    return frozenset(out)
