"""An agent cannot turn its failing submission into an infrastructure error.

An infrastructure error is left out of pass@k and retried, so an agent that could cause one on
the tasks it cannot solve would report its pass@1 over the tasks it solved. Each attack below
changes the app so that grading goes wrong in a way its own code causes; each must be a failed
grading (reward 0, a reason), never ``infra_error``, on both backends:

- ``flood``: the app answers the hidden tests' data reset (``POST /api/dev/reset``) with 64 MiB
  (found: 6 GiB got the grader's pytest OOM-killed, an "INFRASTRUCTURE ERROR");
- ``hang``: the reset never answers;
- ``crash``: the app exits at its first request;
- ``not_http``: the app answers its readiness check with bytes that are not HTTP (found: the
  start's poll raised ``BadStatusLine`` out of the grading, a crash of the harness);
- ``kill_keeper``: the app, as it starts, kills the Docker backend's app keeper, which runs as
  the same user, before it answers ("the app keeper exited 137": the grader grades the starting
  state, which passes, and blames the change; the Harbor export's verifier had no such check and
  reported it as an infrastructure error until this attack's twin in its test).
"""

from __future__ import annotations

import pytest

from swelancer_env.env import SWELancerEnv

pytestmark = pytest.mark.browser

BACKENDS = ["local", pytest.param("docker", marks=pytest.mark.docker)]
TASK = "desk-priority-sort"
HANDLE = "    def handle(self, request: Request) -> Response:\n"
DO_GET = "    def do_GET(self) -> None:\n"
#: attacks on another file than server/desk/app.py: (path, old, new)
RAW = {
    "not_http": ("server/desk/web.py", DO_GET, DO_GET + '        if self.path == "/api/health":\n'
                 '            self.wfile.write(b"Content-Type: text/plain\\r\\n\\r\\nready")\n'
                 "            return\n"),
    "kill_keeper": ("server/desk/web.py", "import json\n", "import json\nimport subprocess\n"
                    "subprocess.run(['pkill', '-KILL', '-f', 'keeper inside a harness'])\n"),
}  # fmt: skip
ATTACKS = {
    "flood": HANDLE + '        if request.path == "/api/dev/reset":\n'
    '            return Response(200, b"x" * (64 << 20), {"Content-Type": "application/json"})\n',
    "hang": HANDLE + '        if request.path == "/api/dev/reset":\n'
    "            import time\n            time.sleep(3600)\n",
    "crash": HANDLE + '        if request.path == "/api/dev/reset":\n'
    "            import os\n            os._exit(3)\n",
}


@pytest.mark.parametrize("attack", sorted([*ATTACKS, *RAW]))
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failure_the_apps_code_causes_is_a_failed_grading(
    backend: str, attack: str, request: pytest.FixtureRequest
) -> None:
    options = {"image": request.getfixturevalue("engine")} if backend == "docker" else {}
    env = SWELancerEnv(backend=backend, sandbox_options=options)
    try:
        env.reset(options={"task_id": TASK})
        path, old, new = RAW.get(attack) or ("server/desk/app.py", HANDLE, ATTACKS[attack])
        obs, *_ = env.step({"type": "str_replace", "path": path, "old_str": old, "new_str": new})
        assert int(obs["exit_code"]) == 0, obs["output"]
        obs, reward, terminated, _truncated, info = env.step({"type": "submit"})
        grade = info["grade"]
        assert terminated and reward == 0 and not grade["passed"], obs["output"]
        assert grade["infra_error"] is None, f"{attack}: {grade['infra_error']}"
        assert "infra_error" not in info
        assert "/tmp/" not in str(obs["output"]), obs["output"]
    finally:
        env.close()
