"""`swelancer-env serve` answers only its own clients and stands bad input: a web page (a request
with an Origin) is refused unless allowed; with a token, a request without it gets 401, with it
everything works (our client and OpenEnv's too); a message too large, too deep or not JSON gets
INVALID_JSON and the session goes on, other sessions untouched; a client that leaves during a
long step frees its slot, the step's processes and its folders within seconds."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_kit import Server, openenv_venv, processes_with
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from swelancer_env.cli import main
from swelancer_env.serving.client import RemoteEnv, RemoteError, ServerAtCapacity
from swelancer_env.serving.wire import MAX_DEPTH, TOKEN_ENV, BadMessage, _depth, parse_message
from swelancer_env.tasks import list_tasks

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)
TOKEN = "test-" + secrets.token_urlsafe(24)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAGE = "http://127.0.0.1:1234"  # where an agent's app would serve its pages


@pytest.fixture(scope="module")
def plain() -> Iterator[Server]:
    """The defaults: no token, no origin allowed; two sessions."""
    s = Server("--max-sessions", "2")
    yield s
    assert s.stop() == 0
    log = s.close_log()
    assert "Traceback" not in log, log[-5000:]


@pytest.fixture(scope="module")
def guarded() -> Iterator[Server]:
    """A token (from the environment variable), the page's origin allowed; one session."""
    s = Server("--max-sessions", "1", "--allow-origin", PAGE, env={TOKEN_ENV: TOKEN})
    yield s
    assert s.stop() == 0
    log = s.close_log()
    assert "Traceback" not in log, log[-5000:]


def ask(ws: ClientConnection, message: str | bytes | dict[str, Any]) -> dict[str, Any]:
    ws.send(json.dumps(message) if isinstance(message, dict) else message)
    return json.loads(ws.recv(timeout=120))


def refusal(do: Any) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of an HTTP or WebSocket refusal."""
    try:
        do()
    except InvalidStatus as e:
        return e.response.status_code, json.loads(e.response.body or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    raise AssertionError("not refused")


def get(server: Server, path: str, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(f"{server.url}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


# -- web pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [PAGE, "null", "http://localhost:8000"])
def test_a_web_page_is_refused(plain: Server, origin: str) -> None:
    status, body = refusal(lambda: connect(plain.ws_url, origin=origin))  # type: ignore[arg-type]
    assert status == 403 and body["type"] == "error"
    assert body["data"]["code"] == "ORIGIN_NOT_ALLOWED"
    assert "--allow-origin" in body["data"]["message"] and origin in body["data"]["message"]
    status, body = refusal(lambda: get(plain, "/metadata", {"Origin": origin}))
    assert status == 403 and body["data"]["code"] == "ORIGIN_NOT_ALLOWED"
    # a client that sends no Origin (Python's, OpenEnv's) is not a page: it is served
    assert plain.health()["active_sessions"] == 0
    with connect(plain.ws_url) as ws:
        assert ask(ws, {"type": "state"})["type"] == "state"


def test_an_allowed_origin_connects(guarded: Server) -> None:
    with connect(guarded.ws_url, origin=PAGE, additional_headers=AUTH) as ws:  # type: ignore[arg-type]
        assert ask(ws, {"type": "state"})["type"] == "state"
    other = "http://127.0.0.1:1235"
    status, body = refusal(lambda: connect(guarded.ws_url, origin=other, additional_headers=AUTH))  # type: ignore[arg-type]
    assert status == 403 and body["data"]["code"] == "ORIGIN_NOT_ALLOWED"
    guarded.wait_idle(headers=AUTH)


# -- the token ---------------------------------------------------------------------------------


def test_without_the_token_every_request_gets_401(guarded: Server) -> None:
    for headers in ({}, {"Authorization": "Bearer not-the-token"}, {"Authorization": TOKEN}):
        for path in ("/health", "/metadata", "/schema"):
            try:
                get(guarded, path, headers)
            except urllib.error.HTTPError as e:
                assert e.code == 401 and e.headers["WWW-Authenticate"].startswith("Bearer")
                message = json.loads(e.read())["data"]["message"]
                assert "--token" in message and TOKEN_ENV in message
            else:
                raise AssertionError(f"{path} answered {headers}")
        status, body = refusal(lambda: connect(guarded.ws_url, additional_headers=headers))  # noqa: B023
        assert status == 401 and body["data"]["code"] == "UNAUTHORIZED"
    status, _ = refusal(lambda: connect(f"{guarded.ws_url}?token=nope"))
    assert status == 401


def test_with_the_token_everything_works(guarded: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    assert get(guarded, "/health", AUTH)["status"] == "healthy"
    assert get(guarded, "/metadata", {"authorization": f"bearer {TOKEN}"})["max_sessions"] == 1
    with connect(guarded.ws_url, additional_headers=AUTH) as ws:
        assert ask(ws, {"type": "state"})["type"] == "state"
    guarded.wait_idle(headers=AUTH)
    with connect(f"{guarded.ws_url}?token={TOKEN}") as ws:  # a client that cannot set headers
        assert ask(ws, {"type": "state"})["type"] == "state"
    guarded.wait_idle(headers=AUTH)
    # the project's client: the token as an argument, or from the environment by default
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    for token in (None, "not-the-token"):
        with pytest.raises(RemoteError, match=f"--token.*{TOKEN_ENV}") as e:
            RemoteEnv(guarded.url, token=token)
        assert e.value.code == "UNAUTHORIZED"
    task = MANAGER[0]
    env = RemoteEnv(guarded.url, token=TOKEN)
    try:
        env.reset(options={"task_id": task.id})
        _, reward, terminated, *_ = env.step(
            {"type": "choose_proposal", "proposal_id": task.correct_proposal}
        )
        assert terminated and reward == task.price
    finally:
        env.close()
    guarded.wait_idle(headers=AUTH)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    env = RemoteEnv(guarded.url)
    try:
        assert env.state()["step_count"] == 0
    finally:
        env.close()
    guarded.wait_idle(headers=AUTH)


def test_openenv_client_sends_the_token_as_a_header(guarded: Server) -> None:
    script = (
        "import sys\n"
        "from openenv.core.generic_client import GenericEnvClient\n"
        "auth = {'Authorization': 'Bearer ' + sys.argv[2]}\n"
        "with GenericEnvClient(base_url=sys.argv[1], headers=auth).sync() as env:\n"
        "    r = env.reset(task_id=sys.argv[3])\n"
        "    print(r.observation['output'][:60])\n"
    )
    python = str(openenv_venv() / "bin" / "python")
    proc = subprocess.run(
        [python, "-c", script, guarded.url, TOKEN, MANAGER[0].id],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "engineering manager" in proc.stdout
    guarded.wait_idle(headers=AUTH)


def test_serve_refuses_bad_security_settings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--allow-origin", "http://127.0.0.1:3000/page"]) == 2
    assert "scheme://host[:port]" in capsys.readouterr().err
    assert main(["serve", "--token", ""]) == 2
    assert "printable ASCII" in capsys.readouterr().err
    assert main(["serve", "--token", "two words"]) == 2
    capsys.readouterr()
    assert main(["serve", "--max-message-bytes", "10"]) == 2
    assert "1024 or more" in capsys.readouterr().err


# -- bad messages ------------------------------------------------------------------------------


def test_bad_json_gets_invalid_json_and_the_session_goes_on(plain: Server) -> None:
    with connect(plain.ws_url) as a, connect(plain.ws_url) as b:
        assert (
            ask(b, {"type": "reset", "data": {"task_id": MANAGER[1].id}})["type"] == "observation"
        )
        assert (
            ask(a, {"type": "reset", "data": {"task_id": MANAGER[0].id}})["type"] == "observation"
        )
        deep = "[" * 200_000 + "]" * 200_000
        bad: list[tuple[str | bytes, str]] = [
            ("1" * 5000, "4300 digits"),
            ('{"type": "step", "data": {"type": "shell", "timeout": ' + "9" * 5000 + "}}", "4300"),
            ("[" * 200_000, "nested too deep"),
            ('{"type": "state", "data": ' + deep + "}", "nested too deep"),
            (
                '{"type": "state", "data": ' + "[" * 100 + "]" * 100 + "}",
                f"deeper than {MAX_DEPTH}",
            ),
            ('{"type": "state", "data": NaN}', "NaN is not a JSON value"),
            ("{not json", "Expecting property name"),
            (b"\xff\xfe{}", "not UTF-8"),
        ]
        for raw, words in bad:
            reply = ask(a, raw)
            assert reply["type"] == "error", (raw[:40], reply)
            assert reply["data"]["code"] == "INVALID_JSON" and words in reply["data"]["message"]
        assert ask(a, b'{"type": "state"}')["data"]["task_id"] == MANAGER[0].id  # binary is fine
        obs = ask(a, {"type": "step", "data": {"type": "shell", "command": "echo a-still-here"}})
        assert obs["data"]["observation"]["output"].strip() == "a-still-here"
        obs = ask(b, {"type": "step", "data": {"type": "shell", "command": "echo b-untouched"}})
        assert obs["data"]["observation"]["output"].strip() == "b-untouched"
        assert ask(b, {"type": "state"})["data"]["step_count"] == 1
    plain.wait_idle()
    assert "Traceback" not in plain.log()


def test_an_oversized_message_gets_invalid_json(plain: Server) -> None:
    limit = 4 << 20
    assert get(plain, "/metadata", {})["max_message_bytes"] == limit
    with connect(plain.ws_url) as a, connect(plain.ws_url) as b:
        reply = ask(a, json.dumps({"type": "state", "pad": "x" * (limit + 1000)}))
        assert reply["data"]["code"] == "INVALID_JSON" and f"{limit:,}" in reply["data"]["message"]
        assert ask(a, {"type": "state"})["type"] == "state"  # the session goes on
        # over twice the limit, the connection is closed before the message is read whole
        a.send("x" * (2 * limit + 1))
        with pytest.raises(ConnectionClosed) as e:
            a.recv(timeout=60)
        assert e.value.rcvd is not None and e.value.rcvd.code == 1009
        assert ask(b, {"type": "state"})["type"] == "state"  # another session: untouched
    plain.wait_idle()


def test_parse_message_limits() -> None:
    assert parse_message('{"type": "state"}') == {"type": "state"}
    assert parse_message(b'{"a": "\\u00e9"}') == {"a": "\u00e9"}
    with pytest.raises(BadMessage, match="over this server's limit of 2,000"):
        parse_message('"' + "é" * 1000 + '"', max_bytes=2000)  # 2,002 bytes, 1,002 characters
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_message(nested) is not None
    with pytest.raises(BadMessage, match="deeper than"):
        parse_message("[" + nested + "]")
    # brackets and escaped quotes inside strings do not count
    text = json.dumps({"code": "[[[{{{" * 100 + '\\"[[[' * 50, "a": [[["]]]"]]]})
    assert _depth(text) == 4 and parse_message(text)["a"] == [[["]]]"]]]


# -- a client that leaves during a step --------------------------------------------------------


@pytest.mark.parametrize("how", ["close", "drop"])
def test_a_disconnect_during_a_step_frees_the_slot_and_kills_the_step(
    guarded: Server, how: str
) -> None:
    task, other = MANAGER[0], MANAGER[1]
    folders = lambda: list(Path(tempfile.gettempdir()).glob(f"swelancer-{task.id}-*"))  # noqa: E731
    assert not folders()
    marker = f"swl-leaves-{uuid.uuid4().hex}"
    with connect(guarded.ws_url, additional_headers=AUTH) as ws:
        assert ask(ws, {"type": "reset", "data": {"task_id": task.id}})["type"] == "observation"
        assert folders()
        command = f"bash -c 'sleep 60; :' {marker}"  # (not `exec`ed: the marker stays)
        ws.send(json.dumps({"type": "step", "data": {"type": "shell", "command": command}}))
        deadline = time.monotonic() + 30
        while not processes_with(marker):
            assert time.monotonic() < deadline, "the step's command did not start"
            time.sleep(0.05)
        assert guarded.health(headers=AUTH)["active_sessions"] == 1
        left = time.monotonic()
        if how == "close":
            ws.close()
        else:  # the trainer's process died: no close frame, the TCP connection just ends
            ws.socket.shutdown(socket.SHUT_RDWR)
            ws.socket.close()
    # at capacity 1, a new session gets the slot within seconds
    while True:
        env = RemoteEnv(guarded.url, token=TOKEN)
        try:
            env.reset(options={"task_id": other.id})
            break
        except ServerAtCapacity:
            env.close()
            assert time.monotonic() - left < 5, "the slot was not freed"
            time.sleep(0.1)
    try:
        while processes_with(marker) or folders():  # killed, removed: well before its 60 s
            assert time.monotonic() - left < 10, (processes_with(marker), folders())
            time.sleep(0.05)
        obs, *_ = env.step({"type": "shell", "command": "echo served"})
        assert obs["output"].strip() == "served"
    finally:
        env.close()
    guarded.wait_idle(headers=AUTH)
    while guarded.health(headers=AUTH)["closing_sessions"]:  # every env closed, soon
        assert time.monotonic() - left < 10
        time.sleep(0.05)
