"""The async API of the envs: ``await env.areset(...)``, ``await env.astep(...)``,
``await env.aclose()``.

Each env runs its calls, in order, in a thread of its own (made at the first async call), so
that one event loop drives hundreds of episodes at once while each episode's steps keep their
order; the sync ``reset``/``step`` stay as they are, and mixing both on one env is safe (they
share no state but the env's). The work an episode waits for (a command, a grading, a model
behind the server) runs outside the loop, which stays free for the other episodes.

Example::

    envs = [SWELancerEnv() for _ in range(100)]
    firsts = await asyncio.gather(*(env.areset(options={"task_id": t}) for env, t in ...))
"""

from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["AsyncEnvMethods"]


class AsyncEnvMethods:
    """``areset``, ``astep`` and ``aclose`` for an env with ``reset``, ``step`` and ``close``."""

    _async_pool: ThreadPoolExecutor | None = None
    _async_lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._async_lock:
            if self._async_pool is None:
                name = f"swelancer-env-{id(self):x}"
                self._async_pool = ThreadPoolExecutor(1, thread_name_prefix=name)
            return self._async_pool

    async def _in_thread(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), functools.partial(call, *args, **kwargs))

    async def areset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """:meth:`reset`, awaited."""
        return await self._in_thread(self.reset, seed=seed, options=options)  # type: ignore[attr-defined]

    async def astep(self, action: Any):
        """:meth:`step`, awaited."""
        return await self._in_thread(self.step, action)  # type: ignore[attr-defined]

    async def aclose(self) -> None:
        """:meth:`close`, awaited (and the env's thread ended)."""
        pool = self._pool()
        try:
            await self._in_thread(self.close)  # type: ignore[attr-defined]
        finally:
            self._end_async_pool()
            # close ended the pool from its own thread, which cannot wait for itself: wait here,
            # in the loop's thread, for that thread to be gone (its last call has returned)
            pool.shutdown(wait=True)

    def _end_async_pool(self) -> None:
        """End the env's thread (``close`` calls it: a sync close leaves no thread behind)."""
        with self._async_lock:
            pool, self._async_pool = self._async_pool, None
        if pool is not None:
            # wait for the thread to end, unless this is that thread (close called by aclose)
            own = threading.current_thread().name.startswith(f"swelancer-env-{id(self):x}_")
            pool.shutdown(wait=not own)
