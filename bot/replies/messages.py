"""Chinese wording of the application, kept in data/messages/*.yml and looked up by key."""

from __future__ import annotations

from functools import cache

import yaml

from bot.config import PROJECT_ROOT

MESSAGES_DIR = PROJECT_ROOT / "data" / "messages"


@cache
def _catalogue(name: str) -> dict[str, str]:
    with (MESSAGES_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def say(catalogue: str, key: str, **values: object) -> str:
    return _catalogue(catalogue)[key].format(**values)
