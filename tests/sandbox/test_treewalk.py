"""The bounded, iterative tree walk and removal that every walk of an agent's tree goes through."""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from swelancer_env.sandbox.treewalk import (
    MAX_OPEN,
    TreeLimits,
    TreeWalk,
    empty_folder,
    open_subpath,
    remove_tree,
    tree_problem,
)
from swelancer_env.tempdirs import MARKER, force_rmtree, make_temp_dir, remove_stale_temp_dirs

_DIR = os.O_RDONLY | os.O_DIRECTORY


def deep_tree(root: Path, levels: int, name: str = "d") -> None:
    """``root/d/d/.../d/leaf.txt``, ``levels`` folders deep (made by descriptors: no path is
    short enough to name its bottom)."""
    fd = os.open(root, _DIR)
    try:
        for _ in range(levels):
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, _DIR, dir_fd=fd)
            os.close(fd)
            fd = nxt
        out = os.open("leaf.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, b"bottom")
        os.close(out)
    finally:
        os.close(fd)


def walk_all(walk: TreeWalk) -> list[str]:
    return [entry.path for entry in walk]


def test_a_tree_5000_levels_deep_is_walked_to_the_bound_and_removed(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    deep_tree(tree, 5000)
    assert sys.getrecursionlimit() < 5000  # what made os.walk and shutil.rmtree raise
    walk = TreeWalk(tree)
    paths = walk_all(walk)
    assert walk.over == "depth" and len(paths) == 256 and walk.depth == 256
    assert walk.where.count("/") == 256
    problem = walk.problem() or ""
    assert "more than 256 folders deep" in problem and "d/d/d/…/d (257 levels)" in problem
    assert remove_tree(tree) and not tree.exists()


def test_a_deep_tree_is_removed_with_few_descriptors_and_read_only_folders(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    deep_tree(tree, 3 * MAX_OPEN + 5)
    fd = os.open(tree, _DIR)
    for _ in range(MAX_OPEN + 2):  # a read-only folder below the descriptors' depth
        nxt = os.open("d", _DIR, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.fchmod(fd, 0o500)
    os.close(fd)
    (tree / "ro").mkdir()
    (tree / "ro" / "x").write_text("x")
    (tree / "ro").chmod(0o500)
    before = len(os.listdir("/proc/self/fd"))
    assert empty_folder_at(tree) and os.listdir(tree) == []
    assert len(os.listdir("/proc/self/fd")) == before
    assert remove_tree(tree) and not tree.exists()


def empty_folder_at(folder: Path, keep: tuple[str, ...] = ()) -> bool:
    fd = os.open(folder, _DIR)
    try:
        return empty_folder(fd, keep)
    finally:
        os.close(fd)


def test_many_entries_stop_at_the_entries_bound(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"f{i:02}").write_text("x")
    (tmp_path / "sub").mkdir()
    for i in range(30):
        (tmp_path / "sub" / f"g{i:02}").write_text("x")
    walk = TreeWalk(tmp_path, TreeLimits(max_entries=40))
    paths = walk_all(walk)
    assert walk.over == "entries" and len(paths) == 40 and walk.entries == 40
    assert "more than 40 files and folders" in (walk.problem() or "")
    whole = TreeWalk(tmp_path, TreeLimits(max_entries=61))
    assert len(walk_all(whole)) == 61 and whole.ok


def test_bytes_stop_at_the_bytes_bound_and_name_the_largest(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.bin").write_bytes(b"x" * 6000)
    (tmp_path / "b.txt").write_bytes(b"y" * 3000)
    with open(tmp_path / "sparse", "wb") as f:  # no blocks, but its length counts
        f.truncate(1 << 40)
    walk = TreeWalk(tmp_path, TreeLimits(max_bytes=10_000), sort=True)
    walk_all(walk)
    assert walk.over == "bytes"
    under = TreeWalk(tmp_path, TreeLimits(max_bytes=10_000), skip=("sparse",), sort=True)
    walk_all(under)
    assert under.ok and under.bytes == 9000
    assert under.largest() == "data (5.9 KiB), b.txt (2.9 KiB)"


def test_a_link_is_an_entry_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "inner" / "secret.txt").write_text("host file")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "to_dir").symlink_to(outside)
    (tree / "to_file").symlink_to(outside / "inner" / "secret.txt")
    walk = TreeWalk(tree, sort=True)
    kinds = {e.path: e.kind for e in walk}
    assert kinds == {"to_dir": "link", "to_file": "link"}
    assert walk.bytes == 0
    assert remove_tree(tree) and not tree.exists()
    assert (outside / "inner" / "secret.txt").read_text() == "host file"
    (tmp_path / "link_root").symlink_to(outside)
    assert walk_all(TreeWalk(tmp_path / "link_root")) == []  # not even the root is followed
    assert remove_tree(tmp_path / "link_root") and outside.is_dir()


def test_a_folder_swapped_for_a_link_while_walking_is_not_entered(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "host.txt").write_text("x")
    tree = tmp_path / "tree"
    (tree / "a").mkdir(parents=True)
    (tree / "a" / "in.txt").write_text("x")
    seen = []
    walk = TreeWalk(tree)
    for entry in walk:
        seen.append(entry.path)
        if entry.path == "a":  # the agent's process swaps it after the listing
            os.rename(tree / "a", tree / "a.old")
            (tree / "a").symlink_to(outside)
    assert seen == ["a"] and walk.unreadable == 1


def test_a_fifo_a_socket_are_reported_and_never_block(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    os.mkfifo(tmp_path / "src" / "module.js")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "app.sock"))
        walk = TreeWalk(tmp_path, sort=True)
        kinds = {e.path: e.kind for e in walk}
    finally:
        sock.close()
    assert kinds["src/module.js"] == "special" and kinds["app.sock"] == "special"
    assert walk.specials == 2
    assert walk.special == [("app.sock", "socket"), ("src/module.js", "FIFO (named pipe)")]
    problem = tree_problem(tmp_path, skip_top=("app.sock",)) or ""
    assert "holds a FIFO (named pipe) at src/module.js" in problem and "rm src/module.js" in problem
    assert remove_tree(tmp_path / "src") and not (tmp_path / "src").exists()
    assert tree_problem(tmp_path, skip=("app.sock",)) is None
    (tmp_path / "a").write_text("x")
    (tmp_path / "b").write_text("x")
    assert "more than 1 files and folders" in (
        tree_problem(tmp_path, TreeLimits(max_entries=1)) or ""
    )


def test_skips_prefix_and_descend(tmp_path: Path) -> None:
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".swelancer").mkdir()
    (tmp_path / "src" / ".git").mkdir(parents=True)
    (tmp_path / "src" / "a.py").write_text("x")
    (tmp_path / "src" / "lib" / "deep").mkdir(parents=True)
    (tmp_path / "src" / "lib" / "deep" / "b.py").write_text("x")
    walk = TreeWalk(tmp_path, skip=(".git",), skip_top=(".swelancer",), sort=True)
    assert walk_all(walk) == ["src", "src/a.py", "src/lib", "src/lib/deep", "src/lib/deep/b.py"]
    root = os.open(tmp_path, _DIR)
    fd = open_subpath(root, "src")
    os.close(root)
    assert fd is not None
    sub = TreeWalk(fd, TreeLimits(max_depth=2), skip=(".git",), prefix="src", sort=True)
    paths = []
    for entry in sub:
        paths.append(entry.path)
    os.close(fd)
    assert paths == ["src/a.py", "src/lib"] and sub.over == "depth"
    assert sub.where == "src/lib/deep"
    pruned = TreeWalk(tmp_path, skip=(".git", ".swelancer"), sort=True)
    kept = []
    for entry in pruned:
        kept.append(entry.path)
        if entry.name == "lib":
            entry.descend = False
    assert kept == ["src", "src/a.py", "src/lib"]


def test_open_subpath_refuses_links_and_files(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    root = os.open(tmp_path, _DIR)
    try:
        for rel in ("link", "file", "missing", "real/../real", "link/x"):
            assert open_subpath(root, rel) is None, rel
        fd = open_subpath(root, "real")
        assert fd is not None
        os.close(fd)
    finally:
        os.close(root)


def test_force_rmtree_and_the_janitor_remove_a_deep_leftover(tmp_path: Path) -> None:
    mine = make_temp_dir("swelancer-deep-", dir=tmp_path)
    (mine / "tree").mkdir()
    deep_tree(mine / "tree", 1100)
    assert force_rmtree(mine) and not mine.exists()
    # a crashed run's folder (its maker is gone): the janitor removes it, deep tree and all
    stale = tmp_path / "swelancer-stale"
    (stale / "tree").mkdir(parents=True)
    gone = {"pid": 2**22 + 7, "start": 1, "host": socket.gethostname()}
    (stale / MARKER).write_text(json.dumps(gone))
    deep_tree(stale / "tree", 1100)
    os.mkfifo(stale / "tree" / "pipe")
    assert remove_stale_temp_dirs(tmp_path) == 1 and not stale.exists()
    # and the clean-up of crashed runs' folders that `eval --executor ray` does at its end
    from swelancer_env.evaluation.ray_executor import _remove_what_dead_workers_left

    stale = Path(tempfile.gettempdir()) / "swelancer-stale-ray"
    (stale / "tree").mkdir(parents=True)
    (stale / MARKER).write_text(json.dumps(gone))
    deep_tree(stale / "tree", 1100)
    _remove_what_dead_workers_left()
    assert not stale.exists()


def test_force_rmtree_keeps_the_marker_of_a_folder_it_could_not_empty(tmp_path: Path) -> None:
    folder = make_temp_dir("swelancer-keep-", dir=tmp_path)
    (folder / "x").write_text("x")
    fd = os.open(folder, _DIR)
    try:
        assert empty_folder(fd, keep=(MARKER,))
    finally:
        os.close(fd)
    assert os.listdir(folder) == [MARKER]
    assert force_rmtree(folder) and not folder.exists()
    assert force_rmtree(folder)  # nothing there: done


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to own files it gives away")
def test_removal_as_root_of_another_users_read_only_tree(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "f").write_text("x")
    for path in (tree / "a" / "b" / "f", tree / "a" / "b", tree / "a"):
        os.lchown(path, 1000, 1000)
        path.chmod(0o500 if path.is_dir() else 0o400)
    assert remove_tree(tree) and not tree.exists()
