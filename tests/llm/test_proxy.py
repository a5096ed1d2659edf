"""``swelancer-env proxy``: a trainer's own agent, through the real ``openai`` client, gets its
calls recorded with token ids by the proxy, against an endpoint that returns them (the scripted
server with a real tokenizer)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from swelancer_env.llm.proxy import TokenProxy
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer

SHELL_TOOL = {
    "type": "function",
    "function": {
        "name": "shell",
        "description": "run a command",
        "parameters": {"type": "object", "properties": {"command": {"type": "string"}}},
    },
}
REPLIES = [
    {"content": "Let me look at the code first."},
    {"tool_calls": [{"name": "shell", "arguments": {"command": "git grep -n total"}}]},
    {"content": "Done."},
]


def _lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_a_trainers_own_agent_gets_every_call_recorded_with_token_ids(
    tokenizer_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "calls.jsonl"
    with (
        ScriptedOpenAIServer(REPLIES, tokenizer=tokenizer_file) as server,
        TokenProxy(server.base_url, log) as proxy,
    ):
        client = openai.OpenAI(base_url=proxy.base_url, api_key="k", max_retries=0)
        messages: list[dict] = [{"role": "user", "content": "The totals are wrong."}]
        for turn in range(3):  # a conversation that only grows, as an agent's
            reply = client.chat.completions.create(
                model="scripted-model", messages=messages, tools=[SHELL_TOOL]
            )
            message = reply.choices[0].message.model_dump(exclude_none=True)
            messages.append(message)
            if message.get("tool_calls"):
                call_id = message["tool_calls"][0]["id"]
                messages.append({"role": "tool", "tool_call_id": call_id, "content": "a.py:3"})
            else:
                messages.append({"role": "user", "content": f"observation {turn}"})
        assert reply.choices[0].message.content == "Done."  # answered as the endpoint did
        # the agent asked for nothing: the proxy asked the endpoint for ids and logprobs
        assert all(r["body"].get("return_token_ids") for r in server.requests)
    calls = _lines(log)
    assert len(calls) == 3 and all(c["status"] == 200 for c in calls)
    for c in calls:
        assert c["prompt_token_ids"] and c["completion_token_ids"]
        assert len(c["completion_logprobs"]) == len(c["completion_token_ids"])
        assert "return_token_ids" not in c["request"]  # the agent's request, as it sent it
    assert calls[1]["message"]["tool_calls"][0]["function"]["name"] == "shell"
    for before, after in zip(calls, calls[1:], strict=False):  # the prefix property
        head = before["prompt_token_ids"] + before["completion_token_ids"]
        assert after["prompt_token_ids"][: len(head)] == head


def test_a_stream_is_refused_and_an_upstream_error_is_passed_back_and_logged(
    tokenizer_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "calls.jsonl"
    replies = [{"status": 500, "message": "overloaded"}, {"content": "ok"}]
    with (
        ScriptedOpenAIServer(replies, tokenizer=tokenizer_file) as server,
        TokenProxy(server.base_url, log) as proxy,
    ):
        client = openai.OpenAI(base_url=proxy.base_url, api_key="k", max_retries=0)
        with pytest.raises(openai.BadRequestError, match="stream=false"):
            client.chat.completions.create(
                model="scripted-model", messages=[{"role": "user", "content": "x"}], stream=True
            )
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(
                model="scripted-model", messages=[{"role": "user", "content": "x"}]
            )
        ok = client.chat.completions.create(
            model="scripted-model", messages=[{"role": "user", "content": "x"}]
        )
        assert ok.choices[0].message.content == "ok"
    calls = _lines(log)
    assert [c["status"] for c in calls] == [500, 200]
    assert calls[0]["completion_token_ids"] is None and calls[0]["response"]
    assert calls[1]["completion_token_ids"]


def test_the_command_serves_it(tokenizer_file: Path, tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    with ScriptedOpenAIServer([{"content": "hi"}], tokenizer=tokenizer_file) as server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "swelancer_env.cli", "proxy", "--upstream", server.base_url,
             "--port", "0", "--log", str(log)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            url = first.split()[1]
            client = openai.OpenAI(base_url=url, api_key="k", max_retries=0)
            reply = client.chat.completions.create(
                model="scripted-model", messages=[{"role": "user", "content": "x"}]
            )
            assert reply.choices[0].message.content == "hi"
        finally:
            proc.terminate()
            assert proc.wait(timeout=30) == 0
    [call] = _lines(log)
    assert call["prompt_token_ids"] and call["completion_token_ids"]
    bad = subprocess.run(
        [sys.executable, "-m", "swelancer_env.cli", "proxy", "--upstream", "localhost:1", "--log",
         str(log)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "base URL" in bad.stderr
