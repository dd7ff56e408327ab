"""Credentials are masked in free text, and nothing else changes: dates, hours, years, references and sealed values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing.identification import parse_employer_login, parse_identity
from bot.security import redaction
from bot.security.keys import sealing
from bot.security.redaction import FULL_ID_NUMBER, mask_id_numbers, may_hold_credentials, redact_credentials
from rules_engine.identity import make_id_number

ID_NUMBER = make_id_number("520102", dt.date(1980, 1, 1), "123")


@pytest.mark.parametrize(("said", "kept"), [
    ("张三 12345X", "张三 ******"),
    ("张三 12345x", "张三 ******"),
    ("后六位是123456", "后六位是******"),
    ("我叫王建国，身份证后六位是 010123。", "我叫王建国，身份证后六位是 ******。"),
    ("王建国１２３４５Ｘ", "王建国******"),
    ("王建国 ①②③④⑤⑥", "王建国 ******"),
    ("123456", "******"),
    ("后六位：12345X，姓名：李娜", "后六位：******，姓名：李娜"),
])
def test_the_last_six_id_characters_are_masked(said: str, kept: str) -> None:
    assert redact_credentials(said) == kept


@pytest.mark.parametrize("said", ["张三 12345X", "后六位是123456", "王建国１２３４５Ｘ", "王建国 ①②③④⑤⑥"])
def test_whatever_identification_reads_as_the_last_six_is_gone(said: str) -> None:
    _name, last6 = parse_identity(said)
    assert last6 is not None
    assert parse_identity(redact_credentials(said))[1] is None


@pytest.mark.parametrize(("said", "kept"), [
    (f"我的身份证{ID_NUMBER}", "我的身份证5201**********1235"),
    ("身份证５２０１０２１９８００１０１１２３５", "身份证5201**********1235"),
    ("5201021980010112345", "5201021980010112345"),  # nineteen digits: no ID number
    (f"{ID_NUMBER[:-1]}x", "5201**********123X"),
])
def test_full_id_numbers_are_masked_in_any_digit_width(said: str, kept: str) -> None:
    assert redact_credentials(said) == kept


def test_mask_id_numbers_still_masks_ascii_numbers_only() -> None:
    assert mask_id_numbers(f"号码{ID_NUMBER}") == "号码5201**********1235"
    assert mask_id_numbers("2025年3月21日") == "2025年3月21日"


@pytest.mark.parametrize(("said", "kept"), [
    ("91520100MA6H000001 授权码 AB3DE7GH", "91520100MA6H000001 授权码 ********"),
    ("91520100MA6H000001 授权码 ab3de7gh", "91520100MA6H000001 授权码 ********"),
    ("统一社会信用代码91520100MA6H000001，访问码是K7M2P9QX。", "统一社会信用代码91520100MA6H000001，访问码是********。"),
    ("访问码K7M2P9QX 代码91520100MA6H000001", "访问码******** 代码91520100MA6H000001"),
    ("９１５２０１００ＭＡ６Ｈ０００００１　Ｋ７Ｍ２Ｐ９ＱＸ", "９１５２０１００ＭＡ６Ｈ０００００１　********"),
])
def test_an_access_code_beside_a_credit_code_is_masked_and_the_credit_code_kept(said: str, kept: str) -> None:
    assert parse_employer_login(said)[1] is not None
    assert redact_credentials(said) == kept
    assert parse_employer_login(redact_credentials(said))[1] is None


@pytest.mark.parametrize("said", [
    "PASSWORD 是什么意思",  # no credit code: an eight-letter word is a word
    "访问码忘了怎么办",
    "K7M2P9QX",
    "91520100MA6H000001",  # a credit code alone identifies a company, it proves nothing
    "我们单位91520100MA6H000001哪些人90天内到期",
])
def test_without_both_halves_of_an_employer_login_nothing_is_masked(said: str) -> None:
    assert redact_credentials(said) == said


@pytest.mark.parametrize(("said", "kept"), [
    ("13812345678", "138****5678"),
    ("手机13812345678，谢谢", "手机138****5678，谢谢"),
    ("电话 138 1234 5678", "电话 138****5678"),
    ("电话 138-1234-5678", "电话 138****5678"),
    ("电话 138\u00a01234\u00a05678", "电话 138****5678"),
    ("电话 １３８－１２３４－５６７８", "电话 138****5678"),
    ("电话 138\u20141234\u20145678", "电话 138****5678"),
    ("１３８１２３４５６７８", "138****5678"),
    ("联系电话：19912345678", "联系电话：199****5678"),
    ("tel:15012345678 或 13900001111", "tel:150****5678 或 139****1111"),
])
def test_mobile_numbers_are_masked_keeping_the_first_three_and_last_four(said: str, kept: str) -> None:
    assert redact_credentials(said) == kept


@pytest.mark.parametrize("said", [
    "2025年3月21日",
    "20250321",
    "2025-03-21",
    "120学时",
    "必修差30学时，选修差47.5学时",
    "2026年",
    "1998年到2025年",
    "我们单位哪些人90天内到期",
    "5201**********1235",
    "138****5678",
    "后六位是******",
    "访问码 ********",
    "12812345678",  # no mobile begins 12
    "138123456789",  # twelve digits: not a mobile number
    "0138123456789",
    "12345678901234",
    "1234567",
    "12345",
    "1234X",
    "A12345X",  # part of a longer word
    "12345XY",
    "编号 YX-2025-000123",
    "草稿 zx-2024-001234 已撤回",
    "工单号 RG-000012。",
    "已确认身份：王建国，身份证号 5201**********1235。",
    "黔建建通〔2023〕55号 第五条（一）2",
    "有效期至2026年2月28日，最晚2026年1月29日申请延续",
    "http://localhost:8000/drafts/YX-2025-000001?key=WyJZWC0yMDI1LTAwMDAwMSIsImRyYWZ0Il0.123456.abc123456_def",
    "",
    "你好",
])
def test_what_is_no_credential_is_kept(said: str) -> None:
    assert redact_credentials(said) == said


def test_sealed_values_are_left_whole() -> None:
    for last6 in ("123456", "12345X", "000000", "13812345678", ID_NUMBER[-6:]):
        for _ in range(50):
            token = sealing().encrypt(last6.encode("ascii")).decode("ascii")
            assert redact_credentials(token) == token
            assert redact_credentials(f"值 {token} 结束") == f"值 {token} 结束"
            assert sealing().decrypt(redact_credentials(token).encode("ascii")).decode("ascii") == last6


def test_everything_around_a_credential_is_kept_character_for_character() -> None:
    said = "您好！我是王建国，後六位１２３４５Ｘ，手机１３８ １２３４ ５６７８，ＰＤＦ收到了。"
    assert redact_credentials(said) == "您好！我是王建国，後六位******，手机138****5678，ＰＤＦ收到了。"


def test_several_credentials_in_one_message() -> None:
    said = f"王建国 {ID_NUMBER} 手机13812345678 后六位 {ID_NUMBER[-6:]}"
    assert redact_credentials(said) == "王建国 5201**********1235 手机138****5678 后六位 ******"


def test_masking_twice_changes_nothing_more() -> None:
    said = f"王建国 {ID_NUMBER} 12345X 13812345678 91520100MA6H000001 AB3DE7GH"
    once = redact_credentials(said)
    assert redact_credentials(once) == once


def test_the_pre_check_lets_through_only_texts_with_enough_digits() -> None:
    assert not may_hold_credentials("action_listen")
    assert not may_hold_credentials("我的证什么时候到期？")
    assert not may_hold_credentials("2025年")
    assert may_hold_credentials("12345X")
    assert not may_hold_credentials("有效期至2026年2月28日，最晚2026年1月29日申请延续")
    assert not may_hold_credentials("1 2 3 4 5")
    assert may_hold_credentials("①②③④⑤⑥")
    assert may_hold_credentials("138 1234 5678")
    assert may_hold_credentials("138\u00a01234\u00a05678")
    assert may_hold_credentials("１３８－１２３４－５６７８")


TYPED = st.text(alphabet=st.sampled_from(list("0123456789１２３①²Xx ｘ-－\u00a0\u3000\u2014ABab王，。")),
                max_size=40)


@settings(max_examples=400, deadline=None)
@given(TYPED)
def test_the_pre_check_never_hides_a_credential(said: str) -> None:
    if not may_hold_credentials(said):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(redaction, "may_hold_credentials", lambda _text: True)
            assert redaction.redact_credentials(said) == said


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_masking_keeps_the_text_around_and_is_settled_after_once(said: str) -> None:
    once = redact_credentials(said)
    assert redact_credentials(once) == once
    assert not FULL_ID_NUMBER.search(once)
