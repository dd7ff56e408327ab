"""Every process (action server, web server, python -m bot) installs the amending documents POLICY_AMENDMENTS_DIR names when it starts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.policy_in_force import PolicySetupError, install_configured_policy
from rules_engine.parameters import number
from rules_engine.policy import current_policy, install_policy
from tests.rules_engine.amending import AMENDING_NOTICE, FIXTURES


def test_the_configured_folder_s_amendments_are_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = current_policy()
    monkeypatch.setenv("POLICY_AMENDMENTS_DIR", str(FIXTURES))
    try:
        policy = install_configured_policy()
        assert current_policy() is policy and [a.document for a in policy.amendments] == [AMENDING_NOTICE]
        assert number("renewal_lead_days", dt.date(2027, 1, 1)).value == 60
    finally:
        install_policy(previous)
    assert number("renewal_lead_days", dt.date(2027, 1, 1)).value == 30


def test_unset_only_the_repository_s_own_amendments_count(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = current_policy()
    monkeypatch.delenv("POLICY_AMENDMENTS_DIR", raising=False)
    try:
        assert install_configured_policy().amendments == ()
    finally:
        install_policy(previous)


def test_a_folder_that_is_not_there_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_AMENDMENTS_DIR", str(FIXTURES / "no-such-folder"))
    with pytest.raises(PolicySetupError):
        install_configured_policy()


def test_python_m_bot_refuses_to_run_on_a_missing_folder_in_chinese(monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    monkeypatch.setenv("POLICY_AMENDMENTS_DIR", str(FIXTURES / "no-such-folder"))
    assert main(["remind", "--dry-run"]) != 0
    assert "修订文件无法读取" in capsys.readouterr().err
