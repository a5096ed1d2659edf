"""The stand-in official image (tests/official/standin), its task, and backends that run it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from swelancer_env.backends import make_backend
from swelancer_env.official.loader import read_csv
from swelancer_env.tasks.model import Task

STANDIN = Path(__file__).with_name("standin")

#: the stand-in's halves of run_test.yml: the app (the repository's own server, as
#: ``npm run web``) and the tests (a script in the image's /app/tests)
STANDIN_COMMANDS = {
    "setup_command": "bash /app/tests/setup.sh",
    "app_command": "exec python3 src/serve.py",
    "test_command": "bash /app/tests/run_test.sh",
}


@pytest.fixture(scope="session")
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


@pytest.fixture
def standin_backend(
    standin_image: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """Makes an official backend on the stand-in (``overrides``: config fields), with the
    exported starting states in this test's own cache."""
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))

    def make(**overrides: Any) -> Any:
        config = {"type": "official", "image": standin_image, "memory": "1g"}
        return make_backend({**config, **STANDIN_COMMANDS, **overrides})

    return make
