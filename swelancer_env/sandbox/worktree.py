"""A task's starting state, built once and copied into every sandbox; the agent's diff.

The starting state is the app's source with the task's ``bug.patch`` applied, held twice as git:

- the tree's own ``.git``: a fresh repository with one commit ("Initial commit", fixed author,
  committer and dates, so the commit hash is the same on every machine), no history, no remote;
- a private git directory kept outside the tree, with the same commit, from which the harness
  computes the agent's diff. The agent can rewrite the tree's ``.git``; it never sees this one.

Built states live in ``$SWELANCER_CACHE/states/<task>-<key>`` (default ``~/.cache/swelancer-env``),
where the key hashes the app's files, the patch and the build procedure, and in a per-process cache
in front of it. Every git command runs with :func:`git_env` and the ``-c`` settings of
:data:`SAFE_GIT_CONFIG`: no system or global config, no hooks, no fsmonitor, and a private
``info/attributes`` that switches off the tree's ``.gitattributes`` filters and drivers, so nothing
the agent writes in the tree runs on the host.

Example:
    >>> state = StartingState.get(task)  # doctest: +SKIP
    >>> state.materialize(tmp / "tree", tmp / "private.git")  # doctest: +SKIP
    >>> diff_tree(tmp / "tree", tmp / "private.git", ["src"])  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from swelancer_env.cache import cache_root, git_env
from swelancer_env.errors import SandboxError, SubmissionTooLarge, TaskFormatError
from swelancer_env.sandbox import treeio
from swelancer_env.sandbox.base import OUTPUT_DIR
from swelancer_env.sandbox.treewalk import (
    DEPTH_CAP,
    TreeLimits,
    TreeWalk,
    open_subpath,
    remove_tree,
)
from swelancer_env.tasks.model import Task

__all__ = [
    "SAFE_GIT_CONFIG",
    "StartingState",
    "apply_patch",
    "build_starting_state",
    "cache_root",
    "diff_tree",
    "git_env",
]

_FORMAT = "1"  # bump when the build procedure changes: old cached states are then ignored
# never part of a starting state: the npm dependencies come from the cache (swelancer_env.appdeps),
# never from a node_modules an author installed in the app's folder
_IGNORED = frozenset({".git", "__pycache__", ".pytest_cache", "node_modules", OUTPUT_DIR})
#: ``-c`` settings given to every git command the harness runs on a tree the agent touched
SAFE_GIT_CONFIG: tuple[str, ...] = tuple(
    arg
    for setting in (
        "core.fsmonitor=false",
        "core.hooksPath=/dev/null",
        "core.excludesFile=/dev/null",
        "core.attributesFile=/dev/null",
        "core.autocrlf=false",
        "core.untrackedCache=false",
        "safe.directory=*",
        "diff.external=",
        "commit.gpgsign=false",
        "init.defaultBranch=main",
    )
    for arg in ("-c", setting)
)
#: the bounds of an app's own source folder (the harness's, not the agent's: only a sanity bound)
_APP_LIMITS = TreeLimits(max_depth=DEPTH_CAP, max_entries=5_000_000, max_bytes=1 << 50)
# highest-precedence attributes of the private git dir: undo every attribute of the tree's
# .gitattributes that could run a program (filter, diff driver) or rewrite content on add
_NEUTRAL_ATTRIBUTES = "* !filter !diff !merge !text !eol !crlf !ident !working-tree-encoding\n"


def _git(
    args: Sequence[str], cwd: Path, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *SAFE_GIT_CONFIG, *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except OSError as e:
        raise SandboxError(f"could not run git ({e}); install git and put it on PATH") from e


def _checked(proc: subprocess.CompletedProcess[bytes], what: str) -> bytes:
    if proc.returncode:
        err = proc.stderr.decode(errors="replace").strip()
        raise SandboxError(f"{what} failed (git exit {proc.returncode}): {err}")
    return proc.stdout


def _app_files(app_root: Path) -> list[Path]:
    """The app's files, in ``os.walk``'s order (the states' key hashes them in this order): in
    each folder its files (not ``.pyc``), then its links to folders, then each folder's own."""
    files: list[Path] = []
    linked: list[Path] = []  # the current folder's links to folders: after its files
    walk = TreeWalk(app_root, _APP_LIMITS, skip=_IGNORED, sort=True)
    for entry in walk:
        if entry.kind == "dir":  # a folder's files and links all come before its first folder
            files.extend(linked)
            linked.clear()
            continue
        path = app_root / entry.path
        if entry.kind == "link" and path.is_dir():
            linked.append(path)
        elif not entry.name.endswith(".pyc"):
            files.append(path)
    files.extend(linked)
    if walk.over is not None:
        raise TaskFormatError(f"app folder {app_root}: {walk.problem('it')}")
    return files


def _signature(app_root: Path, files: list[Path]) -> tuple[tuple[str, int, int, int], ...]:
    sig = []
    for f in files:
        st = f.lstat()
        sig.append((str(f.relative_to(app_root)), st.st_mode, st.st_size, st.st_mtime_ns))
    return tuple(sig)


def _content_key(app_root: Path, files: list[Path], bug_patch: str) -> str:
    h = hashlib.sha256(f"swelancer-state-{_FORMAT}\0".encode())
    for f in files:
        mode = f.lstat().st_mode
        h.update(str(f.relative_to(app_root)).encode("utf-8", "surrogateescape") + b"\0")
        if stat.S_ISLNK(mode):
            h.update(b"L" + os.readlink(f).encode("utf-8", "surrogateescape"))
        else:
            h.update(b"X" if mode & 0o111 else b"F")
            h.update(f.read_bytes())
        h.update(b"\0")
    h.update(b"patch\0" + bug_patch.encode())
    return h.hexdigest()


class StartingState(BaseModel):
    """A built starting state in the cache: ``root/tree`` and ``root/private.git``.

    Treat it as read-only: sandboxes get copies through :meth:`materialize`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    task_id: str
    #: hash of the app's files, the bug patch and the build procedure
    key: str
    root: Path

    @property
    def tree(self) -> Path:
        """The template work tree (with its own one-commit ``.git``)."""
        return self.root / "tree"

    @property
    def private_git(self) -> Path:
        """The template of the harness's private git directory."""
        return self.root / "private.git"

    @classmethod
    def get(
        cls, task: Task, app_root: Path | None = None, cache: Path | None = None
    ) -> StartingState:
        """The starting state of ``task``, built on first use and cached.

        Args:
            task: the task (its ``app`` and ``bug_patch`` are used).
            app_root: the app's source folder; by default ``tasks/apps/<task.app>`` beside the
                task's folder (or under the tasks root when the task has no folder).
            cache: the cache folder; default :func:`cache_root`.

        Raises:
            TaskFormatError: the app folder is missing or ``bug.patch`` does not apply.
            SandboxError: git failed.
        """
        if app_root is None:
            from swelancer_env.tasks.loader import app_root_of

            app_root = app_root_of(task)
        return build_starting_state(task, app_root, cache)

    def materialize(self, dest_tree: Path, dest_private_git: Path) -> None:
        """Copy the tree and the private git dir to new (absent or empty) folders."""
        self.materialize_tree(dest_tree)
        _copy(self.private_git, Path(dest_private_git))

    def materialize_tree(self, dest_tree: Path) -> None:
        """Copy only the tree (with its own ``.git``), for a sandbox that needs no diff."""
        _copy(self.tree, Path(dest_tree))


def _copy(src: Path, dest: Path) -> None:
    """Copy a folder with modes, times and symlinks (GNU ``cp -a``: twice copytree's speed)."""
    try:
        proc = subprocess.run(
            ["cp", "-a", "--reflink=auto", "-T", str(src), str(dest)],
            capture_output=True,
            check=False,
        )
        if proc.returncode == 0:
            return
    except OSError:
        pass  # no cp: copy in Python
    try:
        shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)
    except (OSError, shutil.Error) as e:
        raise SandboxError(f"could not copy the starting state {src} to {dest}: {e}") from e


_lock = threading.Lock()
_states: dict[
    tuple[str, str, str, str], tuple[tuple[tuple[str, int, int, int], ...], StartingState]
] = {}


def build_starting_state(task: Task, app_root: Path, cache: Path | None = None) -> StartingState:
    """Build (or find in the cache) the starting state of ``task`` from the app at ``app_root``.

    The per-process cache compares the app's file list, sizes and modification times; on a
    change, the content hash decides whether a state on disk can be reused.

    Raises:
        TaskFormatError: the app folder is missing or ``bug.patch`` does not apply.
        SandboxError: git failed.
    """
    app_root = Path(app_root).resolve()
    if not app_root.is_dir():
        raise TaskFormatError(
            f"task {task.id}: app folder {app_root} (app {task.app!r}) is missing"
        )
    states = Path(cache) if cache is not None else cache_root() / "states"
    patch_hash = hashlib.sha256(task.bug_patch.encode()).hexdigest()
    mem_key = (task.id, str(app_root), patch_hash, str(states))
    files = _app_files(app_root)
    sig = _signature(app_root, files)
    with _lock:
        hit = _states.get(mem_key)
        if hit is not None and hit[0] == sig and hit[1].root.is_dir():
            return hit[1]
        key = _content_key(app_root, files, task.bug_patch)
        root = states / f"{task.id}-{key[:20]}"
        if not (root / "private.git").is_dir():
            _build(task, app_root, states, root)
        state = StartingState(task_id=task.id, key=key, root=root)
        _states[mem_key] = (sig, state)
        return state


def _build(task: Task, app_root: Path, states: Path, root: Path) -> None:
    states.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=states))
    try:
        tree = tmp / "tree"
        shutil.copytree(
            app_root,
            tree,
            symlinks=True,
            ignore=lambda _d, names: [n for n in names if n in _IGNORED or n.endswith(".pyc")],
        )
        _checked(_git(["init", "-q", "--template=", "."], tree), "git init")
        err = apply_patch(tree, task.bug_patch)
        if err:
            where = task.folder / "bug.patch" if task.folder else f"task {task.id}'s bug.patch"
            raise TaskFormatError(
                f"{where}: does not apply to app {task.app!r} at {app_root}: {err}. "
                "Make the patch against the app's current source (git diff in the app folder)."
            )
        _checked(_git(["add", "-A", "."], tree), "git add")
        _checked(
            _git(["commit", "-q", "--no-verify", "--allow-empty", "-m", "Initial commit"], tree),
            "git commit",
        )
        _checked(_git(["repack", "-a", "-d", "-q"], tree), "git repack")
        shutil.copytree(tree / ".git", tmp / "private.git", symlinks=True)
        info = tmp / "private.git" / "info"
        info.mkdir(exist_ok=True)
        (info / "attributes").write_text(_NEUTRAL_ATTRIBUTES)
        try:
            os.rename(tmp, root)
        except OSError:  # another process built it first
            if not (root / "private.git").is_dir():
                raise
    finally:
        remove_tree(tmp)


def _pathspec(paths: Sequence[str] | None) -> list[str]:
    spec = [f":(literal){p}" for p in (paths or ["."])]
    return [*spec, f":(exclude){OUTPUT_DIR}", ":(exclude,glob)**/.git/**"]


def _attr_pattern(name: str) -> str:
    """A .gitattributes pattern matching exactly the path ``name``."""
    glob = "/" + "".join("\\" + c if c in "*?[\\" else c for c in name)
    if any(c in glob for c in ' "\t#!') or not glob.isprintable():
        quoted = glob.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + quoted.replace("\n", "\\n").replace("\t", "\\t") + '"'
    return glob


def _baseline(private_git: Path, spec: list[str]) -> tuple[int, int]:
    """Files and bytes of the starting state under the paths ``spec`` (all if empty)."""
    out = _checked(
        _git(
            [f"--git-dir={private_git}", "ls-tree", "-r", "-l", "-z", "HEAD", "--", *spec],
            Path(private_git),
        ),
        "git ls-tree",
    )
    files = size = 0
    for entry in filter(None, out.split(b"\0")):
        files += 1
        fields = entry.split(b"\t", 1)[0].split()
        if len(fields) == 4 and fields[3].isdigit():
            size += int(fields[3])
    return files, size


class _Tally:
    """What the pre-scan counted so far, over all the paths that count."""

    def __init__(self) -> None:
        self.files = self.size = self.entries = 0


def _prescan(
    tree: Path,
    paths: Sequence[str],
    limits: tuple[int, int] | None,
    base: tuple[int, int],
    tree_limits: TreeLimits,
) -> None:
    """Refuse a tree that cannot make a diff under the cap before git reads any of it.

    Under the paths that count: a file bigger than the cap, or far more files or bytes than the
    starting state has, a tree past ``tree_limits`` (deeper, more entries or more bytes than the
    harness walks), or a FIFO, socket or device (which no graded tree holds, and on which a
    reader blocks) ends it here: ``git add`` would otherwise read all of it. The walk opens
    every folder relative to its parent's, without following a link.
    """
    tally = _Tally()
    root = treeio.open_tree(tree)
    try:
        for rel in paths:
            rel = rel.strip("/")
            if rel in ("", "."):
                _prescan_folder(root, "", limits, base, tree_limits, tally)
                continue
            fd = open_subpath(root, rel)
            if fd is not None:
                try:
                    _prescan_folder(fd, rel, limits, base, tree_limits, tally)
                finally:
                    os.close(fd)
                continue
            parent_rel, _, name = rel.rpartition("/")
            parent = open_subpath(root, parent_rel)
            if parent is None:
                continue
            try:
                st = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except OSError:
                continue  # nothing there (a deletion) or not reachable without a link
            finally:
                os.close(parent)
            _prescan_file(rel, st, limits, tally)
            _prescan_totals(limits, base, tally)
    finally:
        os.close(root)


def _prescan_folder(
    fd: int,
    rel: str,
    limits: tuple[int, int] | None,
    base: tuple[int, int],
    tree_limits: TreeLimits,
    tally: _Tally,
) -> None:
    room = tree_limits.model_copy(
        update={
            "max_entries": max(1, tree_limits.max_entries - tally.entries),
            "max_bytes": max(0, tree_limits.max_bytes - tally.size),
        }
    )
    walk = TreeWalk(fd, room, skip=(".git",), skip_top=() if rel else (OUTPUT_DIR,), prefix=rel)
    for entry in walk:
        if entry.kind != "dir":
            st = entry.stat()
            if st is not None:
                _prescan_file(entry.path, st, limits, tally)
                _prescan_totals(limits, base, tally)
    tally.entries += walk.entries
    if walk.over is not None:
        walk.limits = tree_limits
        raise SubmissionTooLarge(
            f"{walk.problem('the tree under the paths that count')}, before submitting"
        )


def _prescan_file(
    path: str, st: os.stat_result, limits: tuple[int, int] | None, tally: _Tally
) -> None:
    tally.files += 1
    if stat.S_ISLNK(st.st_mode):
        return
    if not stat.S_ISREG(st.st_mode):
        raise SubmissionTooLarge(
            f"{path} is a {_special_name(st.st_mode)}: the graded tree holds regular files, "
            f"folders and links only, and a reader of it would block; delete it (rm {path}) "
            "before submitting"
        )
    tally.size += st.st_size
    if limits is not None and st.st_size > limits[0]:
        raise SubmissionTooLarge(
            f"{path} is {st.st_size:,} bytes, over the task's cap of {limits[0]:,} bytes for the "
            "whole submitted diff; remove it (or move it out of the paths that count) before "
            "submitting"
        )


def _prescan_totals(limits: tuple[int, int] | None, base: tuple[int, int], tally: _Tally) -> None:
    if limits is None:
        return
    max_bytes, max_files = limits
    if tally.files > base[0] + 4 * max_files or tally.size > base[1] + 4 * max_bytes:
        raise SubmissionTooLarge(
            f"the tree holds {tally.files:,} files and {tally.size:,} bytes or more under the "
            f"paths that count, against {base[0]:,} files and {base[1]:,} bytes at the start: "
            f"more than a diff of at most {max_files:,} files and {max_bytes:,} bytes can hold; "
            "remove what the fix does not need before submitting"
        )


def _special_name(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    return "special file"


def _exists(tree: Path, private_git: Path, path: str) -> bool:
    """Whether ``path`` is in the tree now, or was in the starting state (a deletion)."""
    if path in (".", "") or os.path.lexists(os.path.join(tree, path)):
        return True
    out = _git([f"--git-dir={private_git}", "ls-tree", "--name-only", "HEAD", "--", path], tree)
    return bool(out.stdout.strip())


def _capped_git(args: Sequence[str], cwd: Path, max_bytes: int) -> bytes | None:
    """A git command's output, or None as soon as it passes ``max_bytes`` (the rest unread)."""
    try:
        proc = subprocess.Popen(
            ["git", *SAFE_GIT_CONFIG, *args], cwd=cwd, env=git_env(),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
    except OSError as e:
        raise SandboxError(f"could not run git ({e}); install git and put it on PATH") from e
    chunks, total = [], 0
    assert proc.stdout is not None and proc.stderr is not None
    with proc:
        while True:
            chunk = proc.stdout.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                proc.kill()
                return None
            chunks.append(chunk)
        err = proc.stderr.read()
    if proc.returncode:
        raise SandboxError(
            f"git diff failed (git exit {proc.returncode}): {err.decode(errors='replace').strip()}"
        )
    return b"".join(chunks)


def diff_tree(
    tree: Path,
    private_git: Path,
    paths: Sequence[str] | None = None,
    limits: tuple[int, int] | None = None,
    tree_limits: TreeLimits | None = None,
) -> str:
    """The change from the starting state to ``tree`` as a binary git diff.

    New untracked files are included, binary files as ``GIT binary patch``; the user tool's
    output folder, nested ``.git`` folders and nested repositories are not. A text file that is
    not UTF-8 comes as a binary patch, so the result is always valid UTF-8 that ``git apply``
    takes.

    Args:
        tree: the work tree.
        private_git: the harness's git dir for it (from :meth:`StartingState.materialize`).
        paths: paths relative to the tree that count (default: all).
        limits: ``(max bytes, max files)`` of the diff; the harness reads no more than that.
        tree_limits: the bounds of the tree under ``paths`` (default :class:`TreeLimits`'s):
            git reads nothing deeper, larger or with more entries.

    Raises:
        SubmissionTooLarge: the diff is over ``limits``, the tree under ``paths`` is past
            ``tree_limits`` or holds a FIFO, socket or device (the message says what to remove).
        SandboxError: git failed.
    """
    base = [f"--git-dir={private_git}", f"--work-tree={tree}"]
    spec_paths = list(paths or ["."])
    if limits is not None:
        plain = [p for p in spec_paths if p not in (".", "")]  # ls-tree takes no pathspec magic
        counts = _baseline(Path(private_git), plain)
    else:
        counts = (0, 0)
    _prescan(Path(tree), spec_paths, limits, counts, tree_limits or TreeLimits())
    # only the paths that count: what lies elsewhere (however big) is never read. A path that
    # neither exists nor was in the starting state matches nothing, which git add refuses.
    wanted = [p for p in (paths or ["."]) if _exists(Path(tree), Path(private_git), p)]
    if wanted:
        add = _git([*base, "add", "-A", "--ignore-errors", "--", *_pathspec(wanted)], Path(tree))
        if add.returncode and b"fatal:" in add.stderr:
            _checked(add, "git add (computing the diff)")
    cmd = [
        *base, "diff", "--cached", "--binary", "--full-index", "--no-textconv", "--no-ext-diff",
        "--no-color", "--no-renames", "--ignore-submodules=all", "HEAD", "--",
    ]  # fmt: skip
    spec = _pathspec(paths)
    if limits is not None:
        names = _checked(
            _git([*base, "diff", "--cached", "--name-only", "-z", "HEAD", "--", *spec], Path(tree)),
            "git diff",
        )
        changed = len([n for n in names.split(b"\0") if n])
        if changed > limits[1]:
            raise SubmissionTooLarge(
                f"the submission changes {changed:,} files, over the task's cap of {limits[1]:,}; "
                "revert what the fix does not need before submitting"
            )
        capped = _capped_git([*cmd, *spec], Path(tree), limits[0])
        if capped is None:
            raise SubmissionTooLarge(
                f"the submission's diff is over the task's cap of {limits[0]:,} bytes; revert "
                "what the fix does not need (generated files, data, builds) before submitting"
            )
        out = capped
    else:
        out = _checked(_git([*cmd, *spec], Path(tree)), "git diff")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # some text file is not UTF-8: diff those as binary (a later attributes line wins)
    names = _checked(
        _git([*base, "diff", "--cached", "--name-only", "-z", "HEAD", "--", *spec], Path(tree)),
        "git diff",
    )
    binary = []
    for name in filter(None, names.split(b"\0")):
        one = _checked(_git([*cmd, f":(literal){os.fsdecode(name)}"], Path(tree)), "git diff")
        try:
            one.decode("utf-8")
        except UnicodeDecodeError:
            binary.append(_attr_pattern(os.fsdecode(name)))
    attributes = Path(private_git) / "info" / "attributes"
    attributes.write_text(
        _NEUTRAL_ATTRIBUTES + "".join(f"{p} binary\n" for p in binary), errors="surrogateescape"
    )
    try:
        out = _checked(_git([*cmd, *spec], Path(tree)), "git diff")
    finally:
        attributes.write_text(_NEUTRAL_ATTRIBUTES)
    return out.decode("utf-8", errors="replace")


def apply_patch(tree: Path, patch: str, reverse: bool = False) -> str | None:
    """Apply a patch in ``tree``; the error text when it does not apply."""
    if not patch.strip():
        return None
    args = ["git", "apply", "--binary", "--whitespace=nowarn"] + (["-R"] if reverse else []) + ["-"]
    proc = subprocess.run(args, cwd=tree, input=patch.encode(), capture_output=True, env=git_env())
    if proc.returncode:
        return proc.stderr.decode(errors="replace").strip() or "git apply failed"
    return None
