"""``swelancer-env factory make APP``: candidates made, proved, written as tasks.

1. every mutation site of the app (:mod:`~swelancer_env.factory.mutations`); ``count``
   single-mutation candidates drawn by ``seed``, spread over the kinds;
2. each proved by real gradings (:mod:`~swelancer_env.factory.probe`) on ``workers`` threads,
   each result kept in the journal at once (a stopped run resumes);
3. ``combos`` candidates of two or three proved singles in different files, proved too, each
   mutation of one also alone (a combination proved before that step was part of the proof
   gets it in the next run);
4. the validated ones, de-duplicated, get a job post, a user tool, a price and a category
   (:mod:`~swelancer_env.factory.post`) and go to the store of generated tasks
   (:mod:`swelancer_env.tasks.synth`), in split ``synth-train`` or ``synth-val`` by the
   functions they change (the same function never in both).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from swelancer_env.errors import ConfigError
from swelancer_env.factory.journal import Journal
from swelancer_env.factory.mutations import Candidate, combine, find_mutations, sample
from swelancer_env.factory.probe import Probe, Proof, failure_signature
from swelancer_env.grading.coverage import Coverage
from swelancer_env.grading.regression import suite_folder
from swelancer_env.tasks.loader import load_app, tasks_root
from swelancer_env.tasks.synth import SynthRecord, read_store, write_store

__all__ = ["FactoryRun", "journal_path", "make", "split_of", "write_tasks"]

#: one function in this many goes to synth-val
VAL_ONE_IN = 10


def split_of(scopes: list[str]) -> str | None:
    """The split of a candidate changing these functions: each function has one split (by a
    hash of its name), and a candidate whose functions disagree has none (never made)."""
    splits = {
        "synth-val" if int(hashlib.sha256(s.encode()).hexdigest()[:8], 16) % VAL_ONE_IN == 0
        else "synth-train"
        for s in scopes
    }  # fmt: skip
    return splits.pop() if len(splits) == 1 else None


def _cpu() -> float:
    """CPU seconds of this process and its finished children (apps, pytest, Chromium)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def journal_path(app: str) -> Path:
    from swelancer_env.cache import cache_root

    return cache_root() / "factory" / app / "proofs.jsonl"


@dataclass
class FactoryRun:
    """What a run did, for the report."""

    app: str
    proofs: list[Proof] = field(default_factory=list)
    sites: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def _prove_all(
    app: str, suite: Path, coverage: Coverage, candidates: Sequence[Candidate | Proof],
    journal: Journal, workers: int, progress: Callable[[Proof], None] | None,
    chromium: str | None,
) -> list[Proof]:  # fmt: skip
    """Prove each candidate; a proof given instead is a validated combination whose mutations
    are proved alone (:meth:`Probe.prove_alone`)."""
    local = threading.local()
    probes: list[Probe] = []
    lock = threading.Lock()

    def prove(c: Candidate | Proof) -> Proof:
        if not hasattr(local, "probe"):
            local.probe = Probe(app, suite, coverage, chromium=chromium)
            with lock:
                probes.append(local.probe)
        if isinstance(c, Proof):
            proof = c
            started = time.perf_counter()
            local.probe.prove_alone(proof)
            proof.seconds = round(proof.seconds + time.perf_counter() - started, 2)
        else:
            proof = local.probe.prove(c)
        journal.add(proof)
        if progress is not None:
            progress(proof)
        return proof

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(prove, candidates))
    finally:
        for p in probes:
            p.close()


def make(
    app: str,
    count: int,
    seed: int = 0,
    workers: int = 2,
    combos: int = 0,
    journal: Path | None = None,
    progress: Callable[[Proof], None] | None = None,
    chromium: str | None = None,
    root: Path | None = None,
) -> FactoryRun:
    """Prove ``count`` single candidates (those already in the journal are not proved again)
    and ``combos`` combinations; return every proof of the journal.

    Raises:
        ConfigError: the app has no regression suite or no recorded coverage.
    """
    load_app(app)  # an unknown app fails here, with the apps there are
    suite = suite_folder(app, root)
    if suite is None:
        raise ConfigError(
            f"the factory makes tasks from an app's regression suite: {app} has none (write "
            f"tests in {(root or tasks_root()) / 'regression' / app / 'tests'}; see docs/FACTORY.md)"
        )
    coverage = Coverage.load(suite)
    if coverage is None:
        raise ConfigError(
            f"{suite} has no coverage.json: record it with `swelancer-env regression {app} --record`"
        )
    app_root = load_app(app).root
    started, cpu = time.perf_counter(), _cpu()
    j = Journal(journal or journal_path(app))
    done = {p.candidate.id for p in j.read()}
    mutations = find_mutations(app_root)
    singles = [c for c in sample(app_root, app, mutations, count, seed) if c.id not in done]
    _prove_all(app, suite, coverage, singles, j, workers, progress, chromium)
    if combos:
        proved = [
            p for p in j.read() if p.status == "validated" and len(p.candidate.mutations) == 1
        ]
        made: list[Candidate] = []
        for split in ("synth-train", "synth-val"):
            pool = [p.candidate for p in proved if split_of(p.candidate.scopes) == split]
            share = combos if split == "synth-train" else max(1, combos // VAL_ONE_IN)
            made += combine(app_root, app, pool, share, seed)
        done = {p.candidate.id for p in j.read()}
        _prove_all(app, suite, coverage, [c for c in made if c.id not in done], j, workers, progress, chromium)  # fmt: skip
    unproved_alone: list[Candidate | Proof] = [
        p for p in j.read()
        if p.status == "validated" and len(p.candidate.mutations) > 1 and p.alone is None
    ]  # fmt: skip
    _prove_all(app, suite, coverage, unproved_alone, j, workers, progress, chromium)
    run = FactoryRun(app, j.read(), len(mutations))
    run.seconds = time.perf_counter() - started
    run.cpu_seconds = _cpu() - cpu
    return run


def write_tasks(
    app: str,
    proofs: list[Proof],
    seed: int = 0,
    rewrite_with: object | None = None,
    root: Path | None = None,
) -> tuple[list[SynthRecord], dict[str, int]]:
    """The validated proofs as generated tasks (de-duplicated: of candidates that break the
    same tests the same way, the one with the fewest changed lines), written to the app's
    store with the tasks already there that ``proofs`` does not have (a journal lost or started
    anew adds to the store, it never empties it); and how many were dropped as duplicates or
    split-less."""
    from swelancer_env.factory.post import rewrite, write_post

    suite = suite_folder(app, root)
    assert suite is not None
    store = (root or tasks_root()) / "synth" / app
    proved = {p.candidate.id for p in proofs}
    kept = [r for r in read_store(store) if r.id not in proved]
    ok = [p for p in proofs if p.status == "validated"]
    ok.sort(key=lambda p: (len(p.candidate.patch), p.candidate.id))
    seen: set[tuple] = {record_signature(r) for r in kept}
    dropped = {"duplicate": 0, "no_split": 0}
    records = []
    for p in ok:
        if p.signature in seen:
            dropped["duplicate"] += 1
            continue
        split = split_of(p.candidate.scopes)
        if split is None:
            dropped["no_split"] += 1
            continue
        seen.add(p.signature)
        post = write_post(p, suite)
        if rewrite_with is not None:
            post = rewrite(post, rewrite_with)
        c = p.candidate
        records.append(SynthRecord(
            id=c.id, app=app, split=split, price=post.price, category=post.category,
            title=post.title, issue=post.issue, bug_patch=c.patch, user_tool=post.user_tool,
            fail_to_pass=p.fail_to_pass, pass_to_pass=p.pass_to_pass, kinds=c.kinds,
            sites=[m.site for m in c.mutations], scopes=c.scopes, failures=p.failures,
            validation={"gradings": p.gradings, "seconds": p.seconds, "repeats": 3, "seed": seed},
            acceptable_paths=_acceptable_paths(app),
        ))  # fmt: skip
    write_store(store, kept + records)
    return kept + records, dropped


def record_signature(record: SynthRecord) -> tuple:
    """:attr:`Proof.signature` of the proof ``record`` was written from."""
    return failure_signature(record.fail_to_pass, record.failures)


def _acceptable_paths(app: str) -> list[str]:
    """Where an agent's change counts: the top-level folders of the app's source files."""
    from swelancer_env.factory.mutations import source_files

    return sorted({f.split("/", 1)[0] for f in source_files(load_app(app).root)})
