"""Generated tasks (the factory's): stored compactly, loaded one at a time.

The factory (:mod:`swelancer_env.factory`) writes the validated tasks of app ``A`` to
``<root>/synth/A/tasks.jsonl`` (one :class:`SynthRecord` per line) and ``index.json`` beside it
(per task: its byte range in the JSONL, split, price, category, kind). A split of thousands is
drawn from the indexes alone; :func:`load_synth_task` reads the one record a reset asks for and
lays it out as an ordinary task folder in the cache (``task.toml``, ``issue.md``, ``bug.patch``,
``user_tool.py``, ``tests/``), so grading, the user tool and ``validate`` treat it like any
task.

A generated task's hidden tests are tests of the app's regression suite
(``<root>/regression/A/tests``): those the bug makes fail (fail-to-pass) and a few that ran
the changed lines and still pass (pass-to-pass). ``tests/`` holds copies of the suite's files
(renamed ``suite_*.py``, so pytest does not collect them whole) and ``test_hidden.py``, which
imports just those tests.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from swelancer_env.errors import TaskFormatError
from swelancer_env.grading.canary import CANARY

__all__ = [
    "SYNTH_SPLITS",
    "SynthEntry",
    "SynthRecord",
    "hidden_tests_files",
    "load_synth_task",
    "synth_ids",
    "synth_index",
    "write_store",
]

#: the splits generated tasks go to (the curated tasks keep train/test/diamond)
SYNTH_SPLITS = ("synth-train", "synth-val")
STORE_FILE = "tasks.jsonl"
INDEX_FILE = "index.json"
HIDDEN_MODULE = "test_hidden.py"
SUITE_PREFIX = "suite_"


class SynthRecord(BaseModel):
    """One generated task as the factory stores it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    app: str
    split: str
    price: float
    category: str
    title: str
    issue: str
    bug_patch: str
    user_tool: str
    #: node ids in the regression suite (``test_file.py::test_name``)
    fail_to_pass: list[str]
    pass_to_pass: list[str] = Field(default_factory=list)
    #: the mutations that made it: kinds, ``path:line:kind`` sites, enclosing scopes
    kinds: list[str]
    sites: list[str]
    scopes: list[str]
    #: what each failing test said on the buggy tree (the first lines)
    failures: dict[str, str] = Field(default_factory=dict)
    #: how it was proven: repeats, seconds of validation, the factory's seed
    validation: dict[str, float | int | str] = Field(default_factory=dict)
    acceptable_paths: list[str] = Field(default_factory=lambda: ["."])


class SynthEntry(BaseModel):
    """A generated task as its app's index lists it (enough to draw and count without reading
    the record)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    app: str
    split: str
    price: float
    category: str
    kind: str
    title: str
    offset: int
    length: int
    store: Path


def _test_name(node_id: str) -> tuple[str, str]:
    """``test_file.py::test_x[p]`` as (``test_file``, ``test_x``)."""
    file, _, name = node_id.partition("::")
    return Path(file).stem, name.split("[")[0]


def hidden_tests_files(suite: Path, tests: list[str], repeat: int = 1) -> dict[str, bytes]:
    """The ``tests/`` folder of a generated task: the suite's ``conftest.py``, its test files
    renamed ``suite_*.py``, and ``test_hidden.py`` importing ``tests`` (node ids of the suite),
    each ``repeat`` times (``test_x``, ``test_x__again_2``, ...: a flaky test shows in one run).

    Raises:
        TaskFormatError: a test is not in the suite.
    """
    suite_tests = suite / "tests"
    files: dict[str, bytes] = {}
    conftest = suite_tests / "conftest.py"
    if conftest.is_file():
        files["conftest.py"] = conftest.read_bytes()
    lines = [f"# {CANARY}", '"""The hidden tests: tests of the app\'s regression suite."""', ""]
    taken: set[str] = set()
    for node_id in tests:
        module, name = _test_name(node_id)
        copy = f"{SUITE_PREFIX}{module}.py"
        if copy not in files:
            source = suite_tests / f"{module}.py"
            files[copy] = source.read_bytes() if source.is_file() else b""
        if not re.search(rf"^def {re.escape(name)}\(", files[copy].decode("utf-8", "replace"), re.M):  # fmt: skip
            raise TaskFormatError(f"{node_id} is not a test of the regression suite {suite_tests}")
        alias = name if name not in taken else f"{name}__{module}"
        if alias in taken:
            continue
        taken.add(alias)
        lines.append(f"from {SUITE_PREFIX}{module} import {name} as {alias}  # noqa: E402, F401")
        for n in range(2, repeat + 1):
            lines.append(f"{alias}__again_{n} = {alias}")
    files[HIDDEN_MODULE] = ("\n".join(lines) + "\n").encode()
    return files


def suite_test_of(junit_name: str) -> str:
    """The hidden test's function name from its JUnit name, without a repeat's suffix."""
    name = junit_name.split("::")[-1].split("[")[0]
    return re.sub(r"__again_\d+$", "", name)


# -- the store ----------------------------------------------------------------------------------


def write_store(folder: Path, records: list[SynthRecord]) -> None:
    """Write ``folder/tasks.jsonl`` and ``folder/index.json`` for ``records``, atomically (a
    crash leaves the previous store, never half of one)."""
    folder.mkdir(parents=True, exist_ok=True)
    index = []
    data = bytearray()
    for r in sorted(records, key=lambda r: r.id):
        line = (r.model_dump_json() + "\n").encode()
        kind = r.kinds[0] if len(r.kinds) == 1 else "combo"
        index.append({"id": r.id, "split": r.split, "price": r.price, "category": r.category,
                      "kind": kind, "title": r.title, "offset": len(data), "length": len(line)})  # fmt: skip
        data += line
    for name, payload in ((STORE_FILE, bytes(data)), (INDEX_FILE, json.dumps(index, indent=0).encode())):  # fmt: skip
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the store from other users
        os.replace(tmp, folder / name)


def read_store(folder: Path) -> list[SynthRecord]:
    """Every record of a store folder (the factory's own reading; resets use the index)."""
    path = folder / STORE_FILE
    if not path.is_file():
        return []
    return [SynthRecord.model_validate_json(line) for line in path.read_bytes().splitlines() if line.strip()]  # fmt: skip


def _stores(roots: list[Path]) -> list[Path]:
    return [p.parent for r in roots for p in sorted((r / "synth").glob(f"*/{INDEX_FILE}"))]


@functools.cache
def _index_of(store: Path, _mtime_ns: int) -> list[SynthEntry]:
    raw = json.loads((store / INDEX_FILE).read_text(encoding="utf-8"))
    return [SynthEntry(app=store.name, store=store / STORE_FILE, **e) for e in raw]


def synth_index(roots: tuple[Path, ...] | None = None) -> dict[str, SynthEntry]:
    """Every generated task under the tasks roots, by id, from the indexes alone (each index
    read again only when its file changes)."""
    from swelancer_env.tasks.loader import tasks_roots

    stores = _stores(list(roots) if roots is not None else tasks_roots())
    return _merged(tuple((s, (s / INDEX_FILE).stat().st_mtime_ns) for s in stores))


@functools.lru_cache(maxsize=8)
def _merged(stores: tuple[tuple[Path, int], ...]) -> dict[str, SynthEntry]:
    out: dict[str, SynthEntry] = {}
    for store, mtime_ns in stores:
        for e in _index_of(store, mtime_ns):
            out.setdefault(e.id, e)
    return out


def synth_ids(split: str) -> list[str]:
    """The ids of the generated tasks of ``split``, sorted."""
    return sorted(i for i, e in synth_index().items() if e.split == split)


def _read_line(entry: SynthEntry) -> bytes:
    with entry.store.open("rb") as f:
        f.seek(entry.offset)
        return f.read(entry.length)


def read_record(entry: SynthEntry) -> SynthRecord:
    return SynthRecord.model_validate_json(_read_line(entry))


def _suite_stamp(suite: Path) -> bytes:
    """What the laid-out hidden tests depend on besides the record: the suite's files."""
    files = sorted((suite / "tests").glob("*.py"))
    return repr([(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]).encode()


def load_synth_task(task_id: str, roots: tuple[Path, ...] | None = None):  # -> Task
    """The generated task ``task_id``, laid out as a task folder in the cache (once per
    version of its record and of the app's suite), or None when no store has it."""
    from swelancer_env.cache import cache_root
    from swelancer_env.grading.regression import suite_folder
    from swelancer_env.tasks.loader import load_task_dir

    entry = synth_index(roots).get(task_id)
    if entry is None:
        return None
    suite = suite_folder(entry.app, entry.store.parents[2])
    if suite is None:
        raise TaskFormatError(
            f"generated task {task_id} needs the regression suite of {entry.app} "
            f"({entry.store.parents[2] / 'regression' / entry.app / 'tests'})"
        )
    line = _read_line(entry)
    digest = hashlib.sha256(line + _suite_stamp(suite)).hexdigest()[:12]
    folder = cache_root() / "synth" / entry.app / digest / task_id
    if not (folder / "task.toml").is_file():
        _lay_out(SynthRecord.model_validate_json(line), suite, folder)
    return load_task_dir(folder)


def task_toml(record: SynthRecord) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = [
        f"id = {q(record.id)}", f"app = {q(record.app)}", 'variant = "ic_swe"',
        f"price = {record.price:g}", f"title = {q(record.title)}",
        f"category = {q(record.category)}", f"split = {q(record.split)}",
        f"acceptable_paths = [{', '.join(q(p) for p in record.acceptable_paths)}]",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def _lay_out(record: SynthRecord, suite: Path, folder: Path) -> None:
    """Write the task folder of ``record`` (atomically: built aside, then renamed)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{record.id}."))
    try:
        (tmp / "task.toml").write_text(task_toml(record), encoding="utf-8")
        (tmp / "issue.md").write_text(record.issue, encoding="utf-8")
        (tmp / "bug.patch").write_text(record.bug_patch, encoding="utf-8")
        (tmp / "user_tool.py").write_text(record.user_tool, encoding="utf-8")
        tests = tmp / "tests"
        tests.mkdir()
        for name, data in hidden_tests_files(suite, record.fail_to_pass + record.pass_to_pass).items():  # fmt: skip
            (tests / name).write_bytes(data)
        try:
            os.rename(tmp, folder)
        except OSError:  # another process laid it out first: theirs is the same
            pass
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
