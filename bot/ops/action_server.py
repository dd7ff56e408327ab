"""The action server (rasa_sdk's), answering only calls that carry the shared secret Rasa sends.

    python -m bot.ops.action_server [--port 5055]

rasa_sdk's own `python -m rasa_sdk` answers anyone who can reach the port, with CORS for every origin, and its
error handler echoes the request body (the whole tracker) back. This launcher builds the same application without
CORS, puts a check of ACTION_SECRET_HEADER in front of /webhook and /actions, and answers errors without the
body. Rasa sends the header from endpoints.yml (ACTION_SERVER_SECRET).
"""

from __future__ import annotations

import argparse
import hmac
import logging

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings
from bot.security.kept_secrets import ACTION_SECRET_HEADER, action_server_secret
from bot.security.log_safety import install_log_safety
from bot.services.policy_in_force import PolicySetupError, install_configured_policy

logger = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})


def secured_app(secret: str) -> Sanic:
    app: Sanic = create_app("actions", cors_origins=None)

    async def require_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        sent = request.headers.get(ACTION_SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8")):
            return response.json({"error": "unauthorised"}, status=401)
        return None

    app.register_middleware(require_secret, "request")

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action call failed: %s", type(exception).__name__, exc_info=exception)
        return response.json({"error": "action failed"}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.action_server")
    parser.add_argument("--port", type=int, default=settings().action_port)
    args = parser.parse_args(argv)
    install_log_safety()
    logging.basicConfig(level=logging.INFO)
    try:
        install_configured_policy()
    except PolicySetupError as error:
        raise SystemExit(str(error)) from None
    app = secured_app(action_server_secret())
    app.run(settings().sanic_host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
