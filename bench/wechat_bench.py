"""The Official Account channel's passive replies under load (issue 18): how many answers make WeChat's 5-second call.

    .venv/bin/python -m bench.wechat_bench [--users 10 50] [--seconds 20] [--window 4.0]

Starts the whole system (`python -m bot.ops.serve`, as `make run`) on a fresh SQLite registry with the Official
Account channel in safe mode, a verified account and WECHAT_PASSIVE_SECONDS=`--window`, its API pointed at
FakeWeChatApi. For each concurrency, that many users (one OpenID each) send knowledge questions through the
simulator (bench/wechat_simulator.py: signed, AES-encrypted, WeChat's 5-second timer) for `--seconds`, each waiting
for its reply before the next question, as a person does. A reply is passive when the answer came back on the call
itself; the rest answered "success" and were sent through the customer-service API (counted at FakeWeChatApi).
Prints a Markdown section and writes it to results/benchmarks/wechat.md (bench/report.py puts it in
docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.registry_bench import percentile
from bench.system import Supervised, supervised
from bench.wechat_simulator import FakeWeChatApi, OfficialAccountSimulator, aes_key, wait_until
from bot.store.migrate import upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "benchmarks" / "wechat.md"
TODAY = "2025-12-01"
APP_ID, APP_SECRET, TOKEN = "wxbench0123456789", "bench-app-secret", "bench-callback-token"
QUESTIONS = ("延续注册什么时候申请", "继续教育学时不够怎么办", "换单位了要做什么", "二建初始注册需要什么材料",
             "注销注册怎么办理", "电子证书怎么下载", "注册证书丢了怎么办", "延续注册要多少学时")


@dataclass
class Round:
    users: int
    seconds: float
    times: list[float] = field(default_factory=list)  # passive replies: from the first request to the reply
    fallbacks: int = 0  # "success": the answer went through the API
    failed: int = 0  # no answer at all (an error, or WeChat gave up)
    delivered: int = 0  # messages FakeWeChatApi received for this round's users

    @property
    def messages(self) -> int:
        return len(self.times) + self.fallbacks + self.failed


def one_round(system: Supervised, api: FakeWeChatApi, key: str, users: int, seconds: float,
              window: float) -> Round:
    found = Round(users, seconds)
    lock = threading.Lock()
    url = system.rasa_url + "/webhooks/wechat/webhook"
    deadline = time.monotonic() + seconds
    openids = [f"o-bench-{users}-{number:03d}" for number in range(users)]

    def user(openid: str) -> None:
        wechat = OfficialAccountSimulator(url, TOKEN, APP_ID, key)
        draw = random.Random(openid)
        while time.monotonic() < deadline:
            delivery = wechat.send_text(openid, draw.choice(QUESTIONS))
            with lock:
                if delivery.passive:  # within the window, or (later) on WeChat's retry
                    found.times.append(delivery.seconds)
                elif delivery.status_code == 200:
                    found.fallbacks += 1
                else:
                    found.failed += 1

    threads = [threading.Thread(target=user, args=(openid,)) for openid in openids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wanted = set(openids)
    wait_until(lambda: sum(d["touser"] in wanted for d in api.deliveries) >= found.fallbacks, 30)
    found.delivered = sum(d["touser"] in wanted for d in api.deliveries)
    return found


def section(rounds: list[Round], window: float) -> str:
    lines = ["## WeChat Official Account: passive replies under load", "",
             f"`python -m bench.wechat_bench`: the whole system (`make run`'s shape, one Rasa, one action server) with "
             f"the Official Account channel in safe mode (AES), a verified account and WECHAT_PASSIVE_SECONDS="
             f"{window:g}. Each user is one OpenID sending knowledge questions through the simulator "
             "(bench/wechat_simulator.py: signed and encrypted as WeChat does, WeChat's 5-second timer), waiting for "
             "each reply before the next. A reply is passive when the answer came back on WeChat's call; otherwise "
             "the call answered `success` and the answer went through the customer-service API (FakeWeChatApi).", "",
             f"| users | seconds | messages | passive within {window:g} s | passive p50 | passive p95 "
             "| through the API | no answer |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for found in rounds:
        within = sum(t <= window for t in found.times)
        rate = 100 * within / found.messages if found.messages else 0.0
        p50 = f"{percentile(found.times, 0.5) * 1000:.0f} ms" if found.times else "–"
        p95 = f"{percentile(found.times, 0.95) * 1000:.0f} ms" if found.times else "–"
        lines.append(f"| {found.users} | {found.seconds:g} | {found.messages} | {within} ({rate:.1f} %) | {p50} "
                     f"| {p95} | {found.fallbacks} (delivered {found.delivered}) | {found.failed} |")
    lines += ["", "The passive time is from WeChat's first request to the reply (the channel itself gives up waiting "
              f"at {window:g} s, before WeChat's 5). An answer sent through the API reaches the user a little later "
              "than it would have passively, but it is not lost.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--window", type=float, default=4.0, help="WECHAT_PASSIVE_SECONDS")
    arguments = parser.parse_args()
    key = aes_key("bench")
    with tempfile.TemporaryDirectory(prefix="wechat-bench-") as folder, \
            FakeWeChatApi(app_id=APP_ID, app_secret=APP_SECRET) as api:
        work = Path(folder)
        url = f"sqlite:///{work / 'bench.db'}"
        upgrade_to_head(url)  # knowledge questions only: an empty registry
        system = supervised(url, TODAY, work)
        system.env.update({"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": APP_SECRET,
                           "WECHAT_AES_KEY": key, "WECHAT_ACCOUNT_VERIFIED": "true", "WECHAT_API_BASE_URL": api.url,
                           "WECHAT_PASSIVE_SECONDS": str(arguments.window)})
        system.start()
        try:
            warm = OfficialAccountSimulator(system.rasa_url + "/webhooks/wechat/webhook", TOKEN, APP_ID, key)
            for question in QUESTIONS:  # one warm-up each, outside the figures
                warm.send_text("o-bench-warm", question)
            rounds = [one_round(system, api, key, users, arguments.seconds, arguments.window)
                      for users in arguments.users]
        finally:
            system.stop()
    text = section(rounds, arguments.window)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
