"""Tokens in, tokens out: token ids from the endpoint, through the agents, into trajectories.

A small byte-level BPE tokenizer is trained here (offline, from the repo's README), saved as a
tokenizer.json, and given to the scripted server, which then answers vLLM's
``return_token_ids`` with real ids. A real agent episode runs through the real ``openai``
client over real HTTP, with ``context="append_only"``, and the recorded ids must decode to what
the model replied and show the prefix property: each turn's prompt starts with the previous
turn's prompt and completion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tokenizers import Tokenizer

from swelancer_env.cli import main
from swelancer_env.evaluation.records import EpisodeResult, ModelCall
from swelancer_env.evaluation.trajectory import read_trajectory, read_trajectory_end
from swelancer_env.llm import scripted_server
from swelancer_env.llm.client import ModelClient, token_ids
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer, completion_text
from swelancer_env.tasks import load_task

MANAGER_TASK = "tally-mgr-blank-merchant"


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _shell(command: str) -> dict[str, Any]:
    return {"name": "shell", "arguments": {"command": command}}


def _calls(out: Path) -> tuple[EpisodeResult, list[ModelCall]]:
    [line] = (out / "results.jsonl").read_text().splitlines()
    result = EpisodeResult.model_validate_json(line)
    assert result.trajectory is not None
    _header, steps, _torn = read_trajectory(out / result.trajectory)
    end = read_trajectory_end(out / result.trajectory)
    assert end is not None
    return result, [c for s in steps for c in s.model_calls] + end.model_calls


def _eval(server: ScriptedOpenAIServer, out: Path, *extra: str) -> int:
    return main([
        "eval", "--agent", "llm", "--model", "scripted-model", "--base-url", server.base_url,
        "--api-key-env", "SCRIPTED_KEY", "--tasks", MANAGER_TASK, "--out", str(out),
        "--no-progress", "--agent-option", "token_ids=true", *extra,
    ])  # fmt: skip


def _replied(call: ModelCall) -> str:
    """What the completion's ids must decode to: the reply as the API returned it, rendered by
    the server's documented template."""
    assert call.response is not None
    message = call.response["choices"][0]["message"]
    return completion_text(message.get("content"), message.get("tool_calls"))


def test_an_episode_records_token_ids_with_the_prefix_property(
    tmp_path: Path, api_key: None, tokenizer_file: Path
) -> None:
    task = load_task(MANAGER_TASK)
    replies: list[dict[str, Any]] = [
        {"content": "Let me look at the repository first."},  # plain text: no tool call
        {"tool_calls": [_shell("ls")]},
        {"tool_calls": [_shell("git log --oneline | head -3"), _shell("git status --short")]},
        {"content": "The proposals differ in how they treat a blank merchant."},
        {"content": "Checking the history.", "tool_calls": [_shell("git log -1 --stat")]},
        {"content": "Both look plausible; I will read more."},
        {"tool_calls": [_shell("ls -a")]},
        {"tool_calls": [{"name": "shell", "arguments": '{"command": "ls'}]},  # not JSON
        {"content": "Nearly there."},
        {"tool_calls": [_shell("echo ok")]},
        {"content": "I have decided."},
        {"tool_calls": [{"name": "choose_proposal", "arguments": {"proposal_id": task.correct_proposal}}]},
    ]  # fmt: skip
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies, tokenizer=tokenizer_file) as server:
        code = _eval(
            server, out, "--agent-option", "context=append_only", "--logprobs",
            "--context-tokens", "50000",
        )  # fmt: skip
        sent = [r["body"] for r in server.requests]
    assert code == 0
    result, calls = _calls(out)
    assert result.passed and result.stop_reason == "submitted", result
    assert len(calls) == len(replies) >= 10
    # vLLM's request field went in the body, through the openai client's extra_body
    assert all(b["return_token_ids"] is True and b["logprobs"] is True for b in sent)
    assert calls[0].request["return_token_ids"] is True

    tok = Tokenizer.from_file(str(tokenizer_file))
    tool_turns = 0
    for t, call in enumerate(calls):
        assert call.error is None
        prompt, completion = call.prompt_token_ids, call.completion_token_ids
        assert prompt and completion, f"turn {t + 1} has no ids"
        assert call.completion_logprobs is not None
        assert len(call.completion_logprobs) == len(completion)
        assert all(lp < 0 for lp in call.completion_logprobs)
        assert call.usage.prompt == len(prompt) and call.usage.completion == len(completion)
        # the ids are the whole completion: text and tool calls, decoded back exactly
        decoded = tok.decode(completion, skip_special_tokens=False)
        assert decoded == _replied(call), f"turn {t + 1}"
        message = call.response["choices"][0]["message"] if call.response else {}
        if message.get("tool_calls"):
            tool_turns += 1
            assert "<tool_call>" in decoded and '"name": ' in decoded
        # the ids are kept once, in the record's fields, not again in the response
        assert call.response is not None and "prompt_token_ids" not in call.response
        assert "token_ids" not in call.response["choices"][0]
        if t == 0:
            continue
        before = calls[t - 1]
        assert before.prompt_token_ids is not None and before.completion_token_ids is not None
        head = before.prompt_token_ids + before.completion_token_ids
        assert prompt[: len(head)] == head, f"turn {t + 1} rewrote the history"
        assert len(prompt) > len(head)  # the new observation follows
    assert tool_turns >= 6
    # the prompt the server tokenized is the conversation the agent sent, rendered
    assert tok.decode(calls[-1].prompt_token_ids or [], skip_special_tokens=False).endswith(
        "<|im_start|>assistant\n"
    )
    # the ATIF export carries them in its metrics' own fields, one call per agent step
    from swelancer_env.evaluation.atif import trajectory_to_atif

    assert result.trajectory is not None
    doc = trajectory_to_atif(out / result.trajectory)
    exported: list[tuple] = []  # (prompt ids, completion ids, logprobs) of each call, in order
    for step in doc["steps"]:
        m = step.get("metrics") or {}
        if "completion_token_ids" in m:  # a step of one call: ATIF's own fields
            exported.append((m["prompt_token_ids"], m["completion_token_ids"], m["logprobs"]))
        for c in (m.get("extra") or {}).get("calls_token_ids", []):  # a step of several
            exported.append((c["prompt_token_ids"], c["completion_token_ids"], c["logprobs"]))
    assert exported == [
        (c.prompt_token_ids, c.completion_token_ids, c.completion_logprobs) for c in calls
    ]
    assert any("completion_token_ids" in (s.get("metrics") or {}) for s in doc["steps"])


def test_append_only_stops_the_episode_when_the_budget_is_spent(
    tmp_path: Path, api_key: None, tokenizer_file: Path
) -> None:
    chatter = "I am still reading the code and thinking about it. " * 60  # ~750 tokens a reply
    replies = [{"content": chatter}, {"tool_calls": [_shell("ls")]}] * 10
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies, tokenizer=tokenizer_file) as server:
        code = _eval(
            server, out, "--agent-option", "context=append_only", "--context-tokens", "6000"
        )
    result, calls = _calls(out)
    assert code == 0, code  # the run went fine; the episode is the agent's failure
    assert result.stop_reason == "context_full", result
    assert result.outcome == "agent_error" and not result.passed
    assert 4 <= len(calls) < len(replies), len(calls)
    # nothing was trimmed: every prompt extends the one before
    for before, call in zip(calls, calls[1:], strict=False):
        head = (before.prompt_token_ids or []) + (before.completion_token_ids or [])
        assert call.prompt_token_ids is not None and call.prompt_token_ids[: len(head)] == head
    sent = calls[-1].request["messages"]
    assert not any(m.get("name") == "context_note" for m in sent)


def test_without_the_server_option_ids_are_none_and_the_agent_still_works(
    tmp_path: Path, api_key: None
) -> None:
    task = load_task(MANAGER_TASK)
    replies = [
        {"tool_calls": [_shell("ls")]},
        {"content": "thinking"},
        {"tool_calls": [{"name": "choose_proposal", "arguments": {"proposal_id": task.correct_proposal}}]},
    ]  # fmt: skip
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies) as server:  # an endpoint without the feature
        code = _eval(server, out, "--logprobs")
        sent = [r["body"] for r in server.requests]
    assert code == 0
    result, calls = _calls(out)
    assert result.passed
    assert all(b.get("return_token_ids") is True for b in sent)  # asked, and ignored
    assert len(calls) == 3
    for call in calls:
        assert call.prompt_token_ids is None and call.completion_token_ids is None
        assert call.completion_logprobs is None
        assert call.logprobs is not None  # text logprobs as before, no made-up ids


def test_a_request_without_the_field_gets_no_ids(
    tokenizer_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "k")
    replies = [{"content": "hello there"}, {"content": "hello there"}]
    with ScriptedOpenAIServer(replies, tokenizer=tokenizer_file) as server:
        plain = ModelClient("m", base_url=server.base_url, api_key_env="SCRIPTED_KEY")
        _, record = plain.complete([{"role": "user", "content": "hi"}])
        asking = ModelClient(
            "m", base_url=server.base_url, api_key_env="SCRIPTED_KEY", token_ids=True
        )
        _, with_ids = asking.complete([{"role": "user", "content": "hi"}], seed=1)
    assert record.prompt_token_ids is None and record.completion_token_ids is None
    assert record.response is not None and "prompt_token_ids" not in record.response
    assert with_ids.completion_token_ids is not None
    assert with_ids.completion_logprobs is None  # logprobs were not asked
    tok = Tokenizer.from_file(str(tokenizer_file))
    assert tok.decode(with_ids.prompt_token_ids or [], skip_special_tokens=False) == (
        "<|im_start|>user\nhi<|im_end|><|im_start|>assistant\n"
    )
    assert tok.decode(with_ids.completion_token_ids, skip_special_tokens=False) == (
        "hello there<|im_end|>"
    )


def test_both_vllm_and_sglang_shapes_are_read() -> None:
    vllm = {"prompt_token_ids": [1, 2], "choices": [{"token_ids": [3, 4]}]}
    sglang = {"choices": [{"prompt_token_ids": [1, 2], "token_ids": [3, 4]}]}
    openai_like = {"choices": [{"message": {"content": "x"}}]}
    assert token_ids(vllm) == ([1, 2], [3, 4])
    assert token_ids(sglang) == ([1, 2], [3, 4])
    assert token_ids(openai_like) == (None, None)
    assert token_ids({"choices": [{"token_ids": ["a"]}]}) == (None, None)  # not ids


def test_the_cli_takes_a_tokenizer(tmp_path: Path) -> None:
    script = tmp_path / "replies.json"
    script.write_text(json.dumps([{"content": "hi"}]))
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{}")
    assert scripted_server.main(["--script", str(script), "--tokenizer", str(bad)]) == 2


def test_trimming_breaks_the_prefix_and_the_ids_show_it(
    tmp_path: Path, api_key: None, tokenizer_file: Path
) -> None:
    """The check above can fail: the default context management rewrites history."""
    chatter = "I am still reading the code and thinking about it. " * 120  # ~1500 tokens
    replies = [{"content": chatter}, {"tool_calls": [_shell("ls")]}] * 5
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies, tokenizer=tokenizer_file) as server:
        _eval(server, out, "--context-tokens", "4000", "--max-turns", "8")
    result, calls = _calls(out)
    assert result.stop_reason == "max_turns", result
    assert len(calls) == 8
    broken = [
        t
        for t in range(1, len(calls))
        if calls[t].prompt_token_ids[  # type: ignore[index]
            : len(calls[t - 1].prompt_token_ids or [])
            + len(calls[t - 1].completion_token_ids or [])
        ]
        != (calls[t - 1].prompt_token_ids or []) + (calls[t - 1].completion_token_ids or [])
    ]
    assert broken, "trimming should have rewritten an earlier turn"
    assert any(m.get("name") == "context_note" for m in calls[-1].request["messages"])
