"""Engines and sessions, made from configuration when asked (never at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_file = bool(parsed.database) and parsed.database != ":memory:"
        if in_file:
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        # A pool for a file (SQLAlchemy 1.4 gives it none): each new connection costs the pragmas below, which
        # took 9% of the action server's busy time under load (py-spy, bench/profile_servers.py).
        pooling: dict[str, Any] = {"poolclass": QueuePool} if in_file else {}
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True, **pooling)
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    # hide_parameters: a failed statement's error (and so a log line) never shows the values bound to it.
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


def sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Foreign keys make a replaced person's rows go with it; WAL lets readers work during an import.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)
