"""One transaction over the registry: commit as a whole or roll back as a whole."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.store.engine import make_engine, session_factory
from bot.store.records import RegistryRepository


class Database:
    """The engine and session factory for one DATABASE_URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.sessions = session_factory(self.engine)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    session: Session
    registry: RegistryRepository

    def __init__(self, database: Database) -> None:
        self.database = database

    def __enter__(self) -> UnitOfWork:
        self.session = self.database.sessions()
        self.registry = RegistryRepository(self.session)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        # Nothing is kept unless commit() was called: an error or an early exit leaves no half-write.
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
