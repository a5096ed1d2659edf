"""``swelancer-env serve``: many concurrent episodes behind one port, in OpenEnv's protocol.

Each WebSocket connection to ``/ws`` is a session with an env of its own, driven by JSON
messages ``{"type": "reset" | "step" | "state" | "fork" | "close", "data": ...}``; every request gets
one reply: ``{"type": "observation", "data": <payload>}`` (see :mod:`.wire`), ``{"type":
"state", "data": {...}}`` or ``{"type": "error", "data": {"message": ..., "code": ...}}`` with
OpenEnv's codes (``INVALID_JSON``, ``UNKNOWN_TYPE``, ``VALIDATION_ERROR``, ``EXECUTION_ERROR``,
``CAPACITY_REACHED``, ``FACTORY_ERROR``, ``SESSION_ERROR``). ``GET /health``, ``/metadata``,
``/schema`` and ``/openapi.json`` answer over HTTP.

Group rollouts: ``{"type": "fork", "data": {"n": N}}`` copies the session's episode as it stands
into N new sessions (:meth:`SWELancerEnv.fork`: the tree's change, the step count and env time;
a fresh shell), each taking a slot, and answers ``{"type": "forked", "data": {"sessions":
[id, ...]}}``. A client takes one over by connecting to ``/ws?session=<id>`` (the id, random, is
the only way in); a copy nobody takes is closed after ``idle_timeout``.

The HTTP routes of OpenEnv's contract are stateless, as OpenEnv's own: ``POST /reset`` takes a
session slot, resets a fresh env, answers its first observation and closes it; ``POST /step``
answers 409 (an HTTP request has no episode to step); ``GET /state`` answers the state of no
episode; ``POST /mcp`` is MCP over JSON-RPC 2.0 (``initialize``, ``ping``, ``tools/list``; a
``tools/call`` is refused: tools act on an episode, which lives on ``/ws``).

The server answers only its own clients (:mod:`.gate`): a request from a web page (one with an
``Origin`` header) is refused unless ``allow_origins`` names its origin, and with a ``token``
every request must carry it. A message is read with :func:`.wire.parse_message`: one that is
too large (over ``max_message_bytes``), nested too deep or not JSON gets ``INVALID_JSON`` and
the session goes on; over twice the limit, the connection is closed (WebSocket code 1009).

An env's calls run in a thread of their own session (one call at a time, the event loop stays
free), so sessions run side by side. While a call runs, the session still reads its socket: when
the client goes away, the session's slot is freed at once, the running shell command is killed
so that the call returns, and the env is closed (its processes and folders) within seconds. A
session idle for ``idle_timeout`` seconds is closed; SIGTERM closes every session's env and exits
within seconds.

Needs the ``serve`` extra (Starlette and uvicorn): ``pip install 'swelancer-env[serve]'``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ipaddress
import json
import logging
import os
import threading
import time
import uuid
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from swelancer_env.errors import (
    ConfigError,
    EpisodeError,
    TaskError,
)
from swelancer_env.serving.gate import Gate, check_origin_setting, check_token_setting
from swelancer_env.serving.openapi import (
    OBSERVATION_SCHEMA,
    STATE_SCHEMA,
    action_tools,
    openapi_document,
)
from swelancer_env.serving.wire import (
    MAX_MESSAGE_BYTES,
    BadMessage,
    observation_payload,
    parse_message,
    to_json,
)

__all__ = ["ServerConfig", "build_app", "serve"]

log = logging.getLogger("swelancer_env.serving")

#: reset's keyword arguments (OpenEnv passes them as the message's data)
RESET_KEYS = ("task_id", "seed", "episode_id")
#: after its client left: how long a running call has to return once its command was killed,
#: before the env is closed from outside the call
CANCEL_GRACE_S = 3.0
#: messages longer than this are parsed off the event loop
_INLINE_PARSE = 64 << 10
#: messages a session holds while a call runs (a client sends the next one after the reply)
_INBOX = 4


@dataclass
class ServerConfig:
    """The server's settings; ``env_kwargs`` make each session's ``SWELancerEnv``.

    ``allow_origins``: origins whose web pages may connect (``"*"``: all; by default none, and a
    request with an ``Origin`` header is refused). ``token``: when set, every request must carry
    it (see :mod:`.gate`). ``max_message_bytes``: the largest message read; a larger one gets
    ``INVALID_JSON``.
    """

    max_sessions: int = 4
    idle_timeout: float = 600.0
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    allow_origins: tuple[str, ...] = ()
    token: str | None = None
    max_message_bytes: int = MAX_MESSAGE_BYTES

    def __post_init__(self) -> None:
        self.allow_origins = tuple(check_origin_setting(o) for o in self.allow_origins)
        if self.token is not None:
            check_token_setting(self.token)
        if self.max_message_bytes < 1024:
            raise ConfigError(
                f"max_message_bytes={self.max_message_bytes}: give 1024 or more (default "
                f"{MAX_MESSAGE_BYTES}, 4 MiB)"
            )


def _error(message: str, code: str, **extra: Any) -> str:
    return json.dumps({"type": "error", "data": {"message": message, "code": code, **extra}})


def _failure(e: BaseException) -> tuple[str, str, dict[str, Any]]:
    """``(message, code, extra)`` of an env call that raised ``e``: what the caller can fix is a
    VALIDATION_ERROR, the rest the harness's EXECUTION_ERROR."""
    if isinstance(e, _Capacity):  # a fork with no room for its copies
        return str(e), "CAPACITY_REACHED", {}
    if isinstance(e, ConfigError | EpisodeError | TaskError | ValueError):
        return str(e), "VALIDATION_ERROR", {"error": type(e).__name__}
    return f"{type(e).__name__}: {e}", "EXECUTION_ERROR", {"error": type(e).__name__}


def _reset_problem(data: Any) -> str | None:
    """Why ``data`` is not reset's arguments, or None."""
    if not isinstance(data, dict) or set(data) - set(RESET_KEYS):
        extra = sorted(set(data) - set(RESET_KEYS)) if isinstance(data, dict) else data
        return f"reset takes {', '.join(RESET_KEYS)}; not {str(extra)[:200]}"
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        return f"reset's seed is an integer of 0 or more, or null; not {str(seed)[:100]!r}"
    for key in ("task_id", "episode_id"):
        if data.get(key) is not None and not isinstance(data[key], str):
            return f"reset's {key} is a string or null; not {str(data[key])[:100]!r}"
    return None


#: HTTP statuses of the error codes, for the HTTP routes
_HTTP_STATUS = {
    "INVALID_JSON": 400,
    "VALIDATION_ERROR": 422,
    "SESSION_ERROR": 409,
    "EXECUTION_ERROR": 500,
    "CAPACITY_REACHED": 503,
}
#: MCP protocol versions this server speaks, newest first
MCP_VERSIONS = ("2025-06-18", "2025-03-26", "2024-11-05")
#: JSON-RPC 2.0 error codes
_PARSE_ERROR, _INVALID_REQUEST, _METHOD_NOT_FOUND, _NO_EPISODE = -32700, -32600, -32601, -32000
#: why HTTP cannot step (POST /step, tools/call)
NO_EPISODE_OVER_HTTP = (
    "HTTP requests are stateless, as OpenEnv's; open a session on /ws (RemoteEnv, OpenEnv's "
    "client) to step an episode"
)


class _Capacity(Exception):
    pass


_GONE = object()  # the client went away


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
    #: the env call that runs or ran last, in the session's thread
    call: Future[Any] | None = None
    websocket: Any = None
    closed: bool = False
    #: the last screenshot sent, encoded (see :func:`.wire.observation_payload`)
    png: dict[str, Any] = field(default_factory=dict)
    #: held while the env is closed: a close from outside the call never overlaps another
    close_lock: threading.Lock = field(default_factory=threading.Lock)
    #: a fork's copy that no client has taken over yet (``/ws?session=<id>``)
    parked: bool = False
    #: a fork's copy whose env is being made (the reaper leaves it alone)
    forming: bool = False

    @property
    def busy(self) -> bool:
        """Whether an env call runs."""
        return self.call is not None and not self.call.done()

    def state(self) -> dict[str, Any]:
        return {
            "episode_id": self.episode_id,
            "step_count": self.steps,
            "session_id": self.id,
            "task_id": self.task_id,
            "done": self.done,
        }


class SessionManager:
    """The live sessions: at most ``max_sessions``, each with its own env and thread.

    A closed session leaves ``sessions`` at once (its slot is free); its env is closed in its own
    thread after the call that runs, and counts in ``closing`` until then. Sessions and closing
    ones together are at most twice ``max_sessions``.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.sessions: dict[str, _Session] = {}
        self.closing: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def open(self) -> _Session:
        """A new session (a capacity error when the server is full)."""
        return self.open_many(1)[0]

    def open_many(self, n: int) -> list[_Session]:
        """``n`` new sessions, all or none (a capacity error when there is no room for all)."""
        with self._lock:
            limit = self.config.max_sessions
            if len(self.sessions) + n > limit:
                raise _Capacity(
                    f"the server holds {len(self.sessions)} sessions and its maximum is {limit} "
                    f"(--max-sessions); {n} more do not fit; retry later"
                    if n > 1
                    else f"the server holds {len(self.sessions)} sessions, its maximum "
                    f"(--max-sessions {limit}); retry later"
                )
            if len(self.sessions) + len(self.closing) + n > 2 * limit:
                raise _Capacity(
                    f"{len(self.closing)} sessions whose clients left are still closing "
                    f"(--max-sessions {limit}); retry in a few seconds"
                )
            opened = []
            for _ in range(n):
                sid = uuid.uuid4().hex
                session = _Session(
                    sid, ThreadPoolExecutor(1, thread_name_prefix=f"swl-session-{sid[:6]}")
                )
                self.sessions[sid] = session
                opened.append(session)
            return opened

    def take(self, sid: str) -> _Session:
        """The parked fork copy ``sid``, now a client's; a session error when there is none."""
        with self._lock:
            session = self.sessions.get(sid)
            if session is None or not session.parked:
                raise EpisodeError(
                    "no forked session waits under that id (unknown, already taken, or closed "
                    "after the idle timeout): fork again"
                )
            session.parked = False
            session.last_active = time.monotonic()
            return session

    def close(self, session: _Session, force: bool = False) -> None:
        """Free the session's slot and close its env (its processes and folders).

        The env is closed in the session's own thread, after the call that runs. A call still
        running (its client left) is cut short: its shell command is killed, and if the call
        has not returned within :data:`CANCEL_GRACE_S` the env is closed from here. ``force``
        (the server stops): close from here at once, without waiting.
        """
        with self._lock:
            if session.closed:
                return
            session.closed = True
            self.sessions.pop(session.id, None)
            self.closing[session.id] = session
        final = session.pool.submit(self._finish, session)  # after the running call, if any
        session.pool.shutdown(wait=False)  # not cancel_futures: the close above must run
        if session.busy:
            _interrupt(session.env)
            deadline = time.monotonic() + (0.0 if force else CANCEL_GRACE_S)
            while not final.done() and time.monotonic() < deadline:
                concurrent.futures.wait([final], timeout=0.2)
                _interrupt(session.env)  # a command that started after the last kill
            if not final.done():
                if not force:
                    log.warning(
                        "session %s: its client left and its call did not return within %g s "
                        "of its command's kill; closing its env from outside the call",
                        session.id[:8], CANCEL_GRACE_S,
                    )  # fmt: skip
                _close_env(session)  # and once more in its thread when the call returns
        elif force:
            _close_env(session)
        else:
            with contextlib.suppress(Exception):
                final.result(timeout=120)

    def _finish(self, session: _Session) -> None:
        try:
            _close_env(session)
        finally:
            self.closing.pop(session.id, None)

    def close_all(self) -> None:
        """Close every env before the server exits: the live sessions' at once, and those
        still closing (a client that left just before) waited for, so that none is cut off
        halfway and leaves its folders behind."""
        for session in list(self.sessions.values()):
            self.close(session, force=True)
        for session in list(self.closing.values()):
            _close_env(session)  # waits for a close under way (its lock); closing twice is safe


def _interrupt(env: Any) -> None:
    """Cut the env's running step short (:meth:`SWELancerEnv.interrupt`); safe from any thread."""
    interrupt = getattr(env, "interrupt", None)
    if interrupt is not None:
        with contextlib.suppress(Exception):
            interrupt()


def _close_env(session: _Session) -> None:
    with session.close_lock:
        env = session.env
        if env is None:
            return
        try:
            env.close()
        except Exception as e:  # noqa: BLE001 - the session is gone either way
            log.warning("session %s: closing its env failed: %s: %s",
                        session.id[:8], type(e).__name__, e)  # fmt: skip


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


#: copies one fork message may ask for
MAX_FORK = 64


def _fork(session: _Session, manager: SessionManager, data: Any) -> dict[str, Any]:
    """Copy the session's episode into ``data["n"]`` parked sessions; their ids."""
    n = data.get("n", 1) if isinstance(data, dict) else None
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_FORK:
        raise ConfigError(f"fork takes {{'n': 1 to {MAX_FORK}}}, the number of copies; got {n!r}")
    if session.env is None or session.task_id is None or session.done:
        raise EpisodeError("fork needs an episode under way: reset first, before it ends")
    children = manager.open_many(n)
    for child in children:
        child.forming = True
    try:
        copies = session.env.fork(n)
    except BaseException:
        for child in children:
            manager.close(child, force=True)
        raise
    for child, env in zip(children, copies, strict=True):
        with child.close_lock:
            child.env, child.task_id, child.steps = env, session.task_id, session.steps
            child.episode_id, child.done, child.parked = uuid.uuid4().hex, False, True
            child.last_active, child.forming = time.monotonic(), False
        if child.closed:  # the server stopped meanwhile: its close found no env yet
            _close_env(child)
    return {"sessions": [c.id for c in children], "episode_ids": [c.episode_id for c in children]}


def _step(session: _Session, action: Any) -> dict[str, Any]:
    if session.env is None or session.task_id is None:
        raise EpisodeError("no episode in this session: send a reset first")
    obs, reward, terminated, truncated, info = session.env.step(action)
    session.steps += 1
    session.done = bool(terminated or truncated)
    return observation_payload(obs, float(reward), terminated, truncated, info, session.png)


def build_app(config: ServerConfig) -> Any:
    """The Starlette app (``/health``, ``/metadata``, ``/schema``, ``/openapi.json``, ``/ws``;
    OpenEnv's stateless ``/reset``, ``/step``, ``/state`` and ``/mcp``) behind the :class:`Gate`."""
    try:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, Response
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
    tools = config.env_kwargs.get("tools")
    document = openapi_document(tools)
    mcp_tools = action_tools(tools)

    async def health(request: Any) -> Any:
        return JSONResponse(
            {"status": "healthy", "active_sessions": len(manager.sessions),
             "closing_sessions": len(manager.closing), "max_sessions": config.max_sessions}
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
                "max_message_bytes": config.max_message_bytes,
                "reset_keys": list(RESET_KEYS),
            }
        )

    async def schema(request: Any) -> Any:
        return JSONResponse(
            {
                "action": {
                    "ic_swe": tool_schemas("ic_swe"),
                    "swe_manager": tool_schemas("swe_manager"),
                },
                "observation": OBSERVATION_SCHEMA,
                "state": STATE_SCHEMA,
            }
        )

    async def openapi(request: Any) -> Any:
        return JSONResponse(document)

    async def body(request: Request) -> Any:
        """The request's JSON body (None when empty); read no further than the message limit,
        so that a huge body is refused before it is held whole. BadMessage when unreadable."""
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_message_bytes:
                raise BadMessage(
                    f"the request has over {config.max_message_bytes:,} bytes, this server's "
                    "limit (serve --max-message-bytes); send less in one request"
                )
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            return None
        return await read(raw)

    def http_error(message: str, code: str, **extra: Any) -> Any:
        return JSONResponse(
            {"type": "error", "data": {"message": message, "code": code, **extra}},
            status_code=_HTTP_STATUS.get(code, 500),
        )

    async def reset_http(request: Request) -> Any:
        """OpenEnv's stateless reset: a fresh env in a slot of its own, reset, then closed."""
        try:
            data = await body(request)
        except BadMessage as e:
            return http_error(str(e), "INVALID_JSON")
        data = {} if data is None else data
        problem = _reset_problem(data)
        if problem is not None:
            return http_error(problem, "VALIDATION_ERROR")
        try:
            session = manager.open()
        except _Capacity as e:
            return http_error(str(e), "CAPACITY_REACHED", active_sessions=len(manager.sessions),
                              max_sessions=config.max_sessions)  # fmt: skip
        try:
            payload = await run(session, _reset, session, config, data)
        except Exception as e:  # noqa: BLE001 - told to the client, with its code
            message, code, extra = _failure(e)
            return http_error(message, code, **extra)
        finally:  # the env goes before the answer: the slot is free when the client reads it
            await asyncio.get_running_loop().run_in_executor(None, manager.close, session)
        return JSONResponse(payload)

    async def step_http(request: Request) -> Any:
        return http_error(f"POST /step has no episode to step: {NO_EPISODE_OVER_HTTP}",
                          "SESSION_ERROR")  # fmt: skip

    async def state_http(request: Request) -> Any:
        """The state of no episode: an HTTP request has none (episodes are on /ws)."""
        return JSONResponse(
            {"episode_id": None, "step_count": 0, "session_id": None, "task_id": None,
             "done": False}
        )  # fmt: skip

    async def mcp(request: Request) -> Any:
        """MCP over JSON-RPC 2.0. A body that is not a request still gets HTTP 200 with a
        JSON-RPC error (OpenEnv's validator posts ``{}``); a notification gets 202."""
        try:
            message = await body(request)
        except BadMessage as e:
            return JSONResponse(_rpc_error(None, _PARSE_ERROR, f"Parse error: {e}"))
        if isinstance(message, list):
            return JSONResponse(_rpc_error(None, _INVALID_REQUEST,
                                           "Invalid Request: batches are not supported; send "
                                           "one JSON-RPC request per POST"))  # fmt: skip
        problem = _rpc_problem(message)
        if problem is not None:
            rid = message.get("id") if isinstance(message, dict) else None
            rid = rid if isinstance(rid, str | int) and not isinstance(rid, bool) else None
            return JSONResponse(_rpc_error(rid, _INVALID_REQUEST, f"Invalid Request: {problem}"))
        if "id" not in message:  # a notification (e.g. notifications/initialized): no answer
            return Response(status_code=202)
        return JSONResponse(_rpc_answer(message, mcp_tools))

    async def run(session: _Session, fn: Any, *args: Any) -> Any:
        if session.closed:
            raise EpisodeError("this session was closed; open a new one")
        session.call = session.pool.submit(fn, *args)
        try:
            return await asyncio.wrap_future(session.call)
        finally:
            session.last_active = time.monotonic()

    async def read(raw: str | bytes) -> Any:
        """The message's JSON value; BadMessage when it is not one the server reads."""
        if len(raw) <= _INLINE_PARSE:
            return parse_message(raw, config.max_message_bytes)
        return await asyncio.to_thread(parse_message, raw, config.max_message_bytes)

    async def handle(session: _Session, raw: str | bytes) -> str | None:
        try:
            message = await read(raw)
        except BadMessage as e:
            log.info("session %s: %s", session.id[:8], e)  # the client's mistake: told, no trace
            return _error(str(e), "INVALID_JSON")
        if not isinstance(message, dict):
            return _error("a message is a JSON object with a 'type'", "VALIDATION_ERROR")
        kind, data = message.get("type", ""), message.get("data") or {}
        try:
            if kind == "reset":
                problem = _reset_problem(data)
                if problem is not None:
                    return _error(problem, "VALIDATION_ERROR")
                payload = await run(session, _reset, session, config, data)
                return json.dumps({"type": "observation", "data": payload})
            if kind == "step":
                payload = await run(session, _step, session, data)
                return json.dumps({"type": "observation", "data": payload})
            if kind == "state":
                return json.dumps({"type": "state", "data": session.state()})
            if kind == "fork":
                forked = await run(session, _fork, session, manager, data)
                return json.dumps({"type": "forked", "data": forked})
            if kind == "close":
                return None
            return _error(
                f"Unknown message type: {str(kind)[:100]!r}; use reset, step, state, fork or close",
                "UNKNOWN_TYPE",
            )
        except Exception as e:  # noqa: BLE001 - told to the client, with its code
            message, code, extra = _failure(e)
            return _error(message, code, **extra)

    async def receive(websocket: WebSocket, inbox: asyncio.Queue[str | bytes]) -> None:
        """Read the client's messages into ``inbox`` until it goes away (then return), also
        while a call runs: that is how a disconnect is seen at once."""
        while True:
            try:
                message = await websocket.receive()
            except Exception:  # noqa: BLE001 - a socket the server closed (the reaper)
                return
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            await inbox.put(text if text is not None else message.get("bytes") or b"")

    async def unless_gone(awaitable: Any, reader: asyncio.Task[None]) -> Any:
        """``awaitable``'s result, or :data:`_GONE` (``awaitable`` cancelled) when the reader
        ends first: the client went away."""
        task = asyncio.ensure_future(awaitable)
        await asyncio.wait({task, reader}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        task.cancel()
        return _GONE

    async def ws_endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        taken = websocket.query_params.get("session")
        try:
            session = manager.take(taken) if taken else manager.open()
        except EpisodeError as e:
            await websocket.send_text(_error(str(e), "SESSION_ERROR"))
            await websocket.close(code=1008)
            return
        except _Capacity as e:
            await websocket.send_text(
                _error(str(e), "CAPACITY_REACHED", active_sessions=len(manager.sessions),
                       max_sessions=config.max_sessions)
            )  # fmt: skip
            await websocket.close(code=1013)
            return
        session.websocket = websocket
        inbox: asyncio.Queue[str | bytes] = asyncio.Queue(maxsize=_INBOX)
        reader = asyncio.create_task(receive(websocket, inbox))
        try:
            while True:
                raw = await unless_gone(inbox.get(), reader)
                if raw is _GONE:
                    break
                session.last_active = time.monotonic()
                reply = await unless_gone(handle(session, raw), reader)
                if reply is _GONE:
                    log.info("session %s: its client left during a call", session.id[:8])
                    break
                if reply is None:
                    break
                await websocket.send_text(reply)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away (or the reaper closed the socket)
        except Exception:  # a fault of the server's, not the client's: its trace, once
            log.exception("session %s: failed", session.id[:8])
        finally:
            reader.cancel()
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
                idle = now - session.last_active > config.idle_timeout
                if not session.busy and not session.forming and idle:
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

    inner = Starlette(
        routes=[
            Route("/health", health),
            Route("/metadata", metadata),
            Route("/schema", schema),
            Route("/openapi.json", openapi),
            Route("/reset", reset_http, methods=["POST"]),
            Route("/step", step_http, methods=["POST"]),
            Route("/state", state_http),
            Route("/mcp", mcp, methods=["POST"]),
            WebSocketRoute("/ws", ws_endpoint),
        ],
        lifespan=lifespan,
    )
    inner.state.sessions = manager
    return Gate(inner, config.allow_origins, config.token)


def _rpc_error(rid: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": rid}


def _rpc_problem(message: Any) -> str | None:
    """Why ``message`` is not a JSON-RPC 2.0 request (or notification), or None."""
    if not isinstance(message, dict):
        return 'a JSON-RPC request is an object: {"jsonrpc": "2.0", "method": ..., "id": ...}'
    if message.get("jsonrpc") != "2.0":
        return '"jsonrpc" must be "2.0"'
    if not isinstance(message.get("method"), str):
        return '"method" must be a string (initialize, ping, tools/list, tools/call)'
    rid = message.get("id")
    if "id" in message and (isinstance(rid, bool) or not isinstance(rid, str | int | None)):
        return '"id" must be a string, an integer or null'
    if "params" in message and not isinstance(message["params"], dict | list):
        return '"params" must be an object'
    return None


def _rpc_answer(message: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer to one MCP request over stateless HTTP: no method here acts on an episode."""
    from swelancer_env import __version__

    rid, method = message["id"], message["method"]
    given = message.get("params")
    params: dict[str, Any] = given if isinstance(given, dict) else {}
    if method == "initialize":
        asked = params.get("protocolVersion")
        version = asked if asked in MCP_VERSIONS else MCP_VERSIONS[0]
        result: dict[str, Any] = {
            "protocolVersion": version,
            "serverInfo": {"name": "swelancer-env", "version": __version__},
            "capabilities": {"tools": {"listChanged": False}},
            "instructions": "Lists the env's actions as tools; they act on an episode, which "
            "lives in a session on /ws.",
        }
    elif method == "ping":
        result = {}
    elif method == "tools/list":
        result = {"tools": tools}
    elif method == "tools/call":
        name = params.get("name")
        return _rpc_error(rid, _NO_EPISODE, f"tools/call {str(name)[:100]!r}: tools act on an "
                          f"episode and an HTTP request has none: {NO_EPISODE_OVER_HTTP}")  # fmt: skip
    else:
        return _rpc_error(rid, _METHOD_NOT_FOUND, f"Method not found: {method[:100]!r}; this "
                          "server answers initialize, ping, tools/list and tools/call")  # fmt: skip
    return {"jsonrpc": "2.0", "result": result, "id": rid}


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
    loopback = False
    with contextlib.suppress(ValueError):
        loopback = ipaddress.ip_address(host).is_loopback
    if not loopback and config.token is None:
        warnings.warn(
            f"serving on {host} without a token: anyone who reaches this port can run "
            "episodes; give --token (or SWELANCER_SERVE_TOKEN) and keep it on a private network",
            stacklevel=2,
        )
    app = build_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            # a message up to twice the limit is read and answered INVALID_JSON; a larger one
            # closes the connection (1009) before it is read whole
            app, host=host, port=port, log_level="warning", ws="websockets-sansio",
            ws_max_size=2 * config.max_message_bytes, timeout_graceful_shutdown=3,
            lifespan="on",
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
