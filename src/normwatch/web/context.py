"""What every request handler needs: the queries over the store and the knowledge base.

One `Context` is made per app and kept on `app.state.ctx`; handlers get it with
`ctx(request)` rather than from module globals, so tests can run several apps (and
stores) in one process.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from .kbview import KBView
from .queries import Queries


@dataclass
class Context:
    queries: Queries
    kb: KBView
    db_url: str


def ctx(request: Request) -> Context:
    return request.app.state.ctx
