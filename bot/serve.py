"""make run's last step: the action server, Rasa and the web server, stopped together with Ctrl-C.

    python -m bot.serve [--model models/qianjian.tar.gz]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.config import PROJECT_ROOT, settings

LOOPBACK = "127.0.0.1"
RESTART_PAUSE_SECONDS = 1.0


def ports() -> dict[str, str]:
    return {"rasa": os.environ.get("RASA_PORT", "5005"), "actions": os.environ.get("ACTION_PORT", "5055"),
            "web": os.environ.get("WEB_PORT", "8000")}


def service_environment() -> dict[str, str]:
    env = dict(os.environ)
    port = ports()
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("DATABASE_URL", settings().database_url)
    env.setdefault("ACTION_ENDPOINT_URL", f"http://{LOOPBACK}:{port['actions']}/webhook")
    env.setdefault("RASA_URL", f"http://{LOOPBACK}:{port['rasa']}")
    env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    return env


def commands(model: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    env = service_environment()
    port = ports()
    python = sys.executable
    rasa = str(Path(python).with_name("rasa"))
    rasa_args = [rasa, "run", "--model", str(model), "--port", port["rasa"], "--interface", LOOPBACK,
                 "--enable-api", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
    if env.get("RASA_AUTH_TOKEN"):
        rasa_args += ["--auth-token", env["RASA_AUTH_TOKEN"]]
    return [
        ("actions", [python, "-m", "rasa_sdk", "--actions", "actions", "--port", port["actions"]],
         {**env, "SANIC_HOST": LOOPBACK}),
        ("rasa", rasa_args, env),
        ("web", [python, "-m", "bot.web"], env),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.serve")
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "qianjian.tar.gz"))
    args = parser.parse_args(argv)
    children: dict[str, subprocess.Popen[bytes]] = {}
    for name, command, env in commands(Path(args.model)):
        children[name] = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
        print(f"[serve] {name} 已启动（pid {children[name].pid}）", flush=True)
    port = ports()
    print(f"[serve] 聊天页面 http://localhost:{port['web']}/ ；Rasa http://localhost:{port['rasa']} ；"
          f"动作服务器 http://localhost:{port['actions']}；按 Ctrl-C 停止。", flush=True)

    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"[serve] {name} 已退出（代码 {child.returncode}），正在停止全部服务。", flush=True)
                    stopping = True
            time.sleep(RESTART_PAUSE_SECONDS)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    print("[serve] 已停止。", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
