"""The WeChat channels' own parts (bot/rasa/wechat_text.py, bot/services/wechat_inbox.py, bot/store/wechat.py):
splitting at sentence ends within the byte limit, numbered choices, claiming a message once, the token cache's
refresh rule and answers kept for the next message. The simulator's end-to-end tests are in tests/wechat/."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.rasa.wechat import pushed_of
from bot.rasa.wechat_text import choice_number, picked, split_text, wechat_turn, with_earlier
from bot.services import wechat_inbox
from bot.store.unit_of_work import Database
from bot.store.wechat import KeptToken

NOW = dt.datetime(2026, 3, 1, 8, 0, 0)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


# --- splitting ------------------------------------------------------------------------------------------------
def test_a_short_text_is_one_part() -> None:
    assert split_text("  延续注册要提前30日申请。 ", 2048) == ["延续注册要提前30日申请。"]
    assert split_text("", 2048) == []


def test_long_text_splits_after_sentence_ends_within_the_byte_limit() -> None:
    sentences = ["第一句话说明延续注册。", "第二句话问您够不够学时？", "第三句很重要！", "第四行\n", "第五句。"]
    text = "".join(sentences) * 20
    parts = split_text(text, 100)
    assert all(_size(part) <= 100 for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert all(part[-1] in "。！？行" for part in parts)  # each ends a sentence ("第四行" ends at its new line)


def test_the_limit_counts_bytes_of_utf8_not_characters() -> None:
    text = "汉" * 700 + "。"  # 2103 bytes, 701 characters
    parts = split_text(text, 2048)
    assert len(parts) == 2 and all(_size(part) <= 2048 for part in parts)


def test_a_sentence_longer_than_the_limit_alone_is_cut_where_the_limit_falls() -> None:
    parts = split_text("短句。" + "长" * 50 + "。尾。", 30)
    assert parts[0] == "短句。"
    assert all(_size(part) <= 30 for part in parts)
    assert "".join(parts) == "短句。" + "长" * 50 + "。尾。"


def test_ascii_is_not_cut_inside_a_character() -> None:
    parts = split_text("a" * 10 + "汉字" * 10, 7)
    assert all(_size(part) <= 7 for part in parts)
    assert "".join(parts) == "a" * 10 + "汉字" * 10


# --- a turn as WeChat text and its numbered choices ----------------------------------------------------------
def test_messages_join_with_blank_lines_custom_payloads_dropped_buttons_numbered() -> None:
    turn = wechat_turn([
        {"recipient_id": "wechat:o1", "text": "您好。"},
        {"recipient_id": "wechat:o1", "custom": {"identity": {"name": "张三"}}},
        {"recipient_id": "wechat:o1", "custom": {"turn": {"kind": "answer"}}},
        {"recipient_id": "wechat:o1", "text": "您想问哪一项？", "buttons": [
            {"title": "延续注册什么时候申请", "payload": "/faq{\"faq_topic\": \"renewal\"}"},
            {"title": "学时要求", "payload": "/faq{\"faq_topic\": \"ce_hours\"}"}]},
    ])
    assert turn.text == "您好。\n\n您想问哪一项？\n\n回复1：延续注册什么时候申请\n回复2：学时要求"
    assert turn.payloads == ["/faq{\"faq_topic\": \"renewal\"}", "/faq{\"faq_topic\": \"ce_hours\"}"]
    assert "identity" not in turn.text and "张三" not in turn.text


@pytest.mark.parametrize(("text", "number"), [("1", 1), ("１", 1), ("一", 1), (" 2 ", 2), ("二", 2), ("2。", 2),
                                              ("10", 10), ("十", 10), ("0", None), ("1个", None), ("延续注册", None),
                                              ("", None), ("123", None)])
def test_a_choice_is_named_by_its_number_in_any_of_three_ways(text: str, number: int | None) -> None:
    assert choice_number(text) == number


def test_picking_a_choice_gives_its_payload_and_nothing_out_of_range() -> None:
    payloads = ["/a", "/b"]
    assert picked("1", payloads) == "/a" and picked("１", payloads) == "/a" and picked("一", payloads) == "/a"
    assert picked("二", payloads) == "/b"
    assert picked("3", payloads) is None and picked("1", []) is None and picked("你好", payloads) is None


def test_kept_answers_come_first_under_the_line_saying_what_they_are() -> None:
    assert with_earlier([], "答") == "答"
    assert with_earlier(["旧答"], "新答") == "（这是您上一条消息的回复）\n\n旧答\n\n新答"


def test_keys_of_a_text_message_and_a_subscribe_event() -> None:
    from wechatpy import parse_message
    text = parse_message("<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1700000000"
                         "</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>42</MsgId></xml>")
    event = parse_message("<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1700000001"
                          "</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>")
    assert pushed_of(text) is not None and pushed_of(text).msg_key == "msg:42" and pushed_of(text).text == "你好"
    found = pushed_of(event)
    assert found is not None and found.msg_key == "event:oA:1700000001" and found.text is None


# --- the database: claims, answers, kept texts, choices, tokens ------------------------------------------------
def test_a_message_is_claimed_once_and_a_retry_gets_its_ready_answer_once(database: Database) -> None:
    first = wechat_inbox.claim(database, "wechat", "msg:1", "oA", NOW)
    again = wechat_inbox.claim(database, "wechat", "msg:1", "oA", NOW)
    assert first.first and not again.first and again.state == wechat_inbox.PENDING
    assert wechat_inbox.claim(database, "wecom", "msg:1", "u1", NOW).first  # another channel, another key
    assert wechat_inbox.take_answer(database, "wechat", "msg:1") is None  # not ready: "success"
    wechat_inbox.answered(database, "wechat", "msg:1", "答复")
    assert wechat_inbox.claim(database, "wechat", "msg:1", "oA", NOW).state == wechat_inbox.ANSWERED
    assert wechat_inbox.take_answer(database, "wechat", "msg:1") == "答复"
    assert wechat_inbox.take_answer(database, "wechat", "msg:1") is None  # given once
    assert wechat_inbox.claim(database, "wechat", "msg:1", "oA", NOW).state == wechat_inbox.DELIVERED


def test_kept_texts_are_given_once_oldest_first_per_user(database: Database) -> None:
    wechat_inbox.keep(database, "wechat", "oA", ["第一段", "第二段"], NOW)
    wechat_inbox.keep(database, "wechat", "oB", ["别人的"], NOW)
    wechat_inbox.keep(database, "wechat", "oA", [], NOW)
    assert wechat_inbox.take_kept(database, "wechat", "oA", NOW) == ["第一段", "第二段"]
    assert wechat_inbox.take_kept(database, "wechat", "oA", NOW) == []
    assert wechat_inbox.take_kept(database, "wecom", "oB", NOW) == []
    assert wechat_inbox.take_kept(database, "wechat", "oB", NOW) == ["别人的"]


def test_choices_are_remembered_per_user_and_replaced(database: Database) -> None:
    assert wechat_inbox.chosen_payloads(database, "wechat", "oA") == []
    wechat_inbox.remember_choices(database, "wechat", "oA", ["/a", "/b"], NOW)
    assert wechat_inbox.chosen_payloads(database, "wechat", "oA") == ["/a", "/b"]
    wechat_inbox.remember_choices(database, "wechat", "oA", [], NOW)
    assert wechat_inbox.chosen_payloads(database, "wechat", "oA") == []


def test_a_token_is_fetched_again_when_less_than_five_minutes_are_left() -> None:
    assert wechat_inbox.token_needs_refresh(None, NOW)
    assert not wechat_inbox.token_needs_refresh(KeptToken("t", NOW + dt.timedelta(hours=2)), NOW)
    assert not wechat_inbox.token_needs_refresh(KeptToken("t", NOW + dt.timedelta(minutes=5)), NOW)
    assert wechat_inbox.token_needs_refresh(KeptToken("t", NOW + dt.timedelta(minutes=4, seconds=59)), NOW)
    assert wechat_inbox.token_needs_refresh(KeptToken("t", NOW - dt.timedelta(seconds=1)), NOW)


def test_the_token_cache_is_shared_and_replaced(database: Database) -> None:
    assert wechat_inbox.usable_token(database, "wechat:app", NOW) is None
    wechat_inbox.store_token(database, "wechat:app", "T1", 7200, NOW)
    assert wechat_inbox.usable_token(database, "wechat:app", NOW + dt.timedelta(minutes=114)) == "T1"
    assert wechat_inbox.usable_token(database, "wechat:app", NOW + dt.timedelta(minutes=116)) is None
    assert wechat_inbox.usable_token(database, "wecom:corp:1", NOW) is None  # its own key
    wechat_inbox.store_token(database, "wechat:app", "T2", 7200, NOW + dt.timedelta(minutes=116))
    assert wechat_inbox.usable_token(database, "wechat:app", NOW + dt.timedelta(minutes=117)) == "T2"
