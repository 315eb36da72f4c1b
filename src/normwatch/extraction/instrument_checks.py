"""When a name found by the gazetteer really names a KB instrument, and not a generic thing.

Why: the gazetteer matches multi-word names in any case, so "start work on a convention on
cybercrime" (a proposal for a new treaty) would be the Budapest Convention, whose title is
"Convention on Cybercrime". A title is written as a title: the words the KB capitalises are
capitalised in the text too (or the whole text is in capitals).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def title_cased_like(surface: str, form: str) -> bool:
    """Every word the KB form capitalises is capitalised in the surface ("Convention on Cybercrime")."""
    if surface.isupper() or surface == form:
        return True
    got, want = _WORD.findall(surface), _WORD.findall(form)
    if len(got) != len(want):
        return surface.lower() == form.lower() and not any(w[:1].isupper() for w in want)
    return all(not w[:1].isupper() or g[:1].isupper() for g, w in zip(got, want))
