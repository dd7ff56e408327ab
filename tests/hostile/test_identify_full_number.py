"""Identification when someone types the whole ID number (any digit width): only its last six count."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.personal import ActionIdentify, identity_in
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number
from tests.actions.conftest import registry, slots_set, texts, tracker

__all__ = ["registry"]  # the fixture, used by name below
FULL = make_id_number("520102", dt.date(1980, 1, 1), "123")


@pytest.mark.parametrize("typed", [
    f"王建国 {FULL}", f"我叫王建国，身份证号{FULL}", f"王建国{FULL}",
    "王建国 " + FULL.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "王建国 " + FULL[:9] + FULL[9:].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
])
def test_a_full_number_gives_the_name_and_its_last_six(typed: str) -> None:
    assert identity_in(typed) == ("王建国", FULL[-6:])


def test_other_text_is_read_as_before() -> None:
    assert identity_in("王建国 01123x") == ("王建国", "01123X")


def test_identification_works_with_the_full_number(registry: Database) -> None:
    dispatcher = CollectingDispatcher()
    events: list[dict[str, Any]] = asyncio.run(ActionIdentify().run(dispatcher, tracker(f"王建国 {FULL}", "identify"), {}))
    assert slots_set(events)["person_id"] == "P000001"
    assert texts(dispatcher)[0] == "已确认身份：王建国，身份证号 5201**********1235。"
    assert FULL not in " ".join(texts(dispatcher))
