"""RemoteEnv: a gymnasium env whose episodes run on a ``swelancer-env serve`` server.

It has the spaces, the ``reset``/``step`` of :class:`~swelancer_env.env.SWELancerEnv`, so any
agent, the runner and ``eval --server URL`` use it unchanged:

Example:
    >>> env = RemoteEnv("http://127.0.0.1:8000")  # doctest: +SKIP
    >>> obs, info = env.reset(seed=0, options={"task_id": "tally-split-avatars"})  # doctest: +SKIP
    >>> obs, reward, terminated, truncated, info = env.step(
    ...     {"type": "shell", "command": "git status"})  # doctest: +SKIP
    >>> env.close()  # doctest: +SKIP

Only the websockets package is needed (a default dependency), not the server's extra.

A server started with a token (``serve --token`` or ``SWELANCER_SERVE_TOKEN``) needs it here too:
``RemoteEnv(url, token=...)``, or the same variable, which is read by default. A refusal (no
token, a wrong one) raises :class:`RemoteError` with the server's reason and its code
(``UNAUTHORIZED``, ``ORIGIN_NOT_ALLOWED``).
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import gymnasium as gym
import numpy as np

from swelancer_env.async_env import AsyncEnvMethods
from swelancer_env.errors import (
    ConfigError,
    EpisodeError,
    InfrastructureError,
    SubmissionTooLarge,
    SWELancerError,
    TaskFormatError,
    TaskNotFoundError,
)
from swelancer_env.serving.wire import TOKEN_ENV, from_payload
from swelancer_env.spaces import ActionSpace, make_observation_space

__all__ = ["RemoteEnv", "RemoteError", "ServerAtCapacity"]


class RemoteError(InfrastructureError):
    """The server answered with an error (``code`` is OpenEnv's) or could not be reached."""

    def __init__(self, message: str, code: str = "CONNECTION") -> None:
        super().__init__(f"{message} (code: {code})")
        self.code = code


class ServerAtCapacity(RemoteError):
    """Every session of the server is taken (its ``--max-sessions``); retry later."""


#: errors that the server reports by name and the client raises as a local env would
_ERRORS: dict[str, type[Exception]] = {
    "ConfigError": ConfigError,
    "EpisodeError": EpisodeError,
    "TaskNotFoundError": TaskNotFoundError,
    "TaskFormatError": TaskFormatError,
    "SubmissionTooLarge": SubmissionTooLarge,
    "ValueError": ConfigError,
}


class RemoteEnv(AsyncEnvMethods, gym.Env[dict[str, Any], Any]):
    """One session on a server; its env is made there with the server's settings.

    Args:
        url: the server (``http://host:port``; ``ws://`` works too).
        task_id: the task of every reset that names none (else the server's env draws one).
        timeout: seconds to wait for one reply (a grading can take a while).
        token: the server's token (its ``--token``), sent as ``Authorization: Bearer``;
            default: the ``SWELANCER_SERVE_TOKEN`` environment variable, if set.
    """

    metadata = {"render_modes": []}

    def __init__(self, url: str = "http://127.0.0.1:8000", task_id: str | None = None,
                 timeout: float = 900.0, token: str | None = None,
                 session: str | None = None) -> None:  # fmt: skip
        from websockets.exceptions import InvalidHandshake, InvalidStatus
        from websockets.sync.client import connect

        self.url = url.rstrip("/").replace("ws://", "http://").replace("wss://", "https://")
        self.task_id = task_id
        self.timeout = timeout
        token = token if token is not None else os.environ.get(TOKEN_ENV) or None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            request = urllib.request.Request(f"{self.url}/metadata", headers=headers)
            with urllib.request.urlopen(request, timeout=10) as r:
                self.server_metadata = json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise _refused(e.code, e.read(), self.url) from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise RemoteError(f"no swelancer-env server answers at {self.url}: {e}") from None
        shape = tuple(self.server_metadata["screenshot_shape"])
        self.observation = self.server_metadata["observation"]
        self.observation_space = make_observation_space(
            shape,
            screenshot=self.observation == "full",  # type: ignore[arg-type]
        )
        self.action_space = ActionSpace()
        ws_url = "ws" + self.url[len("http") :] + "/ws"
        if session is not None:  # a fork's copy, waiting on the server
            ws_url += "?" + urllib.parse.urlencode({"session": session})
        self._token = token
        self._stack = contextlib.ExitStack()
        try:
            self._ws = self._stack.enter_context(
                connect(ws_url, max_size=64 << 20, open_timeout=10, close_timeout=5,
                        additional_headers=headers)
            )  # fmt: skip
        except InvalidStatus as e:
            raise _refused(e.response.status_code, e.response.body or b"", ws_url) from None
        except (OSError, InvalidHandshake) as e:
            raise RemoteError(f"could not open a session at {ws_url}: {e}") from None
        #: what ``run_episode`` reads of an env: the task (when it is known here), the latest
        #: full verdict (never sent: the hidden tests' names stay on the server) and timings
        self.task: Any = None
        self.last_grade = None
        self.timings: dict[str, float] = {}
        self._closed = False

    # -- the protocol -------------------------------------------------------------------

    def _call(self, message: dict[str, Any]) -> dict[str, Any]:
        if self._closed:
            raise EpisodeError("this RemoteEnv is closed")
        from websockets.exceptions import ConnectionClosed

        try:
            with contextlib.suppress(ConnectionClosed):  # its reason may wait to be read
                self._ws.send(json.dumps(message))
            reply = json.loads(self._ws.recv(timeout=self.timeout))
        except TimeoutError:
            raise RemoteError(f"no reply within {self.timeout:g} s", "TIMEOUT") from None
        except ConnectionClosed as e:
            reason = e.rcvd.reason if e.rcvd is not None and e.rcvd.reason else str(e)
            raise RemoteError(f"the server closed the session: {reason}") from None
        if reply.get("type") == "error":
            data = reply.get("data") or {}
            code, text = data.get("code", "UNKNOWN"), data.get("message", "")
            if code == "CAPACITY_REACHED":
                raise ServerAtCapacity(text, code)
            known = _ERRORS.get(data.get("error", ""))
            if code == "VALIDATION_ERROR" and known is not None:
                raise known(text)  # the same error as a local env's
            raise RemoteError(text, code)
        return reply["data"]

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = dict(options or {})
        task_id = options.pop("task_id", None) or self.task_id
        if options:
            raise ConfigError(f"unknown reset options {sorted(options)}; the only one is 'task_id'")
        data: dict[str, Any] = {}
        if task_id is not None:
            data["task_id"] = task_id
        if seed is not None:
            data["seed"] = int(seed)
        obs, _, _, _, info = from_payload(self._call({"type": "reset", "data": data}))
        self.task = _local_task(info.get("task_id"))
        self.last_grade = None
        return obs, info

    def step(self, action: Any):
        if hasattr(action, "model_dump"):
            action = action.model_dump(mode="json")
        elif isinstance(action, dict):
            action = {
                k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in action.items()
            }
        return from_payload(self._call({"type": "step", "data": action}))

    def state(self) -> dict[str, Any]:
        """The session's state on the server: episode id, step count, task, done."""
        return self._call({"type": "state"})

    def fork(self, n: int = 1) -> list[RemoteEnv]:
        """``n`` copies of this episode as it stands, each a session of its own on the server
        (see :meth:`SWELancerEnv.fork`): for group rollouts from the same point. Close each
        copy when done.

        Raises:
            ServerAtCapacity: the server has no room for ``n`` more sessions.
            RemoteError: no episode under way, or the copy failed.
        """
        forked = self._call({"type": "fork", "data": {"n": int(n)}})
        copies: list[RemoteEnv] = []
        try:
            for sid in forked["sessions"]:
                twin = RemoteEnv(self.url, self.task_id, self.timeout, self._token, session=sid)
                twin.task, twin.last_grade = self.task, None
                copies.append(twin)
        except BaseException:
            for twin in copies:
                twin.close()
            raise
        return copies

    def close(self) -> None:
        self._end_async_pool()
        if self._closed:
            return
        self._closed = True
        try:
            self._ws.send(json.dumps({"type": "close"}))
        except Exception:  # noqa: BLE001 - already gone
            pass
        self._stack.close()


def _refused(status: int, body: bytes | bytearray, url: str) -> RemoteError:
    """The error for an HTTP refusal: the server's reason and code when it gave them."""
    try:
        data = json.loads(body)["data"]
        return RemoteError(str(data["message"]), str(data["code"]))
    except (ValueError, KeyError, TypeError):
        text = body.decode(errors="replace").strip()[:500]
        return RemoteError(f"{url} answered HTTP {status}: {text}", f"HTTP_{status}")


def _local_task(task_id: str | None) -> Any:
    """The task's definition when this machine has it too (agents such as the oracle read it)."""
    if not task_id:
        return None
    from swelancer_env.tasks.loader import load_task

    try:
        return load_task(task_id)
    except SWELancerError:
        return None
