"""The LLM agents' internals, driven directly: ``reset``/``act`` with fake observations, over real
HTTP to the scripted server (no env, no browser). The context budget, the screenshot as an
image, several tool calls in one reply, the turn limit, the ``llm-python`` reply parsing, the
request parameters, the price table, a failing endpoint, and a model that will not act or whose
call the endpoint refuses."""

from __future__ import annotations

import base64
import io
import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from swelancer_agents.llm_common import AgentStopped, LLMAgentBase, estimate_tokens, trim_context
from swelancer_agents.llm_python import LLMPythonAgent, python_command
from swelancer_agents.llm_tools import LLMToolAgent
from swelancer_env.actions import (
    ChooseProposalAction,
    ShellAction,
    SubmitAction,
    UserToolAction,
    ViewAction,
    offered_tools,
)
from swelancer_env.errors import ConfigError, InfrastructureError
from swelancer_env.evaluation.records import TokenUsage
from swelancer_env.llm.client import ModelCallFailed, ModelConfigError, ModelContextOverflow
from swelancer_env.llm.prices import DEFAULT_PRICES, ModelPrice, PriceTable
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.tasks import load_task
from swelancer_env.tasks.model import Task

IC_TASK = "tally-split-avatars"
MANAGER_TASK = "tally-mgr-blank-merchant"
ISSUE = "The split view shows the wrong avatars. " * 10
BLANK = np.zeros((400, 640, 3), dtype=np.uint8)


# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture(scope="module")
def ic() -> Task:
    return load_task(IC_TASK)


@pytest.fixture(scope="module")
def manager() -> Task:
    task = load_task(MANAGER_TASK)
    assert [p.id for p in task.proposals] == ["1", "2", "3", "4"]
    assert task.correct_proposal == "4"
    return task


def _call(name: str, arguments: object) -> dict[str, object]:
    return {"name": name, "arguments": arguments}


def _obs(output: str = "", code: int = 0, shot: np.ndarray | None = None) -> dict[str, Any]:
    return {
        "output": output,
        "exit_code": np.array(code),
        "screenshot": BLANK.copy() if shot is None else shot,
    }


def _shot(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shot = BLANK.copy()
    shot[50:150, 100:300] = rng.integers(1, 255, size=(100, 200, 3), dtype=np.uint8)
    return shot


def _reset_info(task: Task, tools: list[str] | None = None) -> dict[str, Any]:
    return {
        "tools": offered_tools(task.variant, tools),
        "proposal_ids": [p.id for p in task.proposals],
    }


def _agent(cls: type[LLMAgentBase], server: ScriptedOpenAIServer, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    return cls(
        model="scripted-model",
        base_url=server.base_url,
        api_key_env="SCRIPTED_KEY",
        **options,
    )


def _start(
    cls: type[LLMAgentBase],
    server: ScriptedOpenAIServer,
    task: Task,
    issue: str = ISSUE,
    tools: list[str] | None = None,
    **options: Any,
) -> Any:
    agent = _agent(cls, server, **options)
    agent.reset(task, _obs(issue), _reset_info(task, tools))
    return agent


def _messages(server: ScriptedOpenAIServer, i: int) -> list[dict[str, Any]]:
    return server.requests[i]["body"]["messages"]


def _image_parts(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        part
        for m in messages
        if isinstance(m.get("content"), list)
        for part in m["content"]
        if part.get("type") == "image_url"
    ]


def _png(part: dict[str, Any]) -> Image.Image:
    url = part["image_url"]["url"]
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(url[len(prefix) :], validate=True)))
    assert image.format == "PNG"
    return image


def _assert_calls_answered(messages: list[dict[str, Any]]) -> None:
    """Every tool message answers a tool call of an assistant message before it."""
    called: set[str] = set()
    for m in messages:
        if m["role"] == "assistant":
            called |= {c["id"] for c in m.get("tool_calls") or []}
        elif m["role"] == "tool":
            assert m["tool_call_id"] in called, (m, messages)


def _decoded(action: ShellAction) -> str:
    words = shlex.split(action.command)
    assert words[:2] == ["printf", "%s"] and words[3:] == ["|", "base64", "-d", "|", "python3", "-"]
    return base64.b64decode(words[2]).decode()


# -- 1. the context budget ----------------------------------------------------------------------


def _turn(k: int, size: int = 400) -> list[dict[str, Any]]:
    """One tool turn: an assistant message with two calls, their results and a note."""
    ids = [f"c{k}a", f"c{k}b"]
    return [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": i, "type": "function", "function": {"name": "shell", "arguments": "{}"}}
                for i in ids
            ],
        },
        *({"role": "tool", "tool_call_id": i, "content": f"{k}" * size} for i in ids),
        {"role": "user", "content": f"note {k}"},
    ]


def _note_count(messages: list[dict[str, Any]]) -> int:
    notes = [m for m in messages if m.get("name") == "context_note"]
    assert len(notes) == 1 and messages[2] is notes[0]
    assert notes[0]["content"].startswith("[") and "trimmed" in notes[0]["content"]
    return int(notes[0]["content"][1:].split()[0])


def test_trim_context_drops_whole_old_turns_and_keeps_the_job() -> None:
    head = [{"role": "system", "content": "s" * 200}, {"role": "user", "content": ISSUE}]
    messages = [dict(m) for m in head]
    for k in range(6):
        messages += _turn(k)
    assert trim_context(messages, 10_000) == 0  # it fits: nothing changes
    assert len(messages) == 2 + 6 * 4

    budget = 800
    dropped = trim_context(messages, budget)
    assert dropped > 0 and dropped % 4 == 0  # whole turns (4 messages each)
    assert messages[:2] == head  # the system prompt and the issue stay
    assert _note_count(messages) == dropped
    assert messages[3]["role"] == "assistant"  # the first turn kept starts with its call
    _assert_calls_answered(messages)
    assert estimate_tokens(messages) <= budget  # the note counts too
    assert messages[-4:] == _turn(5)  # the latest turn is intact

    # a second trim adds to the note rather than adding a second one
    for k in range(6, 9):
        messages += _turn(k)
    more = trim_context(messages, budget)
    assert more > 0 and more % 4 == 0
    assert _note_count(messages) == dropped + more
    assert messages[:2] == head and messages[3]["role"] == "assistant"
    _assert_calls_answered(messages)
    assert estimate_tokens(messages) <= budget

    # the latest turn stays even when it alone is over the budget
    messages += _turn(9, size=8_000)
    trim_context(messages, budget)
    assert messages[:2] == head
    assert messages[3:] == _turn(9, size=8_000)
    assert estimate_tokens(messages) > budget
    assert _note_count(messages) > dropped + more


def test_trim_context_fits_exactly_with_its_note() -> None:
    # dropping one turn lands on the budget exactly: the note must not push it over
    messages = [{"role": "system", "content": "s" * 400}, {"role": "user", "content": "i" * 400}]
    for _ in range(4):
        messages += [
            {"role": "assistant", "content": "a" * 396},
            {"role": "user", "content": "o" * 396},
        ]
    budget = estimate_tokens(messages) - 200
    assert trim_context(messages, budget) > 0
    assert estimate_tokens(messages) <= budget


def test_the_agent_keeps_its_requests_within_the_context_budget(ic: Task) -> None:
    n = 10
    replies: list[dict[str, Any]] = [
        {"tool_calls": [_call("shell", {"command": f"cat big{k}.log"})]} for k in range(n)
    ]
    replies.append({"tool_calls": [_call("submit", {})]})
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMToolAgent, server, ic, context_tokens=2000)
        obs, info = _obs(ISSUE), {}
        actions = []
        while True:
            action = agent.act(obs, info)
            actions.append(action)
            if isinstance(action, SubmitAction):
                break
            assert isinstance(action, ShellAction)
            obs, info = _obs(f"{len(actions)}:" + "x" * 3_000), {"action": "shell"}
        requests = [r["body"]["messages"] for r in server.requests]
    assert len(actions) == n + 1 and len(requests) == n + 1
    counts = []
    for i, messages in enumerate(requests):
        assert estimate_tokens(messages) <= 2000
        assert (
            messages[0]["role"] == "system" and messages[0]["content"] == requests[0][0]["content"]
        )
        assert messages[1] == {"role": "user", "content": ISSUE}
        _assert_calls_answered(messages)
        notes = [m for m in messages if m.get("name") == "context_note"]
        counts.append(_note_count(messages) if notes else 0)
        # the latest observation always reaches the model
        if i:
            assert messages[-1]["role"] == "tool"
            assert messages[-1]["content"].startswith(f"{i}:")
    assert counts[-1] > 0 and counts == sorted(counts)  # trimmed, and the count only grows


# -- 2. the screenshot as an image (--vision) ---------------------------------------------------


def test_vision_sends_the_latest_screenshot_after_the_tool_results(ic: Task) -> None:
    first, second = _shot(1), _shot(2)
    replies = [
        {"tool_calls": [_call("user_tool", {}), _call("shell", {"command": "ls"})]},
        {"tool_calls": [_call("user_tool", {})]},
        {"tool_calls": [_call("submit", {})]},
    ]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMToolAgent, server, ic, vision=True)
        assert isinstance(agent.act(_obs(ISSUE), {}), UserToolAction)
        action = agent.act(_obs("the page", shot=first), {"action": "user_tool"})
        assert isinstance(action, ShellAction)  # the turn's second call: no model call yet
        assert len(server.requests) == 1
        assert isinstance(agent.act(_obs("app.toml"), {"action": "shell"}), UserToolAction)
        sent = _messages(server, 1)
        assert isinstance(
            agent.act(_obs("again", shot=second), {"action": "user_tool"}), SubmitAction
        )
        again = _messages(server, 2)
        calls = agent.pop_model_calls()

    assert not _image_parts(_messages(server, 0))
    # exactly one image, in a user message after both tool results of the turn
    [part] = _image_parts(sent)
    where = next(i for i, m in enumerate(sent) if isinstance(m.get("content"), list))
    assert sent[where]["role"] == "user" and where == len(sent) - 1
    tools = [i for i, m in enumerate(sent) if m["role"] == "tool"]
    assert len(tools) == 2 and max(tools) < where
    with _png(part) as png:
        assert png.size == (640, 400)
        assert np.array_equal(np.asarray(png.convert("RGB")), first)
    # after the second user tool step, the older image is text: still one image, the new one
    [part] = _image_parts(again)
    with _png(part) as png:
        assert np.array_equal(np.asarray(png.convert("RGB")), second)
    assert again[where]["role"] == "user" and isinstance(again[where]["content"], str)
    assert "earlier user tool screenshot" in again[where]["content"]
    assert again[-1]["role"] == "user" and again[-2]["role"] == "tool"
    # the recorded request holds a marker, not the base64
    assert len(calls) == 3
    recorded = calls[1].request
    assert "base64" not in json.dumps(recorded)
    [marker] = _image_parts(recorded["messages"])
    url = marker["image_url"]["url"]
    assert url.startswith("[image/png image, ") and " bytes, sha256 " in url


def test_vision_sends_no_blank_screenshot(ic: Task) -> None:
    replies = [{"tool_calls": [_call("user_tool", {})]}, {"tool_calls": [_call("submit", {})]}]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMToolAgent, server, ic, vision=True)
        assert isinstance(agent.act(_obs(ISSUE), {}), UserToolAction)
        action = agent.act(_obs("blank page", shot=BLANK.copy()), {"action": "user_tool"})
        assert isinstance(action, SubmitAction)
        sent = _messages(server, 1)
    assert not _image_parts(sent)
    assert sent[-1]["role"] == "tool" and sent[-1]["content"] == "blank page"


def test_vision_without_the_option_sends_no_image(ic: Task) -> None:
    replies = [{"tool_calls": [_call("user_tool", {})]}, {"tool_calls": [_call("submit", {})]}]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMToolAgent, server, ic)
        agent.act(_obs(ISSUE), {})
        agent.act(_obs("page", shot=_shot(3)), {"action": "user_tool"})
        assert not _image_parts(_messages(server, 1))


def test_llm_python_vision_shows_one_image_at_a_time(ic: Task) -> None:
    first, second = _shot(4), _shot(5)
    replies = [{"content": "<user-tool>"}, {"content": "<user-tool>"}, {"content": "DONE"}]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMPythonAgent, server, ic, vision=True)
        assert isinstance(agent.act(_obs(ISSUE), {}), UserToolAction)
        assert isinstance(
            agent.act(_obs("p1", shot=first), {"action": "user_tool"}), UserToolAction
        )
        assert isinstance(agent.act(_obs("p2", shot=second), {"action": "user_tool"}), SubmitAction)
        sent, again = _messages(server, 1), _messages(server, 2)
    [part] = _image_parts(sent)
    assert sent[-1]["role"] == "user" and sent[-1]["content"][0]["text"] == "User tool:\np1"
    with _png(part) as png:
        assert png.size == (640, 400)
        assert np.array_equal(np.asarray(png.convert("RGB")), first)
    [part] = _image_parts(again)
    with _png(part) as png:
        assert np.array_equal(np.asarray(png.convert("RGB")), second)
    assert again[len(sent) - 1] == {"role": "user", "content": "User tool:\np1"}


# -- 3. several tool calls in one reply ---------------------------------------------------------


def test_several_tool_calls_run_in_order_each_answered(ic: Task) -> None:
    replies = [
        {
            "tool_calls": [
                _call("shell", {"command": "ls"}),
                _call("view", {"path": "app.toml"}),
                _call("rm_rf", {"path": "/"}),  # not a tool: answered with an error, not run
                _call("shell", {"command": "pwd"}),
            ]
        },
        {"tool_calls": [_call("submit", {})]},
    ]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMToolAgent, server, ic)
        actions = [agent.act(_obs(ISSUE), {})]
        for k in (1, 2, 3):
            assert len(server.requests) == 1  # the reply's calls run before the next call
            actions.append(agent.act(_obs(f"out-{k}"), {"action": actions[-1].type}))
        sent = _messages(server, 1)
    assert actions == [
        ShellAction(command="ls"),
        ViewAction(path="app.toml"),
        ShellAction(command="pwd"),
        SubmitAction(),
    ]
    assistant = sent[2]
    ids = [c["id"] for c in assistant["tool_calls"]]
    assert assistant["role"] == "assistant" and len(ids) == 4 and len(set(ids)) == 4
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == [
        "shell",
        "view",
        "rm_rf",
        "shell",
    ]
    results = sent[3:]
    assert [m["role"] for m in results] == ["tool"] * 4
    assert [m["tool_call_id"] for m in results] == ids
    assert [m["content"] for m in results[:2]] == ["out-1", "out-2"]
    assert results[2]["content"].startswith("Error: there is no tool 'rm_rf'")
    assert results[3]["content"] == "out-3"


# -- 4. the turn limit --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [LLMToolAgent, LLMPythonAgent])
@pytest.mark.parametrize(("task_id", "ending"), [(IC_TASK, SubmitAction()), (MANAGER_TASK, None)])
def test_max_turns_ends_the_episode(
    cls: type[LLMAgentBase], task_id: str, ending: SubmitAction | None
) -> None:
    task = load_task(task_id)
    replies = [{"content": f"Thinking, turn {k}."} for k in range(5)]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(cls, server, task, max_turns=3)
        assert agent.act(_obs(ISSUE), {}) == ending
        assert len(server.requests) == 3
        assert len(agent.pop_model_calls()) == 3
        assert agent.stop_reason == "max_turns"
        agent.reset(task, _obs(ISSUE), _reset_info(task))
        assert agent.stop_reason is None


# -- 5. llm-python's replies --------------------------------------------------------------------


def test_llm_python_runs_its_blocks_as_one_program_then_the_user_tool(manager: Task) -> None:
    blocks = ["import os\nprint(sorted(os.listdir('.')))\n", 'print("second block")\n']
    reply = (
        f"Let me look.\n```python\n{blocks[0]}```\nAnd then:\n```python\n{blocks[1]}```\n"
        "<user-tool>\n"
    )
    replies = [
        {"content": reply},
        {"content": "DONE - it is either 2 or 3."},
        {"content": "DONE 4"},
    ]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMPythonAgent, server, manager)
        shell = agent.act(_obs(ISSUE), {})
        assert isinstance(shell, ShellAction)
        assert _decoded(shell) == "\n".join(blocks)
        assert agent.act(_obs("['app.toml']\nsecond block", 0), {"action": "shell"}) == (
            UserToolAction()
        )
        assert len(server.requests) == 1
        chosen = agent.act(_obs("the page"), {"action": "user_tool"})
        assert chosen == ChooseProposalAction(proposal_id="4")
        outputs, asked = _messages(server, 1), _messages(server, 2)
    assert "DONE <id>; one of: 1, 2, 3, 4" in outputs[0]["content"]
    assert outputs[-1] == {
        "role": "user",
        "content": "Output (exit code 0):\n['app.toml']\nsecond block\n\nUser tool:\nthe page",
    }
    assert asked[-1] == {
        "role": "user",
        "content": "Name one proposal after DONE, for example: DONE 1.",
    }


@pytest.mark.parametrize(
    ("reply", "proposal"),
    [("DONE 4", "4"), ("DONE: proposal 3", "3"), ("Proposal 2 is right.\nDONE", "2")],
)
def test_llm_python_done_names_a_proposal(manager: Task, reply: str, proposal: str) -> None:
    with ScriptedOpenAIServer([{"content": reply}]) as server:
        agent = _start(LLMPythonAgent, server, manager)
        assert agent.act(_obs(ISSUE), {}) == ChooseProposalAction(proposal_id=proposal)


def test_llm_python_done_submits_an_ic_task(ic: Task) -> None:
    replies = [{"content": "Nothing to do here."}, {"content": "DONE"}]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMPythonAgent, server, ic)
        assert agent.act(_obs(ISSUE), {}) == SubmitAction()
        asked = _messages(server, 1)
    assert asked[-1]["content"].startswith("Reply with a ```python block, <user-tool>")


def test_llm_python_ignores_the_user_tool_when_it_is_not_offered(ic: Task) -> None:
    replies = [{"content": "<user-tool>"}, {"content": "DONE"}]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(LLMPythonAgent, server, ic, tools=["shell", "view"])
        assert agent.act(_obs(ISSUE), {}) == SubmitAction()
        system, asked = _messages(server, 0)[0]["content"], _messages(server, 1)
    assert "<user-tool>" not in system
    assert asked[-1]["content"] == "Reply with a ```python block, or DONE when the job is done."


def test_python_command_survives_any_quoting(tmp_path: Path) -> None:
    code = (
        'text = "it\'s $HOME and `date` and \\\\n"\n'
        "print(text)\n"
        "print('''<<EOF\nstill python\nEOF''')\n"
        "print('ends with a quote\\'')\n"
    )
    proc = subprocess.run(
        ["bash", "-c", python_command(code)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "it's $HOME and `date` and \\n\n<<EOF\nstill python\nEOF\nends with a quote'\n"
    )


# -- 6. request parameters ----------------------------------------------------------------------


def test_sampling_parameters_reach_the_endpoint(ic: Task) -> None:
    replies = [
        {"content": "Let me look around.", "tool_calls": [_call("shell", {"command": "ls"})]}
    ]
    with ScriptedOpenAIServer(replies) as server:
        agent = _start(
            LLMToolAgent,
            server,
            ic,
            temperature=0.3,
            reasoning_effort="low",
            max_tokens=123,
            seed=7,
            logprobs=True,
            top_logprobs=2,
        )
        assert agent.act(_obs(ISSUE), {}) == ShellAction(command="ls")
        body = server.requests[0]["body"]
        [call] = agent.pop_model_calls()
    assert body["model"] == "scripted-model"
    assert body["temperature"] == 0.3
    assert body["reasoning_effort"] == "low"
    assert body["max_completion_tokens"] == 123 and "max_tokens" not in body
    assert body["seed"] == 7
    assert body["logprobs"] is True and body["top_logprobs"] == 2
    assert {t["function"]["name"] for t in body["tools"]} >= {"shell", "submit"}
    assert call.request["temperature"] == 0.3 and call.request["seed"] == 7
    assert call.logprobs and "".join(t["token"] for t in call.logprobs) == "Let me look around."
    assert all(len(t["top_logprobs"]) == 2 for t in call.logprobs)
    assert call.response is not None and "logprobs" not in call.response["choices"][0]


@pytest.mark.parametrize("cls", [LLMToolAgent, LLMPythonAgent])
def test_unset_parameters_are_left_out(cls: type[LLMAgentBase], ic: Task) -> None:
    with ScriptedOpenAIServer([{"content": "DONE"}]) as server:
        agent = _start(cls, server, ic, max_turns=1)
        agent.act(_obs(ISSUE), {})
        body = server.requests[0]["body"]
        [call] = agent.pop_model_calls()
    for key in (
        "temperature",
        "reasoning_effort",
        "max_completion_tokens",
        "max_tokens",
        "seed",
        "logprobs",
        "top_logprobs",
    ):
        assert key not in body, key
        assert key not in call.request, key
    assert call.logprobs is None


# -- 7. prices ----------------------------------------------------------------------------------


def test_price_files_json_and_toml(tmp_path: Path) -> None:
    as_json = tmp_path / "prices.json"
    as_json.write_text(
        json.dumps({"my-model": {"input": 0.5, "output": 1.5, "cached_input": 0.05}})
    )
    as_toml = tmp_path / "prices.toml"
    as_toml.write_text(
        '[my-model]\ninput = 0.5\noutput = 1.5\ncached_input = 0.05\n\n["other"]\ninput = 1\n'
        "output = 2\n"
    )
    from_json, from_toml = PriceTable.from_file(as_json), PriceTable.from_file(str(as_toml))
    expected = ModelPrice(input=0.5, output=1.5, cached_input=0.05)
    assert from_json.prices == {"my-model": expected}  # a file replaces the built-in table
    assert from_toml.prices == {"my-model": expected, "other": ModelPrice(input=1, output=2)}
    assert from_json.price("gpt-4o") is None
    assert from_toml.cost("other-v2", TokenUsage(prompt=1_000_000, completion=1_000_000)) == 3.0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.json", b'{"m": {"input": 1,'),
        ("broken.toml", b"[m]\ninput = = 1\n"),
        ("list.json", b'[{"input": 1, "output": 2}]'),
        ("negative.json", b'{"m": {"input": -1, "output": 2}}'),
        ("missing-output.toml", b"[m]\ninput = 1\n"),
        ("extra-field.json", b'{"m": {"input": 1, "output": 2, "cache": 1}}'),
        ("binary.json", b"\xff\xfe\x00\x81 not text"),
    ],
)
def test_a_bad_price_file_is_a_config_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        PriceTable.from_file(path)
    assert str(path) in str(caught.value)


def test_a_missing_price_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(ConfigError, match="nowhere.json"):
        PriceTable.from_file(path)


def test_prices_match_the_longest_prefix() -> None:
    table = PriceTable()
    assert table.price("gpt-4o-mini-2024-07-18") == DEFAULT_PRICES["gpt-4o-mini"]
    assert table.price("gpt-4o-2024-08-06") == DEFAULT_PRICES["gpt-4o"]
    assert table.price("openai/gpt-4o-mini") == DEFAULT_PRICES["gpt-4o-mini"]
    assert table.price("gpt-4omni") is None  # a prefix must end at a "-"
    assert table.cost("my-own-model", TokenUsage(prompt=10)) is None  # unknown, not free
    assert DEFAULT_PRICES["gpt-4o-mini"] != DEFAULT_PRICES["gpt-4o"]


def test_cached_tokens_cost_the_cached_rate() -> None:
    usage = TokenUsage(prompt=1_000_000, cached=400_000, completion=100_000)
    table = PriceTable({
        "m": ModelPrice(input=2.0, output=8.0, cached_input=0.5),
        "n": ModelPrice(input=2.0, output=8.0),  # no cached rate: cached tokens at the input rate
    })  # fmt: skip
    assert table.cost("m", usage) == pytest.approx(0.6 * 2 + 0.4 * 0.5 + 0.1 * 8)
    assert table.cost("n", usage) == pytest.approx(1.0 * 2 + 0.1 * 8)


def test_the_agent_prices_its_calls_from_the_file(tmp_path: Path, manager: Task) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text("[scripted-model]\ninput = 2.0\noutput = 8.0\ncached_input = 0.5\n")
    usage = {
        "prompt_tokens": 1000,
        "completion_tokens": 10,
        "prompt_tokens_details": {"cached_tokens": 600},
    }
    reply = {"tool_calls": [_call("choose_proposal", {"proposal_id": "4"})], "usage": usage}
    with ScriptedOpenAIServer([reply]) as server:
        agent = _start(LLMToolAgent, server, manager, prices=str(prices))
        assert agent.act(_obs(ISSUE), {}) == ChooseProposalAction(proposal_id="4")
        [call] = agent.pop_model_calls()
    assert call.usage == TokenUsage(prompt=1000, completion=10, cached=600)
    assert call.cost == pytest.approx((400 * 2.0 + 600 * 0.5 + 10 * 8.0) / 1e6)


# -- 8. a failing endpoint ----------------------------------------------------------------------


def test_a_failed_call_raises_and_is_recorded(manager: Task) -> None:
    with ScriptedOpenAIServer([{"status": 500}] * 3) as server:
        agent = _start(LLMToolAgent, server, manager, max_retries=1)
        with pytest.raises(ModelCallFailed) as caught:
            agent.act(_obs(ISSUE), {})
        assert len(server.requests) == 2  # the call and the client's one retry
    record = caught.value.record
    assert record.error and "HTTP 500" in record.error
    assert "HTTP 500" in str(caught.value)
    assert record.response is None and record.cost is None
    assert record.request["messages"][1]["content"] == ISSUE
    calls = agent.pop_model_calls()
    assert calls == [record]
    assert agent.pop_model_calls() == []


def test_no_key_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCRIPTED_KEY")
    with pytest.raises(ConfigError, match="SCRIPTED_KEY"):
        LLMToolAgent(model="m", api_key_env="SCRIPTED_KEY", base_url="http://127.0.0.1:9/v1")


def test_bad_options_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="context_tokens"):
        LLMToolAgent(model="m", api_key_env="SCRIPTED_KEY", context_tokens=10)


# -- 9. a model that will not act, or whose call the endpoint refuses ---------------------------


@pytest.mark.parametrize("cls", [LLMToolAgent, LLMPythonAgent])
@pytest.mark.parametrize(
    ("reply", "stop_reason"),
    [({"refusal": "I can't help with that."}, "refusal"), ({"content": "Hmm."}, "no_action")],
)
def test_replies_without_an_action_in_a_row_end_the_episode(
    cls: type[LLMAgentBase], reply: dict[str, Any], stop_reason: str, manager: Task
) -> None:
    with ScriptedOpenAIServer([reply] * 5) as server:
        agent = _start(cls, server, manager, max_idle_replies=3)
        with pytest.raises(AgentStopped, match="3 times in a row") as caught:
            agent.act(_obs(ISSUE), {})
        assert len(server.requests) == 3
    assert caught.value.stop_reason == stop_reason
    assert len(agent.pop_model_calls()) == 3


def test_an_action_starts_the_count_again(manager: Task) -> None:
    idle = {"content": "Let me think."}
    look = {"tool_calls": [_call("shell", {"command": "ls"})]}
    choose = {"tool_calls": [_call("choose_proposal", {"proposal_id": "4"})]}
    with ScriptedOpenAIServer([idle, idle, look, idle, idle, choose]) as server:
        agent = _start(LLMToolAgent, server, manager, max_idle_replies=3)
        assert agent.act(_obs(ISSUE), {}) == ShellAction(command="ls")
        assert agent.act(_obs("out"), {}) == ChooseProposalAction(proposal_id="4")
        assert len(server.requests) == 6


@pytest.mark.parametrize("cls", [LLMToolAgent, LLMPythonAgent])
def test_a_context_overflow_ends_the_episode_as_the_agents_failure(
    cls: type[LLMAgentBase], ic: Task
) -> None:
    overflow = {"status": 400, "code": "context_length_exceeded", "message": "Too long."}
    with ScriptedOpenAIServer([overflow]) as server:
        agent = _start(cls, server, ic, max_retries=2)
        with pytest.raises(ModelContextOverflow) as caught:
            agent.act(_obs(ISSUE), {})
        assert len(server.requests) == 1
    assert not isinstance(caught.value, InfrastructureError)
    assert agent.pop_model_calls() == [caught.value.record]


def test_a_refused_key_is_a_config_error(manager: Task) -> None:
    with ScriptedOpenAIServer([{"status": 401}]) as server:
        agent = _start(LLMToolAgent, server, manager)
        with pytest.raises(ModelConfigError, match="set SCRIPTED_KEY"):
            agent.act(_obs(ISSUE), {})
    assert len(agent.pop_model_calls()) == 1


def test_llm_python_is_told_its_own_protocol_not_the_envs(manager: Task, ic: Task) -> None:
    from swelancer_env.prompt import job_heading, task_prompt

    for task in (manager, ic):
        with ScriptedOpenAIServer([{"content": "DONE"}]) as server:
            agent = _start(LLMPythonAgent, server, task, max_turns=7)
            agent.reset(task, _obs(task_prompt(task, 100)), _reset_info(task, None))
            system, user = agent.messages[0]["content"], agent.messages[1]["content"]
        assert "```python" in system and "DONE" in system
        assert job_heading(task) in user and user.endswith("You have 7 replies; each may run code.")
        for env_only in (
            "Actions:",
            "`shell` (a persistent",
            "100 steps",
            "`choose_proposal`",
            "`submit` when",
        ):
            assert env_only not in user and env_only not in system, env_only
