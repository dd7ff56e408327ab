"""Settings read from the environment in bot/config.py."""

from __future__ import annotations

from bot.config import CLUSTER_SANIC_WORKERS, cluster_sanic_workers, rasa_url


def test_cluster_replicas_run_two_workers_unless_told_otherwise() -> None:
    assert cluster_sanic_workers({}) == CLUSTER_SANIC_WORKERS == 2
    assert cluster_sanic_workers({"SANIC_WORKERS": "3"}) == 3
    assert cluster_sanic_workers({"SANIC_WORKERS": "many"}) == 2
    assert cluster_sanic_workers({"SANIC_WORKERS": "0"}) == 2


def test_the_web_server_finds_rasa_on_loopback_unless_told_otherwise() -> None:
    assert rasa_url({}) == "http://127.0.0.1:5005"
    assert rasa_url({"RASA_URL": "http://10.0.0.5:5005"}) == "http://10.0.0.5:5005"
