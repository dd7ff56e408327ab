"""python -m bot.ops.cluster start|stop|supervise — see bot/ops/cluster/__init__.py."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from bot.config import PROJECT_ROOT, cluster_sanic_workers, export_to_environment, process_environment, settings
from bot.ops.cluster.layout import LOOPBACK, Layout, layout, private_directory
from bot.ops.cluster.nginx import write_nginx_config
from bot.ops.cluster.postgres import initialise, server_command
from bot.ops.serve import Service, action_command, rasa_command, secrets_for, service_environment, start, supervise

STARTUP_SECONDS = 600
DEFAULT_MODEL = PROJECT_ROOT / "models" / "qianjian.tar.gz"


def cluster_environment(shape: Layout) -> dict[str, str]:
    # Set here so that this supervisor's own settings() and every child it starts agree.
    export_to_environment({"DATABASE_URL": shape.database_url, "REDIS_URL": shape.redis_url,
                       "RASA_TELEMETRY_ENABLED": "false", "WEB_PORT": str(shape.web),
                       "ACTION_ENDPOINT_URL": f"http://{LOOPBACK}:{shape.action_balancer}/webhook",
                       "RASA_URL": f"http://{LOOPBACK}:{shape.rasa_balancer}",
                       "PUBLIC_BASE_URL": settings().public_base_url or shape.public_url})
    return service_environment()


def infrastructure(shape: Layout) -> list[Service]:
    redis = shutil.which("redis-server")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if redis is None or not Path(nginx).exists():
        raise SystemExit("未找到 redis-server 或 nginx：请先安装 Debian 软件包 redis-server 和 nginx-light。")
    private_directory(shape.home)
    pg_home = shape.home / "postgres"
    prefix = initialise(pg_home, shape.postgres, shape.password_file)
    redis_home = shape.home / "redis"
    redis_home.mkdir(mode=0o700, exist_ok=True)
    # PostgreSQL, Redis and nginx never connect to the database: the URL with its password stays out of theirs.
    env = {name: value for name, value in process_environment().items() if name != "DATABASE_URL"}
    return [Service("postgres", server_command(pg_home, shape.postgres, prefix), env),
            Service("redis", [redis, "--port", str(shape.redis), "--bind", LOOPBACK, "--save", "",
                              "--appendonly", "no", "--dir", str(redis_home)], env),
            Service("nginx", [nginx, "-p", str(shape.home / "nginx"), "-c", str(write_nginx_config(shape)),
                              "-g", "daemon off;"], env)]


def application(shape: Layout, model: Path, env: dict[str, str]) -> list[Service]:
    services = [Service(f"actions-{i + 1}", action_command(str(port)),
                        {**env, **secrets_for("actions"), "SANIC_HOST": LOOPBACK})
                for i, port in enumerate(shape.actions)]
    # Each replica with several Sanic workers: the Redis lock store keeps one conversation's turns in order across
    # workers as it does across replicas.
    rasa_env = {**env, **secrets_for("rasa"), "SANIC_WORKERS": str(cluster_sanic_workers())}
    services += [Service(f"rasa-{i + 1}", rasa_command(model, str(port)), rasa_env)
                 for i, port in enumerate(shape.rasa)]
    # nginx in front is the one proxy whose X-Forwarded-For the web server believes (bot/ops/cluster/nginx.py).
    web_env = {**env, **secrets_for("web"), "SANIC_PROXIES_COUNT": "1"}
    return [*services, Service("web", [sys.executable, "-m", "bot.web"], web_env)]


def wait_for_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    deadline = time.monotonic() + 60
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
        finally:
            engine.dispose()


def run_supervisor(model: Path) -> None:
    """The detached process: infrastructure first, then the schema and demo data, then the replicas."""
    shape = layout()
    env = cluster_environment(shape)
    infra = infrastructure(shape)
    started = {service.name: start(service) for service in infra}
    print(f"[cluster] 数据库：{shape.shown_database_url}（口令见 {shape.password_file}）", flush=True)
    wait_for_database(shape.database_url)
    subprocess.run([sys.executable, "-m", "bot", "seed"], cwd=PROJECT_ROOT, env=env, check=True)
    shape.pid_file.write_text(str(os.getpid()), encoding="ascii")
    try:
        supervise([*infra, *application(shape, model, env)], started)
    finally:
        shape.pid_file.unlink(missing_ok=True)


def ready(shape: Layout) -> list[str]:
    checks = {"web": f"{shape.public_url}/healthz"}
    checks.update({f"rasa-{i + 1}": f"http://{LOOPBACK}:{port}/" for i, port in enumerate(shape.rasa)})
    checks.update({f"actions-{i + 1}": f"http://{LOOPBACK}:{port}/health" for i, port in enumerate(shape.actions)})
    pending = []
    for name, url in checks.items():
        try:
            if requests.get(url, timeout=2).status_code >= 500:
                pending.append(name)
        except requests.RequestException:
            pending.append(name)
    return pending


def running_pid(shape: Layout) -> int | None:
    try:
        pid = int(shape.pid_file.read_text(encoding="ascii"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def start_cluster(model: Path) -> int:
    shape = layout()
    if running_pid(shape):
        print(f"集群已在运行：{shape.public_url}/")
        return 0
    private_directory(shape.home)
    log = os.fdopen(os.open(shape.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    process = subprocess.Popen([sys.executable, "-m", "bot.ops.cluster", "supervise", "--model", str(model)],
                               cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    pending = ready(shape)
    while pending:
        if process.poll() is not None:
            print(f"集群启动失败，详见 {shape.log_file}", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(f"集群在 {STARTUP_SECONDS} 秒内未就绪（{', '.join(pending)}），详见 {shape.log_file}",
                  file=sys.stderr)
            return 1
        time.sleep(2)
        pending = ready(shape)
    print(f"集群已就绪：{shape.public_url}/ （nginx → Rasa {', '.join(map(str, shape.rasa))}；"
          f"动作服务器 {', '.join(map(str, shape.actions))}；PostgreSQL {shape.shown_database_url}；"
          f"Redis {shape.redis}）。"
          f"停止：make stop-cluster；日志：{shape.log_file}")
    return 0


def stop_cluster() -> int:
    shape = layout()
    pid = running_pid(shape)
    if pid is None:
        print("集群未在运行。")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 90
    while running_pid(shape) and time.monotonic() < deadline:
        time.sleep(0.5)
    if running_pid(shape):
        os.kill(pid, signal.SIGKILL)
    print("集群已停止。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.cluster")
    parser.add_argument("command", choices=["start", "stop", "supervise"])
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    args = parser.parse_args(argv)
    if args.command == "start":
        return start_cluster(Path(args.model))
    if args.command == "stop":
        return stop_cluster()
    run_supervisor(Path(args.model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
