"""The official-image backend, for real, on a stand-in image built offline that follows the
official layout (tests/official/standin): set up as the official harness does, the agent's
container without the hidden tests, an unchanged tree fails, the fix passes, graded from
JUnit with the app and the tests in containers of their own (the attacks on that are in
test_official_attacks.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from swelancer_env.backends import OfficialConfig, make_backend
from swelancer_env.errors import ConfigError
from swelancer_env.tasks.model import Task

pytestmark = pytest.mark.docker

FIX = "return [base + (1 if i < rest else 0) for i in range(people)]"


def test_the_defaults_are_the_official_harness() -> None:
    config = OfficialConfig()
    assert config.image == "swelancer_x86_{question_id}:latest"
    assert config.setup_command.endswith("/app/tests/setup_expensify.yml")
    # run_test.yml's two halves: the app's build and server, then the replay and pytest
    assert "npx webpack --config" in config.app_command
    assert config.app_command.rstrip().endswith("exec npm run web")
    assert "mitmdump -s replay.py" in config.test_command
    assert 'pytest "issues/$ISSUE_ID/test.py"' in config.test_command
    assert config.hosts == {"dev.new.expensify.com": "127.0.0.1"}
    assert (config.repo_path, config.tests_path) == ("/app/expensify", "/app/tests")


def test_a_missing_image_says_what_to_do(task: Task, engine: str) -> None:
    backend = make_backend({"type": "official", "image": "swelancer_x86_{question_id}:nope"})
    with pytest.raises(ConfigError, match=r"swelancer_x86_90001_1:nope is not on this engine"):
        backend.sandbox(task)  # type: ignore[attr-defined]


def test_set_up_as_officially_then_graded_from_junit(
    standin_backend: Callable[..., Any], task: Task
) -> None:
    backend = standin_backend()
    sandbox = backend.sandbox(task)
    try:
        assert sandbox.run("pwd", 30).output.strip() == "/app/expensify"
        code = sandbox.run("cat src/money.py", 30).output
        assert "return [base] * people" in code  # the bug, reintroduced by the setup
        assert "LATER.md" not in sandbox.run("ls", 30).output  # at the task's commit
        hidden = sandbox.run("ls -A /app/tests; echo end", 30).output
        assert hidden.split() == ["end"]  # the hidden tests are not in the agent's container
        grader = backend.grader()
        unchanged = grader.grade(task, "")
        assert unchanged.infra_error is None, unchanged.infra_error
        assert not unchanged.passed and unchanged.earned == 0 and unchanged.tests
        sandbox.run(f"sed -i 's/return \\[base\\] \\* people/{FIX}/' src/money.py", 30)
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


def test_the_app_and_the_tests_run_apart(standin_backend: Callable[..., Any], task: Task) -> None:
    """The app container sees neither the tests nor the report's folder; the tests container
    sees neither the graded tree nor the app's processes; they share the network only (the
    app serves what it saw, and the tests' side writes both into its report)."""
    app = (
        "mkdir /tmp/www && cd /tmp/www\n"
        'echo "tests=$(ls -A /app/tests | wc -l) grade=$([ -e /grade ] && echo yes || echo no)" >seen\n'
        "exec python3 -m http.server --bind 127.0.0.1 8082\n"
    )
    tests = (
        "for _ in $(seq 100); do (: </dev/tcp/127.0.0.1/8082) 2>/dev/null && break; sleep 0.1; done\n"
        "seen=$(python3 -c 'import urllib.request as u; "
        'print(u.urlopen("http://dev.new.expensify.com:8082/seen").read().decode().strip())\')\n'
        'mine="repo=$(ls -A /app/expensify | wc -l) app=$(ps -eo args= | grep -c [h]ttp.server)"\n'
        'printf \'<testsuite><testcase classname="%s" name="%s"/></testsuite>\' "$seen" "$mine"'
        " >/grade/junit.xml\n"
    )
    result = standin_backend(app_command=app, test_command=tests).grader().grade(task, "")
    assert result.infra_error is None, result.infra_error
    assert [t.name for t in result.tests] == ["tests=0 grade=no::repo=0 app=0"]


def test_a_report_planted_as_a_link_is_not_read(
    standin_backend: Callable[..., Any], task: Task, tmp_path: Path
) -> None:
    """The report is refused, never followed, if it is a link to a host path (no code of the
    agent's runs where it is written, but the reading does not depend on that)."""
    secret = tmp_path / "host-report.xml"
    secret.write_text('<testsuite><testcase name="forged"/></testsuite>')
    backend = standin_backend(test_command=f"ln -s {secret} /grade/junit.xml")
    grade = backend.grader().grade(task, "")
    assert not grade.passed and grade.tests == []
    assert "not a regular file" in grade.reason
