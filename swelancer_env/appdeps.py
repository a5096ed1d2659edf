"""An app's npm dependencies: installed once per lock file, then shared read-only.

An app whose folder holds a ``package-lock.json`` gets its ``node_modules`` from ``npm ci`` run
once, by the harness, into the cache (``<cache>/deps/<app>-<hash of package.json and lock>``),
never inside a sandbox and never in a work tree. Every run of the app's build and every shell
then sees that one folder read-only (bound in by bubblewrap, mounted read-only into containers)
through ``PATH`` (``node_modules/.bin`` first) and ``NODE_PATH``: nothing is copied per
episode, and the agent's code cannot change what another episode builds with.

The dependencies are those of the app as bundled; an agent's edit of ``package.json`` does not
install anything (the sandbox has no network).

Example:
    >>> modules = prepare(load_app("desk"))  # doctest: +SKIP
    >>> build_env(modules)["NODE_PATH"]  # doctest: +SKIP
    '/root/.cache/swelancer-env/deps/desk-1f0c.../node_modules'
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from swelancer_env.errors import AppStartError
from swelancer_env.tasks.model import App

__all__ = ["LOCK_FILE", "build_env", "deps_dir", "has_deps", "prepare"]

LOCK_FILE = "package-lock.json"
_READY = ".swelancer-ready"
NPM_TIMEOUT_S = 600


def has_deps(app: App) -> bool:
    """Whether the app declares npm dependencies (a lock file beside its ``app.toml``)."""
    return (app.root / LOCK_FILE).is_file()


def deps_dir(app: App) -> Path:
    """Where the app's ``node_modules`` is kept: one folder per content of its lock."""
    from swelancer_env.cache import cache_root

    stats = tuple(_stat(app.root / name) for name in ("package.json", LOCK_FILE))
    return cache_root() / "deps" / f"{app.name}-{_digest(str(app.root), stats)}"


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


@functools.lru_cache(maxsize=64)
def _digest(root: str, stats: tuple[tuple[int, int, int] | None, ...]) -> str:
    """The hash of the app's package.json and lock, read again only when their stat changes
    (``prepare`` runs at every reset and app start)."""
    digest = hashlib.sha256()
    for name in ("package.json", LOCK_FILE):
        path = Path(root, name)
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()[:16]


def prepare(app: App, npm: str | None = None) -> Path | None:
    """The app's ``node_modules`` (installed now if it is not yet), or None without a lock.

    Safe to call from many processes at once: one installs, the others wait for it.

    Raises:
        AppStartError: npm is missing, or ``npm ci`` failed (the message has its output).
    """
    if not has_deps(app):
        return None
    home = deps_dir(app)
    modules = home / "node_modules"
    if (modules / _READY).is_file():
        return modules
    home.parent.mkdir(parents=True, exist_ok=True)
    with _lock(home.parent / f"{home.name}.lock"):
        if (modules / _READY).is_file():
            return modules
        _install(app, home, npm)
    return modules


def build_env(modules: Path | None, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (an environment) with the app's tools first on ``PATH`` and its ``NODE_PATH``."""
    env = dict(base or {})
    if modules is None:
        return env
    path = env.get("PATH") or os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["PATH"] = f"{modules / '.bin'}:{path}"
    env["NODE_PATH"] = str(modules)
    return env


def _install(app: App, home: Path, npm: str | None) -> None:
    npm = npm or shutil.which("npm")
    if npm is None:
        raise AppStartError(
            f"the {app.name} app needs its npm dependencies installed once, and npm is not "
            "here: install Node.js and npm (apt-get install nodejs npm), then run "
            "`swelancer-env prepare`"
        )
    work = Path(tempfile.mkdtemp(prefix=f".{home.name}-", dir=home.parent))
    try:
        for name in ("package.json", LOCK_FILE):
            shutil.copyfile(app.root / name, work / name)
        try:
            proc = subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=work,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise AppStartError(
                f"`npm ci` for the {app.name} app did not finish in {NPM_TIMEOUT_S} s: check "
                "that the npm registry is reachable (`npm ping`), then `swelancer-env prepare`"
            ) from None
        if proc.returncode != 0:
            raise AppStartError(
                f"`npm ci` for the {app.name} app failed (exit {proc.returncode}): check that the "
                "npm registry is reachable (`npm ping`) and that package-lock.json matches "
                f"package.json, then `swelancer-env prepare`. npm said:\n"
                f"{(proc.stderr or proc.stdout)[-2000:]}"
            )
        (work / "node_modules").mkdir(exist_ok=True)
        (work / "node_modules" / _READY).write_text(app.name + "\n")
        shutil.rmtree(home, ignore_errors=True)
        work.rename(home)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
