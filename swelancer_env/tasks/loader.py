"""Finding and loading tasks from folders on disk.

Example:
    >>> from swelancer_env.tasks import load_task
    >>> load_task("tally-split-avatars").price  # doctest: +SKIP
    1000.0
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from swelancer_env.errors import ConfigError, TaskFormatError, TaskNotFoundError
from swelancer_env.tasks.model import CATEGORY_DESCRIPTIONS, App, Category, Proposal, Task

__all__ = [
    "BUNDLED_TASKS",
    "app_of",
    "app_root_of",
    "categories",
    "list_tasks",
    "load_app",
    "load_task",
    "load_task_dir",
    "task_ids",
    "tasks_root",
    "tasks_roots",
]

#: the bundled apps and tasks: a checkout's tasks/ (an editable install), else the copy a wheel
#: installs in the package
BUNDLED_TASKS = Path(__file__).resolve().parents[2] / "tasks"
if not (BUNDLED_TASKS / "apps").is_dir():
    BUNDLED_TASKS = Path(__file__).resolve().parents[1] / "bundled"


def tasks_roots() -> list[Path]:
    """The folders tasks are found in, in order (each holds ``apps/`` and a folder per app of
    tasks): the bundled ``tasks/`` of this package, or ``$SWELANCER_TASKS_DIR`` instead of it;
    then every folder of ``$SWELANCER_TASKS_PATH`` (separated by ``:``), such as your own
    tasks beside the bundled ones (the CLI's ``--tasks-dir``).

    Raises:
        ConfigError: a folder of ``$SWELANCER_TASKS_PATH`` does not exist.
    """
    roots = [Path(os.environ.get("SWELANCER_TASKS_DIR") or BUNDLED_TASKS).resolve()]
    for entry in os.environ.get("SWELANCER_TASKS_PATH", "").split(os.pathsep):
        if not entry:
            continue
        root = Path(entry).expanduser().resolve()
        if not root.is_dir():
            raise ConfigError(
                f"SWELANCER_TASKS_PATH (or --tasks-dir) names {entry!r}, which is not a folder: "
                "give folders that hold <app>/<task_id>/task.toml (and apps/<app>/ if the app is "
                "not bundled)"
            )
        if root not in roots:
            roots.append(root)
    return roots


def tasks_root() -> Path:
    """The first of :func:`tasks_roots`: the bundled tasks (or ``$SWELANCER_TASKS_DIR``)."""
    return tasks_roots()[0]


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise TaskFormatError(f"{path}: file is missing") from None
    except tomllib.TOMLDecodeError as e:
        raise TaskFormatError(f"{path}: not valid TOML: {e}") from None


def _format_validation(path: Path, err: ValidationError) -> TaskFormatError:
    lines = []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"]) or "(top level)"
        got = f" (got {e['input']!r})" if "input" in e and not isinstance(e["input"], dict) else ""
        lines.append(f"  field `{field}`: {e['msg']}{got}")
    return TaskFormatError(f"{path}: invalid task definition:\n" + "\n".join(lines))


def load_app(name: str, root: Path | None = None) -> App:
    """Load ``<root>/apps/<name>/app.toml``; without ``root``, from the first tasks root that
    has that app."""
    if root is None:
        roots = tasks_roots()
        root = next((r for r in roots if (r / "apps" / name / "app.toml").is_file()), roots[0])
    return _load_app(name, Path(root).resolve())


@functools.cache
def _load_app(name: str, root: Path) -> App:
    """``load_app`` of one root (read once per process; ``load_app.cache_clear()`` forgets)."""
    path = root / "apps" / name / "app.toml"
    if not path.is_file():
        known = sorted({a.parent.name for r in tasks_roots() for a in r.glob("apps/*/app.toml")})
        raise TaskFormatError(
            f"no app {name!r}: {path} is missing. The apps are: {', '.join(known) or 'none'} "
            "(an app of your own: apps/<name>/app.toml in a tasks root, see docs/FACTORY.md)"
        )
    data = _read_toml(path)
    try:
        return App(root=path.parent, **data)
    except ValidationError as e:
        raise _format_validation(path, e) from None


load_app.cache_clear = _load_app.cache_clear  # type: ignore[attr-defined]


def app_of(task: Task) -> App:
    """The app a bundled task runs on: the one beside its folder (``<root>/apps/<app>``) if
    there, else the one of that name under the tasks root.

    Raises:
        TaskFormatError: the task is an official one (it has no bundled app), or the app is
            missing.
    """
    if task.official is not None:
        raise TaskFormatError(f"{task.id} is an official SWE-Lancer task: it has no bundled app")
    if task.folder is not None:
        root = Path(task.folder).resolve().parents[1]
        if (root / "apps" / task.app / "app.toml").is_file():
            return load_app(task.app, root)
    return load_app(task.app)


def app_root_of(task: Task) -> Path:
    """The folder of the app's source ``task`` starts from: the bundled app's, or for an
    official task the Expensify tree it runs on (or a text-only stand-in)."""
    if task.official is not None:
        from swelancer_env.official.trees import official_app_root

        return official_app_root(task)
    return app_of(task).root


def _read_text(folder: Path, name: str, required: bool = True) -> str:
    path = folder / name
    if not path.is_file():
        if required:
            raise TaskFormatError(f"{path}: file is missing (every task folder needs {name})")
        return ""
    return path.read_text(encoding="utf-8")


def _load_proposals(folder: Path, criteria: dict[str, str]) -> list[Proposal]:
    pdir = folder / "proposals"
    if not pdir.is_dir():
        raise TaskFormatError(f"{pdir}: folder is missing (a swe_manager task needs proposals/)")
    proposals = []
    for text_file in sorted(pdir.glob("*.md")):
        pid = text_file.stem
        patch_file = text_file.with_suffix(".patch")
        proposals.append(
            Proposal(
                id=pid,
                text=text_file.read_text(encoding="utf-8"),
                patch=patch_file.read_text(encoding="utf-8") if patch_file.is_file() else "",
                criterion=criteria.get(pid),
            )
        )
    if not 3 <= len(proposals) <= 6:
        raise TaskFormatError(
            f"{pdir}: expected 3 to 6 proposals (<id>.md + <id>.patch), found {len(proposals)}"
        )
    return proposals


def categories(root: Path | None = None) -> dict[str, str]:
    """The categories tasks under ``root`` may use: the built-in ones and those its
    ``categories.toml`` declares (``name = "what it covers"``), by name."""
    known = {c.value: CATEGORY_DESCRIPTIONS[c] for c in Category}
    path = (root or tasks_root()) / "categories.toml"
    if path.is_file():
        for name, text in _read_toml(path).items():
            if not isinstance(text, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise TaskFormatError(
                    f"{path}: `{name}` must be a snake_case name set to a description string"
                )
            known.setdefault(name, text)
    return known


def load_task_dir(folder: Path) -> Task:
    """Load one task folder (``task.toml`` and the files beside it)."""
    folder = Path(folder).resolve()
    toml_path = folder / "task.toml"
    data = _read_toml(toml_path)
    criteria = data.get("criteria", {})
    try:
        task = Task(**data, folder=folder)
    except ValidationError as e:
        raise _format_validation(toml_path, e) from None
    if task.official is not None:
        raise TaskFormatError(f"{toml_path}: field `official` is for official SWE-Lancer rows only")
    known = categories(folder.parents[1])
    if task.category is None or task.category not in known:
        name = task.category or "your_category"
        got = f" (got {task.category!r})" if task.category else " (it is missing)"
        raise TaskFormatError(
            f"{toml_path}: field `category` must be a known category{got}: a built-in one "
            f"({', '.join(known)}), or one of your own declared in "
            f"{folder.parents[1] / 'categories.toml'}, one line per category, such as\n"
            f'    {name} = "what the tasks of this category fix"\n'
            "(see docs/TASKS.md, Categories)"
        )
    if task.id != folder.name:
        raise TaskFormatError(
            f"{toml_path}: field `id` is {task.id!r} but the folder is {folder.name!r}; make them equal"
        )
    task.issue = _read_text(folder, "issue.md")
    task.bug_patch = _read_text(folder, "bug.patch")
    task.user_tool = _read_text(folder, "user_tool.py", required=False)
    tests = folder / "tests"
    if not any(tests.glob("test_*.py")):
        raise TaskFormatError(f"{tests}: no hidden tests (expected tests/test_*.py)")
    if task.variant == "swe_manager":
        task.proposals = _load_proposals(folder, criteria)
        ids = [p.id for p in task.proposals]
        if task.correct_proposal not in ids:
            raise TaskFormatError(
                f"{toml_path}: field `correct_proposal` is {task.correct_proposal!r}, not one of {ids}"
            )
        unknown = set(criteria) - set(ids)
        if unknown:
            raise TaskFormatError(
                f"{toml_path}: field `criteria` names unknown proposals {sorted(unknown)}"
            )
    elif criteria:
        raise TaskFormatError(f"{toml_path}: field `criteria` is only for swe_manager tasks")
    if task.clock.now is None and task.official is None:
        try:
            app_now = app_of(task).clock_now
        except TaskFormatError:
            app_now = None  # a missing app is reported where the app is needed
        if app_now is not None:
            task.clock = task.clock.model_copy(update={"now": app_now})
    for kind in ("wrong_fixes", "right_fixes"):
        fixes = folder / kind
        if fixes.is_dir():
            if task.variant != "ic_swe":
                raise TaskFormatError(f"{fixes}: {kind} are only for ic_swe tasks")
            patches = {p.stem: p.read_text(encoding="utf-8") for p in sorted(fixes.glob("*.patch"))}
            setattr(task, kind.replace("fixes", "fix_patches"), patches)
    return task


def _task_folders(root: Path | None = None) -> dict[str, Path]:
    """Every task folder under ``root`` (else under every tasks root), by id.

    Raises:
        TaskFormatError: two roots hold a task of the same id.
    """
    folders: dict[str, Path] = {}
    for r in [root] if root is not None else tasks_roots():
        for toml_path in sorted(r.glob("*/*/task.toml")):
            if toml_path.parent.parent.name == "apps":
                continue
            task_id = toml_path.parent.name
            if task_id in folders:
                raise TaskFormatError(
                    f"two tasks have the id {task_id!r}: {folders[task_id]} and "
                    f"{toml_path.parent}; rename one (its folder and its id)"
                )
            folders[task_id] = toml_path.parent
    return folders


def task_ids(root: Path | None = None) -> list[str]:
    """Ids of every task under ``root`` (else under every tasks root)."""
    return sorted(_task_folders(root))


def load_task(task_id: str, root: Path | None = None) -> Task:
    """Load a task by id, from ``root`` (else from every tasks root).

    Raises:
        TaskNotFoundError: no such id; the message suggests close ids.
        TaskFormatError: the folder is malformed; the message names the file and the field.
    """
    folders = _task_folders(root)
    if task_id not in folders:
        from swelancer_env.tasks.synth import load_synth_task

        generated = load_synth_task(task_id, (root,) if root is not None else None)
        if generated is not None:
            return generated
        official = _official_task(task_id)
        if official is not None:
            return official
        close = difflib.get_close_matches(task_id, folders, n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        where = root if root is not None else ", ".join(map(str, tasks_roots()))
        raise TaskNotFoundError(
            f"No task {task_id!r} under {where}.{hint} Run `swelancer-env tasks` to list them."
        )
    return load_task_dir(folders[task_id])


def _official_task(task_id: str) -> Task | None:
    """The official task of that question id, when the official CSV has been fetched."""
    from swelancer_env.errors import ConfigError
    from swelancer_env.official.loader import fetched_set

    try:
        loaded = fetched_set()
    except ConfigError:  # not fetched: only bundled tasks exist
        return None
    return loaded.get(task_id)


def list_tasks(root: Path | None = None) -> list[Task]:
    """Every task under ``root`` (else under every tasks root), sorted by id."""
    folders = _task_folders(root)
    return [load_task_dir(folders[task_id]) for task_id in sorted(folders)]
