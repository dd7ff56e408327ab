"""Rendering the console's server-side pages (Jinja2 with autoescape: data is always text)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response

from bot.config import PROJECT_ROOT
from rules_engine.calendar import chinese_date

ISO_DATE_LENGTH = 10


def chinese_date_text(value: object) -> object:
    """ISO dates on a page are written the notice's way: 2025年3月21日."""
    if isinstance(value, str) and len(value) == ISO_DATE_LENGTH and value[4] == value[7] == "-":
        try:
            return chinese_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(PROJECT_ROOT / "bot" / "web" / "templates")),
                      autoescape=select_autoescape(["html"]))
    env.filters["cn_date"] = chinese_date_text
    return env


def page(template: str, status: int = 200, **context: Any) -> response.HTTPResponse:
    context.setdefault("message", None)
    context.setdefault("who", None)
    return response.html(environment().get_template(template).render(**context), status=status)
