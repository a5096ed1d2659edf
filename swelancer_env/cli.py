"""The ``swelancer-env`` command line.

swelancer-env tasks
swelancer-env run --agent oracle --task tally-split-avatars
swelancer-env eval --agent oracle --out runs/oracle --attempts 3 --workers 2
swelancer-env eval --agent llm --model gpt-4o --out runs/gpt-4o
swelancer-env eval --agent random --executor ray --workers 4 --out runs/random
swelancer-env report runs/oracle
swelancer-env validate
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

from swelancer_env.errors import ConfigError, SandboxError, SWELancerError

__all__ = ["main"]


def _table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _money(x: float | None) -> str:
    from swelancer_env.evaluation.money import money

    return money(x)


def _selected_tasks(
    ids: list[str] | None,
    split: str | None = None,
    source: str = "bundled",
    variant: str | None = None,
) -> list[Any]:
    from swelancer_env.tasks import list_tasks, load_task

    if source == "official":
        from swelancer_env.official.loader import official_tasks

        if split is not None:
            raise ConfigError("--split is for the bundled tasks; the official ones have --variant")
        tasks = official_tasks(variant)
        if ids:
            known = {t.id: t for t in tasks}
            missing = [i for i in ids if i not in known]
            if missing:
                raise SWELancerError(f"no official task {missing[0]!r} (of variant {variant})")
            tasks = [known[i] for i in ids]
        return tasks
    if split is not None and split.startswith("synth") and not ids:
        from swelancer_env.tasks.synth import synth_ids

        ids = synth_ids(split)
        if not ids:
            raise SWELancerError(
                f"no generated task in split {split!r}: make some with `swelancer-env factory make APP`"
            )
    tasks = [load_task(i) for i in ids] if ids else list_tasks()
    if split is not None:
        tasks = [t for t in tasks if t.split == split]
        if not tasks:
            raise SWELancerError(f"no task in split {split!r}")
    if variant is not None:
        tasks = [t for t in tasks if t.variant == variant]
    return tasks


def _use_expensify_repo(path: str | None) -> None:
    """``--expensify-repo``: in the environment, so that every worker process sees it."""
    if path:
        import os

        from swelancer_env.official.trees import EXPENSIFY_REPO_VAR, expensify_repo

        os.environ[EXPENSIFY_REPO_VAR] = str(Path(path).expanduser().resolve())
        expensify_repo()  # not a checkout: the error says so now


def _synth_tasks(split: str) -> int:
    """``tasks --split synth-...``: the generated tasks from their indexes (none is read)."""
    from swelancer_env.tasks.synth import synth_index

    entries = sorted((e for e in synth_index().values() if e.split == split), key=lambda e: e.id)
    if not entries:
        raise SWELancerError(
            f"no generated task in split {split!r}: make some with `swelancer-env factory make APP`"
        )
    rows = [[e.id, _money(e.price), e.category, e.kind, e.title[:70]] for e in entries]
    print(_table(rows, ["id", "price", "category", "kind", "title"]))
    print()
    groups: dict[tuple[str, str], list[float]] = {}
    for e in entries:
        groups.setdefault((e.app, e.category), []).append(e.price)
        groups.setdefault((e.app, "(all)"), []).append(e.price)
    rows = [[app, cat, str(len(p)), _money(sum(p))] for (app, cat), p in sorted(groups.items())]
    print(_table(rows, ["app", "category", "tasks", "dollars"]))
    print(f"\n{len(entries)} tasks, {_money(sum(e.price for e in entries))} in all")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    if args.split and args.split.startswith("synth") and args.source != "official":
        return _synth_tasks(args.split)
    tasks = _selected_tasks(None, args.split, args.source, args.variant)
    rows = [
        [t.id, t.variant, _money(t.price), t.category or "-",
         t.split or (t.official.set if t.official else None) or "-", t.title[:80]]
        for t in tasks
    ]  # fmt: skip
    print(_table(rows, ["id", "variant", "price", "category", "split", "title"]))
    print()
    for variant in sorted({t.variant for t in tasks}):
        mine = [t for t in tasks if t.variant == variant]
        print(f"{variant}: {len(mine)} tasks, {_money(sum(t.price for t in mine))}")
    total = sum(t.price for t in tasks)
    print(f"{len(tasks)} tasks, {_money(total)} in all")
    if args.source == "official":
        from swelancer_env.official.loader import fetched_set

        loaded = fetched_set()
        print(f"from {loaded.path} ({loaded.format} format)")
        for skipped in loaded.skipped:
            print(f"skipped {skipped.question_id}: {skipped.why}")
    return 0


def cmd_official_fetch(args: argparse.Namespace) -> int:
    from swelancer_env.official.fetch import fetch

    path, meta = fetch(args.source, force=args.force)
    rows = ", ".join(f"{n} {v}" for v, n in meta["rows"].items())
    print(f"{path}\n  from {meta['from']}\n  {rows}; sha256 {meta['sha256']}")
    for attempt in meta.get("tried", []):
        print(f"  (first tried {attempt[:200]})")
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
    from swelancer_agents import make_agent
    from swelancer_env.env import SWELancerEnv
    from swelancer_env.runner import run_episode

    _use_expensify_repo(args.expensify_repo)
    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    # the human agent shows each observation itself, whole: here only the action as parsed
    echo = args.agent != "human"

    def on_step(
        n: int, action: Any, obs: dict[str, Any], reward: float, info: dict[str, Any]
    ) -> None:
        _print_step(n, action, obs, echo)
        if shots and "user_tool" in info:
            for i, step in enumerate(info["user_tool"].get("steps", [])):
                src = step.get("screenshot_host")
                if src and Path(src).exists():
                    shutil.copy(src, shots / f"step{n:03d}-{i:02d}.png")
        if reward:
            print(f"      reward: {_money(reward)}")
        sys.stdout.flush()

    def _print_step(n: int, action: Any, obs: dict[str, Any], output: bool) -> None:
        print(
            f"[{n:>3}] {_describe_action(action)}  -> exit {int(obs['exit_code'])}  ({env.timings.get('step_s', 0):.2f} s)"
        )
        if not output:
            return
        text = obs["output"].rstrip()
        lines = text.splitlines()
        shown = (
            lines
            if len(lines) <= args.lines
            else lines[: args.lines] + [f"... ({len(lines) - args.lines} more lines)"]
        )
        for line in shown:
            print(f"      {line}")

    options = _agent_options(args)
    if args.actions:
        options["actions"] = args.actions
    if args.agent == "human" and shots:
        options["screenshots"] = str(shots)
    agent = make_agent(args.agent, **options)
    env = SWELancerEnv(
        backend=args.backend, chromium=args.chromium, max_steps=args.max_steps, tools=args.tools,
        sandbox_options=_backend_options(args),
    )  # fmt: skip
    try:
        result = run_episode(env, agent, args.task, on_step=on_step, seed=args.seed)
    finally:
        env.close()
    print(
        f"\n{result.task_id}: {'PASSED' if result.passed else 'not passed'}, earned "
        f"{_money(result.earned)} of {_money(result.price)} in {result.steps} steps, {result.seconds:.1f} s"
    )
    if result.tokens.total:
        cost = "unknown" if result.cost is None else f"${result.cost:,.4f}"
        print(f"model calls: {result.model_calls}, tokens: {result.tokens.total:,}, cost: {cost}")
    if result.agent_error:
        print(f"the agent failed: {result.agent_error}")
        return 1
    if result.infra_error:
        print(f"infrastructure error (not the agent's fault): {result.infra_error}")
        return 2
    return 0


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _shown_ks(attempts: int) -> list[int]:
    """The k of pass@k the summary table shows: every one up to 5 attempts, else a few."""
    if attempts <= 5:
        return list(range(1, attempts + 1))
    return sorted({1, 2, 3, 5, 10, 20, 50, 100, attempts} & set(range(1, attempts + 1)))


def _ci(g: dict[str, Any], key: str, money: bool = False) -> str:
    """``key``'s 95% interval in ``g`` as ``[low-high]``; ``-`` when there is none."""
    ci = (g.get("intervals") or {}).get(key)
    if not ci:
        return "-"
    if money:
        return f"[{_money(ci['low'])}-{_money(ci['high'])}]"
    return f"[{100 * ci['low']:.0f}-{100 * ci['high']:.0f}%]"


def _print_summary(summary: dict[str, Any]) -> None:
    ks = _shown_ks(summary["overall"]["attempts"])
    groups = [*sorted(summary["variants"].items()), ("all", summary["overall"])]
    header = ["variant", "tasks", "pass@1", "95% CI", "strict"] + [f"pass@{k}" for k in ks[1:]]
    header += ["earned", "95% CI", "available", "tokens", "cost", "net", "agent err", "infra",
               "config"]  # fmt: skip
    rows = []
    for name, g in groups:
        cost = "unknown" if g["cost"] is None else f"${g['cost']:,.4f}"
        net = "unknown" if g["net"] is None else _money(g["net"])
        outcomes = g.get("outcomes") or {}
        rows.append(
            [name, g["tasks"], _pct(g.get("pass@1")), _ci(g, "pass@1"),
             _pct(g.get("pass@1_strict"))]
            + [_pct(g.get(f"pass@{k}")) for k in ks[1:]]
            + [_money(g["earned"]), _ci(g, "earned", money=True), _money(g["available"]),
               f"{g['tokens']['total']:,}", cost, net, outcomes.get("agent_error", 0),
               g["infra_errors"], outcomes.get("config_error", 0)]
        )  # fmt: skip
    print(_table(rows, header))
    print("(strict: pass@1 with infra and config errors counted as failures; the other figures "
          "leave them out, and count agent errors as failures; 95% CI: a bootstrap over the "
          "tasks)")  # fmt: skip
    reasons = summary["overall"].get("stop_reasons") or {}
    if reasons:
        print("ended by: " + ", ".join(f"{why} {n}" for why, n in reasons.items()))
    if len(ks) > 1:
        print("(earned, tokens, cost and net: one attempt per task, on average over the attempts)")


def _key_values(items: list[str] | None, flag: str) -> dict[str, Any]:
    """``KEY=VALUE`` items (VALUE parsed as JSON when it can be)."""
    import json as _json

    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SWELancerError(f"{flag} {item!r}: write KEY=VALUE")
        try:
            out[key.replace("-", "_")] = _json.loads(value)
        except ValueError:
            out[key.replace("-", "_")] = value
    return out


def _backend_options(args: argparse.Namespace) -> dict[str, Any]:
    """``--backend-option`` settings, checked against the backend's config now."""
    from swelancer_env.backends import backend_config

    options = _key_values(getattr(args, "backend_option", None), "--backend-option")
    backend_config(args.backend, options)  # a bad setting fails here, with the settings listed
    return options


def _agent_options(args: argparse.Namespace) -> dict[str, Any]:
    """The agent's constructor keywords from the command line."""
    options: dict[str, Any] = {}
    llm = {name: getattr(args, name, None) for name in _LLM_FLAGS}
    given = {k: v for k, v in llm.items() if v is not None and v is not False}  # 0 is a value
    if args.agent in ("llm", "llm-python"):
        options.update(given)
    elif given:
        flags = ", ".join(_FLAG_OF.get(k, "--" + k.replace("_", "-")) for k in given)
        raise SWELancerError(f"{flags}: only the llm and llm-python agents take these")
    options.update(_key_values(getattr(args, "agent_option", None), "--agent-option"))
    return options


def cmd_eval(args: argparse.Namespace) -> int:
    from swelancer_agents import make_agent
    from swelancer_env.evaluation.evaluate import EvalConfig, RunStopped, evaluate

    options = _agent_options(args)
    if args.stop_after_infra_errors < 0:
        raise ConfigError("--stop-after-infra-errors must be 0 (never stop) or more")
    if args.address and args.executor != "ray":
        raise ConfigError("--address is the Ray cluster's: pass it with --executor ray")
    if args.server and (
        args.backend != "local"
        or args.chromium
        or args.tools
        or args.backend_option
        or args.max_steps
        or args.time_limit
        or args.wall_time_limit
    ):
        raise ConfigError(
            "with --server the server's settings apply: give --backend, --chromium, --tools "
            "and the env's limits (--wall-time-limit) to `swelancer-env serve`"
        )
    for flag, value in (
        ("--max-steps", args.max_steps),
        ("--time-limit", args.time_limit),
        ("--wall-time-limit", args.wall_time_limit),
    ):
        if value is not None and not value > 0:
            raise ConfigError(f"{flag} {value}: give a number above 0, or leave it out")
    make_agent(args.agent, **options)  # bad options fail now, before anything runs
    _use_expensify_repo(args.expensify_repo)
    config = EvalConfig(
        agent=args.agent, agent_options=options,
        tasks=[t.id for t in _selected_tasks(args.tasks, args.split, args.source, args.variant)],
        attempts=args.attempts, source=args.source,
        workers=args.workers, seed=args.seed, backend=args.backend, chromium=args.chromium,
        tools=args.tools, retries=args.retries, label=args.label or "",
        max_steps=args.max_steps, time_limit=args.time_limit,
        wall_time_limit=args.wall_time_limit,
        stop_after_infra_errors=args.stop_after_infra_errors,
        executor=args.executor, ray_address=args.address, server=args.server,
        backend_options=_backend_options(args),
    )  # fmt: skip
    out = Path(args.out)

    def line(r: Any) -> None:
        from tqdm import tqdm

        mark = _MARKS.get(r.outcome, r.outcome)
        tqdm.write(
            f"{r.task_id:<32} #{r.attempt:<2} {r.variant:<12} {mark:<6} {_money(r.earned):>8} / "
            f"{_money(r.price):<8} {r.steps:>3} steps {r.seconds:6.1f} s  {r.stop_reason}"
            + (f"  {r.infra_error[:160]}" if r.infra_error else "")
            + (f"  {r.config_error[:160]}" if r.config_error else "")
            + (f"  agent error: {r.agent_error[:160]}" if r.agent_error else "")
        )

    try:
        summary = evaluate(config, out, resume=args.resume, progress=args.progress,
                           on_result=line)  # fmt: skip
    except RunStopped as stopped:
        if stopped.summary is not None:
            print()
            _print_summary(stopped.summary)
        print(f"\nerror: {stopped}", file=sys.stderr)
        return 2
    print()
    _print_summary(summary)
    print(f"\nresults: {out / 'results.jsonl'}\nsummary: {out / 'summary.json'}\n"
          f"report:  swelancer-env report {out}")  # fmt: skip
    apart = summary["overall"]["infra_errors"] + summary["overall"]["outcomes"]["config_error"]
    return 2 if apart else 0


#: how ``eval`` marks an episode's outcome on its line
_MARKS = {"passed": "PASS", "failed": "fail", "agent_error": "AGENT",
          "infra_error": "INFRA", "config_error": "CONFIG"}  # fmt: skip


def cmd_report(args: argparse.Namespace) -> int:
    from swelancer_env.evaluation.report import write_report

    if args.watch:
        from swelancer_env.evaluation.live import LiveReport

        if args.out:
            raise ConfigError("--watch serves DIR/report.html: leave --out out")
        live = LiveReport(Path(args.dir), port=args.port).start()
        print(f"serving {live.url} (written anew as episodes end; Ctrl-C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            live.stop()
        return 0
    path = write_report(Path(args.dir), Path(args.out) if args.out else None)
    print(path)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from swelancer_env.evaluation.report import compare_runs

    path, differences = compare_runs([Path(d) for d in args.dirs], Path(args.out))
    rows = []
    for d in differences:
        p, e = d["pass@1"], d["earned"]
        if not p["tasks"]:
            rows.append([d["b"], d["a"], 0, "-", "-", "-", "-", "-", "no shared task"])
            continue
        verdict = "within the noise" if p["within_noise"] else (
            "better" if p["difference"] > 0 else "worse")  # fmt: skip
        rows.append([
            d["b"], d["a"], p["tasks"], f"{100 * p['difference']:+.1f} pts",
            f"[{100 * p['low']:+.1f}, {100 * p['high']:+.1f}]", f"{p['p_value']:.3f}",
            _money(e["difference"] * e["tasks"]), f"{e['p_value']:.3f}", verdict,
        ])  # fmt: skip
    if rows:
        header = ["run", "against", "tasks", "pass@1 diff", "95% CI", "p", "earned diff", "p",
                  "verdict"]  # fmt: skip
        print(_table(rows, header))
        print("(paired over the tasks both runs graded; 95% CI: a bootstrap over those tasks; "
              "p: a two-sided sign-flip test)")  # fmt: skip
    print(path)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "harbor":
        if args.dir:
            raise ConfigError(
                "--format harbor exports tasks, not a run: drop the folder and choose tasks "
                "with --tasks or --split (and the destination with --out)"
            )
        from swelancer_env.adapters.harbor_tasks import export_harbor

        tasks = _selected_tasks(args.tasks, args.split)
        if not tasks:
            raise ConfigError("no task chosen: name some with --tasks or --split")
        out = Path(args.out or "harbor-tasks")
        written = export_harbor(tasks, out)
        print(f"wrote {len(written)} Harbor task folders under {out} "
              f"(run one: harbor run --path {written[0]} --agent oracle)")  # fmt: skip
        return 0
    if args.tasks or args.split:
        raise ConfigError("--tasks and --split choose tasks for --format harbor")
    if not args.dir:
        raise ConfigError("--format atif exports a run: name its folder (an eval's --out)")
    from swelancer_env.evaluation.atif import export_run

    paths = export_run(Path(args.dir), Path(args.out) if args.out else None)
    print(
        f"wrote {len(paths)} ATIF trajectories"
        + (f" under {paths[0].parent.parent}" if paths else "")
    )
    return 0


def cmd_regression(args: argparse.Namespace) -> int:
    from swelancer_env.backends.local.grader import LocalGrader
    from swelancer_env.grading.regression import suite_task

    if args.record:
        from swelancer_env.grading.coverage import Coverage, record

        started = time.perf_counter()
        path = record(args.app, chromium=args.chromium)
        coverage = Coverage.load(path.parent)
        n = len(coverage.tests) if coverage else 0
        print(f"{args.app}: recorded the lines each of {n} regression tests runs in "
              f"{time.perf_counter() - started:.1f} s: {path}")  # fmt: skip
        return 0
    task = suite_task(args.app)
    grader = LocalGrader(chromium=args.chromium, partial_credit=True)
    try:
        started = time.perf_counter()
        result = grader.grade(task, "")
    finally:
        grader.close()
    for t in result.tests:
        first = t.message.strip().splitlines()[0][:200] if t.message.strip() else ""
        print(f"{t.outcome:<8} {t.seconds:6.2f} s  {t.name}" + (f": {first}" if first else ""))
    ok = sum(t.outcome == "passed" for t in result.tests)
    print(f"\n{args.app}: {ok} of {len(result.tests)} regression tests passed on the clean tree "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    if result.infra_error or result.reason and not result.tests:
        print(result.infra_error or result.reason)
    return 0 if result.passed else 1


#: the kinds of fix ``validate`` counts (the start of a check's name)
_FIX_KINDS = ("wrong fix", "gold without", "right fix")


def _proven_text(kinds: dict[str, list[int]]) -> str:
    parts = []
    for kind, label in (
        ("wrong fix", "hand-written wrong fixes proven to fail"),
        ("gold without", "gold-minus-a-hunk fixes proven to fail"),
        ("right fix", "right fixes proven to pass"),
    ):
        if kind in kinds:
            parts.append(f"{label}: {kinds[kind][0]} of {kinds[kind][1]}")
    return "; ".join(parts)


def cmd_validate(args: argparse.Namespace) -> int:
    from swelancer_env.tasks.lint import lint_task
    from swelancer_env.validation import validate_task

    if args.repeat < 1:
        raise ConfigError("--repeat must be 1 or more")
    ids = args.tasks
    if args.split and not ids and args.split.startswith("synth"):
        from swelancer_env.tasks.synth import synth_ids

        ids = synth_ids(args.split)
    if args.sample is None:
        tasks = _selected_tasks(ids, args.split)
    else:
        import random

        if args.sample < 1:
            raise ConfigError("--sample must be 1 or more")
        rng = random.Random(args.seed)
        if ids is None:  # the curated tasks: loaded once, then sampled
            tasks = _selected_tasks(None, args.split)
            tasks = sorted(rng.sample(tasks, min(args.sample, len(tasks))), key=lambda t: t.id)
        else:  # sampled by id before any is laid out (a synth split of thousands)
            tasks = _selected_tasks(sorted(rng.sample(ids, min(args.sample, len(ids)))), args.split)
    problems = [p for task in tasks for p in lint_task(task)]
    for p in problems:
        print(f"lint: {p}")
    print(f"lint: {len(tasks)} tasks, {len(problems)} problem(s)\n")
    if args.lint:
        return 1 if problems else 0
    runs = checks = bad = infra = 0
    started = time.perf_counter()
    flakes: dict[str, tuple[int, int]] = {}
    #: per task and kind of fix ("wrong fix", "gold without", "right fix"): (proven, of all)
    proven: dict[str, dict[str, list[int]]] = {}
    for task in tasks:
        seen: dict[str, set[str]] = {}
        wrong = total = 0
        kinds: dict[str, list[int]] = {}
        for n in range(args.repeat):
            for check in validate_task(
                task, chromium=args.chromium, workers=args.workers, verbose=args.verbose
            ):
                total += 1
                wrong += not check.ok
                # a wrong fix or a partial gold expected to fail (not a declared hunk), or a
                # right fix expected to pass
                kind = next((k for k in _FIX_KINDS if check.name.startswith(k + " ")), None)
                if kind and n == 0 and (kind == "right fix" or check.expected == "fail"):
                    counts = kinds.setdefault(kind, [0, 0])
                    counts[0] += check.ok
                    counts[1] += 1
                infra += check.infra_error is not None
                seen.setdefault(check.name, set()).add(check.got)
                status = "ok" if check.ok else ("INFRA" if check.infra_error else "WRONG")
                run = f" run {n + 1}" if args.repeat > 1 else ""
                print(f"{task.id:<32} {check.name:<28} expected {check.expected:<5} "
                      f"got {check.got:<5} {status}{run}")  # fmt: skip
                if check.detail and (not check.ok or args.verbose):
                    print("    " + check.detail.replace("\n", "\n    ")[:1500])
                for name, outcome, message in check.tests if args.verbose or not check.ok else ():
                    line = message.strip().splitlines()[0][:200] if message.strip() else ""
                    print(f"    {outcome:<8} {name}" + (f": {line}" if line else ""))
                sys.stdout.flush()
        checks += total
        bad += wrong
        runs += args.repeat
        flakes[task.id] = (wrong, total)
        if kinds:
            proven[task.id] = kinds
            print(f"{task.id:<32} {_proven_text(kinds)}")
    elapsed = time.perf_counter() - started
    if args.repeat > 1:
        print("\nflake rate (checks that did not give the expected result, of all check runs):")
        for task_id, (wrong, total) in flakes.items():
            print(f"  {task_id:<32} {wrong}/{total} = {wrong / total:.1%}")
        print(f"  {'overall':<32} {bad}/{checks} = {bad / max(1, checks):.1%}")
    overall: dict[str, list[int]] = {}
    for kinds in proven.values():
        for kind, (ok, n) in kinds.items():
            counts = overall.setdefault(kind, [0, 0])
            counts[0] += ok
            counts[1] += n
    print(
        f"\n{len(tasks)} tasks x {args.repeat}, {checks} checks, {bad} wrong, "
        f"{len(problems)} lint problem(s), {elapsed:.0f} s"
        + (f"; {_proven_text(overall)}" if overall else "")
    )
    return 2 if infra else (1 if bad or problems else 0)


def cmd_prepare(args: argparse.Namespace) -> int:
    from swelancer_env.appdeps import has_deps, prepare
    from swelancer_env.tasks.loader import load_app, tasks_roots

    for root in tasks_roots():
        for app_toml in sorted(root.glob("apps/*/app.toml")):
            app = load_app(app_toml.parent.name, root)
            if not has_deps(app):
                print(f"{app.name:<12} no npm dependencies ({app.root})")
                continue
            started = time.perf_counter()
            modules = prepare(app)
            print(f"{app.name:<12} {modules} ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_new_task(args: argparse.Namespace) -> int:
    from swelancer_env.tasks.loader import load_task_dir, tasks_roots
    from swelancer_env.tasks.scaffold import new_task

    roots = tasks_roots()
    root = Path(args.root) if args.root else (roots[-1] if len(roots) > 1 else None)
    if root is None:
        raise ConfigError(
            "say where your tasks live: --root DIR (or --tasks-dir DIR); the bundled tasks "
            "folder is the package's own"
        )
    folder = new_task(root, args.task_id, args.app, args.variant, args.category)
    load_task_dir(folder)  # it loads as made
    print(f"made {folder}")
    for name in sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()):
        print(f"  {name}")
    print(
        "\nNext: make bug.patch (a git diff from the fixed app to the buggy one), write issue.md, "
        "the hidden tests and user_tool.py (docs/TASKS.md), then\n"
        f"  swelancer-env validate --tasks-dir {root} --tasks {args.task_id} --verbose"
    )
    return 0


def cmd_image_build(args: argparse.Namespace) -> int:
    from swelancer_env.backends.docker.image import build_image

    print(build_image(force=args.force))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import signal

    from swelancer_env.serving.server import ServerConfig, serve
    from swelancer_env.serving.wire import TOKEN_ENV

    if args.max_sessions < 1:
        raise ConfigError("--max-sessions must be 1 or more")
    env_kwargs: dict[str, Any] = {
        "backend": args.backend,
        "observation": args.observation,
        "sandbox_options": _backend_options(args),
        "reward_scale": args.reward_scale,
    }
    if args.wall_time_limit is not None:
        env_kwargs["wall_time_limit_s"] = args.wall_time_limit
    if args.chromium:
        env_kwargs["chromium"] = args.chromium
    if args.tools:
        env_kwargs["tools"] = args.tools
    if args.split:
        env_kwargs["split"] = args.split
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    config = ServerConfig(
        max_sessions=args.max_sessions, idle_timeout=args.idle_timeout, env_kwargs=env_kwargs,
        allow_origins=tuple(args.allow_origins or ()), token=token,
        max_message_bytes=args.max_message_bytes,
    )  # fmt: skip
    # uvicorn stops on SIGTERM and passes it on once every session is closed: exit 0 then
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def ready(port: int | None) -> None:
        needs = "; a token is required" if token else ""
        print(f"serving on http://{args.host}:{port} (at most {args.max_sessions} sessions"
              f"{needs})", flush=True)  # fmt: skip

    serve(args.host, args.port, config, ready=ready)
    return 0


def cmd_proxy(args: argparse.Namespace) -> int:
    import signal

    from swelancer_env.llm.proxy import TokenProxy

    if not args.upstream.startswith(("http://", "https://")):
        raise ConfigError(
            f"--upstream {args.upstream!r}: give the endpoint's base URL, e.g. http://127.0.0.1:8000/v1"
        )
    proxy = TokenProxy(args.upstream, args.log, host=args.host, port=args.port,
                       logprobs=not args.no_logprobs)  # fmt: skip
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"proxy: {proxy.base_url} -> {args.upstream}, calls logged to {args.log}", flush=True)
    try:
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.close()
    return 0


def cmd_janitor(args: argparse.Namespace) -> int:
    from swelancer_env.backends.docker.sandbox import janitor
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


_LLM_FLAGS = (
    "model", "base_url", "api_key_env", "reasoning_effort", "temperature", "max_turns",
    "max_tokens", "max_episode_tokens", "max_episode_cost", "max_reply_chars",
    "context_tokens", "vision", "logprobs", "top_logprobs", "prices", "max_retries", "timeout",
)  # fmt: skip
#: the flags whose option name is not the flag's
_FLAG_OF = {
    "max_episode_tokens": "--max-tokens-per-episode",
    "max_episode_cost": "--max-cost-per-episode",
}


def build_parser() -> argparse.ArgumentParser:
    from swelancer_agents import AGENTS

    p = argparse.ArgumentParser(
        prog="swelancer-env", description="Freelance software jobs as gymnasium environments."
    )
    sub = p.add_subparsers(dest="command", required=True)

    from swelancer_env.tasks.model import SPLITS

    t = sub.add_parser("tasks", help="list the tasks (bundled, or the official ones)")
    t.add_argument("--split", choices=SPLITS, help="only the tasks of this split")

    def source_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--source", choices=["bundled", "official"], default="bundled",
            help="the bundled tasks, or the official SWE-Lancer Diamond set (`official fetch`)",
        )  # fmt: skip
        sp.add_argument("--variant", choices=["ic_swe", "swe_manager"], help="only this variant")

    source_args(t)
    t.set_defaults(func=cmd_tasks)

    def common(sp: argparse.ArgumentParser) -> None:
        from swelancer_env.backends import BACKENDS, DEFAULT_BACKEND

        sp.add_argument(
            "--backend", default=DEFAULT_BACKEND, choices=list(BACKENDS),
            help="where episodes run (default local)",
        )  # fmt: skip
        sp.add_argument("--chromium", help="Chromium executable (default: found automatically)")
        sp.add_argument(
            "--backend-option", action="append", metavar="KEY=VALUE",
            help="a setting of the backend (e.g. memory=4g; for --backend official: "
            "image=NAME, setup_command=..., test_command=...)",
        )  # fmt: skip

    def agent_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--agent", required=True,
            help=f"one of {', '.join(AGENTS)}, or your own class as package.module:Class",
        )  # fmt: skip
        sp.add_argument(
            "--agent-option", action="append", metavar="KEY=VALUE",
            help="a keyword for the agent's constructor (VALUE parsed as JSON when it can be)",
        )  # fmt: skip
        sp.add_argument(
            "--tools", type=lambda v: [t for t in v.split(",") if t],
            help="offer only these actions, comma-separated (e.g. shell,view,str_replace: no "
            "user_tool); submit / choose_proposal always",
        )  # fmt: skip
        sp.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
        g = sp.add_argument_group("llm and llm-python agents")
        g.add_argument("--model", help="the model name the endpoint knows")
        g.add_argument(
            "--base-url", help="an OpenAI-compatible endpoint (default: OPENAI_BASE_URL)"
        )
        g.add_argument(
            "--api-key-env", help="the variable holding the key (default OPENAI_API_KEY)"
        )
        g.add_argument("--reasoning-effort", choices=["minimal", "low", "medium", "high"])
        g.add_argument("--temperature", type=float)
        g.add_argument("--max-turns", type=int, help="model calls per episode (default 50)")
        g.add_argument("--max-tokens", type=int, help="completion tokens per call")
        g.add_argument(
            "--max-tokens-per-episode", type=int, dest="max_episode_tokens", metavar="N",
            help="prompt and completion tokens per episode, summed over its calls: then no "
            "further call (an IC job is submitted as it stands; stop reason token_limit)",
        )  # fmt: skip
        g.add_argument(
            "--max-cost-per-episode", type=float, dest="max_episode_cost", metavar="USD",
            help="dollars per episode, from the price table: then no further call (stop "
            "reason cost_limit)",
        )  # fmt: skip
        g.add_argument(
            "--max-reply-chars", type=int, dest="max_reply_chars", metavar="N",
            help="characters of one reply: a longer one is not run, is kept cut to N and the "
            "model asked again (stop reason reply_too_long after --agent-option "
            "max_idle_replies of them in a row)",
        )  # fmt: skip
        g.add_argument(
            "--context-tokens", type=int,
            help="budget of the messages sent (default 100000); older turns are trimmed, the "
            "system prompt and the issue kept",
        )  # fmt: skip
        g.add_argument("--vision", action="store_true", help="send the user tool's screenshot")
        g.add_argument("--logprobs", action="store_true", help="ask for and keep token logprobs")
        g.add_argument("--top-logprobs", type=int, help="alternatives per token with --logprobs")
        g.add_argument("--prices", help="a price table (JSON or TOML) replacing the built-in one")
        g.add_argument("--max-retries", type=int, help="retries of 429, 5xx, timeouts (default 4)")
        g.add_argument("--timeout", type=float, help="seconds per model call (default 300)")

    r = sub.add_parser("run", help="run one agent on one task, printing each step")
    agent_args(r)
    r.add_argument("--task", required=True)
    r.add_argument("--max-steps", type=int)
    r.add_argument("--lines", type=int, default=12, help="output lines to show per step")
    r.add_argument("--screenshots", help="folder to save each user tool screenshot in")
    r.add_argument("--actions", help="for --agent replay: a JSON-lines file of actions")
    r.add_argument("--expensify-repo", metavar="PATH",
                   help="official manager tasks: a checkout of Expensify/App")  # fmt: skip
    common(r)
    r.set_defaults(func=cmd_run)

    e = sub.add_parser(
        "eval",
        help="evaluate an agent: results.jsonl, summary.json (pass@k, dollars, tokens, cost), "
        "trajectories/",
    )
    agent_args(e)
    e.add_argument("--tasks", nargs="+", help="task ids (default: all)")
    source_args(e)
    e.add_argument(
        "--expensify-repo", metavar="PATH",
        help="official manager tasks: a checkout of Expensify/App; the agent's tree is it at the "
        "task's commit (without it the episodes are text-only)",
    )  # fmt: skip
    e.add_argument("--split", choices=SPLITS, help="only the tasks of this split")
    e.add_argument("--attempts", type=int, default=1, help="episodes per task (pass@k for k <= K)")
    e.add_argument(
        "--workers", type=int, default=1, help="episodes at once (processes, or Ray tasks)"
    )
    e.add_argument(
        "--executor", choices=["process", "ray"], default="process",
        help="where episodes run: this process or a pool of processes (default), or Ray tasks "
        "on a cluster (pip install 'swelancer-env[ray]')",
    )  # fmt: skip
    e.add_argument(
        "--address", metavar="ADDR",
        help="with --executor ray: the Ray cluster's address, e.g. ray://head:10001 or auto "
        "(default: a local cluster started for the run); on several nodes --out must be on a "
        "shared filesystem",
    )  # fmt: skip
    e.add_argument(
        "--server", metavar="URL",
        help="run each episode in a session of a swelancer-env serve server (e.g. "
        "http://127.0.0.1:8000); its backend and settings apply",
    )  # fmt: skip
    e.add_argument("--out", default="runs/latest")
    e.add_argument("--label", help="the run's name in reports and compare")
    e.add_argument(
        "--resume", action="store_true",
        help="keep the results already in --out: run the missing episodes and those that ended "
        "in an infra or config error, and no other",
    )  # fmt: skip
    e.add_argument(
        "--max-steps", type=int, metavar="N",
        help="env steps per episode (default: the task's); stop reason max_steps",
    )  # fmt: skip
    e.add_argument(
        "--time-limit", type=float, metavar="S",
        help="seconds of the env's own time per episode (commands, user tool, grading; not the "
        "agent's thinking; default: the task's); stop reason time_limit",
    )  # fmt: skip
    e.add_argument(
        "--wall-time-limit", type=float, metavar="S",
        help="wall-clock seconds per episode from its reset (default none); stop reason "
        "wall_time_limit",
    )  # fmt: skip
    e.add_argument("--retries", type=int, default=1, help="reruns after an infrastructure error")
    e.add_argument(
        "--stop-after-infra-errors", type=int, default=5, metavar="N",
        help="stop the run after N infra errors in a row, the harness or the model endpoint "
        "failing (default 5; 0: never); a config error (a refused key, no such model) stops it "
        "at once",
    )  # fmt: skip
    e.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="a progress bar (default: when stderr is a terminal)",
    )  # fmt: skip
    common(e)
    e.set_defaults(func=cmd_eval)

    rp = sub.add_parser("report", help="one self-contained HTML page of a run")
    rp.add_argument("dir")
    rp.add_argument("--out", help="the HTML file (default DIR/report.html)")
    rp.add_argument(
        "--watch", action="store_true",
        help="a live view: serve the report on 127.0.0.1 while the run goes on, written anew "
        "as episodes end (the page reloads itself)",
    )  # fmt: skip
    rp.add_argument("--port", type=int, default=8765, help="with --watch (default 8765; 0: any)")
    rp.set_defaults(func=cmd_report)

    cp = sub.add_parser("compare", help="one HTML page putting runs side by side")
    cp.add_argument("dirs", nargs="+")
    cp.add_argument("--out", default="compare.html")
    cp.set_defaults(func=cmd_compare)

    ex = sub.add_parser(
        "export", help="a run's trajectories as ATIF, or tasks as Harbor task folders"
    )
    ex.add_argument("dir", nargs="?", help="--format atif: the run's folder (an eval's --out)")
    ex.add_argument("--format", choices=["atif", "harbor"], default="atif")
    ex.add_argument("--out", help="folder (default DIR/atif; with harbor: harbor-tasks)")
    ex.add_argument("--tasks", nargs="+", help="--format harbor: task ids")
    ex.add_argument("--split", choices=SPLITS, help="--format harbor: the tasks of this split")
    ex.set_defaults(func=cmd_export)

    from swelancer_env.evaluation.replay import add_replay_parser
    from swelancer_env.factory.cli import add_factory_parser

    add_replay_parser(sub)
    add_factory_parser(sub)

    v = sub.add_parser("validate", help="check that each task's ground truth holds")
    v.add_argument("--tasks", nargs="+")
    v.add_argument("--split", choices=SPLITS, help="the tasks of this split (with --sample: some)")
    v.add_argument("--sample", type=int, metavar="N",
                   help="a random N of the selected tasks (by --seed)")  # fmt: skip
    v.add_argument("--seed", type=int, default=0, help="the seed of --sample (default 0)")
    v.add_argument("--chromium")
    v.add_argument("--repeat", type=int, default=1,
                   help="grade every check N times and print the flake rate")  # fmt: skip
    v.add_argument("--verbose", action="store_true",
                   help="run every hidden test (not stopping at the first failure) and show "
                   "each one's outcome and message")  # fmt: skip
    v.add_argument("--workers", type=int, default=2, help="gradings of a task at once (default 2)")
    v.add_argument("--lint", action="store_true",
                   help="only the checks that need no grading (the canary, no fix in the issue, "
                   "the price against the price model, ...); exit 1 on a problem")  # fmt: skip
    v.set_defaults(func=cmd_validate)

    rg = sub.add_parser(
        "regression", help="run an app's regression suite on its clean tree (every test)"
    )
    rg.add_argument("app", help="the app (tally, desk, ...)")
    rg.add_argument("--chromium")
    rg.add_argument(
        "--record", action="store_true",
        help="record which lines each test runs (the suite's coverage.json, which grading reads "
        "to choose the tests a submission's change needs); after every change to the suite or "
        "the app",
    )  # fmt: skip
    rg.set_defaults(func=cmd_regression)

    pr = sub.add_parser(
        "prepare", help="install each app's npm dependencies once (npm ci, into the cache)"
    )
    pr.set_defaults(func=cmd_prepare)

    nt = sub.add_parser("new-task", help="make a new task folder to fill in (docs/TASKS.md)")
    nt.add_argument("task_id", help="the new task's id, e.g. tally-receipt-rounding")
    nt.add_argument("--app", required=True, help="the app it runs on (bundled or in --root)")
    nt.add_argument("--variant", choices=["ic_swe", "swe_manager"], default="ic_swe")
    nt.add_argument("--category", default="application_logic",
                    help="application_logic, ui_ux, server_side_logic, reliability, security, "
                    "feature, or one the root's categories.toml declares")  # fmt: skip
    nt.add_argument("--root", help="the tasks folder to make it in (default: the last --tasks-dir)")
    nt.set_defaults(func=cmd_new_task)

    img = sub.add_parser("image", help="Docker sandbox image")
    img_sub = img.add_subparsers(dest="image_command", required=True)
    b = img_sub.add_parser("build", help="build the sandbox image offline")
    b.add_argument("--force", action="store_true")
    b.set_defaults(func=cmd_image_build)

    of = sub.add_parser("official", help="the official SWE-Lancer tasks")
    of_sub = of.add_subparsers(dest="official_command", required=True)
    fe = of_sub.add_parser(
        "fetch", help="put the Diamond CSV in the cache (official repository, else PyPI)"
    )
    fe.add_argument("--source", choices=["auto", "official", "wheel"], default="auto",
                    help="auto: github.com, else the inspect-evals wheel on PyPI")  # fmt: skip
    fe.add_argument("--force", action="store_true", help="fetch again")
    fe.set_defaults(func=cmd_official_fetch)

    sv = sub.add_parser(
        "serve", help="serve episodes over WebSocket (OpenEnv's protocol), one env per session",
        description="Serve episodes over WebSocket (OpenEnv's protocol), one env per session. "
        "It answers only its own clients: a request from a web page (it carries an Origin "
        "header) is refused with 403 unless --allow-origin names that origin; clients that send "
        "no Origin (RemoteEnv, OpenEnv's client) are unaffected. With a token (--token, or "
        "better the SWELANCER_SERVE_TOKEN variable: a flag shows in `ps`), every request must "
        "carry 'Authorization: Bearer TOKEN' (or /ws?token=TOKEN), else 401; RemoteEnv and "
        "`eval --server` read SWELANCER_SERVE_TOKEN.",
    )  # fmt: skip
    common(sv)
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    sv.add_argument("--max-sessions", type=int, default=4, help="sessions at once (default 4)")
    sv.add_argument(
        "--idle-timeout", type=float, default=600.0,
        help="close a session idle this many seconds (default 600)",
    )  # fmt: skip
    sv.add_argument("--observation", choices=["full", "text"], default="full")
    sv.add_argument(
        "--reward-scale", choices=["dollars", "binary", "fraction"], default="dollars",
        help="a submission's reward: the dollars earned (default), 1/0, or earned / price",
    )  # fmt: skip
    sv.add_argument(
        "--wall-time-limit", type=float, metavar="S",
        help="also truncate an episode S wall-clock seconds after its reset (the task's time "
        "limit counts the env's own time only)",
    )  # fmt: skip
    sv.add_argument("--split", choices=SPLITS, help="resets that name no task draw from it")
    sv.add_argument("--tools", type=lambda v: [t for t in v.split(",") if t],
                    help="offer only these actions, comma-separated")  # fmt: skip
    sv.add_argument(
        "--allow-origin", action="append", dest="allow_origins", metavar="ORIGIN",
        help="let web pages of this origin connect (scheme://host[:port]; repeatable; '*': "
        "every origin); by default a request with an Origin header is refused (403)",
    )  # fmt: skip
    sv.add_argument(
        "--token", metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' (or /ws?token=TOKEN) on every request, "
        "else 401 (default: $SWELANCER_SERVE_TOKEN, which `ps` does not show; unset: none)",
    )  # fmt: skip
    sv.add_argument(
        "--max-message-bytes", type=int, default=4 << 20, metavar="N",
        help="the largest message read (default 4 MiB); a larger one gets INVALID_JSON, and "
        "one over twice this size closes the connection",
    )  # fmt: skip
    sv.set_defaults(func=cmd_serve)

    px = sub.add_parser(
        "proxy",
        help="an OpenAI-compatible proxy that records each chat completion with its token ids",
        description="Sits between any agent and an endpoint that returns token ids (vLLM, "
        "SGLang): point the agent's base_url at it. Each chat completion is forwarded with the "
        "token-id fields (and logprobs) asked for, answered back as it came, and logged as one "
        "JSON line: the request, prompt and completion token ids, one logprob per completion "
        "token, usage, latency, status.",
    )  # fmt: skip
    px.add_argument("--upstream", required=True, help="the endpoint's base URL (…/v1)")
    px.add_argument("--log", required=True, help="the JSONL file calls are appended to")
    px.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    px.add_argument("--port", type=int, default=8900, help="port (default 8900; 0: any free)")
    px.add_argument("--no-logprobs", action="store_true", help="do not ask for logprobs")
    px.set_defaults(func=cmd_proxy)

    j = sub.add_parser(
        "janitor",
        help="remove what crashed runs left: temporary folders, cgroups (and their processes), "
        "containers",
    )
    j.add_argument("--run", help="only this run id")
    j.set_defaults(func=cmd_janitor)
    return p


def _add_tasks_dir(parser: argparse.ArgumentParser) -> None:
    """``--tasks-dir DIR`` on ``parser`` and each of its commands."""
    parser.add_argument(
        "--tasks-dir", action="append", dest="tasks_dirs", metavar="DIR",
        default=argparse.SUPPRESS,
        help="a folder of your own tasks (<app>/<task_id>/, apps/<app>/), searched after the "
        "bundled ones; repeat it for several (also: SWELANCER_TASKS_PATH=DIR:DIR)",
    )  # fmt: skip
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _add_tasks_dir(sub)


def _use_tasks_dirs(dirs: list[str]) -> None:
    """Add ``dirs`` to ``$SWELANCER_TASKS_PATH`` (so that workers and Ray tasks see them too)."""
    from swelancer_env.tasks.loader import tasks_roots

    for d in dirs:  # a folder that is not there is an error now, not at the first task
        if not Path(d).expanduser().is_dir():
            raise ConfigError(
                f"--tasks-dir {d!r} is not a folder: give folders that hold "
                "<app>/<task_id>/task.toml (and apps/<app>/ if the app is not bundled)"
            )
    given = [str(Path(d).expanduser().resolve()) for d in dirs]
    old = [p for p in os.environ.get("SWELANCER_TASKS_PATH", "").split(os.pathsep) if p]
    os.environ["SWELANCER_TASKS_PATH"] = os.pathsep.join([*old, *given])
    tasks_roots()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _add_tasks_dir(parser)
    args = parser.parse_args(argv)
    try:
        if getattr(args, "tasks_dirs", None):
            _use_tasks_dirs(args.tasks_dirs)
        return int(args.func(args) or 0)
    except SWELancerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
