"""Changes to Rasa's behaviour at run time, installed once by a plugin Rasa always loads (the tracker store)."""

from __future__ import annotations

from bot.rasa import action_failures, action_responses, domain_checks, graph_runner, kept_connections, session_expiry


def install() -> None:
    action_failures.install()
    action_responses.install()
    graph_runner.install()
    kept_connections.install()
    domain_checks.install()
    session_expiry.install()
