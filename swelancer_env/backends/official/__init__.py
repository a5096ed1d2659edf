"""The official-image backend: official SWE-Lancer IC tasks on the benchmark's own image.

The task is set up as the official harness does it, in a container of the image (per task, or
one monolith): ``ISSUE_ID`` set, the setup command run (officially ``setup_expensify.yml``:
the repository checked out at the task's commit and the bug reintroduced). The repository as
the setup left it is the starting state (exported once per image and task). Then our rules
apply on top:

- the agent's container is the same image with that tree mounted at the repository's place and
  the tests folder shown empty: the hidden tests and the fix are never in it;
- a grading is a fresh container of the image with the starting state plus the agent's diff
  (acceptable paths only) mounted in place, the test command run (officially ``run_test.yml``,
  which starts the app and runs ``pytest issues/$ISSUE_ID/test.py``), and the verdict read
  from a JUnit report that pytest writes (``PYTEST_ADDOPTS``), never from log text: no report,
  a skipped test or no test is a fail.

The official images cannot be pulled in CI; the tests run this backend on a small image built
offline that follows the official layout (``tests/official/standin``).
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from swelancer_env.backends.base import Backend
from swelancer_env.backends.docker.config import DockerConfig
from swelancer_env.errors import ConfigError, InfrastructureError

if TYPE_CHECKING:
    from swelancer_env.browser.user_tool import UserToolSession
    from swelancer_env.grading.grader import Grader
    from swelancer_env.sandbox.base import Sandbox
    from swelancer_env.tasks.model import Task

__all__ = ["OfficialBackend", "OfficialConfig"]

#: the official harness's commands (its Ansible playbooks under /app/tests)
OFFICIAL_SETUP = "ansible-playbook -i localhost, --connection=local /app/tests/setup_expensify.yml"
OFFICIAL_TEST = "ansible-playbook -i localhost, --connection=local /app/tests/run_test.yml"


class OfficialConfig(DockerConfig):
    """Settings of the official-image backend (the Docker backend's, plus these).

    Attributes:
        image: the official image; ``{question_id}`` is replaced by the task's id (the
            per-task images), a name without it is one image for all (the monolith).
        setup_command: run as root with ``ISSUE_ID`` set, in the repository's folder.
        test_command: run as root with ``ISSUE_ID`` set, on the graded tree; pytest's JUnit
            report gives the verdict.
        repo_path: the repository in the image (the agent's tree is mounted there).
        tests_path: the hidden tests in the image (shown empty to the agent).
        user: the agent's shell user in the image.
    """

    type: Literal["official"] = "official"  # type: ignore[assignment]
    image: str = "swelancer_x86_{question_id}:latest"  # type: ignore[assignment]
    setup_command: str = OFFICIAL_SETUP
    test_command: str = OFFICIAL_TEST
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

    def _run(self, image: str, task: Task, binds: dict[str, dict[str, str]]) -> Any:
        """A root container of ``image`` (no network, the limits), waiting for commands."""
        from swelancer_env.backends.docker.engine import docker_client
        from swelancer_env.backends.docker.sandbox import LABEL, current_run_id

        c = self.config
        return docker_client().containers.run(
            image, ["sleep", "infinity"], detach=True, user="0", network_mode="none",
            mem_limit=c.memory, memswap_limit=c.memory, nano_cpus=int(c.cpus * 1e9),
            pids_limit=c.pids_limit, volumes=binds, environment={"ISSUE_ID": task.id},
            labels={LABEL: "1", f"{LABEL}.run": current_run_id(), f"{LABEL}.task": task.id},
            init=True, security_opt=["no-new-privileges"],
        )  # fmt: skip

    def _exec(
        self, box: Any, command: str, timeout: float, env: dict[str, str] | None = None
    ) -> tuple[int, str]:
        argv = ["timeout", "--kill-after=5", f"{max(1, int(timeout))}", "bash", "-c", command]
        result = box.exec_run(
            argv, user="0", environment=dict(env or {}), workdir=self.config.repo_path
        )
        return int(result.exit_code), result.output.decode("utf-8", "replace")

    # -- the starting state: the repository as the official setup leaves it ---------------

    def exported_tree(self, task: Task, image: str | None = None) -> Path:
        """The repository after the official setup, on the host (made once per image and
        task, atomically); ``image``: as :meth:`image_for` gave it."""
        from swelancer_env.sandbox.worktree import cache_root

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
