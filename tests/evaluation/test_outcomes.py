"""An infrastructure error means the harness failed, and only that: each episode's outcome and
stop reason, pass@k over every graded episode, a run that stops on a config error or on infra
errors in a row, and ``--resume`` running the infra errors again.

The model is the scripted server over real HTTP; the tasks are manager tasks (graded without a
browser), one script per task (matched on its heading)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scripted_eval import results_by_task, run_eval, script

from swelancer_env.cli import main
from swelancer_env.evaluation.records import EpisodeResult
from swelancer_env.evaluation.results import drop_results, read_results
from swelancer_env.evaluation.summary import summarize
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.prompt import job_heading
from swelancer_env.tasks import list_tasks, load_task

MANAGER = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")
OVERFLOW = {
    "status": 400,
    "code": "context_length_exceeded",
    "message": "This model's maximum context length is 128000 tokens. However, your messages "
    "resulted in 131072 tokens. Please reduce the length of the messages.",
}


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _choose(task_id: str) -> dict[str, Any]:
    proposal = load_task(task_id).correct_proposal
    return {"tool_calls": [{"name": "choose_proposal", "arguments": {"proposal_id": proposal}}]}


def _requests(server: ScriptedOpenAIServer, task_id: str) -> int:
    heading = job_heading(load_task(task_id))
    return sum(
        any(heading in str(m.get("content")) for m in r["body"]["messages"][:2])
        for r in server.requests
    )


def test_a_context_overflow_is_the_agents_failure(tmp_path: Path) -> None:
    good, over = MANAGER[:2]
    out = tmp_path / "run"
    scripts = [script(good, _choose(good)), script(over, OVERFLOW)]
    with ScriptedOpenAIServer(scripts) as server:
        code = run_eval(server, out, [good, over])
        assert _requests(server, over) == 1  # a 400 is not retried
    assert code == 0  # no infra error
    results = results_by_task(out)
    assert (results[good].outcome, results[good].stop_reason) == ("passed", "submitted")
    r = results[over]
    assert (r.outcome, r.stop_reason) == ("agent_error", "context_overflow")
    assert r.infra_error is None and "maximum context length" in (r.agent_error or "")
    assert r.model_calls == 1 and not r.passed
    overall = json.loads((out / "summary.json").read_text())["overall"]
    assert overall["pass@1"] == 0.5 and overall["pass@1_strict"] == 0.5
    assert overall["earned"] == load_task(good).price
    assert overall["infra_errors"] == 0
    assert overall["outcomes"] == {
        "passed": 1, "failed": 0, "agent_error": 1, "infra_error": 0, "config_error": 0
    }  # fmt: skip
    assert overall["stop_reasons"] == {"context_overflow": 1, "submitted": 1}


def test_a_vllm_overflow_and_a_refusing_model_are_agent_errors(tmp_path: Path) -> None:
    vllm, refusing = MANAGER[:2]
    vllm_body = {
        "object": "error",
        "type": "BadRequestError",
        "message": "This model's maximum context length is 4096 tokens. However, you requested "
        "5000 tokens (4000 in the messages, 1000 in the completion).",
        "param": None,
        "code": 400,
    }
    scripts = [
        script(vllm, {"status": 400, "body": vllm_body}),
        script(refusing, *[{"refusal": "I can't help with that."}] * 2),
    ]
    out = tmp_path / "run"
    with ScriptedOpenAIServer(scripts) as server:
        code = run_eval(server, out, [vllm, refusing], "--agent-option", "max_idle_replies=2")
    assert code == 0
    results = results_by_task(out)
    assert (results[vllm].outcome, results[vllm].stop_reason) == ("agent_error", "context_overflow")
    assert (results[refusing].outcome, results[refusing].stop_reason) == ("agent_error", "refusal")
    assert "2 times in a row" in (results[refusing].agent_error or "")
    overall = json.loads((out / "summary.json").read_text())["overall"]
    assert overall["pass@1"] == 0.0 and overall["outcomes"]["agent_error"] == 2


def test_a_wrong_key_stops_the_run_after_its_first_episode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    wrong_key = {"status": 401, "code": "invalid_api_key", "message": "Incorrect API key."}
    with ScriptedOpenAIServer([wrong_key] * 3) as server:
        code = run_eval(server, out, MANAGER[:3], "--max-retries", "2")
        assert len(server.requests) == 1  # neither retried nor tried on the next task
    assert code == 2
    err = capsys.readouterr().err
    assert "refused the key (HTTP 401" in err and "set SCRIPTED_KEY" in err
    assert "--resume" in err
    [r] = results_by_task(out).values()
    assert r.task_id == MANAGER[0]
    assert (r.outcome, r.stop_reason) == ("config_error", "config_error")
    assert r.config_error and "SCRIPTED_KEY" in r.config_error
    assert r.agent_error is None and r.infra_error is None
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["outcomes"]["config_error"] == 1
    assert summary["overall"]["pass@1"] is None  # nothing graded
    # with the key fixed, --resume runs that episode again and the rest
    scripts = [script(t, _choose(t)) for t in MANAGER[:3]]
    with ScriptedOpenAIServer(scripts) as server:
        assert run_eval(server, out, MANAGER[:3], "--resume") == 0
    results = results_by_task(out)
    assert sorted(results) == MANAGER[:3]
    assert all(r.outcome == "passed" for r in results.values())


def test_infra_errors_in_a_row_stop_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    with ScriptedOpenAIServer([{"status": 503, "message": "the GPUs are on fire"}] * 9) as server:
        code = run_eval(server, out, MANAGER[:7])
        assert len(server.requests) == 5
    assert code == 2
    err = capsys.readouterr().err
    assert "5 infra errors in a row" in err and "the GPUs are on fire" in err
    results = results_by_task(out)
    assert sorted(results) == MANAGER[:5]
    assert {(r.outcome, r.stop_reason) for r in results.values()} == {
        ("infra_error", "model_error")
    }
    overall = json.loads((out / "summary.json").read_text())["overall"]
    assert overall["infra_errors"] == 5 and overall["pass@1"] is None
    assert overall["pass@1_strict"] == 0.0


def test_an_agent_error_breaks_a_run_of_infra_errors(tmp_path: Path) -> None:
    tasks = MANAGER[:4]
    failing = {"status": 500}
    scripts = [
        script(tasks[0], failing),
        script(tasks[1], OVERFLOW),  # the agent's: the streak starts again
        script(tasks[2], failing),
        script(tasks[3], failing),
    ]
    out = tmp_path / "run"
    with ScriptedOpenAIServer(scripts) as server:
        code = run_eval(server, out, tasks, "--stop-after-infra-errors", "2")
    assert code == 2
    results = results_by_task(out)
    assert [results[t].outcome for t in tasks] == [
        "infra_error", "agent_error", "infra_error", "infra_error"
    ]  # fmt: skip


def test_resume_runs_the_infra_errors_again_and_nothing_else(tmp_path: Path) -> None:
    good, flaky, over = MANAGER[:3]
    out = tmp_path / "run"
    first = [script(good, _choose(good)), script(flaky, {"status": 500}), script(over, OVERFLOW)]
    with ScriptedOpenAIServer(first) as server:
        assert run_eval(server, out, [good, flaky, over]) == 2  # an infra error: exit 2
    before = results_by_task(out)
    assert before[flaky].outcome == "infra_error"
    assert json.loads((out / "summary.json").read_text())["overall"]["pass@1"] == 0.5
    second = [script(t, _choose(t)) for t in (good, flaky, over)]
    with ScriptedOpenAIServer(second) as server:
        assert run_eval(server, out, [good, flaky, over], "--resume") == 0
        assert [_requests(server, t) for t in (good, flaky, over)] == [0, 1, 0]
    after = results_by_task(out)
    assert after[good] == before[good] and after[over] == before[over]  # kept as they were
    assert after[flaky].outcome == "passed"
    lines = (out / "results.jsonl").read_text().splitlines()
    assert len(lines) == 3
    overall = json.loads((out / "summary.json").read_text())["overall"]
    assert overall["pass@1"] == pytest.approx(2 / 3, abs=1e-6)
    assert overall["outcomes"] == {
        "passed": 2, "failed": 0, "agent_error": 1, "infra_error": 0, "config_error": 0
    }  # fmt: skip


def test_the_step_limit_is_the_agents_failure(tmp_path: Path) -> None:
    # noop on a manager task chooses no proposal until the step limit ends the episode
    out = tmp_path / "run"
    assert main(["eval", "--agent", "noop", "--tasks", MANAGER[0], "--out", str(out),
                 "--no-progress"]) == 0  # fmt: skip
    [r] = results_by_task(out).values()
    assert (r.outcome, r.stop_reason) == ("agent_error", "max_steps") and r.truncated


# -- records and the summary, without a run ----------------------------------------------------


def _r(task_id: str = "t", attempt: int = 0, **fields: Any) -> EpisodeResult:
    base = {"variant": "ic_swe", "price": 1000, "earned": 0, "passed": False, "steps": 3,
            "seconds": 1.0}  # fmt: skip
    return EpisodeResult(task_id=task_id, attempt=attempt, **{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "outcome", "stop_reason"),
    [
        ({"passed": True, "earned": 1000}, "passed", "submitted"),
        ({}, "failed", "submitted"),
        ({"truncated": True}, "agent_error", "truncated"),
        ({"agent_error": "ValueError: oops"}, "agent_error", "agent_exception"),
        ({"infra_error": "GradingError: the app did not start"}, "infra_error", "harness_error"),
        (
            {"infra_error": "ModelCallFailed: the model endpoint failed after 4 retries"},
            "infra_error",
            "model_error",
        ),
    ],
)
def test_an_old_results_line_loads_with_its_outcome_derived(
    fields: dict[str, Any], outcome: str, stop_reason: str
) -> None:
    old = _r(**fields).model_dump(mode="json", exclude={"outcome", "stop_reason", "config_error"})
    loaded = EpisodeResult.model_validate_json(json.dumps(old))
    assert (loaded.outcome, loaded.stop_reason) == (outcome, stop_reason)
    again = EpisodeResult.model_validate_json(loaded.model_dump_json())
    assert again == loaded  # and a written line keeps them


def test_pass_at_k_counts_every_episode_but_infra_and_config_errors() -> None:
    results = [
        _r("a", 0, passed=True, earned=1000, outcome="passed"),
        _r("a", 1, outcome="agent_error", stop_reason="context_overflow", agent_error="x"),
        _r("b", 0, outcome="infra_error", stop_reason="model_error", infra_error="x"),
        _r("b", 1, outcome="failed"),
        _r("c", 0, outcome="config_error", stop_reason="config_error", config_error="x"),
    ]
    overall = summarize(results)["overall"]
    assert overall["pass@1"] == pytest.approx(0.25)  # a: 1/2, b: 0/1; c has nothing graded
    assert overall["pass@1_strict"] == pytest.approx((0.5 + 0 + 0) / 3, abs=1e-6)
    assert overall["infra_errors"] == 1 and overall["episodes"] == 5
    assert overall["outcomes"] == {
        "passed": 1, "failed": 1, "agent_error": 1, "infra_error": 1, "config_error": 1
    }  # fmt: skip
    assert overall["stop_reasons"]["context_overflow"] == 1


def test_drop_results_keeps_every_other_line_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    lines = [_r("a").model_dump_json(), "{torn", _r("b").model_dump_json(),
             _r("a", 1).model_dump_json()]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    assert drop_results(path, {("a", 0)}) == 1
    assert path.read_text().splitlines() == lines[1:]
    assert [r.key for r in read_results(path)] == [("b", 0), ("a", 1)]


def test_a_config_error_with_workers_stops_and_keeps_every_result_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = MANAGER[:4]
    out = tmp_path / "run"
    with ScriptedOpenAIServer([{"status": 403, "message": "no access to this model"}]) as server:
        code = run_eval(server, out, tasks, "--workers", "2")
    assert code == 2
    assert "denied access (HTTP 403" in capsys.readouterr().err
    results = results_by_task(out)  # the episodes that were running ended and were kept, whole
    assert 1 <= len(results) <= 2
    assert all(r.outcome == "config_error" for r in results.values())
    with ScriptedOpenAIServer([script(t, _choose(t)) for t in tasks]) as server:
        assert run_eval(server, out, tasks, "--workers", "2", "--resume") == 0
    assert sorted(results_by_task(out)) == tasks
