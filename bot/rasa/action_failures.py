"""When a custom action cannot run, the user gets a short Chinese apology within seconds, not silence.

Rasa 3.6 logs a failed remote action and drops its events, so the user would see nothing (or a misleading
fallback). `install()` makes a failed call to the action server (connection refused, error status, or no
answer within ACTION_TIMEOUT_SECONDS) answer with the apology and wait for the next message instead.
Installed by bot.rasa.runtime.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from bot.config import settings
from bot.replies.messages import say

_installed = False


def action_timeout_seconds() -> float:
    return settings().action_timeout_seconds


def apology_events() -> list[Any]:
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import BotUttered, FollowupAction

    return [BotUttered(say("assistant", "action_unavailable")), FollowupAction(ACTION_LISTEN_NAME)]


def install() -> None:
    global _installed
    if _installed:
        return
    import asyncio
    import logging

    import aiohttp
    from rasa.core.actions import action
    from rasa.shared.exceptions import RasaException

    # The call's timeout: Rasa's default is five minutes; the user must hear back within ten seconds.
    action.DEFAULT_REQUEST_TIMEOUT = action_timeout_seconds()  # type: ignore[attr-defined]
    original_run = action.RemoteAction.run
    logger = logging.getLogger(__name__)

    @wraps(original_run)
    async def run_or_apologise(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            events: list[Any] = await original_run(self, *args, **kwargs)
            return events
        except action.ActionExecutionRejection:
            raise  # a form's validation rejecting a slot: Rasa handles it
        except (RasaException, asyncio.TimeoutError, aiohttp.ClientError) as error:
            logger.error("custom action %s failed (%s): apologised to the user", self.name(), error)
            return apology_events()

    action.RemoteAction.run = run_or_apologise  # type: ignore[method-assign]
    _installed = True
