"""Hand-over tickets: a conversation the assistant passes to the helpdesk, with its transcript."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.security.redaction import mask_id_numbers as mask_id_numbers  # re-exported: it was defined here
from bot.security.redaction import redact_credentials
from bot.store.unit_of_work import Database


def open_ticket(database: Database, conversation_id: str, person_id: str | None, reason: str,
                transcript: list[dict[str, Any]], now: dt.datetime) -> str:
    """The new ticket's reference (RG-000012); the reply that names it is the caller's (bot.replies)."""
    # The helpdesk reads what was said, not the credentials typed to get there (bot.security.redaction).
    cleaned = [{**line, "text": redact_credentials(str(line.get("text", "")))} for line in transcript]
    with database.unit_of_work() as uow:
        ticket_id = uow.tickets.add(conversation_id, person_id, redact_credentials(reason),
                                    json.dumps(cleaned, ensure_ascii=False), now)
        uow.commit()
    return f"RG-{ticket_id:06d}"
