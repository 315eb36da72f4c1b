"""Persistence: one portable schema (schema.py), Alembic migrations, dialect adapters."""

from .db import Store

__all__ = ["Store"]
