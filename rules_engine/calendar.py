"""How the notice's periods become dates (data/policy/date-conventions.md).

Every function takes its dates as arguments; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def same_date_in_year(start: dt.date, year: int) -> dt.date:
    """The calendar date of `start` in `year`; 2月29日 becomes 3月1日 where that year has none,
    so that the day before it is 2月28日, as the conventions' examples require."""
    # Only 2月29日 can fail to exist in another year. (dt.date(...) is the faster start.replace(year=...).)
    try:
        return dt.date(year, start.month, start.day)
    except ValueError:
        return dt.date(year, 2, 28) + ONE_DAY


def period_end(start: dt.date, years: int) -> dt.date:
    """Last day of an N-year period starting on `start`: the day before the same date N years on."""
    return same_date_in_year(start, start.year + years) - ONE_DAY


def days_before(day: dt.date, days: int) -> dt.date:
    return day - dt.timedelta(days=days)


def birthday_in_year(birth: dt.date, years: int) -> dt.date:
    """The birthday of the given age; a 2月29日 birthday in a non-leap year falls on 2月28日."""
    year = birth.year + years
    try:
        return dt.date(year, birth.month, birth.day)
    except ValueError:
        return dt.date(year, 2, 28)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def shown(value: object) -> object:
    """A value as an answer writes it: dates as 2025年3月21日, whole hours without a decimal point."""
    if isinstance(value, dt.date):
        return chinese_date(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
