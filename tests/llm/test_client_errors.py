"""What a failed model call is, over real HTTP from the ``openai`` client: the agent's own doing
(a context overflow, a refused prompt), the endpoint failing (5xx, a connection), or the run's
settings refused (401, 403, 404, no quota, a bad base URL)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from swelancer_env.errors import ConfigError, InfrastructureError
from swelancer_env.llm.client import (
    ModelCallError,
    ModelCallFailed,
    ModelClient,
    ModelConfigError,
    ModelContextOverflow,
    ModelRequestRefused,
)
from swelancer_env.llm.scripted_server import Reply, ScriptedOpenAIServer

MESSAGES = [{"role": "user", "content": "fix the bug"}]


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _fail(reply: dict[str, Any], retries: int = 1, **client: Any) -> tuple[ModelCallError, int]:
    """The error one call raises against ``reply`` (then a good reply), and the requests made."""
    with ScriptedOpenAIServer([reply, reply, {"content": "late"}]) as server:
        model = ModelClient("scripted-model", base_url=server.base_url, max_retries=retries,
                            **client)  # fmt: skip
        with pytest.raises(ModelCallError) as caught:
            model.complete(MESSAGES)
        return caught.value, len(server.requests)


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 400, "code": "context_length_exceeded", "message": "Too long for the model."},
        {"status": 400, "message": "This model's maximum context length is 8192 tokens."},
        {  # vLLM's own shape: no "error" object, the code a number
            "status": 400,
            "body": {
                "object": "error",
                "type": "BadRequestError",
                "param": None,
                "code": 400,
                "message": "This model's maximum context length is 4096 tokens. However, "
                "you requested 5000 tokens (4000 in the messages, 1000 in the completion).",
            },
        },  # fmt: skip
        {
            "status": 400,
            "message": "max_tokens is too large: 90000. This model supports at most "
            "16384 completion tokens.",
        },  # fmt: skip
    ],
)
def test_a_context_overflow_is_the_agents_failure(reply: dict[str, Any]) -> None:
    error, requests = _fail(reply)
    assert isinstance(error, ModelContextOverflow) and not isinstance(error, InfrastructureError)
    assert error.stop_reason == "context_overflow"
    assert requests == 1  # a 400 is not retried
    assert error.record.error == str(error) and error.record.response is None
    assert error.record.request["messages"] == MESSAGES


def test_a_prompt_refused_by_policy_is_the_agents_failure() -> None:
    error, _ = _fail({"status": 400, "code": "invalid_prompt", "message": "flagged"})
    assert isinstance(error, ModelRequestRefused) and error.stop_reason == "refusal"


@pytest.mark.parametrize(
    ("api_key_env", "says"),
    [
        ("OPENAI_API_KEY", "set OPENAI_API_KEY (or the variable given by --api-key-env)"),
        ("SCRIPTED_KEY", "set SCRIPTED_KEY (the variable given by --api-key-env)"),
    ],
)
def test_a_refused_key_is_a_config_error_naming_the_variable(api_key_env: str, says: str) -> None:
    reply = {"status": 401, "code": "invalid_api_key", "message": "Incorrect API key provided."}
    error, requests = _fail(reply, retries=3, api_key_env=api_key_env)
    assert isinstance(error, ModelConfigError) and isinstance(error, ConfigError)
    assert error.stop_reason == "config_error" and requests == 1
    assert "the model endpoint refused the key (HTTP 401 invalid_api_key" in str(error)
    assert says in str(error) and "to a valid key" in str(error)


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ({"status": 403, "message": "Project has no access"}, "denied access (HTTP 403"),
        ({"status": 404, "code": "model_not_found", "message": "The model does not exist"},
         "check --model"),
        ({"status": 429, "code": "insufficient_quota", "message": "You exceeded your quota"},
         "no quota left"),
    ],
)  # fmt: skip
def test_a_refused_model_or_account_is_a_config_error(reply: dict[str, Any], says: str) -> None:
    error, requests = _fail(reply, retries=0)
    assert isinstance(error, ModelConfigError) and says in str(error)
    assert requests == 1


def test_a_failing_endpoint_is_an_infrastructure_error_after_the_retries() -> None:
    error, requests = _fail({"status": 500, "message": "boom"}, retries=1)
    assert isinstance(error, ModelCallFailed) and isinstance(error, InfrastructureError)
    assert error.stop_reason == "model_error" and requests == 2
    assert "after 1 retries (HTTP 500)" in str(error)
    # a 400 that says nothing of the context: the request was built wrong, not the agent's
    error, requests = _fail({"status": 400, "message": "Unrecognized request argument"})
    assert isinstance(error, ModelCallFailed) and requests == 1
    assert "a 4xx is not retried" in str(error)


def test_a_dead_endpoint_is_an_infrastructure_error_naming_the_cause() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    model = ModelClient("m", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(ModelCallFailed, match="Connection refused|ConnectError"):
        model.complete(MESSAGES)


@pytest.mark.parametrize("url", ["ftp://example.com/v1", "127.0.0.1:8000/v1", "http://"])
def test_a_base_url_that_is_no_http_url_fails_at_once(url: str) -> None:
    with pytest.raises(ConfigError, match="not an http\\(s\\) URL"):
        ModelClient("m", base_url=url)


def test_a_scripted_error_takes_a_code_or_a_whole_body() -> None:
    with pytest.raises(ValueError, match="give a `status`"):
        Reply(code="context_length_exceeded")
    with pytest.raises(ValueError, match="whole error body"):
        Reply(status=400, body={"message": "x"}, message="y")
