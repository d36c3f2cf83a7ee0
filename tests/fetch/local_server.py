"""A real aiohttp server on 127.0.0.1 for fetch and did:web tests (STYLE.md rule 11)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LocalServer:
    """Serves registered routes on ``127.0.0.1:<free port>``; counts hits per path.

    :ivar port: the bound port (after :meth:`start`).
    :ivar hits: path -> number of requests.
    """

    def __init__(self):
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def did_web_host(self) -> str:
        """The did:web host part for this server: ``127.0.0.1%3A<port>``."""
        return f"127.0.0.1%3A{self.port}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def json(self, path: str, data, *, status: int = 200, headers: dict | None = None) -> None:
        """Serve ``data`` as JSON at ``path``."""
        body = json.dumps(data).encode()

        async def handler(_request: web.Request) -> web.Response:
            return web.Response(body=body, status=status, content_type="application/json", headers=headers)

        self.routes[path] = handler

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="not found")
        return await handler(request)

    async def start(self) -> "LocalServer":
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
