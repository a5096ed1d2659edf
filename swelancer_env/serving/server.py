"""``swelancer-env serve``: many concurrent episodes behind one port, in OpenEnv's protocol.

Each WebSocket connection to ``/ws`` is a session with an env of its own, driven by JSON
messages ``{"type": "reset" | "step" | "state" | "close", "data": ...}``; every request gets
one reply: ``{"type": "observation", "data": <payload>}`` (see :mod:`.wire`), ``{"type":
"state", "data": {...}}`` or ``{"type": "error", "data": {"message": ..., "code": ...}}`` with
OpenEnv's codes (``INVALID_JSON``, ``UNKNOWN_TYPE``, ``VALIDATION_ERROR``, ``EXECUTION_ERROR``,
``CAPACITY_REACHED``, ``FACTORY_ERROR``, ``SESSION_ERROR``). ``GET /health``, ``/metadata`` and
``/schema`` answer over HTTP.

An env's calls run in a thread of their own session (one call at a time, the event loop stays
free), so sessions run side by side. A session idle for ``idle_timeout`` seconds is closed;
SIGTERM closes every session's env and exits within seconds.

Needs the ``serve`` extra (Starlette and uvicorn): ``pip install 'swelancer-env[serve]'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import threading
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from swelancer_env.errors import (
    ConfigError,
    EpisodeError,
    InfrastructureError,
    SWELancerError,
    TaskError,
)
from swelancer_env.serving.wire import observation_payload, to_json

__all__ = ["ServerConfig", "build_app", "serve"]

#: reset's keyword arguments (OpenEnv passes them as the message's data)
RESET_KEYS = ("task_id", "seed", "episode_id")


@dataclass
class ServerConfig:
    """The server's settings; ``env_kwargs`` make each session's ``SWELancerEnv``."""

    max_sessions: int = 4
    idle_timeout: float = 600.0
    env_kwargs: dict[str, Any] = field(default_factory=dict)


def _error(message: str, code: str, **extra: Any) -> str:
    return json.dumps({"type": "error", "data": {"message": message, "code": code, **extra}})


class _Capacity(Exception):
    pass


@dataclass
class _Session:
    id: str
    pool: ThreadPoolExecutor
    env: Any = None
    episode_id: str | None = None
    steps: int = 0
    task_id: str | None = None
    done: bool = False
    last_active: float = field(default_factory=time.monotonic)
    busy: bool = False
    websocket: Any = None
    closed: bool = False
    #: the last screenshot sent, encoded (see :func:`.wire.observation_payload`)
    png: dict[str, Any] = field(default_factory=dict)

    def state(self) -> dict[str, Any]:
        return {
            "episode_id": self.episode_id,
            "step_count": self.steps,
            "session_id": self.id,
            "task_id": self.task_id,
            "done": self.done,
        }


class SessionManager:
    """The live sessions: at most ``max_sessions``, each with its own env and thread."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def open(self) -> _Session:
        with self._lock:
            if len(self.sessions) >= self.config.max_sessions:
                raise _Capacity(
                    f"the server holds {len(self.sessions)} sessions, its maximum "
                    f"(--max-sessions {self.config.max_sessions}); retry later"
                )
            sid = uuid.uuid4().hex
            session = _Session(
                sid, ThreadPoolExecutor(1, thread_name_prefix=f"swl-session-{sid[:6]}")
            )
            self.sessions[sid] = session
            return session

    def close(self, session: _Session, wait: bool = True) -> None:
        """Close the env (in its own thread, after a call that runs) and forget the session."""
        with self._lock:
            if session.closed:
                return
            session.closed = True
            self.sessions.pop(session.id, None)
        if session.env is not None:
            if wait:
                with contextlib.suppress(Exception):
                    session.pool.submit(session.env.close).result(timeout=120)
            with contextlib.suppress(Exception):
                session.env.close()  # not waiting (shutdown), or the call above failed
        session.pool.shutdown(wait=False, cancel_futures=True)

    def close_all(self) -> None:
        for session in list(self.sessions.values()):
            self.close(session, wait=False)


def _make_env(config: ServerConfig) -> Any:
    from swelancer_env.env import SWELancerEnv

    return SWELancerEnv(**config.env_kwargs)


def _reset(session: _Session, config: ServerConfig, data: dict[str, Any]) -> dict[str, Any]:
    if session.env is None:
        session.env = _make_env(config)
    seed = data.get("seed")
    task_id = data.get("task_id")
    options = {"task_id": task_id} if task_id else None
    obs, info = session.env.reset(seed=seed, options=options)
    session.episode_id = str(data.get("episode_id") or uuid.uuid4().hex)
    session.steps, session.done, session.task_id = 0, False, info.get("task_id")
    return observation_payload(obs, 0.0, False, False, info, session.png)


def _step(session: _Session, action: Any) -> dict[str, Any]:
    if session.env is None or session.task_id is None:
        raise EpisodeError("no episode in this session: send a reset first")
    obs, reward, terminated, truncated, info = session.env.step(action)
    session.steps += 1
    session.done = bool(terminated or truncated)
    return observation_payload(obs, float(reward), terminated, truncated, info, session.png)


def build_app(config: ServerConfig) -> Any:
    """The Starlette app (``/health``, ``/metadata``, ``/schema``, ``/ws``)."""
    try:
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route, WebSocketRoute
        from starlette.websockets import WebSocket, WebSocketDisconnect
    except ImportError:
        raise ConfigError(
            "swelancer-env serve needs the serve extra: pip install 'swelancer-env[serve]'"
        ) from None
    from swelancer_env.actions import tool_schemas

    manager = SessionManager(config)
    env_kwargs = to_json(config.env_kwargs)
    probe = _make_env(config)  # a bad setting fails now, before the port opens
    probe_shape = list(probe.screenshot_shape)
    observation = probe.observation
    probe.close()

    async def health(request: Any) -> Any:
        return JSONResponse(
            {"status": "healthy", "active_sessions": len(manager.sessions),
             "max_sessions": config.max_sessions}
        )  # fmt: skip

    async def metadata(request: Any) -> Any:
        return JSONResponse(
            {
                "name": "swelancer-env",
                "description": "Freelance software jobs: fix a web app or choose a proposal; "
                "hidden end-to-end tests pay the job's price.",
                "observation": observation,
                "screenshot_shape": probe_shape,
                "env": env_kwargs,
                "max_sessions": config.max_sessions,
                "idle_timeout_s": config.idle_timeout,
                "reset_keys": list(RESET_KEYS),
            }
        )

    async def schema(request: Any) -> Any:
        return JSONResponse(
            {
                "action": {
                    "ic_swe": tool_schemas("ic_swe"),
                    "swe_manager": tool_schemas("swe_manager"),
                }
            }
        )

    async def run(session: _Session, fn: Any, *args: Any) -> Any:
        session.busy = True
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(session.pool, fn, *args)
        finally:
            session.busy = False
            session.last_active = time.monotonic()

    async def handle(session: _Session, raw: str) -> str | None:
        try:
            message = json.loads(raw)
        except json.JSONDecodeError as e:
            return _error(f"Invalid JSON: {e}", "INVALID_JSON")
        if not isinstance(message, dict):
            return _error("a message is a JSON object with a 'type'", "VALIDATION_ERROR")
        kind, data = message.get("type", ""), message.get("data") or {}
        try:
            if kind == "reset":
                if not isinstance(data, dict) or set(data) - set(RESET_KEYS):
                    extra = sorted(set(data) - set(RESET_KEYS)) if isinstance(data, dict) else data
                    return _error(
                        f"reset takes {', '.join(RESET_KEYS)}; not {extra}", "VALIDATION_ERROR"
                    )
                payload = await run(session, _reset, session, config, data)
                return json.dumps({"type": "observation", "data": payload})
            if kind == "step":
                payload = await run(session, _step, session, data)
                return json.dumps({"type": "observation", "data": payload})
            if kind == "state":
                return json.dumps({"type": "state", "data": session.state()})
            if kind == "close":
                return None
            return _error(
                f"Unknown message type: {kind!r}; use reset, step, state or close", "UNKNOWN_TYPE"
            )
        except (ConfigError, EpisodeError, TaskError, ValueError) as e:
            return _error(str(e), "VALIDATION_ERROR", error=type(e).__name__)
        except (InfrastructureError, SWELancerError, Exception) as e:  # noqa: BLE001
            return _error(f"{type(e).__name__}: {e}", "EXECUTION_ERROR", error=type(e).__name__)

    async def ws_endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            session = manager.open()
        except _Capacity as e:
            await websocket.send_text(
                _error(str(e), "CAPACITY_REACHED", active_sessions=len(manager.sessions),
                       max_sessions=config.max_sessions)
            )  # fmt: skip
            await websocket.close(code=1013)
            return
        session.websocket = websocket
        try:
            while True:
                raw = await websocket.receive_text()
                session.last_active = time.monotonic()
                reply = await handle(session, raw)
                if reply is None:
                    break
                await websocket.send_text(reply)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away (or the reaper closed the socket)
        finally:
            await asyncio.get_running_loop().run_in_executor(None, manager.close, session)
            with contextlib.suppress(Exception):
                await websocket.close()

    async def reap() -> None:
        """Close sessions idle for longer than the timeout (not while a call runs)."""
        tick = max(0.2, min(5.0, config.idle_timeout / 4))
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            for session in list(manager.sessions.values()):
                if not session.busy and now - session.last_active > config.idle_timeout:
                    why = (
                        f"the session was idle for over {config.idle_timeout:g} s and was "
                        "closed; open a new one"
                    )
                    with contextlib.suppress(Exception):
                        await session.websocket.send_text(_error(why, "SESSION_ERROR"))
                        await session.websocket.close(code=1001, reason=why)
                    await asyncio.get_running_loop().run_in_executor(None, manager.close, session)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        reaper = asyncio.create_task(reap())
        try:
            yield
        finally:
            reaper.cancel()
            manager.close_all()

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/metadata", metadata),
            Route("/schema", schema),
            WebSocketRoute("/ws", ws_endpoint),
        ],
        lifespan=lifespan,
    )
    app.state.sessions = manager
    return app


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    config: ServerConfig | None = None,
    ready: Any = None,
) -> None:
    """Serve until SIGTERM or Ctrl-C, then close every session and return within seconds."""
    try:
        import uvicorn
    except ImportError:
        raise ConfigError(
            "swelancer-env serve needs the serve extra: pip install 'swelancer-env[serve]'"
        ) from None
    config = config or ServerConfig()
    with contextlib.suppress(ValueError):
        if not ipaddress.ip_address(host).is_loopback:
            warnings.warn(
                f"serving on {host}: anyone who reaches this port can run episodes (there is "
                "no authentication); keep it on a private network",
                stacklevel=2,
            )
    app = build_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host=host, port=port, log_level="warning", ws="websockets-sansio",
            ws_max_size=64 << 20, timeout_graceful_shutdown=3, lifespan="on",
        )
    )  # fmt: skip
    if ready is not None:
        threading.Thread(target=_announce, args=(server, ready), daemon=True).start()
    try:
        server.run()  # uvicorn stops on SIGTERM or SIGINT, then passes the signal on
    finally:
        app.state.sessions.close_all()
        # a call still running in a session's thread (a grading) must not hold the exit
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _busy_threads():
            time.sleep(0.1)
        if _busy_threads():
            os._exit(0)


def _busy_threads() -> bool:
    return any(t.name.startswith("swl-session-") and t.is_alive() for t in threading.enumerate())


def _announce(server: Any, ready: Any) -> None:
    while not server.started:
        time.sleep(0.02)
    sockets = [s for srv in getattr(server, "servers", []) for s in srv.sockets]
    ready(sockets[0].getsockname()[1] if sockets else None)
