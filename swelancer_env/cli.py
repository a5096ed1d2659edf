"""The ``swelancer-env`` command line.

swelancer-env tasks
swelancer-env run --agent oracle --task tally-split-avatars
swelancer-env eval --agent oracle --out runs/oracle
swelancer-env validate
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from swelancer_env.errors import SandboxError, SWELancerError

__all__ = ["main"]


def _table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _money(x: float) -> str:
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def _selected_tasks(ids: list[str] | None) -> list[Any]:
    from swelancer_env.tasks import list_tasks, load_task

    return [load_task(i) for i in ids] if ids else list_tasks()


def cmd_tasks(args: argparse.Namespace) -> int:
    tasks = _selected_tasks(None)
    rows = [[t.id, t.variant, _money(t.price), t.category.value, t.title] for t in tasks]
    print(_table(rows, ["id", "variant", "price", "category", "title"]))
    total = sum(t.price for t in tasks)
    print(f"\n{len(tasks)} tasks, {_money(total)} in all")
    return 0


def _describe_action(action: Any) -> str:
    from swelancer_env.actions import parse_action

    parsed, error = parse_action(action)
    if parsed is None:
        return f"(invalid) {str(action)[:80]}"
    data = parsed.model_dump(exclude={"type"}, exclude_none=True)
    brief = ", ".join(f"{k}={str(v)[:60]!r}" for k, v in data.items())
    return f"{parsed.type}({brief})"


def cmd_run(args: argparse.Namespace) -> int:
    from agents import make_agent
    from swelancer_env.env import SWELancerEnv
    from swelancer_env.runner import run_episode

    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    def on_step(
        n: int, action: Any, obs: dict[str, Any], reward: float, info: dict[str, Any]
    ) -> None:
        print(
            f"[{n:>3}] {_describe_action(action)}  -> exit {int(obs['exit_code'])}  ({info.get('timings', {}).get('step_s', 0):.2f} s)"
        )
        text = obs["output"].rstrip()
        lines = text.splitlines()
        shown = (
            lines
            if len(lines) <= args.lines
            else lines[: args.lines] + [f"... ({len(lines) - args.lines} more lines)"]
        )
        for line in shown:
            print(f"      {line}")
        if shots and "user_tool" in info:
            for i, step in enumerate(info["user_tool"].get("steps", [])):
                src = step.get("screenshot_host")
                if src and Path(src).exists():
                    shutil.copy(src, shots / f"step{n:03d}-{i:02d}.png")
        if reward:
            print(f"      reward: {_money(reward)}")
        sys.stdout.flush()

    env = SWELancerEnv(backend=args.backend, chromium=args.chromium, max_steps=args.max_steps)
    try:
        agent = make_agent(args.agent, **({"actions": args.actions} if args.actions else {}))
        result = run_episode(env, agent, args.task, on_step=on_step)
    finally:
        env.close()
    print(
        f"\n{result.task_id}: {'PASSED' if result.passed else 'not passed'}, earned "
        f"{_money(result.earned)} of {_money(result.price)} in {result.steps} steps, {result.seconds:.1f} s"
    )
    if result.infra_error:
        print(f"infrastructure error (not the agent's fault): {result.infra_error}")
        return 2
    return 0


def _print_summary(summary: dict[str, Any]) -> None:
    rows = [
        [variant, f"{v['passed']}/{v['total']}", _money(v["earned"]), _money(v["available"])]
        for variant, v in sorted(summary["variants"].items())
    ]
    rows.append(["all", f"{sum(v['passed'] for v in summary['variants'].values())}/{summary['episodes']}",
                 _money(summary["earned"]), _money(summary["available"])])  # fmt: skip
    print(_table(rows, ["variant", "passed", "earned", "available"]))


def cmd_eval(args: argparse.Namespace) -> int:
    from agents import make_agent
    from swelancer_env.env import SWELancerEnv
    from swelancer_env.runner import (
        append_result,
        read_results,
        run_episode,
        summarize,
        write_summary,
    )

    tasks = _selected_tasks(args.tasks)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.jsonl"
    done = {r.task_id: r for r in read_results(results_path)}
    if done and not args.resume:
        print(
            f"error: {results_path} already holds {len(done)} results. Pass --resume to finish "
            "that run, or choose another --out.", file=sys.stderr,
        )  # fmt: skip
        return 2
    env = SWELancerEnv(backend=args.backend, chromium=args.chromium)
    try:
        for task in tasks:
            if task.id in done:
                result = done[task.id]
            else:
                for attempt in range(1 + args.retries):
                    result = run_episode(env, make_agent(args.agent), task.id)
                    if result.infra_error is None:
                        break
                    print(
                        f"  {task.id}: infrastructure error (try {attempt + 1}): {result.infra_error[:200]}"
                    )
                append_result(results_path, result)
                done[task.id] = result
            mark = "PASS" if result.passed else ("INFRA" if result.infra_error else "fail")
            print(f"{task.id:<32} {task.variant:<12} {mark:<5} {_money(result.earned):>8} / {_money(result.price):<8} "
                  f"{result.steps:>3} steps {result.seconds:6.1f} s")  # fmt: skip
            sys.stdout.flush()
    finally:
        env.close()
    summary = summarize(done[t.id] for t in tasks if t.id in done)
    summary["agent"] = args.agent
    write_summary(out / "summary.json", summary)
    print()
    _print_summary(summary)
    print(f"\nresults: {results_path}\nsummary: {out / 'summary.json'}")
    return 2 if summary["infra_errors"] else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from swelancer_env.validation import validate_task

    tasks = _selected_tasks(args.tasks)
    rows, bad, infra = [], 0, 0
    started = time.perf_counter()
    for task in tasks:
        for check in validate_task(task, chromium=args.chromium, workers=args.workers):
            rows.append(
                [task.id, check.name, check.expected, check.got, "ok" if check.ok else "WRONG"]
            )
            bad += not check.ok
            infra += check.infra_error is not None
            status = "ok" if check.ok else ("INFRA" if check.infra_error else "WRONG")
            print(
                f"{task.id:<32} {check.name:<24} expected {check.expected:<5} got {check.got:<5} {status}"
            )
            if not check.ok and check.detail:
                print("    " + check.detail.replace("\n", "\n    ")[:1500])
            sys.stdout.flush()
    print(
        f"\n{len(tasks)} tasks, {len(rows)} checks, {bad} wrong, {time.perf_counter() - started:.0f} s"
    )
    return 2 if infra else (1 if bad else 0)


def cmd_image_build(args: argparse.Namespace) -> int:
    from swelancer_env.docker.image import build_image

    print(build_image(force=args.force))
    return 0


def cmd_janitor(args: argparse.Namespace) -> int:
    from swelancer_env.sandbox.docker import janitor
    from swelancer_env.sandbox.limits import remove_stale_groups
    from swelancer_env.tempdirs import remove_stale_temp_dirs

    folders = remove_stale_temp_dirs()
    groups = remove_stale_groups()
    print(f"removed {folders} temporary folder(s) and {groups} cgroup(s) of runs that are gone")
    try:
        removed = janitor(run_id=args.run)
    except SandboxError as e:
        print(f"containers: not checked ({e})")
    else:
        print(f"removed {removed} container(s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="swelancer-env", description="Freelance software jobs as gymnasium environments."
    )
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("tasks", help="list the bundled tasks").set_defaults(func=cmd_tasks)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--backend", default="local", choices=["local", "docker"])
        sp.add_argument("--chromium", help="Chromium executable (default: found automatically)")

    r = sub.add_parser("run", help="run one agent on one task, printing each step")
    r.add_argument("--agent", required=True)
    r.add_argument("--task", required=True)
    r.add_argument("--max-steps", type=int)
    r.add_argument("--lines", type=int, default=12, help="output lines to show per step")
    r.add_argument("--screenshots", help="folder to save each user tool screenshot in")
    r.add_argument("--actions", help="for --agent replay: a JSON-lines file of actions")
    common(r)
    r.set_defaults(func=cmd_run)

    e = sub.add_parser(
        "eval", help="evaluate an agent on tasks; writes results.jsonl and summary.json"
    )
    e.add_argument("--agent", required=True)
    e.add_argument("--tasks", nargs="+", help="task ids (default: all)")
    e.add_argument("--out", default="runs/latest")
    e.add_argument("--resume", action="store_true", help="keep the results already in --out")
    e.add_argument("--retries", type=int, default=1, help="retries after an infrastructure error")
    common(e)
    e.set_defaults(func=cmd_eval)

    v = sub.add_parser("validate", help="check that each task's ground truth holds")
    v.add_argument("--tasks", nargs="+")
    v.add_argument("--chromium")
    v.add_argument("--workers", type=int, default=2, help="gradings of a task at once (default 2)")
    v.set_defaults(func=cmd_validate)

    img = sub.add_parser("image", help="Docker sandbox image")
    img_sub = img.add_subparsers(dest="image_command", required=True)
    b = img_sub.add_parser("build", help="build the sandbox image offline")
    b.add_argument("--force", action="store_true")
    b.set_defaults(func=cmd_image_build)

    j = sub.add_parser(
        "janitor",
        help="remove what crashed runs left: temporary folders, cgroups (and their processes), "
        "containers",
    )
    j.add_argument("--run", help="only this run id")
    j.set_defaults(func=cmd_janitor)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SWELancerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
