"""Who is asking: a registrant by name and the last six ID characters, a signed token from a host
page, or an employer by credit code and access code. Failures are counted per conversation, and per name, address
and overall (bot/services/attempt_limits.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.config import AttemptLimitSettings, settings
from bot.security.passwords import hash_secret, secret_matches
from bot.services.attempt_limits import Attempt, AttemptLimits
from bot.store.unit_of_work import UnitOfWork
from rules_engine.identity import mask_id_number
from rules_engine.record import Record

ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
ACCESS_CODE_LENGTH = 8


# The key of the custom message that tells the chat page who is identified (bot/web/app.py takes it out).
IDENTITY_PAYLOAD = "identity"


class Outcome(Enum):
    VERIFIED = "verified"
    MISMATCH = "mismatch"   # never says which half was wrong, nor whether the name exists
    LOCKED = "locked"       # this conversation, this name or this address: the reply does not say which
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    record: Record | None = None
    locked_until: dt.datetime | None = None
    failures_left: int = 0

    @property
    def masked_id(self) -> str | None:
        return mask_id_number(self.record.id_number) if self.record else None


def normalise_last6(text: str) -> str:
    """Full-width digits and a lower-case x are what people type on phones."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def _conversation_lock(uow: UnitOfWork, attempt: Attempt, settings: AttemptLimitSettings,
                       now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """This conversation's failures since its last success, and the end of its lock if one is running."""
    rows = uow.attempts.conversation_history(attempt.conversation_key, attempt.kind)
    failures: list[dt.datetime] = []
    for at, succeeded in rows:
        if succeeded:
            break
        failures.append(at)
    if len(failures) >= settings.failures_per_conversation:
        until = failures[0] + dt.timedelta(minutes=settings.conversation_lock_minutes)
        if now < until:
            return len(failures), until
    return len(failures), None


LOCKED_SUFFIX = "_while_locked"  # recorded like every attempt, but counted towards no limit


def _refused_while_locked(uow: UnitOfWork, attempt: Attempt, now: dt.datetime) -> None:
    uow.attempts.add(attempt.conversation_key, attempt.kind + LOCKED_SUFFIX, now, False,
                     client_key=attempt.client_key)


def _locked_until(uow: UnitOfWork, limits: AttemptLimits, attempt: Attempt, subject: str,
                  now: dt.datetime) -> tuple[int, dt.datetime | None]:
    failures, conversation_until = _conversation_lock(uow, attempt, limits.settings, now)
    pauses = [until for until in (conversation_until, limits.paused_until(uow, attempt, subject, now)) if until]
    return failures, max(pauses) if pauses else None


def verify_registrant(uow: UnitOfWork, limits: AttemptLimits, attempt: Attempt, name: str, last6: str,
                      now: dt.datetime) -> Verification:
    """Whoever asks and whatever the answer, the attempt is recorded: one commit per call."""
    verification = _verify_registrant(uow, limits, attempt, name, last6, now)
    uow.commit()
    return verification


def _verify_registrant(uow: UnitOfWork, limits: AttemptLimits, attempt: Attempt, name: str, last6: str,
                       now: dt.datetime) -> Verification:
    name = name.strip()
    failures, locked_until = _locked_until(uow, limits, attempt, name, now)
    if locked_until is not None:
        _refused_while_locked(uow, attempt, now)
        return Verification(Outcome.LOCKED, locked_until=locked_until)
    matches = uow.registry.find_by_name_and_id_last6(name, normalise_last6(last6))
    if len(matches) == 1:
        limits.record(uow, attempt, name, True, now, person_id=matches[0].person_id)
        return Verification(Outcome.VERIFIED, matches[0])
    limits.record(uow, attempt, name, False, now)
    if len(matches) > 1:
        return Verification(Outcome.AMBIGUOUS)
    return _after_failure(uow, limits, attempt, name, failures + 1, now, Verification)  # type: ignore[no-any-return]


def _after_failure(uow: UnitOfWork, limits: AttemptLimits, attempt: Attempt, subject: str, failures: int,
                   now: dt.datetime, result: type[Any]) -> Any:
    allowed = limits.settings.failures_per_conversation
    if failures >= allowed:
        lock = dt.timedelta(minutes=limits.settings.conversation_lock_minutes)
        return result(Outcome.LOCKED, locked_until=now + lock)
    paused = limits.paused_until(uow, attempt, subject, now)
    if paused is not None:
        return result(Outcome.LOCKED, locked_until=paused)
    return result(Outcome.MISMATCH, failures_left=allowed - failures)


# --- signed tokens from a host page ------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_secret() -> bytes | None:
    secret = settings().assistant_token_secret
    return secret.get_secret_value().encode("utf-8") if secret else None


def sign_token(person_id: str, expires: dt.datetime, secret: bytes) -> str:
    payload = _b64(json.dumps({"person_id": person_id, "exp": int(expires.timestamp())}).encode("utf-8"))
    signature = _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def person_from_token(token: str, now: dt.datetime, secret: bytes | None) -> str | None:
    """The person_id of a valid, unexpired token; None for anything else."""
    if not secret or not isinstance(token, str) or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    expected = _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        return None
    try:
        claims = json.loads(_unb64(payload))
        expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.timezone.utc)
        person_id = str(claims["person_id"])
    except (ValueError, KeyError, TypeError):
        return None
    return person_id if now.astimezone(dt.timezone.utc) < expires else None


def claim_host_token(uow: UnitOfWork, token: str, conversation_key: str, now: dt.datetime) -> bool:
    """Whether this conversation may use the token: the first conversation that brings it owns it, so a copy
    (from a log, a shared link or another person's page) opens nothing elsewhere."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    owner = uow.attempts.token_owner(digest)
    if owner is None:
        try:
            uow.attempts.add_token_use(digest, conversation_key, now)
            uow.commit()
            return True
        except IntegrityError:  # another replica claimed it a moment ago
            uow.rollback()
            owner = uow.attempts.token_owner(digest)
    return owner == conversation_key


# --- employers -----------------------------------------------------------------------------------


def issue_access_code(uow: UnitOfWork, credit_code: str) -> str | None:
    """A new access code for the employer (the old one stops working); None if it is unknown."""
    if uow.registry.employer(credit_code) is None:
        return None
    code = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))
    uow.registry.set_access_code_hash(credit_code, hash_secret(code))
    uow.commit()
    return code


@dataclass(frozen=True)
class EmployerVerification:
    outcome: Outcome
    credit_code: str | None = None
    name: str | None = None
    locked_until: dt.datetime | None = None
    failures_left: int = 0


def verify_employer(uow: UnitOfWork, limits: AttemptLimits, attempt: Attempt, credit_code: str, access_code: str,
                    now: dt.datetime) -> EmployerVerification:
    """Like verify_registrant: the attempt is recorded whatever the answer, in one commit."""
    verification = _verify_employer(uow, limits, attempt, credit_code, access_code, now)
    uow.commit()
    return verification


def _verify_employer(uow: UnitOfWork, limits: AttemptLimits, attempt: Attempt, credit_code: str, access_code: str,
                     now: dt.datetime) -> EmployerVerification:
    code = normalise_last6(credit_code)
    failures, locked_until = _locked_until(uow, limits, attempt, code, now)
    if locked_until is not None:
        _refused_while_locked(uow, attempt, now)
        return EmployerVerification(Outcome.LOCKED, locked_until=locked_until)
    employer = uow.registry.employer(code)
    if employer is not None and secret_matches(normalise_last6(access_code), employer["access_code_hash"]):
        limits.record(uow, attempt, code, True, now, employer_code=code)
        return EmployerVerification(Outcome.VERIFIED, code, employer["name"])
    limits.record(uow, attempt, code, False, now)
    return _after_failure(uow, limits, attempt, code, failures + 1, now, EmployerVerification)  # type: ignore[no-any-return]
