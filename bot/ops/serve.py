"""make run's last step: the action server, Rasa and the web server, kept running until Ctrl-C.

    python -m bot.ops.serve [--model models/qianjian.tar.gz]

A child that dies (a crash, `kill -9`) is started again after a pause, so a conversation goes on once it is
back; conversations and drafts live in the database, so nothing is lost. The children die with this
process (PR_SET_PDEATHSIG), so `kill -9` of the supervisor leaves no server holding a port.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT, process_environment, secret, settings
from bot.security.kept_secrets import action_server_secret, rasa_auth_token, webhook_secret

LOOPBACK = "127.0.0.1"
POLL_SECONDS = 0.5
RESTART_PAUSES_SECONDS = (1.0, 2.0, 5.0, 10.0)
PR_SET_PDEATHSIG = 1


def ports() -> dict[str, str]:
    found = settings()
    return {"rasa": str(found.rasa_port), "actions": str(found.action_port), "web": str(found.web_port)}


def service_environment() -> dict[str, str]:
    env = process_environment()  # the children's, with what they need added below
    found = settings()
    port = ports()
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["DATABASE_URL"] = found.database_url
    env["ACTION_ENDPOINT_URL"] = found.action_endpoint_url or f"http://{LOOPBACK}:{port['actions']}/webhook"
    env["RASA_URL"] = found.rasa_url if found.given("rasa_url") else f"http://{LOOPBACK}:{port['rasa']}"
    env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    # Each internal secret goes only to the two sides of its call (docs/security.md): see services().
    for name in (*SECRETS_OF, *CHANNEL_SECRETS):
        env.pop(name, None)
    return env


# Which service gets which secret: Rasa's API token only Rasa; the webhook's secret Rasa and the web server; the
# action server's secret the action server and Rasa (which sends it, endpoints.yml).
SECRETS_OF = {"RASA_AUTH_TOKEN": ("rasa",), "RASA_WEBHOOK_SECRET": ("rasa", "web"),
              "ACTION_SERVER_SECRET": ("rasa", "actions")}


# The WeChat and 企业微信 channels' secrets, when set: only Rasa, which serves those channels, gets them.
CHANNEL_SECRETS = ("WECHAT_APP_SECRET", "WECHAT_TOKEN", "WECHAT_AES_KEY",
                   "WECOM_SECRET", "WECOM_TOKEN", "WECOM_AES_KEY")


def secrets_for(service_name: str) -> dict[str, str]:
    kinds = service_name.rsplit("-", 1)[0] if service_name.rsplit("-", 1)[-1].isdigit() else service_name
    values = {"RASA_AUTH_TOKEN": rasa_auth_token, "RASA_WEBHOOK_SECRET": webhook_secret,
              "ACTION_SERVER_SECRET": action_server_secret}
    found = {name: values[name]() for name, holders in SECRETS_OF.items() if kinds in holders}
    if kinds == "rasa":
        for name in CHANNEL_SECRETS:
            value = secret(name)
            if value:
                found[name] = value
    return found


def channel_lines() -> list[str]:
    """What make run says about the WeChat and 企业微信 endpoints, when their tokens are set."""
    found = settings()
    base = (found.public_base_url or f"http://localhost:{found.rasa_port}").rstrip("/")
    lines = []
    if secret("WECHAT_TOKEN"):
        lines.append(f"[serve] 微信公众号接口 {base}/webhooks/wechat/webhook（在公众号后台“服务器配置”填写此地址）。")
    if secret("WECOM_TOKEN"):
        lines.append(f"[serve] 企业微信应用接口 {base}/webhooks/wecom/webhook（在应用的“接收消息”设置中填写此地址）。")
    return lines


@dataclass
class Service:
    name: str
    command: list[str]
    env: dict[str, str]


def rasa_command(model: Path, port: str) -> list[str]:
    # No --cors: only the web server (same machine) calls Rasa; the API needs the token, which bot.ops.rasa_server
    # takes from RASA_AUTH_TOKEN in its environment, so that it is not on the command line for `ps` to show.
    # bot.ops.rasa_server is `rasa run`, without TensorFlow when the model has no component that uses it.
    return [sys.executable, "-m", "bot.ops.rasa_server", "run", "--model", str(model), "--port", port,
            "--interface", LOOPBACK, "--enable-api",
            "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]


def action_command(port: str) -> list[str]:
    return [sys.executable, "-m", "bot.ops.action_server", "--port", port]


def services(model: Path) -> list[Service]:
    env = service_environment()
    port = ports()
    return [
        Service("actions", action_command(port["actions"]), {**env, **secrets_for("actions"), "SANIC_HOST": LOOPBACK}),
        # One worker: without Redis the lock store lives in one process's memory (docs/deploy.md, Sanic workers).
        Service("rasa", rasa_command(model, port["rasa"]), {**env, **secrets_for("rasa"), "SANIC_WORKERS": "1"}),
        Service("web", [sys.executable, "-m", "bot.web"], {**env, **secrets_for("web")}),
    ]


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(service: Service) -> subprocess.Popen[bytes]:
    return subprocess.Popen(service.command, cwd=PROJECT_ROOT, env=service.env,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def supervise(all_services: list[Service], started: dict[str, subprocess.Popen[bytes]] | None = None) -> None:
    """Run every service until SIGINT/SIGTERM, restarting any that exits; `started` ones are already running."""
    children = dict(started or {})
    for service in all_services:
        if service.name not in children:
            children[service.name] = start(service)
            print(f"[serve] {service.name} 已启动（pid {children[service.name].pid}）", flush=True)
    restarts = {service.name: 0 for service in all_services}
    due: dict[str, float] = {}
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            now = time.monotonic()
            for service in all_services:
                child = children[service.name]
                if child.poll() is None:
                    continue
                if service.name not in due:
                    pause = RESTART_PAUSES_SECONDS[min(restarts[service.name], len(RESTART_PAUSES_SECONDS) - 1)]
                    due[service.name] = now + pause
                    print(f"[serve] {service.name} 已退出（代码 {child.returncode}），{pause:.0f} 秒后重新启动。",
                          flush=True)
                elif now >= due[service.name]:
                    del due[service.name]
                    restarts[service.name] += 1
                    children[service.name] = start(service)
                    print(f"[serve] {service.name} 已重新启动（pid {children[service.name].pid}）", flush=True)
            time.sleep(POLL_SECONDS)
    finally:
        stop_all(children)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.serve")
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "qianjian.tar.gz"))
    args = parser.parse_args(argv)
    port = ports()
    all_services = services(Path(args.model))
    print(f"[serve] 聊天页面 http://localhost:{port['web']}/ ；Rasa http://localhost:{port['rasa']} ；"
          f"动作服务器 http://localhost:{port['actions']}；按 Ctrl-C 停止。", flush=True)
    for line in channel_lines():
        print(line, flush=True)
    supervise(all_services)
    print("[serve] 已停止。", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
