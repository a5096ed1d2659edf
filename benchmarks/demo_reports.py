"""Three runs and their pages, to look at: the oracle, the random agent, and the ``llm`` agent
against the scripted server (a model that stumbles, then fixes one IC task and one manager task).

    .venv/bin/python benchmarks/demo_reports.py --out runs/demo [--attempts 3]

Writes ``OUT/{oracle,random,scripted-llm}/`` (each with ``report.html``) and
``OUT/compare.html``, and prints each run's overall summary line.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from swelancer_agents.oracle import edit_actions
from swelancer_env.evaluation.evaluate import EvalConfig, evaluate
from swelancer_env.evaluation.report import write_compare, write_report
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.prompt import job_heading
from swelancer_env.tasks import list_tasks, load_task

IC, MANAGER = "tally-split-avatars", "tally-mgr-blank-merchant"


def llm_scripts() -> list[dict]:
    ic, manager = load_task(IC), load_task(MANAGER)
    fix = [
        {"name": a.type, "arguments": a.model_dump(exclude={"type"}, exclude_none=True)}
        for a in edit_actions(ic)
    ]
    shell = {"name": "shell", "arguments": {"command": "git grep -n avatar -- server | head"}}
    return [
        {"match": job_heading(ic), "replies": [
            {"tool_calls": [{"name": "shell", "arguments": '{"command": "ls'}]},  # not JSON
            {"status": 429},
            {"tool_calls": [shell, {"name": "user_tool", "arguments": {}}]},
            {"status": 500},
            {"content": "The avatars are split wrongly; I will fix it.", "tool_calls": fix},
            {"tool_calls": [{"name": "user_tool", "arguments": {}}]},
            {"tool_calls": [{"name": "submit", "arguments": {}}]},
        ]},
        {"match": job_heading(manager), "replies": [
            {"refusal": "I cannot help with that."},
            {"tool_calls": [{"name": "view", "arguments": {"path": "server"}}]},
            {"tool_calls": [{"name": "choose_proposal",
                             "arguments": {"proposal_id": manager.correct_proposal}}]},
        ]},
    ]  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="runs/demo")
    p.add_argument("--attempts", type=int, default=3)
    args = p.parse_args()
    out = Path(args.out)
    tasks = [t.id for t in list_tasks()]
    runs = []
    for agent in ("oracle", "random"):
        config = EvalConfig(agent=agent, tasks=tasks, attempts=args.attempts, workers=2)
        runs.append((out / agent, evaluate(config, out / agent, progress=False)))
    prices = out / "prices.json"
    out.mkdir(parents=True, exist_ok=True)
    prices.write_text(json.dumps({"scripted-model": {"input": 2.5, "output": 10.0}}))
    os.environ["SCRIPTED_KEY"] = "demo"
    with ScriptedOpenAIServer(llm_scripts(), model="scripted-model") as server:
        config = EvalConfig(
            agent="llm", tasks=[IC, MANAGER], label="llm (scripted model)",
            agent_options={"model": "scripted-model", "base_url": server.base_url,
                           "api_key_env": "SCRIPTED_KEY", "prices": str(prices), "vision": True},
        )  # fmt: skip
        runs.append((out / "scripted-llm", evaluate(config, out / "scripted-llm", progress=False)))
    for folder, summary in runs:
        o = summary["overall"]
        print(f"{folder.name}: pass@1 {o['pass@1']}, earned ${o['earned']:,.0f} of "
              f"${o['available']:,.0f}, cost {o['cost']}, report {write_report(folder)}")  # fmt: skip
    print(write_compare([f for f, _ in runs], out / "compare.html"))


if __name__ == "__main__":
    main()
