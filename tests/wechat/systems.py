"""Whole systems (`python -m bot.ops.serve`) with the WeChat settings, started side by side (each takes ~20 s)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import requests
from sqlalchemy import func, select

from bench.system import ROOT, Supervised, supervised
from bot.store.models import WeChatInbound, WeChatOutbound
from bot.store.unit_of_work import Database
from rules_engine.identity import make_id_number
from tests.bot.records import person, registry_with

TODAY = "2025-12-01"
LAST6 = make_id_number("520102", dt.date(1980, 1, 1), "123")[-6:]
OWN_ANSWER = "2026年2月28日"  # 王建国's registration ends then
KNOWLEDGE = "延续注册什么时候申请"
MISSED_WINDOW = "0.001"  # WECHAT_PASSIVE_SECONDS no turn can meet (a warm knowledge answer takes ~40 ms)
CHOICES = "证书的事"  # answered with "您是想问" and three topics
APP_ID, APP_SECRET, OA_TOKEN = "wx0123456789abcdef", "oa-app-secret", "oa-callback-token"
CORP_ID, AGENT_ID, CORP_SECRET, WECOM_TOKEN = "ww0123456789abcdef", "1000002", "wecom-app-secret", "wecom-token"


def seeded(work: Path, name: str) -> str:
    url = f"sqlite:///{work / f'{name}.db'}"
    registry_with(url, work, person("P000001"), person("P000002", name="李娜", birth="1975-02-28")).dispose()
    return url


def system(work: Path, name: str, settings: dict[str, str]) -> Supervised:
    folder = work / name
    folder.mkdir()
    running = supervised(seeded(folder, name), TODAY, folder)
    running.env.update(settings)
    return running


def start_all(systems: list[Supervised]) -> None:
    """Popen every system first, then wait for each: the starts overlap."""
    for running in systems:
        running.process = subprocess.Popen([sys.executable, "-m", "bot.ops.serve"], cwd=ROOT, env=running.env,
                                           stdout=running.log.open("ab"), stderr=subprocess.STDOUT)
    for running in systems:
        running.wait_ready()


def inbound_rows(running: Supervised, msg_key: str) -> list[tuple[str, str]]:
    database = Database(running.env["DATABASE_URL"])
    try:
        with database.engine.connect() as connection:
            rows = connection.execute(select(WeChatInbound.channel, WeChatInbound.state).where(
                WeChatInbound.msg_key == msg_key)).all()
        return [(row[0], row[1]) for row in rows]
    finally:
        database.dispose()


def kept_rows(running: Supervised, user_id: str) -> int:
    """Answers kept for `user_id`'s next message (not yet given)."""
    database = Database(running.env["DATABASE_URL"])
    try:
        with database.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(WeChatOutbound).where(
                WeChatOutbound.user_id == user_id, WeChatOutbound.delivered_at.is_(None))).scalar())
    finally:
        database.dispose()


def recorded_kinds(running: Supervised, sender: str) -> list[tuple[str, str | None]]:
    """The turns /staff/insights counts for `sender` (kind, topic), oldest first."""
    from bot.services.feedback import conversation_key
    from bot.store.models import Turn as RecordedTurn

    database = Database(running.env["DATABASE_URL"])
    try:
        with database.engine.connect() as connection:
            rows = connection.execute(select(RecordedTurn.kind, RecordedTurn.topic).where(
                RecordedTurn.conversation_key == conversation_key(sender)).order_by(RecordedTurn.id)).all()
        return [(row[0], row[1]) for row in rows]
    finally:
        database.dispose()


def user_texts(running: Supervised, sender: str) -> list[str]:
    """What Rasa's tracker holds as the user's messages in conversation `sender` (e.g. "wechat:<OpenID>")."""
    tracker = requests.get(f"{running.rasa_url}/conversations/{sender}/tracker", timeout=30,
                           params={"token": running.auth_token})
    tracker.raise_for_status()
    return [str(event.get("text")) for event in tracker.json().get("events", []) if event.get("event") == "user"]


def squeezed(text: str) -> str:
    return "".join(text.split())
