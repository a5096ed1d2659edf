"""The Docker app keeper's own copy and removal of the agent's tree (standard library only: it
runs in the container), here on this machine: iterative, bounded, never through a link; and the
user tool's fingerprint of a tree of any shape."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from swelancer_env.backends.docker import appctl
from swelancer_env.backends.docker.container import start_request
from swelancer_env.browser.user_tool import tree_fingerprint
from swelancer_env.sandbox.treewalk import TreeLimits, remove_tree
from swelancer_env.tasks.model import App

_DIR = os.O_RDONLY | os.O_DIRECTORY


def deep(root: Path, levels: int) -> None:
    fd = os.open(root, _DIR)
    for _ in range(levels):
        os.mkdir("d", dir_fd=fd)
        nxt = os.open("d", _DIR, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(fd)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "f.txt").write_text("hello")
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o755)
    (src / "lnk").symlink_to("/etc/passwd")
    (src / ".git" / "objects").mkdir(parents=True)
    (src / ".swelancer").mkdir()
    (src / "a").chmod(0o555)
    return src


def test_the_copy_keeps_files_modes_and_links_but_no_link_is_followed(
    src: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "dst"
    dst.mkdir()
    appctl._copy(str(src), str(dst))
    assert sorted(os.listdir(dst)) == ["a", "lnk", "run.sh"]
    assert (dst / "a" / "b" / "f.txt").read_text() == "hello"
    assert os.readlink(dst / "lnk") == "/etc/passwd"
    assert (dst / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (dst / "a").stat().st_mode & 0o777 == 0o555
    assert (dst / "a").stat().st_mtime_ns == (src / "a").stat().st_mtime_ns
    appctl._remove_all(str(dst), keep_top=True)
    assert dst.is_dir() and os.listdir(dst) == []


def test_the_copy_refuses_a_deep_tree_a_fifo_and_too_much(src: Path, tmp_path: Path) -> None:
    dst = tmp_path / "dst"
    dst.mkdir()
    deep(src, 1100)
    with pytest.raises(appctl._Refused, match=r"more than 256 folders deep \(at d/d/d/\.\.\./d"):
        appctl._copy(str(src), str(dst), TreeLimits().model_dump())
    started = time.monotonic()
    appctl._remove_all(str(dst), keep_top=True)
    appctl._remove_all(str(src / "d"))
    assert os.listdir(dst) == [] and not (src / "d").exists()
    assert time.monotonic() - started < 30
    (src / "a").chmod(0o755)
    os.mkfifo(src / "a" / "b" / "pipe.js")
    with pytest.raises(appctl._Refused, match=r"a FIFO \(named pipe\) at a/b/pipe.js"):
        appctl._copy(str(src), str(dst))
    appctl._remove_all(str(dst), keep_top=True)
    (src / "a" / "b" / "pipe.js").unlink()
    (src / "big.bin").write_bytes(b"x" * 5000)
    with pytest.raises(appctl._Refused, match="more than 1,000 bytes"):
        appctl._copy(str(src), str(dst), {"max_bytes": 1000})
    appctl._remove_all(str(dst), keep_top=True)
    with pytest.raises(appctl._Refused, match="more than 3 files and folders"):
        appctl._copy(str(src), str(dst), {"max_entries": 3})


def test_the_start_request_carries_the_limits() -> None:
    app = App(name="x", root=Path("/nowhere"), start="python3 -m http.server {port}")
    assert start_request(app, 10)["limits"] == TreeLimits().model_dump()
    small = TreeLimits(max_depth=3)
    assert start_request(app, 10, limits=small)["limits"]["max_depth"] == 3


def test_the_fingerprint_of_a_deep_tree_with_a_fifo(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x")
    deep(tmp_path, 1100)
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / os.fsdecode(b"bad\xffname")).write_text("x")  # not UTF-8: still hashed
    try:
        first = tree_fingerprint(tmp_path)
        assert tree_fingerprint(tmp_path) == first
        (tmp_path / "src" / "a.py").write_text("changed")  # after the deep folders, by name
        assert tree_fingerprint(tmp_path) != first
    finally:
        assert remove_tree(tmp_path / "d")  # pytest's own clean-up would recurse
