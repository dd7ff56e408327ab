"""Reading identification out of what people type: a name, six ID characters, a credit code."""

from __future__ import annotations

import re
import unicodedata

LAST6 = re.compile(r"(?<![0-9A-Za-z])([0-9]{5}[0-9Xx])(?![0-9A-Za-z])")
CREDIT_CODE = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")
ACCESS_CODE = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{8})(?![0-9A-Z])")
LABELS = re.compile(
    r"我叫|我是|本人|姓名|名字|叫做|身份证号码|身份证号|身份证|后六位是?|后6位是?|号码是?|尾号是?|你好|您好")
NAME = re.compile(r"[\u4e00-\u9fff·]{2,5}")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def parse_identity(text: str) -> tuple[str | None, str | None]:
    """(name, last six characters) where the text holds them."""
    normal = normalise(text)
    match = LAST6.search(normal)
    last6 = match.group(1).upper() if match else None
    rest = LAST6.sub(" ", normal)
    rest = LABELS.sub(" ", rest)
    names = NAME.findall(rest)
    return (names[0] if names else None), last6


def parse_employer_login(text: str) -> tuple[str | None, str | None]:
    """(统一社会信用代码, access code) where the text holds them."""
    normal = normalise(text).upper()
    match = CREDIT_CODE.search(normal)
    code = match.group(1) if match else None
    rest = CREDIT_CODE.sub(" ", normal)
    access = ACCESS_CODE.search(rest)
    return code, (access.group(1) if access else None)
