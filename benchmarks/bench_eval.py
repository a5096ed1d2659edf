"""Evaluation throughput and the cost of what the LLM agents add.

    .venv/bin/python benchmarks/bench_eval.py [--attempts 3] [--tasks ID ...] [--calls 200]

1. ``eval --agent oracle`` over the tasks with ``--attempts K``, one worker then two: wall
   time, episodes a minute, the speed-up, and that both runs give the same outcomes.
2. The ``llm`` agent's own overhead per model call against the scripted server on loopback
   (the openai client, the HTTP round trip, the recording): ``--calls`` shell calls on a
   manager task, against the same actions played by the ``replay`` agent.
3. ``report`` on the oracle run: seconds and size.

Prints a markdown table. Run on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from swelancer_env.evaluation.evaluate import EvalConfig, evaluate
from swelancer_env.evaluation.results import read_results
from swelancer_env.tasks import list_tasks


def run_eval(out: Path, tasks: list[str], attempts: int, workers: int, agent: str = "oracle",
             options: dict | None = None) -> float:  # fmt: skip
    config = EvalConfig(
        agent=agent, agent_options=options or {}, tasks=tasks, attempts=attempts, workers=workers
    )
    started = time.perf_counter()
    evaluate(config, out, progress=False)
    return time.perf_counter() - started


def outcomes(out: Path) -> dict:
    return {r.key: (r.passed, r.earned, r.steps) for r in read_results(out / "results.jsonl")}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--attempts", type=int, default=3)
    p.add_argument("--tasks", nargs="+")
    p.add_argument("--calls", type=int, default=90)  # the step limit is 100
    args = p.parse_args()
    tasks = args.tasks or [t.id for t in list_tasks()]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = len(tasks) * args.attempts
        one = run_eval(root / "w1", tasks, args.attempts, 1)
        two = run_eval(root / "w2", tasks, args.attempts, 2)
        same = outcomes(root / "w1") == outcomes(root / "w2")
        summary = json.loads((root / "w2" / "summary.json").read_text())["overall"]
        k = args.attempts
        rows.append((f"oracle, {len(tasks)} tasks x {k} attempts, 1 worker",
                     f"{one:.0f} s ({60 * n / one:.1f} episodes/min)"))  # fmt: skip
        rows.append((f"oracle, {len(tasks)} tasks x {k} attempts, 2 workers",
                     f"{two:.0f} s ({60 * n / two:.1f} episodes/min): x{one / two:.2f}; same "
                     f"outcomes as 1 worker: {same}; pass@1 {summary['pass@1']}, pass@{k} "
                     f"{summary[f'pass@{k}']}, earned ${summary['earned']:,.0f} of "
                     f"${summary['available']:,.0f}"))  # fmt: skip

        from swelancer_env.evaluation.report import write_report

        started = time.perf_counter()
        page = write_report(root / "w2")
        rows.append((f"report of that run ({n} episodes)",
                     f"{time.perf_counter() - started:.1f} s, {page.stat().st_size / 1e6:.1f} MB"))  # fmt: skip

        from swelancer_env.llm.scripted_server import ScriptedOpenAIServer

        manager = next(t for t in list_tasks() if t.variant == "swe_manager")
        call = {"name": "shell", "arguments": {"command": "true"}}
        replies = [{"tool_calls": [call]}] * args.calls + [
            {"tool_calls": [{"name": "choose_proposal",
                             "arguments": {"proposal_id": manager.correct_proposal}}]}
        ]  # fmt: skip
        os.environ["BENCH_KEY"] = "k"
        with ScriptedOpenAIServer(replies) as server:
            llm = run_eval(root / "llm", [manager.id], 1, 1, "llm", {
                "model": "scripted", "base_url": server.base_url, "api_key_env": "BENCH_KEY",
                "max_turns": args.calls + 5})  # fmt: skip
        actions = root / "actions.jsonl"
        actions.write_text(
            "".join(json.dumps({"type": "shell", "command": "true"}) + "\n"
                    for _ in range(args.calls))
            + json.dumps({"type": "choose_proposal", "proposal_id": manager.correct_proposal})
            + "\n"
        )  # fmt: skip
        replay = run_eval(root / "replay", [manager.id], 1, 1, "replay", {"actions": str(actions)})
        [r] = read_results(root / "llm" / "results.jsonl")
        lines = (root / "llm" / r.trajectory).read_text().splitlines()[1:]  # type: ignore[operator]
        latencies = [c["latency_s"] for s in map(json.loads, lines) for c in s["model_calls"]]
        rows.append((f"llm agent, {args.calls + 1} model calls to the scripted server (loopback)",
                     f"{llm:.1f} s vs {replay:.1f} s for the same actions replayed: "
                     f"{1000 * (llm - replay) / (args.calls + 1):.1f} ms a call; the call's "
                     f"latency {1000 * statistics.median(latencies):.1f} ms median; "
                     f"earned {r.earned}"))  # fmt: skip
    print("| what | measured |\n| --- | --- |")
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
