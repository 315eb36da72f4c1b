"""Language of a cleaned text (ISO 639-1), with py3langid.

The model ships inside the py3langid wheel, so nothing is downloaded at run
time. Non-English documents are kept and marked, not dropped: the French
Paris Call text is as much a source as the English one.

>>> detect_language("Le cyberespace joue désormais un rôle capital dans tous les aspects de notre vie.")
'fr'
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["detect_language"]

# Enough text for a stable guess; classifying megabytes only costs time.
_SAMPLE_CHARS = 4_000
_MIN_CHARS = 20


@lru_cache(maxsize=1)
def _identifier():
    # Imported lazily: loading the model takes a moment and not every run needs it.
    import py3langid

    return py3langid


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when it is too short to tell."""
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < _MIN_CHARS:
        return None
    lang, _score = _identifier().classify(sample)
    return lang
