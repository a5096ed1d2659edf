"""What the tests of `eval` against the scripted server share: a script per task (matched on the
heading its prompt shows), one `eval` of the `llm` agent, and the results read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from swelancer_env.cli import main
from swelancer_env.evaluation.records import EpisodeResult
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.prompt import job_heading
from swelancer_env.tasks import load_task


def script(task_id: str, *replies: dict[str, Any]) -> dict[str, Any]:
    """The replies the scripted server plays to ``task_id``'s conversations."""
    return {"match": job_heading(load_task(task_id)), "replies": list(replies)}


def run_eval(server: ScriptedOpenAIServer, out: Path, tasks: list[str], *extra: str) -> int:
    """``swelancer-env eval --agent llm`` on ``tasks`` against ``server``; its exit code (the key
    in ``SCRIPTED_KEY``; no retries, so that each reply is used once)."""
    return main([
        "eval", "--agent", "llm", "--model", "scripted-model", "--base-url", server.base_url,
        "--api-key-env", "SCRIPTED_KEY", "--tasks", *tasks, "--out", str(out), "--no-progress",
        "--max-retries", "0", "--retries", "0", *extra,
    ])  # fmt: skip


def results_by_task(out: Path) -> dict[str, EpisodeResult]:
    """``out/results.jsonl`` by task id, every line whole and one per episode."""
    lines = (out / "results.jsonl").read_text().splitlines()
    results = [EpisodeResult.model_validate_json(line) for line in lines]
    assert len({r.key for r in results}) == len(results)
    return {r.task_id: r for r in results}
