"""The engine's Chinese wording (data/policy/messages.yml), looked up by section and key."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from rules_engine.policy import POLICY_DIR


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    with (POLICY_DIR / "messages.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def section(name: str) -> dict[str, str]:
    return dict(_catalogue()[name])


def text(section_name: str, key: str, **values: object) -> str:
    template: str = _catalogue()[section_name][key]
    return template.format(**values)
