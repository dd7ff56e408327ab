"""Rasa checks every action server response against its JSON schema with `jsonschema.validate`, which first
checks the schema itself against the meta-schema, every turn: 15-19% of the Rasa server's busy time under load
(py-spy, bench/profile_servers.py). The same check with a validator built once for the same schema."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_installed = False


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def validate_action_result(_action: Any, result: dict[str, Any]) -> bool:
    from jsonschema import ValidationError  # type: ignore[import-untyped]
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _response_validator().validate(result)
    except ValidationError as error:
        error.message += (". Failed to validate Action server response from API, make sure your response from "
                          f"the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise
    return True


def install() -> None:
    global _installed
    if not _installed:
        from rasa.core.actions.action import RemoteAction

        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        _installed = True
