"""One transaction over the registry: commit as a whole or roll back as a whole."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.store.attempts import AttemptRepository
from bot.store.audit import AuditRepository
from bot.store.drafts import DraftRepository
from bot.store.engine import make_engine, session_factory
from bot.store.records import RegistryRepository
from bot.store.reminders import ReminderRepository
from bot.store.staff_accounts import StaffAccountRepository
from bot.store.tickets import TicketRepository
from bot.store.turns import TurnRepository
from bot.store.web_sessions import WebSessionRepository
from bot.store.wechat import WeChatRepository


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
    """The repositories share one session; the session itself stays private, so every statement is a named
    repository method and only the use case that opened the unit of work decides when it is committed."""

    _session: Session
    registry: RegistryRepository
    drafts: DraftRepository
    tickets: TicketRepository
    staff: StaffAccountRepository
    audit: AuditRepository
    attempts: AttemptRepository
    web_sessions: WebSessionRepository
    turns: TurnRepository
    reminders: ReminderRepository
    wechat: WeChatRepository

    def __init__(self, database: Database) -> None:
        self.database = database

    def __enter__(self) -> UnitOfWork:
        self._session = self.database.sessions()
        self.registry = RegistryRepository(self._session)
        self.drafts = DraftRepository(self._session)
        self.tickets = TicketRepository(self._session)
        self.staff = StaffAccountRepository(self._session)
        self.audit = AuditRepository(self._session)
        self.attempts = AttemptRepository(self._session)
        self.web_sessions = WebSessionRepository(self._session)
        self.turns = TurnRepository(self._session)
        self.reminders = ReminderRepository(self._session)
        self.wechat = WeChatRepository(self._session)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        # Nothing is kept unless commit() was called: an error or an early exit leaves no half-write.
        self._session.rollback()
        self._session.close()

    def commit(self) -> None:
        self._session.commit()

    def rollback(self) -> None:
        self._session.rollback()
