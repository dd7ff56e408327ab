"""What the guarded REST channel does to text before Rasa sees it (no server needed)."""

from __future__ import annotations

import pytest

from bot.config import MAX_MESSAGE_CHARS, max_message_chars
from bot.rasa.channels import MAX_METADATA_CHARS, _scrub_metadata, clean_text, guarded_metadata, shorten_id_numbers

FULL = "520102198001011235"


@pytest.mark.parametrize(("typed", "kept"), [
    (f"王建国 {FULL}", "王建国 011235"),
    ("王建国 ５２０１０２１９８００１０１１２３５", "王建国 011235"),       # full-width digits
    ("５２０１０２19800101１２３５", "011235"),                           # mixed widths
    ("身份证52010219800101123x号", "身份证01123X号"),                     # lower-case x
    ("身份证52010219800101123ｘ", "身份证01123X"),                       # full-width x
    ("520102 19800101 1235", "011235"),                                  # in groups
    ("5201-0219-8001-0112-35", "011235"),
    ("５２０１０２\u300019800101\u30001235", "011235"),                     # ideographic spaces
    ("\u0665\u0662\u0660\u0661\u0660\u0662198001011235", "011235"),      # other scripts' digits
    ("520102198001011236", "011236"),                                    # wrong check digit: still a full number
])
def test_full_id_numbers_keep_only_their_last_six(typed: str, kept: str) -> None:
    assert shorten_id_numbers(typed) == (kept, 1)


@pytest.mark.parametrize("typed", [
    "13800000000", "13800000000 13900000000", "011235", "王建国 01123X", "5201021980010112351",
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14", "注册了三个专业", "",
])
def test_other_numbers_are_left_alone(typed: str) -> None:
    assert shorten_id_numbers(typed) == (typed, 0)


def test_control_characters_go_but_new_lines_stay() -> None:
    assert clean_text("a\x00b\x07c\td\r\ne\rf\u200bg\u202eh\ufeffi\ud800j\nk") == "abc d\ne\nfghij\nk"
    assert clean_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # emoji sequences hold together


def test_a_zero_width_space_cannot_hide_a_number() -> None:
    hidden = "5201\u200b02198001011235"
    assert shorten_id_numbers(clean_text(hidden)) == ("011235", 1)


def test_metadata_strings_are_scrubbed_and_depth_bounded() -> None:
    deep: object = "x"
    for _ in range(50):
        deep = [deep]
    scrubbed = _scrub_metadata({"token": "t", "note": FULL, "nested": {"list": [FULL, 3]}, "deep": deep})
    assert scrubbed["note"] == "011235" and scrubbed["nested"]["list"] == ["011235", 3]
    assert FULL not in repr(scrubbed)


def test_the_limit_is_shared_and_overridable() -> None:
    assert MAX_MESSAGE_CHARS == 500 == max_message_chars({})
    assert max_message_chars({"MAX_MESSAGE_CHARS": "200"}) == 200
    assert max_message_chars({"MAX_MESSAGE_CHARS": "lots"}) == 500
    assert max_message_chars({"MAX_MESSAGE_CHARS": "-1"}) == 500


def test_metadata_is_an_object_of_bounded_size() -> None:
    assert guarded_metadata(["not", "an", "object"]) == {} and guarded_metadata(None) == {}
    assert guarded_metadata({"token": "abc", "note": FULL}) == {"token": "abc", "note": "011235"}
    huge = {"token": "abc", "padding": "x" * (MAX_METADATA_CHARS + 1)}
    assert guarded_metadata(huge) == {"token": "abc"}
    assert guarded_metadata({"padding": "x" * (MAX_METADATA_CHARS + 1)}) == {}
