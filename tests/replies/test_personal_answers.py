"""Personal answers read off the status report, with the general rule that fits the registrant."""

from __future__ import annotations

import datetime as dt

from bot.replies.personal import personal_answer, with_general_rule
from rules_engine.record_format import parse_record
from rules_engine.report import status_report
from tests.bot.records import person

TODAY = dt.date(2026, 12, 1)


def test_no_registration_yet_gives_the_initial_registration_deadline() -> None:
    record = person("P000009", registrations=[], qualifications=[
        {"specialty": "公路工程", "certificate_no": "0099", "issued_on": "2024-05-10"}], continuing_education=[])
    report = status_report(parse_record(record), TODAY)
    answer = personal_answer("my_renewal_deadline", report)
    assert "没有注册记录" in answer.text and "2027年5月9日" in answer.text
    text = with_general_rule(answer, "renewal", report)
    assert "3年内申请初始注册" in text and text.splitlines()[-1] == "依据：黔建建通〔2023〕55号 第五条（一）1"


def test_an_expired_registration_gets_the_lapse_rule_and_its_basis() -> None:
    record = person("P000010", registrations=[{"specialty": "建筑工程", "registration_no": "黔252000010",
                                               "kind": "初始注册", "valid_from": "2023-11-01",
                                               "valid_until": "2026-10-31", "status": "有效"}])
    report = status_report(parse_record(record), TODAY)
    text = with_general_rule(personal_answer("my_renewal_eligibility", report), "renewal", report)
    assert "2026年10月31日" in text and "注册有效期满且未延续注册" in text
    assert "《注册建造师管理规定》第十六条" in text.splitlines()[-1]
