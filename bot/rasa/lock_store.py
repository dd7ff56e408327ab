"""Rasa's lock store: Redis when REDIS_URL is set (several Rasa replicas), else in memory (one process)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.config import settings


def lock_store_from_environment(environ: dict[str, str] | None = None) -> LockStore:
    url = settings(environ).redis_url
    if not url:
        return InMemoryLockStore()
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 1)
    return RedisLockStore(host=parts.hostname or "localhost", port=parts.port or 6379, db=database,
                          password=parts.password, use_ssl=parts.scheme == "rediss", key_prefix="qianjian")


class EnvironmentLockStore(LockStore):  # type: ignore[misc]
    """Named in endpoints.yml; Rasa calls it with the endpoint config, and gets the store the environment asks for."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        return lock_store_from_environment()
