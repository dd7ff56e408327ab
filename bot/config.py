"""Configuration from the environment, read in one place when asked (never at import time)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_FILE = PROJECT_ROOT / "var" / "assistant.db"
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


@dataclass(frozen=True)
class Settings:
    database_url: str
    today_override: dt.date | None


def settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_FILE}"
    override = env.get("ASSISTANT_TODAY")
    return Settings(url, dt.date.fromisoformat(override) if override else None)


def tracker_store_url(environ: dict[str, str] | None = None) -> str:
    """Where Rasa keeps conversations: TRACKER_STORE_URL, else the registry's database."""
    env = dict(os.environ) if environ is None else environ
    return env.get("TRACKER_STORE_URL") or settings(env).database_url


def today(environ: dict[str, str] | None = None) -> dt.date:
    """The date the whole system treats as today: ASSISTANT_TODAY, or today in China Standard Time."""
    override = settings(environ).today_override
    return override if override is not None else dt.datetime.now(CHINA_STANDARD_TIME).date()


# The longest chat message accepted, in characters: the web proxy (/api/chat) and the Rasa REST
# channel (bot/channels.py) both refuse longer ones. MAX_MESSAGE_CHARS in the environment overrides it.
MAX_MESSAGE_CHARS = 500


def positive_number(name: str, default: int, environ: dict[str, str] | None = None) -> int:
    """The environment variable as a whole number above 0; the default when it is unset or anything else."""
    env = os.environ if environ is None else environ
    try:
        value = int(env.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_message_chars(environ: dict[str, str] | None = None) -> int:
    return positive_number("MAX_MESSAGE_CHARS", MAX_MESSAGE_CHARS, environ)


def rasa_url(environ: dict[str, str] | None = None) -> str:
    """Where the web server reaches Rasa: RASA_URL, default Rasa on this machine's loopback."""
    env = os.environ if environ is None else environ
    return env.get("RASA_URL") or "http://127.0.0.1:5005"


# Sanic workers per Rasa replica in `make run-cluster`, where the Redis lock store orders one conversation's turns
# across workers (docs/deploy.md); SANIC_WORKERS overrides it. `make run` always runs one.
CLUSTER_SANIC_WORKERS = 2


def cluster_sanic_workers(environ: dict[str, str] | None = None) -> int:
    return positive_number("SANIC_WORKERS", CLUSTER_SANIC_WORKERS, environ)


def cookie_secure_forced(environ: dict[str, str] | None = None) -> bool:
    """COOKIE_SECURE=1: cookies are Secure even when the request arrived as plain HTTP (behind a TLS proxy)."""
    env = os.environ if environ is None else environ
    return env.get("COOKIE_SECURE") == "1"


@dataclass(frozen=True)
class AttemptLimitSettings:
    """Wrong guesses allowed (bot/attempt_limits.py); the environment variables of the same names override them."""

    free_failures_per_subject: int = 5          # IDENTITY_FREE_FAILURES, within the window, per name or account
    first_pause_seconds: int = 60               # IDENTITY_FIRST_PAUSE_SECONDS, doubled with each further failure
    longest_pause_seconds: int = 24 * 3600
    subject_window_seconds: int = 24 * 3600
    # IDENTITY_FAILURES_PER_CLIENT (the `limits` notation): generous, since a service hall puts many people behind
    # one address; the per-name pause is what stops guessing one person.
    failures_per_client: str = "60/hour"
    failures_overall: str = "500/10minutes"     # IDENTITY_FAILURES_OVERALL
    storage_url: str = "memory://"              # RATE_LIMIT_STORAGE_URL, else REDIS_URL, else this process's memory
    failures_per_conversation: int = 5          # IDENTITY_MAX_FAILURES, then the conversation is locked
    conversation_lock_minutes: int = 30         # IDENTITY_LOCK_MINUTES


def attempt_limit_settings(environ: dict[str, str] | None = None) -> AttemptLimitSettings:
    env = dict(os.environ) if environ is None else environ
    default = AttemptLimitSettings()
    return AttemptLimitSettings(
        free_failures_per_subject=positive_number("IDENTITY_FREE_FAILURES", default.free_failures_per_subject, env),
        first_pause_seconds=positive_number("IDENTITY_FIRST_PAUSE_SECONDS", default.first_pause_seconds, env),
        failures_per_client=env.get("IDENTITY_FAILURES_PER_CLIENT") or default.failures_per_client,
        failures_overall=env.get("IDENTITY_FAILURES_OVERALL") or default.failures_overall,
        storage_url=env.get("RATE_LIMIT_STORAGE_URL") or env.get("REDIS_URL") or default.storage_url,
        failures_per_conversation=positive_number("IDENTITY_MAX_FAILURES", default.failures_per_conversation, env),
        conversation_lock_minutes=positive_number("IDENTITY_LOCK_MINUTES", default.conversation_lock_minutes, env))


# How long an identification lasts without a message (IDENTITY_IDLE_MINUTES; fractions allowed, for tests).
IDENTITY_IDLE_MINUTES = 30.0


def identity_idle_seconds(environ: dict[str, str] | None = None) -> float:
    env = os.environ if environ is None else environ
    try:
        minutes = float(env.get("IDENTITY_IDLE_MINUTES") or IDENTITY_IDLE_MINUTES)
    except ValueError:
        minutes = IDENTITY_IDLE_MINUTES
    return (minutes if minutes > 0 else IDENTITY_IDLE_MINUTES) * 60
