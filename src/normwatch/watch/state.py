"""What the watcher knows, kept in the store so a restart resumes: sources and the items they listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select, update

from ..store import schema as s

__all__ = ["WatchState", "iso"]


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(timespec="seconds")


class WatchState:
    def __init__(self, store) -> None:
        self.engine = store.engine

    def source(self, url: str, kind: str, name: str | None) -> dict[str, Any]:
        with self.engine.begin() as conn:
            row = conn.execute(select(s.watch_sources).where(s.watch_sources.c.url == url)).mappings().first()
            if row is None:
                conn.execute(insert(s.watch_sources).values(url=url, kind=kind, name=name, failures=0,
                                                            items_found=0, items_ingested=0))
                row = conn.execute(select(s.watch_sources).where(s.watch_sources.c.url == url)).mappings().first()
            elif row["kind"] != kind or row["name"] != name:
                conn.execute(update(s.watch_sources).where(s.watch_sources.c.url == url).values(kind=kind, name=name))
            return dict(row)

    def update_source(self, url: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(s.watch_sources).where(s.watch_sources.c.url == url).values(**values))

    def add_items(self, source_url: str, urls: list[str], now: str) -> int:
        """Record item URLs not seen before (by any source) as pending; returns how many were new."""
        if not urls:
            return 0
        with self.engine.begin() as conn:
            known = {r[0] for r in conn.execute(select(s.watch_items.c.url).where(s.watch_items.c.url.in_(urls)))}
            new = [u for u in urls if u not in known]
            if new:
                conn.execute(insert(s.watch_items), [{"url": u, "source_url": source_url, "first_seen": now,
                                                      "status": "pending", "attempts": 0} for u in new])
                conn.execute(update(s.watch_sources).where(s.watch_sources.c.url == source_url)
                             .values(items_found=s.watch_sources.c.items_found + len(new)))
            return len(new)

    def due_items(self, limit: int = 1000) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            q = (select(s.watch_items).where(s.watch_items.c.status.in_(("pending", "retry")))
                 .order_by(s.watch_items.c.first_seen, s.watch_items.c.url).limit(limit))
            return [dict(r) for r in conn.execute(q).mappings()]

    def finish_item(self, url: str, status: str, *, now: str, doc_id: str | None = None,
                    detail: str | None = None, attempts: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(s.watch_items).where(s.watch_items.c.url == url).values(
                status=status, fetched_at=now, doc_id=doc_id, detail=detail, attempts=attempts))
            if status == "stored":
                src = select(s.watch_items.c.source_url).where(s.watch_items.c.url == url).scalar_subquery()
                conn.execute(update(s.watch_sources).where(s.watch_sources.c.url == src)
                             .values(items_ingested=s.watch_sources.c.items_ingested + 1))

    def sources(self) -> list[dict[str, Any]]:
        """Every watched source with its state and item counts by status."""
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(select(s.watch_sources).order_by(s.watch_sources.c.url)).mappings()]
            counts = conn.execute(select(s.watch_items.c.source_url, s.watch_items.c.status, func.count())
                                  .group_by(s.watch_items.c.source_url, s.watch_items.c.status)).all()
        by: dict[str, dict[str, int]] = {}
        for src, status, n in counts:
            by.setdefault(src, {})[status] = n
        for r in rows:
            r["items"] = by.get(r["url"], {})
        return rows
