"""The wheel holds what an installed swelancer-env needs, under names that clash with nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_the_wheel_has_every_package_and_the_templates(tmp_path: Path) -> None:
    # built from a copy: setuptools writes build/ into the folder it builds
    source = tmp_path / "src"
    skip = shutil.ignore_patterns(".git", ".venv", "runs", "build", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=skip)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    [wheel] = tmp_path.glob("swelancer_env-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"swelancer_env", "swelancer_agents"}  # no top-level `agents`
    for source in [*ROOT.glob("swelancer_env/**/*.py"), *ROOT.glob("agents/*.py")]:
        rel = source.relative_to(ROOT).as_posix().replace("agents/", "swelancer_agents/", 1)
        rel = rel if rel.startswith("swelancer_") else source.relative_to(ROOT).as_posix()
        assert rel in names, f"{rel} is not in the wheel: list its package in pyproject.toml"
    for template in ROOT.glob("swelancer_env/evaluation/templates/*.j2"):
        assert template.relative_to(ROOT).as_posix() in names
    # the bundled apps and tasks, without caches or build output
    src_tasks = tmp_path / "src" / "tasks"
    bundled = {n.removeprefix("swelancer_env/bundled/") for n in names if "/bundled/" in n}
    for path in (src_tasks).glob("**/*"):
        rel = path.relative_to(src_tasks).as_posix()
        if path.is_file() and not {"__pycache__", "node_modules", "dist"} & set(path.parts):
            assert rel in bundled, f"tasks/{rel} is not in the wheel"
    assert not [n for n in bundled if "__pycache__" in n or "node_modules" in n]
    # installed from the wheel alone, the package finds its bundled tasks
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)], check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); from swelancer_env.tasks import loader; "
        "print(loader.BUNDLED_TASKS); print(len(loader.list_tasks()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(target)], capture_output=True, text=True, check=True,
        cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    ).stdout.split()  # fmt: skip
    tasks = len([t for t in (src_tasks).glob("*/*/task.toml") if t.parts[-3] != "apps"])
    assert out == [str(target / "swelancer_env" / "bundled"), str(tasks)]
