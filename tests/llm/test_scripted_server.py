"""The scripted OpenAI-compatible server, driven by the real `openai` client over real HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from swelancer_env.errors import ConfigError
from swelancer_env.llm import scripted_server
from swelancer_env.llm.scripted_server import Reply, Script, ScriptedOpenAIServer, load_scripts

SHELL_LS = {"tool_calls": [{"name": "shell", "arguments": {"command": "ls"}}]}


def client(server: ScriptedOpenAIServer, retries: int = 0, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=server.base_url, api_key="test", max_retries=retries, timeout=timeout
    )


def ask(
    llm: openai.OpenAI, user: str = "fix the bug", system: str = "you are an agent", **kw: Any
) -> ChatCompletion:
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return llm.chat.completions.create(model="gpt-test", messages=messages, **kw)  # type: ignore[arg-type]


def http(
    server: ScriptedOpenAIServer, path: str, data: bytes | None = None
) -> tuple[int, Any, dict[str, str]]:
    """Status, JSON body and headers of a plain HTTP request."""
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=data)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def test_tool_call_is_parsed() -> None:
    with ScriptedOpenAIServer([SHELL_LS, {"content": "done"}]) as server, client(server) as llm:
        first = ask(llm)
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        assert call.id == "call_1" and call.type == "function"
        assert call.function.name == "shell"  # type: ignore[union-attr]
        assert json.loads(call.function.arguments) == {"command": "ls"}  # type: ignore[union-attr]
        assert first.choices[0].finish_reason == "tool_calls"
        assert first.model == "gpt-test" and first.object == "chat.completion"
        usage = first.usage
        assert usage is not None and usage.prompt_tokens >= 1 and usage.completion_tokens >= 1
        assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
        assert usage.completion_tokens_details.reasoning_tokens == 0  # type: ignore[union-attr]
        assert usage.prompt_tokens_details.cached_tokens == 0  # type: ignore[union-attr]
        second = ask(llm)
        assert second.choices[0].message.content == "done"
        assert second.choices[0].finish_reason == "stop"
        assert second.choices[0].message.tool_calls is None
        assert [r["entry"] for r in server.requests] == [0, 1]
        assert server.requests[0]["path"] == "/v1/chat/completions"
        assert server.requests[0]["body"]["model"] == "gpt-test"


def test_malformed_arguments_arrive_verbatim_and_usage_can_be_set() -> None:
    broken = '{"command": "ls"'
    script = [
        {
            "tool_calls": [{"name": "shell", "arguments": broken}, {"name": "submit"}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3},
        }
    ]
    with ScriptedOpenAIServer(script) as server, client(server) as llm:
        completion = ask(llm)
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    assert [c.function.arguments for c in calls] == [broken, "{}"]  # type: ignore[union-attr]
    assert [c.id for c in calls] == ["call_1", "call_2"]
    assert completion.usage is not None and completion.usage.total_tokens == 10


def test_refusal() -> None:
    with ScriptedOpenAIServer([{"refusal": "I can't help with that."}]) as server:
        with client(server) as llm:
            message = ask(llm).choices[0].message
    assert message.refusal == "I can't help with that."
    assert message.content is None


def test_429_is_retried_by_the_client_after_a_short_backoff() -> None:
    with ScriptedOpenAIServer([{"status": 429}, {"content": "after the wait"}]) as server:
        with client(server, retries=2) as llm:
            started = time.monotonic()
            assert ask(llm).choices[0].message.content == "after the wait"
            elapsed = time.monotonic() - started
        assert [r["entry"] for r in server.requests] == [0, 1]
    assert elapsed < 0.35  # retry-after-ms: 20, not the client's 0.5 s default backoff


def test_429_without_retries_raises_rate_limit_error() -> None:
    script: list[dict[str, Any]] = [{"status": 429, "message": "slow down"}, {"content": "unused"}]
    with ScriptedOpenAIServer(script) as server, client(server) as llm:
        with pytest.raises(openai.RateLimitError, match="slow down") as caught:
            ask(llm)
        assert caught.value.status_code == 429
        assert caught.value.code == "rate_limit_exceeded"
        assert len(server.requests) == 1
    with ScriptedOpenAIServer([{"status": 429}]) as server:
        status, body, headers = http(server, "/v1/chat/completions", _body())
    assert status == 429 and body["error"]["type"] == "rate_limit_error"
    assert headers["retry-after-ms"] == "20" and headers["retry-after"] == "0"


def test_500_is_retried_or_raised() -> None:
    with ScriptedOpenAIServer([{"status": 500}, {"content": "recovered"}]) as server:
        with client(server, retries=1) as llm:
            assert ask(llm).choices[0].message.content == "recovered"
        assert len(server.requests) == 2
    with ScriptedOpenAIServer([{"status": 500, "message": "boom"}]) as server:
        with client(server) as llm, pytest.raises(openai.InternalServerError, match="boom"):
            ask(llm)


def test_slow_reply_times_out_and_the_retry_gets_the_next_entry() -> None:
    script: list[dict[str, Any]] = [{"delay_s": 0.6, "content": "too late"}, {"content": "in time"}]
    started = time.monotonic()
    with ScriptedOpenAIServer(script) as server:
        with client(server, retries=1, timeout=0.2) as llm:
            assert ask(llm).choices[0].message.content == "in time"
        assert [r["entry"] for r in server.requests] == [0, 1]
    assert time.monotonic() - started < 2


def test_logprobs_when_asked() -> None:
    script = [{"content": "hello there  world"}, {"content": "plain"}]
    with ScriptedOpenAIServer(script) as server, client(server) as llm:
        choice = ask(llm, logprobs=True, top_logprobs=2).choices[0]
        assert choice.logprobs is not None and choice.logprobs.content is not None
        tokens = choice.logprobs.content
        assert "".join(t.token for t in tokens) == "hello there  world"
        assert [t.logprob for t in tokens] == [0.0, -0.1, -0.2]
        assert all(len(t.top_logprobs) == 2 for t in tokens)
        assert tokens[1].top_logprobs[0].token == tokens[1].token
        assert tokens[0].bytes == list(b"hello")
        assert ask(llm).choices[0].logprobs is None


def test_scripts_match_on_the_system_or_first_user_message() -> None:
    scripts = [
        Script(match="alpha", replies=[Reply(content="a1"), Reply(content="a2")]),
        Script(match="beta", replies=[Reply(content="b1")]),
    ]
    with ScriptedOpenAIServer(scripts) as server, client(server) as llm:
        assert ask(llm, user="task alpha").choices[0].message.content == "a1"
        assert ask(llm, system="beta agent").choices[0].message.content == "b1"
        assert ask(llm, user="task alpha").choices[0].message.content == "a2"
        with pytest.raises(openai.BadRequestError, match="no script matches"):
            ask(llm, user="gamma")


def test_a_conversation_keeps_its_cursor_as_it_grows() -> None:
    with ScriptedOpenAIServer([SHELL_LS, {"content": "done"}]) as server, client(server) as llm:
        messages: list[Any] = [{"role": "user", "content": "no system prompt here"}]
        first = llm.chat.completions.create(model="m", messages=messages)
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        messages += [
            first.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": "README.md"},
        ]
        second = llm.chat.completions.create(model="m", messages=messages)
        assert second.choices[0].message.content == "done"
        assert len({r["conversation"] for r in server.requests}) == 1


def test_conversations_have_their_own_cursors_also_from_two_threads() -> None:
    script = [{"content": f"reply {i}"} for i in range(5)]
    with ScriptedOpenAIServer(script) as server:
        with client(server) as llm:  # same messages, different seed: two conversations
            assert ask(llm, seed=1).choices[0].message.content == "reply 0"
            assert ask(llm, seed=2).choices[0].message.content == "reply 0"
            assert ask(llm, seed=1).choices[0].message.content == "reply 1"
            assert ask(llm, user="other").choices[0].message.content == "reply 0"

        seen: dict[int, list[str | None]] = {}
        barrier = threading.Barrier(2)

        def converse(seed: int) -> None:
            with client(server) as llm:
                barrier.wait()
                seen[seed] = [ask(llm, seed=seed).choices[0].message.content for _ in range(5)]

        threads = [threading.Thread(target=converse, args=(seed,)) for seed in (10, 11)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert seen == {seed: [f"reply {i}" for i in range(5)] for seed in (10, 11)}


def test_exhausted_script_is_a_clear_bad_request() -> None:
    scripts = [Script(match="fix", replies=[Reply(content="only one")])]
    with ScriptedOpenAIServer(scripts) as server, client(server, retries=2) as llm:
        ask(llm)
        with pytest.raises(openai.BadRequestError) as caught:
            ask(llm)
        assert "the script matching 'fix' has no reply left after 1 replies" in str(caught.value)
        assert caught.value.code == "script_exhausted"
        assert len(server.requests) == 2  # a 400 is not retried
        assert server.requests[-1]["entry"] is None


def test_stream_is_refused() -> None:
    with ScriptedOpenAIServer([{"content": "x"}]) as server, client(server) as llm:
        with pytest.raises(openai.BadRequestError, match="streaming is not supported"):
            ask(llm, stream=True)
        assert ask(llm).choices[0].message.content == "x"  # the refused request took no reply


def _body() -> bytes:
    return json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()


def test_models_unknown_paths_and_bad_json() -> None:
    with ScriptedOpenAIServer([{"content": "x"}], model="my-model") as server:
        with client(server) as llm:
            assert [m.id for m in llm.models.list()] == ["my-model"]
        status, body, _ = http(server, "/v1/nothing")
        assert status == 404 and "unknown path GET /v1/nothing" in body["error"]["message"]
        status, body, _ = http(server, "/v1/chat/completions", b"{not json")
        assert status == 400 and "not JSON" in body["error"]["message"]
        assert [r["entry"] for r in server.requests] == [None, None, None]


def test_load_scripts(tmp_path: Path) -> None:
    scripted = tmp_path / "scripts.json"
    scripted.write_text(
        json.dumps({"scripts": [{"match": "alpha", "replies": [SHELL_LS, {"status": 429}]}]})
    )
    (script,) = load_scripts(scripted)
    assert script.match == "alpha" and script.replies[1].status == 429
    assert script.replies[0].tool_calls[0].arguments == {"command": "ls"}  # type: ignore[index]

    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps([{"content": "hi"}, {"delay_s": 0.1, "content": "slow"}]))
    (script,) = load_scripts(bare)
    assert script.match is None and [r.content for r in script.replies] == ["hi", "slow"]
    with ScriptedOpenAIServer(load_scripts(bare)) as server, client(server) as llm:
        assert ask(llm).choices[0].message.content == "hi"

    for text in ("{", '{"replies": []}', '[{"content": "x", "colour": "red"}]', "[]", "3"):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        with pytest.raises(ConfigError, match="bad.json"):
            load_scripts(bad)


def test_invalid_replies_and_hosts_are_refused() -> None:
    with pytest.raises(ValidationError, match="takes `message`"):
        Reply(status=429, content="x")
    with pytest.raises(ValidationError, match="refusal comes without"):
        Reply(refusal="no", content="x")
    with pytest.raises(ValidationError, match="status must be"):
        Reply(status=302)
    with pytest.raises(ConfigError, match="loopback"):
        ScriptedOpenAIServer([{"content": "x"}], host="0.0.0.0")
    with pytest.raises(ConfigError, match="no scripts"):
        ScriptedOpenAIServer([])


def test_stops_cleanly_even_with_a_slow_reply_in_flight() -> None:
    threads_before = threading.active_count()
    server = ScriptedOpenAIServer([{"delay_s": 30, "content": "cut short"}]).start()
    port = server.port
    answers: list[str | None] = []

    def call() -> None:
        with client(server, timeout=10) as llm:
            answers.append(ask(llm).choices[0].message.content)

    caller = threading.Thread(target=call)
    caller.start()
    while not server.requests:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1
    caller.join(timeout=5)
    assert answers == ["cut short"]
    assert not server.is_alive()
    server.stop()  # twice is fine
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert threading.active_count() == threads_before


def test_context_manager_closes_the_port() -> None:
    with ScriptedOpenAIServer([{"content": "x"}]) as server:
        port = server.port
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(RuntimeError, match="not running"):
        server.base_url  # noqa: B018


def test_cli_serves_a_script_file(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"content": "from the cli"}]))
    process = subprocess.Popen(
        [sys.executable, "-m", "swelancer_env.llm.scripted_server", "--script", str(script)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        with openai.OpenAI(base_url=base_url, api_key="test", max_retries=0) as llm:
            reply = llm.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}]
            )
        assert reply.choices[0].message.content == "from the cli"
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0


def test_all_is_the_public_api() -> None:
    assert sorted(scripted_server.__all__) == [
        "Reply",
        "Script",
        "ScriptedOpenAIServer",
        "load_scripts",
    ]
    assert all(hasattr(scripted_server, name) for name in scripted_server.__all__)
