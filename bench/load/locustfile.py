"""Locust users for `make bench`: each user is one conversation, sending its next message when the reply arrives.

    locust -f bench/load/locustfile.py --headless -u 10 -r 10 -t 20s --host http://127.0.0.1:8000 KnowledgeUser

The assistant's users talk to it as a browser does: they load the chat page first, keep its cookies and post
JSON `{"message": ...}` to /api/chat with the page's Origin (--host is the web server). ParseUser calls Rasa's
/model/parse (BENCH_RASA_URL) and AnchorUser a bare `rasa init` bot's REST webhook (--host is that bot).

Environment: BENCH_PEOPLE (a JSON file of [name, last six ID characters] the personal and draft users identify
as, one person per user), BENCH_RASA_URL and RASA_AUTH_TOKEN (for /model/parse), BENCH_DRAFTS_OUT (where
confirmed draft references are written when the run stops, for the soak test's lost/duplicated check).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, constant, events, task

from bot.security.kept_secrets import webhook_headers

KNOWLEDGE_QUESTIONS = ["二建延续注册要提前多久申请", "注册了三个专业继续教育要多少学时", "纸质证书现在还能用吗",
                       "换单位了二建怎么办", "在哪个网站申请二建注册", "社保和单位不一致怎么办"]
PERSONAL_QUESTIONS = ["我的注册什么时候到期", "我的继续教育学时够了吗", "我能不能延续注册"]
ANCHOR_MESSAGES = ["hello", "I am feeling very good", "I am sad", "bye"]  # what `rasa init`'s bot was trained on
CHAT = "/api/chat"
WEBHOOK = "/webhooks/rest/webhook"
DRAFT_REFERENCE = re.compile(r"[YZ]X-\d{4}-\d{6}")

_people_lock = threading.Lock()
_people: itertools.cycle[list[str]] | None = None
_sender_numbers = itertools.count(1)
confirmed_drafts: list[dict[str, str]] = []


def next_person() -> list[str]:
    global _people
    with _people_lock:
        if _people is None:
            _people = itertools.cycle(json.loads(Path(os.environ["BENCH_PEOPLE"]).read_text(encoding="utf-8")))
        return next(_people)


class Conversation(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    # People ask a few things and leave; the next visit is a new conversation. A conversation that never ends
    # measures Rasa's history featurisation, which grows with every turn, rather than a turn people make.
    turns_per_conversation = 10

    def on_start(self) -> None:
        self.client.get("/", name="chat page")
        self.sender = f"bench-{os.getpid()}-{next(_sender_numbers)}-{random.randrange(10**9)}"
        self.turns = 0

    def next_visit_if_due(self) -> None:
        if self.turns >= self.turns_per_conversation:
            self.on_start()

    def say(self, text: str, name: str, expect: str | None = None) -> str:
        self.turns += 1
        with self.client.post(CHAT, json={"message": text, "sender": self.sender}, name=name,
                              headers={"Origin": (self.host or "").rstrip("/")}, catch_response=True) as response:
            try:
                replies: list[dict[str, Any]] = response.json()["messages"]
            except Exception:
                response.failure(f"not JSON with messages: {response.text[:80]!r}")
                return ""
            reply = "\n".join(str(r.get("text", "")) for r in replies)
            if not reply:
                response.failure("empty reply")
            elif expect is not None and expect not in reply:
                response.failure(f"expected {expect!r}, got {reply[:80]!r}")
            return reply

    def identify(self) -> None:
        name, last6 = next_person()
        self.say(f"{name} {last6}", "identify", expect="已确认身份")


class ParseUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def parse(self) -> None:
        token = os.environ.get("RASA_AUTH_TOKEN", "")
        with self.client.post(f"{os.environ['BENCH_RASA_URL']}/model/parse?token={token}",
                              json={"text": random.choice(KNOWLEDGE_QUESTIONS)},
                              name="a_parse", catch_response=True) as response:
            if response.status_code != 200 or "intent" not in (response.text or ""):
                response.failure(f"status {response.status_code}")


class WebhookUser(FastHttpUser):
    """Conversations through a Rasa REST webhook directly (--host is that Rasa), 10 turns each."""

    abstract = True
    wait_time = constant(0)
    turns_per_conversation = Conversation.turns_per_conversation
    messages: tuple[str, ...] = ()
    request_name = ""
    expect = ""

    def on_start(self) -> None:
        self.sender = f"webhook-{os.getpid()}-{next(_sender_numbers)}-{random.randrange(10**9)}"
        self.turns = 0

    @task
    def turn(self) -> None:
        if self.turns >= self.turns_per_conversation:
            self.on_start()
        self.turns += 1
        with self.client.post(WEBHOOK, json={"sender": self.sender, "message": random.choice(self.messages)},
                              headers=webhook_headers(), name=self.request_name, catch_response=True) as response:
            try:
                texts = " ".join(str(r.get("text", "")) for r in response.json())
            except Exception:
                texts = ""
            if response.status_code != 200 or not texts.strip() or self.expect not in texts:
                response.failure(f"status {response.status_code}: {(response.text or '')[:80]!r}")


class AnchorUser(WebhookUser):
    """A conversation with the bare `rasa init` bot, the anchor of the comparison."""

    messages = tuple(ANCHOR_MESSAGES)
    request_name = "anchor"
    expect = ""  # any reply with a text


class WebhookKnowledgeUser(WebhookUser):
    """Knowledge questions straight to one Rasa replica or through nginx's /webhooks/ (the cluster bench)."""

    messages = tuple(KNOWLEDGE_QUESTIONS)
    request_name = "b_knowledge"
    expect = "依据："


class KnowledgeUser(Conversation):
    @task
    def knowledge(self) -> None:
        self.next_visit_if_due()
        self.say(random.choice(KNOWLEDGE_QUESTIONS), "b_knowledge", expect="依据：")


class PersonalUser(Conversation):
    def on_start(self) -> None:
        super().on_start()
        self.identify()

    @task
    def personal(self) -> None:
        self.next_visit_if_due()
        self.say(random.choice(PERSONAL_QUESTIONS), "c_personal", expect="2")


class DraftUser(Conversation):
    def on_start(self) -> None:
        super().on_start()
        self.identify()

    @task
    def draft(self) -> None:
        self.next_visit_if_due()
        self.say("我要办延续注册", "d_draft_start", expect="联系电话")
        self.say("13800000000", "d_draft_phone", expect="确认保存")
        saved = DRAFT_REFERENCE.search(self.say("/affirm", "d_draft_confirm", expect="X-"))
        if saved:  # a new draft, or the person's open one updated
            confirmed_drafts.append({"sender": self.sender, "reference": saved.group(0)})


class MixedUser(Conversation):
    """The soak test: questions, identification and drafts in one conversation, with a little think time."""

    wait_time = between(0.5, 1.5)
    turns_per_conversation = 20

    def on_start(self) -> None:
        super().on_start()
        self.identify()

    @task(3)
    def knowledge(self) -> None:
        KnowledgeUser.knowledge(self)  # type: ignore[arg-type]

    @task(3)
    def personal(self) -> None:
        PersonalUser.personal(self)  # type: ignore[arg-type]

    @task(1)
    def draft(self) -> None:
        DraftUser.draft(self)  # type: ignore[arg-type]


@events.test_stop.add_listener  # type: ignore[untyped-decorator]
def write_confirmed_drafts(**_kwargs: Any) -> None:
    out = os.environ.get("BENCH_DRAFTS_OUT")
    if out:
        Path(out).write_text(json.dumps(confirmed_drafts, ensure_ascii=False), encoding="utf-8")
