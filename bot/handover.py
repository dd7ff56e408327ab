"""Hand-over tickets: a conversation the assistant passes to the helpdesk, with its transcript."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import insert

from bot.config import settings
from bot.db.models import HandoverTicket
from bot.messages import say
from bot.redaction import mask_id_numbers as mask_id_numbers  # re-exported: it was defined here
from bot.redaction import redact_credentials
from bot.registry.unit_of_work import Database

TICKETS = HandoverTicket.__table__


def open_ticket(database: Database, conversation_id: str, person_id: str | None, reason: str,
                transcript: list[dict[str, Any]], now: dt.datetime) -> str:
    # The helpdesk reads what was said, not the credentials typed to get there (bot.redaction).
    cleaned = [{**line, "text": redact_credentials(str(line.get("text", "")))} for line in transcript]
    with database.unit_of_work() as uow:
        result = uow.session.execute(insert(TICKETS).values(
            conversation_id=conversation_id, person_id=person_id, reason=redact_credentials(reason),
            transcript=json.dumps(cleaned, ensure_ascii=False), status="open", created_at=now))
        ticket_id = result.inserted_primary_key[0]
        uow.commit()
    hours = settings().helpdesk_hours or say("assistant", "helpdesk_hours")
    return say("assistant", "handover_opened", ticket=f"RG-{ticket_id:06d}", hours=hours)
