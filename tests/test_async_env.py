"""The async API: one event loop drives several episodes at once, each in order, locally and on
the server, and leaves no thread behind."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks import list_tasks

sys.path.insert(0, str(Path(__file__).parent / "serving"))
from serve_kit import Server  # noqa: E402

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)
NAP = 4  # seconds each episode's command sleeps: room for a busy machine's thread scheduling


def _env_threads() -> int:
    return sum(t.name.startswith("swelancer-env") for t in threading.enumerate())


async def _all_at_once(envs: list) -> tuple[list, list[tuple[float, float]]]:  # type: ignore[type-arg]
    """Episode n of env n (task ``MANAGER[n]``), all from one loop, phase by phase so that the
    naps are asked for together however slow the resets were; each env closed after.
    Their results, and when each one's nap began and ended."""
    tasks = [MANAGER[n % len(MANAGER)] for n in range(len(envs))]
    naps: list[tuple[float, float]] = []

    async def nap(env, n: int) -> str:  # type: ignore[no-untyped-def]
        start = time.monotonic()
        obs, *_ = await env.astep({"type": "shell", "command": f"sleep {NAP}; cat mine.txt"})
        naps.append((start, time.monotonic()))
        return str(obs["output"]).strip()

    async def setup(env, n: int) -> None:  # type: ignore[no-untyped-def]
        await env.areset(options={"task_id": tasks[n].id})
        await env.astep({"type": "shell", "command": f"echo {n} > mine.txt"})

    async def choose(env, n: int) -> tuple[float, bool]:  # type: ignore[no-untyped-def]
        _obs, reward, terminated, _, _info = await env.astep(
            {"type": "choose_proposal", "proposal_id": tasks[n].correct_proposal}
        )
        return reward, terminated

    try:
        await asyncio.gather(*(setup(env, n) for n, env in enumerate(envs)))
        texts = await asyncio.gather(*(nap(env, n) for n, env in enumerate(envs)))
        ends = await asyncio.gather(*(choose(env, n) for n, env in enumerate(envs)))
    finally:
        await asyncio.gather(*(env.aclose() for env in envs))
    return [(text, *end) for text, end in zip(texts, ends, strict=True)], naps


def test_one_loop_drives_several_episodes_at_once_each_in_order() -> None:
    before = _env_threads()
    envs = [SWELancerEnv() for _ in range(3)]
    results, naps = asyncio.run(_all_at_once(envs))
    for n, (text, reward, terminated) in enumerate(results):
        assert text == str(n) and terminated and reward == MANAGER[n % len(MANAGER)].price
    # the three naps ran at the same time: each began before any ended
    assert max(start for start, _ in naps) < min(end for _, end in naps), naps
    assert _env_threads() == before  # aclose ended each env's thread


def test_a_sync_close_ends_the_envs_thread_too() -> None:
    before = _env_threads()
    env = SWELancerEnv()
    asyncio.run(env.areset(options={"task_id": MANAGER[0].id}))
    assert _env_threads() == before + 1
    env.close()
    assert _env_threads() == before


def test_the_server_client_has_the_async_api_too() -> None:
    from swelancer_env.serving.client import RemoteEnv

    s = Server("--max-sessions", "2")
    try:
        envs = [RemoteEnv(s.url) for _ in range(2)]
        results, naps = asyncio.run(_all_at_once(envs))
        assert [r[0] for r in results] == ["0", "1"]
        assert [r[1] for r in results] == [MANAGER[0].price, MANAGER[1].price]
        assert max(start for start, _ in naps) < min(end for _, end in naps), naps
    finally:
        assert s.stop() == 0
