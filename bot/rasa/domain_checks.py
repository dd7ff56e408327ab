"""Rasa 3.6 checks on every parsed message whether the domain is empty, by serialising the whole domain and a new
empty one and comparing them: 2-3% of the Rasa server's busy samples per turn (py-spy, docs/profiling-turn.md). A
loaded domain does not change, so the answer is worked out once per domain object."""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from rasa.shared.core.domain import Domain

    compare_with_empty = Domain.is_empty

    def is_empty_once(self: Any) -> bool:
        if "_is_empty" not in self.__dict__:
            self.__dict__["_is_empty"] = compare_with_empty(self)
        return bool(self.__dict__["_is_empty"])

    Domain.is_empty = is_empty_once  # type: ignore[method-assign]
    _installed = True
