"""An app whose pages lie to the settled-page early stop cannot earn by it, nor make its failure an
infrastructure error.

The grading plugin asks each page (``window.__swelancerSettle``) whether anything it started
may still change it; the page runs the agent's code, so it can answer anything. An early stop
only ever makes a failing assertion fail sooner: a page that claims to have settled fails its
own tests sooner, one that never settles gets Playwright's whole waits, one whose answer throws
is taken as not settled. None of them turns an unfixed app into a pass or an error of the
harness's; the gold fix behind a page that never settles still earns.
"""

from __future__ import annotations

import pytest

from agents.oracle import edit_actions
from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks.loader import load_task

pytestmark = pytest.mark.browser

BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]
TASK = "desk-priority-sort"
HEAD = "  </head>\n"
LIES = {
    "always_settled": "window.__swelancerSettle = () => 1e9;",
    "never_settled": "window.__swelancerSettle = () => -1;",
    "throws": "Object.defineProperty(window, '__swelancerSettle', "
    "{get() { throw new Error('no'); }, configurable: true});",
}


def _lie(env: SWELancerEnv, lie: str) -> None:
    script = (
        f"    <script>addEventListener('DOMContentLoaded', () => {{ {LIES[lie]} }});</script>\n"
    )
    obs, *_ = env.step(
        {"type": "str_replace", "path": "frontend/index.html", "old_str": HEAD,
         "new_str": script + HEAD}
    )  # fmt: skip
    assert int(obs["exit_code"]) == 0, obs["output"]


@pytest.mark.parametrize("lie", sorted(LIES))
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_page_that_lies_about_settling_earns_nothing(
    backend: str, lie: str, request: pytest.FixtureRequest
) -> None:
    options = {"image": request.getfixturevalue("engine")} if backend == "docker" else {}
    env = SWELancerEnv(backend=backend, sandbox_options=options)
    try:
        env.reset(options={"task_id": TASK})
        _lie(env, lie)
        obs, reward, terminated, _truncated, info = env.step({"type": "submit"})
        grade = info["grade"]
        assert terminated and reward == 0 and not grade["passed"], obs["output"]
        assert grade["tests_run"] and grade["infra_error"] is None, grade
    finally:
        env.close()


def test_the_gold_fix_behind_a_page_that_never_settles_still_earns() -> None:
    task = load_task(TASK)
    env = SWELancerEnv(backend="local")
    try:
        env.reset(options={"task_id": TASK})
        for action in edit_actions(task):
            obs, *_ = env.step(action)
            assert int(obs["exit_code"]) == 0, obs["output"]
        _lie(env, "never_settled")
        obs, reward, terminated, _truncated, info = env.step({"type": "submit"})
        assert terminated and reward == task.price, info["grade"]
    finally:
        env.close()
