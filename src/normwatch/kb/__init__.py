"""The knowledge base: states, organisations, instruments, propositions, threat actors, incidents, events.

Curated YAML data in `kb/data/` (format: `kb/FORMAT.md`), validated when loaded.

    >>> from normwatch.kb import load_kb
    >>> kb = load_kb()
    >>> kb.kind("state:RUS")
    'state'
"""

from .loader import BOUND_ACTIONS, DATA_DIR, KB, SurfaceForm, check_kb, load_kb
from .schema import KINDS, Problem

__all__ = ["KB", "SurfaceForm", "load_kb", "check_kb", "DATA_DIR", "KINDS", "Problem", "BOUND_ACTIONS"]
