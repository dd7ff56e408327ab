"""HTTP client sessions kept open between calls, for Rasa's calls to the action server and the web server's to Rasa.

Rasa 3.6 opens a new aiohttp session, and so a new TCP connection, for every call to the action server
(`EndpointConfig.session`): the connection set-up was 5% of the Rasa server's busy samples on knowledge turns
(py-spy, docs/profiling-turn.md). One session per endpoint and event loop is kept instead.

Sanic closes an idle keep-alive connection after 5 s. A client that reused such a connection just as the server
closed it would fail the call, so kept connections are dropped after KEEPALIVE_SECONDS idle, well before that.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import aiohttp

KEEPALIVE_SECONDS = 2.0
_installed = False


def kept_client_session(**options: Any) -> aiohttp.ClientSession:
    """A client session whose idle connections close before the server's keep-alive timeout."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS), **options)


class _Borrowed:
    """`async with endpoint.session() as session:` on a kept session: leaving the block does not close it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        return None


def install() -> None:
    global _installed
    if _installed:
        return
    from rasa.utils import endpoints

    def kept_session(self: Any) -> _Borrowed:
        sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = self.__dict__.setdefault(
            "_kept_sessions", {})
        loop = asyncio.get_running_loop()
        session = sessions.get(loop)
        if session is None or session.closed:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
                if self.basic_auth else None
            session = kept_client_session(headers=self.headers, auth=auth,
                                          timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT))
            sessions[loop] = session
        return _Borrowed(session)

    endpoints.EndpointConfig.session = kept_session  # type: ignore[method-assign]
    _installed = True
