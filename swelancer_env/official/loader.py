"""Reading the official SWE-Lancer tasks: both CSV formats and the per-task issue folders.

- ``v1`` (openai/SWELancer-Benchmark): ``question_id, variant, price, price_limit, prompt,
  manager_data, manager_commit, acceptable_folders, cwd``; ``prompt`` is a Python literal list
  of messages.
- ``v2`` (frontier-evals ``all_swelancer_tasks.csv``): ``question_id, variant, price,
  price_limit, manager_data, manager_commit, acceptable_folders, cwd, set, title, description,
  proposals``; text fields carry backslash escapes (``\\n`` as two characters).

``manager_data`` is a Python literal dict (not JSON); its ``game`` holds the formal proposals
and the correct one. An issue folder (``issues/<question_id>/``) adds ``issue_data.json``
(title, description, reproduction steps; spelled ``issue_repo_steps`` or
``issue_repro_steps``), ``commit_id.txt`` and ``bug_reintroduce.patch``.

A row that cannot be used is reported (question id and why) and the rest are read.

Example:
    >>> loaded = read_csv("all_swelancer_tasks.csv")  # doctest: +SKIP
    >>> len(loaded.tasks), loaded.skipped  # doctest: +SKIP
    (463, [])
"""

from __future__ import annotations

import ast
import csv
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from swelancer_env.errors import TaskFormatError
from swelancer_env.tasks.model import OfficialInfo, Proposal, Task

__all__ = [
    "APP",
    "LoadedSet",
    "Skipped",
    "fetched_set",
    "official_tasks",
    "read_csv",
    "read_issue_folder",
]

#: the app every official task is on
APP = "expensify"

_V1 = {"question_id", "variant", "price", "prompt", "manager_data", "manager_commit",
       "acceptable_folders", "cwd"}  # fmt: skip
_V2 = {"question_id", "variant", "price", "manager_data", "manager_commit",
       "acceptable_folders", "cwd", "set", "title", "description", "proposals"}  # fmt: skip


@dataclass(frozen=True)
class Skipped:
    """A row that could not be used, and why."""

    question_id: str
    why: str


@dataclass
class LoadedSet:
    """The tasks of one CSV file, the rows skipped, and the file's format."""

    path: Path
    format: str
    tasks: list[Task] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _ids: dict[str, Task] = field(default_factory=dict, repr=False)

    def get(self, task_id: str) -> Task | None:
        """The task of that question id, if the file has it."""
        if len(self._ids) != len(self.tasks):
            self._ids = {t.id: t for t in self.tasks}
        return self._ids.get(task_id)

    def by_variant(self) -> dict[str, tuple[int, float]]:
        """Per variant: how many tasks and their dollar total."""
        out: dict[str, tuple[int, float]] = {}
        for t in self.tasks:
            n, total = out.get(t.variant, (0, 0.0))
            out[t.variant] = (n + 1, total + t.price)
        return dict(sorted(out.items()))


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[ntr'\"\\])")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\"}


def _one(match: re.Match[str]) -> str:
    code = match.group(1)
    return _SIMPLE[code] if code in _SIMPLE else chr(int(code[1:], 16))


def unescape(text: str) -> str:
    """Turn the file's backslash escapes (``\\n``, ``\\t``, ``\\'``, ``\\u2019``) into
    characters; every other character stays, an unknown escape (Markdown's ``\\*``) too. (The
    official loader's ``unicode_escape`` would garble non-ASCII text.)"""
    return _ESCAPE.sub(_one, text) if "\\" in text else text


def _literal(text: str, what: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as e:
        raise ValueError(f"{what} is not a Python literal: {type(e).__name__}") from None


def _price(text: str) -> float:
    try:
        price = float(text)
    except ValueError:
        raise ValueError(f"price {text!r} is not a number") from None
    if not price > 0:
        raise ValueError(f"price {text!r} is not positive")
    return price


def _proposals(manager_data: dict[str, Any]) -> tuple[list[Proposal], str]:
    try:
        game = manager_data["game"]
        formal = game["all_formal_proposals"]
        correct = str(game["correct_proposal"]["id"])
    except (KeyError, TypeError):
        raise ValueError(
            "manager_data has no game.all_formal_proposals or game.correct_proposal.id"
        ) from None
    texts: dict[str, list[str]] = {}
    for p in formal:
        try:
            texts.setdefault(str(p["id"]), []).append(str(p["content"]).strip())
        except (KeyError, TypeError):
            raise ValueError("a formal proposal has no id or content") from None
    # a few rows give two proposals one id: the grader compares ids, so they are one choice
    proposals = [Proposal(id=i, text="\n\n---\n\n".join(t)) for i, t in texts.items()]
    ids = [p.id for p in proposals]
    if correct not in ids:
        raise ValueError(f"the correct proposal {correct!r} is not among the proposals {ids}")
    return proposals, correct


def read_issue_folder(folder: Path) -> dict[str, Any]:
    """What an ``issues/<question_id>/`` folder says: title, description, steps, price, commit
    and the patch that reintroduces the bug (each key only when its file has it)."""
    found: dict[str, Any] = {}
    data_file = folder / "issue_data.json"
    if data_file.is_file():
        data = json.loads(data_file.read_text(encoding="utf-8"))
        found["title"] = data.get("title")
        found["description"] = data.get("html_description")
        # the key is spelled both ways upstream
        found["steps"] = data.get("issue_repo_steps") or data.get("issue_repro_steps")
        if data.get("price") is not None:
            found["price"] = float(data["price"])
    commit = folder / "commit_id.txt"
    if commit.is_file() and commit.read_text().strip():
        found["commit_id"] = commit.read_text().strip()
    patch = folder / "bug_reintroduce.patch"
    if patch.is_file():
        found["bug_reintroduce_patch"] = patch.read_text(encoding="utf-8", errors="replace")
    return found


def _issue_text(title: str, description: str, steps: str | None) -> str:
    parts = [f"# {title}", description.strip()]
    if steps and steps.strip() and steps.strip() not in description:
        parts.append(steps.strip())
    return "\n\n".join(p for p in parts if p)


def _v1_text(prompt: Any) -> str:
    """The job's text in a v1 ``prompt``: its first message (the rest is the scaffold's)."""
    if not isinstance(prompt, list) or not prompt or not isinstance(prompt[0], dict):
        raise ValueError("prompt is not a list of messages")
    return str(prompt[0].get("content", ""))


def _row_task(row: dict[str, str], fmt: str, issues: Path | None) -> Task:
    qid = row["question_id"].strip()
    variant = row["variant"].strip()
    if variant not in ("ic_swe", "swe_manager"):
        raise ValueError(f"variant {variant!r} is neither ic_swe nor swe_manager")
    price = _price(row["price"])
    folders = _literal(row["acceptable_folders"] or "[]", "acceptable_folders")
    if not isinstance(folders, list):
        raise ValueError("acceptable_folders is not a list")
    info: dict[str, Any] = {
        "format": fmt,
        "set": (row.get("set") or "").strip() or None,
        "cwd": (row.get("cwd") or "").strip() or "/app/expensify",
        "acceptable_folders": [str(f) for f in folders],
    }
    proposals: list[Proposal] = []
    correct: str | None = None
    manager: dict[str, Any] = {}
    if variant == "swe_manager":
        manager = _literal(row["manager_data"], "manager_data")
        if not isinstance(manager, dict):
            raise ValueError("manager_data is not a dict")
        proposals, correct = _proposals(manager)
        info["manager_commit"] = row["manager_commit"].strip() or manager.get("fix_commit_hash")
        if not info["manager_commit"]:
            raise ValueError("a manager task without manager_commit")
    folder = issues / qid if issues is not None else None
    extra = read_issue_folder(folder) if folder is not None and folder.is_dir() else {}
    info["commit_id"] = extra.get("commit_id")
    info["bug_reintroduce_patch"] = extra.get("bug_reintroduce_patch")
    if fmt == "v2":
        title = unescape(row["title"]).strip()
        description = unescape(row["description"])
        steps = None
    elif extra.get("title"):
        title, description, steps = (
            extra["title"],
            extra.get("description") or "",
            extra.get("steps"),
        )
    elif manager:
        title = str(manager.get("title", "")).strip()
        description = str(manager.get("html_description", ""))
        steps = manager.get("issue_repo_steps")
    else:
        text = _v1_text(_literal(row["prompt"], "prompt"))
        title, description, steps = text.strip().splitlines()[0][:200], text, None
    if not title:
        raise ValueError("no title")
    try:
        return Task(
            id=qid, app=APP, variant=variant, price=price, title=title,
            correct_proposal=correct, proposals=proposals,
            issue=_issue_text(title, description, steps),
            official=OfficialInfo(**info),
        )  # fmt: skip
    except ValidationError as e:
        first = e.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def read_csv(path: str | Path, issues: str | Path | None = None) -> LoadedSet:
    """Every usable row of an official CSV (either format) as a :class:`Task`.

    Args:
        path: the CSV file.
        issues: the ``issues/`` folder of the official repository, when there is one.

    Raises:
        TaskFormatError: the file is missing or is neither format (a bad row only skips it).
    """
    path = Path(path)
    csv.field_size_limit(sys.maxsize)
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as e:
        raise TaskFormatError(
            f"{path}: cannot read it ({e.strerror}); `swelancer-env official fetch` gets the "
            "Diamond CSV"
        ) from None
    with handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        fmt = "v2" if _V2 <= columns else "v1" if _V1 <= columns else None
        if fmt is None:
            raise TaskFormatError(
                f"{path}: not an official SWE-Lancer CSV: the columns are {sorted(columns)}; "
                f"expected {sorted(_V1)} (older) or {sorted(_V2)} (newer)"
            )
        loaded = LoadedSet(path=path, format=fmt)
        seen: set[str] = set()
        for n, row in enumerate(reader, start=2):
            qid = (row.get("question_id") or "").strip() or f"<line {n}>"
            try:
                if None in row or any(v is None for v in row.values()):
                    raise ValueError("the row has a different number of fields than the header")
                if qid in seen:
                    raise ValueError("the question_id repeats an earlier row")
                loaded.tasks.append(_row_task(row, fmt, Path(issues) if issues else None))
                seen.add(qid)
            except (ValueError, TypeError, KeyError, OSError) as e:
                loaded.skipped.append(Skipped(qid, str(e)))
    return loaded


_loaded: dict[tuple[str, float], LoadedSet] = {}


def fetched_set() -> LoadedSet:
    """The fetched Diamond CSV, read once per process (again when the file changes)."""
    from swelancer_env.official.fetch import cached_csv

    path = cached_csv()
    key = (str(path), path.stat().st_mtime)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = read_csv(path)
    return _loaded[key]


def official_tasks(variant: str | None = None) -> list[Task]:
    """The fetched official tasks (of ``variant``), in the file's order."""
    return [t for t in fetched_set().tasks if variant is None or t.variant == variant]
