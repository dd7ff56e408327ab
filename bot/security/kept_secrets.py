"""Secrets come from the environment; when one is unset, a random one is made once under var/ (never in git)."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from bot.config import PROJECT_ROOT, secret

SECRETS_DIR = PROJECT_ROOT / "var"


def environment_or_kept_secret(variable: str, file_name: str) -> str:
    configured = secret(variable)
    if configured:
        return configured
    path = SECRETS_DIR / file_name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Others (and the group, beyond search) get nothing: a clone made with a wide umask, or var/ from an earlier
    # version, is narrowed here. Group search alone is left: as root, bot/ops/cluster/layout.py grants it to the
    # postgres group so that PostgreSQL can reach its data directory under var/cluster.
    if path.parent.stat().st_mode & 0o067:
        path.parent.chmod(0o700)
    if not path.exists():
        _create_once(path)
    return path.read_text(encoding="ascii").strip()


def _create_once(path: Path) -> None:
    """Written whole under another name, then linked into place: the servers start at once and each may get here,
    and every one of them must end up reading the same, complete secret (a link fails if the name exists)."""
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        os.chmod(draft, 0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs is the secret
            os.link(draft, path)
    finally:
        os.unlink(draft)


def rasa_auth_token() -> str:
    """Rasa's HTTP API (/model/parse, trackers…) answers only requests carrying this token."""
    return environment_or_kept_secret("RASA_AUTH_TOKEN", "rasa-auth-token")


# Rasa's REST webhook answers only the web server, and the action server only Rasa: each call carries a secret in
# a header (docs/security.md). Unset, both sides of the call read the same kept file on this machine.
WEBHOOK_SECRET_HEADER = "X-Qianjian-Webhook-Secret"
ACTION_SECRET_HEADER = "X-Qianjian-Action-Secret"


def webhook_secret() -> str:
    return environment_or_kept_secret("RASA_WEBHOOK_SECRET", "rasa-webhook-secret")


def action_server_secret() -> str:
    return environment_or_kept_secret("ACTION_SERVER_SECRET", "action-server-secret")


def webhook_headers() -> dict[str, str]:
    """What a caller of Rasa's REST webhook sends (the web server; tests and benchmarks on this machine)."""
    return {WEBHOOK_SECRET_HEADER: webhook_secret()}
