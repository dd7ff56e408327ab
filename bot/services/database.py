"""The registry database a process's use cases share, made on first use from the settings."""

from __future__ import annotations

from bot.config import settings
from bot.store.unit_of_work import Database

_shared: Database | None = None


def shared_database() -> Database:
    global _shared
    if _shared is None:
        _shared = Database(settings().database_url)
    return _shared


def forget_shared_database() -> None:
    """Tests point DATABASE_URL elsewhere between cases; the next use opens that one."""
    global _shared
    if _shared is not None:
        _shared.dispose()
    _shared = None
