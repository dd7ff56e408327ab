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

from bot.parsing.numbers import specialty_count
from bot.understanding.lexicon import normal_form, words


class DateRole(Enum):
    VALID_UNTIL = "valid_until"
    ISSUED_ON = "issued_on"
    BIRTH = "birth"
    APPROVED_ON = "approved_on"
    UNKNOWN = "unknown"


DATE = re.compile(r"(?<![0-9])(?P<year>(?:19|20)[0-9]{2}|[0-9]{2})\s*(?:年|\.|/|-)\s*(?P<month>[0-9]{1,2})\s*"
                  r"(?:(?:月份?|\.|/|-)\s*(?:(?P<day>[0-9]{1,2})\s*(?:日|号)?)?)?(?![0-9])")
WINDOW = 10
# Nobody registered today was born after 2010: "08年生的" is 2008, "63年生的" 1963.
TWO_DIGIT_BIRTH_YEARS_FROM_2000 = 10
PUNCTUATION = re.compile(r"[，,。；;！!？?]")


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
    """The role whose words stand closest to the date, on either side ("有效期到2027年3月1日", "2027年3月1日到期");
    after it on a tie. Neither side reaches past a punctuation mark or another date (`bounds`: the
    previous date's end, the next date's start)."""
    start, end = span
    after = PUNCTUATION.split(text[end:min(end + WINDOW, bounds[1])])[0]
    before = PUNCTUATION.split(text[max(bounds[0], start - WINDOW):start])[-1]
    found = []
    for name, role_words in words().date_roles.items():
        role = DateRole(name)
        # Distance from the date: to the first match after it, from the last match before it.
        if (first_after := role_words.search(after)) is not None:
            found.append((first_after.start(), 0, role))
        for last_before in list(role_words.finditer(before))[-1:]:
            found.append((len(before) - last_before.end(), 1, role))
    return min(found, key=lambda entry: (entry[0], entry[1]))[2] if found else DateRole.UNKNOWN


def _year(typed: str, role: DateRole) -> int:
    """A two-digit year: 19xx for a birth year (63年生的), 20xx otherwise (27年3月1号到期)."""
    year = int(typed)
    if year >= 100:
        return year
    return 1900 + year if role is DateRole.BIRTH and year > TWO_DIGIT_BIRTH_YEARS_FROM_2000 else 2000 + year


def _dates(text: str) -> tuple[TypedDate, ...]:
    matches = [m for m in DATE.finditer(text) if _is_date(m)]
    found = []
    for index, match in enumerate(matches):
        bounds = (matches[index - 1].end() if index else 0,
                  matches[index + 1].start() if index + 1 < len(matches) else len(text))
        day = match.group("day")
        role = _role(text, (match.start(), match.start() + len(match.group(0).rstrip())), bounds)
        found.append(TypedDate(match.group(0).strip(), _year(match.group("year"), role), int(match.group("month")),
                               int(day) if day else None, role))
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


def _absolute_years(text: str, today: dt.date | None) -> str:
    """今年/明年/去年 as the year they are on `today` ("明年3月" → "2027年3月")."""
    if today is None:
        return text
    for word, offset in words().relative_years.items():
        text = text.replace(word, f"{today.year + offset}年")
    return text.replace("年年", "年")


def typed_facts(text: str, today: dt.date | None = None, specialties: tuple[str, ...] = ()) -> TypedFacts:
    """What the message itself says about the person's dates, specialties and hours; `today` reads 明年."""
    converted = _absolute_years(arabic_numerals(text), today)
    hours = words().hours
    compulsory, elective = _number(hours["compulsory"], converted), _number(hours["elective"], converted)
    total = None
    if compulsory is None and elective is None:
        total = _number(hours["total"], converted)
    return TypedFacts(_dates(converted), specialty_count(converted, list(specialties), []), compulsory, elective, total)
