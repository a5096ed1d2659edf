"""``swelancer-env factory``: make generated tasks from an app, and report on a run.

swelancer-env factory make desk --count 200 --workers 2 --combos 40
swelancer-env factory report desk
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from swelancer_env.errors import ConfigError

__all__ = ["add_factory_parser", "summarize"]


def summarize(proofs: list[Any]) -> dict[str, Any]:
    """Counts per kind and status (``validated``, each rejection), and the blind spots: the
    kinds and files whose candidates the suite runs but never catches."""
    from swelancer_env.factory.probe import REJECTIONS

    by_kind: dict[str, Counter[str]] = {}
    blind_files: Counter[str] = Counter()
    unrun_files: Counter[str] = Counter()
    for p in proofs:
        by_kind.setdefault(p.candidate.kind, Counter())[p.status] += 1
        if p.status == "survived":
            blind_files[p.candidate.files[0]] += 1
        elif p.status == "not_run":
            unrun_files[p.candidate.files[0]] += 1
    statuses = ["validated", *REJECTIONS]
    total: Counter[str] = Counter()
    for c in by_kind.values():
        total.update(c)
    return {
        "tried": sum(total.values()),
        "by_status": {s: total[s] for s in statuses if total[s]},
        "by_kind": {k: {s: c[s] for s in statuses if c[s]} for k, c in sorted(by_kind.items())},
        "survived_by_file": dict(blind_files.most_common(10)),
        "not_run_by_file": dict(unrun_files.most_common(10)),
        "seconds": round(sum(p.seconds for p in proofs), 1),
        "gradings": sum(p.gradings for p in proofs),
    }


def _print_summary(app: str, s: dict[str, Any], records: int | None = None) -> None:
    from swelancer_env.factory.probe import REJECTIONS

    print(f"\n{app}: {s['tried']} candidates tried, {s['by_status'].get('validated', 0)} validated"
          + (f", {records} tasks written" if records is not None else ""))  # fmt: skip
    for status, n in s["by_status"].items():
        why = REJECTIONS.get(status, "proved: fails its tests every time, the clean tree passes")
        print(f"  {status:<12} {n:>5}  {why}")
    print(f"\n  {'kind':<24} " + " ".join(f"{k[:10]:>10}" for k in ["validated", *REJECTIONS]))
    for kind, counts in s["by_kind"].items():
        cells = " ".join(f"{counts.get(k, 0):>10}" for k in ["validated", *REJECTIONS])
        print(f"  {kind:<24} {cells}")
    if s["survived_by_file"]:
        print("\n  blind spots: files whose changes the suite runs but no test catches")
        for f, n in s["survived_by_file"].items():
            print(f"    {n:>4}  {f}")
    if s["not_run_by_file"]:
        print("  never run: files whose changed lines no test runs")
        for f, n in s["not_run_by_file"].items():
            print(f"    {n:>4}  {f}")
    print(f"\n  {s['gradings']} gradings, {s['seconds']:.0f} s of proving (per worker)")


def cmd_factory_make(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from swelancer_env.factory.run import make, write_tasks

    client = None
    if args.writer == "llm":
        if not args.model:
            raise ConfigError("--writer llm needs --model (and --base-url for your endpoint)")
        from swelancer_env.llm.client import ModelClient

        client = ModelClient(args.model, base_url=args.base_url, api_key_env=args.api_key_env)
    if args.count < 0 or args.combos < 0 or args.workers < 1:
        raise ConfigError("--count and --combos must be 0 or more, --workers 1 or more")
    bar = tqdm(total=args.count + args.combos, desc=f"proving {args.app}", unit="cand",
               disable=not sys.stderr.isatty() if args.progress is None else not args.progress)  # fmt: skip
    validated = 0

    def progress(proof: Any) -> None:
        nonlocal validated
        validated += proof.status == "validated"
        bar.update(1)
        bar.set_postfix(validated=validated)

    journal = Path(args.journal) if args.journal else None
    run = make(args.app, args.count, seed=args.seed, workers=args.workers, combos=args.combos,
               journal=journal, progress=progress, chromium=args.chromium)  # fmt: skip
    bar.close()
    records, dropped = write_tasks(args.app, run.proofs, seed=args.seed, rewrite_with=client)
    s = summarize(run.proofs)
    s.update(sites=run.sites, wall_seconds=round(run.seconds, 1),
             cpu_seconds=round(run.cpu_seconds, 1), written=len(records), dropped=dropped)  # fmt: skip
    _print_summary(args.app, s, len(records))
    print(f"  dropped: {dropped['duplicate']} duplicates, {dropped['no_split']} across splits")
    print(
        f"  this run: {run.seconds:.0f} s wall, {run.cpu_seconds:.0f} CPU s; {run.sites} mutation sites"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(s, indent=2), encoding="utf-8")
    return 0


def cmd_factory_report(args: argparse.Namespace) -> int:
    from swelancer_env.factory.journal import Journal
    from swelancer_env.factory.run import journal_path

    path = Path(args.journal) if args.journal else journal_path(args.app)
    proofs = Journal(path).read()
    if not proofs:
        raise ConfigError(f"no proofs in {path}: run `swelancer-env factory make {args.app}` first")
    s = summarize(proofs)
    _print_summary(args.app, s)
    if args.json:
        Path(args.json).write_text(json.dumps(s, indent=2), encoding="utf-8")
    return 0


def add_factory_parser(subparsers: Any) -> None:
    f = subparsers.add_parser("factory", help="make generated tasks from an app's own code")
    fs = f.add_subparsers(dest="factory_command", required=True)
    m = fs.add_parser(
        "make", help="make candidate bugs, prove them against the app's regression suite, and "
        "write the validated ones as tasks (split synth-train / synth-val)",
    )  # fmt: skip
    m.add_argument("app", help="an app with a regression suite and its recorded coverage")
    m.add_argument("--count", type=int, default=100, help="single-mutation candidates to try")
    m.add_argument("--combos", type=int, default=0,
                   help="candidates of 2-3 proved mutations in different files to try")  # fmt: skip
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--workers", type=int, default=2, help="candidates proved at once")
    m.add_argument("--writer", choices=["template", "llm"], default="template",
                   help="how job posts are worded: from the tests (template), or reworded by "
                   "a model (llm: --model, --base-url)")  # fmt: skip
    m.add_argument("--model")
    m.add_argument("--base-url")
    m.add_argument("--api-key-env", default="OPENAI_API_KEY")
    m.add_argument("--journal", help="the proofs file (default: in the cache, per app)")
    m.add_argument("--chromium")
    m.add_argument("--json", help="also write the run's figures to this JSON file")
    m.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    m.set_defaults(func=cmd_factory_make)
    r = fs.add_parser("report", help="what the factory's proofs of an app found")
    r.add_argument("app")
    r.add_argument("--journal")
    r.add_argument("--json")
    r.set_defaults(func=cmd_factory_report)
