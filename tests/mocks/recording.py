"""What the mock platform APIs share: an aiohttp server on a free port in a thread of its own
(so a test can use it while the assistant runs in another process), a record of every call,
waiting for calls, and failures injected per method."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web


class RecordingServer:
    """Subclasses build their app in `_start` and pass it to `_serve`; calls have `.method`."""

    def __init__(self, thread_name: str, port: int = 0) -> None:
        self.calls: List[Any] = []
        self._failures: Dict[str, List[Any]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=thread_name, daemon=True)
        self._runner: Optional[web.AppRunner] = None
        self.port = port  # 0: a free one, chosen when the server starts

    # ---- lifecycle ----

    def start(self):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        raise NotImplementedError

    async def _serve(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _before_stop(self) -> None:
        """Close what keeps requests open (long polls, websockets)."""

    def stop(self) -> None:
        async def _stop() -> None:
            await self._before_stop()
            if self._runner is not None:
                await self._runner.cleanup()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what tests use ----

    def calls_to(self, method: str, where: Optional[Callable[[Any], bool]] = None) -> List[Any]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def wait_for(
        self, method: str, count: int = 1, where: Optional[Callable[[Any], bool]] = None, timeout: float = 60
    ) -> List[Any]:
        """Poll the recorded calls until `count` calls of `method` match; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method, where)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} call(s) to {method}, got {len(found)} within {timeout:.0f} s; "
                    f"all calls: {[(c.method, c.args) for c in self.calls]}"
                )
            time.sleep(0.05)

    def _add_failure(self, method: str, failure: Any) -> None:
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

    def _take_failure(self, call: Any) -> Optional[Any]:
        """The next injected failure (with `.times` and `.where`) that applies to `call`."""
        for failure in self._failures.get(call.method, []):
            if failure.times > 0 and (failure.where is None or failure.where(call)):
                failure.times -= 1
                return failure
        return None
