"""Rasa's calls to an endpoint reuse one connection while busy, and drop it before the server's keep-alive ends."""

from __future__ import annotations

import asyncio

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot.rasa import kept_connections
from tests.ports import free_port


async def calls_from(ports_seen: list[int], pause: float = 0.0) -> list[dict[str, str]]:
    async def answer(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        ports_seen.append(int(peer[1]) if peer else 0)
        return web.json_response({"ok": "好"})

    app = web.Application()
    app.router.add_post("/webhook", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
    try:
        replies = [await endpoint.request(json={"n": 1}, method="post")]
        await asyncio.sleep(pause)
        replies.append(await endpoint.request(json={"n": 2}, method="post"))
        replies.append(await endpoint.request(json={"n": 3}, method="post"))
        async with endpoint.session() as session:
            assert not session.closed
        return replies
    finally:
        await runner.cleanup()


def test_calls_in_a_row_share_one_connection() -> None:
    kept_connections.install()
    ports: list[int] = []
    replies = asyncio.run(calls_from(ports))
    assert replies == [{"ok": "好"}] * 3
    assert len(set(ports)) == 1


def test_a_connection_idle_past_the_keepalive_is_not_reused() -> None:
    kept_connections.install()
    ports: list[int] = []
    asyncio.run(calls_from(ports, pause=kept_connections.KEEPALIVE_SECONDS + 1.5))
    assert ports[0] != ports[1]
    assert ports[1] == ports[2]
