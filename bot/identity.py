"""Who is asking: a registrant by name and the last six ID characters, a signed token from a host
page, or an employer by credit code and access code. Failures are counted per conversation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import insert, select, update

from bot.db.models import Employer, VerificationAttempt
from bot.passwords import hash_secret, secret_matches
from bot.registry.unit_of_work import UnitOfWork
from rules_engine.identity import mask_id_number
from rules_engine.record import Record

MAX_FAILURES = int(os.environ.get("IDENTITY_MAX_FAILURES", "5"))
LOCK_MINUTES = int(os.environ.get("IDENTITY_LOCK_MINUTES", "30"))
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
ACCESS_CODE_LENGTH = 8
ATTEMPTS = VerificationAttempt.__table__
EMPLOYERS = Employer.__table__


class Outcome(Enum):
    VERIFIED = "verified"
    MISMATCH = "mismatch"   # never says which half was wrong, nor whether the name exists
    LOCKED = "locked"
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


def _lock_state(uow: UnitOfWork, conversation_id: str, kind: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Failures since the last success, and the end of the lock if one is running."""
    rows = uow.session.execute(
        select(ATTEMPTS.c.at, ATTEMPTS.c.succeeded)
        .where(ATTEMPTS.c.conversation_id == conversation_id, ATTEMPTS.c.kind == kind)
        .order_by(ATTEMPTS.c.at.desc(), ATTEMPTS.c.id.desc())).all()
    failures: list[dt.datetime] = []
    for at, succeeded in rows:
        if succeeded:
            break
        failures.append(at)
    if len(failures) >= MAX_FAILURES:
        until = failures[0] + dt.timedelta(minutes=LOCK_MINUTES)
        if now < until:
            return len(failures), until
    return len(failures), None


def _record_attempt(uow: UnitOfWork, conversation_id: str, kind: str, now: dt.datetime, succeeded: bool,
                    person_id: str | None = None, employer_code: str | None = None) -> None:
    uow.session.execute(insert(ATTEMPTS).values(conversation_id=conversation_id, kind=kind, at=now,
                                                succeeded=succeeded, person_id=person_id,
                                                employer_code=employer_code))


LOCKED_SUFFIX = "_while_locked"  # recorded like every attempt, but not counted again towards the lock


def verify_registrant(uow: UnitOfWork, conversation_id: str, name: str, last6: str, now: dt.datetime) -> Verification:
    failures, locked_until = _lock_state(uow, conversation_id, "registrant", now)
    if locked_until is not None:
        _record_attempt(uow, conversation_id, "registrant" + LOCKED_SUFFIX, now, False)
        uow.commit()
        return Verification(Outcome.LOCKED, locked_until=locked_until)
    matches = uow.registry.find_by_name_and_id_last6(name.strip(), normalise_last6(last6))
    if len(matches) == 1:
        _record_attempt(uow, conversation_id, "registrant", now, True, matches[0].person_id)
        uow.commit()
        return Verification(Outcome.VERIFIED, matches[0])
    _record_attempt(uow, conversation_id, "registrant", now, False)
    uow.commit()
    if len(matches) > 1:
        return Verification(Outcome.AMBIGUOUS)
    failures += 1
    if failures >= MAX_FAILURES:
        return Verification(Outcome.LOCKED, locked_until=now + dt.timedelta(minutes=LOCK_MINUTES))
    return Verification(Outcome.MISMATCH, failures_left=MAX_FAILURES - failures)


# --- signed tokens from a host page ------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_secret() -> bytes | None:
    secret = os.environ.get("ASSISTANT_TOKEN_SECRET")
    return secret.encode("utf-8") if secret else None


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


# --- employers -----------------------------------------------------------------------------------


def issue_access_code(uow: UnitOfWork, credit_code: str) -> str | None:
    """A new access code for the employer (the old one stops working); None if it is unknown."""
    if uow.registry.employer(credit_code) is None:
        return None
    code = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))
    uow.session.execute(update(EMPLOYERS).where(EMPLOYERS.c.credit_code == credit_code)
                        .values(access_code_hash=hash_secret(code)))
    uow.commit()
    return code


@dataclass(frozen=True)
class EmployerVerification:
    outcome: Outcome
    credit_code: str | None = None
    name: str | None = None
    locked_until: dt.datetime | None = None
    failures_left: int = 0


def verify_employer(uow: UnitOfWork, conversation_id: str, credit_code: str, access_code: str,
                    now: dt.datetime) -> EmployerVerification:
    failures, locked_until = _lock_state(uow, conversation_id, "employer", now)
    if locked_until is not None:
        _record_attempt(uow, conversation_id, "employer" + LOCKED_SUFFIX, now, False)
        uow.commit()
        return EmployerVerification(Outcome.LOCKED, locked_until=locked_until)
    code = normalise_last6(credit_code)
    employer = uow.registry.employer(code)
    if employer is not None and secret_matches(normalise_last6(access_code), employer["access_code_hash"]):
        _record_attempt(uow, conversation_id, "employer", now, True, employer_code=code)
        uow.commit()
        return EmployerVerification(Outcome.VERIFIED, code, employer["name"])
    _record_attempt(uow, conversation_id, "employer", now, False)
    uow.commit()
    failures += 1
    if failures >= MAX_FAILURES:
        return EmployerVerification(Outcome.LOCKED, locked_until=now + dt.timedelta(minutes=LOCK_MINUTES))
    return EmployerVerification(Outcome.MISMATCH, failures_left=MAX_FAILURES - failures)
