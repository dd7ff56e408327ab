"""The login form both private areas share (/staff and /employer): shown, refused, rate-limited, left."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.replies.messages import say
from bot.store.unit_of_work import Database
from bot.web.pages import page
from bot.web.sessions import finish_session


@dataclass(frozen=True)
class LoginForm:
    title_key: str  # in data/messages/web.yml
    fields: list[dict[str, str]]
    refused_key: str
    login_path: str

    def shown(self, status: int = 200, message: str | None = None) -> HTTPResponse:
        return page("login.html", status=status, title=say("web", self.title_key), fields=self.fields,
                    message=message)

    def rate_limited(self, wait: dt.timedelta) -> HTTPResponse:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        return self.shown(429, say("web", "login_rate_limited", minutes=minutes))

    def refused(self) -> HTTPResponse:
        return self.shown(401, say("web", self.refused_key))

    def logged_out(self, request: Request, database: Database) -> HTTPResponse:
        result = response.redirect(self.login_path)
        finish_session(result, request, database)
        return result
