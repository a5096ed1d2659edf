"""Proving a candidate bug: which end-to-end tests it breaks, every time, and only those.

A candidate is graded as a submission on the app's clean tree (its patch is the "diff"), by
the same local grader as every task, against a chosen set of the app's regression tests laid
out as hidden tests (:func:`swelancer_env.tasks.synth.hidden_tests_files`). Three gradings
prove a candidate (:func:`prove`):

1. the tests that ran a line it changes (from the suite's recorded coverage; at most
   ``most_tests``, the most targeted first) on the buggy tree: those that fail are its
   fail-to-pass tests, the rest its pass-to-pass tests;
2. the same fail-to-pass tests twice more (and the pass-to-pass ones) on the buggy tree: the
   verdict must be the same every time (flake 0);
3. all of them on the clean tree: every one passes;
4. for a combination, each of its mutations alone (the others reverted) on the fail-to-pass
   tests, twice: each must break one of them every time, or a fix of the others alone would be paid (a
   mutation the others mask, or one the chosen tests do not see).

A candidate that no test runs, that every run test survives, that breaks more than
``most_failing`` tests (not one job but the whole app), that stops the app from building or
starting, or whose verdict changes between runs is rejected with that reason: the counts per
reason and kind are the factory's report on where each regression suite is blind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from swelancer_env.appdeps import build_env, prepare
from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.factory.mutations import Candidate, mutations_patch
from swelancer_env.grading.coverage import Coverage, changed_lines
from swelancer_env.grading.result import GradeResult
from swelancer_env.sandbox.worktree import StartingState, apply_patch
from swelancer_env.tasks.loader import load_app
from swelancer_env.tasks.model import Task
from swelancer_env.tasks.synth import hidden_tests_files, suite_test_of

__all__ = ["REJECTIONS", "Probe", "Proof", "covering_tests"]

#: why a candidate is not a task, as the report names it
REJECTIONS = {
    "not_run": "no regression test runs a line it changes",
    "survived": "tests run its lines but none fails",
    "too_broad": "it breaks more tests than one job would",
    "flaky": "its failing tests are not the same on every run",
    "clean_fails": "a chosen test fails on the clean tree too",
    "no_start": "the app does not build or start with it",
    "infra": "the harness failed (not the candidate's doing)",
    "masked": "a mutation of the combination alone breaks none of its tests",
    "duplicate": "another candidate breaks the same tests the same way",
}


def covering_tests(coverage: Coverage, patch: str) -> list[str]:
    """The regression tests that ran a line ``patch`` changes, the most targeted first (the
    fewest lines run in all): the tests that can see the change."""
    changed = changed_lines(patch, "", window=0)
    hit = [
        test
        for test in coverage.tests
        if any(coverage.lines(test, path) & lines for path, lines in changed.items())
    ]
    totals = coverage.total_lines
    return sorted(hit, key=lambda t: (totals[t], t))


@dataclass
class Proof:
    """What proving a candidate found."""

    candidate: Candidate
    #: "validated" or one of :data:`REJECTIONS`
    status: str
    fail_to_pass: list[str] = field(default_factory=list)
    pass_to_pass: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    covering: int = 0
    gradings: int = 0
    seconds: float = 0.0
    detail: str = ""
    #: for a combination, the fail-to-pass tests each mutation alone breaks (in its order);
    #: None until that is proved (a single's is None)
    alone: list[list[str]] | None = None

    @property
    def signature(self) -> tuple:
        """What de-duplicates candidates: the tests broken and the first line each said (how
        long a wait lasted left out: a wait that stopped once the page had settled and one
        that timed out are the same failure)."""

        return failure_signature(self.fail_to_pass, self.failures)


def failure_signature(fail_to_pass: list[str], failures: dict[str, str]) -> tuple:
    """The tests broken and the first line each said, without how long a wait lasted (what
    de-duplicates a proof, or a task written from one)."""
    return tuple(sorted((t, _WAITED.sub("", failures.get(t, ""))[:160]) for t in fail_to_pass))


#: how long a failed wait lasted, in a failure's first line (Playwright's, or the settled stop's)
_WAITED = re.compile(
    r"Timeout [\d.]+ms exceeded\.|stopped after [^:]*: the page had settled[^.]*\."
)


class Probe:
    """Grades candidates of one app against its regression suite (one per worker thread)."""

    def __init__(
        self,
        app: str,
        suite: Path,
        coverage: Coverage,
        most_tests: int = 10,
        most_failing: int = 6,
        pass_to_pass: int = 3,
        chromium: str | None = None,
    ):
        self.app = load_app(app)
        self.suite = suite
        self.coverage = coverage
        self.most_tests, self.most_failing, self.keep_p2p = most_tests, most_failing, pass_to_pass
        self.grader = LocalGrader(chromium=chromium, partial_credit=True, regression=False)
        # the first run stops once the candidate is too broad to be one job
        self.first = LocalGrader(chromium=chromium, partial_credit=True, regression=False,
                                 max_failures=most_failing + 1)  # fmt: skip
        self._tmp = tempfile.TemporaryDirectory(prefix="swelancer-factory-")
        self._n = 0
        #: every probe is this task of the clean app with other hidden tests (one starting state)
        self._base = Task(id=f"{self.app.name}-factory-probe", app=self.app.name,
                          variant="ic_swe", price=1, title="factory probe",
                          category="application_logic")  # fmt: skip
        if self.app.clock_now is not None:
            self._base.clock = self._base.clock.model_copy(update={"now": self.app.clock_now})

    def close(self) -> None:
        self.grader.close()
        self.first.close()
        self._tmp.cleanup()

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _task(self, tests: list[str], repeat: int) -> Task:
        """A task of the clean app whose hidden tests are ``tests`` (each ``repeat`` times)."""
        self._n += 1
        folder = Path(self._tmp.name) / self.app.name / f"probe-{self._n}"
        (folder / "tests").mkdir(parents=True)
        for name, data in hidden_tests_files(self.suite, tests, repeat).items():
            (folder / "tests" / name).write_bytes(data)
        return self._base.model_copy(update={"folder": folder})

    def _grade(
        self, proof: Proof, tests: list[str], patch: str, repeat: int = 1, first: bool = False
    ) -> GradeResult:
        proof.gradings += 1
        task = self._task(tests, repeat)
        try:
            return (self.first if first else self.grader).grade(task, patch)
        finally:
            shutil.rmtree(task.folder, ignore_errors=True)  # type: ignore[arg-type]

    def _check(self, patch: str) -> str:
        """The app's check (a type check) on the candidate's tree, before any grading: a
        candidate that fails it never starts (a grading would learn it at a grading's cost).
        What it printed when it failed, else ""."""
        if not self.app.check:
            return ""
        tree = Path(self._tmp.name) / "check-tree"
        shutil.rmtree(tree, ignore_errors=True)
        StartingState.get(self._base).materialize_tree(tree)
        try:
            if apply_patch(tree, patch):
                return "the candidate's patch does not apply"
            env = build_env(
                prepare(self.app), {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tree)}
            )
            try:
                proc = subprocess.run(["bash", "-c", self.app.check], cwd=tree, env=env,
                                      capture_output=True, text=True,
                                      timeout=self.app.build_timeout_s)  # fmt: skip
            except subprocess.TimeoutExpired:
                return f"the app's check did not finish within {self.app.build_timeout_s:.0f} s"
            if proc.returncode == 0:
                return ""
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
            return f"the app's check (`{self.app.check}`) failed: {tail}"
        finally:
            shutil.rmtree(tree, ignore_errors=True)

    @staticmethod
    def _outcomes(result: GradeResult) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for t in result.tests:
            out.setdefault(suite_test_of(t.name), []).append((t.outcome, t.message))
        return out

    def prove(self, candidate: Candidate) -> Proof:
        started = time.perf_counter()
        proof = Proof(candidate, "validated")
        try:
            self._prove(proof)
        finally:
            proof.seconds = round(time.perf_counter() - started, 2)
        return proof

    def _prove(self, proof: Proof) -> None:
        covering = covering_tests(self.coverage, proof.candidate.patch)
        proof.covering = len(covering)
        if not covering:
            proof.status = "not_run"
            return
        failed_check = self._check(proof.candidate.patch)
        if failed_check:
            proof.status, proof.detail = "no_start", failed_check
            return
        chosen = covering[: self.most_tests]
        by_name = {t.split("::")[-1].split("[")[0]: t for t in chosen}
        first = self._grade(proof, chosen, proof.candidate.patch, first=True)
        if first.infra_error:
            proof.status, proof.detail = _start_or_infra(first)
            return
        outcomes = self._outcomes(first)
        failed = sorted(n for n, runs in outcomes.items() if any(o != "passed" for o, _ in runs))
        if not failed:
            proof.status = (
                "no_start" if first.reason.startswith("the app did not start") else "survived"
            )
            proof.detail = first.reason
            return
        if len(failed) > self.most_failing:
            proof.status = "too_broad"
            proof.detail = f"{len(failed)} of {len(chosen)} tests failed"
            return
        proof.fail_to_pass = [by_name[n] for n in failed if n in by_name]
        proof.pass_to_pass = [t for t in chosen if t not in proof.fail_to_pass][: self.keep_p2p]
        proof.failures = {
            by_name[n]: _first_line(next(m for o, m in outcomes[n] if o != "passed"))
            for n in failed
            if n in by_name
        }
        # the same verdict twice more (and the pass-to-pass tests still pass)
        again = self._grade(proof, proof.fail_to_pass + proof.pass_to_pass, proof.candidate.patch, repeat=2)  # fmt: skip
        if again.infra_error:
            proof.status, proof.detail = _start_or_infra(again)
            return
        for name, runs in self._outcomes(again).items():
            test = by_name.get(name)
            want_fail = test in proof.fail_to_pass
            if any((o != "passed") != want_fail for o, _ in runs) or len(runs) != 2:
                proof.status = "flaky"
                proof.detail = f"{name}: {[o for o, _ in runs]} on a repeat"
                return
        clean = self._grade(proof, proof.fail_to_pass + proof.pass_to_pass, "")
        if clean.infra_error or not clean.passed:
            proof.status = "infra" if clean.infra_error else "clean_fails"
            proof.detail = clean.infra_error or clean.reason
            return
        if len(proof.candidate.mutations) > 1:
            self.prove_alone(proof)

    def prove_alone(self, proof: Proof) -> None:
        """Step 4 for a combination proved by steps 1-3 (also one proved before step 4 was
        part of the proof): each mutation alone on the fail-to-pass tests; ``status`` becomes
        "masked" when one breaks none of them."""
        proof.alone = []
        for m in proof.candidate.mutations:
            patch = mutations_patch(self.app.root, (m,))
            assert patch is not None  # one mutation of a candidate that was made
            # twice: a test it breaks only now and then would let a partial fix be paid
            result = self._grade(proof, proof.fail_to_pass, patch, repeat=2)
            if result.infra_error:
                proof.status, proof.detail = _start_or_infra(result)
                proof.alone = None
                return
            outcomes = self._outcomes(result)
            broken = [t for t in proof.fail_to_pass
                      if (runs := outcomes.get(suite_test_of(t), []))
                      and all(o != "passed" for o, _ in runs)]  # fmt: skip
            proof.alone.append(broken)
            if not broken:
                proof.status = "masked"
                proof.detail = (
                    f"{m.site} alone breaks none of {len(proof.fail_to_pass)} failing tests"
                )
                return


def _first_line(message: str) -> str:
    """A failure's first lines, and the element it waited for (Playwright's call log names it)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    head = " ".join(lines[:3])[:400]
    m = re.search(r"waiting for ((?:get_by_\w+|locator)\(.*)", message)
    return f"{head} [waiting for {m.group(1).strip()[:200]}]" if m else head


def _start_or_infra(result: GradeResult) -> tuple[str, str]:
    text = result.infra_error or ""
    if "did not start" in text or "build" in text.lower():
        return "no_start", text[:400]
    return "infra", text[:400]
