"""The registration database: what the exports bring and what the assistant creates.

Child rows refer to persons by the export's own key (person_id), so an import can write a
whole batch with a few multi-row statements and a re-import replaces a person in one place.
`position` keeps each list in the export's order, so that export is lossless.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def person_key() -> Column:  # type: ignore[type-arg]
    return Column(String(64), ForeignKey("persons.person_id", ondelete="CASCADE"), nullable=False, index=True)


class Employer(Base):  # type: ignore[misc,valid-type]
    __tablename__ = "employers"
    id = Column(Integer, primary_key=True)
    credit_code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    unit_type = Column(String(20))
    city = Column(String(50))
    access_code_hash = Column(String(200))
    reminder_email = Column(String(200))


class Person(Base):  # type: ignore[misc,valid-type]
    __tablename__ = "persons"
    person_id = Column(String(64), primary_key=True)
    name = Column(String(100), nullable=False)
    id_number = Column(String(18), nullable=False)
    id_last6 = Column(String(6), nullable=False)
    birth_date = Column(Date, nullable=False)
    phone = Column(String(40))
    # The employer as this person's export states it; employer_code links to the employers table.
    employer_code = Column(String(32), index=True)
    employer_name = Column(String(200))
    employer_unit_type = Column(String(20))
    employer_city = Column(String(50))
    insurance_unit_name = Column(String(200))
    insurance_unit_code = Column(String(32))
    certificate_form = Column(String(10))
    flags = Column(Text, nullable=False, default="[]")
    imported_at = Column(DateTime, nullable=False)
    __table_args__ = (Index("ix_persons_name_last6", "name", "id_last6"), Index("ix_persons_last6", "id_last6"))


class Qualification(Base):  # type: ignore[misc,valid-type]
    __tablename__ = "qualifications"
    id = Column(Integer, primary_key=True)
    person_id = person_key()
    position = Column(Integer, nullable=False)
    specialty = Column(String(20), nullable=False)
    certificate_no = Column(String(64))
    issued_on = Column(Date, nullable=False)


class Registration(Base):  # type: ignore[misc,valid-type]
    __tablename__ = "registrations"
    id = Column(Integer, primary_key=True)
    person_id = person_key()
    position = Column(Integer, nullable=False)
    specialty = Column(String(20), nullable=False)
    registration_no = Column(String(64), index=True)
    kind = Column(String(10), nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_until = Column(Date, nullable=False, index=True)
    status = Column(String(10), nullable=False)


class CourseRecord(Base):  # type: ignore[misc,valid-type]
    __tablename__ = "continuing_education"
    id = Column(Integer, primary_key=True)
    person_id = person_key()
    position = Column(Integer, nullable=False)
    specialty = Column(String(20))
    category = Column(String(4), nullable=False)
    hours = Column(Float, nullable=False)
    completed_on = Column(Date, nullable=False)


class Draft(Base):  # type: ignore[misc,valid-type]
    """A renewal or cancellation application prepared in a conversation."""

    __tablename__ = "drafts"
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True)
    person_id = person_key()
    kind = Column(String(20), nullable=False)
    status = Column(String(20), nullable=False, default="draft")
    content = Column(Text, nullable=False)
    conversation_id = Column(String(100), index=True)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)


class HandoverTicket(Base):  # type: ignore[misc,valid-type]
    """A conversation the assistant handed to the helpdesk."""

    __tablename__ = "handover_tickets"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(100), nullable=False, index=True)
    person_id = Column(String(64), ForeignKey("persons.person_id", ondelete="SET NULL"))
    reason = Column(Text, nullable=False)
    transcript = Column(Text, nullable=False, default="[]")
    status = Column(String(20), nullable=False, default="open")
    claimed_by = Column(String(100))
    created_at = Column(DateTime, nullable=False)
    closed_at = Column(DateTime)


class AuditEvent(Base):  # type: ignore[misc,valid-type]
    """Who did what to whose record, and when."""

    __tablename__ = "audit_events"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    actor = Column(String(100), nullable=False)
    action = Column(String(50), nullable=False)
    subject_person_id = Column(String(64), index=True)
    details = Column(Text, nullable=False, default="{}")


class VerificationAttempt(Base):  # type: ignore[misc,valid-type]
    """One identification or login attempt, kept for the limits (bot/services/attempt_limits.py).

    The conversation, the name (or account) tried and the client's address are kept as keyed pseudonyms
    (bot.security.keys.pseudonym): enough to count, nothing to read back."""

    __tablename__ = "verification_attempts"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(100), nullable=False)
    at = Column(DateTime, nullable=False)
    kind = Column(String(20), nullable=False, default="registrant")
    succeeded = Column(Boolean, nullable=False)
    person_id = Column(String(64))
    employer_code = Column(String(32))
    subject_key = Column(String(64))
    client_key = Column(String(64))
    __table_args__ = (Index("ix_verification_conversation_at", "conversation_id", "at"),
                      Index("ix_verification_subject_at", "kind", "subject_key", "at"))


class HostTokenUse(Base):  # type: ignore[misc,valid-type]
    """A host page's signed token belongs to the first conversation that brought it: a copy used elsewhere is
    refused. Both are kept as digests."""

    __tablename__ = "host_token_uses"
    token_digest = Column(String(64), primary_key=True)
    conversation_key = Column(String(64), nullable=False)
    first_used_at = Column(DateTime, nullable=False, index=True)


class WebSession(Base):  # type: ignore[misc,valid-type]
    """A staff or employer login: the cookie names it, and logging out ends it here, whatever the cookie says."""

    __tablename__ = "web_sessions"
    session_digest = Column(String(64), primary_key=True)
    kind = Column(String(20), nullable=False)
    account = Column(String(100), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False, index=True)
    ended_at = Column(DateTime)


class ImportRun(Base):  # type: ignore[misc,valid-type]
    """One import of an export file, with its counts, so an operator can see what happened."""

    __tablename__ = "import_runs"
    id = Column(Integer, primary_key=True)
    source = Column(String(500), nullable=False)
    started_at = Column(DateTime, nullable=False)
    finished_at = Column(DateTime)
    stored = Column(Integer, nullable=False, default=0)
    rejected = Column(Integer, nullable=False, default=0)
    strict = Column(Boolean, nullable=False, default=False)
    __table_args__ = (UniqueConstraint("source", "started_at"),)


class StaffAccount(Base):  # type: ignore[misc,valid-type]
    """A helpdesk account for /staff; administrators may also read the audit log."""

    __tablename__ = "staff_accounts"
    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)
    is_admin = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False)


class Turn(Base):  # type: ignore[misc,valid-type]
    """One message a registrant sent and what the assistant did with it, for feedback and /staff/insights.

    The conversation is kept only as a keyed pseudonym and the text with credentials and ID numbers redacted
    (bot.security.redaction), so nothing here leads back to a person. `vote` is the 👍 (1) or 👎 (-1) given to the
    answer; `reviewed_topic` is what a staff member said the message was about (or "out_of_scope")."""

    __tablename__ = "turns"
    id = Column(Integer, primary_key=True)
    conversation_key = Column(String(64), nullable=False)
    asked_at = Column(DateTime, nullable=False)
    day = Column(Date, nullable=False)
    city = Column(String(50))
    text = Column(Text, nullable=False)
    kind = Column(String(20), nullable=False)
    intent = Column(String(80))
    confidence = Column(Float)
    topic = Column(String(80))
    basis = Column(String(300))
    vote = Column(Integer)
    vote_reason = Column(String(20))
    voted_at = Column(DateTime)
    reviewed_topic = Column(String(80))
    reviewed_by = Column(String(100))
    reviewed_at = Column(DateTime)
    # /staff/insights' figures come from the daily roll-up (TurnDayCount, ConversationDayCount); the first index
    # covers what counting a day's turns again needs (a vote, the aggregates over `turns` the roll-up must equal),
    # the newest unanswered or 👎 messages are found by walking the second one backwards (bench/insights_bench.py).
    __table_args__ = (Index("ix_turns_day_facts", "day", "conversation_key", "kind", "topic", "city", "vote"),
                      Index("ix_turns_day_asked", "day", "asked_at", "kind", "vote"),
                      Index("ix_turns_conversation_day", "conversation_key", "day"))


class TurnDayCount(Base):  # type: ignore[misc,valid-type]
    """/staff/insights' roll-up of `turns`: how many turns, 👍 and 👎 per day, city, topic and kind, kept in the same
    transaction as the turn or vote it counts (bot/store/turns.py), so a year is a few hundred rows a day to add up
    instead of a million turns. A turn without a city or topic is counted under '' (the filters never ask for '')."""

    __tablename__ = "turn_day_counts"
    day = Column(Date, primary_key=True)
    city = Column(String(50), primary_key=True)
    topic = Column(String(80), primary_key=True)
    kind = Column(String(20), primary_key=True)
    turns = Column(Integer, nullable=False)
    up = Column(Integer, nullable=False)
    down = Column(Integer, nullable=False)


class ConversationDayCount(Base):  # type: ignore[misc,valid-type]
    """How many conversations had a turn on a day: of any city and topic (city '' and topic ''), of one city (topic
    ''), about one topic (city '') or both, exactly the distinct counts each filter of /staff/insights shows."""

    __tablename__ = "conversation_day_counts"
    city = Column(String(50), primary_key=True)
    topic = Column(String(80), primary_key=True)
    day = Column(Date, primary_key=True)
    conversations = Column(Integer, nullable=False)


class ServiceRating(Base):  # type: ignore[misc,valid-type]
    """A 好差评 rating of one conversation (1 非常不满意 … 5 非常满意), with the topic it was last about."""

    __tablename__ = "service_ratings"
    id = Column(Integer, primary_key=True)
    conversation_key = Column(String(64), nullable=False)
    rated_at = Column(DateTime, nullable=False)
    day = Column(Date, nullable=False, index=True)
    city = Column(String(50))
    topic = Column(String(80))
    rating = Column(Integer, nullable=False)
    occasion = Column(String(20), nullable=False)
    __table_args__ = (UniqueConstraint("conversation_key", "occasion"),)


class ReminderMessage(Base):  # type: ignore[misc,valid-type]
    """One reminder in the outbox: to a registrant or, as a digest, to an employer. `subject_key` is the person_id
    or the employer's credit code; one message per subject, kind and reference date, whatever runs again."""

    __tablename__ = "reminder_outbox"
    id = Column(Integer, primary_key=True)
    audience = Column(String(20), nullable=False)
    subject_key = Column(String(64), nullable=False)
    kind = Column(String(40), nullable=False)
    reference_date = Column(Date, nullable=False)
    channel = Column(String(20), nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(20), nullable=False, default="pending")
    created_at = Column(DateTime, nullable=False)
    sent_at = Column(DateTime)
    error = Column(String(300))
    __table_args__ = (UniqueConstraint("audience", "subject_key", "kind", "reference_date", "channel"),
                      Index("ix_reminder_outbox_status_channel", "status", "channel"))


class ReminderOptOut(Base):  # type: ignore[misc,valid-type]
    """Someone who said they want no reminders: a registrant (person_id) or an employer (credit code)."""

    __tablename__ = "reminder_opt_outs"
    audience = Column(String(20), primary_key=True)
    subject_key = Column(String(64), primary_key=True)
    opted_out_at = Column(DateTime, nullable=False)


class WeChatInbound(Base):  # type: ignore[misc,valid-type]
    """One message WeChat or 企业微信 pushed (bot/rasa/wechat_delivery.py): WeChat calls again when no answer came
    within 5 seconds, and any replica may get the retry, so the message's key (MsgId, or sender and CreateTime for an
    event) is claimed here once. `state`: pending (Rasa is on it), answered (`reply` ready, not yet given), delivered,
    kept (too late: waiting in wechat_outbound for the user's next message)."""

    __tablename__ = "wechat_inbound"
    id = Column(Integer, primary_key=True)
    channel = Column(String(10), nullable=False)
    msg_key = Column(String(128), nullable=False)
    user_id = Column(String(128), nullable=False)
    received_at = Column(DateTime, nullable=False, index=True)
    state = Column(String(20), nullable=False, default="pending")
    reply = Column(Text)
    __table_args__ = (UniqueConstraint("channel", "msg_key"),)


class WeChatOutbound(Base):  # type: ignore[misc,valid-type]
    """An answer (or the part of one) that missed the passive reply and could not be pushed (an unverified Official
    Account): given before the answer to the user's next message."""

    __tablename__ = "wechat_outbound"
    id = Column(Integer, primary_key=True)
    channel = Column(String(10), nullable=False)
    user_id = Column(String(128), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, index=True)
    delivered_at = Column(DateTime)
    __table_args__ = (Index("ix_wechat_outbound_user", "channel", "user_id", "delivered_at"),)


class WeChatAccessToken(Base):  # type: ignore[misc,valid-type]
    """The API's access token, shared by every replica (WeChat allows few fetches a day, and a new one ends the old)."""

    __tablename__ = "wechat_access_tokens"
    app_key = Column(String(128), primary_key=True)
    token = Column(Text, nullable=False)
    expires_at = Column(DateTime, nullable=False)


class WeChatChoices(Base):  # type: ignore[misc,valid-type]
    """The numbered choices (buttons) last shown to a user, as a JSON list of payloads: a reply of "1" picks one."""

    __tablename__ = "wechat_choices"
    channel = Column(String(10), primary_key=True)
    user_id = Column(String(128), primary_key=True)
    payloads = Column(Text, nullable=False)
    updated_at = Column(DateTime, nullable=False, index=True)
