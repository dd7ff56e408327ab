"""The hostile-input corpus (corpus.yml) against the real servers: over Rasa's REST webhook and over
the web page's /api/chat. The servers stay up, every reply is sensible Chinese without traceback
text or a full ID number, and the registry is left as it was."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from bot.security.kept_secrets import webhook_headers
from tests.e2e.servers import MODEL
from tests.hostile.conftest import SCRIPT_NAME, Site

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")]
CORPUS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "corpus.yml").read_text(encoding="utf-8"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Any 18 digits in a row, in any width, with or without a final X: a full ID number.
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
TRACEBACK_WORDS = ("Traceback", "Exception", "Error", "File \"", "NoneType", "KeyError", "sqlite", "SQL")
NORMAL_QUESTION, NORMAL_ANSWER = "二建延续注册要提前多久申请", "届满30日前"


def messages_of(entry: dict[str, Any]) -> list[str]:
    if "text" in entry:
        return [entry["text"]]
    if "messages" in entry:
        return list(entry["messages"])
    repeat = entry["repeat"]
    one = repeat["text"] * (repeat["length"] // len(repeat["text"])) if "length" in repeat else repeat["text"]
    return [one] * repeat["times"]


def check_reply(entry: dict[str, Any], reply: str, last: bool) -> None:
    name = entry["name"]
    assert reply.strip(), f"{name}: empty reply"
    assert CHINESE.search(reply), f"{name}: no Chinese in {reply!r}"
    for word in TRACEBACK_WORDS:
        assert word not in reply, f"{name}: {word!r} in {reply!r}"
    assert not FULL_ID.search(reply), f"{name}: a full ID number in {reply!r}"
    for word in entry.get("must_not_contain", []):
        assert word not in reply, f"{name}: {word!r} in {reply!r}"
    if last:
        for word in entry.get("must_contain", []):
            assert word in reply, f"{name}: {word!r} not in {reply!r}"


def rest(site: Site, sender: str, message: Any) -> tuple[int, str]:
    answer = requests.post(f"{site.servers.rasa_url}/webhooks/rest/webhook", timeout=60, headers=webhook_headers(),
                           json={"sender": sender, "message": message})
    body = answer.json()
    assert isinstance(body, list), body
    return answer.status_code, "\n".join(str(m.get("text") or "") for m in body)


def web(site: Site, browser: requests.Session, message: str) -> tuple[int, str]:
    """One message from a browser: its conversation is the cookie the page set."""
    answer = browser.post(f"{site.web_url}/api/chat", timeout=60, json={"message": message})
    body = answer.json()
    if "error" in body:
        return answer.status_code, str(body["error"])
    return answer.status_code, "\n".join(str(m.get("text") or "") for m in body["messages"])


@pytest.fixture(scope="module")
def before(site: Site) -> dict[str, list[tuple[Any, ...]]]:
    return site.table_contents()


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_corpus_over_the_rest_webhook(site: Site, before: dict[str, Any], entry: dict[str, Any]) -> None:
    chosen = messages_of(entry)
    for index, message in enumerate(chosen):
        status, reply = rest(site, f"rest-{entry['name']}", message)
        assert status == 200, (entry["name"], status, reply)
        check_reply(entry, reply, last=index == len(chosen) - 1)


@pytest.mark.parametrize("entry", CORPUS, ids=[e["name"] for e in CORPUS])
def test_corpus_over_the_web_page(site: Site, before: dict[str, Any], entry: dict[str, Any]) -> None:
    chosen = messages_of(entry)
    browser = requests.Session()
    browser.get(site.web_url + "/", timeout=30)
    for index, message in enumerate(chosen):
        status, reply = web(site, browser, message)
        assert status in (200, 400, 413), (entry["name"], status, reply)  # 400/413: the page's own refusals
        check_reply(entry, reply, last=index == len(chosen) - 1)


@pytest.mark.parametrize("body", [
    "not json", "[]", '"text"', "null", '{"message": "你好"}', '{"sender": "", "message": "你好"}',
    '{"sender": {"a": 1}, "message": "你好"}', '{"sender": "s", "message": 42}', '{"sender": "s", "message": ["a"]}',
    '{"sender": "' + "s" * 101 + '", "message": "你好"}',
])
def test_bodies_that_are_not_a_message_get_a_chinese_refusal(site: Site, body: str) -> None:
    answer = requests.post(f"{site.servers.rasa_url}/webhooks/rest/webhook", data=body.encode("utf-8"), timeout=30,
                           headers={"Content-Type": "application/json", **webhook_headers()})
    assert answer.status_code == 400
    reply = "\n".join(m["text"] for m in answer.json())
    assert CHINESE.search(reply) and not any(word in reply for word in TRACEBACK_WORDS)


def test_the_input_channel_cannot_be_chosen_by_the_sender(site: Site) -> None:
    status, reply = rest(site, "rest-channel", NORMAL_QUESTION)
    answer = requests.post(f"{site.servers.rasa_url}/webhooks/rest/webhook", timeout=60, headers=webhook_headers(),
                           json={"sender": "rest-channel", "message": NORMAL_QUESTION, "input_channel": "telegram"})
    assert status == 200 and answer.ok and NORMAL_ANSWER in reply


def test_an_imported_name_with_html_comes_back_as_plain_text_in_chat(site: Site) -> None:
    sender = "rest-html-name"
    from tests.bot.records import EMPLOYER

    _, login = rest(site, sender, f"{EMPLOYER['credit_code']} 访问码 {site.access_code}")
    assert "已确认单位" in login
    _, listing = rest(site, sender, "我们单位哪些人90天内到期")
    assert SCRIPT_NAME in listing  # the text as imported; the chat page shows text, never HTML
    assert "&lt;" not in listing


def flood(url: str, payloads: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    results: list[tuple[int, Any]] = [(0, None)] * len(payloads)
    start = threading.Barrier(len(payloads))

    def send(index: int) -> None:
        start.wait()
        try:
            answer = requests.post(url, json=payloads[index], timeout=120, headers=webhook_headers())
            results[index] = (answer.status_code, answer.json())
        except requests.RequestException as error:
            results[index] = (-1, repr(error))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_hundred_messages_at_once_from_one_conversation_all_get_an_answer(site: Site) -> None:
    payloads = [{"sender": "rest-flood", "message": f"{NORMAL_QUESTION}{i}"} for i in range(100)]
    results = flood(f"{site.servers.rasa_url}/webhooks/rest/webhook", payloads)
    texts = []
    for status, body in results:
        assert status == 200, (status, body)
        reply = "\n".join(str(m.get("text") or "") for m in body)
        assert reply.strip() and CHINESE.search(reply), body
        texts.append(reply)
    answered = sum(NORMAL_ANSWER in t for t in texts)
    too_fast = sum("太快" in t for t in texts)
    assert answered >= 1 and answered + too_fast == 100
    _, after = rest(site, "rest-after-flood", NORMAL_QUESTION)
    assert NORMAL_ANSWER in after
    _, same = rest(site, "rest-flood", NORMAL_QUESTION)  # the flooded conversation itself goes on
    assert NORMAL_ANSWER in same


def test_a_hundred_messages_at_once_through_the_web_page(site: Site) -> None:
    payloads = [{"message": f"{NORMAL_QUESTION}{i}"} for i in range(100)]
    results = flood(f"{site.web_url}/api/chat", payloads)
    for status, body in results:
        assert status == 200, (status, body)
        reply = "\n".join(str(m.get("text") or "") for m in body["messages"])
        assert NORMAL_ANSWER in reply or "太快" in reply, reply
    status, after = web(site, requests.Session(), NORMAL_QUESTION)
    assert status == 200 and NORMAL_ANSWER in after


def test_no_full_id_number_was_stored_and_the_registry_is_unchanged(site: Site, before: dict[str, Any]) -> None:
    # Runs last in this module (tests run in file order): after every message above.
    assert site.table_contents() == before
    stored = site.stored_conversation_text()
    for number in ("520102198001011235", "52010319850505100X", "52010319850505100x", "520102198001011236"):
        assert number not in stored
    assert not re.search(r"[０-９]{6}", stored)  # nor its full-width digits
    _, still = rest(site, "rest-still-up", NORMAL_QUESTION)
    assert NORMAL_ANSWER in still


def test_rasa_allows_no_other_origin(site: Site) -> None:
    evil = {"Origin": "http://evil.example"}
    url = f"{site.servers.rasa_url}/webhooks/rest/webhook"
    preflight = requests.options(url, headers={**evil, "Access-Control-Request-Method": "POST"}, timeout=10)
    posted = requests.post(url, json={"sender": "rest-cors", "message": NORMAL_QUESTION}, headers={**evil, **webhook_headers()},
                           timeout=60)
    for answer in (preflight, posted, requests.get(site.servers.rasa_url + "/", headers=evil, timeout=10)):
        assert "Access-Control-Allow-Origin" not in answer.headers, answer.headers


def test_bot_serve_starts_rasa_without_cors() -> None:
    source = (MODEL.parents[1] / "bot" / "ops" / "serve.py").read_text(encoding="utf-8")
    assert '"--cors"' not in source and "'--cors'" not in source


def test_streamed_replies_are_guarded_too(site: Site) -> None:
    answer = requests.post(f"{site.servers.rasa_url}/webhooks/rest/webhook?stream=true", timeout=60, headers=webhook_headers(),
                           json={"sender": "rest-stream", "message": "王建国 520102198001011235"})
    assert answer.ok and "520102198001011235" not in answer.text
    import json

    lines = [json.loads(line) for line in answer.text.splitlines() if line.strip()]
    texts = [line["text"] for line in lines if "text" in line]  # the page's "who is identified" has none
    assert "只保留后六位" in texts[0] and any("已确认身份" in t for t in texts)
    assert requests.get(f"{site.servers.rasa_url}/webhooks/rest/", timeout=10).json() == {"status": "ok"}
