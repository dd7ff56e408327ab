"""Facts people type into a question: dates (2027.3.1, 2027年3月, 二〇二七年三月一日, 27年3月1号), a birth
date, the number of specialties and the hours done per category. Chinese numerals are read by cn2an.

A date keeps what it was typed with: a month without a day stays without a day, and a day that does not
exist (2月30日) is kept as invalid, so that the answer can ask back instead of guessing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

import cn2an

from bot.answers.numbers import specialty_count
from bot.understanding.lexicon import normal_form


class DateRole(Enum):
    VALID_UNTIL = "valid_until"
    ISSUED_ON = "issued_on"
    BIRTH = "birth"
    APPROVED_ON = "approved_on"
    UNKNOWN = "unknown"


DATE = re.compile(r"(?<![0-9])(?P<year>(?:19|20)[0-9]{2}|[0-9]{2})\s*(?:年|\.|/|-)\s*(?P<month>[0-9]{1,2})\s*"
                  r"(?:(?:月份?|\.|/|-)\s*(?:(?P<day>[0-9]{1,2})\s*(?:日|号)?)?)?(?![0-9])")
# The words around a date that say what it is (looked for just after it first, then just before it).
ROLE_WORDS: tuple[tuple[DateRole, re.Pattern[str]], ...] = (
    (DateRole.BIRTH, re.compile(r"出生|生日|生的|年生|出生于|生人")),
    (DateRole.ISSUED_ON, re.compile(r"发证|签发|取得|拿证|拿到|考过|考下|考出|发的|颁发|资格证|证书日期|拿的证|下证|批准日期")),
    (DateRole.APPROVED_ON, re.compile(r"批准|准予|获准|批下来|批了|延续成功|审批通过|通过的|延续|获批|续上")),
    (DateRole.VALID_UNTIL, re.compile(r"到期|有效期至|有效期到|有效期|截止|届满|过期|终止|止|为止|结束|失效")),
)
WINDOW = 10
PUNCTUATION = re.compile(r"[，,。；;！!？?]")
COMPULSORY = re.compile(r"必修[^0-9必选]{0,8}?([0-9]+(?:\.[0-9]+)?)")
ELECTIVE = re.compile(r"选修[^0-9必选]{0,8}?([0-9]+(?:\.[0-9]+)?)")
TOTAL_HOURS = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*个?\s*(?:学时|课时)")


@dataclass(frozen=True)
class TypedDate:
    typed: str
    year: int
    month: int
    day: int | None
    role: DateRole

    @property
    def exists(self) -> bool:
        if not 1 <= self.month <= 12:
            return False
        return self.day is None or 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]

    @property
    def date(self) -> dt.date | None:
        """The day, when it was typed and exists."""
        return dt.date(self.year, self.month, self.day) if self.day is not None and self.exists else None

    def month_days(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the month typed."""
        return dt.date(self.year, self.month, 1), dt.date(self.year, self.month,
                                                          calendar.monthrange(self.year, self.month)[1])


@dataclass(frozen=True)
class TypedFacts:
    dates: tuple[TypedDate, ...] = ()
    specialty_count: int | None = None
    compulsory_done: float | None = None
    elective_done: float | None = None
    total_done: float | None = None

    def first(self, role: DateRole) -> TypedDate | None:
        return next((d for d in self.dates if d.role is role), None)

    @property
    def hours_typed(self) -> bool:
        return self.compulsory_done is not None or self.elective_done is not None or self.total_done is not None

    @property
    def known_dates(self) -> bool:
        """A date whose role the words around it say (到期, 出生, 发证, 批准)."""
        return any(d.role is not DateRole.UNKNOWN for d in self.dates)

    @property
    def anything(self) -> bool:
        return bool(self.dates) or self.hours_typed


def arabic_numerals(text: str) -> str:
    """二〇二七年三月一日 → 2027年3月1日, 三十五个学时 → 35个学时 (cn2an); the text itself if cn2an cannot."""
    normal = normal_form(text)
    try:
        return str(cn2an.transform(normal, "cn2an"))
    except (ValueError, KeyError, IndexError):
        return normal


def _role(text: str, span: tuple[int, int], bounds: tuple[int, int]) -> DateRole:
    """The role whose words come closest after the date, else closest before it; neither side reaches
    past a punctuation mark or another date (`bounds`: the previous date's end, the next date's start)."""
    start, end = span
    after = PUNCTUATION.split(text[end:min(end + WINDOW, bounds[1])])[0]
    before = PUNCTUATION.split(text[max(bounds[0], start - WINDOW):start])[-1]
    for near, closest in ((after, min), (before, max)):
        found = [(match.start(), role) for role, words in ROLE_WORDS if (match := _last_or_first(words, near, closest))]
        if found:
            return closest(found, key=lambda entry: entry[0])[1]
    return DateRole.UNKNOWN


def _last_or_first(words: re.Pattern[str], text: str, closest: object) -> re.Match[str] | None:
    matches = list(words.finditer(text))
    if not matches:
        return None
    return matches[0] if closest is min else matches[-1]


def _year(typed: str) -> int:
    year = int(typed)
    return year if year >= 100 else 2000 + year if year < 70 else 1900 + year


def _dates(text: str) -> tuple[TypedDate, ...]:
    matches = [m for m in DATE.finditer(text) if _is_date(m)]
    found = []
    for index, match in enumerate(matches):
        bounds = (matches[index - 1].end() if index else 0,
                  matches[index + 1].start() if index + 1 < len(matches) else len(text))
        day = match.group("day")
        found.append(TypedDate(match.group(0).strip(), _year(match.group("year")), int(match.group("month")),
                               int(day) if day else None, _role(text, (match.start(), match.end()), bounds)))
    return tuple(found)


def _is_date(match: re.Match[str]) -> bool:
    """A year and a month (2027年3月) or a whole date (2027.3.1); "2027年" and "3个专业" are no date."""
    typed = match.group(0)
    if match.group("day") is not None:
        return True
    return "年" in typed and "月" in typed


def _number(pattern: re.Pattern[str], text: str) -> float | None:
    match = pattern.search(text)
    return float(match.group(1)) if match else None


def typed_facts(text: str) -> TypedFacts:
    """What the message itself says about the person's dates, specialties and hours."""
    converted = arabic_numerals(text)
    compulsory, elective = _number(COMPULSORY, converted), _number(ELECTIVE, converted)
    total = None
    if compulsory is None and elective is None:
        total = _number(TOTAL_HOURS, converted)
    return TypedFacts(_dates(converted), specialty_count(converted, [], []), compulsory, elective, total)
