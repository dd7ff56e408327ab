"""Fictitious registrant records for demos and tests, in the exchange format
(docs/registry/record-schema.md).

`demo_records(count, seed, today)` is deterministic: the same arguments give the same records,
because every choice comes from `random.Random(seed)` and every date is computed from `today`.
Each record is built around one situation of SITUATIONS, assigned round-robin by index, and
carries it as the flag "demo:<situation>".
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rules_engine import parameters
from rules_engine.calendar import period_end
from rules_engine.identity import make_id_number
from rules_engine.vocabulary import CATEGORY, FORM, KIND, STATUS

# ---------------------------------------------------------------------------------------------
# Data constants (Chinese text stays here, at the top)
# ---------------------------------------------------------------------------------------------

# 贵州省 9 个市（州）: name used in records, short name used in company names, and real
# county-level administrative codes (居民身份证 region codes; also the credit code's 登记管理机关).
CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("贵阳市", "贵阳", ("520102", "520103", "520111", "520112", "520113", "520115", "520121", "520122",
                      "520123", "520181")),
    ("六盘水市", "六盘水", ("520201", "520203", "520204", "520281")),
    ("遵义市", "遵义", ("520302", "520303", "520304", "520322", "520323", "520324", "520381", "520382")),
    ("安顺市", "安顺", ("520402", "520403", "520422", "520423")),
    ("毕节市", "毕节", ("520502", "520521", "520523", "520524", "520526", "520581")),
    ("铜仁市", "铜仁", ("520602", "520603", "520621", "520624", "520627")),
    ("黔西南州", "黔西南", ("522301", "522302", "522323", "522325", "522328")),
    ("黔东南州", "黔东南", ("522601", "522622", "522623", "522625", "522631", "522634")),
    ("黔南州", "黔南", ("522701", "522702", "522722", "522725", "522730", "522731")),
)
# Relative weight of each 市（州） as the seat of an employer (贵阳 and 遵义 hold most firms).
CITY_WEIGHTS = (30, 6, 16, 6, 9, 7, 8, 9, 9)

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "吕", "丁", "任", "姚",
    "卢", "钟", "谭", "陆", "汪", "金", "石", "廖", "贾", "韦", "龙", "付", "方", "邹", "熊", "秦",
    "江", "尹", "雷", "舒", "令狐", "欧阳",
)
GIVEN_CHARACTERS = (
    "建", "国", "军", "伟", "强", "磊", "勇", "杰", "涛", "明", "华", "平", "刚", "辉", "鹏", "飞",
    "波", "斌", "超", "亮", "林", "峰", "俊", "浩", "宇", "凯", "文", "武", "志", "海", "江", "山",
    "红", "芳", "娟", "敏", "静", "丽", "艳", "霞", "玲", "燕", "婷", "雪", "琳", "倩", "颖", "洁",
    "德", "成", "兴", "荣", "贵", "黔", "黎", "春", "秋", "云", "松", "雨", "晨", "晓", "永", "忠",
)

# The big employer of every demo set, so that an employer roster demo has plenty to show.
BIG_EMPLOYER_NAME = "贵州黔城建设工程有限公司"
BIG_EMPLOYER_UNIT_TYPE = "施工"
BIG_EMPLOYER_CITY = "贵阳市"

# Two-character trade names (字号) are drawn from these characters.
TRADE_CHARACTERS = (
    "黔", "筑", "城", "鼎", "盛", "宏", "远", "恒", "达", "信", "诚", "安", "泰", "丰", "华", "兴",
    "隆", "昌", "益", "通", "顺", "和", "瑞", "祥", "锦", "润", "嘉", "创", "汇", "源", "峰", "岩",
    "林", "江", "山", "川", "禾", "金", "石", "鑫", "宇", "晟", "凯", "博", "卓", "正", "力", "德",
    "新", "星", "耀", "辰", "建", "邦", "誉", "腾", "众", "合", "中", "天", "乌", "赤", "苗", "侗",
)
# Company-name endings by unit type (the unit types of 五（一）).
NAME_ENDINGS: dict[str, tuple[str, ...]] = {
    "施工": ("建设工程有限公司", "建筑工程有限公司", "路桥工程有限公司", "市政工程有限公司", "水利水电工程有限公司",
             "建工集团有限公司", "机电安装工程有限公司", "矿山工程有限公司", "建筑安装有限公司"),
    "勘察": ("岩土工程勘察有限公司", "地质勘察有限公司", "工程勘察院有限公司"),
    "设计": ("建筑设计院有限公司", "工程设计有限公司", "规划建筑设计有限公司"),
    "监理": ("工程监理有限公司", "建设监理有限公司", "工程建设监理咨询有限公司"),
    "招标代理": ("招标代理有限公司", "工程项目管理有限公司", "招标咨询有限公司"),
    "造价咨询": ("工程造价咨询有限公司", "工程咨询有限公司", "造价师事务所有限公司"),
}
UNIT_TYPE_WEIGHTS: dict[str, int] = {"施工": 60, "勘察": 5, "设计": 7, "监理": 16, "招标代理": 6, "造价咨询": 6}
PROVINCE_PREFIX = "贵州"
BRANCH_SUFFIX = "第{number}分公司"  # only when the trade names run out (millions of records)

# Relative frequency of the six specialties (Guizhou: building and municipal works first).
SPECIALTY_WEIGHTS: dict[str, int] = {"建筑工程": 40, "市政公用工程": 20, "公路工程": 12, "机电工程": 12,
                                     "水利水电工程": 10, "矿业工程": 6}

PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
                  "186", "187", "188", "189", "191", "198", "199")
REGISTRATION_NO_PREFIX = "黔252"

# ---------------------------------------------------------------------------------------------
# Situations
# ---------------------------------------------------------------------------------------------

SITUATIONS: tuple[str, ...] = (
    "expired",                      # valid_until before today, stored status 有效
    "expiring_within_30_days",      # valid_until 1–30 days after today (renewal deadline passed)
    "renewal_deadline_soon",        # apply-by (valid_until − 30 days) 1–60 days after today
    "valid_hours_met",              # comfortably valid, continuing education complete
    "hours_short_one_category",     # one category short, the other in surplus
    "age_64",                       # 65th birthday within the next year, registration valid
    "two_specialties",              # second specialty by 增项注册, same valid_until
    "three_specialties",            # two 增项注册
    "paper_certificate",            # certificate.form 纸质, registered before 2023-08-01
    "never_registered_recent",      # qualification issued less than 3 years ago, never registered
    "never_registered_old",         # qualification issued more than 3 years ago, never registered
    "addition_candidate",           # one registration plus a second qualification not registered
    "cancelled",                    # status 已注销
    "lapsed",                       # status 已失效
    "abnormal",                     # status 注册状态异常
    "insurance_mismatch",           # social_insurance_unit is another unit
    "leap_day_birth",               # born on 2月29日
    "specialty_free_hours",         # continuing-education records with specialty null
)
FLAG_PREFIX = "demo:"

# ---------------------------------------------------------------------------------------------
# Numbers of the generator (the notice's own numbers come from data/policy/parameters.yml)
# ---------------------------------------------------------------------------------------------

REGISTRANTS_PER_EMPLOYER = 20
MIN_EMPLOYERS = 3
BIG_EMPLOYER_SHARE = 0.35            # ≥ 30% of registrants with the big employer
PERIOD_YEARS = parameters.number("renewal_period_years").value
LEAD_DAYS = parameters.number("renewal_lead_days").value
AGE_CAP_YEARS = parameters.number("renewal_age_cap_years").value
ELECTRONIC_FROM = parameters.day("electronic_certificate_start").value
FIRST_COMPULSORY = parameters.number("ce_first_specialty_compulsory_hours").value
FIRST_ELECTIVE = parameters.number("ce_first_specialty_elective_hours").value
FURTHER_COMPULSORY = parameters.number("ce_further_specialty_compulsory_hours").value
FURTHER_ELECTIVE = parameters.number("ce_further_specialty_elective_hours").value
MIN_AGE_YEARS, MAX_AGE_YEARS = 26, 60
AGE_AT_QUALIFICATION_YEARS = 23
DAYS_PER_YEAR = 365
MAX_HOURS_PER_COURSE = 60
COURSE_HOURS = (4, 6, 8, 8, 10, 12, 12, 16, 16, 20, 24, 24, 30, 30, 32, 40, 48, 60)
CREDIT_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 (no I, O, S, V, Z)
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANIZATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)     # GB 11714 organisation code check
KINDS_OF_CURRENT_REGISTRATION = (KIND.initial, KIND.renewal, KIND.renewal, KIND.reregistration)

T = TypeVar("T")


class _Draw:
    """Every random choice of the generator, all from one random.Random(seed).

    Integers and picks are drawn from random() directly: several times faster than randint and
    choice, which matters at a hundred thousand records.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._random = self.rng.random

    def integer(self, low: int, high: int) -> int:
        """low to high inclusive."""
        return low + int(self._random() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self._random() * len(items))]

    def chance(self, probability: float) -> bool:
        return self._random() < probability

    def weighted(self, items: Sequence[T], cumulative: Sequence[float]) -> T:
        return items[bisect.bisect_right(cumulative, self._random() * cumulative[-1])]

    def date_between(self, first: dt.date, last: dt.date) -> dt.date:
        """A day from first to last inclusive (first when the range is empty)."""
        span = (last - first).days
        return first if span <= 0 else first + _days(self.integer(0, span))


SPECIALTIES = tuple(SPECIALTY_WEIGHTS)
SPECIALTY_CUMULATIVE = tuple(itertools.accumulate(SPECIALTY_WEIGHTS.values()))
UNIT_TYPES = tuple(UNIT_TYPE_WEIGHTS)
UNIT_TYPE_CUMULATIVE = tuple(itertools.accumulate(UNIT_TYPE_WEIGHTS.values()))
CITY_CUMULATIVE = tuple(itertools.accumulate(CITY_WEIGHTS))
ALL_REGIONS = tuple(region for _, _, regions in CITIES for region in regions)


def _days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)


def _years_before(when: dt.date, years: int) -> dt.date:
    try:
        return when.replace(year=when.year - years)
    except ValueError:  # 2月29日
        return dt.date(when.year - years, 2, 28)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# ---------------------------------------------------------------------------------------------
# Employers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Employer:
    name: str
    credit_code: str
    unit_type: str
    city: str

    def as_employer(self) -> dict[str, str]:
        return {"name": self.name, "credit_code": self.credit_code, "unit_type": self.unit_type, "city": self.city}

    def as_insurance_unit(self) -> dict[str, str]:
        return {"name": self.name, "credit_code": self.credit_code}


def credit_check_character(first_seventeen: str) -> str:
    """The 18th character of a 统一社会信用代码 (GB 32100-2015)."""
    total = sum(CREDIT_CHARACTERS.index(c) * w for c, w in zip(first_seventeen, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARACTERS[(31 - total % 31) % 31]


def _organization_check(body: str) -> str:
    """The 9th character of an organisation code (GB 11714): letters count from A = 10."""
    total = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
                for c, w in zip(body, ORGANIZATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "0" if check == 11 else "X" if check == 10 else str(check)


def _credit_code(draw: _Draw, region: str, used: set[str]) -> str:
    """91 (企业) + the registering county's code + an organisation code + the check character."""
    while True:
        body = "MA6" + "".join(draw.pick(CREDIT_CHARACTERS) for _ in range(5))
        first = "91" + region + body + _organization_check(body)
        code = first + credit_check_character(first)
        if code not in used:
            used.add(code)
            return code


def _employer_name(draw: _Draw, unit_type: str, short_city: str, used: set[str]) -> str:
    name = ""
    for _ in range(20):
        prefix = PROVINCE_PREFIX if draw.chance(0.4) else short_city
        first = draw.pick(TRADE_CHARACTERS)
        second = draw.pick(TRADE_CHARACTERS)
        name = prefix + first + second + draw.pick(NAME_ENDINGS[unit_type])
        if first != second and name not in used:
            used.add(name)
            return name
    number = 2
    while name + BRANCH_SUFFIX.format(number=number) in used:
        number += 1
    branch = name + BRANCH_SUFFIX.format(number=number)
    used.add(branch)
    return branch


def _employers(draw: _Draw, count: int) -> list[_Employer]:
    """The big employer first, then about one employer per 20 registrants across the 市（州）."""
    size = max(MIN_EMPLOYERS, round(count / REGISTRANTS_PER_EMPLOYER))
    names: set[str] = {BIG_EMPLOYER_NAME}
    codes: set[str] = set()
    big_regions = next(regions for city, _, regions in CITIES if city == BIG_EMPLOYER_CITY)
    pool = [_Employer(BIG_EMPLOYER_NAME, _credit_code(draw, big_regions[0], codes), BIG_EMPLOYER_UNIT_TYPE,
                      BIG_EMPLOYER_CITY)]
    for _ in range(size - 1):
        city, short, regions = draw.weighted(CITIES, CITY_CUMULATIVE)
        unit_type = draw.weighted(UNIT_TYPES, UNIT_TYPE_CUMULATIVE)
        name = _employer_name(draw, unit_type, short, names)
        pool.append(_Employer(name, _credit_code(draw, draw.pick(regions), codes), unit_type, city))
    return pool


def _employer_of_each(draw: _Draw, count: int, pool_size: int) -> list[int]:
    """Index into the pool for each registrant: a fixed share with the big employer (index 0),
    the rest dealt out round-robin in shuffled order, so every other employer has several.

    When the share allows, the big employer has the first record of every situation, so that
    its roster shows them all.
    """
    share = max(1, round(count * BIG_EMPLOYER_SHARE))
    firsts = len(SITUATIONS) if share >= len(SITUATIONS) else 0
    big = set(range(firsts)) | set(draw.rng.sample(range(firsts, count), share - firsts))
    others = [index for index in range(count) if index not in big]
    draw.rng.shuffle(others)
    assignment = [0] * count
    for position, index in enumerate(others):
        assignment[index] = 1 + position % (pool_size - 1)
    return assignment


# ---------------------------------------------------------------------------------------------
# One registrant
# ---------------------------------------------------------------------------------------------


@dataclass
class _Registration:
    specialty: str
    kind: str
    valid_from: dt.date
    valid_until: dt.date
    status: str


@dataclass
class _Plan:
    """The dates and facts of one registrant, decided before the record is written out."""

    qualifications: list[tuple[str, dt.date]]          # specialty, issued_on
    registrations: list[_Registration]
    birth: dt.date | None = None
    paper: bool = False
    mismatch: bool = False
    hours: str = "random"                              # met, short_one, random, none
    null_specialty_hours: bool = False


class _Builder:
    def __init__(self, draw: _Draw, today: dt.date) -> None:
        self.draw = draw
        self.today = today
        self.qualification_serial = 0
        self.registration_serial = 0
        self.used_ids: set[str] = set()

    # -- registrations --------------------------------------------------------------------

    def specialties(self, count: int, besides: tuple[str, ...] = ()) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:
            specialty = self.draw.weighted(SPECIALTIES, SPECIALTY_CUMULATIVE)
            if specialty not in chosen and specialty not in besides:
                chosen.append(specialty)
        return chosen

    def period_ending(self, first_day: int, last_day: int) -> tuple[dt.date, dt.date]:
        """valid_from and valid_until of a 3-year period ending first_day to last_day days after today.

        The end is always period_end(valid_from, 3); a wanted end that no 3-year period has
        (2月28日 of a leap year) is drawn again, so the range must be a few days wide.
        """
        assert last_day - first_day >= 2
        while True:
            wanted = self.today + _days(self.draw.integer(first_day, last_day))
            valid_from = _years_before(wanted + _days(1), PERIOD_YEARS)
            valid_until = period_end(valid_from, PERIOD_YEARS)
            if first_day <= (valid_until - self.today).days <= last_day:
                return valid_from, valid_until

    def registered(self, count: int, valid_from: dt.date, valid_until: dt.date, status: str = STATUS.valid,
                   kind: str | None = None) -> _Plan:
        """`count` specialties: the first over the whole period, the others by 增项注册 within it,
        keeping its valid_until (五（一）3). Each rests on a qualification issued before it."""
        draw = self.draw
        specialties = self.specialties(count)
        kind = kind or draw.pick(KINDS_OF_CURRENT_REGISTRATION)
        # An initial registration follows the qualification within 3 years; a later one long after.
        issued_on = valid_from - _days(draw.integer(30, 900) if kind == KIND.initial else draw.integer(1100, 4000))
        plan = _Plan([(specialties[0], issued_on)],
                     [_Registration(specialties[0], kind, valid_from, valid_until, status)])
        latest = min(self.today, valid_until)
        added = sorted(draw.date_between(min(valid_from + _days(30), latest), latest) for _ in specialties[1:])
        for specialty, added_from in zip(specialties[1:], added, strict=True):
            plan.registrations.append(_Registration(specialty, KIND.addition, added_from, valid_until, status))
            plan.qualifications.append((specialty, added_from - _days(draw.integer(30, 1500))))
        return plan

    def plan(self, situation: str) -> _Plan:
        draw, today = self.draw, self.today
        if situation == "expired":
            return self.registered(1, *self.period_ending(-400, -1))
        if situation == "expiring_within_30_days":
            return self.registered(1, *self.period_ending(1, LEAD_DAYS))
        if situation == "renewal_deadline_soon":
            return self.registered(1, *self.period_ending(LEAD_DAYS + 1, LEAD_DAYS + 60))
        if situation in ("valid_hours_met", "hours_short_one_category"):
            plan = self.registered(1, *self.period_ending(181, 800))
            plan.hours = "met" if situation == "valid_hours_met" else "short_one"
            return plan
        if situation == "age_64":
            birthday = today + _days(draw.integer(1, 365))
            if (birthday.month, birthday.day) == (2, 29):
                birthday += _days(1)
            valid_from, valid_until = self.period_ending(1, max(60, (birthday - today).days))
            # A renewal never runs past the 65th birthday (五（一）2); an initial registration may.
            plan = self.registered(1, valid_from, valid_until, kind=None if valid_until <= birthday else KIND.initial)
            plan.birth = birthday.replace(year=birthday.year - AGE_CAP_YEARS)
            return plan
        if situation in ("two_specialties", "three_specialties"):
            return self.registered(2 if situation == "two_specialties" else 3, *self.period_ending(60, 900))
        if situation == "paper_certificate":
            latest_start = min(today, ELECTRONIC_FROM - _days(1))
            valid_from = latest_start - _days(draw.integer(0, 2 * DAYS_PER_YEAR))
            plan = self.registered(1, valid_from, period_end(valid_from, PERIOD_YEARS))
            plan.paper = True
            return plan
        if situation == "never_registered_recent":
            return _Plan([(self.specialties(1)[0], today - _days(draw.integer(30, 1000)))], [], hours="none")
        if situation == "never_registered_old":
            return _Plan([(self.specialties(1)[0], today - _days(draw.integer(1100, 3000)))], [], hours="none")
        if situation == "addition_candidate":
            plan = self.registered(1, *self.period_ending(60, 900))
            other = self.specialties(1, besides=(plan.registrations[0].specialty,))[0]
            plan.qualifications.append((other, today - _days(draw.integer(30, 2500))))
            return plan
        if situation == "cancelled":
            return self.registered(1, *self.period_ending(-500, 700), status=STATUS.cancelled)
        if situation == "lapsed":
            return self.registered(1, *self.period_ending(-300, 700), status=STATUS.lapsed)
        if situation == "abnormal":
            return self.registered(1, *self.period_ending(30, 900), status=STATUS.abnormal)
        if situation == "insurance_mismatch":
            plan = self.registered(1, *self.period_ending(30, 900))
            plan.mismatch = True
            return plan
        if situation == "leap_day_birth":
            plan = self.registered(1, *self.period_ending(30, 900))
            youngest = self.latest_birth(plan)
            years = [year for year in range(today.year - MAX_AGE_YEARS + 1, youngest.year + 1)
                     if _is_leap(year) and dt.date(year, 2, 29) <= youngest]
            plan.birth = dt.date(draw.pick(years), 2, 29)
            return plan
        if situation == "specialty_free_hours":
            plan = self.registered(draw.integer(1, 2), *self.period_ending(90, 900))
            plan.hours = "met"
            plan.null_specialty_hours = True
            return plan
        raise ValueError(f"unknown situation {situation!r}")

    # -- the person -----------------------------------------------------------------------

    def latest_birth(self, plan: _Plan) -> dt.date:
        """The youngest this person can be: 26 today, and 23 when the first qualification was issued."""
        first_issue = min(issued for _, issued in plan.qualifications)
        return min(_years_before(self.today, MIN_AGE_YEARS), _years_before(first_issue, AGE_AT_QUALIFICATION_YEARS))

    def birth(self, plan: _Plan) -> dt.date:
        if plan.birth is not None:
            return plan.birth
        oldest = _years_before(self.today, MAX_AGE_YEARS) + _days(1)
        return self.draw.date_between(oldest, self.latest_birth(plan))

    def id_number(self, birth: dt.date) -> str:
        while True:
            number = make_id_number(self.draw.pick(ALL_REGIONS), birth, f"{self.draw.integer(0, 999):03d}")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def name(self) -> str:
        draw = self.draw
        given = draw.pick(GIVEN_CHARACTERS)
        if draw.chance(0.7):
            given += draw.pick(GIVEN_CHARACTERS)
        return draw.pick(SURNAMES) + given

    def phone(self) -> str:
        return self.draw.pick(PHONE_PREFIXES) + f"{self.draw.integer(0, 99_999_999):08d}"

    # -- continuing education -------------------------------------------------------------

    def hours_owed(self, plan: _Plan) -> tuple[int, int]:
        """必修 and 选修 hours this person has done in the current period."""
        draw = self.draw
        specialties = sum(1 for r in plan.registrations if r.status == STATUS.valid) or 1
        compulsory = FIRST_COMPULSORY + FURTHER_COMPULSORY * (specialties - 1)
        elective = FIRST_ELECTIVE + FURTHER_ELECTIVE * (specialties - 1)
        if plan.hours == "met":
            return compulsory + 2 * draw.integer(0, 10), elective + 2 * draw.integer(0, 10)
        if plan.hours == "short_one":
            # Usually 必修 short and 选修 in surplus, sometimes the other way round.
            if draw.chance(0.7):
                return compulsory - 2 * draw.integer(1, compulsory // 2), elective + 2 * draw.integer(1, 15)
            return compulsory + 2 * draw.integer(1, 15), elective - 2 * draw.integer(1, elective // 2)
        if draw.chance(0.5):
            return compulsory, elective + 2 * draw.integer(0, 6)
        return 2 * draw.integer(0, compulsory // 2), 2 * draw.integer(0, elective // 2)

    def courses(self, plan: _Plan) -> list[dict[str, Any]]:
        """Courses of at most 60 hours inside the period and not after today, each for a
        specialty already registered on its date (or, in one situation, for none)."""
        if plan.hours == "none" or not plan.registrations:
            return []
        draw = self.draw
        counted = [r for r in plan.registrations if r.status == STATUS.valid] or plan.registrations[:1]
        first = min(r.valid_from for r in counted).toordinal()
        span = min(self.today, max(r.valid_until for r in counted)).toordinal() - first + 1
        # (day ordinal, category, specialty, hours): days as ordinals, which are cheap to draw and sort.
        drawn: list[tuple[int, str, str | None, int]] = []
        single = counted[0].specialty if len(counted) == 1 else None
        for category, total in zip((CATEGORY.compulsory, CATEGORY.elective), self.hours_owed(plan), strict=True):
            remaining = total
            while remaining > 0:
                hours = min(remaining, draw.pick(COURSE_HOURS), MAX_HOURS_PER_COURSE)
                remaining -= hours
                ordinal = first + draw.integer(0, span - 1)
                specialty: str | None = single or draw.pick(
                    [r.specialty for r in counted if r.valid_from.toordinal() <= ordinal] or [counted[0].specialty])
                if plan.null_specialty_hours and (draw.chance(0.5) or not drawn):
                    specialty = None
                drawn.append((ordinal, category, specialty, hours))
        drawn.sort(key=lambda course: course[:2])
        return [{"specialty": specialty, "category": category, "hours": hours,
                 "completed_on": dt.date.fromordinal(ordinal).isoformat()}
                for ordinal, category, specialty, hours in drawn]

    # -- the record -----------------------------------------------------------------------

    def record(self, index: int, situation: str, employer: _Employer, insurer: _Employer) -> dict[str, Any]:
        plan = self.plan(situation)
        birth = self.birth(plan)
        courses = self.courses(plan)
        qualifications = []
        for specialty, issued_on in plan.qualifications:
            self.qualification_serial += 1
            qualifications.append({"specialty": specialty, "certificate_no": f"{self.qualification_serial:07d}",
                                   "issued_on": issued_on.isoformat()})
        registrations = []
        for registration in plan.registrations:
            self.registration_serial += 1
            number = f"{REGISTRATION_NO_PREFIX}{registration.valid_from.year % 100:02d}{self.registration_serial:07d}"
            registrations.append({
                "specialty": registration.specialty, "registration_no": number, "kind": registration.kind,
                "valid_from": registration.valid_from.isoformat(), "valid_until": registration.valid_until.isoformat(),
                "status": registration.status})
        record: dict[str, Any] = {
            "person_id": f"D{index + 1:06d}",
            "name": self.name(),
            "id_number": self.id_number(birth),
            "birth_date": birth.isoformat(),
            "phone": self.phone(),
            "employer": employer.as_employer(),
            "social_insurance_unit": (insurer if plan.mismatch else employer).as_insurance_unit(),
            "qualifications": qualifications,
            "registrations": registrations,
        }
        if registrations:
            # Before 2023-08-01 only paper certificates existed.
            paper = plan.paper or self.today < ELECTRONIC_FROM
            record["certificate"] = {"form": FORM.paper if paper else FORM.electronic}
        record["continuing_education"] = courses
        record["flags"] = [FLAG_PREFIX + situation]
        return record


def demo_records(count: int, seed: int, today: dt.date) -> list[dict[str, Any]]:
    """`count` fictitious registrants in the exchange format; the same for the same arguments.

    Record i is built around SITUATIONS[i % len(SITUATIONS)], relative to `today`.
    """
    if count <= 0:
        return []
    draw = _Draw(seed)
    pool = _employers(draw, count)
    employer_of = _employer_of_each(draw, count, len(pool))
    builder = _Builder(draw, today)
    records = []
    for index in range(count):
        own = employer_of[index]
        insurer = pool[(own + draw.integer(1, len(pool) - 1)) % len(pool)]  # any other unit
        records.append(builder.record(index, SITUATIONS[index % len(SITUATIONS)], pool[own], insurer))
    return records
