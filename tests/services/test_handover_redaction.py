"""A hand-over ticket keeps what was said for the helpdesk, without the credentials typed to get there."""

from __future__ import annotations

import datetime as dt
import json

from bot.services.handover import open_ticket
from bot.store.models import HandoverTicket
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number

ID_NUMBER = make_id_number("520102", dt.date(1980, 1, 1), "123")
TICKETS = HandoverTicket.__table__


def test_the_transcript_and_reason_are_stored_without_credentials(database: Database) -> None:
    transcript = [
        {"who": "user", "text": f"王建国 {ID_NUMBER[-6:]}", "at": 1.0},
        {"who": "bot", "text": "已确认身份：王建国，身份证号 5201**********1235。", "at": 2.0},
        {"who": "user", "text": f"我的身份证{ID_NUMBER}，手机 138 1234 5678", "at": 3.0},
        {"who": "user", "text": "91520100MA6H000001 访问码 AB3DE7GH", "at": 4.0},
    ]
    reply = open_ticket(database, "conv-r", None, "转人工，电话13812345678", transcript, dt.datetime(2025, 12, 1))
    assert "RG-000001" in reply
    with database.unit_of_work() as uow:
        [ticket] = uow.tickets.listed()
    reason, stored = ticket["reason"], ticket["transcript"]
    lines = json.loads(stored)
    assert reason == "转人工，电话138****5678"
    assert [line["text"] for line in lines] == [
        "王建国 ******",
        "已确认身份：王建国，身份证号 5201**********1235。",
        "我的身份证5201**********1235，手机 138****5678",
        "91520100MA6H000001 访问码 ********",
    ]
    assert [line["who"] for line in lines] == ["user", "bot", "user", "user"]
    assert [line["at"] for line in lines] == [1.0, 2.0, 3.0, 4.0]
    for secret in (ID_NUMBER, ID_NUMBER[-6:], "13812345678", "AB3DE7GH"):
        assert secret not in stored and secret not in reason
