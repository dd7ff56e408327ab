"""居民身份证号码 (GB 11643-1999): check digit, birth date, masking."""

from __future__ import annotations

import datetime as dt

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
ID_LENGTH = 18
SHOWN_PREFIX = 4
SHOWN_SUFFIX = 4


class IdNumberError(ValueError):
    """Why an ID number is not valid; the message key names the fault."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def check_character(first_seventeen: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, WEIGHTS, strict=False))
    return CHECK_CHARACTERS[total % 11]


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def validate_id_number(id_number: str) -> str:
    """The number in canonical form (upper-case X), or IdNumberError with the fault's key."""
    canonical = id_number.upper()
    if len(canonical) != ID_LENGTH or not canonical[:17].isdigit() or not canonical[:17].isascii():
        raise IdNumberError("id_number_format")
    if canonical[17] not in "0123456789X":
        raise IdNumberError("id_number_format")
    try:
        birth_date_of(canonical)
    except ValueError:
        raise IdNumberError("id_number_birth_date") from None
    if check_character(canonical[:17]) != canonical[17]:
        raise IdNumberError("id_number_check_digit")
    return canonical


def mask_id_number(id_number: str) -> str:
    """5201**********123X: enough to confirm, too little to misuse."""
    if len(id_number) <= SHOWN_PREFIX + SHOWN_SUFFIX:
        return "*" * len(id_number)
    hidden = len(id_number) - SHOWN_PREFIX - SHOWN_SUFFIX
    return id_number[:SHOWN_PREFIX] + "*" * hidden + id_number[-SHOWN_SUFFIX:]


def make_id_number(region: str, birth: dt.date, sequence: str) -> str:
    """A well-formed number for fictitious people (demo data, tests)."""
    first = f"{region}{birth:%Y%m%d}{sequence}"
    return first + check_character(first)
