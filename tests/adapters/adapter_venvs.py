"""Venvs with an RL framework and this project, for the adapter tests: cached across runs under
~/.cache/swelancer-env/<name>-venv-<version>, built aside and renamed into place (as
tests/serving/serve_kit.py does for OpenEnv). The tests run their scripts there by subprocess."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

VERIFIERS_VERSION = "0.3.1"
SKYRL_GYM_VERSION = "0.4.0"
INSPECT_VERSION = "0.3.285"
#: the Harbor release the ATIF export and the Harbor task export are tested with
HARBOR_VERSION = "0.26.0"


def _cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "swelancer-env"


def _runs(venv: Path, check: str) -> bool:
    python = venv / "bin" / "python"
    return python.exists() and subprocess.run(
        [str(python), "-c", check], capture_output=True, check=False
    ).returncode == 0  # fmt: skip


def cached_venv(name: str, installs: list[list[str]], check: str, python: str = sys.executable) -> Path:  # fmt: skip
    """A venv ``<cache>/<name>`` made by ``python`` with each of ``installs`` pip-installed in
    turn (from PyPI), cached while ``check`` (Python) runs in it. Built aside and renamed into
    place, so a killed run leaves no half-built venv: run it as ``bin/python -m`` (its scripts
    name the folder it was built in). Fails the test, with pip's message, when it cannot be
    built."""
    venv = _cache() / name
    if _runs(venv, check):
        return venv
    _cache().mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=_cache(), prefix=f".{venv.name}."))
    try:
        subprocess.run([python, "-m", "venv", str(tmp)], check=True, capture_output=True)
        pip = [str(tmp / "bin" / "python"), "-m", "pip", "install", "--quiet",
               "--disable-pip-version-check"]  # fmt: skip
        for args in installs:
            proc = subprocess.run([*pip, *args], capture_output=True, text=True, timeout=1800)
            if proc.returncode != 0:
                pytest.fail(f"pip install {args} failed (needs PyPI):\n{proc.stderr[-3000:]}",
                            pytrace=False)  # fmt: skip
        shutil.rmtree(venv, ignore_errors=True)
        try:
            tmp.rename(venv)
        except OSError:  # another run got there first
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not _runs(venv, check):
        pytest.fail(f"the venv {venv} was built but `{check}` fails in it", pytrace=False)
    return venv


def framework_venv(name: str, requirement: str, version: str, check: str) -> Path:
    """A venv with ``requirement`` and this project (``pip install -e``, one resolve of both),
    cached as ``<name>-venv-<version>``; ``check``: Python that must run in it."""
    # the framework imports, and swelancer_env is this checkout's (an editable install)
    mine = f"import swelancer_env; assert swelancer_env.__file__.startswith({str(ROOT)!r})"
    return cached_venv(f"{name}-venv-{version}", [[requirement, "-e", str(ROOT)]],
                       f"{check}\n{mine}")  # fmt: skip


def verifiers_venv() -> Path:
    return framework_venv(
        "verifiers", f"verifiers=={VERIFIERS_VERSION}", VERIFIERS_VERSION, "import verifiers"
    )


def skyrl_venv() -> Path:
    return framework_venv(
        "skyrl-gym", f"skyrl-gym=={SKYRL_GYM_VERSION}", SKYRL_GYM_VERSION, "import skyrl_gym"
    )


def inspect_venv() -> Path:
    return framework_venv(
        "inspect-ai", f"inspect-ai=={INSPECT_VERSION}", INSPECT_VERSION, "import inspect_ai"
    )


def run_script(venv: Path, script: str, *args: str, timeout: float = 600) -> str:
    """Run ``script`` (Python source) with the venv's interpreter; its stdout, or a failed test
    with its output."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.fail(
            f"the script failed ({proc.returncode}):\n--- stdout\n{proc.stdout[-4000:]}\n"
            f"--- stderr\n{proc.stderr[-6000:]}",
            pytrace=False,
        )
    return proc.stdout


def _is_py312(python: str) -> bool:
    try:
        proc = subprocess.run([python, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
    except OSError:
        return False
    return proc.returncode == 0 and proc.stdout.strip() == "True"


def harbor_python() -> str:
    """A Python >= 3.12 for Harbor: $SWELANCER_HARBOR_PYTHON, python3.13 or python3.12 on PATH,
    else a pyenv one; the test is skipped, saying how to provide one, where there is none (a
    wrong $SWELANCER_HARBOR_PYTHON fails it)."""
    given = os.environ.get("SWELANCER_HARBOR_PYTHON")
    if given:
        if not _is_py312(given):
            pytest.fail(
                f"SWELANCER_HARBOR_PYTHON={given} is not a working Python >= 3.12; point it at "
                "one (Harbor needs 3.12), e.g. /root/.pyenv/versions/3.12.1/bin/python3.12",
                pytrace=False,
            )
        return given
    candidates = [shutil.which(n) for n in ("python3.13", "python3.12")]
    candidates += sorted(glob.glob("/root/.pyenv/versions/3.1[2-9]*/bin/python3.1*"))
    for c in candidates:
        if c and not c.endswith("-config") and _is_py312(c):
            return c
    pytest.skip(
        "Harbor needs Python >= 3.12 and this machine has none (tried python3.13, python3.12 "
        "and /root/.pyenv/versions/3.1[2-9]*; Debian 12 ships 3.11). Install one (pyenv, or "
        "`uv python install 3.12` where downloads work) and set "
        "SWELANCER_HARBOR_PYTHON=/path/to/python3.12."
    )


def harbor_venv() -> Path:
    """A venv with harbor==HARBOR_VERSION and its dependencies (about 470 MB, 2-4 minutes once;
    not this project: Harbor runs the exported tasks and reads the exported trajectories on its
    own), in a Python >= 3.12."""
    return cached_venv(f"harbor-venv-{HARBOR_VERSION}", [[f"harbor=={HARBOR_VERSION}"]],
                       "import harbor.cli.main, harbor.models.trajectories", harbor_python())  # fmt: skip
