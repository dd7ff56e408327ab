"""五（一） opening, 4–7: who may be registered, cancellation, re-registration, change of employer,
changes of name or details."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rules_engine.facts import Fact, fact
from rules_engine.policy import cite, implements, specification_only
from rules_engine.record import Employer
from rules_engine.trace import Decision, reason
from rules_engine.vocabulary import STATUS, vocabulary

PRACTICE_NEEDS_REGISTRATION = cite("五（一）", "取得资格证书的人员，经过注册方能以二级建造师的名义执业")
KINDS = cite("五（一）", "二级建造师注册申请包括初始注册、延续注册、增项注册、注销注册、重新注册")
CANCELLATION_GROUNDS = cite("五（一）4", "二级建造师有《注册建造师管理规定》第十七条所列情形之一的,需办理注销手续")
SECTION_17 = cite("第十七条", "有本规定第十六条所列情形发生的", "《注册建造师管理规定》")
LEAVING_EMPLOYER = cite("五（一）4", "二级建造师与聘用企业解除劳动关系后，应当及时办理注销注册手续")
ONE_SIDE_REFUSES = cite("五（一）4", "如其中一方不配合办理注销手续")
BASIS_57 = cite("全文", "建办市〔2018〕57号", "建办市〔2018〕57号")
REREGISTRATION = cite("五（一）5", "二级建造师被注销注册或者不予注册的，在重新具备注册条件后，可申请重新注册")
EMPLOYER_CHANGE = cite("五（一）6", "二级建造师变更执业单位的，应先完成注销注册后再申请重新注册")
DETAILS_CHANGE = cite("五（一）7", "二级建造师聘用企业名称或本人姓名、身份证号码等信息发生变更的，通过审批系统提出申请")


@implements(vocabulary().unit_types_citation)
def employer_may_register(employer: Employer | None) -> Decision[bool | None]:
    """Before applying, a registrant must be employed by one of the six kinds of unit.
    None when the record does not say who employs the person."""
    allowed = vocabulary().unit_types
    outcome = None if employer is None or employer.unit_type is None else employer.unit_type in allowed
    return Decision(outcome, (
        reason("employed_by_allowed_unit", bool(outcome), vocabulary().unit_types_citation,
               unit_type=employer.unit_type if employer else None, allowed="、".join(allowed)),
        reason("practice_needs_registration", True, PRACTICE_NEEDS_REGISTRATION),
        reason("registration_kinds", True, KINDS),
    ))


class CancellationPath(Enum):
    NORMAL = "normal"                # employer submits, registrant confirms by QR code and face recognition
    FORCED = "forced"                # the other side applies to the municipal authority with documents
    ABNORMAL_STATUS = "abnormal"     # no documents: the authority may list the person as 注册状态异常


@dataclass(frozen=True)
class CancellationRoute:
    path: CancellationPath
    steps: Fact
    documents: Fact | None
    authority: Fact | None


@specification_only("A record does not say whether a 第十七条 situation has arisen or the person has left the "
                    "employer; a cancellation draft asks for the route (cancellation_route) instead.",
                    "cancellation_grounds")
@implements(CANCELLATION_GROUNDS)
def cancellation_required(section_16_or_17_situation: bool, left_employer: bool) -> Decision[bool]:
    """A 第十七条 situation (which includes every 第十六条 one) or the end of employment calls for 注销注册."""
    required = section_16_or_17_situation or left_employer
    return Decision(required, (
        reason("section_17_situation", section_16_or_17_situation, CANCELLATION_GROUNDS),
        reason("section_16_counts_under_17", section_16_or_17_situation, SECTION_17),
        reason("left_employer", left_employer, LEAVING_EMPLOYER),
    ))


@implements(ONE_SIDE_REFUSES)
def cancellation_route(both_cooperate: bool, has_documents: bool) -> Decision[CancellationRoute]:
    """The normal path; forced cancellation when one side will not cooperate; 注册状态异常 without documents."""
    if both_cooperate:
        route = CancellationRoute(CancellationPath.NORMAL, fact("cancellation_normal_path"), None, None)
    elif has_documents:
        route = CancellationRoute(CancellationPath.FORCED, fact("forced_cancellation_documents"),
                                  fact("forced_cancellation_documents"), fact("forced_cancellation_authority"))
    else:
        route = CancellationRoute(CancellationPath.ABNORMAL_STATUS, fact("abnormal_status_listing"), None,
                                  fact("forced_cancellation_authority"))
    reasons = [reason("both_sides_cooperate", both_cooperate, fact("cancellation_normal_path").citation)]
    if not both_cooperate:
        reasons += [reason("one_side_refuses", True, ONE_SIDE_REFUSES),
                    reason("basis_of_forced_cancellation", True, BASIS_57),
                    reason("documents_available", has_documents, fact("forced_cancellation_documents").citation)]
        if not has_documents:
            reasons.append(reason("abnormal_status_listing", True, fact("abnormal_status_listing").citation))
    return Decision(route, tuple(reasons))


@implements(REREGISTRATION)
def reregistration_possible(stored_status: str, conditions_met_again: bool) -> Decision[bool]:
    """After 注销 (or a refusal), 重新注册 once the conditions are met again."""
    ended = stored_status in (STATUS.cancelled, STATUS.lapsed)
    return Decision(ended and conditions_met_again, (
        reason("registration_ended", ended, REREGISTRATION, status=stored_status),
        reason("conditions_met_again", conditions_met_again, REREGISTRATION),
    ))


@specification_only("The same two applications for everyone: nothing in a record changes them.", "change_employer")
@implements(EMPLOYER_CHANGE)
def change_of_employer() -> Decision[tuple[str, str]]:
    """Changing employer is two applications: 注销注册, then 重新注册."""
    kinds = vocabulary().registration_kinds
    return Decision(("cancellation", kinds["reregistration"]), (
        reason("cancel_first", True, EMPLOYER_CHANGE),
        reason("then_reregister", True, EMPLOYER_CHANGE),
    ))


class DetailChange(Enum):
    EMPLOYER_NAME = "employer_name"
    PERSONAL_DETAILS = "personal_details"


@specification_only("Which detail changes is the asker's to say, not the record's; the answer gives both proofs.",
                    "change_details")
@implements(DETAILS_CHANGE)
def details_change_proof(change: DetailChange) -> Decision[Fact]:
    """Both go through the approval system; each needs its own proof."""
    proof = fact("employer_name_change_proof" if change is DetailChange.EMPLOYER_NAME
                 else "personal_details_change_proof")
    return Decision(proof, (reason("apply_in_system", True, DETAILS_CHANGE),
                            reason("proof_needed", True, proof.citation, change=change.value)))
