"""The reminders' Chinese (data/messages/reminders.yml): a registrant's reminder, an employer's digest, the chat notice
that shows the waiting ones after identification, and the opt-out replies.

A registrant's reminder states the apply-by date, so it ends with the 依据 line of the renewal clause (五（一）2), as
bot/replies/personal.py's answers do; the chat notice that joins several keeps one 依据 line, at its end.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import reminder_settings, settings
from bot.replies.knowledge import BASIS_PREFIX, basis_line
from bot.replies.messages import say as _say
from bot.services.reminders import (
    FAILED,
    HOURS_SHORT,
    PENDING,
    SENT,
    SKIPPED,
    EmployerDigest,
    RegistrantReminder,
    RunResult,
)
from rules_engine.calendar import shown

CATALOGUE = "reminders"
LIST_SEPARATOR = "、"


def say(key: str, **values: object) -> str:
    return _say(CATALOGUE, key, **{name: shown(value) for name, value in values.items()})


class ReminderWording:
    """bot.services.reminders.Wording, in Chinese."""

    def registrant(self, reminder: RegistrantReminder) -> str:
        if reminder.kind == HOURS_SHORT:
            first = reminder.specialties[0]
            text = say("registrant_hours_short", name=reminder.name, shortfall=reminder.shortfall,
                       compulsory_shortfall=reminder.compulsory_shortfall,
                       elective_shortfall=reminder.elective_shortfall,
                       specialties=LIST_SEPARATOR.join(s.specialty for s in reminder.specialties),
                       valid_until=first.valid_until, apply_by=first.apply_by)
            return "\n".join([text, basis_line(reminder.citations)])
        lines = [say("registrant_apply_by", name=reminder.name)]
        lines += [say("apply_by_line", specialty=s.specialty, valid_until=s.valid_until, apply_by=s.apply_by)
                  for s in reminder.specialties]
        lines += [say("apply_by_close"), basis_line(reminder.citations)]
        return "\n".join(lines)

    def employer_digest(self, digest: EmployerDigest) -> str:
        people = {reminder.person_id for reminder in digest.reminders}
        lines = [say("digest_subject", employer=digest.name, count=len(people), as_of=digest.as_of),
                 say("digest_greeting", employer=digest.name), say("digest_intro", as_of=digest.as_of)]
        apply_by = [r for r in digest.reminders if r.kind != HOURS_SHORT]
        hours = [r for r in digest.reminders if r.kind == HOURS_SHORT]
        if apply_by:
            lines += ["", say("digest_apply_by_heading")]
            lines += [say("digest_apply_by_line", name=r.name, specialty=s.specialty, valid_until=s.valid_until,
                          apply_by=s.apply_by)
                      for r in sorted(apply_by, key=lambda r: (r.reference_date, r.name)) for s in r.specialties]
        if hours:
            lines += ["", say("digest_hours_heading", days=reminder_settings().hours_short_days)]
            lines += [say("digest_hours_line", name=r.name, shortfall=r.shortfall,
                          compulsory_shortfall=r.compulsory_shortfall, elective_shortfall=r.elective_shortfall,
                          valid_until=r.specialties[0].valid_until, apply_by=r.specialties[0].apply_by)
                      for r in sorted(hours, key=lambda r: (r.reference_date, r.name))]
        citations = tuple(dict.fromkeys(c for r in digest.reminders for c in r.citations))
        lines += ["", say("digest_close", base=settings().public_address().rstrip("/")), basis_line(citations)]
        return "\n".join(lines)


def chat_notice(bodies: Sequence[str]) -> str | None:
    """The waiting reminders as one chat message: each one's text, the opt-out hint, and one 依据 line at the end."""
    if not bodies:
        return None
    texts: list[str] = []
    bases: list[str] = []
    for body in bodies:
        lines = body.splitlines()
        while lines and lines[-1].startswith(BASIS_PREFIX):
            bases.insert(0, lines.pop().removeprefix(BASIS_PREFIX))
        texts.append("\n".join(lines))
    header = say("chat_notice_header", count=len(bodies)) if len(bodies) > 1 else say("chat_notice_single_header")
    out = [header, *texts, say("chat_notice_opt_out_hint")]
    if bases:
        out.append(BASIS_PREFIX + "；".join(dict.fromkeys(bases)))
    return "\n".join(out)


def _audience(audience: str) -> str:
    return say(f"remind_audience_{audience}")


def remind_report(result: RunResult, dry_run: bool) -> list[str]:
    """What `python -m bot remind` prints: keys and counts, never a message's text (names and dates stay in it)."""
    plan = result.plan
    if dry_run:
        lines = [say("remind_dry_run_header", as_of=plan.as_of, planned=len(plan.messages))]
    else:
        skipped = sum(1 for m in plan.messages if m.status == SKIPPED)
        lines = [say("remind_header", as_of=plan.as_of, planned=len(plan.messages), skipped=skipped,
                     superseded=plan.superseded)]
    if dry_run:
        for m in plan.messages:
            status = say("remind_status_skipped", reason=m.error) if m.status == SKIPPED else ""
            lines.append(say("remind_planned_line", channel=m.channel, audience=_audience(m.audience),
                             subject=m.subject_key, kind=m.kind, reference_date=m.reference_date.isoformat(),
                             status=status))
        lines += [say("remind_pending_line", channel=m.channel, audience=_audience(m.audience), subject=m.subject_key,
                      kind=m.kind, reference_date=m.reference_date.isoformat())
                  for m in result.waiting if m.channel != "chat"]
        return lines
    statuses = [d.result.status for d in result.deliveries]
    retry = sum(1 for d in result.deliveries if d.result.status == PENDING and d.result.error)
    lines.append(say("remind_delivered", sent=statuses.count(SENT), skipped=statuses.count(SKIPPED),
                     failed=statuses.count(FAILED), retry=retry,
                     chat=sum(1 for d in result.deliveries if d.result.status == PENDING and not d.result.error)))
    lines += [say("remind_failure_line", channel=d.message.channel, subject=d.message.subject_key,
                  kind=d.message.kind, error=d.result.error)
              for d in result.deliveries if d.result.status in (FAILED, PENDING) and d.result.error]
    if result.waiting:
        channels = "、".join(sorted({m.channel for m in result.waiting}))
        lines.append(say("remind_waiting", count=len(result.waiting), channels=channels))
    return lines
