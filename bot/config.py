"""Configuration from the environment: one typed settings object, built when asked (never at import time).

Every variable the assistant's own code reads is a field of `Settings`; docs/configuration.md lists them (and
tests/bot/test_configuration.py keeps the two in step). Nothing else in bot/ or actions/ reads os.environ.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Field, SecretStr, validator
from pydantic.fields import ModelField

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_FILE = PROJECT_ROOT / "var" / "assistant.db"
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")

# The longest chat message accepted, in characters: the web proxy (/api/chat) and the Rasa REST channel
# (bot/rasa/channels.py) both refuse longer ones.
MAX_MESSAGE_CHARS = 500
# Sanic workers per Rasa replica in `make run-cluster`, where the Redis lock store orders one conversation's turns
# across workers (docs/deploy.md). `make run` always runs one.
CLUSTER_SANIC_WORKERS = 2
# How long an identification lasts without a message (fractions allowed, for tests).
IDENTITY_IDLE_MINUTES = 30.0
RETENTION_DAYS = 180
# A draft link is shown in chat and may be forwarded or left in a browser's history: it lasts a few days.
DRAFT_LINK_DAYS = 7
# Reminders (python -m bot remind, docs/reminders.md): days before the renewal apply-by date, and how close the end of
# a registration must be before short hours are reminded of. Service choices, not numbers of the notice.
REMINDER_APPLY_BY_DAYS = (90, 60, 30, 7)
REMINDER_HOURS_SHORT_DAYS = 180

# Fields whose variable, when it is not a number above 0, is as good as unset (a typo must not stop a server).
_POSITIVE_WHOLE = ("max_message_chars", "wechat_text_limit_bytes", "cluster_sanic_workers", "identity_free_failures",
                   "identity_first_pause_seconds", "identity_max_failures", "identity_lock_minutes",
                   "retention_days", "draft_link_days", "reminder_hours_short_days")
_POSITIVE_FRACTIONAL = ("identity_idle_minutes", "wechat_passive_seconds", "rasa_timeout_seconds",
                        "action_timeout_seconds")


def _without_blanks(source: Callable[[BaseSettings], dict[str, Any]]) -> Callable[[BaseSettings], dict[str, Any]]:
    # `NAME=` in a shell or compose file means "not configured", as it always has here: the field keeps its
    # default and does not count as given (Settings.given).
    return lambda model: {name: value for name, value in source(model).items() if value != ""}


class Settings(BaseSettings):
    """One field per environment variable (its name in `env`); the default applies when it is unset or empty."""

    # --- data and dates ----------------------------------------------------------------------------
    database_url: str = Field(default=f"sqlite:///{DEFAULT_DATABASE_FILE}", env="DATABASE_URL", description=(
        "The registry's database (SQLAlchemy URL); a postgresql+psycopg2:// URL works the same."))
    today_override: dt.date | None = Field(default=None, env="ASSISTANT_TODAY", description=(
        "YYYY-MM-DD: the date the whole system treats as today; unset, today in China Standard Time."))
    tracker_store_url: str | None = Field(default=None, env="TRACKER_STORE_URL", description=(
        "Where Rasa keeps conversations; unset, the registry's database."))
    retention_days: int = Field(default=RETENTION_DAYS, env="RETENTION_DAYS", description=(
        "`python -m bot purge-old` deletes conversations and attempts older than this many days."))
    draft_link_days: int = Field(default=DRAFT_LINK_DAYS, env="DRAFT_LINK_DAYS", description=(
        "Days a draft's link opens it."))
    helpdesk_hours: str | None = Field(default=None, env="HELPDESK_HOURS", description=(
        "The helpdesk's hours, told when a conversation is handed over; unset, the text in data/messages."))
    policy_amendments_dir: Path | None = Field(default=None, env="POLICY_AMENDMENTS_DIR", description=(
        "A folder of amending documents (*.yml, data/policy/README.md) applied besides data/policy/amendments, each "
        "from its effective date; a relative path is under the project. Unset, only those."))
    answers_dir: Path = Field(default=PROJECT_ROOT / "data" / "answers", env="ANSWERS_DIR", description=(
        "The folder of answer templates (knowledge.yml, turns.yml, ...) the actions render and /staff/answers edits; "
        "a changed file is read again on the next turn."))
    reviewed_examples_file: Path = Field(default=PROJECT_ROOT / "data" / "nlu" / "reviewed.yml",
                                         env="REVIEWED_EXAMPLES_FILE", description=(
        "The training examples /staff/review writes from staff-reviewed messages, for the next `make train`."))

    # --- reminders: python -m bot remind (bot/services/reminders.py, docs/reminders.md) ---------------------------
    reminder_apply_by_days: tuple[int, ...] = Field(default=REMINDER_APPLY_BY_DAYS, env="REMINDER_APPLY_BY_DAYS",
                                                    description=(
        "Days before a renewal's apply-by date on which a registrant is reminded, comma-separated."))
    reminder_hours_short_days: int = Field(default=REMINDER_HOURS_SHORT_DAYS, env="REMINDER_HOURS_SHORT_DAYS",
                                           description=(
        "A registrant short of continuing-education hours is reminded once their registration ends within this "
        "many days."))
    reminder_registrant_channels: tuple[str, ...] = Field(default=("chat",), env="REMINDER_REGISTRANT_CHANNELS",
                                                          description=(
        "How registrants are reminded, comma-separated: chat (a notice after they identify), sms, wechat."))
    smtp_host: str | None = Field(default=None, env="SMTP_HOST", description=(
        "The mail server employers' reminder digests are sent through; unset, they wait in the outbox."))
    smtp_port: int = Field(default=25, env="SMTP_PORT", description="The mail server's port.")
    smtp_sender: str = Field(default="noreply@localhost", env="SMTP_SENDER", description=(
        "The From address of the reminder e-mails."))
    smtp_user: str | None = Field(default=None, env="SMTP_USER", description=(
        "The mail server's login; unset, no login."))
    smtp_password: SecretStr | None = Field(default=None, env="SMTP_PASSWORD", description=(
        "The mail server's password (with SMTP_USER)."))
    smtp_starttls: bool = Field(default=False, env="SMTP_STARTTLS", description=(
        "1: STARTTLS before logging in and sending."))

    # --- where each server listens and finds the others --------------------------------------------
    rasa_port: int = Field(default=5005, env="RASA_PORT", description="Rasa's port under `make run`.")
    action_port: int = Field(default=5055, env="ACTION_PORT", description="The action server's port.")
    web_port: int = Field(default=8000, env="WEB_PORT", description="The web server's port.")
    web_host: str = Field(default="127.0.0.1", env="WEB_HOST", description="The address the web server listens on.")
    sanic_host: str = Field(default="127.0.0.1", env="SANIC_HOST", description=(
        "The address the action server listens on."))
    rasa_url: str = Field(default="http://127.0.0.1:5005", env="RASA_URL", description=(
        "Where the web server reaches Rasa."))
    action_endpoint_url: str | None = Field(default=None, env="ACTION_ENDPOINT_URL", description=(
        "Where Rasa reaches the action server (endpoints.yml); unset, the supervisor sets "
        "http://127.0.0.1:ACTION_PORT/webhook."))
    public_base_url: str | None = Field(default=None, env="PUBLIC_BASE_URL", description=(
        "The address users reach the web server at, for draft links and the allowed origins; unset, "
        "http://localhost:WEB_PORT."))
    allowed_origins: str | None = Field(default=None, env="ASSISTANT_ALLOWED_ORIGINS", description=(
        "Origins (comma- or space-separated) other than the page's own that may call /api/chat; unset, the "
        "public address and the web port on 127.0.0.1."))
    rasa_timeout_seconds: float = Field(default=10.0, env="RASA_TIMEOUT_SECONDS", description=(
        "How long the web server waits for Rasa's answer to one message."))
    action_timeout_seconds: float = Field(default=8.0, env="ACTION_TIMEOUT_SECONDS", description=(
        "How long Rasa waits for an action before the user gets the apology."))
    max_message_chars: int = Field(default=MAX_MESSAGE_CHARS, env="MAX_MESSAGE_CHARS", description=(
        "The longest chat message accepted, in characters (the web server and Rasa's REST channel)."))
    cookie_secure: bool = Field(default=False, env="COOKIE_SECURE", description=(
        "1: cookies are Secure even when the request arrived as plain HTTP (behind a TLS proxy)."))
    redis_url: str | None = Field(default=None, env="REDIS_URL", description=(
        "Redis for Rasa's per-conversation locks (several replicas) and the attempt limits; unset, each "
        "process's memory."))

    # --- secrets: unset, each is made once under var/ (bot/security/kept_secrets.py), except the token secret ----
    assistant_secret: SecretStr | None = Field(default=None, env="ASSISTANT_SECRET", description=(
        "The secret from which the keys of draft links, cookies and sessions are derived."))
    assistant_token_secret: SecretStr | None = Field(default=None, env="ASSISTANT_TOKEN_SECRET", description=(
        "Signs the user tokens a host page passes in; unset, no token is accepted."))
    rasa_auth_token: SecretStr | None = Field(default=None, env="RASA_AUTH_TOKEN", description=(
        "The token Rasa's HTTP API requires."))
    rasa_webhook_secret: SecretStr | None = Field(default=None, env="RASA_WEBHOOK_SECRET", description=(
        "Only the web server may call Rasa's REST webhook: it sends this secret."))
    action_server_secret: SecretStr | None = Field(default=None, env="ACTION_SERVER_SECRET", description=(
        "Only Rasa may call the action server: it sends this secret."))

    # --- identification and its limits (bot/services/attempt_limits.py) ---------------------------------------
    identity_idle_minutes: float = Field(default=IDENTITY_IDLE_MINUTES, env="IDENTITY_IDLE_MINUTES", description=(
        "An identification ends after this many minutes without a message."))
    identity_free_failures: int = Field(default=5, env="IDENTITY_FREE_FAILURES", description=(
        "Wrong guesses about one name or account, within a day, before the pauses begin."))
    identity_first_pause_seconds: int = Field(default=60, env="IDENTITY_FIRST_PAUSE_SECONDS", description=(
        "The first pause after those, doubled with each further failure."))
    identity_failures_per_client: str = Field(default="60/hour", env="IDENTITY_FAILURES_PER_CLIENT", description=(
        "Wrong guesses from one client address (`limits` notation); generous, since a service hall puts many "
        "people behind one address."))
    identity_failures_overall: str = Field(default="500/10minutes", env="IDENTITY_FAILURES_OVERALL", description=(
        "Wrong guesses from everyone together (`limits` notation)."))
    rate_limit_storage_url: str | None = Field(default=None, env="RATE_LIMIT_STORAGE_URL", description=(
        "Where the attempt limits are counted (`limits` storage URL); unset, REDIS_URL, else memory://."))
    identity_max_failures: int = Field(default=5, env="IDENTITY_MAX_FAILURES", description=(
        "Wrong guesses in one conversation before it is locked."))
    identity_lock_minutes: int = Field(default=30, env="IDENTITY_LOCK_MINUTES", description=(
        "How long a conversation stays locked."))

    # --- WeChat Official Account and 企业微信 channels (bot/rasa/wechat.py, bot/rasa/wecom.py) --------------------
    wechat_app_id: str | None = Field(default=None, env="WECHAT_APP_ID", description=(
        "The Official Account's AppID, for the customer-service API's access token."))
    wechat_app_secret: SecretStr | None = Field(default=None, env="WECHAT_APP_SECRET", description=(
        "The Official Account's AppSecret (with WECHAT_APP_ID)."))
    wechat_token: SecretStr | None = Field(default=None, env="WECHAT_TOKEN", description=(
        "The Official Account's server Token, which signs every call to /webhooks/wechat/webhook; unset, that "
        "endpoint answers 404."))
    wechat_aes_key: SecretStr | None = Field(default=None, env="WECHAT_AES_KEY", description=(
        "The 43-character EncodingAESKey: set, messages are encrypted (safe mode); unset, plain mode."))
    wechat_account_verified: bool = Field(default=False, env="WECHAT_ACCOUNT_VERIFIED", description=(
        "true: the account may use the customer-service API, so an answer later than the 5-second window is sent "
        "through it; false, it is kept and given before the answer to the user's next message."))
    wechat_api_base_url: str = Field(default="https://api.weixin.qq.com", env="WECHAT_API_BASE_URL", description=(
        "The Official Account API's address (a simulator's in tests)."))
    wechat_passive_seconds: float = Field(default=4.0, env="WECHAT_PASSIVE_SECONDS", description=(
        "How long a WeChat or 企业微信 call waits for the answer to reply with it; later, it answers success and "
        "delivers the answer otherwise."))
    wechat_text_limit_bytes: int = Field(default=2048, env="WECHAT_TEXT_LIMIT_BYTES", description=(
        "The longest text message sent to WeChat or 企业微信, in bytes of UTF-8: longer answers are split at "
        "sentence ends."))
    wecom_corp_id: str | None = Field(default=None, env="WECOM_CORP_ID", description="The 企业微信 corp's CorpID.")
    wecom_agent_id: str | None = Field(default=None, env="WECOM_AGENT_ID", description=(
        "The self-built app's AgentId, for sending messages."))
    wecom_secret: SecretStr | None = Field(default=None, env="WECOM_SECRET", description=(
        "The self-built app's Secret, for the access token."))
    wecom_token: SecretStr | None = Field(default=None, env="WECOM_TOKEN", description=(
        "The app's callback Token, which signs every call to /webhooks/wecom/webhook; unset, that endpoint answers "
        "404."))
    wecom_aes_key: SecretStr | None = Field(default=None, env="WECOM_AES_KEY", description=(
        "The app's 43-character EncodingAESKey (企业微信 callbacks are always encrypted)."))
    wecom_api_base_url: str = Field(default="https://qyapi.weixin.qq.com", env="WECOM_API_BASE_URL", description=(
        "The 企业微信 API's address (a simulator's in tests)."))

    # --- `make run-cluster` (bot/ops/cluster) ----------------------------------------------------------
    cluster_sanic_workers: int = Field(default=CLUSTER_SANIC_WORKERS, env="SANIC_WORKERS", description=(
        "Sanic workers per Rasa replica in the cluster (Rasa reads the variable itself; `make run` sets 1)."))
    cluster_home: Path = Field(default=PROJECT_ROOT / "var" / "cluster", env="CLUSTER_HOME", description=(
        "Where the cluster keeps its databases, logs and configuration."))
    cluster_port: int = Field(default=8080, env="CLUSTER_PORT", description="nginx, the cluster's public port.")
    rasa_balancer_port: int = Field(default=5000, env="RASA_BALANCER_PORT", description=(
        "nginx's balancer in front of the Rasa replicas."))
    action_balancer_port: int = Field(default=5050, env="ACTION_BALANCER_PORT", description=(
        "nginx's balancer in front of the action servers."))
    rasa_ports: tuple[int, ...] = Field(default=(5005, 5006), env="RASA_PORTS", description=(
        "The Rasa replicas' ports, comma-separated: one replica each."))
    action_ports: tuple[int, ...] = Field(default=(5055, 5056), env="ACTION_PORTS", description=(
        "The action servers' ports, comma-separated: one server each."))
    postgres_port: int = Field(default=55432, env="POSTGRES_PORT", description="The cluster's PostgreSQL.")
    redis_port: int = Field(default=56379, env="REDIS_PORT", description="The cluster's Redis.")

    class Config:
        case_sensitive = True  # as the environment is: database_url=… is not DATABASE_URL

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str) -> Any:
            return raw_val  # lists are comma-separated, not JSON: the validators split them

        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any, file_secret_settings: Any) -> Any:
            return init_settings, _without_blanks(env_settings)

    @validator(*_POSITIVE_WHOLE, pre=True)
    def _whole_above_zero(cls, value: Any, field: ModelField) -> Any:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return field.default
        return number if number > 0 else field.default

    @validator(*_POSITIVE_FRACTIONAL, pre=True)
    def _above_zero(cls, value: Any, field: ModelField) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return field.default
        return number if number > 0 else field.default

    @validator("today_override", pre=True)
    def _iso_date(cls, value: Any) -> Any:
        # Only YYYY-MM-DD: pydantic would also take a number as a Unix time.
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    @validator("reminder_apply_by_days", pre=True)
    def _days_before(cls, value: Any, field: ModelField) -> Any:
        # Whole days above 0, farthest first; anything else keeps the default (a typo must not stop the reminders).
        parts = value.split(",") if isinstance(value, str) else value
        try:
            days = sorted({int(str(part).strip()) for part in parts}, reverse=True)
        except (TypeError, ValueError):
            return field.default
        return tuple(days) if days and days[-1] > 0 else field.default

    @validator("reminder_registrant_channels", pre=True)
    def _channel_names(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
        return value

    @validator("cookie_secure", "smtp_starttls", pre=True)
    def _exactly_one(cls, value: Any) -> Any:
        return value == "1" if isinstance(value, str) else value

    @validator("rasa_ports", "action_ports", pre=True)
    def _comma_separated(cls, value: Any) -> Any:
        return tuple(part.strip() for part in value.split(",")) if isinstance(value, str) else value

    def given(self, field: str) -> bool:
        """Whether the environment set this field (to something not empty), rather than it keeping its default."""
        return field in self.__fields_set__

    def public_address(self) -> str:
        return self.public_base_url or f"http://localhost:{self.web_port}"


class _GivenEnvironment(Settings):
    """Settings from one mapping alone (tests): os.environ is not consulted."""

    class Config:
        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any, file_secret_settings: Any) -> Any:
            return (init_settings,)


def variables() -> dict[str, str]:
    """Each environment variable read, and the settings field it fills."""
    return {next(iter(field.field_info.extra["env_names"])): name for name, field in Settings.__fields__.items()}


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `environ` alone when given, else from the process's environment, as it is now."""
    if environ is None:
        raw = getattr(os.environ, "_data", None)  # the bytes behind os.environ: no decoding; a plain dict in some tests
        return _settings_while(tuple((raw if raw is not None else os.environ).items()))
    fields = variables()
    given: dict[str, Any] = {fields[name]: value for name, value in environ.items() if name in fields and value != ""}
    return _GivenEnvironment(**given)


@lru_cache(maxsize=4)
def _settings_while(environment: tuple[tuple[Any, Any], ...]) -> Settings:
    """Built again only when the environment changed (tests change it): building costs about 0.7 ms, and several
    reads happen on every turn."""
    return Settings()


def _field_of(variable: str) -> str:
    try:
        return variables()[variable]
    except KeyError:
        raise KeyError(f"{variable} is not a setting: add it to bot.config.Settings") from None


def secret(variable: str, environ: Mapping[str, str] | None = None) -> str | None:
    """A secret's configured value (the variable named), or None when it is unset."""
    value = getattr(settings(environ), _field_of(variable))
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def tracker_store_url(environ: Mapping[str, str] | None = None) -> str:
    """Where Rasa keeps conversations: TRACKER_STORE_URL, else the registry's database."""
    found = settings(environ)
    return found.tracker_store_url or found.database_url


def today(environ: Mapping[str, str] | None = None) -> dt.date:
    """The date the whole system treats as today: ASSISTANT_TODAY, or today in China Standard Time."""
    override = settings(environ).today_override
    return override if override is not None else dt.datetime.now(CHINA_STANDARD_TIME).date()


def positive_number(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """The whole-number setting read from variable `name`; `default` must be its field's (one default, here)."""
    field = Settings.__fields__[_field_of(name)]
    if field.default != default:
        raise ValueError(f"{name}'s default is {field.default} in bot.config.Settings, not {default}")
    return int(getattr(settings(environ), field.name))


def max_message_chars(environ: Mapping[str, str] | None = None) -> int:
    return settings(environ).max_message_chars


def rasa_url(environ: Mapping[str, str] | None = None) -> str:
    """Where the web server reaches Rasa: RASA_URL, default Rasa on this machine's loopback."""
    return settings(environ).rasa_url


def cluster_sanic_workers(environ: Mapping[str, str] | None = None) -> int:
    return settings(environ).cluster_sanic_workers


def cookie_secure_forced(environ: Mapping[str, str] | None = None) -> bool:
    """COOKIE_SECURE=1: cookies are Secure even when the request arrived as plain HTTP (behind a TLS proxy)."""
    return settings(environ).cookie_secure


def _default(field: str) -> Any:
    return Settings.__fields__[field].default


@dataclass(frozen=True)
class AttemptLimitSettings:
    """Wrong guesses allowed (bot/services/attempt_limits.py); Settings' IDENTITY_* fields fill it from the
    environment."""

    free_failures_per_subject: int = _default("identity_free_failures")  # within the window, per name or account
    first_pause_seconds: int = _default("identity_first_pause_seconds")  # doubled with each further failure
    longest_pause_seconds: int = 24 * 3600
    subject_window_seconds: int = 24 * 3600
    failures_per_client: str = _default("identity_failures_per_client")
    failures_overall: str = _default("identity_failures_overall")
    storage_url: str = "memory://"  # RATE_LIMIT_STORAGE_URL, else REDIS_URL, else this process's memory
    failures_per_conversation: int = _default("identity_max_failures")  # then the conversation is locked
    conversation_lock_minutes: int = _default("identity_lock_minutes")


def attempt_limit_settings(environ: Mapping[str, str] | None = None) -> AttemptLimitSettings:
    found = settings(environ)
    return AttemptLimitSettings(
        free_failures_per_subject=found.identity_free_failures,
        first_pause_seconds=found.identity_first_pause_seconds,
        failures_per_client=found.identity_failures_per_client,
        failures_overall=found.identity_failures_overall,
        storage_url=found.rate_limit_storage_url or found.redis_url or AttemptLimitSettings.storage_url,
        failures_per_conversation=found.identity_max_failures,
        conversation_lock_minutes=found.identity_lock_minutes)


@dataclass(frozen=True)
class ReminderSettings:
    """What a reminder run needs (bot/services/reminders.py); Settings' REMINDER_* and SMTP_* fields fill it."""

    apply_by_days: tuple[int, ...] = REMINDER_APPLY_BY_DAYS  # farthest first
    hours_short_days: int = REMINDER_HOURS_SHORT_DAYS
    registrant_channels: tuple[str, ...] = ("chat",)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "noreply@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False


def reminder_settings(environ: Mapping[str, str] | None = None) -> ReminderSettings:
    found = settings(environ)
    password = found.smtp_password.get_secret_value() if found.smtp_password else None
    return ReminderSettings(
        apply_by_days=found.reminder_apply_by_days, hours_short_days=found.reminder_hours_short_days,
        registrant_channels=found.reminder_registrant_channels, smtp_host=found.smtp_host, smtp_port=found.smtp_port,
        smtp_sender=found.smtp_sender, smtp_user=found.smtp_user, smtp_password=password,
        smtp_starttls=found.smtp_starttls)


def policy_amendments_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """POLICY_AMENDMENTS_DIR, relative to the project when not absolute; None when unset. Applied where the
    processes start (bot/ops/action_server.py): rules_engine.policy.install_policy."""
    found = settings(environ).policy_amendments_dir
    return None if found is None else PROJECT_ROOT / found


def identity_idle_seconds(environ: Mapping[str, str] | None = None) -> float:
    return settings(environ).identity_idle_minutes * 60


def process_environment() -> dict[str, str]:
    """A copy of this process's environment, for the children it starts (they read their own settings from it)."""
    return dict(os.environ)


def export_to_environment(values: Mapping[str, str], keep_existing: bool = False) -> None:
    """Set variables in this process's environment: for the children it starts, and for Rasa, which substitutes
    ${...} in endpoints.yml from its own environment. The settings read afterwards see them."""
    for name, value in values.items():
        if not (keep_existing and os.environ.get(name)):
            os.environ[name] = value
