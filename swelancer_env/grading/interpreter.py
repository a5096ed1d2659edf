"""Is the Python that grades still the one that was installed? Startup files nobody shipped.

Every start of a Python runs the ``.pth`` files of its site folders and imports ``sitecustomize``
and ``usercustomize`` when they exist. A file planted there (through any write the agent could
steer) runs in the grader's pytest and can rewrite the verdict, so grading first checks that each
of them shipped with an installed package: it is listed in some ``*.dist-info/RECORD`` of its
folder with the same SHA-256. A file that is not, or that changed since, makes grading refuse
with an :class:`~swelancer_env.errors.InfrastructureError` that names it, rather than trust it.

``sitecustomize``/``usercustomize`` modules of the operating system's own Python
(``/usr/lib/python3*``, Debian's) are accepted: a package manager put them there.

Example:
    >>> check_interpreter()  # doctest: +SKIP
    >>> foreign_startup_files()  # doctest: +SKIP
    []
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.machinery
import os
import site
import sys
import threading
from pathlib import Path

from swelancer_env.errors import InfrastructureError

__all__ = ["check_interpreter", "foreign_startup_files", "site_folders"]

_HOOKS = ("sitecustomize", "usercustomize")
_SYSTEM_PYTHON = "/usr/lib/python3"
_lock = threading.Lock()
_cache: dict[tuple[tuple[str, int, int], ...], list[str]] = {}


def site_folders() -> list[Path]:
    """The site folders whose ``.pth`` files a start of this Python runs."""
    folders = [Path(p) for p in site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        folders.append(Path(site.getusersitepackages()))
    return [f for f in dict.fromkeys(folders) if f.is_dir()]


def _hook_files() -> list[Path]:
    """``sitecustomize``/``usercustomize`` modules that a start of this Python would import."""
    path = [p for p in sys.path if p and os.path.isabs(p)]
    found = []
    for name in _HOOKS:
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.origin and os.path.exists(spec.origin):
            found.append(Path(spec.origin))
    return found


def _records(folder: Path) -> dict[str, str]:
    """``relative path -> sha256 (urlsafe base64, no padding)`` of every RECORD in ``folder``."""
    recorded: dict[str, str] = {}
    for record in folder.glob("*.dist-info/RECORD"):
        try:
            with record.open(newline="", encoding="utf-8") as f:
                for row in csv.reader(f):
                    if len(row) >= 2 and row[1].startswith("sha256="):
                        recorded[os.path.normpath(row[0])] = row[1][len("sha256=") :]
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    return recorded


def _digest(path: Path) -> str:
    data = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _candidates() -> list[Path]:
    files = [p for folder in site_folders() for p in sorted(folder.glob("*.pth"))]
    return files + [p for p in _hook_files() if not str(p).startswith(_SYSTEM_PYTHON)]


def foreign_startup_files() -> list[str]:
    """The startup files of this Python that no installed package recorded, with why.

    Cached while the files' names, sizes and modification times stay the same.
    """
    files = _candidates()
    key = []
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        key.append((str(p), st.st_size, st.st_mtime_ns))
    with _lock:
        if tuple(key) in _cache:
            return list(_cache[tuple(key)])
    problems = []
    records: dict[Path, dict[str, str]] = {}
    for p in files:
        folder = p.parent
        if folder not in records:
            records[folder] = _records(folder)
        expected = records[folder].get(p.name)
        try:
            actual = _digest(p)
        except OSError as e:
            problems.append(f"{p} (unreadable: {e.strerror})")
            continue
        if expected is None:
            problems.append(f"{p} (no installed package lists it)")
        elif expected != actual:
            problems.append(f"{p} (changed since its package installed it)")
    with _lock:
        _cache[tuple(key)] = problems
    return list(problems)


def check_interpreter() -> None:
    """Refuse to grade with a Python whose startup files did not ship with it.

    Raises:
        InfrastructureError: the files, and what to do.
    """
    problems = foreign_startup_files()
    if problems:
        raise InfrastructureError(
            f"the Python at {sys.prefix} runs startup files that no installed package shipped, "
            f"at every start (grading's pytest included): {'; '.join(problems)}. Grading refuses "
            "to trust it. Remove them (and find out how they got there), or make the virtualenv "
            "again (rm -r .venv && bash .ci/setup)."
        )
