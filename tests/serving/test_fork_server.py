"""Forking an episode on the server: `fork` copies the session's episode into new sessions that
clients take over by id; each copy holds the tree and step count and goes its own way; an id
is taken once; a fork that does not fit is refused whole; a copy nobody takes is closed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from websockets.sync.client import connect

from swelancer_env.errors import ConfigError
from swelancer_env.serving.client import RemoteEnv, RemoteError, ServerAtCapacity
from swelancer_env.tasks import list_tasks

sys.path.insert(0, str(Path(__file__).parent))
from serve_kit import Server  # noqa: E402

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)[0]


def _shell(env: RemoteEnv, command: str) -> str:
    obs, *_ = env.step({"type": "shell", "command": command})
    return str(obs["output"]).strip()


def test_forked_copies_start_where_the_episode_stood_and_go_their_own_ways() -> None:
    s = Server("--max-sessions", "3")
    try:
        env = RemoteEnv(s.url)
        env.reset(options={"task_id": MANAGER.id})
        _shell(env, "echo before > note.txt")
        a, b = env.fork(2)
        try:
            assert s.health()["active_sessions"] == 3
            for twin in (a, b):
                state = twin.state()
                assert state["task_id"] == MANAGER.id and state["step_count"] == 1
                assert state["episode_id"] != env.state()["episode_id"]
            assert _shell(a, "cat note.txt") == "before"
            _shell(a, "echo mine > a.txt")
            assert "No such file" in _shell(b, "cat a.txt")  # b is not a
            assert "No such file" in _shell(env, "cat a.txt")  # nor the original
            # each copy ends on its own: the right proposal pays, the wrong one does not
            wrong = next(p.id for p in MANAGER.proposals if p.id != MANAGER.correct_proposal)
            _, paid, done, *_ = a.step(
                {"type": "choose_proposal", "proposal_id": MANAGER.correct_proposal}
            )
            _, unpaid, done_b, *_ = b.step({"type": "choose_proposal", "proposal_id": wrong})
            assert (paid, done, unpaid, done_b) == (MANAGER.price, True, 0.0, True)
            assert env.state()["done"] is False  # the original goes on
            with pytest.raises(ServerAtCapacity, match="2 more do not fit"):
                env.fork(2)  # all or none
            assert s.health()["active_sessions"] == 3
        finally:
            for twin in (a, b):
                twin.close()
            env.close()
        s.wait_idle(0)
    finally:
        assert s.stop() == 0


def test_a_copy_is_taken_once_and_an_unknown_id_is_refused() -> None:
    s = Server("--max-sessions", "3")
    try:
        env = RemoteEnv(s.url)
        env.reset(options={"task_id": MANAGER.id})
        ws = env._ws  # the fork's answer, as a client of the protocol reads it
        ws.send('{"type": "fork", "data": {"n": 1}}')
        import json

        reply = json.loads(ws.recv(timeout=120))
        assert reply["type"] == "forked"
        [sid] = reply["data"]["sessions"]
        twin = RemoteEnv(s.url, session=sid)
        try:
            with pytest.raises(RemoteError, match="no forked session waits under that id"):
                RemoteEnv(s.url, session=sid).state()
            with connect(f"{s.ws_url}?session=not-an-id") as raw:
                error = json.loads(raw.recv(timeout=30))
            assert error["data"]["code"] == "SESSION_ERROR"
            assert twin.state()["step_count"] == 0
            with pytest.raises(ConfigError, match="fork takes"):  # as a local env's fork(0)
                env._call({"type": "fork", "data": {"n": 0}})
        finally:
            twin.close()
            env.close()
        s.wait_idle(0)
    finally:
        assert s.stop() == 0


def test_a_copy_nobody_takes_is_closed_after_the_idle_timeout() -> None:
    s = Server("--max-sessions", "3", "--idle-timeout", "2")
    try:
        env = RemoteEnv(s.url)
        env.reset(options={"task_id": MANAGER.id})
        env._call({"type": "fork", "data": {"n": 2}})
        assert s.health()["active_sessions"] == 3
        env.close()
        s.wait_idle(0, within=60)
    finally:
        assert s.stop() == 0
