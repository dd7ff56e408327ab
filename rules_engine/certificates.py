"""四 启用电子证书 and 五（三）: electronic certificates, and what became of paper ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from rules_engine.parameters import day
from rules_engine.policy import cite, implements, in_force
from rules_engine.record import Registration
from rules_engine.trace import Decision, reason

ELECTRONIC_FROM = cite(
    "四（一）", "自2023年8月1日起启用《中华人民共和国二级建造师注册证书》（以下简称电子证书），不再发放纸质注册证书")
ELECTRONIC_PREVAILS = cite("四（一）", "电子证书与纸质证书信息不一致的，以电子证书信息为准")
FORGED_VOID = cite("四（一）", "伪造篡改电子证书的，电子证书一律无效")
PAPER_VOID = cite("四（二）", "自2024年1月1日起，二级建造师注册证书统一使用电子证书，纸质证书作废")
EXPIRED_PAPER_RENEWS = cite("四（二）", "纸质证书有效期届满的办理延续注册手续换发电子证书")
UNEXPIRED_PAPER_EXCHANGES = cite(
    "四（二）", "纸质证书有效期未满的、遗失或污损更换的应于2023年12月31日前登录审批系统申请换发电子证书")
PAPER_USABLE_UNTIL = cite("五（三）", "在有效期内且在2023年12月31日前继续正常使用")
STICKERS_ON_PAPER = cite("四（一）", "不再发放纸质注册证书（以下简称纸质证书）或加贴增项（变更、延续）贴")


class PaperAction(Enum):
    """What a paper-certificate holder had to do, or must do now."""

    USE_UNTIL_YEAR_END = "use_until_year_end"     # 2023: still usable, exchange before 2023-12-31
    RENEW_FOR_ELECTRONIC = "renew_for_electronic"  # its period ended: renewal issues an electronic one
    VOID_USE_ELECTRONIC = "void_use_electronic"    # from 2024-01-01 the paper is void


@dataclass(frozen=True)
class PaperStanding:
    usable: bool
    action: PaperAction
    exchange_deadline: dt.date


@implements(ELECTRONIC_FROM)
def electronic_certificate_in_use(as_of: dt.date) -> Decision[bool]:
    """From 2023-08-01 certificates are electronic; no paper or stickers are issued."""
    start = day("electronic_certificate_start", as_of).value
    return Decision(as_of >= start, (
        reason("on_or_after_electronic_start", as_of >= start, in_force(ELECTRONIC_FROM, as_of), as_of=as_of,
               start=start),
        reason("electronic_prevails_over_paper", True, in_force(ELECTRONIC_PREVAILS, as_of)),
        reason("forged_electronic_void", True, in_force(FORGED_VOID, as_of)),
    ))


@implements(PAPER_VOID)
def paper_certificates_void(as_of: dt.date) -> Decision[bool]:
    """From 2024-01-01 every paper certificate is void."""
    void_from = day("paper_certificate_void_from", as_of).value
    return Decision(as_of >= void_from, (reason("paper_void", as_of >= void_from, in_force(PAPER_VOID, as_of),
                                                 as_of=as_of, void_from=void_from),))


@implements(PAPER_USABLE_UNTIL)
def paper_certificate_validity_end(registrations: tuple[Registration, ...], as_of: dt.date) -> Decision[dt.date]:
    """The 有效期 by which 五（三） measures a paper certificate.

    One paper certificate carried every specialty, an added or renewed one on a sticker (四（一）),
    so it runs until the latest end date of the registrations. A record without registrations
    gives no period: the last day 五（三） lets a paper certificate be used stands in for it.
    """
    usable_until = day("paper_certificate_usable_until", as_of).value
    latest = max((r.valid_until for r in registrations), default=None)
    return Decision(usable_until if latest is None else latest, (
        reason("latest_registration_end", latest is not None, in_force(STICKERS_ON_PAPER, as_of),
               registrations=len(registrations), latest_valid_until=latest),
        reason("last_day_of_use_without_registration", latest is None, in_force(PAPER_USABLE_UNTIL, as_of),
               usable_until=usable_until),
    ))


@implements(PAPER_VOID)
def paper_certificate_standing(period_ends: dt.date, as_of: dt.date) -> Decision[PaperStanding]:
    """A paper certificate (issued before 2023-08-01) whose registration period ends on `period_ends`."""
    void_from = day("paper_certificate_void_from", as_of).value
    usable_until = day("paper_certificate_usable_until", as_of).value
    exchange_deadline = day("paper_certificate_exchange_deadline", as_of).value
    void = as_of >= void_from
    within_validity = as_of <= period_ends
    usable = not void and within_validity and as_of <= usable_until
    if void:
        action = PaperAction.VOID_USE_ELECTRONIC
    elif within_validity:
        action = PaperAction.USE_UNTIL_YEAR_END
    else:
        action = PaperAction.RENEW_FOR_ELECTRONIC
    return Decision(PaperStanding(usable, action, exchange_deadline), (
        reason("paper_void", void, in_force(PAPER_VOID, as_of), as_of=as_of, void_from=void_from),
        reason("paper_within_validity", within_validity, in_force(PAPER_USABLE_UNTIL, as_of), period_ends=period_ends,
               as_of=as_of),
        reason("expired_paper_renews", not within_validity, in_force(EXPIRED_PAPER_RENEWS, as_of),
               period_ends=period_ends),
        reason("unexpired_paper_exchange_by", within_validity, in_force(UNEXPIRED_PAPER_EXCHANGES, as_of),
               deadline=exchange_deadline),
    ))
