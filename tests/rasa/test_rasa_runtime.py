"""What bot.rasa.runtime changes in Rasa: compiled response validation, and an apology when an action fails."""

from __future__ import annotations

import asyncio

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, FollowupAction
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa import runtime as rasa_runtime
from bot.replies.messages import say
from tests.ports import free_port


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    rasa_runtime.install()


def test_valid_action_responses_pass_and_invalid_ones_are_refused_as_before() -> None:
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}],
                                           "responses": [{"text": "好"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_an_action_server_that_is_not_there_gives_the_apology_and_waits_for_the_user() -> None:
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")  # nothing listens there
    action = RemoteAction("action_answer_personal", endpoint)
    domain = Domain.empty()
    tracker = DialogueStateTracker("someone", domain.slots)
    events = asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker,
                                    domain))
    assert [type(e) for e in events] == [BotUttered, FollowupAction]
    assert events[0].text == say("assistant", "action_unavailable")
    assert events[1].action_name == "action_listen"


def test_whether_a_domain_is_empty_is_still_answered_right_and_only_worked_out_once() -> None:
    assert Domain.empty().is_empty()
    domain = Domain.from_dict({"intents": ["greet"]})
    assert not domain.is_empty()
    domain.__dict__["_is_empty"] = True  # what was worked out first is what is answered from then on
    assert domain.is_empty()
