"""How many wrong guesses a name, an address and the whole service may make: identification in chat (name and
last six, credit code and access code) and the staff and employer logins.

Three counts, none reset by anyone's success:
- per subject (the name, credit code or user name tried), in the database, so every replica and every
  conversation sees the same count: after a few failures within the window the subject is paused, the pause
  doubling with each further failure. The reply is the same whether or not the subject exists;
- per client address, and overall, with the `limits` library (a moving window): in Redis when REDIS_URL or
  RATE_LIMIT_STORAGE_URL is set, so that replicas share it; in the process's memory otherwise (one process in
  `make run`).
The per-conversation lock-out (bot/services/identity.py) stays in front of these.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.config import AttemptLimitSettings
from bot.security.keys import pseudonym
from bot.store.unit_of_work import UnitOfWork

OVERALL = "overall"


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the conversation (or web login) and the client's address, as pseudonyms."""

    kind: str
    conversation_key: str
    client_key: str | None

    @classmethod
    def of(cls, kind: str, conversation: str, client_address: str | None) -> Attempt:
        return cls(kind, pseudonym(conversation, 32), pseudonym(client_address, 32) if client_address else None)


def subject_key(kind: str, subject: str) -> str:
    """The same name typed in full-width or with spaces is the same subject."""
    normal = "".join(unicodedata.normalize("NFKC", subject).split()).upper()
    return pseudonym(f"{kind}:{normal}", 32)


class AttemptLimits:
    def __init__(self, settings: AttemptLimitSettings) -> None:
        self.settings = settings
        # The strategy holds its storage by a weak reference only: the storage must live as long as this object.
        self.storage = storage_from_string(settings.storage_url)
        self.window = MovingWindowRateLimiter(self.storage)
        self.per_client: RateLimitItem = parse(settings.failures_per_client)
        self.overall: RateLimitItem = parse(settings.failures_overall)

    def paused_until(self, uow: UnitOfWork, attempt: Attempt, subject: str, now: dt.datetime) -> dt.datetime | None:
        """When trying this subject from this client is allowed again; None when it is allowed now."""
        pauses = [self._subject_pause(uow, attempt.kind, subject_key(attempt.kind, subject), now)]
        if attempt.client_key and not self.window.test(self.per_client, attempt.kind, attempt.client_key):
            pauses.append(now + dt.timedelta(seconds=self.per_client.get_expiry()))
        if not self.window.test(self.overall, attempt.kind, OVERALL):
            pauses.append(now + dt.timedelta(seconds=self.overall.get_expiry()))
        found = [pause for pause in pauses if pause is not None and pause > now]
        return max(found) if found else None

    def record(self, uow: UnitOfWork, attempt: Attempt, subject: str, succeeded: bool, now: dt.datetime,
               person_id: str | None = None, employer_code: str | None = None) -> None:
        """Note the attempt (the caller commits); a failure also counts against the address and overall."""
        uow.attempts.add(attempt.conversation_key, attempt.kind, now, succeeded,
                         subject_key=subject_key(attempt.kind, subject), client_key=attempt.client_key,
                         person_id=person_id, employer_code=employer_code)
        if not succeeded:
            if attempt.client_key:
                self.window.hit(self.per_client, attempt.kind, attempt.client_key)
            self.window.hit(self.overall, attempt.kind, OVERALL)

    def _subject_pause(self, uow: UnitOfWork, kind: str, key: str, now: dt.datetime) -> dt.datetime | None:
        since = now - dt.timedelta(seconds=self.settings.subject_window_seconds)
        failures, latest = uow.attempts.subject_failures(kind, key, since)
        beyond = failures - self.settings.free_failures_per_subject
        if beyond < 0 or latest is None:
            return None
        pause = min(self.settings.first_pause_seconds * 2 ** beyond, self.settings.longest_pause_seconds)
        return latest + dt.timedelta(seconds=pause)
