"""Secrets come from the environment; when one is unset, a random one is made once under var/ (never in git)."""

from __future__ import annotations

import os
import secrets

from bot.config import PROJECT_ROOT

SECRETS_DIR = PROJECT_ROOT / "var"


def environment_or_kept_secret(variable: str, file_name: str) -> str:
    configured = os.environ.get(variable)
    if configured:
        return configured
    path = SECRETS_DIR / file_name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def rasa_auth_token() -> str:
    """Rasa's HTTP API (/model/parse, trackers…) answers only requests carrying this token."""
    return environment_or_kept_secret("RASA_AUTH_TOKEN", "rasa-auth-token")
