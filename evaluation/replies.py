"""The reply the running assistant gives to one parsed message, produced in-process.

The rule that follows the predicted intent (data/rules/*.yml) names an action: a custom action is run
through rasa_sdk's CollectingDispatcher with a Tracker built for the message, a response (utter_*)
is taken from domain.yml. Personal questions are asked as one identified demo registrant, whose
record lives in a temporary SQLite registry (DATABASE_URL points at it while replies are made).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "data" / "rules"
DOMAIN = ROOT / "domain.yml"
RETRIEVAL = "faq"
DEMO_SEED = 7


def rule_actions(folder: Path = RULES) -> dict[str, str]:
    """Intent → the action an unconditional rule runs right after it."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            steps = rule.get("steps", [])
            if rule.get("condition") or len(steps) < 2 or "intent" not in steps[0] or "action" not in steps[1]:
                continue
            found.setdefault(str(steps[0]["intent"]), str(steps[1]["action"]))
    return found


def custom_actions() -> dict[str, Action]:
    import actions.drafts
    import actions.knowledge
    import actions.personal

    found: dict[str, Action] = {}
    for module in (actions.knowledge, actions.personal, actions.drafts):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Action) and value is not Action \
                    and value.__module__ == module.__name__:
                try:
                    action = value()
                    found[action.name()] = action
                except (TypeError, NotImplementedError):
                    continue
    return found


def with_retrieval_key(parse: dict[str, Any]) -> dict[str, Any]:
    """A ResponseSelector trained without `retrieval_intent` (Rasa's default) reports under "default";
    the actions read "faq". There is one retrieval intent, so the two are the same selector."""
    selector = parse.get("response_selector") or {}
    if RETRIEVAL not in selector and "default" in selector:
        parse = {**parse, "response_selector": {**selector, RETRIEVAL: selector["default"]}}
    return parse


@dataclass(frozen=True)
class Registrant:
    person_id: str
    name: str
    record: dict[str, Any]


def demo_registrant(situation: str, today: dt.date) -> Registrant:
    """The first registrant of the demo set (bot/demo/data.py) built around `situation`."""
    from bot.demo.data import SITUATIONS, demo_records

    records = demo_records(len(SITUATIONS), DEMO_SEED, today)
    record = next(r for r in records if f"demo:{situation}" in r.get("flags", []))
    return Registrant(str(record["person_id"]), str(record["name"]), record)


@contextmanager
def registry_with(registrant: Registrant, today: dt.date) -> Iterator[str]:
    """A temporary SQLite registry holding the registrant; DATABASE_URL and ASSISTANT_TODAY set meanwhile."""
    from bot.exchange.importer import import_file
    from bot.services.database import forget_shared_database
    from bot.store.migrate import upgrade_to_head
    from bot.store.unit_of_work import Database

    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "ASSISTANT_TODAY")}
    with tempfile.TemporaryDirectory(prefix="qianjian-eval-") as folder:
        url = f"sqlite:///{Path(folder) / 'registry.db'}"
        os.environ["DATABASE_URL"], os.environ["ASSISTANT_TODAY"] = url, today.isoformat()
        upgrade_to_head(url)
        database = Database(url)
        export = Path(folder) / "registrant.jsonl"
        export.write_text(json.dumps(registrant.record, ensure_ascii=False) + "\n", encoding="utf-8")
        import_file(database, export, strict=True)
        database.dispose()
        forget_shared_database()
        try:
            yield url
        finally:
            forget_shared_database()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


class Replier:
    """Turns a parse result into the text the user would read."""

    def __init__(self, person_id: str | None) -> None:
        self.person_id = person_id
        self.rules = rule_actions()
        self.actions = custom_actions()
        self.domain: dict[str, Any] = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
        self.count = 0

    def response_text(self, name: str) -> str:
        variants = self.domain.get("responses", {}).get(name) or [{}]
        return str(variants[0].get("text") or "")

    def tracker(self, parse: dict[str, Any]) -> Tracker:
        self.count += 1
        slots = {"person_id": self.person_id} if self.person_id else {}
        message = {"entities": [], "intent_ranking": [], "metadata": {}, **parse}
        return Tracker(f"eval-{self.count}", slots, message, [], False, None, {}, "action_listen")

    async def reply(self, parse: dict[str, Any]) -> str:
        parse = with_retrieval_key(parse)
        intent = str((parse.get("intent") or {}).get("name"))
        action_name = self.rules.get(intent)
        if action_name is None:
            return self.response_text("utter_default")
        if action_name.startswith("utter_"):
            return self.response_text(action_name)
        action = self.actions.get(action_name)
        if action is None:
            return ""
        dispatcher = CollectingDispatcher()
        await action.run(dispatcher, self.tracker(parse), self.domain)
        texts = [m.get("text") or self.response_text(str(m.get("response") or "")) for m in dispatcher.messages]
        return "\n".join(t for t in texts if t)
