"""The knowledge base as the web layer sees it: names, kinds, regions and page links for any id.

The web must keep serving the store when the KB is missing or fails validation (a KB edit
in progress should not take the site down), so `load()` falls back to an empty KB and says
why in `problem`.
"""

from __future__ import annotations

from typing import Any

from ..errors import NormwatchError

KIND_PAGES = {"state": "actors", "org": "actors", "person": "actors", "instrument": "instruments",
              "proposition": "propositions", "incident": "incidents", "event": "events",
              "threat-actor": "actors"}


def kind_of(id_: str | None) -> str | None:
    """The kind an id names, from its prefix ("state:EST" -> "state")."""
    if not id_ or ":" not in id_:
        return None
    return id_.split(":", 1)[0]


class _EmptyKB:
    """Stands in for the KB when it cannot be loaded: knows nothing, breaks nothing."""

    def get(self, id: str) -> dict | None:  # noqa: A002 - same signature as KB.get
        return None

    def records(self, kind: str) -> list[dict]:
        return []

    def name(self, id: str) -> str:  # noqa: A002
        return id

    def kind(self, id: str) -> str | None:  # noqa: A002
        return None

    def subscriptions(self, instrument: str | None = None, actor: str | None = None) -> list[dict]:
        return []

    def parties(self, instrument: str, as_of: str | None = None) -> set[str]:
        return set()


class KBView:
    """Read-only helpers over the KB for templates and API responses."""

    def __init__(self, kb: Any, problem: str | None = None) -> None:
        self.kb = kb
        self.problem = problem

    @classmethod
    def load(cls, path: str | None = None) -> "KBView":
        try:
            from ..kb import load_kb

            return cls(load_kb(path))
        except (NormwatchError, ImportError, OSError) as e:
            return cls(_EmptyKB(), f"knowledge base unavailable: {e}")

    def get(self, id_: str | None) -> dict | None:
        return self.kb.get(id_) if id_ else None

    def records(self, kind: str) -> list[dict]:
        return self.kb.records(kind)

    def name(self, id_: str | None) -> str:
        if not id_:
            return "unknown"
        return self.kb.name(id_)

    def kind(self, id_: str | None) -> str | None:
        return (self.kb.kind(id_) if id_ else None) or kind_of(id_)

    def region(self, id_: str | None) -> str | None:
        """The UN region of a state, or of the state an organisation or person belongs to."""
        rec = self.get(id_)
        if not rec:
            return None
        if rec.get("region"):
            return rec["region"]
        home = rec.get("state") or rec.get("affiliation")
        if home and home != id_:
            inner = self.get(home)
            return inner.get("region") if inner else None
        return None

    def href(self, id_: str | None) -> str | None:
        """The page of an id, or None when no page shows that kind."""
        page = KIND_PAGES.get(kind_of(id_) or "")
        return f"/{page}/{id_}" if page else None

    def subscriptions(self, instrument: str | None = None, actor: str | None = None) -> list[dict]:
        return self.kb.subscriptions(instrument=instrument, actor=actor)

    def parties(self, instrument: str) -> set[str]:
        return self.kb.parties(instrument)
