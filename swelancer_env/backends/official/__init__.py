"""The official-image backend: official SWE-Lancer IC tasks on the benchmark's own image.

The task is set up as the official harness does it, in a container of the image (per task, or
one monolith): ``ISSUE_ID`` set, the setup command run (officially ``setup_expensify.yml``:
the repository checked out at the task's commit and the bug reintroduced). The repository as
the setup left it is the starting state (exported once per image and task). Then our rules
apply on top:

- the agent's container is the same image with that tree mounted at the repository's place and
  the tests folder shown empty: the hidden tests and the fix are never in it;
- a grading (:mod:`.grader`) takes the starting state plus the agent's diff (acceptable paths
  only) and runs the official ``run_test.yml``'s two halves in two fresh containers of the image:
  the *app container* has that tree at the repository's place and the tests folder shown empty,
  and runs ``app_command`` (the webpack build and ``npm run web``) as root, as the official
  harness does; the *tests container* joins the app container's network namespace (so the tests
  reach the app at the loopback addresses the official tests use), shows the repository's folder
  empty, and runs ``test_command`` (mitmdump's replay, ``rewrite_test.py``, ``pytest
  issues/$ISSUE_ID/test.py``). The verdict is read from the JUnit report pytest writes
  (``PYTEST_ADDOPTS``) into ``/grade``, a folder of the harness's mounted in the tests container
  only, never from log text: no report, a skipped test or no test is a fail.

Why two containers. The official ``run_test.yml`` builds and serves the agent's code as root in
the container where pytest then runs and writes its report, and root there can always forge the
verdict: write the report after pytest (an ``atexit`` hook, a daemon waiting for the file),
plant ``sitecustomize`` or a ``.pth`` file in the Python that pytest starts later, rewrite
pytest itself, or trace it (same uid). No report path, file mode or user of pytest's holds
against root in the same container, and the official build and app expect root. So nothing of
the submission runs where the tests run: the app container and the tests container have their
own PID, mount and IPC namespaces and file systems; the submission's processes can neither see,
signal, trace nor write anything of the tests', and ``/grade`` is not mounted where they run.
What the two share is the network namespace (loopback, abstract Unix sockets) and with it the
``/etc/hosts`` file (which the app may rewrite: its names can only point at that loopback): the
app can reach what the tests container listens on (mitmdump's proxy), as in the official
harness; nothing that writes the verdict listens, and neither container may send raw packets
(``NET_RAW`` dropped). The pages the app serves run in the tests' browser, as
in any end-to-end test. The tests see no repository: a test that imported the app's code would
fail rather than run code the agent did not write.

The official images cannot be pulled in CI; the tests run this backend on a small image built
offline that follows the official layout (``tests/official/standin``), with the attacks above.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from swelancer_env.backends.base import Backend
from swelancer_env.backends.docker.config import DockerConfig
from swelancer_env.errors import ConfigError, InfrastructureError

if TYPE_CHECKING:
    from swelancer_env.browser.user_tool import UserToolSession
    from swelancer_env.grading.grader import Grader
    from swelancer_env.sandbox.base import Sandbox
    from swelancer_env.tasks.model import Task

__all__ = ["OfficialBackend", "OfficialConfig"]

#: the official harness's setup (its Ansible playbook under /app/tests)
OFFICIAL_SETUP = "ansible-playbook -i localhost, --connection=local /app/tests/setup_expensify.yml"
#: the app's half of the official ``run_test.yml``: the development build (``webpack.dev.ts``
#: or ``.js``, a failed build ends it), then ``npm run web``, serving until the grading ends
OFFICIAL_APP = (
    "if [ -s /root/.nvm/nvm.sh ]; then source /root/.nvm/nvm.sh; fi\n"
    "for config in config/webpack/webpack.dev.ts config/webpack/webpack.dev.js; do\n"
    '  if [ -f "$config" ]; then npx webpack --config "./$config" || exit 1; fi\n'
    "done\n"
    "exec npm run web\n"
)
#: the tests' half, in /app/tests: mitmdump's replay; the playbook's 10 s pause, after a wait
#: for the app's port (8082), since the app builds in its own container here; ``rewrite_test.py``;
#: pytest on the issue's test.py, its output in the log
OFFICIAL_TEST = (
    'mkdir -p "logs/$ISSUE_ID"\n'
    'nohup mitmdump -s replay.py --ssl-insecure --quiet >"logs/$ISSUE_ID/mitmdump.log" 2>&1 &\n'
    "until (: </dev/tcp/127.0.0.1/8082) 2>/dev/null; do sleep 1; done\n"
    "sleep 10\n"
    'python3.12 rewrite_test.py "issues/$ISSUE_ID/test.py"\n'
    'pytest "issues/$ISSUE_ID/test.py" >"logs/$ISSUE_ID/pytest.log" 2>&1\n'
)


class OfficialConfig(DockerConfig):
    """Settings of the official-image backend (the Docker backend's, plus these).

    Attributes:
        image: the official image; ``{question_id}`` is replaced by the task's id (the
            per-task images), a name without it is one image for all (the monolith).
        setup_command: run as root with ``ISSUE_ID`` set, in the repository's folder.
        app_command: a grading's app: run in the background as root with ``ISSUE_ID`` set, in
            the repository's folder (the graded tree), in the app container, which shows the
            tests folder empty; it serves until the grading ends.
        test_command: a grading's tests: run as root with ``ISSUE_ID`` set, in the tests
            folder, in the tests container, which shares the app container's network and
            shows the repository's folder empty; pytest's JUnit report gives the verdict.
        hosts: names and addresses added to ``/etc/hosts`` of every container (officially the
            app's name on loopback, which ``setup_expensify.yml`` writes in its own container).
        repo_path: the repository in the image (the agent's tree is mounted there).
        tests_path: the hidden tests in the image (shown empty to the agent and to the app).
        user: the agent's shell user in the image.
    """

    type: Literal["official"] = "official"  # type: ignore[assignment]
    image: str = "swelancer_x86_{question_id}:latest"  # type: ignore[assignment]
    setup_command: str = OFFICIAL_SETUP
    app_command: str = OFFICIAL_APP
    test_command: str = OFFICIAL_TEST
    hosts: dict[str, str] = Field(default_factory=lambda: {"dev.new.expensify.com": "127.0.0.1"})
    repo_path: str = "/app/expensify"
    tests_path: str = "/app/tests"
    user: str = "root"
    setup_timeout_s: float = 1800.0


class OfficialBackend(Backend):
    Config = OfficialConfig
    config: OfficialConfig

    def __init__(self, config: OfficialConfig) -> None:
        super().__init__(config)
        self._image_ids: dict[str, str] = {}  # an image's id, as image_for last found it

    # -- the image and its containers ---------------------------------------------------

    def image_for(self, task: Task) -> str:
        if task.official is None or task.variant != "ic_swe":
            raise ConfigError(
                f"the official backend runs official IC tasks; {task.id} is not one (official "
                "manager tasks run on the local or docker backend)"
            )
        image = self.config.image.replace("{question_id}", task.id)
        from swelancer_env.backends.docker.engine import docker_client

        try:
            self._image_ids[image] = docker_client().images.get(image).id.split(":")[-1][:16]
        except Exception as e:  # noqa: BLE001 - docker.errors.ImageNotFound and the like
            if "No such image" in str(e) or "not found" in str(e).lower():
                raise ConfigError(
                    f"the official image {image} is not on this engine: `docker pull` or "
                    "`docker load` it (OpenAI publishes the SWE-Lancer images), or name yours "
                    "with backend={'type': 'official', 'image': ...}"
                ) from None
            raise
        return image

    def _run(
        self,
        image: str,
        task: Task,
        binds: dict[str, dict[str, str]],
        hide: tuple[str, ...] = (),
        network_of: Any = None,
    ) -> Any:
        """A root container of ``image`` (the limits, ``hide``'s folders shown empty), waiting
        for commands; with no network but loopback, its own or ``network_of``'s (a container)."""
        from swelancer_env.backends.docker.engine import docker_client
        from swelancer_env.backends.docker.sandbox import LABEL, current_run_id

        c = self.config
        network: dict[str, Any] = (
            {"network_mode": f"container:{network_of.id}"} if network_of is not None
            else {"network_mode": "none", "extra_hosts": dict(c.hosts)}
        )  # fmt: skip
        return docker_client().containers.run(
            image, ["sleep", "infinity"], detach=True, user="0", **network,
            mem_limit=c.memory, memswap_limit=c.memory, nano_cpus=int(c.cpus * 1e9),
            pids_limit=c.pids_limit, volumes=binds, environment={"ISSUE_ID": task.id},
            tmpfs={path: "size=64k,mode=0555" for path in hide},
            labels={LABEL: "1", f"{LABEL}.run": current_run_id(), f"{LABEL}.task": task.id},
            init=True, security_opt=["no-new-privileges"], cap_drop=["NET_RAW", "MKNOD"],
        )  # fmt: skip

    def _exec(
        self,
        box: Any,
        command: str,
        timeout: float,
        env: dict[str, str] | None = None,
        workdir: str | None = None,
        detach: bool = False,
    ) -> tuple[int, str]:
        """``command`` by bash as root in ``box`` (in ``workdir``, by default the repository's
        folder): its exit code (124: past ``timeout`` s) and output; with ``detach``, started
        in the background (no timeout, nothing returned)."""
        argv = ["bash", "-c", command]
        if not detach:
            argv = ["timeout", "--kill-after=5", f"{max(1, int(timeout))}", *argv]
        result = box.exec_run(
            argv, user="0", environment=dict(env or {}), workdir=workdir or self.config.repo_path,
            detach=detach,
        )  # fmt: skip
        if detach:
            return 0, ""
        return int(result.exit_code), result.output.decode("utf-8", "replace")

    # -- the starting state: the repository as the official setup leaves it ---------------

    def exported_tree(self, task: Task, image: str | None = None) -> Path:
        """The repository after the official setup, on the host (made once per image and
        task, atomically); ``image``: as :meth:`image_for` gave it."""
        from swelancer_env.cache import cache_root

        image = image or self.image_for(task)
        image_id = self._image_ids[image]
        root = cache_root() / "official" / "ic" / f"{task.id}-{image_id}"
        if (root / "tree").is_dir():
            return root / "tree"
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{task.id}-"))
        box = self._run(image, task, {})
        try:
            code, out = self._exec(box, self.config.setup_command, self.config.setup_timeout_s)
            if code != 0:
                raise InfrastructureError(
                    f"the official setup of {task.id} failed (exit {code}): {out[-1500:]}"
                )
            stream, _ = box.get_archive(self.config.repo_path)
            try:
                with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                    tar.extractall(tmp, filter="data")  # no link out of the tree, no devices
            except tarfile.TarError as e:
                raise InfrastructureError(
                    f"the repository of {image} could not be exported: {e}"
                ) from None
            (tmp / Path(self.config.repo_path).name).rename(tmp / "tree")
            shutil.rmtree(tmp / "tree" / ".git", ignore_errors=True)  # the harness makes its own
            try:
                os.rename(tmp, root)
            except OSError:  # another process exported it first
                pass
        finally:
            box.remove(force=True)
            shutil.rmtree(tmp, ignore_errors=True)
        return root / "tree"

    def starting_state(self, task: Task, image: str | None = None) -> Any:
        from swelancer_env.sandbox.worktree import StartingState

        return StartingState.get(task, app_root=self.exported_tree(task, image))

    # -- the three parts ------------------------------------------------------------------

    def sandbox(self, task: Task) -> Sandbox:
        from swelancer_env.backends.docker.sandbox import DockerSandbox

        image = self.image_for(task)
        fields = {
            k: v for k, v in self.config.model_dump().items() if k in DockerConfig.model_fields
        }
        fields.update(
            type="docker", image=image, workdir=self.config.repo_path,
            hide=(*self.config.hide, self.config.tests_path),
        )  # fmt: skip
        sandbox = DockerSandbox(self.starting_state(task, image), DockerConfig(**fields))
        sandbox.start()
        return sandbox

    def grader(self, *, partial_credit: bool = False) -> Grader:
        from swelancer_env.backends.official.grader import OfficialGrader

        return OfficialGrader(self, partial_credit=partial_credit)

    def user_tool(self, task: Task, sandbox: Sandbox) -> UserToolSession:
        raise ConfigError("the official backend has no user tool yet (it is not offered)")
