"""二（二）1–5 申报流程: the steps, face recognition, what is no longer submitted, the commitment,
and the employer / social-insurance check with the six situations of 建办市函〔2019〕92号."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from rules_engine.facts import Fact, fact
from rules_engine.parameters import number
from rules_engine.policy import cite, implements, in_force, specification_only
from rules_engine.record import Record
from rules_engine.trace import Decision, reason

EMPLOYER_FILES = cite("二（二）1", "聘用企业（法人用户）在线填报注册申报信息")
FACE_RECOGNITION = cite("二（二）2", "注册人扫描审批系统生成的二维码，并通过人脸识别确认上报")
ONLINE_APPROVAL = cite("二（二）3", "我厅通过审批系统进行网上审批")
WRITTEN_DECISION = cite("二（二）4", "做出书面决定，并向社会公告，不再公示审核意见")
NOT_SUBMITTED = cite("二（二）5", "注册人和聘用企业不再提交学历证书、继续教育学时证明、劳动合同、身份证明")
COMMITMENT = cite("二（二）5", "由注册人和聘用企业对申报信息真实性、有效性、合法性进行承诺，并承担相应法律责任")
MISMATCH = cite("二（二）1", "如注册人的聘用企业与参保缴纳单位信息不一致")
SIX_SITUATIONS = cite("二（二）1", "明确原则上不认定为“挂证”行为6类情形的")
SITUATIONS_LISTED = cite("六类情形", "达到法定退休年龄正式退休和依法提前退休的", "建办市函〔2019〕92号")


@specification_only("The steps are the same for every application: nothing in a record changes them.",
                    "application_steps")
@implements(EMPLOYER_FILES)
def application_steps() -> Decision[tuple[Fact, ...]]:
    """The order of an online application, from the employer's entry to the published decision."""
    steps = tuple(fact(key) for key in (
        "step_employer_fills_in", "step_registrant_confirms", "step_online_approval", "step_decision_published"))
    return Decision(steps, (
        *(reason(step.key, True, step.citation) for step in steps),
        reason("face_recognition_by_registrant", True, FACE_RECOGNITION),
        reason("decision_written_and_published", True, WRITTEN_DECISION),
        reason("approved_online", True, ONLINE_APPROVAL),
    ))


@specification_only("The same for every application: nothing in a record changes it.", "documents_not_needed")
@implements(NOT_SUBMITTED)
def documents_no_longer_submitted() -> Decision[Fact]:
    return Decision(fact("documents_not_submitted"), (reason("not_submitted", True, NOT_SUBMITTED),))


@specification_only("The same for every application: nothing in a record changes it.", "commitment")
@implements(COMMITMENT)
def truthfulness_commitment() -> Decision[Fact]:
    commitment = fact("truthfulness_commitment")
    return Decision(commitment, (reason("commitment_required", True, COMMITMENT),
                                 reason("false_statements_punished", True, commitment.citation)))


class InsuranceCheck(Enum):
    CONSISTENT = "consistent"
    ON_SITE_VERIFICATION = "on_site_verification"
    NOT_ACCEPTED = "not_accepted"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class InsuranceOutcome:
    check: InsuranceCheck
    verification: Fact | None


def _same_unit(record: Record) -> bool | None:
    employer, insurer = record.employer, record.social_insurance_unit
    if employer is None or insurer is None:
        return None
    if employer.credit_code and insurer.credit_code:
        return employer.credit_code == insurer.credit_code
    return employer.name == insurer.name


@implements(MISMATCH)
def social_insurance_check(record: Record, as_of: dt.date, situation: int | None = None
                           ) -> Decision[InsuranceOutcome]:
    """Employer and social-insurance unit must match; where they don't, one of the six situations
    with originals verified on site by the employer's municipal authority, or no acceptance.

    `situation` is the number (1–6) of the 92号 situation the registrant says applies, if any; the
    rules are those in force on `as_of`.
    """
    same = _same_unit(record)
    claimed = situation is not None and 1 <= situation <= number("mismatch_situations_count", as_of).value
    verification = fact("insurance_mismatch_verification")
    if same is None:
        outcome = InsuranceOutcome(InsuranceCheck.UNKNOWN, None)
    elif same:
        outcome = InsuranceOutcome(InsuranceCheck.CONSISTENT, None)
    elif claimed:
        outcome = InsuranceOutcome(InsuranceCheck.ON_SITE_VERIFICATION, verification)
    else:
        outcome = InsuranceOutcome(InsuranceCheck.NOT_ACCEPTED, verification)
    employer = record.employer.name if record.employer else None
    insurer = record.social_insurance_unit.name if record.social_insurance_unit else None
    reasons = [reason("employer_matches_insurance_unit", bool(same), in_force(MISMATCH, as_of), employer=employer,
                      insurance_unit=insurer)]
    if same is False:
        reasons.append(reason("one_of_six_situations", claimed, in_force(SIX_SITUATIONS, as_of), situation=situation))
        reasons.append(reason("situations_of_92", claimed, SITUATIONS_LISTED, situation=situation))
        reasons.append(reason("originals_verified_on_site", claimed, verification.citation))
    return Decision(outcome, tuple(reasons))
