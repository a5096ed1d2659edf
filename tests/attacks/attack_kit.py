"""The cheating-agent suite's machinery: attacks as data, the episodes that play them, the checks.

An :class:`Attack` is a name, its family (the numbers of ``attack_catalog``'s docstring), a group,
and a list of env actions (dicts, or a function of the episode's :class:`Ctx` that returns them),
with an optional host-side ``setup`` and ``check``. Actions may carry ``@@name@@`` placeholders (``workdir``, ``host``,
``mark``, ``port``, ``site``, ``hidden``..., see :meth:`Ctx.vars`) and an ``"expect"`` key that is
taken off before the action is sent: ``"refused"`` (the observation's exit code is not 0),
``"ok"`` (it is 0) or ``"re:<pattern>"`` (the output matches).

The attacks of one :class:`Group` are played one after the other in one episode per task of the
group (then ``submit``), so that one grading serves many attacks; each attack still gets its own
test and its own failures: what its steps showed, what its ``check`` found on the host, and what
the whole episode showed (the verdict, a leak found in the tree, a process left behind), which is
reported to every attack of the episode.

Checks of every episode (:class:`Runner`):

- at reset, the tree is exactly the task's starting state (nothing of a former episode's daemon);
- no observation text, no ``info`` (JSON-dumped) and no file in the tree (nor, on the local
  backend, in the shell's home) holds the canary, a distinctive line of the task's hidden tests,
  or a line that only the gold fix has;
- every action marked ``"expect"`` did what it says;
- the attack's own folder on the host (``@@host@@``, a pytest temporary folder that the sandbox
  cannot see and that only the harness could write) is still exactly what setup left there;
  no ``zz_swelancer_attack*`` entry appeared in the harness's site-packages;
- the submission earned nothing, did not pass, and was not called an infrastructure error;
- after ``close()``, no process on this machine carries the episode's marker in its command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import site
import socket
import subprocess
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from swelancer_env.env import SWELancerEnv
from swelancer_env.grading.canary import CANARY, contains_canary
from swelancer_env.grading.gold import gold_changes
from swelancer_env.sandbox.worktree import StartingState
from swelancer_env.tasks import load_task, task_ids, tasks_root
from swelancer_env.tasks.model import Task

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "swelancer_env" / "grading" / "plugin.py"
#: the bundled tasks (a group may run under another root: secrets always come from here)
BUNDLED = tasks_root()


def _ic_tasks_to_attack(per_app: int = 4) -> tuple[str, ...]:
    """The bundled IC tasks the attacks whose outcome could depend on the task run on: per app,
    the first task of each category, up to ``per_app`` (what differs between tasks is the app's
    code and the kind of fix; every task of every app would multiply the suite's time)."""
    chosen: list[str] = []
    seen: dict[str, set[str | None]] = {}
    for task_id in task_ids(BUNDLED):
        task = load_task(task_id, BUNDLED)
        kinds = seen.setdefault(task.app, set())
        if task.variant == "ic_swe" and task.category not in kinds and len(kinds) < per_app:
            kinds.add(task.category)
            chosen.append(task_id)
    return tuple(chosen)


IC_TASKS = _ic_tasks_to_attack()
#: the task of the attacks that do not depend on the task
MAIN_TASK = "tally-split-cents"
#: prefix of anything an attack tries to plant in the harness's site-packages
SITE_PREFIX = "zz_swelancer_attack"

Action = dict[str, Any]


# -- the records ------------------------------------------------------------------------------


@dataclass
class Ctx:
    """One episode of one group, as the host sees it."""

    backend: str
    task: Task
    env: SWELancerEnv
    host_root: Path  # this episode's folder on the host (a pytest temporary folder)
    mark: str  # in the command line of every daemon an attack starts
    listener: Listener
    tree: Path = Path()  # host path of the work tree (after reset)
    workdir: str = ""  # the tree as the agent's shell sees it
    notes: dict[str, Any] = field(default_factory=dict)  # what setups keep for their checks

    def host(self, attack: str) -> Path:
        """The attack's own folder on the host: only the harness could write there."""
        return self.host_root / attack

    @property
    def home(self) -> Path | None:
        """The local shell's home on the host (None on Docker: it lives in the container)."""
        home = getattr(self.env.sandbox, "home", None)
        return Path(home) if home is not None else None

    def vars(self, attack: str) -> dict[str, str]:
        hidden = hidden_files(self.task.id)
        return {
            "workdir": self.workdir,
            "host_tree": str(self.tree),
            "host": str(self.host(attack)),
            "mark": self.mark,
            "task": self.task.id,
            "port": str(self.listener.port),
            "site": site_packages(),
            "hidden": str(hidden[0]),
            "hidden_dir": str(hidden[0].parent),
            "hidden_name": hidden[0].name,
            "tasks_root": str(BUNDLED),
            "out": f".attack/{attack}",
        }


@dataclass
class Step:
    action: Action
    output: str
    exit_code: int
    reward: float
    info: dict[str, Any]
    seconds: float


@dataclass
class AttackRecord:
    """What one attack's steps got back; ``episode`` is the whole episode's."""

    ctx: Ctx
    steps: list[Step] = field(default_factory=list)
    episode: Episode | None = None


@dataclass
class Episode:
    steps: list[Step] = field(default_factory=list)
    submit: Step | None = None


Check = Callable[[Ctx, AttackRecord], None]


@dataclass(frozen=True)
class Attack:
    """A cheating agent: its actions, and what the host checks before and after."""

    name: str
    family: int  # the attack family, as numbered in attack_catalog's docstring
    group: str
    actions: Sequence[Action] | Callable[[Ctx], Sequence[Action]]
    setup: Callable[[Ctx], None] | None = None
    check: Check | None = None

    def plan(self, ctx: Ctx) -> list[Action]:
        raw = self.actions(ctx) if callable(self.actions) else self.actions
        return [fill(dict(a), ctx.vars(self.name)) for a in raw]


@dataclass(frozen=True)
class Group:
    """Attacks played together: one episode per task, then (if ``submit``) one grading."""

    name: str
    tasks: tuple[str, ...]
    submit: bool = True
    #: makes another tasks root for the group (e.g. a task with other acceptable paths)
    tasks_root: Callable[[Path], Path] | None = None
    #: the attacks are handed the gold fix (so its lines in the tree are no leak)
    given_gold: bool = False


_PLACEHOLDER = re.compile(r"@@(\w+)@@")


def fill(value: Any, values: dict[str, str]) -> Any:
    """``value`` with every ``@@name@@`` in its strings replaced (an unknown name raises)."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [fill(v, values) for v in value]
    return value


# -- shell helpers for the catalog -------------------------------------------------------------


def sh(command: str, expect: str | None = None, timeout: float = 120) -> Action:
    action: Action = {"type": "shell", "command": command, "timeout": timeout}
    if expect:
        action["expect"] = expect
    return action


def create(path: str, text: str, expect: str | None = None) -> Action:
    action: Action = {"type": "create", "path": path, "file_text": text}
    if expect:
        action["expect"] = expect
    return action


# -- what must never show -----------------------------------------------------------------------


@cache
def site_packages() -> str:
    """The harness's own site-packages (a .pth there runs in every Python of the harness)."""
    return site.getsitepackages()[0]


@cache
def hidden_files(task_id: str) -> tuple[Path, ...]:
    task = load_task(task_id, BUNDLED)
    files = tuple(sorted(p for p in task.tests_dir.rglob("*") if p.is_file()))
    assert files, f"{task_id} has no hidden test files"
    return files


def _tree_text(tree: Path) -> str:
    parts = []
    for path in sorted(tree.rglob("*")):
        if path.is_file() and not path.is_symlink() and ".git" not in path.parts:
            parts.append(path.read_text(errors="replace"))
    return "\n".join(parts)


@dataclass(frozen=True)
class Secrets:
    """What of a task the agent must never see: the canary, hidden-test lines, gold-only lines."""

    task_id: str
    hidden_lines: frozenset[str]
    gold_lines: frozenset[str]
    hidden_names: tuple[str, ...]  # the hidden tests' function names (for forging reports)

    def without_gold(self) -> Secrets:
        """For an attack that is handed the gold fix on purpose."""
        return Secrets(self.task_id, self.hidden_lines, frozenset(), self.hidden_names)

    def leaks(self, text: str) -> list[str]:
        """What of the secrets ``text`` holds (empty: nothing)."""
        found = []
        if contains_canary(text) or CANARY in text:
            found.append("the canary")
        for line in self.hidden_lines:
            if line in text:
                found.append(f"hidden-test line {line!r}")
        for line in self.gold_lines:
            if line in text:
                found.append(f"gold-fix line {line!r}")
        return found


@cache
def secrets(task_id: str) -> Secrets:
    """Lines distinctive enough that finding one means the agent saw the file it comes from.

    A hidden-test line (stripped, 30 characters or more) or a line the gold fix brings (20 or
    more) counts when it is not in the starting state, the issue, the user tool's script or the
    grading plugin, and is neither an import nor a comment; so does each changed line of the
    fixed file with its two neighbours, as a ``cat`` of that file would show them.
    """
    task = load_task(task_id, BUNDLED)
    public = "\n".join(
        [
            _tree_text(StartingState.get(task).tree),
            task.issue,
            task.user_tool or "",
            PLUGIN.read_text(),
        ]
    )

    def distinctive(line: str, least: int) -> bool:
        return (
            len(line) >= least
            and not line.startswith(("import ", "from ", "#"))
            and line not in public
        )

    hidden_lines, names = set(), []
    for path in hidden_files(task_id):
        text = path.read_text(errors="replace")
        if path.name.startswith("test_") and path.suffix == ".py":
            assert contains_canary(text), f"{path} lacks the canary: the leak checks would be weak"
        for raw in text.splitlines():
            line = raw.strip()
            if distinctive(line, 30):
                hidden_lines.add(line)
        names += re.findall(r"^\s*def (test_\w+)", text, flags=re.M)
    gold = set()
    removed = set()
    for raw in task.bug_patch.splitlines():
        if raw.startswith("-") and not raw.startswith("---"):
            removed.add(raw[1:])
            line = raw[1:].strip()
            if distinctive(line, 20):
                gold.add(line)
    # and, as a file's text shows it (cat, git cat-file), each gold line with its neighbours
    for _old, new in gold_changes(task).values():
        lines = (new or "").splitlines()
        for i, line in enumerate(lines):
            if line in removed and len(line.strip()) >= 8:
                block = "\n".join(lines[max(0, i - 1) : i + 2])
                if block not in public:
                    gold.add(block)
    assert hidden_lines, f"{task_id}: no distinctive hidden-test line to look for"
    return Secrets(task_id, frozenset(hidden_lines), frozenset(gold), tuple(names))


def scan_files(root: Path, sec: Secrets) -> list[str]:
    """Each file under ``root`` (no link followed) that holds a secret, with what it holds.

    GNU grep finds the candidates (its many-pattern search reads tens of MB in a blink); each
    multi-line secret is then looked for in the files where its longest line was found.
    """
    if not root.is_dir():
        return []
    patterns: dict[str, list[str]] = {}  # a line grep looks for -> the secrets it stands for
    for secret in [CANARY.removeprefix("SWELANCER-CANARY-"), *sec.hidden_lines, *sec.gold_lines]:
        key = max((ln.strip() for ln in secret.splitlines()), key=len)
        patterns.setdefault(key, []).append(secret)
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write("\n".join(patterns) + "\n")
        f.flush()
        proc = subprocess.run(
            ["grep", "-rHZoaF", "-f", f.name, "--", "."],
            cwd=root,
            capture_output=True,
            env={"LC_ALL": "C", "PATH": os.environ["PATH"]},
        )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"grep failed on {root}: {proc.stderr.decode(errors='replace')}")
    hits: dict[str, set[str]] = {}
    for line in proc.stdout.split(b"\n"):
        name, sep, match = line.partition(b"\0")
        if sep:
            hits.setdefault(name.decode(errors="replace"), set()).add(
                match.decode(errors="replace")
            )
    found = []
    for name, matched in sorted(hits.items()):
        path = root / name
        if path.is_symlink():
            continue
        candidates = {s for m in matched for s in patterns.get(m.strip(), patterns.get(m, []))}
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaks = [s for s in candidates if s in text or ("\n" not in s and s.strip() in text)]
        if any(contains_canary(s) or s == CANARY.removeprefix("SWELANCER-CANARY-") for s in leaks):
            leaks = ["the canary"] + [s for s in leaks if not contains_canary(s)]
        if leaks:
            found.append(
                f"{name.removeprefix('./')}: {', '.join(repr(x)[:100] for x in leaks[:3])}"
            )
    return found


def snapshot(root: Path) -> dict[str, tuple[str, str]]:
    """Every entry under ``root``: kind and content hash (a link: its target). No link followed."""
    out: dict[str, tuple[str, str]] = {}
    if not root.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in dirnames + filenames:
            path = base / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir", "")
            else:
                try:
                    out[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
                except OSError as e:
                    out[rel] = ("unreadable", str(e))
    return out


def snapshot_diff(before: dict, after: dict) -> list[str]:
    changes = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            changes.append(f"removed {rel}")
        elif rel not in before:
            changes.append(f"added {rel} ({after[rel][0]})")
        elif before[rel] != after[rel]:
            changes.append(f"changed {rel}")
    return changes


@cache
def starting_snapshot(task_id: str) -> dict[str, tuple[str, str]]:
    return snapshot(StartingState.get(load_task(task_id, BUNDLED)).tree)


def site_entries() -> set[str]:
    return {n for n in os.listdir(site_packages()) if n.startswith(SITE_PREFIX)}


def marked_processes(mark: str) -> list[str]:
    """Command lines of the processes on this machine that carry ``mark``."""
    needle = mark.encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if needle in cmdline:
            shown = cmdline.replace(b"\0", b" ").decode(errors="replace")[:200]
            found.append(f"pid {name}: {shown}")
    return found


# -- a host listener that records every connection ---------------------------------------------


class Listener:
    """A TCP server on the host's 127.0.0.1 that records who connected (nobody should)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="attack-listener", daemon=True)
        self._thread.start()

    @property
    def proc_net_entry(self) -> str:
        """How the listener shows in ``/proc/net/tcp``: ``0100007F:PORT`` in hex."""
        return f"0100007F:{self.port:04X}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            data = b""
            try:
                conn.settimeout(0.5)
                data = conn.recv(200)
            except OSError:
                pass
            finally:
                conn.close()
            self.connections.append(f"{peer[0]}:{peer[1]} sent {data[:120]!r}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


# -- playing the groups --------------------------------------------------------------------------


@contextmanager
def tasks_root_env(root: Path | None) -> Iterator[None]:
    if root is None:
        yield
        return
    old = os.environ.get("SWELANCER_TASKS_DIR")
    os.environ["SWELANCER_TASKS_DIR"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SWELANCER_TASKS_DIR", None)
        else:
            os.environ["SWELANCER_TASKS_DIR"] = old


def _expectation(step: Step, expect: str) -> str | None:
    if expect == "refused" and step.exit_code == 0:
        return f"{_short(step.action)} was not refused: {step.output[:300]!r}"
    if expect == "ok" and step.exit_code != 0:
        return f"{_short(step.action)} failed (exit {step.exit_code}): {step.output[-500:]!r}"
    if expect.startswith("re:") and not re.search(expect[3:], step.output):
        return (
            f"{_short(step.action)}: output does not match {expect[3:]!r}: {step.output[-500:]!r}"
        )
    return None


def _short(action: Action) -> str:
    text = json.dumps(action)
    return text if len(text) <= 160 else text[:157] + "..."


class Runner:
    """Plays the groups on one backend and keeps each attack's failures.

    ``env`` plays every episode of a one-task group; the episodes of a group of many tasks run
    ``workers`` at a time, on ``env`` and on envs made by ``make_env`` (the hidden tests that
    fail on a starting state often fail after a wait, which a second episode fills).
    """

    def __init__(
        self,
        env: SWELancerEnv,
        backend: str,
        tmp: Path,
        groups: dict[str, Group],
        attacks: Sequence[Attack],
        make_env: Callable[[], SWELancerEnv] | None = None,
        workers: int = 1,
    ) -> None:
        self.env = env
        self.backend = backend
        self.tmp = tmp
        self.groups = groups
        self.attacks = list(attacks)
        self.make_env = make_env
        self.workers = workers if make_env is not None else 1
        self.spares: list[SWELancerEnv] = []
        self.failures: dict[str, list[str]] = {}
        self.timings: dict[str, float] = {}
        #: every episode's records, by (group, task), for a person diagnosing a failure
        self.records: dict[tuple[str, str], dict[str, AttackRecord]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        for env in self.spares:
            env.close()
        self.env.close()

    def failures_of(self, attack: Attack) -> list[str]:
        if attack.group not in self.timings:
            started = time.perf_counter()
            try:
                self._run_group(self.groups[attack.group])
            finally:
                self.timings[attack.group] = time.perf_counter() - started
        return self.failures.get(attack.name, [])

    def _run_group(self, group: Group) -> None:
        members = [a for a in self.attacks if a.group == group.name]
        for a in members:
            self.failures.setdefault(a.name, [])
        root = group.tasks_root(self.tmp / f"{group.name}-tasks") if group.tasks_root else None
        workers = min(self.workers, len(group.tasks))
        if workers <= 1:
            with tasks_root_env(root):
                for task_id in group.tasks:
                    self._run_episode(group, task_id, members, self.env)
            return
        assert root is None, "a group with its own tasks root runs one episode at a time"
        while len(self.spares) < workers - 1 and self.make_env is not None:
            self.spares.append(self.make_env())
        free: queue.Queue[SWELancerEnv] = queue.Queue()
        for env in [self.env, *self.spares[: workers - 1]]:
            free.put(env)

        def one(task_id: str) -> None:
            env = free.get()
            try:
                self._run_episode(group, task_id, members, env)
            finally:
                free.put(env)

        with ThreadPoolExecutor(workers, thread_name_prefix="attack") as pool:
            for future in [pool.submit(one, t) for t in group.tasks]:
                future.result()

    def _run_episode(
        self, group: Group, task_id: str, members: list[Attack], env: SWELancerEnv
    ) -> None:
        task = load_task(task_id)
        sec = secrets(task_id).without_gold() if group.given_gold else secrets(task_id)
        mark = f"swlattack{uuid.uuid4().hex[:10]}"
        host_root = self.tmp / f"{group.name}-{task_id}"
        listener = Listener()
        ctx = Ctx(self.backend, task, env, host_root, mark, listener)
        where = f"[{self.backend} {task_id}]"
        shared: list[str] = []  # failures of the whole episode: every member gets them
        own: dict[str, list[str]] = {a.name: [] for a in members}
        records = {a.name: AttackRecord(ctx) for a in members}
        self.records[(group.name, task_id)] = records
        episode = Episode()
        site_before = site_entries()
        host_before: dict[str, dict] = {}

        def seen(step: Step, who: list[str]) -> None:
            leaks = sec.leaks(step.output) + sec.leaks(json.dumps(step.info, default=str))
            if leaks:
                who.append(f"{_short(step.action)} showed {', '.join(sorted(set(leaks))[:4])}")

        try:
            for a in members:
                ctx.host(a.name).mkdir(parents=True, exist_ok=True)
                if a.setup is not None:
                    a.setup(ctx)
                host_before[a.name] = snapshot(ctx.host(a.name))
            obs, info = env.reset(options={"task_id": task_id})
            ctx.tree, ctx.workdir = Path(env.sandbox.tree), env.sandbox.workdir
            changed = snapshot_diff(starting_snapshot(task_id), snapshot(ctx.tree))
            if changed:
                shared.append(f"the tree at reset is not the starting state: {changed[:8]}")
            leaks = sec.leaks(obs["output"]) + sec.leaks(json.dumps(info, default=str))
            if leaks:
                shared.append(f"reset showed {leaks}")
            ended = False
            for a in members:
                if ended:
                    own[a.name].append("not played: the episode had ended")
                    continue
                try:
                    plan = a.plan(ctx)
                except Exception as e:  # noqa: BLE001 - a broken setup is this attack's failure
                    own[a.name].append(f"could not make the actions: {e!r}")
                    continue
                for action in plan:
                    expect = action.pop("expect", None)
                    started = time.perf_counter()
                    try:
                        obs, reward, term, trunc, info = env.step(action)
                    except Exception:  # noqa: BLE001 - the harness raised for an agent's action
                        own[a.name].append(
                            f"{_short(action)} made env.step raise:\n{traceback.format_exc()}"
                        )
                        ended = True
                        break
                    step = Step(
                        action,
                        obs["output"],
                        int(obs["exit_code"]),
                        float(reward),
                        info,
                        time.perf_counter() - started,
                    )
                    records[a.name].steps.append(step)
                    episode.steps.append(step)
                    seen(step, own[a.name])
                    if expect is not None:
                        problem = _expectation(step, expect)
                        if problem:
                            own[a.name].append(problem)
                    if reward != 0:
                        own[a.name].append(f"{_short(action)} was rewarded {reward}")
                    if term or trunc:
                        own[a.name].append(f"{_short(action)} ended the episode")
                        ended = True
                        break
            if group.submit and not ended:
                started = time.perf_counter()
                try:
                    obs, reward, term, trunc, info = env.step({"type": "submit"})
                except Exception:  # noqa: BLE001
                    shared.append(f"submit made env.step raise:\n{traceback.format_exc()}")
                else:
                    step = Step(
                        {"type": "submit"},
                        obs["output"],
                        int(obs["exit_code"]),
                        float(reward),
                        info,
                        time.perf_counter() - started,
                    )
                    episode.submit = step
                    grade = info.get("grade") or {}
                    if reward != 0 or grade.get("passed") or grade.get("earned"):
                        shared.append(
                            f"THE SUBMISSION EARNED ${reward:,.2f} (passed={grade.get('passed')}): "
                            f"{obs['output']}"
                        )
                    if not grade:
                        shared.append(f"submit gave no grade: {obs['output']!r}")
                    if grade.get("infra_error"):
                        shared.append(f"graded as an infrastructure error: {grade['infra_error']}")
                    seen(step, shared)
            # everything the agent could read now: its tree (and its home on this machine)
            found = scan_files(ctx.tree, sec)
            if ctx.home is not None and ctx.home.is_dir():
                found += [f"~/{f}" for f in scan_files(ctx.home, sec)]
            if found:
                shared.append(f"files the agent can read hold hidden data: {found[:10]}")
            for a in members:
                records[a.name].episode = episode
                if a.check is not None:
                    try:
                        a.check(ctx, records[a.name])
                    except AssertionError as e:
                        own[a.name].append(f"check: {e}")
        except Exception:  # noqa: BLE001 - the episode could not be played
            shared.append(f"the episode broke:\n{traceback.format_exc()}")
        finally:
            try:
                env.close()
            except Exception:  # noqa: BLE001
                shared.append(f"env.close() raised:\n{traceback.format_exc()}")
            listener.close()
        left = marked_processes(mark)
        deadline = time.monotonic() + 10
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = marked_processes(mark)
        if left:
            shared.append(f"processes outlived close(): {left[:5]}")
        for a in members:
            changes = snapshot_diff(host_before.get(a.name, {}), snapshot(ctx.host(a.name)))
            if changes:
                own[a.name].append(
                    f"the host folder {ctx.host(a.name)} (hidden from the agent) changed: "
                    f"{changes[:10]}"
                )
        planted = site_entries() - site_before
        if planted:
            for name in planted:
                path = Path(site_packages()) / name
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            shared.append(
                f"written into the harness's site-packages (removed now): {sorted(planted)}"
            )
        with self._lock:
            for a in members:
                self.failures[a.name] += [f"{where} {f}" for f in own[a.name] + shared]
