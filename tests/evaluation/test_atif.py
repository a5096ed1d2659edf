"""ATIF export: the mapping, checked field by field, and the exported files validated by
Harbor's own models (``harbor.models.trajectories``) in a Python >= 3.12 of their own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openai.types.chat import ChatCompletion
from PIL import Image

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.atif import ATIF_VERSION, export_run, trajectory_to_atif
from swelancer_env.evaluation.records import (
    EpisodeResult,
    ModelCall,
    RunInfo,
    StepRecord,
    TokenUsage,
    TrajectoryHeader,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
from adapter_venvs import HARBOR_VERSION, harbor_venv  # noqa: E402

SYSTEM = "You are a freelance software engineer. Act with the tools."
TOOLS = [{"type": "function", "function": {"name": n, "parameters": {}}} for n in ("shell",)]


# -- a synthetic run folder, written with the real record models ---------------------------


def _completion(call_id: str, name: str, args: dict[str, Any], text: str | None = None) -> dict:
    return ChatCompletion.model_validate(
        {
            "id": f"chatcmpl-{call_id}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "gpt-test",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": text,
                        "reasoning_content": f"I should call {name}.",
                        "tool_calls": [
                            {
                                "id": call_id,
                                "type": "function",
                                "function": {"name": name, "arguments": json.dumps(args)},
                            }
                        ],
                    },
                }
            ],
        }
    ).model_dump()


def _call(
    call_id: str,
    name: str,
    args: dict[str, Any],
    *,
    prompt: int,
    completion: int,
    cached: int = 0,
    cost: float | None = 0.001,
    text: str | None = None,
) -> ModelCall:
    return ModelCall(
        model="gpt-test",
        request={
            "model": "gpt-test",
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "…"}],
            "tools": TOOLS,
            "reasoning_effort": "low",
        },
        response=_completion(call_id, name, args, text),
        usage=TokenUsage(prompt=prompt, completion=completion, cached=cached, reasoning=5),
        latency_s=0.5,
        cost=cost,
        logprobs=[{"token": "ok", "logprob": -0.25, "top_logprobs": []}],
    )


def _write_trajectory(run: Path, header: TrajectoryHeader, steps: list[StepRecord]) -> Path:
    path = run / "trajectories" / header.task_id / f"{header.attempt}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header.model_dump_json()] + [s.model_dump_json() for s in steps]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_run(root: Path) -> Path:
    """An eval folder: an IC episode (shell, user tool with a screenshot, an invalid action, a
    passing submit) and a manager episode (choose_proposal, a model with no price)."""
    run = root / "run-a"
    run.mkdir()
    (run / "run.json").write_text(
        RunInfo(agent="llm", model="gpt-test", agent_options={"temperature": 0}).model_dump_json()
    )
    ic = TrajectoryHeader(
        task_id="tally-split-avatars",
        attempt=0,
        variant="ic_swe",
        price=500.0,
        title="Avatars missing in split view",
        agent="llm",
        model="gpt-test",
        seed=7,
        tools=["shell", "user_tool"],
        observation="Fix the avatars in the split view.",
        started_at="2025-01-01T00:00:00Z",
    )
    ic_path = _write_trajectory(run, ic, [])
    Image.new("RGB", (64, 40), (200, 30, 30)).save(ic_path.parent / "0-step002.png")
    ic_steps = [
        StepRecord(
            step=1,
            action={"type": "shell", "command": "git grep -n avatar", "timeout": None},
            action_type="shell",
            observation="src/split.js:3: avatar",
            exit_code=0,
            timings={"step_s": 0.1},
            model_calls=[
                _call(
                    "call_a1",
                    "shell",
                    {"command": "git grep -n avatar"},
                    prompt=1000,
                    completion=50,
                    cached=800,
                    cost=0.004,
                    text="Looking for the avatar code.",
                )
            ],
        ),
        StepRecord(
            step=2,
            action={"type": "user_tool", "viewport": None},
            action_type="user_tool",
            observation="step 1 ok: open split view",
            exit_code=0,
            screenshot="0-step002.png",
            model_calls=[_call("call_a2", "user_tool", {}, prompt=1200, completion=20)],
        ),
        StepRecord(
            step=3,
            action={"type": "shell"},
            action_type=None,
            observation="Invalid shell action: command: Field required.",
            exit_code=1,
            model_calls=[_call("call_a3", "shell", {}, prompt=1300, completion=10)],
        ),
        StepRecord(
            step=4,
            action="not json {",
            action_type=None,
            observation="Invalid action: not valid JSON (Expecting value at line 1 column 1).",
            exit_code=1,
        ),
        StepRecord(
            step=5,
            action={"type": "submit"},
            action_type="submit",
            observation="Submitted: 3 of 3 tests passed.",
            exit_code=0,
            reward=500.0,
            terminated=True,
            grade={"passed": True, "tests": 3, "tests_passed": 3},
            model_calls=[_call("call_a5", "submit", {}, prompt=1400, completion=5)],
        ),
    ]
    _write_trajectory(run, ic, ic_steps)
    manager = ic.model_copy(
        update={
            "task_id": "tally-manager-proposals",
            "variant": "swe_manager",
            "price": 1000.0,
            "title": "Choose the best proposal",
            "tools": [],
        }
    )
    _write_trajectory(
        run,
        manager,
        [
            StepRecord(
                step=1,
                action={"type": "choose_proposal", "proposal_id": "2"},
                action_type="choose_proposal",
                observation="You chose proposal 2.",
                exit_code=0,
                reward=1000.0,
                terminated=True,
                model_calls=[
                    _call(
                        "call_m1",
                        "choose_proposal",
                        {"proposal_id": "2"},
                        prompt=900,
                        completion=30,
                        cost=None,
                    )
                ],
            )
        ],
    )
    results = [
        EpisodeResult(
            task_id=ic.task_id,
            variant="ic_swe",
            price=500.0,
            earned=500.0,
            passed=True,
            steps=5,
            seconds=12.5,
            agent="llm",
            model="gpt-test",
        ),
        EpisodeResult(
            task_id=manager.task_id,
            variant="swe_manager",
            price=1000.0,
            earned=1000.0,
            passed=True,
            steps=1,
            seconds=3.0,
            agent="llm",
        ),
    ]
    (run / "results.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in results))
    return run


# -- the mapping, without harbor ------------------------------------------------------------


def test_ic_episode_maps_step_by_step(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    doc = trajectory_to_atif(run / "trajectories" / "tally-split-avatars" / "0.jsonl")
    assert doc["schema_version"] == ATIF_VERSION
    assert doc["session_id"] == "run-a/tally-split-avatars/0"
    assert doc["agent"]["name"] == "llm" and doc["agent"]["model_name"] == "gpt-test"
    assert doc["agent"]["tool_definitions"] == TOOLS
    assert doc["agent"]["extra"]["options"] == {"temperature": 0}
    steps = doc["steps"]
    assert [s["source"] for s in steps] == ["system", "user"] + ["agent"] * 5
    assert [s["step_id"] for s in steps] == list(range(1, 8))
    assert steps[0]["message"] == SYSTEM
    assert steps[1]["message"] == "Fix the avatars in the split view."
    assert steps[1]["timestamp"] == "2025-01-01T00:00:00Z"

    shell = steps[2]
    assert shell["message"] == "Looking for the avatar code."
    assert shell["reasoning_content"] == "I should call shell."
    assert shell["reasoning_effort"] == "low"
    assert shell["tool_calls"] == [
        {
            "tool_call_id": "call_a1",
            "function_name": "shell",
            "arguments": {"command": "git grep -n avatar"},
        }
    ]
    assert shell["observation"]["results"] == [
        {"source_call_id": "call_a1", "content": "src/split.js:3: avatar"}
    ]
    assert shell["metrics"]["prompt_tokens"] == 1000
    assert shell["metrics"]["completion_tokens"] == 50
    assert shell["metrics"]["cached_tokens"] == 800
    assert shell["metrics"]["cost_usd"] == pytest.approx(0.004)
    assert shell["metrics"]["logprobs"] == [-0.25]
    assert shell["llm_call_count"] == 1
    assert shell["extra"]["exit_code"] == 0 and shell["extra"]["timings"] == {"step_s": 0.1}

    # the screenshot: an image part pointing at the PNG, relative to the trajectory's folder
    parts = steps[3]["observation"]["results"][0]["content"]
    assert parts[0] == {"type": "text", "text": "step 1 ok: open split view"}
    assert parts[1] == {
        "type": "image",
        "source": {"media_type": "image/png", "path": "0-step002.png"},
    }

    # invalid actions still export, with the error as the observation
    bad = steps[4]
    assert bad["tool_calls"][0]["function_name"] == "shell"
    assert bad["tool_calls"][0]["extra"] == {"valid": False}
    assert bad["extra"]["action"] == {"type": "shell"} and bad["extra"]["action_type"] is None
    assert bad["observation"]["results"][0]["content"].startswith("Invalid shell action")
    junk = steps[5]
    assert "tool_calls" not in junk and junk["extra"]["action"] == "not json {"
    assert junk["llm_call_count"] == 0 and "metrics" not in junk
    assert "source_call_id" not in junk["observation"]["results"][0]

    submit = steps[6]
    assert submit["extra"]["reward"] == 500.0 and submit["extra"]["grade"]["passed"] is True
    final = doc["final_metrics"]
    assert final["total_prompt_tokens"] == 1000 + 1200 + 1300 + 1400
    assert final["total_completion_tokens"] == 50 + 20 + 10 + 5
    assert final["total_cached_tokens"] == 800
    assert final["total_cost_usd"] == pytest.approx(0.004 + 0.001 * 3)
    assert final["total_steps"] == 7
    assert final["extra"]["reward"] == 500.0
    assert final["extra"]["passed"] is True and final["extra"]["earned"] == 500.0
    assert doc["extra"]["task_id"] == "tally-split-avatars" and doc["extra"]["price"] == 500.0


def test_unknown_cost_stays_unknown_and_scripted_steps_have_no_metrics(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    doc = trajectory_to_atif(run / "trajectories" / "tally-manager-proposals" / "0.jsonl")
    step = doc["steps"][-1]
    assert step["tool_calls"][0]["function_name"] == "choose_proposal"
    assert step["tool_calls"][0]["arguments"] == {"proposal_id": "2"}
    assert "cost_usd" not in step["metrics"]
    assert step["metrics"]["extra"]["cost_unknown_for"] == ["gpt-test"]
    assert "total_cost_usd" not in doc["final_metrics"]

    header = TrajectoryHeader(
        task_id="t",
        attempt=0,
        variant="ic_swe",
        price=1.0,
        title="t",
        agent="oracle",
        observation="go",
        started_at="",
    )
    path = _write_trajectory(
        tmp_path / "scripted",
        header,
        [
            StepRecord(
                step=1,
                action='{"type": "view", "path": "src"}',  # sent as a JSON string
                action_type="view",
                observation="src/",
                exit_code=0,
            ),
            StepRecord(
                step=2,
                action={"type": "submit"},
                action_type="submit",
                observation="done",
                exit_code=0,
                reward=1.0,
                terminated=True,
            ),
        ],
    )
    doc = trajectory_to_atif(path)
    assert [s["source"] for s in doc["steps"]] == ["user", "agent", "agent"]
    assert doc["steps"][1]["tool_calls"][0]["arguments"] == {"path": "src"}
    assert doc["steps"][2]["llm_call_count"] == 0 and "metrics" not in doc["steps"][2]
    assert doc["steps"][2]["tool_calls"][0]["tool_call_id"] == "call_2"
    assert doc["final_metrics"]["total_cost_usd"] == 0
    names = [t["function"]["name"] for t in doc["agent"]["tool_definitions"]]
    assert "submit" in names and "choose_proposal" not in names


def test_export_run_writes_each_file_atomically_with_relative_images(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    paths = export_run(run)
    assert paths == [
        run / "atif" / "tally-manager-proposals" / "0.json",
        run / "atif" / "tally-split-avatars" / "0.json",
    ]
    doc = json.loads(paths[1].read_text())
    image = doc["steps"][3]["observation"]["results"][0]["content"][1]["source"]["path"]
    assert image == "../../trajectories/tally-split-avatars/0-step002.png"
    assert (paths[1].parent / image).is_file()
    assert not list((run / "atif").rglob("*.tmp"))

    elsewhere = export_run(run, tmp_path / "out")
    assert elsewhere[0] == tmp_path / "out" / "tally-manager-proposals" / "0.json"


def test_torn_last_line_is_skipped_and_said(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    path = run / "trajectories" / "tally-split-avatars" / "0.jsonl"
    with path.open("a") as f:
        f.write('{"step": 6, "action": {"type": "sh')
    doc = trajectory_to_atif(path)
    assert len(doc["steps"]) == 7
    assert "torn" in doc["notes"]


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("", "empty"),
        ('{"task_id": "x"}\n', r"0\.jsonl:1: not a trajectory header"),
        ("{bad\n{}\n", r"0\.jsonl:1: not valid JSON"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "0.jsonl"
    path.write_text(content)
    with pytest.raises(ConfigError, match=match):
        trajectory_to_atif(path)


def test_bad_step_line_and_missing_run_folder(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    path = run / "trajectories" / "tally-split-avatars" / "0.jsonl"
    lines = path.read_text().splitlines()
    lines[2] = '{"step": "two"}'
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=r"0\.jsonl:3: not a step record"):
        export_run(run)
    with pytest.raises(ConfigError, match="no trajectories/"):
        export_run(tmp_path / "nowhere")


# -- validated by Harbor's own models ---------------------------------------------------------

VALIDATE = r"""
import json, sys
from importlib.metadata import version
from harbor.models.trajectories import Trajectory
from harbor.utils.trajectory_validator import TrajectoryValidator

for name in sys.argv[1:]:
    data = json.load(open(name))
    row = {"path": name, "harbor": version("harbor")}
    try:
        t = Trajectory.model_validate(data)
        row.update(steps=len(t.steps), multimodal=t.has_multimodal_content())
        v = TrajectoryValidator()  # also checks that referenced images exist
        row["error"] = None if v.validate(name) else "; ".join(v.get_errors())
    except Exception as e:
        row["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(row))
"""


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_export_validates_with_harbors_models(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    paths = export_run(run)
    venv = harbor_venv()
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-c", VALIDATE, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {Path(r["path"]).parent.name: r for r in map(json.loads, proc.stdout.splitlines())}
    assert {k: r["error"] for k, r in rows.items()} == {
        "tally-split-avatars": None,
        "tally-manager-proposals": None,
    }
    assert rows["tally-split-avatars"]["harbor"] == HARBOR_VERSION
    assert rows["tally-split-avatars"]["steps"] == 7
    assert rows["tally-split-avatars"]["multimodal"] is True
    assert rows["tally-manager-proposals"]["steps"] == 3

    doc = json.loads(paths[1].read_text())
    call = doc["steps"][2]["tool_calls"][0]
    assert (call["function_name"], call["arguments"]["command"]) == ("shell", "git grep -n avatar")
    assert doc["final_metrics"]["total_prompt_tokens"] == 4900
    assert doc["final_metrics"]["total_cost_usd"] == pytest.approx(0.007)


# -- a real run: one agent step per model call, everything sent back included ----------------


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_a_real_run_exports_one_step_per_call_with_what_went_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from swelancer_env.cli import main
    from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
    from swelancer_env.tasks import list_tasks

    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    task = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)[0]

    def shell(arguments: object) -> dict[str, object]:
        return {"name": "shell", "arguments": arguments}

    replies = [
        {"tool_calls": [shell('{"command": "ls')]},  # arguments that are not JSON
        {"status": 429},  # retried by the client: the next call's record keeps it
        {"content": "Let me think."},  # no tool call
        {"tool_calls": [shell({"command": "echo one"}), shell({"command": "echo two"})]},
        {"tool_calls": [{"name": "choose_proposal",
                         "arguments": {"proposal_id": task.correct_proposal}}]},
    ]  # fmt: skip
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies) as server:
        code = main([
            "eval", "--agent", "llm", "--model", "scripted-model", "--base-url", server.base_url,
            "--api-key-env", "SCRIPTED_KEY", "--tasks", task.id, "--out", str(out),
            "--no-progress", "--max-retries", "1",
        ])  # fmt: skip
    assert code == 0
    [path] = export_run(out)
    doc = json.loads(path.read_text())
    agent = [s for s in doc["steps"] if s["source"] == "agent"]
    assert len(agent) == 4 and all(s["llm_call_count"] == 1 for s in agent)  # one per call

    bad, idle, two, choose = agent
    [call] = bad["tool_calls"]
    assert call["extra"] == {"valid": False} and call["arguments"] == {
        "raw_arguments": '{"command": "ls'
    }
    [sent] = bad["observation"]["results"]  # the error the agent sent back
    assert sent["source_call_id"] == call["tool_call_id"] and "not valid JSON" in sent["content"]

    assert idle["message"] == "Let me think." and "tool_calls" not in idle
    assert [r["status"] for r in idle["extra"]["retries"]] == [429]
    assert "no tool call" in idle["observation"]["results"][0]["content"]

    ids = [c["tool_call_id"] for c in two["tool_calls"]]
    assert len(set(ids)) == 2
    results = two["observation"]["results"]
    assert [(r["source_call_id"], r["content"].strip()) for r in results] == [
        (ids[0], "one"), (ids[1], "two")
    ]  # fmt: skip
    assert [s["step"] for s in two["extra"]["env_steps"]] == [1, 2]

    assert choose["extra"]["grade"]["passed"] is True
    [result] = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    final = doc["final_metrics"]
    assert final["extra"]["model_calls"] == result["model_calls"] == 4
    assert final["total_prompt_tokens"] == result["tokens"]["prompt"]
    assert final["total_completion_tokens"] == result["tokens"]["completion"]

    # and Harbor's own models and validator take it
    proc = subprocess.run(
        [str(harbor_venv() / "bin" / "python"), "-c", VALIDATE, str(path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    [row] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert row["error"] is None and row["steps"] == len(doc["steps"])
