"""`swelancer-env serve` keeps OpenEnv's HTTP contract: OpenEnv's own runtime validator passes
it; POST /reset is stateless (a fresh env, reset and closed), POST /step and GET /state say that
episodes live on /ws; POST /mcp is MCP over JSON-RPC 2.0; the gate still guards every route."""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from serve_kit import Server, openenv_venv
from websockets.sync.client import connect

from swelancer_env.serving.wire import TOKEN_ENV
from swelancer_env.tasks import list_tasks

MANAGER_TASK = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")[0]

VALIDATE = """
import json, sys
from openenv.cli._validation import validate_running_environment
print(json.dumps(validate_running_environment(sys.argv[1], timeout_s=30.0)))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server("--max-sessions", "2")
    yield s
    assert s.stop() == 0
    log = s.close_log()
    assert "Traceback" not in log, log[-5000:]


def call(
    server: Server,
    method: str,
    path: str,
    body: Any = None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """The status and JSON body (None when empty) of one HTTP request; errors included."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}{path}", data=data, method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    return status, json.loads(text) if text else None


def rpc(server: Server, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": 7, "method": method}
    if params is not None:
        message["params"] = params
    status, answer = call(server, "POST", "/mcp", message)
    assert status == 200 and answer["jsonrpc"] == "2.0" and answer["id"] == 7, answer
    return answer  # type: ignore[no-any-return]


def test_openenv_runtime_validator_passes(server: Server) -> None:
    venv = openenv_venv()
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-c", VALIDATE, server.url],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    shown = json.dumps(report, indent=1)
    assert report["passed"] is True, shown
    required = [c for c in report["criteria"] if c.get("required", True)]
    assert required and all(c["passed"] for c in required), shown
    assert {c["id"] for c in required} >= {
        "openapi_version_available", "health_endpoint", "metadata_endpoint", "schema_endpoint",
        "mcp_endpoint", "mode_endpoint_consistency",
    }, shown  # fmt: skip
    assert report["standard_profile"] == "openenv-http/1.x" and report["mode"] == "simulation"


def test_schema_and_openapi_describe_every_route(server: Server) -> None:
    status, schema = call(server, "GET", "/schema")
    assert status == 200
    assert set(schema["action"]) == {"ic_swe", "swe_manager"}
    assert schema["observation"]["required"] == ["observation", "reward", "done", "metadata"]
    assert set(schema["state"]["properties"]) == {"episode_id", "step_count", "session_id",
                                                  "task_id", "done"}  # fmt: skip
    status, doc = call(server, "GET", "/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.1") and doc["info"]["version"] == "1.0.0"
    methods = {path: set(ops) for path, ops in doc["paths"].items()}
    assert methods["/reset"] == methods["/step"] == methods["/mcp"] == {"post"}
    assert methods["/state"] == methods["/health"] == methods["/metadata"] == {"get"}
    assert "/ws" in doc["info"]["description"]


def test_http_reset_is_stateless_and_step_points_to_ws(server: Server) -> None:
    status, first = call(server, "POST", "/reset", {"task_id": MANAGER_TASK, "seed": 1})
    assert status == 200, first
    assert set(first) == {"observation", "reward", "done", "metadata"}  # OpenEnv's ResetResponse
    assert first["observation"]["output"].startswith("You are the engineering manager")
    assert first["metadata"]["info"]["task_id"] == MANAGER_TASK
    assert first["reward"] == 0.0 and first["done"] is False
    # the same seed draws the same task, each time in a fresh env
    drawn = [call(server, "POST", "/reset", {"seed": 5}) for _ in range(2)]
    assert [s for s, _ in drawn] == [200, 200], drawn
    assert drawn[0][1]["metadata"]["info"]["task_id"] == drawn[1][1]["metadata"]["info"]["task_id"]
    assert drawn[0][1]["observation"]["output"] == drawn[1][1]["observation"]["output"]

    status, error = call(server, "POST", "/reset", {"task_id": "tally-nope"})
    assert status == 422 and error["data"]["code"] == "VALIDATION_ERROR", error
    assert "tally-nope" in error["data"]["message"]
    status, error = call(server, "POST", "/reset", {"task": "x"})
    assert status == 422 and "task_id, seed" in error["data"]["message"], error
    status, error = call(server, "POST", "/reset", raw=b"{not json")
    assert status == 400 and error["data"]["code"] == "INVALID_JSON", error

    status, error = call(server, "POST", "/step", {"action": {"type": "shell", "command": "ls"}})
    assert status == 409, error
    assert "no episode" in error["data"]["message"] and "/ws" in error["data"]["message"]
    status, state = call(server, "GET", "/state")
    assert status == 200
    assert state["episode_id"] is None and state["step_count"] == 0 and state["task_id"] is None
    health = server.health()
    assert health["active_sessions"] == 0 and health["closing_sessions"] == 0, health


def test_mcp_speaks_json_rpc(server: Server) -> None:
    init = rpc(server, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                      "clientInfo": {"name": "test", "version": "0"}})  # fmt: skip
    assert init["result"]["protocolVersion"] == "2025-06-18"
    assert init["result"]["serverInfo"]["name"] == "swelancer-env"
    assert "tools" in init["result"]["capabilities"]
    assert rpc(server, "ping")["result"] == {}
    tools = rpc(server, "tools/list")["result"]["tools"]
    names = [t["name"] for t in tools]
    assert {"shell", "submit", "choose_proposal"} <= set(names) and len(names) == len(set(names))
    assert all(t["inputSchema"]["type"] == "object" and t["description"] for t in tools)
    refused = rpc(server, "tools/call", {"name": "shell", "arguments": {"command": "ls"}})
    assert refused["error"]["code"] in (-32601, -32000) and "/ws" in refused["error"]["message"]
    assert rpc(server, "teleport")["error"]["code"] == -32601

    status, answer = call(server, "POST", "/mcp", {})  # what OpenEnv's validator sends
    assert status == 200, answer
    assert answer["jsonrpc"] == "2.0" and answer["id"] is None
    assert answer["error"]["code"] == -32600
    status, answer = call(server, "POST", "/mcp", raw=b'{"jsonrpc": "2.0", "method": ')
    assert status == 200 and answer["error"]["code"] == -32700 and answer["id"] is None
    status, answer = call(
        server, "POST", "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}
    )
    assert status == 202 and answer is None


def test_the_gate_guards_the_http_routes() -> None:
    token = "test-" + secrets.token_urlsafe(24)
    s = Server("--max-sessions", "1", env={TOKEN_ENV: token})
    try:
        for path, body in (("/reset", {"task_id": MANAGER_TASK}), ("/mcp", {}),
                           ("/step", {}), ("/openapi.json", None)):  # fmt: skip
            method = "GET" if body is None else "POST"
            status, error = call(s, method, path, body)
            assert status == 401 and error["data"]["code"] == "UNAUTHORIZED", (path, error)
        auth = {"Authorization": f"Bearer {token}"}
        status, answer = call(s, "POST", "/mcp", {}, headers=auth)
        assert status == 200 and answer["error"]["code"] == -32600
        status, page = call(s, "POST", "/mcp", {}, headers={**auth, "Origin": "http://evil.test"})
        assert status == 403 and page["data"]["code"] == "ORIGIN_NOT_ALLOWED"
        with connect(f"{s.ws_url}?token={token}"):  # the server's one slot, taken
            s.wait_idle(sessions=1, headers=auth)
            status, full = call(s, "POST", "/reset", {"task_id": MANAGER_TASK}, headers=auth)
        assert status == 503 and full["data"]["code"] == "CAPACITY_REACHED", full
        assert "--max-sessions 1" in full["data"]["message"]
        s.wait_idle(sessions=0, headers=auth)
    finally:
        assert s.stop() == 0
        log = s.close_log()
    assert "Traceback" not in log, log[-5000:]
