"""Hand-over tickets: a conversation the assistant passes to the helpdesk, with its transcript."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any

from sqlalchemy import insert

from bot.db.models import HandoverTicket
from bot.messages import say
from bot.registry.unit_of_work import Database
from rules_engine.identity import mask_id_number

TICKETS = HandoverTicket.__table__
FULL_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


def mask_id_numbers(text: str) -> str:
    """Anyone may type a full ID number; none is ever stored or shown whole."""
    return FULL_ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


def open_ticket(database: Database, conversation_id: str, person_id: str | None, reason: str,
                transcript: list[dict[str, Any]], now: dt.datetime) -> str:
    cleaned = [{**line, "text": mask_id_numbers(str(line.get("text", "")))} for line in transcript]
    with database.unit_of_work() as uow:
        result = uow.session.execute(insert(TICKETS).values(
            conversation_id=conversation_id, person_id=person_id, reason=mask_id_numbers(reason),
            transcript=json.dumps(cleaned, ensure_ascii=False), status="open", created_at=now))
        ticket_id = result.inserted_primary_key[0]
        uow.commit()
    hours = os.environ.get("HELPDESK_HOURS") or say("assistant", "helpdesk_hours")
    return say("assistant", "handover_opened", ticket=f"RG-{ticket_id:06d}", hours=hours)
