"""A Harbor environment on the Docker CLI alone, and an attacking agent, for the Harbor
export's test (imported inside the Harbor venv only).

Harbor's own Docker environment drives ``docker compose`` and a bridge network; the test
machine's engine has neither (``--bridge=none``, no compose plugin). This class is what Harbor
calls a custom environment (``harbor run --env harbor_kit:DockerCli``):
``docker build``, ``docker run --network none``, ``docker exec`` and ``docker cp``, nothing
else, so that Harbor's own trial loop (its oracle agent, its verifier and reward parsing) runs
the exported tasks unchanged.

:class:`SquatterAgent` applies a fix it is given (a knowing agent) and leaves a server on the
app's port behind it, in a session of its own: the verifier must kill it, or the app cannot
start and the right fix earns nothing. It also leaves links where the verifier writes its
verdict, which the verifier must replace, not follow. With ``fifo=1`` it leaves a FIFO where a manager's
choice goes, which a careless verifier would block on.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from harbor.agents.base import BaseAgent  # type: ignore[import-not-found]
from harbor.environments.base import BaseEnvironment, ExecResult  # type: ignore[import-not-found]
from harbor.environments.capabilities import (  # type: ignore[import-not-found]
    EnvironmentCapabilities,
)
from harbor.models.environment_type import EnvironmentType  # type: ignore[import-not-found]

#: the label the test removes leftovers by
LABEL = "swelancer-env.harbor-test"


async def _docker(*args: str, stdin: bytes | None = None, timeout: float | None = None,
                  env: dict[str, str] | None = None) -> ExecResult:  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        "docker", *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(stdin), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return ExecResult(stdout="", stderr=f"timed out after {timeout} s", return_code=124)
    return ExecResult(stdout=out.decode(errors="replace"), stderr=err.decode(errors="replace"),
                      return_code=proc.returncode or 0)  # fmt: skip


async def _checked(*args: str, **kw: Any) -> ExecResult:
    result = await _docker(*args, **kw)
    if result.return_code:
        raise RuntimeError(f"docker {' '.join(args[:3])} failed: {result.stderr[-2000:]}")
    return result


class DockerCli(BaseEnvironment):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name = f"harbor-{self.session_id}".lower().replace(".", "-")[:60]
        self._image = f"harbor-test-{self.environment_name}".lower()[:100]

    @staticmethod
    def type() -> EnvironmentType:
        return EnvironmentType.DOCKER

    @property
    def capabilities(self) -> EnvironmentCapabilities:
        # logs are copied out, not mounted; `--network none` is no network
        return EnvironmentCapabilities(disable_internet=True)

    def _validate_definition(self) -> None:
        if not (self.environment_dir / "Dockerfile").is_file():
            raise FileNotFoundError(f"{self.environment_dir}/Dockerfile")

    async def start(self, force_build: bool) -> None:
        # the legacy builder: the test engine has no buildx, and the Dockerfile only copies
        await _checked("build", "--network", "none", "--label", LABEL, "-t", self._image,
                       str(self.environment_dir), env={"DOCKER_BUILDKIT": "0"})  # fmt: skip
        await _docker("rm", "-f", self._name)
        await _checked("run", "-d", "--network", "none", "--label", LABEL, "--name", self._name,
                       "--init", self._image, "sleep", "infinity")  # fmt: skip
        # the log folders, writable by the agent's user as Harbor's own mounts are
        await _checked("exec", "-u", "root", self._name, "bash", "-c",
                       "mkdir -p /logs/agent /logs/verifier /logs/artifacts && chmod 777 "
                       "/logs/agent /logs/verifier /logs/artifacts")  # fmt: skip

    async def stop(self, delete: bool) -> None:
        await _docker("rm", "-f", self._name)
        if delete:
            await _docker("image", "rm", "-f", self._image)

    async def exec(self, command: str, cwd: str | None = None, env: dict[str, str] | None = None,
                   timeout_sec: int | None = None, user: str | int | None = None) -> ExecResult:  # fmt: skip
        user = self._resolve_user(user)
        env = self._merge_env(env)
        args = ["exec"]
        if cwd or self.task_env_config.workdir:
            args += ["-w", cwd or self.task_env_config.workdir]
        for key, value in (env or {}).items():
            args += ["-e", f"{key}={value}"]
        if user is not None:
            args += ["-u", str(user)]
        return await _docker(*args, self._name, "bash", "-c", command, timeout=timeout_sec)

    async def upload_file(self, source_path: Path | str, target_path: str) -> None:
        parent = str(Path(target_path).parent)
        await _checked("exec", "-u", "root", self._name, "mkdir", "-p", parent)
        await _checked("cp", str(source_path), f"{self._name}:{target_path}")

    async def upload_dir(self, source_dir: Path | str, target_dir: str) -> None:
        await _checked("exec", "-u", "root", self._name, "mkdir", "-p", target_dir)
        await _checked("cp", f"{source_dir}/.", f"{self._name}:{target_dir}")

    async def download_file(self, source_path: str, target_path: Path | str) -> None:
        Path(target_path).parent.mkdir(parents=True, exist_ok=True)
        await _checked("cp", f"{self._name}:{source_path}", str(target_path))

    async def download_dir(self, source_dir: str, target_dir: Path | str) -> None:
        Path(target_dir).mkdir(parents=True, exist_ok=True)
        await _checked("cp", f"{self._name}:{source_dir}/.", str(target_dir))


class _TestAgent(BaseAgent):
    """A hostile agent of the tests: nothing to install, one version."""

    def version(self) -> str:
        return "1"

    async def setup(self, environment: BaseEnvironment) -> None:
        return


class SquatterAgent(_TestAgent):
    def __init__(self, *args: Any, patch: str = "", fifo: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patch, self.fifo = patch, fifo

    @staticmethod
    def name() -> str:
        return "squatter"

    async def run(self, instruction: str, environment: BaseEnvironment, context: Any) -> None:
        if self.patch:
            await environment.upload_file(self.patch, "/tmp/fix.diff")
            done = await environment.exec("git apply /tmp/fix.diff && echo applied")
            assert "applied" in (done.stdout or ""), done
        if self.fifo:
            await environment.exec("mkfifo /app/manager_decision.json")
        # links where the verifier writes its verdict (the agent may write /logs/verifier): a
        # verifier that followed them would fail to write, or write where the agent chose
        await environment.exec(
            "for f in verdict.json junit.xml reward.json; do "
            "ln -sf /nonexistent/agent-chose/$f /logs/verifier/$f; done"
        )
        # a server on the app's port, in a session of its own, outliving this exec
        await environment.exec(
            "setsid nohup python3 -m http.server 8000 >/dev/null 2>&1 < /dev/null & sleep 1"
        )
        up = await environment.exec("python3 -c \"import urllib.request as u; "
                                    "print(u.urlopen('http://127.0.0.1:8000').status)\"")  # fmt: skip
        assert "200" in (up.stdout or ""), up


class KeeperKillerAgent(_TestAgent):
    """Changes the tally app so that, once started, it kills the app keeper (which runs as the
    same user) before it can answer: the agent's own doing, so a reward of 0, not a harness
    error."""

    @staticmethod
    def name() -> str:
        return "keeper-killer"

    async def run(self, instruction: str, environment: BaseEnvironment, context: Any) -> None:
        line = "import subprocess; subprocess.run(['pkill', '-KILL', '-f', 'keeper inside a harness'])"  # fmt: skip
        done = await environment.exec(f'sed -i "1i {line}" server/main.py && echo changed')
        assert "changed" in (done.stdout or ""), done
