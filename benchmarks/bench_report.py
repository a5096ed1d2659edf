"""The report at scale: a run of N episodes (synthetic, written with the real record models and
trajectory writer), its report written, then opened in Chromium.

    .venv/bin/python benchmarks/bench_report.py [--episodes 500] [--screenshot report.png]

Prints a markdown table: seconds to write the report and its trajectory pages, the main page's
size, the trajectory pages' total size, and the seconds Chromium takes to load the main page.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from swelancer_env.evaluation.records import (
    EpisodeResult,
    ModelCall,
    StepRecord,
    TokenUsage,
    TrajectoryEnd,
    TrajectoryHeader,
)
from swelancer_env.evaluation.report import write_report
from swelancer_env.evaluation.results import append_result
from swelancer_env.evaluation.summary import summarize
from swelancer_env.evaluation.trajectory import TrajectoryWriter

LONG = "test_the_settings_page_keeps_the_currency_after_a_reload_and_a_logout"


def _call(n: int) -> ModelCall:
    return ModelCall(
        model="gpt-test",
        request={"model": "gpt-test", "messages": [{"role": "user", "content": "..."}]},
        response={"choices": [{"message": {"role": "assistant", "content": f"Step {n}."}}]},
        usage=TokenUsage(prompt=1200, completion=80),
        cost=0.004,
    )


def make_run(folder: Path, episodes: int) -> None:
    """``episodes`` episodes over ``episodes // 2`` tasks (two attempts each), five steps each."""
    for i in range(episodes):
        task, attempt = f"synth-task-{i // 2:04d}-{'x' * (i % 30)}", i % 2
        passed = i % 3 == 0
        writer = TrajectoryWriter(folder, task, attempt)
        writer.header(
            TrajectoryHeader(
                task_id=task,
                attempt=attempt,
                variant="ic_swe",
                price=500.0,
                title=f"Fix {task}",
                agent="llm",
                model="gpt-test",
                observation="The job posting.\n" * 20,
                started_at="2026-12-07T10:00:00Z",
            )  # fmt: skip
        )
        for step in range(1, 6):
            writer.step(
                StepRecord(
                    step=step,
                    action={"type": "shell", "command": f"grep -rn x {step}"},
                    action_type="shell",
                    observation="a line of output\n" * 40,
                    exit_code=0,
                    model_calls=[_call(step)],
                )  # fmt: skip
            )
        writer.end(TrajectoryEnd(steps=5))
        writer.close()
        failed = [] if passed else [f"{LONG}_{i}", "test_short"]
        append_result(
            folder / "results.jsonl",
            EpisodeResult(
                task_id=task, variant="ic_swe", price=500.0, earned=500.0 if passed else 0.0,
                passed=passed, steps=5, seconds=30.0, attempt=attempt, agent="llm",
                model="gpt-test", tokens=TokenUsage(prompt=6000, completion=400), model_calls=5,
                cost=0.02, failed_tests=failed,
                failure_messages={n: "AssertionError: expected $12.50, got $12.00" for n in failed},
                trajectory=f"trajectories/{task}/{attempt}.jsonl",
            ),
        )  # fmt: skip
    results = [EpisodeResult.model_validate_json(x) for x in
               (folder / "results.jsonl").read_text().splitlines()]  # fmt: skip
    import json

    (folder / "summary.json").write_text(json.dumps(summarize(results)))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--episodes", type=int, default=500)
    p.add_argument("--screenshot", help="save a screenshot of the task table here")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    from swelancer_env.browser.discovery import launch_options

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        run = Path(tmp) / "run"
        make_run(run, args.episodes)
        started = time.perf_counter()
        report = write_report(run)
        write_s = time.perf_counter() - started
        pages = list((run / "report-trajectories").glob("*.html"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options())  # type: ignore[arg-type]
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(report.resolve().as_uri(), wait_until="load")
            load_s = time.perf_counter() - started
            if args.screenshot:
                page.locator("#tasks").scroll_into_view_if_needed()
                page.screenshot(path=args.screenshot)
            browser.close()
        print("| episodes | write s | report.html | trajectory pages | Chromium load s |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        print(f"| {args.episodes} | {write_s:.1f} | {report.stat().st_size / 1e3:,.0f} KB | "
              f"{len(pages)} ({sum(x.stat().st_size for x in pages) / 1e6:.1f} MB) | "
              f"{load_s:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
