"""The official-image backend, for real, on a stand-in image built offline that follows the
official layout (tests/official/standin): set up as the official harness does, the agent's
container without the hidden tests, an unchanged tree fails, the fix passes, graded from
JUnit in a fresh container."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from swelancer_env.backends import OfficialConfig, make_backend
from swelancer_env.errors import ConfigError
from swelancer_env.official.loader import read_csv
from swelancer_env.tasks.model import Task

STANDIN = Path(__file__).with_name("standin")
pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def standin_image(engine: str) -> str:
    """The stand-in, built FROM the sandbox image with no network (cached by content)."""
    from swelancer_env.backends.docker.engine import docker_client

    h = hashlib.sha256(engine.encode())
    for path in sorted(p for p in STANDIN.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(STANDIN)).encode() + path.read_bytes())
    tag = f"swelancer-official-standin:{h.hexdigest()[:12]}"
    client = docker_client()
    try:
        client.images.get(tag)
    except Exception:  # noqa: BLE001 - not built yet
        client.images.build(path=str(STANDIN), buildargs={"BASE": engine}, tag=tag,
                            network_mode="none", rm=True, forcerm=True)  # fmt: skip
    return tag


@pytest.fixture
def task() -> Task:
    loaded = read_csv(STANDIN / "tasks.csv", STANDIN / "tests" / "issues")
    assert loaded.skipped == []
    return loaded.tasks[0]


def _backend(image: str) -> object:
    return make_backend(
        {"type": "official", "image": image, "setup_command": "bash /app/tests/setup.sh",
         "test_command": "bash /app/tests/run_test.sh", "memory": "1g"}
    )  # fmt: skip


def test_the_defaults_are_the_official_harness() -> None:
    config = OfficialConfig()
    assert config.image == "swelancer_x86_{question_id}:latest"
    assert config.setup_command.endswith("/app/tests/setup_expensify.yml")
    assert config.test_command.endswith("/app/tests/run_test.yml")
    assert (config.repo_path, config.tests_path) == ("/app/expensify", "/app/tests")


def test_a_missing_image_says_what_to_do(task: Task, engine: str) -> None:
    backend = make_backend({"type": "official", "image": "swelancer_x86_{question_id}:nope"})
    with pytest.raises(ConfigError, match=r"swelancer_x86_90001_1:nope is not on this engine"):
        backend.sandbox(task)  # type: ignore[attr-defined]


def test_set_up_as_officially_then_graded_from_junit(
    standin_image: str, task: Task, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    backend = _backend(standin_image)
    sandbox = backend.sandbox(task)  # type: ignore[attr-defined]
    try:
        assert sandbox.run("pwd", 30).output.strip() == "/app/expensify"
        code = sandbox.run("cat src/money.py", 30).output
        assert "return [base] * people" in code  # the bug, reintroduced by the setup
        assert "LATER.md" not in sandbox.run("ls", 30).output  # at the task's commit
        hidden = sandbox.run("ls -A /app/tests; echo end", 30).output
        assert hidden.split() == ["end"]  # the hidden tests are not in the agent's container
        grader = backend.grader()  # type: ignore[attr-defined]
        unchanged = grader.grade(task, "")
        assert unchanged.infra_error is None, unchanged.infra_error
        assert not unchanged.passed and unchanged.earned == 0 and unchanged.tests
        fix = "return [base + (1 if i < rest else 0) for i in range(people)]"
        sandbox.run(f"sed -i 's/return \\[base\\] \\* people/{fix}/' src/money.py", 30)
        diff = sandbox.diff(task.acceptable_paths)
        assert "src/money.py" in diff
        fixed = grader.grade(task, diff)
        assert fixed.infra_error is None, fixed.infra_error
        assert fixed.passed and fixed.earned == 500.0 and len(fixed.tests) == 2
        broken = grader.grade(
            task, diff.replace("for i in range(people)]", "for i in range(people)")
        )
        assert not broken.passed  # a diff that does not apply, or a file that does not parse
    finally:
        sandbox.stop()


def test_a_report_planted_as_a_link_is_not_read(
    standin_image: str, task: Task, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grading container runs the agent's code as root: a junit.xml it makes a link to a
    host path is refused, never followed (attack: read a host file through the report)."""
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    secret = tmp_path / "host-report.xml"
    secret.write_text('<testsuite><testcase name="forged"/></testsuite>')
    backend = make_backend(
        {"type": "official", "image": standin_image, "setup_command": "bash /app/tests/setup.sh",
         "test_command": f"ln -s {secret} /grade/junit.xml", "memory": "1g"}
    )  # fmt: skip
    grade = backend.grader().grade(task, "")  # type: ignore[attr-defined]
    assert not grade.passed and grade.tests == []
    assert "not a regular file" in grade.reason
