"""Who is on the other end of a request, as far as the web server can tell."""

from __future__ import annotations

from sanic.request import Request


def client_address(request: Request) -> str:
    """The client's address: from the proxy's header when Sanic is told there is one (SANIC_PROXIES_COUNT,
    SANIC_REAL_IP_HEADER or SANIC_FORWARDED_SECRET, as bot/ops/cluster and deploy/ set for nginx), else the peer's. With
    none configured, an X-Forwarded-For a client sends is ignored."""
    return request.remote_addr or request.ip or ""
