"""Policy changes by date: an amending notice's values and clauses apply from its effective date.

The amending notice here (fixtures/amendment-renewal-60.yml) is fictitious: from 2027-01-01 it
moves the renewal lead of 五（一）2 from 30 to 60 days. Each test that needs it installs it through
the `amended_policy` fixture, which puts the default back afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from rules_engine.parameters import all_parameters, check_successors, number, successors
from rules_engine.policy import (
    NOTICE,
    CitationError,
    Policy,
    cite,
    clause,
    current_policy,
    in_force,
    load_policy,
)
from rules_engine.record_format import parse_record
from rules_engine.renewal import APPLY_BEFORE_EXPIRY, THREE_YEAR_PERIOD, renewal_apply_by
from rules_engine.report import status_report
from rules_engine.report_json import report_to_dict
from tests.rules_engine.amending import AMENDING_LABEL, AMENDING_NOTICE, RENEWAL_60, amended
from tests.rules_engine.builders import full_record

BEFORE, FROM = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
VALID_UNTIL = dt.date(2027, 6, 30)


@pytest.fixture
def amended_policy() -> Iterator[Policy]:
    with amended() as policy:
        yield policy


def record_ending(valid_until: dt.date) -> dict[str, object]:
    return full_record({
        "qualifications": [{"specialty": "建筑工程", "certificate_no": "0012345", "issued_on": dt.date(2019, 10, 12)}],
        "registrations": [{"specialty": "建筑工程", "registration_no": "黔252000001", "kind": "初始注册",
                           "valid_from": dt.date(2024, 7, 1), "valid_until": valid_until, "status": "有效"}],
    })


def test_the_lead_is_30_days_the_day_before_and_60_from_the_effective_date(amended_policy: Policy) -> None:
    before = renewal_apply_by(VALID_UNTIL, BEFORE)
    after = renewal_apply_by(VALID_UNTIL, FROM)
    assert before.outcome == VALID_UNTIL - dt.timedelta(days=30) == dt.date(2027, 5, 31)
    assert after.outcome == VALID_UNTIL - dt.timedelta(days=60) == dt.date(2027, 5, 1)
    assert before.reasons[0].citation == APPLY_BEFORE_EXPIRY
    assert after.reasons[0].citation.document == AMENDING_NOTICE
    assert after.reasons[0].citation.label() == AMENDING_LABEL
    assert dict(after.reasons[0].facts)["lead_days"] == 60


def test_the_function_keeps_the_notice_s_clause_and_words(amended_policy: Policy) -> None:
    assert renewal_apply_by.citation == APPLY_BEFORE_EXPIRY  # type: ignore[attr-defined]
    assert APPLY_BEFORE_EXPIRY.document == NOTICE and "30日前" in APPLY_BEFORE_EXPIRY.words


def test_a_parameter_is_the_latest_successor_in_force(amended_policy: Policy) -> None:
    assert number("renewal_lead_days", BEFORE).value == 30
    lead = number("renewal_lead_days", FROM)
    assert lead.value == 60 and lead.in_force_from == FROM and lead.citation.document == AMENDING_NOTICE
    assert number("renewal_lead_days", dt.date(2040, 1, 1)).value == 60
    assert number("renewal_lead_days").value == 30  # no date: the notice's own value
    assert all_parameters(FROM)["renewal_period_years"] == all_parameters(BEFORE)["renewal_period_years"]
    assert [p.value for p in successors("renewal_lead_days")] == [60]


def test_only_the_superseded_passage_moves(amended_policy: Policy) -> None:
    assert in_force(APPLY_BEFORE_EXPIRY, FROM).document == AMENDING_NOTICE
    assert in_force(APPLY_BEFORE_EXPIRY, BEFORE) == APPLY_BEFORE_EXPIRY
    assert in_force(THREE_YEAR_PERIOD, FROM) == THREE_YEAR_PERIOD  # the rest of 五（一）2 stays


def test_every_successor_s_words_stand_in_its_own_clause(amended_policy: Policy) -> None:
    found = [p for name in all_parameters() for p in successors(name)]
    assert found
    for parameter in found:
        assert parameter.citation.words in clause(parameter.citation.clause, parameter.citation.document).plain_text


def test_the_amending_clauses_are_cited_like_the_notice_s(amended_policy: Policy) -> None:
    assert cite("一", "60日前", AMENDING_NOTICE).basis_line() == f"依据：{AMENDING_LABEL}"
    assert cite("二", "本通知自2027年1月1日起施行", AMENDING_NOTICE).label() == f"{AMENDING_NOTICE} 第二条"


def test_a_status_report_follows_the_date(amended_policy: Policy) -> None:
    record = parse_record(record_ending(VALID_UNTIL))
    for as_of, lead, document in ((BEFORE, 30, NOTICE), (FROM, 60, AMENDING_NOTICE)):
        report = status_report(record, as_of)
        assert report.specialties[0].renewal_apply_by == VALID_UNTIL - dt.timedelta(days=lead)
        renewal = next(f for f in report.findings if f.topic == "renewal")
        assert f"届满{lead}日前" in renewal.text and renewal.citation.document == document
        trace = report_to_dict(report)["specialties"][0]["trace"]
        assert {"check": "apply_by_is_valid_until_minus_lead", "document": document}.items() <= next(
            t for t in trace if t["check"] == "apply_by_is_valid_until_minus_lead").items()


def test_without_the_amendment_everything_is_as_the_notice_says() -> None:
    policy = current_policy()
    assert policy.amendments == () and policy.notices == frozenset({NOTICE})
    assert number("renewal_lead_days", dt.date(2040, 1, 1)).value == 30
    decision = renewal_apply_by(VALID_UNTIL, FROM)
    assert decision.outcome == dt.date(2027, 5, 31) and decision.reasons[0].citation == APPLY_BEFORE_EXPIRY
    report = status_report(parse_record(record_ending(VALID_UNTIL)), FROM)
    assert report.specialties[0].renewal_apply_by == dt.date(2027, 5, 31)
    with pytest.raises(CitationError):
        cite("一", "60日前", AMENDING_NOTICE)


def test_the_fixture_puts_the_default_back() -> None:
    default = current_policy()
    with amended() as policy:
        assert current_policy() is policy and number("renewal_lead_days", FROM).value == 60
    assert current_policy() is default and number("renewal_lead_days", FROM).value == 30


def test_the_real_repository_ships_no_amendment() -> None:
    assert load_policy().amendments == ()


# --- a document that does not read stops the loading -------------------------------------------------


def broken(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(RENEWAL_60.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_successor_whose_words_are_not_in_its_clause_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, {"parameters": {"renewal_lead_days": {"value": 60, "clause": "一", "words": "届满90日前"}}})
    with pytest.raises(CitationError):
        load_policy((path,))


def test_superseding_words_the_notice_does_not_have_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, {"supersedes": [{"clause": "五（一）2", "words": "届满45日前",
                                             "by": {"clause": "一", "words": "60日前"}}]})
    with pytest.raises(CitationError):
        load_policy((path,))


def test_a_new_value_without_superseding_the_old_clause_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, {"supersedes": []})
    with pytest.raises(CitationError, match="must supersede"):
        check_successors(load_policy((path,)))


def test_an_unknown_parameter_or_another_kind_of_value_is_refused(tmp_path: Path) -> None:
    unknown = broken(tmp_path, {"parameters": {"renewal_lead_weeks": {"value": 8, "clause": "一", "words": "60日前"}}})
    with pytest.raises(CitationError, match="not a parameter"):
        check_successors(load_policy((unknown,)))
    dated = broken(tmp_path, {"parameters": {"renewal_lead_days": {"value": FROM, "clause": "一", "words": "60日前"}}})
    with pytest.raises(CitationError, match="like the notice"):
        check_successors(load_policy((dated,)))


def test_an_effective_date_must_be_a_date(tmp_path: Path) -> None:
    with pytest.raises(CitationError, match="effective"):
        load_policy((broken(tmp_path, {"effective": "明年"}),))
