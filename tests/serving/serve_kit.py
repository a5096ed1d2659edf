"""What the serving tests share: a real `swelancer-env serve` on a free port, its log, and a venv
with OpenEnv's own client."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from swelancer_env.serving.wire import TOKEN_ENV

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
from adapter_venvs import cached_venv  # noqa: E402

OPENENV_VERSION = "0.10.0"


class Server:
    """``swelancer-env serve --port 0 *args`` in a process of its own; ``env``: variables added
    to its environment (which has no token unless given). Its stderr goes to a file: :meth:`log`
    reads it."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="serve-log-", suffix=".txt", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "swelancer_env.cli", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=self._log, text=True,
            env={**{k: v for k, v in os.environ.items() if k != TOKEN_ENV}, **(env or {})},
        )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if match is None:
            self.proc.kill()
            self.proc.wait()
        assert match, (line, self.log())
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"

    def health(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.url}/health", headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.loads(r.read())

    def wait_idle(self, sessions: int = 0, within: float = 30.0, **kw: Any) -> None:
        deadline = time.monotonic() + within
        while self.health(**kw)["active_sessions"] != sessions:
            assert time.monotonic() < deadline, self.health(**kw)
            time.sleep(0.1)

    def log(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    def close_log(self) -> str:
        """The whole log, and its file removed."""
        text = self.log()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)
        return text


def processes_with(marker: str) -> list[int]:
    """The pids whose command line contains ``marker``."""
    found = []
    needle = marker.encode()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    if needle in f.read():
                        found.append(int(name))
            except OSError:
                continue
    return found


def openenv_venv() -> Path:
    """A venv with OpenEnv's package, cached across runs. Its client needs only part of
    OpenEnv's dependencies (gradio and the rest: left out)."""
    return cached_venv(
        f"openenv-venv-{OPENENV_VERSION}",
        [["--no-deps", f"openenv=={OPENENV_VERSION}"],
         ["websockets", "pydantic", "fastapi", "fastmcp<4", "requests"]],
        "from openenv.core.generic_client import GenericEnvClient",
    )  # fmt: skip
