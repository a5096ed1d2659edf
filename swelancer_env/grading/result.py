"""The outcome of grading one submission."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from swelancer_env.grading.junit import TestCase

__all__ = ["GradeResult"]


class GradeResult(BaseModel):
    """What the hidden tests said about a submission, and what it earned.

    ``passed`` is true only when at least one test ran and every test passed: an error, a
    skipped test or no test at all fails closed. ``infra_error`` is set when the harness could
    not reach a verdict; then nothing was earned *and nothing was failed*: retry it.
    """

    model_config = ConfigDict(extra="forbid")

    task_id: str
    passed: bool
    earned: float = 0.0
    price: float
    fraction_passed: float = 0.0
    tests: list[TestCase] = Field(default_factory=list)
    reason: str = ""  # why it failed, in a sentence
    infra_error: str | None = None
    seconds: float = 0.0  # wall time of the whole grading
    pytest_seconds: float = 0.0  # wall time of the hidden tests' pytest run
    diff_bytes: int = 0
    #: the app's regression tests run besides the hidden ones (pass-to-pass: chosen by what the
    #: diff changes; their names in ``tests`` start with ``p2p.``)
    regression_tests: list[str] = Field(default_factory=list)

    @property
    def n_passed(self) -> int:
        return sum(t.outcome == "passed" for t in self.tests)

    def public(self) -> dict[str, object]:
        """What the agent may see of it (``info["grade"]``): figures, never the hidden tests.

        The tests' names, messages and pytest's output tell what the hidden tests check (their
        data, their expected values): a policy trained on them would learn the tests, not the
        fix. They stay in the full result (``env.unwrapped.last_grade``) for the researcher.
        """
        infra = self.infra_error.splitlines()[0][:300] if self.infra_error else None
        return {
            "task_id": self.task_id,
            "passed": self.passed,
            "earned": self.earned,
            "price": self.price,
            "fraction_passed": self.fraction_passed,
            "tests_run": len(self.tests),
            "tests_passed": self.n_passed,
            "reason": self.reason,
            "infra_error": infra,
            "seconds": self.seconds,
            "pytest_seconds": self.pytest_seconds,
            "diff_bytes": self.diff_bytes,
        }

    def summary(self) -> str:
        """One line for a person."""
        if self.infra_error:
            return f"INFRASTRUCTURE ERROR (not graded): {self.infra_error}"
        if not self.tests and not self.passed and self.reason:
            return f"FAILED, earned $0.00: {self.reason}"
        verdict = "PASSED" if self.passed else "FAILED"
        line = f"{verdict}: {self.n_passed}/{len(self.tests)} hidden tests passed, earned ${self.earned:,.2f}"
        return f"{line} ({self.reason})" if self.reason and not self.passed else line
