"""The file edit tool: view, create, str_replace and insert, confined to the work tree.

It runs on the host, on the tree's host path, for every backend. A path may be relative to the tree
or absolute under the agent's workdir (``/work/app`` in Docker). Everything stays inside the tree:
``..`` escapes, absolute paths elsewhere and symlinks (also a symlinked parent folder) that lead
out are refused, and so are writes inside any ``.git`` folder or the ``.swelancer`` output folder.
Files are opened component by component with ``O_NOFOLLOW`` under the resolved real path, so a
symlink swapped in by a process in the sandbox between the check and the write is refused too.

A file or folder the tool creates belongs to the tree's owner when the harness runs as root and
the tree is someone else's (the Docker backend's ``agent``, uid 1000), so the agent's shell can
change it; existing files keep their owner.

An agent's mistake comes back as ``EditResult(ok=False, output=<what to do>)``; nothing here
raises for it. Edited files keep their line endings (``\\r\\n`` files stay ``\\r\\n``).

Example:
    >>> editor = FileEditor(tree, workdir="/work/app")  # doctest: +SKIP
    >>> editor.str_replace("src/app.py", "return a - b", "return a + b").ok  # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from swelancer_env.sandbox import treeio
from swelancer_env.sandbox.base import OUTPUT_DIR
from swelancer_env.sandbox.output import DEFAULT_OUTPUT_LIMIT, cap_output

__all__ = ["MAX_FILE_BYTES", "EditResult", "FileEditor", "apply_edit"]

MAX_FILE_BYTES = 4_000_000  # larger files are for the shell
_SNIPPET = 4  # lines of context shown around an edit


class EditResult(BaseModel):
    """The outcome of one edit action; ``ok=False`` is an agent mistake, said in ``output``."""

    model_config = ConfigDict(extra="forbid")

    ok: bool
    output: str


class _Refused(Exception):
    """An agent mistake: the message goes back as ``EditResult(ok=False)``."""


def _numbered(lines: list[str], first: int) -> str:
    return "\n".join(f"{n:6}\t{line}" for n, line in enumerate(lines, first))


def _lines(text: str) -> list[str]:
    """Lines as ``cat -n`` counts them, without their ending."""
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


class FileEditor:
    """The edit tool bound to one work tree.

    Args:
        tree: the work tree's host path.
        workdir: the tree's path as the agent sees it (default: the host path).
        output_limit: characters of a view shown at most (head and tail kept).
    """

    def __init__(
        self, tree: Path, workdir: str | None = None, output_limit: int = DEFAULT_OUTPUT_LIMIT
    ) -> None:
        self.tree = Path(tree)
        self.workdir = (workdir or str(tree)).rstrip("/") or "/"
        self.output_limit = output_limit

    # -- the four commands -------------------------------------------------------------------

    def view(self, path: str, view_range: tuple[int, int] | list[int] | None = None) -> EditResult:
        """Show a file with line numbers, or list a directory two levels deep (hidden skipped)."""
        return self._guard(self._view, path, view_range)

    def create(self, path: str, file_text: str) -> EditResult:
        """Write ``file_text`` to ``path``, making parent folders; overwrites a file."""
        return self._guard(self._create, path, file_text)

    def str_replace(self, path: str, old_str: str, new_str: str = "") -> EditResult:
        """Replace the one occurrence of ``old_str`` in ``path`` with ``new_str``."""
        return self._guard(self._str_replace, path, old_str, new_str)

    def insert(self, path: str, insert_line: int, text: str) -> EditResult:
        """Insert ``text`` after line ``insert_line`` (0: at the top) of ``path``."""
        return self._guard(self._insert, path, insert_line, text)

    # -- implementations ---------------------------------------------------------------------

    def _guard(self, fn: Any, *args: Any) -> EditResult:
        try:
            return EditResult(ok=True, output=fn(*args))
        except _Refused as e:
            return EditResult(ok=False, output=str(e))
        except UnicodeEncodeError as e:
            return EditResult(ok=False, output=f"the text cannot be written as UTF-8 ({e.reason})")
        except OSError as e:
            return EditResult(
                ok=False, output=f"{e.strerror or e} (errno {e.errno}); check the path"
            )

    def _view(self, path: str, view_range: tuple[int, int] | list[int] | None) -> str:
        parts, shown = self._locate(path)
        st = self._stat(parts)
        if st is None:
            raise _Refused(f"{shown} does not exist; view {self.workdir} to list the files")
        if stat.S_ISDIR(st.st_mode):
            if view_range is not None:
                raise _Refused(f"{shown} is a directory: view_range is only for files")
            text = self._listing(parts, shown)
            return cap_output(text, self.output_limit)[0]
        data = self._read(parts, shown)
        if b"\0" in data[:8192]:
            raise _Refused(
                f"{shown} is a binary file ({len(data):,} bytes); inspect it with the shell"
            )
        lines = _lines(data.decode("utf-8", "replace"))
        first = 1
        if view_range is not None:
            if len(view_range) != 2:
                raise _Refused("view_range must be two numbers: [first line, last line or -1]")
            start, end = int(view_range[0]), int(view_range[1])
            if end == -1:
                end = len(lines)
            if not 1 <= start <= max(len(lines), 1) or end < start:
                raise _Refused(
                    f"view_range {list(view_range)} is not within {shown}, which has {len(lines)} "
                    "lines; give [first, last] with 1 <= first <= last, or last = -1 for the end"
                )
            first, lines = start, lines[start - 1 : end]
        if not lines:
            return f"{shown} is empty"
        text, cut = cap_output(_numbered(lines, first), self.output_limit)
        if cut:
            text += "\n[the file is long: use view_range to see the part that was cut]"
        return text

    def _create(self, path: str, file_text: str) -> str:
        parts, shown = self._locate(path, write=True)
        st = self._stat(parts)
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise _Refused(f"{shown} exists and is not a regular file; pick another path")
        self._write(parts, shown, file_text, make_dirs=True)
        verb = "overwrote" if st is not None else "created"
        return f"{verb} {shown} ({len(_lines(file_text))} lines)"

    def _str_replace(self, path: str, old_str: str, new_str: str) -> str:
        parts, shown = self._locate(path, write=True)
        text = self._read_text(parts, shown)
        if not old_str:
            raise _Refused(
                "old_str is empty; to add text use insert, to write a whole file use create"
            )
        if "\r\n" in text and "\r\n" not in old_str:
            old_str, new_str = old_str.replace("\n", "\r\n"), new_str.replace("\n", "\r\n")
        count = text.count(old_str)
        if count == 0:
            hint = ""
            stripped = old_str.strip()
            if stripped and stripped != old_str and stripped in text:
                line = text.count("\n", 0, text.index(stripped)) + 1
                hint = f" Without its leading and trailing whitespace it occurs at line {line}."
            raise _Refused(
                f"old_str was not found in {shown}; it must match exactly, including whitespace "
                f"and indentation.{hint} View the file and copy the exact text."
            )
        if count > 1:
            at, lines = 0, []
            while (at := text.find(old_str, at)) >= 0:
                lines.append(text.count("\n", 0, at) + 1)
                at += 1
            raise _Refused(
                f"old_str occurs {count} times in {shown}, at lines "
                f"{', '.join(map(str, lines))}; include more of the surrounding lines so that "
                "it matches exactly once"
            )
        at = text.index(old_str)
        new_text = text[:at] + new_str + text[at + len(old_str) :]
        self._write(parts, shown, new_text)
        return self._snippet(shown, new_text, text.count("\n", 0, at) + 1, new_str)

    def _insert(self, path: str, insert_line: int, new_text: str) -> str:
        parts, shown = self._locate(path, write=True)
        text = self._read_text(parts, shown)
        count = len(_lines(text))
        if not 0 <= insert_line <= count:
            raise _Refused(
                f"insert_line {insert_line} is out of range: {shown} has {count} lines; "
                f"give 0 (the top) to {count} (the end)"
            )
        nl = "\r\n" if "\r\n" in text else "\n"
        if nl == "\r\n" and "\r\n" not in new_text:
            new_text = new_text.replace("\n", "\r\n")
        if new_text and not new_text.endswith(nl):
            new_text += nl
        at = 0
        for _ in range(insert_line):
            nxt = text.find("\n", at)
            at = len(text) if nxt < 0 else nxt + 1
        first = insert_line + 1
        if at == len(text) and text and not text.endswith("\n"):
            new_text = nl + new_text  # the last line had no line ending
            first += 1
        full = text[:at] + new_text + text[at:]
        self._write(parts, shown, full)
        return self._snippet(shown, full, first, new_text)

    # -- helpers -----------------------------------------------------------------------------

    def _snippet(self, shown: str, full: str, first: int, segment: str) -> str:
        lines = _lines(full)
        last = first + max(len(_lines(segment)), 1) - 1
        start, end = max(first - _SNIPPET, 1), min(last + _SNIPPET, len(lines))
        body = _numbered(lines[start - 1 : end], start)
        return cap_output(
            f"edited {shown}; lines {start}-{end} now read:\n{body}", self.output_limit
        )[0]

    def _locate(self, path: str, write: bool = False) -> tuple[list[str], str]:
        """The real path's components under the tree, and the path as the agent sees it."""
        if not isinstance(path, str) or not path.strip() or "\0" in path:
            raise _Refused("give a path: relative to the work tree, or absolute inside it")
        rel = path
        if path.startswith("/"):
            norm = posixpath.normpath(path)
            for prefix in dict.fromkeys((self.workdir, str(self.tree).rstrip("/"))):
                if norm == prefix or norm.startswith(prefix.rstrip("/") + "/"):
                    rel = norm[len(prefix) :].lstrip("/") or "."
                    break
            else:
                raise _Refused(
                    f"{path} is outside the work tree; use a path relative to {self.workdir} "
                    "or an absolute path inside it"
                )
        rel = posixpath.normpath(rel)
        if rel == ".." or rel.startswith("../"):
            raise _Refused(
                f"{path} leads out of the work tree ({self.workdir}); edit files inside it"
            )
        shown = self.workdir if rel == "." else posixpath.join(self.workdir, rel)
        real_tree = os.path.realpath(self.tree)
        real = os.path.realpath(os.path.join(real_tree, rel))
        if real != real_tree and not real.startswith(real_tree.rstrip("/") + "/"):
            raise _Refused(
                f"{shown} goes through a symlink that leads out of the work tree; "
                "edit the files inside the tree"
            )
        parts = [p for p in os.path.relpath(real, real_tree).split(os.sep) if p not in ("", ".")]
        if write:
            for names in (parts, rel.split("/")):
                if any(n.lower() == ".git" for n in names) or names[:1] == [OUTPUT_DIR]:
                    raise _Refused(
                        f"{shown} is inside a .git or {OUTPUT_DIR} folder, which the edit tool "
                        "does not write; edit the project's files"
                    )
            if not parts:
                raise _Refused(f"{shown} is the work tree itself; give a file path")
        return parts, shown

    @contextmanager
    def _parent(self, parts: list[str], make_dirs: bool = False) -> Iterator[int]:
        """A descriptor of the folder holding ``parts[-1]``, walked without following links."""
        fd = treeio.open_tree(self.tree)
        try:
            for name in parts[:-1]:
                made = False
                if make_dirs:
                    try:
                        os.mkdir(name, dir_fd=fd)
                        made = True
                    except FileExistsError:
                        pass
                try:
                    nxt = os.open(name, treeio.DIR_FLAGS, dir_fd=fd)
                except OSError as e:
                    raise _Refused(
                        f"{'/'.join(parts)}: {name} is not a folder inside the tree"
                    ) from e
                os.close(fd)
                fd = nxt
                if made:
                    self._give(fd)
            yield fd
        finally:
            os.close(fd)

    def _stat(self, parts: list[str]) -> os.stat_result | None:
        try:
            if not parts:
                return os.stat(os.path.realpath(self.tree))
            with self._parent(parts) as fd:
                return os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        except (FileNotFoundError, _Refused):
            return None

    def _read(self, parts: list[str], shown: str) -> bytes:
        if not parts:
            raise _Refused(f"{shown} is a directory")
        with self._parent(parts) as dfd:
            try:
                fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
            except FileNotFoundError:
                raise _Refused(f"{shown} does not exist; create it with create") from None
            with os.fdopen(fd, "rb") as f:
                st = os.fstat(fd)
                if stat.S_ISDIR(st.st_mode):
                    raise _Refused(f"{shown} is a directory; view it to list its files")
                if not stat.S_ISREG(st.st_mode):
                    raise _Refused(f"{shown} is not a regular file")
                if st.st_size > MAX_FILE_BYTES:
                    raise _Refused(
                        f"{shown} is {st.st_size:,} bytes, too big for the edit tool; use the shell"
                    )
                return f.read()

    def _read_text(self, parts: list[str], shown: str) -> str:
        data = self._read(parts, shown)
        if b"\0" in data[:8192]:
            raise _Refused(f"{shown} is a binary file; the edit tool edits text, use the shell")
        return data.decode("utf-8", "surrogateescape")

    def _write(self, parts: list[str], shown: str, text: str, make_dirs: bool = False) -> None:
        data = text.encode("utf-8", "surrogateescape")
        with self._parent(parts, make_dirs) as dfd:
            flags = os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            made = False
            try:
                try:
                    fd = os.open(parts[-1], flags | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dfd)
                    made = True
                except FileExistsError:
                    fd = os.open(parts[-1], flags, dir_fd=dfd)
            except IsADirectoryError:
                raise _Refused(f"{shown} is a directory; give a file path") from None
            except OSError as e:
                raise _Refused(
                    f"{shown} cannot be written ({e.strerror}); pick another path"
                ) from e
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    raise _Refused(f"{shown} is not a regular file; pick another path")
                if st.st_nlink > 1 and not made:  # a hard link may share a file outside
                    raise _Refused(
                        f"{shown} has {st.st_nlink} hard links; the edit tool writes only files "
                        "with one: copy it (cp --remove-destination) and edit the copy"
                    )
                if made:
                    self._give(fd)
                os.ftruncate(fd, 0)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)

    def _give(self, fd: int) -> None:
        """Hand a file or folder the harness just made to the tree's owner (see ``treeio.tree_owner``)."""
        owner = treeio.tree_owner(self.tree)
        if owner is not None:
            os.fchown(fd, *owner)

    def _listing(self, parts: list[str], shown: str) -> str:
        root = os.path.join(os.path.realpath(self.tree), *parts)
        out = [f"Files and folders up to 2 levels deep in {shown}, hidden ones left out:", shown]

        def walk(folder: str, display: str, depth: int) -> None:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                return
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                out.append(f"{display}/{entry.name}{'/' if is_dir else ''}")
                if is_dir and depth < 2:
                    walk(entry.path, f"{display}/{entry.name}", depth + 1)

        walk(root, shown.rstrip("/"), 1)
        return "\n".join(out)


def apply_edit(tree: Path, workdir: str, action: Any) -> EditResult:
    """Run an edit action (``view``, ``create``, ``str_replace``, ``insert``) on ``tree``.

    Args:
        tree: the work tree's host path.
        workdir: the tree's path as the agent sees it.
        action: an action model with ``type`` and that command's fields.
    """
    editor = FileEditor(tree, workdir)
    kind = getattr(action, "type", None)
    if kind == "view":
        return editor.view(action.path, getattr(action, "view_range", None))
    if kind == "create":
        return editor.create(action.path, action.file_text)
    if kind == "str_replace":
        return editor.str_replace(action.path, action.old_str, action.new_str)
    if kind == "insert":
        return editor.insert(action.path, action.insert_line, action.text)
    return EditResult(
        ok=False, output=f"{kind!r} is not an edit command; use view, create, str_replace or insert"
    )
